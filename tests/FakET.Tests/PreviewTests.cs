using System.Text.Json.Nodes;
using FakET.Noise;
using FakET.Preview;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>PNG files checked by an independent decoder (Python's standard library), and the noise profile plot that
/// ScottPlot draws.</summary>
[Trait("Tier", "Process")]
public class PreviewTests
{
    /// <summary>Decodes a PNG with Python's zlib and struct only: checks the signature, every chunk's CRC and IHDR, undoes
    /// the scanline filters (None, Sub, Up, Average, Paeth), and prints the size, colour type and pixel bytes as JSON.</summary>
    const string Decoder = """
        import sys, json, struct, zlib
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\x89PNG\r\n\x1a\n', 'signature'
        at, chunks = 8, []
        while at < len(data):
            length, kind = struct.unpack('>I4s', data[at:at + 8])
            body = data[at + 8:at + 8 + length]
            crc, = struct.unpack('>I', data[at + 8 + length:at + 12 + length])
            assert zlib.crc32(kind + body) & 0xffffffff == crc, 'crc of ' + kind.decode()
            chunks.append((kind.decode(), body))
            at += 12 + length
        assert at == len(data), 'trailing bytes'
        assert chunks[0][0] == 'IHDR' and chunks[-1][0] == 'IEND', 'chunk order'
        w, h, depth, colour, compression, filtering, interlace = struct.unpack('>IIBBBBB', chunks[0][1])
        assert depth == 8 and compression == 0 and filtering == 0 and interlace == 0
        channels = {0: 1, 2: 3, 6: 4}[colour]
        raw = zlib.decompress(b''.join(b for k, b in chunks if k == 'IDAT'))
        stride = w * channels + 1
        assert len(raw) == h * stride, 'size of the image data'
        def paeth(a, b, c):
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            return a if pa <= pb and pa <= pc else b if pb <= pc else c
        rows, previous = [], bytearray(w * channels)
        for y in range(h):
            kind, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
            assert kind <= 4, 'filter type'
            for i in range(len(line)):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                line[i] = (line[i] + (0, a, b, (a + b) // 2, paeth(a, b, c))[kind]) & 0xff
            rows.append(bytes(line))
            previous = line
        print(json.dumps({'width': w, 'height': h, 'colour': colour, 'pixels': b''.join(rows).hex()}))
        """;

    internal static (int Width, int Height, int Colour, byte[] Pixels) Decode(string path)
    {
        var (exit, output) = MrcTests.Python(Decoder, path);
        Assert.True(exit == 0, output);
        var json = JsonNode.Parse(output)!;
        return (json["width"]!.GetValue<int>(), json["height"]!.GetValue<int>(), json["colour"]!.GetValue<int>(),
            Convert.FromHexString(json["pixels"]!.GetValue<string>()));
    }

    [Fact]
    public void PngFilesAreValidAndHoldExactlyThePixels()
    {
        using var dir = new TempDir();
        // Grey: any bytes come back exactly, as colour type 0.
        var grey = new GrayCanvas(37, 23);
        new Random(1).NextBytes(grey.Pixels);
        grey.Write(dir.File("grey.png"));
        var decoded = Decode(dir.File("grey.png"));
        Assert.Equal((37, 23, 0), (decoded.Width, decoded.Height, decoded.Colour));
        Assert.Equal(grey.Pixels, decoded.Pixels);
        // A plot: opaque RGB, colour type 2, the very pixels drawn.
        var plot = NoiseProfilePlot.Render(Linear(increasing: true), 300, 220).Image;
        File.WriteAllBytes(dir.File("plot.png"), plot.Png);
        var (w, h, colour, pixels) = Decode(dir.File("plot.png"));
        Assert.Equal((300, 220, 2), (w, h, colour));
        Assert.Equal(plot.Pixels, pixels);
    }

    static NoiseProfile Linear(bool increasing)
    {
        const int n = 21;
        var r = Enumerable.Range(0, n).Select(i => 0.1 + 0.4 * (increasing ? i : n - 1 - i) / (n - 1)).ToArray();
        var sigma = r.Select(_ => 0.9).Select((v, i) => v + 0.002 * i).ToArray();
        var ones = Enumerable.Repeat(1.0, n).ToArray();
        return new NoiseProfile(new NoiseCurves(r, sigma, ones, ones), Synthetic.Angles(n), 1);
    }

    /// <summary>The pixel that holds the point (x, y) of the panel's data.</summary>
    static (int X, int Y) At(PlotArea panel, double x, double y) => ((int)Math.Floor(panel.PixelX(x)), (int)Math.Floor(panel.PixelY(y)));

    /// <summary>Whether <paramref name="colour"/>, exactly, is at the pixel or one of its eight neighbours: an anti-aliased
    /// line 2.5 pixels wide covers at least one of them fully.</summary>
    static bool Near(PlotPicture image, (int X, int Y) p, Rgb colour) =>
        Enumerable.Range(-1, 3).Any(j => Enumerable.Range(-1, 3).Any(i => image[p.X + i, p.Y + j] == colour));

    [Fact]
    public void ThePlotDrawsTheCurvesWhereTheValuesAre()
    {
        using var dir = new TempDir();
        var up = NoiseProfilePlot.Render(Linear(increasing: true), 900, 640);
        var down = NoiseProfilePlot.Render(Linear(increasing: false), 900, 640);
        Assert.Equal((900, 640), (up.Image.Width, up.Image.Height));
        // Same values, so the same axes: only the r curve differs between the two images.
        Assert.Equal((up.R, up.Sigma), (down.R, down.Sigma));
        var panel = up.R;
        Assert.True(Near(up.Image, At(panel, -60, 0.1), NoiseProfilePlot.RColour));
        Assert.True(Near(up.Image, At(panel, 60, 0.5), NoiseProfilePlot.RColour));
        Assert.True(Near(down.Image, At(panel, -60, 0.5), NoiseProfilePlot.RColour));
        Assert.True(Near(down.Image, At(panel, 60, 0.1), NoiseProfilePlot.RColour));
        Assert.False(Near(up.Image, At(panel, -60, 0.5), NoiseProfilePlot.RColour));
        Assert.False(Near(down.Image, At(panel, -60, 0.1), NoiseProfilePlot.RColour));
        // Every tilt's r is on the curve.
        for (int i = 0; i < 21; i++)
            Assert.True(Near(up.Image, At(panel, up.X[i], 0.1 + 0.02 * i), NoiseProfilePlot.RColour), $"tilt {i}");
        // The σ panel, its title and tick labels included, is the same pixel for pixel, and it holds its own curve.
        var sigma = up.Sigma;
        for (int y = sigma.Title.Top; y < 640; y++)
            for (int x = 0; x < 900; x++)
                Assert.Equal(up.Image[x, y], down.Image[x, y]);
        Assert.True(Near(up.Image, At(sigma, 0, 0.92), NoiseProfilePlot.SigmaColour));
        // The r panel is mostly background; the curve changed pixels there.
        int changed = 0;
        for (int y = (int)panel.Top; y < panel.Top + panel.Height; y++)
            for (int x = (int)panel.Left; x < panel.Left + panel.Width; x++)
                if (up.Image[x, y] != down.Image[x, y]) changed++;
        Assert.InRange(changed, 1000, panel.Width * panel.Height / 10);
        // Both panels share the x axis, pixel for pixel.
        Assert.Equal((panel.Left, panel.Width, panel.X), (sigma.Left, sigma.Width, sigma.X));

        // What the file holds is the same picture.
        NoiseProfilePlot.Write(dir.File("up.png"), Linear(increasing: true), 900, 640);
        var (w, h, _, pixels) = Decode(dir.File("up.png"));
        Assert.Equal((900, 640), (w, h));
        Assert.Equal(up.Image.Pixels, pixels);
    }

    [Fact]
    public void MeasuredPointsAreDrawnOverTheFit()
    {
        var measured = NoiseEstimation.Measure(NoiseTests.Measured, NoiseTests.Clean);
        var profile = Engine.Aggregate(new[] { measured }, 2, Synthetic.Angles(21));
        var drawing = NoiseProfilePlot.Render(profile, 640, 480);
        for (int i = 0; i < 21; i++)
        {
            // The middle of each marker, in the point's own colour, even where the fit runs through it.
            var (rx, ry) = At(drawing.R, drawing.X[i], measured.R[i]);
            var (sx, sy) = At(drawing.Sigma, drawing.X[i], measured.Sigma[i]);
            Assert.Equal(NoiseProfilePlot.RPointColour, drawing.Image[rx, ry]);
            Assert.Equal(NoiseProfilePlot.SigmaPointColour, drawing.Image[sx, sy]);
        }
        // Without angles the x axis is the tilt index.
        var byIndex = NoiseProfilePlot.Render(new NoiseProfile(profile.Values, null, 2), 300, 220);
        Assert.Equal(Enumerable.Range(0, 21).Select(i => (double)i), byIndex.X);
    }
}

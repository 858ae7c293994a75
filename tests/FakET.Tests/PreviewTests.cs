using System.Text.Json.Nodes;
using FakET.Noise;
using FakET.Preview;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>PNG files checked by an independent decoder (Python's standard library), and the noise profile plot.</summary>
[Trait("Tier", "Process")]
public class PreviewTests
{
    /// <summary>Decodes a PNG with Python's zlib and struct only: checks the signature, every chunk's CRC, IHDR and the
    /// scanline filters, and prints the size, colour type and pixel bytes as JSON.</summary>
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
        channels = {0: 1, 2: 3}[colour]
        raw = zlib.decompress(b''.join(b for k, b in chunks if k == 'IDAT'))
        stride = w * channels + 1
        assert len(raw) == h * stride, 'size of the image data'
        assert all(raw[y * stride] == 0 for y in range(h)), 'filter type'
        pixels = b''.join(raw[y * stride + 1:(y + 1) * stride] for y in range(h))
        print(json.dumps({'width': w, 'height': h, 'colour': colour, 'pixels': pixels.hex()}))
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
        var random = new Random(1);
        var image = new Raster(37, 23, Rgb.White);
        random.NextBytes(image.Pixels);
        PngFile.Write(dir.File("rgb.png"), image);
        var (w, h, colour, pixels) = Decode(dir.File("rgb.png"));
        Assert.Equal((37, 23, 2), (w, h, colour));
        Assert.Equal(image.Pixels, pixels);

        var grey = new byte[5 * 3];
        random.NextBytes(grey);
        using (var file = File.Create(dir.File("grey.png"))) PngFile.WriteGray(file, grey, 5, 3);
        var decoded = Decode(dir.File("grey.png"));
        Assert.Equal((5, 3, 0), (decoded.Width, decoded.Height, decoded.Colour));
        Assert.Equal(grey, decoded.Pixels);
    }

    static NoiseProfile Linear(bool increasing)
    {
        const int n = 21;
        var r = Enumerable.Range(0, n).Select(i => 0.1 + 0.4 * (increasing ? i : n - 1 - i) / (n - 1)).ToArray();
        var sigma = r.Select(_ => 0.9).Select((v, i) => v + 0.002 * i).ToArray();
        var ones = Enumerable.Repeat(1.0, n).ToArray();
        return new NoiseProfile(new NoiseCurves(r, sigma, ones, ones), Synthetic.Angles(n), 1);
    }

    [Fact]
    public void ThePlotDrawsTheCurvesWhereTheValuesAre()
    {
        using var dir = new TempDir();
        var up = NoiseProfilePlot.Render(Linear(increasing: true), 900, 640);
        var down = NoiseProfilePlot.Render(Linear(increasing: false), 900, 640);
        Assert.Equal((900, 640), (up.Image.Width, up.Image.Height));
        // Same values, so the same axes: only the r curve differs between the two images.
        Assert.Equal((up.R.Y, up.Sigma.Y), (down.R.Y, down.Sigma.Y));
        var panel = up.R;
        int x0 = (int)Math.Round(panel.PixelX(-60)), x1 = (int)Math.Round(panel.PixelX(60));
        int low = (int)Math.Round(panel.PixelY(0.1)), high = (int)Math.Round(panel.PixelY(0.5));
        Assert.Equal(NoiseProfilePlot.RColour, up.Image[x0, low]);
        Assert.Equal(NoiseProfilePlot.RColour, up.Image[x1, high]);
        Assert.Equal(NoiseProfilePlot.RColour, down.Image[x0, high]);
        Assert.Equal(NoiseProfilePlot.RColour, down.Image[x1, low]);
        Assert.NotEqual(NoiseProfilePlot.RColour, up.Image[x0, high]);
        Assert.NotEqual(NoiseProfilePlot.RColour, down.Image[x0, low]);
        // Every tilt's r is on the curve.
        for (int i = 0; i < 21; i++)
            Assert.Equal(NoiseProfilePlot.RColour, up.Image[(int)Math.Round(panel.PixelX(up.X[i])), (int)Math.Round(panel.PixelY(0.1 + 0.02 * i))]);
        // The σ panel is the same pixel for pixel, and it holds its own curve.
        var sigma = up.Sigma;
        for (int y = sigma.Top - 30; y < sigma.Top + sigma.Height + 30; y++)
            for (int x = 0; x < 900; x++)
                Assert.Equal(up.Image[x, y], down.Image[x, y]);
        Assert.Equal(NoiseProfilePlot.SigmaColour, up.Image[(int)Math.Round(sigma.PixelX(0)), (int)Math.Round(sigma.PixelY(0.92))]);
        // The r panel is mostly background; the curve changed pixels there.
        int changed = 0;
        for (int y = panel.Top; y < panel.Top + panel.Height; y++)
            for (int x = panel.Left; x < panel.Left + panel.Width; x++)
                if (up.Image[x, y] != down.Image[x, y]) changed++;
        Assert.InRange(changed, 1000, panel.Width * panel.Height / 10);

        // What the file holds is the same image.
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
            Assert.Equal(NoiseProfilePlot.RPointColour, drawing.Image[(int)Math.Round(drawing.R.PixelX(drawing.X[i])), (int)Math.Round(drawing.R.PixelY(measured.R[i]))]);
            Assert.Equal(NoiseProfilePlot.SigmaPointColour, drawing.Image[(int)Math.Round(drawing.Sigma.PixelX(drawing.X[i])), (int)Math.Round(drawing.Sigma.PixelY(measured.Sigma[i]))]);
        }
        // Without angles the x axis is the tilt index.
        var byIndex = NoiseProfilePlot.Render(new NoiseProfile(profile.Values, null, 2), 300, 220);
        Assert.Equal(Enumerable.Range(0, 21).Select(i => (double)i), byIndex.X);
    }

    [Fact]
    public void TextUsesTheFontsGlyphs()
    {
        Assert.All("0123456789 abcxyz ABCXYZ .,:-+()°σθÅ×−…", c => Assert.True(BitmapFont.Has(c), $"no glyph for '{c}'"));
        var image = new Raster(40, 10, Rgb.White);
        image.DrawText(1, 1, "1", Rgb.Black);
        // '1' has a full-width foot in its last row and a stem in the middle column.
        Assert.Equal(Rgb.Black, image[1 + 2, 1 + 3]);
        Assert.Equal(Rgb.White, image[1 + 0, 1 + 3]);
        Assert.Equal(new[] { Rgb.White, Rgb.Black, Rgb.Black, Rgb.Black, Rgb.White }, Enumerable.Range(1, 5).Select(x => image[x, 7]));
        Assert.Equal(6 * 3 - 1, Raster.TextWidth("abc"));
    }
}

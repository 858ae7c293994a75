using System.Text.Json;
using System.Text.Json.Nodes;
using FakET.Resampling;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Resize-TiltSeries's stage against numpy: Fourier crops and pads of fftshift(fft2(x)), and plain slicing.</summary>
[Trait("Tier", "Process")]
public class ResizeTiltSeriesTests
{
    /// <summary>numpy's Fourier resampling, written from the definition: the centred block of the shifted spectrum,
    /// cropped from it or padded around it, back through ifft2, real part, scaled by the ratio of pixel counts.</summary>
    const string Script = """
        import sys, json, numpy as np
        job = json.loads(open(sys.argv[1]).read())
        out = []
        for case in job:
            x = np.array(case["tilts"], dtype=np.float32).reshape(case["n"], case["h"], case["w"])
            x = x[:, :case["inH"], :case["inW"]].astype(np.float64)
            H, W = x.shape[1:]
            H2, W2 = case["toH"], case["toW"]
            mh, mw = min(H, H2), min(W, W2)
            result = []
            for t in x:
                F = np.fft.fftshift(np.fft.fft2(t))
                G = np.zeros((H2, W2), dtype=complex)
                G[H2//2 - mh//2:H2//2 - mh//2 + mh, W2//2 - mw//2:W2//2 - mw//2 + mw] = \
                    F[H//2 - mh//2:H//2 - mh//2 + mh, W//2 - mw//2:W//2 - mw//2 + mw]
                y = np.fft.ifft2(np.fft.ifftshift(G)).real * (H2 * W2) / (H * W)
                x0, y0, cw, ch = case["crop"]
                result.append(y[y0:y0 + ch, x0:x0 + cw].ravel().tolist())
            out.append(result)
        print(json.dumps(out))
        """;

    static TiltSeries Series(int tilts, int height, int width, double pixel, int seed)
    {
        var s = Synthetic.WhiteNoise(tilts, height, width, seed, pixel);
        return new TiltSeries(s.GetSections().ToArray(), height, width, s.TiltAngles, pixel,
            new[] { HistoryEntry.Now(Stages.Steps.Import, "test", new Dictionary<string, object?>()) }) { Origin = (100, 200, 7) };
    }

    [Fact]
    public void ResamplingAndCroppingMatchNumpy()
    {
        var cases = new (TiltSeries Input, ResizeOptions Options)[]
        {
            (Series(2, 37, 50, 10, 1), new ResizeOptions { Bin = 2 }),                          // odd height: a row dropped
            (Series(2, 16, 21, 10, 2), new ResizeOptions { PixelSize = 6 }),                    // Fourier padding, odd → odd
            (Series(2, 40, 45, 2, 3), new ResizeOptions { PixelSize = 3.1 }),                   // cropping to a non-integer factor
            (Series(2, 48, 64, 5, 4), new ResizeOptions { Bin = 3, Size = new[] { 12, 9 }, Center = new[] { 14, 6 } }),
            (Series(1, 30, 30, 4, 5), new ResizeOptions { Size = new[] { 11, 7 }, Center = new[] { 8, 20 } }),  // crop only
        };
        var plans = cases.Select(c => TiltResampling.Layout(c.Input.Height, c.Input.Width, c.Input.PixelSize, c.Options)).ToArray();
        var job = cases.Zip(plans, (c, p) => new JsonObject
        {
            ["n"] = c.Input.TiltCount, ["h"] = c.Input.Height, ["w"] = c.Input.Width,
            ["inH"] = p.InputHeight, ["inW"] = p.InputWidth, ["toH"] = p.Height, ["toW"] = p.Width,
            ["crop"] = new JsonArray(p.CropX, p.CropY, p.CropWidth, p.CropHeight),
            ["tilts"] = new JsonArray(c.Input.GetSections().SelectMany(t => t).Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
        }).ToArray();
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, new JsonArray(job).ToJsonString());
            var (exit, output) = MrcTests.Python(Script, file);
            Assert.True(exit == 0, output);
            var expected = JsonNode.Parse(output)!.AsArray();
            for (int k = 0; k < cases.Length; k++)
            {
                var (input, options) = cases[k];
                var resized = new TiltResampling().Run(input, options);
                var plan = plans[k];
                Assert.Equal((plan.CropHeight, plan.CropWidth), (resized.Height, resized.Width));
                for (int i = 0; i < input.TiltCount; i++)
                {
                    var want = expected[k]![i]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
                    var got = resized.Tilt(i);
                    Assert.Equal(want.Length, got.Length);
                    double scale = want.Max(Math.Abs);
                    for (int p = 0; p < want.Length; p++)
                        Assert.True(Math.Abs(want[p] - got[p]) <= 1e-5 * scale, $"case {k}, tilt {i}, pixel {p}: numpy {want[p]}, ours {got[p]}");
                }
                // Geometry: pixel size, origin moved by the crop's start, angles and history kept, one entry added.
                Assert.Equal(plan.PixelSize, resized.PixelSize, 12);
                Assert.Equal((100 + plan.CropX * plan.PixelSize, 200 + plan.CropY * plan.PixelSize, 7.0), resized.Origin);
                Assert.Equal(input.TiltAngles, resized.TiltAngles);
                Assert.Equal(input.History.Count + 1, resized.History.Count);
                Assert.Equal("Resize-TiltSeries", resized.History[^1].Step);
            }
            // The expected geometry, worked out by hand: bin 2 of 50×37 keeps 50×36 and gives 25×18 at 20 Å; 21 columns
            // at 10 Å → 35 at 6 Å, 16 rows → round(26.67) = 27; 45 columns at 2 Å → 29 at 90/29 Å.
            Assert.Equal((36, 50, 18, 25, 20.0), (plans[0].InputHeight, plans[0].InputWidth, plans[0].Height, plans[0].Width, plans[0].PixelSize));
            Assert.Equal((27, 35, 6.0), (plans[1].Height, plans[1].Width, plans[1].PixelSize));
            Assert.Equal((26, 29, 90.0 / 29), (plans[2].Height, plans[2].Width, plans[2].PixelSize));
            Assert.Equal((8, 2, 12, 9), (plans[3].CropX, plans[3].CropY, plans[3].CropWidth, plans[3].CropHeight));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ResamplingKeepsTheMeanAndLetsNothingAlias()
    {
        // A cosine above the new Nyquist vanishes (block averaging would fold it back); one below it survives exactly.
        const int n = 64;
        var tilt = new float[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                tilt[y * n + x] = (float)(5 + Math.Cos(2 * Math.PI * 20 * x / n) + 0.5 * Math.Cos(2 * Math.PI * 6 * y / n));
        var series = new TiltSeries(new[] { tilt }, n, n, new[] { 0.0 }, 1);
        var binned = new TiltResampling().Run(series, new ResizeOptions { Bin = 2 }).Tilt(0);
        for (int y = 0; y < n / 2; y++)
            for (int x = 0; x < n / 2; x++)
                Assert.Equal(5 + 0.5 * Math.Cos(2 * Math.PI * 6 * y / (n / 2)), binned[y * n / 2 + x], 4);
    }

    [Fact]
    public void PixelZeroStaysPutAndTheCropShiftsByItsStart()
    {
        // A Gaussian blob at (21.3, 13.7) in input pixels: after -Bin 2 it sits at (10.65, 6.85), and a crop starting at
        // (x0, y0) moves it to (10.65 − x0, 6.85 − y0); the origin in Å moves the other way by the same amount, so the blob
        // stays at the same place in Å. This is the frame the ground truth's maps are moved into.
        const int w = 64, h = 48;
        const double bx = 21.3, by = 13.7, spread = 2.5, pixel = 4;
        var tilt = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                tilt[y * w + x] = (float)Math.Exp(-((x - bx) * (x - bx) + (y - by) * (y - by)) / (2 * spread * spread));
        var series = new TiltSeries(new[] { tilt }, h, w, new[] { 0.0 }, pixel) { Origin = (50, -30, 0) };
        var resized = new TiltResampling().Run(series, new ResizeOptions { Bin = 2, Size = new[] { 16, 12 }, Center = new[] { 12, 9 } });
        int x0 = 12 - 8, y0 = 9 - 6;
        var image = resized.Tilt(0);
        double sum = 0, cx = 0, cy = 0;
        for (int y = 0; y < 12; y++)
            for (int x = 0; x < 16; x++)
            {
                double v = image[y * 16 + x];
                sum += v;
                cx += v * x;
                cy += v * y;
            }
        Assert.Equal(bx / 2 - x0, cx / sum, 0.02);
        Assert.Equal(by / 2 - y0, cy / sum, 0.02);
        Assert.Equal(50 + bx * pixel, resized.Origin.X + cx / sum * resized.PixelSize, 0.2);
        Assert.Equal(-30 + by * pixel, resized.Origin.Y + cy / sum * resized.PixelSize, 0.2);
    }

    [Fact]
    public void BadRequestsAreNamedErrors()
    {
        var series = Series(1, 20, 30, 10, 1);
        FakETException Fails(ResizeOptions o) => Assert.Throws<FakETException>(() => new TiltResampling().Run(series, o));
        Assert.Equal(ErrorIds.ResizeParameterInvalid, Fails(new ResizeOptions { Bin = 2, PixelSize = 20 }).ErrorId);
        Assert.Equal(ErrorIds.ResizeParameterInvalid, Fails(new ResizeOptions { Center = new[] { 3, 3 } }).ErrorId);
        Assert.Equal(ErrorIds.ResizeParameterInvalid, Fails(new ResizeOptions { Bin = 25 }).ErrorId);
        var outside = Fails(new ResizeOptions { Bin = 2, Size = new[] { 10, 10 }, Center = new[] { 12, 5 } });
        Assert.Equal(ErrorIds.ResizeRegionOutside, outside.ErrorId);
        Assert.Contains("15×10 tilts after resampling", outside.Message);
    }
}

using FakET.Native;
using FakET.Scoring;
using FakET.StyleTransfer;
using FakET.Tests.Support;
using static TorchSharp.torch;

namespace FakET.Tests;

/// <summary>Measure-Realism's metrics: zero for a series against itself, growing with added noise, a low-pass filter
/// caught by the spectrum, a symmetric style distance, pairing by angle, and the picture.</summary>
[Trait("Tier", "Engine")]
public class RealismTests
{
    const int Size = 64, Tilts = 5;
    static readonly double[] Angles = { -40, -20, 0, 20, 40 };

    /// <summary>Blobs of several sizes on a slope, plus a little noise: a stand-in for a tilt series.</summary>
    static TiltSeries Specimen(int seed = 1)
    {
        var random = new Random(seed);
        var sections = new float[Tilts][];
        for (int t = 0; t < Tilts; t++)
        {
            var s = new float[Size * Size];
            for (int b = 0; b < 30; b++)
            {
                double cx = random.NextDouble() * Size, cy = random.NextDouble() * Size, r = 1.5 + random.NextDouble() * 6, a = random.NextDouble() * 2 - 1;
                for (int y = 0; y < Size; y++)
                    for (int x = 0; x < Size; x++)
                        s[y * Size + x] += (float)(a * Math.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * r * r)));
            }
            for (int i = 0; i < s.Length; i++) s[i] += 10 + 0.01f * (i % Size) + 0.05f * (float)Gaussian(random);
            sections[t] = s;
        }
        return new TiltSeries(sections, Size, Size, Angles, 10);
    }

    static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    static TiltSeries Map(TiltSeries s, Func<int, float[], float[]> f, double[]? angles = null) =>
        new(Enumerable.Range(0, s.Count).Select(i => f(i, s.Section(i))).ToArray(), s.Height, s.Width, angles ?? s.TiltAngles!.ToArray(), s.PixelSize);

    static TiltSeries WithNoise(TiltSeries s, double sigma, int seed) => Map(s, (i, x) =>
    {
        var random = new Random(seed * 100 + i);
        return x.Select(v => (float)(v + sigma * Gaussian(random))).ToArray();
    });

    /// <summary>Every frequency above half Nyquist (0.25 cycles per pixel) set to zero.</summary>
    static TiltSeries LowPass(TiltSeries s) => Map(s, (i, x) =>
    {
        NativeStack.EnsureLoaded();
        using var scope = NewDisposeScope();
        var f = fft.fft2(TensorData.Wrap(x, Size, Size).to(ScalarType.Float64));
        var k = fft.fftfreq(Size, dtype: ScalarType.Float64);
        var radius = (k.unsqueeze(1).square() + k.unsqueeze(0).square()).sqrt();
        var kept = fft.ifft2(f * (radius <= 0.25).to(ScalarType.Float64)).real;
        return TensorData.ToArray(kept);
    });

    static readonly RealismOptions NoStyle = new() { NoStyle = true };
    static readonly RealismOptions RandomStyle = new() { Weights = StyleWeights.Random, Seed = 3 };

    [Fact]
    public void ASeriesComparedWithItselfScoresZero()
    {
        var s = Specimen();
        var r = Assert.Single(Realism.Measure(s, new[] { s }, RandomStyle));
        Assert.Equal((0.0, 0.0, 0.0, 0.0, 0.0), (r.Spectrum, r.Wasserstein, r.MeanDifference, r.StdDifference, r.Style));
        Assert.Equal("random (seed 3)", r.Weights);
        Assert.Equal(Tilts, r.PerTilt.Count);
    }

    [Fact]
    public void MoreNoiseRaisesTheSpectralAndHistogramDistancesMonotonically()
    {
        var s = Specimen();
        var noisy = new[] { 0.05, 0.1, 0.2, 0.4, 0.8 }.Select((sigma, i) => WithNoise(s, sigma, i + 1)).ToArray();
        var r = Realism.Measure(s, noisy, NoStyle);
        for (int i = 1; i < r.Count; i++)
        {
            Assert.True(r[i].Spectrum > r[i - 1].Spectrum, $"spectrum {r[i - 1].Spectrum} then {r[i].Spectrum}");
            Assert.True(r[i].Wasserstein > r[i - 1].Wasserstein, $"W1 {r[i - 1].Wasserstein} then {r[i].Wasserstein}");
            Assert.True(r[i].StdDifference > r[i - 1].StdDifference);
        }
        Assert.True(double.IsNaN(r[0].Style));
    }

    [Fact]
    public void ACopyLowPassedToHalfNyquistIsCaughtByTheSpectrum()
    {
        var s = Specimen();
        var r = Realism.Measure(s, new[] { LowPass(s), WithNoise(s, 0.05, 9) }, NoStyle);
        // The filter leaves the mean and the histogram nearly as they were, and the spectrum far from the reference's.
        Assert.True(r[0].Spectrum > 1, $"spectrum of the low-passed copy: {r[0].Spectrum}");
        Assert.True(r[0].Spectrum > 5 * r[1].Spectrum);
        Assert.True(r[0].MeanDifference < 1e-6);
    }

    [Fact]
    public void TheStyleDistanceIsSymmetric()
    {
        var a = Specimen(1);
        var b = WithNoise(Specimen(2), 0.3, 5);
        var ab = Assert.Single(Realism.Measure(a, new[] { b }, RandomStyle));
        var ba = Assert.Single(Realism.Measure(b, new[] { a }, RandomStyle));
        Assert.True(ab.Style > 0);
        Assert.Equal(ab.Style, ba.Style, ab.Style * 1e-9);
        Assert.Equal(ab.Wasserstein, ba.Wasserstein, 1e-12);
        Assert.Equal(ab.Spectrum, ba.Spectrum, 1e-12);
        // Every n-th tilt only: the others are NaN and the summary averages those measured.
        var every = Assert.Single(Realism.Measure(a, new[] { b }, RandomStyle with { StyleEvery = 2 }));
        Assert.Equal(new[] { false, true, false, true, false }, every.PerTilt.Select(t => double.IsNaN(t.Style)));
        Assert.Equal(new[] { 0, 2, 4 }.Average(i => ab.PerTilt[i].Style), every.Style, 1e-12);
    }

    [Fact]
    public void SeriesOfOtherTiltCountsPairByNearestAngle()
    {
        var s = Specimen();
        var three = new TiltSeries(new[] { s.Section(0), s.Section(2), s.Section(4) }, Size, Size, new[] { -39.0, 1, 38 }, 10);
        var r = Assert.Single(Realism.Measure(s, new[] { three }, NoStyle));
        Assert.Equal(new[] { 0, 2, 4 }, r.PerTilt.Select(t => t.ReferenceIndex));
        Assert.Equal(0, r.Wasserstein);
        var noAngles = new TiltSeries(new[] { s.Section(0) }, Size, Size, null, 10);
        Assert.Equal(ScoringErrorIds.RealismTiltMismatch, Assert.Throws<FakETException>(() => Realism.Measure(s, new[] { noAngles }, NoStyle)).ErrorId);
    }

    [Fact]
    public void Wasserstein1IsTheAreaBetweenTheQuantileFunctions()
    {
        Assert.Equal(0.5, Realism.Wasserstein1(new[] { 0.0, 1.0 }, new[] { 0.5 }), 15);
        Assert.Equal(2.0, Realism.Wasserstein1(new[] { 1.0, 2.0, 3.0 }, new[] { 3.0, 4.0, 5.0 }), 15);
        Assert.Equal(1.0 / 3, Realism.Wasserstein1(new[] { 0.0, 0.0, 1.0 }, new[] { 0.0, 1.0, 1.0 }), 15);
    }

    [Fact]
    public void ThePictureIsAPng()
    {
        var s = Specimen();
        var inputs = new[] { WithNoise(s, 0.2, 1), LowPass(s) };
        var results = Realism.Measure(s, inputs, NoStyle with { Names = new[] { "noisy", "low-pass" } });
        Assert.Equal(new[] { "noisy", "low-pass" }, results.Select(r => r.Input));
        var png = RealismPlot.Png(s, inputs, results);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }
}

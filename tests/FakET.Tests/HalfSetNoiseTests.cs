using FakET.Microscope;
using FakET.Noise;
using FakET.Tests.Support;
using Xunit.Abstractions;

namespace FakET.Tests;

/// <summary>
/// Noise from real data alone: Measure-TiltNoise's half-set estimate against the truth the physics-lite microscope knows
/// (Invoke-MicroscopeSimulation -HalfSets), and the profile's record of which estimate it is.
/// </summary>
[Trait("Tier", "Engine")]
public class HalfSetNoiseTests(ITestOutputHelper output)
{
    const int Size = 128, Tilts = 9;

    static double Correlation(float[] a, float[] b)
    {
        var (ma, sa) = Statistics.MeanStd(a);
        var (mb, sb) = Statistics.MeanStd(b);
        double c = 0;
        for (int i = 0; i < a.Length; i++) c += (a[i] - ma) * (b[i] - mb);
        return c / a.Length / (sa * sb);
    }

    static double Sinc(double f) => f == 0 ? 1 : Math.Sin(Math.PI * f) / (Math.PI * f);

    /// <summary>
    /// Independent pixels' worth of an N×N image whose white shot noise went through the detector's MTF sinc(f_x)·sinc(f_y).
    /// A sample covariance of two such noises has variance mean(H⁴)/(n·mean(H²)²) (Parseval), one of noise and a smooth
    /// signal at most 1/(n·mean(H²)) relative to its scale; n_eff is n times the smaller factor, per axis as H is separable.
    /// </summary>
    static double EffectivePixels(int n)
    {
        double h2 = 0, h4 = 0;
        for (int k = 0; k < n; k++)
        {
            double h = Sinc(MicroscopeSimulation.Frequency(k, n));
            h2 += h * h / n;
            h4 += Math.Pow(h, 4) / n;
        }
        double perAxis = Math.Min(h2 * h2 / h4, h2);
        return (double)n * n * perAxis * perAxis;
    }

    [Theory]
    [InlineData(100.0)]
    [InlineData(1.0)]
    public void TheEvenOddEstimateRecoversTheTrueSignalFraction(double dose)
    {
        var clean = Synthetic.Smooth(Tilts, Size, Size, seed: 5, blur: 3);
        var halves = HalfSets.Record(new MicroscopeSimulation(), clean, new MicroscopeSettings { TotalDose = dose, Seed = 11 });
        var curves = NoiseEstimation.MeasureHalfSets(halves.Even, halves.Odd);
        Assert.Equal(NoiseEstimate.HalfSet, curves.Estimate);

        // Sampling error, from the normal-theory standard error of a correlation, (1 − ρ²)/√n_eff, carried through
        // r = √(2ρ/(1 + ρ)) (dr/dρ = 1/(r(1 + ρ)²)), plus the truth's own, (1 − r²)/√n_eff, as it is measured on the same noise.
        double root = Math.Sqrt(EffectivePixels(Size));
        double biasSum = 0, biasVariance = 0;
        for (int i = 0; i < Tilts; i++)
        {
            var sum = NoiseEstimation.Sum(halves.Even.Tilt(i), halves.Odd.Tilt(i));
            double truth = Correlation(sum, halves.NoShotNoise.Tilt(i));
            double rho = truth * truth / (2 - truth * truth);
            double error = (1 - rho * rho) / (root * truth * (1 + rho) * (1 + rho)) + (1 - truth * truth) / root;
            output.WriteLine($"dose {dose}, tilt {i}: true r {truth:0.0000}, half-set r {curves.R[i]:0.0000}, standard error {error:0.0000}");
            Assert.True(Math.Abs(curves.R[i] - truth) < 4 * error,
                $"dose {dose}, tilt {i}: half-set r {curves.R[i]:0.0000}, true r {truth:0.0000}, 4 standard errors {4 * error:0.0000}");
            Assert.Equal(Math.Sqrt(1 - curves.R[i] * curves.R[i]), curves.Sigma[i], 12);
            var (mean, std) = Statistics.MeanStd(sum);
            Assert.Equal(mean, curves.ReferenceMean[i], 9);
            Assert.Equal(std, curves.ReferenceStd[i], 9);
            biasSum += curves.R[i] - truth;
            biasVariance += error * error;
        }
        // No bias either: the mean error over the tilts is within 4 of its standard errors.
        Assert.True(Math.Abs(biasSum / Tilts) < 4 * Math.Sqrt(biasVariance) / Tilts, $"dose {dose}: mean error {biasSum / Tilts:0.0000}");
    }

    [Fact]
    public void HalfSetsSplitTheDoseIntoIndependentHalvesOfTheSameSignal()
    {
        var clean = Synthetic.Smooth(2, 64, 64, seed: 2);
        var settings = new MicroscopeSettings { TotalDose = 50, Seed = 3, DetectorMtf = false };
        var halves = HalfSets.Record(new MicroscopeSimulation(), clean, settings);
        var full = Engine.Record(clean, settings);
        for (int i = 0; i < 2; i++)
        {
            // Each half has half the expected counts; Poisson counts are integers without the MTF; the halves differ.
            Assert.Equal(Statistics.MeanStd(halves.NoShotNoise.Tilt(i)).Mean / 2, Statistics.MeanStd(halves.Even.Tilt(i)).Mean, 0.02 * Statistics.MeanStd(halves.NoShotNoise.Tilt(i)).Mean);
            Assert.All(halves.Odd.Tilt(i), v => Assert.Equal(Math.Round(v), v));
            Assert.NotEqual(halves.Even.Tilt(i), halves.Odd.Tilt(i));
            // The noise-free image is the expectation of a full recording: the residual of one is shot noise of that mean.
            var residual = full.Tilt(i).Zip(halves.NoShotNoise.Tilt(i), (a, b) => (double)(a - b)).ToArray();
            double variance = residual.Select(v => v * v).Average(), mean = halves.NoShotNoise.Tilt(i).Average(v => (double)v);
            Assert.InRange(variance / mean, 0.95, 1.05);
        }
        Assert.EndsWith("even half-set", halves.Even.LastStep);
        Assert.Equal("NoShotNoise", halves.NoShotNoise.History[^1].Parameters["Part"]);
    }

    [Fact]
    public void TheProfileRecordsItsEstimateAndKeepsItInItsFile()
    {
        var a = new NoiseCurves(new[] { 0.5, 0.6, 0.7 }, new[] { 0.8, 0.7, 0.6 }, new[] { 1.0, 2, 3 }, new[] { 4.0, 5, 6 }) { Estimate = NoiseEstimate.HalfSet };
        var profile = Engine.Aggregate(new[] { a }, -1, new[] { -3.0, 0, 3 });
        Assert.Equal(NoiseEstimate.HalfSet, profile.Estimate);
        Assert.Contains("half-set pair", profile.ToString());
        Assert.Equal("HalfSet", profile.History[^1].Parameters["Estimate"]);
        var back = NoiseProfileFile.FromJson(NoiseProfileFile.ToJson(profile), "p.json");
        Assert.Equal(NoiseEstimate.HalfSet, back.Estimate);
        Assert.Equal(NoiseEstimate.HalfSet, back.Measurements[0].Estimate);

        // A file written before half-sets existed has no "estimate": it was paired.
        var old = System.Text.Json.Nodes.JsonNode.Parse(NoiseProfileFile.ToJson(profile))!.AsObject();
        old.Remove("estimate");
        Assert.Equal(NoiseEstimate.Paired, NoiseProfileFile.FromJson(old.ToJsonString(), "old.json").Estimate);

        // Paired and half-set curves measure different things and are not averaged together.
        var paired = a with { Estimate = NoiseEstimate.Paired };
        var e = Assert.Throws<FakETException>(() => Engine.Aggregate(new[] { a, paired }, -1, null));
        Assert.Equal(ErrorIds.NoiseEstimateMixed, e.ErrorId);
    }

    [Fact]
    public void SpearmanBrownGivesTheSumsSignalFraction()
    {
        // Two halves each with signal variance s/4 and noise variance v/2 correlate ρ = s/(s + 2v); the sum's r² is s/(s + v).
        foreach (var (s, v) in new[] { (1.0, 1.0), (1.0, 9.0), (4.0, 0.5), (1.0, 0.0) })
        {
            double rho = s / (s + 2 * v);
            var (r, sigma) = NoiseEstimation.SpearmanBrown(rho);
            Assert.Equal(s / (s + v), r * r, 12);
            Assert.Equal(v / (s + v), sigma * sigma, 12);
        }
    }
}

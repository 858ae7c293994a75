using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakET.IO;
using FakET.Noise;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Noise estimation and noise addition, against the published implementation's reference case, numpy,
/// brute-force minimisation and the statistics the issue asks for.</summary>
[Trait("Tier", "Process")]
public class NoiseTests
{
    static readonly JsonObject Case = (JsonObject)JsonNode.Parse(File.ReadAllText(Repo.Data("reference-case-a.json")))!;
    static double[] CaseCurve(string set, string name) => Case["noise"]![set]![name]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();

    internal static TiltSeries Measured => StackFiles.ReadTiltSeries(Repo.Data("noise_measured.mrc"), CaseAngles);
    internal static TiltSeries Clean => StackFiles.ReadTiltSeries(Repo.Data("noise_clean.mrc"), CaseAngles);
    static double[] CaseAngles => Case["tilt_angles_deg"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();

    [Fact]
    public void MeasuredCurvesAreTheExactValuesOfTheReferenceCase()
    {
        var curves = NoiseEstimation.Measure(Measured, Clean);
        // The case's "exact" r and sigma are float64 minimisers: we must match them far inside the 1e-4.
        AssertClose(CaseCurve("exact", "r"), curves.R, 1e-9);
        AssertClose(CaseCurve("exact", "sigma"), curves.Sigma, 1e-9);
        // Its mean and std were taken in float32 by numpy; ours in float64 agree to float32 precision.
        AssertRelative(CaseCurve("exact", "reference_mean"), curves.ReferenceMean, 1e-6);
        AssertRelative(CaseCurve("exact", "reference_std"), curves.ReferenceStd, 1e-6);
    }

    [Fact]
    public void Order2ProfileEqualsTheReferenceCasesPolyfit()
    {
        var curves = NoiseEstimation.Measure(Measured, Clean);
        var profile = Engine.Aggregate(new[] { curves }, 2, CaseAngles);
        AssertClose(CaseCurve("exact_polyfit_order2", "r"), profile.R, 1e-9);
        AssertClose(CaseCurve("exact_polyfit_order2", "sigma"), profile.Sigma, 1e-9);
        AssertRelative(CaseCurve("exact_polyfit_order2", "reference_mean"), profile.ReferenceMean, 1e-6);
        AssertRelative(CaseCurve("exact_polyfit_order2", "reference_std"), profile.ReferenceStd, 1e-6);
        Assert.Equal(CaseAngles, profile.TiltAngles);
    }

    [Fact]
    public void AggregationEqualsFakETsAggregateWrittenWithNumpy()
    {
        // Three pairs of curves with different shapes, aggregated at several orders, against numpy's polyfit/poly1d.
        var random = new Random(3);
        int n = 41;
        var curves = Enumerable.Range(0, 3).Select(p => Enumerable.Range(0, 4).Select(c =>
            Enumerable.Range(0, n).Select(i => c == 0
                ? 0.5 + 0.2 * Math.Sin(i * 0.07 * (p + 1)) + 0.05 * random.NextDouble() // r stays in [0, 1], fitted too
                : Math.Sin(i * 0.07 * (p + 1) + c) * (c + 1) * 10 + random.NextDouble() + 50 * c).ToArray()).ToArray()).ToArray();
        var measurements = curves.Select(c => new NoiseCurves(c[0], c[1], c[2], c[3])).ToList();
        const string script = """
            import sys, json, numpy as np
            curves = np.array(json.loads(sys.argv[1]))  # pair, curve, tilt
            out = {}
            for order in (-1, 0, 1, 2, 3, 5):
                def fit(y):
                    if order == -1: return y
                    x = np.arange(len(y)); return np.poly1d(np.polyfit(x, y, order))(x)
                out[str(order)] = [np.mean([fit(curves[p, c]) for p in range(curves.shape[0])], axis=0).tolist() for c in range(4)]
            print(json.dumps(out))
            """;
        var (exit, output) = MrcTests.Python(script, JsonSerializer.Serialize(curves));
        Assert.True(exit == 0, output);
        var expected = JsonNode.Parse(output)!.AsObject();
        foreach (var order in new[] { -1, 0, 1, 2, 3, 5 })
        {
            var profile = Engine.Aggregate(measurements, order, null);
            var got = profile.Values.All;
            for (int c = 0; c < 4; c++)
            {
                var want = expected[order.ToString()]![c]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
                AssertClose(want, got[c], 1e-11 * want.Max(Math.Abs));
            }
        }
    }

    [Fact]
    public void OrderZeroGivesConstantsAndMinusOneTheMeanMeasuredCurves()
    {
        var a = new NoiseCurves(new[] { 0.1, 0.3, 0.2 }, new[] { 0.9, 0.8, 0.7 }, new[] { 1.0, 2, 3 }, new[] { 4.0, 5, 6 });
        var b = new NoiseCurves(new[] { 0.3, 0.1, 0.4 }, new[] { 0.7, 0.6, 0.5 }, new[] { 3.0, 2, 1 }, new[] { 6.0, 5, 4 });
        var baseline = Engine.Aggregate(new[] { a, b }, 0, null);
        Assert.All(baseline.R, v => Assert.Equal(1.4 / 6, v, 12));
        Assert.All(baseline.Sigma, v => Assert.Equal(4.2 / 6, v, 12));
        Assert.All(baseline.ReferenceMean, v => Assert.Equal(2, v, 12));
        var unfitted = Engine.Aggregate(new[] { a, b }, -1, null);
        Assert.Equal(new[] { 0.2, 0.2, 0.3 }, unfitted.R.Select(v => Math.Round(v, 12)));
        Assert.Equal(new[] { 5.0, 5, 5 }, unfitted.ReferenceStd);
        Assert.Equal(2, unfitted.PairCount);
        Assert.Contains("Gaussian baseline", baseline.ToString());
    }

    [Fact]
    public void RIsTheMinimiserOfTheResidualStdOverZeroToOne()
    {
        var clean = Synthetic.Smooth(1, 48, 48, seed: 1).Tilt(0);
        var noise = Synthetic.WhiteNoise(1, 48, 48, seed: 2).Tilt(0);
        foreach (var weight in new[] { -0.5, 0.05, 0.3, 0.9, 3.0 })
        {
            // measured = weight·clean + noise, in other units: r is scale-free.
            var measured = clean.Zip(noise, (c, e) => (float)(7 * (weight * c + e) + 100)).ToArray();
            var (r, sigma, mean, std) = NoiseEstimation.MeasureTilt(measured, clean);
            var (bestR, bestStd) = GoldenSection(measured, clean);
            Assert.Equal(bestR, r, 5);
            Assert.Equal(bestStd, sigma, 9);
            Assert.Equal(Statistics.MeanStd(measured).Mean, mean, 9);
            Assert.Equal(Statistics.MeanStd(measured).Std, std, 9);
            if (weight < 0) Assert.Equal((0.0, 1.0), (r, Math.Round(sigma, 12)));
        }
        // Identical tilts: r = 1 and no noise left.
        var (r1, s1, _, _) = NoiseEstimation.MeasureTilt(clean, clean);
        Assert.Equal(1.0, r1, 12);
        Assert.Equal(0.0, s1, 6);
    }

    /// <summary>Brute force: golden-section search of std(M̂ − r·Ĉ) over [0, 1], in float64.</summary>
    static (double R, double Std) GoldenSection(float[] measured, float[] clean)
    {
        var (mm, ms) = Statistics.MeanStd(measured);
        var (cm, cs) = Statistics.MeanStd(clean);
        double F(double r)
        {
            var d = measured.Select((m, i) => (m - mm) / ms - r * (clean[i] - cm) / cs).ToArray();
            double mean = d.Average();
            return Math.Sqrt(d.Sum(v => (v - mean) * (v - mean)) / d.Length);
        }
        double a = 0, b = 1, g = (Math.Sqrt(5) - 1) / 2;
        while (b - a > 1e-9)
        {
            double c = b - g * (b - a), e = a + g * (b - a);
            if (F(c) <= F(e)) b = e; else a = c;
        }
        double best = (a + b) / 2;
        return (best, F(best));
    }

    // ---- Add-TiltNoise --------------------------------------------------------------------------------------------

    static NoiseProfile Profile(int tilts, double rTop = 0.6)
    {
        var r = Enumerable.Range(0, tilts).Select(i => rTop - 0.3 * Math.Pow((i - (tilts - 1) / 2.0) / tilts, 2) * 4).ToArray();
        var sigma = r.Select(v => Math.Sqrt(1 - v * v)).ToArray();
        var mean = Enumerable.Range(0, tilts).Select(i => 100.0 + i).ToArray();
        var std = Enumerable.Range(0, tilts).Select(i => 40.0 + 0.5 * i).ToArray();
        return new NoiseProfile(new NoiseCurves(r, sigma, mean, std), Synthetic.Angles(tilts), 2);
    }

    [Fact]
    public void EachOutputTiltHasTheTargetMeanAndStd()
    {
        var clean = Synthetic.Smooth(9, 64, 64, seed: 4);
        var profile = Profile(9);
        var noisy = Engine.AddNoise(clean, profile, 1, seed: 1);
        for (int i = 0; i < 9; i++)
        {
            var (mean, std) = noisy.SectionStatistics(i);
            Assert.Equal(profile.ReferenceMean[i], mean, 1e-5 * profile.ReferenceStd[i]);
            Assert.Equal(1, std / profile.ReferenceStd[i], 1e-6);
        }
        // With -Reference the targets are that series' own per-tilt statistics.
        var reference = Synthetic.Smooth(9, 32, 40, seed: 5);
        var matched = Engine.AddNoise(clean, profile, 0.25, seed: 1, reference);
        for (int i = 0; i < 9; i++)
        {
            var (mean, std) = matched.SectionStatistics(i);
            var (targetMean, targetStd) = reference.SectionStatistics(i);
            Assert.Equal(targetMean, mean, 1e-5 * targetStd);
            Assert.Equal(1, std / targetStd, 1e-6);
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.25)]
    public void ResidualHasStdScaleTimesSigmaAndIsUncorrelatedWithTheCleanSignal(double scale)
    {
        const int tilts = 5, size = 128, n = size * size;
        var clean = Synthetic.Smooth(tilts, size, size, seed: 6);
        var profile = Profile(tilts);
        var output = Engine.AddNoise(clean, profile, scale, seed: 9);
        for (int i = 0; i < tilts; i++)
        {
            double r = profile.R[i], s = scale * profile.Sigma[i];
            // Undo the rescaling to the target: standardise the output and give it the std r·Ĉ + s·N has, √(r² + s²).
            var y = Standardised(output.Tilt(i)).Select(v => v * Math.Sqrt(r * r + s * s)).ToArray();
            var c = Standardised(clean.Tilt(i));
            var residual = y.Select((v, p) => v - r * c[p]).ToArray();
            double residualStd = Std(residual);
            // Sampling error of a std over n normal values is s/√(2n); the realised std of the sum adds as much again.
            Assert.InRange(residualStd, s * (1 - 6 / Math.Sqrt(n)), s * (1 + 6 / Math.Sqrt(n)));
            double correlation = Statistics.Correlation(residual.Select(v => (float)v).ToArray(), clean.Tilt(i));
            Assert.InRange(correlation, -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
        }
    }

    [Fact]
    public void MeasuringTheNoisySeriesRecoversTheProfile()
    {
        const int tilts = 7, size = 160;
        var clean = Synthetic.Smooth(tilts, size, size, seed: 8);
        var profile = Profile(tilts);
        var noisy = Engine.AddNoise(clean, profile, 1, seed: 2);
        var measured = NoiseEstimation.Measure(noisy, clean);
        for (int i = 0; i < tilts; i++)
        {
            // Sampling error of a correlation: (1 − r²)/√n.
            double tolerance = 5 * (1 - profile.R[i] * profile.R[i]) / size;
            Assert.Equal(profile.R[i], measured.R[i], tolerance);
            Assert.Equal(profile.Sigma[i], measured.Sigma[i], tolerance);
            Assert.Equal(profile.ReferenceMean[i], measured.ReferenceMean[i], 1e-4);
        }
    }

    [Fact]
    public void TheSameSeedGivesTheSameBitsWhateverTheThreadCount()
    {
        var clean = Synthetic.Smooth(12, 40, 40, seed: 10);
        var profile = Profile(12);
        var one = Engine.AddNoise(clean, profile, 1, seed: 42, maxThreads: 1);
        foreach (var threads in new[] { 2, 3, 8, 0 })
        {
            var other = Engine.AddNoise(clean, profile, 1, seed: 42, maxThreads: threads);
            for (int i = 0; i < 12; i++) Assert.True(one.Tilt(i).AsSpan().SequenceEqual(other.Tilt(i)), $"tilt {i} differs with {threads} threads");
        }
        var otherSeed = Engine.AddNoise(clean, profile, 1, seed: 43);
        Assert.False(one.Tilt(0).AsSpan().SequenceEqual(otherSeed.Tilt(0)));
        // Tilts draw independent noise: the noise of tilt 0 and tilt 1 is not the same stream.
        Assert.InRange(Statistics.Correlation(Residual(one, clean, profile, 0), Residual(one, clean, profile, 1)), -0.1, 0.1);
    }

    static float[] Residual(TiltSeries output, TiltSeries clean, NoiseProfile profile, int i)
    {
        var y = Standardised(output.Tilt(i));
        var c = Standardised(clean.Tilt(i));
        return y.Select((v, p) => (float)(v - profile.R[i] * c[p])).ToArray();
    }

    [Fact]
    public void TheResultIsANewSeriesWithItsHistoryAndTheInputIsUntouched()
    {
        var clean = Synthetic.Smooth(3, 16, 16, seed: 11);
        var before = clean.Sections.Select(s => s.ToArray()).ToArray();
        var baseline = Engine.Aggregate(new[] { NoiseEstimation.Measure(Synthetic.Smooth(3, 16, 16, seed: 12), clean) }, 0, null);
        var noisy = Engine.AddNoise(clean, baseline, 1, seed: 5);
        var content = Engine.AddNoise(clean, Profile(3), 0.25, seed: 5);
        Assert.Equal(before, clean.Sections);
        Assert.Equal(clean.TiltAngles, noisy.TiltAngles);
        Assert.Equal(clean.PixelSize, noisy.PixelSize);
        var entry = noisy.History[^1];
        Assert.Equal(("Add-TiltNoise", "Gaussian baseline (seed 5)"), (entry.Step, entry.Summary));
        Assert.Equal(5, entry.Parameters["Seed"]);
        Assert.Equal("content (seed 5)", content.LastStep);
    }

    [Fact]
    public void EngineErrorsAreNamed()
    {
        var clean = Synthetic.Smooth(4, 16, 16, seed: 1);
        Assert.Equal(ErrorIds.NoiseTiltCountMismatch, Assert.Throws<FakETException>(() => Engine.AddNoise(clean, Profile(5), 1, 1)).ErrorId);
        Assert.Equal(ErrorIds.NoiseTiltCountMismatch,
            Assert.Throws<FakETException>(() => Engine.AddNoise(clean, Profile(4), 1, 1, Synthetic.Smooth(3, 16, 16, 2))).ErrorId);
        Assert.Equal(ErrorIds.NoiseScaleInvalid, Assert.Throws<FakETException>(() => Engine.AddNoise(clean, Profile(4), -1, 1)).ErrorId);
        Assert.Equal(ErrorIds.NoiseShapeMismatch,
            Assert.Throws<FakETException>(() => NoiseEstimation.Measure(Synthetic.Smooth(4, 16, 17, 2), clean)).ErrorId);
        Assert.Equal(ErrorIds.NoiseConstantTilt,
            Assert.Throws<FakETException>(() => NoiseEstimation.Measure(Synthetic.Constant(4, 16, 16, 3), clean)).ErrorId);
        var measured = NoiseEstimation.Measure(Synthetic.Smooth(4, 16, 16, 3), clean);
        Assert.Equal(ErrorIds.NoisePolynomialOrderInvalid, Assert.Throws<FakETException>(() => Engine.Aggregate(new[] { measured }, 4, null)).ErrorId);
        var shorter = NoiseEstimation.Measure(Synthetic.Smooth(3, 16, 16, 3), Synthetic.Smooth(3, 16, 16, 4));
        Assert.Equal(ErrorIds.NoiseTiltCountMismatch, Assert.Throws<FakETException>(() => Engine.Aggregate(new[] { measured, shorter }, 2, null)).ErrorId);
    }

    [Fact]
    public void JsonRoundTripIsExactAndBadFilesAreNamedErrors()
    {
        var profile = Engine.Aggregate(new[] { NoiseEstimation.Measure(Measured, Clean) }, 2, CaseAngles);
        var back = NoiseProfileFile.FromJson(NoiseProfileFile.ToJson(profile), "test");
        Assert.Equal(profile.R, back.R);
        Assert.Equal(profile.Sigma, back.Sigma);
        Assert.Equal(profile.ReferenceMean, back.ReferenceMean);
        Assert.Equal(profile.ReferenceStd, back.ReferenceStd);
        Assert.Equal(profile.TiltAngles, back.TiltAngles);
        Assert.Equal(profile.Measurements[0].R, back.Measurements[0].R);
        Assert.Equal(profile.Measurements[0].Source, back.Measurements[0].Source);
        Assert.Equal(2, back.PolynomialOrder);
        Assert.Equal("order 2 from 1 pair", Assert.Single(back.History).Summary);
        Assert.Equal(profile.ToString(), back.ToString());
        // Any program can read the arrays at the top level.
        var json = JsonNode.Parse(NoiseProfileFile.ToJson(profile))!;
        Assert.Equal(profile.R, json["r"]!.AsArray().Select(v => v!.GetValue<double>()));

        foreach (var bad in new[] { "not json", "[]", "{\"format\":\"other\"}",
                     "{\"format\":\"FakET.PowerShell/noise-profile\",\"formatVersion\":1,\"polynomialOrder\":2,\"r\":[0.1],\"sigma\":[0.9,0.8],\"referenceMean\":[1],\"referenceStd\":[1]}",
                     "{\"format\":\"FakET.PowerShell/noise-profile\",\"formatVersion\":1,\"polynomialOrder\":2,\"r\":[\"x\"],\"sigma\":[0.9],\"referenceMean\":[1],\"referenceStd\":[1]}" })
            Assert.Equal(ErrorIds.NoiseProfileInvalid, Assert.Throws<FakETException>(() => NoiseProfileFile.FromJson(bad, "bad.json")).ErrorId);
    }

    [Fact]
    public void AProfileFormatsAsOneLineAndHasRows()
    {
        var profile = Engine.Aggregate(new[] { NoiseEstimation.Measure(Measured, Clean) }, 2, CaseAngles);
        Assert.Equal("NoiseProfile 21 tilts  \u221260°…+60°  order 2, 1 pair  r 0.160…0.358  σ 0.935…0.992", profile.ToString());
        var rows = profile.Rows;
        Assert.Equal(21, rows.Count);
        Assert.Equal((10, 0.0), (rows[10].Index, rows[10].Angle!.Value));
        Assert.Equal(profile.R[20], rows[20].R);
        // The arrays are copies: changing one does not change the profile.
        var r = profile.R;
        r[0] = 99;
        Assert.NotEqual(99, profile.R[0]);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    internal static double[] Standardised(float[] values)
    {
        var (mean, std) = Statistics.MeanStd(values);
        return values.Select(v => (v - mean) / std).ToArray();
    }

    static double Std(double[] values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }

    internal static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                string.Create(CultureInfo.InvariantCulture, $"[{i}] expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance})"));
    }

    internal static void AssertRelative(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1e-300, Math.Abs(expected[i])),
                string.Create(CultureInfo.InvariantCulture, $"[{i}] expected {expected[i]:R}, got {actual[i]:R} (relative tolerance {tolerance})"));
    }
}

/// <summary>The parallel per-tilt loop the noise steps run on.</summary>
[Trait("Tier", "Engine")]
public class SectionLoopTests
{
    [Fact]
    public void ProgressComesOnTheCallingThreadAndEveryBodyRunsOnce()
    {
        int caller = Environment.CurrentManagedThreadId;
        var runs = new int[50];
        var reported = new List<(int Done, int Total, int Thread)>();
        SectionLoop.Run(50, i => Interlocked.Increment(ref runs[i]), default, (d, t) => reported.Add((d, t, Environment.CurrentManagedThreadId)), maxThreads: 4);
        Assert.All(runs, r => Assert.Equal(1, r));
        Assert.Equal(Enumerable.Range(1, 50), reported.Select(r => r.Done));
        Assert.All(reported, r => Assert.Equal((50, caller), (r.Total, r.Thread)));
    }

    [Fact]
    public void ErrorsSurfaceAsThrownAndCancellationStops()
    {
        var error = Assert.Throws<FakETException>(() => SectionLoop.Run(20, i =>
        {
            if (i == 7) throw new FakETException(ErrorIds.NoiseConstantTilt, FailureKind.InvalidData, "tilt 7");
        }, maxThreads: 3));
        Assert.Equal("tilt 7", error.Message);
        using var cancel = new CancellationTokenSource();
        int started = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => SectionLoop.Run(1000, i =>
        {
            if (Interlocked.Increment(ref started) == 5) cancel.Cancel();
            Thread.Sleep(1);
        }, cancel.Token, maxThreads: 2));
        Assert.InRange(started, 5, 100);
    }
}

using FakET.Stages;

namespace FakET.Noise;

/// <summary>
/// FakET's noise estimation (docs/DESIGN.md, "Noise estimation"): for each tilt of a measured series M and its clean
/// projections C, standardise both; r minimises std(M̂ − r·Ĉ) over [0, 1] and σ is that standard deviation.
/// The minimiser is the Pearson correlation clamped to [0, 1], computed exactly in float64 (the published code
/// bisects in float32 and stops early). The measured tilt's mean and standard deviation are kept as targets.
/// </summary>
public static class NoiseEstimation
{
    /// <summary>r, σ and the measured tilt's mean and standard deviation for one tilt, all in float64.</summary>
    public static (double R, double Sigma, double Mean, double Std) MeasureTilt(ReadOnlySpan<float> measured, ReadOnlySpan<float> clean)
    {
        if (measured.Length != clean.Length) throw new ArgumentException("The tilts differ in size.");
        var (mm, ms) = Statistics.MeanStd(measured);
        var (cm, cs) = Statistics.MeanStd(clean);
        if (!double.IsFinite(mm) || !double.IsFinite(ms) || !double.IsFinite(cm) || !double.IsFinite(cs))
            throw new FakETException(ErrorIds.NonFiniteData, FailureKind.InvalidData,
                "A tilt holds values that are not finite numbers (NaN or infinity); noise cannot be measured on it.");
        if (ms == 0)
            throw new FakETException(ErrorIds.NoiseConstantTilt, FailureKind.InvalidData,
                "A measured (reference) tilt is constant, so it cannot be standardised; give a reference series with real data in every tilt.");
        if (cs == 0) return (0, 1, mm, ms); // no clean signal to fit: std(M̂ − r·0) = 1 for every r; take r = 0
        // Correlation of the standardised tilts, then the residual's standard deviation, both accumulated in float64.
        double covariance = 0;
        for (int i = 0; i < measured.Length; i++) covariance += (measured[i] - mm) * (clean[i] - cm);
        double rho = covariance / measured.Length / (ms * cs);
        double r = Math.Clamp(rho, 0, 1);
        double a = 1 / ms, b = r / cs, sum = 0, squares = 0;
        for (int i = 0; i < measured.Length; i++)
        {
            double d = (measured[i] - mm) * a - (clean[i] - cm) * b;
            sum += d;
            squares += d * d;
        }
        double mean = sum / measured.Length;
        double sigma = Math.Sqrt(Math.Max(0, squares / measured.Length - mean * mean));
        return (r, sigma, mm, ms);
    }

    /// <summary>The four curves of one reference pair, tilt by tilt in parallel.</summary>
    /// <exception cref="FakETException">The series differ in tilt count or image size, or a tilt cannot be measured.</exception>
    public static NoiseCurves Measure(TiltSeries reference, TiltSeries clean, CancellationToken cancel = default,
        Action<int, int>? progress = null, int maxThreads = 0)
    {
        CheckPair(reference, clean);
        return PerTilt(reference, clean, i => MeasureTilt(reference.Tilt(i), clean.Tilt(i)), NoiseEstimate.Paired, cancel, progress, maxThreads);
    }

    /// <summary>
    /// The four curves of one pair of even/odd half-sets of the same exposures (docs/DESIGN.md, "Noise from half-sets"):
    /// per tilt, ρ is the half-sets' correlation (<see cref="MeasureTilt"/>'s r), the full sum's signal fraction follows
    /// from Spearman–Brown, r² = 2ρ/(1 + ρ), and σ² = 1 − r²; the mean and standard deviation are the full sum's (Even + Odd).
    /// </summary>
    /// <exception cref="FakETException">The half-sets differ in tilt count or image size, or a tilt cannot be measured.</exception>
    public static NoiseCurves MeasureHalfSets(TiltSeries even, TiltSeries odd, CancellationToken cancel = default,
        Action<int, int>? progress = null, int maxThreads = 0)
    {
        CheckPair(even, odd, "even half-set", "odd half-set");
        return PerTilt(even, odd, i =>
        {
            var (rho, _, _, _) = MeasureTilt(even.Tilt(i), odd.Tilt(i));
            var (r, sigma) = SpearmanBrown(rho);
            var (mean, std) = Statistics.MeanStd(Sum(even.Tilt(i), odd.Tilt(i)));
            return (r, sigma, mean, std);
        }, NoiseEstimate.HalfSet, cancel, progress, maxThreads);
    }

    /// <summary>The four curves of a pair, measured tilt by tilt in parallel; an error names its tilt.</summary>
    static NoiseCurves PerTilt(TiltSeries first, TiltSeries second, Func<int, (double R, double Sigma, double Mean, double Std)> measure,
        NoiseEstimate estimate, CancellationToken cancel, Action<int, int>? progress, int maxThreads)
    {
        int n = first.TiltCount;
        var r = new double[n];
        var sigma = new double[n];
        var mean = new double[n];
        var std = new double[n];
        SectionLoop.Run(n, i =>
        {
            try
            {
                (r[i], sigma[i], mean[i], std[i]) = measure(i);
            }
            catch (FakETException e)
            {
                throw new FakETException(e.ErrorId, e.Kind, $"Tilt {i}: {e.Message}", e);
            }
        }, cancel, progress, maxThreads);
        return new NoiseCurves(r, sigma, mean, std, $"{first} | {second}") { TiltAngles = first.TiltAngles ?? second.TiltAngles, Estimate = estimate };
    }

    /// <summary>The full sum's r and σ from the half-sets' correlation ρ ∈ [0, 1]: r = √(2ρ/(1 + ρ)), σ = √(1 − r²).</summary>
    public static (double R, double Sigma) SpearmanBrown(double rho)
    {
        double r2 = 2 * rho / (1 + rho);
        return (Math.Sqrt(r2), Math.Sqrt(Math.Max(0, 1 - r2)));
    }

    /// <summary>The full sum of two half-set tilts, pixel by pixel.</summary>
    public static float[] Sum(ReadOnlySpan<float> even, ReadOnlySpan<float> odd)
    {
        var sum = new float[even.Length];
        for (int p = 0; p < sum.Length; p++) sum[p] = even[p] + odd[p];
        return sum;
    }

    /// <summary>Checks that a reference and its clean projections can be compared tilt by tilt.</summary>
    public static void CheckPair(TiltSeries reference, TiltSeries clean, string first = "reference series", string second = "clean series")
    {
        if (reference.TiltCount != clean.TiltCount)
            throw new FakETException(ErrorIds.NoiseTiltCountMismatch, FailureKind.InvalidArgument,
                $"The {first} has {reference.TiltCount} tilts but its {second} has {clean.TiltCount}; give {(second == "clean series" ? "the clean projections of" : "the other half of")} the same tilts.");
        if (reference.Height != clean.Height || reference.Width != clean.Width)
            throw new FakETException(ErrorIds.NoiseShapeMismatch, FailureKind.InvalidArgument,
                $"The {first}'s tilts are {reference.Height}×{reference.Width} but the {second}'s are {clean.Height}×{clean.Width}; they must match pixel for pixel.");
    }
}

/// <summary>
/// Measure-TiltNoise's stage: the curves measured on one or more reference pairs (<see cref="NoiseEstimation.Measure"/>,
/// one pair at a time, so a caller never holds more than one pair) aggregated as FakET's <c>aggregate(curves, order)</c>
/// into a noise profile: each curve is fitted by a polynomial of the options' order over the tilt index, and the fitted
/// curves are averaged. Order −1 averages the measured curves unfitted; order 0 gives the Gaussian BASELINE's constants.
/// The profile keeps the first pair's tilt angles; pairs with other angles are aggregated by index, with a warning.
/// </summary>
public sealed class NoiseAggregation : Stage<IReadOnlyList<NoiseCurves>, NoiseAggregationOptions, NoiseProfile>
{
    public override string Step => Steps.MeasureTiltNoise;

    protected override NoiseProfile Execute(IReadOnlyList<NoiseCurves> measurements, NoiseAggregationOptions options, StageRun run)
    {
        if (measurements.Count == 0)
            throw new FakETException(ErrorIds.NoisePairCountMismatch, FailureKind.InvalidArgument, "No reference pair was measured; give at least one.");
        int n = measurements[0].Count, order = options.PolynomialOrder;
        if (measurements.Any(m => m.Count != n))
            throw new FakETException(ErrorIds.NoiseTiltCountMismatch, FailureKind.InvalidArgument,
                $"The reference pairs have different numbers of tilts ({string.Join(", ", measurements.Select(m => m.Count))}); FakET aggregates curves over the tilt index, so all pairs need the same tilts.");
        if (order >= n)
            throw new FakETException(ErrorIds.NoisePolynomialOrderInvalid, FailureKind.InvalidArgument,
                $"The polynomial order must be between −1 (no fit) and {n - 1} (one less than the {n} tilts), not {order}.");
        var estimate = measurements[0].Estimate;
        if (measurements.Any(m => m.Estimate != estimate))
            throw new FakETException(ErrorIds.NoiseEstimateMixed, FailureKind.InvalidArgument,
                "Some pairs are half-sets and some are measured against clean projections; their r measure different things (docs/DESIGN.md, \"Noise from half-sets\"), so measure one profile of each.");
        var angles = measurements.Select(m => m.TiltAngles).FirstOrDefault(a => a is not null);
        for (int p = 0; p < measurements.Count; p++)
            if (measurements[p].TiltAngles is { } other && angles is not null && other.Zip(angles).Any(a => Math.Abs(a.First - a.Second) > 0.5))
                run.Warning($"Pair {p + 1} has other tilt angles than the first; FakET aggregates over the tilt index, and the profile keeps the first pair's angles.");
        var aggregated = new double[4][];
        for (int c = 0; c < 4; c++)
        {
            run.Cancel.ThrowIfCancellationRequested();
            var sum = new double[n];
            foreach (var m in measurements)
            {
                var fitted = Polynomial.FitOverIndex(m.All[c], order);
                for (int i = 0; i < n; i++) sum[i] += fitted[i];
            }
            aggregated[c] = sum.Select(v => v / measurements.Count).ToArray();
        }
        // A fitted curve can leave the range its measured points lie in (r in [0, 1], standard deviations ≥ 0) at the
        // ends of the tilt range; the profile keeps the nearest valid value there and says so.
        var clamped = new List<string>();
        for (int c = 0; c < 4; c++)
        {
            double low = c == 2 ? double.NegativeInfinity : 0, high = c == 0 ? 1 : double.PositiveInfinity;
            var outside = Enumerable.Range(0, n).Where(i => aggregated[c][i] < low || aggregated[c][i] > high).ToList();
            if (outside.Count == 0) continue;
            foreach (int i in outside) aggregated[c][i] = Math.Clamp(aggregated[c][i], low, high);
            clamped.Add($"{NoiseCurves.Names[c]} at tilt{(outside.Count == 1 ? "" : "s")} {string.Join(", ", outside)}");
        }
        if (clamped.Count > 0)
            run.Warning($"The order-{order} fit left the valid range for {string.Join("; ", clamped)}; those values were set to the nearest valid one (r in 0…1, standard deviations ≥ 0).");
        string summary = $"order {order} from {measurements.Count} {(estimate == NoiseEstimate.HalfSet ? "half-set pair" : "pair")}{(measurements.Count == 1 ? "" : "s")}";
        var entry = run.Entry(summary, new Dictionary<string, object?>
        {
            ["Pairs"] = measurements.Select(m => m.Source).ToArray(),
            ["Estimate"] = estimate,
        });
        return new NoiseProfile(new NoiseCurves(aggregated[0], aggregated[1], aggregated[2], aggregated[3]), angles, order,
            measurements, new[] { entry }, estimate);
    }
}

/// <summary>How <see cref="NoiseAggregation"/> aggregates the pairs' curves.</summary>
public sealed record NoiseAggregationOptions : StageOptions
{
    /// <summary>Order of the polynomial fitted over the tilt index: 2 as in the paper, 0 for the Gaussian BASELINE, −1 for no fit.</summary>
    public int PolynomialOrder { get; init; } = 2;

    public override void Validate()
    {
        if (PolynomialOrder < -1)
            throw new FakETException(ErrorIds.NoisePolynomialOrderInvalid, FailureKind.InvalidArgument,
                $"The polynomial order must be −1 (no fit) or more, not {PolynomialOrder}.");
    }
}

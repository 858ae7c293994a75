using System.Globalization;
using System.Text;

namespace FakET.Noise;

/// <summary>What a noise profile's r measures: which signal it is the correlation with.</summary>
public enum NoiseEstimate
{
    /// <summary>The paper's: measured tilts against the clean projections of the same sample. r is the correlation with the
    /// clean projection, so the CTF's and the detector's decorrelation count as noise.</summary>
    Paired,
    /// <summary>From even/odd half-sets of the measured data alone: with ρ their correlation, r² = 2ρ/(1 + ρ)
    /// (Spearman–Brown), the correlation of the full sum with its own noise-free image; only shot noise (and whatever
    /// else differs between the halves) counts as noise.</summary>
    HalfSet,
}

/// <summary>One tilt of a noise profile.</summary>
/// <param name="Index">Tilt index, from 0 (FakET fits its curves over this index).</param>
/// <param name="Angle">Tilt angle in degrees, or <c>null</c> when the reference series had none.</param>
/// <param name="R">Weight of the standardised clean signal in the standardised measured tilt.</param>
/// <param name="Sigma">Standard deviation of the noise left after removing <c>R</c>·clean (standardised units).</param>
/// <param name="ReferenceMean">Mean of the measured (reference) tilt.</param>
/// <param name="ReferenceStd">Standard deviation of the measured (reference) tilt.</param>
public sealed record NoiseProfileRow(int Index, double? Angle, double R, double Sigma, double ReferenceMean, double ReferenceStd)
{
    public override string ToString() => FormattableString.Invariant(
        $"{Index,3}  {(Angle is { } a ? TiltSeries.Degrees(a) : "?"),7}  r {R:0.0000}  σ {Sigma:0.0000}  mean {ReferenceMean:0.###}  std {ReferenceStd:0.###}");
}

/// <summary>
/// Four per-tilt curves: r, σ, and the measured tilt's mean and standard deviation. What one
/// reference pair measures, and what a profile holds after aggregation.
/// </summary>
/// <param name="Source">Where the curves came from, e.g. the reference and clean series they were measured on.</param>
public sealed record NoiseCurves(IReadOnlyList<double> R, IReadOnlyList<double> Sigma, IReadOnlyList<double> ReferenceMean,
    IReadOnlyList<double> ReferenceStd, string Source = "")
{
    /// <summary>Number of tilts.</summary>
    public int Count => R.Count;

    /// <summary>The tilt angles of the series the curves were measured on, or <c>null</c> when unknown.</summary>
    public IReadOnlyList<double>? TiltAngles { get; init; }

    /// <summary>What r was measured against (<see cref="NoiseEstimate"/>).</summary>
    public NoiseEstimate Estimate { get; init; } = NoiseEstimate.Paired;

    /// <summary>The four curves, in the order R, Sigma, ReferenceMean, ReferenceStd.</summary>
    public IReadOnlyList<double>[] All => new[] { R, Sigma, ReferenceMean, ReferenceStd };

    internal static readonly string[] Names = { "r", "sigma", "referenceMean", "referenceStd" };
}

/// <summary>
/// FakET's noise model for one microscope: per tilt, how strongly the clean signal shows in measured data (r),
/// how much noise there is (σ), and the mean and standard deviation a measured tilt has. Made by
/// Measure-TiltNoise from reference pairs (measured, clean) and used by Add-TiltNoise. It keeps the curves
/// measured on each pair, so its plot can show the points behind the fits.
/// </summary>
public sealed class NoiseProfile
{
    readonly double[] _r, _sigma, _mean, _std;
    readonly double[]? _angles;

    /// <param name="values">The profile's curves, one value per tilt.</param>
    /// <param name="tiltAngles">Degrees, one per tilt, or <c>null</c>.</param>
    /// <param name="polynomialOrder">Order of the fits over the tilt index (−1: unfitted; 0: constants, the Gaussian BASELINE).</param>
    /// <param name="measurements">The curves measured on each reference pair (may be empty).</param>
    /// <param name="history">The steps that made the profile.</param>
    /// <param name="estimate">What r was measured against: clean projections (the paper's) or half-sets.</param>
    public NoiseProfile(NoiseCurves values, IReadOnlyList<double>? tiltAngles, int polynomialOrder,
        IReadOnlyList<NoiseCurves>? measurements = null, IEnumerable<HistoryEntry>? history = null,
        NoiseEstimate estimate = NoiseEstimate.Paired)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.Count;
        if (n == 0) throw Invalid("A noise profile needs at least one tilt.");
        foreach (var curve in values.All)
        {
            if (curve.Count != n) throw Invalid($"The profile's curves differ in length ({n} values of r, {curve.Count} of another).");
            if (curve.Any(v => !double.IsFinite(v))) throw Invalid("A noise profile's values must be finite numbers.");
        }
        for (int i = 0; i < n; i++)
        {
            if (!(values.R[i] is >= 0 and <= 1))
                throw Invalid($"Tilt {i}: r is {Text(values.R[i])}; r is the weight of the clean signal, between 0 and 1 (a negative r would invert the contrast).");
            if (values.Sigma[i] < 0) throw Invalid($"Tilt {i}: σ is {Text(values.Sigma[i])}; a standard deviation is 0 or more.");
            if (values.R[i] == 0 && values.Sigma[i] == 0)
                throw Invalid($"Tilt {i}: r and σ are both 0, so the tilt would be constant: neither signal nor noise.");
            if (values.ReferenceStd[i] < 0)
                throw Invalid($"Tilt {i}: the reference standard deviation is {Text(values.ReferenceStd[i])}; a standard deviation is 0 or more.");
            if (Math.Abs(values.ReferenceMean[i]) > MaxReferenceValue || values.ReferenceStd[i] > MaxReferenceValue)
                throw Invalid($"Tilt {i}: a reference mean of {Text(values.ReferenceMean[i])} and standard deviation of {Text(values.ReferenceStd[i])} " +
                    $"would put the noisy tilt beyond what float32 holds; each must be at most {Text(MaxReferenceValue)} in size.");
        }
        if (tiltAngles is not null && tiltAngles.Count != n)
            throw new FakETException(ErrorIds.NoiseTiltCountMismatch, FailureKind.InvalidArgument,
                $"The profile has {n} tilts but {tiltAngles.Count} tilt angles.");
        if (tiltAngles is not null && tiltAngles.Select(TiltAngleLimits.Problem).FirstOrDefault(p => p is not null) is { } why)
            throw Invalid($"A tilt angle of the profile is invalid: {why}.");
        if (polynomialOrder < -1) throw new FakETException(ErrorIds.NoisePolynomialOrderInvalid, FailureKind.InvalidArgument,
            $"The polynomial order must be −1 (no fit) or more, not {polynomialOrder}.");
        foreach (var m in measurements ?? Array.Empty<NoiseCurves>())
        {
            if (m.All.Any(c => c.Count != n))
                throw new FakETException(ErrorIds.NoiseTiltCountMismatch, FailureKind.InvalidArgument,
                    $"A measurement in the profile has another number of tilts than the profile's {n}.");
            if (m.All.Any(c => c.Any(v => !double.IsFinite(v)))) throw Invalid("A noise profile's measured values must be finite numbers.");
        }
        _r = values.R.ToArray();
        _sigma = values.Sigma.ToArray();
        _mean = values.ReferenceMean.ToArray();
        _std = values.ReferenceStd.ToArray();
        _angles = tiltAngles?.ToArray();
        PolynomialOrder = polynomialOrder;
        if (!Enum.IsDefined(estimate)) throw Invalid($"Unknown noise estimate {estimate}.");
        Estimate = estimate;
        Measurements = (measurements ?? Array.Empty<NoiseCurves>()).ToList();
        History = (history ?? Array.Empty<HistoryEntry>()).ToList();
    }

    /// <summary>The largest reference mean or standard deviation (in size) a profile may have: the noisy tilt is made
    /// with it in float32 (up to 3.4e38), and a pixel lies several standard deviations from the mean.</summary>
    public const double MaxReferenceValue = 1e30;

    static string Text(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    static FakETException Invalid(string message) => new(ErrorIds.NoiseProfileInvalid, FailureKind.InvalidArgument, message);

    /// <summary>Number of tilts.</summary>
    public int TiltCount => _r.Length;
    /// <summary>Order of the polynomial fits over the tilt index: −1 none, 0 constants (Gaussian BASELINE), 2 the paper's.</summary>
    public int PolynomialOrder { get; }
    /// <summary>What r was measured against: Paired (clean projections, the paper's) or HalfSet (even/odd half-sets).</summary>
    public NoiseEstimate Estimate { get; }
    /// <summary>Tilt angles in degrees (a copy), or <c>null</c> when unknown.</summary>
    public double[]? TiltAngles => _angles?.ToArray();
    /// <summary>r per tilt (a copy).</summary>
    public double[] R => _r.ToArray();
    /// <summary>σ per tilt (a copy).</summary>
    public double[] Sigma => _sigma.ToArray();
    /// <summary>Target mean per tilt: the measured data's (a copy).</summary>
    public double[] ReferenceMean => _mean.ToArray();
    /// <summary>Target standard deviation per tilt: the measured data's (a copy).</summary>
    public double[] ReferenceStd => _std.ToArray();
    /// <summary>The curves measured on each reference pair, before aggregation.</summary>
    public IReadOnlyList<NoiseCurves> Measurements { get; }
    /// <summary>Number of reference pairs the profile was measured on.</summary>
    public int PairCount => Measurements.Count;
    /// <summary>The steps that made the profile.</summary>
    public IReadOnlyList<HistoryEntry> History { get; }

    /// <summary>The profile's own curves.</summary>
    public NoiseCurves Values => new(_r, _sigma, _mean, _std) { TiltAngles = _angles, Estimate = Estimate };

    /// <summary>One row per tilt.</summary>
    public IReadOnlyList<NoiseProfileRow> Rows =>
        Enumerable.Range(0, TiltCount).Select(i => new NoiseProfileRow(i, _angles?[i], _r[i], _sigma[i], _mean[i], _std[i])).ToList();

    /// <summary>What kind of profile this is, in words.</summary>
    public string Kind => PolynomialOrder switch
    {
        -1 => "measured, unfitted",
        0 => "order 0 (Gaussian baseline)",
        _ => $"order {PolynomialOrder}",
    };

    /// <summary>One line: <c>NoiseProfile 21 tilts  −60°…+60°  order 2, 1 pair  r 0.160…0.358  σ 0.935…0.992</c>.</summary>
    public override string ToString()
    {
        var line = new StringBuilder($"NoiseProfile {TiltCount} tilts  ");
        line.Append(_angles is null ? "angles unknown" : $"{TiltSeries.Degrees(_angles.Min())}…{TiltSeries.Degrees(_angles.Max())}");
        line.Append($"  {Kind}, {PairCount} {(Estimate == NoiseEstimate.HalfSet ? "half-set pair" : "pair")}{(PairCount == 1 ? "" : "s")}");
        line.Append($"  r {Range(_r)}  σ {Range(_sigma)}");
        return line.ToString();

        static string Range(double[] v) => v.Min().ToString("0.000", CultureInfo.InvariantCulture) + "…" + v.Max().ToString("0.000", CultureInfo.InvariantCulture);
    }
}

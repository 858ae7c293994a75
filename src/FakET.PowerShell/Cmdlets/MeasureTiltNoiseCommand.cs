using System.Management.Automation;
using FakET.Noise;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Measures FakET's noise profile from measured tilt series and their clean projections, or from even/odd half-sets of measured data alone.</para>
/// <para type="description">For each pair of a measured (reference) tilt series and the clean projections of the same sample, and for each tilt, standardises both to mean 0 and standard deviation 1 and finds r, the exact minimiser over [0, 1] of the standard deviation of measured − r·clean (the Pearson correlation clamped to [0, 1]), and σ, that standard deviation. It also keeps the measured tilt's mean and standard deviation, which noisy output is later scaled to. Everything is accumulated in float64; the published FakET code bisects in float32 and stops early, so its r can differ by up to about 0.01.</para>
/// <para type="description">Several pairs are aggregated as FakET does: each curve is fitted over the tilt index by a polynomial of -PolynomialOrder (2, the paper's choice, by default) and the fitted curves are averaged. -PolynomialOrder 0 gives the constants of the paper's Gaussian BASELINE; -1 keeps the measured curves unfitted. All pairs need the same number of tilts; within a pair the images must match pixel for pixel.</para>
/// <para type="description">Pairs are matched by position in -Reference and -Clean, or come down the pipeline as objects with Reference and Clean properties. One noise profile is written when all pairs are measured; if any pair fails, none is.</para>
/// <para type="description">Real data have no clean projections. With -Even and -Odd the profile comes from the data alone: the even and odd half-sets that Warp, RELION 5, AreTomo and MotionCor write (the frames of each exposure split in two). Per tilt, ρ is the half-sets' correlation, measured as above; the full sum's signal fraction follows from the Spearman–Brown relation, r² = 2ρ/(1 + ρ), and σ² = 1 − r²; the mean and standard deviation are those of the full sum, Even + Odd. The curves are fitted and aggregated as in the paired mode. The profile's Estimate says which kind it is (Paired or HalfSet), and Export-NoiseProfile keeps it. A half-set r is the correlation with the data's own noise-free image, so it counts only what differs between the halves (shot noise) as noise; a paired r is the correlation with the clean projection, so the CTF and the detector count as noise too, and it is lower: on the physics-lite microscope's defaults the paired r is about 0.8 of the half-set r on the central field (docs/benchmarks.md, "Noise from half-sets"). Invoke-MicroscopeSimulation -HalfSets makes half-sets with a known truth to check this on.</para>
/// <example><code>$profile = Measure-TiltNoise -Reference (Import-TiltSeries measured.mrc) -Clean (Import-TiltSeries clean.mrc)</code><para>Measures the order-2 profile of one reference pair.</para></example>
/// <example><code>$profile = Measure-TiltNoise -Even (Import-TiltSeries ts_EVN.mrc) -Odd (Import-TiltSeries ts_ODD.mrc)</code><para>Measures a half-set profile from the even and odd half-sets of one real tilt series.</para></example>
/// <example><code>$clean | Invoke-MicroscopeSimulation -HalfSets -Seed 1 | Measure-TiltNoise -PolynomialOrder -1</code><para>Half-sets of the physics-lite microscope bind to -Even and -Odd by name; the unfitted profile can be compared with the true signal fraction.</para></example>
/// <example><code>$pairs | ForEach-Object { [pscustomobject]@{ Reference = Import-TiltSeries $_.Measured; Clean = Import-TiltSeries $_.Clean } } | Measure-TiltNoise -PolynomialOrder 0</code><para>Aggregates several pairs into the constants of the Gaussian BASELINE.</para></example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "TiltNoise", DefaultParameterSetName = PairedSet)]
[OutputType(typeof(NoiseProfile))]
public sealed class MeasureTiltNoiseCommand : FakETCmdlet
{
    const string PairedSet = "Paired", HalfSetSet = "HalfSets";

    /// <summary><para type="description">Measured tilt series (e.g. real data of the microscope to imitate), one per pair.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PairedSet)]
    public TiltSeries[] Reference { get; set; } = Array.Empty<TiltSeries>();

    /// <summary><para type="description">Clean projections of the same samples at the same tilts, one per reference, in the same order.</para></summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = PairedSet)]
    public TiltSeries[] Clean { get; set; } = Array.Empty<TiltSeries>();

    /// <summary><para type="description">Even half-sets of measured tilt series (e.g. Warp's or RELION's _EVN series), one per pair. The profile's r is then the full sum's signal fraction by the Spearman–Brown relation, with no clean projections needed.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = HalfSetSet)]
    public TiltSeries[] Even { get; set; } = Array.Empty<TiltSeries>();

    /// <summary><para type="description">Odd half-sets of the same exposures, one per even half-set, in the same order.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = HalfSetSet)]
    public TiltSeries[] Odd { get; set; } = Array.Empty<TiltSeries>();

    /// <summary><para type="description">Order of the polynomial fitted over the tilt index to each curve: 2 (default) as in the paper, 0 for the Gaussian BASELINE's constants, -1 for no fit.</para></summary>
    [Parameter]
    [ValidateRange(-1, 64)]
    public int PolynomialOrder { get; set; } = 2;

    readonly List<NoiseCurves> _measured = new();
    bool _failed;

    protected override void ProcessRecord()
    {
        bool halfSets = ParameterSetName == HalfSetSet;
        var (first, second) = halfSets ? (Even, Odd) : (Reference, Clean);
        if (first.Length != second.Length)
        {
            _failed = true;
            var e = new FakETException(ErrorIds.NoisePairCountMismatch, FailureKind.InvalidArgument, halfSets
                ? $"{Even.Length} even but {Odd.Length} odd half-sets were given; pairs are matched by position, so give one odd half-set per even one."
                : $"{Reference.Length} reference series but {Clean.Length} clean series were given; pairs are matched by position, so give one clean series per reference.");
            WriteError(ErrorFrom(e, first));
            return;
        }
        // Each pair is measured as it comes and only its curves are kept, so a stream of large pairs never piles up.
        for (int p = 0; p < first.Length; p++)
        {
            var (a, b) = (first[p], second[p]);
            var progress = Progress("Measure-TiltNoise", $"Pair {_measured.Count + 1}: tilt");
            _failed |= !TryRun(() => _measured.Add(halfSets
                ? NoiseEstimation.MeasureHalfSets(a, b, Cancel, progress)
                : NoiseEstimation.Measure(a, b, Cancel, progress)), a);
        }
    }

    protected override void EndProcessing()
    {
        if (_failed || _measured.Count == 0) return;
        TryRun(() => WriteObject(new NoiseAggregation().Run(_measured, new NoiseAggregationOptions { PolynomialOrder = PolynomialOrder },
            Reporter("Aggregating:"), Cancel)), null);
    }
}

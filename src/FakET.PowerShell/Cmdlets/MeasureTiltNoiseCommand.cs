using System.Management.Automation;
using FakET.Noise;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Measures FakET's noise profile from measured tilt series and their clean projections.</para>
/// <para type="description">For each pair of a measured (reference) tilt series and the clean projections of the same sample, and for each tilt, standardises both to mean 0 and standard deviation 1 and finds r, the exact minimiser over [0, 1] of the standard deviation of measured − r·clean (the Pearson correlation clamped to [0, 1]), and σ, that standard deviation. It also keeps the measured tilt's mean and standard deviation, which noisy output is later scaled to. Everything is accumulated in float64; the published FakET code bisects in float32 and stops early, so its r can differ by up to about 0.01.</para>
/// <para type="description">Several pairs are aggregated as FakET does: each curve is fitted over the tilt index by a polynomial of -PolynomialOrder (2, the paper's choice, by default) and the fitted curves are averaged. -PolynomialOrder 0 gives the constants of the paper's Gaussian BASELINE; -1 keeps the measured curves unfitted. All pairs need the same number of tilts; within a pair the images must match pixel for pixel.</para>
/// <para type="description">Pairs are matched by position in -Reference and -Clean, or come down the pipeline as objects with Reference and Clean properties. One noise profile is written when all pairs are measured; if any pair fails, none is.</para>
/// <example><code>$profile = Measure-TiltNoise -Reference (Import-TiltSeries measured.mrc) -Clean (Import-TiltSeries clean.mrc)</code><para>Measures the order-2 profile of one reference pair.</para></example>
/// <example><code>$pairs | ForEach-Object { [pscustomobject]@{ Reference = Import-TiltSeries $_.Measured; Clean = Import-TiltSeries $_.Clean } } | Measure-TiltNoise -PolynomialOrder 0</code><para>Aggregates several pairs into the constants of the Gaussian BASELINE.</para></example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "TiltNoise")]
[OutputType(typeof(NoiseProfile))]
public sealed class MeasureTiltNoiseCommand : FakETCmdlet
{
    /// <summary><para type="description">Measured tilt series (e.g. real data of the microscope to imitate), one per pair.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public TiltSeries[] Reference { get; set; } = Array.Empty<TiltSeries>();

    /// <summary><para type="description">Clean projections of the same samples at the same tilts, one per reference, in the same order.</para></summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public TiltSeries[] Clean { get; set; } = Array.Empty<TiltSeries>();

    /// <summary><para type="description">Order of the polynomial fitted over the tilt index to each curve: 2 (default) as in the paper, 0 for the Gaussian BASELINE's constants, -1 for no fit.</para></summary>
    [Parameter]
    [ValidateRange(-1, 64)]
    public int PolynomialOrder { get; set; } = 2;

    readonly List<NoiseCurves> _measured = new();
    bool _failed;

    protected override void ProcessRecord()
    {
        if (Reference.Length != Clean.Length)
        {
            _failed = true;
            var e = new FakETException(ErrorIds.NoisePairCountMismatch, FailureKind.InvalidArgument,
                $"{Reference.Length} reference series but {Clean.Length} clean series were given; pairs are matched by position, so give one clean series per reference.");
            WriteError(ErrorFrom(e, Reference));
            return;
        }
        // Each pair is measured as it comes and only its curves are kept, so a stream of large pairs never piles up.
        for (int p = 0; p < Reference.Length; p++)
        {
            var (reference, clean) = (Reference[p], Clean[p]);
            _failed |= !TryRun(() => _measured.Add(NoiseEstimation.Measure(reference, clean, Cancel,
                Progress("Measure-TiltNoise", $"Pair {_measured.Count + 1}: tilt"))), reference);
        }
    }

    protected override void EndProcessing()
    {
        if (_failed || _measured.Count == 0) return;
        TryRun(() => WriteObject(new NoiseAggregation().Run(_measured, new NoiseAggregationOptions { PolynomialOrder = PolynomialOrder },
            Reporter("Aggregating:"), Cancel)), null);
    }
}

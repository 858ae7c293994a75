using System.Management.Automation;
using FakET.Native;
using FakET.Scoring;
using FakET.StyleTransfer;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Measures how close simulated tilt series are to a reference series (usually the user's real data), tilt by tilt: power spectrum, intensity distribution, mean and std, and VGG-19 style.</para>
/// <para type="description">Each input tilt is compared with its reference tilt: the same index when the series have the same tilt count, else the reference tilt of the nearest angle. Per tilt: Spectrum, the RMS over frequency bands up to Nyquist of log10(P_input(f) / P_reference(f)), P the radially averaged power spectrum |DFT(x − mean)|² / (H·W) in B = min side / 2 bands of 0.5/B cycles per pixel (band 0, the zero frequency, left out); Wasserstein, the Wasserstein-1 distance ∫|Q_input(u) − Q_reference(u)|du between the two tilts' intensity distributions (Q the quantile functions; exact, in the data's units); MeanDifference and StdDifference, input − reference; Style, Σ w_l·mean((G_l(input) − G_l(reference))²) over FakET's style layers 1, 6, 11, 20, 29 with weights 256, 64, 16, 4, 1 normalised to sum 1, G_l = F·Fᵀ/(H·W) the Gram matrix of the VGG-19 activations that Invoke-StyleTransfer uses, each series scaled to [0, 1] by its own minimum and maximum. A series compared with itself scores 0 in all of them.</para>
/// <para type="description">Each input gives one summary row: the per-tilt figures averaged over tilts (MeanDifference and StdDifference as mean absolute values), with Weights saying which VGG-19 weights the style distance used (the installed pretrained ones, else random ones with a warning) and PerTilt holding the per-tilt table. -Path writes a PNG: the power spectra of the reference and of each input at the reference's lowest, middle and highest tilt, the intensity histograms at the tilt nearest 0°, and each metric against tilt angle.</para>
/// <example><code>$noisy, $content, $faket | Measure-Realism -Reference $measured -Name noisy, content, faket -Path ./realism.png</code><para>One row per series against the measured one, and the picture.</para></example>
/// <example><code>(Measure-Realism -Reference $measured $faket -NoStyle).PerTilt | Where-Object Spectrum -gt 0.5</code><para>The tilts whose spectrum is furthest from the reference's, without the VGG-19 pass.</para></example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "Realism")]
[OutputType(typeof(RealismSummary))]
public sealed class MeasureRealismCommand : FakETCmdlet
{
    /// <summary><para type="description">The series the inputs are compared with, usually measured data.</para></summary>
    [Parameter(Mandatory = true)]
    public TiltSeries Reference { get; set; } = null!;

    /// <summary><para type="description">The series to measure, from the pipeline too.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public TiltSeries[] InputObject { get; set; } = Array.Empty<TiltSeries>();

    /// <summary><para type="description">A name for each input, in order (default "input 1", "input 2", …).</para></summary>
    [Parameter]
    public string[]? Name { get; set; }

    /// <summary><para type="description">Writes the picture to this PNG file.</para></summary>
    [Parameter]
    public string? Path { get; set; }

    /// <summary><para type="description">Overwrite an existing picture.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Skip the style distance (no VGG-19 pass, much faster); Style is then NaN.</para></summary>
    [Parameter]
    public SwitchParameter NoStyle { get; set; }

    /// <summary><para type="description">Pretrained: the installed ImageNet VGG-19 (an error when none is installed). Random: random weights seeded by -Seed. By default the installed weights, else random ones with a warning.</para></summary>
    [Parameter]
    [ValidateSet("Pretrained", "Random")]
    public string? Weights { get; set; }

    /// <summary><para type="description">A VGG-19 weights file in safetensors form, as Invoke-StyleTransfer's -ModelPath.</para></summary>
    [Parameter]
    public string? ModelPath { get; set; }

    /// <summary><para type="description">Seed of random weights. Default 0.</para></summary>
    [Parameter]
    public int Seed { get; set; }

    /// <summary><para type="description">Auto (CUDA when present), Cpu or Cuda, for the VGG-19 pass.</para></summary>
    [Parameter]
    [ValidateSet("Auto", "Cpu", "Cuda")]
    public string Device { get; set; } = "Auto";

    /// <summary><para type="description">The style distance at every n-th tilt only (index 0, n, 2n, …), the VGG-19 pass being the slow part; the others are NaN and the summary averages those measured. Default 1: every tilt.</para></summary>
    [Parameter]
    [ValidateRange(1, 10000)]
    public int StyleEvery { get; set; } = 1;

    readonly List<TiltSeries> _inputs = new();

    protected override void ProcessRecord() => _inputs.AddRange(InputObject);

    protected override void EndProcessing()
    {
        RequireNativeStack();
        string? target = Path is null ? null : ResolveOutputPath(Path);
        if (target is not null && File.Exists(target) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"'{target}' already exists. Use -Force to overwrite it."), "FileExists", ErrorCategory.ResourceExists, target));
            return;
        }
        var options = new RealismOptions
        {
            Names = Name,
            NoStyle = NoStyle,
            Weights = Weights is null ? null : Enum.Parse<StyleWeights>(Weights, ignoreCase: true),
            ModelPath = ModelPath is null ? null : ResolveOutputPath(ModelPath),
            Seed = Seed,
            Device = Enum.Parse<ComputeDevice>(Device, ignoreCase: true),
            StyleEvery = StyleEvery,
        };
        TryRun(() =>
        {
            var results = Realism.Measure(Reference, _inputs, options, Reporter("Measuring realism"), Cancel);
            if (target is not null)
            {
                var png = RealismPlot.Png(Reference, _inputs, results);
                IO.AtomicFile.Write(target, stream => stream.Write(png), Cancel);
            }
            WriteObject(results, enumerateCollection: true);
        }, Reference);
    }
}

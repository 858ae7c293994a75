using System.Management.Automation;
using FakET.Microscope;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Turns clean projections into a measured-like tilt series with a physics-lite microscope. This is NOT FakET.</para>
/// <para type="description">This cmdlet is not FakET and not part of the published method: FakET learns the look of real data instead of modelling the microscope. It is a rough, fast physical model for when no real tilt series is at hand, e.g. to give Measure-TiltNoise and the style transfer a realistic, reproducible reference in seconds (a physics-based simulator such as SHREC's takes hours). Do not take its output for real data.</para>
/// <para type="description">Per tilt: the clean projection (dense matter dark) becomes a weak phase object: a projected potential in volts (a New-Phantom sample of atomic models, or ConvertTo-Potential) shifts the phase by σ∫V dz, with the interaction constant σ of -Voltage (6.53·10⁻⁴ rad/(V·Å) at 300 kV), so that particles have their physical contrast; any other series, or any with -PhaseScale given, has root-mean-square phase -PhaseScale over the series; its image contrast is formed by the phase-contrast transfer function of -Voltage, -SphericalAberration, -AmplitudeContrast and -Defocus (underfocus positive), damped by the envelope exp(-B k²/4) of -BFactor and by radiation damage (Grant and Grigorieff's critical exposure) for the dose the specimen received before this tilt. -TotalDose is shared equally between the tilts, and the recording order decides which tilts come first: the series' own acquisition order, or -AcquisitionOrder (dose-symmetric in groups of -GroupSize when the series has no order of its own). The zero-loss beam falls as exp(-t/(MFP·cos θ)) through a slab of -IceThickness, so high tilts get fewer electrons. The expected electrons per pixel are drawn as Poisson counts (shot noise) and filtered by the detector's pixel-aperture MTF. The output is in electrons per pixel.</para>
/// <para type="description">The shot noise is seeded (each image row draws from its own stream of -Seed, tilt and row), so the same seed gives the same output. Fourier transforms run through libtorch, on a GPU when one is present.</para>
/// <para type="description">-HalfSets records the dose as real pipelines split it: an object with Even and Odd, two half-sets of half the dose each with independent shot noise (as the even and odd frame sums Warp or RELION 5 write), and NoShotNoise, the whole dose's expected counts through the same optics and detector, without shot noise. Even + Odd is distributed as the normal output; its correlation with NoShotNoise is the true signal fraction that Measure-TiltNoise -Even -Odd estimates from the halves alone.</para>
/// <example><code>$measured = $clean | Invoke-MicroscopeSimulation -Defocus 4 -TotalDose 120 -Seed 7</code><para>A measured-like series to measure a noise profile on: Measure-TiltNoise -Reference $measured -Clean $clean.</para></example>
/// <example><code>$halves = $clean | Invoke-MicroscopeSimulation -HalfSets -Seed 7; Measure-TiltNoise -Even $halves.Even -Odd $halves.Odd</code><para>Even/odd half-sets and the image without shot noise, to check a half-set noise profile against the truth.</para></example>
/// <example><code>$clean | Invoke-MicroscopeSimulation -AcquisitionOrder Sequential -IceThickness 250 -BFactor 200 -Seed 1</code><para>A thicker specimen, recorded from -60° to +60°, with a stronger envelope.</para></example>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "MicroscopeSimulation")]
[OutputType(typeof(TiltSeries), typeof(HalfSets))]
public sealed class InvokeMicroscopeSimulationCommand : FakETCmdlet
{
    static readonly MicroscopeSettings Defaults = new();

    /// <summary><para type="description">Clean projections (e.g. from New-TiltSeries), with their tilt angles and pixel size.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public TiltSeries InputObject { get; set; } = null!;

    /// <summary><para type="description">Acceleration voltage in kV (default 300).</para></summary>
    [Parameter]
    [ValidateRange(1.0, 3000.0)]
    public double Voltage { get; set; } = Defaults.Voltage;

    /// <summary><para type="description">Spherical aberration Cs in mm (default 2.7).</para></summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double SphericalAberration { get; set; } = Defaults.SphericalAberration;

    /// <summary><para type="description">Fraction of amplitude contrast, from 0 to below 1 (default 0.07).</para></summary>
    [Parameter]
    [ValidateRange(0.0, 0.999)]
    public double AmplitudeContrast { get; set; } = Defaults.AmplitudeContrast;

    /// <summary><para type="description">Defocus in µm; positive is underfocus (default 3).</para></summary>
    [Parameter]
    [ValidateRange(-100.0, 100.0)]
    public double Defocus { get; set; } = Defaults.Defocus;

    /// <summary><para type="description">B-factor of the envelope exp(-B k²/4) in Å² (default 0, no envelope).</para></summary>
    [Parameter]
    [ValidateRange(0.0, 100000.0)]
    public double BFactor { get; set; } = Defaults.BFactor;

    /// <summary><para type="description">Total electron dose over the series in e⁻/Å² (default 100), shared equally between the tilts.</para></summary>
    [Parameter]
    [ValidateRange(1e-6, 1e9)]
    public double TotalDose { get; set; } = Defaults.TotalDose;

    /// <summary><para type="description">The recording order: DoseSymmetric (Hagen's scheme), Bidirectional (0° to the positive end, then to the negative end) or Sequential (most negative to most positive). By default the series' own acquisition order (New-TiltSeries -DoseSymmetric or -TiltAngles in acquisition order, or an order list imported with it), else DoseSymmetric. The output carries the order it was recorded in.</para></summary>
    // A string, not the engine's enum: a field of an engine value type makes PowerShell load the engine while it
    // reads the cmdlet types, before the module's load context is hooked in.
    [Parameter]
    [ValidateSet(nameof(Microscope.AcquisitionOrder.DoseSymmetric), nameof(Microscope.AcquisitionOrder.Bidirectional), nameof(Microscope.AcquisitionOrder.Sequential))]
    public string? AcquisitionOrder { get; set; }

    /// <summary><para type="description">Tilts per group on each side in the dose-symmetric scheme (default 2).</para></summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int GroupSize { get; set; } = Defaults.GroupSize;

    /// <summary><para type="description">Thickness of the specimen slab at 0° in nm (default 150); the path through it grows as 1/cos θ.</para></summary>
    [Parameter]
    [ValidateRange(0.0, 100000.0)]
    public double IceThickness { get; set; } = Defaults.IceThickness;

    /// <summary><para type="description">Inelastic mean free path of the electrons in ice, in nm (default 350, about right at 300 kV).</para></summary>
    [Parameter]
    [ValidateRange(1.0, 100000.0)]
    public double MeanFreePath { get; set; } = Defaults.MeanFreePath;

    /// <summary><para type="description">Root-mean-square phase shift of the specimen over the series, in radians (default 0.1): how strongly the clean projections scatter. A series in volts takes its phase from its potential unless this is given.</para></summary>
    [Parameter]
    [ValidateRange(0.0, 10.0)]
    public double PhaseScale { get; set; } = Defaults.PhaseScale;

    /// <summary><para type="description">Leave out the detector's MTF (an ideal detector).</para></summary>
    [Parameter]
    public SwitchParameter NoDetectorMtf { get; set; }

    /// <summary><para type="description">Write an object with the two half-sets of the dose (Even, Odd: independent shot noise, half the dose each) and the image without shot noise (NoShotNoise) instead of one series.</para></summary>
    [Parameter]
    public SwitchParameter HalfSets { get; set; }

    /// <summary><para type="description">Seed of the shot noise. Without it a random seed is used and recorded in the history.</para></summary>
    [Parameter]
    public int? Seed { get; set; }

    protected override void ProcessRecord()
    {
        RequireNativeStack();
        int seed = Seed ?? Random.Shared.Next();
        if (Seed is null) WriteVerbose($"Invoke-MicroscopeSimulation: seed {seed}");
        var settings = new MicroscopeSettings
        {
            Voltage = Voltage,
            SphericalAberration = SphericalAberration,
            AmplitudeContrast = AmplitudeContrast,
            Defocus = Defocus,
            BFactor = BFactor,
            TotalDose = TotalDose,
            AcquisitionOrder = AcquisitionOrder is null ? null : Enum.Parse<AcquisitionOrder>(AcquisitionOrder, ignoreCase: true),
            GroupSize = GroupSize,
            IceThickness = IceThickness,
            MeanFreePath = MeanFreePath,
            PhaseScale = PhaseScale,
            PhaseFromPotential = !MyInvocation.BoundParameters.ContainsKey(nameof(PhaseScale)),
            DetectorMtf = !NoDetectorMtf,
            Seed = seed,
        };
        TryRun(() => WriteObject(HalfSets
            ? Microscope.HalfSets.Record(new MicroscopeSimulation(), InputObject, settings, Reporter("Recording"), Cancel)
            : new MicroscopeSimulation().Run(InputObject, settings, Reporter("Recording"), Cancel)), InputObject);
    }
}

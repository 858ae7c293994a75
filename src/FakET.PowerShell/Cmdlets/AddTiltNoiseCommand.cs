using System.Management.Automation;
using FakET.Noise;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Adds FakET's measured, tilt-dependent noise to clean projections.</para>
/// <para type="description">For each tilt i: X = r_i·standardise(clean_i) + Scale·σ_i·N(0, 1), then X is rescaled to the target mean and standard deviation of tilt i: the profile's (those of the measured data it was made from) or, with -Reference, those of that series' tilt i. The rescaling is exact: each output tilt has the target mean and standard deviation.</para>
/// <para type="description">-Scale 1 (default) gives FakET's noisy series, the init image of the style transfer; -Scale 0.25 its content series. A profile measured with -PolynomialOrder 0 gives the paper's Gaussian BASELINE.</para>
/// <para type="description">The noise is seeded: each tilt draws from its own random stream derived from -Seed and the tilt index, so the same seed gives the same output bit for bit, whatever the number of threads. Without -Seed a seed is chosen at random and recorded in the output's history. Tilts are processed in parallel.</para>
/// <example><code>$noisy = $clean | Add-TiltNoise -Profile $profile -Seed 1</code><para>FakET's noisy series.</para></example>
/// <example><code>$content = $clean | Add-TiltNoise -Profile $profile -Scale 0.25 -Seed 1 -Reference $measured</code><para>FakET's content series, each tilt scaled to the mean and standard deviation of the measured tilt.</para></example>
/// </summary>
[Cmdlet(VerbsCommon.Add, "TiltNoise")]
[OutputType(typeof(TiltSeries))]
public sealed class AddTiltNoiseCommand : FakETCmdlet
{
    /// <summary><para type="description">Clean projections to add noise to.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public TiltSeries InputObject { get; set; } = null!;

    /// <summary><para type="description">The noise profile (from Measure-TiltNoise or Import-NoiseProfile), with as many tilts as the input.</para></summary>
    [Parameter(Mandatory = true)]
    public NoiseProfile Profile { get; set; } = null!;

    /// <summary><para type="description">Multiplies the noise: 1 for FakET's noisy series, 0.25 for its content series.</para></summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double Scale { get; set; } = 1;

    /// <summary><para type="description">Seed of the noise. The same seed gives the same output. Without it a random seed is used and recorded in the history.</para></summary>
    [Parameter]
    public int? Seed { get; set; }

    /// <summary><para type="description">A tilt series whose per-tilt mean and standard deviation the output takes, instead of the profile's. It needs as many tilts as the input.</para></summary>
    [Parameter]
    public TiltSeries? Reference { get; set; }

    readonly NoiseSynthesis _stage = new();

    protected override void ProcessRecord()
    {
        int seed = Seed ?? Random.Shared.Next();
        if (Seed is null) WriteVerbose($"Add-TiltNoise: seed {seed}");
        var options = new NoiseOptions { Profile = Profile, Scale = Scale, Seed = seed, Reference = Reference };
        TryRun(() => WriteObject(_stage.Run(InputObject, options, Reporter("Adding noise:"), Cancel)), InputObject);
    }
}

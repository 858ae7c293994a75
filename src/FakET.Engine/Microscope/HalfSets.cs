using FakET.Stages;

namespace FakET.Microscope;

/// <summary>
/// A recording split as Warp, RELION 5, AreTomo and MotionCor split theirs: the frames of every exposure summed into an
/// even and an odd half-set, each with half the dose and its own shot noise, and, because the simulation knows it, the
/// expected image without shot noise. Even + Odd is distributed as the whole recording; the noise-free image is its
/// signal, so the correlation of Even + Odd with it is the true signal fraction that
/// <see cref="Noise.NoiseEstimation.MeasureHalfSets"/> estimates from the halves alone.
/// </summary>
/// <param name="Even">The even half-set: half the dose, Poisson counts.</param>
/// <param name="Odd">The odd half-set: the other half, drawn independently.</param>
/// <param name="NoShotNoise">The whole dose's expected counts, through the same optics and detector MTF, without shot noise.</param>
public sealed record HalfSets(TiltSeries Even, TiltSeries Odd, TiltSeries NoShotNoise)
{
    /// <summary>Records <paramref name="clean"/> three times with the same optics, dose and recording order: the two
    /// half-sets (independent shot noise) and the expected counts. Each series carries its own history entry.</summary>
    public static HalfSets Record(MicroscopeSimulation microscope, TiltSeries clean, MicroscopeSettings settings,
        IStageReporter? reporter = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(microscope);
        ArgumentNullException.ThrowIfNull(settings);
        TiltSeries Part(RecordedPart part) => microscope.Run(clean, settings with { Part = part }, reporter, cancel);
        return new HalfSets(Part(RecordedPart.EvenHalf), Part(RecordedPart.OddHalf), Part(RecordedPart.NoShotNoise));
    }

    /// <summary>The fraction of the dose a part is recorded with.</summary>
    public static double DoseFraction(RecordedPart part) => part is RecordedPart.EvenHalf or RecordedPart.OddHalf ? 0.5 : 1;

    /// <summary>How a part is named at the end of the microscope's history summary ("" for the whole dose).</summary>
    public static string Describe(RecordedPart part) => part switch
    {
        RecordedPart.EvenHalf => ", even half-set",
        RecordedPart.OddHalf => ", odd half-set",
        RecordedPart.NoShotNoise => ", without shot noise",
        _ => "",
    };

    public override string ToString() => $"HalfSets {Even.TiltCount}×{Even.Height}×{Even.Width}: Even, Odd, NoShotNoise";
}

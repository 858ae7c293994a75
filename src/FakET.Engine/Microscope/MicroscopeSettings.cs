using System.Globalization;
using FakET.Stages;

namespace FakET.Microscope;

/// <summary>The order in which a tilt series is recorded, which decides how much dose each tilt has seen before.</summary>
public enum AcquisitionOrder
{
    /// <summary>Hagen's dose-symmetric scheme: the tilt nearest 0° first, then groups alternating between the positive and the negative side, outwards.</summary>
    DoseSymmetric,
    /// <summary>From the tilt nearest 0° to the positive end, then from 0° to the negative end.</summary>
    Bidirectional,
    /// <summary>From the most negative angle to the most positive.</summary>
    Sequential,
}

/// <summary>Which part of the dose a recording holds (<see cref="MicroscopeSettings.Part"/>).</summary>
public enum RecordedPart
{
    /// <summary>The whole dose, as Poisson counts.</summary>
    Full,
    /// <summary>The first half of the frames: half the dose, Poisson counts independent of the odd half's.</summary>
    EvenHalf,
    /// <summary>The second half of the frames: half the dose, its own Poisson counts.</summary>
    OddHalf,
    /// <summary>The whole dose's expected counts, without shot noise (still through the detector's MTF).</summary>
    NoShotNoise,
}

/// <summary>The settings of the physics-lite microscope. Defaults describe a typical 300 kV cryo-ET session.</summary>
public sealed record MicroscopeSettings : StageOptions
{
    /// <summary>Acceleration voltage in kV.</summary>
    public double Voltage { get; init; } = 300;
    /// <summary>Spherical aberration Cs in mm.</summary>
    public double SphericalAberration { get; init; } = 2.7;
    /// <summary>Fraction of amplitude contrast, in [0, 1).</summary>
    public double AmplitudeContrast { get; init; } = 0.07;
    /// <summary>Defocus in µm; positive is underfocus (dark particles), as usual in cryo-ET.</summary>
    public double Defocus { get; init; } = 3;
    /// <summary>B-factor of the envelope exp(−B k²/4), in Å².</summary>
    public double BFactor { get; init; } = 0;
    /// <summary>Total electron dose over the series, in e⁻/Å², shared equally between the tilts.</summary>
    public double TotalDose { get; init; } = 100;
    /// <summary>The recording order, which sets the dose each tilt received before it was recorded; <c>null</c> (the
    /// default) for the series' own acquisition order, or dose-symmetric when the series has none.</summary>
    public AcquisitionOrder? AcquisitionOrder { get; init; }
    /// <summary>Tilts per group on each side in the dose-symmetric scheme.</summary>
    public int GroupSize { get; init; } = 2;
    /// <summary>Thickness of the specimen slab (ice) at 0°, in nm; the path through it grows as 1/cos θ.</summary>
    public double IceThickness { get; init; } = 150;
    /// <summary>Inelastic mean free path of the electrons in ice, in nm: the zero-loss beam falls as exp(−path/MFP).</summary>
    public double MeanFreePath { get; init; } = 350;
    /// <summary>The specimen's phase shift in radians, root mean square over the series: how strongly the clean
    /// projections scatter. Used for a series that is not a potential in volts, or when <see cref="PhaseFromPotential"/> is off.</summary>
    public double PhaseScale { get; init; } = 0.1;
    /// <summary>For a clean series projected from a potential in volts, take the phase from the potential itself
    /// (σ ∫V dz, <see cref="SpecimenPhase"/>) rather than scaling it to <see cref="PhaseScale"/>.</summary>
    public bool PhaseFromPotential { get; init; } = true;
    /// <summary>Filter the recorded counts with the detector's pixel-aperture MTF, sinc(f_x)·sinc(f_y).</summary>
    public bool DetectorMtf { get; init; } = true;
    /// <summary>Seed of the shot noise.</summary>
    public int Seed { get; init; }
    /// <summary>What the recording holds: the whole dose (default), one of two independent half-sets of it (as
    /// even/odd frame sums), or its expected counts without shot noise (<see cref="HalfSets"/>).</summary>
    public RecordedPart Part { get; init; } = RecordedPart.Full;

    /// <summary>Checks every setting; the error names the one that is out of range.</summary>
    public override void Validate()
    {
        Require(Voltage > 0 && double.IsFinite(Voltage), "Voltage", Voltage, "a positive number of kV");
        Require(SphericalAberration >= 0 && double.IsFinite(SphericalAberration), "SphericalAberration", SphericalAberration, "0 mm or more");
        Require(AmplitudeContrast >= 0 && AmplitudeContrast < 1, "AmplitudeContrast", AmplitudeContrast, "in [0, 1)");
        Require(double.IsFinite(Defocus), "Defocus", Defocus, "a finite number of µm");
        Require(BFactor >= 0 && double.IsFinite(BFactor), "BFactor", BFactor, "0 Å² or more");
        Require(TotalDose > 0 && double.IsFinite(TotalDose), "TotalDose", TotalDose, "a positive number of e⁻/Å²");
        Require(GroupSize >= 1, "GroupSize", GroupSize, "1 or more");
        Require(IceThickness >= 0 && double.IsFinite(IceThickness), "IceThickness", IceThickness, "0 nm or more");
        Require(MeanFreePath > 0 && double.IsFinite(MeanFreePath), "MeanFreePath", MeanFreePath, "a positive number of nm");
        Require(PhaseScale >= 0 && double.IsFinite(PhaseScale), "PhaseScale", PhaseScale, "0 rad or more");
        if (!Enum.IsDefined(Part))
            throw new FakETException(ErrorIds.MicroscopeParameterInvalid, FailureKind.InvalidArgument, $"Unknown recorded part {Part}.");
        if (AcquisitionOrder is { } order && !Enum.IsDefined(order))
            throw new FakETException(ErrorIds.MicroscopeParameterInvalid, FailureKind.InvalidArgument, $"Unknown acquisition order {AcquisitionOrder}.");
    }

    static void Require(bool ok, string name, double value, string what)
    {
        if (!ok)
            throw new FakETException(ErrorIds.MicroscopeParameterInvalid, FailureKind.InvalidArgument,
                $"{name} must be {what}, not {value.ToString(CultureInfo.InvariantCulture)}.");
    }
}

using System.Globalization;
using FakET.Microscope;
using FakET.Stages;

namespace FakET.IO;

/// <summary>One tilt as acquisition metadata files describe it.</summary>
/// <param name="Angle">Tilt angle, degrees.</param>
/// <param name="AcquisitionIndex">Its place in the recording order, from 0.</param>
/// <param name="Dose">Its own exposure, e⁻/Å².</param>
/// <param name="PriorDose">The exposure of the tilts recorded before it, e⁻/Å² (RELION's rlnMicrographPreExposure,
/// SerialEM's PriorRecordDose).</param>
public sealed record TiltRecord(double Angle, int AcquisitionIndex, double Dose, double PriorDose);

/// <summary>
/// What RELION 5, SerialEM's <c>.mdoc</c> and IMOD want to know of a tilt series besides its pixels: per tilt (stack order)
/// the angle, recording order and dose, and the optics. The optics, the defocus and the total dose come from the series'
/// last <c>Invoke-MicroscopeSimulation</c> step when it has one (<see cref="FromMicroscope"/>); otherwise the defocus is
/// unknown and the rest are the microscope's defaults (<see cref="MicroscopeSettings"/>: 300 kV, Cs 2.7 mm, amplitude
/// contrast 0.07, 100 e⁻/Å² over the series), nominal values RELION needs to import the series at all. The recording
/// order is the series' <see cref="TiltSeries.AcquisitionOrder"/>, else the stack's; each tilt gets total dose / tilts.
/// </summary>
public sealed record TiltMetadata(IReadOnlyList<TiltRecord> Tilts, double PixelSize, double Voltage, double SphericalAberration,
    double AmplitudeContrast, double? Defocus, bool FromMicroscope)
{
    /// <summary>The metadata of <paramref name="series"/>, which needs its tilt angles.</summary>
    public static TiltMetadata Of(TiltSeries series)
    {
        var angles = series.TiltAngles ?? throw new FakETException(ErrorIds.TiltAnglesUnknown, FailureKind.InvalidArgument,
            "The series has no tilt angles, which .mdoc and RELION 5 files need. Give them with Import-TiltSeries -TiltAngles or a .tlt file.");
        var optics = MicroscopeOptics.Of(series.History);
        int n = angles.Count;
        double dose = optics.TotalDose / n;
        var order = series.AcquisitionOrder is null
            ? Enumerable.Range(0, n).ToArray()
            : MicroscopeSimulation.RecordingOrder(angles, new MicroscopeSettings(), series.AcquisitionOrder);
        var index = new int[n];
        for (int k = 0; k < n; k++) index[order[k]] = k;
        var tilts = Enumerable.Range(0, n).Select(i => new TiltRecord(angles[i], index[i], dose, index[i] * dose)).ToList();
        return new TiltMetadata(tilts, series.PixelSize, optics.Voltage, optics.SphericalAberration, optics.AmplitudeContrast,
            optics.Defocus, optics.Defocus is not null);
    }
}

/// <summary>The optics of the data a history describes: its last <c>Invoke-MicroscopeSimulation</c> step's settings, else
/// the microscope's defaults with the defocus unknown.</summary>
/// <param name="Voltage">kV.</param>
/// <param name="SphericalAberration">Cs, mm.</param>
/// <param name="AmplitudeContrast">Fraction.</param>
/// <param name="Defocus">µm, underfocus positive; null when no microscope simulation made the data.</param>
/// <param name="TotalDose">e⁻/Å² over the series.</param>
public sealed record MicroscopeOptics(double Voltage, double SphericalAberration, double AmplitudeContrast, double? Defocus, double TotalDose)
{
    /// <summary>The optics of <paramref name="history"/>.</summary>
    public static MicroscopeOptics Of(IEnumerable<HistoryEntry> history)
    {
        var microscope = history.LastOrDefault(h => h.Step == Steps.InvokeMicroscopeSimulation)?.Parameters;
        var defaults = new MicroscopeSettings();
        double Setting(string name, double fallback) =>
            microscope is not null && microscope.TryGetValue(name, out var v) && v is double or float or long or int ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : fallback;
        return new MicroscopeOptics(
            Setting(nameof(MicroscopeSettings.Voltage), defaults.Voltage),
            Setting(nameof(MicroscopeSettings.SphericalAberration), defaults.SphericalAberration),
            Setting(nameof(MicroscopeSettings.AmplitudeContrast), defaults.AmplitudeContrast),
            microscope is null ? null : Setting(nameof(MicroscopeSettings.Defocus), defaults.Defocus),
            Setting(nameof(MicroscopeSettings.TotalDose), defaults.TotalDose));
    }
}

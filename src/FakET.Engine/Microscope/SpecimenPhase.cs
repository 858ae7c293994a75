namespace FakET.Microscope;

/// <summary>
/// The phase shift a specimen gives the electron wave. A clean series projected from a potential in volts (a New-Phantom
/// sample of atomic models, or ConvertTo-Potential's map) carries its own scale: the phase is φ = σ ∫V dz, with the
/// interaction constant σ = (2π / (λ V)) · (m c² + e V) / (2 m c² + e V) (Kirkland, Advanced Computing in Electron
/// Microscopy, eq. 5.6; 6.53·10⁻⁴ rad/(V·Å) at 300 kV) and ∫V dz the line sum times the pixel size. A series of other
/// units is scaled so that its phase has the root-mean-square <see cref="MicroscopeSettings.PhaseScale"/>.
/// </summary>
public static class SpecimenPhase
{
    /// <summary>The electron's rest energy, keV.</summary>
    const double RestEnergy = 510.99895;

    /// <summary>σ in rad per V·Å at <paramref name="kilovolts"/>.</summary>
    public static double InteractionConstant(double kilovolts) =>
        2 * Math.PI / (ElectronOptics.Wavelength(kilovolts) * kilovolts * 1000) * (RestEnergy + kilovolts) / (2 * RestEnergy + kilovolts);

    /// <summary>Whether <paramref name="clean"/> is a projected potential in volts: the last step that set units said "V".</summary>
    public static bool IsInVolts(TiltSeries clean) =>
        clean.History.LastOrDefault(h => h.Parameters.ContainsKey("Units"))?.Parameters["Units"]?.ToString() == "V";

    /// <summary>The sign of the line sums in <paramref name="clean"/>: −1 where New-TiltSeries flipped them (dose − sum, its
    /// default), +1 for plain sums.</summary>
    static double SumSign(TiltSeries clean)
    {
        var projection = clean.History.LastOrDefault(h => h.Step == Stages.Steps.NewTiltSeries);
        return projection is not null && projection.Parameters.TryGetValue("Dose", out var dose) && dose is null ? 1 : -1;
    }

    /// <summary>The gain g of φ = g · (C − mean C) for tilt values C: from the potential when the series is in volts and
    /// <see cref="MicroscopeSettings.PhaseFromPotential"/> is set, else −PhaseScale / <paramref name="rms"/> (dense matter,
    /// dark in a clean series, shifts the phase up).</summary>
    public static double Gain(TiltSeries clean, MicroscopeSettings settings, double rms)
    {
        if (settings.PhaseFromPotential && IsInVolts(clean))
            return SumSign(clean) * InteractionConstant(settings.Voltage) * clean.PixelSize;
        return rms > 0 ? -settings.PhaseScale / rms : 0;
    }

    /// <summary>How the phase was scaled, for the history.</summary>
    public static string Describe(TiltSeries clean, MicroscopeSettings settings) =>
        settings.PhaseFromPotential && IsInVolts(clean) ? "from the potential (volts)" : "scaled to PhaseScale";
}

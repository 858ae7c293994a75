namespace FakET.Microscope;

/// <summary>
/// The textbook formulas of the physics-lite microscope: the relativistic electron wavelength, the phase-contrast
/// transfer function with amplitude contrast, its B-factor envelope, and the critical exposure of radiation damage.
/// Spatial frequencies k are in 1/Å.
/// </summary>
public static class ElectronOptics
{
    /// <summary>Relativistic electron wavelength in Å at <paramref name="kilovolts"/>:
    /// λ = 12.2643 / √(V (1 + 0.978466·10⁻⁶ V)), V in volts.</summary>
    public static double Wavelength(double kilovolts)
    {
        double v = kilovolts * 1000;
        return 12.2643 / Math.Sqrt(v * (1 + 0.978466e-6 * v));
    }

    /// <summary>The aberration phase χ(k) = π λ Δf k² − (π/2) Cs λ³ k⁴, with Δf (underfocus positive) and Cs in Å.</summary>
    public static double Chi(double k2, double wavelength, double defocusAngstrom, double csAngstrom) =>
        Math.PI * wavelength * defocusAngstrom * k2 - 0.5 * Math.PI * csAngstrom * wavelength * wavelength * wavelength * k2 * k2;

    /// <summary>CTF(k) = −(√(1 − A²) sin χ + A cos χ): negative at low frequency in underfocus, so dense matter images dark.</summary>
    public static double Ctf(double chi, double amplitudeContrast) =>
        -(Math.Sqrt(1 - amplitudeContrast * amplitudeContrast) * Math.Sin(chi) + amplitudeContrast * Math.Cos(chi));

    /// <summary>The B-factor envelope exp(−B k² / 4).</summary>
    public static double Envelope(double k2, double bFactor) => Math.Exp(-bFactor * k2 / 4);

    /// <summary>
    /// The exposure (e⁻/Å²) after which the signal at frequency k has fallen to 1/e: Grant and Grigorieff's (2015)
    /// N_e(k) = 0.245 k^−1.665 + 2.81 at 300 kV, scaled for other voltages by β² relative to 300 kV (damage per
    /// electron grows as the electrons slow down). Infinite at k = 0.
    /// </summary>
    public static double CriticalExposure(double k, double kilovolts)
    {
        if (k <= 0) return double.PositiveInfinity;
        return (0.245 * Math.Pow(k, -1.665) + 2.81) * BetaSquared(kilovolts) / BetaSquared(300);
    }

    /// <summary>(v/c)² of an electron accelerated through <paramref name="kilovolts"/>.</summary>
    public static double BetaSquared(double kilovolts)
    {
        double gamma = 1 + kilovolts / 510.99895; // rest energy of the electron, keV
        return 1 - 1 / (gamma * gamma);
    }

    /// <summary>The signal left at frequency k after <paramref name="exposure"/> e⁻/Å²: exp(−exposure / (2 N_e(k))).</summary>
    public static double DamageFilter(double k, double exposure, double kilovolts) =>
        Math.Exp(-exposure / (2 * CriticalExposure(k, kilovolts)));

    /// <summary>The detector's pixel-aperture MTF at frequency f in cycles per pixel: sin(π f)/(π f).</summary>
    public static double PixelMtf(double f) => f == 0 ? 1 : Math.Sin(Math.PI * f) / (Math.PI * f);
}

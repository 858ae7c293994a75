using FakET.Structures;

namespace FakET.Phantom;

/// <summary>
/// The mean potentials (V) of the materials of a sample in volts, each 47.878 V·Å² × Σ f(0) per Å³ from the same
/// scattering table as the atomic models (International Tables C 4.3.2.2): protein (an average residue
/// C4.93 H7.75 N1.36 O1.47 S0.04, 110.9 Da, at 0.73 cm³/g: 8.05 V), vitreous ice (<see cref="Solvents.IcePotential"/>,
/// 4.57 V) and gold (19.32 g/cm³: 29.9 V). A sample with atomic models is in volts, and its built-in shapes, density
/// maps and -IceDensity (all relative to protein) are scaled by <see cref="ProteinPotential"/>.
/// </summary>
public static class Materials
{
    const double Avogadro = 6.02214076e23;

    /// <summary>The mean potential of protein, V.</summary>
    public static double ProteinPotential { get; } = ComputeProtein();

    /// <summary>The mean potential of gold, V.</summary>
    public static double GoldPotential { get; } =
        Elements.VoltsPerScattering * Elements.ScatteringSum(79) * 19.32 / Elements.Mass(79) * Avogadro * 1e-24;

    static double ComputeProtein()
    {
        var residue = new (int Element, double Count)[] { (6, 4.93), (1, 7.75), (7, 1.36), (8, 1.47), (16, 0.04) };
        double scattering = residue.Sum(r => r.Count * Elements.ScatteringSum(r.Element));
        double mass = residue.Sum(r => r.Count * Elements.Mass(r.Element));
        return Elements.VoltsPerScattering * scattering / (mass * Solvents.VolumePerDalton);
    }
}

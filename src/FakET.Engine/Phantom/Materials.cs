using FakET.Structures;

namespace FakET.Phantom;

/// <summary>
/// The mean potentials (V) of the materials of a sample, each 47.878 V·Å² × Σ f(0) per Å³ from the same scattering table
/// as the atomic models (International Tables C 4.3.2.2): protein (an average residue C4.93 H7.75 N1.36 O1.47 S0.04,
/// 110.9 Da, at 0.73 cm³/g: 8.05 V), vitreous ice (<see cref="Solvents.IcePotential"/>, 4.57 V), gold (19.32 g/cm³:
/// 29.9 V), and a lipid bilayer's two materials: its hydrocarbon core (CH₂ at 0.85 g/cm³: 6.23 V) and its headgroups
/// (phosphatidylcholine's C10H18NO8P, 311 Da, in 320 Å³ per lipid, the volume Nagle &amp; Tristram-Nagle 2000 give for
/// DPPC's headgroup: 8.70 V), so that a vesicle shows two leaflets of higher potential. A sample with atomic models is in
/// volts; a sample of shapes only is relative to protein, and these potentials divided by protein's.
/// </summary>
public static class Materials
{
    /// <summary>Å³ per Da per cm³/g.</summary>
    const double CubicAngstromsPerDalton = 1.66053906660;

    /// <summary>The mean potential of protein, V.</summary>
    public static double ProteinPotential { get; } =
        Potential(new (int, double)[] { (6, 4.93), (1, 7.75), (7, 1.36), (8, 1.47), (16, 0.04) }, Solvents.PartialSpecificVolume);

    /// <summary>The mean potential of gold, V.</summary>
    public static double GoldPotential { get; } = Potential(new (int, double)[] { (79, 1) }, 1 / 19.32);

    /// <summary>The mean potential of a bilayer's hydrocarbon core, V.</summary>
    public static double LipidCorePotential { get; } = Potential(new (int, double)[] { (6, 1), (1, 2) }, 1 / 0.85);

    /// <summary>The mean potential of a bilayer's headgroup layer, V.</summary>
    public static double LipidHeadPotential { get; } =
        Elements.VoltsPerScattering * Scattering(new (int, double)[] { (6, 10), (1, 18), (7, 1), (8, 8), (15, 1) }) / 320;

    /// <summary>47.878 V·Å² × Σ f(0) per Å³ of a composition at <paramref name="cubicCentimetresPerGram"/>.</summary>
    static double Potential((int Element, double Count)[] composition, double cubicCentimetresPerGram) =>
        Elements.VoltsPerScattering * Scattering(composition) /
        (composition.Sum(r => r.Count * Elements.Mass(r.Element)) * cubicCentimetresPerGram * CubicAngstromsPerDalton);

    static double Scattering((int Element, double Count)[] composition) =>
        composition.Sum(r => r.Count * Elements.ScatteringSum(r.Element));
}

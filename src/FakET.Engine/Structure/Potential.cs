using System.Globalization;
using FakET.Stages;

namespace FakET.Structures;

/// <summary>What surrounds the molecule: nothing, or the vitreous ice it displaces.</summary>
public enum Solvent { Vacuum, Ice }

/// <summary>How ConvertTo-Potential grids a structure: lengths in Å, sizes in voxels.</summary>
public sealed record PotentialOptions : StageOptions
{
    /// <summary>Voxel edge in Å.</summary>
    public double VoxelSize { get; init; } = 1;
    /// <summary>Grid size in voxels (X, Y, Z); null: the molecule's bounding box plus a margin, centred on it.</summary>
    public IReadOnlyList<int>? Size { get; init; }
    /// <summary>Centre of voxel (0, 0, 0) in Å (X, Y, Z); null: centred on the molecule.</summary>
    public IReadOnlyList<double>? Origin { get; init; }
    /// <summary>Added to every atom's own B-factor (Å²).</summary>
    public double BFactor { get; init; }
    /// <summary>Vacuum, or vitreous ice displaced by the molecule (<see cref="Solvents"/>).</summary>
    public Solvent Solvent { get; init; } = Solvent.Vacuum;
    /// <summary>Threads; 0: all cores. The result does not depend on it.</summary>
    [NotInHistory] public int MaxThreads { get; init; }

    public override void Validate()
    {
        if (!(VoxelSize > 0) || !double.IsFinite(VoxelSize)) throw Invalid($"The voxel size must be a positive number of Å; {VoxelSize} was given.");
        if (Size is not null && (Size.Count != 3 || Size.Any(n => n < 1)))
            throw Invalid($"-Size gives the grid in voxels as x, y, z, each at least 1; {string.Join(", ", Size)} was given.");
        if (Size is not null && (long)Size[0] * Size[1] > Array.MaxLength)
            throw Invalid($"A {Size[0]}×{Size[1]} section is larger than an array can hold.");
        if (Origin is not null && (Origin.Count != 3 || Origin.Any(v => !double.IsFinite(v))))
            throw Invalid("-Origin gives the centre of voxel (0, 0, 0) in Å as x, y, z.");
        if (!double.IsFinite(BFactor)) throw Invalid($"-BFactor must be a number of Å²; {BFactor} was given.");
        if (MaxThreads < 0) throw Invalid("-MaxThreads must be 0 (all cores) or more.");
    }

    internal static FakETException Invalid(string message) => new(ErrorIds.PotentialInvalid, FailureKind.InvalidArgument, message);
}

/// <summary>
/// The model of vitreous ice that <see cref="Solvent.Ice"/> subtracts. Ice of density 0.94 g/cm³ (low-density amorphous
/// ice) holds 0.0314 water molecules per Å³; its mean potential is 47.878 V·Å² × that × f_water(0), the water molecule's
/// Σaᵢ (O + 2 H) from the same table: 4.57 V. Each atom of occupancy q and mass m displaces q·m·0.73 cm³/g of it (a
/// protein's partial specific volume: 1.212 Å³ per Da), spread as a Gaussian with the variance of a uniform sphere of
/// that volume, blurred by the atom's own B-factor. So far from the molecule the map is 0, inside it is the molecule's
/// potential minus the ice's, and the map integrates to 47.878·Σ q·(Σaᵢ − v·V_ice/47.878).
/// </summary>
public static class Solvents
{
    /// <summary>Density of vitreous ice, g/cm³.</summary>
    public const double IceDensity = 0.94;
    /// <summary>Partial specific volume of protein, cm³/g (the displaced volume per mass).</summary>
    public const double PartialSpecificVolume = 0.73;
    const double Avogadro = 6.02214076e23, DaltonGrams = 1.66053906660e-24;

    /// <summary>Water molecules per Å³ of ice.</summary>
    public static double WaterPerCubicAngstrom => IceDensity / (2 * Elements.Mass(1) + Elements.Mass(8)) * Avogadro * 1e-24;

    /// <summary>The mean potential of vitreous ice in volts (4.57 V).</summary>
    public static double IcePotential =>
        Elements.VoltsPerScattering * WaterPerCubicAngstrom * (Elements.ScatteringSum(8) + 2 * Elements.ScatteringSum(1));

    /// <summary>Å³ of ice displaced per Da of molecule (1.212).</summary>
    public static double VolumePerDalton => PartialSpecificVolume * DaltonGrams * 1e24;
}

/// <summary>
/// ConvertTo-Potential: the electrostatic potential of an atomic model in volts, each voxel the exact average over its
/// cube. An atom of occupancy q and B-factor B (its own plus <see cref="PotentialOptions.BFactor"/>) contributes
/// 47.878 V·Å² · q · Σᵢ aᵢ (4π/(bᵢ+B))^{3/2} exp(−4π²r²/(bᵢ+B)), with (aᵢ, bᵢ) the element's five Gaussians of
/// International Tables C 4.3.2.2 (<see cref="Elements"/>); each Gaussian's cube average is a product of erf
/// differences (<see cref="PotentialKernel"/>). The map's sum times the voxel volume is 47.878·Σ q·Σaᵢ V·Å³ when the grid
/// holds the whole molecule (the default grid does).
/// </summary>
public sealed class PotentialCalculator : Stage<Structure, PotentialOptions, Volume>
{
    public override string Step => Steps.ConvertToPotential;

    protected override Volume Execute(Structure structure, PotentialOptions options, StageRun run)
    {
        double h = options.VoxelSize;
        var atoms = Gaussians(structure, options.BFactor, options.Solvent == Solvent.Ice ? Solvents.IcePotential : 0, Placement.Identity);
        var grid = GridFor(atoms, options);
        var (nx, ny, nz) = grid.Size;
        MemoryBudget.Require((long)nx * ny * nz * sizeof(float),
            $"ConvertTo-Potential needs its {nz}×{ny}×{nx} map as float32",
            "Make the voxels larger (-VoxelSize) or the grid smaller (-Size).");
        var sections = new float[nz][];
        for (int z = 0; z < nz; z++) sections[z] = new float[(long)ny * nx];
        PotentialKernel.Add(sections, grid, atoms, options.MaxThreads, run.Cancel, run.Progress("slab"));

        double expected = atoms.Amplitude.Sum();
        var c = CultureInfo.InvariantCulture;
        string summary = $"potential of {structure.Id} ({structure.AtomCount.ToString("N0", c)} atoms) at {h.ToString("0.###", c)} Å, {options.Solvent.ToString().ToLowerInvariant()}";
        var entry = run.Entry(summary, new Dictionary<string, object?>
        {
            ["Size"] = new[] { nx, ny, nz },
            ["Origin"] = new[] { grid.Origin.X, grid.Origin.Y, grid.Origin.Z },
            ["Structure"] = structure.Source is null ? structure.Id : $"{structure.Id} ({structure.Source})",
            ["Atoms"] = structure.AtomCount,
            ["Units"] = "V",
            ["Integral"] = expected,
        });
        return new Volume(sections, ny, nx, h, new[] { entry }) { Origin = grid.Origin };
    }

    /// <summary>The grid asked for, or the molecule's bounding box plus each atom's reach, centred on it.</summary>
    static VoxelGrid GridFor(GaussianAtoms atoms, PotentialOptions options)
    {
        double h = options.VoxelSize;
        var lo = new double[] { double.MaxValue, double.MaxValue, double.MaxValue };
        var hi = new double[] { double.MinValue, double.MinValue, double.MinValue };
        for (int n = 0; n < atoms.Count; n++)
        {
            double reach = PotentialKernel.HalfWidth(atoms, n);
            double[] p = { atoms.X[n], atoms.Y[n], atoms.Z[n] };
            for (int a = 0; a < 3; a++)
            {
                lo[a] = Math.Min(lo[a], p[a] - reach);
                hi[a] = Math.Max(hi[a], p[a] + reach);
            }
        }
        var size = new int[3];
        var origin = new double[3];
        for (int a = 0; a < 3; a++)
        {
            if (options.Size is { } given) size[a] = given[a];
            else if (options.Origin is { } start) size[a] = Math.Max(1, (int)Math.Ceiling((hi[a] - (start[a] - h / 2)) / h));
            else size[a] = Math.Max(1, (int)Math.Ceiling((hi[a] - lo[a]) / h - 1e-9));
            origin[a] = options.Origin is { } o ? o[a] : (lo[a] + hi[a]) / 2 - (size[a] - 1) * h / 2;
        }
        if ((long)size[0] * size[1] > Array.MaxLength)
            throw PotentialOptions.Invalid($"A {size[0]}×{size[1]} section at {h} Å is larger than an array can hold: make the voxels larger.");
        return new VoxelGrid((size[0], size[1], size[2]), h, (origin[0], origin[1], origin[2]));
    }

    /// <summary>Where a structure's atoms go: x' = R·(x − centre) + offset (R row-major, null for none).</summary>
    internal sealed record Placement(double[,]? Rotation, (double X, double Y, double Z) Centre, (double X, double Y, double Z) Offset)
    {
        public static Placement Identity { get; } = new(null, (0, 0, 0), (0, 0, 0));
    }

    /// <summary>
    /// Every atom's Gaussians: its element's five (amplitude 47.878·q·aᵢ V·Å³, width bᵢ + B) and, with a solvent
    /// potential, a sixth of amplitude −q·m·<see cref="Solvents.VolumePerDalton"/>·potential for the ice it displaces.
    /// </summary>
    internal static GaussianAtoms Gaussians(Structure structure, double extraB, double solventPotential, Placement placement)
    {
        var list = structure.AtomSpan;
        int per = solventPotential > 0 ? Elements.Gaussians + 1 : Elements.Gaussians;
        var atoms = new GaussianAtoms(list.Length, per);
        var r = placement.Rotation;
        for (int n = 0; n < list.Length; n++)
        {
            var a = list[n];
            double x = a.X - placement.Centre.X, y = a.Y - placement.Centre.Y, z = a.Z - placement.Centre.Z;
            if (r is not null) (x, y, z) = (r[0, 0] * x + r[0, 1] * y + r[0, 2] * z, r[1, 0] * x + r[1, 1] * y + r[1, 2] * z, r[2, 0] * x + r[2, 1] * y + r[2, 2] * z);
            atoms.X[n] = x + placement.Offset.X;
            atoms.Y[n] = y + placement.Offset.Y;
            atoms.Z[n] = z + placement.Offset.Z;
            double b = a.BFactor + extraB;
            for (int i = 0; i < Elements.Gaussians; i++)
            {
                double width = Elements.B(a.Element, i) + b;
                if (!(width > 0))
                    throw PotentialOptions.Invalid($"An atom of {a.Symbol} with B-factor {a.BFactor.ToString(CultureInfo.InvariantCulture)} Å² plus -BFactor " +
                        $"{extraB.ToString(CultureInfo.InvariantCulture)} leaves its Gaussian {i + 1} (b = {Elements.B(a.Element, i).ToString(CultureInfo.InvariantCulture)} Å²) no positive width.");
                atoms.Amplitude[n * per + i] = Elements.VoltsPerScattering * a.Occupancy * Elements.A(a.Element, i);
                atoms.Width[n * per + i] = width;
            }
            if (per > Elements.Gaussians)
            {
                double volume = a.Occupancy * Elements.Mass(a.Element) * Solvents.VolumePerDalton;
                double radius = Math.Cbrt(3 * volume / (4 * Math.PI));
                // A uniform sphere of radius R has variance R²/5 per axis; a Gaussian of width w has w/(8π²).
                atoms.Amplitude[n * per + Elements.Gaussians] = -solventPotential * volume;
                atoms.Width[n * per + Elements.Gaussians] = 8 * Math.PI * Math.PI * radius * radius / 5 + Math.Max(0, b);
            }
        }
        return atoms;
    }
}

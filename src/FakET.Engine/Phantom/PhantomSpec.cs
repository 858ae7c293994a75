using FakET.Stages;

namespace FakET.Phantom;

/// <summary>One class of particles in a phantom: a shape or an atomic model, and how many to place.</summary>
/// <param name="Shape">A built-in shape or a density map; null for an atomic model (<see cref="Structure"/>).</param>
/// <param name="Count">How many to place; with <see cref="PhantomSpec.Occupancy"/>, the class's share of the particles.</param>
/// <param name="Name">Class name for the labels; the shape's name or the structure's ID when <c>null</c>.</param>
/// <param name="Source">Where the class came from (a file), for the history.</param>
public sealed record ParticleClass(ParticleShape? Shape, int Count, string? Name = null, string? Source = null)
{
    /// <summary>A class of copies of an atomic model, converted to its potential at the phantom's voxel size.</summary>
    public ParticleClass(Structure structure, int count, string? name = null)
        : this(null, count, name ?? structure.Id, structure.Source)
    {
        Structure = structure;
    }

    /// <summary>The atomic model of this class, or null for a shape.</summary>
    public Structure? Structure { get; init; }

    public string DisplayName => Name ?? Shape?.Name ?? Structure?.Id ?? "class";
}

/// <summary>How New-Phantom builds a specimen from its particle classes: sizes in voxels, lengths in Å.</summary>
public sealed record PhantomSpec : StageOptions
{
    public int Depth { get; init; } = 200;
    public int Height { get; init; } = 512;
    public int Width { get; init; } = 512;
    public double VoxelSize { get; init; } = 10;
    /// <summary>Thickness in voxels of the specimen slab, centred in Z; everything lies inside it. 0: the whole depth.</summary>
    public int SlabThickness { get; init; }
    /// <summary>Vesicles: spherical lipid bilayers, labelled in the class mask only (their centre is hollow).</summary>
    public int Membranes { get; init; }
    public double MembraneRadiusMin { get; init; } = 250;
    public double MembraneRadiusMax { get; init; } = 500;
    /// <summary>Distance between the centres of a bilayer's two headgroup leaflets (Å); each leaflet is 10 Å thick.</summary>
    public double MembraneThickness { get; init; } = 40;
    /// <summary>Gold beads: solid spheres, labelled and listed as a class.</summary>
    public int Fiducials { get; init; }
    public double FiducialRadius { get; init; } = 50;
    /// <summary>Density of vitreous ice filling the slab (protein is 1); 0 for none.</summary>
    public double IceDensity { get; init; }
    /// <summary>The fraction of the slab's volume the particles' masks are to fill; the classes' counts are then their
    /// relative shares of the particles. 0: place exactly the counts.</summary>
    public double Occupancy { get; init; }
    public int Seed { get; init; }
    /// <summary>Random positions tried for each object before the slab counts as too full.</summary>
    public int Attempts { get; init; } = 2000;
    /// <summary>Threads for converting and rotating the classes; 0: all cores. The sample does not depend on it.</summary>
    [NotInHistory] public int MaxThreads { get; init; }

    /// <summary>Checks every size, count and length; the error names the one out of range.</summary>
    public override void Validate()
    {
        var spec = this;
        if (spec.Depth <= 0 || spec.Height <= 0 || spec.Width <= 0 || (long)spec.Height * spec.Width > Array.MaxLength)
            throw Invalid($"The phantom's size must be positive; {spec.Depth}×{spec.Height}×{spec.Width} (Z×Y×X) was given.");
        if (!(spec.VoxelSize > 0) || !double.IsFinite(spec.VoxelSize))
            throw Invalid($"The voxel size must be a positive number of Å; {spec.VoxelSize} was given.");
        if (spec.SlabThickness < 0 || spec.SlabThickness > spec.Depth)
            throw Invalid($"The slab thickness must be between 1 and the depth ({spec.Depth} voxels); {spec.SlabThickness} was given.");
        if (spec.Membranes < 0 || spec.Fiducials < 0)
            throw Invalid("Particle, membrane and fiducial counts cannot be negative.");
        if (!(spec.MembraneRadiusMin > 0) || spec.MembraneRadiusMax < spec.MembraneRadiusMin || !(spec.MembraneThickness > 0) || !(spec.FiducialRadius > 0))
            throw Invalid("Membrane radii (min ≤ max), membrane thickness and fiducial radius must be positive numbers of Å.");
        if (!double.IsFinite(spec.IceDensity) || spec.IceDensity < 0)
            throw Invalid($"The ice density must be a number ≥ 0; {spec.IceDensity} was given.");
        if (!(spec.Occupancy >= 0 && spec.Occupancy < 1))
            throw Invalid($"The occupancy is a fraction of the slab's volume, at least 0 and below 1; {spec.Occupancy} was given.");
        if (spec.Attempts < 1) throw Invalid("At least one placement attempt per object is needed.");
        if (spec.MaxThreads < 0) throw Invalid("MaxThreads must be 0 (all cores) or more.");
    }

    internal static FakETException Invalid(string message) => new(ErrorIds.PhantomInvalid, FailureKind.InvalidArgument, message);
}

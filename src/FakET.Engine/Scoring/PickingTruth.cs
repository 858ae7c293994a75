using FakET.Labels;

namespace FakET.Scoring;

/// <summary>Error ids of the scoring cmdlets (stable, as those in <see cref="ErrorIds"/>).</summary>
public static class ScoringErrorIds
{
    public const string TruthNotFound = "PickingTruthNotFound";
    public const string TruthUnlabelled = "PickingTruthUnlabelled";
    public const string RadiusMissing = "PickingRadiusMissing";
    public const string OccupancyInvalid = "PickingOccupancyInvalid";
    public const string NoPredictions = "PickingNoPredictions";
    public const string RealismShapeMismatch = "RealismShapeMismatch";
    public const string RealismTiltMismatch = "RealismTiltMismatch";
}

/// <summary>One particle of the ground truth: its index (its value in the occupancy mask: the 1-based line of SHREC's
/// <c>particle_locations.txt</c>, a labelled volume's particle id), class and centre in voxels.</summary>
public sealed record TruthParticle(int Index, string Class, double X, double Y, double Z);

/// <summary>How picks are matched to the truth's particles.</summary>
public enum TruthMatching
{
    /// <summary>Through the occupancy (instance) mask, dilated as SHREC'21 dilates it.</summary>
    Occupancy,
    /// <summary>By distance: the nearest particle whose centre is within its class's radius.</summary>
    Distance,
}

/// <summary>
/// The ground truth picks are scored against: its particles, and either an occupancy mask (a SHREC'21 folder, a
/// labelled volume) or radii (a particle list). Coordinates are 0-based voxel indices (x, y, z) of the truth's volume.
/// </summary>
public sealed class PickingTruth
{
    PickingTruth(string source, IReadOnlyList<TruthParticle> particles, double? voxelSize, OccupancyMask? occupancy,
        IReadOnlyList<string> classOrder)
    {
        Source = source;
        Particles = particles;
        VoxelSize = voxelSize is { } v && v > 0 && double.IsFinite(v) ? v : null;
        Occupancy = occupancy;
        ClassOrder = classOrder;
        _byIndex = particles.ToDictionary(p => p.Index);
    }

    readonly Dictionary<int, TruthParticle> _byIndex;

    /// <summary>What the truth was read from, for display.</summary>
    public string Source { get; }
    /// <summary>The particles, in the truth's order.</summary>
    public IReadOnlyList<TruthParticle> Particles { get; }
    /// <summary>Å per voxel, or null when the truth does not say (SHREC'21's masks give 0).</summary>
    public double? VoxelSize { get; }
    /// <summary>The occupancy mask, or null for a particle list matched by distance.</summary>
    public OccupancyMask? Occupancy { get; }
    /// <summary>Radius in Å per class (lower-case name), for distance matching.</summary>
    public IReadOnlyDictionary<string, double>? Radii { get; private init; }
    /// <summary>Radius in Å of every class without its own, for distance matching.</summary>
    public double? Radius { get; private init; }
    /// <summary>Class names in the order tables and the confusion matrix list them.</summary>
    public IReadOnlyList<string> ClassOrder { get; }
    /// <summary>Size in voxels (x, y, z) when known: picks outside are clipped into it and counted.</summary>
    public (int X, int Y, int Z)? Shape => Occupancy is { } m ? (m.Nx, m.Ny, m.Nz) : _shape;
    (int X, int Y, int Z)? _shape;
    public TruthMatching Matching => Occupancy is null ? TruthMatching.Distance : TruthMatching.Occupancy;

    /// <summary>The particle with mask value <paramref name="index"/>, or null.</summary>
    public TruthParticle? ParticleAt(long index) => index is > 0 and <= int.MaxValue && _byIndex.TryGetValue((int)index, out var p) ? p : null;

    /// <summary>SHREC'21's class names in the order the published script lists them in its confusion matrices (by size).</summary>
    public static readonly IReadOnlyList<string> ShrecClasses = new[]
    {
        "4V94", "1S3X", "3QM1", "3GL1", "3H84", "2CG9", "3D2F", "1U6G", "3CF3", "1BXN", "1QVR", "4CR2", "5MRC", "vesicle", "fiducial",
    };

    /// <summary>
    /// A SHREC'21-layout folder: <c>particle_locations.txt</c> (<c>CLASS x y z …</c>; line n is the particle of index n)
    /// and <c>occupancy_mask.mrc</c> or <c>occupancy_mask.mrc.gz</c>. <paramref name="voxelSize"/> overrides the mask's.
    /// </summary>
    public static PickingTruth FromShrecFolder(string folder, double? voxelSize = null, CancellationToken cancel = default)
    {
        string locations = Path.Combine(folder, "particle_locations.txt");
        string? mask = new[] { "occupancy_mask.mrc", "occupancy_mask.mrc.gz" }.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);
        if (!Directory.Exists(folder) || !File.Exists(locations) || mask is null)
            throw new FakETException(ScoringErrorIds.TruthNotFound, FailureKind.ObjectNotFound,
                $"'{folder}' is not a SHREC'21 ground-truth folder: it needs particle_locations.txt and occupancy_mask.mrc (or .mrc.gz).");
        var entries = ShrecParticles.Read(File.ReadAllText(locations), locations, cancel);
        var particles = entries.Select((e, i) => new TruthParticle(i + 1, e.Class, e.X, e.Y, e.Z)).ToList();
        var occupancy = OccupancyMask.Open(mask);
        var order = ShrecClasses.Concat(particles.Select(p => p.Class)).Distinct().ToList();
        return new PickingTruth($"{folder} (SHREC'21 folder, {particles.Count} particles)", particles, voxelSize ?? occupancy.VoxelSize, occupancy, order);
    }

    /// <summary>A labelled volume (New-Phantom's, or a tomogram's labels in its own frame): its instance mask is the occupancy
    /// and each particle's id its index.</summary>
    public static PickingTruth FromVolume(Volume volume, double? voxelSize = null)
    {
        var labels = volume.Labels ?? throw new FakETException(ScoringErrorIds.TruthUnlabelled, FailureKind.InvalidArgument,
            $"The volume {volume} has no labels: give a labelled volume (New-Phantom's, or a tomogram made from its series), a SHREC'21 folder, or a particle list with -Radius.");
        var mask = labels.InstanceMask ?? throw new FakETException(ScoringErrorIds.TruthUnlabelled, FailureKind.InvalidArgument,
            $"The volume {volume} has labels but no instance mask to match picks with: give its particle list with -Radius instead.");
        var particles = (labels.Particles ?? Array.Empty<Particle>())
            .Select(p => new TruthParticle(p.Id, labels.ClassName(p.Class), p.X, p.Y, p.Z)).ToList();
        return new PickingTruth($"{volume} ({particles.Count} particles)", particles, voxelSize ?? volume.VoxelSize,
            OccupancyMask.Of(mask.ToArray(), volume.Width, volume.Height), labels.ClassNames.ToList());
    }

    /// <summary>A particle list matched by distance: a pick hits the nearest particle whose centre lies within its class's
    /// radius (<paramref name="radii"/>, Å, by class name, case-insensitive; else <paramref name="radius"/>).
    /// <paramref name="voxelSize"/> (Å) turns voxels into Å; <paramref name="shape"/> (x, y, z), when given, bounds the picks.</summary>
    public static PickingTruth FromList(IReadOnlyList<ParticleEntry> entries, string source, double? voxelSize,
        IReadOnlyDictionary<string, double>? radii, double? radius, (int X, int Y, int Z)? shape = null)
    {
        var particles = entries.Select((e, i) => new TruthParticle(e.Id is { } id && id > 0 ? id : i + 1, e.Class, e.X, e.Y, e.Z)).ToList();
        if (particles.Select(p => p.Index).Distinct().Count() != particles.Count)
            particles = particles.Select((p, i) => p with { Index = i + 1 }).ToList();
        var byName = radii?.ToDictionary(kv => kv.Key.ToLowerInvariant(), kv => kv.Value) ?? new Dictionary<string, double>();
        var missing = particles.Select(p => p.Class).Distinct().Where(c => !byName.ContainsKey(c.ToLowerInvariant()) && radius is null).ToList();
        if (missing.Count > 0)
            throw new FakETException(ScoringErrorIds.RadiusMissing, FailureKind.InvalidArgument,
                $"A particle list is matched by distance and needs a radius (Å) for every class: none for {string.Join(", ", missing)}. Give -Radius 60 (all classes) or -Radius @{{ {missing[0]} = 60 }}.");
        return new PickingTruth($"{source} ({particles.Count} particles, matched within a radius)", particles, voxelSize, null,
            particles.Select(p => p.Class).Distinct().ToList())
        {
            Radii = byName, Radius = radius, _shape = shape,
        };
    }

    /// <summary>The radius in Å of <paramref name="className"/>'s particles (distance matching).</summary>
    internal double RadiusOf(string className) =>
        Radii is { } r && r.TryGetValue(className.ToLowerInvariant(), out double v) ? v : Radius ?? 0;
}

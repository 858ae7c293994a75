using System.Globalization;
using FakET.Stages;

namespace FakET.Phantom;

/// <summary>One class of particles in a phantom: its shape and exactly how many to place.</summary>
/// <param name="Name">Class name for the labels; the shape's name when <c>null</c>.</param>
public sealed record ParticleClass(ParticleShape Shape, int Count, string? Name = null, string? Source = null)
{
    public string DisplayName => Name ?? Shape.Name;
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
    public double MembraneThickness { get; init; } = 40;
    /// <summary>Gold beads: solid spheres, labelled and listed as a class.</summary>
    public int Fiducials { get; init; }
    public double FiducialRadius { get; init; } = 50;
    /// <summary>Density of vitreous ice filling the slab (protein is 1); 0 for none.</summary>
    public double IceDensity { get; init; }
    public int Seed { get; init; }
    /// <summary>Random positions tried for each object before the slab counts as too full.</summary>
    public int Attempts { get; init; } = 2000;

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
        if (spec.Attempts < 1) throw Invalid("At least one placement attempt per object is needed.");

        static FakETException Invalid(string message) => new(ErrorIds.PhantomInvalid, FailureKind.InvalidArgument, message);
    }
}

/// <summary>
/// Builds a synthetic specimen with ground truth: particles of several classes at uniformly random
/// orientations, placed at random without overlap (at least one voxel apart) inside a slab, with optional
/// membranes, gold fiducials and ice. Exactly the requested counts are placed, or the build fails with
/// <see cref="ErrorIds.PhantomSlabTooFull"/>.
/// </summary>
public sealed class PhantomBuilder : Stage<IReadOnlyList<ParticleClass>, PhantomSpec, Volume>
{
    public override string Step => Steps.NewPhantom;
    public const double LipidDensity = 0.9;
    public const double GoldDensity = 5.0;
    /// <summary>Above this fraction of the slab's volume, the requested objects cannot be placed at random.</summary>
    public const double PackingLimit = 0.5;

    enum Kind { Particle, Membrane, Fiducial }

    sealed record Item(Kind Kind, int Class, ParticleShape Shape, double Material);

    /// <summary>Places exactly the classes' counts (plus the spec's membranes and fiducials); progress counts objects.</summary>
    protected override Volume Execute(IReadOnlyList<ParticleClass> classes, PhantomSpec spec, StageRun run)
    {
        if (classes.Any(c => c.Count < 0))
            throw new FakETException(ErrorIds.PhantomInvalid, FailureKind.InvalidArgument, "Particle counts cannot be negative.");
        var cancel = run.Cancel;
        var progress = run.Progress("object");
        int nz = spec.Depth, ny = spec.Height, nx = spec.Width;
        int thickness = spec.SlabThickness == 0 ? nz : spec.SlabThickness;
        int slabLo = (nz - thickness) / 2, slabHi = slabLo + thickness - 1;
        double voxel = spec.VoxelSize;

        var names = classes.Select(c => c.DisplayName).ToList();
        int membraneClass = 0, fiducialClass = 0;
        if (spec.Membranes > 0) { names.Add("membrane"); membraneClass = names.Count; }
        if (spec.Fiducials > 0) { names.Add("fiducial"); fiducialClass = names.Count; }

        var random = new Random(spec.Seed);
        var items = new List<Item>();
        for (int m = 0; m < spec.Membranes; m++)
        {
            double rMax = Math.Min(spec.MembraneRadiusMax, (thickness - 1) * voxel / 2 - spec.MembraneThickness / 2 - voxel);
            if (rMax < spec.MembraneRadiusMin)
                throw new FakETException(ErrorIds.PhantomObjectTooLarge, FailureKind.InvalidArgument,
                    $"A membrane of radius {Number(spec.MembraneRadiusMin)} Å does not fit in a slab of {thickness} voxels ({Number(thickness * voxel)} Å): make the slab thicker or -MembraneRadius smaller.");
            double radius = spec.MembraneRadiusMin + random.NextDouble() * (rMax - spec.MembraneRadiusMin);
            items.Add(new Item(Kind.Membrane, membraneClass, new Shell(radius, spec.MembraneThickness), LipidDensity));
        }
        var fiducial = new Sphere(spec.FiducialRadius);
        for (int f = 0; f < spec.Fiducials; f++) items.Add(new Item(Kind.Fiducial, fiducialClass, fiducial, GoldDensity));
        for (int k = 0; k < classes.Count; k++)
            for (int i = 0; i < classes[k].Count; i++)
                items.Add(new Item(Kind.Particle, k + 1, classes[k].Shape, 1.0));
        // Largest first, as one packs a box; membranes before the particles that may sit inside them.
        items = items.OrderBy(i => i.Kind == Kind.Membrane ? 0 : 1).ThenByDescending(i => i.Shape.Radius).ToList();

        CheckFits(spec, items, names, thickness, slabLo, slabHi);
        CheckNotTooFull(spec, items, names, thickness);
        // Density (float), class and instance masks (int) and the occupancy map (bool) while placing.
        MemoryBudget.Require((long)nz * ny * nx * (sizeof(float) + 2 * sizeof(int) + sizeof(bool)),
            $"New-Phantom needs its {nz}×{ny}×{nx} density, class and instance masks (13 bytes a voxel while placing)",
            "Make the phantom smaller (-Width, -Height, -Depth) or its voxels larger (-VoxelSize).");

        var volume = new float[nz][];
        var classMask = new int[nz][];
        var instanceMask = new int[nz][];
        var occupied = new bool[nz][];
        for (int z = 0; z < nz; z++)
        {
            volume[z] = new float[ny * nx];
            classMask[z] = new int[ny * nx];
            instanceMask[z] = new int[ny * nx];
            occupied[z] = new bool[ny * nx];
            if (spec.IceDensity != 0 && z >= slabLo && z <= slabHi) Array.Fill(volume[z], (float)spec.IceDensity);
        }

        var placed = new List<(Item Item, int Id, int X, int Y, int Z, double[,] R)>();
        var sample = new List<(int Z, int Index, double Density, bool Inside)>();
        int listedCount = 0;
        for (int n = 0; n < items.Count; n++)
        {
            cancel.ThrowIfCancellationRequested();
            var item = items[n];
            int reach = (int)Math.Ceiling(item.Shape.Radius / voxel);
            bool success = false;
            for (int attempt = 0; attempt < spec.Attempts && !success; attempt++)
            {
                var rotation = item.Kind == Kind.Particle ? Rotations.Uniform(random) : Rotations.About(2, 0);
                int cx = random.Next(reach, nx - reach), cy = random.Next(reach, ny - reach);
                int cz = random.Next(slabLo + reach, slabHi - reach + 1);
                if (occupied[cz][cy * nx + cx]) continue;
                success = Rasterise(item.Shape, rotation, cx, cy, cz, reach, voxel, nz, ny, nx, occupied, sample);
                if (!success) continue;
                int id = item.Kind == Kind.Membrane ? 0 : ++listedCount;
                foreach (var (z, index, density, inside) in sample)
                {
                    double below = z >= slabLo && z <= slabHi ? spec.IceDensity : 0;
                    volume[z][index] += (float)(density * (item.Material - below));
                    if (!inside) continue;
                    classMask[z][index] = item.Class;
                    instanceMask[z][index] = id;
                }
                MarkOccupied(sample, nz, ny, nx, occupied);
                placed.Add((item, id, cx, cy, cz, rotation));
            }
            if (!success)
            {
                int placedOfClass = placed.Count(p => p.Item.Class == item.Class);
                int wanted = items.Count(i => i.Class == item.Class);
                throw new FakETException(ErrorIds.PhantomSlabTooFull, FailureKind.InvalidArgument,
                    $"The slab is too full: only {placedOfClass} of {wanted} '{names[item.Class - 1]}' objects could be placed without overlap " +
                    $"({spec.Attempts} random positions tried for the next one) after {n} objects in all. " +
                    "Make the volume larger or the slab thicker (-SlabThickness), or ask for fewer objects; New-Phantom places exactly the counts asked for.");
            }
            progress?.Invoke(n + 1, items.Count);
        }

        // Ids in table order: by class, then in the order placed.
        var listed = placed.Where(p => p.Item.Kind != Kind.Membrane).OrderBy(p => p.Item.Class).ThenBy(p => p.Id).ToList();
        var newId = new int[listed.Count + 1];
        var particles = new List<Particle>(listed.Count);
        for (int i = 0; i < listed.Count; i++)
        {
            var p = listed[i];
            newId[p.Id] = i + 1;
            var (phi, the, psi) = Rotations.ToZxz(p.R);
            particles.Add(new Particle(i + 1, p.Item.Class, p.X, p.Y, p.Z, phi, the, psi));
        }
        Parallel.For(0, nz, z =>
        {
            var row = instanceMask[z];
            for (int i = 0; i < row.Length; i++) row[i] = newId[row[i]];
        });

        var labels = new SampleLabels(classMask, instanceMask, names, particles);
        var entry = run.Entry(Summary(spec, classes, thickness), Decided(classes, names, thickness));
        return new Volume(volume, ny, nx, voxel, new[] { entry }, labels);
    }


    /// <summary>Every object's bounding sphere must fit inside the volume and the slab.</summary>
    static void CheckFits(PhantomSpec spec, List<Item> items, List<string> names, int thickness, int slabLo, int slabHi)
    {
        foreach (var item in items.DistinctBy(i => (i.Class, i.Shape.Radius)))
        {
            int reach = (int)Math.Ceiling(item.Shape.Radius / spec.VoxelSize);
            if (2 * reach + 1 > spec.Width || 2 * reach + 1 > spec.Height || slabLo + reach > slabHi - reach)
                throw new FakETException(ErrorIds.PhantomObjectTooLarge, FailureKind.InvalidArgument,
                    $"'{names[item.Class - 1]}' is {Number(2 * item.Shape.Radius)} Å ({2 * reach + 1} voxels) across and does not fit in a " +
                    $"{thickness}-voxel slab of a {spec.Depth}×{spec.Height}×{spec.Width} volume at {Number(spec.VoxelSize)} Å/voxel: " +
                    "make the slab thicker or the volume larger.");
        }
    }

    /// <summary>Fails at once when the objects' own volumes exceed <see cref="PackingLimit"/> of the slab.</summary>
    static void CheckNotTooFull(PhantomSpec spec, List<Item> items, List<string> names, int thickness)
    {
        double voxel3 = Math.Pow(spec.VoxelSize, 3), total = 0;
        var sizes = new Dictionary<ParticleShape, double>();
        foreach (var item in items)
        {
            if (!sizes.TryGetValue(item.Shape, out double size))
            {
                size = item.Shape is Shell shell
                    ? 4 * Math.PI * shell.MidRadius * shell.MidRadius * shell.Thickness / voxel3
                    : CountInside(item.Shape, spec.VoxelSize);
                sizes[item.Shape] = size;
            }
            total += size;
        }
        double slab = (double)thickness * spec.Height * spec.Width;
        if (total > PackingLimit * slab)
            throw new FakETException(ErrorIds.PhantomSlabTooFull, FailureKind.InvalidArgument,
                $"The slab is too full: the {items.Count} objects asked for would take {100 * total / slab:0.#} % of its volume " +
                $"({thickness}×{spec.Height}×{spec.Width} voxels), more than the {100 * PackingLimit:0} % that random placement without overlap can reach. " +
                "Make the volume larger or the slab thicker (-SlabThickness), or ask for fewer objects; New-Phantom places exactly the counts asked for.");
    }

    static double CountInside(ParticleShape shape, double voxel)
    {
        int reach = (int)Math.Ceiling(shape.Radius / voxel);
        long count = 0;
        for (int z = -reach; z <= reach; z++)
            for (int y = -reach; y <= reach; y++)
                for (int x = -reach; x <= reach; x++)
                    if (shape.Sample(x * voxel, y * voxel, z * voxel, voxel).Inside) count++;
        return count;
    }

    /// <summary>Samples the rotated shape around (cx, cy, cz) into <paramref name="sample"/>; false as soon as its mask
    /// would touch an occupied voxel.</summary>
    static bool Rasterise(ParticleShape shape, double[,] r, int cx, int cy, int cz, int reach, double voxel,
        int nz, int ny, int nx, bool[][] occupied, List<(int, int, double, bool)> sample)
    {
        sample.Clear();
        bool any = false;
        for (int dz = -reach; dz <= reach; dz++)
        {
            int z = cz + dz;
            double oz = dz * voxel;
            for (int dy = -reach; dy <= reach; dy++)
            {
                int y = cy + dy;
                double oy = dy * voxel;
                for (int dx = -reach; dx <= reach; dx++)
                {
                    double ox = dx * voxel;
                    // Reference-frame point: Rᵀ·offset.
                    double px = r[0, 0] * ox + r[1, 0] * oy + r[2, 0] * oz;
                    double py = r[0, 1] * ox + r[1, 1] * oy + r[2, 1] * oz;
                    double pz = r[0, 2] * ox + r[1, 2] * oy + r[2, 2] * oz;
                    var (density, inside) = shape.Sample(px, py, pz, voxel);
                    if (density == 0 && !inside) continue;
                    int index = y * nx + cx + dx;
                    if (inside && occupied[z][index]) return false;
                    any |= inside;
                    sample.Add((z, index, density, inside));
                }
            }
        }
        return any;
    }

    /// <summary>Marks the mask and its 26 neighbours as taken, so that the next objects stay a voxel away.</summary>
    static void MarkOccupied(List<(int Z, int Index, double Density, bool Inside)> sample, int nz, int ny, int nx, bool[][] occupied)
    {
        foreach (var (z, index, _, inside) in sample)
        {
            if (!inside) continue;
            int y = index / nx, x = index % nx;
            for (int dz = -1; dz <= 1; dz++)
            {
                int zz = z + dz;
                if ((uint)zz >= (uint)nz) continue;
                for (int dy = -1; dy <= 1; dy++)
                {
                    int yy = y + dy;
                    if ((uint)yy >= (uint)ny) continue;
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int xx = x + dx;
                        if ((uint)xx < (uint)nx) occupied[zz][yy * nx + xx] = true;
                    }
                }
            }
        }
    }

    static string Summary(PhantomSpec spec, IReadOnlyList<ParticleClass> classes, int thickness)
    {
        var parts = classes.Select(c => $"{c.Count} {c.DisplayName}").ToList();
        if (spec.Membranes > 0) parts.Add($"{spec.Membranes} membrane{(spec.Membranes == 1 ? "" : "s")}");
        if (spec.Fiducials > 0) parts.Add($"{spec.Fiducials} fiducial{(spec.Fiducials == 1 ? "" : "s")}");
        return $"phantom: {(parts.Count == 0 ? "empty" : string.Join(", ", parts))} in a {thickness}-voxel slab (seed {spec.Seed})";
    }

    /// <summary>What the history adds to the spec: the classes placed (with the membrane and fiducial classes the
    /// build added), their counts and sources, the slab it chose, and how the particle table's angles read.</summary>
    static Dictionary<string, object?> Decided(IReadOnlyList<ParticleClass> classes, List<string> names, int thickness) => new()
    {
        ["SlabThickness"] = thickness,
        ["Classes"] = names.ToArray(),
        ["Counts"] = classes.Select(c => c.Count).ToArray(),
        ["ClassSources"] = classes.Select(c => c.Source ?? "built-in").ToArray(),
        ["EulerConvention"] = SampleLabels.EulerConvention,
    };

    static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A spherical shell (a vesicle's bilayer): mid radius <see cref="MidRadius"/>, <see cref="Thickness"/> thick.</summary>
    sealed class Shell(double radius, double thickness) : ParticleShape
    {
        public double MidRadius => radius;
        public double Thickness => thickness;
        public override string Name => "membrane";
        public override double Radius => radius + thickness / 2 + 1;
        public override (double Density, bool Inside) Sample(double x, double y, double z, double edge) =>
            FromDistance(Math.Abs(Math.Sqrt(x * x + y * y + z * z) - radius) - thickness / 2, edge);
    }

    /// <summary>A solid sphere (a gold bead).</summary>
    sealed class Sphere(double radius) : ParticleShape
    {
        public override string Name => "fiducial";
        public override double Radius => radius + 1;
        public override (double Density, bool Inside) Sample(double x, double y, double z, double edge) =>
            FromDistance(Math.Sqrt(x * x + y * y + z * z) - radius, edge);
    }
}

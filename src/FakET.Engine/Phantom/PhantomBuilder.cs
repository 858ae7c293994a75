using System.Globalization;
using FakET.Stages;

namespace FakET.Phantom;

/// <summary>
/// Builds a synthetic specimen with ground truth: particles of several classes (built-in shapes, density maps or
/// atomic models) at uniformly random orientations, placed at random without overlap of their rotated voxel masks (at
/// least one voxel apart) inside a slab, with optional membranes, gold fiducials and ice. Exactly the requested counts
/// are placed (or as many as fill <see cref="PhantomSpec.Occupancy"/>), or the build fails with
/// <see cref="ErrorIds.PhantomSlabTooFull"/>. A sample with atomic models is an electrostatic potential in volts
/// (<see cref="Materials"/>); one of shapes only is a density relative to protein.
/// </summary>
public sealed class PhantomBuilder : Stage<IReadOnlyList<ParticleClass>, PhantomSpec, Volume>
{
    public override string Step => Steps.NewPhantom;
    public const double GoldDensity = 5.0;
    /// <summary>Above this fraction of the slab's volume, the requested objects cannot be placed at random.</summary>
    public const double PackingLimit = 0.5;

    enum Kind { Particle, Membrane, Fiducial }

    /// <param name="Material">What a fraction 1 of the template adds (shapes), in the sample's units.</param>
    sealed record Item(Kind Kind, int Class, ParticleTemplate Template, double Material)
    {
        public double[,] Rotation { get; set; } = Rotations.About(2, 0);
    }

    /// <summary>Places the classes' objects (plus the spec's membranes and fiducials); progress counts objects.</summary>
    protected override Volume Execute(IReadOnlyList<ParticleClass> classes, PhantomSpec spec, StageRun run)
    {
        if (classes.Any(c => c.Count < 0))
            throw PhantomSpec.Invalid("Particle counts cannot be negative.");
        if (classes.Any(c => (c.Shape is null) == (c.Structure is null)))
            throw PhantomSpec.Invalid("Each particle class is either a shape or an atomic model.");
        var cancel = run.Cancel;
        int nz = spec.Depth, ny = spec.Height, nx = spec.Width;
        int thickness = spec.SlabThickness == 0 ? nz : spec.SlabThickness;
        int slabLo = (nz - thickness) / 2, slabHi = slabLo + thickness - 1;
        double voxel = spec.VoxelSize;
        bool volts = classes.Any(c => c.Structure is not null);
        double scale = volts ? Materials.ProteinPotential : 1, ice = spec.IceDensity * scale;
        int threads = spec.MaxThreads > 0 ? spec.MaxThreads : Environment.ProcessorCount;

        // Each class's template (an atomic model's is drawn once unrotated to find its mask), in parallel.
        var templates = new ParticleTemplate[classes.Count];
        Parallel.For(0, classes.Count, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancel }, k =>
            templates[k] = classes[k].Structure is { } s ? new StructureTemplate(s, voxel, ice) : new ShapeTemplate(classes[k].Shape!, voxel));
        var counts = spec.Occupancy > 0 ? CountsFor(spec.Occupancy, classes, templates, (double)thickness * ny * nx) : classes.Select(c => c.Count).ToList();

        var names = classes.Select(c => c.DisplayName).ToList();
        int membraneClass = 0, fiducialClass = 0;
        // Vesicles are "vesicle", as SHREC'21 names them, in samples of atomic models; samples of shapes only keep the
        // name their label files have always had.
        if (spec.Membranes > 0) { names.Add(volts ? "vesicle" : "membrane"); membraneClass = names.Count; }
        if (spec.Fiducials > 0) { names.Add("fiducial"); fiducialClass = names.Count; }

        var random = new Random(spec.Seed);
        var items = new List<Item>();
        double perVolt = volts ? 1 : 1 / Materials.ProteinPotential;
        double bilayer = spec.MembraneThickness + BilayerTemplate.HeadThickness;
        for (int m = 0; m < spec.Membranes; m++)
        {
            double rMax = Math.Min(spec.MembraneRadiusMax, (thickness - 1) * voxel / 2 - bilayer / 2 - voxel);
            if (rMax < spec.MembraneRadiusMin)
                throw new FakETException(ErrorIds.PhantomObjectTooLarge, FailureKind.InvalidArgument,
                    $"A membrane of radius {Number(spec.MembraneRadiusMin)} Å does not fit in a slab of {thickness} voxels ({Number(thickness * voxel)} Å): make the slab thicker or -MembraneRadius smaller.");
            double radius = spec.MembraneRadiusMin + random.NextDouble() * (rMax - spec.MembraneRadiusMin);
            var template = new BilayerTemplate(radius, spec.MembraneThickness, voxel, Materials.LipidHeadPotential * perVolt,
                Materials.LipidCorePotential * perVolt, ice);
            items.Add(new Item(Kind.Membrane, membraneClass, template, 1));
        }
        var fiducial = new ShapeTemplate(new Sphere(spec.FiducialRadius), voxel);
        for (int f = 0; f < spec.Fiducials; f++) items.Add(new Item(Kind.Fiducial, fiducialClass, fiducial, volts ? Materials.GoldPotential : GoldDensity));
        for (int k = 0; k < classes.Count; k++)
            for (int i = 0; i < counts[k]; i++)
                items.Add(new Item(Kind.Particle, k + 1, templates[k], scale));
        // Largest first, as one packs a box; membranes before the particles that may sit inside them.
        items = items.OrderBy(i => i.Kind == Kind.Membrane ? 0 : 1).ThenByDescending(i => i.Template.Radius).ToList();
        foreach (var item in items)
            if (item.Kind == Kind.Particle) item.Rotation = Rotations.Uniform(random);

        CheckFits(spec, items, names, thickness, slabLo, slabHi);
        CheckNotTooFull(spec, items, thickness);
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
            if (ice != 0 && z >= slabLo && z <= slabHi) Array.Fill(volume[z], (float)ice);
        }

        var grid = new Grid(nz, ny, nx, slabLo, slabHi, occupied);
        var placed = new List<(Item Item, int Id, int X, int Y, int Z)>();
        var progress = run.Progress("object");
        int listedCount = 0, batch = 4 * threads;
        var drawings = new RenderedParticle[batch];
        for (int first = 0; first < items.Count; first += batch)
        {
            // Rotated copies are drawn in parallel, a batch at a time; they are placed one by one, in order.
            int count = Math.Min(batch, items.Count - first);
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancel },
                i => drawings[i] = items[first + i].Template.Render(items[first + i].Rotation));
            for (int i = 0; i < count; i++)
            {
                cancel.ThrowIfCancellationRequested();
                int n = first + i;
                var item = items[n];
                var drawing = drawings[i];
                drawings[i] = null!;
                if (!grid.TryPlace(drawing, random, spec.Attempts, out int cx, out int cy, out int cz))
                {
                    int placedOfClass = placed.Count(p => p.Item.Class == item.Class);
                    int wanted = items.Count(o => o.Class == item.Class);
                    throw new FakETException(ErrorIds.PhantomSlabTooFull, FailureKind.InvalidArgument,
                        $"The slab is too full: only {placedOfClass} of {wanted} '{names[item.Class - 1]}' objects could be placed without overlap " +
                        $"({spec.Attempts} random positions tried for the next one) after {n} objects in all. " +
                        "Make the volume larger or the slab thicker (-SlabThickness), or ask for fewer objects; New-Phantom places exactly the counts asked for.");
                }
                int id = item.Kind == Kind.Membrane ? 0 : ++listedCount;
                for (int v = 0; v < drawing.Offsets.Count; v++)
                {
                    var (dz, dy, dx) = drawing.Offsets[v];
                    int z = cz + dz, y = cy + dy, x = cx + dx;
                    if ((uint)z >= (uint)nz || (uint)y >= (uint)ny || (uint)x >= (uint)nx) continue; // a potential's faint tail
                    int index = y * nx + x;
                    double below = z >= slabLo && z <= slabHi ? ice : 0;
                    volume[z][index] += item.Template.IsFraction ? (float)(drawing.Values[v] * (item.Material - below)) : drawing.Values[v];
                    if (!drawing.Inside[v]) continue;
                    classMask[z][index] = item.Class;
                    instanceMask[z][index] = id;
                }
                grid.MarkOccupied(drawing, cx, cy, cz);
                placed.Add((item, id, cx, cy, cz));
                progress?.Invoke(n + 1, items.Count);
            }
        }

        // Ids in table order: by class, then in the order placed.
        var listed = placed.Where(p => p.Item.Kind != Kind.Membrane).OrderBy(p => p.Item.Class).ThenBy(p => p.Id).ToList();
        var newId = new int[listed.Count + 1];
        var particles = new List<Particle>(listed.Count);
        for (int i = 0; i < listed.Count; i++)
        {
            var p = listed[i];
            newId[p.Id] = i + 1;
            var (phi, the, psi) = Rotations.ToZxz(p.Item.Rotation);
            particles.Add(new Particle(i + 1, p.Item.Class, p.X, p.Y, p.Z, phi, the, psi));
        }
        Parallel.For(0, nz, z =>
        {
            var row = instanceMask[z];
            for (int i = 0; i < row.Length; i++) row[i] = newId[row[i]];
        });

        var labels = new SampleLabels(classMask, instanceMask, names, particles);
        double filled = placed.Where(p => p.Item.Kind == Kind.Particle).Sum(p => (double)p.Item.Template.MaskVoxels) / ((double)thickness * ny * nx);
        var entry = run.Entry(Summary(spec, classes, counts, thickness, volts), Decided(classes, counts, names, thickness, volts, filled));
        return new Volume(volume, ny, nx, voxel, new[] { entry }, labels);
    }

    /// <summary>Counts for an occupancy: the classes' counts are relative shares (all equal when all are 0), and the
    /// particles' unrotated masks fill <paramref name="occupancy"/> of the slab.</summary>
    static List<int> CountsFor(double occupancy, IReadOnlyList<ParticleClass> classes, ParticleTemplate[] templates, double slab)
    {
        var shares = classes.Select(c => (double)c.Count).ToList();
        if (shares.All(s => s == 0)) shares = shares.Select(_ => 1.0).ToList();
        double perShare = 0;
        for (int k = 0; k < classes.Count; k++) perShare += shares[k] * templates[k].MaskVoxels;
        double n = perShare > 0 ? occupancy * slab / perShare : 0;
        return shares.Select(s => (int)Math.Round(n * s)).ToList();
    }

    /// <summary>Every object's mask must fit inside the volume and the slab, whatever its orientation.</summary>
    static void CheckFits(PhantomSpec spec, List<Item> items, List<string> names, int thickness, int slabLo, int slabHi)
    {
        foreach (var item in items.DistinctBy(i => (i.Class, i.Template.Radius)))
        {
            int reach = (int)Math.Ceiling(MaskRadius(item.Template) / spec.VoxelSize);
            if (2 * reach + 1 > spec.Width || 2 * reach + 1 > spec.Height || slabLo + reach > slabHi - reach)
                throw new FakETException(ErrorIds.PhantomObjectTooLarge, FailureKind.InvalidArgument,
                    $"'{names[item.Class - 1]}' is {Number(2 * MaskRadius(item.Template))} Å ({2 * reach + 1} voxels) across and does not fit in a " +
                    $"{thickness}-voxel slab of a {spec.Depth}×{spec.Height}×{spec.Width} volume at {Number(spec.VoxelSize)} Å/voxel: " +
                    "make the slab thicker or the volume larger.");
        }

        double MaskRadius(ParticleTemplate template) => template switch
        {
            StructureTemplate structure => structure.MaskRadius + spec.VoxelSize,
            BilayerTemplate bilayer => bilayer.MidRadius + bilayer.Thickness / 2 + 1,
            _ => template.Radius,
        };
    }

    /// <summary>Fails at once when the objects' own volumes exceed <see cref="PackingLimit"/> of the slab.</summary>
    static void CheckNotTooFull(PhantomSpec spec, List<Item> items, int thickness)
    {
        double voxel3 = Math.Pow(spec.VoxelSize, 3), total = 0;
        foreach (var item in items)
            total += item.Template is BilayerTemplate bilayer
                ? 4 * Math.PI * bilayer.MidRadius * bilayer.MidRadius * bilayer.Thickness / voxel3
                : item.Template.MaskVoxels;
        double slab = (double)thickness * spec.Height * spec.Width;
        if (total > PackingLimit * slab)
            throw new FakETException(ErrorIds.PhantomSlabTooFull, FailureKind.InvalidArgument,
                $"The slab is too full: the {items.Count} objects asked for would take {100 * total / slab:0.#} % of its volume " +
                $"({thickness}×{spec.Height}×{spec.Width} voxels), more than the {100 * PackingLimit:0} % that random placement without overlap can reach. " +
                "Make the volume larger or the slab thicker (-SlabThickness), or ask for fewer objects; New-Phantom places exactly the counts asked for.");
    }

    static string Summary(PhantomSpec spec, IReadOnlyList<ParticleClass> classes, List<int> counts, int thickness, bool volts)
    {
        var parts = classes.Select((c, k) => $"{counts[k]} {c.DisplayName}").ToList();
        if (spec.Membranes > 0) parts.Add($"{spec.Membranes} membrane{(spec.Membranes == 1 ? "" : "s")}");
        if (spec.Fiducials > 0) parts.Add($"{spec.Fiducials} fiducial{(spec.Fiducials == 1 ? "" : "s")}");
        return $"phantom: {(parts.Count == 0 ? "empty" : string.Join(", ", parts))} in a {thickness}-voxel slab{(volts ? ", in volts" : "")} (seed {spec.Seed})";
    }

    /// <summary>What the history adds to the spec: the classes placed (with the membrane and fiducial classes the
    /// build added), their counts and sources, the slab it chose, the units, the fraction of the slab the particles'
    /// masks fill, and how the particle table's angles read.</summary>
    static Dictionary<string, object?> Decided(IReadOnlyList<ParticleClass> classes, List<int> counts, List<string> names, int thickness,
        bool volts, double filled) => new()
    {
        ["SlabThickness"] = thickness,
        ["Classes"] = names.ToArray(),
        ["Counts"] = counts.ToArray(),
        ["ClassSources"] = classes.Select(c => c.Source ?? (c.Structure is null ? "built-in" : "structure " + c.Structure.Id)).ToArray(),
        ["Units"] = volts ? "V" : "relative to protein",
        ["Filled"] = filled,
        ["EulerConvention"] = SampleLabels.EulerConvention,
    };

    static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}

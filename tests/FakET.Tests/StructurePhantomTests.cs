using FakET.Phantom;
using FakET.Reconstruction;
using FakET.Structures;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>New-Phantom with atomic models: potentials in volts, packing by rotated voxel masks, occupancy, the seed, and
/// labels that lie where the density is, in the sample and in its reconstruction.</summary>
[Trait("Tier", "Engine")]
public class StructurePhantomTests
{
    static readonly Structure Lysozyme = StructureFile.Read(Repo.Data("structure_1dpx.pdb.gz"));

    /// <summary>A rod of carbon atoms along x, 90 Å long and 12 Å thick: its bounding sphere is far larger than its mask.</summary>
    internal static Structure Rod()
    {
        var atoms = new List<Atom>();
        var random = new Random(5);
        for (int i = 0; i < 1500; i++)
            atoms.Add(new Atom(6, -45 + 90 * random.NextDouble(), -6 + 12 * random.NextDouble(), -6 + 12 * random.NextDouble(), 1, 20, 0));
        return new Structure("ROD", atoms, new[] { "A" });
    }

    static Volume Build(PhantomSpec spec, params ParticleClass[] classes) => new PhantomBuilder().Run(classes, spec);

    static PhantomSpec Small(int seed = 1) => new() { Depth = 40, Height = 80, Width = 80, VoxelSize = 5, SlabThickness = 36, IceDensity = 0.57, Seed = seed };

    [Fact]
    public void AtomicModelsArePlacedAsTheirPotentialsInVoltsAndTheirMasksNeverTouch()
    {
        var volume = Build(Small(), new ParticleClass(Lysozyme, 25), new ParticleClass(Rod(), 8));
        var labels = volume.Labels!;
        Assert.Equal(new[] { "1DPX", "ROD" }, labels.ClassNames);
        Assert.Equal(33, labels.Particles!.Count);
        var entry = volume.History.Single();
        Assert.Equal("V", entry.Parameters["Units"]);
        Assert.Contains("in volts", entry.Summary);
        // Ice of 0.57 × protein's 8.05 V fills the slab; vacuum outside it.
        double ice = 0.57 * Materials.ProteinPotential;
        Assert.Equal(4.59, ice, 2);
        Assert.All(volume.Section(0), v => Assert.Equal(0f, v));
        int nx = volume.Width, ny = volume.Height;
        // Each listed centre lies in its own mask, and no two masks touch (not even diagonally).
        foreach (var p in labels.Particles!)
            Assert.Equal(p.Id, labels.InstanceMask![(int)p.Z][(int)p.Y * nx + (int)p.X]);
        Assert.Equal(33, PhantomTests.AssertParticlesApart(volume).Count);
        var mask = labels.InstanceMask!;
        double inside = 0, outside = 0;
        long nIn = 0, nOut = 0;
        for (int z = 2; z < 38; z++)
            for (int i = 0; i < ny * nx; i++)
            {
                if (mask[z][i] == 0) { outside += volume.Section(z)[i]; nOut++; }
                else { inside += volume.Section(z)[i]; nIn++; }
            }
        // Protein is denser than ice: its masks hold more potential than the ice around them.
        Assert.True(inside / nIn > outside / nOut + 1, $"{inside / nIn:F2} V in the masks, {outside / nOut:F2} V outside");
        Assert.InRange(outside / nOut, ice - 0.1, ice + 0.1);
    }

    [Fact]
    public void RotatedMasksPackCloserThanBoundingSpheres()
    {
        // Rods 90 Å long packed densely: some are closer than their bounding spheres (radius > 45 Å) would allow.
        var rod = Rod();
        var spec = new PhantomSpec { Depth = 30, Height = 60, Width = 60, VoxelSize = 5, Seed = 4 };
        var volume = Build(spec, new ParticleClass(rod, 40));
        var particles = volume.Labels!.Particles!;
        double closest = double.MaxValue;
        for (int i = 0; i < particles.Count; i++)
            for (int j = i + 1; j < particles.Count; j++)
            {
                var (a, b) = (particles[i], particles[j]);
                closest = Math.Min(closest, 5 * Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y) + (a.Z - b.Z) * (a.Z - b.Z)));
            }
        Assert.True(closest < 2 * 45, $"the closest rods are {closest:F0} Å apart");
    }

    [Fact]
    public void EachParticlesPotentialCentroidIsItsListedCentre()
    {
        var volume = Build(Small(seed: 2) with { IceDensity = 0 }, new ParticleClass(Lysozyme, 10), new ParticleClass(Rod(), 4));
        var labels = volume.Labels!;
        int nx = volume.Width;
        foreach (var p in labels.Particles!)
        {
            // The particle's own voxels (its mask dilated by two voxels, where no other particle is).
            double sx = 0, sy = 0, sz = 0, sw = 0;
            for (int z = (int)p.Z - 12; z <= p.Z + 12; z++)
                for (int y = (int)p.Y - 12; y <= p.Y + 12; y++)
                    for (int x = (int)p.X - 12; x <= p.X + 12; x++)
                    {
                        if (z < 0 || y < 0 || x < 0 || z >= volume.Depth || y >= volume.Height || x >= nx) continue;
                        if (!Near(labels.InstanceMask!, p.Id, x, y, z, nx, volume)) continue;
                        double w = volume.Section(z)[y * nx + x];
                        sx += w * x; sy += w * y; sz += w * z; sw += w;
                    }
            double distance = Math.Sqrt(Math.Pow(sx / sw - p.X, 2) + Math.Pow(sy / sw - p.Y, 2) + Math.Pow(sz / sw - p.Z, 2));
            Assert.True(distance < 0.5, $"particle {p.Id} ({labels.ClassName(p.Class)}): centroid {distance:F2} voxels from its centre");
        }

        static bool Near(int[][] mask, int id, int x, int y, int z, int nx, Volume v)
        {
            bool own = false;
            for (int dz = -2; dz <= 2; dz++)
                for (int dy = -2; dy <= 2; dy++)
                    for (int dx = -2; dx <= 2; dx++)
                    {
                        int zz = z + dz, yy = y + dy, xx = x + dx;
                        if (zz < 0 || yy < 0 || xx < 0 || zz >= v.Depth || yy >= v.Height || xx >= nx) continue;
                        int other = mask[zz][yy * nx + xx];
                        if (other == id) own = true;
                        else if (other != 0) return false;
                    }
            return own;
        }
    }

    [Fact]
    public void TheSameSeedGivesTheSameSampleBitForBitOnAnyNumberOfThreads()
    {
        var classes = new[] { new ParticleClass(Lysozyme, 12), new ParticleClass(Rod(), 3), new ParticleClass(ParticleShape.BuiltIn("small")!, 5) };
        var a = Build(Small(seed: 9) with { MaxThreads = 1, Fiducials = 2 }, classes);
        var b = Build(Small(seed: 9) with { MaxThreads = 3, Fiducials = 2 }, classes);
        var c = Build(Small(seed: 10) with { Fiducials = 2 }, classes);
        Assert.Equal(a.Labels!.Particles, b.Labels!.Particles);
        for (int z = 0; z < a.Depth; z++)
        {
            Assert.Equal(a.Section(z), b.Section(z));
            Assert.Equal(a.Labels.InstanceMask![z], b.Labels.InstanceMask![z]);
            Assert.Equal(a.Labels.ClassMask![z], b.Labels.ClassMask![z]);
        }
        Assert.NotEqual(a.Labels.Particles, c.Labels!.Particles);
    }

    [Fact]
    public void AnOccupancyFillsThatFractionOfTheSlabInTheClassesShares()
    {
        var spec = Small(seed: 3) with { Occupancy = 0.12 };
        var volume = Build(spec, new ParticleClass(Lysozyme, 3), new ParticleClass(Rod(), 1));
        var entry = volume.History.Single();
        var counts = Assert.IsType<int[]>(entry.Parameters["Counts"]);
        Assert.InRange(counts[0] / (double)counts[1], 2.5, 3.5);
        Assert.InRange((double)entry.Parameters["Filled"]!, 0.11, 0.13);
        long masked = volume.Labels!.InstanceMask!.Sum(s => (long)s.Count(id => id > 0));
        Assert.InRange(masked / (36.0 * 80 * 80), 0.10, 0.14);
    }

    [Fact]
    public void ARequestThatCannotBePackedSaysHowManyFitted()
    {
        var spec = new PhantomSpec { Depth = 24, Height = 40, Width = 40, VoxelSize = 5, Attempts = 300, Seed = 1 };
        var error = Assert.Throws<FakETException>(() => Build(spec, new ParticleClass(Rod(), 60)));
        Assert.Equal(ErrorIds.PhantomSlabTooFull, error.ErrorId);
        Assert.Matches(@"only \d+ of 60 'ROD' objects could be placed", error.Message);
    }

    [Fact]
    public void InANoiselessReconstructionEachDensityCentroidLiesWithinOneVoxelOfItsListedCentre()
    {
        var spec = new PhantomSpec { Depth = 40, Height = 96, Width = 96, VoxelSize = 5, SlabThickness = 32, Seed = 7 };
        var sample = Build(spec, new ParticleClass(Lysozyme, 6), new ParticleClass(Rod(), 3));
        var angles = Enumerable.Range(0, 61).Select(i => -60.0 + 2 * i).ToArray();
        var tomogram = Engine.Reconstruct(Engine.Project(sample, angles), new TomogramOptions { Bin = 2, Thickness = 26 });
        var labels = tomogram.Labels!;
        Assert.Equal(9, labels.Particles!.Count);
        foreach (var p in labels.Particles!)
        {
            double radius = (p.Class == 1 ? 30 : 50) / 10.0;
            var (cx, cy, cz) = Centroid(tomogram, p, radius);
            double distance = Math.Sqrt((cx - p.X) * (cx - p.X) + (cy - p.Y) * (cy - p.Y) + (cz - p.Z) * (cz - p.Z));
            Assert.True(distance <= 1, $"particle {p.Id}: listed at ({p.X:F2}, {p.Y:F2}, {p.Z:F2}), density centroid at ({cx:F2}, {cy:F2}, {cz:F2})");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void InACrowdedSampleInIceTheCentroidsStillLieWithinOneVoxel(int seed)
    {
        // The shipped models packed to 8 % of the slab in vitreous ice, at 10 Å: the tomogram's density in each particle's
        // own mask is its own less the ice's, and the background is the ice. (Measured over a dilated mask, or at bin 2
        // where lysozyme is a voxel or two across, neighbours' streaks move a few centroids past a voxel.)
        var spec = new PhantomSpec { Depth = 48, Height = 128, Width = 128, VoxelSize = 10, SlabThickness = 40, IceDensity = 0.57, Occupancy = 0.08, Seed = seed };
        var sample = Build(spec, StructureLibrary.Names.Select(n => new ParticleClass(StructureLibrary.Read(n), 1)).ToArray());
        var angles = Enumerable.Range(0, 61).Select(i => -60.0 + 2 * i).ToArray();
        var tomogram = Engine.Reconstruct(Engine.Project(sample, angles), new TomogramOptions());
        var labels = tomogram.Labels!;
        Assert.True(labels.Particles!.Count > 20);
        // The ice's own level in the tomogram, far from every particle, is taken off before the centroid.
        var ice = Background(tomogram);
        int failures = 0;
        var report = new List<string>();
        double mx = 0, my = 0, mz = 0;
        foreach (var p in labels.Particles!)
        {
            var (cx, cy, cz) = Centroid(tomogram, p, 10, ice, dilate: false);
            mx += cx - p.X; my += cy - p.Y; mz += cz - p.Z;
            double distance = Math.Sqrt((cx - p.X) * (cx - p.X) + (cy - p.Y) * (cy - p.Y) + (cz - p.Z) * (cz - p.Z));
            if (distance > 1) { failures++; report.Add($"{p.Id} {labels.ClassName(p.Class)} {distance:F2} ({cx - p.X:F2},{cy - p.Y:F2},{cz - p.Z:F2})"); }
        }
        int count = labels.Particles!.Count;
        Assert.True(failures == 0, $"mean offset ({mx / count:F3}, {my / count:F3}, {mz / count:F3}) over {count}: " + string.Join("; ", report));
        // No flip and no half-voxel shift: over hundreds of particles the offsets average out.
        Assert.All(new[] { mx, my, mz }, m => Assert.InRange(m / count, -0.1, 0.1));
    }

    /// <summary>The mean of each section where no particle's mask is within two voxels.</summary>
    static double[] Background(Volume v)
    {
        var mask = v.Labels!.InstanceMask!;
        var level = new double[v.Depth];
        for (int z = 0; z < v.Depth; z++)
        {
            double sum = 0;
            long n = 0;
            for (int y = 2; y < v.Height - 2; y++)
                for (int x = 2; x < v.Width - 2; x++)
                {
                    bool near = false;
                    for (int d = 0; d < 125 && !near; d++)
                    {
                        int zz = z + d / 25 - 2, yy = y + d / 5 % 5 - 2, xx = x + d % 5 - 2;
                        near = zz >= 0 && zz < v.Depth && mask[zz][yy * v.Width + xx] != 0;
                    }
                    if (near) continue;
                    sum += v.Section(z)[y * v.Width + x];
                    n++;
                }
            level[z] = n > 0 ? sum / n : 0;
        }
        return level;
    }

    /// <summary>The centroid of the (negative: dense matter is dark) density within <paramref name="radius"/> voxels of a
    /// particle's centre, in the voxels its instance mask (dilated by a voxel) holds.</summary>
    static (double X, double Y, double Z) Centroid(Volume v, Particle p, double radius, double[]? background = null, bool dilate = true)
    {
        double sx = 0, sy = 0, sz = 0, sw = 0;
        var mask = v.Labels!.InstanceMask!;
        int r = (int)Math.Ceiling(radius) + 1;
        for (int z = (int)Math.Round(p.Z) - r; z <= (int)Math.Round(p.Z) + r; z++)
            for (int y = (int)Math.Round(p.Y) - r; y <= (int)Math.Round(p.Y) + r; y++)
                for (int x = (int)Math.Round(p.X) - r; x <= (int)Math.Round(p.X) + r; x++)
                {
                    if (z < 0 || y < 0 || x < 0 || z >= v.Depth || y >= v.Height || x >= v.Width) continue;
                    bool mine = false;
                    for (int d = dilate ? 0 : 13; d < (dilate ? 27 : 14) && !mine; d++)
                    {
                        int zz = z + d / 9 - 1, yy = y + d / 3 % 3 - 1, xx = x + d % 3 - 1;
                        mine = zz >= 0 && yy >= 0 && xx >= 0 && zz < v.Depth && yy < v.Height && xx < v.Width && mask[zz][yy * v.Width + xx] == p.Id;
                    }
                    if (!mine) continue;
                    double w = Math.Max(0, (background?[z] ?? 0) - v.Section(z)[y * v.Width + x]);
                    sx += w * x; sy += w * y; sz += w * z; sw += w;
                }
        return (sx / sw, sy / sw, sz / sw);
    }

    [Fact]
    public void AVesicleIsABilayerWhoseTwoLeafletsStandFortyAngstromsApart()
    {
        // A sample of atomic models (none placed) with one vesicle in ice, at 2 Å per voxel.
        var spec = new PhantomSpec { Depth = 120, Height = 120, Width = 120, VoxelSize = 2, Membranes = 1, MembraneRadiusMin = 70, MembraneRadiusMax = 70, IceDensity = 0.57, Seed = 1 };
        var volume = Build(spec, new ParticleClass(Lysozyme, 0));
        var labels = volume.Labels!;
        Assert.Equal(new[] { "1DPX", "vesicle" }, labels.ClassNames);
        Assert.Empty(labels.Particles!);
        // Its centre: the mean of its (hollow, spherical) mask.
        double cx = 0, cy = 0, cz = 0;
        long n = 0;
        for (int z = 0; z < 120; z++)
            for (int i = 0; i < 120 * 120; i++)
                if (labels.ClassMask![z][i] == 2) { cx += i % 120; cy += i / 120; cz += z; n++; }
        (cx, cy, cz) = (cx / n, cy / n, cz / n);
        // The radial profile in 2 Å shells: two maxima (the headgroups, 8.70 V) 40 Å apart about the mid radius,
        // the hydrocarbon core (6.23 V) between them above the ice (4.59 V) outside.
        var sum = new double[80];
        var count = new int[80];
        for (int z = 0; z < 120; z++)
            for (int y = 0; y < 120; y++)
                for (int x = 0; x < 120; x++)
                {
                    int r = (int)Math.Round(2 * Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz)) / 2);
                    if (r >= 80) continue;
                    sum[r] += volume.Section(z)[y * 120 + x];
                    count[r]++;
                }
        double At(double radius) => sum[(int)(radius / 2)] / count[(int)(radius / 2)];
        Assert.Equal(Materials.LipidHeadPotential, At(70 - 20), 0.6);
        Assert.Equal(Materials.LipidHeadPotential, At(70 + 20), 0.6);
        Assert.Equal(Materials.LipidCorePotential, At(70), 0.3);
        Assert.Equal(0.57 * Materials.ProteinPotential, At(70 - 40), 0.05);
        Assert.Equal(0.57 * Materials.ProteinPotential, At(70 + 40), 0.05);
        Assert.True(At(70 - 20) > At(70) + 1 && At(70 + 20) > At(70) + 1);
    }
}

using FakET.IO;
using FakET.Phantom;

namespace FakET.Tests;

/// <summary>New-Phantom's engine: placement, labels, counts, orientations, density maps.</summary>
[Trait("Tier", "Engine")]
public class PhantomTests
{
    static readonly ParticleShape Small = ParticleShape.BuiltIn("small")!, Medium = ParticleShape.BuiltIn("medium")!, Large = ParticleShape.BuiltIn("large")!;

    static readonly ParticleClass[] MixedClasses = { new(Small, 12), new(Medium, 6), new(Large, 3) };

    internal static PhantomSpec Mixed(int seed = 1) => new()
    {
        Depth = 48, Height = 96, Width = 112, VoxelSize = 10, SlabThickness = 40,
        Membranes = 1, MembraneRadiusMin = 120, MembraneRadiusMax = 150, Fiducials = 3, IceDensity = 0.7, Seed = seed,
    };

    static Volume Build(PhantomSpec spec, params ParticleClass[] classes) =>
        new PhantomBuilder().Run(classes.Length == 0 ? MixedClasses : classes, spec);

    static int At(int[][] mask, Volume v, Particle p) => mask[(int)p.Z][(int)p.Y * v.Width + (int)p.X];

    [Fact]
    public void EveryParticleCentreLiesInItsOwnClassAndItsOwnInstance()
    {
        var volume = Build(Mixed());
        var labels = volume.Labels!;
        Assert.Equal(new[] { "small", "medium", "large", "membrane", "fiducial" }, labels.ClassNames);
        var particles = labels.Particles!;
        Assert.Equal(Enumerable.Range(1, particles.Count), particles.Select(p => p.Id));
        foreach (var p in particles)
        {
            Assert.Equal(p.Class, At(labels.ClassMask!, volume, p));
            Assert.Equal(p.Id, At(labels.InstanceMask!, volume, p));
        }
        // Each instance is labelled with its particle's class everywhere, and the membrane is in the class mask only.
        var classOf = particles.ToDictionary(p => p.Id, p => p.Class);
        bool membrane = false;
        for (int z = 0; z < volume.Depth; z++)
            for (int i = 0; i < volume.Width * volume.Height; i++)
            {
                int id = labels.InstanceMask![z][i], k = labels.ClassMask![z][i];
                if (id != 0) Assert.Equal(classOf[id], k);
                else Assert.True(k == 0 || k == 4, $"class {k} without an instance");
                membrane |= k == 4;
            }
        Assert.True(membrane);
    }

    [Fact]
    public void ExactCountsAreHonouredAndParticlesStayApart()
    {
        var volume = Build(Mixed(seed: 2));
        var labels = volume.Labels!;
        var counts = labels.Particles!.GroupBy(p => p.Class).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<int, int> { [1] = 12, [2] = 6, [3] = 3, [5] = 3 }, counts);
        // Every id has voxels, and voxels of different particles never touch (not even diagonally).
        var seen = AssertParticlesApart(volume);
        Assert.Equal(labels.Particles!.Count, seen.Count);
        // Everything lies inside the slab (Z 4 … 43) and ice fills it: below and above it is vacuum.
        Assert.All(volume.Section(0), v => Assert.Equal(0f, v));
        Assert.Contains(volume.Section(24), v => v == 0.7f);
    }

    /// <summary>Asserts that voxels of different particles never touch, not even diagonally; returns the ids seen.</summary>
    internal static HashSet<int> AssertParticlesApart(Volume volume)
    {
        var seen = new HashSet<int>();
        var mask = volume.Labels!.InstanceMask!;
        int ny = volume.Height, nx = volume.Width;
        for (int z = 0; z < volume.Depth; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int id = mask[z][y * nx + x];
                    if (id == 0) continue;
                    seen.Add(id);
                    for (int dz = 0; dz <= 1 && z + dz < volume.Depth; dz++)
                        for (int dy = -1; dy <= 1; dy++)
                            for (int dx = -1; dx <= 1; dx++)
                            {
                                int yy = y + dy, xx = x + dx;
                                if (yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
                                int other = mask[z + dz][yy * nx + xx];
                                Assert.True(other == 0 || other == id, $"particles {id} and {other} touch at ({x}, {y}, {z})");
                            }
                }
        return seen;
    }

    [Fact]
    public void ATooFullSlabIsANamedErrorNotFewerParticles()
    {
        // Far beyond what fits: refused before placing anything.
        var error = Assert.Throws<FakETException>(() => Build(Mixed(), new ParticleClass(Large, 60)));
        Assert.Equal(ErrorIds.PhantomSlabTooFull, error.ErrorId);
        // Within the volume budget but impossible to arrange: 12 barrels 29 voxels across in a 64 × 64 slab.
        var tight = new PhantomSpec
        {
            Depth = 40, Height = 64, Width = 64, SlabThickness = 30, Attempts = 200,
        };
        error = Assert.Throws<FakETException>(() => Build(tight, new ParticleClass(Large, 12)));
        Assert.Equal(ErrorIds.PhantomSlabTooFull, error.ErrorId);
        Assert.Contains("of 12 'large'", error.Message);
        // Too large for the slab at all.
        var thin = tight with { SlabThickness = 10 };
        Assert.Equal(ErrorIds.PhantomObjectTooLarge, Assert.Throws<FakETException>(() => Build(thin, new ParticleClass(Large, 1))).ErrorId);
    }

    [Fact]
    public void TheSameSeedGivesTheSameSample()
    {
        var a = Build(Mixed(seed: 9));
        var b = Build(Mixed(seed: 9));
        var c = Build(Mixed(seed: 10));
        Assert.Equal(a.Labels!.Particles, b.Labels!.Particles);
        for (int z = 0; z < a.Depth; z++)
        {
            Assert.Equal(a.Section(z), b.Section(z));
            Assert.Equal(a.Labels.InstanceMask![z], b.Labels.InstanceMask![z]);
        }
        Assert.NotEqual(a.Labels.Particles, c.Labels!.Particles);
        Assert.Equal(9L, Convert.ToInt64(a.History.Single().Parameters["Seed"]));
    }

    // Rotation matrices built here from the documented conventions, independently of the engine's.
    static double[,] Rz(double d) { double c = Math.Cos(d * Math.PI / 180), s = Math.Sin(d * Math.PI / 180); return new[,] { { c, -s, 0 }, { s, c, 0 }, { 0, 0, 1.0 } }; }
    static double[,] Rx(double d) { double c = Math.Cos(d * Math.PI / 180), s = Math.Sin(d * Math.PI / 180); return new[,] { { 1.0, 0, 0 }, { 0, c, -s }, { 0, s, c } }; }
    static double[,] Ry(double d) { double c = Math.Cos(d * Math.PI / 180), s = Math.Sin(d * Math.PI / 180); return new[,] { { c, 0, s }, { 0, 1.0, 0 }, { -s, 0, c } }; }
    static double[,] Mul(double[,] a, double[,] b)
    {
        var m = new double[3, 3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) m[i, j] += a[i, k] * b[k, j];
        return m;
    }
    /// <summary>TOM/PyTom/DeepFinder ZXZ: R = Rz(psi)·Rx(the)·Rz(phi).</summary>
    internal static double[,] Zxz(double phi, double the, double psi) => Mul(Rz(psi), Mul(Rx(the), Rz(phi)));
    /// <summary>RELION: Euler_angles2matrix(rot, tilt, psi) = Rᵀ, so R = Rz(rot)·Ry(tilt)·Rz(psi).</summary>
    internal static double[,] Relion(double rot, double tilt, double psi) => Mul(Rz(rot), Mul(Ry(tilt), Rz(psi)));

    internal static void AssertSameRotation(double[,] a, double[,] b, double tolerance = 1e-9)
    {
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) Assert.Equal(a[i, j], b[i, j], tolerance);
    }

    [Fact]
    public void EulerConventionsRoundTrip()
    {
        var random = new Random(3);
        for (int n = 0; n < 200; n++)
        {
            var r = Rotations.Uniform(random);
            var (phi, the, psi) = Rotations.ToZxz(r);
            Assert.InRange(the, 0, 180);
            AssertSameRotation(r, Zxz(phi, the, psi));
            var (rot, tilt, relionPsi) = Rotations.ToRelion(r);
            AssertSameRotation(r, Relion(rot, tilt, relionPsi));
        }
        foreach (var the in new[] { 0.0, 180 }) // gimbal lock: psi is 0 and phi carries the rest
        {
            var r = Zxz(30, the, 50);
            var angles = Rotations.ToZxz(r);
            AssertSameRotation(r, Zxz(angles.Phi, angles.The, angles.Psi));
            var relion = Rotations.ToRelion(r);
            AssertSameRotation(r, Relion(relion.Rot, relion.Tilt, relion.Psi));
        }
    }

    [Fact]
    public void OrientationsAreUniformOverRotations()
    {
        // Under the Haar measure each entry of R has mean 0 and variance 1/3, and cos(the) is uniform on [−1, 1].
        const int n = 20000;
        var random = new Random(11);
        var rotations = Enumerable.Range(0, n).Select(_ => Rotations.Uniform(random)).ToList();
        AssertMeanRotationNearZero(rotations);
        Assert.True(KolmogorovSmirnovUniform(rotations.Select(r => Rotations.ToZxz(r).The)) < 1.63 / Math.Sqrt(n), "cos(the) is not uniform");
        // The test has power: Euler angles drawn uniformly (the naive way) fail it.
        var naive = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 180).ToList();
        Assert.True(KolmogorovSmirnovUniform(naive) > 5 / Math.Sqrt(n));

        // And the particles of a phantom carry such orientations.
        var spec = new PhantomSpec { Depth = 40, Height = 160, Width = 160, Seed = 4 };
        var table = Build(spec, new ParticleClass(Small, 300)).Labels!.Particles!;
        AssertMeanRotationNearZero(table.Select(p => Zxz(p.Phi, p.The, p.Psi)).ToList());
    }

    static void AssertMeanRotationNearZero(IReadOnlyList<double[,]> rotations)
    {
        double sigma = Math.Sqrt(1.0 / (3 * rotations.Count));
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double mean = rotations.Average(r => r[i, j]);
                Assert.True(Math.Abs(mean) < 4.5 * sigma, $"mean R[{i},{j}] = {mean:F4}, expected 0 ± {sigma:F4}");
            }
    }

    /// <summary>The Kolmogorov–Smirnov distance of cos(angle) from the uniform distribution on [−1, 1].</summary>
    static double KolmogorovSmirnovUniform(IEnumerable<double> degrees)
    {
        var c = degrees.Select(d => Math.Cos(d * Math.PI / 180)).Order().ToArray();
        double d = 0;
        for (int i = 0; i < c.Length; i++)
        {
            double f = (c[i] + 1) / 2;
            d = Math.Max(d, Math.Max(Math.Abs(f - (double)i / c.Length), Math.Abs(f - (double)(i + 1) / c.Length)));
        }
        return d;
    }

    [Fact]
    public void ExportedAnglesRebuildTheShapeThatWasPlaced()
    {
        // Every voxel of a particle's instance, turned back into the reference frame with the exported angles,
        // lies inside the documented shape: an ellipsoid 45 × 30 × 24 Å, two spheres on the z axis.
        const double voxel = 5;
        var spec = new PhantomSpec
        {
            Depth = 48, Height = 96, Width = 96, VoxelSize = voxel, Seed = 6,
        };
        var volume = Build(spec, new ParticleClass(Small, 4), new ParticleClass(Medium, 3));
        var labels = volume.Labels!;
        var voxels = new Dictionary<int, List<(int X, int Y, int Z)>>();
        for (int z = 0; z < volume.Depth; z++)
            for (int i = 0; i < volume.Height * volume.Width; i++)
                if (labels.InstanceMask![z][i] is var id and > 0)
                    (voxels.TryGetValue(id, out var list) ? list : voxels[id] = new()).Add((i % volume.Width, i / volume.Width, z));
        foreach (var p in labels.Particles!)
        {
            var r = Zxz(p.Phi, p.The, p.Psi);
            foreach (var (x, y, z) in voxels[p.Id])
            {
                double ox = (x - p.X) * voxel, oy = (y - p.Y) * voxel, oz = (z - p.Z) * voxel;
                double px = r[0, 0] * ox + r[1, 0] * oy + r[2, 0] * oz;
                double py = r[0, 1] * ox + r[1, 1] * oy + r[2, 1] * oz;
                double pz = r[0, 2] * ox + r[1, 2] * oy + r[2, 2] * oz;
                double f = p.Class == 1
                    ? px * px / (45.0 * 45) + py * py / (30.0 * 30) + pz * pz / (24.0 * 24) - 1
                    : Math.Min(Math.Sqrt(px * px + py * py + (pz + 25) * (pz + 25)) - 40, Math.Sqrt(px * px + py * py + (pz - 40) * (pz - 40)) - 30);
                Assert.True(f <= 1e-6, $"particle {p.Id}: voxel ({x}, {y}, {z}) lies outside its shape");
            }
            double expected = p.Class == 1 ? 4.0 / 3 * Math.PI * 45 * 30 * 24 / Math.Pow(voxel, 3) : double.NaN;
            if (p.Class == 1) Assert.InRange(voxels[p.Id].Count, 0.9 * expected, 1.1 * expected);
        }
    }

    /// <summary>A density map: an ellipsoid of semi-axes 30 × 20 × 15 Å of density 2 in a 40³ box of 2.5 Å.</summary>
    internal static float[][] EllipsoidMap()
    {
        const int n = 40;
        var sections = new float[n][];
        for (int z = 0; z < n; z++)
        {
            sections[z] = new float[n * n];
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double dx = (x - 19.5) * 2.5, dy = (y - 19.5) * 2.5, dz = (z - 19.5) * 2.5;
                    if (dx * dx / 900 + dy * dy / 400 + dz * dz / 225 <= 1) sections[z][y * n + x] = 2;
                }
        }
        return sections;
    }

    [Fact]
    public void DensityMapsAreResampledToTheVoxelSize()
    {
        var shape = DensityMapShape.FromSections("ellipsoid", EllipsoidMap(), 40, 40, 40, 2.5, 5.0, 0.2);
        Assert.Equal((20, 20, 20), shape.Shape); // 100 Å at 5 Å per voxel
        var spec = new PhantomSpec { Depth = 40, Height = 80, Width = 80, VoxelSize = 5, Seed = 2 };
        var volume = Build(spec, new ParticleClass(shape, 6));
        var labels = volume.Labels!;
        Assert.Equal(new[] { "ellipsoid" }, labels.ClassNames);
        Assert.Equal(6, labels.Particles!.Count);
        double expected = 4.0 / 3 * Math.PI * 30 * 20 * 15 / 125; // voxels of 5 Å
        foreach (var p in labels.Particles!)
        {
            Assert.Equal(1, At(labels.ClassMask!, volume, p));
            Assert.Equal(p.Id, At(labels.InstanceMask!, volume, p));
            int count = 0;
            double density = 0;
            for (int z = 0; z < volume.Depth; z++)
                for (int i = 0; i < 80 * 80; i++)
                    if (labels.InstanceMask![z][i] == p.Id) { count++; density += volume.Section(z)[i]; }
            // Area averaging blurs the edge by a voxel, so the mask at 20 % of the maximum is somewhat larger.
            Assert.InRange(count, 0.9 * expected, 1.6 * expected);
            Assert.InRange(density / count, 0.75, 1.25); // scaled so that protein inside the mask is about 1
        }
    }

    [Fact]
    public void AMapWithoutVoxelSizeOrDensityIsANamedError()
    {
        var empty = Enumerable.Range(0, 8).Select(_ => new float[64]).ToArray();
        var error = Assert.Throws<FakETException>(() => DensityMapShape.FromSections("empty", empty, 8, 8, 8, 2, 4, 0.2));
        Assert.Equal(ErrorIds.PhantomMapInvalid, error.ErrorId);
    }
}

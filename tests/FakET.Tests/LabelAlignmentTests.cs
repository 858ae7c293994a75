using FakET.Phantom;
using FakET.Reconstruction;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// The guard against labels that sit beside their density: a sample reconstructed at another thickness and binned,
/// whose tomogram's own labels must lie on the density the reconstruction shows.
/// </summary>
[Trait("Tier", "Engine")]
public class LabelAlignmentTests
{
    static readonly ParticleShape Medium = ParticleShape.BuiltIn("medium")!;

    /// <summary>A sample of well separated particles, its clean projections, and its tomogram at bin 2 and a thickness
    /// (34 binned voxels) other than the sample's binned depth (24).</summary>
    static (Volume Sample, TiltSeries Series, Volume Tomogram) Reconstructed(int seed, int bin = 2, int? thickness = 34, int width = 110)
    {
        var spec = new PhantomSpec { Depth = 48, Height = 96, Width = width, VoxelSize = 10, SlabThickness = 40, Seed = seed };
        var sample = new PhantomBuilder().Run(new[] { new ParticleClass(Medium, 6) }, spec);
        var angles = Enumerable.Range(0, 41).Select(i => -60.0 + 3 * i).ToArray();
        var series = Engine.Project(sample, angles);
        var tomogram = Engine.Reconstruct(series, new TomogramOptions { Bin = bin, Thickness = thickness });
        return (sample, series, tomogram);
    }

    [Theory]
    [InlineData(3, 2, 34)]
    [InlineData(4, 1, null)]
    [InlineData(5, 3, 40)]
    // A 63-wide sample: radon's padded square (90) puts the slice's centre column 31 on detector pixel 32.
    [InlineData(7, 1, 44, 63)]
    public void EveryParticlesDensityCentroidLiesWithinOneVoxelOfItsListedCentre(int seed, int bin, int? thickness, int width = 110)
    {
        var (sample, _, tomogram) = Reconstructed(seed, bin, thickness, width);
        var labels = tomogram.Labels!;
        Assert.Equal(sample.Labels!.Particles!.Count, labels.Particles!.Count);
        double radius = Medium.Radius / (10.0 * bin) + 2;
        foreach (var p in labels.Particles!)
        {
            var (cx, cy, cz) = DensityCentroid(tomogram, p.X, p.Y, p.Z, radius);
            double distance = Math.Sqrt((cx - p.X) * (cx - p.X) + (cy - p.Y) * (cy - p.Y) + (cz - p.Z) * (cz - p.Z));
            Assert.True(distance <= 1, $"particle {p.Id}: listed at ({p.X:F2}, {p.Y:F2}, {p.Z:F2}), density centroid at ({cx:F2}, {cy:F2}, {cz:F2})");
        }
    }

    [Fact]
    public void TheClassMaskOverlaysTheDensityAndTheListIsTheSamplesMovedIntoTheTomogramsFrame()
    {
        var (sample, series, tomogram) = Reconstructed(seed: 3);
        var labels = tomogram.Labels!;
        // Dense matter reconstructs negative (FakET's projections are dose − line sum): inside the class mask the
        // density is far stronger than outside.
        double inside = 0, outside = 0;
        long nIn = 0, nOut = 0;
        for (int z = 0; z < tomogram.Depth; z++)
        {
            var v = tomogram.Section(z);
            var m = labels.ClassMask![z];
            for (int i = 0; i < v.Length; i++)
                if (m[i] > 0) { inside -= v[i]; nIn++; } else { outside -= v[i]; nOut++; }
        }
        Assert.True(nIn > 0);
        Assert.True(inside / nIn > 5 * Math.Abs(outside / nOut), $"mean density {inside / nIn:G3} inside the mask, {outside / nOut:G3} outside");
        foreach (var p in labels.Particles!)
        {
            int at = (int)Math.Round(p.Y) * tomogram.Width + (int)Math.Round(p.X);
            Assert.Equal(p.Class, labels.ClassMask![(int)Math.Round(p.Z)][at]);
            Assert.Equal(p.Id, labels.InstanceMask![(int)Math.Round(p.Z)][at]);
        }

        // The frame, written out from the geometry: radon pads the 48×110 slice to a square of side
        // P = 110 + ⌈√2·110 − 110⌉ = 156 whose centre 78 holds column 55; the detector keeps columns 23…132, so the
        // axis is detector pixel 55. Binning by 2 maps pixel x to (x + ½)/2 − ½; depth from the axis (row 24) is halved
        // and counted from the tomogram's centre section 34/2 = 17.
        Assert.Equal(110, series.Width);
        var expected = sample.Labels!.Particles!.Select(p => p with
        {
            X = (p.X - 55 + 55 + 0.5) / 2 - 0.5,
            Y = (p.Y + 0.5) / 2 - 0.5,
            Z = (p.Z - 24) / 2 + 17,
        }).ToList();
        Assert.Equal(expected.Count, labels.Particles!.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Id, labels.Particles[i].Id);
            Assert.Equal(expected[i].X, labels.Particles[i].X, 9);
            Assert.Equal(expected[i].Y, labels.Particles[i].Y, 9);
            Assert.Equal(expected[i].Z, labels.Particles[i].Z, 9);
            Assert.Equal((expected[i].Phi, expected[i].The, expected[i].Psi), (labels.Particles[i].Phi, labels.Particles[i].The, labels.Particles[i].Psi));
        }
    }

    [Fact]
    public void WithoutAThicknessTheTomogramIsAsDeepAsItsSample()
    {
        var (sample, _, tomogram) = Reconstructed(seed: 4, bin: 1, thickness: null);
        Assert.Equal(sample.Depth, tomogram.Depth);
        // The same frame: every particle keeps its sample coordinates (up to the detector's axis, here the sample's own).
        Assert.Equal(sample.Labels!.Particles!.Select(p => (p.X, p.Y, p.Z)), tomogram.Labels!.Particles!.Select(p => (p.X, p.Y, p.Z)));
    }

    [Fact]
    public void AThinnerTomogramFlagsCutParticlesAndLeavesOutThoseOutsideWithAWarning()
    {
        var spec = new PhantomSpec { Depth = 48, Height = 96, Width = 110, VoxelSize = 10, SlabThickness = 40, Seed = 6 };
        var sample = new PhantomBuilder().Run(new[] { new ParticleClass(Medium, 6) }, spec);
        var series = Engine.Project(sample, new[] { -30.0, 0, 30 });
        var reporter = new Engine.Reporter(null);
        var thin = new Tomography().Run(series, new TomogramOptions { Thickness = 12 }, reporter);
        var particles = thin.Labels!.Particles!;
        // Section z of the sample is section z − 24 + 6 of the tomogram, which holds sections 0…11.
        static bool Inside(double z) => z - 24 + 6 >= -0.5 && z - 24 + 6 < 11.5;
        int outside = sample.Labels!.Particles!.Count(p => !Inside(p.Z));
        Assert.Equal(sample.Labels.Particles!.Count - outside, particles.Count);
        if (outside > 0) Assert.Contains(reporter.Warnings, w => w.Contains($"{outside} of the sample's 6 particles"));
        Assert.All(particles, p => Assert.InRange(p.Z, -0.5, 11.5));
        // A particle is flagged exactly when some of its voxels (in the sample's instance mask) fall outside.
        var mask = sample.Labels.InstanceMask!;
        foreach (var p in particles)
        {
            var sections = Enumerable.Range(0, mask.Length).Where(z => mask[z].Contains(p.Id)).ToList();
            Assert.Equal(!sections.All(z => Inside(z)), p.Clipped);
        }
    }

    /// <summary>The centroid of the (negative) density within <paramref name="radius"/> voxels of a point.</summary>
    static (double X, double Y, double Z) DensityCentroid(Volume v, double x0, double y0, double z0, double radius)
    {
        double sx = 0, sy = 0, sz = 0, sw = 0;
        int r = (int)Math.Ceiling(radius);
        for (int z = (int)Math.Round(z0) - r; z <= (int)Math.Round(z0) + r; z++)
        for (int y = (int)Math.Round(y0) - r; y <= (int)Math.Round(y0) + r; y++)
        for (int x = (int)Math.Round(x0) - r; x <= (int)Math.Round(x0) + r; x++)
        {
            if (z < 0 || y < 0 || x < 0 || z >= v.Depth || y >= v.Height || x >= v.Width) continue;
            if ((x - x0) * (x - x0) + (y - y0) * (y - y0) + (z - z0) * (z - z0) > radius * radius) continue;
            double w = Math.Max(0, -v.Section(z)[y * v.Width + x]);
            sx += w * x; sy += w * y; sz += w * z; sw += w;
        }
        return (sx / sw, sy / sw, sz / sw);
    }
}

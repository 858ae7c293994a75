using FakET.Microscope;
using FakET.Noise;
using FakET.Phantom;
using FakET.Projection;
using FakET.Reconstruction;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// The physics-lite reference without edge artefacts: a New-Phantom sample in ice is a piece of a slab wider than the
/// field, so its projections show no vacuum at the field's edges, and the noise model measured on it (FakET's paired r(θ))
/// is the same on the whole field as on its centre. The bounded (FakET radon) projection is the negative control.
/// </summary>
[Trait("Tier", "Engine")]
public class EdgeFreeReferenceTests
{
    const int Size = 96;

    static readonly double[] Angles = Enumerable.Range(0, 21).Select(i => -60.0 + 6 * i).ToArray();

    /// <summary>Ice with many small and medium particles, so that any window of the field holds much the same content.</summary>
    static Volume Sample() => new PhantomBuilder().Run(
        new[] { new ParticleClass(ParticleShape.BuiltIn("small")!, 150), new ParticleClass(ParticleShape.BuiltIn("medium")!, 40) },
        new PhantomSpec { Depth = 40, Height = Size, Width = Size, VoxelSize = 10, SlabThickness = 32, IceDensity = 0.57, Seed = 11 });

    static (TiltSeries Clean, TiltSeries Measured) Reference(Volume sample, LateralExtent extent)
    {
        var clean = new ForwardProjector().Run(sample, new ProjectionOptions { TiltAngles = Angles, LateralExtent = extent });
        return (clean, Engine.Record(clean, new MicroscopeSettings { Seed = 3 }));
    }

    /// <summary>FakET's r of tilt <paramref name="i"/> over the window [x0, x0 + w) × [y0, y0 + w).</summary>
    static double R(TiltSeries measured, TiltSeries clean, int i, int x0, int y0, int w)
    {
        var m = new float[w * w];
        var c = new float[w * w];
        var mt = measured.Tilt(i);
        var ct = clean.Tilt(i);
        for (int y = 0; y < w; y++)
            for (int x = 0; x < w; x++)
            {
                m[y * w + x] = mt[(y0 + y) * Size + x0 + x];
                c[y * w + x] = ct[(y0 + y) * Size + x0 + x];
            }
        return NoiseEstimation.MeasureTilt(m, c).R;
    }

    [Fact]
    public void RThetaOnTheWholeFieldMatchesItsCentreWithinSamplingError()
    {
        var sample = Sample();
        var (clean, measured) = Reference(sample, LateralExtent.Auto);
        Assert.Contains(clean.History[^1].Parameters, p => p.Key == "LateralExtent" && (string?)p.Value == "Periodic");
        int half = Size / 2, n = Angles.Length;

        // Sampling error of r on a window a quarter of the field: the spread over the four quadrants, pooled over the tilts
        // (3 degrees of freedom each). Cut the field into 16 equal blocks of independent r with variance 4s²: the whole
        // field is their mean (variance s²/4), the centre the mean of the middle four (variance s²), and the two share
        // those four (covariance s²/4), so centre − whole has variance 3s²/4.
        double pooled = 0;
        for (int i = 0; i < n; i++)
        {
            var quadrants = new[] { R(measured, clean, i, 0, 0, half), R(measured, clean, i, half, 0, half),
                R(measured, clean, i, 0, half, half), R(measured, clean, i, half, half, half) };
            double mean = quadrants.Average();
            pooled += quadrants.Sum(q => (q - mean) * (q - mean)) / 3;
        }
        double s = Math.Sqrt(pooled / n);
        // Four standard deviations: with 21 tilts a chance difference crosses it with probability below 0.2 %.
        double tolerance = 4 * Math.Sqrt(0.75) * s;
        Assert.InRange(tolerance, 1e-4, 0.1);

        var (boundedClean, boundedMeasured) = Reference(sample, LateralExtent.Bounded);
        double worstBounded = 0;
        for (int i = 0; i < n; i++)
        {
            double whole = R(measured, clean, i, 0, 0, Size), centre = R(measured, clean, i, Size / 4, Size / 4, half);
            Assert.True(Math.Abs(whole - centre) <= tolerance,
                $"{Angles[i]}°: r = {whole:F4} on the whole field, {centre:F4} on its centre (tolerance {tolerance:F4})");
            worstBounded = Math.Max(worstBounded,
                R(boundedMeasured, boundedClean, i, 0, 0, Size) - R(boundedMeasured, boundedClean, i, Size / 4, Size / 4, half));
        }
        // The negative control: FakET's bounded slab shows its edges at high tilt, which lift r on the whole field only.
        Assert.True(worstBounded > 2 * tolerance, $"bounded: whole − centre at most {worstBounded:F4}, tolerance {tolerance:F4}");
    }

    [Fact]
    public void APeriodicProjectionShowsNoVacuumAndEqualsTheBoundedOneOfATiledSample()
    {
        // Independent reference: the sample tiled three times along X and projected as FakET does (bounded); its middle
        // copy's detector window is what the periodic projection of one copy sees, wherever the rays stay inside the tiles.
        var sample = Sample();
        int nz = sample.Depth;
        var tiled = new float[nz][];
        for (int z = 0; z < nz; z++)
        {
            tiled[z] = new float[Size * 3 * Size];
            var section = sample.Section(z);
            for (int y = 0; y < Size; y++)
                for (int k = 0; k < 3; k++)
                    section.AsSpan(y * Size, Size).CopyTo(tiled[z].AsSpan(y * 3 * Size + k * Size, Size));
        }
        var wide = new Volume(tiled, Size, 3 * Size, sample.VoxelSize);
        foreach (double angle in new[] { -60.0, -24, 0, 36, 60 })
        {
            var periodic = ForwardProjector.ProjectImages(sample, new[] { angle }, Size, null, periodic: true)[0];
            var bounded = ForwardProjector.ProjectImages(wide, new[] { angle }, 3 * Size, null)[0];
            // Both detectors are centred on their slice's centre column, which is the same column of the copy (Size/2 and Size + Size/2).
            var geometry = new ProjectionGeometry(nz, Size, Size);
            var wideGeometry = new ProjectionGeometry(nz, 3 * Size, 3 * Size);
            int shift = (wideGeometry.Centre - wideGeometry.DetectorStart) - (geometry.Centre - geometry.DetectorStart);
            double worst = 0, slab = 0;
            for (int y = 0; y < Size; y += 7)
                for (int j = 0; j < Size; j++)
                {
                    worst = Math.Max(worst, Math.Abs(periodic[y * Size + j] - bounded[y * 3 * Size + j + shift]));
                    slab = Math.Max(slab, bounded[y * 3 * Size + j + shift]);
                }
            Assert.True(worst <= 1e-3 * slab, $"{angle}°: largest difference {worst} against line sums up to {slab}");
            // No vacuum: every ray crosses the whole ice slab, so no detector pixel falls far below the slab's ice.
            double ice = 0.57 * 32 / Math.Cos(angle * Math.PI / 180);
            Assert.True(periodic.Min() > 0.9 * ice, $"{angle}°: a pixel sums {periodic.Min()}, the ice alone {ice}");
        }
    }

    [Fact]
    public void TheSlabReconstructionSeesTheSidesOfTheFieldAsWellAsItsCentre()
    {
        // The clean projections of a laterally unbounded sample, reconstructed: the iradon geometry leaves the voxels near the
        // sides, which the high tilts do not see, as a boundary of worse reconstruction inside the slab; the slab geometry
        // reconstructs them about as faithfully as the centre. Faithfulness: the correlation with the sample itself.
        var sample = Sample();
        var clean = new ForwardProjector().Run(sample, new ProjectionOptions { TiltAngles = Angles });
        double Ratio(ReconstructionGeometry geometry)
        {
            var tomogram = Engine.Reconstruct(clean, new TomogramOptions { Geometry = geometry });
            Assert.Equal(geometry.ToString(), tomogram.History[^1].Parameters["Geometry"]?.ToString());
            // The slab's top and bottom quarters, where the side band lies outside what every tilt sees.
            int[] sections = Enumerable.Range(4, 8).Concat(Enumerable.Range(28, 8)).ToArray();
            bool Side(int x) => x < 12 || x >= Size - 12;
            bool Centre(int x) => x >= Size / 2 - 12 && x < Size / 2 + 12;
            return Correlation(tomogram, sample, sections, Side) / Correlation(tomogram, sample, sections, Centre);
        }
        double iradon = Ratio(ReconstructionGeometry.Iradon), slab = Ratio(ReconstructionGeometry.Slab);
        // By default a series projected from a laterally unbounded sample is reconstructed as a slab; others as iradon does.
        Assert.Equal("Slab", Engine.Reconstruct(clean, new TomogramOptions { Thickness = 4 }).History[^1].Parameters["Geometry"]);
        var bounded = new ForwardProjector().Run(sample, new ProjectionOptions { TiltAngles = Angles, LateralExtent = LateralExtent.Bounded });
        Assert.Equal("Iradon", Engine.Reconstruct(bounded, new TomogramOptions { Thickness = 4 }).History[^1].Parameters["Geometry"]);
        Assert.True(slab > 0.9, $"slab geometry: the sides correlate {slab:P0} as well as the centre with the sample");
        Assert.True(iradon < slab - 0.1, $"iradon geometry: {iradon:P0}, slab geometry {slab:P0}");
    }

    /// <summary>Pearson correlation of two volumes over the given sections and the X columns <paramref name="take"/> selects.</summary>
    static double Correlation(Volume a, Volume b, int[] sections, Func<int, bool> take)
    {
        var x = new List<double>();
        var y = new List<double>();
        foreach (int z in sections)
        {
            var sa = a.Section(z);
            var sb = b.Section(z);
            for (int i = 0; i < sa.Length; i++)
                if (take(i % a.Width))
                {
                    x.Add(sa[i]);
                    y.Add(sb[i]);
                }
        }
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }
}

using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The README's main job: examples/quickstart.ps1 through the faket host, at a small size.</summary>
[Trait("Tier", "Process")]
public class QuickstartTests
{
    [Fact]
    public void TheQuickStartLeavesValidMrcFilesLabelsAndPictures()
    {
        using var dir = new TempDir();
        string output = dir.File("quick start");
        // An empty model cache, so the run is the same on a machine where weights are installed.
        var environment = new Dictionary<string, string> { ["FAKET_MODEL_CACHE"] = dir.File("no-models") };
        var (exit, stdout, stderr) = HostTests.RunHost(dir.Path, environment,
            Path.Combine(Repo.Root, "examples", "quickstart.ps1"), "-OutputDirectory", output, "-Size", "64", "-Depth", "32", "-VoxelSize", "20", "-TiltStep", "10");
        Assert.True(exit == 0, stderr);
        Assert.Contains("Install-StyleModel", stderr); // random weights: the warning names the way out
        // Redirected, as in a batch job: the steps and the warning, no progress ticks (short stages print none at all).
        var lines = (stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length < 40, $"{lines.Length} lines:\n{stdout}\n{stderr}");
        Assert.DoesNotContain(lines, l => l.Contains(" of ") && (l.Contains("tilt") || l.Contains("section")));

        // The simulated series: 13 tilts from −60° to +60°, made by every stage in order.
        var simulated = StackFiles.ReadTiltSeries(Path.Combine(output, "simulated.mrc"));
        Assert.Equal(13, simulated.TiltCount);
        Assert.Equal(new[] { -60.0, 60.0 }, new[] { simulated.TiltAngles![0], simulated.TiltAngles[^1] });
        var steps = simulated.History.Select(h => h.Step).ToList();
        foreach (var step in new[] { "New-Phantom", "New-TiltSeries", "Add-TiltNoise", "Invoke-StyleTransfer" })
            Assert.Contains(step, steps);
        Assert.True(steps.IndexOf("New-TiltSeries") < steps.IndexOf("Add-TiltNoise") && steps.IndexOf("Add-TiltNoise") < steps.IndexOf("Invoke-StyleTransfer"));

        var tomogram = StackFiles.ReadVolume(Path.Combine(output, "tomogram.mrc"));
        Assert.Equal((32, 64, 64), (tomogram.Depth, tomogram.Height, tomogram.Width));
        Assert.Equal(simulated.PixelSize, tomogram.VoxelSize);

        // mrcfile (CCP-EM) validates every MRC file the quick start wrote.
        foreach (var mrc in Directory.GetFiles(output, "*.mrc"))
        {
            var (code, text) = MrcTests.Python("import sys, mrcfile; sys.exit(0 if mrcfile.validate(sys.argv[1]) else 1)", mrc);
            Assert.True(code == 0, $"{Path.GetFileName(mrc)}: {text}");
        }
        // The labels: the class mask has the sample's shape; the particle lists name every particle.
        Assert.Equal((32, 64, 64), (MrcFile.ReadHeader(Path.Combine(output, "class_mask.mrc")).Nz, 64, 64));
        int particles = File.ReadAllLines(Path.Combine(output, "particles.csv")).Length - 1;
        Assert.Equal(19, particles); // 10 lysozyme, 5 toxins, 2 GluA3 tetramers, 2 ribosome-sized barrels
        Assert.Equal(particles, System.Xml.Linq.XDocument.Load(Path.Combine(output, "particles.xml")).Descendants("object").Count());
        // The tomogram file carries the same labels, which come back with it.
        Assert.Equal(particles, tomogram.Labels!.Particles!.Count);
        // What a cryo-ET user expects to see: ribosome-sized complexes stand out of the noise, the small molecules barely.
        var cnr = ContrastToNoise(tomogram);
        Assert.True(cnr["large"] < -1.5, $"contrast-to-noise by class: {string.Join(", ", cnr.Select(c => $"{c.Key} {c.Value:F2}"))}");
        Assert.All(cnr.Where(c => c.Key != "large"), c => Assert.True(Math.Abs(c.Value) < Math.Abs(cnr["large"]) / 2,
            $"{c.Key}: {c.Value:F2} against {cnr["large"]:F2} for the ribosome-sized class"));
        // The copick run opens in python3-zarr as the tomogram; its picks and the RELION 5 particle file name every particle.
        string run = Path.Combine(output, "copick", "ExperimentRuns", "TS_01");
        var (zarrExit, zarrText) = MrcTests.Python("import sys, mrcfile, zarr, numpy as np\n" +
            "t = zarr.open_group(sys.argv[1], mode='r')['0'][:]\nm = mrcfile.open(sys.argv[2]).data\nsys.exit(0 if np.array_equal(t, m) else 1)",
            Path.Combine(run, "VoxelSpacing20.000", "wbp.zarr"), Path.Combine(output, "tomogram.mrc"));
        Assert.True(zarrExit == 0, zarrText);
        Assert.Equal(particles, Directory.GetFiles(Path.Combine(run, "Picks")).Sum(f => FakET.Labels.ParticleLists.Read(f).Count));
        var relion = FakET.Labels.StarTables.Parse(File.ReadAllText(Path.Combine(output, "relion", "particles.star")), "particles.star");
        Assert.Equal(particles, relion.Single(b => b.Name == "particles").Loops.Single().Rows.Count);
        foreach (var file in new[] { "tomograms.star", "tilt_series/TS_01.star", "TS_01.mrc.mdoc", "TS_01.xf" })
            Assert.True(File.Exists(Path.Combine(output, "relion", file)), file);
        // Pictures: real PNG files.
        foreach (var png in new[] { "simulated_montage.png", "tomogram_slices.png", "noise_profile.png" })
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(Path.Combine(output, png))[..4]);
    }

    /// <summary>
    /// Contrast-to-noise of each class in a labelled tomogram, voxel by voxel: (mean in the class mask − mean of the
    /// background) / standard deviation of the background, where the background is every voxel of the slab's middle
    /// (the outer eighth of the depth on either side left out) at least three voxels from any particle's mask.
    /// Dense matter is dark in FakET's tomograms, so particles that stand out have a negative value.
    /// </summary>
    internal static Dictionary<string, double> ContrastToNoise(Volume tomogram)
    {
        var labels = tomogram.Labels!;
        int nz = tomogram.Depth, ny = tomogram.Height, nx = tomogram.Width, z0 = nz / 8, z1 = nz - nz / 8;
        var near = new bool[nz, ny, nx];
        for (int z = 0; z < nz; z++)
            for (int i = 0; i < ny * nx; i++)
                near[z, i / nx, i % nx] = labels.ClassMask![z][i] != 0;
        for (int step = 0; step < 3; step++)
        {
            var grown = (bool[,,])near.Clone();
            for (int z = 0; z < nz; z++)
                for (int y = 0; y < ny; y++)
                    for (int x = 0; x < nx; x++)
                        if (near[z, y, x])
                            foreach (var (dz, dy, dx) in new[] { (1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1) })
                                if ((uint)(z + dz) < nz && (uint)(y + dy) < ny && (uint)(x + dx) < nx) grown[z + dz, y + dy, x + dx] = true;
            near = grown;
        }
        var background = new List<double>();
        var inside = new Dictionary<int, List<double>>();
        for (int z = z0; z < z1; z++)
        {
            var section = tomogram.Section(z);
            for (int i = 0; i < ny * nx; i++)
            {
                int c = labels.ClassMask![z][i];
                if (c != 0) (inside.TryGetValue(c, out var list) ? list : inside[c] = new List<double>()).Add(section[i]);
                else if (!near[z, i / nx, i % nx]) background.Add(section[i]);
            }
        }
        double mean = background.Average(), std = Math.Sqrt(background.Average(v => (v - mean) * (v - mean)));
        return inside.ToDictionary(c => labels.ClassName(c.Key), c => (c.Value.Average() - mean) / std);
    }
}

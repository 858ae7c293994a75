using System.Globalization;
using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The example scripts, run as a facility would run them: through the faket host, in a fresh process.</summary>
[Trait("Tier", "Process")]
public class ExamplesTests
{
    static readonly string[] MrcOutputs = { "tiltseries.mrc", "tomogram.mrc", "tomogram_class_mask.mrc", "tomogram_instance_mask.mrc" };

    [Fact]
    public void TheBatchExampleSimulatesEachSampleInItsOwnFolderInParallel()
    {
        using var dir = new TempDir();
        string script = Path.Combine(Repo.Root, "examples", "batch.ps1");
        var (exit, stdout, stderr) = HostTests.RunHost(dir.Path, null, script, "-OutputDirectory", "out", "-Count", "3", "-ThrottleLimit", "2",
            "-Size", "32", "-TiltStep", "20", "-Class", "small,medium", "-Seed", "5");
        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("done:   3 samples", stdout);
        string root = dir.File("out");
        Assert.True(File.Exists(Path.Combine(root, "noise_profile.json")));

        var samples = Enumerable.Range(0, 3).Select(i => Path.Combine(root, $"sample_{i:D3}")).ToArray();
        var files = new List<string>();
        foreach (var sample in samples)
        {
            foreach (var name in MrcOutputs.Concat(new[] { "particles.csv", "objl.xml" }))
                Assert.True(File.Exists(Path.Combine(sample, name)), $"{sample}/{name} is missing");
            files.AddRange(MrcOutputs.Select(name => Path.Combine(sample, name)));
            var series = MrcFile.ReadHeader(Path.Combine(sample, "tiltseries.mrc"));
            Assert.Equal((32, 32, 7), (series.Nx, series.Ny, series.Nz));
            var tomogram = MrcFile.Read(Path.Combine(sample, "tomogram.mrc")).Sections;
            Assert.All(tomogram, s => Assert.All(s, v => Assert.True(float.IsFinite(v))));
            Assert.True(File.ReadAllLines(Path.Combine(sample, "particles.csv")).Length >= 3); // header + at least one per class

            // The labels are the tomogram's: as deep as the phantom (32 / 2 = 24 at least), the mask on its grid, and
            // every listed particle's centre inside its own class in the mask.
            var header = MrcFile.ReadHeader(Path.Combine(sample, "tomogram.mrc"));
            Assert.Equal(24, header.Nz);
            var (maskHeader, mask) = MrcFile.Read(Path.Combine(sample, "tomogram_class_mask.mrc"));
            Assert.Equal((header.Nx, header.Ny, header.Nz), (maskHeader.Nx, maskHeader.Ny, maskHeader.Nz));
            foreach (var line in File.ReadAllLines(Path.Combine(sample, "particles.csv")).Skip(1))
            {
                var f = line.Split(',');
                int k = int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture);
                var (x, y, z) = (Parse(f[3]), Parse(f[4]), Parse(f[5]));
                Assert.Equal(k, (int)mask[(int)Math.Round(z)][(int)Math.Round(y) * header.Nx + (int)Math.Round(x)]);
            }
        }

        // Every MRC file is valid for an independent reader.
        var (pyExit, output) = MrcTests.Python(
            "import sys, mrcfile\nfor f in sys.argv[1:]: print(f, 'VALID' if mrcfile.validate(f, print_file=sys.stdout) else 'INVALID')\n", files.ToArray());
        Assert.True(pyExit == 0 && !output.Contains("INVALID"), output);
        Assert.Equal(files.Count, output.Split('\n').Count(line => line.EndsWith(" VALID")));

        // Different seeds, different samples: particle lists, series and tomograms all differ pairwise.
        for (int a = 0; a < 3; a++)
            for (int b = a + 1; b < 3; b++)
            {
                Assert.NotEqual(File.ReadAllText(Path.Combine(samples[a], "particles.csv")), File.ReadAllText(Path.Combine(samples[b], "particles.csv")));
                foreach (var name in new[] { "tiltseries.mrc", "tomogram.mrc" })
                {
                    var x = MrcFile.Read(Path.Combine(samples[a], name)).Sections.SelectMany(s => s).ToArray();
                    var y = MrcFile.Read(Path.Combine(samples[b], name)).Sections.SelectMany(s => s).ToArray();
                    Assert.True(Statistics.Correlation(x, y) < 0.95, $"{name} of samples {a} and {b} are alike");
                }
            }

        // A given profile JSON instead of a measured one: the same seed then gives the same sample again.
        var again = HostTests.RunHost(dir.Path, null, script, "-OutputDirectory", "again", "-Count", "1", "-ThrottleLimit", "1",
            "-Size", "32", "-TiltStep", "20", "-Class", "small,medium", "-Seed", "5", "-NoiseProfile", Path.Combine(root, "noise_profile.json"));
        Assert.True(again.Exit == 0, again.Stderr + again.Stdout);
        Assert.False(File.Exists(dir.File(Path.Combine("again", "noise_profile.json"))));
        var first = MrcFile.Read(Path.Combine(samples[0], "tiltseries.mrc")).Sections.SelectMany(s => s).ToArray();
        var repeat = MrcFile.Read(dir.File(Path.Combine("again", "sample_000", "tiltseries.mrc"))).Sections.SelectMany(s => s).ToArray();
        Assert.True(Statistics.Correlation(first, repeat) > 0.999);
    }

    static double Parse(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>examples/paper-table.ps1 -Quick: the paper's picking table on data the module makes, small (four 32×64×64
    /// samples, one seed, 150 steps), about five minutes on two cores.</summary>
    static readonly string[] PaperTableSets = { "BENCHMARK", "FAKET", "BASELINE", "NOISY" };

    [Fact]
    public void TheQuickTableRunsPrintsEveryTrainingSetAndItsPickersBeatChance()
    {
        using var dir = new TempDir();
        string output = dir.File("table");
        var environment = new Dictionary<string, string> { ["FAKET_MODEL_CACHE"] = dir.File("no-models") };
        var (exit, stdout, stderr) = HostTests.RunHost(dir.Path, environment,
            Path.Combine(Repo.Root, "examples", "paper-table.ps1"), "-Quick", "-OutputDirectory", output);
        Assert.True(exit == 0, stdout + stderr);

        // The printed table and the CSV: one row per training set, in the paper's order, F1s in [0, 1].
        foreach (var set in PaperTableSets) Assert.Contains(set, stdout);
        var rows = File.ReadAllLines(Path.Combine(output, "paper-table.csv")).Skip(1)
            .Select(l => l.Split("\",\"").Select(c => c.Trim('"')).ToArray()).ToList();
        Assert.Equal(PaperTableSets, rows.Select(r => r[0]));
        double Mean(string cell) => double.Parse(cell.Split(' ')[0], CultureInfo.InvariantCulture);
        var localisation = rows.Select(r => Mean(r[1])).ToList();
        Assert.All(localisation.Concat(rows.Select(r => Mean(r[2]))), f => Assert.InRange(f, 0, 1));
        Assert.All(rows, r => Assert.True(double.Parse(r[4], CultureInfo.InvariantCulture) > 0, "training seconds"));

        // Chance, as the script states it: random picks score a localisation F1 of at most 2f / (1 + f), f the fraction of
        // the test tomogram its particles occupy. The pickers, trained 150 steps, do far better (0.31 to 0.58 when written).
        var markdown = File.ReadAllText(Path.Combine(output, "paper-table.md"));
        var chanceLine = markdown.Split('\n').Single(l => l.StartsWith("Chance:", StringComparison.Ordinal));
        double chance = double.Parse(chanceLine.TrimEnd('.', '\r').Split(' ')[^1], CultureInfo.InvariantCulture);
        Assert.InRange(chance, 1e-4, 0.05);
        Assert.True(localisation.Average() > 5 * chance, $"localisation F1 {string.Join(", ", localisation)} against chance {chance}:\n{stdout}");
    }
}

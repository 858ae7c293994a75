using System.Globalization;
using System.Text.Json.Nodes;
using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>examples/reproduce-shrec.ps1, the paper's protocol, on a miniature SHREC'21 folder made here: ten models,
/// each a tiny phantom (grandmodel_unbinned.mrc), its "measured" series from the physics-lite microscope
/// (projections_unbinned.mrc) and PyTom's alignment table with the angles (alignment_simulated.txt).</summary>
[Trait("Tier", "Process")]
public class ReproduceShrecTests
{
    static readonly double[] Angles = { -48, -36, -24, -12, 0, 12, 24, 36, 48 };
    static readonly string[] Modalities = { "noiseless", "noisy", "content", "gaussian", "faket" };
    const int Size = 32, Depth = 16;
    const double VoxelSize = 10;

    static void MakeShrecFolder(string root)
    {
        using var session = new PowerShellSession();
        for (int n = 0; n < 10; n++)
        {
            string folder = Path.Combine(root, $"model_{n}");
            Directory.CreateDirectory(folder);
            // Each model its own sample and microscope (defocus), so the style source is recognisable.
            var result = session.Run(
                "$v = New-Phantom -Width $size -Height $size -Depth $depth -SlabThickness 12 -Class small -Count 3 -VoxelSize $voxel -Seed $seed; " +
                "$v | Export-Volume ([System.IO.Path]::Combine($folder, 'grandmodel_unbinned.mrc')); " +
                "$v | New-TiltSeries -TiltAngles $angles | Invoke-MicroscopeSimulation -Defocus $defocus -Seed $seed | " +
                "Export-TiltSeries ([System.IO.Path]::Combine($folder, 'projections_unbinned.mrc'))",
                ("size", Size), ("depth", Depth), ("voxel", VoxelSize), ("seed", 100 + n), ("folder", folder), ("angles", Angles),
                ("defocus", 2.0 + 0.2 * n));
            Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
            // As in SHREC'21: no sidecars; the angles are only in PyTom's alignment table (tilt angle in column 3).
            foreach (var extra in Directory.GetFiles(folder).Where(f => !f.EndsWith(".mrc", StringComparison.Ordinal))) File.Delete(extra);
            var table = new System.Text.StringBuilder("# AlignmentTransX AlignmentTransY TiltAngle InPlaneRotation Magnification\n# simulated\n");
            foreach (var a in Angles)
                table.Append(string.Create(CultureInfo.InvariantCulture, $"  0.0000  0.0000  {a,8:0.0000}  0.0000  1.0000\n"));
            File.WriteAllText(Path.Combine(folder, "alignment_simulated.txt"), table.ToString());
        }
    }

    static JsonObject Sidecar(string mrc) => (JsonObject)JsonNode.Parse(File.ReadAllText(HistorySidecar.PathFor(mrc)))!;

    static double ResidualStd(TiltSeries series, TiltSeries clean, int tilt)
    {
        // The share of the tilt's std that the clean projection (a least-squares fit a + b·clean) does not explain.
        var y = series.Tilt(tilt);
        var x = clean.Tilt(tilt);
        var (mx, sx) = Statistics.MeanStd(x);
        var (my, sy) = Statistics.MeanStd(y);
        double cov = 0;
        for (int i = 0; i < x.Length; i++) cov += (x[i] - mx) * (y[i] - my);
        cov /= x.Length;
        double r = cov / (sx * sy);
        return Math.Sqrt(Math.Max(0, 1 - r * r));
    }

    [Fact]
    public void RunsThePapersProtocolOnAMiniatureShrecFolder()
    {
        using var dir = new TempDir();
        string data = dir.File("shrec"), output = dir.File("out");
        MakeShrecFolder(data);
        string script = Path.Combine(Repo.Root, "examples", "reproduce-shrec.ps1");
        var (exit, stdout, stderr) = HostTests.RunHost(dir.Path, null, script,
            "-DataDirectory", data, "-OutputDirectory", "out", "-Models", "8,9", "-Seed", "3", "-Weights", "Random");
        Assert.True(exit == 0, stdout + "\n" + stderr);
        // Progress lines per model, and the style rule (N + 1) mod 9: model 8 from 0, model 9 from 1.
        Assert.Contains("model_8  style from model_0", stdout);
        Assert.Contains("model_9  style from model_1", stdout);

        // The noise profile: order 2 from the nine training models' pairs; the Gaussian one order 0.
        foreach (var (name, order) in new[] { ("noise_profile", 2), ("gaussian_profile", 0) })
        {
            string json = Path.Combine(output, name + ".json");
            Assert.True(File.Exists(Path.ChangeExtension(json, ".png")), name + ".png");
            var profile = (JsonObject)JsonNode.Parse(File.ReadAllText(json))!;
            Assert.Equal(order, profile["polynomialOrder"]!.GetValue<int>());
            var measured = profile["measured"]!.AsArray();
            Assert.Equal(9, measured.Count);
            Assert.Contains("from 9 pairs", profile["history"]!.ToJsonString());
            Assert.Equal(Angles.Length, profile["r"]!.AsArray().Count);
        }

        // Noiseless projections of all training models (the noise was measured on them) and of model 9.
        for (int n = 0; n < 10; n++)
            Assert.Equal(Angles.Length, MrcFile.ReadHeader(Path.Combine(output, $"model_{n}", "noiseless.mrc")).Nz);
        Assert.False(File.Exists(Path.Combine(output, "model_0", "noisy.mrc")), "model 0 was not asked for");

        foreach (int n in new[] { 8, 9 })
        {
            string folder = Path.Combine(output, $"model_{n}");
            var measured = StackFiles.ReadTiltSeries(Path.Combine(data, $"model_{n}", "projections_unbinned.mrc"));
            Assert.Equal(Angles, measured.TiltAngles!);   // from alignment_simulated.txt
            var series = Modalities.ToDictionary(m => m, m => StackFiles.ReadTiltSeries(Path.Combine(folder, m + ".mrc")));
            foreach (var (m, s) in series)
            {
                Assert.Equal((Angles.Length, Size, Size), (s.TiltCount, s.Height, s.Width));
                Assert.Equal(Angles, s.TiltAngles!);
                Assert.Equal(VoxelSize, s.PixelSize, 4);
                var header = MrcFile.ReadHeader(Path.Combine(folder, m + "_tomogram.mrc"));
                var tomogram = StackFiles.ReadVolume(Path.Combine(folder, m + "_tomogram.mrc"));
                Assert.Equal((Size / 2, Size / 2, Size / 2), (header.Nz, header.Ny, header.Nx));
                Assert.Equal(2 * s.PixelSize, tomogram.PixelSize, 4);
                Assert.Contains("\"Bin\": 2", Sidecar(Path.Combine(folder, m + "_tomogram.mrc"))["history"]!.ToJsonString(new() { WriteIndented = true }));
                Assert.All(tomogram.Sections, z => Assert.All(z, v => Assert.True(float.IsFinite(v))));
            }

            // The faket series: content styled like model (N + 1) mod 9's measured series, from the noisy one.
            var style = series["faket"].History.Single(h => h.Step == "Invoke-StyleTransfer");
            string expectedStyle = Path.Combine(data, $"model_{(n + 1) % 9}", "projections_unbinned.mrc");
            Assert.Equal(expectedStyle, style.Parameters["Style"]!.ToString());
            Assert.Equal("given", style.Parameters["Init"]!.ToString());
            var styleSeries = StackFiles.ReadTiltSeries(expectedStyle);
            for (int t = 0; t < Angles.Length; t++)
            {
                // The style transfer matches each output tilt's mean and std to the style tilt's.
                var (m1, s1) = series["faket"].SectionStatistics(t);
                var (m2, s2) = styleSeries.SectionStatistics(t);
                Assert.True(Math.Abs(m1 - m2) <= 1e-5 * Math.Abs(m2) + 1e-6, $"tilt {t}: mean {m1}, style's {m2}");
                Assert.True(Math.Abs(s1 - s2) <= 1e-5 * s2, $"tilt {t}: std {s1}, style's {s2}");
            }

            // Noise scales: noisy 1, content 0.25, Gaussian 1 with the order-0 profile; all from the noiseless series.
            string noisyHistory = Sidecar(Path.Combine(folder, "noisy.mrc"))["history"]!.ToJsonString();
            Assert.Contains("\"Scale\":1", noisyHistory);
            Assert.Contains("\"Scale\":0.25", Sidecar(Path.Combine(folder, "content.mrc"))["history"]!.ToJsonString());
            Assert.Contains("\"PolynomialOrder\":0", Sidecar(Path.Combine(folder, "gaussian.mrc"))["history"]!.ToJsonString());
            var clean = series["noiseless"];
            for (int t = 0; t < Angles.Length; t++)
            {
                double noisy = ResidualStd(series["noisy"], clean, t), content = ResidualStd(series["content"], clean, t);
                Assert.True(content < noisy, $"model {n}, tilt {t}: content's residual {content} is not below noisy's {noisy}");
                Assert.True(noisy > 0.05, $"model {n}, tilt {t}: noisy has almost no noise ({noisy})");
            }
            // The Gaussian baseline has the same std at every tilt (order 0), the order-2 noisy series need not.
            var gaussianStd = Enumerable.Range(0, Angles.Length).Select(t => series["gaussian"].SectionStatistics(t).Std).ToArray();
            Assert.All(gaussianStd, s => Assert.Equal(gaussianStd[0], s, 4));
            // Different modalities, different data.
            Assert.NotEqual(series["noisy"].Tilt(4), series["gaussian"].Tilt(4));
            Assert.NotEqual(series["noisy"].Tilt(4), series["faket"].Tilt(4));
        }
    }
}

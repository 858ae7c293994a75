using System.Globalization;
using FakET.IO;
using FakET.Structures;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// ConvertTo-Potential against gemmi (Debian's python3-gemmi, installed by .ci/run), an independent implementation of the
/// same table: random structures of all 98 elements written as PDB and as mmCIF, and the ribosome of Debian's
/// python3-prody-tests, each gridded by both and compared as voxel averages in volts.
/// </summary>
[Trait("Tier", "Process")]
public class PotentialGemmiTests
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;
    const string Ribosome = "/usr/lib/python3/dist-packages/prody/tests/datafiles/mmcif_6zu5.cif";

    /// <summary>gemmi's voxel averages (potential_gemmi.py) on the grid of <paramref name="ours"/>.</summary>
    static float[][] Gemmi(string model, Volume ours, int fine, string folder)
    {
        string output = Path.Combine(folder, "gemmi.mrc");
        var args = new[] { Repo.Data("potential_gemmi.py"), model, output, ours.VoxelSize.ToString("R", C),
            ours.Width.ToString(C), ours.Height.ToString(C), ours.Depth.ToString(C),
            ours.Origin.X.ToString("R", C), ours.Origin.Y.ToString("R", C), ours.Origin.Z.ToString("R", C), fine.ToString(C) };
        var (exit, stdout, stderr) = ExternalProgram.Run("/usr/bin/python3", args);
        Assert.True(exit == 0, stdout + stderr);
        return MrcFile.Read(output).Sections;
    }

    [Theory]
    [InlineData(1, ".pdb", 2.0)]
    [InlineData(2, ".cif", 2.0)]
    [InlineData(3, ".pdb", 1.5)]
    [InlineData(4, ".cif.gz", 3.0)]
    public void RandomStructuresOfAllNinetyEightElementsMatchGemmi(int seed, string extension, double voxel)
    {
        using var dir = new TempDir();
        var rows = StructureText.Random(seed, 600, 20, 24);
        string text = extension.StartsWith(".pdb") ? StructureText.Pdb(rows) : StructureText.Cif(rows, "RAND" + seed);
        string path = dir.File("random" + extension);
        if (extension.EndsWith(".gz"))
        {
            using var file = File.Create(path);
            using var zip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Optimal);
            zip.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }
        else File.WriteAllText(path, text);

        var structure = StructureFile.Read(path);
        Assert.Equal(600, structure.AtomCount);
        var ours = new PotentialCalculator().Run(structure, new PotentialOptions { VoxelSize = voxel });
        // gemmi samples points: at 0.25 Å apart its averages are within 0.2 % of the exact ones (they converge as 1/fine²).
        var gemmi = Gemmi(path, ours, fine: (int)Math.Ceiling(voxel / 0.25), dir.Path);
        var (correlation, error) = PotentialTests.Compare(ours.Sections, gemmi);
        Assert.True(correlation >= 0.999, $"correlation {correlation:F6}");
        Assert.True(error <= 0.01, $"relative L2 error {error:P3}");
        double integral = ours.Sections.Sum(s => s.Sum(v => (double)v)) * voxel * voxel * voxel;
        Assert.Equal(1, integral / PotentialTests.Expected(structure), 6);
    }

    [Fact]
    public void TheRibosomeMatchesGemmi()
    {
        Assert.True(File.Exists(Ribosome), $"{Ribosome} is missing: .ci/run installs python3-prody-tests");
        using var dir = new TempDir();
        var structure = StructureFile.Read(Ribosome);
        Assert.Equal("Structure 6ZU5  165,175 atoms  74 chains  2296.1 kDa  radius 159.6 Å", structure.ToString());
        var ours = new PotentialCalculator().Run(structure, new PotentialOptions { VoxelSize = 4 });
        // Samples 0.67 Å apart (gemmi takes about 30 s); the ribosome's B-factors are at least 26 Å², so gemmi's averages
        // are within 0.6 % of the exact ones (1.3 % at 1 Å apart).
        var gemmi = Gemmi(Ribosome, ours, fine: 6, dir.Path);
        var (correlation, error) = PotentialTests.Compare(ours.Sections, gemmi);
        Assert.True(correlation >= 0.999, $"correlation {correlation:F6}");
        Assert.True(error <= 0.01, $"relative L2 error {error:P3}");
    }
}

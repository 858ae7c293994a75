using FakET.Formats;
using FakET.IO;
using FakET.Labels;
using FakET.Phantom;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// Export-Copick's engine (Formats/CopickProject.cs) checked by Debian's python3-zarr, mrcfile and numpy
/// (Data/copick_check.py): the OME-Zarr tomogram and segmentation equal the MRC volume and class mask, the multiscale
/// metadata is OME-NGFF 0.4 with scale transforms of the voxel size, and the picks divided by the voxel spacing are the
/// particle list's centres; a second run with its classes numbered otherwise appends without touching the first; and the
/// particle readers read the picks back.
/// </summary>
[Trait("Tier", "Process")]
public class CopickExportTests
{
    static Volume Sample(int seed, params string[] shapes) => new PhantomBuilder().Run(
        shapes.Select((s, i) => new ParticleClass(ParticleShape.BuiltIn(s)!, 4 - i)).ToArray(),
        PhantomTests.Mixed(seed) with { Depth = 40, Height = 72, Width = 80 });

    static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes);

    /// <summary>The run as python3-zarr sees it, against the volume, class mask and particles written as MRC and CSV.</summary>
    static void CheckWithZarr(TempDir dir, string project, string run, Volume volume)
    {
        string stem = dir.File(run);
        StackFiles.Write(volume, stem + ".mrc");
        ParticleLists.Write(ParticleList.Of(volume.Labels!), stem + ".csv", ParticleListFormat.Csv);
        var (exit, output) = PythonScript.Run("copick_check.py", project, run, stem + ".mrc",
            stem + "_class_mask.mrc", stem + ".csv", string.Join(",", volume.Labels!.ClassNames));
        Assert.True(exit == 0 && output.Contains("ALL OK"), output);
    }

    [Fact]
    public void ZarrArraysOfManyChunksWithPaddedEdgesReadBackInZarr()
    {
        using var dir = new TempDir();
        // 20 × 33 × 17 in chunks of 8: 3 × 5 × 3 chunks, every last one cut short along its axis; each type, raw and zlib.
        var arrays = new[] { (ZarrType.Float32, true), (ZarrType.UInt8, false), (ZarrType.Int32, true), (ZarrType.Float32, false) };
        using (var files = new IO.AtomicFileSet())
        {
            foreach (var (type, compress) in arrays)
                ZarrArray.Write(files, dir.File($"{type}-{compress}.zarr"), (20, 33, 17), type, (z, y, x) => ((z * 33 + y) * 17 + x) % 251,
                    chunk: 8, compress: compress);
            files.Commit();
        }
        var (exit, output) = MrcTests.Python("import sys, zarr, numpy as np\n" +
            "want = np.arange(20 * 33 * 17).reshape(20, 33, 17) % 251\n" +
            "for path, dtype, compressed in zip(sys.argv[1::3], sys.argv[2::3], sys.argv[3::3]):\n" +
            "    a = zarr.open_array(path, mode='r')\n" +
            "    ok = (a.shape == (20, 33, 17) and a.chunks == (8, 8, 8) and a.dtype == np.dtype(dtype) and np.array_equal(a[:], want)\n" +
            "          and (a.compressor is not None) == (compressed == 'True'))\n" +
            "    print(path, a.dtype, a.compressor, 'OK' if ok else 'DIFFERENT')",
            arrays.SelectMany(a => new[] { dir.File($"{a.Item1}-{a.Item2}.zarr"), ZarrArray.DType(a.Item1), a.Item2.ToString() }).ToArray());
        Assert.True(exit == 0 && output.Split('\n').Count(l => l.EndsWith(" OK")) == arrays.Length && !output.Contains("DIFFERENT"), output);
    }

    [Fact]
    public void ARunOpensInZarrEqualsItsVolumeAndLabelsAndASecondRunAppends()
    {
        using var dir = new TempDir();
        string project = dir.File("project");
        var first = Sample(1, "small", "medium");
        var written = CopickProject.Export(project, first, null, new CopickExportOptions { RunName = "TS_01" });
        Assert.Equal(first.Labels!.Particles!.Count, written.Particles);
        CheckWithZarr(dir, project, "TS_01", first);

        // The picks read back, in voxels, as the particle list's entries.
        var read = written.Picks.SelectMany(p => ParticleLists.Read(p)).OrderBy(e => e.Id).ToList();
        var truth = ParticleList.Of(first.Labels, "TS_01").Entries.OrderBy(e => e.Id).ToList();
        Assert.Equal(truth.Select(e => (e.Id, e.Class, e.Tomogram)), read.Select(e => (e.Id, e.Class, e.Tomogram)));
        foreach (var (a, b) in truth.Zip(read))
        {
            Assert.Equal((a.X, a.Y, a.Z), (Math.Round(b.X, 9), Math.Round(b.Y, 9), Math.Round(b.Z, 9)));
            PhantomTests.AssertSameRotation(a.Rotation(), b.Rotation(), 1e-9);
        }

        // A second run whose classes are numbered the other way round, and a new class: the first run's files stay as they
        // were, the config gains the new class only, and the second segmentation uses the config's labels.
        var before = Snapshot(Path.Combine(project, "ExperimentRuns", "TS_01"));
        var second = Sample(2, "large", "medium", "small");
        CopickProject.Export(project, second, null, new CopickExportOptions { RunName = "TS_02" });
        Assert.Equal(before, Snapshot(Path.Combine(project, "ExperimentRuns", "TS_01")));
        CheckWithZarr(dir, project, "TS_02", second);
        CheckWithZarr(dir, project, "TS_01", first);

        // Writing the same run again is refused without Overwrite, and leaves it as it was.
        var e = Assert.Throws<FakETException>(() => CopickProject.Export(project, first, null, new CopickExportOptions { RunName = "TS_01" }));
        Assert.Equal(ErrorIds.CopickRunExists, e.ErrorId);
        Assert.Equal(before, Snapshot(Path.Combine(project, "ExperimentRuns", "TS_01")));
    }
}

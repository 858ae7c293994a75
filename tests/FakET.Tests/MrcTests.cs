using System.Buffers.Binary;
using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>MRC2014 reading and writing, against files written by mrcfile (CCP-EM) and against mrcfile's validator.</summary>
[Trait("Tier", "Process")]
public class MrcTests
{
    // The analytic pattern make_mrc_fixtures.py wrote: k(z, y, x) = (x + 3y + 7z) % 97, shape (3, 5, 4).
    static int K(int z, int y, int x) => (x + 3 * y + 7 * z) % 97;

    public static TheoryData<string, int> Fixtures => new()
    {
        { "mode0_int8.mrc", 0 }, { "mode1_int16.mrc", 1 }, { "mode2_float32.mrc", 2 },
        { "mode6_uint16.mrc", 6 }, { "mode12_float16.mrc", 12 }, { "mode2_float32_bigendian.mrc", 2 },
        { "mode2_exthdr_origin.mrc", 2 },
    };

    static float Expected(string file, int k) => file switch
    {
        _ when file.StartsWith("mode0") || file.StartsWith("mode1_") => k - 48,
        _ when file.StartsWith("mode6") => 10 * k,
        _ => (k - 48) / 4f,
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReadsWhatMrcfileWrote_InEveryMode(string file, int mode)
    {
        var (header, sections) = MrcFile.Read(Repo.Data(file));
        Assert.Equal((int)header.Mode, mode);
        Assert.Equal((4, 5, 3), (header.Nx, header.Ny, header.Nz));
        Assert.Equal(2.5, header.PixelSize!.Value, 6);
        for (int z = 0; z < 3; z++)
            for (int y = 0; y < 5; y++)
                for (int x = 0; x < 4; x++)
                    Assert.Equal(Expected(file, K(z, y, x)), sections[z][y * 4 + x]);
    }

    [Fact]
    public void SkipsTheExtendedHeaderAndKeepsTheOriginThroughARoundTrip()
    {
        using var dir = new TempDir();
        var volume = StackFiles.ReadVolume(Repo.Data("mode2_exthdr_origin.mrc"));
        Assert.Equal(96, MrcFile.ReadHeader(Repo.Data("mode2_exthdr_origin.mrc")).ExtendedHeaderBytes);
        Assert.Equal((10.5, -3.0, 7.0), volume.Origin);
        StackFiles.Write(volume, dir.File("o.mrc"));
        var back = MrcFile.ReadHeader(dir.File("o.mrc"));
        Assert.Equal((10.5f, -3f, 7f), (back.OriginX, back.OriginY, back.OriginZ));
        Assert.Equal(0, back.ExtendedHeaderBytes);
    }

    [Fact]
    public void TheReferenceVolumeAgreesWithTheStatisticsMrcfileStored()
    {
        var (header, sections) = MrcFile.Read(Repo.Data("volume.mrc"));
        var (min, max, mean, std) = Statistics.Summary(sections);
        Assert.Equal((64, 64, 64), (header.Nx, header.Ny, header.Nz));
        Assert.Equal(header.DMin, min, 5);
        Assert.Equal(header.DMax, max, 5);
        Assert.Equal(header.DMean, mean, 4);
        Assert.Equal(header.Rms, std, 4);
    }

    [Theory]
    [InlineData(MrcMode.Float32)]
    [InlineData(MrcMode.Float16)]
    public void RoundTripsExactly(MrcMode mode)
    {
        using var dir = new TempDir();
        var random = new Random(5);
        // Values exactly representable in float16 when that is the mode, arbitrary floats otherwise.
        var sections = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 6 * 7)
            .Select(_ => mode == MrcMode.Float16 ? (float)(Half)(random.NextDouble() * 200 - 100) : (float)(random.NextDouble() * 1e6 - 5e5)).ToArray()).ToArray();
        string path = dir.File("rt.mrc");
        MrcFile.Write(path, sections, 6, 7, 3.25, new MrcFile.WriteOptions(mode, IsVolume: true, new[] { "label one" }));
        var (header, back) = MrcFile.Read(path);
        Assert.Equal(mode, header.Mode);
        Assert.Equal(3.25, header.PixelSize!.Value, 6);
        Assert.Equal("label one", Assert.Single(header.Labels));
        for (int z = 0; z < 4; z++) Assert.Equal(sections[z], back[z]);
    }

    [Theory]
    [InlineData(MrcMode.Float32)]
    [InlineData(MrcMode.Float16)]
    public void FilesWeWriteValidateWithMrcfile(MrcMode mode)
    {
        using var dir = new TempDir();
        var sections = Enumerable.Range(0, 3).Select(z => Enumerable.Range(0, 20).Select(i => (float)(i * 0.5 - z)).ToArray()).ToArray();
        string path = dir.File("valid.mrc");
        MrcFile.Write(path, sections, 5, 4, 7.5, new MrcFile.WriteOptions(mode, IsVolume: true, StackFiles.Labels(new Volume(sections, 5, 4, 7.5))));
        string script = "import sys, mrcfile, numpy as np\n" +
                        "ok = mrcfile.validate(sys.argv[1], print_file=sys.stdout)\n" +
                        "m = mrcfile.open(sys.argv[1])\n" +
                        "print('VALID' if ok else 'INVALID', m.voxel_size.x, float(m.data[2, 4, 3]), m.data.dtype)\n";
        var (exit, output) = Python(script, path);
        Assert.True(exit == 0, output);
        Assert.Contains("VALID 7.5 7.5", output); // voxel size 7.5 Å; value at (z 2, y 4, x 3) = 19 × 0.5 − 2
        Assert.Contains(mode == MrcMode.Float16 ? "float16" : "float32", output);
    }

    /// <summary>Runs Debian's python3 with mrcfile (python3-mrcfile, installed by .ci/run).</summary>
    internal static (int Exit, string Output) Python(string script, params string[] args)
    {
        var (exit, stdout, stderr) = ExternalProgram.Run("/usr/bin/python3", new[] { "-c", script }.Concat(args));
        return (exit, stdout + stderr);
    }

    /// <summary>Every class of broken file, made from a valid header, and the error each must raise.</summary>
    public static TheoryData<string, string> BrokenFiles => new()
    {
        { "empty", ErrorIds.MrcEmpty },
        { "text", ErrorIds.MrcNotMrc },
        { "short", ErrorIds.MrcNotMrc },
        { "truncated", ErrorIds.MrcTruncated },
        { "absurd", ErrorIds.MrcTruncated },
        { "huge-section", ErrorIds.MrcTooLarge },
        { "negative", ErrorIds.MrcBadDimensions },
        { "zero", ErrorIds.MrcBadDimensions },
        { "mode3", ErrorIds.MrcUnsupportedMode },
        { "exthdr", ErrorIds.MrcExtendedHeaderPastEnd },
        { "axes", ErrorIds.MrcUnsupportedAxisOrder },
    };

    internal static void WriteBroken(string kind, string path)
    {
        var good = File.ReadAllBytes(Repo.Data("mode2_float32.mrc"));
        byte[] bytes = (byte[])good.Clone();
        void Int(int at, int v) => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), v);
        switch (kind)
        {
            case "empty": bytes = Array.Empty<byte>(); break;
            case "text": bytes = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("This is not a map at all. ", 80))); break;
            case "short": bytes = good[..500]; break;
            case "truncated": bytes = good[..(good.Length - 10)]; break;
            case "absurd": Int(0, 20000); Int(4, 20000); Int(8, 20000); break;
            case "huge-section": Int(0, 60000); Int(4, 60000); Int(8, 1); break;
            case "negative": Int(4, -5); break;
            case "zero": Int(8, 0); break;
            case "mode3": Int(12, 3); break;
            case "exthdr": Int(92, 1 << 30); break;
            case "axes": Int(64, 3); Int(72, 1); break;
        }
        File.WriteAllBytes(path, bytes);
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void RejectsBrokenFilesBeforeAllocating(string kind, string errorId)
    {
        using var dir = new TempDir();
        string path = dir.File(kind + ".mrc");
        WriteBroken(kind, path);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<FakETException>(() => MrcFile.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(FailureKind.InvalidData, e.Kind);
        Assert.Contains(kind + ".mrc", e.Message);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated while rejecting a {kind} file");
    }

    [Fact]
    public void AnInterruptedWriteLeavesNoFileAndKeepsTheOldOne()
    {
        using var dir = new TempDir();
        string path = dir.File("keep.mrc");
        File.WriteAllText(path, "old content");
        var sections = Enumerable.Range(0, 10).Select(_ => new float[64]).ToArray();
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => MrcFile.Write(path, sections, 8, 8, 1,
            new MrcFile.WriteOptions(MrcMode.Float32, true, Array.Empty<string>()), cancel.Token,
            (done, _) => { if (done == 3) cancel.Cancel(); }));
        Assert.Equal("old content", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void TiltAngleFilesOfBothKindsAreRead()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.tlt"), "-3.0\n0\n 3.5\n\n");
        Assert.Equal(new[] { -3.0, 0, 3.5 }, TiltAngleFile.Read(dir.File("a.tlt")));
        File.WriteAllText(dir.File(TiltAngleFile.ShrecAlignmentName),
            "# PyTom alignment\n# AlignmentTransX AlignmentTransY TiltAngle InPlaneRotation Magnification\n" +
            "    0.00     0.00   -60.00     0.00     1.00  proj_0.mrc\n    0.00     0.00   -57.00     0.00     1.00  proj_1.mrc\n");
        Assert.Equal(new[] { -60.0, -57.0 }, TiltAngleFile.Read(dir.File(TiltAngleFile.ShrecAlignmentName)));
        File.WriteAllText(dir.File("bad.tlt"), "1\nforty\n");
        var e = Assert.Throws<FakETException>(() => TiltAngleFile.Read(dir.File("bad.tlt")));
        Assert.Equal(ErrorIds.TiltAngleFileInvalid, e.ErrorId);
        Assert.Contains("line 2", e.Message);
    }
}

using System.Buffers.Binary;
using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The MRC header table, the memory pre-check, float16 overflow, SerialEM tilt angles and pixel-size
/// warnings, on files made here byte by byte from the MRC2014 and IMOD specifications.</summary>
[Trait("Tier", "Engine")]
public class MrcReadingTests
{
    [Fact]
    public void TheHeaderTableCoversTheThousandAndTwentyFourBytesOnce()
    {
        int next = 0;
        foreach (var field in MrcHeaderLayout.Fields)
        {
            Assert.True(field.Offset == next, $"{field.Name} starts at {field.Offset}, expected {next}");
            next = field.Offset + field.Length;
        }
        Assert.Equal(MrcHeader.Size, next);
        // MRC2014's offsets (Cheng et al. 2015, table 1) for the fields readers decide by.
        Assert.Equal((12, 92, 104, 108, 208, 212, 220), (MrcHeaderLayout.Mode.Offset, MrcHeaderLayout.Nsymbt.Offset, MrcHeaderLayout.Exttyp.Offset,
            MrcHeaderLayout.Nversion.Offset, MrcHeaderLayout.Map.Offset, MrcHeaderLayout.Machst.Offset, MrcHeaderLayout.Nlabl.Offset));
    }

    /// <summary>A file with a header written by the module and then changed by <paramref name="edit"/>, of
    /// <paramref name="length"/> bytes (sparse: SetLength), without writing the data.</summary>
    static string Sparse(TempDir dir, string name, int nx, int ny, int nz, MrcMode mode, long dataBytes)
    {
        var header = new MrcHeader { Nx = nx, Ny = ny, Nz = nz, Mode = mode, Mx = nx, My = ny, Mz = nz, CellA = nx, CellB = ny, CellC = nz };
        string path = dir.File(name);
        using var file = File.Create(path);
        file.Write(header.ToBytes());
        file.SetLength(MrcHeader.Size + dataBytes);
        return path;
    }

    [Fact]
    public void AFortyThousandSquareSectionIsANamedError_NotAnOverflow()
    {
        using var dir = new TempDir();
        // float32, 6.4 GB of (sparse) data: the pre-check refuses it by name with a machine of 1 GB.
        string path = Sparse(dir, "big.mrc", 40000, 40000, 1, MrcMode.Float32, 40000L * 40000 * 4);
        var e = Assert.Throws<FakETException>(() => MrcFile.Read(path, options: new MrcReadOptions { AvailableMemory = () => 1L << 30 }));
        Assert.Equal(ErrorIds.NotEnoughMemory, e.ErrorId);
        Assert.Contains("big.mrc", e.Message);
        // The same header with no data behind it: truncated.
        string empty = Sparse(dir, "big-empty.mrc", 40000, 40000, 1, MrcMode.Float32, 0);
        Assert.Equal(ErrorIds.MrcTruncated, Assert.Throws<FakETException>(() => MrcFile.Read(empty)).ErrorId);
        // Compressed, the size is not known before reading: 40000 × 40000 × 2^31−1 voxels still count (no overflow).
        var header = new MrcHeader { Nx = 40000, Ny = 40000, Nz = int.MaxValue, Mode = MrcMode.Float32, Mx = 1, CellA = 1 };
        using (var gz = new System.IO.Compression.GZipStream(File.Create(dir.File("big.mrc.gz")), System.IO.Compression.CompressionLevel.Fastest))
            gz.Write(header.ToBytes());
        var compressed = Assert.Throws<FakETException>(() => MrcFile.Read(dir.File("big.mrc.gz"), options: new MrcReadOptions { AvailableMemory = () => 1L << 30 }));
        Assert.Equal(ErrorIds.NotEnoughMemory, compressed.ErrorId);
    }

    [Fact]
    public void ThirtyMillionOneVoxelSectionsCountTheirArraysNotJustTheirValues()
    {
        using var dir = new TempDir();
        string path = Sparse(dir, "many.mrc", 1, 1, 30_000_000, MrcMode.Float32, 30_000_000L * 4);
        // 120 MB of values, but 30 million arrays: refused with 1 GB available (the values alone would pass).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<FakETException>(() => MrcFile.Read(path, options: new MrcReadOptions { AvailableMemory = () => 1L << 30 }));
        Assert.Equal(ErrorIds.NotEnoughMemory, e.ErrorId);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the pre-check came after reading");
    }

    [Fact]
    public void ThePreCheckCountsWhatReadingAllocates()
    {
        using var dir = new TempDir();
        foreach (var (nx, ny, nz) in new[] { (1, 1, 100_000), (64, 48, 20), (3, 5, 1000) })
        {
            string path = Sparse(dir, $"a{nz}.mrc", nx, ny, nz, MrcMode.Float32, (long)nx * ny * nz * 4);
            var header = MrcFile.ReadHeader(path);
            long need = MrcFile.MemoryNeeded(header);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var (_, sections) = MrcFile.Read(path);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(nz, sections.Length);
            // The sections themselves are all but a few kB of it (file buffer, header, messages).
            Assert.True(allocated >= need * 0.9 && allocated <= need + (256 << 10),
                $"{nx}×{ny}×{nz}: counted {need} bytes, allocated {allocated}");
        }
    }

    [Fact]
    public void Float16ExportOfAValueBeyondItsRangeIsAnErrorUnlessClipped()
    {
        using var dir = new TempDir();
        var sections = Enumerable.Range(0, 3).Select(_ => new float[4 * 5]).ToArray();
        sections[1][2 * 5 + 3] = 70000f;
        sections[2][0] = -1e6f;
        string path = dir.File("h.mrc");
        var e = Assert.Throws<FakETException>(() => MrcFile.Write(path, sections, 4, 5, 1, new MrcFile.WriteOptions(MrcMode.Float16, true, Array.Empty<string>())));
        Assert.Equal(ErrorIds.MrcFloat16Overflow, e.ErrorId);
        Assert.Contains("70000", e.Message);
        Assert.Contains("section 1, row 2, column 3", e.Message);
        Assert.False(File.Exists(path));
        // 65519 rounds to 65504 in float16: representable, not an error.
        sections[1][2 * 5 + 3] = 65519f;
        sections[2][0] = 0;
        MrcFile.Write(path, sections, 4, 5, 1, new MrcFile.WriteOptions(MrcMode.Float16, true, Array.Empty<string>()));
        sections[1][2 * 5 + 3] = 70000f;
        sections[2][0] = -1e6f;
        MrcFile.Write(path, sections, 4, 5, 1, new MrcFile.WriteOptions(MrcMode.Float16, true, Array.Empty<string>(), ClipFloat16: true));
        var (header, back) = MrcFile.Read(path);
        Assert.Equal((65504f, -65504f), (back[1][13], back[2][0]));
        Assert.Equal((65504f, -65504f), (header.DMax, header.DMin));
    }

    [Fact]
    public void TiltAnglesComeFromASerialEMExtendedHeader()
    {
        // IMOD's mrc_format.txt: exttyp SERI, nint bytes per section, nreal flag 1 = tilt angle × 100 as the first short.
        using var dir = new TempDir();
        double[] angles = { -60, -1.5, 0, 12.34, 60 };
        var sections = angles.Select((_, z) => Enumerable.Range(0, 6).Select(i => (float)(i + 10 * z)).ToArray()).ToArray();
        string plain = dir.File("plain.mrc");
        MrcFile.Write(plain, sections, 2, 3, 1.5, new MrcFile.WriteOptions(MrcMode.Float32, false, Array.Empty<string>()));
        var bytes = File.ReadAllBytes(plain);
        const int perSection = 6; // angle, then magnification (flag 8) and an unused short
        var extended = new byte[perSection * angles.Length];
        for (int z = 0; z < angles.Length; z++) BinaryPrimitives.WriteInt16LittleEndian(extended.AsSpan(perSection * z), (short)Math.Round(angles[z] * 100));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(92), extended.Length);
        "SERI"u8.CopyTo(bytes.AsSpan(104));
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(128), perSection);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(130), 1 | 8);
        string path = dir.File("serialem.mrc");
        File.WriteAllBytes(path, bytes[..1024].Concat(extended).Concat(bytes[1024..]).ToArray());
        var series = StackFiles.ReadTiltSeries(path);
        Assert.Equal(angles, series.TiltAngles!.ToArray());
        Assert.Equal(sections[3], series.Sections[3]);
        Assert.Equal("extended header (SERI)", series.History[^1].Parameters["TiltAngleSource"]);
        // Without the tilt flag there are no angles.
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(130), 8);
        File.WriteAllBytes(path, bytes[..1024].Concat(extended).Concat(bytes[1024..]).ToArray());
        Assert.Null(StackFiles.ReadTiltSeries(path).TiltAngles);
    }

    [Fact]
    public void WritingFloat32InBulkGivesTheSameBytesAsOneValueAtATime()
    {
        using var dir = new TempDir();
        var random = new Random(3);
        var sections = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, 7 * 9).Select(_ => (float)random.NextDouble() * 1e4f - 5e3f).ToArray()).ToArray();
        string path = dir.File("b.mrc");
        MrcFile.Write(path, sections, 7, 9, 2, new MrcFile.WriteOptions(MrcMode.Float32, true, Array.Empty<string>()));
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(1024 + 5 * 63 * 4, bytes.Length);
        for (int z = 0; z < 5; z++)
            for (int i = 0; i < 63; i++)
                Assert.Equal(sections[z][i], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(1024 + 4 * (63 * z + i))));
    }
}

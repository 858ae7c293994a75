using System.Buffers.Binary;
using System.Management.Automation;
using FakET.IO;
using FakET.StyleTransfer;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// Each large stage checks its memory before it allocates: a run too large for the machine is refused at once, with the
/// figures, instead of being killed part-way by the operating system.
/// </summary>
[Trait("Tier", "Module")]
public class MemoryBudgetTests
{
    [Fact]
    public void RequireRefusesOnlyWhatExceedsTheAvailableMemory()
    {
        long? available = 2_000_000_000;
        MemoryBudget.Require(1_999_999_999, "a stage", "advice", () => available);
        MemoryBudget.Require(2_000_000_000, "a stage", "advice", () => available);
        var refused = Assert.Throws<FakETException>(() =>
            MemoryBudget.Require(3_500_000_000, "New-Thing needs its output", "Ask for less.", () => available));
        Assert.Equal(ErrorIds.NotEnoughMemory, refused.ErrorId);
        Assert.Equal(FailureKind.LimitsExceeded, refused.Kind);
        Assert.StartsWith("New-Thing needs its output: about 3.5 GB, but this machine has 2.0 GB of memory available. Ask for less.", refused.Message);
    }

    [Fact]
    public void MemoryFreedByTheGarbageCollectorCountsBeforeARefusal()
    {
        // The first reading is short; what is read after collecting is enough.
        int reads = 0;
        MemoryBudget.Require(5_000, "a stage", "advice", () => ++reads == 1 ? 1_000 : 10_000);
        Assert.Equal(2, reads);
    }

    [Fact]
    public void UnknownAvailableMemoryRefusesNothing()
    {
        MemoryBudget.Require(long.MaxValue, "a stage", "advice", () => null);
    }

    [Fact]
    public void CountersAreReadFromMeminfoAndCgroupStatFormats()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("meminfo"), "MemTotal:       24576000 kB\nMemFree:        20000000 kB\nMemAvailable:   21000123 kB\nBuffers:           1000 kB\n");
        File.WriteAllText(dir.File("memory.stat"), "anon 7340032\nfile 123456789\nkernel 4096\n");
        Assert.Equal(21000123, MemoryBudget.ReadCounter(dir.File("meminfo"), "MemAvailable"));
        Assert.Equal(24576000, MemoryBudget.ReadCounter(dir.File("meminfo"), "MemTotal"));
        Assert.Equal(7340032, MemoryBudget.ReadCounter(dir.File("memory.stat"), "anon", separator: ' '));
        Assert.Null(MemoryBudget.ReadCounter(dir.File("meminfo"), "SwapTotal"));
        Assert.Null(MemoryBudget.ReadCounter(dir.File("missing"), "MemAvailable"));
    }

    [Fact]
    public void AvailableMemoryIsPositiveAndAtMostThePhysicalMemory()
    {
        var available = MemoryBudget.Available();
        Assert.NotNull(available);
        Assert.InRange(available!.Value, 1, PhysicalMemory());
    }

    [Fact]
    public void KeptActivationsAreCountedLayerByLayer()
    {
        // relu1_1: 64 channels of float32 at full resolution.
        Assert.Equal(256, Vgg19.KeptBytesPerPixel(1));
        // + relu1_2, + pool1 (64 channels at a quarter of the pixels: float32 output and int64 indices).
        Assert.Equal(256 + 256 + 64 * 12 / 4.0, Vgg19.KeptBytesPerPixel(4));
        // Through relu5_1, the published deepest layer, summed by hand block by block.
        double block1 = 2 * 256 + 64 * 12 / 4.0, block2 = 2 * 128 * 4 / 4.0 + 128 * 12 / 16.0,
            block3 = 4 * 256 * 4 / 16.0 + 256 * 12 / 64.0, block4 = 4 * 512 * 4 / 64.0 + 512 * 12 / 256.0, block5 = 512 * 4 / 256.0;
        Assert.Equal(block1 + block2 + block3 + block4 + block5, Vgg19.KeptBytesPerPixel(29));
        Assert.Equal(1520, Vgg19.KeptBytesPerPixel(29));
    }

    /// <summary>The machine's memory: MemTotal on Linux, else what the .NET runtime reports.</summary>
    static long PhysicalMemory() => OperatingSystem.IsLinux()
        ? long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024
        : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    [Fact]
    public void StyleTransferRefusesATiltTooLargeForTheMachineBeforeAnyWork()
    {
        // A tilt too large for the machine even in the smallest tiles: the image and optimiser state alone, at 104 B a
        // pixel, are 1.5 times the machine's memory (18 900² pixels with 24.7 GB). Smaller tilts are styled in tiles.
        int side = (int)Math.Ceiling(Math.Sqrt(1.5 * PhysicalMemory() / NeuralStyleTransfer.TiledStateBytesPerPixel) / 16) * 16;
        var values = new float[side * side];
        for (int i = 0; i < values.Length; i += 7) values[i] = 1;
        var series = new TiltSeries(new[] { values }, side, side, new[] { 0.0 }, 10);
        var nst = new StyleRunner(Vgg19Weights.Random(1, 29), new StyleTransferSettings(), FakET.Native.ComputeDevice.Cpu);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = Assert.Throws<FakETException>(() => nst.Run(series, series, series));
        Assert.Equal(ErrorIds.NotEnoughMemory, refused.ErrorId);
        Assert.Contains($"1 tilt of {side}×{side} pixels", refused.Message);
        Assert.Contains("-Scale", refused.Message);
        // Refused before VGG-19 ran on it: one pass at this size takes minutes on a CPU.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 20);
    }

    [Fact]
    public void StyleTransferRunsFewerTiltsAtOnceWhenMemoryIsShort()
    {
        const long gb = 1_000_000_000;
        // Room for the 1 GB output and three 2 GB batches: three of four workers.
        Assert.Equal(3, NeuralStyleTransfer.WorkersThatFit(7 * gb + 500_000_000, gb, 2 * gb, 4));
        Assert.Equal(4, NeuralStyleTransfer.WorkersThatFit(100 * gb, gb, 2 * gb, 4));
        // Never fewer than one: whether that one fits is the refusal's question.
        Assert.Equal(1, NeuralStyleTransfer.WorkersThatFit(gb / 2, gb, 2 * gb, 4));
        // Unknown memory leaves the choice alone.
        Assert.Equal(4, NeuralStyleTransfer.WorkersThatFit(null, gb, 2 * gb, 4));
    }

    [Fact]
    public void TheSuggestedScaleFitsWithATenthToSpare()
    {
        const long room = 24_000_000_000, output = 50_000_000;
        long scale = NeuralStyleTransfer.ScaleThatFits(room, output, 2000);
        Assert.Equal(0, scale % 32);
        // Its working memory fits in 90 % of what the output leaves; 32 pixels more would not.
        Assert.True(scale * scale * 2000.0 <= 0.9 * (room - output));
        Assert.True((scale + 32) * (scale + 32) * 2000.0 > 0.9 * (room - output));
        Assert.Equal(0, NeuralStyleTransfer.ScaleThatFits(null, output, 2000));
    }

    /// <summary>Runs <paramref name="command"/> in a session and returns its one error and the bytes the command allocated
    /// on the pipeline's thread (where the stages allocate their output).</summary>
    static (ErrorRecord Error, long Allocated) Refused(string setup, string command, params (string, object?)[] variables)
    {
        using var session = new PowerShellSession();
        var result = session.Run(setup + "\n$before = [GC]::GetAllocatedBytesForCurrentThread()\n" +
            $"try {{ {command} }} finally {{ [GC]::GetAllocatedBytesForCurrentThread() - $before }}", variables);
        return (result.SingleError(), Assert.IsType<long>(Assert.Single(result.Output).BaseObject));
    }

    [Fact]
    public void NewTomogramRefusesAVolumeLargerThanMemoryWithoutAllocatingIt()
    {
        // 256×256 pixels, 1 000 000 000 slices thick: 262 TB.
        var (error, allocated) = Refused(
            "$series = New-Phantom -Width 256 -Height 256 -Depth 16 -Class small -Count 2 -Seed 1 | New-TiltSeries -TiltAngles -30,0,30",
            "$series | New-Tomogram -Thickness 1000000000");
        Assert.Equal($"{ErrorIds.NotEnoughMemory},FakET.PowerShell.Cmdlets.NewTomogramCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        Assert.Contains("1000000000×256×256 output volume", error.Exception.Message);
        Assert.Contains("-Thickness", error.Exception.Message);
        Assert.InRange(allocated, 0, 64L << 20);
    }

    [Fact]
    public void NewTiltSeriesRefusesProjectionsLargerThanMemoryWithoutAllocatingThem()
    {
        // 3,601 tilts (the most a series may have) of 2048×2048 pixels: 60 GB.
        var (error, allocated) = Refused(
            "$volume = New-Phantom -Width 2048 -Height 2048 -Depth 8 -Class small -Count 0 -Seed 1; $angles = [double[]](0..3600 | ForEach-Object { $_ / 30 - 60 })",
            "$volume | New-TiltSeries -TiltAngles $angles");
        Assert.Equal($"{ErrorIds.NotEnoughMemory},FakET.PowerShell.Cmdlets.NewTiltSeriesCommand", error.FullyQualifiedErrorId);
        Assert.Contains("3601 projections of 2048×2048 pixels", error.Exception.Message);
        // The angles are copied and sorted (29 kB a copy); the projections are never allocated.
        Assert.InRange(allocated, 0, 128L << 20);
    }

    [Fact]
    public void NewPhantomRefusesASampleLargerThanMemoryWithoutAllocatingIt()
    {
        // 40000×40000×65536 voxels at 13 bytes: 1.4 PB.
        var (error, allocated) = Refused("", "New-Phantom -Width 40000 -Height 40000 -Depth 65536 -Class small -Count 1 -Seed 1");
        Assert.Equal($"{ErrorIds.NotEnoughMemory},FakET.PowerShell.Cmdlets.NewPhantomCommand", error.FullyQualifiedErrorId);
        Assert.Contains("65536×40000×40000", error.Exception.Message);
        Assert.InRange(allocated, 0, 64L << 20);
    }

    [Fact]
    public void ImportVolumeRefusesAFileLargerThanMemoryWithoutReadingIt()
    {
        using var dir = new TempDir();
        string path = dir.File("huge.mrc");
        // A valid one-voxel file whose header then announces 16384×16384×1024 float32 voxels (1 TiB), and a sparse
        // file of that length, which takes no disk space.
        MrcFile.Write(path, new[] { new float[] { 1 } }, 1, 1, 1.0, new MrcFile.WriteOptions(MrcMode.Float32, true, Array.Empty<string>()));
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            var dims = new byte[12];
            BinaryPrimitives.WriteInt32LittleEndian(dims.AsSpan(0), 16384);
            BinaryPrimitives.WriteInt32LittleEndian(dims.AsSpan(4), 16384);
            BinaryPrimitives.WriteInt32LittleEndian(dims.AsSpan(8), 1024);
            file.Write(dims);
            file.SetLength(1024 + 16384L * 16384 * 1024 * 4);
        }
        var (error, allocated) = Refused("", "Import-Volume -LiteralPath $path", ("path", path));
        Assert.Equal($"{ErrorIds.NotEnoughMemory},FakET.PowerShell.Cmdlets.ImportVolumeCommand", error.FullyQualifiedErrorId);
        Assert.Contains("1024×16384×16384", error.Exception.Message);
        Assert.InRange(allocated, 0, 64L << 20);
    }
}

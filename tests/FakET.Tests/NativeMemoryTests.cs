using System.Runtime.InteropServices;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Runs alone: it measures the whole process's native heap, which other tests would disturb.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeMemoryCollection
{
    public const string Name = "Native memory";
}

/// <summary>Native memory that a stage takes is given back when the cmdlet ends and the module is removed.</summary>
[Trait("Tier", "Module")]
[Collection(NativeMemoryCollection.Name)]
public class NativeMemoryTests
{
    // glibc's mallinfo2 (2.33 and later): the bytes malloc has handed out and not taken back, from its arenas
    // (uordblks) and in chunks of their own (hblkhd). libtorch's CPU allocator takes its memory from malloc.
    [StructLayout(LayoutKind.Sequential)]
    struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    static extern MallInfo2 MallInfo();

    static long NativeInUse()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        var info = MallInfo();
        return (long)info.Uordblks + (long)info.Hblkhd;
    }

    [Fact]
    public void AStyleTransferAndRemoveModuleGiveTheNativeMemoryBack()
    {
        using var dir = new TempDir();
        using var ps = new PowerShellSession();
        ps.SetLocation(dir.Path);
        // Warm-up: libtorch's one-time set-up (kernels, thread pools), with a shallow network.
        var warm = ps.Run("""
            $c = New-Phantom -Class small -Count 2 -Width 64 -Height 64 -Depth 24 -Seed 1 | New-TiltSeries -TiltRange -6,6 -TiltStep 3
            $null = $c | Invoke-StyleTransfer -Style $c -Weights Random -Seed 1 -StyleLayers 1, 6 -StyleLayerWeights 1, 1 -ContentLayers 6 -ContentLayerWeights 1 -WarningAction SilentlyContinue
            """);
        Assert.Empty(warm.Errors);
        long before = NativeInUse();

        // The published layers: a network through relu5_1, whose weights alone take 80 MB as libtorch tensors.
        var run = ps.Run("""
            $styled = $c | Invoke-StyleTransfer -Style $c -Weights Random -Seed 2 -WarningAction SilentlyContinue
            $styled.TiltCount
            """);
        Assert.Empty(run.Errors);
        Assert.Equal(5, run.Output.Single().BaseObject);
        ps.Run("Remove-Module FakET; $styled = $null; $c = $null");
        long after = NativeInUse();

        // What was taken must be given back: the network's weights alone are 80 MB, so a run that kept them, or its
        // activations, would leave far more than the 24 MB allowed here for allocator and one-time kernel caches (less is
        // fine: the warm-up's caches may be trimmed meanwhile). 10 % of about 80 MB was too tight under load: 8.7 MB once.
        Assert.True(after <= before + 24_000_000,
            $"native memory in use was {before / 1e6:F1} MB before the style transfer and {after / 1e6:F1} MB after it and Remove-Module");
        // The session goes on, and the module imports again.
        var again = ps.Run($"Import-Module '{Repo.ModuleManifest}'; (Get-Command -Module FakET).Count");
        Assert.Empty(again.Errors);
        Assert.True((int)again.Output.Single().BaseObject > 10);
    }
}

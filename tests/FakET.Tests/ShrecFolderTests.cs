using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Folders that Export-ShrecModel writes, with their projections, run through examples/reproduce-shrec.ps1 as a
/// SHREC'21 data directory: ten models of the shipped atomic models, each with a microscope series as its "measured"
/// projections.</summary>
[Trait("Tier", "Process")]
public class ShrecFolderTests
{
    [Fact]
    public void ExportedModelFoldersRunThroughReproduceShrec()
    {
        using var dir = new TempDir();
        string data = dir.File("shrec");
        using (var session = new PowerShellSession())
        {
            for (int n = 0; n < 10; n++)
            {
                var r = session.Run(
                    "$v = New-Phantom -Class 1HEL, 1TII -Count 3, 1 -Width 32 -Height 32 -Depth 16 -SlabThickness 14 -VoxelSize 10 -IceDensity 0.57 -Seed $seed; " +
                    "$measured = $v | New-TiltSeries -TiltRange -48, 48 -TiltStep 12 | Invoke-MicroscopeSimulation -Seed $seed; " +
                    "$v | Export-ShrecModel ([System.IO.Path]::Combine($root, \"model_$n\")) -TiltSeries $measured",
                    ("seed", 200 + n), ("root", data), ("n", n));
                Assert.True(r.Errors.Count == 0, string.Join("\n", r.Errors));
            }
        }
        var (exit, stdout, stderr) = HostTests.RunHost(dir.Path, null, Path.Combine(Repo.Root, "examples", "reproduce-shrec.ps1"),
            "-DataDirectory", data, "-OutputDirectory", "out", "-Models", "9", "-Seed", "3", "-Weights", "Random");
        Assert.True(exit == 0, stdout + "\n" + stderr);
        var faket = StackFiles.ReadTiltSeries(dir.File("out/model_9/faket.mrc"));
        Assert.Equal(Enumerable.Range(0, 9).Select(i => -48.0 + 12 * i), faket.TiltAngles!); // from alignment_simulated.txt
        Assert.Equal(16, MrcFile.ReadHeader(dir.File("out/model_9/faket_tomogram.mrc")).Nx);
    }
}

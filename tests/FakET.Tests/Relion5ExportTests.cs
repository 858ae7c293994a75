using FakET.IO;
using FakET.Labels;
using FakET.Microscope;
using FakET.Phantom;
using FakET.Reconstruction;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// RELION 5's files (IO/Relion5TiltSeries.cs, Labels/Relion5Particles.cs) from a sample recorded by the microscope simulation
/// and reconstructed at bin 2, parsed by an independent python STAR reader (Data/relion5_check.py): tomograms.star and the
/// per-tilt file carry RELION 5's columns with the microscope's optics, defocus and each tilt's pre-exposure from its
/// PriorDose; the particle file's centred Å coordinates are the particle list's voxel centres from the tomogram's centre.
/// The particle file reads back through Import-ParticleList's reader.
/// </summary>
[Trait("Tier", "Process")]
public class Relion5ExportTests
{
    [Fact]
    public void Relion5FilesCarryTheDocumentedColumnsAndAgreeWithTheParticleList()
    {
        using var dir = new TempDir();
        var sample = new PhantomBuilder().Run(new[] { new ParticleClass(ParticleShape.BuiltIn("small")!, 4), new ParticleClass(ParticleShape.BuiltIn("medium")!, 2) },
            PhantomTests.Mixed(3) with { Depth = 32, Height = 64, Width = 64, SlabThickness = 24, Membranes = 0 });
        var clean = Engine.Project(sample, Synthetic.Angles(9), dose: 0);
        var recorded = Engine.Record(clean, new MicroscopeSettings { Voltage = 200, SphericalAberration = 2.1, AmplitudeContrast = 0.1, Defocus = 2.5, TotalDose = 90, Seed = 1 });
        var tomogram = Engine.Reconstruct(recorded, new TomogramOptions { Bin = 2 });
        Assert.Equal(20.0, tomogram.VoxelSize);

        StackFiles.Write(recorded, dir.File("TS_01.mrc"), relion5: true);
        StackFiles.Write(tomogram, dir.File("tomogram.mrc"));
        var list = ParticleList.Of(tomogram.Labels!, "TS_01");
        ParticleLists.Write(list, dir.File("particles.csv"), ParticleListFormat.Csv);
        var geometry = TomogramGeometry.Of(tomogram);
        Assert.Equal(10.0, geometry.TiltSeriesPixelSize); // the voxel size over the binning
        ParticleLists.Write(list, dir.File("particles.star"), ParticleListFormat.Relion5, geometry: _ => geometry);

        var (exit, output) = PythonScript.Run("relion5_check.py", dir.Path, "TS_01", dir.File("particles.star"),
            dir.File("tomogram.mrc"), dir.File("particles.csv"));
        Assert.True(exit == 0 && output.Contains("ALL OK"), output);

        // Our reader takes the file back to the same voxel centres.
        var read = ParticleLists.Read(dir.File("particles.star"), null,
            new ParticleReadOptions { VoxelSize = tomogram.VoxelSize, TomogramSize = (tomogram.Width, tomogram.Height, tomogram.Depth) });
        Assert.Equal(list.Entries.Count, read.Count);
        foreach (var (a, b) in list.Entries.Zip(read))
        {
            Assert.Equal(a.X, b.X, 4);
            Assert.Equal(a.Y, b.Y, 4);
            Assert.Equal(a.Z, b.Z, 4);
            Assert.Equal(a.ClassNumber, b.ClassNumber);
            PhantomTests.AssertSameRotation(a.Rotation(), b.Rotation(), 1e-5);
        }

        // A second series keeps the first one's row in tomograms.star.
        StackFiles.Write(recorded, dir.File("TS_02.mrc"), relion5: true);
        var rows = StarTables.Parse(File.ReadAllText(dir.File("tomograms.star")), "tomograms.star").Single(b => b.Name == "global").Loops.Single().Rows;
        Assert.Equal(new[] { "TS_01", "TS_02" }, rows.Select(r => r.Values[0]));
    }
}

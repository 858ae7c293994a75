using System.Globalization;
using FakET.IO;
using FakET.Phantom;
using FakET.Scoring;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Export-ShrecModel: SHREC'21's ground-truth layout, scored with perfect picks by SHREC's rules
/// (Measure-PickingAccuracy reproduces the published script's figures), for a sample and for a tomogram.</summary>
[Trait("Tier", "Module")]
public class ShrecModelTests : StructureSession
{
    // Two atomic models and a shape under SHREC's names, gold beads and a vesicle.
    const string Sample = "$sample = New-Phantom -Class (Import-Structure 1dpx.pdb.gz), ./case_c.cif, medium -ClassName 1S3X, 3QM1, 1BXN " +
                          "-Count 12, 6, 4 -Fiducials 3 -Membranes 1 -MembraneRadius 80, 90 -Width 96 -Height 80 -Depth 48 -VoxelSize 5 -IceDensity 0.57 -Seed 4; ";

    static (string Class, int X, int Y, int Z, double Rot1, double Rot2, double Rot3)[] Locations(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "particle_locations.txt")).Select(line =>
        {
            var f = line.Split(' ');
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            return (f[0], int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture), D(4), D(5), D(6));
        }).ToArray();

    PickingAccuracy PerfectPicks(string folder)
    {
        var r = Ps.Run($"Measure-PickingAccuracy '{folder}/particle_locations.txt' -Truth '{folder}'");
        Assert.Empty(r.Errors);
        return r.Single<PickingAccuracy>();
    }

    [Fact]
    public void ASamplesModelScoresF1OneWithItsOwnCentresAndEveryVoxelNamesItsLine()
    {
        var r = Ps.Run(Sample + "$sample | Export-ShrecModel model_0 -PassThru");
        Assert.Empty(r.Errors);
        Assert.Empty(r.Warnings);
        var sample = r.Single<Volume>();
        var folder = Dir.File("model_0");
        Assert.Equal(ShrecModel.FileNames(false).Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        var particles = sample.Labels!.Particles!;
        var lines = Locations(folder);
        Assert.Equal(particles.Count, lines.Length);
        Assert.Equal(3, lines.Count(l => l.Class == "fiducial"));
        Assert.DoesNotContain(lines, l => l.Class == "membrane");
        var (_, occupancy) = MrcFile.Read(Path.Combine(folder, "occupancy_mask.mrc"));
        var (_, classes) = MrcFile.Read(Path.Combine(folder, "class_mask.mrc"));
        var (_, grand) = MrcFile.Read(Path.Combine(folder, "grandmodel.mrc"));
        for (int i = 0; i < lines.Length; i++)
        {
            var p = particles[i];
            var l = lines[i];
            Assert.Equal(sample.Labels.ClassName(p.Class), l.Class);
            Assert.Equal(((int)p.X, (int)p.Y, (int)p.Z), (l.X, l.Y, l.Z));
            Assert.Equal(i + 1, occupancy[l.Z][l.Y * 96 + l.X]);
            // rot1 rot2 rot3 = psi, the, phi: Rz(rot1)·Rx(rot2)·Rz(rot3) is the particle's rotation.
            PhantomTests.AssertSameRotation(p.Rotation(), PhantomTests.Zxz(l.Rot3, l.Rot2, l.Rot1), 1e-4);
        }
        // Every voxel of the occupancy mask names its particle's line, and the class mask and volume are the sample's.
        for (int z = 0; z < sample.Depth; z++)
            for (int i = 0; i < 96 * 80; i++)
            {
                int id = sample.Labels.InstanceMask![z][i];
                Assert.Equal(id == 0 ? 0 : id, (int)occupancy[z][i]); // a sample's ids are its table's order
                Assert.Equal(sample.Labels.ClassMask![z][i], (int)classes[z][i]);
                Assert.Equal(sample.Section(z)[i], grand[z][i]);
            }

        var score = PerfectPicks(folder);
        Assert.Equal((particles.Count, 0, 0), (score.Localization.TruePositives, score.Localization.FalsePositives, score.Localization.FalseNegatives));
        Assert.Equal(1.0, score.Localization.F1);
        Assert.Equal(1.0, score.Classification.F1Macro);
        // The particle-list reader reads the file back with the same orientations.
        var entries = Ps.Run("Import-ParticleList model_0/particle_locations.txt").Output.Select(o => (ParticleEntry)o.BaseObject).ToList();
        Assert.Equal(particles.Count, entries.Count);
        for (int i = 0; i < entries.Count; i++) PhantomTests.AssertSameRotation(particles[i].Rotation(), entries[i].Rotation(), 1e-4);
    }

    [Fact]
    public void ATomogramsModelIsInItsOwnFrameAndScoresF1One()
    {
        var r = Ps.Run(Sample + "$series = $sample | New-TiltSeries -TiltRange -60, 60 -TiltStep 4; $tomogram = $series | New-Tomogram -Bin 2 -Thickness 30; " +
                        "$tomogram | Export-ShrecModel truth -PassThru");
        Assert.Empty(r.Errors);
        var tomogram = r.Single<Volume>();
        var folder = Dir.File("truth");
        var lines = Locations(folder);
        Assert.Equal(tomogram.Labels!.Particles!.Count, lines.Length);
        var (header, occupancy) = MrcFile.Read(Path.Combine(folder, "occupancy_mask.mrc"));
        Assert.Equal((30, 40, 48), (header.Nz, header.Ny, header.Nx));
        for (int i = 0; i < lines.Length; i++)
        {
            var p = tomogram.Labels.Particles![i];
            Assert.Equal(((int)Math.Round(p.X), (int)Math.Round(p.Y), (int)Math.Round(p.Z)), (lines[i].X, lines[i].Y, lines[i].Z));
            Assert.Equal(i + 1, occupancy[lines[i].Z][lines[i].Y * 48 + lines[i].X]);
        }
        var score = PerfectPicks(folder);
        Assert.Equal(1.0, score.Localization.F1);
        Assert.Equal(1.0, score.Classification.F1Macro);
    }

    [Fact]
    public void WithProjectionsTheFolderIsOneReproduceShrecReadsAndFilesAreNotOverwrittenUnasked()
    {
        var r = Ps.Run(Sample + "$sample | Export-ShrecModel data/model_3 -TiltSeries ($sample | New-TiltSeries -TiltRange -60, 60 -TiltStep 10)");
        Assert.Empty(r.Errors);
        var folder = Dir.File("data/model_3");
        Assert.Equal(ShrecModel.FileNames(true).Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        var measured = Ps.Run("Import-TiltSeries data/model_3/projections_unbinned.mrc").Single<TiltSeries>();
        Assert.Equal(Enumerable.Range(0, 13).Select(i => -60.0 + 10 * i), measured.TiltAngles);
        var grand = Ps.Run("Import-Volume data/model_3/grandmodel_unbinned.mrc").Single<Volume>();
        Assert.Equal((48, 80, 96), (grand.Depth, grand.Height, grand.Width));

        Assert.Equal("FileExists", Ps.Run(Sample + "$sample | Export-ShrecModel data/model_3").SingleError().FullyQualifiedErrorId.Split(',')[0]);
        var before = File.GetLastWriteTimeUtc(Path.Combine(folder, "grandmodel.mrc"));
        Assert.Empty(Ps.Run(Sample + "$sample | Export-ShrecModel data/model_3 -Force -WhatIf").Errors);
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(folder, "grandmodel.mrc")));
        Assert.Empty(Ps.Run(Sample + "$sample | Export-ShrecModel data/model_3 -Force").Errors);
    }

    [Fact]
    public void ClassesSHRECsScriptDoesNotKnowAreNamedInAWarning()
    {
        var r = Ps.Run("New-Phantom -Class small, medium -Count 3 -Width 64 -Height 64 -Depth 32 -Seed 1 | Export-ShrecModel plain");
        Assert.Empty(r.Errors);
        var warning = Assert.Single(r.Warnings);
        Assert.Contains("it would fail on small, medium", warning.Message);
        Assert.StartsWith(ErrorIds.LabelsMissing, Ps.Run("Import-Volume plain/grandmodel.mrc | Export-ShrecModel other").SingleError().FullyQualifiedErrorId);
    }
}

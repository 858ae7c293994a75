using FakET.Scoring;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Measure-PickingAccuracy in the real PowerShell engine: files and piped particles, the three kinds of truth,
/// the files of -Path, the display and the errors.</summary>
[Trait("Tier", "Module")]
public class PickingAccuracyModuleTests : IDisposable
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();

    public PickingAccuracyModuleTests()
    {
        _ps.SetLocation(_dir.Path);
        Directory.CreateDirectory(_dir.File("model"));
        foreach (var name in new[] { "model/occupancy_mask.mrc.gz", "model/particle_locations.txt", "predictions.txt" })
            File.Copy(PickingAccuracyTests.CaseB(name), _dir.File(name));
    }

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void AFileAgainstASHRECFolderGivesThePublishedFiguresAndWritesItsReport()
    {
        var r = _ps.Run("Measure-PickingAccuracy predictions.txt -Truth model -ExcludeClass vesicle -VoxelSize 10 -Path out/score.json");
        Assert.Empty(r.Errors);
        var result = r.Single<PickingAccuracy>();
        PickingAccuracyTests.AssertPublished(System.Text.Json.JsonDocument.Parse(File.ReadAllText(PickingAccuracyTests.CaseB("expected.json"))).RootElement, result);
        Assert.Equal(10, result.VoxelSize);
        foreach (var file in new[] { "out/score.json", "out/score_confusion.csv", "out/score_confusion.png" })
            Assert.True(File.Exists(_dir.File(file)), file);
        // A second run does not overwrite without -Force.
        var again = _ps.Run("Measure-PickingAccuracy predictions.txt -Truth model -Path out/score.json");
        Assert.StartsWith("FileExists", again.SingleError().FullyQualifiedErrorId);
        Assert.Empty(again.Output);
    }

    [Fact]
    public void PipedParticlesScoreAsTheirFileAndTheResultDisplaysAsOneLine()
    {
        var r = _ps.Run("$r = Import-ParticleList predictions.txt | Measure-PickingAccuracy -Truth model -ExcludeClass vesicle -WarningAction SilentlyContinue; " +
                        "$r.ToString(); $r.Classification.PerClass | Where-Object Class -eq 5MRC");
        Assert.Empty(r.Errors);
        string line = (string)r.Output[0].BaseObject;
        Assert.StartsWith("localization F1 0.7543 (P 0.7109, R 0.8033; TP 241, FP 53, FN 43) · classification F1 0.5728", line);
        Assert.DoesNotContain('\n', line);
        var row = Assert.IsType<ClassScore>(r.Output[1].BaseObject);
        Assert.Equal((23, 0.85), (row.Support, row.Precision));
    }

    [Fact]
    public void ALabelledPhantomAndAParticleListWithARadiusAreTruthsToo()
    {
        var r = _ps.Run("$p = New-Phantom small, medium -Count 4, 3 -Width 64 -Height 64 -Depth 40 -Seed 2; " +
                        "$p | Export-ParticleList truth.csv; " +
                        "(Import-ParticleList truth.csv | Measure-PickingAccuracy -Truth $p).Localization.F1; " +
                        "(Measure-PickingAccuracy truth.csv -Truth truth.csv -Radius 30).Localization.F1; " +
                        "(Measure-PickingAccuracy truth.csv -Truth truth.csv -Radius @{ small = 30; medium = 40 }).Classification.F1MacroWithoutBackground");
        Assert.Empty(r.Errors);
        Assert.Equal(new object[] { 1.0, 1.0, 1.0 }, r.Output.Select(o => o.BaseObject));
    }

    [Fact]
    public void ATomogramIsTheTruthInItsOwnFrame()
    {
        // Binned by 2 and thinner than the sample: the tomogram's labels (centres and instance mask) are in its frame,
        // so its own particle list scores perfectly against it.
        var r = _ps.Run("$t = New-Phantom small, medium -Count 5, 3 -Width 64 -Height 64 -Depth 40 -Seed 2 | New-TiltSeries -TiltStep 10 | New-Tomogram -Bin 2 -Thickness 24; " +
                        "$t | Export-ParticleList picks.csv; Import-ParticleList picks.csv | Measure-PickingAccuracy -Truth $t");
        Assert.Empty(r.Errors);
        var result = r.Single<PickingAccuracy>();
        Assert.Equal((8, 0, 0, 1.0), (result.Localization.TruePositives, result.Localization.FalsePositives, result.Localization.FalseNegatives, result.Classification.F1Macro));
        Assert.Equal(20, result.VoxelSize);
    }

    [Fact]
    public void AFileThatDoesNotParseIsANamedErrorWithItsLineAndNothingIsScored()
    {
        File.WriteAllLines(_dir.File("bad.txt"), new[] { "1BXN 1 2 3", "3QM1 4 five 6" });
        var r = _ps.Run("Measure-PickingAccuracy predictions.txt, bad.txt -Truth model");
        var error = r.SingleError();
        Assert.StartsWith("ParticleListParseError", error.FullyQualifiedErrorId);
        Assert.Contains("line 2", error.Exception.Message);
        Assert.Empty(r.Output);

        var list = _ps.Run("Measure-PickingAccuracy predictions.txt -Truth predictions.txt");
        Assert.StartsWith(ScoringErrorIds.RadiusMissing, list.SingleError().FullyQualifiedErrorId);
        var missing = _ps.Run("Measure-PickingAccuracy predictions.txt -Truth nowhere");
        Assert.StartsWith(ScoringErrorIds.TruthNotFound, missing.SingleError().FullyQualifiedErrorId);
    }
}

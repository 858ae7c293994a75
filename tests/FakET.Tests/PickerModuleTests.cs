using FakET.Picking;
using FakET.Scoring;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The picker's cmdlets in the real PowerShell engine: train, export (and -WhatIf), import, pick into
/// Measure-PickingAccuracy and Export-ParticleList's neighbour Import, and the named errors. Training is two steps of a
/// narrow network: what is checked here is the surface, not the learning (PickerTests checks that).</summary>
[Trait("Tier", "Module")]
public class PickerModuleTests : IDisposable
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();

    public PickerModuleTests() => _ps.SetLocation(_dir.Path);

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    const string Train =
        "$t = New-Phantom large, medium -Count 3, 3 -Width 48 -Height 48 -Depth 24 -VoxelSize 15 -Seed 1; " +
        "$v = New-Phantom large, medium -Count 3, 3 -Width 48 -Height 48 -Depth 24 -VoxelSize 15 -Seed 2; " +
        "$m = Invoke-PickerTraining -Tomogram $t -ValidationTomogram $v -Steps 2 -ValidationInterval 1 -BatchSize 1 -PatchSize 16 -Width 0.25 -Seed 3 -Device Cpu -Threads 1; ";

    /// <summary>A picker that has learned: 150 steps on two phantoms of barrels and dumbbells (clean, 15 Å) find the
    /// particles of a third it never saw (localisation F1 0.86 when written; chance, picks at random, is below 0.2 here).</summary>
    const string Learn =
        "$t = 1, 4 | ForEach-Object { New-Phantom large, medium -Count 3, 3 -Width 48 -Height 48 -Depth 24 -VoxelSize 15 -Seed $_ }; " +
        "$v = New-Phantom large, medium -Count 3, 3 -Width 48 -Height 48 -Depth 24 -VoxelSize 15 -Seed 2; " +
        "$x = New-Phantom large, medium -Count 3, 3 -Width 48 -Height 48 -Depth 24 -VoxelSize 15 -Seed 5; " +
        "$m = Invoke-PickerTraining -Tomogram $t -ValidationTomogram $v -Steps 150 -ValidationInterval 75 -BatchSize 2 -PatchSize 16 -Width 0.25 " +
        "-LearningRate 1e-3 -Shift 6 -Seed 3 -Device Cpu -Threads 1; ";

    [Fact]
    public void ATrainedPickerExportsImportsAndPicksIntoTheScorerAndAParticleList()
    {
        var r = _ps.Run(Learn +
            "Export-PickerModel ./p1 $m -WhatIf; " +
            "$m | Export-PickerModel ./picker; $back = Import-PickerModel ./picker.json; " +
            "$picks = @(Find-Particle -Model $back $x -Tile 48 -Margin 8 -Device Cpu -Threads 1 -SegmentationPath seg.mrc); " +
            "$m; $back; $picks.Count; $picks | Measure-PickingAccuracy -Truth $x; " +
            "@($picks | Where-Object { $_.Size -lt 1 -or $_.Score -le 0 -or $_.Score -gt 1 }).Count; " +
            "$picks | Export-ParticleList ./picks.star; @(Import-ParticleList ./picks.star).Count; " +
            "$picks | Export-ParticleList ./picks.csv; Import-ParticleList ./picks.csv");
        Assert.Empty(r.Errors);
        Assert.False(File.Exists(_dir.File("p1.json"))); // -WhatIf wrote nothing
        var model = Assert.IsType<PickerModel>(r.Output[0].BaseObject);
        var back = Assert.IsType<PickerModel>(r.Output[1].BaseObject);
        Assert.Equal(new[] { "large", "medium" }, model.ClassNames);
        Assert.Equal(150, model.History.Count);
        Assert.Equal(model.Weights["out.weight"], back.Weights["out.weight"]);
        int picks = (int)r.Output[2].BaseObject;
        var score = Assert.IsType<PickingAccuracy>(r.Output[3].BaseObject);
        // Six particles fill about 3 % of the volume, so random picks score at most 2f / (1 + f) ≈ 0.06.
        Assert.True(score.Localization.F1 >= 0.5, $"localisation F1 {score.Localization.F1:0.000} with {picks} picks");
        Assert.Equal(0, (int)r.Output[4].BaseObject); // every pick has a size in voxels and a score in (0, 1]
        Assert.Equal(picks, (int)r.Output[5].BaseObject);
        var csv = r.Output.Skip(6).Select(o => Assert.IsType<ParticleEntry>(o.BaseObject)).ToList();
        Assert.Equal(picks, csv.Count);
        Assert.All(csv, p => Assert.Contains(p.Class, new[] { "large", "medium" }));
        foreach (var file in new[] { "picker.safetensors", "picker.json", "picker_loss.png", "seg.mrc", "picks.star", "picks.csv" })
            Assert.True(File.Exists(_dir.File(file)), file);
    }

    [Fact]
    public void ParticlesAreNotRelion5WithoutATomogramAndOtherObjectsAreNotParticles()
    {
        var r = _ps.Run(
            "New-Phantom large -Count 2 -Width 48 -Height 48 -Depth 24 -VoxelSize 15 -Seed 1 | Export-ParticleList ./truth.csv; " +
            "Import-ParticleList ./truth.csv | Export-ParticleList ./picks.star -Format Relion5; 'text' | Export-ParticleList ./other.csv");
        Assert.Equal(new[] { ErrorIds.ParticleListGeometryMissing, ErrorIds.ParticleListInputInvalid },
            r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.True(File.Exists(_dir.File("truth.csv")));
        Assert.False(File.Exists(_dir.File("picks.star")));
        Assert.False(File.Exists(_dir.File("other.csv")));
    }

    [Fact]
    public void BadInputsAreNamedErrors()
    {
        var r = _ps.Run(Train +
            "Find-Particle -Model $m $v -MinClusterSize @{ ribosome = 3 } -Device Cpu; " +
            "Invoke-PickerTraining -Tomogram $t -Sample $t, $v -Steps 1; " +
            "Invoke-PickerTraining -Tomogram $t -ValidationTomogram $t -Steps 1 -PatchSize 16 -Device Cpu; " +
            "Import-PickerModel ./missing.json");
        Assert.Equal(new[] { PickingErrorIds.InvalidSetting, PickingErrorIds.ShapeMismatch, PickingErrorIds.InvalidSetting, PickingErrorIds.ModelInvalid },
            r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
    }
}

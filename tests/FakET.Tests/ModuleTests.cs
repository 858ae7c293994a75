using System.Management.Automation;
using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The built module, imported into the real PowerShell engine and driven through pipelines, where a test reads
/// back files or streams with the engine: round trips, broken files, progress records. What a script sees (the manifest,
/// binding, -WhatIf, errors, views, help) is tested in the Pester suite, tests/pester.</summary>
[Trait("Tier", "Module")]
public class ModuleTests : IDisposable
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();

    public ModuleTests() => _ps.SetLocation(_dir.Path);

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void VolumeRoundTripKeepsVoxelsVoxelSizeAndHistory()
    {
        File.Copy(Repo.Data("volume.mrc"), _dir.File("sample.mrc"));
        var r = _ps.Run("Import-Volume sample.mrc | Export-Volume copy.mrc -PassThru; Import-Volume copy.mrc");
        Assert.Empty(r.Errors);
        var original = (Volume)r.Output[0].BaseObject;
        var copy = (Volume)r.Output[1].BaseObject;
        Assert.Equal(original.Sections, copy.Sections);
        Assert.Equal(original.VoxelSize, copy.VoxelSize);
        // The copy's history: the original import (from the sidecar), then its own import.
        Assert.Equal(new[] { "imported from sample.mrc", "imported from copy.mrc" }, copy.History.Select(h => h.Summary));
        Assert.True(File.Exists(_dir.File("copy.json")));
        Assert.Contains(MrcFile.ReadHeader(_dir.File("copy.mrc")).Labels, l => l.Contains("imported from sample.mrc"));
    }

    [Fact]
    public void TiltAnglesComeFromTheTltBesideTheStackAndTravelWithIt()
    {
        File.Copy(Repo.Data("projections_noiseless.mrc"), _dir.File("ts.mrc"));
        var angles = Enumerable.Range(0, 21).Select(i => -60.0 + 6 * i).ToArray();
        File.WriteAllLines(_dir.File("ts.tlt"), angles.Select(a => a.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var r = _ps.Run("Import-TiltSeries ts.mrc | Export-TiltSeries out.mrc -Float16 -PassThru; Import-TiltSeries out.mrc");
        Assert.Empty(r.Errors);
        var series = (TiltSeries)r.Output[0].BaseObject;
        Assert.Equal(angles, series.TiltAngles);
        Assert.Equal("TiltSeries 21×64×64  \u221260°…+60°  1.0 Å/px  imported from ts.mrc", series.ToString());
        var back = (TiltSeries)r.Output[1].BaseObject;
        Assert.Equal(angles, back.TiltAngles);
        Assert.Equal(MrcMode.Float16, MrcFile.ReadHeader(_dir.File("out.mrc")).Mode);
        Assert.Equal(angles, TiltAngleFile.Read(_dir.File("out.tlt")));
        for (int i = 0; i < series.TiltCount; i++)
            for (int p = 0; p < series.Tilt(i).Length; p++)
                Assert.Equal((float)(Half)series.Tilt(i)[p], back.Tilt(i)[p]);
    }

    [Fact]
    public void ProgressIsTheCmdletWithItsStageUnderItAndBothEnd()
    {
        File.Copy(Repo.Data("volume.mrc"), _dir.File("v.mrc"));
        var r = _ps.Run("Import-Volume v.mrc");
        var parent = r.Progress.Where(p => p.ActivityId == 1).ToList();
        var stage = r.Progress.Where(p => p.ActivityId == 2).ToList();
        Assert.Equal(new[] { "Import-Volume" }, parent.Select(p => p.Activity).Distinct());
        Assert.Equal(ProgressRecordType.Completed, parent[^1].RecordType);
        Assert.All(stage, p => Assert.Equal((1, "Reading v.mrc"), (p.ParentActivityId, p.Activity)));
        // One record a percent at most: 64 sections move it 64 times.
        Assert.Equal(64, stage.Count);
        Assert.Equal(("section 64 of 64", 100, ProgressRecordType.Completed), (stage[^1].StatusDescription, stage[^1].PercentComplete, stage[^1].RecordType));
    }

    [Theory]
    [MemberData(nameof(MrcTests.BrokenFiles), MemberType = typeof(MrcTests))]
    public void BrokenFilesAreNamedErrorsThroughTheCmdlet(string kind, string errorId)
    {
        MrcTests.WriteBroken(kind, _dir.File("broken.mrc"));
        var error = _ps.Run("Import-TiltSeries broken.mrc").SingleError();
        Assert.Equal($"{errorId},FakET.PowerShell.Cmdlets.ImportTiltSeriesCommand", error.FullyQualifiedErrorId);
    }
}

using System.Management.Automation;
using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The built module, imported into the real PowerShell engine and driven through pipelines.</summary>
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

    static readonly string[] Cmdlets = { "Export-TiltSeries", "Export-Volume", "Get-FakETDevice", "Import-TiltSeries", "Import-Volume",
        "Measure-TiltNoise", "Add-TiltNoise", "Export-NoiseProfile", "Import-NoiseProfile", "Invoke-MicroscopeSimulation" };

    [Fact]
    public void TheManifestIsValidAndExportsExactlyItsCmdlets()
    {
        var manifest = _ps.Run("Test-ModuleManifest -Path $p", ("p", Repo.ModuleManifest)).Single<PSModuleInfo>();
        Assert.Contains("Core", manifest.CompatiblePSEditions);
        Assert.Equal(new Version(7, 4), manifest.PowerShellVersion);
        var listed = manifest.ExportedCmdlets.Keys.Order().ToArray();
        var loaded = _ps.Run("Get-Command -Module FakET | ForEach-Object Name").Output.Select(o => o.ToString()).Order().ToArray();
        // Every cmdlet the assembly defines is listed, and nothing else: the list is explicit, not a wildcard.
        Assert.Equal(loaded, listed);
        Assert.Subset(listed.ToHashSet(), Cmdlets.ToHashSet());
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
    public void ShrecAlignmentFileAndExplicitAnglesAreUnderstood()
    {
        File.Copy(Repo.Data("mode2_float32.mrc"), _dir.File("projections_unbinned.mrc"));
        File.WriteAllText(_dir.File("alignment_simulated.txt"), "# header\n# more\n0 0 -3 0 1 a\n0 0 0 0 1 b\n0 0 3 0 1 c\n");
        var fromFile = _ps.Run("Import-TiltSeries projections_unbinned.mrc").Single<TiltSeries>();
        Assert.Equal(new[] { -3.0, 0, 3 }, fromFile.TiltAngles);
        var given = _ps.Run("Import-TiltSeries projections_unbinned.mrc -TiltAngles 10,20,30").Single<TiltSeries>();
        Assert.Equal(new[] { 10.0, 20, 30 }, given.TiltAngles);
        File.WriteAllText(_dir.File("other.tlt"), "1\n2\n3\n");
        var fromOther = _ps.Run("Import-TiltSeries projections_unbinned.mrc -TiltAngleFile other.tlt").Single<TiltSeries>();
        Assert.Equal(new[] { 1.0, 2, 3 }, fromOther.TiltAngles);
    }

    [Fact]
    public void AnglesThatDoNotMatchTheStackAreANamedError()
    {
        File.Copy(Repo.Data("mode2_float32.mrc"), _dir.File("s.mrc"));
        var error = _ps.Run("Import-TiltSeries s.mrc -TiltAngles 1,2").SingleError();
        Assert.StartsWith(ErrorIds.TiltAngleCountMismatch + ",", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("3 tilts", error.Exception.Message);
    }

    [Fact]
    public void WildcardsLiteralPathsAndBadFilesInOnePipeline()
    {
        File.Copy(Repo.Data("mode1_int16.mrc"), _dir.File("a1.mrc"));
        File.Copy(Repo.Data("mode6_uint16.mrc"), _dir.File("a2.mrc"));
        MrcTests.WriteBroken("truncated", _dir.File("a3.mrc"));
        File.Copy(Repo.Data("mode0_int8.mrc"), _dir.File("odd[1].mrc"));

        var r = _ps.Run("Import-Volume a*.mrc");
        Assert.Equal(2, r.Output.Count);
        var error = r.SingleError();
        Assert.Equal($"{ErrorIds.MrcTruncated},FakET.PowerShell.Cmdlets.ImportVolumeCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.EndsWith("a3.mrc", error.TargetObject as string);

        var literal = _ps.Run("Import-Volume -LiteralPath 'odd[1].mrc'");
        Assert.Empty(literal.Errors);
        Assert.Single(literal.Output);
        var missing = _ps.Run("Import-Volume nothing-here*.mrc").SingleError();
        Assert.StartsWith("PathNotFound", missing.FullyQualifiedErrorId);
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

    [Fact]
    public void WritesHonourWhatIfAndForce()
    {
        File.Copy(Repo.Data("mode2_float32.mrc"), _dir.File("in.mrc"));
        _ps.Run("Import-Volume in.mrc | Export-Volume out.mrc -WhatIf");
        Assert.False(File.Exists(_dir.File("out.mrc")));

        File.WriteAllText(_dir.File("out.mrc"), "precious");
        var refused = _ps.Run("Import-Volume in.mrc | Export-Volume out.mrc").SingleError();
        Assert.StartsWith("FileExists", refused.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, refused.CategoryInfo.Category);
        Assert.Equal("precious", File.ReadAllText(_dir.File("out.mrc")));

        Assert.Empty(_ps.Run("Import-Volume in.mrc | Export-Volume out.mrc -Force").Errors);
        Assert.Equal(5, MrcFile.ReadHeader(_dir.File("out.mrc")).Ny);
    }

    [Theory]
    [MemberData(nameof(MrcTests.BrokenFiles), MemberType = typeof(MrcTests))]
    public void BrokenFilesAreNamedErrorsThroughTheCmdlet(string kind, string errorId)
    {
        MrcTests.WriteBroken(kind, _dir.File("broken.mrc"));
        var error = _ps.Run("Import-TiltSeries broken.mrc").SingleError();
        Assert.Equal($"{errorId},FakET.PowerShell.Cmdlets.ImportTiltSeriesCommand", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void DeviceReportNamesLibtorch()
    {
        var device = _ps.Run("Get-FakETDevice").Single<FakET.Native.DeviceReport>();
        Assert.StartsWith("2.10", device.LibTorchVersion);
        Assert.Equal("cpu", device.Backend);
        Assert.True(device.Threads >= 1);
    }
}

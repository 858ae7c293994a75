using System.Text.Json.Nodes;
using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Labels survive Export-Volume and Import-Volume, for samples and for tomograms reconstructed from them.</summary>
[Trait("Tier", "Module")]
public class LabelPersistenceTests : IDisposable
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();

    public LabelPersistenceTests() => _ps.SetLocation(_dir.Path);

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    static void AssertSameLabels(SampleLabels expected, SampleLabels actual)
    {
        Assert.Equal(expected.ClassNames, actual.ClassNames);
        Assert.Equal(expected.Particles, actual.Particles);
        Assert.Equal(expected.ClassMask!.Length, actual.ClassMask!.Length);
        for (int z = 0; z < expected.ClassMask.Length; z++)
        {
            Assert.Equal(expected.ClassMask[z], actual.ClassMask[z]);
            Assert.Equal(expected.InstanceMask![z], actual.InstanceMask![z]);
        }
    }

    [Fact]
    public void ASamplesAndATomogramsLabelsComeBackFromTheirFiles()
    {
        var r = _ps.Run("""
            $sample = New-Phantom -Class small, medium -Count 4, 2 -Width 64 -Height 48 -Depth 32 -SlabThickness 24 -Fiducials 1 -Seed 3
            $tomogram = $sample | New-TiltSeries -TiltRange -30, 30 -TiltStep 10 | New-Tomogram -Thickness 8 -Bin 2 -WarningAction SilentlyContinue
            $sample | Export-Volume sample.mrc
            $tomogram | Export-Volume tomogram.mrc
            $sample, $tomogram
            Import-Volume sample.mrc, tomogram.mrc
            """);
        Assert.Empty(r.Errors);
        Assert.Empty(r.Warnings);
        var volumes = r.Output.Select(o => (Volume)o.BaseObject).ToArray();
        AssertSameLabels(volumes[0].Labels!, volumes[2].Labels!);
        AssertSameLabels(volumes[1].Labels!, volumes[3].Labels!);
        // An 8-section tomogram of a 24-deep slab at bin 2 (12 sections) cuts some particles: the flag survives too.
        Assert.Contains(volumes[1].Labels!.Particles!, p => p.Clipped);

        // The files: the sidecar names the masks beside the volume, and they are ordinary MRC volumes.
        var labels = JsonNode.Parse(File.ReadAllText(_dir.File("tomogram.json")))!["labels"]!;
        Assert.Equal("tomogram_class_mask.mrc", labels["classMask"]!.GetValue<string>());
        Assert.Equal("tomogram_instance_mask.mrc", labels["instanceMask"]!.GetValue<string>());
        Assert.Equal(volumes[1].Labels!.Particles!.Count, labels["particles"]!.AsArray().Count);
        var (header, sections) = MrcFile.Read(_dir.File("tomogram_class_mask.mrc"));
        Assert.Equal((volumes[1].Depth, volumes[1].Height, volumes[1].Width), (header.Nz, header.Ny, header.Nx));
        Assert.Equal(volumes[1].VoxelSize, header.PixelSize!.Value, 4);
        Assert.Equal(volumes[1].Labels!.ClassMask![7].Select(v => (float)v), sections[7]);
    }

    [Fact]
    public void AMissingMaskIsLeftOutWithAWarningAndTheRestComesBack()
    {
        var made = _ps.Run("New-Phantom -Class small -Count 3 -Width 40 -Height 40 -Depth 24 -Seed 1 | Export-Volume s.mrc -PassThru");
        var sample = made.Single<Volume>();
        File.Delete(_dir.File("s_instance_mask.mrc"));
        var r = _ps.Run("Import-Volume s.mrc");
        var back = r.Single<Volume>();
        Assert.Contains(r.Warnings, w => w.Message.Contains("s_instance_mask.mrc"));
        Assert.Null(back.Labels!.InstanceMask);
        Assert.Equal(sample.Labels!.Particles, back.Labels.Particles);
        Assert.Equal(sample.Labels.ClassMask![5], back.Labels.ClassMask![5]);
    }

    [Fact]
    public void AVolumeWithoutLabelsWritesNoMasks()
    {
        var r = _ps.Run("New-Phantom -Class small -Count 1 -Width 32 -Height 32 -Depth 16 -Seed 2 | New-TiltSeries -TiltRange -6, 6 -TiltStep 6 | Export-TiltSeries ts.mrc; Import-TiltSeries ts.mrc | New-Tomogram | Export-Volume t.mrc -PassThru");
        Assert.Empty(r.Errors);
        Assert.Null(r.Single<Volume>().Labels);
        Assert.False(File.Exists(_dir.File("t_class_mask.mrc")));
        Assert.Null(JsonNode.Parse(File.ReadAllText(_dir.File("t.json")))!["labels"]);
    }
}

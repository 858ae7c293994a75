using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>New-TiltSeries through the real PowerShell engine.</summary>
[Trait("Tier", "Module")]
public class NewTiltSeriesTests : IDisposable
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();

    public NewTiltSeriesTests() => _ps.SetLocation(_dir.Path);

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    /// <summary>A small seeded volume (Z 12, Y 3, X 16) with a given voxel size.</summary>
    static Volume Small(double voxelSize = 7.5)
    {
        var random = new Random(4);
        var sections = Enumerable.Range(0, 12).Select(_ => Enumerable.Range(0, 3 * 16).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        return new Volume(sections, 3, 16, voxelSize, new[] { HistoryEntry.Now("Test", "made by the test") });
    }

    [Fact]
    public void ProjectsTheReferenceCaseFromThePipeline()
    {
        File.Copy(Repo.Data("volume.mrc"), _dir.File("sample.mrc"));
        var angles = Enumerable.Range(0, 21).Select(i => -60.0 + 6 * i).ToArray();
        var r = _ps.Run("Import-Volume sample.mrc | New-TiltSeries -TiltAngles $a", ("a", angles));
        Assert.Empty(r.Errors);
        var series = r.Single<TiltSeries>();
        var (_, expected) = MrcFile.Read(Repo.Data("projections_noiseless.mrc"));
        ProjectionTests.AssertAgrees(series.Sections, expected, 0.999, 0.02);
        Assert.Equal(angles, series.TiltAngles);
        Assert.Null(series.AcquisitionOrder);
        Assert.Equal(new[] { "Import", "New-TiltSeries" }, series.History.Select(h => h.Step));
        Assert.Contains(r.Progress, p => p.Activity == "New-TiltSeries");
    }

    [Fact]
    public void DefaultsAreSHRECsSixtyOneTiltsAndTheVoxelSizeBecomesThePixelSize()
    {
        var series = _ps.Run("$v | New-TiltSeries", ("v", Small())).Single<TiltSeries>();
        Assert.Equal(61, series.TiltCount);
        Assert.Equal(Enumerable.Range(0, 61).Select(i => -60.0 + 2 * i), series.TiltAngles);
        Assert.Equal(7.5, series.PixelSize);
        Assert.Equal((3, 16), (series.Height, series.Width));
        var entry = series.History[^1];
        Assert.Equal("New-TiltSeries", entry.Step);
        Assert.Equal(16, entry.Parameters["DetectorWidth"]);
        Assert.Equal(0.0, entry.Parameters["Dose"]);
        Assert.Equal("made by the test", series.History[0].Summary);
    }

    [Fact]
    public void SignFlipDoseAndDetectorWidth()
    {
        var v = Small();
        var flipped = _ps.Run("$v | New-TiltSeries -TiltAngles 0,20", ("v", v)).Single<TiltSeries>();
        var sums = _ps.Run("$v | New-TiltSeries -TiltAngles 0,20 -NoSignFlip", ("v", v)).Single<TiltSeries>();
        var dosed = _ps.Run("$v | New-TiltSeries -TiltAngles 0,20 -Dose 100", ("v", v)).Single<TiltSeries>();
        for (int t = 0; t < 2; t++)
            for (int i = 0; i < sums.Tilt(t).Length; i++)
            {
                Assert.Equal(-sums.Tilt(t)[i], flipped.Tilt(t)[i]);
                Assert.Equal(100 - sums.Tilt(t)[i], dosed.Tilt(t)[i], 3);
            }
        // At 0° a voxel column of the volume sums along Z: dense matter is dark after the flip.
        double column = Enumerable.Range(0, 12).Sum(z => (double)v.Section(z)[1 * 16 + 5]);
        Assert.Equal(-column, flipped.Tilt(0)[1 * 16 + 5], 4);
        var wide = _ps.Run("$v | New-TiltSeries -TiltAngles 0 -DetectorWidth 21", ("v", v)).Single<TiltSeries>();
        Assert.Equal(21, wide.Width);
        var error = _ps.Run("$v | New-TiltSeries -TiltAngles 0 -DetectorWidth 500", ("v", v)).SingleError();
        Assert.StartsWith(ErrorIds.DetectorWidthInvalid + ",", error.FullyQualifiedErrorId);
        var twice = _ps.Run("$v | New-TiltSeries -TiltAngles 0,3,0", ("v", v)).SingleError();
        Assert.StartsWith(ErrorIds.TiltAngleInvalid + ",", twice.FullyQualifiedErrorId);
    }

    [Fact]
    public void DoseSymmetricOrderIsKeptWhileTheStackIsSortedByAngle()
    {
        var v = Small();
        var r = _ps.Run("$v | New-TiltSeries -TiltRange -9,9 -TiltStep 3 -DoseSymmetric; $v | New-TiltSeries -TiltAngles -9,-6,-3,0,3,6,9", ("v", v));
        Assert.Empty(r.Errors);
        var symmetric = (TiltSeries)r.Output[0].BaseObject;
        var sorted = (TiltSeries)r.Output[1].BaseObject;
        var order = new[] { 0.0, 3, -3, -6, 6, 9, -9 };
        Assert.Equal(new[] { -9.0, -6, -3, 0, 3, 6, 9 }, symmetric.TiltAngles);
        Assert.Equal(order, symmetric.AcquisitionOrder);
        Assert.Equal(order, (double[])symmetric.History[^1].Parameters["TiltAngles"]!);
        for (int t = 0; t < 7; t++) Assert.Equal(sorted.Tilt(t), symmetric.Tilt(t));

        // Angles given in acquisition order are understood the same way.
        var given = _ps.Run("$v | New-TiltSeries -TiltAngles 0,3,-3,-6,6,9,-9", ("v", v)).Single<TiltSeries>();
        Assert.Equal(order, given.AcquisitionOrder);

        // On disk: the .tlt lists the stack's angles (sorted), the order list the acquisition; both come back.
        var back = _ps.Run("$s | Export-TiltSeries ds.mrc; Import-TiltSeries ds.mrc", ("s", symmetric)).Single<TiltSeries>();
        Assert.Equal(symmetric.TiltAngles, TiltAngleFile.Read(_dir.File("ds.tlt")));
        Assert.Equal(order.Select((a, i) => $"{i + 1},{a.ToString("0.0#####", System.Globalization.CultureInfo.InvariantCulture)}"),
            File.ReadAllLines(_dir.File("ds_order_list.csv")));
        Assert.Equal(symmetric.TiltAngles, back.TiltAngles);
        Assert.Equal(order, back.AcquisitionOrder);
    }
}

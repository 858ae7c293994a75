using System.Globalization;
using System.Management.Automation;
using FakET.Preview;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Export-TiltSeriesPreview and Export-VolumePreview in the real PowerShell engine, their PNGs read back by an
/// independent decoder; and the engine's area averaging and percentiles against their definitions and numpy.</summary>
[Trait("Tier", "Process")]
public class PreviewCmdletTests : IDisposable
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();

    public PreviewCmdletTests() => _ps.SetLocation(_dir.Path);

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    /// <summary>round(255·(v − low)/(high − low)), halves up, clipped: the documented grey scale.</summary>
    static byte Expected(double v, double low, double high) =>
        (byte)Math.Clamp(Math.Floor((v - low) / (high - low) * 255 + 0.5), 0, 255);

    static TiltSeries Series(int tilts, int height, int width, Func<int, int, int, float> value, double[]? angles = null) =>
        new(Enumerable.Range(0, tilts).Select(t => Enumerable.Range(0, height * width).Select(p => value(t, p / width, p % width)).ToArray()).ToArray(),
            height, width, angles ?? Synthetic.Angles(tilts), 10);

    [Fact]
    public void ARampMapsToTheExpectedGreyLevelsClippedAtThePercentiles()
    {
        // Three equal rows 0, 1, …, 1000: numpy's 0.5th and 99.5th percentiles are 5 and 995, the 10th and 90th 100 and 900.
        var ramp = Series(2, 3, 1001, (t, y, x) => t == 1 ? x : 0);
        var r = _ps.Run("$s | Export-TiltSeriesPreview ramp.png -Tilt 1; $s | Export-TiltSeriesPreview hard.png -Tilt 1 -LowPercentile 10 -HighPercentile 90",
            ("s", ramp));
        Assert.Empty(r.Errors);
        foreach (var (file, low, high) in new[] { ("ramp.png", 5.0, 995.0), ("hard.png", 100.0, 900.0) })
        {
            var (w, h, colour, pixels) = PreviewTests.Decode(_dir.File(file));
            Assert.Equal((1001, 3, 0), (w, h, colour));
            for (int y = 0; y < 3; y++)
                for (int x = 0; x <= 1000; x++)
                    Assert.Equal(Expected(x, low, high), pixels[y * w + x]);
            Assert.Equal(0, pixels[(int)low]);
            Assert.Equal(255, pixels[(int)high]);
            Assert.True(pixels[(int)low + 2] > 0 && pixels[(int)high - 2] < 255);
        }
    }

    [Fact]
    public void TheMontagePutsTiltKInCellKWithItsLabel()
    {
        // Seven tilts of constant, distinct values 0, 10, …, 60; 40×30 shrunk to 20×15 tiles, three a row.
        var series = Series(7, 30, 40, (t, y, x) => 10 * t);
        var r = _ps.Run("$s | Export-TiltSeriesPreview montage.png -TileSize 20 -Columns 3 -PassThru", ("s", series));
        Assert.Empty(r.Errors);
        Assert.Same(series, r.Single<TiltSeries>());
        var (w, h, colour, pixels) = PreviewTests.Decode(_dir.File("montage.png"));
        int label = StackPreview.LabelHeight(1), cellWidth = 20 + StackPreview.Gap, cellHeight = label + 15 + StackPreview.Gap;
        Assert.Equal((3 * cellWidth - StackPreview.Gap, 3 * cellHeight - StackPreview.Gap, 0), (w, h, colour));
        for (int k = 0; k < 7; k++)
        {
            int left = k % 3 * cellWidth, top = k / 3 * cellHeight;
            // Every pixel of the tile is tilt k's value on the scale from 0 (black) to 60 (white).
            for (int y = 0; y < 15; y++)
                for (int x = 0; x < 20; x++)
                    Assert.Equal(Expected(10 * k, 0, 60), pixels[(top + label + y) * w + left + x]);
            // The label strip above it has ink; the gap right of it does not.
            Assert.Contains(Enumerable.Range(0, label).SelectMany(y => Enumerable.Range(0, 20).Select(x => pixels[(top + y) * w + left + x])), p => p == 255);
            if (k % 3 < 2) Assert.Equal(0, pixels[(top + label + 7) * w + left + 20]);
        }
        // Cells past the last tilt stay background.
        Assert.All(Enumerable.Range(2 * cellHeight, cellHeight - StackPreview.Gap).SelectMany(y => Enumerable.Range(cellWidth, w - cellWidth).Select(x => pixels[y * w + x])),
            p => Assert.Equal(0, p));
    }

    [Fact]
    public void AngleChoosesTheNearestTilt()
    {
        // Tilt k is black but for one pixel in column k; angles −60, −40, …, 60.
        var series = Series(7, 30, 40, (t, y, x) => y == 0 && x == t ? 1 : 0);
        var r = _ps.Run("$s | Export-TiltSeriesPreview near.png -Angle 19 -HighPercentile 100", ("s", series));
        Assert.Empty(r.Errors);
        var (w, h, _, pixels) = PreviewTests.Decode(_dir.File("near.png"));
        Assert.Equal((40, 30), (w, h));
        Assert.Equal(new[] { 4 }, pixels.Select((p, i) => (p, i)).Where(q => q.p == 255).Select(q => q.i));
    }

    [Fact]
    public void CentralSlicesComeFromTheRightPlanes()
    {
        // Voxel (z, y, x) holds 100z + 10y + x; the middle is z 2, y 3, x 3.
        const int depth = 5, height = 6, width = 7;
        static float V(int z, int y, int x) => 100 * z + 10 * y + x;
        var volume = new Volume(Enumerable.Range(0, depth).Select(z => Enumerable.Range(0, height * width).Select(p => V(z, p / width, p % width)).ToArray()).ToArray(),
            height, width, 10);
        var r = _ps.Run("$v | Export-VolumePreview ortho.png -Plane XY, XZ, YZ -LowPercentile 0 -HighPercentile 100; " +
                        "$v | Export-VolumePreview section.png -Plane XY -Z 1 -LowPercentile 0 -HighPercentile 100; " +
                        "$v | Export-VolumePreview default.png -Y 0 -LowPercentile 0 -HighPercentile 100", ("v", volume));
        Assert.Empty(r.Errors);

        // Shown: XY at z 2 (200…256), XZ at y 3 (30…436), YZ at x 3 (3…453): black is 3, white 453.
        var (w, h, _, pixels) = PreviewTests.Decode(_dir.File("ortho.png"));
        int label = StackPreview.LabelHeight(1), gap = StackPreview.Gap;
        Assert.Equal((width + gap + depth, label + height + gap + label + depth), (w, h));
        byte At(int x, int y) => pixels[y * w + x];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                Assert.Equal(Expected(V(2, y, x), 3, 453), At(x, label + y));                       // XY, top left
        for (int y = 0; y < height; y++)
            for (int z = 0; z < depth; z++)
                Assert.Equal(Expected(V(z, y, 3), 3, 453), At(width + gap + z, label + y));         // YZ, right: Z across
        for (int z = 0; z < depth; z++)
            for (int x = 0; x < width; x++)
                Assert.Equal(Expected(V(z, 3, x), 3, 453), At(x, label + height + gap + label + z)); // XZ, below: Z down

        // One plane alone is bare, at full size: section z 1 (100…156).
        var section = PreviewTests.Decode(_dir.File("section.png"));
        Assert.Equal((width, height), (section.Width, section.Height));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                Assert.Equal(Expected(V(1, y, x), 100, 156), section.Pixels[y * width + x]);

        // By default XY and XZ; -Y moves the XZ slice (to y 0: 0…406; XY at z 2 is 200…256).
        var standard = PreviewTests.Decode(_dir.File("default.png"));
        Assert.Equal((width, label + height + gap + label + depth), (standard.Width, standard.Height));
        for (int z = 0; z < depth; z++)
            for (int x = 0; x < width; x++)
                Assert.Equal(Expected(V(z, 0, x), 0, 406), standard.Pixels[(label + height + gap + label + z) * width + x]);
    }

    [Fact]
    public void WhatIfWritesNothingAndAnExistingFileNeedsForce()
    {
        var series = Synthetic.Smooth(3, 16, 16, seed: 1);
        var volume = new Volume(series.Sections.ToArray(), 16, 16, 10);
        var r = _ps.Run("$s | Export-TiltSeriesPreview a.png -WhatIf; $v | Export-VolumePreview b.png -WhatIf", ("s", series), ("v", volume));
        Assert.Empty(r.Errors);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));

        File.WriteAllText(_dir.File("a.png"), "keep");
        File.WriteAllText(_dir.File("b.png"), "keep");
        r = _ps.Run("$s | Export-TiltSeriesPreview a.png; $v | Export-VolumePreview b.png", ("s", series), ("v", volume));
        Assert.Equal(new[] { "FileExists", "FileExists" }, r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal("keep", File.ReadAllText(_dir.File("a.png")));
        Assert.Equal("keep", File.ReadAllText(_dir.File("b.png")));

        r = _ps.Run("$s | Export-TiltSeriesPreview a.png -Force; $v | Export-VolumePreview -LiteralPath b.png -Force -PassThru", ("s", series), ("v", volume));
        Assert.Empty(r.Errors);
        Assert.Same(volume, r.Single<Volume>());
        Assert.Equal(0, PreviewTests.Decode(_dir.File("a.png")).Colour);
        Assert.Equal(0, PreviewTests.Decode(_dir.File("b.png")).Colour);
        Assert.Equal(new[] { "a.png", "b.png" }, Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName).Order()); // no temporary file left
    }

    [Theory]
    [InlineData("$s | Export-TiltSeriesPreview x.png -Tilt 3", ErrorIds.PreviewTiltOutOfRange, "ExportTiltSeriesPreviewCommand")]
    [InlineData("$s | Export-TiltSeriesPreview x.png -Tilt 1 -Angle 0", ErrorIds.PreviewParameterInvalid, "ExportTiltSeriesPreviewCommand")]
    [InlineData("$s | Export-TiltSeriesPreview x.png -Tilt 1 -Columns 2", ErrorIds.PreviewParameterInvalid, "ExportTiltSeriesPreviewCommand")]
    [InlineData("$s | Export-TiltSeriesPreview x.png -LowPercentile 60 -HighPercentile 40", ErrorIds.PreviewPercentileInvalid, "ExportTiltSeriesPreviewCommand")]
    [InlineData("$v | Export-VolumePreview x.png -Z 3", ErrorIds.PreviewSliceOutOfRange, "ExportVolumePreviewCommand")]
    [InlineData("$n | Export-TiltSeriesPreview x.png -Angle 0", ErrorIds.TiltAnglesUnknown, "ExportTiltSeriesPreviewCommand")]
    public void BadRequestsAreNamedErrorsAndWriteNothing(string command, string errorId, string cmdlet)
    {
        var series = Synthetic.Smooth(3, 16, 16, seed: 1);
        var volume = new Volume(series.Sections.ToArray(), 16, 16, 10);
        var unknown = series.WithTiltAngles(null);
        var r = _ps.Run(command, ("s", series), ("v", volume), ("n", unknown));
        var error = r.SingleError();
        Assert.Equal($"{errorId},FakET.PowerShell.Cmdlets.{cmdlet}", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void AreaAveragingIsTheMeanOverEachCell()
    {
        // 4×4 → 2×2: the means of the 2×2 blocks.
        float[] image = Enumerable.Range(0, 16).Select(i => (float)(i * i)).ToArray();
        var half = Plane.AreaAverage(image, 4, 4, 2, 2);
        double Block(int bx, int by) => new[] { (0, 0), (1, 0), (0, 1), (1, 1) }.Average(d => image[(2 * by + d.Item2) * 4 + 2 * bx + d.Item1]);
        Assert.Equal(new[] { Block(0, 0), Block(1, 0), Block(0, 1), Block(1, 1) }, half.Values);
        // 3 → 2 along x: each output covers 1.5 pixels, the middle one half in each.
        var row = Plane.AreaAverage(new float[] { 1, 2, 4 }, 3, 1, 2, 1);
        Assert.Equal((1 + 0.5 * 2) / 1.5, row.Values[0], 12);
        Assert.Equal((0.5 * 2 + 4) / 1.5, row.Values[1], 12);
        // The mean of the whole image survives any shrinking.
        var random = new Random(2);
        var noise = Enumerable.Range(0, 37 * 23).Select(_ => (float)random.NextDouble()).ToArray();
        var shrunk = Plane.AreaAverage(noise, 37, 23, 11, 7);
        Assert.Equal(noise.Average(v => (double)v), shrunk.Values.Average(), 12);
    }

    [Fact]
    public void PercentilesAreNumpys()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 1001).Select(_ => random.NextDouble() * 10 - 3).ToArray();
        string file = _dir.File("values.txt");
        File.WriteAllLines(file, values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        double[] percents = { 0, 0.5, 2, 37.3, 50, 99.5, 100 };
        var (exit, output) = MrcTests.Python("import sys, numpy as np\nv = np.loadtxt(sys.argv[1])\nprint(' '.join(repr(float(np.percentile(v, p))) for p in [0, 0.5, 2, 37.3, 50, 99.5, 100]))", file);
        Assert.True(exit == 0, output);
        var expected = output.Trim().Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var sorted = values.Order().ToArray();
        for (int i = 0; i < percents.Length; i++) Assert.Equal(expected[i], PercentileContrast.Percentile(sorted, percents[i]), 12);
        // NaN is left out of the percentiles and drawn black.
        var contrast = PercentileContrast.Of(new[] { new Plane(3, 1, new[] { double.NaN, 1, 2 }) }, 0, 100);
        Assert.Equal((1.0, 2.0), (contrast.Low, contrast.High));
        Assert.Equal(0, contrast.Gray(double.NaN));
    }
}

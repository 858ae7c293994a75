using FakET.Native;
using FakET.StyleTransfer;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// Exact tiled style transfer: styled in tiles (interior tiles cut on all four sides, and tiles at the image's edges), a tilt
/// is the untiled result to float rounding, and forced tiling still reproduces the published implementation's output.
/// </summary>
[Trait("Tier", "Engine")]
public class TiledStyleTransferTests : IClassFixture<StyleReference>
{
    readonly StyleReference _ref;
    public TiledStyleTransferTests(StyleReference reference) => _ref = reference;

    [Fact]
    public void TheHaloCoversRelu51sReceptiveFieldOnTheTilesPoolingGrid()
    {
        // Receptive field by the usual recursion r += (k − 1)·j, j *= stride, over VGG-19's layers through relu5_1
        // (3×3 convolutions, 2×2 poolings): 156 px with a 16-px stride. A position at the core's edge owns a 16-px block
        // and sees (156 − 16)/2 = 70 px beyond it, so the halo must reach 70 px, on the 16-px pooling grid: 80 px.
        int field = 1, jump = 1;
        foreach (var layer in Vgg19.Layers.Where(l => l.Index <= 29))
        {
            if (layer.Kind == VggLayerKind.Convolution) field += 2 * jump;
            if (layer.Kind == VggLayerKind.Pool) { field += jump; jump *= 2; }
        }
        Assert.Equal((156, 16), (field, jump));
        Assert.Equal(16, StyleTiling.Alignment(29));
        Assert.Equal(80, StyleTiling.HaloFor(29));
        Assert.Equal(32, StyleTiling.CoreSize(47, 29));
        Assert.Equal(16, StyleTiling.CoreSize(3, 29));

        // Cores partition the image; inputs are cores plus halos clipped to the image, origins on the grid.
        var tiling = StyleTiling.For(250, 200, 32, 29);
        var covered = new int[250, 200];
        foreach (var t in tiling.Tiles)
        {
            Assert.Equal(0, t.InY0 % 16);
            Assert.Equal(0, t.InX0 % 16);
            Assert.Equal((Math.Max(0, t.Y0 - 80), Math.Min(250, t.Y1 + 80)), (t.InY0, t.InY1));
            for (int y = t.Y0; y < t.Y1; y++)
                for (int x = t.X0; x < t.X1; x++) covered[y, x]++;
        }
        Assert.All(covered.Cast<int>(), c => Assert.Equal(1, c));
    }

    [Fact]
    public void TilesGiveTheUntiledResultOn256SquaredWithInteriorAndEdgeTiles()
    {
        const int n = 256;
        // 64-px cores with 80-px halos: the four interior tiles (cores 64…192) are cut inside the image on their far sides
        // (at 208) or near sides (at 48), the edge tiles are cut on one or two sides and padded as the whole image elsewhere.
        var tiling = StyleTiling.For(n, n, 64, 29);
        Assert.Contains(tiling.Tiles, t => t.Y0 == 64 && t.X0 == 64 && t.InY1 == 208 && t.InX1 == 208);
        Assert.Contains(tiling.Tiles, t => t.Y0 == 128 && t.X0 == 128 && t.InY0 == 48 && t.InX0 == 48);
        Assert.Contains(tiling.Tiles, t => t.InY0 == 0 && t.InX1 == n && t.InY1 < n);
        var content = Field(n, 1);
        var style = Field(n, 2);
        var init = Field(n, 3);
        var settings = new StyleTransferSettings();
        using var whole = new StyleRunner(_ref.Weights, settings, ComputeDevice.Cpu);
        using var tiled = new StyleRunner(_ref.Weights, settings with { TileSize = 64 }, ComputeDevice.Cpu);
        var expected = whole.Run(content, style, init);
        var actual = tiled.Run(content, style, init);
        AssertSameToRounding(expected.Tilt(0), actual.Tilt(0));
        Assert.Equal("none", expected.History[^1].Parameters["Tiling"]);
        Assert.Equal("4×4 tiles of 64 px", actual.History[^1].Parameters["Tiling"]);
        // The step is really taken: the result is far from the start.
        Assert.True(Statistics.Correlation(actual.Tilt(0), init.Tilt(0)) < 0.99);
    }

    [Fact]
    public void ForcedTilingReproducesThePublishedOutputAndTheUntiledOne()
    {
        using var tiled = new StyleRunner(_ref.Weights, new StyleTransferSettings { TileSize = 16 }, ComputeDevice.Cpu);
        var output = tiled.Run(_ref.Content, _ref.Style, _ref.Init);
        Assert.Equal("4×4 tiles of 16 px", output.History[^1].Parameters["Tiling"]);
        for (int i = 0; i < output.TiltCount; i++)
        {
            double r = Statistics.Correlation(output.Tilt(i), _ref.Expected.Tilt(i));
            Assert.True(r >= 0.999, $"tilt {i}: r = {r}");
            AssertSameToRounding(_ref.Output.Tilt(i), output.Tilt(i));
        }
        // Starting from the content itself (no init), the content loss and its gradient stay exactly 0 in tiles too.
        using var tiledWithoutContent = new StyleRunner(_ref.Weights, new StyleTransferSettings { TileSize = 16, ContentWeight = 0 }, ComputeDevice.Cpu);
        var withContent = tiled.Run(_ref.Content, _ref.Style, range: (0, 0));
        var withoutContent = tiledWithoutContent.Run(_ref.Content, _ref.Style, range: (0, 0));
        Assert.Equal(withoutContent.Tilt(0), withContent.Tilt(0));
    }

    [Fact]
    public void TheLargestTilesThatFitAreChosenAndOnlyNoTileAtAllIsRefused()
    {
        const long gb = 1_000_000_000;
        double state = NeuralStyleTransfer.TiledStateBytesPerPixel, working = 2000;
        int? chosen = StyleTiling.ChooseSize(10 * gb, 3500, 3500, 1, state, working, 29);
        Assert.NotNull(chosen);
        int halo = StyleTiling.HaloFor(29);
        // It fits with a tenth to spare; the next size up on the 16-px grid does not.
        Assert.True(StyleTiling.TiledBytes(3500, 3500, 1, chosen!.Value, halo, state, working) <= 9 * gb);
        Assert.True(StyleTiling.TiledBytes(3500, 3500, 1, chosen.Value + 16, halo, state, working) > 9 * gb);
        Assert.Equal(0, chosen.Value % 16);
        // Where the image's own state does not fit beside even a 16-px tile, there is no tile.
        Assert.Null(StyleTiling.ChooseSize((long)(3500.0 * 3500 * state), 3500, 3500, 1, state, working, 29));
    }

    /// <summary>
    /// The same result to float32 rounding, as far as the published algorithm itself is reproducible. Its first Adam step
    /// is g/(|g| + 1e-8) per pixel, about ±1 wherever |g| ≫ 1e-8, so rounding in the gradient vanishes there; but in the few
    /// pixels where |g| is near 1e-8 it passes into the step. There the untiled run alone moves by up to 2.9e-4 of the
    /// output's std when only its batch changes (one tilt at a time against three, on the shared case). So: at least 99 % of
    /// the pixels agree within 1e-5 of the std (a halo, alignment or padding error moves whole bands of pixels by far
    /// more), and none differs by more than 5e-3 of it.
    /// </summary>
    static void AssertSameToRounding(float[] expected, float[] actual)
    {
        double std = Statistics.MeanStd(expected).Std, largest = 0;
        int apart = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(expected[i] - actual[i]);
            largest = Math.Max(largest, difference);
            if (difference > 1e-5 * std) apart++;
        }
        Assert.True(apart <= expected.Length / 100, $"{apart} of {expected.Length} pixels differ by more than 1e-5 of the output's std");
        Assert.True(largest <= 5e-3 * std, $"largest difference {largest:G3} is {largest / std:G3} of the output's std {std:G3}");
    }

    /// <summary>A one-tilt series of smooth structure and noise, different for each seed.</summary>
    static TiltSeries Field(int n, int seed)
    {
        var random = new Random(seed);
        var values = new float[n * n];
        double fx = 0.02 + 0.03 * random.NextDouble(), fy = 0.02 + 0.03 * random.NextDouble();
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                values[y * n + x] = (float)(Math.Sin(fx * x * seed) * Math.Cos(fy * y) + 0.5 * random.NextDouble());
        return new TiltSeries(new[] { values }, n, n, new[] { 0.0 }, 10);
    }
}

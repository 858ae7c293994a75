using FakET.Native;
using FakET.StyleTransfer;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Style transfer from a style series of another tilt scheme: each content tilt takes its style from the style
/// tilt nearest in angle, and the history says so.</summary>
[Trait("Tier", "Engine")]
public class StyleTiltPairingTests
{
    [Fact]
    public void EachContentTiltIsStyledByTheStyleTiltNearestInAngle()
    {
        // Content: 7 tilts, −60…60 by 20. Style: 5 tilts at other angles, tilt j with mean 100·(j+1) and std j+1, so
        // every output tilt (matched to its style tilt's mean and std) shows which style tilt it was given.
        var content = Synthetic.Smooth(7, 32, 32, seed: 1);
        var styleAngles = new[] { -50.0, -20, 5, 35, 62 };
        var noise = Synthetic.WhiteNoise(5, 32, 32, seed: 2);
        var styleTilts = Enumerable.Range(0, 5).Select(j => noise.Tilt(j).Select(v => 100f * (j + 1) + (j + 1) * v).ToArray()).ToArray();
        var style = new TiltSeries(styleTilts, 32, 32, styleAngles, 10);
        // Nearest by hand: −60 → −50, −40 → −50, −20 → −20, 0 → 5, 20 → 5 (15° from 5° and from 35°: the first of equals),
        // 40 → 35, 60 → 62.
        var expected = new[] { 0, 0, 1, 2, 2, 3, 4 };
        Assert.Equal(expected, StyleTiltPairing.Pair(content, style));

        using var runner = new StyleRunner(Vgg19Weights.Random(1, 29), new StyleTransferSettings(), ComputeDevice.Cpu);
        var styled = runner.Run(content, style);
        for (int i = 0; i < 7; i++)
        {
            var (mean, std) = Statistics.MeanStd(styled.Tilt(i));
            var (wantMean, wantStd) = Statistics.MeanStd(style.Tilt(expected[i]));
            Assert.Equal(wantMean, mean, 2);
            Assert.Equal(wantStd, std, 2);
        }
        var entry = styled.History[^1];
        Assert.Equal("nearest angle", entry.Parameters["StylePairing"]);
        Assert.Equal(expected, ((System.Collections.IEnumerable)entry.Parameters["StyleTilts"]!).Cast<object>().Select(Convert.ToInt32));
        Assert.Equal(content.TiltAngles, styled.TiltAngles);
    }

    [Fact]
    public void TheSameTiltsPairByIndexAndOtherSizesNameResizeTiltSeries()
    {
        var content = Synthetic.Smooth(3, 32, 32, seed: 1);
        Assert.Equal(new[] { 0, 1, 2 }, StyleTiltPairing.Pair(content, Synthetic.Smooth(3, 32, 32, seed: 2)));
        var noAngles = new TiltSeries(Synthetic.Smooth(4, 32, 32, seed: 3).GetSections().ToArray(), 32, 32, null, 10);
        Assert.Equal(ErrorIds.StyleTransferSeriesMismatch, Assert.Throws<FakETException>(() => StyleTiltPairing.Pair(content, noAngles)).ErrorId);

        using var runner = new StyleRunner(Vgg19Weights.Random(1, 29), new StyleTransferSettings(), ComputeDevice.Cpu);
        var e = Assert.Throws<FakETException>(() => runner.Run(content, Synthetic.Smooth(3, 48, 40, seed: 2)));
        Assert.Equal(ErrorIds.StyleTransferSeriesMismatch, e.ErrorId);
        Assert.Contains("Resize-TiltSeries", e.Message);
        Assert.Contains("-Size 32,32", e.Message);
    }
}

using FakET.Noise;
using FakET.Preview;
using FakET.Tests.Support;
using ScottPlot;
using SkiaSharp;

namespace FakET.Tests;

/// <summary>The text of every picture is drawn in the font shipped with the module, never in a system font, and it is
/// really drawn. (<see cref="PictureHostTests"/> shows the same on a machine without fonts.)</summary>
[Trait("Tier", "Engine")]
public class PictureFontTests
{
    internal static NoiseProfile Profile()
    {
        const int n = 21;
        var angles = Synthetic.Angles(n);
        var r = angles.Select(a => 0.5 - 0.0001 * a * a).ToArray();
        var sigma = angles.Select(a => 0.8 + 0.00005 * a * a).ToArray();
        var measured = new NoiseCurves(r.Select((v, i) => v + 0.01 * Math.Sin(i)).ToArray(), sigma.Select((v, i) => v - 0.01 * Math.Cos(i)).ToArray(),
            Enumerable.Repeat(1.0, n).ToArray(), Enumerable.Repeat(2.0, n).ToArray());
        return new NoiseProfile(new NoiseCurves(r, sigma, measured.ReferenceMean, measured.ReferenceStd), angles, 2, new[] { measured }, null);
    }

    /// <summary>The typeface ScottPlot draws a label with (its own rule: the label's typeface, else the one its font name resolves to).</summary>
    static SKTypeface Drawn(LabelStyle label) => label.Font ?? Fonts.GetTypeface(label.FontName, label.Bold, label.Italic);

    [Fact]
    public void EveryTextOfAPlotIsInTheShippedFont()
    {
        // The font ships beside the engine, with its licence.
        string folder = Path.GetDirectoryName(PictureStyle.FontFile)!;
        Assert.Equal(Path.Combine(Path.GetDirectoryName(typeof(PictureStyle).Assembly.Location)!, "Fonts"), folder);
        Assert.True(File.Exists(PictureStyle.FontFile), PictureStyle.FontFile);
        Assert.Contains("Bitstream Vera", File.ReadAllText(Path.Combine(folder, "LICENSE-DejaVu.txt")));

        var drawing = NoiseProfilePlot.Render(Profile(), 900, 640);
        // No installed font answers to the name the shipped one is registered under, so ScottPlot's resolution can only
        // have found it through the file; the typeface it returns holds exactly the shipped file's bytes.
        Assert.DoesNotContain(PictureStyle.FontName, SKFontManager.Default.FontFamilies);
        var shipped = Fonts.GetTypeface(PictureStyle.FontName, FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
        Assert.Equal("DejaVu Sans", shipped.FamilyName);
        using (var stream = shipped.OpenStream())
        {
            var bytes = new byte[stream.Length];
            Assert.Equal(bytes.Length, stream.Read(bytes, bytes.Length));
            Assert.Equal(File.ReadAllBytes(PictureStyle.FontFile), bytes);
        }
        // Every piece of text of both panels is drawn with it: titles, axis labels, tick labels, legend entries.
        Assert.Equal(2, drawing.Plots.Count);
        foreach (var plot in drawing.Plots)
        {
            var labels = new List<LabelStyle> { plot.Axes.Title.Label };
            foreach (var axis in plot.Axes.GetAxes()) labels.AddRange(new[] { axis.Label, axis.TickLabelStyle });
            var legend = plot.Legend.GetItems();
            Assert.Equal(new[] { "order-2 fit", "measured" }, legend.Select(i => i.LabelText));
            labels.AddRange(legend.Select(i => i.LabelStyle));
            Assert.All(labels, label => Assert.Same(shipped, Drawn(label)));
        }
    }

    [Fact]
    public void TitlesAreDrawnAndMeasuredInTheShippedFont()
    {
        var drawing = NoiseProfilePlot.Render(Profile(), 900, 640);
        using var typeface = SKTypeface.FromFile(PictureStyle.FontFile);
        foreach (var (panel, title) in new[] { (drawing.R, "r: weight of the clean signal"), (drawing.Sigma, "σ: noise std (standardised)") })
        {
            var box = panel.Title;
            // The title's box is as wide as the title set in the shipped font at the title's size (and the few pixels
            // ScottPlot adds for a label's shadow).
            using var font = new SKFont(typeface, drawing.Plots[0].Axes.Title.Label.FontSize);
            Assert.InRange(box.Width, font.MeasureText(title), font.MeasureText(title) + 5);
            // It sits above the data, and it is not all background: text was drawn there.
            Assert.True(box.Top >= 0 && box.Top + box.Height <= panel.Top, $"{box} above {panel.Top}");
            int inked = 0, dark = 0;
            for (int y = box.Top; y < box.Top + box.Height; y++)
                for (int x = box.Left; x < box.Left + box.Width; x++)
                {
                    var p = drawing.Image[x, y];
                    if (p != Rgb.White) inked++;
                    if (p.R < 64 && p.G < 64 && p.B < 64) dark++;
                }
            Assert.InRange(inked, box.Width * box.Height / 20, box.Width * box.Height / 2);
            Assert.True(dark > box.Width / 2, $"{dark} dark pixels in the title {title}");
        }
    }

    [Fact]
    public void PreviewLabelsAreDrawnInTheShippedFontAndStayInTheirBox()
    {
        // A label drawn on a preview is the shipped font's rendering of the text, white on black, clipped on the right.
        var canvas = new GrayCanvas(60, 30);
        canvas.DrawText(3, 4, "−60°", 255, 2, right: 40);
        int height = GrayCanvas.TextHeight(2);
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < 60; x++)
                if (x < 3 || x >= 40 || y < 4 - 1 || y > 4 + height) Assert.True(canvas[x, y] == 0, $"ink at ({x}, {y}) outside the label's box");
        Assert.Contains(canvas.Pixels, p => p == 255);

        // The same text set with SkiaSharp directly in the shipped font, at the label size, has the same ink.
        var reference = new GrayCanvas(60, 30);
        using (var typeface = SKTypeface.FromFile(PictureStyle.FontFile))
        using (var font = new SKFont(typeface, PictureStyle.LabelSize * 2) { Edging = SKFontEdging.Antialias, Hinting = SKFontHinting.Full, Subpixel = false })
        using (var mask = new SKBitmap(new SKImageInfo(37, 30, SKColorType.Alpha8, SKAlphaType.Premul)))
        {
            using (var draw = new SKCanvas(mask))
            using (var paint = new SKPaint { Color = SKColors.White, IsAntialias = true })
            {
                draw.Clear(SKColors.Transparent);
                draw.DrawText("−60°", 0, 4 + (float)Math.Round(font.Metrics.CapHeight), font, paint);
            }
            for (int y = 0; y < 30; y++)
                for (int x = 0; x < 37; x++) reference.Pixels[y * 60 + 3 + x] = mask.GetPixelSpan()[y * mask.RowBytes + x];
        }
        Assert.Equal(reference.Pixels, canvas.Pixels);
    }
}

using FakET.IO;
using FakET.Preview;
using ScottPlot;

namespace FakET.Noise;

/// <summary>
/// The picture of a noise profile, drawn by ScottPlot in the module's style (<see cref="PictureStyle"/>): r(θ) above,
/// σ(θ) below; the curves measured on each reference pair as points, the profile's (fitted) curves as lines. The x
/// axis is the tilt angle, or the tilt index when the angles are unknown.
/// </summary>
public static class NoiseProfilePlot
{
    public const int DefaultWidth = 900;
    public const int DefaultHeight = 640;
    public const int MinimumWidth = 240;
    public const int MinimumHeight = 200;

    public static readonly Rgb RColour = PictureStyle.Blue;
    public static readonly Rgb SigmaColour = PictureStyle.Red;
    public static readonly Rgb RPointColour = PictureStyle.DarkBlue;
    public static readonly Rgb SigmaPointColour = PictureStyle.DarkRed;

    /// <summary>The picture and its two panels (r above, σ below), which say where each value was drawn.</summary>
    public sealed record Drawing(PlotPicture Image, PlotArea R, PlotArea Sigma, IReadOnlyList<double> X)
    {
        /// <summary>The two ScottPlot plots it was drawn from, as they were rendered.</summary>
        internal IReadOnlyList<Plot> Plots { get; init; } = Array.Empty<Plot>();
    }

    /// <summary>Draws <paramref name="profile"/> on a <paramref name="width"/>×<paramref name="height"/> picture.</summary>
    public static Drawing Render(NoiseProfile profile, int width = DefaultWidth, int height = DefaultHeight)
    {
        if (width < MinimumWidth || height < MinimumHeight)
            throw new ArgumentOutOfRangeException(nameof(width), $"A noise profile plot needs at least {MinimumWidth}×{MinimumHeight} pixels.");
        float scale = PictureStyle.Scale(width, height);
        var x = profile.TiltAngles ?? Enumerable.Range(0, profile.TiltCount).Select(i => (double)i).ToArray();
        string xLabel = profile.TiltAngles is null ? "tilt index" : "tilt angle (°)";
        string fit = profile.PolynomialOrder switch { -1 => "mean of measured", 0 => "order-0 fit", _ => $"order-{profile.PolynomialOrder} fit" };
        string points = profile.PairCount == 1 ? "measured" : $"measured ({profile.PairCount} pairs)";
        var values = profile.Values;
        var xRange = RangeOf(x, 0.04);

        var figure = new Multiplot();
        figure.AddPlots(2);
        var (r, sigma) = (figure.GetPlot(0), figure.GetPlot(1));
        Panel(r, "r: weight of the clean signal", "r", "", x, values.R, profile.Measurements.Select(m => m.R), RColour, RPointColour, points, fit, xRange, scale, PictureStyle.LegendBeside(width));
        Panel(sigma, "σ: noise std (standardised)", "σ", xLabel, x, values.Sigma, profile.Measurements.Select(m => m.Sigma), SigmaColour, SigmaPointColour, points, fit, xRange, scale, PictureStyle.LegendBeside(width));

        // Lay both out on their own, then give both the wider margins, so that their x axes line up.
        PlotPicture.Layout(figure, width, height);
        var areas = new[] { r, sigma }.Select(p => p.RenderManager.LastRender.DataRect).ToArray();
        var cells = new[] { r, sigma }.Select(p => p.RenderManager.LastRender.FigureRect).ToArray();
        float left = areas.Zip(cells, (a, c) => a.Left - c.Left).Max(), right = areas.Zip(cells, (a, c) => c.Right - a.Right).Max();
        for (int i = 0; i < 2; i++)
        {
            var plot = figure.GetPlot(i);
            plot.Layout.Fixed(new PixelPadding(left, right, cells[i].Bottom - areas[i].Bottom, areas[i].Top - cells[i].Top));
        }
        var image = PlotPicture.Render(figure, width, height);
        return new Drawing(image, PlotArea.Of(r), PlotArea.Of(sigma), x) { Plots = new[] { r, sigma } };
    }

    static void Panel(Plot plot, string title, string yLabel, string xLabel, IReadOnlyList<double> x, IReadOnlyList<double> fitted,
        IEnumerable<IReadOnlyList<double>> measured, Rgb line, Rgb point, string pointsLegend, string lineLegend, (double Min, double Max) xRange, float scale, bool beside)
    {
        PictureStyle.Apply(plot, scale);
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.XLabel(xLabel);
        // The fit first, the measured points over it.
        PictureStyle.Line(plot, x, fitted, line, lineLegend, scale);
        var data = fitted.ToList();
        bool first = true;
        foreach (var m in measured)
        {
            data.AddRange(m);
            PictureStyle.Points(plot, x, m, point, first ? pointsLegend : "", scale);
            first = false;
        }
        var y = RangeOf(data, 0.1);
        plot.Axes.SetLimits(xRange.Min, xRange.Max, y.Min, y.Max);
        if (beside) plot.ShowLegend(Edge.Right);
        else plot.ShowLegend(Alignment.UpperRight);
    }

    /// <summary>The range of <paramref name="values"/> widened by <paramref name="padding"/> of its span on each side; a
    /// single value gets a span of its own.</summary>
    static (double Min, double Max) RangeOf(IEnumerable<double> values, double padding)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (min > max) return (0, 1);
        double span = max - min;
        if (span == 0) span = min == 0 ? 1 : Math.Abs(min) * 0.1;
        return (min - padding * span, max + padding * span);
    }

    /// <summary>The plot of <paramref name="profile"/> as a PNG file's bytes.</summary>
    public static byte[] Png(NoiseProfile profile, int width = DefaultWidth, int height = DefaultHeight) => Render(profile, width, height).Image.Png;

    /// <summary>Draws the profile and writes it as a PNG file (atomically).</summary>
    public static void Write(string path, NoiseProfile profile, int width = DefaultWidth, int height = DefaultHeight,
        CancellationToken cancel = default)
    {
        var png = Png(profile, width, height);
        AtomicFile.Write(path, stream => stream.Write(png), cancel);
    }
}

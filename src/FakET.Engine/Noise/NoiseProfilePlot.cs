using FakET.Preview;

namespace FakET.Noise;

/// <summary>
/// The picture of a noise profile: r(θ) above, σ(θ) below; the curves measured on each reference pair as
/// points, the profile's (fitted) curves as lines. The x axis is the tilt angle, or the tilt index when the
/// angles are unknown.
/// </summary>
public static class NoiseProfilePlot
{
    public const int DefaultWidth = 900;
    public const int DefaultHeight = 640;
    public const int MinimumWidth = 240;
    public const int MinimumHeight = 200;

    public static readonly Rgb RColour = new(31, 119, 180);
    public static readonly Rgb SigmaColour = new(214, 39, 40);
    public static readonly Rgb RPointColour = new(10, 50, 90);
    public static readonly Rgb SigmaPointColour = new(110, 15, 15);

    /// <summary>The image and its two panels (r above, σ below), whose mappings say where each value was drawn.</summary>
    public sealed record Drawing(Raster Image, PlotPanel R, PlotPanel Sigma, IReadOnlyList<double> X);

    /// <summary>Draws <paramref name="profile"/> on a <paramref name="width"/>×<paramref name="height"/> image.</summary>
    public static Drawing Render(NoiseProfile profile, int width = DefaultWidth, int height = DefaultHeight)
    {
        if (width < MinimumWidth || height < MinimumHeight)
            throw new ArgumentOutOfRangeException(nameof(width), $"A noise profile plot needs at least {MinimumWidth}×{MinimumHeight} pixels.");
        int scale = width >= 600 && height >= 400 ? 2 : 1;
        int pad = 4 * scale, text = Raster.TextHeight(scale);
        var x = profile.TiltAngles ?? Enumerable.Range(0, profile.TiltCount).Select(i => (double)i).ToArray();
        string xLabel = profile.TiltAngles is null ? "tilt index" : "tilt angle (°)";

        var values = profile.Values;
        var rData = values.R.Concat(profile.Measurements.SelectMany(m => m.R));
        var sigmaData = values.Sigma.Concat(profile.Measurements.SelectMany(m => m.Sigma));
        var xRange = PlotPanel.RangeOf(x, 0.04);
        var rRange = PlotPanel.RangeOf(rData, 0.1);
        var sigmaRange = PlotPanel.RangeOf(sigmaData, 0.1);

        int top = pad + text + pad;
        int gap = pad + text + 2 * pad + text + pad;
        int bottom = pad + text + pad + text + 2 * pad;
        int panelHeight = (height - top - gap - bottom) / 2;
        int left = pad + Math.Max(PlotPanel.LeftMargin(rRange, panelHeight, scale), PlotPanel.LeftMargin(sigmaRange, panelHeight, scale));
        int panelWidth = width - left - 4 * pad;
        var image = new Raster(width, height, Rgb.White);
        var rPanel = new PlotPanel(left, top, panelWidth, panelHeight, xRange, rRange);
        var sigmaPanel = new PlotPanel(left, top + panelHeight + gap, panelWidth, panelHeight, xRange, sigmaRange);

        string fit = profile.PolynomialOrder switch { -1 => "mean of measured", 0 => "order-0 fit", _ => $"order-{profile.PolynomialOrder} fit" };
        string points = profile.PairCount == 1 ? "measured" : $"measured ({profile.PairCount} pairs)";
        Draw(image, rPanel, "r: weight of the clean signal", "r", x, values.R, profile.Measurements.Select(m => m.R), RColour, RPointColour, scale, points, fit);
        Draw(image, sigmaPanel, "σ: noise std (standardised)", "σ", x, values.Sigma, profile.Measurements.Select(m => m.Sigma), SigmaColour, SigmaPointColour, scale, points, fit);
        // Only the lower panel's x axis is labelled; both carry tick labels.
        image.DrawText(sigmaPanel.Left + (sigmaPanel.Width - Raster.TextWidth(xLabel, scale)) / 2,
            sigmaPanel.Top + sigmaPanel.Height + 2 * pad + text, xLabel, Rgb.Black, scale);
        return new Drawing(image, rPanel, sigmaPanel, x);
    }

    static void Draw(Raster image, PlotPanel panel, string title, string yLabel, IReadOnlyList<double> x, IReadOnlyList<double> fitted,
        IEnumerable<IReadOnlyList<double>> measured, Rgb line, Rgb point, int scale, string pointsLegend, string lineLegend)
    {
        panel.DrawAxes(image, title, "", yLabel, scale, Rgb.Black);
        panel.DrawCurve(image, x, fitted, line, 1 + scale);
        foreach (var m in measured) panel.DrawPoints(image, x, m, point, 1.5 * scale);
        // Legend at the right of the title line: a dot, its words, a stroke, its words.
        int text = Raster.TextHeight(scale), pad = 4 * scale;
        int y = panel.Top - pad - text;
        int right = panel.Left + panel.Width;
        int lineWidth = Raster.TextWidth(lineLegend, scale), pointsWidth = Raster.TextWidth(pointsLegend, scale);
        int xLine = right - lineWidth, xStroke = xLine - pad - 6 * scale;
        int xPoints = xStroke - 3 * pad - pointsWidth, xDot = xPoints - pad - 2 * scale;
        image.DrawText(xLine, y, lineLegend, Rgb.Black, scale);
        image.DrawLine(xStroke, y + text / 2, xStroke + 6 * scale, y + text / 2, line, 1 + scale);
        image.DrawText(xPoints, y, pointsLegend, Rgb.Black, scale);
        image.FillCircle(xDot, y + text / 2, 1.5 * scale, point);
    }

    /// <summary>Draws the profile and writes it as a PNG file (atomically).</summary>
    public static void Write(string path, NoiseProfile profile, int width = DefaultWidth, int height = DefaultHeight,
        CancellationToken cancel = default) =>
        PngFile.Write(path, Render(profile, width, height).Image, cancel);
}

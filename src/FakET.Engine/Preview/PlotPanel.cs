using System.Globalization;

namespace FakET.Preview;

/// <summary>
/// One panel of a line plot on a <see cref="Raster"/>: a data rectangle with its x and y ranges, axes with
/// "nice" ticks, a grid, a title and axis labels, and the mapping from data to pixels that curves and
/// points are drawn with.
/// </summary>
public sealed class PlotPanel
{
    public PlotPanel(int left, int top, int width, int height, (double Min, double Max) x, (double Min, double Max) y)
    {
        if (width < 2 || height < 2) throw new ArgumentOutOfRangeException(nameof(width), "The plot is too small to draw.");
        Left = left;
        Top = top;
        Width = width;
        Height = height;
        X = Widen(x);
        Y = Widen(y);
    }

    public int Left { get; }
    public int Top { get; }
    public int Width { get; }
    public int Height { get; }
    public (double Min, double Max) X { get; }
    public (double Min, double Max) Y { get; }

    static (double, double) Widen((double Min, double Max) r)
    {
        if (!double.IsFinite(r.Min) || !double.IsFinite(r.Max)) return (0, 1);
        if (r.Max > r.Min) return r;
        double half = r.Min == 0 ? 0.5 : Math.Abs(r.Min) * 0.05;
        return (r.Min - half, r.Max + half);
    }

    /// <summary>The image column of data x.</summary>
    public double PixelX(double x) => Left + (x - X.Min) / (X.Max - X.Min) * (Width - 1);
    /// <summary>The image row of data y (rows grow downwards).</summary>
    public double PixelY(double y) => Top + (Y.Max - y) / (Y.Max - Y.Min) * (Height - 1);

    /// <summary>The range of <paramref name="values"/> widened by <paramref name="padding"/> of its span on each side.</summary>
    public static (double Min, double Max) RangeOf(IEnumerable<double> values, double padding = 0.06)
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

    /// <summary>Ticks at multiples of 1, 2 or 5 × 10^k inside [min, max]: the step nearest to a span of
    /// <paramref name="count"/> ticks, made finer until at least two ticks fall inside.</summary>
    public static double[] NiceTicks(double min, double max, int count = 5)
    {
        double raw = (max - min) / Math.Max(1, count);
        if (!(raw > 0) || !double.IsFinite(raw)) return new[] { min };
        double[] factors = { 1, 2, 5 };
        int exponent = (int)Math.Floor(Math.Log10(raw)) + 1, index = 0;
        // Start at the nice step nearest to raw (on a log scale), from 10^exponent downwards.
        double Step(int e, int i) => factors[i] * Math.Pow(10, e);
        (exponent, index) = Enumerable.Range(exponent - 2, 3).SelectMany(e => Enumerable.Range(0, 3).Select(i => (e, i)))
            .MinBy(c => Math.Abs(Math.Log(Step(c.e, c.i) / raw)));
        while (true)
        {
            double step = Step(exponent, index);
            var ticks = new List<double>();
            for (long k = (long)Math.Ceiling(min / step - 1e-9); k * step <= max + step * 1e-9; k++) ticks.Add(k * step);
            if (ticks.Count >= 2 || step < (max - min) * 1e-6) return ticks.ToArray();
            if (--index < 0) { index = 2; exponent--; }
        }
    }

    /// <summary>Tick labels with as many decimals as the step needs, negative numbers with a true minus sign.</summary>
    public static string[] TickLabels(IReadOnlyList<double> ticks)
    {
        double step = ticks.Count > 1 ? Math.Abs(ticks[1] - ticks[0]) : Math.Max(Math.Abs(ticks.FirstOrDefault()) / 100, 1e-8);
        int decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(step) - 1e-9), 0, 8);
        return ticks.Select(t => t.ToString("F" + decimals, CultureInfo.InvariantCulture).Replace('-', '\u2212')).ToArray();
    }

    /// <summary>Grid, frame, tick labels on the left and below, the title above and the labels of both axes.</summary>
    public void DrawAxes(Raster image, string title, string xLabel, string yLabel, int textScale, Rgb ink)
    {
        var xTicks = NiceTicks(X.Min, X.Max, Math.Max(2, Width / (40 * textScale)));
        var yTicks = NiceTicks(Y.Min, Y.Max, Math.Max(2, Height / (30 * textScale)));
        foreach (var t in xTicks) image.FillRectangle((int)Math.Round(PixelX(t)), Top, 1, Height, Rgb.LightGrey);
        foreach (var t in yTicks) image.FillRectangle(Left, (int)Math.Round(PixelY(t)), Width, 1, Rgb.LightGrey);
        image.DrawRectangle(Left - 1, Top - 1, Width + 2, Height + 2, ink);
        int pad = 4 * textScale, textHeight = Raster.TextHeight(textScale);
        var xLabels = TickLabels(xTicks);
        for (int i = 0; i < xTicks.Length; i++)
        {
            int px = (int)Math.Round(PixelX(xTicks[i]));
            image.FillRectangle(px, Top + Height + 1, 1, pad / 2, ink);
            image.DrawText(px - Raster.TextWidth(xLabels[i], textScale) / 2, Top + Height + pad, xLabels[i], ink, textScale);
        }
        var yLabels = TickLabels(yTicks);
        int widest = yLabels.Max(l => Raster.TextWidth(l, textScale));
        for (int i = 0; i < yTicks.Length; i++)
        {
            int py = (int)Math.Round(PixelY(yTicks[i]));
            image.FillRectangle(Left - 1 - pad / 2, py, pad / 2, 1, ink);
            image.DrawText(Left - pad - Raster.TextWidth(yLabels[i], textScale), py - textHeight / 2, yLabels[i], ink, textScale);
        }
        image.DrawText(Left, Top - pad - textHeight, title, ink, textScale);
        if (xLabel.Length > 0)
            image.DrawText(Left + (Width - Raster.TextWidth(xLabel, textScale)) / 2, Top + Height + 2 * pad + textHeight, xLabel, ink, textScale);
        if (yLabel.Length > 0)
            image.DrawTextUpwards(Left - 2 * pad - widest - textHeight, Top + (Height + Raster.TextWidth(yLabel, textScale)) / 2, yLabel, ink, textScale);
    }

    /// <summary>The room the y tick labels need left of the panel for ticks at this range.</summary>
    public static int LeftMargin((double Min, double Max) y, int height, int textScale)
    {
        var ticks = NiceTicks(y.Min, y.Max, Math.Max(2, height / (30 * textScale)));
        return TickLabels(ticks).Max(l => Raster.TextWidth(l, textScale)) + 3 * 4 * textScale + Raster.TextHeight(textScale);
    }

    /// <summary>A polyline through the points, in data coordinates.</summary>
    public void DrawCurve(Raster image, IReadOnlyList<double> xs, IReadOnlyList<double> ys, Rgb colour, int thickness)
    {
        for (int i = 1; i < xs.Count; i++)
            image.DrawLine(PixelX(xs[i - 1]), PixelY(ys[i - 1]), PixelX(xs[i]), PixelY(ys[i]), colour, thickness);
        if (xs.Count == 1) image.FillCircle(PixelX(xs[0]), PixelY(ys[0]), thickness, colour);
    }

    /// <summary>A filled disc at each point, in data coordinates.</summary>
    public void DrawPoints(Raster image, IReadOnlyList<double> xs, IReadOnlyList<double> ys, Rgb colour, double radius)
    {
        for (int i = 0; i < xs.Count; i++) image.FillCircle(PixelX(xs[i]), PixelY(ys[i]), radius, colour);
    }
}

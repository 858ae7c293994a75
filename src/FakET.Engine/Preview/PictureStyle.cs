using System.Globalization;
using ScottPlot;
using SkiaSharp;

namespace FakET.Preview;

/// <summary>An 8-bit RGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static readonly Rgb White = new(255, 255, 255);
    public static readonly Rgb Black = new(0, 0, 0);
    public static readonly Rgb LightGrey = new(225, 225, 225);

    internal Color ToScottPlot() => new(R, G, B);
}

/// <summary>
/// The look of every picture the module draws, in one place: the font, text sizes, line widths and colours of the
/// ScottPlot plots, and the font of the labels on grey previews.
/// </summary>
/// <remarks>
/// The font is DejaVu Sans, shipped with the module (<c>Fonts/DejaVuSans.ttf</c> beside the engine, with its licence)
/// and registered with ScottPlot under a name no system font has (<see cref="FontName"/>), so a picture never depends
/// on the fonts a machine has installed: it is the same on a cluster node or in a container without any.
/// </remarks>
public static class PictureStyle
{
    /// <summary>The name the shipped font is registered under with ScottPlot; no installed font answers to it.</summary>
    public const string FontName = "FakET DejaVu Sans";

    /// <summary>The shipped font file.</summary>
    public static string FontFile { get; } =
        Path.Combine(Path.GetDirectoryName(typeof(PictureStyle).Assembly.Location) ?? AppContext.BaseDirectory, "Fonts", "DejaVuSans.ttf");

    // Text sizes and widths in pixels at scale 1 (a plot of 900 × 640 pixels or more).
    const float TitleSize = 17, AxisLabelSize = 16, TickLabelSize = 14, LegendSize = 14;
    const float LineWidth = 2.5f, MarkerSize = 6, FrameWidth = 1;

    /// <summary>Colours of a plot's series: matplotlib's first two, and darker shades of them for measured points.</summary>
    public static readonly Rgb Blue = new(31, 119, 180);
    public static readonly Rgb Red = new(214, 39, 40);
    public static readonly Rgb DarkBlue = new(10, 50, 90);
    public static readonly Rgb DarkRed = new(110, 15, 15);

    /// <summary>Preview labels: the text size of the smallest scale, in pixels.</summary>
    public const float LabelSize = 10;

    static readonly object Gate = new();
    static SKTypeface? _typeface;

    /// <summary>The shipped font, registered with ScottPlot on first use. ScottPlot's own font resolution returns it
    /// for <see cref="FontName"/>.</summary>
    internal static SKTypeface Typeface
    {
        get
        {
            lock (Gate)
            {
                if (_typeface is null)
                {
                    if (!File.Exists(FontFile))
                        throw new FileNotFoundException($"The module's font {FontFile} is missing; the module is not installed completely.", FontFile);
                    Fonts.AddFontFile(FontName, FontFile);
                    _typeface = Fonts.GetTypeface(FontName, FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
                }
                return _typeface;
            }
        }
    }

    /// <summary>Scale of text, lines and markers for a plot of this size: 1 from 900 × 640 pixels, smaller below in
    /// proportion, but not below 0.6.</summary>
    internal static float Scale(int width, int height) => (float)Math.Clamp(Math.Min(width / 900.0, height / 640.0), 0.6, 1.0);

    /// <summary>Whether a plot of this width has room for its legend beside the data, rather than over it.</summary>
    internal static bool LegendBeside(int width) => width >= 600;

    /// <summary>Gives <paramref name="plot"/> the module's look: the shipped font everywhere, text sizes for
    /// <paramref name="scale"/>, white background, light grid, black frame, tick labels with a true minus sign.</summary>
    internal static void Apply(Plot plot, float scale)
    {
        _ = Typeface;
        plot.Font.Set(FontName);
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = Rgb.LightGrey.ToScottPlot();
        plot.Axes.Title.Label.FontSize = TitleSize * scale;
        plot.Axes.Title.Label.Bold = false;
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.Label.FontSize = AxisLabelSize * scale;
            axis.Label.Bold = false;
            axis.TickLabelStyle.FontSize = TickLabelSize * scale;
            axis.FrameLineStyle.Width = FrameWidth;
            axis.FrameLineStyle.Color = Colors.Black;
        }
        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = TickLabel };
        plot.Legend.FontName = FontName;
        plot.Legend.FontSize = LegendSize * scale;
        plot.Legend.ShadowColor = Colors.Transparent;
    }

    /// <summary>A tick label: up to six significant digits, with a true minus sign.</summary>
    static string TickLabel(double value)
    {
        if (Math.Abs(value) < 1e-12) value = 0;
        return value.ToString("G6", CultureInfo.InvariantCulture).Replace('-', '\u2212');
    }

    /// <summary>A line through the points.</summary>
    internal static void Line(Plot plot, IReadOnlyList<double> x, IReadOnlyList<double> y, Rgb colour, string legend, float scale)
    {
        var line = plot.Add.ScatterLine(x.ToArray(), y.ToArray(), colour.ToScottPlot());
        line.LineWidth = LineWidth * scale;
        line.LegendText = legend;
    }

    /// <summary>A marker at each point; <paramref name="legend"/> "" for none.</summary>
    internal static void Points(Plot plot, IReadOnlyList<double> x, IReadOnlyList<double> y, Rgb colour, string legend, float scale)
    {
        var points = plot.Add.ScatterPoints(x.ToArray(), y.ToArray(), colour.ToScottPlot());
        points.MarkerSize = MarkerSize * scale;
        points.MarkerShape = MarkerShape.FilledCircle;
        points.LegendText = legend;
    }

    /// <summary>The font of preview labels at <paramref name="scale"/>: hinted, on whole pixels; anti-aliased from scale 2,
    /// while the smallest labels (10 pixels) are drawn crisp, each pixel ink or not, as grey fringes would blur them.</summary>
    internal static SKFont LabelFont(int scale) => new(Typeface, LabelSize * scale)
    {
        Edging = scale < 2 ? SKFontEdging.Alias : SKFontEdging.Antialias, Hinting = SKFontHinting.Full, Subpixel = false,
    };
}

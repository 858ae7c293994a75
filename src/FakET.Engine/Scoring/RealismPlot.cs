using System.Globalization;
using FakET.Preview;
using ScottPlot;

namespace FakET.Scoring;

/// <summary>
/// The realism picture, drawn by ScottPlot in the module's style: a 3 × 3 grid. Top row: the radially averaged power
/// spectra of the reference (black) and of each input at three of the reference's tilts (its lowest angle, the one
/// nearest 0° and its highest); middle: the intensity histograms at the tilt nearest 0°, then the spectrum and
/// Wasserstein-1 distances against tilt angle; bottom: the mean and std differences and the style distance against tilt angle.
/// </summary>
public static class RealismPlot
{
    public const int DefaultWidth = 1500, DefaultHeight = 1100;

    /// <summary>Colours of the inputs in order: matplotlib's tab10 after its first two (blue, red, from the module's style).</summary>
    static readonly Rgb[] Palette =
    {
        PictureStyle.Blue, PictureStyle.Red, new(44, 160, 44), new(255, 127, 14), new(148, 103, 189), new(140, 86, 75),
        new(227, 119, 194), new(127, 127, 127), new(188, 189, 34), new(23, 190, 207),
    };

    static Rgb ColourOf(int k) => Palette[k % Palette.Length];

    /// <summary>The picture as PNG bytes.</summary>
    public static byte[] Png(TiltSeries reference, IReadOnlyList<TiltSeries> inputs, IReadOnlyList<RealismSummary> results,
        int width = DefaultWidth, int height = DefaultHeight)
    {
        float scale = PictureStyle.Scale(width / 3, height / 3) * 1.4f;
        var figure = new Multiplot();
        figure.AddPlots(9);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(3, 3);
        var plots = Enumerable.Range(0, 9).Select(figure.GetPlot).ToArray();
        foreach (var p in plots) PictureStyle.Apply(p, scale);
        int bands = Realism.BandCount(inputs.Append(reference));
        var angles = reference.TiltAngles ?? Enumerable.Range(0, reference.Count).Select(i => (double)i).ToArray();
        int low = Enumerable.Range(0, reference.Count).MinBy(i => angles[i]);
        int high = Enumerable.Range(0, reference.Count).MaxBy(i => angles[i]);
        int zero = Enumerable.Range(0, reference.Count).MinBy(i => Math.Abs(angles[i]));
        string Angle(int j) => reference.TiltAngles is null ? $"tilt {j}" : string.Create(CultureInfo.InvariantCulture, $"{angles[j]:0.#}°");

        // Spectra at three reference tilts.
        foreach (var (plot, j) in new[] { (plots[0], low), (plots[1], zero), (plots[2], high) })
        {
            plot.Title($"power spectrum at {Angle(j)}");
            plot.XLabel("frequency (cycles/pixel)");
            plot.YLabel("log10 power");
            Spectrum(plot, reference.Section(j), reference.Height, reference.Width, bands, new Rgb(0, 0, 0), "reference", scale);
            for (int k = 0; k < inputs.Count; k++)
            {
                int i = InputTiltFor(results[k], j);
                if (i >= 0) Spectrum(plot, inputs[k].Section(i), inputs[k].Height, inputs[k].Width, bands, ColourOf(k), results[k].Input, scale);
            }
        }
        plots[0].ShowLegend(Alignment.UpperRight);

        // Histograms at the tilt nearest 0°, on one set of bins.
        var histogram = plots[3];
        histogram.Title($"intensity histogram at {Angle(zero)}");
        histogram.XLabel("value");
        histogram.YLabel("density");
        var sets = new List<(float[] Values, Rgb Colour, string Name)> { (reference.Section(zero), new Rgb(0, 0, 0), "reference") };
        for (int k = 0; k < inputs.Count; k++)
            if (InputTiltFor(results[k], zero) is var i && i >= 0) sets.Add((inputs[k].Section(i), ColourOf(k), results[k].Input));
        double min = sets.Min(s => Percentile(s.Values, 0.001)), max = sets.Max(s => Percentile(s.Values, 0.999));
        if (!(max > min)) max = min + 1;
        const int bins = 80;
        var centres = Enumerable.Range(0, bins).Select(b => min + (b + 0.5) * (max - min) / bins).ToArray();
        foreach (var (values, colour, name) in sets)
        {
            var density = new double[bins];
            foreach (var v in values)
            {
                int b = (int)Math.Floor((v - min) / (max - min) * bins);
                if (b >= 0 && b < bins) density[b]++;
            }
            for (int b = 0; b < bins; b++) density[b] /= values.Length * (max - min) / bins;
            PictureStyle.Line(histogram, centres, density, colour, name, scale);
        }

        // Metrics against tilt angle.
        Metric(plots[4], "spectrum: RMS log10 ratio", results, t => t.Spectrum, scale);
        Metric(plots[5], "Wasserstein-1 of intensities", results, t => t.Wasserstein, scale);
        Metric(plots[6], "mean − reference mean", results, t => t.MeanDifference, scale);
        Metric(plots[7], "std − reference std", results, t => t.StdDifference, scale);
        Metric(plots[8], $"style distance ({results.FirstOrDefault()?.Weights ?? ""} VGG-19)", results, t => t.Style, scale);
        plots[4].ShowLegend(Alignment.UpperRight);
        return PlotPicture.Render(figure, width, height).Png;
    }

    static int InputTiltFor(RealismSummary result, int referenceTilt) =>
        result.PerTilt.FirstOrDefault(t => t.ReferenceIndex == referenceTilt)?.Index ?? -1;

    static void Spectrum(Plot plot, float[] image, int height, int width, int bands, Rgb colour, string name, float scale)
    {
        var power = Realism.RadialSpectrum(image, height, width, bands);
        var x = new List<double>();
        var y = new List<double>();
        for (int b = 1; b < bands; b++)
        {
            if (!(power[b] > 0)) continue;
            x.Add((b + 0.5) / (2.0 * bands));
            y.Add(Math.Log10(power[b]));
        }
        PictureStyle.Line(plot, x, y, colour, name, scale);
    }

    static void Metric(Plot plot, string title, IReadOnlyList<RealismSummary> results, Func<RealismTilt, double> value, float scale)
    {
        plot.Title(title);
        plot.XLabel("tilt angle (°)");
        for (int k = 0; k < results.Count; k++)
        {
            var rows = results[k].PerTilt.Where(t => double.IsFinite(value(t))).ToList();
            if (rows.Count == 0) continue;
            var x = rows.Select(t => t.Angle ?? t.Index).ToArray();
            PictureStyle.Line(plot, x, rows.Select(value).ToArray(), ColourOf(k), results[k].Input, scale);
        }
    }

    static double Percentile(float[] values, double q)
    {
        var sorted = values.Where(float.IsFinite).Select(v => (double)v).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[(int)Math.Clamp(Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
    }
}

using System.Text;
using System.Text.Json;
using FakET.IO;
using FakET.Preview;
using ScottPlot;

namespace FakET.Scoring;

/// <summary>
/// The files of a picking score: <c>name.json</c> (every figure; a <c>shrec2021</c> object holds the published ones
/// under the keys the published script's <c>evaluation.json</c> uses), <c>name_confusion.csv</c> (rows true classes,
/// columns predicted) and <c>name_confusion.png</c> (the matrix as a heatmap, each row normalised to its particles,
/// with the counts written in the cells), written together atomically.
/// </summary>
public static class PickingReport
{
    /// <summary>The three file names for <paramref name="path"/> (its extension replaced).</summary>
    public static (string Json, string Csv, string Png) Files(string path)
    {
        string stem = Path.ChangeExtension(path, null);
        return (stem + ".json", stem + "_confusion.csv", stem + "_confusion.png");
    }

    /// <summary>Writes the three files, all or none.</summary>
    public static void Write(string path, PickingAccuracy result, CancellationToken cancel = default)
    {
        var (json, csv, png) = Files(path);
        using var files = new AtomicFileSet(cancel);
        files.WriteAllText(json, ToJson(result));
        files.WriteAllText(csv, result.ConfusionMatrix.ToCsv());
        var picture = Heatmap(result);
        files.Write(png, stream => stream.Write(picture));
        files.Commit();
    }

    /// <summary>Every figure as JSON (NaN as null).</summary>
    public static string ToJson(PickingAccuracy r)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var l = r.Localization;
            w.WriteStartObject();
            w.WriteString("format", "FakET.PowerShell/picking-accuracy");
            w.WriteNumber("formatVersion", 1);
            w.WriteString("truth", r.Truth);
            w.WriteString("predicted", r.Predicted);
            w.WriteString("matching", r.Matching.ToString());
            Number(w, "voxelSize", r.VoxelSize ?? double.NaN);
            w.WriteStartArray("excludedClasses");
            foreach (var c in r.ExcludedClasses) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteStartObject("localization");
            foreach (var (name, value) in new (string, double)[]
            {
                ("picks", l.Picks), ("particles", l.Particles), ("truePositives", l.TruePositives), ("falsePositives", l.FalsePositives),
                ("falseNegatives", l.FalseNegatives), ("multipleHits", l.MultipleHits), ("outOfBounds", l.OutOfBounds),
                ("excludedHits", l.ExcludedHits), ("precision", l.Precision), ("recall", l.Recall), ("f1", l.F1),
                ("recallWithoutExcluded", l.RecallWithoutExcluded), ("f1WithoutExcluded", l.F1WithoutExcluded),
                ("meanDistance", l.MeanDistance), ("publishedMeanDistance", l.PublishedMeanDistance),
            })
                Number(w, name, value);
            w.WriteEndObject();
            w.WriteStartObject("classification");
            Number(w, "f1Macro", r.Classification.F1Macro);
            Number(w, "f1MacroWithoutBackground", r.Classification.F1MacroWithoutBackground);
            w.WriteStartArray("perClass");
            foreach (var c in r.Classification.PerClass)
            {
                w.WriteStartObject();
                w.WriteString("class", c.Class);
                w.WriteNumber("support", c.Support);
                Number(w, "precision", c.Precision);
                Number(w, "recall", c.Recall);
                Number(w, "f1", c.F1);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("confusionMatrix");
            w.WriteStartArray("classes");
            foreach (var c in r.ConfusionMatrix.Classes) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteStartArray("counts");
            foreach (var row in r.ConfusionMatrix.Counts)
            {
                w.WriteStartArray();
                foreach (var n in row) w.WriteNumberValue(n);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            // The published figures under the published script's own keys.
            w.WriteStartObject("shrec2021");
            w.WriteStartObject("localization");
            w.WriteNumber("predicted_particles", l.Picks);
            w.WriteNumber("expected_particles", l.Particles);
            w.WriteNumber("TP", l.TruePositives);
            w.WriteNumber("FP", l.FalsePositives);
            w.WriteNumber("FN", l.FalseNegatives);
            Number(w, "recall", l.Recall);
            Number(w, "Precision", l.Precision);
            Number(w, "Miss rate", 1 - l.Recall);
            Number(w, "F1 score", l.F1);
            Number(w, "avg_euclid_dist_from_real_center", l.PublishedMeanDistance);
            w.WriteNumber("n_particles_with_multiple_preds", l.MultipleHits);
            w.WriteNumber("n_particles_outside_bounds", l.OutOfBounds);
            w.WriteEndObject();
            Number(w, "classification_f1_macro", r.Classification.F1Macro);
            w.WriteStartObject("classification_f1_per_class");
            foreach (var c in r.Classification.PerClass) Number(w, c.Class, c.F1);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    /// <summary>The confusion matrix as a PNG heatmap: rows (true classes) normalised to their particle count, counts in the cells.</summary>
    public static byte[] Heatmap(PickingAccuracy result)
    {
        var m = result.ConfusionMatrix;
        int n = m.Classes.Count;
        int size = Math.Clamp(220 + 46 * n, 480, 1600);
        float scale = PictureStyle.Scale(size, size);
        var fractions = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            double sum = m.Counts[i].Sum();
            // ScottPlot draws row 0 of the array at the top.
            for (int j = 0; j < n; j++) fractions[i, j] = sum == 0 ? 0 : m.Counts[i][j] / sum;
        }
        var figure = new Multiplot();
        var plot = figure.GetPlot(0);
        PictureStyle.Apply(plot, scale);
        var heatmap = plot.Add.Heatmap(fractions);
        heatmap.Colormap = new ScottPlot.Colormaps.CustomInterpolated(new[] { Colors.White, PictureStyle.Blue.ToScottPlot(), PictureStyle.DarkBlue.ToScottPlot() });
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (m.Counts[i][j] == 0) continue;
                var text = plot.Add.Text(m.Counts[i][j].ToString(System.Globalization.CultureInfo.InvariantCulture), j, n - 1 - i);
                text.LabelFontName = PictureStyle.FontName;
                text.LabelFontSize = 13 * scale;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = fractions[i, j] > 0.55 ? Colors.White : Colors.Black;
            }
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var bottom = new ScottPlot.TickGenerators.NumericManual();
        var left = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < n; i++)
        {
            bottom.AddMajor(i, m.Classes[i]);
            left.AddMajor(n - 1 - i, m.Classes[i]);
        }
        plot.Axes.Bottom.TickGenerator = bottom;
        plot.Axes.Left.TickGenerator = left;
        plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 115 * scale;
        plot.Grid.IsVisible = false;
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Title(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"classification F1 {result.Classification.F1Macro:0.000}, localization F1 {result.Localization.F1:0.000}"));
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        return PlotPicture.Render(figure, size, size).Png;
    }
}

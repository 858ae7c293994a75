using System.Globalization;

namespace FakET;

/// <summary>
/// A stack of equally sized float32 images (sections), stored one array per section so that large
/// data can be read, processed and written section by section. A <see cref="TiltSeries"/> is a stack
/// of tilt images (tilt, Y, X); a <see cref="Volume"/> is a stack of Z sections (Z, Y, X).
/// </summary>
public abstract class ImageStack
{
    readonly float[][] _sections;

    protected ImageStack(float[][] sections, int height, int width, double pixelSize, IEnumerable<HistoryEntry>? history)
    {
        ArgumentNullException.ThrowIfNull(sections);
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), "Image size must be positive.");
        if (sections.Length == 0) throw new ArgumentException("A stack needs at least one section.", nameof(sections));
        if (!(pixelSize > 0) || double.IsInfinity(pixelSize)) throw new ArgumentOutOfRangeException(nameof(pixelSize), "Pixel size must be a positive number of Å.");
        long plane = (long)height * width;
        for (int i = 0; i < sections.Length; i++)
            if (sections[i] is null || sections[i].LongLength != plane)
                throw new ArgumentException($"Section {i} does not hold {height}×{width} values.", nameof(sections));
        _sections = sections;
        Height = height;
        Width = width;
        PixelSize = pixelSize;
        History = (history ?? Array.Empty<HistoryEntry>()).ToList();
    }

    /// <summary>Number of sections (tilts, or Z).</summary>
    public int Count => _sections.Length;
    /// <summary>Y size in pixels.</summary>
    public int Height { get; }
    /// <summary>X size in pixels.</summary>
    public int Width { get; }
    /// <summary>Pixel (voxel) size in Å.</summary>
    public double PixelSize { get; }
    /// <summary>The MRC origin (Å), kept from an imported file and written back on export.</summary>
    public (double X, double Y, double Z) Origin { get; init; }

    /// <summary>The steps that made this object, oldest first.</summary>
    public IReadOnlyList<HistoryEntry> History { get; }

    /// <summary>Section <paramref name="index"/>, row-major (Y, X). The array is the stack's own: treat it as read-only.</summary>
    public float[] Section(int index) => _sections[index];

    /// <summary>All sections. The arrays are the stack's own: treat them as read-only. A method, not a property, so that
    /// nothing that lists or serialises properties (PowerShell's Format-List * and ConvertTo-Json, JSON serialisers)
    /// copies the pixels; C# reads them as the property <c>Sections</c> (<see cref="BulkData"/>), PowerShell as the
    /// property <c>Sections</c> that the module's types file adds, hidden from listings.</summary>
    public IReadOnlyList<float[]> GetSections() => _sections;

    /// <summary>The shape: sections, Y, X (tilts or Z first), e.g. 61, 1024, 1024.</summary>
    public IReadOnlyList<int> Shape => new[] { Count, Height, Width };

    /// <summary>Bytes the pixels take in memory (float32, 4 a pixel).</summary>
    public long SizeInBytes => 4L * Count * Height * Width;

    /// <summary>The summary of the newest step, for display.</summary>
    public string LastStep => History.Count == 0 ? "" : History[^1].Summary;

    /// <summary>Where the stack came from, for the history of a step that takes it as a further input: the file it was
    /// last imported from and the summaries of the steps since (e.g. <c>/data/model_1/projections_unbinned.mrc</c>, or
    /// <c>/out/clean.mrc → noisy (seed 1)</c>); without an import, the summaries of all its steps.</summary>
    public string Provenance
    {
        get
        {
            int start = History.Count - 1;
            while (start >= 0 && !(History[start].Step == Stages.Steps.Import && History[start].Parameters.ContainsKey("Path"))) start--;
            var parts = new List<string>();
            if (start >= 0) parts.Add(History[start].Parameters["Path"]?.ToString() ?? "");
            parts.AddRange(History.Skip(start + 1).Select(e => e.Summary));
            return string.Join(" → ", parts);
        }
    }

    /// <summary>History plus one new entry: what a step records on the object it makes.</summary>
    public IReadOnlyList<HistoryEntry> HistoryWith(HistoryEntry entry) => History.Append(entry).ToList();

    /// <summary>Mean and standard deviation of section <paramref name="index"/>, accumulated in float64.</summary>
    public (double Mean, double Std) SectionStatistics(int index) => Statistics.MeanStd(_sections[index]);

    protected static string Number(double value, string format = "0.0##") => value.ToString(format, CultureInfo.InvariantCulture);
}

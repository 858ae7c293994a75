using System.Globalization;
using System.Text;

namespace FakET;

/// <summary>
/// A tilt series: one float32 image (Y, X) per tilt, the tilt angles in degrees (tilt axis Y),
/// the pixel size in Å, and the history of the steps that made it.
/// </summary>
public sealed class TiltSeries : ImageStack
{
    /// <param name="tilts">One row-major (Y, X) image per tilt.</param>
    /// <param name="height">Y size.</param>
    /// <param name="width">X size.</param>
    /// <param name="tiltAngles">Degrees, one per tilt; <c>null</c> when unknown.</param>
    /// <param name="pixelSize">Å per pixel.</param>
    /// <param name="history">The steps that made it.</param>
    /// <param name="acquisitionOrder">The tilt angles in the order they were acquired (e.g. dose-symmetric), when it
    /// differs from the stack's order; the same angles as <paramref name="tiltAngles"/>.</param>
    public TiltSeries(float[][] tilts, int height, int width, IReadOnlyList<double>? tiltAngles, double pixelSize,
        IEnumerable<HistoryEntry>? history = null, IReadOnlyList<double>? acquisitionOrder = null)
        : base(tilts, height, width, pixelSize, history)
    {
        if (tiltAngles is not null)
        {
            if (tiltAngles.Count != tilts.Length)
                throw new FakETException(ErrorIds.TiltAngleCountMismatch, FailureKind.InvalidArgument,
                    $"The series has {tilts.Length} tilts but {tiltAngles.Count} tilt angles were given.");
            TiltAngleLimits.Check(tiltAngles, "The tilt series' angles");
            TiltAngles = tiltAngles.ToArray();
        }
        if (acquisitionOrder is not null)
        {
            if (TiltAngles is null || !acquisitionOrder.Order().SequenceEqual(TiltAngles.Order()))
                throw new FakETException(ErrorIds.TiltAngleInvalid, FailureKind.InvalidArgument,
                    "The acquisition order must list the series' own tilt angles, each once.");
            AcquisitionOrder = acquisitionOrder.ToArray();
        }
    }

    /// <summary>Number of tilts.</summary>
    public int TiltCount => Count;

    /// <summary>Tilt angles in degrees, one per tilt, or <c>null</c> when unknown.</summary>
    public IReadOnlyList<double>? TiltAngles { get; }

    /// <summary>The lowest and highest tilt angle in degrees (as New-TiltSeries -TiltRange takes them), or <c>null</c>
    /// when the angles are unknown.</summary>
    public IReadOnlyList<double>? TiltRange => TiltAngles is null ? null : new[] { TiltAngles.Min(), TiltAngles.Max() };

    /// <summary>The tilt angles in the order they were acquired, or <c>null</c> when that is the stack's order or unknown.</summary>
    public IReadOnlyList<double>? AcquisitionOrder { get; }

    /// <summary>The ground truth of the sample this series shows, in the detector's frame, or <c>null</c> when the series
    /// was not projected from a labelled sample (or lost it, e.g. on import).</summary>
    public GroundTruth? GroundTruth { get; init; }

    /// <summary>Tilt image <paramref name="index"/> (row-major Y, X).</summary>
    public float[] Tilt(int index) => Section(index);

    /// <summary>
    /// A series a step makes from this one: new tilts and this series' history plus <paramref name="entry"/>. It keeps the
    /// tilt angles, acquisition order, origin, pixel size and ground truth; a step that deliberately changes one says so here:
    /// <paramref name="selection"/> keeps only those tilts (their angles and their entries of the acquisition order),
    /// <paramref name="height"/>, <paramref name="width"/> and <paramref name="pixelSize"/> resize the images, and
    /// <paramref name="acquisitionOrder"/> replaces the order, and <paramref name="origin"/> and <paramref name="groundTruth"/>
    /// replace the MRC origin and the ground truth's frame (a crop moves them). Every stage that makes a series from a series makes it here.
    /// </summary>
    public TiltSeries Derive(float[][] tilts, HistoryEntry entry, (int First, int Count)? selection = null, int? height = null,
        int? width = null, double? pixelSize = null, IReadOnlyList<double>? acquisitionOrder = null,
        (double X, double Y, double Z)? origin = null, GroundTruth? groundTruth = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (first, count) = selection ?? (0, Count);
        if (first < 0 || count < 0 || first + count > Count)
            throw new ArgumentOutOfRangeException(nameof(selection), $"Tilts {first} to {first + count - 1} are not all in the series' {Count}.");
        var angles = TiltAngles?.Skip(first).Take(count).ToArray();
        var order = acquisitionOrder ?? (selection is null ? AcquisitionOrder : OrderOf(angles));
        int h = height ?? Height, w = width ?? Width;
        return new TiltSeries(tilts, h, w, angles, pixelSize ?? PixelSize, HistoryWith(entry), order)
        {
            Origin = origin ?? Origin,
            GroundTruth = groundTruth ?? GroundTruth?.Resized(Height, Width, h, w),
        };
    }

    /// <summary>The acquisition order's entries for a selection of this series' tilts, in acquisition order (each
    /// selected angle takes one entry, so repeated angles stay paired).</summary>
    IReadOnlyList<double>? OrderOf(IReadOnlyList<double>? selected)
    {
        if (AcquisitionOrder is null || selected is null) return null;
        var left = selected.GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
        var order = new List<double>(selected.Count);
        foreach (var angle in AcquisitionOrder)
            if (left.TryGetValue(angle, out int n) && n > 0)
            {
                left[angle] = n - 1;
                order.Add(angle);
            }
        return order;
    }

    /// <summary>The same series with other tilt angles (and so no acquisition order).</summary>
    public TiltSeries WithTiltAngles(IReadOnlyList<double>? angles, HistoryEntry? entry = null) =>
        new(GetSections().ToArray(), Height, Width, angles, PixelSize, entry is null ? History : HistoryWith(entry))
        {
            Origin = Origin,
            GroundTruth = GroundTruth,
        };

    /// <summary>One line: <c>TiltSeries 61×1024×1024  −60°…+60°  10.0 Å/px  noisy (seed 1)</c>.</summary>
    public override string ToString()
    {
        var line = new StringBuilder($"TiltSeries {Count}×{Height}×{Width}  ");
        line.Append(TiltAngles is null ? "angles unknown" : $"{Degrees(TiltAngles.Min())}…{Degrees(TiltAngles.Max())}");
        line.Append($"  {Number(PixelSize, "0.0##")} Å/px");
        if (GroundTruth is not null) line.Append("  labelled");
        if (LastStep.Length > 0) line.Append("  ").Append(LastStep);
        return line.ToString();
    }

    internal static string Degrees(double a)
    {
        string magnitude = Math.Abs(a).ToString("0.##", CultureInfo.InvariantCulture);
        return (a > 0 ? "+" : a < 0 ? "\u2212" : "") + magnitude + "°";
    }
}

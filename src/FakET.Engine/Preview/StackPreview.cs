namespace FakET.Preview;

/// <summary>Where one image sits in a preview picture, and its label ("" when the picture is one bare image).</summary>
public sealed record PreviewPanel(string Label, int X, int Y, int Width, int Height);

/// <summary>A rendered preview: the picture, where each image sits in it, and the grey scale used for all of them.</summary>
public sealed record PreviewPicture(GrayCanvas Image, IReadOnlyList<PreviewPanel> Panels, PercentileContrast Contrast)
{
    /// <summary>Writes the picture as a greyscale PNG, atomically.</summary>
    public void Write(string path, CancellationToken cancel = default) => Image.Write(path, cancel);
}

/// <summary>The planes of a volume that a slice preview can show.</summary>
public enum SlicePlane
{
    /// <summary>A Z section: rows Y, columns X.</summary>
    XY,
    /// <summary>A Y slice: rows Z, columns X (shown below the XY section, columns aligned).</summary>
    XZ,
    /// <summary>An X slice: rows Y, columns Z (shown right of the XY section, rows aligned).</summary>
    YZ,
}

/// <summary>
/// Preview pictures of tilt series and volumes: one tilt, a montage of tilts, or slices of a volume, in grey with
/// one percentile contrast over all the pixels shown (<see cref="PercentileContrast"/>). Row 0 of an image is the top
/// of the picture. Pictures of several images label each above it in a strip, white on black, with a
/// <see cref="Gap"/> between cells; a picture of one image is that image alone, pixel for pixel.
/// </summary>
public static class StackPreview
{
    /// <summary>Pixels between cells of a montage or slice view.</summary>
    public const int Gap = 2;
    /// <summary>Default largest side of a montage tile.</summary>
    public const int DefaultTileSize = 256;
    const byte Ink = 255;

    /// <summary>Height of the label strip above each cell at a text scale: a line of label text and 2 pixels above and below.</summary>
    public static int LabelHeight(int scale) => GrayCanvas.TextHeight(scale) + 4;

    /// <summary>Tilt <paramref name="index"/> alone, at full size.</summary>
    public static PreviewPicture Tilt(TiltSeries series, int index, double lowPercentile = PercentileContrast.DefaultLowPercentile,
        double highPercentile = PercentileContrast.DefaultHighPercentile)
    {
        PercentileContrast.Check(lowPercentile, highPercentile);
        CheckTilt(series, index);
        return Single(Plane.From(series.Tilt(index), series.Width, series.Height), lowPercentile, highPercentile);
    }

    /// <summary>The index of the tilt whose angle is nearest to <paramref name="angle"/> (the first of equals).</summary>
    public static int NearestTilt(TiltSeries series, double angle)
    {
        if (series.TiltAngles is not { } angles)
            throw new FakETException(ErrorIds.TiltAnglesUnknown, FailureKind.InvalidArgument,
                "The series has no tilt angles, so no tilt can be chosen by angle; choose it by index instead.");
        int best = 0;
        for (int i = 1; i < angles.Count; i++)
            if (Math.Abs(angles[i] - angle) < Math.Abs(angles[best] - angle)) best = i;
        return best;
    }

    /// <summary>
    /// A grid of tilts, row by row (tilt k in column k mod columns, row k div columns), each labelled with its angle
    /// (or "#k" when the angles are unknown). Each tilt is shrunk by area averaging so that its larger side is at most
    /// <paramref name="tileSize"/> (never enlarged); only the tiles are held, never the full-size tilts together.
    /// </summary>
    /// <param name="indices">The tilts to show, in order; null for all.</param>
    /// <param name="columns">Cells per row; 0 chooses a near-square picture.</param>
    public static PreviewPicture Montage(TiltSeries series, IReadOnlyList<int>? indices = null, int tileSize = DefaultTileSize, int columns = 0,
        double lowPercentile = PercentileContrast.DefaultLowPercentile, double highPercentile = PercentileContrast.DefaultHighPercentile,
        CancellationToken cancel = default, Action<int, int>? progress = null)
    {
        PercentileContrast.Check(lowPercentile, highPercentile);
        indices ??= Enumerable.Range(0, series.Count).ToArray();
        if (indices.Count == 0) throw Invalid("A montage needs at least one tilt.");
        foreach (var i in indices) CheckTilt(series, i);
        if (tileSize < 1) throw Invalid($"The tile size must be at least 1 pixel; got {tileSize}.");
        if (columns < 0) throw Invalid($"The number of columns must be positive (or 0 to choose); got {columns}.");
        var (tileWidth, tileHeight) = TileSize(series.Width, series.Height, tileSize);
        if (columns == 0) columns = (int)Math.Ceiling(Math.Sqrt(indices.Count * (double)tileHeight / tileWidth));
        columns = Math.Min(columns, indices.Count);
        int rows = (indices.Count + columns - 1) / columns;

        var tiles = new Plane[indices.Count];
        for (int k = 0; k < indices.Count; k++)
        {
            cancel.ThrowIfCancellationRequested();
            tiles[k] = Plane.AreaAverage(series.Tilt(indices[k]), series.Width, series.Height, tileWidth, tileHeight);
            progress?.Invoke(k + 1, indices.Count);
        }
        var contrast = PercentileContrast.Of(tiles, lowPercentile, highPercentile);

        int scale = tileWidth >= 200 ? 2 : 1, label = LabelHeight(scale);
        int cellWidth = tileWidth + Gap, cellHeight = label + tileHeight + Gap;
        var image = new GrayCanvas(checked(columns * cellWidth - Gap), checked(rows * cellHeight - Gap));
        var panels = new List<PreviewPanel>();
        for (int k = 0; k < indices.Count; k++)
        {
            int x = k % columns * cellWidth, y = k / columns * cellHeight;
            string text = series.TiltAngles is { } angles ? TiltSeries.Degrees(angles[indices[k]]) : $"#{indices[k]}";
            image.DrawText(x + 2, y + 2, text, Ink, scale, right: x + tileWidth);
            image.Paste(tiles[k], contrast, x, y + label);
            panels.Add(new PreviewPanel(text, x, y + label, tileWidth, tileHeight));
        }
        return new PreviewPicture(image, panels, contrast);
    }

    /// <summary>The tile of a <paramref name="width"/> × <paramref name="height"/> image whose larger side is at most
    /// <paramref name="tileSize"/>, aspect kept, never larger than the image.</summary>
    public static (int Width, int Height) TileSize(int width, int height, int tileSize)
    {
        double factor = Math.Max(1, Math.Max(width, height) / (double)tileSize);
        return (Math.Max(1, (int)Math.Round(width / factor)), Math.Max(1, (int)Math.Round(height / factor)));
    }

    /// <summary>
    /// Slices of a volume through voxel (<paramref name="x"/>, <paramref name="y"/>, <paramref name="z"/>) (null: the
    /// middle index, size div 2), laid out as orthogonal views: the XY section top left, the YZ slice right of it
    /// (same rows, Z across), the XZ slice below it (same columns, Z down). One contrast for all. One plane alone is
    /// shown bare, at full size.
    /// </summary>
    /// <param name="cancel">Checked between the sections that the XZ and YZ slices read.</param>
    public static PreviewPicture Slices(Volume volume, IReadOnlyCollection<SlicePlane> planes, int? x = null, int? y = null, int? z = null,
        double lowPercentile = PercentileContrast.DefaultLowPercentile, double highPercentile = PercentileContrast.DefaultHighPercentile,
        CancellationToken cancel = default)
    {
        PercentileContrast.Check(lowPercentile, highPercentile);
        if (planes.Count == 0) throw Invalid("Name at least one plane to show (XY, XZ or YZ).");
        int cx = Index(x, volume.Width, "X"), cy = Index(y, volume.Height, "Y"), cz = Index(z, volume.Depth, "Z");
        var chosen = new[] { SlicePlane.XY, SlicePlane.YZ, SlicePlane.XZ }.Where(planes.Contains).ToArray();
        var images = chosen.Select(p => Slice(volume, p, cx, cy, cz, cancel)).ToArray();
        var contrast = PercentileContrast.Of(images, lowPercentile, highPercentile);
        if (images.Length == 1)
        {
            var alone = new GrayCanvas(images[0].Width, images[0].Height);
            alone.Paste(images[0], contrast, 0, 0);
            return new PreviewPicture(alone, new[] { new PreviewPanel("", 0, 0, images[0].Width, images[0].Height) }, contrast);
        }
        // Grid: XY (column 0, row 0), YZ right of it (column 1), XZ below it (row 1; beside YZ when there is no XY).
        bool hasXY = chosen.Contains(SlicePlane.XY);
        int Column(SlicePlane p) => p == SlicePlane.YZ ? 1 : 0;
        int Row(SlicePlane p) => p == SlicePlane.XZ && hasXY ? 1 : 0;
        int label = LabelHeight(1);
        var widths = new int[2];
        var heights = new int[2];
        for (int i = 0; i < chosen.Length; i++)
        {
            widths[Column(chosen[i])] = Math.Max(widths[Column(chosen[i])], images[i].Width);
            heights[Row(chosen[i])] = Math.Max(heights[Row(chosen[i])], images[i].Height);
        }
        int Extent(int[] sizes, int extra) => sizes.Where(s => s > 0).Sum(s => s + extra + Gap) - Gap;
        var image = new GrayCanvas(Extent(widths, 0), Extent(heights, label));
        var panels = new List<PreviewPanel>();
        for (int i = 0; i < chosen.Length; i++)
        {
            var p = chosen[i];
            int left = Column(p) == 0 ? 0 : widths[0] + Gap, top = Row(p) == 0 ? 0 : heights[0] + label + Gap;
            string text = p switch { SlicePlane.XY => $"XY z={cz}", SlicePlane.XZ => $"XZ y={cy}", _ => $"YZ x={cx}" };
            image.DrawText(left + 2, top + 2, text, Ink, 1, right: left + images[i].Width);
            image.Paste(images[i], contrast, left, top + label);
            panels.Add(new PreviewPanel(text, left, top + label, images[i].Width, images[i].Height));
        }
        return new PreviewPicture(image, panels, contrast);
    }

    /// <summary>One plane of the volume through the given voxel, in float64: XY rows Y × columns X; XZ rows Z × columns X;
    /// YZ rows Y × columns Z. Reads one row (XZ) or one value (YZ) per Z section.</summary>
    /// <param name="cancel">Checked between sections.</param>
    public static Plane Slice(Volume volume, SlicePlane plane, int x, int y, int z, CancellationToken cancel = default)
    {
        int w = volume.Width, h = volume.Height, d = volume.Depth;
        switch (plane)
        {
            case SlicePlane.XY:
                return Plane.From(volume.Section(z), w, h);
            case SlicePlane.XZ:
            {
                var values = new double[checked(d * w)];
                for (int k = 0; k < d; k++)
                {
                    cancel.ThrowIfCancellationRequested();
                    var row = volume.Section(k).AsSpan(y * w, w);
                    for (int i = 0; i < w; i++) values[k * w + i] = row[i];
                }
                return new Plane(w, d, values);
            }
            default:
            {
                var values = new double[checked(h * d)];
                for (int k = 0; k < d; k++)
                {
                    cancel.ThrowIfCancellationRequested();
                    var section = volume.Section(k);
                    for (int j = 0; j < h; j++) values[j * d + k] = section[j * w + x];
                }
                return new Plane(d, h, values);
            }
        }
    }

    static PreviewPicture Single(Plane plane, double lowPercentile, double highPercentile)
    {
        var contrast = PercentileContrast.Of(new[] { plane }, lowPercentile, highPercentile);
        var image = new GrayCanvas(plane.Width, plane.Height);
        image.Paste(plane, contrast, 0, 0);
        return new PreviewPicture(image, new[] { new PreviewPanel("", 0, 0, plane.Width, plane.Height) }, contrast);
    }

    static int Index(int? value, int size, string axis)
    {
        int index = value ?? size / 2;
        if (index < 0 || index >= size)
            throw new FakETException(ErrorIds.PreviewSliceOutOfRange, FailureKind.InvalidArgument,
                $"{axis} = {index} is outside the volume, whose {axis} runs from 0 to {size - 1}.");
        return index;
    }

    static void CheckTilt(TiltSeries series, int index)
    {
        if (index < 0 || index >= series.Count)
            throw new FakETException(ErrorIds.PreviewTiltOutOfRange, FailureKind.InvalidArgument,
                $"Tilt {index} does not exist: the series has {series.Count} tilts, numbered 0 to {series.Count - 1}.");
    }

    static FakETException Invalid(string message) => new(ErrorIds.PreviewParameterInvalid, FailureKind.InvalidArgument, message);
}

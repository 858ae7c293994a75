namespace FakET.Preview;

/// <summary>One image to show, in float64: a tilt, a section of a volume, or either shrunk to a tile.
/// Row-major (row 0 at the top of the picture).</summary>
public sealed class Plane
{
    public Plane(int width, int height, double[] values)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "A plane needs a positive size.");
        if (values.LongLength != (long)width * height) throw new ArgumentException("The values do not fill the plane.", nameof(values));
        Width = width;
        Height = height;
        Values = values;
    }

    public int Width { get; }
    public int Height { get; }
    public double[] Values { get; }

    public double this[int x, int y] => Values[y * Width + x];

    /// <summary>A float32 image (row-major, <paramref name="height"/> × <paramref name="width"/>) as a plane.</summary>
    public static Plane From(ReadOnlySpan<float> image, int width, int height)
    {
        var values = new double[checked(width * height)];
        for (int i = 0; i < values.Length; i++) values[i] = image[i];
        return new Plane(width, height, values);
    }

    /// <summary>
    /// The image shrunk to <paramref name="width"/> × <paramref name="height"/> by area averaging: each output pixel
    /// is the mean of the source over the rectangle it covers, partly covered source pixels weighted by the
    /// covered fraction. Separable (rows, then columns), in float64; it holds one output plane and one row.
    /// A size equal to the source's copies it; a larger one repeats pixels (nearest neighbour, by the same rule).
    /// </summary>
    public static Plane AreaAverage(ReadOnlySpan<float> image, int sourceWidth, int sourceHeight, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "A plane needs a positive size.");
        if (image.Length != (long)sourceWidth * sourceHeight) throw new ArgumentException("The pixels do not fill the image.", nameof(image));
        var columns = Weights(sourceWidth, width);
        var rows = Weights(sourceHeight, height);
        var output = new double[checked(width * height)];
        var row = new double[width];
        // Each source row, shrunk along x, goes to the output rows that cover it.
        var rowsOf = new List<(int Out, double Weight)>[sourceHeight];
        for (int j = 0; j < height; j++)
            foreach (var (source, weight) in rows[j]) (rowsOf[source] ??= new()).Add((j, weight));
        for (int y = 0; y < sourceHeight; y++)
        {
            if (rowsOf[y] is not { } targets) continue;
            var line = image.Slice(y * sourceWidth, sourceWidth);
            for (int i = 0; i < width; i++)
            {
                double sum = 0;
                foreach (var (source, weight) in columns[i]) sum += weight * line[source];
                row[i] = sum;
            }
            foreach (var (j, weight) in targets)
            {
                var target = output.AsSpan(j * width, width);
                for (int i = 0; i < width; i++) target[i] += weight * row[i];
            }
        }
        return new Plane(width, height, output);
    }

    /// <summary>For each of <paramref name="outputs"/> cells along an axis of <paramref name="inputs"/> pixels: the source
    /// pixels it covers and the covered fraction of each, normalised to sum to one.</summary>
    static List<(int Source, double Weight)>[] Weights(int inputs, int outputs)
    {
        var weights = new List<(int, double)>[outputs];
        double step = (double)inputs / outputs;
        for (int o = 0; o < outputs; o++)
        {
            var list = new List<(int, double)>();
            double start = o * step, end = (o + 1) * step;
            if (step <= 1)
            {
                // Enlarging (or equal): the source pixel under the cell's centre.
                list.Add((Math.Min(inputs - 1, (int)Math.Floor((start + end) / 2)), 1.0));
            }
            else
            {
                for (int s = (int)Math.Floor(start); s < Math.Min(inputs, (int)Math.Ceiling(end)); s++)
                {
                    double covered = Math.Min(end, s + 1) - Math.Max(start, s);
                    if (covered > 1e-12) list.Add((s, covered / step));
                }
            }
            weights[o] = list;
        }
        return weights;
    }
}

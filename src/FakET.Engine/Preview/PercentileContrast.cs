namespace FakET.Preview;

/// <summary>
/// The grey scale of a preview: the <see cref="LowPercentile"/> of the pixels shown maps to black, the
/// <see cref="HighPercentile"/> to white, linearly in between and clipped outside. Percentiles are numpy's default
/// (linear interpolation between the order statistics, <c>np.percentile</c>), computed in float64 over the finite
/// values of exactly the pixels the picture shows (after any shrinking to tiles).
/// </summary>
public sealed class PercentileContrast
{
    public const double DefaultLowPercentile = 0.5;
    public const double DefaultHighPercentile = 99.5;

    PercentileContrast(double lowPercentile, double highPercentile, double low, double high)
    {
        LowPercentile = lowPercentile;
        HighPercentile = highPercentile;
        Low = low;
        High = high;
    }

    public double LowPercentile { get; }
    public double HighPercentile { get; }
    /// <summary>The value shown black.</summary>
    public double Low { get; }
    /// <summary>The value shown white.</summary>
    public double High { get; }

    /// <summary>The contrast for <paramref name="planes"/>, all shown in one picture with one grey scale.</summary>
    public static PercentileContrast Of(IEnumerable<Plane> planes, double lowPercentile = DefaultLowPercentile, double highPercentile = DefaultHighPercentile)
    {
        Check(lowPercentile, highPercentile);
        var list = planes as IReadOnlyList<Plane> ?? planes.ToList();
        long count = 0;
        foreach (var p in list) count += p.Values.Count(double.IsFinite);
        var values = new double[count];
        int at = 0;
        foreach (var p in list)
            foreach (var v in p.Values)
                if (double.IsFinite(v)) values[at++] = v;
        if (values.Length == 0)
            throw new FakETException(ErrorIds.PreviewNoFiniteValues, FailureKind.InvalidData, "The image holds no finite value (only NaN or infinity); there is nothing to show.");
        Array.Sort(values);
        return new PercentileContrast(lowPercentile, highPercentile, Percentile(values, lowPercentile), Percentile(values, highPercentile));
    }

    /// <summary>Fails with <see cref="ErrorIds.PreviewPercentileInvalid"/> unless 0 ≤ low &lt; high ≤ 100.</summary>
    public static void Check(double lowPercentile, double highPercentile)
    {
        if (!(lowPercentile >= 0 && highPercentile <= 100 && lowPercentile < highPercentile))
            throw new FakETException(ErrorIds.PreviewPercentileInvalid, FailureKind.InvalidArgument,
                $"The percentiles must satisfy 0 ≤ low < high ≤ 100; got low {lowPercentile} and high {highPercentile}.");
    }

    /// <summary>numpy's <c>percentile(values, p)</c> (method 'linear') of values sorted ascending.</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.IsEmpty) throw new ArgumentException("No values.", nameof(sorted));
        double h = (sorted.Length - 1) * (percent / 100);
        int below = Math.Clamp((int)Math.Floor(h), 0, sorted.Length - 1);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>The grey level of <paramref name="value"/>: round(255·(value − Low)/(High − Low)), halves up, clipped to
    /// 0…255. NaN is black. When Low equals High (a constant image), Low is mid-grey 128, below black, above white.</summary>
    public byte Gray(double value)
    {
        if (double.IsNaN(value)) return 0;
        if (!(High > Low)) return value < Low ? (byte)0 : value > Low ? (byte)255 : (byte)128;
        double t = (value - Low) / (High - Low);
        if (t <= 0) return 0;
        if (t >= 1) return 255;
        return (byte)Math.Floor(t * 255 + 0.5);
    }
}

namespace FakET;

/// <summary>Statistics over many pixels, accumulated in float64 as docs/DESIGN.md, "Conventions", asks.</summary>
public static class Statistics
{
    /// <summary>Mean and population standard deviation (numpy's default, ddof 0).</summary>
    public static (double Mean, double Std) MeanStd(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return (double.NaN, double.NaN);
        double sum = 0;
        foreach (var v in values) sum += v;
        double mean = sum / values.Length;
        double squares = 0;
        foreach (var v in values)
        {
            double d = v - mean;
            squares += d * d;
        }
        return (mean, Math.Sqrt(squares / values.Length));
    }

    /// <summary>Minimum, maximum, mean and standard deviation over several arrays, in one pass each.</summary>
    public static (double Min, double Max, double Mean, double Std) Summary(IEnumerable<float[]> arrays)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        long n = 0;
        var list = arrays as IReadOnlyList<float[]> ?? arrays.ToList();
        foreach (var a in list)
        {
            foreach (var v in a)
            {
                if (v < min) min = v;
                if (v > max) max = v;
                sum += v;
            }
            n += a.LongLength;
        }
        double mean = n == 0 ? double.NaN : sum / n;
        double squares = 0;
        foreach (var a in list)
            foreach (var v in a)
            {
                double d = v - mean;
                squares += d * d;
            }
        return (min, max, mean, n == 0 ? double.NaN : Math.Sqrt(squares / n));
    }

    /// <summary>Pearson correlation of two equally long arrays, in float64.</summary>
    public static double Correlation(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("Arrays differ in length.");
        var (ma, _) = MeanStd(a);
        var (mb, _) = MeanStd(b);
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i] - ma, y = b[i] - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return sab / Math.Sqrt(saa * sbb);
    }
}

namespace FakET;

/// <summary>Least-squares polynomial fits in float64, as numpy's <c>polyfit</c> and <c>poly1d</c> compute them.</summary>
public static class Polynomial
{
    /// <summary>
    /// The coefficients (highest power first, as numpy's <c>polyfit</c>) of the polynomial of degree
    /// <paramref name="order"/> that fits <paramref name="y"/> at <paramref name="x"/> in least squares.
    /// Like numpy, the Vandermonde columns are scaled to unit norm; the system is solved by Householder QR.
    /// </summary>
    public static double[] Fit(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int order)
    {
        if (order < 0) throw new ArgumentOutOfRangeException(nameof(order), "The order must be 0 or more.");
        if (x.Length != y.Length) throw new ArgumentException("x and y differ in length.");
        int rows = x.Length, columns = order + 1;
        if (rows < columns) throw new ArgumentException($"A polynomial of order {order} needs at least {columns} points.");
        // Vandermonde matrix, highest power first, column-major: a[c][r] = x[r]^(order − c).
        var a = new double[columns][];
        for (int c = 0; c < columns; c++)
        {
            a[c] = new double[rows];
            for (int r = 0; r < rows; r++) a[c][r] = Math.Pow(x[r], order - c);
        }
        var scale = new double[columns];
        for (int c = 0; c < columns; c++)
        {
            double norm = Math.Sqrt(a[c].Sum(v => v * v));
            scale[c] = norm == 0 ? 1 : norm;
            for (int r = 0; r < rows; r++) a[c][r] /= scale[c];
        }
        var b = y.ToArray();
        // Householder QR: reduce a to upper-triangular R, applying the same reflections to b.
        for (int c = 0; c < columns; c++)
        {
            double norm = 0;
            for (int r = c; r < rows; r++) norm += a[c][r] * a[c][r];
            norm = Math.Sqrt(norm);
            if (norm == 0) throw new ArgumentException("The points do not determine the polynomial (too few distinct x).");
            double alpha = a[c][c] > 0 ? -norm : norm;
            var v = new double[rows];
            v[c] = a[c][c] - alpha;
            for (int r = c + 1; r < rows; r++) v[r] = a[c][r];
            double vv = 0;
            for (int r = c; r < rows; r++) vv += v[r] * v[r];
            if (vv == 0) continue;
            for (int k = c; k < columns; k++) Reflect(a[k], v, c, vv);
            Reflect(b, v, c, vv);
        }
        // Back substitution R · p = (Qᵀ b)[0..columns).
        var p = new double[columns];
        for (int c = columns - 1; c >= 0; c--)
        {
            double sum = b[c];
            for (int k = c + 1; k < columns; k++) sum -= a[k][c] * p[k];
            p[c] = sum / a[c][c];
        }
        for (int c = 0; c < columns; c++) p[c] /= scale[c];
        return p;

        static void Reflect(double[] column, double[] v, int from, double vv)
        {
            double dot = 0;
            for (int r = from; r < column.Length; r++) dot += v[r] * column[r];
            double f = 2 * dot / vv;
            for (int r = from; r < column.Length; r++) column[r] -= f * v[r];
        }
    }

    /// <summary>The polynomial (highest power first) at <paramref name="x"/>, by Horner's rule as numpy's <c>poly1d</c>.</summary>
    public static double Evaluate(ReadOnlySpan<double> coefficients, double x)
    {
        double value = 0;
        foreach (var c in coefficients) value = value * x + c;
        return value;
    }

    /// <summary>
    /// The curve <paramref name="y"/> smoothed by a polynomial fit of <paramref name="order"/> over its index
    /// 0, 1, …, n − 1, evaluated at the same indices: FakET's <c>polyfit(curve, order)</c>.
    /// Order −1 returns the curve unchanged.
    /// </summary>
    public static double[] FitOverIndex(IReadOnlyList<double> y, int order)
    {
        if (order == -1) return y.ToArray();
        var x = Enumerable.Range(0, y.Count).Select(i => (double)i).ToArray();
        var p = Fit(x, y.ToArray(), order);
        return x.Select(v => Evaluate(p, v)).ToArray();
    }
}

namespace FakET.Projection;

/// <summary>
/// The projection of one (Z, X) slice at one tilt angle as a sparse matrix: detector pixel j receives
/// Σ Weights[k]·slice[Columns[k]] over k in row j (row j spans Offsets[j] … Offsets[j+1]−1; a column is z·nx + x).
/// It is exactly scikit-image's bilinear warp followed by the row sum, restricted to the samples that land
/// on the slice, with every voxel's weights along one ray merged into one entry. A periodic matrix instead treats the
/// slice as one period of a sample that repeats along X without end (a slab wider than the field of view): each ray
/// runs through the whole depth and its samples wrap around in X, so no tilt sees past the sample's edge.
/// </summary>
public sealed class RayMatrix
{
    RayMatrix(double angle, int[] offsets, int[] columns, float[] weights)
    {
        Angle = angle;
        Offsets = offsets;
        Columns = columns;
        Weights = weights;
    }

    /// <summary>Tilt angle in degrees.</summary>
    public double Angle { get; }
    /// <summary>Detector width + 1 row starts (CSR).</summary>
    public int[] Offsets { get; }
    /// <summary>Voxel index z·nx + x of each entry.</summary>
    public int[] Columns { get; }
    /// <summary>Bilinear weight of each entry, summed over the ray's samples.</summary>
    public float[] Weights { get; }
    /// <summary>Number of entries.</summary>
    public int Count => Columns.Length;
    /// <summary>Bytes the matrix holds.</summary>
    public long Bytes => 4L * (Offsets.Length + Columns.Length + Weights.Length);

    /// <summary>Builds the matrix for <paramref name="angleDegrees"/>; rows are computed in parallel. With
    /// <paramref name="periodic"/>, the slice repeats along X (see the class summary); the angle must then not be ±90°.</summary>
    public static RayMatrix Build(ProjectionGeometry g, double angleDegrees, bool periodic = false)
    {
        double theta = angleDegrees * (Math.PI / 180);
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        if (periodic && Math.Abs(cos) < MinimumPeriodicCosine)
            throw new FakETException(ErrorIds.TiltAngleInvalid, FailureKind.InvalidArgument,
                $"At {angleDegrees}° a ray runs along a laterally unbounded sample without leaving it; project it with -LateralExtent Bounded, or tilt less than ±89°.");
        // scikit-image's inverse map (padded coordinates): col_in = cos·c + sin·r + m2, row_in = −sin·c + cos·r + m5.
        double m2 = -g.Centre * (cos + sin - 1), m5 = -g.Centre * (cos - sin - 1);
        int nz = g.Depth, nx = g.Width, last = g.PaddedSize - 1;
        var rowColumns = new int[g.DetectorWidth][];
        var rowWeights = new float[g.DetectorWidth][];
        Parallel.For(0, g.DetectorWidth, j =>
        {
            var row = Row.ForThisThread;
            row.Clear();
            int c = g.DetectorStart + j;
            // Slice coordinates along the ray: x = ax + sin·r, z = az + cos·r.
            double ax = cos * c + m2 - g.ColumnOffset;
            double az = -sin * c + m5 - g.RowOffset;
            // Bounded: the samples of the padded square that touch the slice. Periodic: every sample within the depth.
            var (lo, hi) = periodic ? (int.MinValue / 2, int.MaxValue / 2) : Within(ax, sin, nx, 0, last);
            (lo, hi) = Within(az, cos, nz, lo, hi);
            for (int r = lo; r <= hi; r++)
            {
                double x = ax + sin * r, z = az + cos * r;
                if (!((periodic || x > -1 && x < nx) && z > -1 && z < nz)) continue;
                double fx = Math.Floor(x), fz = Math.Floor(z);
                int x0 = (int)fx, z0 = (int)fz, x1 = x0 + 1;
                if (periodic)
                {
                    x0 = Wrap(x0, nx);
                    x1 = Wrap(x1, nx);
                }
                double dx = x - fx, dz = z - fz;
                row.Add(z0, x0, (1 - dz) * (1 - dx), nz, nx);
                row.Add(z0, x1, (1 - dz) * dx, nz, nx);
                row.Add(z0 + 1, x0, dz * (1 - dx), nz, nx);
                row.Add(z0 + 1, x1, dz * dx, nz, nx);
            }
            (rowColumns[j], rowWeights[j]) = row.ToArrays();
        });

        var offsets = new int[g.DetectorWidth + 1];
        long total = 0;
        for (int j = 0; j < g.DetectorWidth; j++)
        {
            offsets[j] = (int)total;
            total += rowColumns[j].Length;
            if (total > int.MaxValue) throw new InvalidOperationException("A projection matrix has more than 2³¹ entries.");
        }
        offsets[^1] = (int)total;
        var allColumns = new int[total];
        var allWeights = new float[total];
        for (int j = 0; j < g.DetectorWidth; j++)
        {
            rowColumns[j].CopyTo(allColumns, offsets[j]);
            rowWeights[j].CopyTo(allWeights, offsets[j]);
        }
        return new RayMatrix(angleDegrees, offsets, allColumns, allWeights);
    }

    /// <summary>|cos θ| below which a periodic ray (depth / |cos θ| samples long) is refused: about ±89.4°.</summary>
    public const double MinimumPeriodicCosine = 0.01;

    /// <summary><paramref name="x"/> modulo <paramref name="n"/>, in [0, n).</summary>
    static int Wrap(int x, int n) => (x % n + n) % n;

    /// <summary>The integer samples r in [lo, hi] where a + k·r may lie in (−1, n): a bilinear sample there can touch the slice.</summary>
    static (int Lo, int Hi) Within(double a, double k, int n, int lo, int hi)
    {
        const double eps = 1e-9;
        if (Math.Abs(k) < eps) return a > -1 && a < n ? (lo, hi) : (1, 0);
        double r1 = (-1 - a) / k, r2 = (n - a) / k;
        if (r1 > r2) (r1, r2) = (r2, r1);
        // Widen by one: the loop checks each sample exactly.
        return ((int)Math.Max(lo, Math.Floor(r1)), (int)Math.Min(hi, Math.Ceiling(r2)));
    }

    /// <summary>One ray's entries, with the weights that several samples give one voxel merged. Samples are one pixel
    /// apart along the ray and each touches a 2×2 cell, so a voxel is touched by at most three consecutive samples:
    /// its earlier entry is among the last twelve.</summary>
    sealed class Row
    {
        const int Window = 12;
        [ThreadStatic] static Row? _forThisThread;
        int[] _columns = new int[256];
        double[] _weights = new double[256];
        int _count;

        public static Row ForThisThread => _forThisThread ??= new Row();

        public void Clear() => _count = 0;

        public void Add(int z, int x, double weight, int nz, int nx)
        {
            if (weight == 0 || (uint)z >= (uint)nz || (uint)x >= (uint)nx) return;
            int index = z * nx + x;
            for (int k = _count - 1; k >= 0 && k >= _count - Window; k--)
                if (_columns[k] == index)
                {
                    _weights[k] += weight;
                    return;
                }
            if (_count == _columns.Length)
            {
                Array.Resize(ref _columns, 2 * _count);
                Array.Resize(ref _weights, 2 * _count);
            }
            _columns[_count] = index;
            _weights[_count++] = weight;
        }

        public (int[] Columns, float[] Weights) ToArrays()
        {
            var weights = new float[_count];
            for (int k = 0; k < _count; k++) weights[k] = (float)_weights[k];
            return (_columns.AsSpan(0, _count).ToArray(), weights);
        }
    }
}

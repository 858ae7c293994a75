namespace FakET.Projection;

/// <summary>
/// The projection of one (Z, X) slice at one tilt angle as a sparse matrix: detector pixel j receives
/// Σ Weights[k]·slice[Columns[k]] over k in row j (row j spans Offsets[j] … Offsets[j+1]−1; a column is z·nx + x).
/// It is exactly scikit-image's bilinear warp followed by the row sum, restricted to the samples that land
/// on the slice, with every voxel's weights along one ray merged into one entry.
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

    /// <summary>Builds the matrix for <paramref name="angleDegrees"/>; rows are computed in parallel.</summary>
    public static RayMatrix Build(ProjectionGeometry g, double angleDegrees)
    {
        double theta = angleDegrees * (Math.PI / 180);
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        // scikit-image's inverse map (padded coordinates): col_in = cos·c + sin·r + m2, row_in = −sin·c + cos·r + m5.
        double m2 = -g.Centre * (cos + sin - 1), m5 = -g.Centre * (cos - sin - 1);
        int nz = g.Depth, nx = g.Width, last = g.PaddedSize - 1;
        var rowColumns = new int[g.DetectorWidth][];
        var rowWeights = new float[g.DetectorWidth][];
        Parallel.For(0, g.DetectorWidth,
            () => new Scratch(nz * nx),
            (j, _, scratch) =>
            {
                int c = g.DetectorStart + j;
                // Slice coordinates along the ray: x = ax + sin·r, z = az + cos·r.
                double ax = cos * c + m2 - g.ColumnOffset;
                double az = -sin * c + m5 - g.RowOffset;
                var (lo, hi) = Within(ax, sin, nx, 0, last);
                (lo, hi) = Within(az, cos, nz, lo, hi);
                scratch.Touched.Clear();
                for (int r = lo; r <= hi; r++)
                {
                    double x = ax + sin * r, z = az + cos * r;
                    if (!(x > -1 && x < nx && z > -1 && z < nz)) continue;
                    double fx = Math.Floor(x), fz = Math.Floor(z);
                    int x0 = (int)fx, z0 = (int)fz;
                    double dx = x - fx, dz = z - fz;
                    scratch.Add(z0, x0, (1 - dz) * (1 - dx), nz, nx);
                    scratch.Add(z0, x0 + 1, (1 - dz) * dx, nz, nx);
                    scratch.Add(z0 + 1, x0, dz * (1 - dx), nz, nx);
                    scratch.Add(z0 + 1, x0 + 1, dz * dx, nz, nx);
                }
                var touched = scratch.Touched;
                var columns = new int[touched.Count];
                var weights = new float[touched.Count];
                for (int k = 0; k < touched.Count; k++)
                {
                    int index = touched[k];
                    columns[k] = index;
                    weights[k] = (float)scratch.Sum[index];
                    scratch.Sum[index] = 0;
                    scratch.Seen[index] = false;
                }
                rowColumns[j] = columns;
                rowWeights[j] = weights;
                return scratch;
            },
            _ => { });

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

    /// <summary>Per-thread accumulator that merges the weights one ray gives the same voxel.</summary>
    sealed class Scratch(int size)
    {
        public readonly double[] Sum = new double[size];
        public readonly bool[] Seen = new bool[size];
        public readonly List<int> Touched = new();

        public void Add(int z, int x, double weight, int nz, int nx)
        {
            if (weight == 0 || (uint)z >= (uint)nz || (uint)x >= (uint)nx) return;
            int index = z * nx + x;
            if (!Seen[index])
            {
                Seen[index] = true;
                Touched.Add(index);
            }
            Sum[index] += weight;
        }
    }
}

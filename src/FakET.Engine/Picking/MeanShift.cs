namespace FakET.Picking;

/// <summary>The result of <see cref="MeanShift.Cluster"/>: the cluster centres (densest first) and each point's cluster.</summary>
public sealed record MeanShiftResult(IReadOnlyList<(double X, double Y, double Z)> Centres, int[] Labels);

/// <summary>
/// Mean shift with a flat kernel and binned seeds, the clustering DeepFinder applies to a segmentation (its
/// <c>Cluster</c> step calls scikit-learn's <c>MeanShift(bandwidth, bin_seeding=True)</c>); written here after that
/// algorithm's description (Comaniciu and Meer 2002; scikit-learn's documented steps):
/// <list type="number">
/// <item>seeds are the points rounded (half to even) to a grid of <c>bandwidth</c>, one per occupied cell (every point
/// when each has its own cell);</item>
/// <item>each seed moves to the mean of the points within <c>bandwidth</c> of it (distance ≤ bandwidth) until it moves
/// at most 1e-3·bandwidth or 300 times; it ends with the count of points around its last position;</item>
/// <item>ends are taken densest first (ties: the larger coordinates first), and each drops every later end within
/// <c>bandwidth</c> of it;</item>
/// <item>each point belongs to the nearest centre (ties: the earlier one).</item>
/// </list>
/// Neighbours are found through a grid of cells of edge <c>bandwidth</c>, so a query visits 27 cells.
/// </summary>
public static class MeanShift
{
    const int MaxIterations = 300;

    public static MeanShiftResult Cluster(IReadOnlyList<(double X, double Y, double Z)> points, double bandwidth, CancellationToken cancel = default)
    {
        if (!(bandwidth > 0))
            throw new FakETException(PickingErrorIds.InvalidSetting, FailureKind.InvalidArgument, $"The bandwidth must be positive, not {bandwidth}.");
        if (points.Count == 0) return new MeanShiftResult(Array.Empty<(double, double, double)>(), Array.Empty<int>());
        var grid = new PointGrid(points, bandwidth);

        // Binned seeds. scikit-learn keeps them as float32 before scaling back; so do we, to start from the same place.
        var bins = new HashSet<(long, long, long)>();
        var seeds = new List<(double X, double Y, double Z)>();
        foreach (var p in points)
        {
            var bin = ((long)Math.Round(p.X / bandwidth), (long)Math.Round(p.Y / bandwidth), (long)Math.Round(p.Z / bandwidth));
            if (bins.Add(bin)) seeds.Add(((float)bin.Item1 * (float)bandwidth, (float)bin.Item2 * (float)bandwidth, (float)bin.Item3 * (float)bandwidth));
        }
        if (seeds.Count == points.Count) seeds = points.ToList();

        var ends = new Dictionary<(double, double, double), int>();
        double stop = 1e-3 * bandwidth;
        foreach (var seed in seeds)
        {
            cancel.ThrowIfCancellationRequested();
            var mean = seed;
            int within = 0;
            for (int iteration = 0; ; iteration++)
            {
                var (sum, count) = grid.SumWithin(mean, bandwidth);
                if (count == 0) break;
                within = count;
                var old = mean;
                mean = (sum.X / count, sum.Y / count, sum.Z / count);
                if (Distance(mean, old) <= stop || iteration == MaxIterations) break;
            }
            if (within > 0) ends[mean] = within;
        }

        var sorted = ends.OrderByDescending(e => e.Value).ThenByDescending(e => e.Key.Item1).ThenByDescending(e => e.Key.Item2)
            .ThenByDescending(e => e.Key.Item3).Select(e => e.Key).ToList();
        // Densest first, an end is kept unless a kept one lies within the bandwidth (scikit-learn's pass over its sorted
        // ends, where a kept end's neighbours are dropped); kept ends are looked up in a grid, so this is linear.
        var centres = new List<(double X, double Y, double Z)>();
        var kept = new CentreGrid(bandwidth);
        foreach (var end in sorted)
        {
            cancel.ThrowIfCancellationRequested();
            if (kept.AnyWithin(end, bandwidth)) continue;
            kept.Add(end, centres.Count);
            centres.Add(end);
        }

        // Each point to its nearest centre (the first in order on a tie), searched outwards ring by ring of grid cells.
        var labels = new int[points.Count];
        for (int i = 0; i < points.Count; i++)
        {
            if ((i & 0xFFFF) == 0) cancel.ThrowIfCancellationRequested();
            labels[i] = kept.Nearest(points[i], centres);
        }
        return new MeanShiftResult(centres, labels);
    }

    /// <summary>Centres sorted into cubic cells of one edge: "is one within r ≤ edge" and "which is nearest" without
    /// comparing with all of them.</summary>
    sealed class CentreGrid(double edge)
    {
        readonly Dictionary<(long, long, long), List<int>> _cells = new();
        readonly List<(double X, double Y, double Z)> _centres = new();
        long _minX = long.MaxValue, _maxX = long.MinValue, _minY = long.MaxValue, _maxY = long.MinValue, _minZ = long.MaxValue, _maxZ = long.MinValue;

        (long, long, long) Cell((double X, double Y, double Z) p) =>
            ((long)Math.Floor(p.X / edge), (long)Math.Floor(p.Y / edge), (long)Math.Floor(p.Z / edge));

        public void Add((double X, double Y, double Z) centre, int index)
        {
            var key = Cell(centre);
            if (!_cells.TryGetValue(key, out var list)) _cells[key] = list = new List<int>();
            list.Add(index);
            _centres.Add(centre);
            _minX = Math.Min(_minX, key.Item1); _maxX = Math.Max(_maxX, key.Item1);
            _minY = Math.Min(_minY, key.Item2); _maxY = Math.Max(_maxY, key.Item2);
            _minZ = Math.Min(_minZ, key.Item3); _maxZ = Math.Max(_maxZ, key.Item3);
        }

        public bool AnyWithin((double X, double Y, double Z) p, double radius)
        {
            var (cx, cy, cz) = Cell(p);
            for (long dz = -1; dz <= 1; dz++)
                for (long dy = -1; dy <= 1; dy++)
                    for (long dx = -1; dx <= 1; dx++)
                        if (_cells.TryGetValue((cx + dx, cy + dy, cz + dz), out var list))
                            foreach (int c in list)
                                if (Distance(p, _centres[c]) <= radius) return true;
            return false;
        }

        /// <summary>The index of the centre nearest <paramref name="p"/>, the lowest index among equally near ones.</summary>
        public int Nearest((double X, double Y, double Z) p, List<(double X, double Y, double Z)> centres)
        {
            if (_centres.Count == 0) return 0;
            var (cx, cy, cz) = Cell(p);
            double best = double.PositiveInfinity;
            int label = 0;
            long reach = Math.Max(Math.Max(Math.Max(Math.Abs(cx - _minX), Math.Abs(cx - _maxX)), Math.Max(Math.Abs(cy - _minY), Math.Abs(cy - _maxY))),
                Math.Max(Math.Abs(cz - _minZ), Math.Abs(cz - _maxZ)));
            for (long r = 0; r <= reach; r++)
            {
                // Every centre in a cell r rings out is at least (r − 1) edges away: once the best is nearer, stop.
                if ((r - 1) * edge > best) break;
                for (long dz = -r; dz <= r; dz++)
                    for (long dy = -r; dy <= r; dy++)
                        for (long dx = -r; dx <= r; dx++)
                        {
                            if (Math.Max(Math.Abs(dx), Math.Max(Math.Abs(dy), Math.Abs(dz))) != r) continue;
                            if (!_cells.TryGetValue((cx + dx, cy + dy, cz + dz), out var list)) continue;
                            foreach (int c in list)
                            {
                                double d = Distance(p, centres[c]);
                                if (d < best || (d == best && c < label))
                                {
                                    best = d;
                                    label = c;
                                }
                            }
                        }
            }
            return label;
        }
    }

    static double Distance((double X, double Y, double Z) a, (double X, double Y, double Z) b)
    {
        double dx = a.X - b.X, dy = a.Y - b.Y, dz = a.Z - b.Z;
        return Math.Sqrt(dx * dx + dy * dy + dz * dz);
    }

    /// <summary>Points sorted into cubic cells of one edge, for radius queries no wider than that edge.</summary>
    sealed class PointGrid
    {
        readonly Dictionary<(long, long, long), List<int>> _cells = new();
        readonly IReadOnlyList<(double X, double Y, double Z)> _points;
        readonly double _edge;

        public PointGrid(IReadOnlyList<(double X, double Y, double Z)> points, double edge)
        {
            _points = points;
            _edge = edge;
            for (int i = 0; i < points.Count; i++)
            {
                var key = Cell(points[i]);
                if (!_cells.TryGetValue(key, out var list)) _cells[key] = list = new List<int>();
                list.Add(i);
            }
        }

        (long, long, long) Cell((double X, double Y, double Z) p) =>
            ((long)Math.Floor(p.X / _edge), (long)Math.Floor(p.Y / _edge), (long)Math.Floor(p.Z / _edge));

        /// <summary>The sum and count of the points within <paramref name="radius"/> (≤ the edge) of <paramref name="centre"/>.</summary>
        public ((double X, double Y, double Z) Sum, int Count) SumWithin((double X, double Y, double Z) centre, double radius)
        {
            var (cx, cy, cz) = Cell(centre);
            double sx = 0, sy = 0, sz = 0, r2 = radius * radius;
            int count = 0;
            for (long dz = -1; dz <= 1; dz++)
                for (long dy = -1; dy <= 1; dy++)
                    for (long dx = -1; dx <= 1; dx++)
                    {
                        if (!_cells.TryGetValue((cx + dx, cy + dy, cz + dz), out var list)) continue;
                        foreach (int i in list)
                        {
                            var p = _points[i];
                            double ex = p.X - centre.X, ey = p.Y - centre.Y, ez = p.Z - centre.Z;
                            if (ex * ex + ey * ey + ez * ez > r2) continue;
                            sx += p.X;
                            sy += p.Y;
                            sz += p.Z;
                            count++;
                        }
                    }
            return ((sx, sy, sz), count);
        }
    }
}

namespace FakET;

/// <summary>A linear map along one axis: <c>here = Scale · sample + Offset</c>, in voxel (pixel) indices.</summary>
public readonly record struct AxisMap(double Scale, double Offset)
{
    public static AxisMap Identity => new(1, 0);
    public double Map(double sample) => Scale * sample + Offset;
    public double Unmap(double here) => (here - Offset) / Scale;
    /// <summary>This map followed by <paramref name="next"/>.</summary>
    public AxisMap Then(AxisMap next) => new(next.Scale * Scale, next.Scale * Offset + next.Offset);
    /// <summary>The map after resampling <paramref name="from"/> pixels to <paramref name="to"/> over the same extent, as
    /// image resizing with pixel centres at (i + ½)·size does: here′ = (here + ½)·to/from − ½.</summary>
    public AxisMap Resampled(int from, int to) => Then(new AxisMap((double)to / from, 0.5 * to / from - 0.5));
}

/// <summary>
/// The ground truth of the sample a tilt series or tomogram was made from, and where the sample's voxels lie in that
/// object's own frame. The sample's labels are referenced, not copied. For a tilt series the frame is the detector's:
/// X and Y in pixels, Z the depth in pixels from the tilt axis; for a tomogram it is its voxel grid.
/// </summary>
/// <param name="Labels">The sample's labels, in the sample's frame.</param>
/// <param name="Depth">The sample's Z size in voxels.</param>
/// <param name="Height">The sample's Y size in voxels.</param>
/// <param name="Width">The sample's X size in voxels.</param>
/// <param name="VoxelSize">The sample's voxel size, Å.</param>
/// <param name="X">Sample X index → this frame.</param>
/// <param name="Y">Sample Y index → this frame.</param>
/// <param name="Z">Sample Z index → this frame.</param>
public sealed record GroundTruth(SampleLabels Labels, int Depth, int Height, int Width, double VoxelSize, AxisMap X, AxisMap Y, AxisMap Z)
{
    /// <summary>The sample's depth in this frame's units (pixels of the series, or voxels of a tomogram).</summary>
    public double DepthHere => Depth * Math.Abs(Z.Scale);

    /// <summary>The same ground truth for images resized from <paramref name="fromHeight"/>×<paramref name="fromWidth"/> to
    /// <paramref name="toHeight"/>×<paramref name="toWidth"/> over the same field (depth scales as the width).</summary>
    public GroundTruth Resized(int fromHeight, int fromWidth, int toHeight, int toWidth) =>
        fromHeight == toHeight && fromWidth == toWidth ? this : this with
        {
            X = X.Resampled(fromWidth, toWidth),
            Y = Y.Resampled(fromHeight, toHeight),
            Z = Z.Then(new AxisMap((double)toWidth / fromWidth, 0)),
        };

    /// <summary>
    /// The labels of a volume of <paramref name="depth"/>×<paramref name="height"/>×<paramref name="width"/> voxels in this
    /// frame: every particle's centre mapped here (orientations do not change: the frames differ by scale and shift);
    /// a particle whose centre falls outside is left out and counted in <paramref name="outside"/>, one whose voxels
    /// reach outside is flagged <see cref="Particle.Clipped"/>. The masks are resampled (nearest voxel) when first asked for.
    /// </summary>
    public SampleLabels In(int depth, int height, int width, out int outside)
    {
        var source = Labels;
        var extents = Extents(source);
        var particles = new List<Particle>();
        outside = 0;
        foreach (var p in source.Particles ?? Array.Empty<Particle>())
        {
            double x = X.Map(p.X), y = Y.Map(p.Y), z = Z.Map(p.Z);
            if (!Inside(x, width) || !Inside(y, height) || !Inside(z, depth))
            {
                outside++;
                continue;
            }
            bool clipped = p.Clipped;
            if (extents.TryGetValue(p.Id, out var e))
                clipped |= !Fits(X, e.X0, e.X1, width) || !Fits(Y, e.Y0, e.Y1, height) || !Fits(Z, e.Z0, e.Z1, depth);
            particles.Add(p with { X = x, Y = y, Z = z, Clipped = clipped });
        }
        return new SampleLabels(() => Resample(source.ClassMask, depth, height, width), () => Resample(source.InstanceMask, depth, height, width),
            source.ClassNames, particles);

        static bool Inside(double v, int size) => v >= -0.5 && v < size - 0.5;
        static bool Fits(AxisMap map, int lo, int hi, int size)
        {
            double a = map.Map(lo - 0.5), b = map.Map(hi + 0.5);
            return Math.Min(a, b) >= -0.5 - 1e-9 && Math.Max(a, b) <= size - 0.5 + 1e-9;
        }
    }

    /// <summary>The mask sampled at this frame's voxel centres: each takes the sample voxel its centre falls in
    /// (0 outside the sample).</summary>
    int[][]? Resample(int[][]? mask, int depth, int height, int width)
    {
        if (mask is null) return null;
        var xs = Indices(X, width, Width);
        var ys = Indices(Y, height, Height);
        var zs = Indices(Z, depth, Depth);
        var result = new int[depth][];
        Parallel.For(0, depth, k =>
        {
            var section = new int[(long)height * width];
            if (zs[k] >= 0)
            {
                var source = mask[zs[k]];
                for (int j = 0; j < height; j++)
                {
                    if (ys[j] < 0) continue;
                    int row = ys[j] * Width, at = j * width;
                    for (int i = 0; i < width; i++)
                        if (xs[i] >= 0) section[at + i] = source[row + xs[i]];
                }
            }
            result[k] = section;
        });
        return result;

        static int[] Indices(AxisMap map, int size, int sampleSize) => Enumerable.Range(0, size).Select(i =>
        {
            int s = (int)Math.Floor(map.Unmap(i) + 0.5);
            return s >= 0 && s < sampleSize ? s : -1;
        }).ToArray();
    }

    /// <summary>Each particle's bounding box in the sample (voxel indices, inclusive), from its instance mask.</summary>
    Dictionary<int, (int X0, int X1, int Y0, int Y1, int Z0, int Z1)> Extents(SampleLabels labels)
    {
        var boxes = new Dictionary<int, (int X0, int X1, int Y0, int Y1, int Z0, int Z1)>();
        var mask = labels.InstanceMask;
        if (mask is null || labels.Particles is not { Count: > 0 }) return boxes;
        for (int z = 0; z < mask.Length; z++)
        {
            var section = mask[z];
            for (int at = 0; at < section.Length; at++)
            {
                int id = section[at];
                if (id == 0) continue;
                int x = at % Width, y = at / Width;
                boxes[id] = boxes.TryGetValue(id, out var b)
                    ? (Math.Min(b.X0, x), Math.Max(b.X1, x), Math.Min(b.Y0, y), Math.Max(b.Y1, y), Math.Min(b.Z0, z), Math.Max(b.Z1, z))
                    : (x, x, y, y, z, z);
            }
        }
        return boxes;
    }
}

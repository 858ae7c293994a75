using FakET.Native;
using TorchSharp;
using FakET.Stages;
using static TorchSharp.torch;

namespace FakET.Projection;

/// <summary>
/// Projects a volume (Z, Y, X) about the Y axis as FakET does (scikit-image <c>radon</c> per Y slice,
/// <c>circle=False</c>, centre crop), through TorchSharp on every CPU core or on a GPU; or, for a sample that extends
/// beyond the field of view (<see cref="LateralExtent.Periodic"/>), with the volume repeated along X.
/// </summary>
/// <remarks>
/// Every Y slice is projected with the same sparse matrix per tilt (<see cref="RayMatrix"/>), so a block of
/// B slices is projected at once: the block is laid out as (Z·X, B), each detector pixel is a weighted sum of
/// rows of it (an embedding-bag sum, i.e. a CSR sparse × dense product), and every entry moves B
/// contiguous values. Memory stays bounded: one block of Y slices and the matrices of a group of tilts are
/// held at a time; no rotated copy of the volume is ever made.
/// </remarks>
public sealed class ForwardProjector : Stage<Volume, ProjectionOptions, TiltSeries>
{
    /// <summary>Bytes a block of Y slices (laid out as Z·X × B) may take.</summary>
    public const long DefaultBlockBytes = 128L << 20;
    /// <summary>Bytes the sparse matrices of the tilts processed together may take.</summary>
    public const long DefaultMatrixBytes = 768L << 20;

    public override string Step => Steps.NewTiltSeries;

    /// <summary>
    /// Projects <paramref name="volume"/> at the options' angles into a tilt series sorted by angle, with the voxel size as
    /// pixel size. When the angles come in another order (e.g. dose-symmetric), that order is the series'
    /// acquisition order and stays in its history.
    /// </summary>
    protected override TiltSeries Execute(Volume volume, ProjectionOptions options, StageRun run)
    {
        var angles = options.TiltAngles;
        var sorted = angles.Order().ToArray();
        int width = options.DetectorWidth ?? volume.Width;
        double? dose = options.Dose;
        bool periodic = IsPeriodic(volume, options.LateralExtent);
        var images = ProjectImages(volume, sorted, width, dose, run.Cancel, run.Progress("tilt of a block of Y slices,"), periodic: periodic);
        bool reordered = !angles.SequenceEqual(sorted);
        string range = $"{TiltSeries.Degrees(sorted[0])}…{TiltSeries.Degrees(sorted[^1])}";
        var entry = run.Entry(
            $"projected {sorted.Length} tilts {range}{(reordered ? " (acquisition order kept)" : "")}{(dose is null ? ", line sums" : "")}",
            new Dictionary<string, object?>
            {
                ["DetectorWidth"] = width,
                ["PixelSize"] = volume.VoxelSize,
                ["LateralExtent"] = periodic ? nameof(LateralExtent.Periodic) : nameof(LateralExtent.Bounded),
                ["Geometry"] = periodic
                    ? "radon geometry per Y slice, the volume repeated along X (a sample wider than the field of view), centre-cropped"
                    : "scikit-image radon per Y slice, circle=False, centre-cropped (FakET radon_3d)",
            });
        return new TiltSeries(images, volume.Height, width, sorted, volume.VoxelSize, volume.HistoryWith(entry), reordered ? angles : null)
        {
            GroundTruth = GroundTruthOf(volume, new ProjectionGeometry(volume.Depth, volume.Width, width)),
        };
    }

    /// <summary>Whether <paramref name="volume"/> is projected as periodic along X: as asked, or for
    /// <see cref="LateralExtent.Auto"/> when it is a New-Phantom sample (a piece of a slab that goes on beyond the field
    /// of view); any other volume, such as a SHREC model, is projected as it is, as FakET does.</summary>
    public static bool IsPeriodic(Volume volume, LateralExtent extent) => extent switch
    {
        LateralExtent.Periodic => true,
        LateralExtent.Bounded => false,
        _ => volume.History.Any(h => h.Step == Steps.NewPhantom),
    };

    /// <summary>
    /// A labelled volume's ground truth in the detector's frame: Y rows as they are; X shifted so that the slice's
    /// rotation centre (column W/2, integer division) lands on the detector pixel the radon geometry puts it on (the
    /// padded square's centre minus the crop's start); Z as the depth from the tilt axis (row D/2).
    /// </summary>
    static GroundTruth? GroundTruthOf(Volume volume, ProjectionGeometry geometry)
    {
        if (volume.Labels is null) return null;
        int axis = geometry.Centre - geometry.DetectorStart;
        return new GroundTruth(volume.Labels, volume.Depth, volume.Height, volume.Width, volume.VoxelSize,
            new AxisMap(1, axis - volume.Width / 2), AxisMap.Identity, new AxisMap(1, -(volume.Depth / 2)));
    }

    /// <summary>Line sums of <paramref name="volume"/> at each angle: one (Y, detector width) image per angle,
    /// in the order given. With <paramref name="dose"/>, each value is dose − sum (FakET's <c>dose</c>; 0 makes dense matter dark).</summary>
    /// <param name="progress">Called with (steps done, steps) after each tilt of each block of Y slices.</param>
    /// <param name="periodic">Project the volume as one period of a sample that repeats along X (see <see cref="RayMatrix"/>).</param>
    public static float[][] ProjectImages(Volume volume, IReadOnlyList<double> angles, int detectorWidth, double? dose,
        CancellationToken cancel = default, Action<int, int>? progress = null,
        long blockBytes = DefaultBlockBytes, long matrixBytes = DefaultMatrixBytes, bool periodic = false)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (angles.Count == 0) throw new FakETException(ErrorIds.TiltAngleInvalid, FailureKind.InvalidArgument, "Give at least one tilt angle.");
        TiltAngleLimits.Check(angles, "Tilt angles");
        var geometry = new ProjectionGeometry(volume.Depth, volume.Width, detectorWidth);
        NativeStack.EnsureLoaded();

        int nz = volume.Depth, ny = volume.Height, nx = volume.Width, w = detectorWidth;
        long sliceValues = (long)nz * nx;
        int block = (int)Math.Clamp(blockBytes / (4 * sliceValues), 1, ny);
        int blocks = (ny + block - 1) / block;
        var device = ComputeDevices.Resolve(ComputeDevice.Auto);
        // The output, one block of Y slices (staged and laid out: about three copies) and one group of tilts' matrices
        // (a tilt's has at most 4 bilinear entries of 8 bytes per voxel of a slice, or per sample of its longest periodic
        // rays; a group stops once over the budget).
        double longest = periodic ? angles.Max(a => 1 / Math.Max(RayMatrix.MinimumPeriodicCosine, Math.Abs(Math.Cos(a * Math.PI / 180)))) : 1;
        long tiltMatrix = 32 * Math.Max(sliceValues, (long)(longest * (nz + 2) * w));
        long matrices = Math.Min(matrixBytes + tiltMatrix, angles.Count * tiltMatrix);
        // Each tilt also costs its image's array and its ray matrix's row offsets (w + 1 of 8 bytes), whatever its size.
        long perTilt = (long)ny * w * sizeof(float) + 64 + 8L * (w + 1);
        MemoryBudget.Require(angles.Count * perTilt + 3 * Math.Min(blockBytes, (long)ny * sliceValues * sizeof(float)) + matrices,
            $"New-TiltSeries needs {angles.Count} projections of {ny}×{w} pixels and its working memory",
            "Project fewer tilts, or a narrower detector (-DetectorWidth), or a smaller volume.");
        var output = new float[angles.Count][];
        for (int t = 0; t < output.Length; t++) output[t] = new float[(long)ny * w];
        int steps = angles.Count * blocks, done = 0;

        using var noGrad = no_grad();
        int first = 0;
        while (first < angles.Count)
        {
            // A group of tilts whose matrices fit the budget (at least one), each moved into libtorch as soon as it is built.
            using var groupScope = NewDisposeScope();
            var bags = new List<(Tensor Columns, Tensor Offsets, Tensor Weights)>();
            long bytes = 0;
            while (first + bags.Count < angles.Count && (bags.Count == 0 || bytes < matrixBytes))
            {
                cancel.ThrowIfCancellationRequested();
                var matrix = RayMatrix.Build(geometry, angles[first + bags.Count], periodic);
                bags.Add((TensorData.Upload(matrix.Columns, device), TensorData.Upload(matrix.Offsets[..w], device),
                    TensorData.Upload(matrix.Weights, device)));
                bytes += matrix.Bytes;
            }

            for (int y0 = 0; y0 < ny; y0 += block)
            {
                cancel.ThrowIfCancellationRequested();
                int rows = Math.Min(block, ny - y0);
                using var blockScope = NewDisposeScope();
                var slab = SlabOf(volume, y0, rows, device);
                using var sum = nn.EmbeddingBag_from_pretrained(slab, freeze: true, mode: EmbeddingBagMode.Sum);
                for (int k = 0; k < bags.Count; k++)
                {
                    cancel.ThrowIfCancellationRequested();
                    using var tiltScope = NewDisposeScope();
                    var projected = sum.call(bags[k].Columns, bags[k].Offsets, bags[k].Weights); // (w, rows)
                    if (dose is { } d) projected = projected.neg().add_(d);
                    TensorData.CopyTo(projected.t(), output[first + k].AsSpan(y0 * w, rows * w));
                    progress?.Invoke(++done, steps);
                }
            }
            first += bags.Count;
        }
        return output;
    }

    /// <summary>Y slices y0 … y0+rows−1 of the volume as a (Z·X, rows) tensor: row z·nx + x holds voxel (z, ·, x) of each slice.</summary>
    static Tensor SlabOf(Volume volume, int y0, int rows, Device device)
    {
        int nz = volume.Depth, nx = volume.Width;
        var staged = empty(new long[] { nz, rows, nx }, float32);
        var values = TensorData.Span(staged);
        for (int z = 0; z < nz; z++)
            volume.Section(z).AsSpan(y0 * nx, rows * nx).CopyTo(values.Slice(z * rows * nx));
        return staged.to(device).permute(0, 2, 1).contiguous().view(nz * (long)nx, rows);
    }
}

/// <summary>How far a sample reaches beyond the sides of its volume along X, the direction the tilt moves it.</summary>
public enum LateralExtent
{
    /// <summary>Periodic for a New-Phantom sample, bounded for any other volume.</summary>
    Auto,
    /// <summary>The volume is the whole sample, with vacuum beside it: FakET's radon geometry (circle=False).</summary>
    Bounded,
    /// <summary>The volume is one period of a sample that repeats along X: every ray crosses the whole slab.</summary>
    Periodic,
}

/// <summary>How <see cref="ForwardProjector"/> projects.</summary>
public sealed record ProjectionOptions : StageOptions
{
    /// <summary>Tilt angles in degrees, in acquisition order; the series is sorted by angle.</summary>
    public required IReadOnlyList<double> TiltAngles { get; init; }
    /// <summary>Detector pixels; <c>null</c> for the volume width (FakET's default).</summary>
    public int? DetectorWidth { get; init; }
    /// <summary>FakET's dose: each value is dose − line sum, so 0 (the default) makes dense matter dark; <c>null</c> keeps
    /// the plain line sums.</summary>
    public double? Dose { get; init; } = 0;
    /// <summary>Whether the sample ends at the sides of the volume or goes on beyond them (default: periodic for a
    /// New-Phantom sample, so that no tilt sees vacuum at the edges of its field; bounded, as FakET, for others).</summary>
    public LateralExtent LateralExtent { get; init; } = LateralExtent.Auto;

    public override void Validate()
    {
        ArgumentNullException.ThrowIfNull(TiltAngles);
        if (TiltAngles.Count == 0) throw new FakETException(ErrorIds.TiltAngleInvalid, FailureKind.InvalidArgument, "Give at least one tilt angle.");
        TiltAngleLimits.Check(TiltAngles, "-TiltAngles");
        var sorted = TiltAngles.Order().ToArray();
        for (int i = 1; i < sorted.Length; i++)
            if (sorted[i] == sorted[i - 1])
                throw new FakETException(ErrorIds.TiltAngleInvalid, FailureKind.InvalidArgument,
                    $"The tilt angle {sorted[i]}° is given twice; give each angle once.");
    }
}

using System.Globalization;
using FakET.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace FakET.Reconstruction;

/// <summary>How <see cref="FilteredBackProjection.Reconstruct"/> reconstructs.</summary>
public sealed record TomogramOptions
{
    /// <summary>Z size of the tomogram in (binned) voxels; <c>null</c> for the (binned) width.</summary>
    public int? Thickness { get; init; }

    /// <summary>The frequency-domain filter.</summary>
    public ReconstructionFilter Filter { get; init; } = ReconstructionFilter.Ramp;

    /// <summary>Binning factor: each <c>Bin</c>×<c>Bin</c> block of pixels is averaged before reconstruction.</summary>
    public int Bin { get; init; } = 1;

    /// <summary>Tilt angles in degrees, one per tilt, that replace the series' own; <c>null</c> to use the series' angles.</summary>
    public IReadOnlyList<double>? TiltAngles { get; init; }

    /// <summary>About how much memory one block of Y slices may use for its filtered projections and its
    /// back-projection work. Larger blocks repeat less work; smaller ones use less memory.</summary>
    public long BlockBytes { get; init; } = 256L << 20;
}

/// <summary>
/// Filtered back-projection about the Y axis, in the geometry of scikit-image's <c>iradon</c> applied to every
/// Y slice: a tilt series (tilt, Y, X) becomes a volume (Z, Y, X) whose Z axis is the beam direction at 0°.
/// </summary>
/// <remarks>
/// For Y slice y, the projections p_θ(u) (u the detector pixel along X) are zero-padded to
/// <see cref="FourierFilter.PaddedLength"/>, filtered along the detector, and back-projected:
/// v(z, y, x) = π / (2·n) · Σ_θ q_θ(t + W/2) with t = (x − W/2)·cos θ − (z − T/2)·sin θ (integer halves),
/// linear interpolation between detector pixels and 0 outside the detector, as <c>iradon</c> with
/// <c>circle=False</c> does. The work runs through TorchSharp in blocks of Y slices: the block's filtered
/// projections form a table (tilt·detector, slice), and every voxel row along Y is a weighted sum of 2·n
/// rows of that table, which <c>embedding_bag</c> computes in one pass per chunk of Z.
/// </remarks>
public static class FilteredBackProjection
{
    /// <summary>The step name recorded in the history.</summary>
    public const string Step = "New-Tomogram";

    /// <summary>Reconstructs a tomogram (Z, Y, X) from a tilt series. The series is not changed.</summary>
    /// <param name="progress">Called after each block with (Y slices done, Y slices in all).</param>
    /// <exception cref="FakETException">Unknown or mismatched tilt angles, a bin larger than the image, or a bad thickness.</exception>
    public static Volume Reconstruct(TiltSeries series, TomogramOptions? options = null, CancellationToken cancel = default,
        Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        options ??= new TomogramOptions();
        var angles = AnglesFor(series, options.TiltAngles);
        var geometry = Geometry.For(series, options);
        cancel.ThrowIfCancellationRequested();
        NativeStack.EnsureLoaded();

        var sections = new float[geometry.Thickness][];
        for (int z = 0; z < sections.Length; z++) sections[z] = new float[(long)geometry.Height * geometry.Width];

        var device = NativeStack.ComputeDevice;
        using (torch.no_grad())
        using (var constants = torch.NewDisposeScope())
        {
            var kernel = new Kernel(geometry, angles, options.Filter, device);
            for (int y0 = 0; y0 < geometry.Height; y0 += geometry.BlockRows)
            {
                cancel.ThrowIfCancellationRequested();
                int rows = Math.Min(geometry.BlockRows, geometry.Height - y0);
                using var scope = torch.NewDisposeScope();
                var table = kernel.FilteredTable(series, y0, rows, cancel);
                kernel.BackProject(table, y0, rows, sections, cancel);
                progress?.Invoke(y0 + rows, geometry.Height);
            }
        }

        var entry = HistoryEntry.Now(Step, Summary(options.Filter, options.Bin), new Dictionary<string, object?>
        {
            ["Method"] = "FBP",
            ["Filter"] = options.Filter.ToString(),
            ["Thickness"] = geometry.Thickness,
            ["Bin"] = options.Bin,
            ["Binning"] = options.Bin > 1 ? "average" : "none",
            ["VoxelSize"] = geometry.VoxelSize,
            ["TiltAngles"] = angles.ToArray(),
        });
        return new Volume(sections, geometry.Height, geometry.Width, geometry.VoxelSize, series.HistoryWith(entry));
    }

    static string Summary(ReconstructionFilter filter, int bin)
    {
        string name = filter == ReconstructionFilter.None ? "no filter" : filter.ToString().ToLowerInvariant();
        return bin > 1 ? $"tomogram ({name}, bin {bin.ToString(CultureInfo.InvariantCulture)})" : $"tomogram ({name})";
    }

    /// <summary>The angles to reconstruct with: the given ones, else the series' own; one per tilt.</summary>
    internal static IReadOnlyList<double> AnglesFor(TiltSeries series, IReadOnlyList<double>? given)
    {
        if (given is null)
        {
            return series.TiltAngles ?? throw new FakETException(ErrorIds.TiltAnglesUnknown, FailureKind.InvalidArgument,
                $"The tilt angles of this {series.TiltCount}-tilt series are unknown. Give them with -TiltAngles (one per tilt, in degrees), " +
                "or import the series with its .tlt file or Import-TiltSeries -TiltAngles.");
        }
        if (given.Count != series.TiltCount)
            throw new FakETException(ErrorIds.TiltAngleCountMismatch, FailureKind.InvalidArgument,
                $"The series has {series.TiltCount} tilts but {given.Count} tilt angles were given; give exactly one angle per tilt, in the order of the stack.");
        if (given.Any(a => !double.IsFinite(a)))
            throw new FakETException(ErrorIds.TiltAngleInvalid, FailureKind.InvalidArgument, "Tilt angles must be finite numbers of degrees.");
        return given;
    }

    /// <summary>Sizes of the result and of the blocks the work is cut into.</summary>
    internal sealed record Geometry(int Width, int Height, int Thickness, int Bin, double VoxelSize, int TiltCount, int PaddedLength,
        int BlockRows, int TiltsPerFilterBatch, int ZChunk)
    {
        public static Geometry For(TiltSeries series, TomogramOptions options)
        {
            if (options.Bin < 1)
                throw new FakETException(ErrorIds.ReconstructionParameterInvalid, FailureKind.InvalidArgument,
                    $"Bin must be 1 or more (it was {options.Bin}).");
            int width = series.Width / options.Bin, height = series.Height / options.Bin;
            if (width < 1 || height < 1)
                throw new FakETException(ErrorIds.ReconstructionBinTooLarge, FailureKind.InvalidArgument,
                    $"Binning {series.Height}×{series.Width} pixels by {options.Bin} leaves no pixel; use a bin of at most {Math.Min(series.Width, series.Height)}.");
            int thickness = options.Thickness ?? width;
            if (thickness < 1)
                throw new FakETException(ErrorIds.ReconstructionParameterInvalid, FailureKind.InvalidArgument,
                    $"Thickness must be 1 or more voxels (it was {thickness}).");
            if (options.BlockBytes < 1)
                throw new ArgumentOutOfRangeException(nameof(options), "BlockBytes must be positive.");
            int tilts = series.TiltCount;
            int padded = FourierFilter.PaddedLength(width);
            // Half of the budget holds the block's table of filtered projections: tilts × (width + 2) × rows floats.
            long tableRowBytes = (long)tilts * (width + 2) * sizeof(float);
            int rows = (int)Math.Clamp(options.BlockBytes / 2 / tableRowBytes, 1, height);
            // Filtering works on a few tilts at once: padded input, its spectrum and the inverse, ~6 floats per padded pixel.
            long filterTiltBytes = (long)rows * (padded * 6L + (long)series.Width * options.Bin) * sizeof(float);
            int batch = (int)Math.Clamp(options.BlockBytes / 4 / filterTiltBytes, 1, tilts);
            // Per Z section of a chunk: 2·tilts taps and weights per X (4 bytes each) and the summed rows (rows floats per X).
            // Kept under 32 MB so that the allocator reuses the memory instead of mapping fresh pages for every chunk.
            long zBytes = (long)width * (tilts * 16L + rows * 4L);
            int zChunk = (int)Math.Clamp(Math.Min(options.BlockBytes / 2, 32L << 20) / zBytes, 1, thickness);
            return new Geometry(width, height, thickness, options.Bin, series.PixelSize * options.Bin, tilts, padded, rows, batch, zChunk);
        }
    }

    /// <summary>The block-independent parts of the computation, and the buffers every block reuses.</summary>
    sealed class Kernel
    {
        readonly Geometry _g;
        readonly Device _device;
        readonly Tensor _response;    // (padded/2 + 1): the real response × π/(2n), on the device
        readonly double[] _alongX;    // [x·n + i] = (x − W/2)·cos θ_i + W/2: the detector position of x in section z = T/2
        readonly double[] _alongZ;    // [z·n + i] = (z − T/2)·sin θ_i: how far section z shifts it
        readonly int[] _taps;         // (chunk·W, 2n): the table rows each voxel sums
        readonly float[] _weights;    // (chunk·W, 2n): their weights

        public Kernel(Geometry g, IReadOnlyList<double> angles, ReconstructionFilter filter, Device device)
        {
            _g = g;
            _device = device;
            int n = g.TiltCount;
            _response = torch.tensor(FourierFilter.RealResponse(filter, g.PaddedLength, Math.PI / (2.0 * n)), device: device);
            _alongX = new double[g.Width * n];
            for (int x = 0; x < g.Width; x++)
                for (int i = 0; i < n; i++)
                    _alongX[x * n + i] = (x - g.Width / 2) * Math.Cos(angles[i] * Math.PI / 180) + g.Width / 2;
            _alongZ = new double[g.Thickness * n];
            for (int z = 0; z < g.Thickness; z++)
                for (int i = 0; i < n; i++)
                    _alongZ[z * n + i] = (z - g.Thickness / 2) * Math.Sin(angles[i] * Math.PI / 180);
            _taps = new int[g.ZChunk * g.Width * 2 * n];
            _weights = new float[_taps.Length];
        }

        /// <summary>
        /// The filtered projections of Y slices [y0, y0 + rows) as a table of (tilt · (W + 2), rows): row
        /// i·(W + 2) + 1 + u holds detector pixel u of tilt i for every slice; the first and last row of each tilt are
        /// zero, so that interpolation just outside the detector reads zeros.
        /// </summary>
        public Tensor FilteredTable(TiltSeries series, int y0, int rows, CancellationToken cancel)
        {
            int n = _g.TiltCount, w = _g.Width, bin = _g.Bin, inWidth = series.Width;
            var table = torch.zeros(new long[] { n, w + 2, rows }, device: _device);
            for (int t0 = 0; t0 < n; t0 += _g.TiltsPerFilterBatch)
            {
                cancel.ThrowIfCancellationRequested();
                int t1 = Math.Min(n, t0 + _g.TiltsPerFilterBatch);
                using var scope = torch.NewDisposeScope();
                // The input rows of these slices, each tilt's rows contiguous in its section.
                int inRows = rows * bin;
                var raw = torch.empty(new long[] { t1 - t0, inRows, inWidth });
                var target = TensorSpans.Floats(raw);
                int stride = inRows * inWidth;
                for (int i = t0; i < t1; i++)
                    series.Tilt(i).AsSpan(y0 * bin * inWidth, stride).CopyTo(target.Slice((i - t0) * stride));
                var block = raw.to(_device);
                if (bin > 1)
                    block = block[.., .., ..(w * bin)].reshape(t1 - t0, rows, bin, w, bin).mean(new long[] { 2, 4 });
                var spectrum = torch.fft.rfft(block, _g.PaddedLength, -1);
                var filtered = torch.fft.irfft(spectrum.mul_(_response), _g.PaddedLength, -1)[.., .., ..w];
                table[t0..t1, 1..(w + 1)].copy_(filtered.transpose(1, 2));
            }
            return table.view(n * (w + 2), rows);
        }

        /// <summary>Back-projects one block's table into rows [y0, y0 + rows) of every Z section.</summary>
        public void BackProject(Tensor table, int y0, int rows, float[][] sections, CancellationToken cancel)
        {
            int w = _g.Width, n = _g.TiltCount;
            using var sum = nn.EmbeddingBag_from_pretrained(table, freeze: true, mode: EmbeddingBagMode.Sum, device: _device);
            using var allTaps = torch.from_array(_taps);
            using var allWeights = torch.from_array(_weights);
            for (int z0 = 0; z0 < _g.Thickness; z0 += _g.ZChunk)
            {
                cancel.ThrowIfCancellationRequested();
                int z1 = Math.Min(_g.Thickness, z0 + _g.ZChunk);
                using var scope = torch.NewDisposeScope();
                FillTaps(z0, z1);
                long used = (long)(z1 - z0) * w * 2 * n;
                var taps = allTaps.narrow(0, 0, used).view(-1, 2 * n).to(_device);
                var weights = allWeights.narrow(0, 0, used).view(-1, 2 * n).to(_device);
                // (chunk·W, rows): voxel (z, x) of every slice in the block, in the order (z, x, y).
                var voxels = sum.forward(taps, null, weights).cpu();
                ToSections(TensorSpans.Floats(voxels), z0, z1, y0, rows, sections);
            }
        }

        /// <summary>
        /// For every voxel (z, x) of sections [z0, z1): the 2n table rows it sums and their weights. Linear
        /// interpolation at detector position u: weight 1 − (u − ⌊u⌋) on ⌊u⌋ and u − ⌊u⌋ on ⌊u⌋ + 1, and both 0 where
        /// u lies outside [0, W − 1] (iradon interpolates with zero outside the detector). Index bookkeeping, done
        /// here rather than as a dozen tensor operations, each of which would allocate and traverse the chunk again.
        /// </summary>
        void FillTaps(int z0, int z1)
        {
            int w = _g.Width, n = _g.TiltCount;
            Parallel.For(z0, z1, z =>
            {
                for (int x = 0; x < w; x++)
                {
                    int row = ((z - z0) * w + x) * 2 * n;
                    for (int i = 0; i < n; i++)
                    {
                        double u = _alongX[x * n + i] - _alongZ[z * n + i];
                        bool inside = u >= 0 && u <= w - 1;
                        double lower = Math.Floor(u);
                        int tap = i * (w + 2) + 1 + (int)Math.Clamp(lower, -1, w - 1);
                        float upper = inside ? (float)(u - lower) : 0f;
                        _taps[row + i] = tap;
                        _taps[row + n + i] = tap + 1;
                        _weights[row + i] = inside ? 1f - upper : 0f;
                        _weights[row + n + i] = upper;
                    }
                }
            });
        }

        /// <summary>Copies (chunk·W, rows) voxels, ordered (z, x, y), into rows [y0, y0 + rows) of sections [z0, z1) (Y, X).</summary>
        void ToSections(ReadOnlySpan<float> voxels, int z0, int z1, int y0, int rows, float[][] sections)
        {
            int w = _g.Width;
            const int Tile = 32;
            unsafe
            {
                fixed (float* source = voxels)
                {
                    var from = (nint)source;
                    Parallel.For(z0, z1, z =>
                    {
                        var plane = new ReadOnlySpan<float>((float*)from + (long)(z - z0) * w * rows, w * rows);
                        var section = sections[z];
                        for (int x0 = 0; x0 < w; x0 += Tile)
                            for (int r0 = 0; r0 < rows; r0 += Tile)
                                for (int x = x0; x < Math.Min(w, x0 + Tile); x++)
                                    for (int r = r0; r < Math.Min(rows, r0 + Tile); r++)
                                        section[(y0 + r) * w + x] = plane[x * rows + r];
                    });
                }
            }
        }
    }
}

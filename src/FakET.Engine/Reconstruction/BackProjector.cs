using FakET.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace FakET.Reconstruction;

/// <summary>
/// Back-projection about Y with linear interpolation (the geometry of <c>iradon</c>, circle=False) and its exact
/// adjoint, the projector, for blocks of Y slices.
/// </summary>
/// <remarks>
/// A block's projections are a table (tilt · (W + 2), slices): row i·(W + 2) + 1 + u holds detector pixel u of tilt i
/// for every slice of the block, and the first and last row of each tilt are zero. Voxel (z, x) reads detector
/// position u = (x − W/2)·cos θ − (z − T/2)·sin θ + W/2 of every tilt, with weight 1 − (u − ⌊u⌋) on ⌊u⌋ and u − ⌊u⌋
/// on ⌊u⌋ + 1, both 0 where u lies outside [0, W − 1] (in the slab geometry u is clamped to [0, W − 1] instead: the ray
/// reads the detector's edge pixel). These 2n taps do not depend on y, so every voxel row along
/// Y is a weighted sum of 2n table rows, which <c>embedding_bag</c> computes for a chunk of Z sections in one call;
/// the projector sums the same taps the other way round.
/// </remarks>
internal sealed class BackProjector
{
    readonly Geometry _g;
    readonly double[] _alongX;    // [x·n + i] = (x − W/2)·cos θ_i + W/2: the detector position of x in section z = T/2
    readonly double[] _alongZ;    // [z·n + i] = (z − T/2)·sin θ_i: how far section z shifts it
    readonly int[] _taps;         // (chunk·W, 2n): the table rows each voxel of the chunk reads
    readonly float[] _weights;    // (chunk·W, 2n): their weights
    readonly int[] _rayStarts;    // (table rows): where each table row's voxels start in _entries
    readonly int[] _rayCursor;    // scratch for filling _entries
    readonly int[] _entries;      // the chunk's voxels (chunk·W + x order), grouped by the table row they feed
    readonly float[] _entryWeights;

    public BackProjector(Geometry geometry, IReadOnlyList<double> angles, Device device)
    {
        _g = geometry;
        Device = device;
        int n = geometry.TiltCount;
        _alongX = new double[geometry.Width * n];
        for (int x = 0; x < geometry.Width; x++)
            for (int i = 0; i < n; i++)
                _alongX[x * n + i] = (x - geometry.Width / 2) * Math.Cos(angles[i] * Math.PI / 180) + geometry.Width / 2;
        _alongZ = new double[geometry.Thickness * n];
        for (int z = 0; z < geometry.Thickness; z++)
            for (int i = 0; i < n; i++)
                _alongZ[z * n + i] = (z - geometry.Thickness / 2) * Math.Sin(angles[i] * Math.PI / 180);
        _taps = new int[geometry.ZChunk * geometry.Width * 2 * n];
        _weights = new float[_taps.Length];
        _rayStarts = new int[geometry.TableRows];
        _rayCursor = new int[geometry.TableRows];
        _entries = new int[_taps.Length];
        _entryWeights = new float[_taps.Length];
    }

    public Geometry Geometry => _g;
    public Device Device { get; }

    /// <summary>
    /// The projections of Y slices [y0, y0 + rows) as a table (tilt · (W + 2), rows), binned by averaging and, when
    /// <paramref name="response"/> is given, filtered along X with it (a real-FFT response of the padded length).
    /// </summary>
    public Tensor Table(TiltSeries series, int y0, int rows, Tensor? response, CancellationToken cancel)
    {
        int n = _g.TiltCount, w = _g.Width, bin = _g.Bin, inWidth = series.Width;
        var table = torch.zeros(new long[] { n, w + 2, rows }, device: Device);
        for (int t0 = 0; t0 < n; t0 += _g.TiltsPerFilterBatch)
        {
            cancel.ThrowIfCancellationRequested();
            int t1 = Math.Min(n, t0 + _g.TiltsPerFilterBatch);
            using var scope = torch.NewDisposeScope();
            // The input rows of these slices, each tilt's rows contiguous in its section.
            int inRows = rows * bin;
            var raw = torch.empty(new long[] { t1 - t0, inRows, inWidth });
            var target = TensorData.Span(raw);
            int stride = inRows * inWidth;
            for (int i = t0; i < t1; i++)
                series.Tilt(i).AsSpan(y0 * bin * inWidth, stride).CopyTo(target.Slice((i - t0) * stride));
            var block = raw.to(Device);
            if (bin > 1)
                block = block[.., .., ..(w * bin)].reshape(t1 - t0, rows, bin, w, bin).mean(new long[] { 2, 4 });
            if (response is not null && _g.Slab)
            {
                // Padded with the edge values, not zeros: the slab goes on beyond the detector, so filtering sees no step there.
                int left = (_g.PaddedLength - w) / 2;
                var padded = torch.nn.functional.pad(block, new long[] { left, _g.PaddedLength - w - left }, PaddingModes.Replicate);
                block = torch.fft.irfft(torch.fft.rfft(padded, _g.PaddedLength, -1).mul_(response), _g.PaddedLength, -1)[.., .., left..(left + w)];
            }
            else if (response is not null)
            {
                var spectrum = torch.fft.rfft(block, _g.PaddedLength, -1);
                block = torch.fft.irfft(spectrum.mul_(response), _g.PaddedLength, -1)[.., .., ..w];
            }
            table[t0..t1, 1..(w + 1)].copy_(block.transpose(1, 2));
        }
        return table.view(_g.TableRows, rows);
    }

    /// <summary>
    /// Back-projects a table (table rows, rows) chunk by chunk of Z: <paramref name="sink"/> receives (z0, z1, voxels)
    /// with voxels (chunk·W, rows) in the order (z, x, y), valid until it returns.
    /// </summary>
    public void BackProject(Tensor table, int rows, Action<int, int, Tensor> sink, CancellationToken cancel)
    {
        int w = _g.Width, n = _g.TiltCount;
        using var sum = nn.EmbeddingBag_from_pretrained(table, freeze: true, mode: EmbeddingBagMode.Sum, device: Device);
        using var allTaps = TensorData.Wrap(_taps);
        using var allWeights = TensorData.Wrap(_weights);
        ForEachChunk((z0, z1) =>
        {
            long used = (long)(z1 - z0) * w * 2 * n;
            var taps = allTaps.narrow(0, 0, used).view(-1, 2 * n).to(Device);
            var weights = allWeights.narrow(0, 0, used).view(-1, 2 * n).to(Device);
            sink(z0, z1, sum.forward(taps, null, weights));
        }, cancel);
    }

    /// <summary>The adjoint of <see cref="BackProject"/>: projects a volume block (T·W, rows), ordered (z, x, y), to a table.</summary>
    public Tensor Project(Tensor volume, int rows, CancellationToken cancel)
    {
        int w = _g.Width;
        var result = torch.zeros(new long[] { _g.TableRows, rows }, device: Device);
        using var starts = TensorData.Wrap(_rayStarts);
        using var allEntries = TensorData.Wrap(_entries);
        using var allWeights = TensorData.Wrap(_entryWeights);
        ForEachChunk((z0, z1) =>
        {
            int count = GroupByRay(z1 - z0);
            if (count == 0) return;
            using var sum = nn.EmbeddingBag_from_pretrained(volume.narrow(0, (long)z0 * w, (long)(z1 - z0) * w), freeze: true,
                mode: EmbeddingBagMode.Sum, device: Device);
            result.add_(sum.forward(allEntries.narrow(0, 0, count).to(Device), starts.to(Device), allWeights.narrow(0, 0, count).to(Device)));
        }, cancel);
        return result;
    }

    /// <summary>Runs <paramref name="work"/> for each chunk [z0, z1) of Z sections, with the chunk's taps filled in and
    /// the tensors it makes freed after it.</summary>
    void ForEachChunk(Action<int, int> work, CancellationToken cancel)
    {
        for (int z0 = 0; z0 < _g.Thickness; z0 += _g.ZChunk)
        {
            cancel.ThrowIfCancellationRequested();
            int z1 = Math.Min(_g.Thickness, z0 + _g.ZChunk);
            using var scope = torch.NewDisposeScope();
            FillTaps(z0, z1);
            work(z0, z1);
        }
    }

    /// <summary>Row sums of the projector (per table row: the total weight of the voxels it sums) and column sums
    /// (per voxel (z, x): the total weight it spreads, the number of tilts whose detector sees it).</summary>
    public (double[] Rays, double[] Voxels) Weights()
    {
        int w = _g.Width, n = _g.TiltCount;
        var rays = new double[_g.TableRows];
        var voxels = new double[(long)_g.Thickness * w];
        for (int z0 = 0; z0 < _g.Thickness; z0 += _g.ZChunk)
        {
            int z1 = Math.Min(_g.Thickness, z0 + _g.ZChunk);
            FillTaps(z0, z1);
            for (int r = 0; r < (z1 - z0) * w; r++)
                for (int k = 0; k < 2 * n; k++)
                {
                    rays[_taps[r * 2 * n + k]] += _weights[r * 2 * n + k];
                    voxels[(long)z0 * w + r] += _weights[r * 2 * n + k];
                }
        }
        return (rays, voxels);
    }

    /// <summary>Fills the taps and weights of every voxel (z, x) of sections [z0, z1). Index bookkeeping, done here rather
    /// than as a dozen tensor operations, each of which would allocate and traverse the chunk again.</summary>
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
                    if (_g.Slab) u = Math.Clamp(u, 0, w - 1);
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

    /// <summary>Regroups the chunk's taps by table row (a counting sort, leaving out zero weights) for the projector;
    /// returns how many entries there are.</summary>
    int GroupByRay(int sections)
    {
        int taps = sections * _g.Width * 2 * _g.TiltCount, perVoxel = 2 * _g.TiltCount;
        Array.Clear(_rayCursor);
        for (int k = 0; k < taps; k++)
            if (_weights[k] != 0) _rayCursor[_taps[k]]++;
        int count = 0;
        for (int ray = 0; ray < _rayStarts.Length; ray++)
        {
            _rayStarts[ray] = count;
            count += _rayCursor[ray];
            _rayCursor[ray] = _rayStarts[ray];
        }
        for (int k = 0; k < taps; k++)
        {
            if (_weights[k] == 0) continue;
            int at = _rayCursor[_taps[k]]++;
            _entries[at] = k / perVoxel;
            _entryWeights[at] = _weights[k];
        }
        return count;
    }

    /// <summary>Copies voxels (chunk·W, rows), ordered (z, x, y), into rows [y0, y0 + rows) of sections [z0, z1) (Y, X).</summary>
    public static void ToSections(Tensor voxels, int z0, int z1, int y0, int rows, int width, float[][] sections)
    {
        var host = voxels.cpu(); // the caller's dispose scope frees it (on the CPU it may be voxels itself)
        var span = TensorData.Span(host);
        const int Tile = 32;
        unsafe
        {
            fixed (float* source = span)
            {
                var from = (nint)source;
                Parallel.For(z0, z1, z =>
                {
                    var plane = new ReadOnlySpan<float>((float*)from + (long)(z - z0) * width * rows, width * rows);
                    var section = sections[z];
                    for (int x0 = 0; x0 < width; x0 += Tile)
                        for (int r0 = 0; r0 < rows; r0 += Tile)
                            for (int x = x0; x < Math.Min(width, x0 + Tile); x++)
                                for (int r = r0; r < Math.Min(rows, r0 + Tile); r++)
                                    section[(y0 + r) * width + x] = plane[x * rows + r];
                });
            }
        }
    }
}

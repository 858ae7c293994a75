using FakET.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace FakET.Picking;

/// <summary>A tomogram's segmentation: per voxel the most probable class (0 background) and its probability, one (Y, X)
/// section per Z, as <see cref="Volume"/> holds voxels.</summary>
public sealed class SegmentationMap(byte[][] classes, float[][] confidence, int height, int width)
{
    public byte[][] Classes { get; } = classes;
    public float[][] Confidence { get; } = confidence;
    public int Depth => Classes.Length;
    public int Height { get; } = height;
    public int Width { get; } = width;

    /// <summary>The classes as float sections, each made when it is read (for an MRC writer), so the map is not copied whole.</summary>
    public IReadOnlyList<float[]> ClassSections() => new LazySections(Classes);

    sealed class LazySections(byte[][] classes) : IReadOnlyList<float[]>
    {
        public float[] this[int index] => Array.ConvertAll(classes[index], v => (float)v);
        public int Count => classes.Length;
        public IEnumerator<float[]> GetEnumerator()
        {
            for (int i = 0; i < Count; i++) yield return this[i];
        }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>
/// Segments a tomogram with a picker's U-Net in overlapping tiles, keeping each tile's centre, so memory holds one tile's
/// activations however large the tomogram. The tomogram is z-scored as a whole first (as DeepFinder's segmentation does);
/// voxels outside it read as 0. Each tile's core starts at a multiple of 4 (the network's poolings see the same grid as
/// the untiled network) and its margin is at least the network's reach (<see cref="PickerArchitecture.ReceptiveRadius"/>),
/// so away from the tomogram's faces the result is the untiled network's.
/// </summary>
public static class Segmentation
{
    /// <summary>The margin by default: the network's reach rounded up to a multiple of 4.</summary>
    public const int DefaultMargin = (PickerArchitecture.ReceptiveRadius + PickerArchitecture.SizeMultiple - 1)
        / PickerArchitecture.SizeMultiple * PickerArchitecture.SizeMultiple;

    /// <summary>Segments <paramref name="tomogram"/> with <paramref name="model"/> on <paramref name="device"/>, in tiles of
    /// at most <paramref name="tile"/> voxels per edge (margins included), each overlapping its neighbours by
    /// <paramref name="margin"/> voxels on every side.</summary>
    public static SegmentationMap Run(PickerModel model, Volume tomogram, Device device, int tile = 128, int margin = DefaultMargin,
        Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        using var network = new PickerNetwork(model.Plan, model.Weights, device, trainable: false);
        return Run(network, tomogram, tile, margin, progress, cancel);
    }

    internal static SegmentationMap Run(PickerNetwork network, Volume tomogram, int tile, int margin,
        Action<int, int>? progress, CancellationToken cancel)
    {
        int m = PickerArchitecture.SizeMultiple;
        if (margin < 0 || margin % m != 0 || tile - 2 * margin < m || tile % m != 0)
            throw new FakETException(PickingErrorIds.InvalidSetting, FailureKind.InvalidArgument,
                $"Tiles of {tile} voxels with margins of {margin} do not work: both must be multiples of {m}, and the tile must exceed twice the margin.");
        int depth = tomogram.Depth, height = tomogram.Height, width = tomogram.Width;
        var (_, _, mean, std) = Statistics.Summary(tomogram.GetSections());
        float scale = std > 0 ? (float)(1 / std) : 1f;
        var classes = new byte[depth][];
        var confidence = new float[depth][];
        for (int z = 0; z < depth; z++)
        {
            classes[z] = new byte[height * width];
            confidence[z] = new float[height * width];
        }
        var (cz, nz) = Cores(depth, tile - 2 * margin);
        var (cy, ny) = Cores(height, tile - 2 * margin);
        var (cx, nx) = Cores(width, tile - 2 * margin);
        int total = nz * ny * nx, done = 0;
        int tz = cz + 2 * margin, ty = cy + 2 * margin, tx = cx + 2 * margin;
        var input = new float[(long)tz * ty * tx];
        using var noGrad = torch.no_grad();
        for (int iz = 0; iz < nz; iz++)
            for (int iy = 0; iy < ny; iy++)
                for (int ix = 0; ix < nx; ix++)
                {
                    cancel.ThrowIfCancellationRequested();
                    int z0 = iz * cz - margin, y0 = iy * cy - margin, x0 = ix * cx - margin;
                    Array.Clear(input);
                    for (int z = Math.Max(0, z0); z < Math.Min(depth, z0 + tz); z++)
                    {
                        var section = tomogram.Section(z);
                        for (int y = Math.Max(0, y0); y < Math.Min(height, y0 + ty); y++)
                        {
                            long row = ((long)(z - z0) * ty + (y - y0)) * tx;
                            for (int x = Math.Max(0, x0); x < Math.Min(width, x0 + tx); x++)
                                input[row + x - x0] = (float)((section[y * width + x] - mean) * scale);
                        }
                    }
                    using (torch.NewDisposeScope())
                    {
                        var probabilities = network.Forward(TensorData.Upload(input, network.Device, 1, 1, tz, ty, tx));
                        var (best, index) = probabilities.max(1);
                        var p = TensorData.ToArray(best);
                        var k = TensorData.ToArray(index.to(ScalarType.Float32));
                        for (int z = iz * cz; z < Math.Min(depth, (iz + 1) * cz); z++)
                            for (int y = iy * cy; y < Math.Min(height, (iy + 1) * cy); y++)
                            {
                                long row = ((long)(z - z0) * ty + (y - y0)) * tx;
                                for (int x = ix * cx; x < Math.Min(width, (ix + 1) * cx); x++)
                                {
                                    classes[z][y * width + x] = (byte)k[row + x - x0];
                                    confidence[z][y * width + x] = p[row + x - x0];
                                }
                            }
                    }
                    progress?.Invoke(++done, total);
                }
        return new SegmentationMap(classes, confidence, height, width);
    }

    /// <summary>The core edge along an axis of <paramref name="size"/> voxels (at most <paramref name="core"/>, a multiple of
    /// 4, splitting the axis evenly) and the number of tiles.</summary>
    static (int Core, int Count) Cores(int size, int core)
    {
        int m = PickerArchitecture.SizeMultiple;
        int count = (size + core - 1) / core;
        int even = (size + count - 1) / count;
        return ((even + m - 1) / m * m, count);
    }
}

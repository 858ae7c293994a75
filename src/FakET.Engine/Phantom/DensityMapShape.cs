using FakET.IO;
using FakET.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace FakET.Phantom;

/// <summary>
/// A particle class from a density map (e.g. an EMDB map in MRC format), resampled to the phantom's voxel size.
/// The map's box centre is the particle's centre. Its mask is where the density reaches
/// <see cref="Threshold"/>; its density is scaled so that the mean inside the mask is 1, as the built-in shapes.
/// </summary>
public sealed class DensityMapShape : ParticleShape
{
    readonly float[] _values;
    readonly int _nz, _ny, _nx;
    readonly double _sz, _sy, _sx;

    DensityMapShape(string name, float[] values, int nz, int ny, int nx, double sz, double sy, double sx, double threshold, double radius)
    {
        Name = name;
        _values = values;
        (_nz, _ny, _nx) = (nz, ny, nx);
        (_sz, _sy, _sx) = (sz, sy, sx);
        Threshold = threshold;
        Radius = radius;
    }

    public override string Name { get; }
    public override double Radius { get; }
    /// <summary>Mask threshold in the scaled density.</summary>
    public double Threshold { get; }
    /// <summary>Size of the resampled map (Z, Y, X).</summary>
    public (int Z, int Y, int X) Shape => (_nz, _ny, _nx);

    /// <summary>Reads an MRC map and resamples it to <paramref name="voxelSize"/> Å (area averaging when shrinking,
    /// trilinear when growing), through TorchSharp.</summary>
    /// <param name="relativeThreshold">The mask threshold as a fraction of the map's maximum after resampling.</param>
    public static DensityMapShape Load(string path, double voxelSize, double relativeThreshold, string? name = null)
    {
        var (header, sections) = MrcFile.Read(path);
        double mapVoxel = header.PixelSize ?? throw new FakETException(ErrorIds.PhantomMapInvalid, FailureKind.InvalidData,
            $"{Path.GetFileName(path)} does not give its voxel size (cella / mx); a density map needs one to be resampled.");
        return FromSections(name ?? Path.GetFileNameWithoutExtension(path), sections, header.Nz, header.Ny, header.Nx, mapVoxel,
            voxelSize, relativeThreshold);
    }

    /// <summary>A shape from map sections (Z, Y, X) of voxel size <paramref name="mapVoxel"/> Å.</summary>
    public static DensityMapShape FromSections(string name, IReadOnlyList<float[]> sections, int nz, int ny, int nx, double mapVoxel,
        double voxelSize, double relativeThreshold)
    {
        if (!(relativeThreshold > 0 && relativeThreshold < 1))
            throw new FakETException(ErrorIds.PhantomMapInvalid, FailureKind.InvalidArgument,
                $"The map threshold is a fraction of the map's maximum, between 0 and 1; {relativeThreshold} was given.");
        NativeStack.EnsureLoaded();
        int[] size = { nz, ny, nx };
        long[] target = size.Select(n => (long)Math.Max(1, Math.Round(n * mapVoxel / voxelSize))).ToArray();
        float[] values;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var map = empty(new long[] { 1, 1, nz, ny, nx }, float32);
            var mapValues = Native.TensorData.Span(map);
            for (int z = 0; z < nz; z++) sections[z].AsSpan().CopyTo(mapValues.Slice(z * ny * nx));
            var resampled = target.Zip(size).All(p => p.First <= p.Second)
                ? nn.functional.adaptive_avg_pool3d(map, target)
                : nn.functional.interpolate(map, target, mode: InterpolationMode.Trilinear, align_corners: false);
            values = Native.TensorData.ToArray(resampled);
        }
        int mz = (int)target[0], my = (int)target[1], mx = (int)target[2];
        double max = values.Max();
        if (!(max > 0))
            throw new FakETException(ErrorIds.PhantomMapInvalid, FailureKind.InvalidData,
                $"The density map '{name}' has no positive density after resampling to {voxelSize} Å; protein must be positive (dense).");
        double threshold = relativeThreshold * max;
        double inside = 0;
        long count = 0;
        foreach (var v in values)
            if (v >= threshold) { inside += v; count++; }
        float scale = (float)(count / inside);
        for (int i = 0; i < values.Length; i++) values[i] *= scale;

        double sz = nz * mapVoxel / mz, sy = ny * mapVoxel / my, sx = nx * mapVoxel / mx;
        // The particle extends over the voxels with at least 1 % of the maximum density; fainter tails are cut.
        double radius = 0, floor = 0.01 * max * scale;
        for (int z = 0; z < mz; z++)
            for (int y = 0; y < my; y++)
                for (int x = 0; x < mx; x++)
                    if (values[((long)z * my + y) * mx + x] >= floor)
                    {
                        double dz = (z - (mz - 1) / 2.0) * sz, dy = (y - (my - 1) / 2.0) * sy, dx = (x - (mx - 1) / 2.0) * sx;
                        radius = Math.Max(radius, Math.Sqrt(dx * dx + dy * dy + dz * dz));
                    }
        radius += Math.Sqrt(sx * sx + sy * sy + sz * sz);
        return new DensityMapShape(name, values, mz, my, mx, sz, sy, sx, threshold * scale, radius);
    }

    public override (double Density, bool Inside) Sample(double x, double y, double z, double edge)
    {
        double fx = x / _sx + (_nx - 1) / 2.0, fy = y / _sy + (_ny - 1) / 2.0, fz = z / _sz + (_nz - 1) / 2.0;
        if (!(fx > -1 && fx < _nx && fy > -1 && fy < _ny && fz > -1 && fz < _nz)) return (0, false);
        int x0 = (int)Math.Floor(fx), y0 = (int)Math.Floor(fy), z0 = (int)Math.Floor(fz);
        double dx = fx - x0, dy = fy - y0, dz = fz - z0, density = 0;
        for (int k = 0; k < 8; k++)
        {
            int zi = z0 + (k >> 2), yi = y0 + ((k >> 1) & 1), xi = x0 + (k & 1);
            if ((uint)zi >= (uint)_nz || (uint)yi >= (uint)_ny || (uint)xi >= (uint)_nx) continue;
            double w = ((k & 4) != 0 ? dz : 1 - dz) * ((k & 2) != 0 ? dy : 1 - dy) * ((k & 1) != 0 ? dx : 1 - dx);
            density += w * _values[((long)zi * _ny + yi) * _nx + xi];
        }
        if (Math.Sqrt(x * x + y * y + z * z) > Radius) return (0, false);
        return (density, density >= Threshold);
    }
}

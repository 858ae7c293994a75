using System.Text.Json.Nodes;
using FakET.IO;

namespace FakET.Formats;

/// <summary>
/// A volume as an OME-NGFF 0.4 image (https://ngff.openmicroscopy.org/0.4/, "multiscales"): a zarr v2 group whose
/// <c>.zattrs</c> hold one multiscales entry with the axes z, y, x (type space, unit angstrom) and one dataset per scale,
/// paths "0", "1", "2" for the scales 1, 2 and 4, each with one <c>scale</c> coordinate transformation of
/// voxel size × factor Å on every axis. The arrays are zarr v2 (<see cref="ZarrArray"/>), chunks of at most 256³.
/// Scale f of an intensity volume is the mean of the f³ voxels of each block (of those inside the volume, at the edge);
/// of a label volume the voxel at the block's first corner, so labels stay labels. Each level has ⌊n / f⌋ voxels along an
/// axis of n, at least 1. copick writes its tomograms and segmentations in this layout (copick/util/ome.py).
/// </summary>
public static class OmeZarr
{
    /// <summary>The downsampling factors written: 1, 2 and 4.</summary>
    public static readonly int[] Factors = { 1, 2, 4 };

    /// <summary>Writes the image group <paramref name="folder"/> for a volume of <paramref name="shape"/>.</summary>
    /// <param name="value">The full-resolution element at (z, y, x).</param>
    /// <param name="labels">A label volume: downsampled by taking a voxel, not by averaging.</param>
    public static void Write(AtomicFileSet files, string folder, string name, (int Z, int Y, int X) shape, double voxelSize, ZarrType type,
        Func<int, int, int, double> value, bool labels, int chunk = 256, bool compress = true)
    {
        var datasets = new JsonArray();
        for (int level = 0; level < Factors.Length; level++)
        {
            int f = Factors[level];
            datasets.Add(new JsonObject
            {
                ["path"] = level.ToString(),
                ["coordinateTransformations"] = new JsonArray(new JsonObject
                {
                    ["type"] = "scale",
                    ["scale"] = new JsonArray(voxelSize * f, voxelSize * f, voxelSize * f),
                }),
            });
        }
        var axes = new JsonArray();
        foreach (var axis in new[] { "z", "y", "x" })
            axes.Add(new JsonObject { ["name"] = axis, ["type"] = "space", ["unit"] = "angstrom" });
        var attributes = new JsonObject
        {
            ["multiscales"] = new JsonArray(new JsonObject
            {
                ["version"] = "0.4",
                ["name"] = name,
                ["axes"] = axes,
                ["datasets"] = datasets,
                ["type"] = labels ? "nearest" : "mean",
            }),
        };
        ZarrArray.WriteGroup(files, folder, attributes);
        for (int level = 0; level < Factors.Length; level++)
        {
            int f = Factors[level];
            var scaled = (Math.Max(1, shape.Z / f), Math.Max(1, shape.Y / f), Math.Max(1, shape.X / f));
            ZarrArray.Write(files, Path.Combine(folder, level.ToString()), scaled, type, Downsampled(value, shape, f, labels), chunk, compress);
        }
    }

    /// <summary>The element at (z, y, x) of the volume downsampled by <paramref name="f"/>.</summary>
    static Func<int, int, int, double> Downsampled(Func<int, int, int, double> value, (int Z, int Y, int X) shape, int f, bool labels)
    {
        if (f == 1 || labels) return (z, y, x) => value(z * f, y * f, x * f);
        return (z, y, x) =>
        {
            double sum = 0;
            int count = 0;
            for (int dz = 0; dz < f && z * f + dz < shape.Z; dz++)
                for (int dy = 0; dy < f && y * f + dy < shape.Y; dy++)
                    for (int dx = 0; dx < f && x * f + dx < shape.X; dx++, count++)
                        sum += value(z * f + dz, y * f + dy, x * f + dx);
            return sum / count;
        };
    }
}

using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;
using FakET.IO;

namespace FakET.Formats;

/// <summary>The element types <see cref="ZarrArray"/> writes, with their zarr v2 <c>dtype</c> strings.</summary>
public enum ZarrType
{
    /// <summary><c>&lt;f4</c>: little-endian float32 (tomograms).</summary>
    Float32,
    /// <summary><c>|u1</c>: unsigned bytes (label masks of up to 255 classes).</summary>
    UInt8,
    /// <summary><c>&lt;i4</c>: little-endian int32 (label masks with more classes).</summary>
    Int32,
}

/// <summary>
/// A minimal writer of zarr v2 arrays and groups (the zarr storage specification, version 2: <c>.zarray</c>,
/// <c>.zgroup</c>, <c>.zattrs</c> as JSON; one file per chunk, its elements in C order, edge chunks padded to the full
/// chunk shape with the fill value 0). Chunks are zlib-compressed (numcodecs' <c>zlib</c> codec: an RFC 1950 stream) or
/// stored raw, the two codecs every zarr reader decodes. Chunk keys use <c>/</c> as the dimension separator
/// (<c>"dimension_separator": "/"</c>, so chunk (0, 1, 2) is the file <c>0/1/2</c>), as copick's stores do. Every file
/// goes through an <see cref="AtomicFileSet"/>, so an array is written with the rest of its set or not at all.
/// </summary>
public static class ZarrArray
{
    /// <summary>The zarr v2 dtype of <paramref name="type"/>.</summary>
    public static string DType(ZarrType type) => type switch
    {
        ZarrType.Float32 => "<f4",
        ZarrType.UInt8 => "|u1",
        _ => "<i4",
    };

    static int Bytes(ZarrType type) => type == ZarrType.UInt8 ? 1 : 4;

    /// <summary>Writes <c>.zgroup</c> (and <c>.zattrs</c> when <paramref name="attributes"/> is given) into <paramref name="folder"/>.</summary>
    public static void WriteGroup(AtomicFileSet files, string folder, JsonObject? attributes = null)
    {
        files.WriteAllText(Path.Combine(folder, ".zgroup"), new JsonObject { ["zarr_format"] = 2 }.ToJsonString(Json.Indented));
        if (attributes is not null) files.WriteAllText(Path.Combine(folder, ".zattrs"), attributes.ToJsonString(Json.Indented));
    }

    /// <summary>
    /// Writes a 3-D array (Z, Y, X) into <paramref name="folder"/>: its <c>.zarray</c> and its chunks.
    /// <paramref name="value"/>(z, y, x) gives each element as a double, converted to <paramref name="type"/>.
    /// </summary>
    /// <param name="chunk">The chunk edge; chunks are chunk³, or the array's size along an axis when that is smaller.</param>
    /// <param name="compress">zlib (level 1) when true, raw chunks otherwise.</param>
    public static void Write(AtomicFileSet files, string folder, (int Z, int Y, int X) shape, ZarrType type, Func<int, int, int, double> value,
        int chunk = 256, bool compress = true)
    {
        if (shape.Z < 1 || shape.Y < 1 || shape.X < 1) throw new ArgumentOutOfRangeException(nameof(shape), "Every axis of a zarr array needs at least one element.");
        int cz = Math.Min(chunk, shape.Z), cy = Math.Min(chunk, shape.Y), cx = Math.Min(chunk, shape.X);
        var meta = new JsonObject
        {
            ["zarr_format"] = 2,
            ["shape"] = new JsonArray(shape.Z, shape.Y, shape.X),
            ["chunks"] = new JsonArray(cz, cy, cx),
            ["dtype"] = DType(type),
            ["compressor"] = compress ? new JsonObject { ["id"] = "zlib", ["level"] = 1 } : null,
            ["fill_value"] = 0,
            ["order"] = "C",
            ["filters"] = null,
            ["dimension_separator"] = "/",
        };
        files.WriteAllText(Path.Combine(folder, ".zarray"), meta.ToJsonString(Json.Indented));
        int size = Bytes(type);
        var buffer = new byte[(long)cz * cy * cx * size];
        for (int iz = 0; iz * cz < shape.Z; iz++)
            for (int iy = 0; iy * cy < shape.Y; iy++)
                for (int ix = 0; ix * cx < shape.X; ix++)
                {
                    Array.Clear(buffer);
                    int at = 0;
                    for (int z = iz * cz; z < iz * cz + cz; z++)
                        for (int y = iy * cy; y < iy * cy + cy; y++)
                            for (int x = ix * cx; x < ix * cx + cx; x++, at += size)
                            {
                                if (z >= shape.Z || y >= shape.Y || x >= shape.X) continue;
                                double v = value(z, y, x);
                                var span = buffer.AsSpan(at, size);
                                switch (type)
                                {
                                    case ZarrType.Float32: BinaryPrimitives.WriteSingleLittleEndian(span, (float)v); break;
                                    case ZarrType.UInt8: span[0] = (byte)v; break;
                                    default: BinaryPrimitives.WriteInt32LittleEndian(span, (int)v); break;
                                }
                            }
                    string key = Path.Combine(folder, iz.ToString(), iy.ToString(), ix.ToString());
                    files.Write(key, stream =>
                    {
                        if (!compress)
                        {
                            stream.Write(buffer);
                            return;
                        }
                        using var zlib = new ZLibStream(stream, CompressionLevel.Fastest, leaveOpen: true);
                        zlib.Write(buffer);
                    });
                }
    }
}

/// <summary>JSON writing options shared by the format writers.</summary>
internal static class Json
{
    public static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };
}

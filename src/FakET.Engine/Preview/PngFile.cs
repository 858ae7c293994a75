using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using FakET.IO;

namespace FakET.Preview;

/// <summary>
/// Writes PNG images (8-bit RGB or greyscale, no interlacing): the signature, IHDR, one zlib-compressed IDAT,
/// IEND, each chunk with its CRC-32. Enough for plots and previews without a graphics library.
/// </summary>
public static class PngFile
{
    static readonly byte[] Signature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };

    /// <summary>Writes <paramref name="image"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, Raster image, CancellationToken cancel = default) =>
        AtomicFile.Write(path, stream => Write(stream, image), cancel);

    /// <summary>Writes <paramref name="image"/> as PNG (colour type 2, RGB) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, Raster image) => Write(stream, image.Pixels, image.Width, image.Height, channels: 3);

    /// <summary>Writes 8-bit greyscale pixels (row-major, one byte each) as PNG (colour type 0).</summary>
    public static void WriteGray(Stream stream, ReadOnlySpan<byte> pixels, int width, int height) => Write(stream, pixels, width, height, channels: 1);

    static void Write(Stream stream, ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "An image needs a positive size.");
        int row = width * channels;
        if (pixels.Length != (long)row * height) throw new ArgumentException("The pixels do not fill the image.", nameof(pixels));
        stream.Write(Signature);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;                               // bit depth
        header[9] = (byte)(channels == 3 ? 2 : 0);  // colour type: truecolour or greyscale
        // compression 0, filter method 0, interlace 0
        WriteChunk(stream, "IHDR", header);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var line = new byte[row + 1]; // filter type 0 (None) in front of each scanline
            for (int y = 0; y < height; y++)
            {
                pixels.Slice(y * row, row).CopyTo(line.AsSpan(1));
                zlib.Write(line);
            }
        }
        WriteChunk(stream, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(stream, "IEND", ReadOnlySpan<byte>.Empty);
    }

    static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        stream.Write(word);
    }

    /// <summary>CRC-32 (ISO 3309, polynomial 0xEDB88320 reflected), as PNG chunks carry it.</summary>
    internal static class Crc32
    {
        static readonly uint[] Table = MakeTable();

        static uint[] MakeTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                table[n] = c;
            }
            return table;
        }

        /// <summary>Continues a running CRC (start with 0xFFFFFFFF, finish by xor with 0xFFFFFFFF).</summary>
        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }
    }
}

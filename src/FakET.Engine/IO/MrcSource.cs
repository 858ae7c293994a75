using System.IO.Compression;
using ICSharpCode.SharpZipLib.BZip2;

namespace FakET.IO;

/// <summary>The bytes of an MRC file: the file itself, or its decompressed content when its name ends in <c>.gz</c>
/// (gzip, System.IO.Compression) or <c>.bz2</c> (bzip2, SharpZipLib), as mrcfile decides by the name too.</summary>
sealed class MrcSource : IDisposable
{
    public Stream Stream { get; }
    /// <summary>The length of the MRC content, or null for a compressed file, whose length is known only once read.</summary>
    public long? Length { get; }

    MrcSource(Stream stream, long? length) => (Stream, Length) = (stream, length);

    public static MrcSource Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            return new MrcSource(new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16), null);
        if (path.EndsWith(".bz2", StringComparison.OrdinalIgnoreCase))
            return new MrcSource(new BufferedStream(new BZip2InputStream(file), 1 << 16), null);
        return new MrcSource(file, file.Length);
    }

    public void Dispose() => Stream.Dispose();
}

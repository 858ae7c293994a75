using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.MemoryMappedFiles;
using FakET.IO;

namespace FakET.Scoring;

/// <summary>A voxel index (x, y, z), 0-based.</summary>
public readonly record struct Voxel(int X, int Y, int Z);

/// <summary>
/// An occupancy mask (particle index per voxel, 0 for background) read only where picks land. SHREC'21's evaluation
/// dilates the whole mask once (<c>skimage.morphology.dilation</c> with its default footprint, the 3-D cross of
/// connectivity 1) and then reads one voxel per pick; a grey dilation's value at a voxel is the maximum over that voxel
/// and its six face neighbours inside the volume, so reading those seven voxels per pick gives the same numbers without
/// touching the rest of the volume (<see cref="Dilated"/>).
/// </summary>
public abstract class OccupancyMask
{
    protected OccupancyMask(int nx, int ny, int nz) => (Nx, Ny, Nz) = (nx, ny, nz);

    /// <summary>The mask's size in voxels.</summary>
    public int Nx { get; }
    public int Ny { get; }
    public int Nz { get; }

    /// <summary>The mask's values at the given linear indices (x + Nx·(y + Ny·z)), sorted ascending and distinct, as
    /// whole numbers (a float mask truncated towards zero, as Python's <c>int()</c>).</summary>
    protected abstract long[] Read(long[] sortedIndices, CancellationToken cancel);

    /// <summary>
    /// The dilated mask at each voxel (all inside the mask): the maximum of the voxel and its six face neighbours that
    /// lie inside, as <c>int(dilation(mask)[z, y, x])</c> in the published script.
    /// </summary>
    public long[] Dilated(IReadOnlyList<Voxel> voxels, CancellationToken cancel = default)
    {
        var wanted = new List<long>(voxels.Count * 7);
        foreach (var v in voxels)
            foreach (var n in Neighbourhood(v)) wanted.Add(Index(n));
        var sorted = wanted.Distinct().Order().ToArray();
        var values = Read(sorted, cancel);
        var result = new long[voxels.Count];
        for (int i = 0; i < voxels.Count; i++)
        {
            long max = long.MinValue;
            foreach (var n in Neighbourhood(voxels[i]))
                max = Math.Max(max, values[Array.BinarySearch(sorted, Index(n))]);
            result[i] = max;
        }
        return result;
    }

    long Index(Voxel v) => v.X + (long)Nx * (v.Y + (long)Ny * v.Z);

    IEnumerable<Voxel> Neighbourhood(Voxel v)
    {
        yield return v;
        if (v.X > 0) yield return v with { X = v.X - 1 };
        if (v.X < Nx - 1) yield return v with { X = v.X + 1 };
        if (v.Y > 0) yield return v with { Y = v.Y - 1 };
        if (v.Y < Ny - 1) yield return v with { Y = v.Y + 1 };
        if (v.Z > 0) yield return v with { Z = v.Z - 1 };
        if (v.Z < Nz - 1) yield return v with { Z = v.Z + 1 };
    }

    /// <summary>An instance mask held in memory (a labelled volume's), sections of Y×X.</summary>
    public static OccupancyMask Of(int[][] sections, int nx, int ny) => new InMemory(sections, nx, ny);

    /// <summary>An MRC file, plain or gzip-compressed (<c>.gz</c>); only its header is read here.</summary>
    public static OccupancyMask Open(string path) => new MrcMask(path);

    /// <summary>Å per voxel as the file's header gives it, or null (SHREC'21's masks give 0).</summary>
    public virtual double? VoxelSize => null;

    sealed class InMemory(int[][] sections, int nx, int ny) : OccupancyMask(nx, ny, sections.Length)
    {
        protected override long[] Read(long[] sortedIndices, CancellationToken cancel)
        {
            long plane = (long)Nx * Ny;
            return sortedIndices.Select(i => (long)sections[i / plane][i % plane]).ToArray();
        }
    }

    sealed class MrcMask : OccupancyMask
    {
        readonly string _path;
        readonly MrcHeader _header;
        readonly bool _gzip;

        public MrcMask(string path) : this(path, HeaderOf(path)) { }

        MrcMask(string path, (MrcHeader Header, bool Gzip) opened) : base(opened.Header.Nx, opened.Header.Ny, opened.Header.Nz)
        {
            (_path, _header, _gzip) = (path, opened.Header, opened.Gzip);
        }

        public override double? VoxelSize => _header.PixelSize;

        static (MrcHeader, bool) HeaderOf(string path)
        {
            bool gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            if (!gzip) return (MrcFile.ReadHeader(path), false);
            using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            var bytes = new byte[MrcHeader.Size];
            int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            // A gzip stream's length is known only by decompressing it: the data are checked for truncation as they are read.
            return (MrcHeader.Parse(bytes.AsSpan(0, read), read < MrcHeader.Size ? read : long.MaxValue, Path.GetFileName(path)), true);
        }

        protected override long[] Read(long[] sortedIndices, CancellationToken cancel) =>
            _gzip ? ReadStream(sortedIndices, cancel) : ReadMapped(sortedIndices, cancel);

        long[] ReadMapped(long[] sortedIndices, CancellationToken cancel)
        {
            var values = new long[sortedIndices.Length];
            if (values.Length == 0) return values;
            using var map = MemoryMappedFile.CreateFromFile(_path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            using var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            int size = _header.BytesPerVoxel;
            Span<byte> raw = stackalloc byte[4];
            for (int i = 0; i < sortedIndices.Length; i++)
            {
                if ((i & 4095) == 0) cancel.ThrowIfCancellationRequested();
                long at = _header.DataOffset + sortedIndices[i] * size;
                for (int b = 0; b < size; b++) raw[b] = view.ReadByte(at + b);
                values[i] = Decode(raw[..size]);
            }
            return values;
        }

        long[] ReadStream(long[] sortedIndices, CancellationToken cancel)
        {
            var values = new long[sortedIndices.Length];
            if (values.Length == 0) return values;
            using var stream = new GZipStream(new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), CompressionMode.Decompress);
            int size = _header.BytesPerVoxel;
            // Past the headers, reads fill whole buffers of a size that is a multiple of every voxel size, so no voxel
            // straddles two reads.
            var buffer = new byte[1 << 20];
            for (long left = _header.DataOffset; left > 0;)
            {
                int read = stream.Read(buffer, 0, (int)Math.Min(left, buffer.Length));
                if (read == 0) throw Truncated(0);
                left -= read;
            }
            long position = 0; // data bytes before buffer[0]
            int next = 0;
            while (next < sortedIndices.Length)
            {
                cancel.ThrowIfCancellationRequested();
                int filled = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                long end = position + filled;
                for (long at; next < sortedIndices.Length && (at = sortedIndices[next] * size) + size <= end; next++)
                    values[next] = Decode(buffer.AsSpan((int)(at - position), size));
                if (filled < buffer.Length && next < sortedIndices.Length) throw Truncated(end);
                position = end;
            }
            return values;
        }

        FakETException Truncated(long dataBytes) => new(ErrorIds.MrcTruncated, FailureKind.InvalidData,
            $"{Path.GetFileName(_path)} is truncated: its header announces {_header.Nx}×{_header.Ny}×{_header.Nz} voxels of {_header.BytesPerVoxel} bytes, but the data end after {dataBytes} bytes.");

        long Decode(ReadOnlySpan<byte> raw)
        {
            bool big = _header.BigEndian;
            return _header.Mode switch
            {
                MrcMode.Int8 => _header.UnsignedBytes ? raw[0] : (sbyte)raw[0],
                MrcMode.Int16 => big ? BinaryPrimitives.ReadInt16BigEndian(raw) : BinaryPrimitives.ReadInt16LittleEndian(raw),
                MrcMode.UInt16 => big ? BinaryPrimitives.ReadUInt16BigEndian(raw) : BinaryPrimitives.ReadUInt16LittleEndian(raw),
                MrcMode.Float32 => Whole(big ? BinaryPrimitives.ReadSingleBigEndian(raw) : BinaryPrimitives.ReadSingleLittleEndian(raw)),
                MrcMode.Float16 => Whole((float)(big ? BinaryPrimitives.ReadHalfBigEndian(raw) : BinaryPrimitives.ReadHalfLittleEndian(raw))),
                _ => throw new FakETException(ErrorIds.MrcUnsupportedMode, FailureKind.InvalidData, $"MRC mode {(int)_header.Mode} is not supported."),
            };
        }

        long Whole(float value) => float.IsFinite(value) ? (long)Math.Truncate(value)
            : throw new FakETException(ScoringErrorIds.OccupancyInvalid, FailureKind.InvalidData,
                $"{Path.GetFileName(_path)} holds {value} where a particle index (a whole number) belongs.");
    }
}

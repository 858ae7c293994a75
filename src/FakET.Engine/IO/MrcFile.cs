using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FakET.IO;

/// <summary>
/// Reads and writes MRC2014 files section by section. Reading validates the header against the file
/// length before allocating anything; writing is atomic (<see cref="AtomicFile"/>).
/// </summary>
public static class MrcFile
{
    /// <summary>Reads and validates the header of <paramref name="path"/>.</summary>
    public static MrcHeader ReadHeader(string path)
    {
        using var stream = OpenRead(path);
        return ReadHeader(stream, path);
    }

    static FileStream OpenRead(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);

    static MrcHeader ReadHeader(FileStream stream, string path)
    {
        var bytes = new byte[MrcHeader.Size];
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        return MrcHeader.Parse(bytes.AsSpan(0, read), stream.Length, Path.GetFileName(path));
    }

    /// <summary>Reads every section of <paramref name="path"/> as float32, one array per section.</summary>
    /// <param name="progress">Called with (sections read, total) on the calling thread.</param>
    public static (MrcHeader Header, float[][] Sections) Read(string path, CancellationToken cancel = default, Action<int, int>? progress = null)
    {
        using var stream = OpenRead(path);
        var header = ReadHeader(stream, path);
        int plane = header.Nx * header.Ny;
        MemoryBudget.Require((long)plane * header.Nz * sizeof(float),
            $"Reading {Path.GetFileName(path)} needs its {header.Nz}×{header.Ny}×{header.Nx} voxels as float32",
            "Read it on a machine with more memory, or bin or crop it first (e.g. IMOD's newstack -bin 2).");
        var raw = new byte[(long)plane * header.BytesPerVoxel];
        var sections = new float[header.Nz][];
        stream.Position = header.DataOffset;
        for (int z = 0; z < header.Nz; z++)
        {
            cancel.ThrowIfCancellationRequested();
            stream.ReadExactly(raw);
            sections[z] = new float[plane];
            Decode(raw, sections[z], header);
            progress?.Invoke(z + 1, header.Nz);
        }
        return (header, sections);
    }

    static void Decode(byte[] raw, float[] values, MrcHeader h)
    {
        bool swap = h.BigEndian == BitConverter.IsLittleEndian;
        switch (h.Mode)
        {
            case MrcMode.Float32 when !swap:
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(values);
                break;
            case MrcMode.Float32:
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleBigEndian(raw.AsSpan(4 * i));
                break;
            case MrcMode.Int8:
                if (h.UnsignedBytes) for (int i = 0; i < values.Length; i++) values[i] = raw[i];
                else for (int i = 0; i < values.Length; i++) values[i] = (sbyte)raw[i];
                break;
            case MrcMode.Int16:
                for (int i = 0; i < values.Length; i++)
                    values[i] = swap ? BinaryPrimitives.ReadInt16BigEndian(raw.AsSpan(2 * i)) : BinaryPrimitives.ReadInt16LittleEndian(raw.AsSpan(2 * i));
                break;
            case MrcMode.UInt16:
                for (int i = 0; i < values.Length; i++)
                    values[i] = swap ? BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(2 * i)) : BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(2 * i));
                break;
            case MrcMode.Float16:
                for (int i = 0; i < values.Length; i++)
                    values[i] = (float)(swap ? BinaryPrimitives.ReadHalfBigEndian(raw.AsSpan(2 * i)) : BinaryPrimitives.ReadHalfLittleEndian(raw.AsSpan(2 * i)));
                break;
            default:
                throw new FakETException(ErrorIds.MrcUnsupportedMode, FailureKind.InvalidData, $"MRC mode {(int)h.Mode} is not supported.");
        }
    }

    /// <summary>What to put in the header of a file being written.</summary>
    /// <param name="IsVolume">Space group 1 (a volume) rather than 0 (a stack of images).</param>
    /// <param name="Labels">Up to ten 80-character labels.</param>
    public sealed record WriteOptions(MrcMode Mode, bool IsVolume, IReadOnlyList<string> Labels,
        float OriginX = 0, float OriginY = 0, float OriginZ = 0);

    /// <summary>Writes the sections (each <paramref name="ny"/>×<paramref name="nx"/>, row-major) atomically.</summary>
    /// <param name="cancel">Checked between sections, while the header's statistics are computed and while writing;
    /// a cancellation removes the temporary file and leaves any earlier file at <paramref name="path"/> as it was.</param>
    /// <param name="progress">Called with (sections written, total) on the calling thread.</param>
    public static void Write(string path, IReadOnlyList<float[]> sections, int ny, int nx, double pixelSize, WriteOptions options,
        CancellationToken cancel = default, Action<int, int>? progress = null)
    {
        using var files = new AtomicFileSet(cancel);
        Write(files, path, sections, ny, nx, pixelSize, options, progress);
        files.Commit();
    }

    /// <summary>Writes the sections as one file of <paramref name="files"/>: it becomes <paramref name="path"/> when the
    /// set is committed, together with the set's other files. Cancellation is the set's token, checked between sections.</summary>
    /// <param name="progress">Called with (sections written, total) on the calling thread.</param>
    public static void Write(AtomicFileSet files, string path, IReadOnlyList<float[]> sections, int ny, int nx, double pixelSize,
        WriteOptions options, Action<int, int>? progress = null)
    {
        if (options.Mode is not (MrcMode.Float32 or MrcMode.Float16))
            throw new ArgumentException("This module writes MRC mode 2 (float32) or 12 (float16).", nameof(options));
        var cancel = files.Cancel;
        var (min, max, mean, std) = Statistics.Summary(new CheckedSections(sections, cancel));
        int nz = sections.Count;
        var header = new MrcHeader
        {
            Nx = nx, Ny = ny, Nz = nz, Mode = options.Mode,
            Mx = nx, My = ny, Mz = nz,
            CellA = (float)(pixelSize * nx), CellB = (float)(pixelSize * ny), CellC = (float)(pixelSize * nz),
            DMin = (float)min, DMax = (float)max, DMean = (float)mean, Rms = (float)std,
            SpaceGroup = options.IsVolume ? 1 : 0,
            OriginX = options.OriginX, OriginY = options.OriginY, OriginZ = options.OriginZ,
        };
        header.Labels.AddRange(options.Labels.Take(10));
        files.Write(path, stream =>
        {
            stream.Write(header.ToBytes());
            var raw = new byte[(long)nx * ny * header.BytesPerVoxel];
            for (int z = 0; z < nz; z++)
            {
                cancel.ThrowIfCancellationRequested();
                Encode(sections[z], raw, options.Mode);
                stream.Write(raw);
                progress?.Invoke(z + 1, nz);
            }
        });
    }

    /// <summary>The sections as they are, with the token checked each time the next one is taken: the header's
    /// statistics (two passes over every voxel) can then be stopped between sections, and are computed exactly
    /// as <see cref="Statistics.Summary"/> computes them.</summary>
    sealed class CheckedSections(IReadOnlyList<float[]> sections, CancellationToken cancel) : IReadOnlyList<float[]>
    {
        public float[] this[int index] => sections[index];
        public int Count => sections.Count;

        public IEnumerator<float[]> GetEnumerator()
        {
            for (int z = 0; z < sections.Count; z++)
            {
                cancel.ThrowIfCancellationRequested();
                yield return sections[z];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    static void Encode(float[] values, byte[] raw, MrcMode mode)
    {
        if (mode == MrcMode.Float32)
        {
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), values[i]);
        }
        else
        {
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(raw.AsSpan(2 * i), (Half)values[i]);
        }
    }
}

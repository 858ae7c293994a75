using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FakET.IO;

/// <summary>
/// Reads and writes MRC2014 files section by section. Reading validates the header against the file
/// length before allocating anything; writing is atomic (<see cref="AtomicFile"/>).
/// </summary>
public static class MrcFile
{
    /// <summary>Reads and validates the header of <paramref name="path"/> (strictly).</summary>
    public static MrcHeader ReadHeader(string path)
    {
        using var source = MrcSource.Open(path);
        return ReadHeader(source, path, MrcReadOptions.Strict);
    }

    internal static MrcHeader ReadHeader(MrcSource source, string path, MrcReadOptions options)
    {
        var bytes = new byte[MrcHeader.Size];
        int read = source.Stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        long length = source.Length ?? (read < MrcHeader.Size ? read : MrcHeader.UnknownLength);
        return MrcHeader.Parse(bytes.AsSpan(0, read), length, Path.GetFileName(path), options);
    }

    /// <summary>Bytes a read of <paramref name="header"/> allocates: each section is a float array of its own (the
    /// runtime's 24-byte array header, the values rounded up to 8 bytes) with a reference to it, and the read buffer.
    /// 30 million one-voxel sections thus count 1.2 GB, not the 120 MB of their values.</summary>
    internal static long MemoryNeeded(MrcHeader header)
    {
        const long arrayHeader = 24, reference = 8;
        long plane = (long)header.Nx * header.Ny;
        long section = arrayHeader + (plane * sizeof(float) + 7) / 8 * 8 + reference;
        // Up to 2^31 sections of up to 8.6 GB each overflow a long: saturate (a compressed file's size is not known first).
        double total = arrayHeader + (double)header.Nz * section + ChunkBytes(header) + Math.Min(header.ExtendedHeaderBytes, MrcExtendedHeader.MaxKept);
        return total >= long.MaxValue ? long.MaxValue : (long)total;
    }

    static int ChunkBytes(MrcHeader header) =>
        (int)Math.Min((long)header.Nx * header.Ny * header.BytesPerVoxel, (1 << 20) / header.BytesPerVoxel * header.BytesPerVoxel);

    /// <summary>Reads every section of <paramref name="path"/> (an MRC file, or one compressed as <c>.gz</c> or
    /// <c>.bz2</c>) as float32, one array per section, strictly unless <paramref name="options"/> say otherwise. Tilt
    /// angles in a SerialEM or FEI extended header land in <see cref="MrcHeader.ExtendedHeaderTiltAngles"/>.</summary>
    /// <param name="progress">Called with (sections read, total) on the calling thread.</param>
    public static (MrcHeader Header, float[][] Sections) Read(string path, CancellationToken cancel = default, Action<int, int>? progress = null,
        MrcReadOptions? options = null)
    {
        options ??= MrcReadOptions.Strict;
        string name = Path.GetFileName(path);
        using var source = MrcSource.Open(path);
        try
        {
            var header = ReadHeader(source, path, options);
            MemoryBudget.Require(MemoryNeeded(header),
                $"Reading {name} needs its {header.Nz}×{header.Ny}×{header.Nx} voxels as float32, one array per section",
                "Read it on a machine with more memory, or bin or crop it first (e.g. IMOD's newstack -bin 2).",
                options.AvailableMemory ?? MemoryBudget.Available);
            header.ExtendedHeaderTiltAngles = MrcExtendedHeader.TiltAngles(header, ReadExtendedHeader(source, header, name));
            var sections = ReadSections(source.Stream, header, name, cancel, progress);
            if (source.Length is null) CheckNothingFollows(source.Stream, header, name, options);
            return (header, sections);
        }
        catch (Exception e) when (source.Length is null && e is InvalidDataException or ICSharpCode.SharpZipLib.SharpZipBaseException)
        {
            throw new FakETException(ErrorIds.MrcCompressedInvalid, FailureKind.InvalidData,
                $"{name} cannot be decompressed: {e.Message}");
        }
    }

    internal static byte[] ReadExtendedHeader(MrcSource source, MrcHeader header, string name)
    {
        int kept = Math.Min(header.ExtendedHeaderBytes, MrcExtendedHeader.MaxKept);
        var extended = new byte[kept];
        long skip = header.ExtendedHeaderBytes - kept;
        if (source.Stream.ReadAtLeast(extended, kept, throwOnEndOfStream: false) < kept || Skip(source.Stream, skip) < skip)
            throw new FakETException(ErrorIds.MrcExtendedHeaderPastEnd, FailureKind.InvalidData,
                $"{name} declares an extended header of {header.ExtendedHeaderBytes} bytes, which runs past the end of the file.");
        return extended;
    }

    internal static long Skip(Stream stream, long count)
    {
        if (count <= 0) return 0;
        if (stream.CanSeek)
        {
            long room = Math.Min(count, stream.Length - stream.Position);
            stream.Position += room;
            return room;
        }
        var buffer = new byte[1 << 16];
        long skipped = 0;
        while (skipped < count)
        {
            int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count - skipped));
            if (n == 0) break;
            skipped += n;
        }
        return skipped;
    }

    static float[][] ReadSections(Stream stream, MrcHeader header, string name, CancellationToken cancel, Action<int, int>? progress)
    {
        var sections = new float[header.Nz][];
        // At most about a thousand reports, however many (tiny) sections there are.
        int every = Math.Max(1, header.Nz / 1000);
        ForEachSection(stream, header, name, cancel, z => sections[z] = new float[header.Nx * header.Ny], z =>
        {
            if ((z + 1) % every == 0 || z + 1 == header.Nz) progress?.Invoke(z + 1, header.Nz);
        });
        return sections;
    }

    /// <summary>Reads the sections one after the other, each into the array <paramref name="target"/> gives, and
    /// calls <paramref name="done"/> with its index once it is read.</summary>
    internal static void ForEachSection(Stream stream, MrcHeader header, string name, CancellationToken cancel, Func<int, float[]> target, Action<int> done)
    {
        int plane = header.Nx * header.Ny;
        int bpv = header.BytesPerVoxel;
        var chunk = new byte[ChunkBytes(header)];
        for (int z = 0; z < header.Nz; z++)
        {
            cancel.ThrowIfCancellationRequested();
            var values = target(z);
            for (int read = 0; read < plane;)
            {
                int count = Math.Min(plane - read, chunk.Length / bpv);
                var raw = chunk.AsSpan(0, count * bpv);
                if (stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) < raw.Length)
                    throw new FakETException(ErrorIds.MrcTruncated, FailureKind.InvalidData,
                        $"{name} is truncated: its data end in section {z + 1} of {header.Nz}, before the " +
                        $"{header.Nx}×{header.Ny}×{header.Nz} voxels its header announces.");
                Decode(raw, values.AsSpan(read, count), header);
                read += count;
            }
            done(z);
        }
    }

    /// <summary>A compressed file's length is known only once it is read: data after the sections are refused or
    /// warned of as in a plain file (<see cref="MrcHeader.ExtraData"/>).</summary>
    static void CheckNothingFollows(Stream stream, MrcHeader header, string name, MrcReadOptions options)
    {
        long extra = Skip(stream, long.MaxValue);
        if (extra > 0) MrcHeader.Apply(new[] { MrcHeader.ExtraData(header, header.DataBytes + extra, name) }, options);
    }

    static void Decode(ReadOnlySpan<byte> raw, Span<float> values, MrcHeader h)
    {
        bool swap = h.BigEndian == BitConverter.IsLittleEndian;
        switch (h.Mode)
        {
            case MrcMode.Float32 when !swap:
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(values);
                break;
            case MrcMode.Float32:
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleBigEndian(raw[(4 * i)..]);
                break;
            case MrcMode.Int8:
                if (h.UnsignedBytes) for (int i = 0; i < values.Length; i++) values[i] = raw[i];
                else for (int i = 0; i < values.Length; i++) values[i] = (sbyte)raw[i];
                break;
            case MrcMode.Int16:
                for (int i = 0; i < values.Length; i++)
                    values[i] = swap ? BinaryPrimitives.ReadInt16BigEndian(raw[(2 * i)..]) : BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]);
                break;
            case MrcMode.UInt16:
                for (int i = 0; i < values.Length; i++)
                    values[i] = swap ? BinaryPrimitives.ReadUInt16BigEndian(raw[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]);
                break;
            case MrcMode.Float16:
                for (int i = 0; i < values.Length; i++)
                    values[i] = (float)(swap ? BinaryPrimitives.ReadHalfBigEndian(raw[(2 * i)..]) : BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]));
                break;
            default:
                throw new FakETException(ErrorIds.MrcUnsupportedMode, FailureKind.InvalidData, $"MRC mode {(int)h.Mode} is not supported.");
        }
    }

    /// <summary>What to put in the header of a file being written.</summary>
    /// <param name="IsVolume">Space group 1 (a volume) rather than 0 (a stack of images).</param>
    /// <param name="Labels">Up to ten 80-character labels.</param>
    /// <param name="ClipFloat16">In mode 12, write values beyond ±65504 (float16's largest) as ±65504; otherwise such
    /// a value is an error (<see cref="ErrorIds.MrcFloat16Overflow"/>) that names it and its position.</param>
    public sealed record WriteOptions(MrcMode Mode, bool IsVolume, IReadOnlyList<string> Labels,
        float OriginX = 0, float OriginY = 0, float OriginZ = 0, bool ClipFloat16 = false);

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
        if (options.Mode == MrcMode.Float16 && (Float16Overflows((float)max) || Float16Overflows((float)min)))
        {
            if (!options.ClipFloat16) throw Float16Overflow(sections, nx, path);
            sections = new Float16ClippedSections(sections);
            (min, max, mean, std) = Statistics.Summary(new CheckedSections(sections, cancel));
        }
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
            // Float32 on a little-endian machine: each section's bytes as they are, in one write.
            bool bulk = options.Mode == MrcMode.Float32 && BitConverter.IsLittleEndian;
            var raw = bulk ? Array.Empty<byte>() : new byte[(long)nx * ny * header.BytesPerVoxel];
            for (int z = 0; z < nz; z++)
            {
                cancel.ThrowIfCancellationRequested();
                if (bulk) stream.Write(MemoryMarshal.AsBytes(sections[z].AsSpan()));
                else
                {
                    Encode(sections[z], raw, options.Mode);
                    stream.Write(raw);
                }
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

    /// <summary>Whether a finite value becomes ±Inf in float16: beyond 65504 and not rounded down to it.</summary>
    static bool Float16Overflows(float value) => float.IsFinite(value) && Half.IsInfinity((Half)value);

    static FakETException Float16Overflow(IReadOnlyList<float[]> sections, int nx, string path)
    {
        for (int z = 0; z < sections.Count; z++)
        {
            int i = Array.FindIndex(sections[z], Float16Overflows);
            if (i >= 0)
                return new FakETException(ErrorIds.MrcFloat16Overflow, FailureKind.InvalidData,
                    $"{Path.GetFileName(path)}: the value {sections[z][i].ToString("G9", System.Globalization.CultureInfo.InvariantCulture)} at " +
                    $"section {z}, row {i / nx}, column {i % nx} (z, y, x from 0) is beyond float16's ±65504 and would become infinite. " +
                    "Write float32 (leave out -Float16), rescale the data, or add -Clip to write such values as ±65504.");
        }
        return new FakETException(ErrorIds.MrcFloat16Overflow, FailureKind.InvalidData, $"{Path.GetFileName(path)}: a value is beyond float16's ±65504.");
    }

    /// <summary>The sections with each value clamped to float16's range, a section at a time.</summary>
    sealed class Float16ClippedSections(IReadOnlyList<float[]> sections) : IReadOnlyList<float[]>
    {
        const float Max = 65504f;
        public float[] this[int index] => sections[index].Select(v => float.IsFinite(v) ? Math.Clamp(v, -Max, Max) : v).ToArray();
        public int Count => sections.Count;
        public IEnumerator<float[]> GetEnumerator() { for (int z = 0; z < Count; z++) yield return this[z]; }
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

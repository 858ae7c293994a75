using System.Buffers.Binary;
using System.Text;

namespace FakET.IO;

/// <summary>MRC2014 data modes this module reads.</summary>
public enum MrcMode
{
    Int8 = 0,
    Int16 = 1,
    Float32 = 2,
    UInt16 = 6,
    Float16 = 12,
}

/// <summary>The fields of an MRC2014 header that this module reads or writes (1024 bytes).</summary>
public sealed class MrcHeader
{
    public const int Size = 1024;
    const int ImodStamp = 1146047817;

    public int Nx, Ny, Nz;
    public MrcMode Mode;
    public int Mx, My, Mz;
    public float CellA, CellB, CellC;
    public int MapC = 1, MapR = 2, MapS = 3;
    public float DMin, DMax, DMean, Rms;
    public int SpaceGroup;
    public int ExtendedHeaderBytes;
    public float OriginX, OriginY, OriginZ;
    public bool BigEndian;
    /// <summary>IMOD's flag that mode 0 holds unsigned bytes.</summary>
    public bool UnsignedBytes;
    public List<string> Labels { get; } = new();

    public int BytesPerVoxel => Mode switch
    {
        MrcMode.Int8 => 1,
        MrcMode.Int16 or MrcMode.UInt16 or MrcMode.Float16 => 2,
        _ => 4,
    };

    /// <summary>Pixel size in Å along X (cella.x / mx), or <c>null</c> when the header does not say.</summary>
    public double? PixelSize => Mx > 0 && CellA > 0 && float.IsFinite(CellA) ? (double)CellA / Mx : null;

    /// <summary>Bytes from the start of the file to the first voxel.</summary>
    public long DataOffset => Size + (long)ExtendedHeaderBytes;

    /// <summary>Bytes of voxel data the header announces.</summary>
    public long DataBytes => (long)Nx * Ny * Nz * BytesPerVoxel;

    /// <summary>
    /// Parses and validates a header against the length of the file it came from, before anything
    /// is allocated for the data.
    /// </summary>
    public static MrcHeader Parse(ReadOnlySpan<byte> header, long fileLength, string name)
    {
        var bytes = header.ToArray();
        if (fileLength == 0)
            throw new FakETException(ErrorIds.MrcEmpty, FailureKind.InvalidData, $"{name} is empty (0 bytes).");
        if (bytes.Length < Size || fileLength < Size)
            throw new FakETException(ErrorIds.MrcNotMrc, FailureKind.InvalidData,
                $"{name} is not an MRC file: it has {fileLength} bytes, fewer than the 1024 of an MRC header.");

        bool big = ByteOrder(bytes);
        int I(int at) => big ? BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
        float F(int at) => big ? BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at));

        var h = new MrcHeader { BigEndian = big };
        bool hasMapTag = bytes[208] == 'M' && bytes[209] == 'A' && bytes[210] == 'P';
        h.Nx = I(0); h.Ny = I(4); h.Nz = I(8);
        int mode = I(12);
        h.Mx = I(28); h.My = I(32); h.Mz = I(36);
        h.CellA = F(40); h.CellB = F(44); h.CellC = F(48);
        h.MapC = I(64); h.MapR = I(68); h.MapS = I(72);
        h.DMin = F(76); h.DMax = F(80); h.DMean = F(84);
        h.SpaceGroup = I(88);
        h.ExtendedHeaderBytes = I(92);
        h.OriginX = F(196); h.OriginY = F(200); h.OriginZ = F(204);
        h.Rms = F(216);
        h.UnsignedBytes = I(152) == ImodStamp && (I(156) & 1) != 0;
        int labelCount = Math.Clamp(I(220), 0, 10);
        for (int i = 0; i < labelCount; i++)
            h.Labels.Add(Encoding.ASCII.GetString(bytes, 224 + 80 * i, 80).TrimEnd('\0', ' '));

        if (!hasMapTag && !Enum.IsDefined(typeof(MrcMode), mode))
            throw new FakETException(ErrorIds.MrcNotMrc, FailureKind.InvalidData,
                $"{name} is not an MRC file: it has no 'MAP ' tag and no known data mode.");
        if (h.Nx <= 0 || h.Ny <= 0 || h.Nz <= 0)
            throw new FakETException(ErrorIds.MrcBadDimensions, FailureKind.InvalidData,
                $"{name} has invalid dimensions {h.Nx}×{h.Ny}×{h.Nz} (nx×ny×nz); each must be at least 1.");
        if (!Enum.IsDefined(typeof(MrcMode), mode))
            throw new FakETException(ErrorIds.MrcUnsupportedMode, FailureKind.InvalidData,
                $"{name} uses MRC mode {mode}; this module reads modes 0 (int8), 1 (int16), 2 (float32), 6 (uint16) and 12 (float16).");
        h.Mode = (MrcMode)mode;
        if (h.ExtendedHeaderBytes < 0 || h.DataOffset > fileLength)
            throw new FakETException(ErrorIds.MrcExtendedHeaderPastEnd, FailureKind.InvalidData,
                $"{name} declares an extended header of {h.ExtendedHeaderBytes} bytes, which runs past the end of the {fileLength}-byte file.");
        if ((h.MapC, h.MapR, h.MapS) != (1, 2, 3) && (h.MapC, h.MapR, h.MapS) != (0, 0, 0))
            throw new FakETException(ErrorIds.MrcUnsupportedAxisOrder, FailureKind.InvalidData,
                $"{name} stores its axes in order (mapc, mapr, maps) = ({h.MapC}, {h.MapR}, {h.MapS}); only (1, 2, 3), X fastest then Y then Z, is supported.");
        long plane = (long)h.Nx * h.Ny;
        if (plane > Array.MaxLength)
            throw new FakETException(ErrorIds.MrcTooLarge, FailureKind.InvalidData,
                $"{name}: one section of {h.Nx}×{h.Ny} pixels is larger than this module can hold in memory as one image.");
        // Products of three int32 values fit in a long, so this comparison cannot overflow.
        if (h.DataOffset + h.DataBytes > fileLength)
            throw new FakETException(ErrorIds.MrcTruncated, FailureKind.InvalidData,
                $"{name} is truncated: its header announces {h.Nx}×{h.Ny}×{h.Nz} voxels of {h.BytesPerVoxel} bytes " +
                $"({h.DataOffset + h.DataBytes} bytes with headers), but the file has {fileLength} bytes.");
        return h;
    }

    /// <summary>Byte order from the machine stamp (0x44 0x4? little, 0x11 0x11 big); where the stamp is
    /// missing or odd, the order under which the data mode is a known one.</summary>
    static bool ByteOrder(byte[] bytes)
    {
        if (bytes[212] == 0x44 && (bytes[213] == 0x44 || bytes[213] == 0x41)) return false;
        if (bytes[212] == 0x11 && bytes[213] == 0x11) return true;
        int little = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        int big = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        return !Enum.IsDefined(typeof(MrcMode), little) && Enum.IsDefined(typeof(MrcMode), big);
    }

    /// <summary>Writes this header as 1024 little-endian bytes (MRC2014, NVERSION 20141, stamp 0x44 0x44).</summary>
    public byte[] ToBytes()
    {
        var b = new byte[Size];
        void I(int at, int v) => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(at), v);
        void F(int at, float v) => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(at), v);
        I(0, Nx); I(4, Ny); I(8, Nz); I(12, (int)Mode);
        I(28, Mx); I(32, My); I(36, Mz);
        F(40, CellA); F(44, CellB); F(48, CellC);
        F(52, 90); F(56, 90); F(60, 90);
        I(64, 1); I(68, 2); I(72, 3);
        F(76, DMin); F(80, DMax); F(84, DMean);
        I(88, SpaceGroup); I(92, 0);
        I(108, 20141);
        F(196, OriginX); F(200, OriginY); F(204, OriginZ);
        b[208] = (byte)'M'; b[209] = (byte)'A'; b[210] = (byte)'P'; b[211] = (byte)' ';
        b[212] = 0x44; b[213] = 0x44;
        F(216, Rms);
        int count = Math.Min(Labels.Count, 10);
        I(220, count);
        for (int i = 0; i < count; i++)
        {
            var text = Encoding.ASCII.GetBytes(Ascii(Labels[i]));
            var slot = b.AsSpan(224 + 80 * i, 80);
            slot.Fill((byte)' ');
            text.AsSpan(0, Math.Min(80, text.Length)).CopyTo(slot);
        }
        return b;
    }

    static string Ascii(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(c is >= ' ' and <= '~' ? c : c == '\u2212' ? '-' : c == '×' ? 'x' : '?');
        return sb.ToString();
    }
}

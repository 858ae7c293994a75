using System.Buffers.Binary;

namespace FakET.IO;

/// <summary>How a field of the MRC header is stored.</summary>
public enum MrcFieldType { Int32, Float32, Int16, Bytes }

/// <summary>One field of the 1024-byte MRC2014 header: its name (as the MRC2014 paper and mrcfile name it), its byte
/// offset and how it is stored. Numbers are read and written in the file's byte order.</summary>
public sealed record MrcField(string Name, int Offset, MrcFieldType Type, int Length = 4)
{
    public int ReadInt(ReadOnlySpan<byte> header, bool bigEndian) => Type switch
    {
        MrcFieldType.Int32 => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(header[Offset..]) : BinaryPrimitives.ReadInt32LittleEndian(header[Offset..]),
        MrcFieldType.Int16 => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(header[Offset..]) : BinaryPrimitives.ReadInt16LittleEndian(header[Offset..]),
        _ => throw new InvalidOperationException($"MRC field {Name} is not an integer."),
    };

    public float ReadFloat(ReadOnlySpan<byte> header, bool bigEndian, int index = 0) =>
        Type == MrcFieldType.Float32
            ? bigEndian ? BinaryPrimitives.ReadSingleBigEndian(header[(Offset + 4 * index)..]) : BinaryPrimitives.ReadSingleLittleEndian(header[(Offset + 4 * index)..])
            : throw new InvalidOperationException($"MRC field {Name} is not a float.");

    public ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> header) => header.Slice(Offset, Length);

    /// <summary>Writes little-endian (this module writes little-endian files only).</summary>
    public void Write(Span<byte> header, int value)
    {
        if (Type == MrcFieldType.Int16) BinaryPrimitives.WriteInt16LittleEndian(header[Offset..], checked((short)value));
        else if (Type == MrcFieldType.Int32) BinaryPrimitives.WriteInt32LittleEndian(header[Offset..], value);
        else throw new InvalidOperationException($"MRC field {Name} is not an integer.");
    }

    public void Write(Span<byte> header, float value, int index = 0)
    {
        if (Type != MrcFieldType.Float32) throw new InvalidOperationException($"MRC field {Name} is not a float.");
        BinaryPrimitives.WriteSingleLittleEndian(header[(Offset + 4 * index)..], value);
    }

    public void Write(Span<byte> header, ReadOnlySpan<byte> value) => value[..Math.Min(value.Length, Length)].CopyTo(header.Slice(Offset, Length));
}

/// <summary>
/// The MRC2014 header, declared once: every field with its offset, used by both <see cref="MrcHeader.Parse(ReadOnlySpan{byte}, long, string)"/>
/// and <see cref="MrcHeader.ToBytes"/>. Offsets and names follow the MRC2014 specification (Cheng et al. 2015,
/// J. Struct. Biol. 192:146, and CCP-EM's MRC2014 page); <c>nint</c> and <c>nreal</c> inside <c>extra2</c> are IMOD's
/// (IMOD's mrc_format.txt: bytes 129-132, two shorts giving the bytes per section and the flags of a SerialEM
/// extended header). The table below is checked in tests to cover the 1024 bytes without gaps or overlaps.
/// </summary>
public static class MrcHeaderLayout
{
    public static readonly MrcField Nx = new("nx", 0, MrcFieldType.Int32);
    public static readonly MrcField Ny = new("ny", 4, MrcFieldType.Int32);
    public static readonly MrcField Nz = new("nz", 8, MrcFieldType.Int32);
    public static readonly MrcField Mode = new("mode", 12, MrcFieldType.Int32);
    public static readonly MrcField NxStart = new("nxstart", 16, MrcFieldType.Int32);
    public static readonly MrcField NyStart = new("nystart", 20, MrcFieldType.Int32);
    public static readonly MrcField NzStart = new("nzstart", 24, MrcFieldType.Int32);
    public static readonly MrcField Mx = new("mx", 28, MrcFieldType.Int32);
    public static readonly MrcField My = new("my", 32, MrcFieldType.Int32);
    public static readonly MrcField Mz = new("mz", 36, MrcFieldType.Int32);
    /// <summary>Cell size in Å: x, y, z.</summary>
    public static readonly MrcField CellA = new("cella", 40, MrcFieldType.Float32, 12);
    /// <summary>Cell angles in degrees: alpha, beta, gamma.</summary>
    public static readonly MrcField CellB = new("cellb", 52, MrcFieldType.Float32, 12);
    public static readonly MrcField MapC = new("mapc", 64, MrcFieldType.Int32);
    public static readonly MrcField MapR = new("mapr", 68, MrcFieldType.Int32);
    public static readonly MrcField MapS = new("maps", 72, MrcFieldType.Int32);
    public static readonly MrcField DMin = new("dmin", 76, MrcFieldType.Float32);
    public static readonly MrcField DMax = new("dmax", 80, MrcFieldType.Float32);
    public static readonly MrcField DMean = new("dmean", 84, MrcFieldType.Float32);
    public static readonly MrcField Ispg = new("ispg", 88, MrcFieldType.Int32);
    public static readonly MrcField Nsymbt = new("nsymbt", 92, MrcFieldType.Int32);
    public static readonly MrcField Extra1 = new("extra1", 96, MrcFieldType.Bytes, 8);
    public static readonly MrcField Exttyp = new("exttyp", 104, MrcFieldType.Bytes, 4);
    public static readonly MrcField Nversion = new("nversion", 108, MrcFieldType.Int32);
    public static readonly MrcField Extra2a = new("extra2", 112, MrcFieldType.Bytes, 16);
    /// <summary>IMOD: bytes per section of a SerialEM extended header.</summary>
    public static readonly MrcField Nint = new("nint", 128, MrcFieldType.Int16, 2);
    /// <summary>IMOD: flags saying which values a SerialEM extended header holds per section.</summary>
    public static readonly MrcField Nreal = new("nreal", 130, MrcFieldType.Int16, 2);
    public static readonly MrcField Extra2b = new("extra2", 132, MrcFieldType.Bytes, 20);
    /// <summary>IMOD: a stamp (1146047817) that says <see cref="ImodFlags"/> is meaningful.</summary>
    public static readonly MrcField ImodStamp = new("imodStamp", 152, MrcFieldType.Int32);
    /// <summary>IMOD: bit 0 set means mode 0 holds unsigned bytes.</summary>
    public static readonly MrcField ImodFlags = new("imodFlags", 156, MrcFieldType.Int32);
    public static readonly MrcField Extra2c = new("extra2", 160, MrcFieldType.Bytes, 36);
    public static readonly MrcField Origin = new("origin", 196, MrcFieldType.Float32, 12);
    public static readonly MrcField Map = new("map", 208, MrcFieldType.Bytes, 4);
    public static readonly MrcField Machst = new("machst", 212, MrcFieldType.Bytes, 4);
    public static readonly MrcField Rms = new("rms", 216, MrcFieldType.Float32);
    public static readonly MrcField Nlabl = new("nlabl", 220, MrcFieldType.Int32);
    public static readonly MrcField Label = new("label", 224, MrcFieldType.Bytes, 800);

    /// <summary>Every field in the order of the file.</summary>
    public static IReadOnlyList<MrcField> Fields { get; } = new[]
    {
        Nx, Ny, Nz, Mode, NxStart, NyStart, NzStart, Mx, My, Mz, CellA, CellB, MapC, MapR, MapS, DMin, DMax, DMean,
        Ispg, Nsymbt, Extra1, Exttyp, Nversion, Extra2a, Nint, Nreal, Extra2b, ImodStamp, ImodFlags, Extra2c,
        Origin, Map, Machst, Rms, Nlabl, Label,
    };

    /// <summary>The value IMOD writes in <see cref="ImodStamp"/>.</summary>
    public const int ImodStampValue = 1146047817;
    public const int LabelLength = 80;
    public const int LabelCount = 10;
}

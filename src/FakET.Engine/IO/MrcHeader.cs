using System.Text;
using L = FakET.IO.MrcHeaderLayout;

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

/// <summary>The fields of an MRC2014 header that this module reads or writes (1024 bytes, laid out by
/// <see cref="MrcHeaderLayout"/>).</summary>
public sealed class MrcHeader
{
    public const int Size = 1024;

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
    /// <summary>The type of the extended header (<c>exttyp</c>): SERI, AGAR, FEI1, FEI2, CCP4, MRCO... or empty.</summary>
    public string ExtendedHeaderType = "";
    /// <summary>IMOD's <c>nint</c> and <c>nreal</c>: bytes per section and flags of a SerialEM extended header.</summary>
    public int SerialEMBytesPerSection, SerialEMFlags;
    public List<string> Labels { get; } = new();
    /// <summary>Tilt angles read from a SerialEM or FEI extended header, one per section, or null.</summary>
    public IReadOnlyList<double>? ExtendedHeaderTiltAngles { get; set; }

    public int BytesPerVoxel => BytesPer(Mode);

    static int BytesPer(MrcMode mode) => mode switch
    {
        MrcMode.Int8 => 1,
        MrcMode.Int16 or MrcMode.UInt16 or MrcMode.Float16 => 2,
        _ => 4,
    };

    /// <summary>Pixel size in Å along X (cella.x / mx), or <c>null</c> when the header does not say.</summary>
    public double? PixelSize => Mx > 0 && CellA > 0 && float.IsFinite(CellA) && (double)CellA / Mx > 0 ? (double)CellA / Mx : null;

    /// <summary>Bytes from the start of the file to the first voxel.</summary>
    public long DataOffset => Size + (long)ExtendedHeaderBytes;

    /// <summary>Bytes of voxel data the header announces.</summary>
    public long DataBytes => (long)Nx * Ny * Nz * BytesPerVoxel;

    /// <summary>What a file length means when it is not known (a compressed file): data-size checks wait for the data.</summary>
    public const long UnknownLength = long.MaxValue;

    /// <summary>
    /// Parses and validates a header against the length of the file it came from, before anything is allocated for
    /// the data, strictly: the first problem that stops a strict read is thrown, and warnings are dropped.
    /// </summary>
    public static MrcHeader Parse(ReadOnlySpan<byte> header, long fileLength, string name) =>
        Parse(header, fileLength, name, MrcReadOptions.Strict);

    /// <summary>Parses a header as <paramref name="options"/> say: the first problem that stops the read is thrown
    /// (<see cref="FakETException"/>), and every other problem a read reports goes to <see cref="MrcReadOptions.Warn"/>.</summary>
    public static MrcHeader Parse(ReadOnlySpan<byte> header, long fileLength, string name, MrcReadOptions options)
    {
        var (h, problems) = Check(header, fileLength, name, options.Permissive);
        Apply(problems, options);
        return h!;
    }

    /// <summary>Throws the first problem that stops a read in <paramref name="options"/>' mode; warns of the others that a read reports.</summary>
    internal static void Apply(IReadOnlyList<MrcProblem> problems, MrcReadOptions options)
    {
        var stop = problems.FirstOrDefault(p => p.Stops(options.Permissive));
        if (stop is not null) throw stop.ToException();
        foreach (var p in problems.Where(p => p.WarnsOnRead)) options.Warn?.Invoke(p.Message);
    }

    /// <summary>
    /// Every problem of a header, in the order a read meets them, with the header as a permissive read takes it (null
    /// when not even that can read it). <paramref name="fileLength"/> may be <see cref="UnknownLength"/>.
    /// The checks are those of mrcfile's strict and permissive reads and of <c>mrcfile.validate</c> (CCP-EM mrcfile
    /// 1.4: mrcinterpreter.py, mrcobject.py), except for the data statistics, which <see cref="MrcValidator"/> adds.
    /// <paramref name="permissive"/> decides only which byte order a header whose stamp and mode disagree is read in.
    /// </summary>
    public static (MrcHeader? Header, List<MrcProblem> Problems) Check(ReadOnlySpan<byte> bytes, long fileLength, string name, bool permissive = true)
    {
        var problems = new List<MrcProblem>();
        void Add(MrcProblemKind kind, MrcField field, string id, string message) => problems.Add(new MrcProblem(kind, field.Name, id, $"{name}: {message}"));
        if (fileLength == 0)
        {
            problems.Add(new MrcProblem(MrcProblemKind.Unreadable, "header", ErrorIds.MrcEmpty, $"{name} is empty (0 bytes)."));
            return (null, problems);
        }
        if (bytes.Length < Size || fileLength < Size)
        {
            problems.Add(new MrcProblem(MrcProblemKind.Unreadable, "header", ErrorIds.MrcNotMrc,
                $"{name} is not an MRC file: it has {Math.Min(fileLength, bytes.Length)} bytes, fewer than the 1024 of an MRC header."));
            return (null, problems);
        }

        // Byte order: the machine stamp's (0x44 0x44 or 0x44 0x41 little, 0x11 0x11 big), else the order in which the
        // mode is a known one (mrcfile's permissive read does the same).
        var stamp = L.Machst.Bytes(bytes);
        bool? stamped = stamp[0] == 0x44 && stamp[1] is 0x44 or 0x41 ? false : stamp[0] == 0x11 && stamp[1] == 0x11 ? true : null;
        bool littleKnown = KnownMode(L.Mode.ReadInt(bytes, false)), bigKnown = KnownMode(L.Mode.ReadInt(bytes, true));
        bool big;
        string stampText = string.Join(" ", stamp.ToArray().Select(b => $"0x{b:x2}"));
        if (stamped is { } s)
        {
            big = s;
            bool known = big ? bigKnown : littleKnown, otherKnown = big ? littleKnown : bigKnown;
            if (!known && otherKnown)
            {
                Add(MrcProblemKind.Refused, L.Machst, ErrorIds.MrcByteOrderMismatch,
                    $"its machine stamp ({stampText}) says {(big ? "big" : "little")}-endian, but its mode is a known one only in the other byte order; " +
                    $"{(permissive ? "read" : "it would be read")} as {(big ? "little" : "big")}-endian.");
                if (permissive) big = !big;
            }
        }
        else
        {
            big = !littleKnown && bigKnown;
            Add(MrcProblemKind.Warned, L.Machst, ErrorIds.MrcHeaderField,
                $"its machine stamp ({stampText}) is not one of MRC2014's; read as {(big ? "big" : "little")}-endian, the order in which its mode is a known one.");
        }

        var h = new MrcHeader { BigEndian = big };
        h.Nx = L.Nx.ReadInt(bytes, big); h.Ny = L.Ny.ReadInt(bytes, big); h.Nz = L.Nz.ReadInt(bytes, big);
        int mode = L.Mode.ReadInt(bytes, big);
        h.Mx = L.Mx.ReadInt(bytes, big); h.My = L.My.ReadInt(bytes, big); h.Mz = L.Mz.ReadInt(bytes, big);
        h.CellA = L.CellA.ReadFloat(bytes, big, 0); h.CellB = L.CellA.ReadFloat(bytes, big, 1); h.CellC = L.CellA.ReadFloat(bytes, big, 2);
        h.MapC = L.MapC.ReadInt(bytes, big); h.MapR = L.MapR.ReadInt(bytes, big); h.MapS = L.MapS.ReadInt(bytes, big);
        h.DMin = L.DMin.ReadFloat(bytes, big); h.DMax = L.DMax.ReadFloat(bytes, big); h.DMean = L.DMean.ReadFloat(bytes, big);
        h.SpaceGroup = L.Ispg.ReadInt(bytes, big);
        h.ExtendedHeaderBytes = L.Nsymbt.ReadInt(bytes, big);
        h.ExtendedHeaderType = Encoding.ASCII.GetString(L.Exttyp.Bytes(bytes)).TrimEnd('\0', ' ');
        h.SerialEMBytesPerSection = L.Nint.ReadInt(bytes, big); h.SerialEMFlags = L.Nreal.ReadInt(bytes, big);
        h.OriginX = L.Origin.ReadFloat(bytes, big, 0); h.OriginY = L.Origin.ReadFloat(bytes, big, 1); h.OriginZ = L.Origin.ReadFloat(bytes, big, 2);
        h.Rms = L.Rms.ReadFloat(bytes, big);
        h.UnsignedBytes = L.ImodStamp.ReadInt(bytes, big) == L.ImodStampValue && (L.ImodFlags.ReadInt(bytes, big) & 1) != 0;
        int nlabl = L.Nlabl.ReadInt(bytes, big);
        var labels = new List<string>();
        for (int i = 0; i < L.LabelCount; i++)
            labels.Add(Encoding.ASCII.GetString(bytes.Slice(L.Label.Offset + L.LabelLength * i, L.LabelLength)).TrimEnd('\0', ' '));
        h.Labels.AddRange(labels.Take(Math.Clamp(nlabl, 0, L.LabelCount)));

        var map = L.Map.Bytes(bytes);
        bool modeKnown = KnownMode(mode);
        if (!(map[0] == 'M' && map[1] == 'A' && map[2] == 'P'))
        {
            if (!littleKnown && !bigKnown)
            {
                problems.Add(new MrcProblem(MrcProblemKind.Unreadable, L.Map.Name, ErrorIds.MrcNotMrc,
                    $"{name} is not an MRC file: it has no 'MAP ' tag and no known data mode."));
                return (null, problems);
            }
            Add(MrcProblemKind.Warned, L.Map, ErrorIds.MrcHeaderField, "it has no 'MAP ' tag (bytes 209-212); read as MRC because its data mode is a known one.");
        }
        else if (map[3] != ' ')
            Add(MrcProblemKind.Invalid, L.Map, ErrorIds.MrcHeaderField, $"its map tag is 'MAP' followed by byte 0x{map[3]:x2}, not 'MAP '.");

        if (h.Nx <= 0 || h.Ny <= 0 || h.Nz <= 0)
            Add(MrcProblemKind.Unreadable, h.Nx <= 0 ? L.Nx : h.Ny <= 0 ? L.Ny : L.Nz, ErrorIds.MrcBadDimensions,
                $"invalid dimensions {h.Nx}×{h.Ny}×{h.Nz} (nx×ny×nz); each must be at least 1.");
        if (!modeKnown)
            Add(mode == 4 ? MrcProblemKind.Unsupported : MrcProblemKind.Unreadable, L.Mode, ErrorIds.MrcUnsupportedMode,
                $"it uses MRC mode {mode}; this module reads modes 0 (int8), 1 (int16), 2 (float32), 6 (uint16) and 12 (float16).");
        else h.Mode = (MrcMode)mode;
        foreach (var (field, value) in new[] { (L.Mx, h.Mx), (L.My, h.My), (L.Mz, h.Mz), (L.Ispg, h.SpaceGroup), (L.Nlabl, nlabl) })
            if (value < 0) Add(MrcProblemKind.Invalid, field, ErrorIds.MrcHeaderField, $"header field '{field.Name}' is negative ({value}).");
        foreach (var (axis, value) in new[] { ("x", h.CellA), ("y", h.CellB), ("z", h.CellC) })
            if (value < 0) Add(MrcProblemKind.Invalid, L.CellA, ErrorIds.MrcHeaderField, $"cell dimension cella.{axis} is negative ({value}).");

        if (h.ExtendedHeaderBytes < 0 || (fileLength != UnknownLength && h.DataOffset > fileLength))
            Add(MrcProblemKind.Unreadable, L.Nsymbt, ErrorIds.MrcExtendedHeaderPastEnd, h.ExtendedHeaderBytes < 0
                ? $"it declares an extended header of {h.ExtendedHeaderBytes} bytes (nsymbt), fewer than none."
                : $"it declares an extended header of {h.ExtendedHeaderBytes} bytes, which runs past the end of the {fileLength}-byte file.");

        var axes = (h.MapC, h.MapR, h.MapS);
        if (axes != (1, 2, 3))
        {
            bool permutation = new[] { h.MapC, h.MapR, h.MapS }.OrderBy(a => a).SequenceEqual(new[] { 1, 2, 3 });
            if (permutation)
                Add(MrcProblemKind.Unsupported, L.MapC, ErrorIds.MrcUnsupportedAxisOrder,
                    $"it stores its axes in order (mapc, mapr, maps) = ({h.MapC}, {h.MapR}, {h.MapS}); only (1, 2, 3), X fastest then Y then Z, is supported.");
            else
                Add(MrcProblemKind.Warned, L.MapC, ErrorIds.MrcHeaderField,
                    $"its axis order (mapc, mapr, maps) = ({h.MapC}, {h.MapR}, {h.MapS}) is not a permutation of 1, 2, 3; read as (1, 2, 3).");
            (h.MapC, h.MapR, h.MapS) = (1, 2, 3);
        }
        if (h.SpaceGroup is >= 401 and <= 630 && (h.Mz <= 0 || h.Nz % h.Mz != 0))
            Add(MrcProblemKind.Invalid, L.Mz, ErrorIds.MrcHeaderField, $"it is a volume stack (ispg {h.SpaceGroup}) but nz = {h.Nz} is not a multiple of mz = {h.Mz}.");
        CheckLabels(labels, nlabl, Add);
        int nversion = L.Nversion.ReadInt(bytes, big);
        if (nversion is not (20140 or 20141))
            Add(MrcProblemKind.Invalid, L.Nversion, ErrorIds.MrcHeaderField, $"it does not declare MRC format version 20140 or 20141 (nversion = {nversion}).");
        if (h.ExtendedHeaderBytes > 0 && h.ExtendedHeaderType is not ("CCP4" or "MRCO" or "SERI" or "AGAR" or "FEI1" or "FEI2" or "HDF5"))
            Add(MrcProblemKind.Invalid, L.Exttyp, ErrorIds.MrcHeaderField, $"it has an extended header of type '{h.ExtendedHeaderType}', which MRC2014 does not define.");

        if (problems.Any(p => p.Kind is MrcProblemKind.Unreadable or MrcProblemKind.Unsupported))
            return (null, problems);
        long plane = (long)h.Nx * h.Ny;
        if (plane > Array.MaxLength)
            Add(MrcProblemKind.Unreadable, L.Nx, ErrorIds.MrcTooLarge,
                $"one section of {h.Nx}×{h.Ny} pixels is larger than this module can hold in memory as one image.");
        // Products of three int32 values and a mode's bytes fit in a long, so these comparisons cannot overflow.
        else if (fileLength != UnknownLength)
        {
            long expected = h.DataOffset + h.DataBytes;
            if (expected > fileLength)
                Add(MrcProblemKind.Unreadable, L.Nz, ErrorIds.MrcTruncated,
                    $"{name} is truncated: its header announces {h.Nx}×{h.Ny}×{h.Nz} voxels of {h.BytesPerVoxel} bytes " +
                    $"({expected} bytes with headers), but the file has {fileLength} bytes.");
            else if (expected < fileLength)
                problems.Add(ExtraData(h, fileLength - h.DataOffset, name));
        }
        if (h.PixelSize is null)
            Add(MrcProblemKind.Note, L.CellA, ErrorIds.MrcHeaderField,
                $"its header gives no pixel size (cella.x = {h.CellA}, mx = {h.Mx}); 1.0 Å per pixel is assumed.");
        return (problems.Any(p => p.Kind is MrcProblemKind.Unreadable) ? null : h, problems);
    }

    /// <summary>The problem of a file with <paramref name="dataBytes"/> bytes after its headers, more than its header
    /// declares; it names a mode under which the size would match, the usual cause (e.g. float32 data under mode 0).</summary>
    internal static MrcProblem ExtraData(MrcHeader h, long dataBytes, string name)
    {
        long extra = dataBytes - h.DataBytes;
        long voxels = (long)h.Nx * h.Ny * h.Nz;
        var fits = Enum.GetValues<MrcMode>().Where(m => m != h.Mode && voxels * BytesPer(m) == dataBytes).Select(m => $"{(int)m} ({m.ToString().ToLowerInvariant()})").ToList();
        string hint = fits.Count > 0 ? $" Its size would match exactly under mode {string.Join(" or ", fits)}: the mode word may be wrong." : "";
        return new MrcProblem(MrcProblemKind.Refused, L.Mode.Name, ErrorIds.MrcExtraData,
            $"{name} is {extra} bytes larger than its header declares ({h.Nx}×{h.Ny}×{h.Nz} voxels of mode {(int)h.Mode}, " +
            $"{h.BytesPerVoxel} bytes each).{hint}");
    }

    static void CheckLabels(List<string> labels, int nlabl, Action<MrcProblemKind, MrcField, string, string> add)
    {
        int count = 0;
        bool seenEmpty = false, gap = false;
        foreach (var label in labels)
        {
            if (label.Trim().Length > 0)
            {
                count++;
                gap |= seenEmpty;
            }
            else seenEmpty = true;
        }
        if (gap) add(MrcProblemKind.Invalid, L.Label, ErrorIds.MrcHeaderField, "empty labels appear between labels with text.");
        if (count != nlabl) add(MrcProblemKind.Invalid, L.Nlabl, ErrorIds.MrcHeaderField, $"nlabl is {nlabl} but {count} labels contain text.");
    }

    static bool KnownMode(int mode) => Enum.IsDefined(typeof(MrcMode), mode);

    /// <summary>Writes this header as 1024 little-endian bytes (MRC2014, NVERSION 20141, stamp 0x44 0x44).</summary>
    public byte[] ToBytes()
    {
        var b = new byte[Size];
        L.Nx.Write(b, Nx); L.Ny.Write(b, Ny); L.Nz.Write(b, Nz); L.Mode.Write(b, (int)Mode);
        L.Mx.Write(b, Mx); L.My.Write(b, My); L.Mz.Write(b, Mz);
        L.CellA.Write(b, CellA, 0); L.CellA.Write(b, CellB, 1); L.CellA.Write(b, CellC, 2);
        for (int i = 0; i < 3; i++) L.CellB.Write(b, 90f, i);
        L.MapC.Write(b, 1); L.MapR.Write(b, 2); L.MapS.Write(b, 3);
        L.DMin.Write(b, DMin); L.DMax.Write(b, DMax); L.DMean.Write(b, DMean);
        L.Ispg.Write(b, SpaceGroup); L.Nsymbt.Write(b, 0);
        L.Nversion.Write(b, 20141);
        L.Origin.Write(b, OriginX, 0); L.Origin.Write(b, OriginY, 1); L.Origin.Write(b, OriginZ, 2);
        L.Map.Write(b, "MAP "u8);
        L.Machst.Write(b, stackalloc byte[] { 0x44, 0x44, 0, 0 });
        L.Rms.Write(b, Rms);
        int count = Math.Min(Labels.Count, L.LabelCount);
        L.Nlabl.Write(b, count);
        for (int i = 0; i < count; i++)
        {
            var text = Encoding.ASCII.GetBytes(Ascii(Labels[i]));
            var slot = b.AsSpan(L.Label.Offset + L.LabelLength * i, L.LabelLength);
            slot.Fill((byte)' ');
            text.AsSpan(0, Math.Min(L.LabelLength, text.Length)).CopyTo(slot);
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

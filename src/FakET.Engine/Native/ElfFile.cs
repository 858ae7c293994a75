using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace FakET.Native;

/// <summary>A symbol version that a shared library requires from one of its dependencies (an ELF <c>Vernaux</c> entry).</summary>
/// <param name="File">The library that must provide it, e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Name">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Index">The version index that the symbol version table uses for it (<c>vna_other</c>).</param>
/// <param name="Flags">The entry's flags; <see cref="ElfFile.VerFlagWeak"/> marks a weak requirement.</param>
/// <param name="FlagsOffset">Where in the file the two flag bytes are stored.</param>
public sealed record ElfVersionNeed(string File, string Name, ushort Index, ushort Flags, long FlagsOffset)
{
    public bool IsWeak => (Flags & ElfFile.VerFlagWeak) != 0;
}

/// <summary>The loader's view of a shared library's <c>.dynamic</c> section.</summary>
/// <param name="Needed">The libraries named by <c>DT_NEEDED</c>, in order.</param>
/// <param name="RunPath"><c>DT_RUNPATH</c>, searched after <c>LD_LIBRARY_PATH</c>.</param>
/// <param name="RPath"><c>DT_RPATH</c>, searched before <c>LD_LIBRARY_PATH</c>, and only when there is no <c>DT_RUNPATH</c>.</param>
/// <param name="Soname"><c>DT_SONAME</c>: the name under which the loader knows the library once it is loaded.</param>
public sealed record ElfDynamic(IReadOnlyList<string> Needed, string? RunPath, string? RPath, string? Soname);

/// <summary>
/// A minimal, read-only reader of 64-bit little-endian ELF shared libraries: just what is needed to
/// see which symbol versions a library requires, which versions a library provides, which
/// dependencies it names, and which dynamic symbols its relocations use. It reads sections on
/// demand, so opening a 400 MB library costs a few kilobytes of reads.
/// </summary>
public sealed class ElfFile : IDisposable
{
    public const ushort VerFlagWeak = 0x2;
    const uint ShtRela = 4, ShtDynamic = 6, ShtRel = 9, ShtDynsym = 11;
    const uint ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;

    readonly SafeFileHandle _handle;
    readonly Section[] _sections;

    public string Path { get; }

    sealed record Section(uint Type, long Offset, long Size, uint Link, uint Info, long EntrySize);

    ElfFile(string path, SafeFileHandle handle, Section[] sections)
    {
        Path = path;
        _handle = handle;
        _sections = sections;
    }

    /// <summary>Opens <paramref name="path"/> and reads its section table.</summary>
    /// <exception cref="InvalidDataException">The file is not a 64-bit little-endian ELF file with section headers.</exception>
    public static ElfFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long length = RandomAccess.GetLength(handle);
            var header = new byte[64];
            if (length < 64 || RandomAccess.Read(handle, header, 0) < 64)
                throw new InvalidDataException($"{path}: too short to be an ELF file.");
            if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
                throw new InvalidDataException($"{path}: not an ELF file.");
            if (header[4] != 2 || header[5] != 1)
                throw new InvalidDataException($"{path}: only 64-bit little-endian ELF files are supported.");
            long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(40));
            int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(58));
            int shnum = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(60));
            if (shoff <= 0 || shnum == 0 || shentsize < 64 || shoff + (long)shnum * shentsize > length)
                throw new InvalidDataException($"{path}: the ELF section table is missing or lies outside the file.");
            var table = new byte[shnum * shentsize];
            RandomAccess.Read(handle, table, shoff);
            var sections = new Section[shnum];
            for (int i = 0; i < shnum; i++)
            {
                var s = table.AsSpan(i * shentsize, 64);
                var section = new Section(
                    Type: BinaryPrimitives.ReadUInt32LittleEndian(s[4..]),
                    Offset: (long)BinaryPrimitives.ReadUInt64LittleEndian(s[24..]),
                    Size: (long)BinaryPrimitives.ReadUInt64LittleEndian(s[32..]),
                    Link: BinaryPrimitives.ReadUInt32LittleEndian(s[40..]),
                    Info: BinaryPrimitives.ReadUInt32LittleEndian(s[44..]),
                    EntrySize: (long)BinaryPrimitives.ReadUInt64LittleEndian(s[56..]));
                // SHT_NOBITS (8) occupies no file space; everything else must lie inside the file.
                if (section.Type != 8 && section.Size > 0 && (section.Offset < 0 || section.Offset + section.Size > length))
                    throw new InvalidDataException($"{path}: ELF section {i} lies outside the file.");
                sections[i] = section;
            }
            return new ElfFile(path, handle, sections);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Dispose() => _handle.Dispose();

    byte[] Read(Section s)
    {
        var bytes = new byte[s.Size];
        RandomAccess.Read(_handle, bytes, s.Offset);
        return bytes;
    }

    Section? First(uint type) => Array.Find(_sections, s => s.Type == type);

    static string CString(byte[] table, uint offset)
    {
        if (offset >= table.Length) return "";
        int end = Array.IndexOf(table, (byte)0, (int)offset);
        if (end < 0) end = table.Length;
        return Encoding.ASCII.GetString(table, (int)offset, end - (int)offset);
    }

    byte[] StringTableOf(Section s) =>
        s.Link < _sections.Length ? Read(_sections[s.Link]) : throw new InvalidDataException($"{Path}: bad string table link.");

    /// <summary>The libraries named by <c>DT_NEEDED</c>, and the run path (<c>DT_RUNPATH</c> or <c>DT_RPATH</c>), if any.</summary>
    public (IReadOnlyList<string> Needed, string? RunPath) Dependencies()
    {
        var dynamic = Dynamic();
        return (dynamic.Needed, dynamic.RunPath ?? dynamic.RPath);
    }

    /// <summary>What the dynamic loader reads from the <c>.dynamic</c> section: <c>DT_NEEDED</c>, <c>DT_RUNPATH</c>,
    /// <c>DT_RPATH</c> (which the loader honours only when there is no <c>DT_RUNPATH</c>) and <c>DT_SONAME</c>.</summary>
    public ElfDynamic Dynamic()
    {
        var dynamic = First(ShtDynamic);
        if (dynamic is null) return new ElfDynamic(Array.Empty<string>(), null, null, null);
        var strings = StringTableOf(dynamic);
        var bytes = Read(dynamic);
        var needed = new List<string>();
        string? runPath = null, rPath = null, soname = null;
        for (int at = 0; at + 16 <= bytes.Length; at += 16)
        {
            long tag = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at));
            var value = (uint)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at + 8));
            if (tag == 0) break;
            if (tag == 1) needed.Add(CString(strings, value));
            else if (tag == 14) soname = CString(strings, value);
            else if (tag == 15) rPath = CString(strings, value);
            else if (tag == 29) runPath = CString(strings, value);
        }
        return new ElfDynamic(needed, runPath, rPath, soname);
    }

    /// <summary>Every symbol version this library requires (the <c>.gnu.version_r</c> section).</summary>
    public IReadOnlyList<ElfVersionNeed> VersionNeeds()
    {
        var section = First(ShtGnuVerneed);
        if (section is null) return Array.Empty<ElfVersionNeed>();
        var strings = StringTableOf(section);
        var bytes = Read(section);
        var result = new List<ElfVersionNeed>();
        int at = 0;
        for (uint n = 0; n < section.Info && at >= 0 && at + 16 <= bytes.Length; n++)
        {
            int count = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 2));
            string file = CString(strings, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4)));
            int aux = at + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8));
            for (int k = 0; k < count && aux + 16 <= bytes.Length; k++)
            {
                ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(aux + 4));
                ushort index = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(aux + 6));
                string name = CString(strings, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(aux + 8)));
                result.Add(new ElfVersionNeed(file, name, index, flags, section.Offset + aux + 4));
                uint next = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(aux + 12));
                if (next == 0) break;
                aux += (int)next;
            }
            uint nextNeed = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12));
            if (nextNeed == 0) break;
            at += (int)nextNeed;
        }
        return result;
    }

    /// <summary>Every symbol version this library defines (the <c>.gnu.version_d</c> section), e.g. GLIBCXX_3.4.30 in libstdc++.</summary>
    public IReadOnlySet<string> VersionDefinitions()
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var section = First(ShtGnuVerdef);
        if (section is null) return result;
        var strings = StringTableOf(section);
        var bytes = Read(section);
        int at = 0;
        for (uint n = 0; n < section.Info && at + 20 <= bytes.Length; n++)
        {
            int aux = at + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12));
            if (aux + 8 <= bytes.Length)
                result.Add(CString(strings, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(aux))));
            uint next = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 16));
            if (next == 0) break;
            at += (int)next;
        }
        return result;
    }

    /// <summary>
    /// The names of the dynamic symbols bound to version index <paramref name="versionIndex"/>,
    /// and which of them any relocation (<c>SHT_RELA</c> or <c>SHT_REL</c> against <c>.dynsym</c>) refers to.
    /// A symbol that no relocation refers to is never looked up by the dynamic linker.
    /// </summary>
    public (IReadOnlyList<string> Symbols, IReadOnlyList<string> Relocated) SymbolsOfVersion(ushort versionIndex)
    {
        int dynsymIndex = Array.FindIndex(_sections, s => s.Type == ShtDynsym);
        var versym = First(ShtGnuVersym);
        if (dynsymIndex < 0 || versym is null) return (Array.Empty<string>(), Array.Empty<string>());
        var dynsym = _sections[dynsymIndex];
        var names = StringTableOf(dynsym);
        var symbols = Read(dynsym);
        var versions = Read(versym);
        int count = (int)Math.Min(symbols.Length / 24, versions.Length / 2);
        var matching = new Dictionary<uint, string>();
        for (int i = 0; i < count; i++)
        {
            ushort v = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(versions.AsSpan(i * 2)) & 0x7fff);
            if (v == versionIndex)
                matching[(uint)i] = CString(names, BinaryPrimitives.ReadUInt32LittleEndian(symbols.AsSpan(i * 24)));
        }
        var relocated = new SortedSet<string>(StringComparer.Ordinal);
        if (matching.Count > 0)
        {
            foreach (var s in _sections)
            {
                if ((s.Type != ShtRela && s.Type != ShtRel) || s.Link != dynsymIndex) continue;
                int entry = s.Type == ShtRela ? 24 : 16;
                var relocations = Read(s);
                for (int at = 0; at + entry <= relocations.Length; at += entry)
                {
                    uint symbol = (uint)(BinaryPrimitives.ReadUInt64LittleEndian(relocations.AsSpan(at + 8)) >> 32);
                    if (matching.TryGetValue(symbol, out var name)) relocated.Add(name);
                }
            }
        }
        return (matching.Values.OrderBy(n => n, StringComparer.Ordinal).ToList(), relocated.ToList());
    }
}

using System.IO.Compression;
using System.Text;

namespace FakET.Structures;

/// <summary>The file formats of atomic models.</summary>
public enum StructureFormat { Pdb, Cif }

/// <summary>
/// Reads atomic models: PDB and PDBx/mmCIF files, plain or gzip-compressed (recognised by their content, whatever the
/// name). The format comes from the extension (.pdb, .ent, .cif, .mmcif, each optionally .gz), else from the content.
/// A file that does not parse is the error <see cref="ErrorIds.StructureParseError"/>, naming the file and the line.
/// </summary>
public static class StructureFile
{
    /// <summary>Reads the atomic model in <paramref name="path"/>.</summary>
    public static Structure Read(string path, StructureReadOptions? options = null, CancellationToken cancel = default)
    {
        options ??= new StructureReadOptions();
        string file = Path.GetFileName(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, file, Path.GetFullPath(path), options, null, cancel);
    }

    /// <summary>Reads an atomic model from a stream (gzip-compressed or not); <paramref name="name"/> names it in errors and
    /// gives its ID when the file states none.</summary>
    public static Structure Read(Stream stream, string name, StructureReadOptions? options = null, StructureFormat? format = null,
        CancellationToken cancel = default) => Read(stream, name, null, options ?? new StructureReadOptions(), format, cancel);

    static Structure Read(Stream stream, string name, string? source, StructureReadOptions options, StructureFormat? format, CancellationToken cancel)
    {
        try
        {
            string text = IsGzip(stream) ? Gunzip(stream, name) : new StreamReader(stream, Encoding.UTF8, true, 1 << 16, leaveOpen: true).ReadToEnd();
            cancel.ThrowIfCancellationRequested();
            var chosen = format ?? Sniff(text);
            string id = IdOf(name);
            return chosen == StructureFormat.Cif
                ? CifFormat.Read(text, name, source, id, options)
                : PdbFormat.Read(new StringReader(text), name, source, id, options);
        }
        catch (InvalidDataException e)
        {
            throw new FakETException(ErrorIds.StructureParseError, FailureKind.InvalidData, $"{name}: the gzip data are damaged ({e.Message}).", e);
        }
    }

    /// <summary>The format an extension names (.pdb, .ent, .cif, .mmcif, with or without .gz), or null.</summary>
    public static StructureFormat? FormatOf(string path)
    {
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".pdb" or ".ent" => StructureFormat.Pdb,
            ".cif" or ".mmcif" => StructureFormat.Cif,
            _ => null,
        };
    }

    /// <summary>Whether a path names an atomic model by its extension.</summary>
    public static bool IsStructurePath(string path) => FormatOf(path) is not null;

    /// <summary>The error for a line that does not parse.</summary>
    internal static FakETException ParseError(string file, int line, string message) =>
        new(ErrorIds.StructureParseError, FailureKind.InvalidData, $"{file}, line {line}: {message}.");

    /// <summary>mmCIF when the text starts (after comments and blank lines) with a data_ block, PDB otherwise.</summary>
    static StructureFormat Sniff(string text)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var t = line.Trim();
            if (t.IsEmpty || t[0] == '#') continue;
            return t.StartsWith("data_", StringComparison.OrdinalIgnoreCase) ? StructureFormat.Cif : StructureFormat.Pdb;
        }
        return StructureFormat.Pdb;
    }

    /// <summary>The text of a gzip stream, checked against the size its trailer states (GZipStream ends quietly where a
    /// truncated file ends).</summary>
    static string Gunzip(Stream stream, string name)
    {
        long start = stream.Position;
        var text = new MemoryStream();
        using (var zip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true)) zip.CopyTo(text);
        if (stream.CanSeek && stream.Length - start >= 18)
        {
            stream.Position = stream.Length - 4;
            Span<byte> trailer = stackalloc byte[4];
            stream.ReadExactly(trailer);
            if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer) != (uint)text.Length)
                throw new FakETException(ErrorIds.StructureParseError, FailureKind.InvalidData,
                    $"{name}: the gzip data end early: {text.Length} bytes came out, and its trailer does not state that size (a truncated file?).");
        }
        text.Position = 0;
        return new StreamReader(text, Encoding.UTF8, detectEncodingFromByteOrderMarks: true).ReadToEnd();
    }

    static bool IsGzip(Stream stream)
    {
        if (!stream.CanSeek) return false;
        long at = stream.Position;
        int a = stream.ReadByte(), b = stream.ReadByte();
        stream.Position = at;
        return a == 0x1f && b == 0x8b;
    }

    /// <summary>A file's name without its extensions (1abc.cif.gz → 1abc), for files that state no ID.</summary>
    static string IdOf(string name)
    {
        string stem = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name;
        stem = Path.GetFileNameWithoutExtension(stem);
        return stem.Length > 0 ? stem : "structure";
    }
}

using System.Buffers.Binary;
using System.Text.Json;

namespace FakET.IO;

/// <summary>One tensor listed in a safetensors header: its element type, shape and byte range in the data section.</summary>
public sealed record SafeTensorEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements (the product of the shape; 1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Reads the safetensors format (as written by the Hugging Face <c>safetensors</c> library): an unsigned
/// 64-bit little-endian header length, a UTF-8 JSON header mapping each tensor name to its dtype, shape and
/// <c>data_offsets</c> (relative to the end of the header), then the raw little-endian data. Float32, float16
/// and bfloat16 tensors are read as float32. Every inconsistency is a named error, checked before any data
/// are read.
/// </summary>
public sealed class SafeTensorsFile
{
    /// <summary>Headers larger than this are refused (the format's own reference reader uses the same limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    readonly Dictionary<string, SafeTensorEntry> _entries;

    SafeTensorsFile(string path, long dataStart, Dictionary<string, SafeTensorEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        DataStart = dataStart;
        _entries = entries;
        Metadata = metadata;
    }

    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>Byte offset of the data section (8 + header length).</summary>
    public long DataStart { get; }
    /// <summary>The tensors, by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorEntry> Tensors => _entries;
    /// <summary>The optional <c>__metadata__</c> strings.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Bytes per element of the dtypes the format defines (those this reader converts, and the others, to check sizes).</summary>
    static int BytesPerElement(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    /// <summary>Opens <paramref name="path"/> and validates its header against the file length.</summary>
    public static SafeTensorsFile Open(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var prefix = new byte[8];
        string name = System.IO.Path.GetFileName(path);
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
            throw Invalid(name, "it is shorter than the 8-byte header length a safetensors file starts with");
        long headerLength = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(prefix), long.MaxValue);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > stream.Length)
            throw Invalid(name, $"its header length ({headerLength} bytes) does not fit the file ({stream.Length} bytes)");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        return Parse(path, header, stream.Length);
    }

    /// <summary>Parses a header (the JSON after the length prefix) for a file of <paramref name="fileLength"/> bytes.</summary>
    public static SafeTensorsFile Parse(string path, ReadOnlySpan<byte> header, long fileLength)
    {
        string name = System.IO.Path.GetFileName(path);
        long dataStart = 8 + header.Length;
        long dataLength = fileLength - dataStart;
        var entries = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray());
        }
        catch (JsonException e)
        {
            throw Invalid(name, $"its header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Invalid(name, "its header is not a JSON object");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind == JsonValueKind.Object)
                        foreach (var m in property.Value.EnumerateObject())
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                entries[property.Name] = ParseEntry(name, property.Name, property.Value, dataLength);
            }
        }
        return new SafeTensorsFile(path, dataStart, entries, metadata);
    }

    static SafeTensorEntry ParseEntry(string file, string tensor, JsonElement e, long dataLength)
    {
        try
        {
            string dtype = e.GetProperty("dtype").GetString() ?? "";
            var shape = e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = e.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
                throw Invalid(file, $"tensor '{tensor}' has invalid data_offsets");
            if (shape.Any(d => d < 0))
                throw Invalid(file, $"tensor '{tensor}' has a negative dimension");
            var entry = new SafeTensorEntry(tensor, dtype, shape, offsets[0], offsets[1]);
            int size = BytesPerElement(dtype);
            if (size > 0 && entry.ElementCount * size != entry.End - entry.Begin)
                throw new FakETException(ErrorIds.SafeTensorsSizeMismatch, FailureKind.InvalidData,
                    $"In {file}, tensor '{tensor}' ({dtype}, shape [{string.Join(", ", shape)}]) needs {entry.ElementCount * size} bytes but its data_offsets span {entry.End - entry.Begin}. The file is damaged or was not written by a safetensors writer.");
            if (entry.End > dataLength)
                throw new FakETException(ErrorIds.SafeTensorsTruncated, FailureKind.InvalidData,
                    $"In {file}, tensor '{tensor}' ends at byte {entry.End} of the data section, but the file holds only {dataLength} data bytes: it is truncated. Download or copy it again.");
            return entry;
        }
        catch (Exception x) when (x is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Invalid(file, $"tensor '{tensor}' lacks a valid dtype, shape or data_offsets");
        }
    }

    static FakETException Invalid(string file, string why) =>
        new(ErrorIds.SafeTensorsInvalid, FailureKind.InvalidData, $"{file} is not a valid safetensors file: {why}.");

    /// <summary>The entry named <paramref name="name"/>, or a <see cref="ErrorIds.SafeTensorsMissingTensor"/> error.</summary>
    public SafeTensorEntry Entry(string name) =>
        _entries.TryGetValue(name, out var entry) ? entry
            : throw new FakETException(ErrorIds.SafeTensorsMissingTensor, FailureKind.InvalidData,
                $"{System.IO.Path.GetFileName(Path)} has no tensor '{name}'. It holds {_entries.Count} tensors" +
                (_entries.Count == 0 ? "." : $", e.g. {string.Join(", ", _entries.Keys.Order(StringComparer.Ordinal).Take(4))}."));

    /// <summary>Reads tensor <paramref name="name"/> as float32, checking that its shape is <paramref name="expectedShape"/>.
    /// F32, F16 and BF16 are converted; any other dtype is a <see cref="ErrorIds.SafeTensorsUnsupportedDType"/> error.</summary>
    public float[] ReadFloat32(string name, IReadOnlyList<long> expectedShape, Stream? open = null)
    {
        var entry = Entry(name);
        string file = System.IO.Path.GetFileName(Path);
        if (!entry.Shape.SequenceEqual(expectedShape))
            throw new FakETException(ErrorIds.SafeTensorsShapeMismatch, FailureKind.InvalidData,
                $"In {file}, tensor '{name}' has shape [{string.Join(", ", entry.Shape)}], but [{string.Join(", ", expectedShape)}] is needed. The file is not a VGG-19 with torchvision's layout.");
        if (entry.DType is not ("F32" or "F16" or "BF16"))
            throw new FakETException(ErrorIds.SafeTensorsUnsupportedDType, FailureKind.InvalidData,
                $"In {file}, tensor '{name}' has dtype {entry.DType}; only F32, F16 and BF16 weights can be read.");
        var raw = new byte[entry.End - entry.Begin];
        var stream = open ?? new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            stream.Position = DataStart + entry.Begin;
            stream.ReadExactly(raw);
        }
        finally
        {
            if (open is null) stream.Dispose();
        }
        return Decode(raw, entry.DType);
    }

    /// <summary>Little-endian F32, F16 or BF16 bytes as float32.</summary>
    public static float[] Decode(ReadOnlySpan<byte> raw, string dtype)
    {
        switch (dtype)
        {
            case "F32":
            {
                var values = new float[raw.Length / 4];
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
                return values;
            }
            case "F16":
            {
                var values = new float[raw.Length / 2];
                for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]);
                return values;
            }
            case "BF16":
            {
                // bfloat16 is the upper half of a float32: shift its bits into place, exactly.
                var values = new float[raw.Length / 2];
                for (int i = 0; i < values.Length; i++)
                    values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16);
                return values;
            }
            default:
                throw new FakETException(ErrorIds.SafeTensorsUnsupportedDType, FailureKind.InvalidData, $"dtype {dtype} cannot be read as float32.");
        }
    }
}

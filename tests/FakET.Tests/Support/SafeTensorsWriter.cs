using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace FakET.Tests.Support;

/// <summary>One tensor for <see cref="SafeTensorsWriter"/>: raw little-endian bytes; <paramref name="Offsets"/> overrides the data_offsets written (to make broken files).</summary>
public sealed record RawTensor(string Name, string DType, long[] Shape, byte[] Data, long[]? Offsets = null);

/// <summary>Writes safetensors files for tests, following the format's specification (independently of the engine's reader).</summary>
public static class SafeTensorsWriter
{
    public static void Write(string path, IEnumerable<RawTensor> tensors, int dropTrailingBytes = 0)
    {
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        var data = new MemoryStream();
        foreach (var t in tensors)
        {
            long begin = data.Length;
            data.Write(t.Data);
            header[t.Name] = new Dictionary<string, object>
            {
                ["dtype"] = t.DType,
                ["shape"] = t.Shape,
                ["data_offsets"] = t.Offsets ?? new[] { begin, data.Length },
            };
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using var file = File.Create(path);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        file.Write(length);
        file.Write(json);
        file.Write(data.ToArray().AsSpan(0, (int)data.Length - dropTrailingBytes));
    }

    public static byte[] F32(IEnumerable<float> values) => values.SelectMany(v => { var b = new byte[4]; BinaryPrimitives.WriteSingleLittleEndian(b, v); return b; }).ToArray();
    public static byte[] F16(IEnumerable<float> values) => values.SelectMany(v => { var b = new byte[2]; BinaryPrimitives.WriteHalfLittleEndian(b, (Half)v); return b; }).ToArray();

    /// <summary>bfloat16: the upper 16 bits of the float32 (exact for values that have at most 8 significant bits).</summary>
    public static byte[] BF16(IEnumerable<float> values) => values.SelectMany(v =>
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16));
        return b;
    }).ToArray();
}

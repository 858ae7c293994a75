using System.Runtime.InteropServices;
using TorchSharp;

namespace FakET;

/// <summary>Moving float32 data between .NET arrays and tensors without going element by element.</summary>
internal static class TensorSpans
{
    /// <summary>The values of a contiguous float32 CPU tensor, as a span over the tensor's own memory (writes go to the tensor).</summary>
    public static Span<float> Floats(torch.Tensor tensor)
    {
        if (tensor.dtype != torch.ScalarType.Float32) throw new ArgumentException($"Expected a float32 tensor, not {tensor.dtype}.", nameof(tensor));
        if (tensor.device_type != DeviceType.CPU) throw new ArgumentException("Expected a CPU tensor; call cpu() first.", nameof(tensor));
        return MemoryMarshal.Cast<byte, float>(tensor.bytes);
    }
}

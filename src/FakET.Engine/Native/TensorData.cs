using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FakET.Native;

/// <summary>
/// Moving float32 pixels between tensors and arrays at memory speed. TorchSharp 0.107's accessor copies element by
/// element (about 20 ms for 1024²) and <c>torch.tensor(float[])</c> makes a managed copy of the array first;
/// these go through a span over the tensor's own memory instead.
/// </summary>
public static class TensorData
{
    /// <summary>The values of a contiguous float32 CPU tensor, as a span over its memory (valid while the tensor lives).</summary>
    public static Span<float> Span(Tensor tensor)
    {
        if (tensor.dtype != ScalarType.Float32 || tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("Only a contiguous float32 tensor on the CPU can be viewed as a span.", nameof(tensor));
        return MemoryMarshal.Cast<byte, float>(tensor.bytes);
    }

    /// <summary>Copies <paramref name="tensor"/> (any device, converted to float32) into <paramref name="destination"/>,
    /// which must hold exactly as many values.</summary>
    public static void CopyTo(Tensor tensor, Span<float> destination)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.to(ScalarType.Float32).cpu().contiguous();
        if (cpu.numel() != destination.Length)
            throw new ArgumentException($"The tensor holds {cpu.numel()} values, the destination {destination.Length}.", nameof(destination));
        Span(cpu).CopyTo(destination);
    }
}

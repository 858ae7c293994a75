using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FakET.Native;

/// <summary>
/// The one bridge between arrays and tensors: every array enters libtorch and every result leaves it through here, at
/// memory speed. TorchSharp 0.107's accessor (<c>data&lt;T&gt;()</c>) copies element by element (about 20 ms for 1024²)
/// and <c>torch.tensor(float[])</c> makes a managed copy of the array first; these wrap the array's own memory or go
/// through a span over the tensor's.
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

    /// <summary>A CPU tensor over <paramref name="values"/>' own memory (no copy), viewed as <paramref name="shape"/> when
    /// one is given. The array must outlive the tensor and must not change while the tensor is in use.</summary>
    public static Tensor Wrap(Array values, params long[] shape)
    {
        var tensor = torch.from_array(values);
        if (shape.Length == 0) return tensor;
        using (tensor) return tensor.view(shape);
    }

    /// <summary>A copy of <paramref name="values"/> on <paramref name="device"/>, viewed as <paramref name="shape"/> when given;
    /// the tensor owns its memory, so the array may change afterwards.</summary>
    public static Tensor Upload(Array values, Device device, params long[] shape)
    {
        using var host = Wrap(values, shape);
        return device.type == DeviceType.CPU ? host.clone() : host.to(device);
    }

    /// <summary>The values of <paramref name="tensor"/> (any device, converted to float32) as a new array.</summary>
    public static float[] ToArray(Tensor tensor)
    {
        var values = new float[tensor.numel()];
        CopyTo(tensor, values);
        return values;
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

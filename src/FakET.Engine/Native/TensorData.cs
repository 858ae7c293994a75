using TorchSharp;
using static TorchSharp.torch;

namespace FakET.Native;

/// <summary>Moving float32 pixels between tensors and arrays at memory speed (TorchSharp's accessor may copy element by element).</summary>
public static class TensorData
{
    /// <summary>Copies <paramref name="tensor"/> (any device, converted to float32) into <paramref name="destination"/>,
    /// which must hold exactly as many values.</summary>
    public static void CopyTo(Tensor tensor, Span<float> destination)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.to(ScalarType.Float32).cpu().contiguous();
        if (cpu.numel() != destination.Length)
            throw new ArgumentException($"The tensor holds {cpu.numel()} values, the destination {destination.Length}.", nameof(destination));
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(cpu.bytes).CopyTo(destination);
    }
}

using TorchSharp;

namespace FakET.Native;

/// <summary>Where heavy work runs: the GPU when one is present (Auto), or explicitly the CPU or CUDA.</summary>
public enum ComputeDevice { Auto, Cpu, Cuda }

/// <summary>Turns a <see cref="ComputeDevice"/> choice into a libtorch device, and sets libtorch's CPU threads for a while.</summary>
public static class ComputeDevices
{
    /// <summary>The libtorch device for <paramref name="choice"/>; CUDA when asked for but absent is an error.</summary>
    public static torch.Device Resolve(ComputeDevice choice)
    {
        NativeStack.EnsureLoaded();
        bool cuda = torch.cuda.is_available();
        return choice switch
        {
            ComputeDevice.Cpu => torch.CPU,
            ComputeDevice.Cuda when cuda => torch.CUDA,
            ComputeDevice.Cuda => throw new FakETException(ErrorIds.DeviceNotAvailable, FailureKind.ResourceUnavailable,
                "CUDA was asked for, but libtorch sees no CUDA device (this build or this machine has none). Use -Device Cpu or Auto."),
            _ => cuda ? torch.CUDA : torch.CPU,
        };
    }

    /// <summary>Sets libtorch's intra-op CPU threads to <paramref name="threads"/> (when given) until the result is disposed.
    /// More threads than the machine has cores only slow libtorch down (they take turns on the cores, 40 times slower
    /// with 1000 on a few cores), so a larger number is capped at the core count and <paramref name="warn"/> says so.</summary>
    public static IDisposable UseThreads(int? threads, Action<string>? warn = null)
    {
        NativeStack.EnsureLoaded();
        if (threads is null) return new Restore(null);
        if (threads < 1)
            throw new FakETException(ErrorIds.ThreadCountInvalid, FailureKind.InvalidArgument, $"Threads must be at least 1, not {threads}.");
        int cores = Environment.ProcessorCount;
        if (threads > cores)
        {
            warn?.Invoke($"-Threads {threads} is more than the {cores} cores this machine has; using {cores}.");
            threads = cores;
        }
        int previous = torch.get_num_threads();
        torch.set_num_threads(threads.Value);
        return new Restore(previous);
    }

    sealed class Restore(int? previous) : IDisposable
    {
        public void Dispose()
        {
            if (previous is int n && torch.get_num_threads() != n) torch.set_num_threads(n);
        }
    }
}

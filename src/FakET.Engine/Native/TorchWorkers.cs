using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using TorchSharp;

namespace FakET.Native;

/// <summary>
/// Runs independent pieces of libtorch work (e.g. batches of tilts) on several threads at once, each with its own
/// share of libtorch's CPU threads. For small images this uses the cores better than libtorch's own parallelism
/// inside each operation, which spends much of its time synchronising (and suffers most when the cores are shared).
/// Results are handed to the calling thread as they finish, so progress and output stay on that thread.
/// </summary>
public static class TorchWorkers
{
    /// <summary>
    /// Computes items 0 … <paramref name="count"/>−1 with <paramref name="compute"/> on <paramref name="workers"/>
    /// threads (each with <paramref name="threadsPerWorker"/> libtorch CPU threads) and calls <paramref name="finish"/>
    /// for each result on the calling thread, in the order they finish. With one worker everything runs on the
    /// calling thread. Cancellation stops new items from starting; the items under way finish first, and then
    /// <see cref="OperationCanceledException"/> is thrown. An exception in a worker stops the others and is rethrown.
    /// At most <paramref name="workers"/> items are in memory (plus those finished but not yet taken).
    /// </summary>
    public static void Run<T>(int count, int workers, int threadsPerWorker, Func<int, T> compute, Action<int, T> finish, CancellationToken cancel)
    {
        if (workers <= 1 || count <= 1)
        {
            for (int k = 0; k < count; k++)
            {
                cancel.ThrowIfCancellationRequested();
                finish(k, compute(k));
            }
            return;
        }
        NativeStack.EnsureLoaded();
        int callerThreads = torch.get_num_threads();
        int next = -1, running = workers, stop = 0;
        ExceptionDispatchInfo? failure = null;
        using var results = new BlockingCollection<(int Index, T Result)>();
        var threads = new List<Thread>();
        for (int w = 0; w < Math.Min(workers, count); w++)
        {
            var thread = new Thread(() =>
            {
                try
                {
                    // libtorch's thread count is per OS thread (OpenMP); set it for this worker only.
                    torch.set_num_threads(threadsPerWorker);
                    while (Volatile.Read(ref stop) == 0 && !cancel.IsCancellationRequested)
                    {
                        int k = Interlocked.Increment(ref next);
                        if (k >= count) break;
                        results.Add((k, compute(k)));
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                    Volatile.Write(ref stop, 1);
                }
                finally
                {
                    if (Interlocked.Decrement(ref running) == 0) results.CompleteAdding();
                }
            }, maxStackSize: 16 << 20) { IsBackground = true, Name = "FakET worker" };
            threads.Add(thread);
        }
        running = threads.Count;
        foreach (var thread in threads) thread.Start();
        try
        {
            foreach (var (index, result) in results.GetConsumingEnumerable(cancel))
            {
                if (failure is not null) break;
                finish(index, result);
            }
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            foreach (var thread in threads) thread.Join();
            // at::set_num_threads also sets the default that new threads start from: give it back.
            torch.set_num_threads(callerThreads);
        }
        failure?.Throw();
        cancel.ThrowIfCancellationRequested();
    }

    /// <summary>How many workers to use for <paramref name="items"/> items of <paramref name="pixelsPerItem"/> pixels
    /// each on <paramref name="threads"/> CPU threads: one per thread while the items are small, so that at most
    /// about <paramref name="pixelBudget"/> pixels are worked on at once; one (libtorch's own parallelism) for large ones.</summary>
    public static int Choose(int threads, int items, long pixelsPerItem, long pixelBudget = 2 * 512 * 512)
    {
        long byMemory = Math.Max(1, pixelBudget / Math.Max(1, pixelsPerItem));
        return (int)Math.Max(1, Math.Min(Math.Min(threads, items), byMemory));
    }
}

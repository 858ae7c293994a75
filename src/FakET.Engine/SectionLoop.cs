using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace FakET;

/// <summary>
/// Runs a body once per section (tilt or slice) in parallel, while progress is reported and cancellation
/// observed on the calling thread, as a cmdlet needs (it may only write progress from its own thread).
/// </summary>
public static class SectionLoop
{
    /// <summary>
    /// Calls <paramref name="body"/>(i) for every i in [0, <paramref name="count"/>) on up to
    /// <paramref name="maxThreads"/> threads (0: all cores), and <paramref name="progress"/>(done, total) on
    /// this thread after each section. Stops between sections when <paramref name="cancel"/> fires; the first
    /// error of a body is rethrown as it was thrown. Results must not depend on the order: give every section
    /// its own output slot and its own random stream.
    /// </summary>
    public static void Run(int count, Action<int> body, CancellationToken cancel = default, Action<int, int>? progress = null,
        int maxThreads = 0)
    {
        if (count <= 0) return;
        int threads = maxThreads > 0 ? Math.Min(maxThreads, Environment.ProcessorCount) : Environment.ProcessorCount;
        if (threads == 1 || count == 1)
        {
            for (int i = 0; i < count; i++)
            {
                cancel.ThrowIfCancellationRequested();
                body(i);
                progress?.Invoke(i + 1, count);
            }
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var finished = new BlockingCollection<int>();
        var work = Task.Run(() =>
        {
            try
            {
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = stop.Token }, i =>
                {
                    body(i);
                    finished.Add(i);
                });
            }
            finally
            {
                finished.CompleteAdding();
            }
        });
        try
        {
            int done = 0;
            foreach (var _ in finished.GetConsumingEnumerable()) progress?.Invoke(++done, count);
        }
        catch
        {
            stop.Cancel(); // the progress callback failed (e.g. the pipeline is stopping): stop the workers too
            try { work.Wait(); } catch (AggregateException) { }
            throw;
        }
        try
        {
            work.GetAwaiter().GetResult();
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}

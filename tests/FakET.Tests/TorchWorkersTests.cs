using System.Collections.Concurrent;
using FakET.Native;
using TorchSharp;

namespace FakET.Tests;

/// <summary>The worker threads that run independent batches of libtorch work at once.</summary>
[Trait("Tier", "Engine")]
public class TorchWorkersTests
{
    public TorchWorkersTests() => NativeStack.EnsureLoaded();

    [Fact]
    public void EveryItemIsComputedOnceOnWorkersAndFinishedOnTheCallingThread()
    {
        int caller = Environment.CurrentManagedThreadId;
        int threadsBefore = torch.get_num_threads();
        var computedOn = new ConcurrentDictionary<int, int>();
        var finished = new List<(int, long)>();
        TorchWorkers.Run(12, 3, 1, k =>
        {
            Assert.True(computedOn.TryAdd(k, Environment.CurrentManagedThreadId));
            Thread.Sleep(20);
            using var t = torch.arange(k + 1);
            return t.sum().item<long>();
        }, (k, sum) =>
        {
            Assert.Equal(caller, Environment.CurrentManagedThreadId);
            finished.Add((k, sum));
        }, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 12).Select(k => (k, (long)k * (k + 1) / 2)), finished.OrderBy(f => f.Item1));
        Assert.DoesNotContain(caller, computedOn.Values);
        Assert.True(computedOn.Values.Distinct().Count() > 1);
        Assert.Equal(threadsBefore, torch.get_num_threads());
    }

    [Fact]
    public void AFailureInAWorkerIsRethrownAndStopsTheRest()
    {
        int computed = 0;
        var e = Assert.Throws<InvalidOperationException>(() => TorchWorkers.Run(50, 2, 1, k =>
        {
            Interlocked.Increment(ref computed);
            if (k == 3) throw new InvalidOperationException("item 3");
            Thread.Sleep(5);
            return k;
        }, (_, _) => { }, CancellationToken.None));
        Assert.Equal("item 3", e.Message);
        Assert.True(computed < 50);
    }

    [Fact]
    public void CancellingStopsNewItemsAndThrows()
    {
        using var cancel = new CancellationTokenSource();
        int computed = 0, finished = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => TorchWorkers.Run(40, 2, 1, k =>
        {
            Interlocked.Increment(ref computed);
            Thread.Sleep(10);
            return k;
        }, (_, _) =>
        {
            finished++;
            cancel.Cancel();
        }, cancel.Token));
        Assert.Equal(1, finished);
        Assert.True(computed <= 4, $"{computed} items were started after cancelling");
    }

    [Theory]
    [InlineData(2, 61, 128 * 128 * 2, 2)]
    [InlineData(16, 61, 128 * 128 * 2, 16)]
    [InlineData(2, 1, 128 * 128, 1)]
    [InlineData(2, 61, 1024 * 1024, 1)]
    [InlineData(8, 61, 512 * 512, 2)]
    public void WorkersAreOnePerThreadForSmallItemsOnly(int threads, int items, long pixels, int expected) =>
        Assert.Equal(expected, TorchWorkers.Choose(threads, items, pixels));
}

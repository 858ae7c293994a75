using System.Diagnostics;
using FakET.Microscope;
using FakET.Native;
using FakET.Noise;

namespace FakET.Benchmarks;

/// <summary>
/// Times Invoke-MicroscopeSimulation, Measure-TiltNoise and Add-TiltNoise (their engine calls) on synthetic series of
/// 61 tilts, by default 512² and 1024². Options: <c>--sizes 512,1024</c>, <c>--tilts 61</c>, <c>--repeat 3</c> (the best
/// of the repeats is reported).
/// </summary>
public static class NoiseBenchmark
{
    public static int Run(string[] args)
    {
        var sizes = Option(args, "--sizes", "512,1024").Split(',').Select(int.Parse).ToArray();
        int tilts = int.Parse(Option(args, "--tilts", "61"));
        int repeat = int.Parse(Option(args, "--repeat", "3"));
        NativeStack.EnsureLoaded();
        var device = NativeStack.Describe();
        Console.WriteLine($"# {Environment.ProcessorCount} cores, {device}, .NET {Environment.Version}");
        Console.WriteLine("| size | step | best of " + repeat + " (s) | per tilt (ms) | allocated (MiB) |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            var clean = Clean(tilts, size);
            var settings = new MicroscopeSettings { Seed = 1 };
            TiltSeries measured = null!;
            Time(size, tilts, "Invoke-MicroscopeSimulation", repeat, () => measured = new MicroscopeSimulation().Run(clean, settings));
            NoiseCurves curves = null!;
            Time(size, tilts, "Measure-TiltNoise (1 pair)", repeat, () => curves = NoiseEstimation.Measure(measured, clean));
            var profile = new NoiseAggregation().Run(new[] { curves }, new NoiseAggregationOptions { PolynomialOrder = 2 });
            Time(size, tilts, "Add-TiltNoise", repeat, () => new NoiseSynthesis().Run(clean, new NoiseOptions { Profile = profile, Seed = 1 }));
            Time(size, tilts, "Add-TiltNoise, 1 thread", repeat, () => new NoiseSynthesis().Run(clean, new NoiseOptions { Profile = profile, Seed = 1, MaxThreads = 1 }));
            measured = null!;
        }
        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MiB");
        return 0;
    }

    static void Time(int size, int tilts, string step, int repeat, Action work)
    {
        double best = double.MaxValue;
        long allocated = 0;
        for (int i = 0; i < repeat; i++)
        {
            GC.Collect();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            work();
            watch.Stop();
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"| {tilts}×{size}² | {step} | {best:0.00} | {best * 1000 / tilts:0.0} | {allocated / (1 << 20)} |");
    }

    /// <summary>Clean-looking projections: a few hundred soft dark blobs per tilt on a flat background.</summary>
    static TiltSeries Clean(int tilts, int size)
    {
        var random = new Random(1);
        var blobs = Enumerable.Range(0, size / 2).Select(_ => (X: random.NextDouble() * size, Y: random.NextDouble() * size, R: 3 + random.NextDouble() * size / 40)).ToArray();
        var angles = Enumerable.Range(0, tilts).Select(i => -60.0 + 120.0 * i / Math.Max(1, tilts - 1)).ToArray();
        var sections = new float[tilts][];
        Parallel.For(0, tilts, t =>
        {
            var image = new float[size * size];
            double shift = Math.Sin(angles[t] * Math.PI / 180);
            foreach (var (bx, by, br) in blobs)
            {
                double cx = size / 2 + (bx - size / 2) * Math.Cos(angles[t] * Math.PI / 180) + shift * br;
                int r = (int)Math.Ceiling(2.5 * br);
                for (int y = Math.Max(0, (int)by - r); y < Math.Min(size, (int)by + r); y++)
                    for (int x = Math.Max(0, (int)cx - r); x < Math.Min(size, (int)cx + r); x++)
                    {
                        double d2 = ((x - cx) * (x - cx) + (y - by) * (y - by)) / (br * br);
                        image[y * size + x] -= (float)Math.Exp(-d2);
                    }
            }
            sections[t] = image;
        });
        return new TiltSeries(sections, size, size, angles, 10);
    }

    static string Option(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }
}

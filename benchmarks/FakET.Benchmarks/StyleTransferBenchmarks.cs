using System.Diagnostics;
using FakET;
using FakET.IO;
using FakET.Native;
using FakET.StyleTransfer;
using TorchSharp;

namespace FakET.Benchmarks;

/// <summary>
/// Invoke-StyleTransfer's engine, for docs/benchmarks.md:
/// <c>style &lt;size&gt; [tilts] [threads|default] [batch|auto] [weights.safetensors|random] [repeats]</c>: seconds per
/// tilt at size×size with FakET's published settings, timed in-process after a warm-up batch (best and median of
/// the repeats, 3 by default), CPU seconds per tilt, peak resident memory of the process;
/// <c>reference &lt;case-dir&gt; [threads]</c>: per-tilt correlation with the published implementation's output.
/// </summary>
static class StyleTransferBenchmarks
{
    public static int Reference(string[] a)
    {
        string dir = a[0];
        int? threads = a.Length > 1 ? int.Parse(a[1]) : null;
        using var _ = ComputeDevices.UseThreads(threads);
        var content = StackFiles.ReadTiltSeries(Path.Combine(dir, "nst_content.mrc"));
        var style = StackFiles.ReadTiltSeries(Path.Combine(dir, "nst_style.mrc"));
        var init = StackFiles.ReadTiltSeries(Path.Combine(dir, "nst_init.mrc"));
        var expected = StackFiles.ReadTiltSeries(Path.Combine(dir, "nst_expected.mrc"));
        var weights = Vgg19Weights.Load(Path.Combine(dir, "vgg19_random.safetensors"), 29);
        using var nst = new NeuralStyleTransfer(weights, ComputeDevice.Cpu);
        var published = new StyleTransferSettings { Style = style, Init = init };
        var sw = Stopwatch.StartNew();
        var result = nst.Run(content, published);
        Console.WriteLine($"first run {sw.Elapsed.TotalSeconds:F2} s");
        sw.Restart();
        result = nst.Run(content, published);
        Console.WriteLine($"{result}  ({sw.Elapsed.TotalSeconds:F2} s)");
        for (int i = 0; i < result.TiltCount; i++)
            Console.WriteLine($"tilt {i}: r = {Statistics.Correlation(result.Tilt(i), expected.Tilt(i)):F9}  max |diff| {result.Tilt(i).Zip(expected.Tilt(i), (x, y) => Math.Abs(x - y)).Max():G3} (std {Statistics.MeanStd(expected.Tilt(i)).Std:G3})   init r = {Statistics.Correlation(init.Tilt(i), expected.Tilt(i)):F6}");
        return 0;
    }

    public static int Style(string[] a)
    {
        int size = a.Length > 0 ? int.Parse(a[0]) : 128;
        int tilts = a.Length > 1 ? int.Parse(a[1]) : 8;
        int? threads = a.Length > 2 && a[2] != "default" ? int.Parse(a[2]) : null;
        int? batch = a.Length > 3 && a[3] != "auto" ? int.Parse(a[3]) : null;
        string? weightsFile = a.Length > 4 && a[4] != "random" ? a[4] : null;
        int repeats = a.Length > 5 ? int.Parse(a[5]) : 3;
        using var _ = ComputeDevices.UseThreads(threads);
        var settings = new StyleTransferSettings { BatchSize = batch };
        // The series are made below; the settings take them once they exist.
        var weights = weightsFile is null ? Vgg19Weights.Random(0, settings.DeepestLayer) : Vgg19Weights.Load(weightsFile, settings.DeepestLayer);
        var random = new Random(1);
        TiltSeries Make() => new(Enumerable.Range(0, tilts).Select(_ => Enumerable.Range(0, size * size).Select(_ => (float)random.NextDouble()).ToArray()).ToArray(),
            size, size, null, 1.0);
        var content = Make();
        var style = Make();
        var init = Make();
        using var nst = new NeuralStyleTransfer(weights, ComputeDevice.Cpu);
        settings = settings with { Style = style, Init = init };
        int b = batch ?? NeuralStyleTransfer.DefaultBatchSize(size, size);
        // Warm-up: one batch (libtorch picks its kernels and allocates on first use).
        nst.Run(content, settings with { TiltRange = (0, Math.Min(b, tilts) - 1) });
        int workers = TorchWorkers.Choose(torch.get_num_threads(), (tilts + b - 1) / b, (long)b * size * size);
        var wall = new List<double>();
        var cpu = new List<double>();
        for (int run = 0; run < repeats; run++)
        {
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            nst.Run(content, settings);
            wall.Add(sw.Elapsed.TotalSeconds / tilts);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / tilts);
        }
        Console.WriteLine($"size {size}  tilts {tilts}  batch {b} x {workers} workers  threads {torch.get_num_threads()}  weights {weights.Description}  " +
                          $"s/tilt best {wall.Min():F3} median {wall.Order().ElementAt(repeats / 2):F3}  CPU s/tilt {cpu.Min():F3}  " +
                          $"peak RSS {PeakRssMiB():F0} MiB  load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        return 0;
    }

    static double PeakRssMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:"))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        return double.NaN;
    }
}

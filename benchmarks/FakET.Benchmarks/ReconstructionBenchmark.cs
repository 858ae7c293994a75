using System.Diagnostics;
using System.Globalization;
using FakET;
using FakET.IO;
using FakET.Native;
using FakET.Reconstruction;
using TorchSharp;

namespace FakET.Benchmarks;

// Timing runs for the engine's heavy steps; the figures go to docs/benchmarks.md.
//
//   dotnet run -c Release --project benchmarks/FakET.Benchmarks -- reconstruct <size> [<tilts>] [--iradon <slices>] [--repeat <runs>] [--bin <n>] [--thickness <t>] [--sirt <iterations>] [--python <interpreter>]
//
// reconstruct: a synthetic tilt series of <tilts> (default 61) tilts from −60° to +60°, <size>×<size> pixels, is
// reconstructed with New-Tomogram's engine (ramp filter, thickness = width), <runs> times (default 3; the fastest
// counts); with --sirt, by SIRT with that many iterations instead. With --iradon, the same series is written
// to an MRC file and scikit-image's iradon (benchmarks/iradon_benchmark.py, run with Debian's /usr/bin/python3 or --python) reconstructs
// <slices> evenly spaced Y slices of it; its time is scaled to all slices, and the slices are compared with ours.
static class ReconstructionBenchmark
{
    public static int Run(string[] args)
    {
        int size = int.Parse(args[0], CultureInfo.InvariantCulture);
        int tilts = args.Length > 1 && !args[1].StartsWith("--") ? int.Parse(args[1], CultureInfo.InvariantCulture) : 61;
        // Debian's system Python, where python3-skimage and python3-mrcfile install; --python names another.
        string interpreter = Array.IndexOf(args, "--python") is >= 0 and var at ? args[at + 1] : "/usr/bin/python3";
        int iradonSlices = Option(args, "--iradon", 0), sirt = Option(args, "--sirt", 0), repeat = Option(args, "--repeat", 3), bin = Option(args, "--bin", 1), thickness = Option(args, "--thickness", size / bin);

        NativeStack.EnsureLoaded();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, " +
                          $"libtorch {torch.__version__} ({ComputeDevices.Resolve(ComputeDevice.Auto).type}, {torch.get_num_threads()} threads)");
        var series = SyntheticSeries(size, tilts);
        long before = Environment.WorkingSet;
        Console.WriteLine($"input: {series}  ({Megabytes((long)tilts * size * size * 4)} MB)");

        // A warm-up on a small series loads and initialises libtorch's kernels, so the timing is the work alone.
        new Tomography().Run(SyntheticSeries(32, 5), new TomogramOptions());
        // The machine is shared: of several runs, the fastest is the one least disturbed.
        using var self = Process.GetCurrentProcess();
        double seconds = double.PositiveInfinity, cpu = 0;
        Volume volume = null!;
        int blocks = 0;
        for (int run = 0; run < repeat; run++)
        {
            volume = null!;
            GC.Collect();
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var counter = new BlockCounter();
            volume = new Tomography().Run(series, new TomogramOptions
            {
                Bin = bin, Thickness = thickness,
                Method = sirt > 0 ? ReconstructionMethod.Sirt : ReconstructionMethod.Fbp, Iterations = Math.Max(1, sirt),
            }, counter);
            blocks = counter.Blocks;
            double wall = clock.Elapsed.TotalSeconds;
            self.Refresh();
            Console.WriteLine($"  run {run + 1}: {wall:F2} s wall, {(self.TotalProcessorTime - cpuBefore).TotalSeconds:F2} s CPU");
            if (wall < seconds) (seconds, cpu) = (wall, (self.TotalProcessorTime - cpuBefore).TotalSeconds);
        }
        long output = (long)volume.Depth * volume.Height * volume.Width * 4;
        Console.WriteLine($"New-Tomogram engine: {seconds:F2} s wall, {cpu:F2} s CPU (fastest of {repeat}) for {volume} in {blocks} block(s); output {Megabytes(output)} MB, " +
                          $"peak working set {Megabytes(self.PeakWorkingSet64)} MB (before: {Megabytes(before)} MB)");
        if (iradonSlices <= 0) return 0;

        string dir = Path.Combine(Path.GetTempPath(), $"faket-bench-{size}-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            string input = Path.Combine(dir, "series.mrc"), result = Path.Combine(dir, "iradon.mrc");
            StackFiles.Write(series, input);
            string script = Path.Combine(AppContext.BaseDirectory, "iradon_benchmark.py");
            var python = Process.Start(new ProcessStartInfo(interpreter, new[] { script, input, result, iradonSlices.ToString(CultureInfo.InvariantCulture), bin.ToString(CultureInfo.InvariantCulture) })
            { RedirectStandardOutput = true })!;
            string report = python.StandardOutput.ReadToEnd();
            python.WaitForExit();
            Console.Write(report);
            if (python.ExitCode != 0) return python.ExitCode;
            double iradonSeconds = double.Parse(report.Split("seconds_all=")[1].Split(' ', '\n')[0], CultureInfo.InvariantCulture);
            double iradonCpu = double.Parse(report.Split("cpu_all=")[1].Split(' ', '\n')[0], CultureInfo.InvariantCulture);
            var (_, slices) = MrcFile.Read(result);
            var rows = SliceRows(volume.Height, iradonSlices);
            double worst = 1;
            for (int s = 0; s < rows.Length; s++)
            {
                var ours = new float[volume.Depth * volume.Width];
                for (int z = 0; z < volume.Depth; z++) Array.Copy(volume.Section(z), rows[s] * volume.Width, ours, z * volume.Width, volume.Width);
                if (Statistics.MeanStd(slices[s]).Std > 0) worst = Math.Min(worst, Statistics.Correlation(ours, slices[s]));
            }
            Console.WriteLine($"speed-up over iradon: {iradonSeconds / seconds:F1}× wall, {iradonCpu / cpu:F1}× CPU; lowest correlation with iradon over {rows.Length} slices: {worst:F6}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);

    // The Y slices iradon reconstructs: evenly spaced, as iradon_benchmark.py picks them (numpy.linspace, rounded down).
    static int[] SliceRows(int height, int count) =>
        Enumerable.Range(0, count).Select(i => count == 1 ? 0 : (int)Math.Floor(i * (height - 1.0) / (count - 1))).ToArray();

    // Smooth blobs plus seeded noise: content does not change the work, but it makes the comparison meaningful.
    static TiltSeries SyntheticSeries(int size, int tilts)
    {
        var random = new Random(7);
        var images = new float[tilts][];
        for (int i = 0; i < tilts; i++)
        {
            var image = images[i] = new float[size * size];
            double shift = size * 0.1 * Math.Sin((-60 + 120.0 * i / Math.Max(1, tilts - 1)) * Math.PI / 180);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    double dx = (x - size / 2 - shift) / size, dy = (y - size / 2.0) / size;
                    image[y * size + x] = (float)(Math.Exp(-(dx * dx + dy * dy) * 40) + 0.1 * (random.NextDouble() - 0.5));
                }
        }
        var angles = Enumerable.Range(0, tilts).Select(i => -60 + 120.0 * i / Math.Max(1, tilts - 1)).ToArray();
        return new TiltSeries(images, size, size, angles, 1.0);
    }
}

/// <summary>Counts the blocks a reconstruction reports (one progress call per block of Y slices).</summary>
sealed class BlockCounter : FakET.Stages.IStageReporter
{
    public int Blocks { get; private set; }
    public void Progress(int done, int total, string unit) => Blocks++;
    public void Warning(string message) => Console.WriteLine("warning: " + message);
}

using System.Diagnostics;
using System.Globalization;
using FakET;
using FakET.IO;
using FakET.Native;
using FakET.Projection;

// Timings for docs/benchmarks.md. Usage:
//   projection <volume.mrc|cube:N> [tilts=61] [out.mrc]   time New-TiltSeries' projector on a volume (−60…60°)
//   compare <projections.mrc> <expected.mrc>       per-tilt correlation and relative L2 of two stacks
//   style <size> [tilts] [threads|default] [batch|auto] [weights|random] [repeats]   Invoke-StyleTransfer's engine
//   reference <case-dir> [threads]                 per-tilt agreement with the published style transfer's output
//   noise [options]                                 time the noise stages and the microscope (see NoiseBenchmark.cs)
//   reconstruct <size> [<tilts>] [--iradon <slices>] ...   time New-Tomogram's engine (see ReconstructionBenchmark.cs)
//   potential <model> [voxel] [--threads n] [--size x,y,z] [--origin x,y,z] [--out map.mrc]   ConvertTo-Potential's engine
var invariant = CultureInfo.InvariantCulture;
switch (args.FirstOrDefault())
{
    case "projection":
    {
        // A volume file, or "cube:N" for a seeded N³ volume made here (e.g. 1024³, too big to pass around as a file).
        var volume = args[1].StartsWith("cube:") ? Cube(int.Parse(args[1][5..], invariant)) : StackFiles.ReadVolume(args[1]);
        int tilts = args.Length > 2 ? int.Parse(args[2], invariant) : 61;
        var angles = Enumerable.Range(0, tilts).Select(i => tilts == 1 ? 0 : -60 + 120.0 * i / (tilts - 1)).ToArray();
        NativeStack.EnsureLoaded();
        Console.WriteLine($"{NativeStack.Describe()}");
        Console.WriteLine($"volume {volume.Depth}×{volume.Height}×{volume.Width}, {tilts} tilts");
        long before = Process.GetCurrentProcess().PeakWorkingSet64;
        var clock = Stopwatch.StartNew();
        long blockBytes = long.TryParse(Environment.GetEnvironmentVariable("FAKET_BLOCK_MB"), out var mb) ? mb << 20 : ForwardProjector.DefaultBlockBytes;
        var images = ForwardProjector.ProjectImages(volume, angles, volume.Width, 0, blockBytes: blockBytes);
        clock.Stop();
        Console.WriteLine($"projection: {clock.Elapsed.TotalSeconds:F2} s  peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB (before {before / 1048576.0:F0} MiB)");
        if (args.Length > 3)
            StackFiles.Write(new TiltSeries(images, volume.Height, volume.Width, angles, volume.VoxelSize), args[3]);
        break;
    }
    case "matrix":
    {
        // The fastest of 15 builds of one tilt's matrix, after 5 to warm up.
        int n = int.Parse(args[1], invariant);
        var geometry = new ProjectionGeometry(n, n, n);
        double best = double.MaxValue;
        int entries = 0;
        for (int i = 0; i < 20; i++)
        {
            var clock = Stopwatch.StartNew();
            entries = RayMatrix.Build(geometry, 17 + i).Count;
            if (i >= 5) best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"{n}²: {best:F1} ms per tilt, {entries / 1e6:F2} M entries ({(double)entries / n / n:F2} per voxel)");
        break;
    }
    case "compare":
    {
        var (_, a) = MrcFile.Read(args[1]);
        var (_, b) = MrcFile.Read(args[2]);
        double worstR = 1, worstL2 = 0;
        for (int t = 0; t < a.Length; t++)
        {
            double r = Statistics.Correlation(a[t], b[t]);
            double diff = 0, norm = 0;
            for (int i = 0; i < a[t].Length; i++) { diff += (double)(a[t][i] - b[t][i]) * (a[t][i] - b[t][i]); norm += (double)b[t][i] * b[t][i]; }
            worstR = Math.Min(worstR, r);
            worstL2 = Math.Max(worstL2, Math.Sqrt(diff / norm));
        }
        Console.WriteLine($"{a.Length} tilts: lowest correlation {worstR:F6}, largest relative L2 {worstL2:E3}");
        break;
    }
    case "style":
        FakET.Native.NativeStack.EnsureLoaded();
        return FakET.Benchmarks.StyleTransferBenchmarks.Style(args[1..]);
    case "reference":
        FakET.Native.NativeStack.EnsureLoaded();
        return FakET.Benchmarks.StyleTransferBenchmarks.Reference(args[1..]);
    case "noise":
        return FakET.Benchmarks.NoiseBenchmark.Run(args[1..]);
    case "reconstruct":
        return FakET.Benchmarks.ReconstructionBenchmark.Run(args[1..]);
    case "potential":
        return FakET.Benchmarks.PotentialBenchmark.Run(args[1..]);
    default:
        Console.Error.WriteLine("usage: projection <volume.mrc> [tilts] [out.mrc] | matrix <n> | compare <a.mrc> <b.mrc> | style <size> ... | reference <case-dir> [threads] | noise [options] | reconstruct <size> [<tilts>] [options] | potential <model> [voxel] [options]");
        return 2;
}
return 0;

static Volume Cube(int n)
{
    var sections = new float[n][];
    Parallel.For(0, n, z =>
    {
        var random = new Random(z);
        sections[z] = new float[n * n];
        for (int i = 0; i < sections[z].Length; i++) sections[z][i] = (float)random.NextDouble();
    });
    return new Volume(sections, n, n, 10.0);
}

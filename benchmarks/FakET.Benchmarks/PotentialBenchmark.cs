using System.Diagnostics;
using System.Globalization;
using FakET.IO;
using FakET.Structures;

namespace FakET.Benchmarks;

/// <summary>
/// Times ConvertTo-Potential's engine on an atomic model: <c>potential &lt;model&gt; [voxel=1] [--threads n] [--size x,y,z]
/// [--origin x,y,z] [--out map.mrc]</c>. Prints the reading and gridding times, the grid, the peak working set and the
/// integral check (the map's sum × h³ against 47.878·Σ occupancy·Σaᵢ). benchmarks/potential_vs_gemmi.py runs it beside
/// gemmi's DensityCalculatorE on the same grid.
/// </summary>
public static class PotentialBenchmark
{
    public static int Run(string[] args)
    {
        var c = CultureInfo.InvariantCulture;
        string model = args[0];
        double voxel = args.Length > 1 && !args[1].StartsWith("--") ? double.Parse(args[1], c) : 1;
        int threads = int.Parse(Option(args, "--threads") ?? "0", c);
        var options = new PotentialOptions
        {
            VoxelSize = voxel, MaxThreads = threads,
            Size = Option(args, "--size")?.Split(',').Select(v => int.Parse(v, c)).ToArray(),
            Origin = Option(args, "--origin")?.Split(',').Select(v => double.Parse(v, c)).ToArray(),
        };
        var clock = Stopwatch.StartNew();
        var structure = StructureFile.Read(model);
        double read = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{structure}  (read in {read:F2} s)");
        clock.Restart();
        var map = new PotentialCalculator().Run(structure, options);
        double grid = clock.Elapsed.TotalSeconds;
        double sum = map.Sections.AsParallel().Sum(s => s.Sum(v => (double)v)) * voxel * voxel * voxel;
        double expected = structure.Atoms.Sum(a => a.Occupancy * Elements.ScatteringSum(a.Element)) * Elements.VoltsPerScattering;
        Console.WriteLine($"ours: {grid:F2} s for {map.Width}×{map.Height}×{map.Depth} voxels of {voxel} Å on {(threads > 0 ? threads : Environment.ProcessorCount)} threads, " +
                          $"origin ({map.Origin.X:F3}, {map.Origin.Y:F3}, {map.Origin.Z:F3}); integral {sum:F1} V·Å³, expected {expected:F1} (ratio {sum / expected:F9})");
        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MiB");
        if (Option(args, "--out") is { } path) StackFiles.Write(map, path);
        return 0;
    }

    static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

using FakET.Native;
using FakET.Stages;

namespace FakET.Picking;

/// <summary>The options of <see cref="ParticlePicking"/> (<c>Find-Particle</c>).</summary>
public sealed record PickingOptions : StageOptions
{
    /// <summary>The trained picker.</summary>
    public required PickerModel Model { get; init; }
    /// <summary>Mean shift's bandwidth, voxels (DeepFinder's default, 5).</summary>
    public double Bandwidth { get; init; } = 5;
    /// <summary>Clusters of a class with fewer voxels are dropped; classes not named keep every cluster.</summary>
    public IReadOnlyDictionary<string, int> MinClusterSize { get; init; } = new Dictionary<string, int>();
    /// <summary>The segmentation's tile edge, voxels, margins included (a multiple of 4).</summary>
    [NotInHistory] public int Tile { get; init; } = 128;
    /// <summary>How far tiles overlap on each side, voxels (a multiple of 4; at least the network's reach for exactness).</summary>
    public int Margin { get; init; } = Segmentation.DefaultMargin;
    [NotInHistory] public ComputeDevice Device { get; init; } = ComputeDevice.Auto;
    [NotInHistory] public int? Threads { get; init; }

    public override void Validate()
    {
        if (!(Bandwidth > 0 && double.IsFinite(Bandwidth)))
            throw new FakETException(PickingErrorIds.InvalidSetting, FailureKind.InvalidArgument, $"The bandwidth must be a positive number of voxels, not {Bandwidth}.");
        foreach (var (name, size) in MinClusterSize)
        {
            if (Model.ClassNumber(name) < 0)
                throw new FakETException(PickingErrorIds.InvalidSetting, FailureKind.InvalidArgument,
                    $"-MinClusterSize names '{name}', which the picker does not know; its classes are {string.Join(", ", Model.ClassNames)}.");
            if (size < 0)
                throw new FakETException(PickingErrorIds.InvalidSetting, FailureKind.InvalidArgument, $"The minimum cluster size of '{name}' must not be negative, not {size}.");
        }
    }
}

/// <summary>One pick: the particle list's entry (class, centre in voxels, score) and its cluster's size in voxels.</summary>
public sealed record PickedParticle(ParticleEntry Entry, int Size);

/// <summary>The picks of one tomogram, its segmentation and the history entry of the run.</summary>
public sealed record PickingResult(IReadOnlyList<PickedParticle> Picks, SegmentationMap Segmentation, HistoryEntry Entry);

/// <summary>
/// DeepFinder's picking: the tomogram is segmented by the picker's U-Net (<see cref="Segmentation"/>), every voxel of a
/// particle class is clustered by mean shift (<see cref="MeanShift"/>, all classes together as DeepFinder does), and each
/// cluster becomes one pick at its centre: its class is the most frequent among its voxels (ties: the lower class), its
/// size the number of its voxels and its score their mean class probability. Clusters smaller than their class's minimum
/// are dropped.
/// </summary>
public sealed class ParticlePicking : Stage<Volume, PickingOptions, PickingResult>
{
    /// <summary>A segmentation with more particle voxels than this fraction is degenerate and is not clustered:
    /// macromolecules fill about 20–30% of even a crowded cytoplasm.</summary>
    public const double MaxForegroundFraction = 0.5;

    public override string Step => Steps.FindParticle;

    protected override PickingResult Execute(Volume tomogram, PickingOptions options, StageRun run)
    {
        var model = options.Model;
        if (Math.Abs(tomogram.VoxelSize - model.VoxelSize) > 1e-3 * model.VoxelSize)
            run.Warning($"The tomogram has {tomogram.VoxelSize:0.###} Å voxels, the picker was trained on {model.VoxelSize:0.###} Å voxels.");
        SegmentationMap map;
        using (ComputeDevices.UseThreads(options.Threads))
            map = Segmentation.Run(model, tomogram, ComputeDevices.Resolve(options.Device), options.Tile, options.Margin,
                run.Progress("tile"), run.Cancel);
        long foreground = map.Classes.Sum(section => (long)section.Count(k => k != 0)), all = (long)map.Depth * map.Height * map.Width;
        List<PickedParticle> picks;
        if (foreground > MaxForegroundFraction * all)
        {
            // An untrained or failed picker labels nearly everything a particle; mean shift over such a cloud takes long
            // (every seed drifts for hundreds of steps) and finds only a lattice of bandwidth-sized blobs.
            run.Warning($"The segmentation labels {100.0 * foreground / all:0}% of the voxels as particles (more than "
                + $"{MaxForegroundFraction * 100:0}%): the picker has not learnt to tell particles from background, so nothing is picked.");
            picks = new List<PickedParticle>();
        }
        else
            picks = Cluster(map, model, options.Bandwidth, options.MinClusterSize, run.Cancel);
        var entry = run.Entry($"{picks.Count} particles picked ({model.ClassNames.Count} classes, bandwidth {options.Bandwidth:0.##})");
        return new PickingResult(picks, map, entry);
    }

    /// <summary>The picks of a segmentation: mean shift over every particle voxel, one pick per cluster.</summary>
    public static List<PickedParticle> Cluster(SegmentationMap map, PickerModel model, double bandwidth,
        IReadOnlyDictionary<string, int> minSizes, CancellationToken cancel = default)
    {
        var points = new List<(double X, double Y, double Z)>();
        var voxels = new List<(byte Class, float Confidence)>();
        for (int z = 0; z < map.Depth; z++)
            for (int i = 0; i < map.Height * map.Width; i++)
            {
                byte k = map.Classes[z][i];
                if (k == 0) continue;
                points.Add((i % map.Width, i / map.Width, z));
                voxels.Add((k, map.Confidence[z][i]));
            }
        var clusters = MeanShift.Cluster(points, bandwidth, cancel);
        int n = clusters.Centres.Count, k1 = model.OutputClasses;
        var votes = new int[n, k1];
        var sizes = new int[n];
        var scores = new double[n];
        for (int i = 0; i < points.Count; i++)
        {
            int c = clusters.Labels[i];
            votes[c, voxels[i].Class]++;
            sizes[c]++;
            scores[c] += voxels[i].Confidence;
        }
        var picks = new List<PickedParticle>();
        for (int c = 0; c < n; c++)
        {
            if (sizes[c] == 0) continue;
            int best = 1;
            for (int k = 2; k < k1; k++)
                if (votes[c, k] > votes[c, best]) best = k;
            string name = model.ClassNames[best - 1];
            if (minSizes.TryGetValue(name, out int min) || TryCaseless(minSizes, name, out min))
                if (sizes[c] < min) continue;
            var (x, y, z) = clusters.Centres[c];
            picks.Add(new PickedParticle(new ParticleEntry
            {
                Class = name, ClassNumber = best, X = x, Y = y, Z = z, Score = scores[c] / sizes[c],
            }, sizes[c]));
        }
        return picks;
    }

    static bool TryCaseless(IReadOnlyDictionary<string, int> sizes, string name, out int value)
    {
        foreach (var (key, v) in sizes)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        value = 0;
        return false;
    }
}

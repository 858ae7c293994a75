using System.Globalization;

namespace FakET.Picking;

/// <summary>Error ids of the picker (stable, as those in <see cref="ErrorIds"/>).</summary>
public static class PickingErrorIds
{
    public const string InvalidSetting = "PickerInvalidSetting";
    public const string UnlabelledTomogram = "PickerUnlabelledTomogram";
    public const string ShapeMismatch = "PickerShapeMismatch";
    public const string TooSmall = "PickerTomogramTooSmall";
    public const string NoParticles = "PickerNoParticles";
    public const string ModelInvalid = "PickerModelInvalid";
    public const string CheckpointMismatch = "PickerCheckpointMismatch";
    public const string CheckpointNotFound = "PickerCheckpointNotFound";
}

/// <summary>One point of a training's history: the step, its batch's loss and, at validation steps, the validation voxel F1.</summary>
public sealed record PickerHistoryPoint(int Step, double Loss, double? ValidationF1 = null);

/// <summary>
/// A trained particle picker: the U-Net's architecture (<see cref="Width"/>, <see cref="ClassNames"/>), its weights as host
/// arrays (no native memory: a network is built from them for each use and released after), the voxel size and patch size
/// it was trained at, the training's settings and its history (loss per step, validation F1 at validation steps).
/// </summary>
public sealed class PickerModel
{
    public PickerModel(double width, IReadOnlyList<string> classNames, IReadOnlyDictionary<string, float[]> weights, double voxelSize,
        int patchSize, IReadOnlyDictionary<string, object?>? settings = null, IReadOnlyList<PickerHistoryPoint>? history = null,
        int? bestStep = null)
    {
        Width = width;
        ClassNames = classNames.ToArray();
        Plan = PickerArchitecture.Plan(width, classNames.Count + 1);
        foreach (var c in Plan)
            foreach (var (name, length) in new[] { (c.Name + ".weight", c.ParameterCount - c.Out), (c.Name + ".bias", (long)c.Out) })
                if (!weights.TryGetValue(name, out var w) || w.LongLength != length)
                    throw new FakETException(PickingErrorIds.ModelInvalid, FailureKind.InvalidData,
                        $"The picker's weights lack '{name}' of {length} values for width {width} and {classNames.Count} classes.");
        Weights = weights;
        VoxelSize = voxelSize;
        PatchSize = patchSize;
        Settings = settings ?? new Dictionary<string, object?>();
        History = history ?? Array.Empty<PickerHistoryPoint>();
        BestStep = bestStep;
    }

    /// <summary>The factor on DeepFinder's channel counts (1: 32, 48, 64).</summary>
    public double Width { get; }
    /// <summary>The particle classes, class k + 1 in the network's output (0 is background).</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>The convolutions, in forward order.</summary>
    public IReadOnlyList<PickerConvolution> Plan { get; }
    /// <summary>The weights and biases by tensor name (<c>enc1a.weight</c>...).</summary>
    public IReadOnlyDictionary<string, float[]> Weights { get; }
    /// <summary>Å per voxel of the tomograms it was trained on.</summary>
    public double VoxelSize { get; }
    /// <summary>The edge of its training patches, voxels.</summary>
    public int PatchSize { get; }
    /// <summary>The training's options and what it decided (the seed), as plain values.</summary>
    public IReadOnlyDictionary<string, object?> Settings { get; }
    /// <summary>The loss at every step and the validation voxel F1 at validation steps.</summary>
    public IReadOnlyList<PickerHistoryPoint> History { get; }
    /// <summary>The step whose weights these are (the best by validation F1), when a validation tomogram was given.</summary>
    public int? BestStep { get; }

    /// <summary>The number of weights and biases.</summary>
    public long ParameterCount => Plan.Sum(c => c.ParameterCount);
    /// <summary>Classes the network tells apart, background included.</summary>
    public int OutputClasses => ClassNames.Count + 1;

    /// <summary>The class number (1-based) of <paramref name="name"/>, case-insensitive, or -1.</summary>
    public int ClassNumber(string name)
    {
        for (int i = 0; i < ClassNames.Count; i++)
            if (string.Equals(ClassNames[i], name, StringComparison.OrdinalIgnoreCase)) return i + 1;
        return -1;
    }

    /// <summary>One line: <c>PickerModel width 0.5, 3 classes (a, b, c), 226k parameters, 500 steps, best F1 0.91</c>.</summary>
    public override string ToString()
    {
        var best = History.Where(h => h.ValidationF1 is not null).Select(h => h.ValidationF1!.Value).DefaultIfEmpty(double.NaN).Max();
        return string.Create(CultureInfo.InvariantCulture,
            $"PickerModel width {Width:0.###}, {ClassNames.Count} classes ({string.Join(", ", ClassNames)}), {ParameterCount:N0} parameters, {History.Count} steps")
            + (double.IsNaN(best) ? "" : string.Create(CultureInfo.InvariantCulture, $", best validation F1 {best:0.000} at step {BestStep}"));
    }
}

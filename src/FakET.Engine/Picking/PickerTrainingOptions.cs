using FakET.Native;
using FakET.Stages;

namespace FakET.Picking;

/// <summary>One labelled tomogram for training or validation: its voxels and, in the same frame, its class mask and particles.</summary>
public sealed record LabelledTomogram(Volume Tomogram, int[][] ClassMask, IReadOnlyList<Particle> Particles, IReadOnlyList<string> ClassNames)
{
    /// <summary>A tomogram and its labels: those of <paramref name="sample"/> (a sample of the same shape) or, without one,
    /// its own (a tomogram made from a labelled sample carries them in its own frame).</summary>
    public static LabelledTomogram Of(Volume tomogram, Volume? sample, string role)
    {
        var source = sample ?? tomogram;
        var labels = source.Labels;
        var mask = labels?.GetClassMask();
        if (labels is null || mask is null)
            throw new FakETException(PickingErrorIds.UnlabelledTomogram, FailureKind.InvalidArgument,
                $"The {role} has no class mask: give a labelled sample (New-Phantom's, or a tomogram made from one) of the same shape.");
        if (source.Depth != tomogram.Depth || source.Height != tomogram.Height || source.Width != tomogram.Width)
            throw new FakETException(PickingErrorIds.ShapeMismatch, FailureKind.InvalidArgument,
                $"The {role} is {tomogram.Depth}×{tomogram.Height}×{tomogram.Width} voxels but its sample is {source.Depth}×{source.Height}×{source.Width}: " +
                "give the sample in the tomogram's frame (the tomogram made from it carries its labels in that frame).");
        return new LabelledTomogram(tomogram, mask, labels.Particles ?? Array.Empty<Particle>(), labels.ClassNames);
    }
}

/// <summary>What <see cref="PickerTraining"/> learns from: training tomograms and, optionally, a separate validation one.</summary>
public sealed record PickerTrainingSet(IReadOnlyList<LabelledTomogram> Training, LabelledTomogram? Validation = null);

/// <summary>What <see cref="PickerTraining"/> minimises.</summary>
public enum PickerLoss
{
    /// <summary>DeepFinder's: the Tversky loss with α = β = 0.5 (a soft Dice summed over classes, background included).</summary>
    Tversky,
    /// <summary>The Tversky loss plus the mean cross-entropy over voxels (the sum nnU-Net trains with).</summary>
    TverskyCrossEntropy,
}

/// <summary>The options of <see cref="PickerTraining"/> (<c>Invoke-PickerTraining</c>); defaults as DeepFinder's where it has them.</summary>
public sealed record PickerTrainingOptions : StageOptions
{
    /// <summary>Optimiser steps (batches).</summary>
    public int Steps { get; init; } = 500;
    /// <summary>Patches per batch.</summary>
    public int BatchSize { get; init; } = 4;
    /// <summary>Patch edge, voxels, a multiple of 4 (DeepFinder trains on 40³... 56³ patches).</summary>
    public int PatchSize { get; init; } = 40;
    /// <summary>Factor on DeepFinder's channel counts; 0.5 is the practical choice on CPUs.</summary>
    public double Width { get; init; } = 1;
    /// <summary>Adam's learning rate (DeepFinder's 1e-4).</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>The loss: DeepFinder's Tversky loss alone, or with the voxels' mean cross-entropy added.</summary>
    public PickerLoss Loss { get; init; } = PickerLoss.TverskyCrossEntropy;
    /// <summary>Largest random shift of a patch centre from its particle, voxels, per axis (DeepFinder's 13).</summary>
    public int Shift { get; init; } = 13;
    /// <summary>Sets the initial weights and the sampling; drawn (and recorded) when not given.</summary>
    public int? Seed { get; init; }
    /// <summary>Steps between validations (and checkpoints); 0: a twentieth of the steps.</summary>
    public int ValidationInterval { get; init; }
    /// <summary>Writes a checkpoint here (atomically) at every validation step and at the end.</summary>
    [NotInHistory] public string? CheckpointPath { get; init; }
    /// <summary>Continues from the checkpoint at <see cref="CheckpointPath"/> when there is one.</summary>
    [NotInHistory] public bool Resume { get; init; }
    /// <summary>The validation segmentation's tile edge (memory only).</summary>
    [NotInHistory] public int ValidationTile { get; init; } = 128;
    [NotInHistory] public ComputeDevice Device { get; init; } = ComputeDevice.Auto;
    [NotInHistory] public int? Threads { get; init; }

    /// <summary>The validation interval in use.</summary>
    public int Interval => ValidationInterval > 0 ? ValidationInterval : Math.Max(1, Steps / 20);

    public override void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok) throw new FakETException(PickingErrorIds.InvalidSetting, FailureKind.InvalidArgument, message);
        }
        Check(Steps >= 1, $"Steps must be at least 1, not {Steps}.");
        Check(BatchSize >= 1, $"BatchSize must be at least 1, not {BatchSize}.");
        Check(PatchSize >= 8 && PatchSize % PickerArchitecture.SizeMultiple == 0, $"PatchSize must be a multiple of 4 of at least 8 voxels, not {PatchSize}.");
        Check(Width > 0 && Width <= 4, $"Width must be in (0, 4], not {Width}.");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), $"LearningRate must be positive, not {LearningRate}.");
        Check(Shift >= 0, $"Shift must not be negative, not {Shift}.");
        Check(ValidationInterval >= 0, $"ValidationInterval must not be negative, not {ValidationInterval}.");
        Check(!Resume || CheckpointPath is not null, "-Resume needs -CheckpointPath: the checkpoint to continue from.");
    }
}

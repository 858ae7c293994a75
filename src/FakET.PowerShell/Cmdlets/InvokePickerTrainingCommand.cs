using System.Management.Automation;
using FakET.Native;
using FakET.Picking;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Trains a DeepFinder-style particle picker (a 3-D U-Net) on labelled tomograms.</para>
/// <para type="description">Each tomogram's targets are the class mask of its sample (-Sample, in the tomogram's frame) or, without one, its own labels (a tomogram made by New-Tomogram from a labelled sample carries them). As DeepFinder (Moebel et al., Nature Methods 2021) trains: patches centred on particles with a uniform random shift (-Shift, ±13 voxels), half of them turned 180° about the tilt axis, each z-scored; the Tversky loss with α = β = 0.5 (a soft Dice summed over classes); Adam at -LearningRate (1e-4). Two flaws of the published training are fixed: patches come from anywhere in each tomogram, and -Seed sets both the initial (Glorot-uniform) weights and the sampling, so one seed gives one model.</para>
/// <para type="description">The network is DeepFinder's layer plan (32, 48 and 64 channels; 903,456 parameters with 16 classes) with every channel count scaled by -Width; 0.5 is the practical choice on CPUs. With -ValidationTomogram (a separate tomogram, never a training one) the model keeps the weights of the validation step with the best voxel F1. Progress shows the step and the last loss; the model carries its loss history (Export-PickerModel -Path writes it as a PNG too). With -CheckpointPath a checkpoint is written atomically at every validation step, and -Resume continues from it exactly as an uninterrupted run would have gone on.</para>
/// <example><code>$model = Invoke-PickerTraining -Tomogram $t1, $t2 -ValidationTomogram $t3 -Steps 2000 -Width 0.5 -Seed 1</code><para>Trains a half-width picker on two labelled tomograms, keeping the step that segments the third best.</para></example>
/// <example><code>Invoke-PickerTraining -Tomogram $noisy -Sample $phantom -Steps 5000 -CheckpointPath ./picker.ckpt -Resume -Seed 3</code><para>Trains on a tomogram whose labels are a separate sample's, resuming from ./picker.ckpt after an interruption.</para></example>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "PickerTraining")]
[OutputType(typeof(PickerModel))]
public sealed class InvokePickerTrainingCommand : FakETCmdlet
{
    /// <summary><para type="description">The training tomograms.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public Volume[] Tomogram { get; set; } = Array.Empty<Volume>();

    /// <summary><para type="description">Their labelled samples, one per tomogram in the same order and frame; without them each tomogram's own labels are used.</para></summary>
    [Parameter]
    public Volume[]? Sample { get; set; }

    /// <summary><para type="description">A separate labelled tomogram to validate on; the best step by its voxel F1 is kept.</para></summary>
    [Parameter]
    public Volume? ValidationTomogram { get; set; }

    /// <summary><para type="description">The validation tomogram's labelled sample, when it does not carry its own labels.</para></summary>
    [Parameter]
    public Volume? ValidationSample { get; set; }

    /// <summary><para type="description">Optimiser steps (default 500).</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Steps { get; set; } = 500;

    /// <summary><para type="description">Patches per step (default 4).</para></summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int BatchSize { get; set; } = 4;

    /// <summary><para type="description">Patch edge in voxels, a multiple of 4 (default 40).</para></summary>
    [Parameter]
    [ValidateRange(8, 1024)]
    public int PatchSize { get; set; } = 40;

    /// <summary><para type="description">Factor on DeepFinder's channel counts (default 1; 0.5 is practical on CPUs).</para></summary>
    [Parameter]
    [ValidateRange(0.01, 4)]
    public double Width { get; set; } = 1;

    /// <summary><para type="description">Adam's learning rate (default 1e-4, DeepFinder's).</para></summary>
    [Parameter]
    [ValidateRange(1e-9, 1)]
    public double LearningRate { get; set; } = 1e-4;

    /// <summary><para type="description">The loss: TverskyCrossEntropy (default), DeepFinder's Tversky loss plus the voxels' mean cross-entropy; or Tversky, DeepFinder's loss alone.</para></summary>
    [Parameter]
    [ValidateSet(nameof(PickerLoss.TverskyCrossEntropy), nameof(PickerLoss.Tversky), IgnoreCase = true)]
    public string Loss { get; set; } = nameof(PickerLoss.TverskyCrossEntropy);

    /// <summary><para type="description">Largest random shift of a patch from its particle's centre, voxels per axis (default 13).</para></summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int Shift { get; set; } = 13;

    /// <summary><para type="description">Sets the initial weights and the sampling; drawn and recorded in the model's settings when not given.</para></summary>
    [Parameter]
    public int? Seed { get; set; }

    /// <summary><para type="description">Steps between validations and checkpoints (default: a twentieth of -Steps).</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int ValidationInterval { get; set; }

    /// <summary><para type="description">A file to write checkpoints to (atomically: it is complete or absent, never half-written).</para></summary>
    [Parameter]
    public string? CheckpointPath { get; set; }

    /// <summary><para type="description">Continue from the checkpoint at -CheckpointPath, when it exists (same -Seed and classes).</para></summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    /// <summary><para type="description">Where to compute: Auto (CUDA when available, else the CPU), Cpu or Cuda.</para></summary>
    [Parameter]
    [ValidateSet("Auto", "Cpu", "Cuda")]
    public string Device { get; set; } = "Auto";

    /// <summary><para type="description">CPU threads libtorch uses during this run. Default: libtorch's own choice (the number of cores).</para></summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int? Threads { get; set; }

    protected override void EndProcessing()
    {
        RequireNativeStack();
        if (Sample is not null && Sample.Length != Tomogram.Length)
        {
            WriteError(new ErrorRecord(new ArgumentException($"-Sample gives {Sample.Length} samples for {Tomogram.Length} tomograms: give one per tomogram, in the same order."),
                PickingErrorIds.ShapeMismatch, ErrorCategory.InvalidArgument, Sample));
            return;
        }
        TryRun(() =>
        {
            var training = Tomogram.Select((t, i) => LabelledTomogram.Of(t, Sample?[i], $"training tomogram {i + 1}")).ToList();
            var validation = ValidationTomogram is null ? null : LabelledTomogram.Of(ValidationTomogram, ValidationSample, "validation tomogram");
            var options = new PickerTrainingOptions
            {
                Steps = Steps, BatchSize = BatchSize, PatchSize = PatchSize, Width = Width, LearningRate = LearningRate, Loss = Enum.Parse<PickerLoss>(Loss, ignoreCase: true), Shift = Shift,
                Seed = Seed, ValidationInterval = ValidationInterval,
                CheckpointPath = CheckpointPath is null ? null : ResolveOutputPath(CheckpointPath), Resume = Resume,
                Device = Enum.Parse<ComputeDevice>(Device, ignoreCase: true), Threads = Threads,
            };
            WriteObject(new PickerTraining().Run(new PickerTrainingSet(training, validation), options, Reporter("Training the picker:"), Cancel));
        }, Tomogram);
    }
}

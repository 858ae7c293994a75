using System.Management.Automation;
using FakET.Native;
using FakET.StyleTransfer;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Makes a tilt series look like a measured one: FakET's VGG-19 neural style transfer.</para>
/// <para type="description">Optimises each tilt, starting from the -Init tilt (FakET's noisy series; without -Init the content itself), so that its VGG-19 activations match the content tilt (FakET's content series) and its Gram matrices match the style tilt (the measured reference series). The defaults are FakET's published settings: content layer 8 (relu2_2), style layers 1, 6, 11, 20, 29 weighted 256, 64, 16, 4, 1, max pooling, Adam with step 0.15 for 1 iteration at the tilts' own size, and the bias-corrected average of the iterate (decay 0.99) as the result. Every input series is scaled to [0, 1] by its own minimum and maximum; the result's mean and standard deviation are matched per tilt to the style series.</para>
/// <para type="description">The weights are the ImageNet VGG-19 that Install-StyleModel puts in the per-user cache, a safetensors file given with -ModelPath, or random weights (-Weights Random, seeded by -Seed). Without installed weights the cmdlet falls back to random weights and warns: the FakET paper measured lower fidelity that way. The output's history records the weights (the file's SHA-256, or "random, seed N").</para>
/// <para type="description">Tilts are processed in batches (-BatchSize), one batch on the device at a time, with progress per tilt; Ctrl+C stops between the network's layers and returns nothing. -TiltRange processes and returns only some tilts.</para>
/// <para type="description">On the CPU a tilt being styled takes about 2 kB of working memory per pixel (VGG-19's activations and their gradients: 2.3 GB at 1024², 8.4 GB at 2048²), whatever the number of tilts; small tilts run several at a time when memory allows. Before any work the cmdlet checks that one tilt's working memory and the output fit in the memory available. If a whole tilt does not fit, it styles each tilt in tiles, the largest that fit in half the memory available (so other work on the machine keeps room): exactly, because VGG-19's activations depend only on a bounded neighbourhood (each tile sees an 80-pixel halo, and tiles follow the 16-pixel pooling grid), the loss's global sums are gathered over all tiles first, and each tile's gradient is then taken with those sums held fixed; the output is the untiled one to float rounding, and memory follows the tile (plus about 104 bytes per pixel of the tilt for the image and the optimiser's state). Tiles take longer than whole tilts (the halos, and a second pass for the sums). -TileSize sets the tiles; the history records the tiling (Tiling). Only when even the smallest tiles do not fit does it stop at once with the error NotEnoughMemory and the -Scale that would fit. -Scale N styles at N pixels on the longest side, and the output has that size.</para>
/// <example><code>$styled = Invoke-StyleTransfer -Content $content -Style $reference -Init $noisy</code><para>FakET's style transfer with the installed ImageNet weights and the published settings.</para></example>
/// <example><code>$content | Invoke-StyleTransfer -Style $reference -Init $noisy -TiltRange 0,9 -Threads 2</code><para>Styles only the first ten tilts, on two CPU threads.</para></example>
/// <example><code>Invoke-StyleTransfer $content -Style $reference -Init $noisy -TileSize 1024</code><para>Styles full-size (e.g. 3500²) tilts in tiles of 1024² pixels, with the same result as whole tilts: about 4 GB of working memory instead of 25 GB.</para></example>
/// <example><code>Invoke-StyleTransfer $content -Style $reference -Init $noisy -Weights Random -Seed 3</code><para>Uses random weights, as the paper's FAKET_RANDOM experiment did.</para></example>
/// </summary>
// The engine's enums are not used as parameter types: PowerShell reads this assembly's types before the module's
// load context is hooked in, and a value-type field of an engine type cannot be laid out then. Strings with a
// ValidateSet complete just as well.
[Cmdlet(VerbsLifecycle.Invoke, "StyleTransfer")]
[OutputType(typeof(TiltSeries))]
public sealed class InvokeStyleTransferCommand : FakETCmdlet, IDisposable
{
    /// <summary><para type="description">The content series (FakET's "content": clean projections with a quarter of the noise). Accepts pipeline input.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public TiltSeries Content { get; set; } = null!;

    /// <summary><para type="description">The style series: a measured tilt series whose look the output takes on, tilt by tilt. It must have the content's image size (Resize-TiltSeries makes it fit). With the content's tilts it pairs tilt by tilt; with another tilt scheme each content tilt takes its style from the style tilt nearest in angle, and the output's history records the pairing (StylePairing, StyleTilts).</para></summary>
    [Parameter(Mandatory = true)]
    public TiltSeries Style { get; set; } = null!;

    /// <summary><para type="description">The series the optimisation starts from (FakET's "noisy" series). Without it, the content is the start, as in Gatys et al.</para></summary>
    [Parameter]
    public TiltSeries? Init { get; set; }

    /// <summary><para type="description">A VGG-19 weights file in safetensors form (torchvision/timm layout: features.N.weight and features.N.bias; float32, float16 or bfloat16). Overrides the installed weights.</para></summary>
    [Parameter]
    public string? ModelPath { get; set; }

    /// <summary><para type="description">Pretrained: the installed ImageNet weights (an error when none are installed). Random: random weights seeded by -Seed. Without this parameter: the installed weights when present, else random ones with a warning.</para></summary>
    [Parameter]
    [ValidateSet("Pretrained", "Random")]
    public string? Weights { get; set; }

    /// <summary><para type="description">Seed of the random weights (FakET's --random-seed). Default 0.</para></summary>
    [Parameter]
    public int Seed { get; set; }

    /// <summary><para type="description">Adam iterations at each scale after the first. Default 1.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Iterations { get; set; } = 1;

    /// <summary><para type="description">Adam iterations at the first scale. Default 1, as FakET runs it.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int InitialIterations { get; set; } = 1;

    /// <summary><para type="description">Adam's step size. Default 0.15.</para></summary>
    [Parameter]
    public double StepSize { get; set; } = 0.15;

    /// <summary><para type="description">Decay of the exponential average of the iterate, which is the result. Default 0.99.</para></summary>
    [Parameter]
    public double AverageDecay { get; set; } = 0.99;

    /// <summary><para type="description">Weight of the content loss. Default 1.</para></summary>
    [Parameter]
    public double ContentWeight { get; set; } = 1.0;

    /// <summary><para type="description">VGG-19 features indices of the content loss. Default 8 (relu2_2). An index of a convolution means its output after the in-place ReLU that follows it, unless it is the deepest layer of its pass, as in the published implementation.</para></summary>
    [Parameter]
    public int[] ContentLayers { get; set; } = { 8 };

    /// <summary><para type="description">Relative weights of the content layers (normalised to sum 1). Default 100.</para></summary>
    [Parameter]
    public double[] ContentLayerWeights { get; set; } = { 100 };

    /// <summary><para type="description">VGG-19 features indices of the style loss. Default 1, 6, 11, 20, 29 (relu1_1 to relu5_1).</para></summary>
    [Parameter]
    public int[] StyleLayers { get; set; } = { 1, 6, 11, 20, 29 };

    /// <summary><para type="description">Relative weights of the style layers (normalised to sum 1). Default 256, 64, 16, 4, 1.</para></summary>
    [Parameter]
    public double[] StyleLayerWeights { get; set; } = { 256, 64, 16, 4, 1 };

    /// <summary><para type="description">Weight of the total-variation (smoothness) loss. Default 0.</para></summary>
    [Parameter]
    public double TvWeight { get; set; }

    /// <summary><para type="description">Pooling of the network: Max (FakET's), Average or L2 (both rescaled).</para></summary>
    [Parameter]
    [ValidateSet("Max", "Average", "L2")]
    public string Pooling { get; set; } = "Max";

    /// <summary><para type="description">Working size in pixels (longest side). Default: the tilts' own size. The output has this size.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Scale { get; set; }

    /// <summary><para type="description">Smallest scale of a multi-scale run: scales grow by √2 from here up to -Scale, with -InitialIterations at the first and -Iterations at the others. Default: one scale.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MinScale { get; set; }

    /// <summary><para type="description">First and last tilt index (inclusive, from 0) to process, like FakET's --seq_start/--seq_end; only those tilts are returned.</para></summary>
    [Parameter]
    [ValidateCount(2, 2)]
    public int[]? TiltRange { get; set; }

    /// <summary><para type="description">Where to compute: Auto (CUDA when available, else the CPU), Cpu or Cuda.</para></summary>
    [Parameter]
    [ValidateSet("Auto", "Cpu", "Cuda")]
    public string Device { get; set; } = "Auto";

    /// <summary><para type="description">CPU threads libtorch uses during this run, at most the number of cores (more are capped, with a warning). Default: libtorch's own choice (the number of cores).</para></summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int? Threads { get; set; }

    /// <summary><para type="description">Tilts optimised together. Default: chosen by image size (several small tilts, one large one). Batching does not change the result.</para></summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int? BatchSize { get; set; }

    /// <summary><para type="description">Side in pixels of the tiles each tilt is styled in (rounded down to a multiple of 16; each tile also sees an 80-pixel halo). The result is the untiled one to float rounding. Default: whole tilts, or, when a whole tilt would not fit in the memory available, the largest tiles that fit in half of it.</para></summary>
    [Parameter]
    [ValidateRange(16, int.MaxValue)]
    public int? TileSize { get; set; }

    // The stage owns VGG-19's tensors (device memory on a GPU): one per invocation, built on the first input and
    // disposed when the pipeline ends, fails or is stopped (PowerShell disposes a cmdlet that is IDisposable).
    NeuralStyleTransfer? _stage;

    protected override void ProcessRecord()
    {
        RequireNativeStack();
        TryRun(() =>
        {
            using var threads = ComputeDevices.UseThreads(Threads, WriteWarning);
            var settings = Settings();
            settings.Validate();
            _stage ??= CreateStage(settings.DeepestLayer);
            WriteObject(_stage.Run(Content, settings, Reporter("Styling"), Cancel));
        }, Content);
    }

    protected override void EndProcessing() => Dispose();

    /// <summary>Releases the network at once.</summary>
    public void Dispose()
    {
        _stage?.Dispose();
        _stage = null;
    }

    StyleTransferSettings Settings() => new()
    {
        Style = Style,
        Init = Init,
        TiltRange = TiltRange is null ? null : (TiltRange[0], TiltRange[1]),
        ContentWeight = ContentWeight,
        ContentLayers = ContentLayers,
        ContentLayerWeights = ContentLayerWeights,
        StyleLayers = StyleLayers,
        StyleLayerWeights = StyleLayerWeights,
        TvWeight = TvWeight,
        Pooling = Enum.Parse<StylePooling>(Pooling, ignoreCase: true),
        Iterations = Iterations,
        InitialIterations = InitialIterations,
        StepSize = StepSize,
        AverageDecay = AverageDecay,
        Scale = Scale,
        MinScale = MinScale,
        BatchSize = BatchSize,
        TileSize = TileSize,
    };

    NeuralStyleTransfer CreateStage(int deepestLayer)
    {
        string? modelPath = ModelPath is null ? null : ResolveOutputPath(ModelPath);
        StyleWeights? weights = Weights is null ? null : Enum.Parse<StyleWeights>(Weights, ignoreCase: true);
        var choice = StyleModelStore.Choose(modelPath, weights, Seed, deepestLayer, Cancel);
        if (choice.Weights.IsRandom) WriteWarning(StyleModelStore.RandomWeightsWarning(Seed));
        WriteVerbose($"VGG-19 weights: {choice.Weights.Description}{(choice.Weights.Path is null ? "" : $" ({choice.Weights.Path})")}.");
        return new NeuralStyleTransfer(choice.Weights, Enum.Parse<ComputeDevice>(Device, ignoreCase: true));
    }
}

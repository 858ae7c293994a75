using System.Globalization;
using FakET.Stages;

namespace FakET.StyleTransfer;

/// <summary>
/// The settings of FakET's neural style transfer. The defaults are the published ones (FakET's README and
/// reproduction jobs): content layer 8 (relu2_2) weight 100 normalised to 1 and scaled by content weight 1;
/// style layers 1, 6, 11, 20, 29 weighted 256, 64, 16, 4, 1 (normalised to sum 1); no total variation; max
/// pooling; Adam with step 0.15 for 1 iteration at the tilt's own size; iterate average with decay 0.99.
/// </summary>
public sealed record StyleTransferSettings : StageOptions
{
    /// <summary>The style series: a measured tilt series whose look the output takes on, tilt by tilt.</summary>
    public TiltSeries? Style { get; init; }
    /// <summary>The series the optimisation starts from (FakET's noisy series); <c>null</c> for the content itself.</summary>
    public TiltSeries? Init { get; init; }
    /// <summary>First and last tilt index (inclusive, from 0) to style and return; <c>null</c> for all.</summary>
    public (int First, int Last)? TiltRange { get; init; }

    /// <summary>Weight of the content loss (the content layer weights are normalised to sum to 1 first).</summary>
    public double ContentWeight { get; init; } = 1.0;
    /// <summary>VGG-19 <c>features</c> indices whose activations the content loss compares.</summary>
    public IReadOnlyList<int> ContentLayers { get; init; } = new[] { 8 };
    /// <summary>Relative weight of each content layer.</summary>
    public IReadOnlyList<double> ContentLayerWeights { get; init; } = new[] { 100.0 };
    /// <summary>VGG-19 <c>features</c> indices whose Gram matrices the style loss compares.</summary>
    public IReadOnlyList<int> StyleLayers { get; init; } = new[] { 1, 6, 11, 20, 29 };
    /// <summary>Relative weight of each style layer.</summary>
    public IReadOnlyList<double> StyleLayerWeights { get; init; } = new[] { 256.0, 64, 16, 4, 1 };
    /// <summary>Weight of the L2 total-variation loss on the image.</summary>
    public double TvWeight { get; init; }
    /// <summary>Pooling of the network.</summary>
    public StylePooling Pooling { get; init; } = StylePooling.Max;
    /// <summary>Adam iterations at every scale after the first.</summary>
    public int Iterations { get; init; } = 1;
    /// <summary>Adam iterations at the first (smallest) scale.</summary>
    public int InitialIterations { get; init; } = 1;
    /// <summary>Adam's step size (learning rate).</summary>
    public double StepSize { get; init; } = 0.15;
    /// <summary>Decay of the bias-corrected exponential average of the iterate, which is the result.</summary>
    public double AverageDecay { get; init; } = 0.99;
    /// <summary>Working size (longest side) in pixels; null for the tilts' own size.</summary>
    public int? Scale { get; init; }
    /// <summary>Smallest scale of a multi-scale run (scales grow by √2 up to <see cref="Scale"/>); null for one scale.</summary>
    public int? MinScale { get; init; }
    /// <summary>Tilts optimised together; null chooses by image size. Batching does not change the result.</summary>
    [NotInHistory]
    public int? BatchSize { get; init; }
    /// <summary>Side in pixels of the tiles each tilt is styled in (rounded down to the pooling grid, 16 px through layer 29;
    /// each tile also sees a halo); null tiles only when a whole tilt would not fit in memory. Tiling is exact: the output
    /// is the untiled one to float rounding. The history records the tiling used (<c>Tiling</c>).</summary>
    [NotInHistory]
    public int? TileSize { get; init; }

    /// <summary>Every layer a loss uses.</summary>
    public IEnumerable<int> AllLayers => ContentLayers.Concat(StyleLayers);

    /// <summary>The deepest layer any loss needs: the network stops there.</summary>
    public int DeepestLayer => AllLayers.Max();

    /// <summary>Checks the settings, with a <see cref="ErrorIds.StyleTransferInvalidSetting"/> error naming what is wrong.</summary>
    public override void Validate()
    {
        Require(Style is not null, "A style series is needed: the measured tilt series whose look the output takes on.");
        Require(ContentLayers.Count == ContentLayerWeights.Count,
            $"ContentLayers has {ContentLayers.Count} entries but ContentLayerWeights has {ContentLayerWeights.Count}; give one weight per layer.");
        Require(StyleLayers.Count == StyleLayerWeights.Count,
            $"StyleLayers has {StyleLayers.Count} entries but StyleLayerWeights has {StyleLayerWeights.Count}; give one weight per layer.");
        Require(StyleLayers.Count > 0, "StyleLayers must name at least one layer.");
        Require(ContentLayers.Count > 0, "ContentLayers must name at least one layer (give it weight 0 to switch the content loss off).");
        foreach (int layer in AllLayers)
            Require(layer >= 0 && layer < Vgg19.Layers.Count, $"Layer {layer} does not exist: VGG-19 features has layers 0 to {Vgg19.Layers.Count - 1}.");
        Require(ContentLayers.Distinct().Count() == ContentLayers.Count && StyleLayers.Distinct().Count() == StyleLayers.Count,
            "A layer is listed twice in ContentLayers or StyleLayers.");
        Require(ContentLayerWeights.Concat(StyleLayerWeights).All(double.IsFinite), "Layer weights must be finite numbers.");
        Require(ContentLayerWeights.Sum(Math.Abs) > 0, "ContentLayerWeights must not all be 0 (use -ContentWeight 0 to switch the content loss off).");
        Require(StyleLayerWeights.Sum(Math.Abs) > 0, "StyleLayerWeights must not all be 0.");
        Require(double.IsFinite(ContentWeight) && double.IsFinite(TvWeight), "ContentWeight and TvWeight must be finite.");
        Require(Iterations >= 1 && InitialIterations >= 1, "Iterations and InitialIterations must be at least 1.");
        Require(StepSize > 0 && double.IsFinite(StepSize), "StepSize must be a positive number.");
        Require(AverageDecay >= 0 && AverageDecay < 1, "AverageDecay must be in [0, 1).");
        Require(Scale is null or > 0 && MinScale is null or > 0, "Scale and MinScale must be positive numbers of pixels.");
        Require(BatchSize is null or > 0, "BatchSize must be at least 1.");
        Require(TileSize is null or > 0, "TileSize must be a positive number of pixels.");
    }

    static void Require(bool condition, string message)
    {
        if (!condition) throw new FakETException(ErrorIds.StyleTransferInvalidSetting, FailureKind.InvalidArgument, message);
    }

    /// <summary>Weights normalised by the sum of their absolute values, as the published implementation does.</summary>
    public static double[] Normalised(IReadOnlyList<double> weights)
    {
        double sum = weights.Sum(Math.Abs);
        return weights.Select(w => w / sum).ToArray();
    }

    /// <summary>
    /// The working scales from <paramref name="min"/> to <paramref name="end"/>: end, end/√2, end/2, … (rounded half to
    /// even, like Python's <c>round</c>) down to min, smallest first. One scale when min ≥ end.
    /// </summary>
    public static IReadOnlyList<int> Scales(int min, int end)
    {
        min = Math.Min(min, end);
        var scales = new SortedSet<int>();
        int scale = end;
        for (int i = 1; scale >= min; i++)
        {
            scales.Add(scale);
            scale = (int)Math.Round(end / Math.Pow(2, i / 2.0), MidpointRounding.ToEven);
            if (scale <= 0) break;
        }
        return scales.ToList();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"content {ContentWeight}×[{string.Join(",", ContentLayers)}], style [{string.Join(",", StyleLayers)}], {Pooling} pooling, step {StepSize}, {InitialIterations} it");
}

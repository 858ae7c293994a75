using System.Globalization;
using FakET.Native;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using FakET.Stages;

namespace FakET.StyleTransfer;

/// <summary>
/// FakET's neural style transfer (Gatys et al., in the variant Harar et al. published), tilt by tilt:
/// <list type="number">
/// <item>content, style and init series are each scaled to [0, 1] by their own global minimum and maximum;</item>
/// <item>each tilt is an RGB image with three equal channels, ImageNet-normalised, fed to VGG-19 <c>features</c>
/// (first convolution padded with <c>replicate</c>) up to the deepest layer a loss needs;</item>
/// <item>the loss is a sum of scaled MSEs, Σ(a−b)²/(Σ|a−b|+1e-8): content activations, and style Gram matrices
/// F·Fᵀ/(H·W), each layer with its normalised weight;</item>
/// <item>Adam (β 0.9, 0.999, ε 1e-8) optimises the image from the init tilt; after each step the image is
/// clamped to [0, 1] and a bias-corrected exponential average of it is kept, which is the result;</item>
/// <item>the result's three channels are averaged, and each output tilt gets the mean and standard
/// deviation of the corresponding (unscaled) style tilt.</item>
/// </list>
/// The network is built once per stage and used for every tilt and every run with the same layers and pooling; tilts go
/// through it in batches (each tilt's loss is its own, so batching changes nothing); style Gram matrices and content
/// activations are computed without autograd, through a one-channel first convolution. On the CPU, small batches run on
/// several threads at once (one per libtorch thread, see <see cref="TorchWorkers"/>); large ones one at a time with all threads.
/// A tilt too large for memory (or any, with <see cref="StyleTransferSettings.TileSize"/>) is styled in exact tiles
/// (<see cref="StyleTiling"/>, TiledStyleLoss.cs); StyleMemory.cs plans the memory.
/// The stage owns the network's tensors (on the GPU, device memory): dispose it when done.
/// </summary>
public sealed partial class NeuralStyleTransfer : Stage<TiltSeries, StyleTransferSettings, TiltSeries>, IDisposable
{
    const float LossEpsilon = 1e-8f;
    const double AdamBeta1 = 0.9, AdamBeta2 = 0.999, AdamEpsilon = 1e-8;

    VggNetwork? _network;
    StyleTransferSettings _settings = new();
    (int Layer, double Weight)[] _contentTerms = Array.Empty<(int, double)>(), _styleTerms = Array.Empty<(int, double)>();
    int _contentDepth, _styleDepth, _depth;

    /// <param name="weights">VGG-19 weights reaching at least the deepest layer the runs' settings need.</param>
    /// <param name="device">Where to compute.</param>
    public NeuralStyleTransfer(Vgg19Weights weights, ComputeDevice device = ComputeDevice.Auto)
    {
        Weights = weights;
        Device = ComputeDevices.Resolve(device);
    }

    public override string Step => Steps.InvokeStyleTransfer;

    /// <summary>The weights in use.</summary>
    public Vgg19Weights Weights { get; }
    /// <summary>The device computing.</summary>
    public Device Device { get; }

    bool HasContentLoss => _contentTerms.Any(t => t.Weight != 0);

    /// <summary>Takes <paramref name="settings"/> for the next run: the loss terms, and the network for their depth and
    /// pooling (kept from the last run when those did not change, else the old one is released and a new one built).</summary>
    void Prepare(StyleTransferSettings settings)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int depth = settings.DeepestLayer;
        if (Weights.Depth < depth)
            throw new FakETException(ErrorIds.StyleTransferInvalidSetting, FailureKind.InvalidArgument,
                $"The weights reach layer {Weights.Depth}, but the losses need layer {depth}.");
        _settings = settings;
        var contentWeights = StyleTransferSettings.Normalised(settings.ContentLayerWeights);
        var styleWeights = StyleTransferSettings.Normalised(settings.StyleLayerWeights);
        _contentTerms = settings.ContentLayers.Select((l, i) => (l, contentWeights[i] * settings.ContentWeight)).ToArray();
        _styleTerms = settings.StyleLayers.Select((l, i) => (l, styleWeights[i])).ToArray();
        // Depths as the published code runs its forward passes: content targets through the deepest content
        // layer, style targets through the deepest style layer, the image through the deepest of all.
        _contentDepth = settings.ContentLayers.Max();
        _styleDepth = settings.StyleLayers.Max();
        _depth = depth;
        if (_network is { } held && held.Depth == depth && held.Pooling == settings.Pooling) return;
        _network?.Dispose();
        _network = null;
        _network = new VggNetwork(Weights, depth, settings.Pooling, Device, channelsLast: Device.type == DeviceType.CPU);
    }

    bool _disposed;

    /// <summary>Releases the network's tensors (device memory on a GPU). Runs after this throw.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _network?.Dispose();
        _network = null;
    }

    /// <summary>
    /// Styles <paramref name="content"/> like the settings' style series, starting from their init series (or from
    /// the content). The three series must agree in tilt count and size. Only the settings' tilt range (inclusive) is
    /// processed and returned; the [0, 1] scaling still uses each whole series. Progress counts tilts of finished
    /// batches; cancellation is checked between batches and between the network's layers, and a cancelled run returns nothing.
    /// </summary>
    protected override TiltSeries Execute(TiltSeries content, StyleTransferSettings settings, StageRun run)
    {
        var stylePairing = StyleTiltPairing.Pair(content, settings.Style!);
        var style = StyleTiltPairing.Arrange(settings.Style!, stylePairing);
        var init = settings.Init;
        var cancel = run.Cancel;
        var progress = run.Progress("tilt");
        CheckAgree(content, style, "style");
        if (init is not null) CheckAgree(content, init, "init");
        var (first, last) = settings.TiltRange ?? (0, content.TiltCount - 1);
        if (first < 0 || last < first || last >= content.TiltCount)
            throw new FakETException(ErrorIds.TiltRangeInvalid, FailureKind.InvalidArgument,
                $"TiltRange {first},{last} is not within the series' tilts 0 to {content.TiltCount - 1} (first, last; inclusive).");
        Prepare(settings);
        var network = _network!;

        int end = _settings.Scale ?? Math.Max(content.Height, content.Width);
        var scales = StyleTransferSettings.Scales(_settings.MinScale ?? end, end);
        var sizes = scales.Select(s => Fit(content.Height, content.Width, s, scaleUp: true)).ToList();
        var styleSizes = scales.Select(s => Fit(style.Height, style.Width, s, scaleUp: false)).ToList();
        int needed = Vgg19.MinimumSize(_depth);
        if (sizes.Concat(styleSizes).Any(s => Math.Min(s.H, s.W) < needed))
            throw new FakETException(ErrorIds.StyleTransferImageTooSmall, FailureKind.InvalidArgument,
                $"Layer {_depth} needs images of at least {needed}×{needed} pixels (one halving per pooling before it), but the " +
                $"working sizes go down to {sizes.Min(s => Math.Min(s.H, s.W))} pixels. Use a larger -MinScale or shallower layers.");

        var contentRange = UnitRange(content, "content");
        var styleRange = UnitRange(settings.Style!, "style");
        var initRange = init is null ? contentRange : UnitRange(init, "init");
        var (outH, outW) = sizes[^1];
        int count = last - first + 1;
        int batch = _settings.BatchSize ?? DefaultBatchSize(outH, outW);
        var output = new float[count][];
        int batches = (count + batch - 1) / batch, done = 0;
        int threads = torch.get_num_threads();
        int workers = Device.type == DeviceType.CPU ? TorchWorkers.Choose(threads, batches, (long)batch * outH * outW) : 1;
        int? tileSize;
        (workers, tileSize) = CheckMemory(count, batch, outH, outW, workers);
        TorchWorkers.Run(batches, workers, Math.Max(1, threads / workers), k =>
        {
            int start = k * batch, n = Math.Min(batch, count - start), tilt = first + start;
            using var scope = torch.NewDisposeScope();
            var styled = StyleBatch(network,
                Batch(content, tilt, n, contentRange), Batch(style, tilt, n, styleRange), Batch(init ?? content, tilt, n, initRange),
                sizes, styleSizes, tileSize, cancel);
            return CopyOut(styled);
        }, (k, tilts) =>
        {
            for (int i = 0; i < tilts.Length; i++)
            {
                int index = k * batch + i;
                MatchMeanStd(tilts[i], style.Tilt(first + index));
                output[index] = tilts[i];
                progress?.Invoke(++done, count);
            }
        }, cancel);

        var decided = new Dictionary<string, object?>
        {
            ["Weights"] = Weights.Description,
            ["WeightsPath"] = Weights.Path,
            ["Init"] = init is null ? "content" : "given",
            ["TiltRange"] = new[] { first, last },
            ["StylePairing"] = StyleTiltPairing.ByIndex(settings.Style!, stylePairing) ? "by index" : "nearest angle",
            ["StyleTilts"] = stylePairing,
            ["Device"] = Device.type.ToString(),
            ["Tiling"] = tileSize is { } tile ? TilingSummary(outH, outW, tile) : "none",
        };
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"styled ({(Weights.IsRandom ? Weights.Description : "VGG-19 " + Weights.Sha256![..12])}; {_settings.InitialIterations} it)");
        return content.Derive(output, run.Entry(summary, decided), (first, count), outH, outW, content.PixelSize * content.Width / outW);
    }

    static void CheckAgree(TiltSeries content, TiltSeries other, string what)
    {
        if (other.TiltCount != content.TiltCount || other.Height != content.Height || other.Width != content.Width)
            throw new FakETException(ErrorIds.StyleTransferSeriesMismatch, FailureKind.InvalidArgument,
                $"The {what} series is {other.TiltCount}×{other.Height}×{other.Width} but the content is " +
                $"{content.TiltCount}×{content.Height}×{content.Width}: content, style and init must have the same image size, and the init the content's tilts" +
                (other.Height != content.Height || other.Width != content.Width
                    ? $"; Resize-TiltSeries makes a series fit (-PixelSize {content.PixelSize.ToString("0.###", CultureInfo.InvariantCulture)} -Size {content.Width},{content.Height})."
                    : "."));
    }

    /// <summary>Global minimum and max − min of a series, in float32 as numpy computes x − min and its maximum.</summary>
    static (float Min, float Range) UnitRange(TiltSeries series, string what)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var tilt in series.Sections)
            foreach (var v in tilt)
            {
                if (v < min) min = v;
                if (v > max) max = v;
            }
        float range = max - min;
        if (!(range > 0) || !float.IsFinite(range))
            throw new FakETException(ErrorIds.StyleTransferConstantInput, FailureKind.InvalidData,
                $"The {what} series is constant (or not finite), so it cannot be scaled to [0, 1].");
        return (min, range);
    }

    /// <summary>Size that fits <paramref name="scale"/> on the longest side (never enlarging unless <paramref name="scaleUp"/>).</summary>
    static (int H, int W) Fit(int h, int w, int scale, bool scaleUp)
    {
        if (!scaleUp && Math.Max(h, w) <= scale) return (h, w);
        return h > w
            ? (scale, (int)Math.Round((double)scale * w / h, MidpointRounding.ToEven))
            : ((int)Math.Round((double)scale * h / w, MidpointRounding.ToEven), scale);
    }

    /// <summary>Tilts per batch when none is given: about two 128×128 tilts' worth of pixels (batching pays for small
    /// images: the deep layers' matrices grow with it; beyond that it mostly costs memory).</summary>
    public static int DefaultBatchSize(int h, int w) => Math.Clamp(32768 / Math.Max(1, h * w), 1, 8);

    /// <summary>Tilts <paramref name="first"/>… of a series as a (n, 1, H, W) tensor on the device, scaled to [0, 1].</summary>
    Tensor Batch(TiltSeries series, int first, int n, (float Min, float Range) unit)
    {
        var parts = new Tensor[n];
        for (int i = 0; i < n; i++)
            parts[i] = TensorData.Wrap(series.Tilt(first + i), 1, 1, series.Height, series.Width);
        var batch = (n == 1 ? parts[0].clone() : torch.cat(parts, 0)).to(Device);
        return batch.sub_(unit.Min).div_(unit.Range);
    }

    static Tensor Resize(Tensor x, (int H, int W) size, InterpolationMode mode = InterpolationMode.Bilinear)
    {
        if (x.shape[2] == size.H && x.shape[3] == size.W) return x;
        bool shrinking = size.H < x.shape[2] || size.W < x.shape[3];
        return F.interpolate(x, new long[] { size.H, size.W }, mode: mode, align_corners: false, antialias: shrinking && mode == InterpolationMode.Bilinear);
    }

    /// <summary>Styles one batch; returns the (n, H, W) channel mean of the averaged iterate, clamped to [0, 1].</summary>
    Tensor StyleBatch(VggNetwork network, Tensor content, Tensor style, Tensor init, IReadOnlyList<(int H, int W)> sizes,
        IReadOnlyList<(int H, int W)> styleSizes, int? tileSize, CancellationToken cancel)
    {
        var image = Resize(init, sizes[0]).expand(-1, 3, -1, -1).contiguous();
        Tensor? m = null, v = null;
        int step = 0;
        IterateAverage? average = null;
        for (int s = 0; s < sizes.Count; s++)
        {
            var size = sizes[s];
            var tiling = tileSize is { } t ? StyleTiling.For(size.H, size.W, t, _depth) : null;
            image = Resize(image, size, InterpolationMode.Bicubic).clamp_(0, 1).detach().requires_grad_(tiling is null);
            average = new IterateAverage(image, (float)_settings.AverageDecay);
            var scaledContent = Resize(content, size);
            var scaledStyle = Resize(style, styleSizes[s]);
            // Starting from the content itself (no init, or an init equal to the content), the published code's
            // content loss is exactly 0 at the first step, because image and content take the same arithmetic.
            // Take the content target from the image's own pass then: any rounding difference would become a
            // full-size gradient through the scaled MSE. The same holds for a style equal to the start.
            bool startIsContent = s == 0 && HasContentLoss && SameImages(image, scaledContent);
            bool startIsStyle = s == 0 && SameImages(image, scaledStyle);
            Tensor? contentSource = null;
            var (contentTargets, styleTargets) = tiling is null
                ? Targets(network, scaledContent, scaledStyle, startIsContent ? image : null, startIsStyle ? image : null, cancel)
                : (new Dictionary<int, Tensor>(), TiledGrams(network, startIsStyle ? image : scaledStyle,
                    StyleTiling.For(styleSizes[s].H, styleSizes[s].W, tileSize!.Value, _styleDepth), cancel));
            // Tiled, the content targets are recomputed tile by tile from their source: the start image, kept as it was.
            if (tiling is not null && HasContentLoss) contentSource = startIsContent ? image.clone() : scaledContent;
            if (m is null || v is null)
            {
                m = torch.zeros_like(image);
                v = torch.zeros_like(image);
            }
            else
            {
                // Warm-start Adam at the new scale: its moments resampled, its step count kept.
                m = Resize(m, size, InterpolationMode.Bicubic);
                v = Resize(v, size, InterpolationMode.Bilinear).relu_();
            }
            int iterations = s == 0 ? _settings.InitialIterations : _settings.Iterations;
            for (int it = 0; it < iterations; it++)
            {
                using var iterationScope = torch.NewDisposeScope();
                if (tiling is null)
                    using (torch.NewDisposeScope())
                    {
                        var loss = Loss(network, image, contentTargets, styleTargets, cancel);
                        loss.backward();
                    }
                var grad = tiling is null ? image.grad! : TiledGradient(network, image, contentSource, styleTargets, tiling, cancel);
                using (torch.no_grad())
                {
                    step++;
                    m.mul_(AdamBeta1).add_(grad, alpha: 1 - AdamBeta1);
                    v.mul_(AdamBeta2).addcmul_(grad, grad, value: 1 - AdamBeta2);
                    double correction1 = 1 - Math.Pow(AdamBeta1, step);
                    double correction2 = 1 - Math.Pow(AdamBeta2, step);
                    using var denominator = v.sqrt().div_(Math.Sqrt(correction2)).add_(AdamEpsilon);
                    image.addcdiv_(m, denominator, value: -_settings.StepSize / correction1);
                    image.clamp_(0, 1);
                    average.Update(image);
                    grad.zero_();
                }
            }
            using (torch.no_grad()) image = average.Value().detach();
        }
        using (torch.no_grad())
            return average!.Value().clamp_(0, 1).mean(new long[] { 1 });
    }

    /// <summary>Whether the (n, 3, H, W) image's channels equal the (n, 1, h, w) grey batch, bit for bit.</summary>
    static bool SameImages(Tensor image, Tensor grey) =>
        image.shape[2] == grey.shape[2] && image.shape[3] == grey.shape[3] && image.narrow(1, 0, 1).eq(grey).all().item<bool>();

    /// <summary>
    /// Where a pass through layers 0 to <paramref name="depth"/> shows the activation the published code reads as
    /// layer <paramref name="layer"/>: a convolution's output is overwritten by the in-place ReLU after it (the same
    /// tensor, one layer later) unless the pass ends there.
    /// </summary>
    static int ObservedAt(int layer, int depth) =>
        Vgg19.Layers[layer].Kind == VggLayerKind.Convolution && layer < depth ? layer + 1 : layer;

    /// <summary>Content activations and style Gram matrices of the targets, without autograd. For small images
    /// content and style share one pass through the layers both need. With <paramref name="contentAsImage"/>
    /// (<paramref name="styleAsImage"/>), the content (style) activations come from that RGB image, through exactly
    /// the pass the optimised image takes. Style activations are reduced to Gram matrices as soon as they are final,
    /// so only the content activations are kept.</summary>
    (Dictionary<int, Tensor> Content, Dictionary<int, Tensor> Style) Targets(VggNetwork network, Tensor content, Tensor style,
        Tensor? contentAsImage, Tensor? styleAsImage, CancellationToken cancel)
    {
        using var _ = torch.no_grad();
        var contentFeatures = new Dictionary<int, Tensor>();
        var grams = new Dictionary<int, Tensor>();
        bool withContent = HasContentLoss;
        int n = (int)content.shape[0];
        bool KeepContent(int i, Tensor x)
        {
            bool kept = false;
            foreach (var (layer, _) in _contentTerms)
                if (ObservedAt(layer, _contentDepth) == i)
                {
                    contentFeatures[layer] = x;
                    kept = true;
                }
            return kept;
        }
        bool TakeGrams(int i, Tensor x)
        {
            foreach (var (layer, _) in _styleTerms)
                if (ObservedAt(layer, _styleDepth) == i) grams[layer] = Gram(x);
            return false;
        }
        bool together = contentAsImage is null && styleAsImage is null && withContent &&
                        content.shape[2] == style.shape[2] && content.shape[3] == style.shape[3] &&
                        n * content.shape[2] * content.shape[3] <= CombinedTargetPixels;
        if (together)
        {
            int shared = Math.Min(_contentDepth, _styleDepth);
            // Content activations stay views of the shared batch, so the in-place ReLU after a convolution reaches them.
            var both = network.Run(torch.cat(new[] { content, style }, 0), 0, shared, (i, x) =>
            {
                TakeGrams(i, x.narrow(0, n, n));
                foreach (var (layer, _) in _contentTerms)
                    if (ObservedAt(layer, _contentDepth) == i) contentFeatures[layer] = x.narrow(0, 0, n);
                return false;
            }, cancel);
            if (_contentDepth > shared) network.Run(both.narrow(0, 0, n), shared + 1, _contentDepth, KeepContent, cancel);
            if (_styleDepth > shared) network.Run(both.narrow(0, n, n), shared + 1, _styleDepth, TakeGrams, cancel);
        }
        else
        {
            if (withContent) network.Run(contentAsImage?.detach() ?? content, 0, _contentDepth, KeepContent, cancel);
            network.Run(styleAsImage?.detach() ?? style, 0, _styleDepth, TakeGrams, cancel);
        }
        return (contentFeatures, grams);
    }

    /// <summary>Up to this many pixels per batch, content and style targets share a pass (it pays for small images;
    /// for large ones it would only double the memory of the widest layers).</summary>
    const long CombinedTargetPixels = 256 * 256;

    /// <summary>The summed loss of every tilt in the batch (each tilt's loss depends on that tilt only). Each term is
    /// formed as soon as its activation is final, so no activation is held beyond what autograd keeps.</summary>
    Tensor Loss(VggNetwork network, Tensor image, Dictionary<int, Tensor> contentTargets, Dictionary<int, Tensor> styleTargets,
        CancellationToken cancel)
    {
        Tensor? total = null;
        void Add(Tensor perTilt, double weight)
        {
            var term = perTilt.mul(weight);
            total = total is null ? term : total.add_(term);
        }
        network.Run(image, 0, _depth, (i, x) =>
        {
            foreach (var (layer, weight) in _contentTerms)
                if (weight != 0 && ObservedAt(layer, _depth) == i) Add(ScaledMse(x, contentTargets[layer]), weight);
            foreach (var (layer, weight) in _styleTerms)
                if (ObservedAt(layer, _depth) == i) Add(ScaledMse(Gram(x), styleTargets[layer]), weight);
            return false;
        }, cancel);
        if (_settings.TvWeight != 0) Add(TotalVariation(image), _settings.TvWeight);
        return total!.sum();
    }

    /// <summary>Σ(a−b)² / (Σ|a−b| + 1e-8) per tilt: an MSE scaled so that its gradient's L1 norm is about 1.</summary>
    static Tensor ScaledMse(Tensor a, Tensor b)
    {
        // Autograd keeps what the backward pass needs; the intermediate handles would keep activation-sized tensors
        // (the square and the absolute value) until the iteration ends.
        using var intermediates = torch.NewDisposeScope();
        var diff = a - b;
        var dims = Enumerable.Range(1, (int)diff.dim() - 1).Select(d => (long)d).ToArray();
        return diff.square().sum(dims).div(diff.abs().sum(dims).add_(LossEpsilon)).MoveToOuterDisposeScope();
    }

    /// <summary>Gram matrices F·Fᵀ/(H·W) per tilt, (n, C, C).</summary>
    internal static Tensor Gram(Tensor features) => GramSum(features).div_(features.shape[2] * features.shape[3]);

    /// <summary>F·Fᵀ per tilt, (n, C, C): the Gram matrix's sum over positions.</summary>
    static Tensor GramSum(Tensor features)
    {
        long n = features.shape[0], c = features.shape[1], hw = features.shape[2] * features.shape[3];
        // The views below would keep the whole activation alive until the batch ends: release them at once.
        using var views = torch.NewDisposeScope();
        // Channels-last activations are (n, H·W, C) in memory: use them as such, without a copy.
        bool channelsLast = features.stride(1) == 1 && c > 1;
        var f = channelsLast ? features.permute(0, 2, 3, 1).reshape(n, hw, c).transpose(1, 2) : features.reshape(n, c, hw);
        return torch.bmm(f, f.transpose(1, 2)).MoveToOuterDisposeScope();
    }

    /// <summary>The L2 total variation of the published implementation (replicate-padded differences, mean) per tilt.</summary>
    static Tensor TotalVariation(Tensor image)
    {
        using var intermediates = torch.NewDisposeScope();
        var p = F.pad(image, new long[] { 0, 1, 0, 1 }, PaddingModes.Replicate);
        long h = image.shape[2], w = image.shape[3];
        var corner = p.narrow(2, 0, h).narrow(3, 0, w);
        var dx = p.narrow(2, 0, h).narrow(3, 1, w) - corner;
        var dy = p.narrow(2, 1, h).narrow(3, 0, w) - corner;
        return (dx.square() + dy.square()).mean(new long[] { 1, 2, 3 }).MoveToOuterDisposeScope();
    }

    /// <summary>Copies the (n, H, W) result into host arrays: one copy, by libtorch, straight into each array.</summary>
    static float[][] CopyOut(Tensor styled)
    {
        var host = styled.cpu();
        long h = host.shape[1], w = host.shape[2];
        var output = new float[host.shape[0]][];
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = new float[h * w];
            using var target = TensorData.Wrap(output[i], h, w);
            target.copy_(host[i]);
        }
        return output;
    }

    /// <summary>Gives <paramref name="values"/> the mean and standard deviation of <paramref name="reference"/> (float64).</summary>
    internal static void MatchMeanStd(float[] values, float[] reference)
    {
        var (mean, std) = Statistics.MeanStd(values);
        var (targetMean, targetStd) = Statistics.MeanStd(reference);
        double gain = std > 0 ? targetStd / std : 0;
        for (int i = 0; i < values.Length; i++) values[i] = (float)((values[i] - mean) * gain + targetMean);
    }

    /// <summary>The bias-corrected exponential moving average of the iterate (as Adam's moments), in float32 as published.</summary>
    sealed class IterateAverage
    {
        readonly Tensor _value;
        readonly float _decay;
        float _accumulated = 1f;

        public IterateAverage(Tensor image, float decay)
        {
            using var _ = torch.no_grad();
            _value = torch.zeros_like(image);
            _decay = decay;
            Update(image);
        }

        public void Update(Tensor image)
        {
            _accumulated *= _decay;
            _value.mul_(_decay).add_(image.detach(), alpha: 1f - _decay);
        }

        public Tensor Value() => _value.div(1f - _accumulated);
    }
}

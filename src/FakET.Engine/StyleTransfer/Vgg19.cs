using System.Globalization;
using System.Security.Cryptography;
using FakET.IO;
using TorchSharp;

namespace FakET.StyleTransfer;

/// <summary>What one layer of VGG-19's <c>features</c> does.</summary>
public enum VggLayerKind { Convolution, Relu, Pool }

/// <summary>One layer of VGG-19's <c>features</c>, by its torchvision index.</summary>
public sealed record VggLayer(int Index, VggLayerKind Kind, int InChannels, int OutChannels, string Name);

/// <summary>
/// The layer table of torchvision's VGG-19 <c>features</c> (configuration "E"): 16 3×3 convolutions with
/// padding 1, each followed by a ReLU, and a 2×2 pooling after each of the five blocks: 37 layers, indices
/// 0 to 36. Convolution <c>N</c>'s parameters are <c>features.N.weight</c> and <c>features.N.bias</c>.
/// </summary>
public static class Vgg19
{
    static readonly int[] Configuration = { 64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0 };

    /// <summary>All 37 layers.</summary>
    public static IReadOnlyList<VggLayer> Layers { get; } = Build();

    static List<VggLayer> Build()
    {
        var layers = new List<VggLayer>();
        int channels = 3, block = 1, inBlock = 0;
        foreach (int width in Configuration)
        {
            if (width == 0)
            {
                layers.Add(new VggLayer(layers.Count, VggLayerKind.Pool, channels, channels, $"pool{block}"));
                block++;
                inBlock = 0;
                continue;
            }
            inBlock++;
            layers.Add(new VggLayer(layers.Count, VggLayerKind.Convolution, channels, width, $"conv{block}_{inBlock}"));
            layers.Add(new VggLayer(layers.Count, VggLayerKind.Relu, width, width, $"relu{block}_{inBlock}"));
            channels = width;
        }
        return layers;
    }

    /// <summary>The convolutions up to and including layer <paramref name="deepest"/>.</summary>
    public static IEnumerable<VggLayer> ConvolutionsThrough(int deepest) =>
        Layers.Where(l => l.Kind == VggLayerKind.Convolution && l.Index <= deepest);

    /// <summary>The smallest image side that layer <paramref name="deepest"/> accepts: each pooling before it halves the image.</summary>
    public static int MinimumSize(int deepest) => 1 << Layers.Count(l => l.Kind == VggLayerKind.Pool && l.Index <= deepest);

    /// <summary>
    /// Bytes per input pixel that a pass through layer <paramref name="deepest"/> leaves for autograd to keep:
    /// each ReLU's output (float32, the next layer's saved input) and each pooling's output and its int64 indices,
    /// at the resolution of its block. Working memory grows in proportion to it (see <see cref="NeuralStyleTransfer"/>).
    /// </summary>
    public static double KeptBytesPerPixel(int deepest)
    {
        double bytes = 0, area = 1;
        foreach (var layer in Layers.Where(l => l.Index <= deepest))
        {
            if (layer.Kind == VggLayerKind.Relu) bytes += layer.OutChannels * sizeof(float) * area;
            if (layer.Kind != VggLayerKind.Pool) continue;
            area /= 4;
            bytes += layer.OutChannels * (sizeof(float) + sizeof(long)) * area;
        }
        return bytes;
    }

    /// <summary>ImageNet channel means and standard deviations that torchvision's VGG-19 expects its [0, 1] RGB input normalised with.</summary>
    public static readonly float[] ImageNetMean = { 0.485f, 0.456f, 0.406f };
    public static readonly float[] ImageNetStd = { 0.229f, 0.224f, 0.225f };
}

/// <summary>
/// VGG-19 convolution weights held on the host (float32), as read from a safetensors file or drawn at random.
/// Immutable, so several runs may share one instance; each run copies them to its device once.
/// </summary>
public sealed class Vgg19Weights
{
    Vgg19Weights(IReadOnlyDictionary<int, (float[] Weight, float[] Bias)> convolutions, int depth, string description,
        string? path, string? sha256, int? seed)
    {
        Convolutions = convolutions;
        Depth = depth;
        Description = description;
        Path = path;
        Sha256 = sha256;
        Seed = seed;
    }

    /// <summary>Weight (out, in, 3, 3) and bias (out) of each convolution, by layer index.</summary>
    public IReadOnlyDictionary<int, (float[] Weight, float[] Bias)> Convolutions { get; }
    /// <summary>The deepest layer these weights reach.</summary>
    public int Depth { get; }
    /// <summary>How the weights came about, for the history: <c>sha256 …</c> of the file, or <c>random, seed N</c>.</summary>
    public string Description { get; }
    /// <summary>The file, when read from one.</summary>
    public string? Path { get; }
    /// <summary>SHA-256 (lower-case hex) of the whole file, when read from one.</summary>
    public string? Sha256 { get; }
    /// <summary>The seed, for random weights.</summary>
    public int? Seed { get; }
    /// <summary>True for random weights.</summary>
    public bool IsRandom => Seed is not null;

    static readonly object CacheGate = new();
    static (string Key, Vgg19Weights Weights)? _lastFile;
    static (string Key, string Sha256)? _lastHash;
    static (int Seed, int Depth, Vgg19Weights Weights)? _lastRandom;

    /// <summary>
    /// Forgets the weights and the hash kept from the last runs. This class owns that cache: the last file read and the
    /// last random set drawn (managed float32 arrays of the convolutions a run needs: 80 MB for all sixteen), kept so that repeated runs in a
    /// session do not read or draw them again. The module calls this when it is removed.
    /// </summary>
    public static void ReleaseCached()
    {
        lock (CacheGate)
        {
            _lastFile = null;
            _lastHash = null;
            _lastRandom = null;
        }
    }

    /// <summary>Reads the convolutions up to layer <paramref name="deepest"/> from a safetensors file in
    /// torchvision/timm layout (<c>features.N.weight</c>, <c>features.N.bias</c>; F32, F16 or BF16).
    /// The last file read is kept, so repeated runs in one session do not read it again.</summary>
    public static Vgg19Weights Load(string path, int deepest, CancellationToken cancel = default)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FakETException(ErrorIds.StyleModelNotFound, FailureKind.ObjectNotFound, $"The model file '{full}' does not exist.");
        var info = new FileInfo(full);
        string key = string.Join('|', full, info.Length, info.LastWriteTimeUtc.Ticks, deepest);
        lock (CacheGate)
            if (_lastFile is { } hit && hit.Key == key) return hit.Weights;

        var file = SafeTensorsFile.Open(full);
        var convolutions = new Dictionary<int, (float[], float[])>();
        using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            foreach (var layer in Vgg19.ConvolutionsThrough(deepest))
            {
                cancel.ThrowIfCancellationRequested();
                var weight = file.ReadFloat32($"features.{layer.Index}.weight", new long[] { layer.OutChannels, layer.InChannels, 3, 3 }, stream);
                var bias = file.ReadFloat32($"features.{layer.Index}.bias", new long[] { layer.OutChannels }, stream);
                CheckWeights(weight, $"features.{layer.Index}.weight", full);
                CheckWeights(bias, $"features.{layer.Index}.bias", full);
                convolutions[layer.Index] = (weight, bias);
            }
        }
        string sha = FileSha256(full, info);
        var weights = new Vgg19Weights(convolutions, deepest, $"sha256 {sha}", full, sha, null);
        lock (CacheGate) _lastFile = (key, weights);
        return weights;
    }

    /// <summary>The largest weight or bias (in size) a VGG-19 file may hold. The trained ImageNet network's are below 10
    /// (its first layer's biases, about 2, are the largest), random initialisations below 1; a value of 1e4 or more is
    /// a damaged or mis-scaled file whose features would overflow to NaN in the first layers.</summary>
    public const float MaxWeight = 1e4f;

    /// <summary>Throws <see cref="ErrorIds.SafeTensorsWeightsInvalid"/>, naming the tensor and the index, when a value
    /// of <paramref name="values"/> is NaN, ±∞ or larger in size than <see cref="MaxWeight"/>.</summary>
    static void CheckWeights(float[] values, string tensor, string path)
    {
        int at = Stages.FiniteCheck.FirstNonFinite(values);
        if (at < 0)
        {
            float largest = 0;
            for (int i = 0; i < values.Length; i++) largest = Math.Max(largest, Math.Abs(values[i]));
            if (largest <= MaxWeight) return;
            at = Array.FindIndex(values, v => Math.Abs(v) == largest);
        }
        throw new FakETException(ErrorIds.SafeTensorsWeightsInvalid, FailureKind.InvalidData,
            $"{System.IO.Path.GetFileName(path)}: tensor '{tensor}', value {at}, is {values[at].ToString(System.Globalization.CultureInfo.InvariantCulture)}; " +
            $"VGG-19 weights are finite and below {MaxWeight:0} in size, so the file is damaged or not VGG-19's. Reinstall it with Install-StyleModel -Force.");
    }

    /// <summary>SHA-256 of a file as lower-case hex; the last file hashed is remembered (by path, size and time).</summary>
    public static string FileSha256(string path, FileInfo? info = null)
    {
        info ??= new FileInfo(path);
        string key = string.Join('|', info.FullName, info.Length, info.LastWriteTimeUtc.Ticks);
        lock (CacheGate)
            if (_lastHash is { } hit && hit.Key == key) return hit.Sha256;
        string sha;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            sha = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        lock (CacheGate) _lastHash = (key, sha);
        return sha;
    }

    /// <summary>Random weights as torchvision initialises an untrained VGG-19: Kaiming-normal weights
    /// (fan-out, ReLU gain √2) and zero biases, drawn from libtorch's generator seeded with <paramref name="seed"/>,
    /// one convolution after the other from layer 0. The last set drawn is kept for the next run.</summary>
    public static Vgg19Weights Random(int seed, int deepest)
    {
        lock (CacheGate)
            if (_lastRandom is { } hit && hit.Seed == seed && hit.Depth == deepest) return hit.Weights;
        Native.NativeStack.EnsureLoaded();
        var convolutions = new Dictionary<int, (float[], float[])>();
        using var generator = new torch.Generator(unchecked((ulong)seed));
        foreach (var layer in Vgg19.ConvolutionsThrough(deepest))
        {
            double std = Math.Sqrt(2.0 / (layer.OutChannels * 9));
            using var drawn = torch.randn(new long[] { layer.OutChannels, layer.InChannels, 3, 3 }, generator: generator);
            using var scaled = drawn.mul(std);
            convolutions[layer.Index] = (Native.TensorData.ToArray(scaled), new float[layer.OutChannels]);
        }
        var weights = new Vgg19Weights(convolutions, deepest, $"random, seed {seed.ToString(CultureInfo.InvariantCulture)}", null, null, seed);
        lock (CacheGate) _lastRandom = (seed, deepest, weights);
        return weights;
    }
}

using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace FakET.Picking;

/// <summary>One convolution of the picker's U-Net: its tensor names' stem, channels in and out, and cube kernel size.</summary>
public sealed record PickerConvolution(string Name, int In, int Out, int Kernel)
{
    /// <summary>The weight's shape (out, in, k, k, k).</summary>
    public long[] WeightShape => new long[] { Out, In, Kernel, Kernel, Kernel };
    /// <summary>Weights and biases together.</summary>
    public long ParameterCount => (long)Out * In * Kernel * Kernel * Kernel + Out;
}

/// <summary>
/// The layer plan of DeepFinder's 3-D U-Net (Moebel et al., Nature Methods 2021; its <c>models.my_model</c>), with every
/// channel count scaled by a width: two 3³ convolutions of 32 channels, 2³ max pool; two of 48, pool; four of 64; nearest
/// upsampling, a 2³ convolution of 64, concatenation with the 48-channel skip, two of 48; upsampling, a 2³ convolution of
/// 48, concatenation with the 32-channel skip, two of 32; a 1³ convolution to the class count (background included) and a
/// softmax. ReLU after every convolution but the last, "same" padding (Keras's, which pads a 2³ kernel after, not before).
/// At width 1 and 16 classes it has 903,456 parameters, as DeepFinder's.
/// </summary>
public static class PickerArchitecture
{
    /// <summary>The channel counts of the three levels at <paramref name="width"/> (32, 48, 64 at width 1; at least 1).</summary>
    public static (int C1, int C2, int C3) Channels(double width) =>
        (Math.Max(1, (int)Math.Round(32 * width)), Math.Max(1, (int)Math.Round(48 * width)), Math.Max(1, (int)Math.Round(64 * width)));

    /// <summary>Every convolution in the order the forward pass uses them.</summary>
    public static IReadOnlyList<PickerConvolution> Plan(double width, int classes)
    {
        var (c1, c2, c3) = Channels(width);
        return new PickerConvolution[]
        {
            new("enc1a", 1, c1, 3), new("enc1b", c1, c1, 3),
            new("enc2a", c1, c2, 3), new("enc2b", c2, c2, 3),
            new("mid1", c2, c3, 3), new("mid2", c3, c3, 3), new("mid3", c3, c3, 3), new("mid4", c3, c3, 3),
            new("up2", c3, c3, 2), new("dec2a", c3 + c2, c2, 3), new("dec2b", c2, c2, 3),
            new("up1", c2, c2, 2), new("dec1a", c2 + c1, c1, 3), new("dec1b", c1, c1, 3),
            new("out", c1, classes, 1),
        };
    }

    /// <summary>The number of weights and biases.</summary>
    public static long ParameterCount(double width, int classes) => Plan(width, classes).Sum(c => c.ParameterCount);

    /// <summary>
    /// How far (voxels) an output voxel sees: two 3³ convolutions at full resolution (2), a pool (1), two at half (4), a
    /// pool (2), four at quarter (16), then on the way up a 2³ (2) and two 3³ at half (4), a 2³ (1) and two 3³ (2): 34.
    /// Tiles overlapping by at least this much (rounded up to the pooling's 4) give the untiled network's result.
    /// </summary>
    public const int ReceptiveRadius = 34;

    /// <summary>Sizes the network takes: multiples of the two poolings' 4.</summary>
    public const int SizeMultiple = 4;

    /// <summary>Glorot-uniform weights (U(±√(6/(fan in + fan out))), fans counting the kernel) and zero biases, as Keras
    /// initialises DeepFinder's, drawn from <paramref name="seed"/> alone.</summary>
    public static Dictionary<string, float[]> GlorotUniform(IReadOnlyList<PickerConvolution> plan, int seed)
    {
        var random = new Random(seed);
        var weights = new Dictionary<string, float[]>();
        foreach (var c in plan)
        {
            int k3 = c.Kernel * c.Kernel * c.Kernel;
            double limit = Math.Sqrt(6.0 / ((double)c.In * k3 + (double)c.Out * k3));
            var w = new float[c.Out * c.In * k3];
            for (int i = 0; i < w.Length; i++) w[i] = (float)((random.NextDouble() * 2 - 1) * limit);
            weights[c.Name + ".weight"] = w;
            weights[c.Name + ".bias"] = new float[c.Out];
        }
        return weights;
    }
}

/// <summary>
/// The picker's U-Net on one device (<see cref="PickerArchitecture"/>): its weights as leaf tensors that autograd trains,
/// and the forward pass. It owns the tensors (on a GPU, device memory): its owner disposes it.
/// </summary>
internal sealed class PickerNetwork : IDisposable
{
    readonly IReadOnlyList<PickerConvolution> _plan;
    readonly Dictionary<string, Tensor> _tensors = new();
    readonly ScalarType _precision;
    readonly bool _padChannels;

    /// <param name="precision">float32 (the default); float64 only for tests that check float32's gradients against it.</param>
    /// <param name="padChannels">Run hidden layers with channels padded to multiples of 16 (<see cref="Lanes"/>); off only for
    /// tests' float64 references, which libtorch computes without oneDNN.</param>
    public PickerNetwork(IReadOnlyList<PickerConvolution> plan, IReadOnlyDictionary<string, float[]> weights, Device device, bool trainable,
        ScalarType precision = ScalarType.Float32, bool padChannels = true)
    {
        Native.NativeStack.EnsureLoaded();
        _plan = plan;
        Device = device;
        _precision = precision;
        _padChannels = padChannels;
        try
        {
            foreach (var c in plan)
            {
                _tensors[c.Name + ".weight"] = Upload(weights[c.Name + ".weight"], c.WeightShape, trainable);
                _tensors[c.Name + ".bias"] = Upload(weights[c.Name + ".bias"], new long[] { c.Out }, trainable);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    Tensor Upload(float[] values, long[] shape, bool trainable)
    {
        var t = Native.TensorData.Upload(values, Device, shape);
        if (_precision != ScalarType.Float32) t = t.to(_precision);
        t = t.DetachFromDisposeScope();
        if (trainable) t.requires_grad_(true);
        return t;
    }

    public Device Device { get; }

    /// <summary>The weight and bias tensors, by name (<c>enc1a.weight</c>...), in plan order.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> Parameters =>
        _plan.SelectMany(c => new[] { (c.Name + ".weight", _tensors[c.Name + ".weight"]), (c.Name + ".bias", _tensors[c.Name + ".bias"]) });

    /// <summary>The weights as host arrays, by name.</summary>
    public Dictionary<string, float[]> Weights() => Parameters.ToDictionary(p => p.Name, p => Native.TensorData.ToArray(p.Tensor));

    /// <summary>Class probabilities (B, K, D, H, W) of a batch <paramref name="x"/> (B, 1, D, H, W), each size a multiple of 4.
    /// Intermediate tensors are released by the caller's dispose scope.</summary>
    public Tensor Forward(Tensor x) => F.softmax(Logits(x), 1);

    /// <summary>The class scores before the softmax (B, K, D, H, W): what a cross-entropy term needs.</summary>
    /// <remarks>Every hidden layer runs with its channels padded to a multiple of 16 (<see cref="Lanes"/>): libtorch 2.10's
    /// oneDNN convolutions on AVX-512 CPUs compute wrong results, NaN among them, at other channel counts.</remarks>
    public Tensor Logits(Tensor x)
    {
        if (x.dtype != _precision) x = x.to(_precision);
        var e1 = Conv("enc1b", Conv("enc1a", x));
        var e2 = Conv("enc2b", Conv("enc2a", F.max_pool3d(e1, new long[] { 2, 2, 2 }, new long[] { 2, 2, 2 })));
        var m = F.max_pool3d(e2, new long[] { 2, 2, 2 }, new long[] { 2, 2, 2 });
        foreach (var name in new[] { "mid1", "mid2", "mid3", "mid4" }) m = Conv(name, m);
        var d2 = Conv("dec2b", Conv("dec2a", torch.cat(new[] { Conv("up2", Upsample(m)), e2 }, 1)));
        var d1 = Conv("dec1b", Conv("dec1a", torch.cat(new[] { Conv("up1", Upsample(d2)), e1 }, 1)));
        return Conv("out", d1, relu: false);
    }

    /// <summary>
    /// The channel count a hidden layer runs with: its own rounded up to a multiple of 16. libtorch 2.10's oneDNN 3-D
    /// convolutions with AVX-512 give wrong results at other counts (measured on an AMD EPYC: a half-width network, with
    /// 24-channel layers, had NaN input gradients at batches of 1 and 2 of 32³ patches and scores off by 0.018 at batches of
    /// 2 and more; widths 0.25, 0.5 and 0.75 failed, width 1, all of whose hidden counts are multiples of 16, did not; every
    /// AVX-512 level oneDNN offers failed alike, and AVX2 did not, but capping oneDNN at AVX2 for the process made style
    /// transfer up to 1.6 times slower). The extra channels have zero weights and biases, so they hold exact zeros after
    /// the ReLU, add nothing to the next layer and receive no gradient: the network computes what the unpadded one does.
    /// </summary>
    internal static int Lanes(int channels) => (channels + 15) / 16 * 16;

    /// <summary>The real channel counts of a convolution's input as it arrives: one block, or the upsampled path and the
    /// skip connection side by side.</summary>
    int[] InputParts(PickerConvolution c) => c.Name switch
    {
        "dec2a" => new[] { Out("up2"), Out("enc2b") },
        "dec1a" => new[] { Out("up1"), Out("enc1b") },
        _ => new[] { c.In },
    };

    int Out(string name) => _plan.First(c => c.Name == name).Out;

    /// <summary>A convolution's weight and bias laid out for padded channels: each input part padded to its lanes (the
    /// network's own input, one channel, is not), the outputs padded to their lanes (the class scores are not).</summary>
    (Tensor Weight, Tensor Bias) PaddedParameters(PickerConvolution c)
    {
        var w = _tensors[c.Name + ".weight"];
        var b = _tensors[c.Name + ".bias"];
        if (!_padChannels) return (w, b);
        bool first = ReferenceEquals(c, _plan[0]), last = ReferenceEquals(c, _plan[^1]);
        if (!first)
        {
            var parts = new List<Tensor>();
            int offset = 0;
            foreach (int real in InputParts(c))
            {
                var part = w.narrow(1, offset, real);
                offset += real;
                int extra = Lanes(real) - real;
                parts.Add(extra == 0 ? part : F.pad(part, new long[] { 0, 0, 0, 0, 0, 0, 0, extra }));
            }
            w = parts.Count == 1 ? parts[0] : torch.cat(parts, 1);
        }
        if (!last && Lanes(c.Out) > c.Out)
        {
            int extra = Lanes(c.Out) - c.Out;
            w = F.pad(w, new long[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, extra });
            b = F.pad(b, new long[] { 0, extra });
        }
        return (w, b);
    }

    Tensor Conv(string name, Tensor x, bool relu = true)
    {
        var (w, b) = PaddedParameters(_plan.First(c => c.Name == name));
        long k = w.shape[2];
        Tensor y = k switch
        {
            1 => F.conv3d(x, w, b),
            // Keras's "same" for an even kernel: the one voxel of padding goes after, on every axis.
            2 => F.conv3d(F.pad(x, new long[] { 0, 1, 0, 1, 0, 1 }), w, b),
            _ => F.conv3d(x, w, b, padding: new long[] { k / 2, k / 2, k / 2 }),
        };
        return relu ? y.relu_() : y;
    }

    static Tensor Upsample(Tensor x) =>
        x.repeat_interleave(2, 2).repeat_interleave(2, 3).repeat_interleave(2, 4);

    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
    }
}

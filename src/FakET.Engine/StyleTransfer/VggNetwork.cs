using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace FakET.StyleTransfer;

/// <summary>How VGG-19 pools. FakET uses max pooling; average and L2 pooling are rescaled (×2.0 and ×0.78)
/// so that activations keep their scale, as in the published implementation.</summary>
public enum StylePooling { Max, Average, L2 }

/// <summary>
/// VGG-19 <c>features</c> on one device, up to the deepest layer a run needs, built once per run and
/// used for every tilt. The ImageNet normalisation is folded into the first convolution (exact: the
/// first convolution pads with <c>replicate</c>, which commutes with a per-channel affine map), and for
/// grey inputs (three equal channels) the first convolution's weights are also summed over the input
/// channels, so the target images go through a one-channel convolution. Its owner (the style transfer stage that built
/// it) disposes it, which releases its tensors at once (device memory on a GPU).
/// </summary>
internal sealed class VggNetwork : IDisposable
{
    readonly Dictionary<int, (Tensor Weight, Tensor Bias)> _conv = new();
    readonly Tensor _firstRgb, _firstGrey, _firstBias;
    readonly StylePooling _pooling;

    public VggNetwork(Vgg19Weights weights, int depth, StylePooling pooling, Device device, bool channelsLast)
    {
        if (depth > weights.Depth) throw new ArgumentOutOfRangeException(nameof(depth), "The weights do not reach that deep.");
        Depth = depth;
        _pooling = pooling;
        ChannelsLast = channelsLast;
        foreach (var layer in Vgg19.ConvolutionsThrough(depth))
        {
            if (layer.Index == 0) continue;
            var (w, b) = weights.Convolutions[layer.Index];
            _conv[layer.Index] = (Upload(w, new long[] { layer.OutChannels, layer.InChannels, 3, 3 }, device), Upload(b, new long[] { layer.OutChannels }, device));
        }
        var (rgb, grey, bias) = FoldNormalisation(weights.Convolutions[0].Weight, weights.Convolutions[0].Bias);
        _firstRgb = Upload(rgb, new long[] { 64, 3, 3, 3 }, device);
        _firstGrey = Upload(grey, new long[] { 64, 1, 3, 3 }, device);
        _firstBias = Upload(bias, new long[] { 64 }, device);
    }

    /// <summary>The deepest layer this network computes.</summary>
    public int Depth { get; }
    /// <summary>How it pools.</summary>
    public StylePooling Pooling => _pooling;
    /// <summary>Whether activations use the channels-last (NHWC) memory layout.</summary>
    public bool ChannelsLast { get; }

    /// <summary>The values as a device tensor. On the CPU in NCHW order the tensor uses the (immutable) host array
    /// itself; otherwise it is copied once, to the device or into NHWC order.</summary>
    Tensor Upload(float[] values, long[] shape, Device device)
    {
        var host = Native.TensorData.Wrap(values, shape);
        bool reorder = ChannelsLast && shape.Length == 4;
        if (device.type == DeviceType.CPU && !reorder) return host.DetachFromDisposeScope();
        using (host)
        {
            using var onDevice = host.to(device);
            return (reorder ? ToChannelsLast(onDevice) : onDevice.clone()).DetachFromDisposeScope();
        }
    }

    /// <summary>The same values in NHWC memory order (TorchSharp has no memory_format argument; libtorch reads the layout from the strides).</summary>
    public static Tensor ToChannelsLast(Tensor t) => t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>
    /// conv(pad((x − m)/s)) = conv'(pad(x)) with w'[o,c] = w[o,c]/s_c and b'[o] = b[o] − Σ_c,k w[o,c,k]·m_c/s_c.
    /// For grey inputs (x_c equal) the three input channels of w' are summed into one.
    /// </summary>
    static (float[] Rgb, float[] Grey, float[] Bias) FoldNormalisation(float[] w, float[] b)
    {
        var rgb = new float[64 * 3 * 9];
        var grey = new float[64 * 9];
        var bias = new float[64];
        for (int o = 0; o < 64; o++)
        {
            double shift = 0;
            for (int k = 0; k < 9; k++)
            {
                double sum = 0;
                for (int c = 0; c < 3; c++)
                {
                    double wc = w[(o * 3 + c) * 9 + k];
                    double scaled = wc / Vgg19.ImageNetStd[c];
                    rgb[(o * 3 + c) * 9 + k] = (float)scaled;
                    sum += scaled;
                    shift += scaled * Vgg19.ImageNetMean[c];
                }
                grey[o * 9 + k] = (float)sum;
            }
            bias[o] = (float)(b[o] - shift);
        }
        return (rgb, grey, bias);
    }

    /// <summary>
    /// Runs layers <paramref name="first"/> to <paramref name="last"/> (inclusive) on <paramref name="x"/> and
    /// returns the output of layer <paramref name="last"/>. For <paramref name="first"/> = 0, <paramref name="x"/> is
    /// the image in [0, 1], un-normalised: (B, 3, H, W), or (B, 1, H, W) for grey images. <paramref name="keep"/>
    /// sees each layer's output and returns true to keep it; every other intermediate output is released as soon
    /// as the next layer has run (autograd keeps what it needs itself), so memory holds little more than one
    /// layer's activations plus what is kept. ReLUs work in place: a convolution's output that is kept is
    /// overwritten by the ReLU after it, unless that convolution is <paramref name="last"/> (as with torchvision's
    /// in-place ReLU, which the published implementation uses).
    /// </summary>
    public Tensor Run(Tensor x, int first, int last, Func<int, Tensor, bool>? keep = null, CancellationToken cancel = default)
    {
        if (last > Depth) throw new ArgumentOutOfRangeException(nameof(last));
        var current = x;
        bool protect = true; // the caller's input, or an output the caller keeps
        for (int i = first; i <= last; i++)
        {
            cancel.ThrowIfCancellationRequested();
            Tensor next;
            // Handles a layer makes on the way (the channels-last copy after the first convolution, views, any other
            // by-product) would keep their memory until the caller's scope ends; only the layer's output leaves this one.
            using (torch.NewDisposeScope())
            {
                next = Apply(i, current);
                if (!ReferenceEquals(next, current)) next.MoveToOuterDisposeScope();
            }
            if (!ReferenceEquals(next, current))
            {
                if (!protect) current.Dispose();
                protect = false;
            }
            if (keep?.Invoke(i, next) == true) protect = true;
            current = next;
        }
        return current;
    }

    Tensor Apply(int i, Tensor x)
    {
        switch (Vgg19.Layers[i].Kind)
        {
            case VggLayerKind.Convolution when i == 0:
                bool grey = x.shape[1] == 1;
                using (var input = ChannelsLast && !grey ? ToChannelsLast(x) : x.alias())
                using (var padded = F.pad(input, new long[] { 1, 1, 1, 1 }, PaddingModes.Replicate))
                {
                    var y = F.conv2d(padded, grey ? _firstGrey : _firstRgb, _firstBias);
                    if (!ChannelsLast || !grey) return y;
                    using (y) return ToChannelsLast(y);
                }
            case VggLayerKind.Convolution:
                var (w, b) = _conv[i];
                return F.conv2d(x, w, b, padding: new long[] { 1, 1 });
            case VggLayerKind.Relu:
                return x.relu_();
            default:
                return _pooling switch
                {
                    StylePooling.Average => F.avg_pool2d(x, 2, 2).mul_(2.0f),
                    StylePooling.L2 => F.lp_pool2d(x, 2, 2).mul_(0.78f),
                    _ => F.max_pool2d(x, 2, 2),
                };
        }
    }

    public void Dispose()
    {
        foreach (var (w, b) in _conv.Values)
        {
            w.Dispose();
            b.Dispose();
        }
        _firstRgb.Dispose();
        _firstGrey.Dispose();
        _firstBias.Dispose();
    }
}

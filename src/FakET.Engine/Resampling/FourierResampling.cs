using FakET.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace FakET.Resampling;

/// <summary>
/// Resampling an image by cropping or zero-padding its discrete Fourier transform, the band-limited (sinc) interpolation
/// of a periodic image: no frequency above the new Nyquist survives, so nothing aliases. With F = DFT(x) of an H×W image
/// and an H′×W′ output, each axis keeps the frequencies −⌊m/2⌋ … ⌈m/2⌉ − 1, m the smaller of its two sizes (the
/// centred block of numpy's <c>fftshift(fft2(x))</c>: cropped from F or padded around it), and the output is
/// real(IDFT(G))·H′W′/(HW), so the mean is kept and output pixel 0 samples the same place as input pixel 0. Computed in
/// float64 through libtorch.
/// </summary>
public static class FourierResampling
{
    /// <summary>Bytes one <paramref name="height"/>×<paramref name="width"/> → <paramref name="toHeight"/>×<paramref name="toWidth"/>
    /// resampling holds at once: the input's spectrum and the output's (complex128), and their float64 images.</summary>
    public static long WorkingBytes(int height, int width, int toHeight, int toWidth) =>
        24L * height * width + 24L * toHeight * toWidth;

    /// <summary>One image resampled to <paramref name="toHeight"/>×<paramref name="toWidth"/>; a new array.</summary>
    public static float[] Resample(float[] image, int height, int width, int toHeight, int toWidth)
    {
        if (image.Length != height * width) throw new ArgumentException("The image is not height × width pixels.", nameof(image));
        if (height == toHeight && width == toWidth) return image.ToArray();
        NativeStack.EnsureLoaded();
        var device = CPU;
        var output = new float[toHeight * toWidth];
        using var scope = NewDisposeScope();
        var spectrum = fft.fft2(TensorData.Wrap(image, height, width).to(ScalarType.Float64));
        var (rowsFrom, rowsTo) = Kept(height, toHeight, device);
        var (columnsFrom, columnsTo) = Kept(width, toWidth, device);
        var block = spectrum.index_select(0, rowsFrom).index_select(1, columnsFrom);
        var rows = zeros(new long[] { block.shape[0], toWidth }, ScalarType.ComplexFloat64, device).index_copy_(1, columnsTo, block);
        var placed = zeros(new long[] { toHeight, toWidth }, ScalarType.ComplexFloat64, device).index_copy_(0, rowsTo, rows);
        double scale = (double)toHeight * toWidth / ((double)height * width);
        TensorData.CopyTo((fft.ifft2(placed).real * scale).to(ScalarType.Float32), output);
        return output;
    }

    /// <summary>The DFT indices of the kept frequencies −⌊m/2⌋ … ⌈m/2⌉ − 1 in an axis of <paramref name="from"/> and of
    /// <paramref name="to"/> samples (frequency f sits at index f mod n).</summary>
    static (Tensor From, Tensor To) Kept(int from, int to, Device device)
    {
        int m = Math.Min(from, to);
        var frequencies = Enumerable.Range(-(m / 2), m).ToArray();
        long[] Index(int n) => frequencies.Select(f => (long)((f % n + n) % n)).ToArray();
        return (tensor(Index(from), device: device), tensor(Index(to), device: device));
    }
}

namespace FakET.Reconstruction;

/// <summary>The frequency-domain filters of filtered back-projection, as scikit-image's <c>iradon</c> names them.</summary>
public enum ReconstructionFilter
{
    /// <summary>The ramp |f|, built from the band-limited spatial kernel (Kak and Slaney, ch. 3, eq. 61).</summary>
    Ramp,
    /// <summary>The ramp times sinc(f): sin(πf)/(πf) with f in cycles per pixel.</summary>
    SheppLogan,
    /// <summary>The ramp times cos(πf).</summary>
    Cosine,
    /// <summary>The ramp times a Hamming window centred on frequency 0.</summary>
    Hamming,
    /// <summary>The ramp times a Hann window centred on frequency 0.</summary>
    Hann,
    /// <summary>No filtering: plain (unweighted) back-projection.</summary>
    None,
}

/// <summary>
/// The filter responses of filtered back-projection, defined exactly as scikit-image's <c>iradon</c> defines them,
/// so that reconstructions agree with it: the projections are zero-padded to <see cref="PaddedLength"/> along the
/// detector, and the response is sampled on that FFT grid (index k is frequency k / length).
/// </summary>
public static class FourierFilter
{
    /// <summary>The detector length after zero padding: the smallest power of two at least twice the width, and at least 64.</summary>
    public static int PaddedLength(int width)
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width));
        int length = 64;
        while (length < 2L * width) length *= 2;
        return length;
    }

    /// <summary>
    /// The response on the full FFT grid of <paramref name="length"/> (even) points, in float64.
    /// The ramp is 2·Re(DFT(h)) of the spatial kernel h[0] = 1/4, h[d] = −1/(πd)² for odd circular distance d,
    /// 0 for even d: unlike a sampled |f| it keeps a small positive value at frequency 0, which removes a DC bias.
    /// The windows are multiplied in as iradon does (Hamming and Hann are the symmetric numpy windows of
    /// <paramref name="length"/> points, shifted so that their middle sits at frequency 0).
    /// </summary>
    public static double[] Response(ReconstructionFilter filter, int length)
    {
        if (length < 2 || length % 2 != 0) throw new ArgumentOutOfRangeException(nameof(length), "The FFT length must be even.");
        var response = new double[length];
        if (filter == ReconstructionFilter.None)
        {
            Array.Fill(response, 1.0);
            return response;
        }
        int half = length / 2;
        for (int k = 0; k < length; k++)
        {
            // h is even about 0 (circularly): pair j with length − j, both at distance d.
            double sum = 0;
            for (int d = 1; d < half; d += 2)
                sum += Math.Cos(2 * Math.PI * d * (long)k / length) / ((double)d * d);
            response[k] = 0.5 - 4 / (Math.PI * Math.PI) * sum;
        }
        for (int k = 0; k < length; k++)
            response[k] *= Window(filter, k, length);
        return response;
    }

    /// <summary>
    /// The response for a real FFT of <paramref name="length"/> points (indices 0 … length/2), times <paramref name="scale"/>.
    /// iradon keeps the real part of a complex inverse FFT; for real projections that equals filtering with the
    /// even part of the response, (H[k] + H[−k]) / 2, which is what a real inverse FFT applies.
    /// </summary>
    public static float[] RealResponse(ReconstructionFilter filter, int length, double scale = 1)
    {
        var full = Response(filter, length);
        var half = new float[length / 2 + 1];
        for (int k = 0; k < half.Length; k++)
            half[k] = (float)(scale * (full[k] + full[(length - k) % length]) / 2);
        return half;
    }

    static double Window(ReconstructionFilter filter, int k, int length)
    {
        int shifted = (k + length / 2) % length; // fftshift: index k of the shifted window is index k + length/2 of the window
        switch (filter)
        {
            case ReconstructionFilter.Ramp:
                return 1;
            case ReconstructionFilter.SheppLogan:
                if (k == 0) return 1;
                double omega = Math.PI * (k < length / 2 ? k : k - length) / length;
                return Math.Sin(omega) / omega;
            case ReconstructionFilter.Cosine:
                return Math.Sin(Math.PI * shifted / length);
            case ReconstructionFilter.Hamming:
                return 0.54 - 0.46 * Math.Cos(2 * Math.PI * shifted / (length - 1));
            case ReconstructionFilter.Hann:
                return 0.5 - 0.5 * Math.Cos(2 * Math.PI * shifted / (length - 1));
            default:
                throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unknown reconstruction filter.");
        }
    }
}

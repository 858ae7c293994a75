using System.Globalization;
using FakET.Native;
using FakET.Stages;
using FakET.StyleTransfer;
using TorchSharp;
using static TorchSharp.torch;

namespace FakET.Scoring;

/// <summary>One tilt of an input against its reference tilt. Differences are input − reference.</summary>
/// <param name="Spectrum">RMS over frequency bands (0 … Nyquist) of log10(P_input / P_reference), the radially averaged power spectra.</param>
/// <param name="Wasserstein">Wasserstein-1 distance between the two tilts' intensity distributions (their values' units).</param>
/// <param name="MeanDifference">mean(input) − mean(reference).</param>
/// <param name="StdDifference">std(input) − std(reference).</param>
/// <param name="Style">Σ_l w_l · mean((G_l(input) − G_l(reference))²) over FakET's style layers (Gram matrices of VGG-19).</param>
public sealed record RealismTilt(string Input, int Index, double? Angle, int ReferenceIndex, double? ReferenceAngle,
    double Spectrum, double Wasserstein, double MeanDifference, double StdDifference, double Style)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Input} tilt {Index}: spectrum {Spectrum:0.0000}, W1 {Wasserstein:G4}, Δmean {MeanDifference:G4}, Δstd {StdDifference:G4}, style {Style:G4}");
}

/// <summary>One input's realism against the reference: the per-tilt figures averaged over tilts (the mean and std
/// differences as mean absolute values), and the per-tilt table.</summary>
public sealed class RealismSummary
{
    public required string Input { get; init; }
    public int Tilts { get; init; }
    public double Spectrum { get; init; }
    public double Wasserstein { get; init; }
    public double MeanDifference { get; init; }
    public double StdDifference { get; init; }
    /// <summary>NaN when the style distance was not computed (-NoStyle).</summary>
    public double Style { get; init; }
    /// <summary>Which VGG-19 weights the style distance used: pretrained (with the file's hash) or random (with the seed).</summary>
    public required string Weights { get; init; }
    public IReadOnlyList<RealismTilt> PerTilt { get; init; } = Array.Empty<RealismTilt>();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Input}: spectrum {Spectrum:0.0000}, W1 {Wasserstein:G4}, |Δmean| {MeanDifference:G4}, |Δstd| {StdDifference:G4}, style {Style:G4} ({Tilts} tilts)");
}

/// <summary>How Measure-Realism runs.</summary>
public sealed record RealismOptions : StageOptions
{
    /// <summary>A name per input, in order; by default "input N".</summary>
    public IReadOnlyList<string>? Names { get; init; }
    /// <summary>Skip the style distance (no VGG-19 pass).</summary>
    public bool NoStyle { get; init; }
    /// <summary>Pretrained or random VGG-19 weights; by default the installed ones, else random.</summary>
    public StyleWeights? Weights { get; init; }
    /// <summary>A safetensors file of VGG-19 weights.</summary>
    public string? ModelPath { get; init; }
    /// <summary>Seed of random weights.</summary>
    public int Seed { get; init; }
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;
    /// <summary>The style distance at every n-th tilt of each input only (tilt index divisible by n); NaN at the others.</summary>
    public int StyleEvery { get; init; } = 1;

    public override void Validate()
    {
        if (StyleEvery < 1) throw new FakETException(ScoringErrorIds.RealismTiltMismatch, FailureKind.InvalidArgument, "StyleEvery must be at least 1.");
    }
}

/// <summary>
/// How close simulated tilt series are to a reference series (usually the user's real data), tilt by tilt: the radially
/// averaged power spectra (RMS log10-ratio over frequency bands up to Nyquist), the Wasserstein-1 distance between the
/// intensity distributions, the differences of mean and std, and a style distance (Gram matrices at FakET's style layers
/// of the VGG-19 that Invoke-StyleTransfer uses). Series with the same tilt count are paired tilt by tilt; otherwise each
/// input tilt is paired with the reference tilt of the nearest angle.
/// </summary>
public static class Realism
{
    /// <summary>FakET's style layers (relu1_1, relu2_1, relu3_1, relu4_1, relu5_1) and their weights, normalised to sum 1.</summary>
    static readonly int[] StyleLayers = new StyleTransferSettings().StyleLayers.ToArray();
    static readonly double[] StyleWeights = StyleTransferSettings.Normalised(new StyleTransferSettings().StyleLayerWeights);

    /// <summary>Which input tilt goes with which reference tilt: by index when the counts agree, else by nearest angle.</summary>
    public static int[] Pairing(TiltSeries reference, TiltSeries input)
    {
        if (input.Count == reference.Count) return Enumerable.Range(0, input.Count).ToArray();
        if (input.TiltAngles is null || reference.TiltAngles is null)
            throw new FakETException(ScoringErrorIds.RealismTiltMismatch, FailureKind.InvalidArgument,
                $"The input has {input.Count} tilts and the reference {reference.Count}, and without tilt angles on both they cannot be matched by angle.");
        var r = reference.TiltAngles;
        return input.TiltAngles.Select(a => Enumerable.Range(0, r.Count).MinBy(j => Math.Abs(r[j] - a))).ToArray();
    }

    /// <summary>The per-tilt and summary figures of each input against <paramref name="reference"/>.</summary>
    public static IReadOnlyList<RealismSummary> Measure(TiltSeries reference, IReadOnlyList<TiltSeries> inputs, RealismOptions? options = null,
        IStageReporter? reporter = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        options ??= new RealismOptions();
        options.Validate();
        var names = Enumerable.Range(0, inputs.Count).Select(i => options.Names is { } n && i < n.Count ? n[i] : $"input {i + 1}").ToArray();
        var pairs = inputs.Select(input => Pairing(reference, input)).ToArray();
        int bands = BandCount(inputs.Append(reference));
        int total = inputs.Sum(s => s.Count), done = 0;

        using var style = options.NoStyle ? null : new StyleDistance(options, reference, cancel);
        string weights = style?.Description ?? "none (-NoStyle)";
        if (style is { FellBackToRandom: true }) reporter?.Warning(StyleModelStore.RandomWeightsWarning(options.Seed));

        // Reference tilt by reference tilt, so that each reference tilt's spectrum, sorted values and Gram matrices are
        // computed once and held only while its input tilts are measured.
        var rows = inputs.Select(s => new RealismTilt[s.Count]).ToArray();
        for (int j = 0; j < reference.Count; j++)
        {
            var referenceStats = reference.SectionStatistics(j);
            var items = new List<(int Input, int Tilt)>();
            for (int k = 0; k < inputs.Count; k++)
                for (int i = 0; i < inputs[k].Count; i++)
                    if (pairs[k][i] == j) items.Add((k, i));
            if (items.Count == 0) continue;
            cancel.ThrowIfCancellationRequested();
            var measured = items.Select((t, n) => (t, n)).Where(x => x.t.Tilt % options.StyleEvery == 0).ToList();
            var styles = new double[items.Count];
            Array.Fill(styles, double.NaN);
            if (style is not null && measured.Count > 0)
            {
                var distances = style.Distances(j, measured.Select(x => ((ImageStack)inputs[x.t.Input], x.t.Tilt)).ToList());
                for (int m = 0; m < measured.Count; m++) styles[measured[m].n] = distances[m];
            }
            var referenceSpectrum = RadialSpectrum(reference.Section(j), reference.Height, reference.Width, bands);
            var referenceSorted = Sorted(reference.Section(j));
            for (int n = 0; n < items.Count; n++)
            {
                var (k, i) = items[n];
                var input = inputs[k];
                var (mean, std) = input.SectionStatistics(i);
                rows[k][i] = new RealismTilt(names[k], i, input.TiltAngles?[i], j, reference.TiltAngles?[j],
                    RmsLogRatio(RadialSpectrum(input.Section(i), input.Height, input.Width, bands), referenceSpectrum),
                    Wasserstein1(Sorted(input.Section(i)), referenceSorted),
                    mean - referenceStats.Mean, std - referenceStats.Std,
                    styles[n]);
                reporter?.Progress(++done, total, "tilts");
            }
        }
        var results = rows.Select((r, k) => new RealismSummary
        {
            Input = names[k],
            Tilts = r.Length,
            Spectrum = r.Average(t => t.Spectrum),
            Wasserstein = r.Average(t => t.Wasserstein),
            MeanDifference = r.Average(t => Math.Abs(t.MeanDifference)),
            StdDifference = r.Average(t => Math.Abs(t.StdDifference)),
            Style = r.Where(t => !double.IsNaN(t.Style)).Select(t => t.Style).DefaultIfEmpty(double.NaN).Average(),
            Weights = weights,
            PerTilt = r,
        }).ToList();
        return results;
    }

    /// <summary>Frequency bands: half the smallest image side of all the series, each 0.5/B cycles per pixel wide.</summary>
    internal static int BandCount(IEnumerable<TiltSeries> series) => Math.Max(2, series.Min(s => Math.Min(s.Height, s.Width)) / 2);

    /// <summary>
    /// The radially averaged power spectrum of one image: P(f) = |DFT(x − mean)|² / (H·W) averaged over the frequencies
    /// f = √((k_x/W)² + (k_y/H)²) (cycles per pixel) in band b = ⌊2B·f⌋, b = 1 … B − 1 (band 0 holds only the zero
    /// frequency; f = 0.5 goes to the last band, corners beyond Nyquist are left out). Index 0 of the result is unused.
    /// </summary>
    public static double[] RadialSpectrum(float[] image, int height, int width, int bands)
    {
        NativeStack.EnsureLoaded();
        float[] power;
        using (NewDisposeScope())
        {
            var x = TensorData.Wrap(image, height, width).to(ScalarType.Float64);
            var f = fft.fft2(x - x.mean());
            power = TensorData.ToArray((f.real.square() + f.imag.square()) / (height * (double)width));
        }
        var sum = new double[bands];
        var count = new long[bands];
        for (int y = 0; y < height; y++)
        {
            double fy = (y <= (height - 1) / 2 ? y : y - height) / (double)height;
            for (int xi = 0; xi < width; xi++)
            {
                double fx = (xi <= (width - 1) / 2 ? xi : xi - width) / (double)width;
                double radius = Math.Sqrt(fx * fx + fy * fy);
                if (radius > 0.5) continue;
                int b = Math.Min((int)(2 * bands * radius), bands - 1);
                sum[b] += power[y * width + xi];
                count[b]++;
            }
        }
        var mean = new double[bands];
        for (int b = 1; b < bands; b++) mean[b] = count[b] == 0 ? double.NaN : sum[b] / count[b];
        return mean;
    }

    /// <summary>√(mean over bands b ≥ 1 of log10(a_b / r_b)²), over the bands where both powers are positive.</summary>
    public static double RmsLogRatio(double[] a, double[] reference)
    {
        double sum = 0;
        int n = 0;
        for (int b = 1; b < Math.Min(a.Length, reference.Length); b++)
        {
            if (!(a[b] > 0) || !(reference[b] > 0)) continue;
            double r = Math.Log10(a[b] / reference[b]);
            sum += r * r;
            n++;
        }
        return n == 0 ? double.NaN : Math.Sqrt(sum / n);
    }

    static double[] Sorted(float[] values)
    {
        var sorted = values.Select(v => (double)v).ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>W1 = ∫₀¹ |Q_a(u) − Q_b(u)| du between the empirical distributions of two sorted samples (of any sizes),
    /// Q the quantile functions: exact, as with histograms of infinitely fine bins.</summary>
    public static double Wasserstein1(double[] a, double[] b)
    {
        long n = a.Length, m = b.Length;
        long i = 0, j = 0;
        double result = 0, u = 0;
        while (i < n && j < m)
        {
            // The next step of either quantile function: (i + 1)/n or (j + 1)/m, compared exactly.
            long left = (i + 1) * m, right = (j + 1) * n;
            double next = left <= right ? (i + 1) / (double)n : (j + 1) / (double)m;
            result += (next - u) * Math.Abs(a[i] - b[j]);
            u = next;
            if (left <= right) i++;
            if (right <= left) j++;
        }
        return result;
    }

    /// <summary>The style distance: each series scaled to [0, 1] by its own minimum and maximum (as the style transfer
    /// scales them), each tilt through VGG-19 as a grey image, Gram matrices F·Fᵀ/(H·W) at the style layers.</summary>
    sealed class StyleDistance : IDisposable
    {
        readonly VggNetwork _network;
        readonly Device _device;
        readonly CancellationToken _cancel;
        readonly TiltSeries _reference;
        readonly Dictionary<ImageStack, (double Min, double Max)> _ranges = new(ReferenceEqualityComparer.Instance);

        public StyleDistance(RealismOptions options, TiltSeries reference, CancellationToken cancel)
        {
            int depth = StyleLayers.Max();
            var choice = StyleModelStore.Choose(options.ModelPath, options.Weights, options.Seed, depth, cancel);
            FellBackToRandom = choice.FellBackToRandom;
            Description = choice.Weights.IsRandom ? $"random (seed {choice.Weights.Seed})" : $"pretrained {choice.Weights.Sha256?[..12]}";
            _device = ComputeDevices.Resolve(options.Device);
            _network = new VggNetwork(choice.Weights, depth, StylePooling.Max, _device, channelsLast: _device.type == DeviceType.CPU);
            (_reference, _cancel) = (reference, cancel);
        }

        public bool FellBackToRandom { get; }
        public string Description { get; }

        (double Min, double Max) Range(ImageStack s)
        {
            if (_ranges.TryGetValue(s, out var r)) return r;
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (var section in s.Sections)
                foreach (var v in section) { if (v < min) min = v; if (v > max) max = v; }
            return _ranges[s] = (min, max);
        }

        /// <summary>Gram matrices (float64, one batch entry per image) at the style layers of these tilts, all of one size.</summary>
        Tensor[] Grams(IReadOnlyList<(ImageStack Series, int Tilt)> images)
        {
            var grams = new Tensor[StyleLayers.Length];
            using (no_grad())
            using (var scope = NewDisposeScope())
            {
                var (h, w) = (images[0].Series.Height, images[0].Series.Width);
                var batch = images.Select(t =>
                {
                    var (min, max) = Range(t.Series);
                    return TensorData.Upload(t.Series.Section(t.Tilt), _device, 1, 1, h, w).sub(min).mul(max > min ? 1 / (max - min) : 0);
                }).ToArray();
                var image = cat(batch, 0);
                _network.Run(image, 0, StyleLayers.Max(), (layer, x) =>
                {
                    int at = Array.IndexOf(StyleLayers, layer);
                    if (at >= 0) grams[at] = NeuralStyleTransfer.Gram(x).to(ScalarType.Float64).MoveToOuterDisposeScope();
                    return false;
                }, _cancel).Dispose();
            }
            return grams;
        }

        /// <summary>The style distance of each item (a tilt of an input) from reference tilt <paramref name="referenceTilt"/>,
        /// the reference and every item of its size in one batch.</summary>
        public double[] Distances(int referenceTilt, IReadOnlyList<(ImageStack Series, int Tilt)> items)
        {
            var result = new double[items.Count];
            // Every tensor made here (Gram matrices, views, differences) goes when the scope ends.
            using var scope = NewDisposeScope();
            // A tilt identical to the reference's, scaled alike, has the same Gram matrices: exactly 0, whatever the batch.
            var same = items.Select(t => t.Series.Height == _reference.Height && t.Series.Width == _reference.Width &&
                Range(t.Series) == Range(_reference) && t.Series.Section(t.Tilt).AsSpan().SequenceEqual(_reference.Section(referenceTilt))).ToArray();
            var groups = items.Select((t, n) => (t, n)).Where(x => !same[x.n]).GroupBy(x => (x.t.Series.Height, x.t.Series.Width)).ToList();
            Tensor[]? referenceGrams = null;
            foreach (var group in groups)
            {
                var members = group.ToList();
                bool withReference = (group.Key.Height, group.Key.Width) == (_reference.Height, _reference.Width) && referenceGrams is null;
                var images = (withReference ? new[] { ((ImageStack)_reference, referenceTilt) } : Array.Empty<(ImageStack, int)>())
                    .Concat(members.Select(m => m.t)).ToList();
                var grams = Grams(images);
                int offset = withReference ? 1 : 0;
                if (withReference) referenceGrams = grams.Select(g => g.narrow(0, 0, 1)).ToArray();
                referenceGrams ??= Grams(new[] { ((ImageStack)_reference, referenceTilt) });
                for (int m = 0; m < members.Count; m++)
                {
                    double distance = 0;
                    for (int l = 0; l < grams.Length; l++)
                    {
                        distance += StyleWeights[l] * (grams[l].narrow(0, offset + m, 1) - referenceGrams[l]).square().mean().item<double>();
                    }
                    result[members[m].n] = distance;
                }
            }
            return result;
        }

        public void Dispose() => _network.Dispose();
    }
}

using System.Buffers;
using System.Globalization;
using FakET.Stages;

namespace FakET.Noise;

/// <summary>
/// FakET's noise addition (docs/DESIGN.md, "Adding noise"): X_i = r_i·standardise(C_i) + s·σ_i·N(0, 1), then X_i rescaled
/// to the target mean and standard deviation of tilt i, from the profile or from a reference series. Scale 1 gives
/// FakET's noisy series, 0.25 its content series; an order-0 profile gives the Gaussian BASELINE.
/// Each tilt draws from its own random stream (seed, tilt index), so the result is the same bit for bit whatever
/// the number of threads.
/// </summary>
public sealed class NoiseSynthesis : Stage<TiltSeries, NoiseOptions, TiltSeries>
{
    public override string Step => Steps.AddTiltNoise;

    /// <summary>Adds noise to every tilt of <paramref name="clean"/>, in parallel; returns a new series.</summary>
    protected override TiltSeries Execute(TiltSeries clean, NoiseOptions options, StageRun run)
    {
        var profile = options.Profile;
        var reference = options.Reference;
        int n = clean.TiltCount;
        if (profile.TiltCount != n)
            throw new FakETException(ErrorIds.NoiseTiltCountMismatch, FailureKind.InvalidArgument,
                $"The series has {n} tilts but the noise profile has {profile.TiltCount}; measure a profile on series with the same tilts.");
        if (reference is not null && reference.TiltCount != n)
            throw new FakETException(ErrorIds.NoiseTiltCountMismatch, FailureKind.InvalidArgument,
                $"The series has {n} tilts but the reference series has {reference.TiltCount}; each output tilt takes its mean and std from the reference tilt of the same index.");
        var r = profile.R;
        var sigma = profile.Sigma;
        var targetMean = profile.ReferenceMean;
        var targetStd = profile.ReferenceStd;
        double scale = options.Scale;
        int seed = options.Seed;
        int plane = clean.Height * clean.Width;
        var output = new float[n][];
        SectionLoop.Run(n, i =>
        {
            var (mean, std) = reference is null ? (targetMean[i], targetStd[i]) : reference.SectionStatistics(i);
            if (!double.IsFinite(mean) || !double.IsFinite(std))
                throw new FakETException(ErrorIds.NonFiniteData, FailureKind.InvalidData,
                    $"Tilt {i} of the reference series holds values that are not finite numbers (NaN or infinity).");
            var random = SeededRandom.For(seed, SeededRandom.Purpose.TiltNoise, i);
            var tilt = new float[plane];
            var work = ArrayPool<double>.Shared.Rent(plane);
            try
            {
                NoisyTilt(clean.Tilt(i), work.AsSpan(0, plane), r[i], scale * sigma[i], mean, std, ref random, tilt);
            }
            finally
            {
                ArrayPool<double>.Shared.Return(work);
            }
            output[i] = tilt;
        }, run.Cancel, run.Progress("tilt"), options.MaxThreads);

        var decided = new Dictionary<string, object?>
        {
            ["PolynomialOrder"] = profile.PolynomialOrder,
            ["R"] = r,
            ["Sigma"] = sigma,
            ["TargetMean"] = reference is null ? targetMean : null,
            ["TargetStd"] = reference is null ? targetStd : null,
        };
        return clean.Derive(output, run.Entry(Summary(scale, seed, profile.PolynomialOrder), decided));
    }

    /// <summary>How the history names the result: FakET's own words where they apply.</summary>
    public static string Summary(double scale, int seed, int order)
    {
        string what = (scale, order) switch
        {
            (1, 0) => "Gaussian baseline",
            (1, _) => "noisy",
            (0.25, _) => "content",
            _ => "noise ×" + scale.ToString("0.###", CultureInfo.InvariantCulture),
        };
        return $"{what} (seed {seed})";
    }

    /// <summary>One tilt: r·standardise(clean) + noiseStd·N(0,1) in float64 in <paramref name="work"/>, then rescaled to
    /// (<paramref name="mean"/>, <paramref name="std"/>) into <paramref name="output"/>. The noise is drawn in pairs and
    /// used at once, so the tilt is read and written only twice (memory bandwidth, not arithmetic, bounds this step).</summary>
    static void NoisyTilt(ReadOnlySpan<float> clean, Span<double> work, double r, double noiseStd, double mean, double std,
        ref SeededRandom random, Span<float> output)
    {
        var (cleanMean, cleanStd) = Statistics.MeanStd(clean);
        // The rescaling below makes the result the same for X and k·X (k > 0), so a huge noise std (σ or scale of 1e300,
        // or a product that overflows) is divided out first: X stays far from overflow (its squares are summed), and
        // the result is the exact limit, noise with r/noiseStd of the signal, not an infinite X rescaled to a constant.
        if (double.IsPositiveInfinity(noiseStd)) (r, noiseStd) = (0, 1);
        else if (noiseStd > 1e100) (r, noiseStd) = (r / noiseStd, 1);
        double signal = cleanStd > 0 ? r / cleanStd : 0; // a constant clean tilt standardises to 0
        double sum = 0, squares = 0;
        int n = work.Length;
        for (int p = 0; p < n; p += 2)
        {
            var (g0, g1) = random.NextGaussianPair();
            double x = (clean[p] - cleanMean) * signal + noiseStd * g0;
            work[p] = x;
            sum += x;
            squares += x * x;
            if (p + 1 == n) break;
            x = (clean[p + 1] - cleanMean) * signal + noiseStd * g1;
            work[p + 1] = x;
            sum += x;
            squares += x * x;
        }
        // X has mean ≈ 0 and a standard deviation of order 1, so E[X²] − E[X]² loses no precision here.
        double xMean = sum / n;
        double xStd = Math.Sqrt(Math.Max(0, squares / n - xMean * xMean));
        double gain = xStd > 0 ? std / xStd : 0;
        for (int p = 0; p < n; p++) output[p] = (float)((work[p] - xMean) * gain + mean);
    }
}

/// <summary>How <see cref="NoiseSynthesis"/> adds noise.</summary>
public sealed record NoiseOptions : StageOptions
{
    /// <summary>r and σ per tilt, and the target mean and std when no <see cref="Reference"/> is given.</summary>
    public required NoiseProfile Profile { get; init; }
    /// <summary>s: 1 for FakET's noisy series, 0.25 for its content series.</summary>
    public double Scale { get; init; } = 1;
    /// <summary>Seed of the noise.</summary>
    public int Seed { get; init; }
    /// <summary>When given, each output tilt gets this series' tilt mean and std instead of the profile's.</summary>
    public TiltSeries? Reference { get; init; }
    /// <summary>Threads at most; 0 for every core. The result is the same for any number.</summary>
    [NotInHistory]
    public int MaxThreads { get; init; }

    public override void Validate()
    {
        if (!double.IsFinite(Scale) || Scale < 0)
            throw new FakETException(ErrorIds.NoiseScaleInvalid, FailureKind.InvalidArgument,
                $"The noise scale must be a finite number ≥ 0 (1 for FakET's noisy series, 0.25 for its content series), not {Scale.ToString(CultureInfo.InvariantCulture)}.");
        ArgumentNullException.ThrowIfNull(Profile);
    }
}

using System.Globalization;
using FakET.Native;
using FakET.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FakET.Microscope;

/// <summary>
/// A physics-lite transmission electron microscope. It is NOT FakET: it models the image formation roughly, to turn
/// clean projections into a measured-like tilt series when no real data exist (e.g. as the style reference of a
/// quick start). Per tilt i at angle θ:
/// <list type="number">
/// <item>the specimen's phase φ = σ ∫V dz relative to its mean, from the interaction constant σ, when the clean projection C
///   is a potential in volts (<see cref="SpecimenPhase"/>); else φ = −PhaseScale · (C − mean C) / rms, with rms the
///   root-mean-square of C − mean C over the whole series (dense matter dark in C);</item>
/// <item>weak-phase image contrast 2·CTF(k)·E_B(k)·D_i(k)·Φ(k), with CTF(k) = −(√(1−A²) sin χ + A cos χ),
///   χ = πλΔf k² − π/2 Cs λ³ k⁴, envelope E_B = exp(−B k²/4), and radiation damage D_i = exp(−N_i/(2 N_e(k))) for the
///   dose N_i the specimen received before (and during half of) this exposure;</item>
/// <item>the zero-loss beam falls as exp(−t / (MFP · cos θ)) through the slab of thickness t;</item>
/// <item>the expected electrons per pixel, dose_i · pixel² · beam · (1 + contrast), are drawn as Poisson counts
///   (shot noise), each image row from its own random stream (seed, tilt, row);</item>
/// <item>the counts are filtered by the detector's pixel-aperture MTF.</item>
/// </list>
/// The output is in electrons per pixel.
/// </summary>
public sealed class MicroscopeSimulation : Stage<TiltSeries, MicroscopeSettings, TiltSeries>
{
    public override string Step => Steps.InvokeMicroscopeSimulation;

    /// <summary>What the simulation decided per tilt: when it was recorded and with which dose.</summary>
    /// <param name="AcquisitionIndex">Position in the recording order, from 0.</param>
    /// <param name="Dose">Dose of this tilt's exposure, e⁻/Å².</param>
    /// <param name="PriorDose">Dose received before this exposure plus half of its own (the exposure its signal is damaged by on average).</param>
    /// <param name="Beam">Fraction of the beam left after the slab: exp(−t / (MFP cos θ)).</param>
    public sealed record TiltExposure(int AcquisitionIndex, double Dose, double PriorDose, double Beam);

    /// <summary>The recording order: tilt indices in the order the microscope takes them.</summary>
    public static int[] Order(IReadOnlyList<double> angles, AcquisitionOrder order, int groupSize = 2)
    {
        int n = angles.Count;
        var byAngle = Enumerable.Range(0, n).OrderBy(i => angles[i]).ThenBy(i => i).ToArray();
        if (order == AcquisitionOrder.Sequential) return byAngle;
        // The start: the tilt nearest 0° (on a tie the non-negative one).
        int start = Enumerable.Range(0, n).OrderBy(i => Math.Abs(angles[i])).ThenBy(i => angles[i] < 0 ? 1 : 0).ThenBy(i => i).First();
        int at = Array.IndexOf(byAngle, start);
        var positive = byAngle[(at + 1)..];               // outwards: ascending angles
        var negative = Enumerable.Reverse(byAngle[..at]).ToArray(); // outwards: descending angles
        var result = new List<int>(n) { start };
        if (order == AcquisitionOrder.Bidirectional)
        {
            result.AddRange(positive);
            result.AddRange(negative);
            return result.ToArray();
        }
        int p = 0, q = 0;
        bool positiveTurn = true;
        while (p < positive.Length || q < negative.Length)
        {
            if (positiveTurn && p < positive.Length || q >= negative.Length)
                for (int k = 0; k < groupSize && p < positive.Length; k++) result.Add(positive[p++]);
            else
                for (int k = 0; k < groupSize && q < negative.Length; k++) result.Add(negative[q++]);
            positiveTurn = !positiveTurn;
        }
        return result.ToArray();
    }

    /// <summary>The recording order as tilt indices: the settings' order when given, else <paramref name="seriesOrder"/>
    /// (the series' own acquisition order, as angles), else dose-symmetric.</summary>
    public static int[] RecordingOrder(IReadOnlyList<double> angles, MicroscopeSettings settings, IReadOnlyList<double>? seriesOrder = null)
    {
        if (settings.AcquisitionOrder is null && seriesOrder is not null)
        {
            // Each angle of the series' order takes the first unused tilt of that angle.
            var unused = Enumerable.Range(0, angles.Count).GroupBy(i => angles[i]).ToDictionary(g => g.Key, g => new Queue<int>(g));
            return seriesOrder.Select(a => unused[a].Dequeue()).ToArray();
        }
        return Order(angles, settings.AcquisitionOrder ?? AcquisitionOrder.DoseSymmetric, settings.GroupSize);
    }

    /// <summary>Dose, prior dose and beam attenuation of every tilt (indexed as the series), for tilts recorded in
    /// <paramref name="order"/> (tilt indices; see <see cref="RecordingOrder"/>).</summary>
    public static TiltExposure[] Exposures(IReadOnlyList<double> angles, MicroscopeSettings settings, IReadOnlyList<int> order)
    {
        int n = angles.Count;
        double dose = settings.TotalDose / n;
        var exposures = new TiltExposure[n];
        for (int k = 0; k < n; k++)
        {
            int i = order[k];
            double cos = Math.Cos(angles[i] * Math.PI / 180);
            double beam = cos > 1e-6 ? Math.Exp(-settings.IceThickness / (settings.MeanFreePath * cos)) : 0;
            exposures[i] = new TiltExposure(k, dose, k * dose + dose / 2, beam);
        }
        return exposures;
    }

    /// <summary>Simulates recording <paramref name="clean"/> (which needs its tilt angles) in the series' acquisition order
    /// unless the settings name another; returns a new series of counts that carries the order it was recorded in.</summary>
    protected override TiltSeries Execute(TiltSeries clean, MicroscopeSettings settings, StageRun run)
    {
        settings.Validate();
        var angles = clean.TiltAngles ?? throw new FakETException(ErrorIds.MicroscopeTiltAnglesUnknown, FailureKind.InvalidArgument,
            "The series has no tilt angles; the microscope needs them for the path length and the recording order. Give them with Import-TiltSeries -TiltAngles or a .tlt file.");
        if (angles.Any(a => Math.Abs(a) >= 90))
            throw new FakETException(ErrorIds.MicroscopeParameterInvalid, FailureKind.InvalidArgument, "Tilt angles must lie strictly between −90° and +90°.");
        NativeStack.EnsureLoaded();
        int n = clean.TiltCount, height = clean.Height, width = clean.Width, half = width / 2 + 1;
        double pixel = clean.PixelSize;
        var order = RecordingOrder(angles, settings, clean.AcquisitionOrder);
        var exposures = Exposures(angles, settings, order);
        var cancel = run.Cancel;

        // One phase scale for the whole series, so the signal keeps its tilt dependence.
        double squares = 0;
        var means = new double[n];
        for (int i = 0; i < n; i++)
        {
            var (mean, std) = clean.SectionStatistics(i);
            if (!double.IsFinite(mean) || !double.IsFinite(std))
                throw new FakETException(ErrorIds.NonFiniteData, FailureKind.InvalidData, $"Tilt {i} holds values that are not finite numbers.");
            means[i] = mean;
            squares += std * std;
        }
        double rms = Math.Sqrt(squares / n);
        double phaseGain = SpecimenPhase.Gain(clean, settings, rms);

        // Frequencies of the half-spectrum rfft2 returns: rows ky (fftfreq), columns kx ≥ 0 (rfftfreq), in 1/Å.
        var transfer = new double[height * half];   // 2 · CTF · envelope, before damage
        var critical = new double[height * half];   // N_e(k)
        var mtf = new float[height * half];
        double lambda = ElectronOptics.Wavelength(settings.Voltage);
        double defocus = settings.Defocus * 1e4, cs = settings.SphericalAberration * 1e7;
        for (int y = 0; y < height; y++)
        {
            double fy = Frequency(y, height);
            for (int x = 0; x < half; x++)
            {
                double fx = (double)x / width;
                double k2 = (fx * fx + fy * fy) / (pixel * pixel);
                int at = y * half + x;
                transfer[at] = 2 * ElectronOptics.Ctf(ElectronOptics.Chi(k2, lambda, defocus, cs), settings.AmplitudeContrast)
                               * ElectronOptics.Envelope(k2, settings.BFactor);
                critical[at] = ElectronOptics.CriticalExposure(Math.Sqrt(k2), settings.Voltage);
                mtf[at] = settings.DetectorMtf ? (float)(ElectronOptics.PixelMtf(fx) * ElectronOptics.PixelMtf(fy)) : 1f;
            }
        }

        var device = ComputeDevices.Resolve(ComputeDevice.Auto);
        var output = new float[n][];
        var shape = new long[] { height, width };
        var halfShape = new long[] { height, half };
        // Reused buffers: the tilts are recorded one after another. The CPU tensors are written through spans.
        using var mtfTensor = TensorData.Upload(mtf, device, halfShape);
        using var phase = torch.empty(shape, ScalarType.Float32);
        using var filter = torch.empty(halfShape, ScalarType.Float32);
        using var recorded = torch.empty(shape, ScalarType.Float32);
        SectionLoop.Run(n, i =>
        {
            var exposure = exposures[i];
            var filterValues = TensorData.Span(filter);
            for (int at = 0; at < filterValues.Length; at++)
                filterValues[at] = (float)(transfer[at] * Math.Exp(-exposure.PriorDose / (2 * critical[at])));
            var tilt = clean.Tilt(i);
            var phaseValues = TensorData.Span(phase);
            for (int p = 0; p < phaseValues.Length; p++) phaseValues[p] = (float)((tilt[p] - means[i]) * phaseGain);

            var counts = new float[height * width];
            using (var scope = torch.NewDisposeScope())
            {
                var contrast = fft.irfft2(fft.rfft2(phase.to(device)) * filter.to(device), s: shape);
                double electrons = exposure.Dose * pixel * pixel * exposure.Beam * HalfSets.DoseFraction(settings.Part);
                TensorData.CopyTo((contrast + 1).clamp_min(0) * electrons, counts);
            }

            // The expected counts become Poisson counts in place, each row from its own stream (seed, tilt, row).
            // A half-set draws from streams of its own (seed, tilt, row, part); without shot noise the expected counts stay.
            if (settings.Part != RecordedPart.NoShotNoise) Parallel.For(0, height, new ParallelOptions { CancellationToken = cancel }, y =>
            {
                var random = settings.Part == RecordedPart.Full
                    ? SeededRandom.For(settings.Seed, SeededRandom.Purpose.ShotNoise, i, y)
                    : SeededRandom.For(settings.Seed, SeededRandom.Purpose.ShotNoise, i, y, (long)settings.Part);
                var row = counts.AsSpan(y * width, width);
                for (int x = 0; x < width; x++) row[x] = random.NextPoisson(row[x]);
            });

            if (settings.DetectorMtf)
            {
                using var scope = torch.NewDisposeScope();
                counts.CopyTo(TensorData.Span(recorded));
                TensorData.CopyTo(fft.irfft2(fft.rfft2(recorded.to(device)) * mtfTensor, s: shape), counts);
            }
            output[i] = counts;
        }, cancel, run.Progress("tilt"), maxThreads: 1);

        // What the simulation decided: the order it recorded in, and per tilt when and after how much dose.
        var decided = new Dictionary<string, object?>
        {
            ["AcquisitionOrder"] = settings.AcquisitionOrder?.ToString() ?? (clean.AcquisitionOrder is null ? "DoseSymmetric" : "the series' own"),
            ["AcquisitionIndex"] = exposures.Select(e => e.AcquisitionIndex).ToArray(),
            ["PriorDose"] = exposures.Select(e => e.PriorDose).ToArray(),
            ["Phase"] = SpecimenPhase.Describe(clean, settings),
        };
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"microscope {settings.Voltage:0.#} kV, {settings.Defocus:0.##} µm, {settings.TotalDose:0.#} e/Å² (seed {settings.Seed}){HalfSets.Describe(settings.Part)}");
        return clean.Derive(output, run.Entry(summary, decided), acquisitionOrder: order.Select(i => angles[i]).ToArray());
    }

    /// <summary>numpy's fftfreq: frequency of DFT bin <paramref name="index"/> of <paramref name="length"/>, cycles per sample.</summary>
    public static double Frequency(int index, int length) => (index < (length + 1) / 2 ? index : index - length) / (double)length;
}

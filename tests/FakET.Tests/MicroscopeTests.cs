using System.Xml.Linq;
using FakET.Microscope;
using FakET.Native;
using FakET.Tests.Support;
using TorchSharp;

namespace FakET.Tests;

/// <summary>The physics-lite microscope against theory: CTF zeros, Poisson statistics, dose bookkeeping.</summary>
[Trait("Tier", "Module")]
public class MicroscopeTests
{
    /// <summary>Relativistic electron wavelength in Å from CODATA constants: λ = h / √(2 m₀ e V (1 + e V / (2 m₀ c²))).</summary>
    static double WavelengthFromConstants(double volts)
    {
        const double h = 6.62607015e-34, m0 = 9.1093837015e-31, e = 1.602176634e-19, c = 299792458;
        return h / Math.Sqrt(2 * m0 * e * volts * (1 + e * volts / (2 * m0 * c * c))) * 1e10;
    }

    /// <summary>Radii (1/Å) where √(1−A²) sin χ + A cos χ = sin(χ + α) vanishes: χ(k) = nπ − α, solved for k² from
    /// χ = πλΔf k² − (π/2) Cs λ³ k⁴.</summary>
    static double ZeroRadius(int n, double volts, double defocusAngstrom, double csAngstrom, double amplitude)
    {
        double lambda = WavelengthFromConstants(volts), alpha = Math.Atan2(amplitude, Math.Sqrt(1 - amplitude * amplitude));
        double a = csAngstrom * Math.Pow(lambda, 3) / 2, b = lambda * defocusAngstrom, c = n - alpha / Math.PI;
        double k2 = (b - Math.Sqrt(b * b - 4 * a * c)) / (2 * a);
        return Math.Sqrt(k2);
    }

    [Fact]
    public void TheCtfZerosSitWhereTheoryPutsThem()
    {
        const int size = 256, tilts = 4;
        const double pixel = 2, defocus = 1.5, cs = 2.7, amplitude = 0.1;
        var clean = Synthetic.WhiteNoise(tilts, size, size, seed: 1, pixel, new[] { -3.0, -1, 1, 3 });
        var settings = new MicroscopeSettings
        {
            Defocus = defocus, SphericalAberration = cs, AmplitudeContrast = amplitude, TotalDose = 40, IceThickness = 0,
            PhaseScale = 0.3, Seed = 1,
        };
        var recorded = Engine.Record(clean, settings);

        // Radial power spectrum, averaged over the tilts, in rings one Fourier pixel (1/(size·pixel) Å⁻¹) wide.
        NativeStack.EnsureLoaded();
        var power = new double[size / 2 + 1];
        var count = new int[size / 2 + 1];
        for (int t = 0; t < tilts; t++)
        {
            using var scope = torch.NewDisposeScope();
            var image = torch.tensor(recorded.Tilt(t), new long[] { size, size }, torch.float64);
            var spectrum = torch.fft.fft2(image - image.mean()).abs().pow(2).data<double>().ToArray();
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    double fy = y < size / 2 ? y : y - size, fx = x < size / 2 ? x : x - size;
                    int ring = (int)Math.Round(Math.Sqrt(fx * fx + fy * fy));
                    if (ring > size / 2) continue;
                    power[ring] += spectrum[y * size + x];
                    count[ring]++;
                }
        }
        for (int i = 0; i < power.Length; i++) power[i] /= count[i];

        double Ring(double k) => k * size * pixel; // 1/Å → ring index
        for (int n = 1; n <= 6; n++)
        {
            double zero = Ring(ZeroRadius(n, 300e3, defocus * 1e4, cs * 1e7, amplitude));
            double previous = Ring(n == 1 ? 0 : ZeroRadius(n - 1, 300e3, defocus * 1e4, cs * 1e7, amplitude));
            double next = Ring(ZeroRadius(n + 1, 300e3, defocus * 1e4, cs * 1e7, amplitude));
            // Search between the maxima on either side (halfway to the neighbouring zeros).
            int from = (int)Math.Ceiling((previous + zero) / 2), to = (int)Math.Floor((zero + next) / 2);
            int minimum = Enumerable.Range(from, to - from + 1).MinBy(i => power[i]);
            Assert.True(Math.Abs(minimum - zero) <= 1.0, $"zero {n}: theory puts it at ring {zero:0.00}, the spectrum's minimum is at ring {minimum}");
            double peak = Enumerable.Range(from, to - from + 1).Max(i => power[i]);
            Assert.True(power[minimum] < 0.3 * peak, $"zero {n} is no real minimum: {power[minimum]:0} vs {peak:0}");
        }
    }

    [Fact]
    public void ShotNoiseVarianceFollowsTheDose()
    {
        const int size = 128;
        const double pixel = 4;
        var angles = new[] { -60.0, -30, 0, 30, 60 };
        var flat = Synthetic.Constant(5, size, size, 1f, pixel, angles);
        var settings = new MicroscopeSettings { IceThickness = 150, MeanFreePath = 350, Seed = 3 };
        // The pixel-aperture MTF passes white noise's variance times the mean of MTF² over the DFT grid.
        double mtf2 = 0;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double fy = (y < size / 2 ? y : y - size) / (double)size, fx = (x < size / 2 ? x : x - size) / (double)size;
                mtf2 += Math.Pow(Sinc(fx) * Sinc(fy), 2);
            }
        mtf2 /= size * size;

        var variances = new Dictionary<(double Dose, bool Mtf), double[]>(); // raw variance per tilt
        foreach (var dose in new[] { 25.0, 100 })
            foreach (var mtf in new[] { true, false })
            {
                var recorded = Engine.Record(flat, settings with { TotalDose = dose, DetectorMtf = mtf });
                var v = new double[5];
                for (int i = 0; i < 5; i++)
                {
                    var (mean, std) = recorded.SectionStatistics(i);
                    double expected = dose / 5 * pixel * pixel * Math.Exp(-150 / (350 * Math.Cos(angles[i] * Math.PI / 180)));
                    Assert.Equal(1, mean / expected, 0.005);                     // electrons per pixel: dose, pixel area, path length
                    v[i] = std * std;
                    // Poisson: variance = mean, times the MTF's noise gain.
                    Assert.Equal(mtf ? mtf2 : 1, v[i] / expected, (mtf ? mtf2 : 1) * 0.06);
                }
                variances[(dose, mtf)] = v;
            }
        // Four times the dose, four times the variance, tilt by tilt.
        foreach (var mtf in new[] { true, false })
            for (int i = 0; i < 5; i++)
                Assert.InRange(variances[(100, mtf)][i] / variances[(25, mtf)][i], 4 * 0.9, 4 * 1.1);
        Assert.True(mtf2 < 0.7); // the MTF really filters
    }

    static double Sinc(double f) => f == 0 ? 1 : Math.Sin(Math.PI * f) / (Math.PI * f);

    [Fact]
    public void DenseMatterImagesDarkInUnderfocus()
    {
        const int size = 128;
        var disc = new float[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                disc[y * size + x] = (x - 64) * (x - 64) + (y - 64) * (y - 64) < 20 * 20 ? -1f : 0f; // FakET's clean: dense is negative
        var clean = new TiltSeries(new[] { disc }, size, size, new[] { 0.0 }, 4);
        var recorded = Engine.Record(clean, new MicroscopeSettings { TotalDose = 200, Seed = 2 }).Tilt(0);
        double inside = 0, outside = 0;
        int nInside = 0, nOutside = 0;
        for (int p = 0; p < disc.Length; p++)
            if (disc[p] < 0) { inside += recorded[p]; nInside++; }
            else if (Math.Abs(p / size - 64) > 40 || Math.Abs(p % size - 64) > 40) { outside += recorded[p]; nOutside++; }
        Assert.True(inside / nInside < 0.95 * (outside / nOutside), $"inside {inside / nInside:0.0}, outside {outside / nOutside:0.0}");
    }

    [Fact]
    public void AcquisitionOrdersAndDoseBookkeeping()
    {
        var angles = new[] { -9.0, -6, -3, 0, 3, 6, 9 };
        int Index(double a) => Array.IndexOf(angles, a);
        Assert.Equal(new[] { 0.0, 3, 6, -3, -6, 9, -9 }, MicroscopeSimulation.Order(angles, AcquisitionOrder.DoseSymmetric, 2).Select(i => angles[i]));
        Assert.Equal(new[] { 0.0, 3, -3, 6, -6, 9, -9 }, MicroscopeSimulation.Order(angles, AcquisitionOrder.DoseSymmetric, 1).Select(i => angles[i]));
        Assert.Equal(new[] { 0.0, 3, 6, 9, -3, -6, -9 }, MicroscopeSimulation.Order(angles, AcquisitionOrder.Bidirectional).Select(i => angles[i]));
        Assert.Equal(angles, MicroscopeSimulation.Order(Enumerable.Reverse(angles).ToArray(), AcquisitionOrder.Sequential).Select(i => angles[6 - i]));
        var dosed = new MicroscopeSettings { TotalDose = 70, IceThickness = 0 };
        var exposures = MicroscopeSimulation.Exposures(angles, dosed, MicroscopeSimulation.RecordingOrder(angles, dosed));
        Assert.All(exposures, e => Assert.Equal(10, e.Dose, 12));
        Assert.Equal(5, exposures[Index(0)].PriorDose, 12);   // first: half its own exposure
        Assert.Equal(25, exposures[Index(6)].PriorDose, 12);  // third
        Assert.Equal(65, exposures[Index(-9)].PriorDose, 12); // last
        Assert.All(exposures, e => Assert.Equal(1, e.Beam));
    }

    [Fact]
    public void TheSameSeedGivesTheSameSeriesAndTheSettingsAreRecorded()
    {
        var clean = Synthetic.Smooth(3, 48, 48, seed: 4);
        var settings = new MicroscopeSettings { Seed = 11, Defocus = 2.5 };
        var a = Engine.Record(clean, settings);
        var b = Engine.Record(clean, settings);
        var c = Engine.Record(clean, settings with { Seed = 12 });
        Assert.Equal(a.Sections, b.Sections);
        Assert.NotEqual(a.Tilt(1), c.Tilt(1));
        Assert.Equal("microscope 300 kV, 2.5 µm, 100 e/Å² (seed 11)", a.LastStep);
        Assert.Equal(2.5, a.History[^1].Parameters["Defocus"]);
        Assert.Equal(clean.TiltAngles, a.TiltAngles);
    }

    [Fact]
    public void BadSettingsAndMissingAnglesAreNamedErrors()
    {
        var clean = Synthetic.Smooth(2, 16, 16, seed: 1);
        Assert.Equal(ErrorIds.MicroscopeParameterInvalid,
            Assert.Throws<FakETException>(() => Engine.Record(clean, new MicroscopeSettings { AmplitudeContrast = 1 })).ErrorId);
        Assert.Equal(ErrorIds.MicroscopeParameterInvalid,
            Assert.Throws<FakETException>(() => Engine.Record(clean, new MicroscopeSettings { TotalDose = 0 })).ErrorId);
        var noAngles = new TiltSeries(clean.Sections.ToArray(), 16, 16, null, 10);
        Assert.Equal(ErrorIds.MicroscopeTiltAnglesUnknown,
            Assert.Throws<FakETException>(() => Engine.Record(noAngles, new MicroscopeSettings())).ErrorId);
    }

    [Fact]
    public void TheCmdletRunsSeededAndItsHelpSaysItIsNotFakET()
    {
        using var ps = new PowerShellSession();
        var clean = Synthetic.Smooth(3, 32, 32, seed: 5);
        var noAngles = new TiltSeries(clean.Sections.ToArray(), 32, 32, null, 10);
        var r = ps.Run("$c | Invoke-MicroscopeSimulation -Seed 4 -Defocus 2 -AcquisitionOrder Sequential; $c | Invoke-MicroscopeSimulation -Seed 4 -Defocus 2 -AcquisitionOrder Sequential; $n | Invoke-MicroscopeSimulation",
            ("c", clean), ("n", noAngles));
        Assert.Equal(2, r.Output.Count);
        Assert.Equal(((TiltSeries)r.Output[0].BaseObject).Sections, ((TiltSeries)r.Output[1].BaseObject).Sections);
        Assert.Equal($"{ErrorIds.MicroscopeTiltAnglesUnknown},FakET.PowerShell.Cmdlets.InvokeMicroscopeSimulationCommand", r.SingleError().FullyQualifiedErrorId);
        Assert.Equal(6, r.Progress.Count(p => p.Activity == "Recording" && p.ParentActivityId == 1));

        // The cmdlet help (the module's XML documentation, which becomes its MAML help) says it is not FakET.
        var doc = XDocument.Load(Path.Combine(Path.GetDirectoryName(Repo.ModuleManifest)!, "FakET.PowerShell.xml"));
        var help = doc.Descendants("member").Single(m => (string?)m.Attribute("name") == "T:FakET.PowerShell.Cmdlets.InvokeMicroscopeSimulationCommand");
        var synopsis = help.Descendants("para").First(p => (string?)p.Attribute("type") == "synopsis").Value;
        Assert.Contains("NOT FakET", synopsis);
        Assert.Contains("not FakET", help.Descendants("para").First(p => (string?)p.Attribute("type") == "description").Value);
    }

    [Fact]
    public void TensorDataCopiesEveryValueInOrder()
    {
        NativeStack.EnsureLoaded();
        var values = Enumerable.Range(0, 6 * 7).Select(i => i * 0.5f - 3).ToArray();
        using var tensor = torch.tensor(values, new long[] { 6, 7 });
        var copy = new float[values.Length];
        TensorData.CopyTo(tensor, copy);
        Assert.Equal(values, copy);
        using var transposed = tensor.t(); // not contiguous: copied in its own (logical) order
        TensorData.CopyTo(transposed, copy);
        Assert.Equal(values[7 * 2 + 3], copy[3 * 6 + 2]);
        using var doubles = torch.tensor(new double[] { 1.5, -2 });
        var two = new float[2];
        TensorData.CopyTo(doubles, two);
        Assert.Equal(new[] { 1.5f, -2f }, two);
        Assert.Throws<ArgumentException>(() => TensorData.CopyTo(tensor, new float[5]));
    }

    // ---- the random numbers behind the noise ----------------------------------------------------------------------

    [Theory]
    [InlineData(0.3)]
    [InlineData(4.0)]
    [InlineData(9.99)]
    [InlineData(10.0)]
    [InlineData(40.0)]
    [InlineData(700.0)]
    public void PoissonCountsFollowThePoissonDistribution(double mean)
    {
        const int samples = 200_000;
        var random = SeededRandom.For(1, SeededRandom.Purpose.ShotNoise, (long)(mean * 100));
        var histogram = new Dictionary<long, int>();
        double sum = 0, squares = 0;
        for (int i = 0; i < samples; i++)
        {
            long k = random.NextPoisson(mean);
            histogram[k] = histogram.GetValueOrDefault(k) + 1;
            sum += k;
            squares += (double)k * k;
        }
        double m = sum / samples, variance = squares / samples - m * m;
        Assert.Equal(mean, m, 5 * Math.Sqrt(mean / samples));
        Assert.Equal(1, variance / mean, 5 * Math.Sqrt(2.0 / samples) + 0.01);
        // χ² against the probability mass function (bins with fewer than 20 expected counts pooled into the tails).
        double Pmf(long k) => Math.Exp(k * Math.Log(mean) - mean - LogFactorial(k));
        var bins = new List<(double Expected, double Observed)>();
        double pooledE = 0, pooledO = 0;
        for (long k = 0; k <= (long)(mean + 12 * Math.Sqrt(mean) + 10); k++)
        {
            double e = Pmf(k) * samples;
            pooledE += e;
            pooledO += histogram.GetValueOrDefault(k);
            if (pooledE >= 20)
            {
                bins.Add((pooledE, pooledO));
                pooledE = pooledO = 0;
            }
        }
        double chi2 = bins.Sum(b => (b.Observed - b.Expected) * (b.Observed - b.Expected) / b.Expected);
        int df = bins.Count - 1;
        Assert.True(chi2 < df + 6 * Math.Sqrt(2 * df), $"χ² {chi2:0.0} with {df} degrees of freedom");
    }

    static double LogFactorial(long k)
    {
        double s = 0;
        for (long i = 2; i <= k; i++) s += Math.Log(i);
        return s;
    }

    [Fact]
    public void GaussianStreamsAreStandardNormalAndIndependent()
    {
        var values = new double[100_001];
        var random = SeededRandom.For(5, SeededRandom.Purpose.TiltNoise, 0);
        random.FillGaussian(values);
        double mean = values.Average(), variance = values.Average(v => (v - mean) * (v - mean));
        double kurtosis = values.Average(v => Math.Pow(v - mean, 4)) / (variance * variance);
        Assert.Equal(0, mean, 0.015);
        Assert.Equal(1, variance, 0.015);
        Assert.Equal(3, kurtosis, 0.1);
        var other = new double[values.Length];
        var next = SeededRandom.For(5, SeededRandom.Purpose.TiltNoise, 1);
        next.FillGaussian(other);
        double correlation = values.Zip(other, (a, b) => a * b).Average();
        Assert.InRange(correlation, -0.015, 0.015);
        Assert.Equal(15.104412573075516, SeededRandom.LogFactorial(10), 12);     // ln 10!
        Assert.Equal(LogFactorial(300), SeededRandom.LogFactorial(300), 9);    // Stirling's series beyond the table
    }
}

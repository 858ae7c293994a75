using System.Management.Automation;
using System.Text.Json;
using FakET.IO;
using FakET.Reconstruction;
using FakET.Tests.Support;
using TorchSharp;

namespace FakET.Tests;

/// <summary>
/// New-Tomogram: filtered back-projection against scikit-image's iradon (the shared reference case and references
/// made by make_iradon_references.py), against analytic projections of balls, and through the cmdlet.
/// </summary>
[Trait("Tier", "Engine")]
public class ReconstructionTests
{
    internal static double[] CaseAngles() =>
        JsonDocument.Parse(File.ReadAllText(Repo.Data("reference-case-a.json"))).RootElement
            .GetProperty("tilt_angles_deg").EnumerateArray().Select(a => a.GetDouble()).ToArray();

    static TiltSeries CaseSeries()
    {
        var (header, tilts) = MrcFile.Read(Repo.Data("projections_noiseless.mrc"));
        return new TiltSeries(tilts, header.Ny, header.Nx, CaseAngles(), 1.0);
    }

    internal static float[] Flat(IEnumerable<float[]> sections) => sections.SelectMany(s => s).ToArray();

    internal static float[] Flat(string file) => Flat(MrcFile.Read(Repo.Data(file)).Sections);

    /// <summary>Section (Z, X) of a volume at row y.</summary>
    static float[] XzSlice(Volume v, int y) =>
        Enumerable.Range(0, v.Depth).SelectMany(z => v.Section(z).AsSpan(y * v.Width, v.Width).ToArray()).ToArray();

    static double RelativeError(float[] actual, float[] expected)
    {
        double d = 0, e = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            d += (actual[i] - (double)expected[i]) * (actual[i] - (double)expected[i]);
            e += (double)expected[i] * expected[i];
        }
        return Math.Sqrt(d / e);
    }

    // ---- Filters and geometry against scikit-image ----

    [Fact]
    public void FilterResponsesAreIradons()
    {
        var json = JsonDocument.Parse(File.ReadAllText(Repo.Data("iradon_filters.json"))).RootElement;
        int length = json.GetProperty("length").GetInt32();
        Assert.Equal(128, FourierFilter.PaddedLength(64));
        var names = new Dictionary<string, ReconstructionFilter>
        {
            ["ramp"] = ReconstructionFilter.Ramp, ["shepp-logan"] = ReconstructionFilter.SheppLogan, ["cosine"] = ReconstructionFilter.Cosine,
            ["hamming"] = ReconstructionFilter.Hamming, ["hann"] = ReconstructionFilter.Hann, ["None"] = ReconstructionFilter.None,
        };
        foreach (var (name, filter) in names)
        {
            var expected = json.GetProperty("responses").GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var actual = FourierFilter.Response(filter, length);
            Assert.Equal(expected.Length, actual.Length);
            for (int k = 0; k < length; k++) Assert.True(Math.Abs(expected[k] - actual[k]) < 1e-12, $"{name}[{k}]: {actual[k]} vs {expected[k]}");
        }
    }

    [Theory]
    [InlineData(1, 64)]
    [InlineData(32, 64)]
    [InlineData(33, 128)]
    [InlineData(64, 128)]
    [InlineData(100, 256)]
    [InlineData(1024, 2048)]
    public void ProjectionsArePaddedToAPowerOfTwoAtLeastTwiceTheWidth(int width, int padded) =>
        Assert.Equal(padded, FourierFilter.PaddedLength(width));

    [Fact]
    public void TheSharedCaseAgreesWithIradon()
    {
        var volume = Engine.Reconstruct(CaseSeries(), new TomogramOptions { Thickness = 64 });
        Assert.Equal((64, 64, 64), (volume.Depth, volume.Height, volume.Width));
        var expected = Flat("reconstruction_fbp_ramp.mrc");
        var actual = Flat(volume.Sections);
        Assert.True(Statistics.Correlation(actual, expected) >= 0.9999, $"correlation {Statistics.Correlation(actual, expected)}");
        Assert.True(RelativeError(actual, expected) < 1e-3, $"relative error {RelativeError(actual, expected)}");
    }

    [Theory]
    [InlineData(ReconstructionFilter.SheppLogan, 0)]
    [InlineData(ReconstructionFilter.Cosine, 1)]
    [InlineData(ReconstructionFilter.Hamming, 2)]
    [InlineData(ReconstructionFilter.Hann, 3)]
    [InlineData(ReconstructionFilter.None, 4)]
    public void EveryFilterAgreesWithIradon(ReconstructionFilter filter, int index)
    {
        int[] slices = { 18, 32, 49 };
        var expected = MrcFile.Read(Repo.Data("iradon_filters_case_a.mrc")).Sections;
        var volume = Engine.Reconstruct(CaseSeries(), new TomogramOptions { Filter = filter });
        for (int s = 0; s < slices.Length; s++)
        {
            var actual = XzSlice(volume, slices[s]);
            var reference = expected[index * slices.Length + s];
            Assert.True(RelativeError(actual, reference) < 1e-3, $"{filter}, y = {slices[s]}: relative error {RelativeError(actual, reference)}");
        }
    }

    [Fact]
    public void BinningAveragesPixelsAndDoublesTheVoxelSize()
    {
        var series = CaseSeries();
        var volume = Engine.Reconstruct(series, new TomogramOptions { Bin = 2 });
        Assert.Equal((32, 32, 32), (volume.Depth, volume.Height, volume.Width));
        Assert.Equal(2.0, volume.VoxelSize);
        // iradon of the projections averaged over 2×2 pixels by numpy.
        var expected = Flat("iradon_bin2_case_a.mrc");
        Assert.True(RelativeError(Flat(volume.Sections), expected) < 1e-3, $"relative error {RelativeError(Flat(volume.Sections), expected)}");
        var entry = volume.History[^1];
        Assert.Equal("New-Tomogram", entry.Step);
        Assert.Equal(2, entry.Parameters["Bin"]);
        Assert.Equal(2.0, entry.Parameters["VoxelSize"]);
        Assert.Equal("tomogram (ramp, bin 2)", entry.Summary);
        Assert.Empty(series.History); // the input is not changed
    }

    [Fact]
    public void ThicknessAddsSectionsAboutTheSameCentre()
    {
        var series = CaseSeries();
        var thin = Engine.Reconstruct(series, new TomogramOptions { Thickness = 64 });
        var thick = Engine.Reconstruct(series, new TomogramOptions { Thickness = 96 });
        Assert.Equal(96, thick.Depth);
        // Centre 48 of 96 is centre 32 of 64: sections 16…79 of the thick volume are the thin one.
        for (int z = 0; z < 64; z++)
            for (int i = 0; i < thin.Section(z).Length; i++)
                Assert.True(Math.Abs(thin.Section(z)[i] - thick.Section(z + 16)[i]) <= 1e-5f * (1 + Math.Abs(thin.Section(z)[i])));
        Assert.Equal(64, Engine.Reconstruct(series).Depth); // the default is the width
    }

    [Fact]
    public void SmallBlocksGiveTheSameVolumeReportProgressAndStopWhenCancelled()
    {
        var series = CaseSeries();
        var whole = Engine.Reconstruct(series);
        var steps = new List<(int Done, int Total)>();
        // Budget for about 5 Y slices per block.
        long budget = 2L * 21 * 66 * 4 * 5;
        var blocked = Engine.Reconstruct(series, new TomogramOptions { BlockBytes = budget }, default, (d, t) => steps.Add((d, t)));
        Assert.Equal(Enumerable.Range(1, 13).Select(b => (Math.Min(64, 5 * b), 64)), steps);
        for (int z = 0; z < 64; z++) Assert.Equal(whole.Section(z), blocked.Section(z));

        using var cancel = new CancellationTokenSource();
        int blocks = 0;
        Assert.Throws<OperationCanceledException>(() => Engine.Reconstruct(series, new TomogramOptions { BlockBytes = budget },
            cancel.Token, (_, _) => { if (++blocks == 2) cancel.Cancel(); }));
        Assert.Equal(2, blocks);
    }

    [Fact]
    public void UnknownOrMismatchedAnglesAreNamedErrors()
    {
        var series = CaseSeries();
        var unknown = series.WithTiltAngles(null);
        var e = Assert.Throws<FakETException>(() => Engine.Reconstruct(unknown));
        Assert.Equal(ErrorIds.TiltAnglesUnknown, e.ErrorId);
        e = Assert.Throws<FakETException>(() => Engine.Reconstruct(series, new TomogramOptions { TiltAngles = new[] { 0.0, 1 } }));
        Assert.Equal(ErrorIds.TiltAngleCountMismatch, e.ErrorId);
        Assert.Contains("21 tilts but 2 tilt angles", e.Message);
        e = Assert.Throws<FakETException>(() => Engine.Reconstruct(series, new TomogramOptions { Bin = 65 }));
        Assert.Equal(ErrorIds.ReconstructionBinTooLarge, e.ErrorId);
    }

    // ---- Consistency with analytic projections ----

    /// <summary>A ball: centre (z, y, x) in voxel indices, radius in voxels, density.</summary>
    sealed record Ball(double Z, double Y, double X, double Radius, double Density);

    // Off-centre and unlike each other, so that a flip or swap of Z and X, or a wrong angle sign, would show.
    static readonly Ball[] Balls =
    {
        new(20, 10, 40, 7, 1.0), new(40, 14, 22, 5, 2.0), new(30, 12, 31, 3, -1.5), new(44, 9, 44, 4, 1.0),
    };

    const int Size = 64, Rows = 24;

    /// <summary>
    /// Line integrals through the balls, in closed form: the ray of detector pixel u at angle θ is the line
    /// (x − W/2)·cos θ − (z − T/2)·sin θ = u − W/2 in the slice of row y; it passes a ball at distance d from its
    /// centre and crosses it over 2·√(r² − d²).
    /// </summary>
    static TiltSeries AnalyticSeries(double[] angles)
    {
        var tilts = new float[angles.Length][];
        for (int i = 0; i < angles.Length; i++)
        {
            double c = Math.Cos(angles[i] * Math.PI / 180), s = Math.Sin(angles[i] * Math.PI / 180);
            var tilt = tilts[i] = new float[Rows * Size];
            for (int y = 0; y < Rows; y++)
                for (int u = 0; u < Size; u++)
                {
                    double sum = 0;
                    foreach (var b in Balls)
                    {
                        double along = u - Size / 2 - ((b.X - Size / 2) * c - (b.Z - Size / 2) * s);
                        double d2 = along * along + (y - b.Y) * (y - b.Y);
                        if (d2 < b.Radius * b.Radius) sum += b.Density * 2 * Math.Sqrt(b.Radius * b.Radius - d2);
                    }
                    tilt[y * Size + u] = (float)sum;
                }
        }
        return new TiltSeries(tilts, Rows, Size, angles, 1.0);
    }

    /// <summary>The balls as voxels (Z, Y, X), each voxel the mean of 4×4×4 samples (partial volumes).</summary>
    static float[] Phantom()
    {
        var voxels = new float[Size * Rows * Size];
        for (int z = 0; z < Size; z++)
            for (int y = 0; y < Rows; y++)
                for (int x = 0; x < Size; x++)
                {
                    double sum = 0;
                    for (int k = 0; k < 64; k++)
                    {
                        double pz = z + (k / 16 + 0.5) / 4 - 0.5, py = y + (k / 4 % 4 + 0.5) / 4 - 0.5, px = x + (k % 4 + 0.5) / 4 - 0.5;
                        foreach (var b in Balls)
                            if ((pz - b.Z) * (pz - b.Z) + (py - b.Y) * (py - b.Y) + (px - b.X) * (px - b.X) < b.Radius * b.Radius) sum += b.Density;
                    }
                    voxels[(z * Rows + y) * Size + x] = (float)(sum / 64);
                }
        return voxels;
    }

    static double[] Range(double from, double to, double step) =>
        Enumerable.Range(0, (int)Math.Round((to - from) / step)).Select(i => from + i * step).ToArray();

    [Fact]
    public void AFullRangeReconstructsTheBalls()
    {
        var volume = Engine.Reconstruct(AnalyticSeries(Range(-90, 90, 1)));
        double r = Statistics.Correlation(Flat(volume.Sections), Phantom());
        Assert.True(r > 0.98, $"correlation {r}");
    }

    /// <summary>
    /// Energy of the XZ slices' Fourier transforms, summed over Y, by direction: the angle of (k_z, k_x) from the
    /// k_x axis, in degrees, for 0.06 ≤ |k| ≤ 0.3 cycles per voxel. Returns the mean energy per frequency in the band.
    /// </summary>
    static double BandEnergy(float[] voxels, double fromDegrees, double toDegrees)
    {
        torch.InitializeDeviceType(DeviceType.CPU);
        using var scope = torch.NewDisposeScope();
        var power = torch.fft.fft2(torch.tensor(voxels, new long[] { Size, Rows, Size }).to(torch.float64), dim: new long[] { 0, 2 })
            .abs().pow(2).sum(1).data<double>().ToArray(); // (k_z, k_x)
        double sum = 0;
        int count = 0;
        for (int kz = 0; kz < Size; kz++)
            for (int kx = 0; kx < Size; kx++)
            {
                double fz = (kz < Size / 2 ? kz : kz - Size) / (double)Size, fx = (kx < Size / 2 ? kx : kx - Size) / (double)Size;
                double radius = Math.Sqrt(fz * fz + fx * fx), angle = Math.Atan2(Math.Abs(fz), Math.Abs(fx)) * 180 / Math.PI;
                if (radius < 0.06 || radius > 0.3 || angle < fromDegrees || angle >= toDegrees) continue;
                sum += power[kz * Size + kx];
                count++;
            }
        return sum / count;
    }

    [Fact]
    public void ALimitedRangeLeavesTheMissingWedgeAboutTheBeamAxis()
    {
        double[] fullAngles = Range(-90, 90, 1), limitedAngles = Range(-60, 61, 1);
        var full = Flat(Engine.Reconstruct(AnalyticSeries(fullAngles)).Sections);
        var limited = Flat(Engine.Reconstruct(AnalyticSeries(limitedAngles)).Sections);
        // Tilts up to 60° measure the Fourier plane within 60° of the k_x axis (the detector direction at 0°);
        // the wedge within 30° of k_z (the beam at 0°) is missing. Compare each band with the full range's.
        // iradon weights every tilt by π / (2n) as if the tilts covered 180°, so the measured band of the
        // limited range comes out (180 / 121)² times stronger in energy.
        double gain = Math.Pow((double)fullAngles.Length / limitedAngles.Length, 2);
        double measured = BandEnergy(limited, 0, 55) / BandEnergy(full, 0, 55) / gain;
        double wedge = BandEnergy(limited, 65, 90.01) / BandEnergy(full, 65, 90.01) / gain;
        Assert.InRange(measured, 0.9, 1.1);
        Assert.True(wedge < 0.02, $"the wedge keeps {wedge:P1} of the full range's energy");
        // Turned by 90° (Z and X swapped), the same measure finds no wedge at all.
        Assert.InRange(BandEnergy(limited, 0, 25) / BandEnergy(full, 0, 25) / gain, 0.9, 1.1);
    }

    // ---- SIRT ----

    [Fact]
    public void TheProjectorIsTheBackProjectorsAdjoint()
    {
        var series = AnalyticSeries(Range(-60, 61, 7));
        var options = new TomogramOptions { Method = ReconstructionMethod.Sirt, Thickness = 40, BlockBytes = 1 << 20 };
        var geometry = Geometry.For(series, options);
        Assert.True(geometry.ZChunk < 40, "the test should cross Z chunks");
        torch.InitializeDeviceType(DeviceType.CPU);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var projector = new BackProjector(geometry, series.TiltAngles!, torch.CPU);
        torch.manual_seed(3);
        int rows = 3;
        var volume = torch.randn((long)geometry.Thickness * geometry.Width, rows, dtype: torch.float32);
        var table = torch.randn(geometry.TableRows, rows, dtype: torch.float32);
        var projected = projector.Project(volume, rows, default);
        var backProjected = torch.zeros_like(volume);
        projector.BackProject(table, rows, (z0, z1, v) => backProjected.narrow(0, (long)z0 * geometry.Width, (long)(z1 - z0) * geometry.Width).copy_(v), default);
        double left = (projected.to(torch.float64) * table.to(torch.float64)).sum().item<double>();
        double right = (volume.to(torch.float64) * backProjected.to(torch.float64)).sum().item<double>();
        Assert.True(Math.Abs(left - right) <= 1e-4 * Math.Abs(left), $"<Ax, y> = {left}, <x, A'y> = {right}");
        // Row sums: a voxel inside every tilt's view spreads total weight 1 per tilt.
        var (_, voxels) = projector.Weights();
        Assert.Equal(series.TiltCount, voxels[(geometry.Thickness / 2) * geometry.Width + geometry.Width / 2], 5);
    }

    [Fact]
    public void SirtConvergesToTheBallsDensities()
    {
        var series = AnalyticSeries(Range(-90, 90, 2));
        var phantom = Phantom();
        float Centre(Volume v, Ball b) => v.Section((int)b.Z)[(int)b.Y * Size + (int)b.X];
        var few = Engine.Reconstruct(series, new TomogramOptions { Method = ReconstructionMethod.Sirt, Iterations = 10 });
        var many = Engine.Reconstruct(series, new TomogramOptions { Method = ReconstructionMethod.Sirt, Iterations = 50 });
        // The projector integrates in voxel units, so SIRT's values are the balls' densities.
        foreach (var ball in Balls.Take(2))
            Assert.InRange(Centre(many, ball), 0.93 * ball.Density, 1.07 * ball.Density);
        double rFew = Statistics.Correlation(Flat(few.Sections), phantom), rMany = Statistics.Correlation(Flat(many.Sections), phantom);
        Assert.True(rMany > 0.98 && rMany > rFew, $"correlation {rFew} after 10 iterations, {rMany} after 50");
        Assert.Equal("tomogram (SIRT, 50 iterations)", many.LastStep);
        Assert.Equal(50, many.History[^1].Parameters["Iterations"]);
    }

    [Fact]
    public void SirtInSmallBlocksGivesTheSameVolume()
    {
        var series = CaseSeries();
        var options = new TomogramOptions { Method = ReconstructionMethod.Sirt, Iterations = 3, Bin = 2 };
        var whole = Engine.Reconstruct(series, options);
        var steps = new List<int>();
        var blocked = Engine.Reconstruct(series, options with { BlockBytes = 200_000 }, default, (done, _) => steps.Add(done));
        Assert.True(steps.Count > 2, $"{steps.Count} blocks");
        for (int z = 0; z < whole.Depth; z++)
            for (int i = 0; i < whole.Section(z).Length; i++)
                Assert.True(Math.Abs(whole.Section(z)[i] - blocked.Section(z)[i]) <= 1e-4f * (1 + Math.Abs(whole.Section(z)[i])));
    }
}

/// <summary>New-Tomogram in the real PowerShell engine, on the shared case imported from ts.mrc.</summary>
[Trait("Tier", "Module")]
public sealed class NewTomogramCmdletTests : IDisposable
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();

    public NewTomogramCmdletTests()
    {
        _ps.SetLocation(_dir.Path);
        File.Copy(Repo.Data("projections_noiseless.mrc"), _dir.File("ts.mrc"));
    }

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void NewTomogramThroughThePipeline()
    {
        File.WriteAllLines(_dir.File("ts.tlt"), ReconstructionTests.CaseAngles().Select(a => a.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var r = _ps.Run("Import-TiltSeries ts.mrc | New-Tomogram -Thickness 64");
        Assert.Empty(r.Errors);
        var volume = r.Single<Volume>();
        double correlation = Statistics.Correlation(ReconstructionTests.Flat(volume.Sections), ReconstructionTests.Flat("reconstruction_fbp_ramp.mrc"));
        Assert.True(correlation >= 0.99, $"correlation {correlation}");
        Assert.Equal("Volume 64×64×64  1.0 Å/voxel  tomogram (ramp)", volume.ToString());
        Assert.Equal(ProgressRecordType.Completed, r.Progress[^1].RecordType);

        var binned = _ps.Run("Import-TiltSeries ts.mrc | New-Tomogram -Bin 2 -Filter Hann").Single<Volume>();
        Assert.Equal((32, 32, 32), (binned.Depth, binned.Height, binned.Width));
        Assert.Equal(2.0, binned.VoxelSize);
        Assert.Equal(new[] { "imported from ts.mrc", "tomogram (hann, bin 2)" }, binned.History.Select(h => h.Summary));
        Assert.Equal("Hann", binned.History[^1].Parameters["Filter"]);
        Assert.Equal(2, binned.History[^1].Parameters["Bin"]);

        var sirt = _ps.Run("Import-TiltSeries ts.mrc | New-Tomogram -Bin 2 -Method Sirt -Iterations 2").Single<Volume>();
        Assert.Equal("tomogram (SIRT, 2 iterations, bin 2)", sirt.LastStep);
        Assert.Equal("SIRT", sirt.History[^1].Parameters["Method"]);
    }

    [Fact]
    public void NewTomogramRefusesUnknownAndMismatchedAngles()
    {
        var unknown = _ps.Run("Import-TiltSeries ts.mrc | New-Tomogram").SingleError();
        Assert.Equal($"{ErrorIds.TiltAnglesUnknown},FakET.PowerShell.Cmdlets.NewTomogramCommand", unknown.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, unknown.CategoryInfo.Category);
        Assert.Contains("-TiltAngles", unknown.Exception.Message);

        var mismatched = _ps.Run("Import-TiltSeries ts.mrc | New-Tomogram -TiltAngles (-60..60)").SingleError();
        Assert.Equal($"{ErrorIds.TiltAngleCountMismatch},FakET.PowerShell.Cmdlets.NewTomogramCommand", mismatched.FullyQualifiedErrorId);
        Assert.Contains("21 tilts but 121 tilt angles", mismatched.Exception.Message);

        var given = _ps.Run("Import-TiltSeries ts.mrc | New-Tomogram -TiltAngles (-10..10 | ForEach-Object { 6 * $_ })");
        Assert.Empty(given.Errors);
        Assert.Equal(64, given.Single<Volume>().Depth);
    }
}

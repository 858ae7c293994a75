using FakET.IO;
using FakET.Labels;
using FakET.Native;
using FakET.Noise;
using FakET.Projection;
using FakET.Stages;
using FakET.StyleTransfer;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// Bad input gets a named error, never a plausible but wrong result (issue 19): a SHREC alignment row short of columns,
/// stale or half-written file sets, noise profiles out of range, NaN and infinity through the stage contract, damaged
/// VGG-19 weights, angles and counts out of range, names that would break a row.
/// </summary>
[Trait("Tier", "Engine")]
public class BadInputTests
{
    static FakETException Fails(Action action) => Assert.IsAssignableFrom<FakETException>(Record.Exception(action));

    // ---- 1. SHREC alignment files ----

    [Fact]
    public void AnAlignmentRowShortOfColumnsIsAnErrorNamingTheFileAndLineNotAOneColumnRead()
    {
        using var dir = new TempDir();
        string path = dir.File(TiltAngleFile.ShrecAlignmentName);
        File.WriteAllText(path, "# AlignmentTransX AlignmentTransY TiltAngle\n5.0 1.0 -60\n7.5 2.0 -58\n8.0 -56\n9.0 4.0 -54\n");
        var e = Fails(() => TiltAngleFile.Read(path));
        Assert.Equal(ErrorIds.TiltAngleFileInvalid, e.ErrorId);
        Assert.Contains($"{TiltAngleFile.ShrecAlignmentName}, line 4", e.Message);
        Assert.Contains("third", e.Message);
        // One column in a list of one-column rows, and three in a table of three, still read: the third column's angles.
        File.WriteAllText(path, "# x y angle\n5.0 1.0 -60\n7.5 2.0 -58\n");
        Assert.Equal(new[] { -60.0, -58.0 }, TiltAngleFile.Read(path));
        File.WriteAllText(path, "-60\n-58\n12 0 -56\n");
        Assert.Contains("line 3", Fails(() => TiltAngleFile.Read(path)).Message);
    }

    // ---- 11. Angles and 10. counts ----

    [Theory]
    [InlineData(720.0)]
    [InlineData(1e308)]
    [InlineData(-90.5)]
    public void AnglesOutsideMinus90To90AreRefusedWithTheValidRange(double angle)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.tlt"), $"0\n{angle.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}\n");
        var file = Fails(() => TiltAngleFile.Read(dir.File("a.tlt")));
        Assert.Equal(ErrorIds.TiltAngleFileInvalid, file.ErrorId);
        Assert.Contains("line 2", file.Message);
        var given = Fails(() => new ProjectionOptions { TiltAngles = new[] { 0, angle } }.Validate());
        Assert.Equal(ErrorIds.TiltAngleInvalid, given.ErrorId);
        Assert.Contains("−90°…+90°", given.Message);
        Assert.Equal(ErrorIds.TiltAngleInvalid, Fails(() => Synthetic.Constant(2, 2, 2, 1, angles: new[] { 0, angle })).ErrorId);
        Assert.Equal(ErrorIds.TiltAngleInvalid, Fails(() => TiltScheme.Range(0, angle, 1)).ErrorId);
        // ±90° itself is a tilt angle (a full 180° scheme ends there).
        Assert.Equal(181, TiltScheme.Range(-90, 90, 1).Length);
    }

    [Fact]
    public void HundredsOfThousandsOfTiltsAreRefusedBeforeAnyWorkSayingTheLimit()
    {
        var range = Fails(() => TiltScheme.Range(-60, 60, 0.0012));
        Assert.Equal(ErrorIds.TiltCountTooLarge, range.ErrorId);
        Assert.Contains("100001 tilts", range.Message);
        Assert.Contains(TiltAngleLimits.MaxCount.ToString(), range.Message);
        var angles = Enumerable.Range(0, 100_000).Select(i => -60 + i * 0.0012).ToArray();
        Assert.Equal(ErrorIds.TiltCountTooLarge, Fails(() => new ProjectionOptions { TiltAngles = angles }.Validate()).ErrorId);
        Assert.Equal(TiltAngleLimits.MaxCount, TiltScheme.Range(-90, 90, 0.05).Length);
    }

    // ---- 2 and 3. File sets ----

    [Fact]
    public void ReExportingASeriesWithoutAnglesRemovesTheOldAnglesAndOrderSoReImportHasNone()
    {
        using var dir = new TempDir();
        string path = dir.File("ts.mrc");
        var angles = new double[] { -3, 0, 3 };
        var withAngles = new TiltSeries(Synthetic.Smooth(3, 8, 8, seed: 1).GetSections().ToArray(), 8, 8, angles, 10,
            acquisitionOrder: new double[] { 0, 3, -3 });
        StackFiles.Write(withAngles, path);
        Assert.True(File.Exists(dir.File("ts.tlt")) && File.Exists(dir.File("ts_order_list.csv")));
        File.WriteAllText(dir.File("ts.rawtlt"), "-3\n0\n3\n");
        Assert.Equal(angles, StackFiles.ReadTiltSeries(path).TiltAngles);

        var without = new TiltSeries(Synthetic.Smooth(3, 8, 8, seed: 2).GetSections().ToArray(), 8, 8, null, 10);
        StackFiles.Write(without, path);
        Assert.False(File.Exists(dir.File("ts.tlt")));
        Assert.False(File.Exists(dir.File("ts.rawtlt")));
        Assert.False(File.Exists(dir.File("ts_order_list.csv")));
        var back = StackFiles.ReadTiltSeries(path);
        Assert.Null(back.TiltAngles);
        Assert.Equal(without.Section(1), back.Section(1));
        Assert.Equal(new[] { "ts.json", "ts.mrc", "ts.xf" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void AVolumeWithoutLabelsOverALabelledOneRemovesItsMasks()
    {
        using var dir = new TempDir();
        string path = dir.File("v.mrc");
        var sections = Enumerable.Range(0, 2).Select(_ => new float[16]).ToArray();
        var masks = Enumerable.Range(0, 2).Select(_ => new int[16]).ToArray();
        var labels = new SampleLabels(masks, masks, new[] { "small" }, Array.Empty<Particle>());
        StackFiles.Write(new Volume(sections, 4, 4, 10, labels: labels), path);
        Assert.True(File.Exists(LabelSidecar.ClassMaskPath(path)) && File.Exists(LabelSidecar.InstanceMaskPath(path)));
        StackFiles.Write(new Volume(sections, 4, 4, 10), path);
        Assert.Equal(new[] { "v.json", "v.mrc" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    /// <summary>A full disk while the new set is written (the writer's stream fails part way): no new file, no temporary
    /// file, and every old file byte for byte as it was.</summary>
    [Fact]
    public void AWriteThatFailsPartWayLeavesTheOldSetWholeAndNothingNew()
    {
        using var dir = new TempDir();
        var old = WriteOldSet(dir);
        using (var files = new AtomicFileSet())
        {
            files.WriteAllText(dir.File("ts.mrc"), "new pixels");
            var e = Record.Exception(() => files.Write(dir.File("ts.json"), stream =>
            {
                stream.Write(new byte[100]);
                throw new IOException("No space left on device");
            }));
            Assert.IsType<IOException>(e);
        }
        AssertUnchanged(dir, old);
    }

    /// <summary>A move that fails during the commit (the third of the set): the two already moved are undone, the stale
    /// companion that was to go is back, and nothing new or temporary is left.</summary>
    [Fact]
    public void ACommitThatFailsPartWayUndoesEveryMove()
    {
        using var dir = new TempDir();
        var old = WriteOldSet(dir);
        int moves = 0;
        AtomicFileSet.FaultHook = _ =>
        {
            if (++moves == 5) throw new IOException("No space left on device");
        };
        try
        {
            var series = new TiltSeries(Synthetic.Smooth(2, 4, 4, seed: 3).GetSections().ToArray(), 4, 4, null, 10);
            Assert.IsType<IOException>(Record.Exception(() => StackFiles.Write(series, dir.File("ts.mrc"))));
        }
        finally
        {
            AtomicFileSet.FaultHook = null;
        }
        Assert.Equal(5, moves); // 3 old files set aside, then the new MRC file in, then the failure
        AssertUnchanged(dir, old);
    }

    static Dictionary<string, byte[]> WriteOldSet(TempDir dir)
    {
        var series = new TiltSeries(Synthetic.Smooth(2, 4, 4, seed: 4).GetSections().ToArray(), 4, 4, new double[] { -1, 1 }, 10);
        StackFiles.Write(series, dir.File("ts.mrc"));
        return Directory.GetFiles(dir.Path).ToDictionary(Path.GetFileName, f => File.ReadAllBytes(f))!;
    }

    static void AssertUnchanged(TempDir dir, Dictionary<string, byte[]> old)
    {
        Assert.Equal(old.Keys.Order(), Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order()!);
        foreach (var (name, bytes) in old) Assert.Equal(bytes, File.ReadAllBytes(dir.File(name)));
    }

    [Fact]
    public void AProfileWithoutItsPlotRemovesTheOldPlot()
    {
        using var dir = new TempDir();
        var profile = Profile(r: 0.3, sigma: 0.9);
        NoiseProfileFile.Write(dir.File("p.json"), profile, (NoiseProfilePlot.MinimumWidth, NoiseProfilePlot.MinimumHeight));
        Assert.True(File.Exists(dir.File("p.png")));
        NoiseProfileFile.Write(dir.File("p.json"), profile);
        Assert.Equal(new[] { "p.json" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    // ---- 4. Noise profiles ----

    static NoiseProfile Profile(double r, double sigma, double mean = 0, double std = 1, int n = 3) =>
        new(new NoiseCurves(Enumerable.Repeat(r, n).ToArray(), Enumerable.Repeat(sigma, n).ToArray(),
            Enumerable.Repeat(mean, n).ToArray(), Enumerable.Repeat(std, n).ToArray()), null, -1);

    [Theory]
    [InlineData(-0.5, 0.9, 0, 1, "r is -0.5")]
    [InlineData(5, 0.9, 0, 1, "r is 5")]
    [InlineData(0.3, -1, 0, 1, "σ is -1")]
    [InlineData(0, 0, 0, 1, "both 0")]
    [InlineData(0.3, 0.9, 0, 1e300, "float32")]
    [InlineData(0.3, 0.9, -1e31, 1, "float32")]
    public void ProfilesOutOfRangeAreRefusedOnConstructionAndImport(double r, double sigma, double mean, double std, string why)
    {
        var e = Fails(() => Profile(r, sigma, mean, std));
        Assert.Equal(ErrorIds.NoiseProfileInvalid, e.ErrorId);
        Assert.Contains(why, e.Message);
        // The same values in a file: the import names the file.
        string json = NoiseProfileFile.ToJson(Profile(0.125, 0.375)).Replace("0.125", R(r)).Replace("0.375", R(sigma));
        json = json.Replace("\"referenceStd\": [\n    1,\n    1,\n    1", $"\"referenceStd\": [\n    {R(std)},\n    {R(std)},\n    {R(std)}")
            .Replace("\"referenceMean\": [\n    0,\n    0,\n    0", $"\"referenceMean\": [\n    {R(mean)},\n    {R(mean)},\n    {R(mean)}");
        var read = Fails(() => NoiseProfileFile.FromJson(json, "bad.json"));
        Assert.Equal(ErrorIds.NoiseProfileInvalid, read.ErrorId);
        Assert.Contains("bad.json", read.Message);
        Assert.Contains(why, read.Message);

        static string R(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void AProfileWithAKeyTwiceIsANamedError()
    {
        string json = NoiseProfileFile.ToJson(Profile(0.3, 0.9)).Replace("\"tiltCount\": 3,", "\"tiltCount\": 3, \"tiltCount\": 4,");
        var e = Fails(() => NoiseProfileFile.FromJson(json, "twice.json"));
        Assert.Equal(ErrorIds.NoiseProfileInvalid, e.ErrorId);
        Assert.Contains("key twice", e.Message);
    }

    /// <summary>X and k·X rescale to the same tilt, so a σ or -Scale of 1e300 is exactly the noise-only limit (r/σ of
    /// the signal is below double precision): the same pixels as r = 0, σ = 1, never a constant tilt.</summary>
    [Theory]
    [InlineData(1e300, 1)]
    [InlineData(1, 1e300)]
    [InlineData(1e300, 1e300)] // the product overflows to infinity
    public void AHugeSigmaOrScaleGivesTheExactNoiseOnlyLimit(double sigma, double scale)
    {
        var clean = Synthetic.Smooth(3, 16, 16, seed: 5);
        var huge = Engine.AddNoise(clean, Profile(0.5, sigma, mean: 3, std: 2), scale, seed: 9);
        var noiseOnly = Engine.AddNoise(clean, Profile(0, 1, mean: 3, std: 2), 1, seed: 9);
        for (int t = 0; t < 3; t++)
        {
            Assert.Equal(noiseOnly.Section(t), huge.Section(t));
            var (mean, std) = huge.SectionStatistics(t);
            Assert.Equal(3, mean, 4);
            Assert.Equal(2, std, 4);
        }
    }

    [Fact]
    public void AFittedCurveOutsideItsRangeIsClampedWithAWarning()
    {
        // The least-squares parabola through r = 1, 0, 0, 0, 1 is 2/7·(i − 2)² − 6/35: −0.171 at the middle tilt.
        var r = new double[] { 1, 0, 0, 0, 1 };
        var ones = Enumerable.Repeat(1.0, 5).ToArray();
        var curves = new NoiseCurves(r, ones, ones, ones);
        var reporter = new Engine.Reporter(null);
        var profile = Engine.Aggregate(new[] { curves }, 2, null, reporter);
        Assert.All(profile.R, v => Assert.InRange(v, 0, 1));
        var warning = Assert.Single(reporter.Warnings);
        Assert.Contains("r at tilt 2;", warning + ";");
        Assert.Equal(0, profile.R[2]);
        Assert.Equal(2.0 / 7 - 6.0 / 35, profile.R[1], 12);
    }

    // ---- 5. NaN and infinity through the stage contract ----

    [Fact]
    public void ADoseOfNaNIsRefusedNamingTheStageAndTheParameter()
    {
        var volume = new Volume(Enumerable.Range(0, 4).Select(_ => new float[16]).ToArray(), 4, 4, 10);
        var e = Fails(() => Engine.Project(volume, new double[] { 0 }, dose: double.NaN));
        Assert.Equal(ErrorIds.NonFiniteData, e.ErrorId);
        Assert.Contains(Steps.NewTiltSeries, e.Message);
        Assert.Contains("-Dose is NaN", e.Message);
    }

    [Fact]
    public void ANaNVoxelOrPixelIsNamedWithItsPlaceAndSourceBeforeAnyStageRuns()
    {
        var sections = Enumerable.Range(0, 4).Select(_ => new float[20]).ToArray();
        sections[2][7] = float.NaN; // section 2, y 1, x 2 of a 4 × 5 grid
        var volume = new Volume(sections, 4, 5, 10);
        var e = Fails(() => Engine.Project(volume, new double[] { 0 }));
        Assert.Equal(ErrorIds.NonFiniteData, e.ErrorId);
        Assert.Contains("section Z 2 of 4, voxel (y 1, x 2), is NaN", e.Message);

        var series = Synthetic.Smooth(3, 8, 8, seed: 6);
        series.Section(1)[9] = float.PositiveInfinity;
        foreach (var run in new Action[]
                 {
                     () => Engine.Reconstruct(series),
                     () => Engine.AddNoise(series, Profile(0.3, 0.9), 1, 1),
                     () => Engine.AddNoise(Synthetic.Smooth(3, 8, 8, seed: 7), Profile(0.3, 0.9), 1, 1, reference: series),
                 })
        {
            var nonFinite = Fails(run);
            Assert.Equal(ErrorIds.NonFiniteData, nonFinite.ErrorId);
            Assert.Contains("tilt 1 of 3, pixel (y 1, x 1), is Infinity", nonFinite.Message);
        }
    }

    [Fact]
    public void ANaNPixelInTheContentOrStyleOfAStyleTransferIsNamedBeforeTheNetworkRuns()
    {
        using var nst = new StyleRunner(Vgg19Weights.Random(seed: 1, deepest: 0), new StyleTransferSettings(), ComputeDevice.Cpu); // never reached: the check comes first
        var clean = Synthetic.Smooth(2, 32, 32, seed: 10);
        var spoiled = Synthetic.Smooth(2, 32, 32, seed: 11);
        spoiled.Section(0)[33] = float.NaN;
        var content = Fails(() => nst.Run(spoiled, clean));
        Assert.Equal(ErrorIds.NonFiniteData, content.ErrorId);
        Assert.Contains($"{Steps.InvokeStyleTransfer}: the input, tilt 0 of 2, pixel (y 1, x 1), is NaN", content.Message);
        var style = Fails(() => nst.Run(clean, spoiled));
        Assert.Contains("-Style, tilt 0 of 2", style.Message);
    }

    sealed record NoOptions : StageOptions;

    /// <summary>A stage whose arithmetic makes a NaN (0/0 at one pixel): the contract catches it where it is made.</summary>
    sealed class DividingStage : Stage<TiltSeries, NoOptions, TiltSeries>
    {
        public override string Step => "Divide-Test";

        protected override TiltSeries Execute(TiltSeries input, NoOptions options, StageRun run) =>
            input.Derive(input.GetSections().Select(s => s.Select(v => v / v).ToArray()).ToArray(), run.Entry("divided"));
    }

    [Fact]
    public void ANaNMadeInsideAStageIsCaughtOnItsOutput()
    {
        var series = Synthetic.Smooth(2, 4, 4, seed: 8);
        series.Section(1)[5] = 0;
        var e = Fails(() => new DividingStage().Run(series, new NoOptions()));
        Assert.Equal(ErrorIds.NonFiniteData, e.ErrorId);
        Assert.Contains("Divide-Test: the output, tilt 1 of 2, pixel (y 1, x 1), is NaN", e.Message);
    }

    [Fact]
    public void TheFirstNonFiniteValueIsFoundAtEveryPositionOfAVector()
    {
        for (int length = 0; length < 70; length++)
        {
            var values = Enumerable.Range(0, length).Select(i => (float)i - 20).ToArray();
            Assert.Equal(-1, FiniteCheck.FirstNonFinite(values));
            for (int at = 0; at < length; at++)
            {
                var copy = (float[])values.Clone();
                copy[at] = at % 3 == 0 ? float.NaN : at % 3 == 1 ? float.PositiveInfinity : float.NegativeInfinity;
                if (at + 3 < length) copy[at + 3] = float.NaN;
                Assert.Equal(at, FiniteCheck.FirstNonFinite(copy));
            }
        }
    }

    // ---- 6. VGG-19 weights ----

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(3e29f, "3E+29")]
    public void DamagedVgg19WeightsAreANamedErrorAtLoad(float bad, string shown)
    {
        using var dir = new TempDir();
        string path = dir.File("vgg.safetensors");
        var layer = Vgg19.ConvolutionsThrough(0).Single();
        var weight = Enumerable.Range(0, layer.OutChannels * layer.InChannels * 9).Select(i => 0.01f * (i % 7)).ToArray();
        weight[123] = bad;
        var bias = new float[layer.OutChannels];
        SafeTensorsWriter.Write(path, new[]
        {
            new RawTensor("features.0.weight", "F32", new long[] { layer.OutChannels, layer.InChannels, 3, 3 }, SafeTensorsWriter.F32(weight)),
            new RawTensor("features.0.bias", "F32", new long[] { layer.OutChannels }, SafeTensorsWriter.F32(bias)),
        });
        var e = Fails(() => Vgg19Weights.Load(path, 0));
        Assert.Equal(ErrorIds.SafeTensorsWeightsInvalid, e.ErrorId);
        Assert.Contains("tensor 'features.0.weight', value 123, is " + shown, e.Message);
        weight[123] = 0.5f;
        bias[3] = bad;
        SafeTensorsWriter.Write(path, new[]
        {
            new RawTensor("features.0.weight", "F32", new long[] { layer.OutChannels, layer.InChannels, 3, 3 }, SafeTensorsWriter.F32(weight)),
            new RawTensor("features.0.bias", "F32", new long[] { layer.OutChannels }, SafeTensorsWriter.F32(bias)),
        });
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1)); // a new file, not the one the cache remembers
        Assert.Contains("features.0.bias', value 3", Fails(() => Vgg19Weights.Load(path, 0)).Message);
    }

    // ---- 11. Names and threads ----

    [Theory]
    [InlineData("TS_01\nTS_02", ParticleListFormat.Star)]
    [InlineData("TS\r01", ParticleListFormat.Csv)]
    [InlineData("TS \"01\"", ParticleListFormat.Star)]
    public void ATomogramNameThatWouldBreakARowIsRefused(string name, ParticleListFormat format)
    {
        var list = new ParticleList(new[] { "a" }, new[] { new ParticleEntry { X = 1, Y = 2, Z = 3, Class = "a", Tomogram = name } });
        var e = Fails(() => ParticleLists.Format(list, format));
        Assert.Equal(ErrorIds.ParticleListTomogramNameInvalid, e.ErrorId);
    }

    [Fact]
    public void MoreThreadsThanCoresAreCappedWithAWarningNamingTheCoreCount()
    {
        var warnings = new List<string>();
        int before = TorchSharp.torch.get_num_threads();
        using (ComputeDevices.UseThreads(1000, warnings.Add))
            Assert.Equal(Environment.ProcessorCount, TorchSharp.torch.get_num_threads());
        Assert.Equal(before, TorchSharp.torch.get_num_threads());
        Assert.Contains($"the {Environment.ProcessorCount} cores", Assert.Single(warnings));
    }
}

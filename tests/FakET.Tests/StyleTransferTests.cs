using System.Management.Automation;
using System.Security.Cryptography;
using FakET.IO;
using FakET.Native;
using FakET.StyleTransfer;
using FakET.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace FakET.Tests;

/// <summary>The reference case of the published implementation (content, style, init, weights and its output).</summary>
public sealed class StyleReference
{
    public StyleReference()
    {
        NativeStack.EnsureLoaded();
        Content = StackFiles.ReadTiltSeries(Repo.Data("nst_content.mrc"));
        Style = StackFiles.ReadTiltSeries(Repo.Data("nst_style.mrc"));
        Init = StackFiles.ReadTiltSeries(Repo.Data("nst_init.mrc"));
        Expected = StackFiles.ReadTiltSeries(Repo.Data("nst_expected.mrc"));
        Weights = Vgg19Weights.Load(WeightsPath, 29);
        var nst = new StyleRunner(Weights, new StyleTransferSettings(), ComputeDevice.Cpu);
        Output = nst.Run(Content, Style, Init);
    }

    public static string WeightsPath => Repo.Data("vgg19_random.safetensors");
    public TiltSeries Content { get; }
    public TiltSeries Style { get; }
    public TiltSeries Init { get; }
    public TiltSeries Expected { get; }
    public Vgg19Weights Weights { get; }
    /// <summary>This implementation's output on the case, with the published settings.</summary>
    public TiltSeries Output { get; }
}

/// <summary>Invoke-StyleTransfer's engine against the published implementation, and its invariants.</summary>
[Trait("Tier", "Engine")]
public class StyleTransferTests : IClassFixture<StyleReference>
{
    readonly StyleReference _ref;
    public StyleTransferTests(StyleReference reference) => _ref = reference;

    [Fact]
    public void EveryTiltCorrelatesWithThePublishedOutput()
    {
        Assert.Equal(_ref.Expected.TiltCount, _ref.Output.TiltCount);
        for (int i = 0; i < _ref.Output.TiltCount; i++)
        {
            double r = Statistics.Correlation(_ref.Output.Tilt(i), _ref.Expected.Tilt(i));
            double initOnly = Statistics.Correlation(_ref.Init.Tilt(i), _ref.Expected.Tilt(i));
            Assert.True(r >= 0.999, $"tilt {i}: r = {r}");
            // The init alone is far off (~0.95): the optimisation step is really taken.
            Assert.True(initOnly < 0.97, $"tilt {i}: the init alone already correlates {initOnly}");
            // Mean and std are matched to the style tilt.
            var (mean, std) = Statistics.MeanStd(_ref.Output.Tilt(i));
            var (styleMean, styleStd) = Statistics.MeanStd(_ref.Style.Tilt(i));
            Assert.Equal(styleMean, mean, 3);
            Assert.Equal(styleStd, std, 3);
        }
    }

    [Fact]
    public void TheHistoryRecordsTheWeightsFileHashAndTheSettings()
    {
        var entry = _ref.Output.History[^1];
        Assert.Equal("Invoke-StyleTransfer", entry.Step);
        string sha = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(StyleReference.WeightsPath))).ToLowerInvariant();
        Assert.Equal("sha256 " + sha, entry.Parameters["Weights"]);
        Assert.Equal(new[] { 1, 6, 11, 20, 29 }, entry.Parameters["StyleLayers"]);
        Assert.Equal(0.15, entry.Parameters["StepSize"]);
        // The input is not touched: a new object with the content's history plus this step.
        Assert.Equal(_ref.Content.History.Count + 1, _ref.Output.History.Count);
    }

    [Fact]
    public void ATiltRangeGivesTheSameTiltsAsTheWholeRunAndBatchingChangesNothing()
    {
        var angles = new double[] { -3, 0, 3 };
        var content = _ref.Content.WithTiltAngles(angles);
        var nst = new StyleRunner(_ref.Weights, new StyleTransferSettings { BatchSize = 1 }, ComputeDevice.Cpu);
        var part = nst.Run(content, _ref.Style, _ref.Init, (1, 2));
        Assert.Equal(2, part.TiltCount);
        Assert.Equal(new double[] { 0, 3 }, part.TiltAngles);
        for (int i = 0; i < 2; i++)
        {
            // Scaling to [0, 1] uses the whole series, so tilt 1 of a range is tilt 1 of the whole run
            // (that run batched all three tilts together).
            Assert.True(Statistics.Correlation(part.Tilt(i), _ref.Output.Tilt(i + 1)) > 0.99999);
            Assert.True(Statistics.Correlation(part.Tilt(i), _ref.Expected.Tilt(i + 1)) >= 0.999);
        }
    }

    [Fact]
    public void WithoutInitTheFirstStepHasExactlyNoContentGradientAsPublished()
    {
        // Starting from the content itself, the published code's content loss is exactly 0 at the first step
        // (the image and the content go through the same arithmetic), so its gradient vanishes. The scaled MSE
        // Σd²/Σ|d| would turn any rounding difference into a gradient of full size, so this must hold exactly:
        // with and without the content loss the results are the same.
        var withContent = new StyleRunner(_ref.Weights, new StyleTransferSettings(), ComputeDevice.Cpu).Run(_ref.Content, _ref.Style);
        var withoutContent = new StyleRunner(_ref.Weights, new StyleTransferSettings { ContentWeight = 0 }, ComputeDevice.Cpu).Run(_ref.Content, _ref.Style);
        for (int i = 0; i < withContent.TiltCount; i++)
            Assert.Equal(withoutContent.Tilt(i), withContent.Tilt(i));
        // ... while with an init that differs from the content, the content loss does move the result.
        var moved = new StyleRunner(_ref.Weights, new StyleTransferSettings { ContentWeight = 0 }, ComputeDevice.Cpu).Run(_ref.Content, _ref.Style, _ref.Init);
        Assert.True(Statistics.Correlation(moved.Tilt(0), _ref.Output.Tilt(0)) < 0.999);
    }

    [Fact]
    public void MismatchedSeriesAndBadRangesAreNamedErrors()
    {
        var nst = new StyleRunner(_ref.Weights, new StyleTransferSettings(), ComputeDevice.Cpu);
        var twoTilts = new TiltSeries(_ref.Style.Sections.Take(2).ToArray(), 64, 64, null, 1.0);
        Assert.Equal(ErrorIds.StyleTransferSeriesMismatch, Assert.Throws<FakETException>(() => nst.Run(_ref.Content, twoTilts, _ref.Init)).ErrorId);
        var small = new TiltSeries(_ref.Init.Sections.Select(t => t.Take(32 * 64).ToArray()).ToArray(), 32, 64, null, 1.0);
        Assert.Equal(ErrorIds.StyleTransferSeriesMismatch, Assert.Throws<FakETException>(() => nst.Run(_ref.Content, _ref.Style, small)).ErrorId);
        Assert.Equal(ErrorIds.TiltRangeInvalid, Assert.Throws<FakETException>(() => nst.Run(_ref.Content, _ref.Style, _ref.Init, (2, 3))).ErrorId);
        Assert.Equal(ErrorIds.TiltRangeInvalid, Assert.Throws<FakETException>(() => nst.Run(_ref.Content, _ref.Style, _ref.Init, (2, 1))).ErrorId);
        var flat = new TiltSeries(_ref.Style.Sections.Select(t => new float[t.Length]).ToArray(), 64, 64, null, 1.0);
        Assert.Equal(ErrorIds.StyleTransferConstantInput, Assert.Throws<FakETException>(() => nst.Run(_ref.Content, flat, _ref.Init)).ErrorId);
        var invalid = new StyleTransferSettings { StyleLayers = new[] { 1, 6 } };
        Assert.Equal(ErrorIds.StyleTransferInvalidSetting, Assert.Throws<FakETException>(() => new StyleRunner(_ref.Weights, invalid, ComputeDevice.Cpu).Run(_ref.Content, _ref.Style)).ErrorId);
    }

    [Fact]
    public void CancellingStopsBetweenBatchesAndReturnsNothing()
    {
        var nst = new StyleRunner(_ref.Weights, new StyleTransferSettings { BatchSize = 1 }, ComputeDevice.Cpu);
        using var cancel = new CancellationTokenSource();
        var reports = new List<(int, int)>();
        Assert.ThrowsAny<OperationCanceledException>(() => nst.Run(_ref.Content, _ref.Style, _ref.Init, progress: (done, total) =>
        {
            reports.Add((done, total));
            cancel.Cancel();
        }, cancel: cancel.Token));
        Assert.Equal(new[] { (1, 3) }, reports);
    }

    [Fact]
    public void FoldingTheNormalisationIntoTheFirstConvolutionIsExact()
    {
        // Reference: replicate-pad the ImageNet-normalised RGB image and convolve, as torchvision's model with a
        // replicate-padded first layer does; compare with the folded one-channel (grey) and three-channel paths.
        var (w, b) = _ref.Weights.Convolutions[0];
        using var scope = torch.NewDisposeScope();
        var grey = torch.rand(2, 1, 20, 24, generator: new torch.Generator(7));
        var rgb = grey.expand(-1, 3, -1, -1);
        var mean = torch.tensor(Vgg19.ImageNetMean).view(1, 3, 1, 1);
        var std = torch.tensor(Vgg19.ImageNetStd).view(1, 3, 1, 1);
        var expected = F.conv2d(F.pad((rgb - mean) / std, new long[] { 1, 1, 1, 1 }, PaddingModes.Replicate),
            torch.tensor(w, new long[] { 64, 3, 3, 3 }), torch.tensor(b));
        foreach (bool channelsLast in new[] { false, true })
        {
            using var network = new VggNetwork(_ref.Weights, 1, StylePooling.Max, torch.CPU, channelsLast);
            var fromGrey = network.Run(grey, 0, 0);
            var fromRgb = network.Run(rgb.contiguous(), 0, 0);
            double scale = expected.abs().max().item<float>();
            Assert.True((fromGrey - expected).abs().max().item<float>() < 1e-5 * scale);
            Assert.True((fromRgb - expected).abs().max().item<float>() < 1e-5 * scale);
        }
    }

    [Fact]
    public void ConvolutionIndicesSeeTheInPlaceReluUnlessTheyEndThePass()
    {
        // As in the published implementation (torchvision's in-place ReLU): a convolution's activation read
        // in a pass that goes on is after its ReLU; at the end of a pass it is before.
        using var scope = torch.NewDisposeScope();
        using var network = new VggNetwork(_ref.Weights, 8, StylePooling.Max, torch.CPU, channelsLast: false);
        var x = torch.rand(1, 1, 16, 16, generator: new torch.Generator(3));
        Tensor? seen = null;
        network.Run(x, 0, 8, (i, t) => { if (i == 7) seen = t; return i == 7; });
        Assert.True(seen!.min().item<float>() >= 0);
        var end = network.Run(x, 0, 7);
        Assert.True(end.min().item<float>() < 0);
        Assert.Equal(0f, (seen - end.relu()).abs().max().item<float>());
    }

    [Fact]
    public void PoolingVariantsAreRescaledAsPublished()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.rand(1, 1, 8, 8, generator: new torch.Generator(5));
        using var max = new VggNetwork(_ref.Weights, 4, StylePooling.Max, torch.CPU, false);
        using var average = new VggNetwork(_ref.Weights, 4, StylePooling.Average, torch.CPU, false);
        using var l2 = new VggNetwork(_ref.Weights, 4, StylePooling.L2, torch.CPU, false);
        var before = max.Run(x, 0, 3);
        var windows = before.unfold(2, 2, 2).unfold(3, 2, 2); // (1, 64, 4, 4, 2, 2)
        AssertClose(windows.amax(new long[] { 4, 5 }), max.Run(x, 0, 4));
        AssertClose(windows.mean(new long[] { 4, 5 }) * 2.0, average.Run(x, 0, 4));
        AssertClose(windows.square().sum(new long[] { 4, 5 }).sqrt() * 0.78, l2.Run(x, 0, 4));
    }

    static void AssertClose(Tensor expected, Tensor actual) =>
        Assert.True((expected - actual).abs().max().item<float>() <= 1e-5f * (1 + expected.abs().max().item<float>()));

    [Fact]
    public void RandomWeightsAreSeededKaimingNormalWithZeroBias()
    {
        var a = Vgg19Weights.Random(5, 8);
        var b = Vgg19Weights.Random(5, 8);
        var c = Vgg19Weights.Random(6, 8);
        Assert.Equal("random, seed 5", a.Description);
        Assert.Equal(a.Convolutions[7].Weight, b.Convolutions[7].Weight);
        Assert.NotEqual(a.Convolutions[7].Weight, c.Convolutions[7].Weight);
        Assert.Equal(new[] { 0, 2, 5, 7 }, a.Convolutions.Keys.Order());
        var (mean, std) = Statistics.MeanStd(a.Convolutions[7].Weight);
        Assert.Equal(0, mean, 3);
        Assert.Equal(Math.Sqrt(2.0 / (128 * 9)), std, 3);
        Assert.All(a.Convolutions[7].Bias, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ScalesGrowBySquareRootOfTwoAsPublished()
    {
        // Python: gen_scales(32, 64) == [32, 45, 64]; gen_scales(100, 512) == [128, 181, 256, 362, 512].
        Assert.Equal(new[] { 32, 45, 64 }, StyleTransferSettings.Scales(32, 64));
        Assert.Equal(new[] { 128, 181, 256, 362, 512 }, StyleTransferSettings.Scales(100, 512));
        Assert.Equal(new[] { 64 }, StyleTransferSettings.Scales(64, 64));
    }

    [Fact]
    public void MultiScaleAndSmallerScalesRunAndKeepTheOutputsShape()
    {
        var nst = new StyleRunner(_ref.Weights, new StyleTransferSettings { Scale = 32 }, ComputeDevice.Cpu);
        var small = nst.Run(_ref.Content, _ref.Style, _ref.Init, (0, 0));
        Assert.Equal((32, 32), (small.Height, small.Width));
        Assert.Equal(_ref.Content.PixelSize * 2, small.PixelSize);
        var multi = new StyleRunner(_ref.Weights, new StyleTransferSettings { MinScale = 32, Iterations = 2 }, ComputeDevice.Cpu);
        var full = multi.Run(_ref.Content, _ref.Style, _ref.Init, (0, 0));
        Assert.Equal((64, 64), (full.Height, full.Width));
        Assert.All(full.Tilt(0), v => Assert.True(float.IsFinite(v)));
        // Still the content's picture (downsampling to 32 px first drops the init's finest noise, so this is
        // not the published single-scale result: that correlates 0.24 with the content tilt).
        Assert.True(Statistics.Correlation(full.Tilt(0), _ref.Content.Tilt(0)) > 0.4);
        var tooDeep = new StyleRunner(_ref.Weights, new StyleTransferSettings { Scale = 8 }, ComputeDevice.Cpu);
        Assert.Equal(ErrorIds.StyleTransferImageTooSmall, Assert.Throws<FakETException>(() => tooDeep.Run(_ref.Content, _ref.Style, _ref.Init)).ErrorId);
    }
}

/// <summary>Invoke-StyleTransfer through the real PowerShell engine.</summary>
[Trait("Tier", "Process")]
public class StyleTransferCmdletTests : IDisposable, IClassFixture<StyleReference>
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();
    readonly StyleReference _ref;

    public StyleTransferCmdletTests(StyleReference reference)
    {
        _ref = reference;
        _ps.SetLocation(_dir.Path);
        foreach (var name in new[] { "nst_content.mrc", "nst_style.mrc", "nst_init.mrc", "vgg19_random.safetensors" })
            File.Copy(Repo.Data(name), _dir.File(name));
    }

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void ThePipelineReproducesThePublishedOutputWithProgressPerTilt()
    {
        var r = _ps.Run("""
            $style = Import-TiltSeries nst_style.mrc
            $init = Import-TiltSeries nst_init.mrc
            Import-TiltSeries nst_content.mrc | Invoke-StyleTransfer -Style $style -Init $init -ModelPath ./vgg19_random.safetensors -Threads 1 |
                Export-TiltSeries styled.mrc -PassThru
            """);
        Assert.Empty(r.Errors);
        Assert.Empty(r.Warnings);
        var styled = r.Single<TiltSeries>();
        for (int i = 0; i < styled.TiltCount; i++)
            Assert.True(Statistics.Correlation(styled.Tilt(i), _ref.Expected.Tilt(i)) >= 0.999);
        // A stage under the cmdlet's activity: one record per tilt here, as each moves the percentage.
        Assert.Equal(new[] { "tilt 1 of 3", "tilt 2 of 3", "tilt 3 of 3" },
            r.Progress.Where(p => p.Activity == "Styling" && p.ParentActivityId == 1).Select(p => p.StatusDescription));
        Assert.Contains(r.Progress, p => p.Activity == "Invoke-StyleTransfer" && p.ParentActivityId < 0);
        Assert.Contains(MrcFile.ReadHeader(_dir.File("styled.mrc")).Labels, l => l.Contains("styled (VGG-19"));
    }

    [Fact]
    public void TileSizeStylesInTilesWithThePublishedResultAndRecordsThem()
    {
        var r = _ps.Run("""
            Invoke-StyleTransfer (Import-TiltSeries nst_content.mrc) -Style (Import-TiltSeries nst_style.mrc) -Init (Import-TiltSeries nst_init.mrc) -ModelPath ./vgg19_random.safetensors -TiltRange 1,1 -TileSize 40
            """);
        Assert.Empty(r.Errors);
        var styled = r.Single<TiltSeries>();
        // 40 px is rounded down to the 16-px pooling grid.
        Assert.Equal("2×2 tiles of 32 px", styled.History[^1].Parameters["Tiling"]);
        Assert.True(Statistics.Correlation(styled.Tilt(0), _ref.Expected.Tilt(1)) >= 0.999);
    }

    [Fact]
    public void RandomWeightsWarnAndAreRecorded()
    {
        var r = _ps.Run("Invoke-StyleTransfer (Import-TiltSeries nst_content.mrc) -Style (Import-TiltSeries nst_style.mrc) -Weights Random -Seed 5 -TiltRange 0,0");
        Assert.Empty(r.Errors);
        var warning = Assert.Single(r.Warnings).Message;
        Assert.Contains("Install-StyleModel", warning);
        Assert.Contains("lower fidelity", warning);
        var styled = r.Single<TiltSeries>();
        Assert.Equal(1, styled.TiltCount);
        Assert.Equal("random, seed 5", styled.History[^1].Parameters["Weights"]);
        Assert.Equal("content", styled.History[^1].Parameters["Init"]);
    }

    [Fact]
    public void MismatchesAndMissingFilesAreNamedErrorsAndThreadsAreRestored()
    {
        var before = _ps.Run("(Get-FakETDevice).Threads").Single<int>();
        var r = _ps.Run("""
            $c = Import-TiltSeries nst_content.mrc
            $s = Import-TiltSeries nst_style.mrc
            Invoke-StyleTransfer $c -Style $s -ModelPath nst_init.mrc
            $two = Invoke-StyleTransfer $s -Style $c -ModelPath vgg19_random.safetensors -TiltRange 0,1
            Invoke-StyleTransfer $c -Style $two -ModelPath vgg19_random.safetensors
            Invoke-StyleTransfer $c -Style $s -ModelPath missing.safetensors
            Invoke-StyleTransfer $c -Style $s -ModelPath vgg19_random.safetensors -TiltRange 0,5 -Threads 1
            Invoke-StyleTransfer $c -Style $s -ModelPath vgg19_random.safetensors -Weights Random
            """);
        Assert.Empty(r.Output);
        var ids = r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToList();
        Assert.Contains(ErrorIds.SafeTensorsInvalid, ids);      // an MRC file given as weights
        Assert.Contains(ErrorIds.StyleTransferSeriesMismatch, ids);
        Assert.Contains(ErrorIds.StyleModelNotFound, ids);
        Assert.Contains(ErrorIds.TiltRangeInvalid, ids);
        Assert.Contains(ErrorIds.StyleTransferInvalidSetting, ids);
        Assert.Equal(before, _ps.Run("(Get-FakETDevice).Threads").Single<int>());
    }

    [Fact]
    public void TheHostRunsItInAFreshProcess()
    {
        // A fresh process has no engine loaded beforehand: the cmdlet's types must load through the module's own context.
        var (exit, stdout, stderr) = HostTests.RunHost(_dir.Path, null, "-Command",
            "Invoke-StyleTransfer (Import-TiltSeries nst_content.mrc) -Style (Import-TiltSeries nst_style.mrc) -Weights Random -Pooling Average -Device Cpu -TiltRange 2,2 3>$null | ForEach-Object LastStep");
        Assert.True(exit == 0, stderr);
        Assert.Contains("styled (random, seed 0; 1 it)", stdout);
    }

    [Fact]
    public void DeviceAndPoolingComplete()
    {
        var r = _ps.Run("[System.Management.Automation.CommandCompletion]::CompleteInput('Invoke-StyleTransfer -Device ', 29, $null).CompletionMatches | ForEach-Object CompletionText");
        Assert.Equal(new[] { "Auto", "Cpu", "Cuda" }, r.Output.Select(o => o.ToString()).Order());
        var help = _ps.Run("(Get-Command Invoke-StyleTransfer).Parameters.Keys").Output.Select(o => o.ToString()).ToHashSet();
        Assert.Subset(help, new[] { "Content", "Style", "Init", "ModelPath", "Weights", "Seed", "Iterations", "InitialIterations", "StepSize",
            "AverageDecay", "ContentWeight", "ContentLayers", "ContentLayerWeights", "StyleLayers", "StyleLayerWeights", "TvWeight",
            "Pooling", "Scale", "MinScale", "TiltRange", "Device", "Threads", "BatchSize" }.ToHashSet());
    }
}

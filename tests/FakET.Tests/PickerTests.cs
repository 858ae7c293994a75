using System.Globalization;
using FakET.Native;
using FakET.Phantom;
using FakET.Picking;
using FakET.Scoring;
using FakET.Tests.Support;
using TorchSharp;

namespace FakET.Tests;

/// <summary>
/// The particle picker (DeepFinder's U-Net, trained and applied by the engine): the parameter count of the published layer
/// plan, tiled segmentation against the untiled network, a picker trained on small labelled tomograms finding the particles
/// of a held-out one (scored by the SHREC'21 rules), determinism with a seed, a resumed training equal to an uninterrupted
/// one, Ctrl+C leaving no partial checkpoint, and the saved model's round trip. Networks are narrow (width 0.25) and
/// volumes small so that everything runs on two CPU cores.
/// </summary>
[Trait("Tier", "Engine")]
public class PickerTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    static readonly ParticleClass[] Classes =
    {
        new(ParticleShape.BuiltIn("large")!, 5), new(ParticleShape.BuiltIn("medium")!, 5),
    };

    /// <summary>Barrels alone: the picker's easiest honest task, for the test that it learns within a CI budget.</summary>
    static readonly ParticleClass[] Barrels = { new(ParticleShape.BuiltIn("large")!, 6) };

    /// <summary>A labelled sample of well-separated barrels and dumbbells at 15 Å, and the same with white noise of
    /// standard deviation <paramref name="noise"/> (the particles' density is 1) as its "tomogram", labels carried over.</summary>
    internal static Volume Tomogram(int seed, double noise = 0.5, ParticleClass[]? classes = null)
    {
        var sample = new PhantomBuilder().Run(classes ?? Classes, new PhantomSpec { Depth = 32, Height = 72, Width = 72, VoxelSize = 15, Seed = seed });
        var random = new Random(seed + 1000);
        var sections = sample.GetSections().Select(s => s.Select(v => (float)(v + noise * Gaussian(random))).ToArray()).ToArray();
        return new Volume(sections, sample.Height, sample.Width, sample.VoxelSize, sample.History, sample.Labels);
    }

    static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    static PickerTrainingOptions Small(int steps, int seed) => new()
    {
        Steps = steps, BatchSize = 2, PatchSize = 24, Width = 0.25, LearningRate = 1e-3, Seed = seed, Shift = 6, Device = ComputeDevice.Cpu, Threads = 1,
    };

    static PickerModel Train(PickerTrainingSet set, PickerTrainingOptions options, CancellationToken cancel = default, Action<int, int>? progress = null) =>
        new PickerTraining().Run(set, options, Engine.Reporter.Of(progress), cancel);

    static PickerTrainingSet Set(params Volume[] tomograms) => new(tomograms.Select(t => LabelledTomogram.Of(t, null, "tomogram")).ToList());

    [Fact]
    public void TheNetworkHasDeepFindersParameterCount()
    {
        // DeepFinder's layer plan with 16 classes, counted by hand from the published model (Moebel et al. 2021):
        // 896 + 27,680 + 41,520 + 62,256 + 83,008 + 3 × 110,656 + 32,832 + 145,200 + 62,256 + 18,480 + 69,152 + 27,680 + 528.
        Assert.Equal(903_456, PickerArchitecture.ParameterCount(1, 16));
        var plan = PickerArchitecture.Plan(1, 16);
        using var network = new PickerNetwork(plan, PickerArchitecture.GlorotUniform(plan, 1), ComputeDevices.Resolve(ComputeDevice.Cpu), trainable: false);
        Assert.Equal(903_456, network.Parameters.Sum(p => p.Tensor.numel()));
        // Glorot-uniform: enc1a's 864 weights lie within ±√(6 / (27 + 864)) and spread over it (variance limit²/3).
        double limit = Math.Sqrt(6.0 / (27 + 32 * 27));
        var w = network.Weights()["enc1a.weight"];
        Assert.All(w, v => Assert.InRange(Math.Abs(v), 0, limit));
        Assert.InRange(w.Select(v => (double)v * v).Average(), 0.8 * limit * limit / 3, 1.2 * limit * limit / 3);
        Assert.All(network.Weights()["enc1a.bias"], b => Assert.Equal(0f, b));
    }

    [Fact]
    public void AHalfWidthNetworksFloat32GradientsAndScoresAreItsFloat64Ones()
    {
        // A batch of two 32³ patches through a half-width network (16, 24 and 32 channels), three classes: the loss's
        // gradient for every tensor in float32 against the same network in float64, and the scores likewise. libtorch
        // 2.10's oneDNN convolutions with AVX-512 get input gradients wrong (NaN here) at channel counts that are not a
        // multiple of 16, which sent training to NaN; the network pads its hidden layers' channels to multiples of 16
        // (PickerNetwork.Lanes). The float64 reference is unpadded, and libtorch runs float64 convolutions without oneDNN:
        // this fails on such a CPU if the padding is lost, and anywhere if it changes what the network computes.
        const int n = 32, b = 2, voxels = b * n * n * n;
        var plan = PickerArchitecture.Plan(0.5, 3);
        var weights = PickerArchitecture.GlorotUniform(plan, 9);
        var random = new Random(3);
        var input = Enumerable.Range(0, voxels).Select(_ => (float)Gaussian(random)).ToArray();
        var labels = Enumerable.Range(0, voxels).Select(_ => (float)random.Next(3)).ToArray();
        using var single = new PickerNetwork(plan, weights, torch.CPU, trainable: true);
        using var reference = new PickerNetwork(plan, weights, torch.CPU, trainable: true, torch.ScalarType.Float64, padChannels: false);
        for (int repeat = 0; repeat < 2; repeat++)
        {
            var expected = Gradients(reference);
            var actual = Gradients(single);
            // Relative L2 error per tensor. float32 against float64 is not rounding alone: ReLU units near zero switch
            // between the precisions. PyTorch 1.13 on this network at these shapes differs by up to 2.5e-3 (ours: 1e-3);
            // the AVX-512 fault gives NaN or errors of order one.
            foreach (var (name, g) in expected)
            {
                double norm = Math.Sqrt(g.Sum(v => v * v)), error = Math.Sqrt(g.Zip(actual[name], (p, q) => (p - q) * (p - q)).Sum());
                Assert.True(error <= 1e-2 * norm, $"{name}: float32 gradient off by {error:g3} in L2 norm, of {norm:g3} (pass {repeat + 1})");
            }
        }
        using var frozen32 = new PickerNetwork(plan, weights, torch.CPU, trainable: false);
        using var frozen64 = new PickerNetwork(plan, weights, torch.CPU, trainable: false, torch.ScalarType.Float64, padChannels: false);
        using var scope = torch.NewDisposeScope();
        var x = TensorData.Upload(input, torch.CPU, b, 1, n, n, n);
        var difference = (frozen32.Forward(x).to(torch.ScalarType.Float64) - frozen64.Forward(x)).abs().max().item<double>();
        Assert.True(difference < 1e-5, $"scores differ by {difference:g3}");

        Dictionary<string, double[]> Gradients(PickerNetwork network)
        {
            using var step = torch.NewDisposeScope();
            foreach (var (_, p) in network.Parameters) p.grad?.zero_();
            var batch = TensorData.Upload(input, torch.CPU, b, 1, n, n, n);
            var truth = TensorData.Upload(labels, torch.CPU, b, n, n, n).to(torch.ScalarType.Int64);
            PickerTraining.Loss(network.Logits(batch), truth, 3, PickerLoss.TverskyCrossEntropy).backward();
            return network.Parameters.ToDictionary(p => p.Name, p => p.Tensor.grad!.to(torch.ScalarType.Float64).data<double>().ToArray());
        }
    }

    [Theory]
    [InlineData(PickerLoss.Tversky)]
    [InlineData(PickerLoss.TverskyCrossEntropy)]
    public void TheLossIsTverskyAndTheMeanCrossEntropyComputedByHand(PickerLoss kind)
    {
        // Two patches of 2×3×2 voxels, three classes, random scores and labels; the loss computed here in doubles.
        const int b = 2, k = 3, v = 12;
        var random = new Random(11);
        var logits = Enumerable.Range(0, b * k * v).Select(_ => (float)(3 * Gaussian(random))).ToArray();
        var labels = Enumerable.Range(0, b * v).Select(_ => (float)random.Next(k)).ToArray();
        double tversky = k, crossEntropy = 0;
        for (int c = 0; c < k; c++)
        {
            double tp = 0, fp = 0, fn = 0;
            for (int n = 0; n < b; n++)
                for (int i = 0; i < v; i++)
                {
                    double sum = Enumerable.Range(0, k).Sum(j => Math.Exp(logits[(n * k + j) * v + i]));
                    double p = Math.Exp(logits[(n * k + c) * v + i]) / sum, g = labels[n * v + i] == c ? 1 : 0;
                    tp += p * g;
                    fp += p * (1 - g);
                    fn += (1 - p) * g;
                    if (g == 1) crossEntropy -= Math.Log(p) / (b * v);
                }
            tversky -= (tp + 1e-6) / (tp + 0.5 * fp + 0.5 * fn + 1e-6);
        }
        double expected = kind == PickerLoss.Tversky ? tversky : tversky + crossEntropy;
        using var scope = torch.NewDisposeScope();
        var x = TensorData.Upload(logits, torch.CPU, b, k, 2, 3, 2);
        var y = TensorData.Upload(labels, torch.CPU, b, 2, 3, 2).to(torch.ScalarType.Int64);
        Assert.Equal(expected, PickerTraining.Loss(x, y, k, kind).item<float>(), 5);
        Assert.True(crossEntropy > 0.1); // the two kinds differ measurably here
    }

    [Fact]
    public void TiledSegmentationEqualsTheUntiledNetworkInTheInterior()
    {
        const int depth = 80, height = 80, width = 96, margin = Segmentation.DefaultMargin;
        var plan = PickerArchitecture.Plan(0.25, 3);
        var model = new PickerModel(0.25, new[] { "a", "b" }, PickerArchitecture.GlorotUniform(plan, 5), 10, 24);
        var random = new Random(3);
        var sections = Enumerable.Range(0, depth).Select(_ => Enumerable.Range(0, height * width).Select(_ => (float)Gaussian(random)).ToArray()).ToArray();
        var volume = new Volume(sections, height, width, 10);
        // Tiles of 152 with margins of 36 keep cores of 80: one along Z and Y, two (48 each) along X.
        using var threads = ComputeDevices.UseThreads(1);
        var tiled = Segmentation.Run(model, volume, torch.CPU, tile: 152, margin: margin);

        // The untiled network on the whole z-scored volume, computed here.
        var (_, _, mean, std) = Statistics.Summary(sections);
        var flat = sections.SelectMany(s => s).Select(v => (float)((v - mean) / std)).ToArray();
        float[] probabilities;
        using (var network = new PickerNetwork(plan, model.Weights, torch.CPU, trainable: false))
        using (torch.no_grad())
        using (torch.NewDisposeScope())
            probabilities = TensorData.ToArray(network.Forward(TensorData.Upload(flat, torch.CPU, 1, 1, depth, height, width)));
        long n = (long)depth * height * width;
        int compared = 0;
        for (int z = margin; z < depth - margin; z++)
            for (int y = margin; y < height - margin; y++)
                for (int x = margin; x < width - margin; x++)
                {
                    long at = ((long)z * height + y) * width + x;
                    int best = Enumerable.Range(0, 3).MaxBy(k => probabilities[k * n + at]);
                    Assert.InRange(tiled.Confidence[z][y * width + x] - probabilities[best * n + at], -1e-5, 1e-5);
                    Assert.Equal(best, tiled.Classes[z][y * width + x]);
                    compared++;
                }
        Assert.Equal(8 * 8 * 24, compared);
        // Near the faces the tiles read zeros where the untiled network pads each layer: they may differ, and do.
        Assert.Contains(Enumerable.Range(0, height * width), i => Math.Abs(tiled.Confidence[0][i] - Enumerable.Range(0, 3).Max(k => probabilities[k * n + i])) > 1e-4);
    }

    [Fact]
    public void APickerTrainedOnSmallTomogramsFindsTheParticlesOfAHeldOutOne()
    {
        var set = Set(Tomogram(1, 0.3, Barrels), Tomogram(2, 0.3, Barrels)) with { Validation = LabelledTomogram.Of(Tomogram(3, 0.3, Barrels), null, "validation") };
        // 3e-4 rather than DeepFinder's 1e-4, so that 300 steps suffice.
        var model = Train(set, Small(steps: 300, seed: 7) with { ValidationInterval = 100, LearningRate = 3e-4 });
        Assert.Equal(300, model.History.Count);
        string trace = string.Join(" ", model.History.Chunk(40).Select(c => c.Average(h => h.Loss).ToString("0.000")))
            + " | validation F1 " + string.Join(" ", model.History.Where(h => h.ValidationF1 is not null).Select(h => $"{h.Step}:{h.ValidationF1:0.000}"));
        Assert.True(model.History.TakeLast(40).Average(h => h.Loss) < model.History.Take(40).Average(h => h.Loss), "the loss fell: " + trace);
        Assert.NotNull(model.BestStep);

        var test = Tomogram(4, 0.3, Barrels);
        // The bandwidth is about a barrel's radius (a segmented barrel is about 1,400 voxels, a ball of radius 7): measured
        // with this training, bandwidths of 4 and 5 split each barrel into 2 to 4 clusters (F1 0.44 and 0.67), 6 does not.
        var result = new ParticlePicking().Run(test, new PickingOptions { Model = model, Bandwidth = 6, Device = ComputeDevice.Cpu, Threads = 1, Margin = 12, Tile = 64 });
        Assert.True(result.Picks.Count > 0, "no picks: " + trace);
        var score = PickingScorer.Score(PickingTruth.FromVolume(test, null), result.Picks.Select(p => p.Entry).ToList());
        // Chance: a pick placed at random hits a particle with probability f, the fraction of the volume the particles
        // occupy, so random picking's precision is about f and its F1 at most 2f / (1 + f) < 2f whatever the number of
        // picks. Here f is a few per cent; a picker that learned finds most particles with few false picks.
        var instances = test.Labels!.GetInstanceMask()!;
        double f = instances.Sum(s => s.Count(v => v > 0)) / (double)(test.Depth * test.Height * test.Width);
        Assert.InRange(f, 0.001, 0.1);
        Assert.True(score.Localization.F1 >= 0.6, $"localisation F1 {score.Localization.F1:0.000}: {score.Localization}; " + trace);
        Assert.All(result.Picks, p => Assert.InRange(p.Entry.Score!.Value, 0, 1));
    }

    [Fact]
    public void ProgressShowsTheSmoothedLossAndTheLastValidationF1()
    {
        var set = Set(Tomogram(1)) with { Validation = LabelledTomogram.Of(Tomogram(2), null, "validation") };
        var reporter = new Engine.Reporter(null);
        var model = new PickerTraining().Run(set, Tiny(3, seed: 5), reporter);
        // The loss smoothed over about ten steps: s1 = l1, s(n) = 0.9 s(n-1) + 0.1 l(n); a validation at step 2 only.
        var h = model.History;
        double s1 = h[0].Loss, s2 = 0.9 * s1 + 0.1 * h[1].Loss, s3 = 0.9 * s2 + 0.1 * h[2].Loss;
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        Assert.Equal(new[]
        {
            $"loss {F(s1, "0.0000")}",
            $"loss {F(s2, "0.0000")}, validation F1 {F(h[1].ValidationF1!.Value, "0.000")}",
            $"loss {F(s3, "0.0000")}, validation F1 {F(h[2].ValidationF1!.Value, "0.000")}",
        }, reporter.Notes);
    }

    [Fact]
    public void ADegenerateSegmentationIsNotClusteredAndSaysWhy()
    {
        var model = Train(Set(Tomogram(1)), Tiny(1, seed: 6));
        // The output layer's bias made to favour the first particle class overwhelmingly: every voxel is a particle.
        var weights = model.Weights.ToDictionary(w => w.Key, w => (float[])w.Value.Clone());
        weights["out.bias"][1] = 1e4f;
        var degenerate = new PickerModel(model.Width, model.ClassNames, weights, model.VoxelSize, model.PatchSize);
        var reporter = new Engine.Reporter(null);
        var result = new ParticlePicking().Run(Tomogram(3), new PickingOptions { Model = degenerate, Device = ComputeDevice.Cpu, Threads = 1, Margin = 8, Tile = 48 }, reporter);
        Assert.All(result.Segmentation.Classes, section => Assert.All(section, k => Assert.Equal(1, k)));
        Assert.Empty(result.Picks);
        Assert.Contains(reporter.Warnings, w => w.Contains("100% of the voxels as particles"));
    }

    static PickerTrainingOptions Tiny(int steps, int seed) => Small(steps, seed) with { PatchSize = 16, BatchSize = 1, ValidationInterval = 2 };

    static void AssertSameWeights(PickerModel a, PickerModel b)
    {
        Assert.Equal(a.Weights.Keys.Order(), b.Weights.Keys.Order());
        foreach (var (name, w) in a.Weights) Assert.Equal(w, b.Weights[name]);
    }

    [Fact]
    public void OneSeedGivesOneModelAndAnotherSeedAnother()
    {
        var set = Set(Tomogram(1));
        var a = Train(set, Tiny(3, seed: 5));
        var b = Train(set, Tiny(3, seed: 5));
        AssertSameWeights(a, b);
        Assert.Equal(a.History.Select(h => h.Loss), b.History.Select(h => h.Loss));
        Assert.Equal(5, Convert.ToInt32(a.Settings["Seed"]));
        // Another seed: other initial weights and other patches.
        var plan = PickerArchitecture.Plan(0.25, 3);
        Assert.NotEqual(PickerArchitecture.GlorotUniform(plan, 5)["mid1.weight"], PickerArchitecture.GlorotUniform(plan, 6)["mid1.weight"]);
        var c = Train(set, Tiny(3, seed: 6));
        Assert.NotEqual(a.Weights["out.weight"], c.Weights["out.weight"]);
        Assert.NotEqual(a.History.Select(h => h.Loss), c.History.Select(h => h.Loss));
    }

    [Fact]
    public void PatchesComeFromTheWholeVolumeAndCarryTheirLabels()
    {
        // The published training cut patches from one end of the volume only; these must reach every part of it, hold the
        // tomogram's voxels there (z-scored, turned 180° about Y for about half of them) and the class mask's labels.
        var tomogram = Tomogram(1);
        var set = Set(tomogram);
        var mask = set.Training[0].ClassMask;
        var particles = set.Training[0].Particles.Select(p => (0, p)).ToArray();
        const int p = 16;
        var options = Small(1, 1) with { BatchSize = 4, PatchSize = p };
        var corners = new List<(int Z, int Y, int X, bool Turned)>();
        for (int step = 1; step <= 50; step++)
        {
            var (input, target, patches) = PickerTraining.Batch(set.Training, particles, options, seed: 1, step, classes: 3);
            for (int b = 0; b < patches.Length; b++)
            {
                var (_, z0, y0, x0, turned) = patches[b];
                corners.Add((z0, y0, x0, turned));
                var raw = new float[p * p * p];
                for (int z = 0; z < p; z++)
                    for (int y = 0; y < p; y++)
                        for (int x = 0; x < p; x++)
                        {
                            int at = turned ? ((p - 1 - z) * p + y) * p + (p - 1 - x) : (z * p + y) * p + x;
                            raw[at] = tomogram.Section(z0 + z)[(y0 + y) * tomogram.Width + x0 + x];
                            Assert.Equal(mask[z0 + z][(y0 + y) * tomogram.Width + x0 + x], target[b * raw.Length + at]);
                        }
                var (mean, std) = Statistics.MeanStd(raw);
                for (int i = 0; i < raw.Length; i += 97)
                    Assert.InRange(input[b * raw.Length + i] - (raw[i] - mean) / std, -1e-4, 1e-4);
            }
        }
        Assert.InRange(corners.Count(c => c.Turned), 60, 140);
        Assert.True(corners.Min(c => c.X) < 12 && corners.Max(c => c.X) > 72 - p - 12, "patches span X");
        Assert.True(corners.Min(c => c.Y) < 12 && corners.Max(c => c.Y) > 72 - p - 12, "patches span Y");
        Assert.True(corners.Min(c => c.Z) < 4 && corners.Max(c => c.Z) > 32 - p - 4, "patches span Z");
    }

    [Fact]
    public void AResumedTrainingGoesOnAsAnUninterruptedOne()
    {
        var set = Set(Tomogram(1)) with { Validation = LabelledTomogram.Of(Tomogram(2), null, "validation") };
        var whole = Train(set, Tiny(4, seed: 9) with { CheckpointPath = _dir.File("whole.ckpt") });
        string path = _dir.File("resumed.ckpt");
        Train(set, Tiny(2, seed: 9) with { CheckpointPath = path });
        var resumed = Train(set, Tiny(4, seed: 9) with { CheckpointPath = path, Resume = true });
        AssertSameWeights(whole, resumed);
        Assert.Equal(whole.History, resumed.History);
        Assert.Equal(whole.BestStep, resumed.BestStep);
        // A checkpoint of another seed is refused, by name.
        var e = Assert.Throws<FakETException>(() => Train(set, Tiny(4, seed: 10) with { CheckpointPath = path, Resume = true }));
        Assert.Equal(PickingErrorIds.CheckpointMismatch, e.ErrorId);
    }

    [Fact]
    public void StoppingTrainingLeavesNoPartialCheckpoint()
    {
        var set = Set(Tomogram(1));
        string path = _dir.File("stopped.ckpt");
        using (var stop = new CancellationTokenSource())
        {
            // Stopped at step 1, before the first checkpoint (step 2): no file at all.
            Assert.ThrowsAny<OperationCanceledException>(() => Train(set, Tiny(6, seed: 2) with { CheckpointPath = path }, stop.Token, (done, _) => stop.Cancel()));
        }
        Assert.Empty(Directory.GetFiles(_dir.Path));
        using (var stop = new CancellationTokenSource())
        {
            // Stopped at step 3: the step-2 checkpoint is whole, and nothing else is left.
            Assert.ThrowsAny<OperationCanceledException>(() => Train(set, Tiny(6, seed: 2) with { CheckpointPath = path }, stop.Token,
                (done, _) => { if (done == 3) stop.Cancel(); }));
        }
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir.Path));
        var resumed = Train(set, Tiny(2, seed: 2) with { CheckpointPath = path, Resume = true });
        Assert.Equal(new[] { 1, 2 }, resumed.History.Select(h => h.Step));
    }

    [Fact]
    public void AnExportedPickerReadsBackTheSame()
    {
        var set = Set(Tomogram(1)) with { Validation = LabelledTomogram.Of(Tomogram(2), null, "validation") };
        var model = Train(set, Tiny(4, seed: 4));
        PickerFiles.Write(_dir.File("picker"), model, plot: true);
        var (weights, json, png) = PickerFiles.Files(_dir.File("picker"));
        Assert.True(File.Exists(weights) && File.Exists(json));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png).Take(4));
        var back = PickerFiles.Read(json);
        AssertSameWeights(model, back);
        Assert.Equal(model.ClassNames, back.ClassNames);
        Assert.Equal(model.Width, back.Width);
        Assert.Equal(model.VoxelSize, back.VoxelSize);
        Assert.Equal(model.PatchSize, back.PatchSize);
        Assert.Equal(model.History, back.History);
        Assert.Equal(model.BestStep, back.BestStep);
        Assert.Equal(4, Convert.ToInt32(back.Settings["Seed"]));
        // The same picks from both.
        var test = Tomogram(3);
        var options = new PickingOptions { Model = model, Device = ComputeDevice.Cpu, Threads = 1, Margin = 8, Tile = 48 };
        var a = new ParticlePicking().Run(test, options).Picks;
        var b = new ParticlePicking().Run(test, options with { Model = back }).Picks;
        Assert.Equal(a, b);
    }
}

using System.Globalization;
using FakET.Native;
using FakET.Stages;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace FakET.Picking;

/// <summary>
/// Trains a picker's U-Net as DeepFinder does (Moebel et al. 2021): patches centred on particles with a uniform random
/// shift (±13 voxels), half of them turned 180° about the tilt axis (Y), each z-scored; the samples' class masks as the
/// targets; the Tversky loss with α = β = 0.5 (a soft Dice summed over classes, background included; see
/// <see cref="Tversky"/> for its one addition), by default with the voxels' cross-entropy added (see <see cref="Loss"/>
/// for why); Adam at 1e-4.
/// Two flaws of the published training are fixed: patches are cut anywhere in each tomogram (the published code took
/// them from one end, through a mismatch of coordinate frames), and the seed sets both the initial weights
/// (Glorot-uniform) and the sampling (the published seeds shared initial weights). Each step's batch is drawn from the
/// seed and the step's number alone, so a run resumed from a checkpoint goes on exactly as an uninterrupted one. With a
/// validation tomogram (never a training one), the weights kept are those of the validation step with the best voxel
/// F1 (mean over particle classes).
/// </summary>
public sealed class PickerTraining : Stage<PickerTrainingSet, PickerTrainingOptions, PickerModel>
{
    const double Alpha = 0.5, Beta = 0.5, TverskyEpsilon = 1e-6, AdamBeta1 = 0.9, AdamBeta2 = 0.999, AdamEpsilon = 1e-8;

    public override string Step => Steps.InvokePickerTraining;

    protected override PickerModel Execute(PickerTrainingSet set, PickerTrainingOptions options, StageRun run)
    {
        var names = CheckSet(set, options.PatchSize);
        int classes = names.Count + 1;
        int seed = options.Seed ?? Random.Shared.Next();
        var plan = PickerArchitecture.Plan(options.Width, classes);
        var state = new TrainingState(PickerArchitecture.GlorotUniform(plan, seed));
        if (options.Resume && options.CheckpointPath is { } resumeFrom)
        {
            if (File.Exists(resumeFrom))
                state = PickerCheckpoint.Read(resumeFrom, plan, seed, names);
            else
                run.Warning($"There is no checkpoint at '{resumeFrom}' yet: training starts from step 0.");
        }
        var particles = set.Training.SelectMany((t, i) => t.Particles.Select(p => (Tomogram: i, Particle: p))).ToArray();
        var device = ComputeDevices.Resolve(options.Device);
        using var threads = ComputeDevices.UseThreads(options.Threads);
        using var network = new PickerNetwork(plan, state.Weights, device, trainable: true);
        using var adam = new Adam(network, state);
        double? smoothed = null, lastF1 = null;
        for (int step = state.Step + 1; step <= options.Steps; step++)
        {
            run.Cancel.ThrowIfCancellationRequested();
            double loss;
            using (torch.NewDisposeScope())
            {
                var (input, target, _) = Batch(set.Training, particles, options, seed, step, classes);
                var x = TensorData.Upload(input, device, options.BatchSize, 1, options.PatchSize, options.PatchSize, options.PatchSize);
                var labels = TensorData.Upload(target, device, options.BatchSize, options.PatchSize, options.PatchSize, options.PatchSize)
                    .to(ScalarType.Int64);
                var l = Loss(network.Logits(x), labels, classes, options.Loss);
                adam.ZeroGrad();
                l.backward();
                adam.Step(options.LearningRate);
                loss = l.item<float>();
            }
            double? f1 = null;
            bool validation = step % options.Interval == 0 || step == options.Steps;
            if (validation && set.Validation is { } v)
            {
                var map = Segmentation.Run(network, v.Tomogram, options.ValidationTile, Segmentation.DefaultMargin, null, run.Cancel);
                f1 = VoxelF1(map, v.ClassMask, classes);
                if (state.BestF1 is not double best || f1 > best)
                {
                    state.BestF1 = f1;
                    state.BestStep = step;
                    state.Best = network.Weights();
                }
            }
            state.History.Add(new PickerHistoryPoint(step, loss, f1));
            state.Step = step;
            // The status line: the loss smoothed over about ten steps (one batch's loss is noisy), and the last validation F1.
            smoothed = smoothed is double before ? 0.9 * before + 0.1 * loss : loss;
            lastF1 = f1 ?? lastF1;
            string note = string.Create(CultureInfo.InvariantCulture, $"loss {smoothed:0.0000}")
                + (lastF1 is double vf ? string.Create(CultureInfo.InvariantCulture, $", validation F1 {vf:0.000}") : "");
            run.Progress(step, options.Steps, "step", note);
            if (validation && options.CheckpointPath is { } path)
                PickerCheckpoint.Write(path, network, adam, state, seed, names, run.Cancel);
        }
        var weights = state.Best ?? network.Weights();
        var decided = new Dictionary<string, object?> { ["Seed"] = seed };
        string summary = $"picker trained {options.Steps} steps on {set.Training.Count} tomogram(s)"
            + (state.BestStep is int b ? string.Create(CultureInfo.InvariantCulture, $", best validation F1 {state.BestF1:0.000} at step {b}") : "");
        var entry = run.Entry(summary, decided);
        var settings = new Dictionary<string, object?>(entry.Parameters);
        return new PickerModel(options.Width, names, weights, set.Training[0].Tomogram.VoxelSize, options.PatchSize, settings,
            state.History.ToList(), state.BestStep);
    }

    /// <summary>The class names every tomogram shares; every tomogram must hold a patch and the training ones particles.</summary>
    static IReadOnlyList<string> CheckSet(PickerTrainingSet set, int patch)
    {
        if (set.Training.Count == 0)
            throw new FakETException(PickingErrorIds.NoParticles, FailureKind.InvalidArgument, "Training needs at least one labelled tomogram.");
        var names = set.Training[0].ClassNames;
        if (names.Count > 254)
            throw new FakETException(PickingErrorIds.InvalidSetting, FailureKind.InvalidArgument, $"The picker tells at most 254 classes apart, not {names.Count}.");
        foreach (var (t, role) in set.Training.Select((t, i) => ((LabelledTomogram?)t, $"training tomogram {i + 1}")).Append((set.Validation, "validation tomogram")))
        {
            if (t is null) continue;
            if (!t.ClassNames.SequenceEqual(names))
                throw new FakETException(PickingErrorIds.ShapeMismatch, FailureKind.InvalidArgument,
                    $"The {role} has classes {string.Join(", ", t.ClassNames)}, the first {string.Join(", ", names)}: all must share one class list.");
            if (t.Tomogram.Depth < patch || t.Tomogram.Height < patch || t.Tomogram.Width < patch)
                throw new FakETException(PickingErrorIds.TooSmall, FailureKind.InvalidArgument,
                    $"The {role} ({t.Tomogram.Depth}×{t.Tomogram.Height}×{t.Tomogram.Width}) is smaller than a {patch}³ patch.");
        }
        if (set.Training.All(t => t.Particles.Count == 0))
            throw new FakETException(PickingErrorIds.NoParticles, FailureKind.InvalidArgument, "The training tomograms list no particles to centre patches on.");
        if (set.Validation is { } v && set.Training.Any(t => ReferenceEquals(t.Tomogram, v.Tomogram)))
            throw new FakETException(PickingErrorIds.InvalidSetting, FailureKind.InvalidArgument, "The validation tomogram is one of the training tomograms: give a separate one.");
        return names;
    }

    /// <summary>Step <paramref name="step"/>'s batch: patch voxels (z-scored) and class labels, (B, P, P, P) each, and where
    /// each patch was cut (its corner in the tomogram and whether it was turned).</summary>
    internal static (float[] Input, float[] Target, (int Tomogram, int Z, int Y, int X, bool Turned)[] Patches) Batch(IReadOnlyList<LabelledTomogram> tomograms, (int Tomogram, Particle Particle)[] particles,
        PickerTrainingOptions options, int seed, int step, int classes)
    {
        var random = new Random(unchecked(seed * 1_000_003 + step));
        int p = options.PatchSize, voxels = p * p * p;
        var input = new float[options.BatchSize * voxels];
        var target = new float[input.Length];
        var patches = new (int, int, int, int, bool)[options.BatchSize];
        for (int b = 0; b < options.BatchSize; b++)
        {
            var (index, particle) = particles[random.Next(particles.Length)];
            var t = tomograms[index];
            int Origin(double centre, int size) =>
                Math.Clamp((int)Math.Round(centre) + random.Next(-options.Shift, options.Shift + 1) - p / 2, 0, size - p);
            int x0 = Origin(particle.X, t.Tomogram.Width), y0 = Origin(particle.Y, t.Tomogram.Height), z0 = Origin(particle.Z, t.Tomogram.Depth);
            bool turn = random.Next(2) == 1;
            patches[b] = (index, z0, y0, x0, turn);
            int width = t.Tomogram.Width;
            var patch = input.AsSpan(b * voxels, voxels);
            for (int z = 0; z < p; z++)
            {
                var section = t.Tomogram.Section(z0 + z);
                var mask = t.ClassMask[z0 + z];
                for (int y = 0; y < p; y++)
                    for (int x = 0; x < p; x++)
                    {
                        // A 180° turn about Y sends (z, y, x) to (p-1-z, y, p-1-x).
                        int at = turn ? ((p - 1 - z) * p + y) * p + (p - 1 - x) : (z * p + y) * p + x;
                        int from = (y0 + y) * width + x0 + x;
                        patch[at] = section[from];
                        target[b * voxels + at] = Math.Clamp(mask[from], 0, classes - 1);
                    }
            }
            var (mean, std) = Statistics.MeanStd(patch);
            float scale = std > 0 ? (float)(1 / std) : 1f;
            for (int i = 0; i < patch.Length; i++) patch[i] = (float)((patch[i] - mean) * scale);
        }
        return (input, target, patches);
    }

    /// <summary>The loss of a batch's class scores <paramref name="logits"/> (B, K, D, H, W) against its class labels
    /// <paramref name="labels"/> (B, D, H, W, int64): <see cref="Tversky"/> of the softmax, plus, for
    /// <see cref="PickerLoss.TverskyCrossEntropy"/>, the mean over voxels of −log p(true class). The Tversky loss alone
    /// (DeepFinder's) stops learning on small, crowded molecules: within a few steps every particle class's probability
    /// underflows everywhere, the softmax's slope p(1 − p) with it, and the loss sits at K − 1. The cross-entropy's slope
    /// at a particle voxel stays p − 1, so the particle classes keep being pulled up (the sum nnU-Net trains with).</summary>
    internal static Tensor Loss(Tensor logits, Tensor labels, int classes, PickerLoss kind)
    {
        var y = F.one_hot(labels, classes).permute(0, 4, 1, 2, 3).to(ScalarType.Float32);
        var loss = Tversky(F.softmax(logits, 1), y);
        return kind == PickerLoss.TverskyCrossEntropy ? loss + F.cross_entropy(logits, labels) : loss;
    }

    /// <summary>DeepFinder's Tversky loss: K − Σ_k (TP_k + ε) / (TP_k + α FP_k + β FN_k + ε), soft counts over the whole
    /// batch. DeepFinder has no ε; without it a class absent from a batch and predicted nowhere (its probabilities
    /// underflow to 0 once the network is sure) gives 0/0 and poisons the weights with NaN. With ε = 1e-6 (a millionth of
    /// a voxel) such a class scores 1, as a perfect prediction should, and every other term is unchanged to float precision.</summary>
    internal static Tensor Tversky(Tensor p, Tensor g)
    {
        var dims = new long[] { 0, 2, 3, 4 };
        var tp = (p * g).sum(dims);
        var fp = (p * (1 - g)).sum(dims);
        var fn = ((1 - p) * g).sum(dims);
        return p.shape[1] - ((tp + TverskyEpsilon) / (tp + Alpha * fp + Beta * fn + TverskyEpsilon)).sum();
    }

    /// <summary>The mean over particle classes present in the truth or the prediction of the voxel F1 = 2TP / (2TP + FP + FN).</summary>
    public static double VoxelF1(SegmentationMap map, int[][] truth, int classes)
    {
        var tp = new long[classes];
        var fp = new long[classes];
        var fn = new long[classes];
        for (int z = 0; z < map.Depth; z++)
            for (int i = 0; i < map.Classes[z].Length; i++)
            {
                int predicted = map.Classes[z][i], actual = Math.Clamp(truth[z][i], 0, classes - 1);
                if (predicted == actual) tp[actual]++;
                else
                {
                    fp[predicted]++;
                    fn[actual]++;
                }
            }
        var f1 = Enumerable.Range(1, classes - 1).Where(k => tp[k] + fp[k] + fn[k] > 0).Select(k => 2.0 * tp[k] / (2 * tp[k] + fp[k] + fn[k])).ToList();
        return f1.Count == 0 ? 0 : f1.Average();
    }

    /// <summary>Where a training stands: the step done, the weights to start from, Adam's moments, the history and the best weights.</summary>
    internal sealed class TrainingState(Dictionary<string, float[]> weights)
    {
        public int Step { get; set; }
        public Dictionary<string, float[]> Weights { get; } = weights;
        public Dictionary<string, float[]>? FirstMoments { get; set; }
        public Dictionary<string, float[]>? SecondMoments { get; set; }
        public List<PickerHistoryPoint> History { get; } = new();
        public Dictionary<string, float[]>? Best { get; set; }
        public double? BestF1 { get; set; }
        public int? BestStep { get; set; }
    }

    /// <summary>Adam (Kingma and Ba 2015) over the network's tensors, its moments held here so checkpoints can carry them.</summary>
    internal sealed class Adam : IDisposable
    {
        readonly List<(string Name, Tensor Parameter, Tensor M, Tensor V)> _slots = new();
        int _t;

        public Adam(PickerNetwork network, TrainingState state)
        {
            _t = state.Step;
            foreach (var (name, parameter) in network.Parameters)
            {
                var m = state.FirstMoments?[name] is { } fm ? TensorData.Upload(fm, network.Device, parameter.shape) : torch.zeros_like(parameter);
                var v = state.SecondMoments?[name] is { } sm ? TensorData.Upload(sm, network.Device, parameter.shape) : torch.zeros_like(parameter);
                _slots.Add((name, parameter, m.requires_grad_(false).DetachFromDisposeScope(), v.requires_grad_(false).DetachFromDisposeScope()));
            }
        }

        public void ZeroGrad()
        {
            foreach (var s in _slots) s.Parameter.grad?.zero_();
        }

        public void Step(double learningRate)
        {
            _t++;
            double c1 = 1 - Math.Pow(AdamBeta1, _t), c2 = 1 - Math.Pow(AdamBeta2, _t);
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            foreach (var (_, p, m, v) in _slots)
            {
                var g = p.grad;
                if (g is null) continue;
                m.mul_(AdamBeta1).add_(g, 1 - AdamBeta1);
                v.mul_(AdamBeta2).addcmul_(g, g, 1 - AdamBeta2);
                var denominator = (v / c2).sqrt_().add_(AdamEpsilon);
                p.addcdiv_(m, denominator, -learningRate / c1);
            }
        }

        /// <summary>The moments as host arrays, by tensor name.</summary>
        public (Dictionary<string, float[]> M, Dictionary<string, float[]> V) Moments() =>
            (_slots.ToDictionary(s => s.Name, s => TensorData.ToArray(s.M)), _slots.ToDictionary(s => s.Name, s => TensorData.ToArray(s.V)));

        public void Dispose()
        {
            foreach (var s in _slots)
            {
                s.M.Dispose();
                s.V.Dispose();
            }
            _slots.Clear();
        }
    }
}

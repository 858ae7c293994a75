namespace FakET.Scoring;

/// <summary>
/// Scores picks against a ground truth with the rules of SHREC'21's evaluation script in the form the FakET authors ran
/// it (<c>faket/shrec2021/eval.py</c> in their repository; <c>--skip_vesicles</c> is <c>ExcludeClass vesicle</c>,
/// <c>--skip_4v94</c> is <c>ExcludeClass 4V94</c>):
/// <list type="bullet">
/// <item>a pick's class is upper-cased unless it is exactly 'fiducial' or 'vesicle'; its coordinates are rounded half to
/// even (Python's <c>round</c>) and clipped into the volume (the script clips to 0…511, the last index of SHREC's 512³
/// volumes; here the volume's own last index on each axis); a pick that needed clipping is out of bounds;</item>
/// <item>it hits the particle whose index the occupancy mask, grey-dilated by the 3-D cross (skimage's default
/// footprint), holds at that voxel; 0 is background;</item>
/// <item>particles of excluded classes are then dropped with their hits; the recall's denominator is every particle
/// less 4V94 when 4V94 is excluded (and only then);</item>
/// <item>TP = particles hit, FP = picks on background, FN = particles not hit, precision = TP / picks, recall = TP /
/// that denominator, F1 = 1 / ((1/recall + 1/precision) / 2);</item>
/// <item>each particle's predicted class is the class of the first pick (in input order) that hit it, background when
/// none did or that class is excluded; per-class precision, recall and F1 and the macro F1 over every class present as
/// truth or prediction, background included, as pycm computes them.</item>
/// </list>
/// Where the script would stop with an exception (a hit's class it does not know, no true positive), this scores on:
/// a class the truth does not know is a class of its own, and F1 with no true positive is 0.
/// </summary>
public static class PickingScorer
{
    public const string Background = "background";

    /// <summary>Scores <paramref name="picks"/> against <paramref name="truth"/>.</summary>
    public static PickingAccuracy Score(PickingTruth truth, IReadOnlyList<ParticleEntry> picks, IReadOnlyList<string>? exclude = null,
        string? predictedSource = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(picks);
        if (picks.Count == 0)
            throw new FakETException(ScoringErrorIds.NoPredictions, FailureKind.InvalidArgument,
                "There are no picks to score (precision would divide by zero): give a file with at least one pick.");
        var excluded = (exclude ?? Array.Empty<string>()).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim())
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        bool IsExcluded(string c) => excluded.Contains(c, StringComparer.OrdinalIgnoreCase);
        var classOf = ClassResolver(truth);

        // Rounded, clipped picks and what they hit.
        var shape = truth.Shape;
        var voxels = new Voxel[picks.Count];
        int outside = 0;
        for (int i = 0; i < picks.Count; i++)
        {
            var p = picks[i];
            if (!double.IsFinite(p.X) || !double.IsFinite(p.Y) || !double.IsFinite(p.Z))
                throw new FakETException(ScoringErrorIds.NoPredictions, FailureKind.InvalidData,
                    $"Pick {i + 1} ({p}) has a coordinate that is not a finite number.");
            double x = Math.Round(p.X, MidpointRounding.ToEven), y = Math.Round(p.Y, MidpointRounding.ToEven), z = Math.Round(p.Z, MidpointRounding.ToEven);
            if (shape is { } s)
            {
                double cx = Math.Clamp(x, 0, s.X - 1), cy = Math.Clamp(y, 0, s.Y - 1), cz = Math.Clamp(z, 0, s.Z - 1);
                if (cx != x || cy != y || cz != z) outside++;
                (x, y, z) = (cx, cy, cz);
            }
            voxels[i] = new Voxel((int)Math.Clamp(x, int.MinValue, int.MaxValue), (int)Math.Clamp(y, int.MinValue, int.MaxValue), (int)Math.Clamp(z, int.MinValue, int.MaxValue));
        }
        cancel.ThrowIfCancellationRequested();
        var hits = truth.Occupancy is { } mask ? OccupancyHits(truth, mask, voxels, cancel) : DistanceHits(truth, picks);

        // found[particle] = the picks that hit it, in input order; background picks counted apart.
        var found = new Dictionary<int, List<int>>();
        int background = 0;
        for (int i = 0; i < picks.Count; i++)
        {
            if (hits[i] is not { } particle) { background++; continue; }
            if (!found.TryGetValue(particle.Index, out var list)) found[particle.Index] = list = new List<int>();
            list.Add(i);
        }

        var scored = truth.Particles.Where(p => !IsExcluded(p.Class)).ToList();
        int denominator = truth.Particles.Count - (IsExcluded("4V94") ? truth.Particles.Count(p => p.Class == "4V94") : 0);
        int tp = 0, fn = 0, multiple = 0, excludedHits = 0;
        double published = 0, distance = 0;
        double voxel = truth.VoxelSize ?? 1;
        foreach (var p in truth.Particles)
        {
            found.TryGetValue(p.Index, out var list);
            if (IsExcluded(p.Class)) { excludedHits += list?.Count ?? 0; continue; }
            if (list is null) { fn++; continue; }
            tp++;
            if (list.Count > 1) multiple++;
            var v = voxels[list[0]];
            var pick = picks[list[0]];
            published += Euclid(v.X - p.X, v.Y - p.Y, v.Z - p.Z);
            distance += voxel * Euclid(pick.X - p.X, pick.Y - p.Y, pick.Z - p.Z);
        }
        double recall = denominator == 0 ? double.NaN : (double)tp / denominator;
        double precision = (double)tp / picks.Count;
        double corrected = tp + fn == 0 ? double.NaN : (double)tp / (tp + fn);
        var localization = new LocalizationScore
        {
            Picks = picks.Count,
            Particles = denominator,
            TruePositives = tp,
            FalsePositives = background,
            FalseNegatives = fn,
            MultipleHits = multiple,
            OutOfBounds = outside,
            ExcludedHits = excludedHits,
            Precision = precision,
            Recall = recall,
            F1 = Harmonic(recall, precision),
            RecallWithoutExcluded = corrected,
            F1WithoutExcluded = Harmonic(corrected, precision),
            MeanDistance = tp == 0 ? double.NaN : distance / tp,
            PublishedMeanDistance = tp == 0 ? double.NaN : published / tp,
        };

        // Classification: each scored particle's class against its first hit's (background if none, or excluded).
        var actual = scored.Select(p => p.Class).ToList();
        var predicted = scored.Select(p =>
        {
            if (!found.TryGetValue(p.Index, out var list)) return Background;
            string c = classOf(picks[list[0]].Class);
            return IsExcluded(c) ? Background : c;
        }).ToList();
        var (matrix, classification) = Classify(actual, predicted, truth.ClassOrder);
        return new PickingAccuracy
        {
            Localization = localization,
            Classification = classification,
            ConfusionMatrix = matrix,
            ExcludedClasses = excluded,
            Truth = truth.Source,
            Predicted = predictedSource ?? $"{picks.Count} picks",
            Matching = truth.Matching,
            VoxelSize = truth.VoxelSize,
        };
    }

    /// <summary>The script's F1: 1 / ((1/recall + 1/precision) / 2), 0 where it would divide by zero.</summary>
    static double Harmonic(double recall, double precision) =>
        double.IsNaN(recall) ? double.NaN : recall == 0 || precision == 0 ? 0 : 1 / ((1 / recall + 1 / precision) / 2);

    static double Euclid(double dx, double dy, double dz) => Math.Sqrt(dx * dx + dy * dy + dz * dz);

    /// <summary>
    /// A pick's class as the script reads it, named as the truth names it: upper-cased unless 'fiducial' or 'vesicle'
    /// (the script's rule), then the truth's class of that name (exactly, else without regard to case, so that a truth
    /// with lower-case names, such as New-Phantom's, is matched too); a name the truth does not know stays as read.
    /// </summary>
    static Func<string, string> ClassResolver(PickingTruth truth)
    {
        var names = truth.Particles.Select(p => p.Class).Concat(truth.ClassOrder).Distinct().ToList();
        var exact = names.ToHashSet(StringComparer.Ordinal);
        var folded = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var n in names) folded.TryAdd(n, n);
        return raw =>
        {
            string c = raw is "fiducial" or "vesicle" ? raw : raw.ToUpperInvariant();
            if (exact.Contains(c)) return c;
            if (folded.TryGetValue(c, out var known)) return known;
            return string.Equals(c, Background, StringComparison.OrdinalIgnoreCase) ? Background : c;
        };
    }

    static TruthParticle?[] OccupancyHits(PickingTruth truth, OccupancyMask mask, Voxel[] voxels, CancellationToken cancel)
    {
        var values = mask.Dilated(voxels, cancel);
        var hits = new TruthParticle?[voxels.Length];
        for (int i = 0; i < voxels.Length; i++)
        {
            if (values[i] == 0) continue;
            hits[i] = truth.ParticleAt(values[i]) ?? throw new FakETException(ScoringErrorIds.OccupancyInvalid, FailureKind.InvalidData,
                $"The occupancy mask holds {values[i]} near voxel ({voxels[i].X}, {voxels[i].Y}, {voxels[i].Z}), but the truth has no particle of that index (it has {truth.Particles.Count}).");
        }
        return hits;
    }

    /// <summary>Each pick hits the nearest particle (in Å) whose centre is within its class's radius; the first such
    /// particle in truth order on a tie.</summary>
    static TruthParticle?[] DistanceHits(PickingTruth truth, IReadOnlyList<ParticleEntry> picks)
    {
        double voxel = truth.VoxelSize ?? 1;
        var radii = truth.Particles.Select(p => truth.RadiusOf(p.Class)).ToArray();
        var hits = new TruthParticle?[picks.Count];
        Parallel.For(0, picks.Count, i =>
        {
            var pick = picks[i];
            double best = double.PositiveInfinity;
            for (int j = 0; j < truth.Particles.Count; j++)
            {
                var p = truth.Particles[j];
                double d = voxel * Euclid(pick.X - p.X, pick.Y - p.Y, pick.Z - p.Z);
                if (d <= radii[j] && d < best) { best = d; hits[i] = p; }
            }
        });
        return hits;
    }

    /// <summary>The confusion matrix and pycm's per-class and macro figures for these vectors.</summary>
    internal static (ConfusionMatrix, ClassificationScore) Classify(IReadOnlyList<string> actual, IReadOnlyList<string> predicted,
        IReadOnlyList<string> order)
    {
        var present = actual.Concat(predicted).ToHashSet();
        var classes = new List<string>();
        if (present.Contains(Background)) classes.Add(Background);
        classes.AddRange(order.Where(c => c != Background && present.Contains(c)).Distinct());
        classes.AddRange(actual.Concat(predicted).Where(c => !classes.Contains(c)).Distinct());
        var index = classes.Select((c, i) => (c, i)).ToDictionary(t => t.c, t => t.i);
        var counts = classes.Select(_ => new int[classes.Count]).ToArray();
        for (int i = 0; i < actual.Count; i++) counts[index[actual[i]]][index[predicted[i]]]++;

        var rows = new List<ClassScore>();
        for (int k = 0; k < classes.Count; k++)
        {
            int tp = counts[k][k], support = counts[k].Sum(), column = counts.Sum(r => r[k]);
            int fp = column - tp, fn = support - tp;
            rows.Add(new ClassScore(classes[k], support,
                tp + fp == 0 ? double.NaN : (double)tp / (tp + fp),
                tp + fn == 0 ? double.NaN : (double)tp / (tp + fn),
                2.0 * tp / (2.0 * tp + fp + fn)));
        }
        var without = rows.Where(r => r.Class != Background).ToList();
        var score = new ClassificationScore
        {
            F1Macro = rows.Count == 0 ? double.NaN : rows.Sum(r => r.F1) / rows.Count,
            F1MacroWithoutBackground = without.Count == 0 ? double.NaN : without.Sum(r => r.F1) / without.Count,
            PerClass = rows,
        };
        return (new ConfusionMatrix(classes, counts), score);
    }
}

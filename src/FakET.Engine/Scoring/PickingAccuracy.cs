using System.Globalization;

namespace FakET.Scoring;

/// <summary>
/// Localisation figures, as SHREC'21's evaluation script computes them (<c>faket/shrec2021/eval.py</c>, the FakET
/// authors' copy), and the corrected figures beside them where the script's are plainly wrong.
/// </summary>
public sealed record LocalizationScore
{
    /// <summary>Picks scored (all of them: duplicates, picks on background, on excluded particles and outside).</summary>
    public int Picks { get; init; }
    /// <summary>The particle count the published recall divides by: every truth particle, less 4V94 when it is excluded
    /// (the script never subtracts vesicles or any other excluded class).</summary>
    public int Particles { get; init; }
    /// <summary>Particles (not excluded) hit by at least one pick.</summary>
    public int TruePositives { get; init; }
    /// <summary>Picks on background (the dilated occupancy mask reads 0 there).</summary>
    public int FalsePositives { get; init; }
    /// <summary>Particles (not excluded) never hit.</summary>
    public int FalseNegatives { get; init; }
    /// <summary>Particles (not excluded) hit by more than one pick.</summary>
    public int MultipleHits { get; init; }
    /// <summary>Picks whose rounded position lay outside the volume (clipped into it before the look-up).</summary>
    public int OutOfBounds { get; init; }
    /// <summary>Picks that hit a particle of an excluded class: neither true nor false positives, but counted in
    /// <see cref="Picks"/>.</summary>
    public int ExcludedHits { get; init; }
    /// <summary>TruePositives / Picks (published).</summary>
    public double Precision { get; init; }
    /// <summary>TruePositives / Particles (published: excluded vesicles still count as particles).</summary>
    public double Recall { get; init; }
    /// <summary>Harmonic mean of Precision and Recall (published).</summary>
    public double F1 { get; init; }
    /// <summary>Corrected recall: TruePositives / (TruePositives + FalseNegatives), the particles that are scored.</summary>
    public double RecallWithoutExcluded { get; init; }
    /// <summary>Harmonic mean of Precision and RecallWithoutExcluded.</summary>
    public double F1WithoutExcluded { get; init; }
    /// <summary>Mean distance in Å from each found particle's centre to its first pick, the pick as given (not rounded,
    /// not clipped), in the truth's frame; in voxels when the truth's voxel size is unknown (see
    /// <see cref="PickingAccuracy.VoxelSize"/>). NaN when nothing was found.</summary>
    public double MeanDistance { get; init; }
    /// <summary>The script's average distance: in voxels, from the pick rounded to a voxel and clipped into the volume.</summary>
    public double PublishedMeanDistance { get; init; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"F1 {F1:0.0000} (precision {Precision:0.0000}, recall {Recall:0.0000}; TP {TruePositives}, FP {FalsePositives}, FN {FalseNegatives})");
}

/// <summary>One class's row of the classification table (pycm's figures, as the published script reports them).</summary>
/// <param name="Support">Truth particles of this class (0 for background).</param>
/// <param name="Precision">TP / (TP + FP), NaN when nothing was predicted as this class.</param>
/// <param name="Recall">TP / (TP + FN), NaN when no particle is of this class.</param>
/// <param name="F1">2·TP / (2·TP + FP + FN).</param>
public sealed record ClassScore(string Class, int Support, double Precision, double Recall, double F1)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Class}: F1 {F1:0.0000} ({Support} particles)");
}

/// <summary>Classification figures: each scored particle's class against the class of the first pick that hit it
/// (background when none did, or when that pick's class is excluded).</summary>
public sealed record ClassificationScore
{
    /// <summary>Mean F1 over every class that occurs as truth or prediction, background included (published; background's
    /// F1 is always 0).</summary>
    public double F1Macro { get; init; }
    /// <summary>Corrected: the mean F1 over the same classes less background.</summary>
    public double F1MacroWithoutBackground { get; init; }
    /// <summary>One row per class, background first.</summary>
    public IReadOnlyList<ClassScore> PerClass { get; init; } = Array.Empty<ClassScore>();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"F1 macro {F1Macro:0.0000} over {PerClass.Count} classes ({F1MacroWithoutBackground:0.0000} without background)");
}

/// <summary>The confusion matrix of the classification: rows are the true classes, columns the predicted ones, in
/// <see cref="Classes"/> order (background first).</summary>
public sealed class ConfusionMatrix(IReadOnlyList<string> classes, int[][] counts)
{
    public IReadOnlyList<string> Classes { get; } = classes;
    /// <summary>Counts[truth][predicted].</summary>
    public IReadOnlyList<IReadOnlyList<int>> Counts { get; } = counts;

    /// <summary>Particles of class <paramref name="truth"/> predicted as <paramref name="predicted"/>.</summary>
    public int this[string truth, string predicted]
    {
        get
        {
            int t = IndexOf(truth), p = IndexOf(predicted);
            return t < 0 || p < 0 ? 0 : Counts[t][p];
        }
    }

    int IndexOf(string name) => Classes.ToList().FindIndex(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>As CSV: a header row <c>truth\predicted,class…</c>, then one row per true class.</summary>
    public string ToCsv()
    {
        var text = new System.Text.StringBuilder();
        text.Append("truth\\predicted");
        foreach (var c in Classes) text.Append(',').Append(Csv(c));
        text.Append('\n');
        for (int i = 0; i < Classes.Count; i++)
        {
            text.Append(Csv(Classes[i]));
            foreach (var n in Counts[i]) text.Append(',').Append(n.ToString(CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        return text.ToString();
    }

    static string Csv(string s) => s.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    public override string ToString() => $"{Classes.Count}×{Classes.Count} confusion matrix, {Counts.Sum(r => r.Sum())} particles";
}

/// <summary>The result of scoring picks against a ground truth (<c>Measure-PickingAccuracy</c>).</summary>
public sealed class PickingAccuracy
{
    public required LocalizationScore Localization { get; init; }
    public required ClassificationScore Classification { get; init; }
    public required ConfusionMatrix ConfusionMatrix { get; init; }
    /// <summary>Classes left out of the scores (compared without regard to case).</summary>
    public IReadOnlyList<string> ExcludedClasses { get; init; } = Array.Empty<string>();
    /// <summary>The ground truth, as read.</summary>
    public required string Truth { get; init; }
    /// <summary>Where the picks came from.</summary>
    public required string Predicted { get; init; }
    /// <summary>Occupancy (SHREC'21's rule) or Distance (a particle list with radii).</summary>
    public TruthMatching Matching { get; init; }
    /// <summary>Å per voxel of the truth, or null when unknown (MeanDistance is then in voxels).</summary>
    public double? VoxelSize { get; init; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"localization F1 {Localization.F1:0.0000} (P {Localization.Precision:0.0000}, R {Localization.Recall:0.0000}; TP {Localization.TruePositives}, FP {Localization.FalsePositives}, FN {Localization.FalseNegatives}) · classification F1 {Classification.F1Macro:0.0000} · {Localization.Picks} picks{(ExcludedClasses.Count > 0 ? ", without " + string.Join(", ", ExcludedClasses) : "")}");
}

using System.Collections;
using System.Management.Automation;
using FakET.Labels;
using FakET.Scoring;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Scores a particle picker's picks against the ground truth as SHREC'21's evaluation script does: localisation precision, recall and F1, and the classification F1 per class and macro-averaged.</para>
/// <para type="description">-Truth is a SHREC'21-layout folder (particle_locations.txt and occupancy_mask.mrc or .mrc.gz), a labelled volume (New-Phantom's, Import-Volume's with its labels, or a tomogram made from a labelled sample's series, whose labels are in the tomogram's own frame; its instance mask is the occupancy), or a particle-list file with -Radius, matched by distance. -Predicted is one or more files (SHREC's CLASS x y z text, DeepFinder XML, the module's CSV, RELION STAR 3.1 to 5, copick pick JSON; the extension or -Format says which) or particle entries (Import-ParticleList's, or a labelled volume's Export-ParticleList objects) from the pipeline, all in the truth's voxel frame.</para>
/// <para type="description">By default the figures are exactly the published script's (faket/shrec2021/eval.py of the FakET authors, with --skip_vesicles when -ExcludeClass vesicle): a pick's class is upper-cased unless it is 'fiducial' or 'vesicle'; its coordinates are rounded half to even and clipped into the volume (out of bounds if that moved them); it hits the particle whose index the occupancy mask, grey-dilated by the 3-D cross of six neighbours, holds there (0 is background). TP = particles hit, FP = picks on background, FN = particles never hit, precision = TP / picks, recall = TP / particles, F1 their harmonic mean. Each particle's predicted class is the first hitting pick's; per-class precision, recall and F1 and their macro average over every class present, background included, are pycm's. Three quirks are kept and corrected beside them: recall counts excluded classes other than 4V94 as particles (RecallWithoutExcluded and F1WithoutExcluded do not); the macro F1 includes background, whose F1 is always 0 (F1MacroWithoutBackground leaves it out); and the script's distance is in voxels from the rounded, clipped pick (MeanDistance is in Å from the pick as given, in the truth's frame; PublishedMeanDistance is the script's). A class that the truth does not know is counted as a class of its own.</para>
/// <para type="description">The result displays as one line; Localization, Classification (F1Macro and PerClass rows of Class, Support, Precision, Recall, F1) and ConfusionMatrix (Classes and Counts, rows true, columns predicted) hold the figures. -Path name.json writes every figure as JSON (with the published ones under the published script's own keys in a shrec2021 object), name_confusion.csv and name_confusion.png (a heatmap), all or none. A file that does not parse is the error ParticleListParseError with its line, and nothing is scored.</para>
/// <example><code>Measure-PickingAccuracy -Predicted ./picks.txt -Truth ~/shrec2021/model_9 -ExcludeClass vesicle</code><para>Scores a SHREC'21 submission as the FakET paper did.</para></example>
/// <example><code>$tomogram = $phantom | New-TiltSeries | New-Tomogram; Import-ParticleList ./picks.xml | Measure-PickingAccuracy -Truth $tomogram -Path ./score.json</code><para>Scores a picker's DeepFinder XML against the labels of the tomogram it picked in, and writes score.json, score_confusion.csv and score_confusion.png.</para></example>
/// <example><code>Measure-PickingAccuracy ./cryolo.star -Truth ./particles.csv -Radius @{ ribosome = 120; proteasome = 80 } -VoxelSize 10</code><para>Matches picks to a particle list by distance, within 120 Å of a ribosome's centre or 80 Å of a proteasome's.</para></example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "PickingAccuracy")]
[OutputType(typeof(PickingAccuracy))]
public sealed class MeasurePickingAccuracyCommand : FakETCmdlet
{
    /// <summary><para type="description">The picks: particle-list files (wildcards allowed) or ParticleEntry objects, from the pipeline too.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object[] Predicted { get; set; } = Array.Empty<object>();

    /// <summary><para type="description">The ground truth: a SHREC'21 folder, a labelled Volume, or a particle-list file (then give -Radius).</para></summary>
    [Parameter(Mandatory = true, Position = 1)]
    public object Truth { get; set; } = null!;

    /// <summary><para type="description">Classes left out of the scores, as the script's --skip_vesicles (vesicle) and --skip_4v94 (4V94); compared without regard to case.</para></summary>
    [Parameter]
    public string[] ExcludeClass { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">For a particle-list truth: the radius in Å within which a pick hits a particle, one number for all classes or a hashtable of class name to Å.</para></summary>
    [Parameter]
    public object? Radius { get; set; }

    /// <summary><para type="description">Å per voxel of the truth when it does not give one (SHREC'21's masks give 0; a particle list never does). Also used to read RELION 5 and copick picks.</para></summary>
    [Parameter]
    [ValidateRange(1e-3, 1e6)]
    public double VoxelSize { get; set; }

    /// <summary><para type="description">The format of the prediction files: Csv, DeepFinderXml, Star, Relion5, Shrec or Copick; by default their extensions decide.</para></summary>
    [Parameter]
    [ValidateSet("Csv", "DeepFinderXml", "Star", "Relion5", "Shrec", "Copick", IgnoreCase = true)]
    public string? Format { get; set; }

    /// <summary><para type="description">Writes the figures to this .json file, and name_confusion.csv and name_confusion.png beside it.</para></summary>
    [Parameter]
    public string? Path { get; set; }

    /// <summary><para type="description">Overwrite existing output files.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    readonly List<object> _inputs = new();

    protected override void ProcessRecord()
    {
        foreach (var item in Predicted) _inputs.Add(item is PSObject ps ? ps.BaseObject : item);
    }

    protected override void EndProcessing()
    {
        double? voxel = MyInvocation.BoundParameters.ContainsKey(nameof(VoxelSize)) ? VoxelSize : null;
        PickingTruth? truth = null;
        if (!TryRun(() => truth = ReadTruth(voxel), Truth) || truth is null) return;

        var options = new ParticleReadOptions
        {
            VoxelSize = voxel ?? truth.VoxelSize,
            TomogramSize = truth.Shape,
        };
        var format = Format is null ? (ParticleListFormat?)null : Enum.Parse<ParticleListFormat>(Format, ignoreCase: true);
        var picks = new List<ParticleEntry>();
        var sources = new List<string>();
        int piped = 0;
        bool failed = false;
        foreach (var input in _inputs)
        {
            switch (input)
            {
                case ParticleEntry entry:
                    picks.Add(entry);
                    piped++;
                    break;
                case string path:
                    foreach (var file in ResolveInputPaths(new[] { path }, literal: false))
                    {
                        failed |= !TryRun(() => picks.AddRange(ParticleLists.Read(file, format, options, Cancel)), file);
                        sources.Add(System.IO.Path.GetFileName(file));
                    }
                    break;
                default:
                    WriteError(new ErrorRecord(new ArgumentException($"-Predicted takes particle-list files or ParticleEntry objects (Import-ParticleList), not {input?.GetType().Name ?? "null"}."),
                        "PredictedNotPicks", ErrorCategory.InvalidArgument, input));
                    failed = true;
                    break;
            }
        }
        if (failed) return;
        if (piped > 0) sources.Add($"{piped} piped pick{(piped == 1 ? "" : "s")}");
        if (truth.VoxelSize is null)
            WriteWarning("The truth does not give its voxel size: MeanDistance is in voxels. Give -VoxelSize (Å) to have it in Å.");

        string? target = Path is null ? null : ResolveOutputPath(Path);
        if (target is not null && !Force)
        {
            foreach (var file in new[] { PickingReport.Files(target).Json, PickingReport.Files(target).Csv, PickingReport.Files(target).Png })
                if (File.Exists(file))
                {
                    WriteError(new ErrorRecord(new IOException($"'{file}' already exists. Use -Force to overwrite it."), "FileExists", ErrorCategory.ResourceExists, file));
                    return;
                }
        }
        TryRun(() =>
        {
            var result = PickingScorer.Score(truth, picks, ExcludeClass, string.Join(", ", sources), Cancel);
            if (target is not null) PickingReport.Write(target, result, Cancel);
            WriteObject(result);
        }, Truth);
    }

    PickingTruth ReadTruth(double? voxel)
    {
        object truth = Truth is PSObject ps ? ps.BaseObject : Truth;
        switch (truth)
        {
            case Volume volume:
                return PickingTruth.FromVolume(volume, voxel);
            case string path:
                string resolved = ResolveOutputPath(path);
                if (Directory.Exists(resolved)) return PickingTruth.FromShrecFolder(resolved, voxel, Cancel);
                if (!File.Exists(resolved))
                    throw new FakETException(ScoringErrorIds.TruthNotFound, FailureKind.ObjectNotFound,
                        $"'{resolved}' does not exist: -Truth is a SHREC'21 folder, a labelled volume or a particle-list file.");
                var (radii, radius) = Radii();
                if (radii is null && radius is null)
                    throw new FakETException(ScoringErrorIds.RadiusMissing, FailureKind.InvalidArgument,
                        $"'{System.IO.Path.GetFileName(resolved)}' is a particle list: give -Radius (Å, one number or a hashtable per class) to match picks within it.");
                var entries = ParticleLists.Read(resolved, null, new ParticleReadOptions { VoxelSize = voxel }, Cancel);
                return PickingTruth.FromList(entries, System.IO.Path.GetFileName(resolved), voxel, radii, radius);
            default:
                throw new FakETException(ScoringErrorIds.TruthNotFound, FailureKind.InvalidArgument,
                    $"-Truth takes a SHREC'21 folder, a labelled Volume or a particle-list file, not {truth?.GetType().Name ?? "null"}.");
        }
    }

    (Dictionary<string, double>? Radii, double? Radius) Radii()
    {
        object? value = Radius is PSObject ps ? ps.BaseObject : Radius;
        if (value is null) return (null, null);
        if (value is IDictionary table)
        {
            var radii = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry e in table)
                radii[e.Key.ToString() ?? ""] = LanguagePrimitives.ConvertTo<double>(e.Value);
            return (radii, null);
        }
        return (null, LanguagePrimitives.ConvertTo<double>(value));
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FakET.IO;
using FakET.Labels;

namespace FakET.Formats;

/// <summary>What <see cref="CopickProject.Export"/> writes into a run, and as whom.</summary>
public sealed record CopickExportOptions
{
    /// <summary>The run's name (copick's run, RELION's rlnTomoName).</summary>
    public required string RunName { get; init; }
    /// <summary>copick's user_id of the picks and the segmentation.</summary>
    public string User { get; init; } = "faket";
    /// <summary>copick's session_id.</summary>
    public string Session { get; init; } = "0";
    /// <summary>The tomogram's type in copick (its file name): <c>wbp</c>, as copick calls weighted back-projection.</summary>
    public string Algorithm { get; init; } = "wbp";
    /// <summary>The segmentation's name: <c>&lt;x.xxx&gt;_&lt;user&gt;_&lt;session&gt;_&lt;name&gt;-multilabel.zarr</c>.</summary>
    public string SegmentationName { get; init; } = "classes";
    /// <summary>Replace files of the run that exist already; without it they are an error.</summary>
    public bool Overwrite { get; init; }
}

/// <summary>What one export wrote: the project, the run and its files.</summary>
public sealed record CopickRun(string Project, string RunName, double? VoxelSpacing, string? Tomogram, string? Segmentation,
    IReadOnlyList<string> Picks, int Particles, string? TiltSeries = null)
{
    /// <summary>One line: <c>copick run TS_01: 17 picks in 3 files, tomogram wbp, segmentation</c>.</summary>
    public override string ToString() =>
        $"copick run {RunName}: {Particles} picks in {Picks.Count} file{(Picks.Count == 1 ? "" : "s")}" +
        $"{(Tomogram is null ? "" : $", tomogram {Path.GetFileNameWithoutExtension(Tomogram)}")}{(Segmentation is null ? "" : ", segmentation")}";
}

/// <summary>
/// A copick project on the file system (copick's <c>CopickConfigFSSpec</c> and its file layout, <c>src/copick/impl/filesystem.py</c>,
/// and the pickable-object model of <c>src/copick/models.py</c>): <c>copick_config.json</c> with the pickable objects (name,
/// is_particle, label, color RGBA, radius Å, pdb_id), and per run <c>ExperimentRuns/&lt;run&gt;/VoxelSpacing&lt;x.xxx&gt;/&lt;algorithm&gt;.zarr</c>
/// (the tomogram, OME-NGFF 0.4, <see cref="OmeZarr"/>), <c>Picks/&lt;user&gt;_&lt;session&gt;_&lt;object&gt;.json</c>
/// (<see cref="CopickPicks.Format"/>) and <c>Segmentations/&lt;x.xxx&gt;_&lt;user&gt;_&lt;session&gt;_&lt;name&gt;-multilabel.zarr</c>,
/// the class mask with each class's label from the configuration. A new project's labels are the class numbers; a class
/// the project already has keeps its label, and a new one takes the lowest free label. The radius is the equivalent
/// sphere's, (3V/4π)^⅓, of the class's mean instance volume V in the instance mask; a class name that is a PDB ID
/// (a digit and three letters or digits) is its pdb_id. Every file of a run, and the configuration, is written in one
/// <see cref="AtomicFileSet"/>: all or none; other runs are not touched.
/// </summary>
public static class CopickProject
{
    /// <summary>copick's configuration file in the project folder.</summary>
    public const string ConfigName = "copick_config.json";

    /// <summary>Colours of labels 1, 2, …: matplotlib's tab10 (RGB), opaque.</summary>
    static readonly int[][] Palette =
    {
        new[] { 31, 119, 180 }, new[] { 255, 127, 14 }, new[] { 44, 160, 44 }, new[] { 214, 39, 40 }, new[] { 148, 103, 189 },
        new[] { 140, 86, 75 }, new[] { 227, 119, 194 }, new[] { 127, 127, 127 }, new[] { 188, 189, 34 }, new[] { 23, 190, 207 },
    };

    static readonly Regex PdbId = new("^[0-9][A-Za-z0-9]{3}$", RegexOptions.CultureInvariant);

    /// <summary>The voxel spacing as copick names its folders: three decimals.</summary>
    public static string Spacing(double voxelSize) => voxelSize.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes a run into the project at <paramref name="root"/> (made when absent): the tomogram, when given; and from the
    /// labels of <paramref name="sample"/>, else of <paramref name="tomogram"/>, the pickable objects, picks and segmentation.
    /// </summary>
    /// <param name="series">A tilt series to put beside the run's data, as <c>TiltSeries/&lt;run&gt;.mrc</c> with the files
    /// Export-TiltSeries writes (<see cref="StackFiles.Write"/>): outside copick's layout, which has no tilt series, and
    /// written (all or none) before the run's other files.</param>
    public static CopickRun Export(string root, Volume? tomogram, Volume? sample, CopickExportOptions options,
        CancellationToken cancel = default, Action<string>? warn = null, TiltSeries? series = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.RunName) || options.RunName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || options.RunName is "." or "..")
            throw new FakETException(ErrorIds.CopickNameInvalid, FailureKind.InvalidArgument, $"'{options.RunName}' cannot name a copick run (a folder).");
        foreach (var (what, name) in new[] { ("user", options.User), ("session", options.Session), ("algorithm", options.Algorithm), ("segmentation name", options.SegmentationName) })
            if (string.IsNullOrWhiteSpace(name) || name.Contains('_') || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
                throw new FakETException(ErrorIds.CopickNameInvalid, FailureKind.InvalidArgument,
                    $"The {what} '{name}' cannot go into copick's file names, which separate their parts with '_'.");
        var labelled = sample ?? (tomogram?.Labels is not null ? tomogram : null);
        if (tomogram is null && labelled is null && series is null)
            throw new FakETException(ErrorIds.LabelsMissing, FailureKind.InvalidArgument, "Give a tomogram, a labelled sample or a tilt series: there is nothing to write.");
        var labels = labelled is null ? null : Phantom.LabelFiles.LabelsOf(labelled);
        if (sample is not null && tomogram is not null && (sample.Depth, sample.Height, sample.Width, sample.VoxelSize) != (tomogram.Depth, tomogram.Height, tomogram.Width, tomogram.VoxelSize))
            warn?.Invoke($"The sample ({sample.Depth}×{sample.Height}×{sample.Width}, {sample.VoxelSize} Å) and the tomogram ({tomogram.Depth}×{tomogram.Height}×{tomogram.Width}, {tomogram.VoxelSize} Å) differ: the picks and the segmentation are in the sample's frame.");

        string project = Path.GetFullPath(root);
        string run = Path.Combine(project, "ExperimentRuns", options.RunName);
        string configPath = Path.Combine(project, ConfigName);
        var config = ReadConfig(configPath);
        var objects = (JsonArray)config["pickable_objects"]!;
        var labelOf = labels is null ? new Dictionary<int, int>() : AddObjects(objects, labels, labelled!);

        var planned = new List<string>();
        string? tomogramPath = tomogram is null ? null : Path.Combine(run, "VoxelSpacing" + Spacing(tomogram.VoxelSize), options.Algorithm + ".zarr");
        if (tomogramPath is not null) planned.Add(tomogramPath);
        string? segmentationPath = null;
        var picks = new List<(string Path, string Object, List<ParticleEntry> Entries)>();
        if (labels is not null)
        {
            if (labels.ClassMask is not null)
                planned.Add(segmentationPath = Path.Combine(run, "Segmentations",
                    $"{Spacing(labelled!.VoxelSize)}_{options.User}_{options.Session}_{options.SegmentationName}-multilabel.zarr"));
            var entries = ParticleList.Of(labels, options.RunName).Entries;
            foreach (var group in entries.GroupBy(e => e.Class))
            {
                string file = Path.Combine(run, "Picks", $"{options.User}_{options.Session}_{group.Key}.json");
                picks.Add((file, group.Key, group.ToList()));
                planned.Add(file);
            }
        }
        string? seriesPath = series is null ? null : Path.Combine(run, "TiltSeries", options.RunName + ".mrc");
        if (seriesPath is not null) planned.Add(seriesPath);
        var existing = planned.Where(p => File.Exists(p) || Directory.Exists(p)).ToList();
        if (existing.Count > 0 && !options.Overwrite)
            throw new FakETException(ErrorIds.CopickRunExists, FailureKind.ResourceExists,
                $"The copick run '{options.RunName}' already has {string.Join(", ", existing.Select(p => Path.GetRelativePath(project, p)))}: give -Force to replace them, or another -RunName.");

        if (series is not null) StackFiles.Write(series, seriesPath!, cancel: cancel);
        using var files = new AtomicFileSet(cancel);
        if (tomogram is not null)
        {
            var sections = tomogram.Sections;
            int width = tomogram.Width;
            OmeZarr.Write(files, tomogramPath!, options.RunName, (tomogram.Depth, tomogram.Height, width), tomogram.VoxelSize, ZarrType.Float32,
                (z, y, x) => sections[z][y * width + x], labels: false);
        }
        if (segmentationPath is not null)
        {
            var mask = labels!.ClassMask!;
            int width = labelled!.Width;
            var type = labelOf.Count == 0 || labelOf.Values.Max() <= 255 ? ZarrType.UInt8 : ZarrType.Int32;
            OmeZarr.Write(files, segmentationPath, options.SegmentationName, (labelled.Depth, labelled.Height, width), labelled.VoxelSize, type,
                (z, y, x) => mask[z][y * width + x] is var k && k != 0 && labelOf.TryGetValue(k, out int l) ? l : 0, labels: true);
        }
        foreach (var (file, name, entries) in picks)
            files.WriteAllText(file, CopickPicks.Format(entries, name, options.User, options.Session, options.RunName, labelled!.VoxelSize));
        files.WriteAllText(configPath, config.ToJsonString(Json.Indented));
        files.Commit();
        return new CopickRun(project, options.RunName, (labelled ?? tomogram)?.VoxelSize, tomogramPath, segmentationPath,
            picks.Select(p => p.Path).ToList(), picks.Sum(p => p.Entries.Count), seriesPath);
    }

    /// <summary>The project's configuration, or a new one.</summary>
    static JsonObject ReadConfig(string path)
    {
        JsonObject? config = null;
        if (File.Exists(path))
        {
            try
            {
                config = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            }
            catch (JsonException e)
            {
                throw new FakETException(ErrorIds.CopickConfigInvalid, FailureKind.InvalidData, $"'{path}', line {(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}");
            }
            if (config is null || config["pickable_objects"] is not (null or JsonArray))
                throw new FakETException(ErrorIds.CopickConfigInvalid, FailureKind.InvalidData, $"'{path}' is not a copick configuration (an object whose pickable_objects is a list).");
        }
        config ??= new JsonObject
        {
            ["name"] = "FakET",
            ["description"] = "Simulated cryo-ET data written by FakET.PowerShell",
            ["version"] = "0.5.0",
        };
        config["pickable_objects"] ??= new JsonArray();
        config["config_type"] ??= "filesystem";
        config["overlay_root"] ??= "local://" + Path.GetDirectoryName(Path.GetFullPath(path));
        config["overlay_fs_args"] ??= new JsonObject { ["auto_mkdir"] = true };
        return config;
    }

    /// <summary>Adds the classes the project lacks to its pickable objects; returns each class number's label.</summary>
    static Dictionary<int, int> AddObjects(JsonArray objects, SampleLabels labels, Volume volume)
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var used = new HashSet<int>();
        foreach (var o in objects.OfType<JsonObject>())
        {
            if (o["label"] is JsonValue v && v.TryGetValue<int>(out int l)) used.Add(l);
            if (o["name"] is JsonValue n && n.TryGetValue<string>(out var name) && o["label"] is JsonValue lv && lv.TryGetValue<int>(out int label))
                byName[name] = label;
        }
        var radii = Radii(labels, volume.VoxelSize);
        var particles = (labels.Particles ?? Array.Empty<Particle>()).Select(p => p.Class).ToHashSet();
        var labelOf = new Dictionary<int, int>();
        for (int k = 1; k <= labels.ClassNames.Count; k++)
        {
            string name = labels.ClassNames[k - 1];
            if (byName.TryGetValue(name, out int label))
            {
                labelOf[k] = label;
                continue;
            }
            label = used.Contains(k) ? Enumerable.Range(1, int.MaxValue - 1).First(l => !used.Contains(l)) : k;
            used.Add(label);
            labelOf[k] = byName[name] = label;
            var colour = Palette[(label - 1) % Palette.Length];
            var o = new JsonObject
            {
                ["name"] = name,
                ["is_particle"] = particles.Contains(k),
                ["label"] = label,
                ["color"] = new JsonArray(colour[0], colour[1], colour[2], 255),
            };
            if (radii.TryGetValue(k, out double radius)) o["radius"] = Math.Round(radius, 2);
            if (PdbId.IsMatch(name)) o["pdb_id"] = name.ToUpperInvariant();
            objects.Add(o);
        }
        return labelOf;
    }

    /// <summary>Each particle class's equivalent-sphere radius in Å, from its instances' mean voxel count.</summary>
    static Dictionary<int, double> Radii(SampleLabels labels, double voxelSize)
    {
        var radii = new Dictionary<int, double>();
        if (labels.Particles is not { Count: > 0 } particles || labels.InstanceMask is not { } mask) return radii;
        var voxels = new Dictionary<int, long>();
        foreach (var section in mask)
            foreach (int id in section)
                if (id != 0) voxels[id] = voxels.GetValueOrDefault(id) + 1;
        foreach (var group in particles.Where(p => !p.Clipped && voxels.ContainsKey(p.Id)).GroupBy(p => p.Class))
        {
            double mean = group.Average(p => (double)voxels[p.Id]);
            radii[group.Key] = Math.Cbrt(3 * mean / (4 * Math.PI)) * voxelSize;
        }
        return radii;
    }
}

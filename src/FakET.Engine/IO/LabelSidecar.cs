using System.Globalization;
using System.Text.Json.Nodes;

namespace FakET.IO;

/// <summary>
/// A labelled volume's ground truth in files, beside its MRC file: the particle table and class names in the JSON
/// sidecar's <c>labels</c> object, and the class and instance masks as MRC volumes (<c>name_class_mask.mrc</c>,
/// <c>name_instance_mask.mrc</c>, float32 holding whole numbers) that the sidecar names. Export-Volume writes them with
/// the volume, as one set; Import-Volume reads them back.
/// </summary>
public static class LabelSidecar
{
    /// <summary>Where a volume's class mask goes: <c>name_class_mask.mrc</c> beside it.</summary>
    public static string ClassMaskPath(string path) => Beside(path, "_class_mask.mrc");

    /// <summary>Where a volume's instance mask goes: <c>name_instance_mask.mrc</c> beside it.</summary>
    public static string InstanceMaskPath(string path) => Beside(path, "_instance_mask.mrc");

    static string Beside(string path, string suffix) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileNameWithoutExtension(path) + suffix);

    /// <summary>The sidecar's <c>labels</c> object for a volume written to <paramref name="path"/>.</summary>
    public static JsonObject ToJson(SampleLabels labels, string path)
    {
        var particles = new JsonArray();
        foreach (var p in labels.Particles ?? Array.Empty<Particle>())
        {
            var row = new JsonObject
            {
                ["id"] = p.Id, ["class"] = p.Class,
                ["x"] = p.X, ["y"] = p.Y, ["z"] = p.Z,
                ["phi"] = p.Phi, ["the"] = p.The, ["psi"] = p.Psi,
            };
            if (p.Clipped) row["clipped"] = true;
            particles.Add(row);
        }
        var node = new JsonObject
        {
            ["classNames"] = new JsonArray(labels.ClassNames.Select(n => (JsonNode?)n).ToArray()),
            ["eulerConvention"] = SampleLabels.EulerConvention,
            ["particles"] = particles,
        };
        if (labels.ClassMask is not null) node["classMask"] = Path.GetFileName(ClassMaskPath(path));
        if (labels.InstanceMask is not null) node["instanceMask"] = Path.GetFileName(InstanceMaskPath(path));
        return node;
    }

    /// <summary>Writes the volume's masks into <paramref name="files"/>, beside <paramref name="path"/>; nothing when it has no labels.</summary>
    public static void WriteMasks(AtomicFileSet files, string path, Volume volume)
    {
        if (volume.Labels is not { } labels) return;
        if (labels.ClassMask is { } classes)
            WriteMask(files, ClassMaskPath(path), volume, classes,
                "class mask: " + string.Join(" ", labels.ClassNames.Select((n, i) => $"{i + 1}={n}")));
        if (labels.InstanceMask is { } instances)
            WriteMask(files, InstanceMaskPath(path), volume, instances, $"instance mask: {labels.Particles?.Count ?? 0} particles, 0 = background");
    }

    /// <summary>Writes a mask as an MRC volume (mode 2, whole numbers) of <paramref name="volume"/>'s grid, with
    /// <paramref name="what"/> as its first label. Sections are converted one at a time as they are written.</summary>
    public static void WriteMask(AtomicFileSet files, string path, Volume volume, int[][] mask, string what, Action<int, int>? progress = null)
    {
        var options = new MrcFile.WriteOptions(MrcMode.Float32, IsVolume: true, StackFiles.Labels(volume).Take(9).Prepend(what).ToList(),
            (float)volume.Origin.X, (float)volume.Origin.Y, (float)volume.Origin.Z);
        MrcFile.Write(files, path, new MaskSections(mask), volume.Height, volume.Width, volume.VoxelSize, options, progress);
    }

    /// <summary>A mask's sections as float32, each made when asked for.</summary>
    sealed class MaskSections(int[][] mask) : IReadOnlyList<float[]>
    {
        public float[] this[int index] => Array.ConvertAll(mask[index], v => (float)v);
        public int Count => mask.Length;
        public IEnumerator<float[]> GetEnumerator()
        {
            for (int z = 0; z < mask.Length; z++) yield return this[z];
        }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// The labels a sidecar's <c>labels</c> object describes for the volume at <paramref name="path"/> of the given shape:
    /// the particle table, and the masks it names when their files are there with the volume's shape. A mask that is
    /// named but missing or of another shape is left out, and <paramref name="warn"/> says so.
    /// </summary>
    /// <exception cref="FakETException">The labels object is malformed (<see cref="ErrorIds.LabelsInvalid"/>).</exception>
    public static SampleLabels Read(JsonObject node, string path, int depth, int height, int width, Action<string>? warn = null,
        CancellationToken cancel = default)
    {
        string file = Path.GetFileName(HistorySidecar.PathFor(path));
        try
        {
            var names = (node["classNames"] as JsonArray ?? new JsonArray()).Select(n => n!.GetValue<string>()).ToList();
            var particles = new List<Particle>();
            int row = 0;
            foreach (var item in node["particles"] as JsonArray ?? new JsonArray())
            {
                row++;
                if (item is not JsonObject p) throw Invalid(file, $"particle {row} is not an object");
                particles.Add(new Particle(Int(p, "id"), Int(p, "class"), Number(p, "x"), Number(p, "y"), Number(p, "z"),
                    Number(p, "phi"), Number(p, "the"), Number(p, "psi"), p["clipped"]?.GetValue<bool>() ?? false));
            }
            var classMask = MaskNamed(node["classMask"], path, depth, height, width, warn, cancel);
            var instanceMask = MaskNamed(node["instanceMask"], path, depth, height, width, warn, cancel);
            return new SampleLabels(classMask, instanceMask, names, particles);

            int Int(JsonObject p, string key) => p[key]?.GetValue<int>() ?? throw Invalid(file, $"particle {row} has no {key}");
            double Number(JsonObject p, string key) => p[key]?.GetValue<double>() ?? throw Invalid(file, $"particle {row} has no {key}");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw Invalid(file, e.Message);
        }
    }

    static FakETException Invalid(string file, string what) =>
        new(ErrorIds.LabelsInvalid, FailureKind.InvalidData, $"The labels in {file} cannot be read: {what}.");

    static int[][]? MaskNamed(JsonNode? name, string path, int depth, int height, int width, Action<string>? warn, CancellationToken cancel)
    {
        if (name is null) return null;
        string file = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileName(name.GetValue<string>()));
        if (!File.Exists(file))
        {
            warn?.Invoke($"{Path.GetFileName(path)}'s labels name the mask {Path.GetFileName(file)}, which is not there; the volume is imported without it.");
            return null;
        }
        var (header, sections) = MrcFile.Read(file, cancel);
        if (header.Nz != depth || header.Ny != height || header.Nx != width)
        {
            warn?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"The mask {Path.GetFileName(file)} is {header.Nz}×{header.Ny}×{header.Nx}, not {depth}×{height}×{width} as {Path.GetFileName(path)}; the volume is imported without it."));
            return null;
        }
        var mask = new int[depth][];
        for (int z = 0; z < depth; z++) mask[z] = Array.ConvertAll(sections[z], v => (int)MathF.Round(v));
        return mask;
    }
}

using FakET.IO;

namespace FakET.Phantom;

/// <summary>Which label volume to write.</summary>
public enum LabelMaskKind { Class, Instance }

/// <summary>A volume's labels, and its masks as MRC files. Particle lists are in <see cref="Labels.ParticleLists"/>.</summary>
public static class LabelFiles
{
    /// <summary>The labels of <paramref name="volume"/>, or a named error when it has none.</summary>
    public static SampleLabels LabelsOf(Volume volume) => volume.Labels ?? throw new FakETException(ErrorIds.LabelsMissing,
        FailureKind.InvalidArgument, "The volume has no labels. Labels come with samples made by New-Phantom, with tomograms New-Tomogram reconstructs from their projections, and with such volumes that Export-Volume wrote and Import-Volume read back.");

    /// <summary>Writes the class or instance mask as an MRC volume (mode 2, integral values) atomically.</summary>
    public static void WriteMask(Volume volume, LabelMaskKind kind, string path, CancellationToken cancel = default,
        Action<int, int>? progress = null)
    {
        var labels = LabelsOf(volume);
        var mask = (kind == LabelMaskKind.Class ? labels.ClassMask : labels.InstanceMask) ?? throw new FakETException(
            ErrorIds.LabelsMissing, FailureKind.InvalidArgument, $"The volume's labels hold no {kind.ToString().ToLowerInvariant()} mask.");
        var sections = new float[mask.Length][];
        for (int z = 0; z < mask.Length; z++) sections[z] = Array.ConvertAll(mask[z], v => (float)v);
        string what = kind == LabelMaskKind.Class
            ? "class mask: " + string.Join(" ", labels.ClassNames.Select((n, i) => $"{i + 1}={n}"))
            : $"instance mask: {labels.Particles?.Count ?? 0} particles, 0 = background";
        var options = new MrcFile.WriteOptions(MrcMode.Float32, IsVolume: true, StackFiles.Labels(volume).Take(9).Prepend(what).ToList());
        MrcFile.Write(path, sections, volume.Height, volume.Width, volume.VoxelSize, options, cancel, progress);
    }
}

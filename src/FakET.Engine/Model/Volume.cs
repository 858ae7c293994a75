using System.Text;

namespace FakET;

/// <summary>A volume (Z, Y, X) of float32 voxels, with its voxel size in Å, its history and, for samples, its labels.</summary>
public sealed class Volume : ImageStack
{
    /// <param name="sections">One row-major (Y, X) section per Z.</param>
    public Volume(float[][] sections, int height, int width, double voxelSize, IEnumerable<HistoryEntry>? history = null,
        SampleLabels? labels = null)
        : base(sections, height, width, voxelSize, history)
    {
        Labels = labels;
    }

    /// <summary>Z size.</summary>
    public int Depth => Count;
    /// <summary>Voxel size in Å.</summary>
    public double VoxelSize => PixelSize;
    /// <summary>Ground truth for a synthetic sample (masks and particle table), or <c>null</c>.</summary>
    public SampleLabels? Labels { get; }

    /// <summary>One line: <c>Volume 180×1024×1024  10.0 Å/voxel  tomogram (ramp)</c>.</summary>
    public override string ToString()
    {
        var line = new StringBuilder($"Volume {Depth}×{Height}×{Width}  {Number(VoxelSize, "0.0##")} Å/voxel");
        if (Labels is not null) line.Append("  labelled");
        if (LastStep.Length > 0) line.Append("  ").Append(LastStep);
        return line.ToString();
    }
}

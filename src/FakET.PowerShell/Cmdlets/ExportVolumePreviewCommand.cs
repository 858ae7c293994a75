using System.Management.Automation;
using FakET.Preview;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes a PNG picture of a volume: its central slices side by side, or one section.</para>
/// <para type="description">Writes orthogonal slices through one voxel, by default the middle one (index size div 2 on each axis): the XY section at that Z top left, the YZ slice at that X to its right (same rows, Z across; with -Plane YZ), and the XZ slice at that Y below it (same columns, Z down), each labelled with its plane and index. -Plane XY alone (with -Z to choose the section) writes that one section, unlabelled, pixel for pixel. Grey levels are a percentile stretch, one for the whole picture: the -LowPercentile (default 0.5) of the pixels shown is black, the -HighPercentile (default 99.5) white, linear in between, computed in float64. Row 0 is the top of the picture. The file is written to a temporary file first and renamed when complete.</para>
/// <example><code>$tomogram | Export-VolumePreview ./tomogram.png</code><para>Writes the central XY and XZ slices of the tomogram.</para></example>
/// <example><code>$tomogram | Export-VolumePreview ./ortho.png -Plane XY, XZ, YZ -Force</code><para>All three central slices, overwriting the file.</para></example>
/// <example><code>Import-Volume ./tomogram.mrc | Export-VolumePreview ./section10.png -Plane XY -Z 10 -LowPercentile 1 -HighPercentile 99</code><para>Section z = 10 alone.</para></example>
/// </summary>
[Cmdlet(VerbsData.Export, "VolumePreview", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(Volume))]
public sealed class ExportVolumePreviewCommand : ExportPreviewCommand
{
    /// <summary><para type="description">The volume to show.</para></summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    public Volume InputObject { get; set; } = null!;

    /// <summary><para type="description">The planes to show: XY, XZ and YZ (default XY, XZ).</para></summary>
    /// <remarks>Strings, not the engine's enum: PowerShell lays out cmdlet types before the module's load context is hooked in.</remarks>
    [Parameter]
    [ValidateSet("XY", "XZ", "YZ", IgnoreCase = true)]
    public string[] Plane { get; set; } = { "XY", "XZ" };

    /// <summary><para type="description">The X index of the YZ slice (default: the middle, width div 2).</para></summary>
    [Parameter]
    public int? X { get; set; }

    /// <summary><para type="description">The Y index of the XZ slice (default: the middle, height div 2).</para></summary>
    [Parameter]
    public int? Y { get; set; }

    /// <summary><para type="description">The Z index of the XY section (default: the middle, depth div 2).</para></summary>
    [Parameter]
    public int? Z { get; set; }

    protected override ImageStack Stack => InputObject;

    SlicePlane[] Planes => Plane.Select(p => Enum.Parse<SlicePlane>(p, ignoreCase: true)).Distinct().ToArray();

    protected override string? Describe()
    {
        var v = InputObject;
        return $"the {string.Join(", ", Planes)} slice{(Planes.Length > 1 ? "s" : "")} of the {v.Depth}×{v.Height}×{v.Width} volume";
    }

    protected override PreviewPicture Render() => StackPreview.Slices(InputObject, Planes, X, Y, Z, LowPercentile, HighPercentile, Cancel);
}

using System.Management.Automation;
using FakET.Preview;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes a PNG picture of a tilt series: a montage of its tilts, or one tilt.</para>
/// <para type="description">Without -Tilt or -Angle, writes a montage: the tilts in a grid, row by row from the first, each labelled with its tilt angle (or #index when the angles are unknown) and shrunk by area averaging so that its larger side is at most -TileSize pixels (default 256; tilts are never enlarged), so a montage of 61 tilts of 1024² pixels stays about 2000² pixels. With -Tilt (an index) or -Angle (the tilt nearest to that angle), writes that one tilt alone at full size. Grey levels are a percentile stretch, one for the whole picture: the -LowPercentile (default 0.5) of the pixels shown is black, the -HighPercentile (default 99.5) white, linear in between, computed in float64. Row 0 of a tilt is the top of the picture. The file is written to a temporary file first and renamed when complete.</para>
/// <example><code>$noisy | Export-TiltSeriesPreview ./noisy-montage.png</code><para>Writes a montage of all tilts, each labelled with its angle.</para></example>
/// <example><code>$noisy | Export-TiltSeriesPreview ./zero.png -Angle 0 -Force</code><para>Writes the tilt nearest to 0° at full size, overwriting the file.</para></example>
/// <example><code>Import-TiltSeries ./noisy.mrc | Export-TiltSeriesPreview ./small.png -TileSize 96 -Columns 10 -LowPercentile 2 -HighPercentile 98</code><para>A smaller montage, ten tilts a row, with a harder contrast.</para></example>
/// </summary>
[Cmdlet(VerbsData.Export, "TiltSeriesPreview", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(TiltSeries))]
public sealed class ExportTiltSeriesPreviewCommand : ExportPreviewCommand
{
    /// <summary><para type="description">The tilt series to show.</para></summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    public TiltSeries InputObject { get; set; } = null!;

    /// <summary><para type="description">Show only this tilt (0-based index in the stack), at full size.</para></summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Tilt { get; set; }

    /// <summary><para type="description">Show only the tilt whose angle is nearest to this one (degrees), at full size.</para></summary>
    [Parameter]
    public double? Angle { get; set; }

    /// <summary><para type="description">The largest side of a montage tile in pixels (default 256); larger tilts are shrunk by area averaging.</para></summary>
    [Parameter]
    [ValidateRange(8, 4096)]
    public int TileSize { get; set; } = StackPreview.DefaultTileSize;

    /// <summary><para type="description">Tiles per row of the montage (default: a near-square picture).</para></summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Columns { get; set; }

    protected override ImageStack Stack => InputObject;

    bool Single => Tilt is not null || Angle is not null;

    int Index => Tilt ?? StackPreview.NearestTilt(InputObject, Angle!.Value);

    protected override string? Describe()
    {
        if (Tilt is not null && Angle is not null)
            throw new FakETException(ErrorIds.PreviewParameterInvalid, FailureKind.InvalidArgument, "Give -Tilt or -Angle, not both.");
        if (Single && (MyInvocation.BoundParameters.ContainsKey(nameof(TileSize)) || MyInvocation.BoundParameters.ContainsKey(nameof(Columns))))
            throw new FakETException(ErrorIds.PreviewParameterInvalid, FailureKind.InvalidArgument,
                "-TileSize and -Columns shape a montage; with -Tilt or -Angle one tilt is written at full size. Leave them out, or leave out -Tilt and -Angle.");
        if (!Single)
        {
            var (w, h) = StackPreview.TileSize(InputObject.Width, InputObject.Height, TileSize);
            return $"a montage of {InputObject.Count} tilts ({w}×{h} pixels each)";
        }
        int index = Index;
        if (index >= InputObject.Count)
            throw new FakETException(ErrorIds.PreviewTiltOutOfRange, FailureKind.InvalidArgument,
                $"Tilt {index} does not exist: the series has {InputObject.Count} tilts, numbered 0 to {InputObject.Count - 1}.");
        string angle = InputObject.TiltAngles is { } a ? $" ({a[index]:0.##}°)" : "";
        return $"tilt {index}{angle}, {InputObject.Width}×{InputObject.Height} pixels";
    }

    protected override PreviewPicture Render() => Single
        ? StackPreview.Tilt(InputObject, Index, LowPercentile, HighPercentile)
        : StackPreview.Montage(InputObject, null, TileSize, Columns, LowPercentile, HighPercentile, Cancel,
            Progress(MyInvocation.MyCommand.Name, "Shrinking tilt"));
}

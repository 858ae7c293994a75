using System.Management.Automation;
using FakET.Resampling;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Bins, resamples and crops a tilt series, so that it fits another (e.g. real data as the style of a simulation).</para>
/// <para type="description">-Bin N makes the pixels N times larger: rows and columns beyond a multiple of N are dropped (as New-Tomogram -Bin does) and each tilt is resampled by Fourier cropping, which keeps every frequency below the new Nyquist and drops the rest, so nothing aliases (unlike block averaging). -PixelSize resamples to a pixel size in Å instead: larger than the series' by Fourier cropping, smaller by Fourier padding (band-limited interpolation). The width becomes round(width × old / new) pixels and the pixel size exactly old × width / new width; the height follows, sampled within half a pixel over its extent of that pixel size. Values keep their scale: the mean of each tilt is unchanged.</para>
/// <para type="description">-Size X, Y then crops to a region of that many pixels (after resampling), centred on -Center X, Y (pixel indices after resampling, from 0; by default the centre, width/2 and height/2). A region that reaches outside the tilts is the error ResizeRegionOutside. The tilt angles, acquisition order and history carry over; the pixel size and the MRC origin (the position of pixel 0, in Å) are updated, and a ground truth from New-TiltSeries is mapped to the new pixels. The history records the output pixel size, the resampled size and the region.</para>
/// <para type="description">Resampling runs through libtorch in float64, one tilt at a time; it needs about 24 bytes per pixel of the input and of the resampled tilt besides the output.</para>
/// <example><code>Import-TiltSeries ts.mrc | Resize-TiltSeries -PixelSize 10 | Export-TiltSeries ts_10A.mrc</code><para>Resamples a real tilt series to the 10 Å pixels of a simulation.</para></example>
/// <example><code>$style = Import-TiltSeries ts_4k.mrc | Resize-TiltSeries -Bin 4 -Size 512,512</code><para>Bins a series of 4096-pixel tilts by 4 and keeps the central 512×512 pixels, to use as the style of 512×512 simulated tilts.</para></example>
/// <example><code>$series | Resize-TiltSeries -Size 16,16 -Center 10,12</code><para>Crops a 16×16 region centred on column 10, row 12, without resampling; the origin moves with it.</para></example>
/// </summary>
[Cmdlet(VerbsCommon.Resize, "TiltSeries")]
[OutputType(typeof(TiltSeries))]
public sealed class ResizeTiltSeriesCommand : FakETCmdlet
{
    /// <summary><para type="description">The tilt series to resize. Accepts pipeline input.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public TiltSeries InputObject { get; set; } = null!;

    /// <summary><para type="description">Bin by this integer by Fourier cropping: the pixel size grows by it, each side shrinks by it (the remainder dropped).</para></summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int? Bin { get; set; }

    /// <summary><para type="description">Resample to this pixel size in Å, by Fourier cropping (larger pixels) or padding (smaller pixels). Not with -Bin.</para></summary>
    [Parameter]
    [ValidateRange(1e-6, 1e9)]
    public double? PixelSize { get; set; }

    /// <summary><para type="description">Crop to this many pixels, X (width) and Y (height), after resampling.</para></summary>
    [Parameter]
    [ValidateCount(2, 2)]
    [ValidateRange(1, int.MaxValue)]
    public int[]? Size { get; set; }

    /// <summary><para type="description">Centre of the cropped region, X and Y pixel indices after resampling (from 0). Default: width/2, height/2. Needs -Size.</para></summary>
    [Parameter]
    [ValidateCount(2, 2)]
    public int[]? Center { get; set; }

    protected override void ProcessRecord()
    {
        RequireNativeStack();
        var options = new ResizeOptions { Bin = Bin, PixelSize = PixelSize, Size = Size, Center = Center };
        TryRun(() => WriteObject(new TiltResampling().Run(InputObject, options, Reporter("Resizing"), Cancel)), InputObject);
    }
}

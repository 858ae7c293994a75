using System.Management.Automation;
using FakET.Reconstruction;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reconstructs a tomogram from a tilt series by filtered back-projection (or SIRT).</para>
/// <para type="description">Reconstructs a volume (Z, Y, X) from a tilt series (tilt, Y, X) tilted about Y, slice by slice along Y, exactly as scikit-image's iradon does for each Y slice (circle=False): the projections are zero-padded to a power of two at least twice the width, filtered along X in the Fourier domain, and back-projected with linear interpolation (zero outside the detector), scaled by π / (2 × number of tilts). Z is the beam direction at 0°; the rotation axis passes through the centre pixel (width / 2, thickness / 2, integer halves). Angle sign and axes follow New-TiltSeries.</para>
/// <para type="description">-Geometry Slab reconstructs a slab that goes on beyond the field of view, as real specimens and New-Phantom samples do: where a voxel's ray leaves the detector it reads the detector's edge pixel, and the projections are padded with their edge values rather than zeros before filtering, so every voxel is seen by every tilt and no boundary of partly seen voxels lies inside the slab. -Geometry Iradon is scikit-image's iradon as FakET uses it. The default, -Geometry Auto, takes the slab for a series New-TiltSeries projected from a laterally unbounded sample (a New-Phantom sample, by default) and iradon for any other, such as an imported tilt series; the history records which.</para>
/// <para type="description">-Bin N averages each N×N block of pixels of every tilt before reconstructing (not Fourier cropping); columns and rows left over when the size is not a multiple of N are dropped. The voxel size is then the pixel size × N. FakET binned by 2.</para>
/// <para type="description">-Method Sirt reconstructs iteratively instead (simultaneous iterative reconstruction technique, -Iterations times, starting from zero): each iteration projects the current volume with the exact adjoint of the back-projector (line integrals in voxel units), compares with the (binned) tilt series, and back-projects the difference normalised per detector pixel and per voxel. It does not filter; it suppresses the streaks of a limited tilt range better than filtered back-projection, at 2 × -Iterations times its cost.</para>
/// <para type="description">The work runs through TorchSharp (on a CUDA device when libtorch sees one) in blocks of Y slices, so memory beyond the input and the output stays bounded (about 256 MB); before any work the cmdlet checks that the output volume (4 bytes a voxel) fits in the memory available, and stops with the error NotEnoughMemory if not. Progress is reported per block and Ctrl+C stops between blocks. The result's history records the filter, thickness, binning, voxel size and angles.</para>
/// <example><code>Import-TiltSeries ./noisy.mrc | New-Tomogram -Bin 2 -Thickness 90 | Export-Volume ./tomogram.mrc</code><para>Reconstructs a tomogram at bin 2, 90 voxels thick, with the ramp filter, and writes it.</para></example>
/// <example><code>$series | New-Tomogram -Filter Hann</code><para>Reconstructs with a Hann-windowed ramp, which damps high-frequency noise.</para></example>
/// <example><code>$series | New-Tomogram -Geometry Slab</code><para>Reconstructs a laterally extended slab without the boundary that iradon's geometry leaves near the sides.</para></example>
/// <example><code>$series | New-Tomogram -Bin 2 -Method Sirt -Iterations 20</code><para>Reconstructs at bin 2 with 20 SIRT iterations.</para></example>
/// <example><code>Import-TiltSeries ./ts.mrc | New-Tomogram -TiltAngles (-60..60 | Where-Object { $_ % 2 -eq 0 })</code><para>Gives the angles of a series imported without them (61 tilts from −60° to +60°).</para></example>
/// </summary>
[Cmdlet(VerbsCommon.New, "Tomogram")]
[OutputType(typeof(Volume))]
public sealed class NewTomogramCommand : FakETCmdlet
{
    /// <summary><para type="description">The tilt series to reconstruct. Its tilt angles must be known, or given with -TiltAngles.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public TiltSeries TiltSeries { get; set; } = null!;

    /// <summary><para type="description">Z size of the tomogram in voxels (after binning). The default is the (binned) width.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Thickness { get; set; }

    /// <summary><para type="description">Fbp (default): filtered back-projection, as scikit-image's iradon; or Sirt: iterative reconstruction (see -Iterations).</para></summary>
    [Parameter]
    [ValidateSet(nameof(ReconstructionMethod.Fbp), nameof(ReconstructionMethod.Sirt))]
    public string Method { get; set; } = nameof(ReconstructionMethod.Fbp);

    /// <summary><para type="description">Auto (default): Slab for a series New-TiltSeries projected from a laterally unbounded sample, else Iradon. Iradon: scikit-image's iradon (circle=False), as FakET, zero beyond the detector. Slab: beyond the detector a voxel's ray reads its edge pixel, and the projections are padded with their edge values before filtering, so no boundary of partly seen voxels lies inside the slab.</para></summary>
    [Parameter]
    [ValidateSet("Auto", "Iradon", "Slab")]
    public string Geometry { get; set; } = "Auto";

    /// <summary><para type="description">Number of SIRT iterations (default 10); used with -Method Sirt.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Iterations { get; set; } = 10;

    /// <summary><para type="description">The Fourier filter of filtered back-projection: Ramp (default), SheppLogan, Cosine, Hamming, Hann, or None for plain back-projection. They are scikit-image's iradon filters. SIRT does not filter.</para></summary>
    [Parameter]
    [ValidateSet(nameof(ReconstructionFilter.Ramp), nameof(ReconstructionFilter.SheppLogan), nameof(ReconstructionFilter.Cosine),
        nameof(ReconstructionFilter.Hamming), nameof(ReconstructionFilter.Hann), nameof(ReconstructionFilter.None))]
    public string Filter { get; set; } = nameof(ReconstructionFilter.Ramp);

    /// <summary><para type="description">Binning factor (default 1): each N×N block of pixels is averaged before reconstruction, and the voxel size becomes the pixel size × N.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Bin { get; set; } = 1;

    /// <summary><para type="description">Tilt angles in degrees, one per tilt, used instead of the series' own (for a series whose angles are unknown or wrong).</para></summary>
    [Parameter]
    public double[]? TiltAngles { get; set; }

    // -Method and -Filter are strings, not the engine's enums: a value-type field of an engine type would make
    // PowerShell load the engine while it inspects this assembly, before the module's load context is hooked in.

    protected override void ProcessRecord()
    {
        RequireNativeStack();
        var options = new TomogramOptions
        {
            Thickness = MyInvocation.BoundParameters.ContainsKey(nameof(Thickness)) ? Thickness : null,
            Method = Enum.Parse<ReconstructionMethod>(Method, ignoreCase: true),
            Iterations = Iterations,
            Filter = Enum.Parse<ReconstructionFilter>(Filter, ignoreCase: true),
            Bin = Bin,
            Geometry = Enum.Parse<ReconstructionGeometry>(Geometry, ignoreCase: true),
            TiltAngles = TiltAngles,
        };
        TryRun(() => WriteObject(new Tomography().Run(TiltSeries, options, Reporter("Back-projecting:"), Cancel)), TiltSeries);
    }
}

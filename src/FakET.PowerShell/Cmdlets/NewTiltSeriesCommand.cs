using System.Management.Automation;
using FakET.Projection;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Projects a sample volume into a clean tilt series, as FakET does.</para>
/// <para type="description">Projects the volume (Z, Y, X) about the Y axis at each tilt angle: every (Z, X) slice is projected exactly as scikit-image's radon(slice, angle, circle=False) and the detector is centre-cropped to -DetectorWidth (by default the volume width), as FakET's radon_3d does. A sample made by New-Phantom is a piece of a slab that goes on beyond the field of view: by default (-LateralExtent Auto) it is projected as if it repeated along X without end, so every ray crosses the whole slab and no tilt shows vacuum or bright bands at its edges; -LateralExtent Bounded projects it as FakET does, -LateralExtent Periodic projects any volume so. By default each value is FakET's dose (0) minus the line sum, so dense matter is dark as in a micrograph; -NoSignFlip keeps the plain sums of voxel values along the beam. The tilt series is sorted by angle and carries the voxel size as its pixel size; the angles come from -TiltAngles, or from -TiltRange and -TiltStep (by default -60..60 by 2: 61 tilts, as SHREC). When the angles are given in another order, such as a dose-symmetric acquisition order (or -DoseSymmetric makes one), that order is kept in the history, in the series' AcquisitionOrder and, by Export-TiltSeries, in a RELION order list beside the stack. The work runs through libtorch on every CPU core, or on a GPU when present, one block of Y slices at a time, after checking that the projections and their working memory (at most about 1.2 GB) fit in the memory available (the error NotEnoughMemory if not); progress is reported and Ctrl+C stops between steps.</para>
/// <example><code>Import-Volume ./model_0/grandmodel_unbinned.mrc | New-TiltSeries | Export-TiltSeries ./clean.mrc</code><para>Projects a SHREC sample at -60..60 by 2 degrees (61 tilts) and writes clean.mrc with its .tlt and history.</para></example>
/// <example><code>$phantom | New-TiltSeries -TiltRange -45,45 -TiltStep 3 -DoseSymmetric</code><para>31 tilts from -45 to 45 degrees, acquired dose-symmetrically (0, 3, -3, -6, 6, 9, ...); the stack is sorted by angle.</para></example>
/// <example><code>$phantom | New-TiltSeries -LateralExtent Bounded</code><para>Projects a New-Phantom sample exactly as FakET's radon would, with vacuum beside the volume (the slab's edges show at high tilt).</para></example>
/// <example><code>$volume | New-TiltSeries -TiltAngles 0,3,-3,-6,6,9,-9 -NoSignFlip</code><para>Seven tilts given in acquisition order; the values are plain line sums.</para></example>
/// </summary>
[Cmdlet(VerbsCommon.New, "TiltSeries", DefaultParameterSetName = "Range")]
[OutputType(typeof(TiltSeries))]
public sealed class NewTiltSeriesCommand : FakETCmdlet
{
    /// <summary><para type="description">The sample volume (Z, Y, X) to project, e.g. from Import-Volume or New-Phantom.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public Volume Volume { get; set; } = null!;

    /// <summary><para type="description">Tilt angles in degrees, in acquisition order. The series is sorted by angle; an order other than ascending is kept as the acquisition order. Each angle must be a finite number in -90..90 (an angle beyond that is the error TiltAngleInvalid), and a series has at most 3601 tilts (TiltCountTooLarge).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = "Angles")]
    public double[] TiltAngles { get; set; } = Array.Empty<double>();

    /// <summary><para type="description">First and last tilt angle in degrees (default -60, 60).</para></summary>
    [Parameter(ParameterSetName = "Range")]
    [ValidateCount(2, 2)]
    public double[] TiltRange { get; set; } = { -60, 60 };

    /// <summary><para type="description">Degrees between tilts of the range (default 2: -60..60 by 2 is SHREC's 61 tilts).</para></summary>
    [Parameter(ParameterSetName = "Range")]
    [ValidateRange(1e-6, 180)]
    public double TiltStep { get; set; } = 2;

    /// <summary><para type="description">Acquire the tilts in Hagen's dose-symmetric order: from the angle nearest 0, alternately two tilts on the positive and two on the negative side (0, 3, -3, -6, 6, 9, ...).</para></summary>
    [Parameter]
    public SwitchParameter DoseSymmetric { get; set; }

    /// <summary><para type="description">Detector width in pixels: the centre crop of the projection (default: the volume width, as FakET). At most the slice diagonal.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int DetectorWidth { get; set; }

    /// <summary><para type="description">FakET's dose: each value is dose minus the line sum (default 0, so dense matter is dark). NaN or infinity is the error NonFiniteData.</para></summary>
    [Parameter]
    public double Dose { get; set; }

    /// <summary><para type="description">Keep the plain line sums (dense matter bright), without FakET's sign flip.</para></summary>
    [Parameter]
    public SwitchParameter NoSignFlip { get; set; }

    /// <summary><para type="description">Auto (default): a New-Phantom sample goes on beyond the sides of the volume (Periodic), any other volume ends there (Bounded). Bounded: FakET's radon geometry, vacuum beside the volume. Periodic: the volume repeats along X, so every ray crosses the whole depth; tilts must then stay within ±89°.</para></summary>
    [Parameter]
    [ValidateSet("Auto", "Bounded", "Periodic")]
    public string LateralExtent { get; set; } = "Auto";

    protected override void BeginProcessing() => RequireNativeStack();

    protected override void ProcessRecord()
    {
        TryRun(() =>
        {
            double[] angles = ParameterSetName == "Angles" ? TiltAngles : TiltScheme.Range(TiltRange[0], TiltRange[1], TiltStep);
            if (DoseSymmetric) angles = TiltScheme.DoseSymmetric(angles);
            int? width = MyInvocation.BoundParameters.ContainsKey(nameof(DetectorWidth)) ? DetectorWidth : null;
            var options = new ProjectionOptions
            {
                TiltAngles = angles, DetectorWidth = width, Dose = NoSignFlip ? null : Dose,
                LateralExtent = Enum.Parse<FakET.Projection.LateralExtent>(LateralExtent, ignoreCase: true),
            };
            WriteObject(new ForwardProjector().Run(Volume, options, Reporter("Projecting:"), Cancel));
        }, Volume);
    }
}

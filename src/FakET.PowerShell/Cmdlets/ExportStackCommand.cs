using System.Management.Automation;
using FakET.IO;

namespace FakET.PowerShell.Cmdlets;

/// <summary>What Export-TiltSeries and Export-Volume share: -Float16, -WhatIf, and the MRC file with its sidecars.</summary>
public abstract class ExportStackCommand : FileWriterCommand
{
    /// <summary><para type="description">Write MRC mode 12 (float16), half the size of the default mode 2 (float32).</para></summary>
    [Parameter]
    public SwitchParameter Float16 { get; set; }

    /// <summary><para type="description">With -Float16, write values beyond float16's range (±65504) as ±65504. Without it such a value is an error (MrcFloat16Overflow) that names the value and its position, and nothing is written.</para></summary>
    [Parameter]
    public SwitchParameter Clip { get; set; }

    protected abstract ImageStack Stack { get; }

    protected override IEnumerable<string> CompanionsOf(string target) => StackFiles.Companions.Select(companion => companion(target));

    /// <summary>Whether RELION 5's files go with a tilt series.</summary>
    protected virtual bool WithRelion5 => false;

    protected override void ProcessRecord()
    {
        var stack = Stack;
        string? target = Target();
        if (target is null) return;
        var mode = Float16 ? MrcMode.Float16 : MrcMode.Float32;
        if (!ShouldProcess(target, $"Write {stack.Count}×{stack.Height}×{stack.Width} as MRC mode {(int)mode}")) return;
        bool written = TryRun(() => StackFiles.Write(stack, target, mode, Cancel,
            Progress(MyInvocation.MyCommand.Name, $"Writing {System.IO.Path.GetFileName(target)}: section"), Clip, WithRelion5), target);
        if (written && PassThru) WriteObject(stack);
    }
}

/// <summary>
/// <para type="synopsis">Writes a tilt series to an MRC file, with its tilt angles and history beside it.</para>
/// <para type="description">Writes MRC2014 mode 2 (float32), or mode 12 (float16) with -Float16 (a value beyond ±65504 is then an error, unless -Clip), with the pixel size in the header and the newest steps of the history as labels. The tilt angles go to a .tlt file and the whole history to a .json file, both with the stack's name. For IMOD, an identity name.xf (the series is perfectly aligned); for SerialEM, RELION 5, Warp and AreTomo, a SerialEM-style name.mrc.mdoc with one [ZValue] section per tilt in stack order: TiltAngle, ExposureDose and PriorRecordDose (e⁻/Å², the dose of the tilt and of those recorded before it, from the acquisition order), PixelSpacing and, when Invoke-MicroscopeSimulation made the series, Defocus (µm, negative for underfocus as SerialEM writes it). The dose is the microscope simulation's total dose shared equally, else its default 100 e⁻/Å²; the order is the series' acquisition order, else the stack's. With -Relion5 also RELION 5's tomograms.star (one row per tilt series: the rows of other series already in it are kept) and tilt_series/name.star (rlnTomoNominalStageTiltAngle, rlnMicrographPreExposure, defocus when known, and the alignment of a perfectly aligned series), with the voltage, Cs and amplitude contrast of the microscope simulation, else its defaults. Every file is written to a temporary file first, and they are renamed together when all are complete, so an error or Ctrl+C leaves no new file (and any earlier files as they were), never a half-written one. Files of an earlier set of the same name that this export does not write (a .tlt or .rawtlt when the series has no angles, a name_order_list.csv) are removed with it, so Import-TiltSeries never pairs the new pixels with old angles; without -Force, an existing file of the set is an error, as the MRC file is.</para>
/// <example><code>$noisy | Export-TiltSeries ./noisy.mrc -Force</code><para>Writes noisy.mrc, noisy.tlt and noisy.json, overwriting them if they exist.</para></example>
/// <example><code>Import-TiltSeries big.mrc | Export-TiltSeries big16.mrc -Float16 -WhatIf</code><para>Shows what would be written, without writing.</para></example>
/// <example><code>$reference | Export-TiltSeries ./relion/TS_01.mrc -Relion5</code><para>Writes TS_01.mrc with its .tlt, .xf, .mrc.mdoc and .json, and relion/tomograms.star and relion/tilt_series/TS_01.star for RELION 5's tomography pipeline.</para></example>
/// </summary>
[Cmdlet(VerbsData.Export, "TiltSeries", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(TiltSeries))]
public sealed class ExportTiltSeriesCommand : ExportStackCommand
{
    /// <summary><para type="description">The tilt series to write.</para></summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    public TiltSeries InputObject { get; set; } = null!;

    /// <summary><para type="description">Also write RELION 5's tomograms.star and the per-tilt STAR file tilt_series/name.star beside the stack. The series needs its tilt angles.</para></summary>
    [Parameter]
    public SwitchParameter Relion5 { get; set; }

    protected override ImageStack Stack => InputObject;

    protected override bool WithRelion5 => Relion5;
}

/// <summary>
/// <para type="synopsis">Writes a volume to an MRC file, with its history beside it.</para>
/// <para type="description">Writes MRC2014 mode 2 (float32), or mode 12 (float16) with -Float16 (a value beyond ±65504 is then an error, unless -Clip), as a volume (space group 1) with the voxel size in the header and the newest steps of the history as labels; the whole history goes to a .json file with the volume's name. A labelled volume (a sample from New-Phantom, or a tomogram reconstructed from one) takes its labels along: the particle table and class names go into the .json file, and the class and instance masks to name_class_mask.mrc and name_instance_mask.mrc beside it, which the .json file names; Import-Volume reads them all back. Every file is written to a temporary file first, and they are renamed together when all are complete, so an error or Ctrl+C leaves no new file, never a half-written one. Masks or a .tlt of an earlier file of the same name that this export does not write are removed with it.</para>
/// <example><code>$tomogram | Export-Volume ./tomogram.mrc</code><para>Writes tomogram.mrc and tomogram.json.</para></example>
/// </summary>
[Cmdlet(VerbsData.Export, "Volume", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(Volume))]
public sealed class ExportVolumeCommand : ExportStackCommand
{
    /// <summary><para type="description">The volume to write.</para></summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    public Volume InputObject { get; set; } = null!;

    protected override ImageStack Stack => InputObject;
}

using System.Management.Automation;
using FakET.IO;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads tilt series from MRC files.</para>
/// <para type="description">Reads each MRC file (modes 0, 1, 2, 6 and 12) as a tilt series (tilt, Y, X) with its pixel size (cella / mx) and history. The tilt angles come from -TiltAngles, else -TiltAngleFile, else a .tlt or .rawtlt file with the stack's name, else SHREC'21's alignment_simulated.txt in the same folder, else a SerialEM .mdoc beside the stack (name.mrc.mdoc or name.mdoc: the TiltAngle of each [ZValue] section, and the recording order from their PriorRecordDose), else the JSON sidecar that Export-TiltSeries writes, else the stack's extended header where SerialEM (type SERI or AGAR) or a Thermo Fisher microscope (FEI1, FEI2) recorded them. Otherwise they stay unknown. An angle file wins over an .mdoc, since IMOD writes the refined angles there; the acquisition order comes from the sidecar, else from the .mdoc. The header is checked against the file's length before anything is read, and the data are read one tilt at a time into float32 (4 bytes a voxel whatever the file's mode); a file larger than the memory available is refused before reading, with the error NotEnoughMemory. Files compressed with gzip (.mrc.gz) or bzip2 (.mrc.bz2) are read as they are. The reading is strict, like mrcfile's: a file that breaks the MRC2014 format in a way that could change what is read is an error, and -Permissive reads it with a warning that says what was assumed (see Import-Volume). One bad file is a non-terminating error: the other files still come through.</para>
/// <example><code>Import-TiltSeries ./model_0/projections_unbinned.mrc</code><para>Reads a SHREC'21 tilt series; its angles come from alignment_simulated.txt beside it.</para></example>
/// <example><code>Import-TiltSeries ./data/*.mrc -TiltAngles (-60..60 | Where-Object { $_ % 3 -eq 0 })</code><para>Reads every MRC file in a folder and gives them the same 41 angles.</para></example>
/// <example><code>Import-TiltSeries ./serialem_stack.mrc.gz -Permissive</code><para>Reads a compressed SerialEM stack whose angles are in its extended header, accepting small breaks of the format with warnings.</para></example>
/// </summary>
[Cmdlet(VerbsData.Import, "TiltSeries", DefaultParameterSetName = "Path")]
[OutputType(typeof(TiltSeries))]
public sealed class ImportTiltSeriesCommand : FileReaderCommand
{
    /// <summary><para type="description">Tilt angles in degrees, one per tilt. They override any angle file.</para></summary>
    [Parameter]
    public double[]? TiltAngles { get; set; }

    /// <summary><para type="description">A .tlt/.rawtlt file (one angle per line) or SHREC's alignment_simulated.txt to take the angles from.</para></summary>
    [Parameter]
    public string? TiltAngleFile { get; set; }

    /// <summary><para type="description">Read files that break the MRC2014 format where the data can still be read safely, with a warning for each problem, as mrcfile's permissive mode does. Without it such files are errors.</para></summary>
    [Parameter]
    public SwitchParameter Permissive { get; set; }

    protected override void ProcessRecord()
    {
        string? angleFile = TiltAngleFile is null ? null : ResolveOutputPath(TiltAngleFile);
        foreach (var file in InputFiles())
        {
            TryRun(() => WriteObject(StackFiles.ReadTiltSeries(file, TiltAngles, angleFile, Cancel,
                Progress("Import-TiltSeries", $"Reading {System.IO.Path.GetFileName(file)}: tilt"), new MrcReadOptions(Permissive, WriteWarning))), file);
        }
    }
}

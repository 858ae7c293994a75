using System.Management.Automation;
using FakET.IO;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads volumes from MRC files.</para>
/// <para type="description">Reads each MRC file (modes 0, 1, 2, 6 and 12) as a volume (Z, Y, X) with its voxel size (cella / mx) and, where Export-Volume wrote one, the history from its JSON sidecar. A labelled volume (a sample from New-Phantom, or a tomogram reconstructed from one) that Export-Volume wrote comes back with its labels: the particle table from the sidecar and the class and instance masks from the MRC files it names (name_class_mask.mrc, name_instance_mask.mrc beside it); a mask that is missing or of another shape is left out with a warning. The header is checked against the file's length before anything is read, and the data are read one section at a time into float32 (4 bytes a voxel whatever the file's mode); a file larger than the memory available is refused before reading, with the error NotEnoughMemory. Files compressed with gzip (.mrc.gz) or bzip2 (.mrc.bz2) are read as they are. The reading is strict, like mrcfile's: a file that breaks the MRC2014 format in a way that could change what is read (more data than the header declares, a machine stamp that contradicts the mode) is an error; -Permissive reads such a file with a warning that says what was assumed. A missing MAP tag, an unknown machine stamp or a header without a pixel size is read in both modes, with a warning (a pixel size of 1.0 Å is then assumed). One bad file is a non-terminating error: the other files still come through. Test-MrcFile lists every problem of a file.</para>
/// <example><code>$sample = Import-Volume ./model_0/grandmodel_unbinned.mrc</code><para>Reads a SHREC'21 sample volume.</para></example>
/// <example><code>$tomogram = Import-Volume ./tomogram.mrc; $tomogram.Labels.Particles.Count</code><para>Reads a labelled tomogram that Export-Volume wrote, with its particle table and masks.</para></example>
/// <example><code>Import-Volume ./tomogram.mrc -Permissive -WarningVariable problems</code><para>Reads a file that breaks the format in small ways, and keeps the warnings that say what was assumed.</para></example>
/// </summary>
[Cmdlet(VerbsData.Import, "Volume", DefaultParameterSetName = "Path")]
[OutputType(typeof(Volume))]
public sealed class ImportVolumeCommand : FileReaderCommand
{
    /// <summary><para type="description">Read files that break the MRC2014 format where the data can still be read safely (more data than the header declares, a machine stamp that contradicts the mode), with a warning for each problem, as mrcfile's permissive mode does. Without it such files are errors.</para></summary>
    [Parameter]
    public SwitchParameter Permissive { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var file in InputFiles())
        {
            TryRun(() => WriteObject(StackFiles.ReadVolume(file, Cancel,
                Progress("Import-Volume", $"Reading {System.IO.Path.GetFileName(file)}: section"), WriteWarning, Permissive)), file);
        }
    }
}

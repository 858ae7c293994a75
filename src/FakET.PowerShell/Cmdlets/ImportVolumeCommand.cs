using System.Management.Automation;
using FakET.IO;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads volumes from MRC files.</para>
/// <para type="description">Reads each MRC file (modes 0, 1, 2, 6 and 12) as a volume (Z, Y, X) with its voxel size (cella / mx) and, where Export-Volume wrote one, the history from its JSON sidecar. The header is checked against the file's length before anything is read, and the data are read one section at a time into float32 (4 bytes a voxel whatever the file's mode); a file larger than the memory available is refused before reading, with the error NotEnoughMemory.</para>
/// <example><code>$sample = Import-Volume ./model_0/grandmodel_unbinned.mrc</code><para>Reads a SHREC'21 sample volume.</para></example>
/// </summary>
[Cmdlet(VerbsData.Import, "Volume", DefaultParameterSetName = "Path")]
[OutputType(typeof(Volume))]
public sealed class ImportVolumeCommand : FileReaderCommand
{
    protected override void ProcessRecord()
    {
        foreach (var file in InputFiles())
        {
            TryRun(() => WriteObject(StackFiles.ReadVolume(file, Cancel,
                Progress("Import-Volume", $"Reading {System.IO.Path.GetFileName(file)}: section"))), file);
        }
    }
}

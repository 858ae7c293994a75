using System.Management.Automation;
using FakET.IO;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists every MRC2014 problem of MRC files, as mrcfile.validate does.</para>
/// <para type="description">Checks each file (plain, .mrc.gz or .mrc.bz2) against the MRC2014 format and returns one object per file: Path, IsValid (whether the file meets the format, the verdict mrcfile.validate gives), Readable (whether Import-Volume and Import-TiltSeries read it), ReadablePermissive (whether they read it with -Permissive), and Problems, each with its Severity (Error, Warning or Information), the header Field it concerns, its Kind (Unreadable, Unsupported, Refused in strict mode only, Warned, Invalid without changing what is read, Note), the ErrorId an import raises for it, and a Message. The checks are mrcfile's: the map tag, machine stamp, mode, dimensions, cell, axis order, volume-stack sizes, labels, format version, extended header type and size, the file's size against the header, and the statistics in the header against the data, which are read a section at a time. A valid file this module cannot read (mode 4, axes other than X, Y, Z) is valid but not Readable.</para>
/// <example><code>Test-MrcFile ./*.mrc | Where-Object { -not $_.IsValid } | Select-Object -ExpandProperty Problems</code><para>Lists the problems of every invalid MRC file in the current folder.</para></example>
/// <example><code>(Test-MrcFile ./tomogram.mrc).Problems | Format-Table Severity, Field, Message</code><para>Shows one file's problems as a table (none for a file this module wrote).</para></example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MrcFile", DefaultParameterSetName = "Path")]
[OutputType(typeof(MrcValidation))]
public sealed class TestMrcFileCommand : FileReaderCommand
{
    protected override void ProcessRecord()
    {
        foreach (var file in InputFiles())
            TryRun(() => WriteObject(MrcValidator.Validate(file, Cancel)), file);
    }
}

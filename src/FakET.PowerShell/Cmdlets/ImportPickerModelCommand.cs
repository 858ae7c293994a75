using System.Management.Automation;
using FakET.Picking;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads a particle picker written by Export-PickerModel.</para>
/// <para type="description">Each path names a picker's .safetensors or .json file, or their common stem; both files must be present. A file that is not a picker's is the error PickerModelInvalid, naming it.</para>
/// <example><code>$model = Import-PickerModel ./picker.json</code><para>Reads picker.json and picker.safetensors.</para></example>
/// </summary>
[Cmdlet(VerbsData.Import, "PickerModel", DefaultParameterSetName = "Path")]
[OutputType(typeof(PickerModel))]
public sealed class ImportPickerModelCommand : FakETCmdlet
{
    /// <summary><para type="description">The picker's .json or .safetensors file, or their stem.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    public string[] Path { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (var path in Path)
        {
            string resolved = ResolveOutputPath(path);
            TryRun(() => WriteObject(PickerFiles.Read(resolved)), resolved);
        }
    }
}

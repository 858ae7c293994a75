using System.Management.Automation;
using FakET.Picking;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes a trained particle picker: its weights as safetensors, a JSON description and a loss-curve PNG.</para>
/// <para type="description">-Path names the files: name.safetensors (the weights, float32, one tensor per convolution), name.json (architecture, width, class names, voxel size, patch size, training settings and history) and name_loss.png (the loss per step and the validation F1), written all or none. -NoPlot leaves the PNG out. Import-PickerModel reads them back.</para>
/// <example><code>$model | Export-PickerModel ./picker</code><para>Writes picker.safetensors, picker.json and picker_loss.png.</para></example>
/// </summary>
[Cmdlet(VerbsData.Export, "PickerModel", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(PickerModel))]
public sealed class ExportPickerModelCommand : FileWriterCommand
{
    /// <summary><para type="description">The picker to write.</para></summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    public PickerModel InputObject { get; set; } = null!;

    /// <summary><para type="description">Do not draw the loss-curve PNG.</para></summary>
    [Parameter]
    public SwitchParameter NoPlot { get; set; }

    protected override void ProcessRecord()
    {
        if (Target() is not { } target) return;
        var files = PickerFiles.Files(target);
        foreach (var file in new[] { files.Weights, files.Json, files.Png })
            if (File.Exists(file) && !Force)
            {
                WriteError(new ErrorRecord(new IOException($"'{file}' already exists. Use -Force to overwrite it."), "FileExists", ErrorCategory.ResourceExists, file));
                return;
            }
        if (!ShouldProcess(files.Weights, $"Write the picker ({InputObject.ParameterCount:N0} parameters) and its description{(NoPlot ? "" : " and loss curve")}")) return;
        bool written = TryRun(() => PickerFiles.Write(target, InputObject, !NoPlot, Cancel), target);
        if (written && PassThru) WriteObject(InputObject);
    }
}

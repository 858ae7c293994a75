using System.Management.Automation;
using FakET.Phantom;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes a phantom's class mask or instance mask as an MRC volume.</para>
/// <para type="description">Writes the class mask (0 background, k for class k; -Mask Class, the default) or the instance mask (0 background, each particle's id; -Mask Instance) of a volume made by New-Phantom as an MRC2014 volume (mode 2, integral values) with the phantom's voxel size. The first MRC label names the classes. The file is written to a temporary file first and renamed when complete, so an error or Ctrl+C never leaves a half-written file.</para>
/// <example><code>$phantom | Export-LabelMask ./target.mrc</code><para>Writes the class mask, e.g. as DeepFinder's training target.</para></example>
/// <example><code>$phantom | Export-LabelMask ./instances.mrc -Mask Instance -Force</code><para>Writes the instance mask, overwriting the file.</para></example>
/// </summary>
[Cmdlet(VerbsData.Export, "LabelMask", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(Volume))]
public sealed class ExportLabelMaskCommand : ExportLabelsCommand
{
    /// <summary><para type="description">Class (default) or Instance.</para></summary>
    /// <remarks>A string, not the engine's enum: see Export-ParticleList's -Format.</remarks>
    [Parameter]
    [ValidateSet("Class", "Instance", IgnoreCase = true)]
    public string Mask { get; set; } = "Class";

    LabelMaskKind Kind => Enum.Parse<LabelMaskKind>(Mask, ignoreCase: true);

    protected override string Describe(SampleLabels labels, string target) =>
        $"Write the {Mask.ToLowerInvariant()} mask {InputObject.Depth}×{InputObject.Height}×{InputObject.Width} as MRC mode 2";

    protected override void Write(SampleLabels labels, string target) =>
        LabelFiles.WriteMask(InputObject, Kind, target, Cancel,
            Progress(MyInvocation.MyCommand.Name, $"Writing {System.IO.Path.GetFileName(target)}: section"));
}

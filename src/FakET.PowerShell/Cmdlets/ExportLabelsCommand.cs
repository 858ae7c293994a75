using System.Management.Automation;
using FakET.Phantom;

namespace FakET.PowerShell.Cmdlets;

/// <summary>What Export-ParticleList and Export-LabelMask share: the labelled volume, path handling, -Force, -WhatIf,
/// -PassThru and atomic writes.</summary>
public abstract class ExportLabelsCommand : FakETCmdlet
{
    /// <summary><para type="description">The file to write.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    public string Path { get; set; } = "";

    /// <summary><para type="description">The file to write, taken exactly as written.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath", "LP")]
    public string LiteralPath { get; set; } = "";

    /// <summary><para type="description">The labelled volume, as New-Phantom makes it.</para></summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    public Volume InputObject { get; set; } = null!;

    /// <summary><para type="description">Overwrite an existing file.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Pass the volume on down the pipeline.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>What -WhatIf says would be written.</summary>
    protected abstract string Describe(SampleLabels labels, string target);

    /// <summary>Writes the file (atomically).</summary>
    protected abstract void Write(SampleLabels labels, string target);

    protected override void ProcessRecord()
    {
        var volume = InputObject;
        if (volume.Labels is null)
        {
            TryRun(() => LabelFiles.LabelsOf(volume), volume);
            return;
        }
        string? target = WritableTarget(ParameterSetName == "LiteralPath" ? LiteralPath : Path, Force);
        if (target is null || !ShouldProcess(target, Describe(volume.Labels, target))) return;
        if (TryRun(() => Write(volume.Labels, target), target) && PassThru) WriteObject(volume);
    }
}

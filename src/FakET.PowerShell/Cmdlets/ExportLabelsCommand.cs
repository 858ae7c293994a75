using System.Management.Automation;
using FakET.Phantom;

namespace FakET.PowerShell.Cmdlets;

/// <summary>A command that writes one file of each labelled volume it is given (Export-LabelMask): the volume, -WhatIf and
/// atomic writes. Export-ParticleList writes all its volumes to one file, so it collects them itself.</summary>
public abstract class ExportLabelsCommand : FileWriterCommand
{
    /// <summary><para type="description">The labelled volume, as New-Phantom makes it.</para></summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    public Volume InputObject { get; set; } = null!;

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
        string? target = Target();
        if (target is null || !ShouldProcess(target, Describe(volume.Labels, target))) return;
        if (TryRun(() => Write(volume.Labels, target), target) && PassThru) WriteObject(volume);
    }
}

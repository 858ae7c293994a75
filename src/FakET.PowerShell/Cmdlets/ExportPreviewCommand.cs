using System.Management.Automation;
using FakET.Preview;

namespace FakET.PowerShell.Cmdlets;

/// <summary>What Export-TiltSeriesPreview and Export-VolumePreview share: the percentile contrast, -WhatIf, the atomic PNG write and -PassThru.</summary>
public abstract class ExportPreviewCommand : FileWriterCommand
{
    /// <summary><para type="description">The percentile of the pixels shown that is drawn black (default 0.5).</para></summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double LowPercentile { get; set; } = PercentileContrast.DefaultLowPercentile;

    /// <summary><para type="description">The percentile of the pixels shown that is drawn white (default 99.5); must be above -LowPercentile.</para></summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double HighPercentile { get; set; } = PercentileContrast.DefaultHighPercentile;

    protected abstract ImageStack Stack { get; }

    /// <summary>What the picture shows, for -WhatIf; null after an error about the parameters.</summary>
    protected abstract string? Describe();

    protected abstract PreviewPicture Render();

    protected override void ProcessRecord()
    {
        var stack = Stack;
        if (Target() is not { } target) return;
        string? what = null;
        if (!TryRun(() =>
            {
                PercentileContrast.Check(LowPercentile, HighPercentile);
                what = Describe();
            }, stack) || what is null) return;
        if (!ShouldProcess(target, $"Write {what} as a greyscale PNG")) return;
        bool written = TryRun(() => Render().Write(target, Cancel), target);
        if (written && PassThru) WriteObject(stack);
    }
}

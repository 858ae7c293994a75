using System.Management.Automation;
using FakET.Noise;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes a noise profile to a JSON file, with a PNG plot of it beside it.</para>
/// <para type="description">Writes the profile as JSON: the per-tilt arrays r, sigma, referenceMean, referenceStd and tiltAngles at the top level, the fit order, the curves measured on each reference pair and the history. Numbers are written so that they read back exactly with Import-NoiseProfile. Beside it, a PNG image with the same name shows r(θ) above and σ(θ) below: the measured values as points, the profile's fitted curves as lines. Both files are written to temporary files first and renamed together when both are complete, so an error, a full disk or Ctrl+C leaves neither and the earlier files as they were. With -NoPlot, an earlier plot of the same name is removed, so a plot never shows another profile than the JSON beside it.</para>
/// <example><code>$profile | Export-NoiseProfile ./profile.json</code><para>Writes profile.json and profile.png.</para></example>
/// <example><code>$profile | Export-NoiseProfile ./profile.json -NoPlot -Force</code><para>Writes (or overwrites) only the JSON file, and removes an earlier profile.png.</para></example>
/// </summary>
[Cmdlet(VerbsData.Export, "NoiseProfile", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(NoiseProfile))]
public sealed class ExportNoiseProfileCommand : FileWriterCommand
{
    /// <summary><para type="description">The noise profile to write.</para></summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    public NoiseProfile InputObject { get; set; } = null!;

    /// <summary><para type="description">Do not draw the PNG plot; an earlier plot of the same name is removed.</para></summary>
    [Parameter]
    public SwitchParameter NoPlot { get; set; }

    /// <summary><para type="description">Width of the plot in pixels (default 900).</para></summary>
    [Parameter]
    [ValidateRange(NoiseProfilePlot.MinimumWidth, 8192)]
    public int PlotWidth { get; set; } = NoiseProfilePlot.DefaultWidth;

    /// <summary><para type="description">Height of the plot in pixels (default 640).</para></summary>
    [Parameter]
    [ValidateRange(NoiseProfilePlot.MinimumHeight, 8192)]
    public int PlotHeight { get; set; } = NoiseProfilePlot.DefaultHeight;

    protected override IEnumerable<string> CompanionsOf(string target)
    {
        string plot = NoiseProfileFile.PlotPath(target);
        return string.Equals(plot, target, StringComparison.OrdinalIgnoreCase) ? Array.Empty<string>() : new[] { plot };
    }

    protected override void ProcessRecord()
    {
        if (Target() is not { } target) return;
        string plot = NoiseProfileFile.PlotPath(target);
        if (!NoPlot && string.Equals(plot, target, StringComparison.OrdinalIgnoreCase))
        {
            WriteError(new ErrorRecord(new ArgumentException($"'{target}' would be overwritten by the plot; give the profile a .json name (the plot goes beside it as .png)."),
                "PathIsPlot", ErrorCategory.InvalidArgument, target));
            return;
        }
        string what = NoPlot ? $"Write the noise profile ({InputObject.TiltCount} tilts) as JSON"
            : $"Write the noise profile ({InputObject.TiltCount} tilts) as JSON, and its plot to {System.IO.Path.GetFileName(plot)}";
        if (!ShouldProcess(target, what)) return;
        // The profile and its plot are written together, all or none, so a stop (Ctrl+C) or an error leaves neither.
        bool written = TryRun(() => NoiseProfileFile.Write(target, InputObject, NoPlot ? null : (PlotWidth, PlotHeight), Cancel), target);
        if (written && PassThru) WriteObject(InputObject);
    }
}

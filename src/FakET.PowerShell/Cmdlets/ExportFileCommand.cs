using System.Management.Automation;

namespace FakET.PowerShell.Cmdlets;

/// <summary>What every Export- cmdlet shares: -Path or -LiteralPath, -Force, -PassThru, and the checks before a write.</summary>
public abstract class ExportFileCommand : FakETCmdlet
{
    /// <summary><para type="description">The file to write.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    public string Path { get; set; } = "";

    /// <summary><para type="description">The file to write, taken exactly as written.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath", "LP")]
    public string LiteralPath { get; set; } = "";

    /// <summary><para type="description">Overwrite an existing file.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Pass the written object on down the pipeline.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The file-system path to write, or <c>null</c> (after writing an error) when it is a folder, or exists and -Force was not given.</summary>
    protected string? WritableTarget()
    {
        string target = ResolveOutputPath(ParameterSetName == "LiteralPath" ? LiteralPath : Path);
        if (Directory.Exists(target))
        {
            WriteError(new ErrorRecord(new IOException($"'{target}' is a folder; give a file name."), "PathIsFolder", ErrorCategory.InvalidArgument, target));
            return null;
        }
        if (File.Exists(target) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"'{target}' already exists. Use -Force to overwrite it."),
                "FileExists", ErrorCategory.ResourceExists, target));
            return null;
        }
        return target;
    }
}

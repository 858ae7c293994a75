using System.Management.Automation;

namespace FakET.PowerShell;

/// <summary>What every cmdlet that reads files shares: -Path with wildcards, or -LiteralPath, from the pipeline too.</summary>
public abstract class FileReaderCommand : FakETCmdlet
{
    /// <summary><para type="description">Files to read. Wildcards are allowed.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Files to read, taken exactly as written (no wildcards).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override bool ReadsFiles => true;

    /// <summary>The files this call names, resolved; a pattern that matches nothing is an error for that pattern.</summary>
    protected IEnumerable<string> InputFiles()
    {
        bool literal = ParameterSetName == "LiteralPath";
        return ResolveInputPaths(literal ? LiteralPath : Path, literal);
    }
}

/// <summary>What every cmdlet that writes one file shares: -Path or -LiteralPath, -Force, -PassThru, and the
/// checks before writing (an existing file needs -Force; a folder is no file name).</summary>
public abstract class FileWriterCommand : FakETCmdlet
{
    /// <summary><para type="description">The file to write, relative to the current location.</para></summary>
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

    /// <summary>The files written beside <paramref name="target"/>, or removed as stale companions, by this cmdlet;
    /// an existing one needs -Force as the target does.</summary>
    protected virtual IEnumerable<string> CompanionsOf(string target) => Array.Empty<string>();

    /// <summary>The resolved file to write, or null (with an error written) when it exists and -Force was not given,
    /// or is a folder.</summary>
    protected string? Target()
    {
        string target = ResolveOutputPath(ParameterSetName == "LiteralPath" ? LiteralPath : Path);
        if (File.Exists(target) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"'{target}' already exists. Use -Force to overwrite it."),
                "FileExists", ErrorCategory.ResourceExists, target));
            return null;
        }
        // The files written (or removed as stale) with the target belong to it: without -Force, none is replaced.
        if (!Force && CompanionsOf(target).FirstOrDefault(File.Exists) is { } companion)
        {
            WriteError(new ErrorRecord(new IOException($"'{companion}' already exists, and it belongs to the set of files " +
                $"written with '{System.IO.Path.GetFileName(target)}'. Use -Force to replace the set."),
                "FileExists", ErrorCategory.ResourceExists, companion));
            return null;
        }
        if (Directory.Exists(target))
        {
            WriteError(new ErrorRecord(new IOException($"'{target}' is a folder; give a file name."), "PathIsFolder", ErrorCategory.InvalidArgument, target));
            return null;
        }
        return target;
    }
}

using System.Management.Automation;

namespace FakET.PowerShell.Cmdlets;

/// <summary>What every Import- cmdlet shares: -Path with wildcards or -LiteralPath, from parameters or the pipeline.</summary>
public abstract class ImportFileCommand : FakETCmdlet
{
    /// <summary><para type="description">Files to read. Wildcards are allowed.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Files to read, taken exactly as written (no wildcards).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>The files named by -Path or -LiteralPath, resolved; a name that matches nothing is an error for that name.</summary>
    protected IEnumerable<string> InputFiles() =>
        ParameterSetName == "LiteralPath" ? ResolveInputPaths(LiteralPath, literal: true) : ResolveInputPaths(Path, literal: false);
}

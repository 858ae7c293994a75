using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace FakET.Tests.Support;

/// <summary>What one script run produced: pipeline output and every stream.</summary>
public sealed record RunResult(
    IReadOnlyList<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<WarningRecord> Warnings,
    IReadOnlyList<ProgressRecord> Progress,
    IReadOnlyList<InformationRecord> Information)
{
    public T Single<T>() => Assert.IsType<T>(Assert.Single(Output).BaseObject);
    public ErrorRecord SingleError() => Assert.Single(Errors);
}

/// <summary>
/// The real PowerShell engine (the NuGet System.Management.Automation package), with the built module
/// (out/FakET/FakET.psd1) imported, as a scientist's session would have it. One runspace per instance.
/// Give it a <see cref="CapturingHost"/> to see what a console would show (Out-Default, Write-Host, progress).
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    readonly Runspace _runspace;

    public PowerShellSession(System.Management.Automation.Host.PSHost? host = null)
    {
        Assert.True(File.Exists(Repo.ModuleManifest), $"The module was not built: {Repo.ModuleManifest} is missing.");
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(Repo.ModuleManifest);
        _runspace = host is null ? RunspaceFactory.CreateRunspace(state) : RunspaceFactory.CreateRunspace(host, state);
        _runspace.Open();
    }

    /// <summary>Sets the current location, as Set-Location would.</summary>
    public void SetLocation(string path) => _runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(path));

    /// <summary>A PowerShell instance on this session with <paramref name="script"/> added and the variables set, for tests
    /// that drive it themselves (BeginInvoke, Stop) rather than run it to its end as <see cref="Run"/> does.</summary>
    public PowerShell Prepare(string script, params (string Name, object? Value)[] variables)
    {
        foreach (var (name, value) in variables) _runspace.SessionStateProxy.SetVariable(name, value);
        var shell = PowerShell.Create(_runspace);
        shell.AddScript(script);
        return shell;
    }

    /// <summary>Runs a script with the given variables set; a terminating error becomes an error record.</summary>
    public RunResult Run(string script, params (string Name, object? Value)[] variables)
    {
        foreach (var (name, value) in variables) _runspace.SessionStateProxy.SetVariable(name, value);
        using var shell = PowerShell.Create(_runspace);
        shell.AddScript(script);
        Collection<PSObject> output;
        var errors = new List<ErrorRecord>();
        try
        {
            output = shell.Invoke();
        }
        catch (RuntimeException e)
        {
            output = new Collection<PSObject>();
            errors.Add(e.ErrorRecord);
        }
        errors.InsertRange(0, shell.Streams.Error);
        return new RunResult(output.Where(o => o is not null).ToList(), errors, shell.Streams.Warning.ToList(),
            shell.Streams.Progress.ToList(), shell.Streams.Information.ToList());
    }

    /// <summary>What tab completion offers at the end of <paramref name="input"/> (e.g. "New-Thing -Device "), as PowerShell's
    /// TabExpansion2 computes it: parameter names, enum members, [ValidateSet] values, argument completers.</summary>
    public IReadOnlyList<string> Complete(string input)
    {
        using var shell = PowerShell.Create(_runspace);
        var completion = CommandCompletion.CompleteInput(input, input.Length, null, shell);
        return completion.CompletionMatches.Select(m => m.CompletionText).ToList();
    }

    public void Dispose() => _runspace.Dispose();
}

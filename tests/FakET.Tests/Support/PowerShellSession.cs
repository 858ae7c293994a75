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
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    readonly Runspace _runspace;

    public PowerShellSession()
    {
        Assert.True(File.Exists(Repo.ModuleManifest), $"The module was not built: {Repo.ModuleManifest} is missing.");
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(Repo.ModuleManifest);
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
    }

    /// <summary>Sets the current location, as Set-Location would.</summary>
    public void SetLocation(string path) => _runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(path));

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

    public void Dispose() => _runspace.Dispose();
}

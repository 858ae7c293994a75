using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace FakET.Tests.Support;

/// <summary>
/// A runspace with the built module imported, for tests that drive a PowerShell instance themselves (BeginInvoke,
/// Stop) rather than run a script to its end as <see cref="PowerShellSession"/> does.
/// </summary>
public sealed class ModuleRunspace : IDisposable
{
    public ModuleRunspace(string location)
    {
        Assert.True(File.Exists(Repo.ModuleManifest), $"The module was not built: {Repo.ModuleManifest} is missing.");
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(Repo.ModuleManifest);
        Runspace = RunspaceFactory.CreateRunspace(state);
        Runspace.Open();
        Runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(location));
    }

    public Runspace Runspace { get; }

    /// <summary>A PowerShell instance on this runspace with <paramref name="script"/> added, the variables set first.</summary>
    public System.Management.Automation.PowerShell Prepare(string script, params (string Name, object? Value)[] variables)
    {
        foreach (var (name, value) in variables) Runspace.SessionStateProxy.SetVariable(name, value);
        var shell = System.Management.Automation.PowerShell.Create(Runspace);
        shell.AddScript(script);
        return shell;
    }

    public void Dispose() => Runspace.Dispose();
}

using System.Reflection;

namespace FakET.Jobs;

/// <summary>
/// The PowerShell a task runs under: the `faket` host, which has the module loaded: this very program when the job
/// is submitted from faket, else faket on the PATH; else pwsh, which imports the module of the session that submitted
/// the job first: this very program when the job is submitted from pwsh, else pwsh on the PATH. The first that
/// exists wins; the choice is written into the array script.
/// </summary>
public static class JobRunner
{
    public static (string[] Runner, string? ModuleManifest) Resolve(string moduleManifest)
    {
        string[] pwshOptions = ["-NoProfile", "-NonInteractive"];
        if (Self("faket") is { } host) return (host, null);
        if (OnPath("faket") is { } faket) return ([faket], null);
        if (Self("pwsh") is { } shell) return ([.. shell, .. pwshOptions], moduleManifest);
        if (OnPath("pwsh") is { } pwsh) return ([pwsh, .. pwshOptions], moduleManifest);
        throw new FakETException(ErrorIds.JobRunnerNotFound, FailureKind.NotInstalled,
            "Neither faket nor pwsh is on the PATH, so a task has nothing to run its script under. Submit the job from faket, or put faket or pwsh on the PATH.");
    }

    /// <summary>This process's command line when it is the program <paramref name="name"/>: its executable, or
    /// `dotnet name.dll` (a .NET tool, or faket run by dotnet).</summary>
    static string[]? Self(string name)
    {
        if (Assembly.GetEntryAssembly() is not { } entry || entry.GetName().Name != name || Environment.ProcessPath is not { } self) return null;
        return Path.GetFileNameWithoutExtension(self) == "dotnet" ? [self, entry.Location] : [self];
    }

    public static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

using System.Reflection;

namespace FakET.Jobs;

/// <summary>
/// The PowerShell a task runs under: the `faket` host, which has the module loaded: this very program when the job
/// is submitted from faket, else faket on the PATH; else pwsh on the PATH, which imports the module of the session
/// that submitted the job first. The first that exists wins; the choice is written into the array script.
/// </summary>
public static class JobRunner
{
    public static (string[] Runner, string? ModuleManifest) Resolve(string moduleManifest)
    {
        if (Assembly.GetEntryAssembly() is { } entry && entry.GetName().Name == "faket" && Environment.ProcessPath is { } self)
        {
            // faket runs as its own executable, or as `dotnet faket.dll`.
            return Path.GetFileNameWithoutExtension(self) == "dotnet" ? ([self, entry.Location], null) : ([self], null);
        }
        if (OnPath("faket") is { } faket) return ([faket], null);
        if (OnPath("pwsh") is { } pwsh) return ([pwsh, "-NoProfile", "-NonInteractive"], moduleManifest);
        throw new FakETException(ErrorIds.JobRunnerNotFound, FailureKind.NotInstalled,
            "Neither faket nor pwsh is on the PATH, so a task has nothing to run its script under. Submit the job from faket, or put faket or pwsh on the PATH.");
    }

    public static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

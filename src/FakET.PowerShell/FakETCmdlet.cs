using System.Collections.ObjectModel;
using System.Management.Automation;
using FakET.Native;
using FakET.Stages;

namespace FakET.PowerShell;

/// <summary>
/// What every FakET cmdlet shares: engine errors become PowerShell errors with the engine's identifier,
/// Ctrl+C cancels the engine's work, progress goes to Write-Progress, and the native stack is loaded
/// (with a readable error) before anything needs it.
/// </summary>
public abstract class FakETCmdlet : PSCmdlet
{
    readonly CancellationTokenSource _stop = new();

    /// <summary>Cancelled when the user presses Ctrl+C.</summary>
    protected CancellationToken Cancel => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    protected static ErrorCategory CategoryOf(FailureKind kind) => kind switch
    {
        FailureKind.InvalidArgument => ErrorCategory.InvalidArgument,
        FailureKind.InvalidData => ErrorCategory.InvalidData,
        FailureKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        FailureKind.ResourceExists => ErrorCategory.ResourceExists,
        FailureKind.NotInstalled => ErrorCategory.NotInstalled,
        FailureKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        FailureKind.NotImplemented => ErrorCategory.NotImplemented,
        FailureKind.OperationStopped => ErrorCategory.OperationStopped,
        FailureKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        _ => ErrorCategory.NotSpecified,
    };

    protected static ErrorRecord ErrorFrom(FakETException e, object? target) => new(e, e.ErrorId, CategoryOf(e.Kind), target);

    /// <summary>Runs <paramref name="work"/>; an engine error becomes a non-terminating error for this input,
    /// so one bad file does not stop the rest of the pipeline. Returns false when it failed.</summary>
    protected bool TryRun(Action work, object? target)
    {
        try
        {
            work();
            return true;
        }
        catch (FakETException e)
        {
            WriteError(ErrorFrom(e, target));
        }
        catch (OperationCanceledException) when (Cancel.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (IOException e)
        {
            WriteError(new ErrorRecord(e, "FileIOError", ErrorCategory.WriteError, target));
        }
        catch (UnauthorizedAccessException e)
        {
            WriteError(new ErrorRecord(e, "FileAccessDenied", ErrorCategory.PermissionDenied, target));
        }
        return false;
    }

    /// <summary>Loads libtorch, or stops the cmdlet with an error that names the real cause.</summary>
    protected void RequireNativeStack()
    {
        try
        {
            NativeStack.EnsureLoaded();
        }
        catch (FakETException e)
        {
            ThrowTerminatingError(ErrorFrom(e, null));
        }
    }

    /// <summary>A progress callback for the engine (called on this thread) that writes a progress record.</summary>
    protected Action<int, int> Progress(string activity, string what, int activityId = 1) =>
        (done, total) => WriteProgress(activity, $"{what} {done} of {total}", done, total, activityId);

    void WriteProgress(string activity, string status, int done, int total, int activityId)
    {
        WriteProgress(new ProgressRecord(activityId, activity, status)
        {
            PercentComplete = total > 0 ? (int)(100L * done / total) : 0,
            RecordType = done >= total ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        });
    }

    /// <summary>The reporter a stage reports to: progress records of this cmdlet's activity, whose status reads
    /// "<paramref name="doing"/> tilt 3 of 61", and warnings.</summary>
    protected IStageReporter Reporter(string doing, int activityId = 1) => new CmdletReporter(this, doing, activityId);

    sealed class CmdletReporter(FakETCmdlet cmdlet, string doing, int activityId) : IStageReporter
    {
        public void Progress(int done, int total, string unit) =>
            cmdlet.WriteProgress(cmdlet.MyInvocation.MyCommand.Name, $"{doing} {unit} {done} of {total}", done, total, activityId);

        public void Warning(string message) => cmdlet.WriteWarning(message);
    }

    /// <summary>Resolves paths as PowerShell's own cmdlets do: wildcards expanded (unless literal), relative to the
    /// current location, FileSystem provider only. A pattern that matches nothing is an error for that pattern.</summary>
    protected IEnumerable<string> ResolveInputPaths(IEnumerable<string> paths, bool literal)
    {
        foreach (var path in paths)
        {
            if (literal)
            {
                string resolved = GetUnresolvedProviderPathFromPSPath(path);
                if (!File.Exists(resolved))
                {
                    WriteError(new ErrorRecord(new FileNotFoundException($"Cannot find path '{resolved}' because it does not exist.", resolved),
                        "PathNotFound", ErrorCategory.ObjectNotFound, path));
                    continue;
                }
                yield return resolved;
                continue;
            }
            Collection<string>? resolvedPaths = null;
            try
            {
                resolvedPaths = GetResolvedProviderPathFromPSPath(path, out var provider);
                if (provider.Name != "FileSystem")
                {
                    WriteError(new ErrorRecord(new ArgumentException($"'{path}' is not a file-system path."), "NotAFileSystemPath", ErrorCategory.InvalidArgument, path));
                    continue;
                }
            }
            catch (ItemNotFoundException e)
            {
                WriteError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, path));
                continue;
            }
            if (resolvedPaths.Count == 0)
                WriteError(new ErrorRecord(new FileNotFoundException($"No file matches '{path}'."), "PathNotFound", ErrorCategory.ObjectNotFound, path));
            foreach (var resolved in resolvedPaths) yield return resolved;
        }
    }

    /// <summary>The file-system path an output is written to, relative to the current location.</summary>
    protected string ResolveOutputPath(string path) => GetUnresolvedProviderPathFromPSPath(path);
}

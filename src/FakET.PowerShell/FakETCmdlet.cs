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
        catch (Exception e) when (ReadsFiles && e is not (OperationCanceledException or PipelineStoppedException or OutOfMemoryException))
        {
            // A reader's own failure that has no id yet is still one file's failure: the files after it are read.
            WriteError(new ErrorRecord(new FakETException(ErrorIds.FileReadFailed, FailureKind.InvalidData,
                $"'{target}' could not be read: {e.Message} ({e.GetType().Name})", e), ErrorIds.FileReadFailed, ErrorCategory.ReadError, target));
        }
        finally
        {
            CompleteProgress();
        }
        return false;
    }

    /// <summary>True for cmdlets that read files one by one: any failure of one file is then a non-terminating error
    /// (<see cref="ErrorIds.FileReadFailed"/> when the reader gave no named error), so one bad file among good ones
    /// never stops the pipeline.</summary>
    protected virtual bool ReadsFiles => false;

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

    /// <summary>A progress callback for the engine (called on this thread): <paramref name="what"/> is the stage and its
    /// unit, e.g. "Writing tomogram.mrc: section", shown as the stage "Writing tomogram.mrc" at "section 3 of 64".
    /// The activity names the cmdlet (<paramref name="activity"/> and <paramref name="activityId"/> are the parent's).</summary>
    protected Action<int, int> Progress(string activity, string what, int activityId = 1) =>
        (done, total) => ReportProgress(what, done, total);

    /// <summary>The reporter a stage reports to: progress whose stage is <paramref name="doing"/> and whose status reads
    /// "tilt 3 of 61", and warnings.</summary>
    protected IStageReporter Reporter(string doing, int activityId = 1) => new CmdletReporter(this, doing);

    sealed class CmdletReporter(FakETCmdlet cmdlet, string doing) : IStageReporter
    {
        public void Progress(int done, int total, string unit) => cmdlet.ReportProgress(doing.TrimEnd(':', ' ') + ": " + unit, done, total);

        public void Progress(int done, int total, string unit, string note) =>
            cmdlet.ReportProgress(doing.TrimEnd(':', ' ') + ": " + unit, done, total, note);

        public void Warning(string message) => cmdlet.WriteWarning(message);
    }

    // ---- Progress: a parent activity per cmdlet, a child per stage, the time remaining ----

    /// <summary>The parent activity's id: the cmdlet, with what it works on.</summary>
    protected const int CmdletActivityId = 1;
    /// <summary>The child activity's id: the stage under way, with its count and time remaining.</summary>
    protected const int StageActivityId = 2;

    /// <summary>A stage under way: its name, its unit, its clock, and what was last written.</summary>
    sealed class StageProgress(string stage, string unit)
    {
        public string Stage { get; } = stage;
        public string Unit { get; } = unit;
        public System.Diagnostics.Stopwatch Clock { get; } = System.Diagnostics.Stopwatch.StartNew();
        public int LastDone { get; set; }
        public int LastPercent { get; set; } = -1;
        public TimeSpan LastWrite { get; set; } = TimeSpan.MinValue;
    }

    StageProgress? _stage;

    /// <summary>
    /// Reports <paramref name="done"/> of <paramref name="total"/> for the stage "<c>Stage: unit</c>" in
    /// <paramref name="stageAndUnit"/>. The first report of a stage writes the cmdlet's record (activity: the cmdlet's
    /// name; status: what it works on) and the stage's record under it; later reports are written when the percentage
    /// moves or a second has passed, so a stage of a million steps writes at most about a hundred records a minute.
    /// The last report (done = total) completes both. The stage's record carries the time remaining, from the rate so far.
    /// </summary>
    void ReportProgress(string stageAndUnit, int done, int total, string? note = null)
    {
        int colon = stageAndUnit.LastIndexOf(": ", StringComparison.Ordinal);
        string stage = colon < 0 ? stageAndUnit : stageAndUnit[..colon];
        string unit = colon < 0 ? "" : stageAndUnit[(colon + 2)..];
        if (_stage is null || _stage.Stage != stage || _stage.Unit != unit || done < _stage.LastDone)
        {
            _stage = new StageProgress(stage, unit);
            WriteProgress(new ProgressRecord(CmdletActivityId, MyInvocation.MyCommand.Name, Subject() ?? stage));
        }
        var current = _stage;
        current.LastDone = done;
        int percent = total > 0 ? (int)Math.Clamp(100L * done / total, 0, 100) : -1;
        var elapsed = current.Clock.Elapsed;
        bool finished = total > 0 && done >= total;
        if (!finished && percent == current.LastPercent && elapsed - current.LastWrite < TimeSpan.FromSeconds(1)) return;
        current.LastPercent = percent;
        current.LastWrite = elapsed;
        string status = (unit.Length > 0 ? unit + " " : "") + (total > 0 ? $"{done} of {total}" : $"{done}")
            + (string.IsNullOrEmpty(note) ? "" : ", " + note);
        WriteProgress(new ProgressRecord(StageActivityId, stage, status)
        {
            ParentActivityId = CmdletActivityId,
            PercentComplete = percent,
            SecondsRemaining = done > 0 && total > done && elapsed >= TimeSpan.FromSeconds(0.5)
                ? (int)Math.Ceiling(elapsed.TotalSeconds * (total - done) / done) : -1,
            RecordType = finished ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        });
        if (finished) CompleteProgress();
    }

    /// <summary>Ends the cmdlet's progress, if a stage left it open (an error or a stop mid-stage).</summary>
    protected void CompleteProgress()
    {
        if (_stage is null) return;
        _stage = null;
        // A stopping pipeline takes no more records; its progress ends with it.
        if (Cancel.IsCancellationRequested) return;
        WriteProgress(new ProgressRecord(CmdletActivityId, MyInvocation.MyCommand.Name, "Done") { RecordType = ProgressRecordType.Completed });
    }

    /// <summary>What the cmdlet works on, for its progress record: the bound data object (its one-line summary) or
    /// file; null when it has neither.</summary>
    string? Subject()
    {
        // The data that came down the pipeline, else any bound data object.
        foreach (bool piped in new[] { true, false })
            foreach (var (name, value) in MyInvocation.BoundParameters)
                if (value is ImageStack stack && (!piped || FromPipeline(name))) return stack.ToString();
        foreach (var name in new[] { "Path", "LiteralPath" })
        {
            if (MyInvocation.BoundParameters.TryGetValue(name, out var path) && path is string one) return one;
        }
        return null;
    }

    bool FromPipeline(string parameter) =>
        GetType().GetProperty(parameter)?.GetCustomAttributes(typeof(ParameterAttribute), true).Cast<ParameterAttribute>().Any(p => p.ValueFromPipeline) == true;

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

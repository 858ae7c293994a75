namespace FakET.Jobs;

/// <summary>Where a task stands. Only Completed counts as done.</summary>
public enum JobTaskState { Pending, Running, Completed, Failed, Cancelled }

/// <summary>One task of a job, as Receive-FakETJob reports it.</summary>
public sealed record JobTaskResult(int Index, JobTaskState State, int? ExitCode, string OutputDirectory, string? LogTail)
{
    public int Seed { get; init; }
    /// <summary>Why it ended, from its exit file ("failed: the script exited with 1"), or what is known otherwise.</summary>
    public string? Reason { get; init; }
    public string? LogPath { get; init; }
    /// <summary>The scheduler's id of the submission that last ran it: SLURM's "123_4", or "local-1".</summary>
    public string? SchedulerId { get; init; }
    public bool IsFinished => State is JobTaskState.Completed or JobTaskState.Failed or JobTaskState.Cancelled;
}

/// <summary>What a scheduler's queue says about the job's tasks: Pending or Running; a task not in it has left the queue.
/// <see cref="Accounting"/>: for tasks that left the queue without writing an exit file, what the scheduler's
/// accounting recorded (sacct), when it keeps any.</summary>
public sealed record JobQueue(IReadOnlyDictionary<int, JobTaskState> InQueue, IReadOnlyDictionary<int, JobTaskState> Accounting)
{
    public static readonly JobQueue Empty = new(new Dictionary<int, JobTaskState>(), new Dictionary<int, JobTaskState>());
}

/// <summary>
/// Reads each task's state from its files and the queue, in this order of trust: a done marker is Completed; an exit
/// file is Failed, or Cancelled when it says so; otherwise the queue's Pending or Running; otherwise (the task left the
/// queue without a word) what accounting recorded, or else Cancelled when it never started (no log: cancelled while
/// pending) and Failed when it started (killed without a chance to write, e.g. SIGKILL or a lost node).
/// The queue must be read before the files: a task writes its files before it leaves the queue.
/// </summary>
public static class JobTaskStates
{
    public static JobTaskResult Read(JobFiles files, JobRecord record, int index, JobQueue queue)
    {
        int count = record.Count;
        var last = record.Submissions.LastOrDefault(s => s.Indices.Contains(index));
        string? schedulerId = last is null ? null : last.Scheduler == JobScheduler.Slurm ? $"{last.Id}_{index}" : last.Id;
        var result = new JobTaskResult(index, JobTaskState.Pending, null, files.TaskOutput(index, count), files.LogTail(index, count))
        {
            Seed = JobDefinition.TaskSeed(record.Seed, index),
            LogPath = files.Log(index, count),
            SchedulerId = schedulerId,
        };
        if (File.Exists(files.Done(index, count)))
            return result with { State = JobTaskState.Completed, ExitCode = 0, Reason = "completed" };
        if (ReadExit(files.Exit(index, count)) is var (code, reason))
            return result with
            {
                State = reason.StartsWith("cancelled", StringComparison.Ordinal) && !Says(queue.Accounting, index, JobTaskState.Failed)
                    ? JobTaskState.Cancelled : JobTaskState.Failed,
                ExitCode = code, Reason = reason,
            };
        if (queue.InQueue.TryGetValue(index, out var queued)) return result with { State = queued };
        if (last is null) return result with { Reason = "never submitted" };
        if (queue.Accounting.TryGetValue(index, out var accounted))
            return result with { State = accounted, Reason = $"{accounted.ToString().ToLowerInvariant()} according to the scheduler's accounting; the task wrote no exit file" };
        return result.LogTail is null && !File.Exists(result.LogPath)
            ? result with { State = JobTaskState.Cancelled, Reason = "left the queue before it started (cancelled while pending)" }
            : result with { State = JobTaskState.Failed, Reason = "ended without writing an exit file (killed, or its node was lost)" };
    }

    static bool Says(IReadOnlyDictionary<int, JobTaskState> accounting, int index, JobTaskState state) =>
        accounting.TryGetValue(index, out var s) && s == state;

    /// <summary>An exit file: the exit code on the first line, the reason on the second.</summary>
    static (int Code, string Reason)? ReadExit(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        int code = lines.Length > 0 && int.TryParse(lines[0].Trim(), out var c) ? c : -1;
        return (code, lines.Length > 1 ? lines[1].Trim() : "failed: unreadable exit file");
    }
}

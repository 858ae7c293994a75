using System.Collections.Concurrent;

namespace FakET.Jobs;

/// <summary>
/// A job and its tasks, as Submit-FakETJob returns it. Its state lives in its output directory (JobFiles) and in the
/// scheduler's queue; <see cref="Refresh"/> reads both. The counts and <see cref="State"/> are those of the last refresh.
/// </summary>
public sealed class FakETJob
{
    FakETJob(JobFiles files, JobRecord record)
    {
        Files = files;
        Record = record;
    }

    public JobFiles Files { get; }
    public JobRecord Record { get; private set; }

    public string Name => "faket-" + Path.GetFileNameWithoutExtension(Record.ScriptPath);
    public string OutputDirectory => Files.Directory;
    public string ScriptPath => Record.ScriptPath;
    public JobScheduler Scheduler => Record.Scheduler;
    public int Count => Record.Count;
    public int Seed => Record.Seed;
    /// <summary>The scheduler's ids of the submissions, oldest first (SLURM array job ids, or local-N).</summary>
    public string[] SchedulerIds => Record.Submissions.Select(s => s.Id).ToArray();
    /// <summary>The tasks the Submit that returned this job submitted: all the first time, the incomplete ones on a
    /// resubmission, none when nothing needed to run (or for a job from Get-FakETJob).</summary>
    public int[] Submitted { get; private set; } = [];
    public IReadOnlyList<JobTaskResult> Tasks { get; private set; } = [];
    public int Pending => Tasks.Count(t => t.State == JobTaskState.Pending);
    public int Running => Tasks.Count(t => t.State == JobTaskState.Running);
    public int Completed => Tasks.Count(t => t.State == JobTaskState.Completed);
    public int Failed => Tasks.Count(t => t.State == JobTaskState.Failed);
    public int Cancelled => Tasks.Count(t => t.State == JobTaskState.Cancelled);
    public bool IsFinished => Tasks.Count == Count && Tasks.All(t => t.IsFinished);

    /// <summary>Running while any task is pending or running; then Completed when all completed, else Failed when any failed, else Cancelled.</summary>
    public string State =>
        !IsFinished ? (Running > 0 ? "Running" : "Pending") :
        Completed == Count ? "Completed" : Failed > 0 ? "Failed" : "Cancelled";

    static IJobScheduler SchedulerFor(JobScheduler kind) => kind == JobScheduler.Slurm ? new SlurmScheduler() : new LocalScheduler();

    /// <summary>Jobs submitted or opened in this process, by output directory: Get-FakETJob without arguments lists them.</summary>
    static readonly ConcurrentDictionary<string, FakETJob> Known = new(StringComparer.Ordinal);

    public static IReadOnlyList<FakETJob> InThisSession => Known.Values.OrderBy(j => j.OutputDirectory, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Submits the job, or, when its output directory already holds the same job (same script, count, seed and
    /// arguments), resubmits only its incomplete tasks: those that failed, were cancelled or never ran. Tasks still
    /// pending or running, and completed tasks, are left alone. Returns the job, refreshed; <see cref="Submitted"/>
    /// is empty when nothing needed to run.
    /// </summary>
    public static FakETJob Submit(JobDefinition job)
    {
        job.Validate();
        var files = new JobFiles(job.OutputDirectory);
        Directory.CreateDirectory(files.Directory);
        var record = JobRecord.Read(files);
        if (record is not null && record.Definition(files.Directory).Identity != job.Identity)
            throw new FakETException(ErrorIds.JobDefinitionChanged, FailureKind.ResourceExists,
                $"'{files.Directory}' holds another job ({record.Count} task(s) of '{record.ScriptPath}', seed {record.Seed}, arguments {record.Arguments.ToJsonString()}); " +
                "a resubmission must repeat the script, -Count, -Seed and -ArgumentList. Choose another -OutputDirectory for a new job.");
        record ??= JobRecord.From(job);
        var existing = new FakETJob(files, record);
        int[] indices;
        if (record.Submissions.Count == 0) indices = Enumerable.Range(0, job.Count).ToArray();
        else
        {
            existing.Refresh();
            indices = existing.Tasks.Where(t => t.State is JobTaskState.Failed or JobTaskState.Cancelled
                || (t.State == JobTaskState.Pending && t.Reason == "never submitted")).Select(t => t.Index).ToArray();
        }
        record.Scheduler = job.Scheduler;
        record.Resources = job.Resources;
        record.Runner = job.Runner.ToArray();
        record.ModuleManifest = job.ModuleManifest;
        Directory.CreateDirectory(files.Logs);
        Directory.CreateDirectory(files.Status);
        var now = DateTime.UtcNow;
        IO.AtomicFile.WriteAllText(files.Script, JobScript.Text(job, files, now));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(files.Script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        record.WriteArguments(files);
        if (indices.Length > 0)
        {
            foreach (int i in indices) files.ClearStatus(i, job.Count);
            string id = SchedulerFor(job.Scheduler).Submit(job, files, indices);
            record.Submissions.Add(new JobSubmission(id, job.Scheduler, indices, now));
        }
        record.Write(files);
        var submitted = new FakETJob(files, record) { Submitted = indices };
        submitted.Refresh();
        Known[files.Directory] = submitted;
        return submitted;
    }

    /// <summary>The job in <paramref name="outputDirectory"/>, from its record.</summary>
    public static FakETJob Open(string outputDirectory)
    {
        var files = new JobFiles(outputDirectory);
        var record = JobRecord.Read(files) ?? throw new FakETException(ErrorIds.JobNotFound, FailureKind.ObjectNotFound,
            $"'{files.Directory}' holds no FakET job (no faket-job.json): give the -OutputDirectory of a Submit-FakETJob.");
        var job = Known.TryGetValue(files.Directory, out var known) ? known : new FakETJob(files, record);
        job.Record = record;
        job.Refresh();
        Known[files.Directory] = job;
        return job;
    }

    /// <summary>Reads every task's state: the queues first, then the files (a task writes its files before it leaves the queue).</summary>
    public FakETJob Refresh()
    {
        var queue = Merge(Record.Submissions.Select(s => s.Scheduler).Distinct().Select(k => SchedulerFor(k).Queue(Record)));
        Tasks = Enumerable.Range(0, Count).Select(i => JobTaskStates.Read(Files, Record, i, queue)).ToList();
        return this;
    }

    static JobQueue Merge(IEnumerable<JobQueue> queues)
    {
        var inQueue = new Dictionary<int, JobTaskState>();
        var accounting = new Dictionary<int, JobTaskState>();
        foreach (var q in queues)
        {
            foreach (var (i, s) in q.InQueue) inQueue[i] = s;
            foreach (var (i, s) in q.Accounting) accounting[i] = s;
        }
        return new JobQueue(inQueue, accounting);
    }

    /// <summary>Waits until every task has finished (completed, failed or cancelled) or <paramref name="timeout"/> passed,
    /// refreshing every <paramref name="poll"/> and reporting (finished, total) each time. Returns whether all finished.</summary>
    public bool Wait(TimeSpan? timeout, TimeSpan poll, Action<FakETJob>? progress, CancellationToken cancel)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            Refresh();
            progress?.Invoke(this);
            if (IsFinished) return true;
            if (timeout is { } t && clock.Elapsed >= t) return false;
            var left = timeout is { } limit ? limit - clock.Elapsed : poll;
            cancel.WaitHandle.WaitOne(left < poll ? left : poll);
            cancel.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Cancels the job's tasks that are still pending or running (all, or those in <paramref name="indices"/>).</summary>
    public FakETJob Stop(IReadOnlyCollection<int>? indices = null)
    {
        Refresh();
        var live = Tasks.Where(t => !t.IsFinished && (indices is null || indices.Contains(t.Index))).Select(t => t.Index).ToArray();
        if (live.Length > 0)
            foreach (var kind in Record.Submissions.Select(s => s.Scheduler).Distinct())
                SchedulerFor(kind).Stop(Record, live);
        return Refresh();
    }

    public override string ToString() => $"{Name} ({Scheduler}, {Count} tasks) in {OutputDirectory}";
}

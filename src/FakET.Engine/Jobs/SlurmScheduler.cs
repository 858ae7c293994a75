using System.Diagnostics;
using System.Globalization;

namespace FakET.Jobs;

/// <summary>How a job's tasks reach a scheduler and how its queue is read.</summary>
public interface IJobScheduler
{
    /// <summary>Submits <paramref name="indices"/> of the job whose script is in <paramref name="files"/>; returns the scheduler's id.</summary>
    string Submit(JobDefinition job, JobFiles files, int[] indices);
    /// <summary>The job's tasks still in the queue, and what accounting knows of the others.</summary>
    JobQueue Queue(JobRecord record);
    /// <summary>Cancels those of <paramref name="indices"/> that are still queued or running.</summary>
    void Stop(JobRecord record, IReadOnlyCollection<int> indices);
}

/// <summary>
/// SLURM through its commands: sbatch --parsable --array=LIST submits the job's array script; squeue -r lists the
/// array's pending and running tasks; scancel stops them. sacct is asked only about tasks that left the queue without
/// writing an exit file, and only where accounting is kept (AccountingStorageType other than none); without it the
/// state comes from squeue and the files the array script writes, which every SLURM has.
/// </summary>
public sealed class SlurmScheduler : IJobScheduler
{
    public string Submit(JobDefinition job, JobFiles files, int[] indices)
    {
        string array = ArrayList(indices) + (job.Resources.ThrottleLimit > 0 ? "%" + job.Resources.ThrottleLimit.ToString(CultureInfo.InvariantCulture) : "");
        var (exit, stdout, stderr) = Command.Run("sbatch", ["--parsable", "--array=" + array, files.Script], files.Directory);
        string id = stdout.Trim().Split(';')[0];
        if (exit != 0 || id.Length == 0 || !id.All(char.IsAsciiDigit))
            throw new FakETException(ErrorIds.JobSubmitFailed, FailureKind.ResourceUnavailable,
                $"sbatch did not accept '{files.Script}' (exit code {exit}): {(stderr + stdout).Trim()}");
        return id;
    }

    public JobQueue Queue(JobRecord record)
    {
        var ids = record.Submissions.Where(s => s.Scheduler == JobScheduler.Slurm).Select(s => s.Id).ToHashSet();
        var inQueue = new Dictionary<int, JobTaskState>();
        if (ids.Count == 0) return JobQueue.Empty;
        // %F: the array job's id, %K: the task's index, %T: its state; -r: one line per array task, pending ones too.
        var (exit, stdout, stderr) = Command.Run("squeue", ["-h", "-r", "-u", Environment.UserName, "-o", "%F|%K|%T"]);
        if (exit != 0)
            throw new FakETException(ErrorIds.JobSchedulerUnavailable, FailureKind.ResourceUnavailable, $"squeue failed (exit code {exit}): {stderr.Trim()}");
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split('|');
            if (f.Length != 3 || !ids.Contains(f[0])) continue;
            foreach (int index in Indices(f[1]))
                inQueue[index] = f[2] is "PENDING" or "CONFIGURING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "RESV_DEL_HOLD"
                    ? JobTaskState.Pending : JobTaskState.Running;
        }
        return new JobQueue(inQueue, Accounting(ids));
    }

    /// <summary>sacct's final states of the array tasks, or nothing when SLURM keeps no accounting.</summary>
    static Dictionary<int, JobTaskState> Accounting(IEnumerable<string> ids)
    {
        var states = new Dictionary<int, JobTaskState>();
        (int Exit, string Stdout, string Stderr) result;
        try { result = Command.Run("sacct", ["-n", "-P", "-X", "-j", string.Join(',', ids), "-o", "JobID,State"]); }
        catch (FakETException) { return states; }
        if (result.Exit != 0) return states;   // "Slurm accounting storage is disabled"
        foreach (var line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split('|');
            int underscore = f[0].IndexOf('_');
            if (f.Length < 2 || underscore < 0 || !int.TryParse(f[0][(underscore + 1)..], out int index)) continue;
            string state = f[1].Split(' ')[0];
            JobTaskState? s = state switch
            {
                "CANCELLED" => JobTaskState.Cancelled,
                "FAILED" or "TIMEOUT" or "OUT_OF_MEMORY" or "NODE_FAIL" or "BOOT_FAIL" or "DEADLINE" or "PREEMPTED" => JobTaskState.Failed,
                _ => null,
            };
            if (s is { } known) states[index] = known;   // later submissions come later in sacct's list
        }
        return states;
    }

    public void Stop(JobRecord record, IReadOnlyCollection<int> indices)
    {
        var targets = indices
            .Select(i => (i, last: record.Submissions.LastOrDefault(s => s.Scheduler == JobScheduler.Slurm && s.Indices.Contains(i))))
            .Where(t => t.last is not null)
            .Select(t => $"{t.last!.Id}_{t.i}")
            .ToList();
        if (targets.Count == 0) return;
        var (exit, _, stderr) = Command.Run("scancel", targets);
        if (exit != 0)
            throw new FakETException(ErrorIds.JobSchedulerUnavailable, FailureKind.ResourceUnavailable, $"scancel failed (exit code {exit}): {stderr.Trim()}");
    }

    /// <summary>SLURM's array list: 0-2,5,7-9.</summary>
    public static string ArrayList(IEnumerable<int> indices)
    {
        var sorted = indices.Distinct().Order().ToArray();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? sorted[i].ToString(CultureInfo.InvariantCulture) : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    /// <summary>squeue's %K: one index, or for tasks not yet split off a pending array, a list such as "3-5,7%2".</summary>
    static IEnumerable<int> Indices(string field)
    {
        foreach (var part in field.Split('%')[0].Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            if (range.Length == 1 && int.TryParse(range[0], out int one)) yield return one;
            else if (range.Length == 2 && int.TryParse(range[0], out int a) && int.TryParse(range[1], out int b))
                for (int i = a; i <= b; i++) yield return i;
        }
    }
}

/// <summary>Runs a scheduler's command to its end.</summary>
static class Command
{
    public static (int Exit, string Stdout, string Stderr) Run(string program, IEnumerable<string> args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        Process process;
        try { process = Process.Start(info)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new FakETException(ErrorIds.JobSchedulerUnavailable, FailureKind.NotInstalled,
                $"'{program}' cannot be run ({e.Message}): -Scheduler Slurm needs SLURM's commands (sbatch, squeue, scancel) on the PATH.", e);
        }
        using (process)
        {
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout, stderr.Result);
        }
    }
}

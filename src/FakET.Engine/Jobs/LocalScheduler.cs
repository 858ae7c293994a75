using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace FakET.Jobs;

/// <summary>
/// Runs a job's tasks on this machine: each task is `bash faket-job.sbatch INDEX`, the same script and environment
/// as under SLURM, at most ThrottleLimit at once (default: the number of cores). The queue lives in this process:
/// the tasks are children of the session that submitted them, and another session sees only their files.
/// Stop sends SIGTERM, which the array script records as "cancelled" before it stops the PowerShell runner.
/// </summary>
public sealed class LocalScheduler : IJobScheduler
{
    /// <summary>One submission's tasks: waiting, running (with its process) or gone.</summary>
    sealed class Run
    {
        public readonly object Gate = new();
        public readonly HashSet<int> Waiting = [];
        public readonly Dictionary<int, Process> Running = [];
    }

    static readonly ConcurrentDictionary<string, Run> Runs = new();
    static int _next;

    public string Submit(JobDefinition job, JobFiles files, int[] indices)
    {
        string id = "local-" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        var run = new Run();
        run.Waiting.UnionWith(indices);
        Runs[id] = run;
        int throttle = job.Resources.ThrottleLimit > 0 ? job.Resources.ThrottleLimit : Environment.ProcessorCount;
        var slots = new SemaphoreSlim(throttle);
        _ = Task.Run(() =>
        {
            foreach (int index in indices)
            {
                slots.Wait();
                Process? process = null;
                lock (run.Gate)
                {
                    if (!run.Waiting.Remove(index)) { slots.Release(); continue; }   // stopped while waiting
                    try { process = Start(files, index); }
                    catch (System.ComponentModel.Win32Exception) { slots.Release(); continue; }   // no bash: the task stays without a log, reported as never started
                    run.Running[index] = process;
                }
                _ = Task.Run(() =>
                {
                    process.WaitForExit();
                    lock (run.Gate) run.Running.Remove(index);
                    process.Dispose();
                    slots.Release();
                });
            }
        });
        return id;
    }

    static Process Start(JobFiles files, int index)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardInput = true, WorkingDirectory = files.Directory };
        info.ArgumentList.Add(files.Script);
        info.ArgumentList.Add(index.ToString(CultureInfo.InvariantCulture));
        // Not a SLURM task, even when this session runs inside one: the script then writes its own log.
        foreach (var name in new[] { "SLURM_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_JOB_ID" }) info.Environment.Remove(name);
        var process = Process.Start(info)!;
        process.StandardInput.Close();
        return process;
    }

    public JobQueue Queue(JobRecord record)
    {
        var inQueue = new Dictionary<int, JobTaskState>();
        foreach (var submission in record.Submissions.Where(s => s.Scheduler == JobScheduler.Local))
        {
            if (!Runs.TryGetValue(submission.Id, out var run)) continue;
            lock (run.Gate)
            {
                foreach (int i in run.Waiting) inQueue[i] = JobTaskState.Pending;
                foreach (int i in run.Running.Keys) inQueue[i] = JobTaskState.Running;
            }
        }
        return new JobQueue(inQueue, new Dictionary<int, JobTaskState>());
    }

    public void Stop(JobRecord record, IReadOnlyCollection<int> indices)
    {
        foreach (var submission in record.Submissions.Where(s => s.Scheduler == JobScheduler.Local))
        {
            if (!Runs.TryGetValue(submission.Id, out var run)) continue;
            lock (run.Gate)
            {
                foreach (int i in indices)
                {
                    run.Waiting.Remove(i);
                    if (run.Running.TryGetValue(i, out var process)) _ = Kill(process.Id, SigTerm);
                }
            }
        }
    }

    const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);
}

using System.Management.Automation;
using FakET.Jobs;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Waits until every task of a FakET job has completed, failed or been cancelled, showing progress.</para>
/// <para type="description">Polls the scheduler's queue and the tasks' status files (every 2 s for SLURM, 0.5 s for Local) and shows how many tasks have finished, with how many are running, failed and cancelled. Then writes the job, refreshed. With -Timeout it stops waiting after that many seconds, warns, and writes the job as it stands (State Pending or Running). Ctrl+C stops the waiting, not the job (Stop-FakETJob stops the job).</para>
/// <example><code>$job | Wait-FakETJob | Receive-FakETJob</code><para>Waits for the job, then one result per task.</para></example>
/// <example><code>Wait-FakETJob -OutputDirectory /scratch/me/run1 -Timeout 3600</code><para>Waits at most an hour for a job submitted earlier.</para></example>
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "FakETJob", DefaultParameterSetName = "Job")]
[OutputType(typeof(FakETJob))]
public sealed class WaitFakETJobCommand : JobCommand
{
    /// <summary><para type="description">Seconds to wait at most. Default: until every task has finished.</para></summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Timeout { get; set; } = -1;

    protected override void ProcessRecord() => ForEachJob(job =>
    {
        var poll = TimeSpan.FromSeconds(job.Scheduler == JobScheduler.Slurm ? 2 : 0.5);
        var limit = Timeout >= 0 ? TimeSpan.FromSeconds(Timeout) : (TimeSpan?)null;
        var report = Reporter("Waiting for " + job.Name);
        bool finished = job.Wait(limit, poll,
            j => report.Progress(j.Completed + j.Failed + j.Cancelled, j.Count,
                $"{j.Running} running, {j.Failed} failed, {j.Cancelled} cancelled; tasks finished"), Cancel);
        if (!finished)
            WriteWarning($"{job.Name}: {job.Count - job.Completed - job.Failed - job.Cancelled} of {job.Count} task(s) still pending or running after {Timeout} s.");
        WriteObject(job);
    });
}

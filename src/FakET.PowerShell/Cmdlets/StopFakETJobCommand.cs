using System.Management.Automation;
using FakET.Jobs;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Cancels a FakET job's tasks that are still pending or running.</para>
/// <para type="description">SLURM tasks are cancelled with scancel; Local tasks get SIGTERM. A running task's array script records it as Cancelled (status/task_NNN.exit) before it stops the script; a pending task never starts. Completed tasks stay completed. Resubmitting the job (Submit-FakETJob with the same arguments) runs the cancelled tasks again.</para>
/// <example><code>$job | Stop-FakETJob</code><para>Cancels every task that has not finished.</para></example>
/// <example><code>Stop-FakETJob $job -Index 3, 4 -PassThru | Receive-FakETJob</code><para>Cancels tasks 3 and 4 only, then shows every task.</para></example>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "FakETJob", SupportsShouldProcess = true, DefaultParameterSetName = "Job")]
[OutputType(typeof(FakETJob))]
public sealed class StopFakETJobCommand : JobCommand
{
    /// <summary><para type="description">The tasks to cancel (0-based). Default: all that have not finished.</para></summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int[]? Index { get; set; }

    /// <summary><para type="description">Writes the job, refreshed, after cancelling.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => ForEachJob(job =>
    {
        string which = Index is null ? "every unfinished task" : "task(s) " + string.Join(", ", Index);
        if (!ShouldProcess($"{job.Name} in {job.OutputDirectory}", $"Cancel {which}")) return;
        job.Stop(Index);
        if (PassThru) WriteObject(job);
    });
}

using System.Management.Automation;
using FakET.Jobs;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets one result per task of a FakET job: its state, exit code, output folder and the end of its log.</para>
/// <para type="description">Each result has Index, State (Pending, Running, Completed, Failed or Cancelled), ExitCode, OutputDirectory (the task's FAKET_TASK_OUTPUT), LogTail (the last 20 lines of its log), and Seed, Reason, LogPath and SchedulerId (SLURM's ARRAYID_INDEX). Only a task whose done marker exists is Completed. For each failed or cancelled task it also writes a warning with its reason and log, so that none passes unnoticed; resubmit the job (Submit-FakETJob with the same arguments) to run those tasks again.</para>
/// <example><code>$job | Wait-FakETJob | Receive-FakETJob | Format-Table Index, State, ExitCode, OutputDirectory</code><para>A table of the tasks.</para></example>
/// <example><code>(Receive-FakETJob $job | Where-Object State -eq Failed).LogTail</code><para>The end of each failed task's log.</para></example>
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "FakETJob", DefaultParameterSetName = "Job")]
[OutputType(typeof(JobTaskResult))]
public sealed class ReceiveFakETJobCommand : JobCommand
{
    protected override void ProcessRecord() => ForEachJob(job =>
    {
        foreach (var task in job.Refresh().Tasks)
        {
            if (task.State is JobTaskState.Failed or JobTaskState.Cancelled)
                WriteWarning($"{job.Name} task {task.Index} {task.State.ToString().ToLowerInvariant()}" +
                             (task.ExitCode is { } code ? $" (exit code {code})" : "") + $": {Why(task.Reason)}. Log: {task.LogPath}");
            WriteObject(task);
        }
    });

    /// <summary>The reason without its leading word ("failed: the script exited with 1" → "the script exited with 1").</summary>
    static string? Why(string? reason) => reason?[(reason.IndexOf(": ", StringComparison.Ordinal) is var i and >= 0 ? i + 2 : 0)..];
}

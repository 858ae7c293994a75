using System.Management.Automation;
using FakET.Jobs;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets FakET jobs with their tasks' current states: those of this session, or those in the given output directories.</para>
/// <para type="description">Without -OutputDirectory: every job submitted (or opened) in this session. With it: the job recorded in each folder (its faket-job.json), also one submitted from another session or by hand. Each job is refreshed from the scheduler's queue and its tasks' status files: State is Pending or Running while any task is, then Completed (all completed), Failed (any failed) or Cancelled; Completed, Failed, Cancelled, Running and Pending count the tasks.</para>
/// <example><code>Get-FakETJob</code><para>This session's jobs and how far they are.</para></example>
/// <example><code>Get-FakETJob -OutputDirectory /scratch/me/run1 | Receive-FakETJob | Where-Object State -ne Completed</code><para>The tasks of a job submitted earlier that did not complete.</para></example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "FakETJob")]
[OutputType(typeof(FakETJob))]
public sealed class GetFakETJobCommand : FakETCmdlet
{
    /// <summary><para type="description">Output directories of jobs (Submit-FakETJob -OutputDirectory). Default: this session's jobs.</para></summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public string[]? OutputDirectory { get; set; }

    protected override void ProcessRecord()
    {
        if (OutputDirectory is null)
        {
            foreach (var job in FakETJob.InThisSession) TryRun(() => WriteObject(job.Refresh()), job);
            return;
        }
        foreach (var directory in OutputDirectory)
        {
            string path = GetUnresolvedProviderPathFromPSPath(directory);
            TryRun(() => WriteObject(FakETJob.Open(path)), path);
        }
    }
}

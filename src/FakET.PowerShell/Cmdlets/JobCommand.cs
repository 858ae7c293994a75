using System.Management.Automation;
using FakET.Jobs;

namespace FakET.PowerShell.Cmdlets;

/// <summary>What the cmdlets that work on a submitted job share: the job, from the pipeline or by its output directory.</summary>
public abstract class JobCommand : FakETCmdlet
{
    /// <summary><para type="description">The job, as Submit-FakETJob or Get-FakETJob returned it; from the pipeline too.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Job")]
    public FakETJob[] Job { get; set; } = [];

    /// <summary><para type="description">The job's output directory instead of the job object, e.g. from another session.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = "OutputDirectory")]
    public string[] OutputDirectory { get; set; } = [];

    /// <summary>Runs <paramref name="work"/> on each job given; engine errors become this cmdlet's errors.</summary>
    protected void ForEachJob(Action<FakETJob> work)
    {
        var jobs = ParameterSetName == "Job"
            ? Job.Select(j => (Job: (FakETJob?)j, Target: (object)j))
            : OutputDirectory.Select(d => (Job: (FakETJob?)null, Target: (object)GetUnresolvedProviderPathFromPSPath(d)));
        foreach (var (job, target) in jobs)
            TryRun(() => work(job ?? FakETJob.Open((string)target)), target);
    }
}

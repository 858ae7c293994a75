using System.Collections;
using System.Management.Automation;
using FakET.Jobs;
using JobDefinition = FakET.Jobs.JobDefinition;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Runs a PowerShell script as many tasks at once: a SLURM job array on a cluster, or parallel processes on this machine.</para>
/// <para type="description">Each of the -Count tasks runs the script (under faket, or pwsh with this module imported) with the named arguments of -ArgumentList and three environment variables: FAKET_TASK_INDEX (0 to Count − 1), FAKET_TASK_SEED (a seed derived from -Seed and the index: the top 31 bits of SplitMix64(SplitMix64(0x9E3779B97F4A7C15 XOR seed) XOR index)) and FAKET_TASK_OUTPUT (the task's own folder, OutputDirectory/task_NNN, where it writes its results). A task is complete only when its script exited 0, wrote something into its folder, and a done marker was then written (status/task_NNN.done, by a rename); anything else is Failed or Cancelled, with its log in logs/task_NNN.log.</para>
/// <para type="description">With -Scheduler Slurm (the default where sbatch is on the PATH) it writes one array script, OutputDirectory/faket-job.sbatch, with the resource requests as #SBATCH lines, submits it with sbatch, and follows it with squeue (and sacct where the cluster keeps accounting). The output directory and the script must be on a file system the compute nodes share. With -Scheduler Local the same script runs here, at most -ThrottleLimit tasks at a time.</para>
/// <para type="description">Submitting the same job again (same script, -Count, -Seed and -ArgumentList) into the same -OutputDirectory submits only the tasks that failed, were cancelled or never ran; completed tasks and tasks still queued or running are left alone. A different job in that folder is an error (JobDefinitionChanged). Returns the job: pass it to Wait-FakETJob, Receive-FakETJob or Stop-FakETJob.</para>
/// <example><code>$job = Submit-FakETJob ./simulate.ps1 -Count 100 -ArgumentList @{ Size = 1024 } -CpusPerTask 2 -MemoryGB 32 -TimeLimit 01:00:00 -OutputDirectory /scratch/me/run1</code><para>A 100-task SLURM array; each task runs simulate.ps1 -Size 1024 with its own seed and folder.</para></example>
/// <example><code>Submit-FakETJob ./simulate.ps1 -Count 4 -Scheduler Local -ThrottleLimit 2 | Wait-FakETJob | Receive-FakETJob</code><para>The same script on this machine, two tasks at a time; one result per task.</para></example>
/// <example><code>Submit-FakETJob ./simulate.ps1 -Count 100 -ArgumentList @{ Size = 1024 } -OutputDirectory /scratch/me/run1</code><para>After some tasks failed or were cancelled: runs only those again.</para></example>
/// </summary>
[Cmdlet(VerbsLifecycle.Submit, "FakETJob", SupportsShouldProcess = true)]
[OutputType(typeof(FakETJob))]
public sealed class SubmitFakETJobCommand : FakETCmdlet
{
    /// <summary><para type="description">The PowerShell script each task runs. It reads $env:FAKET_TASK_INDEX, $env:FAKET_TASK_SEED and $env:FAKET_TASK_OUTPUT.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string FilePath { get; set; } = "";

    /// <summary><para type="description">Number of tasks, 1 to 100000.</para></summary>
    [Parameter(Mandatory = true)]
    public int Count { get; set; }

    /// <summary><para type="description">The script's named parameters, the same for every task: strings, numbers, booleans (for switches) and arrays of these.</para></summary>
    [Parameter]
    public Hashtable? ArgumentList { get; set; }

    /// <summary><para type="description">Slurm: a job array through sbatch. Local: processes on this machine. Default: Slurm where sbatch is on the PATH, else Local.</para></summary>
    [Parameter]
    [ValidateSet("Slurm", "Local")]
    public string? Scheduler { get; set; }

    /// <summary><para type="description">The SLURM partition (#SBATCH --partition). Default: the cluster's default partition.</para></summary>
    [Parameter]
    public string? Partition { get; set; }

    /// <summary><para type="description">CPU cores per task (#SBATCH --cpus-per-task).</para></summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int CpusPerTask { get; set; }

    /// <summary><para type="description">Memory per task in GB (#SBATCH --mem=NG).</para></summary>
    [Parameter]
    [ValidateRange(1, 1048576)]
    public int MemoryGB { get; set; }

    /// <summary><para type="description">GPUs per task (#SBATCH --gres=gpu:N).</para></summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int Gpus { get; set; }

    /// <summary><para type="description">Wall-clock limit per task (#SBATCH --time), e.g. 01:30:00; at least a minute.</para></summary>
    [Parameter]
    public TimeSpan? TimeLimit { get; set; }

    /// <summary><para type="description">The job's folder: its script, record, logs and one folder per task. Default: ./faket-job-NAME in the current folder, NAME the script's name.</para></summary>
    [Parameter]
    public string? OutputDirectory { get; set; }

    /// <summary><para type="description">Tasks that run at once: Local's parallel processes (default: the number of cores), SLURM's array throttle (--array=…%N; default: no limit).</para></summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int ThrottleLimit { get; set; }

    /// <summary><para type="description">The job's seed, from which each task's FAKET_TASK_SEED is derived. Default 1.</para></summary>
    [Parameter]
    public int Seed { get; set; } = 1;

    protected override void EndProcessing()
    {
        string script = GetUnresolvedProviderPathFromPSPath(FilePath);
        string directory = GetUnresolvedProviderPathFromPSPath(OutputDirectory ?? "faket-job-" + System.IO.Path.GetFileNameWithoutExtension(script));
        TryRun(() =>
        {
            var scheduler = Enum.Parse<JobScheduler>(Scheduler ?? (JobRunner.OnPath("sbatch") is null ? "Local" : "Slurm"));
            string manifest = System.IO.Path.Combine(MyInvocation.MyCommand.Module?.ModuleBase ?? AppContext.BaseDirectory, "FakET.psd1");
            var (runner, import) = JobRunner.Resolve(manifest);
            var arguments = JobDefinition.ArgumentsFrom((ArgumentList ?? new Hashtable()).Cast<DictionaryEntry>()
                .Select(e => new KeyValuePair<string, object?>(e.Key?.ToString() ?? "", Plain(e.Value))));
            var job = new JobDefinition(script, Count, Seed, arguments, directory)
            {
                Scheduler = scheduler,
                Runner = runner,
                ModuleManifest = import,
                Resources = new JobResources
                {
                    Partition = Partition, CpusPerTask = CpusPerTask, MemoryGB = MemoryGB, Gpus = Gpus, TimeLimit = TimeLimit, ThrottleLimit = ThrottleLimit,
                },
            };
            if (!ShouldProcess(directory, $"Submit {Count} task(s) of {script} ({scheduler})")) return;
            var submitted = FakETJob.Submit(job);
            if (submitted.Submitted.Length == 0)
                WriteWarning($"Nothing to submit: the {Count} task(s) in '{directory}' are complete, or still queued or running.");
            else
                WriteVerbose($"Submitted task(s) {SlurmScheduler.ArrayList(submitted.Submitted)} as {submitted.SchedulerIds[^1]} ({scheduler}, runner {string.Join(' ', runner)}).");
            WriteObject(submitted);
        }, script);
    }

    /// <summary>A script's value without its PowerShell wrapper; a switch as a boolean.</summary>
    static object? Plain(object? value) => value switch
    {
        PSObject p => Plain(p.BaseObject),
        SwitchParameter s => s.IsPresent,
        object[] list => list.Select(Plain).ToArray(),
        _ => value,
    };
}

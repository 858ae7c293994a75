using System.Text.Json;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// Submit-FakETJob and its companions through the faket host, against a real single-node SLURM (.ci/slurm) and on
/// this machine (-Scheduler Local), with one script: three small simulations (New-Phantom | New-TiltSeries |
/// Export-TiltSeries), seeded by FAKET_TASK_SEED, written into FAKET_TASK_OUTPUT. Task 1 fails while a "fail" file
/// exists; task 2 waits while a "hold" file exists and is cancelled (scancel under SLURM, Stop-FakETJob locally).
/// Then both files go and the same job is submitted again: only tasks 1 and 2 must run, and all three complete.
/// The outputs are checked by mrcfile, and each task's seed against an independent Python SplitMix64.
/// </summary>
[Trait("Tier", "Process")]
public class ClusterJobTests
{
    const string TaskScript = """
        param([string] $FailFile, [string] $HoldFile, [int] $Size = 32)
        $ErrorActionPreference = 'Stop'
        "env: index=$env:FAKET_TASK_INDEX count=$env:FAKET_TASK_COUNT seed=$env:FAKET_TASK_SEED"
        if ($env:FAKET_TASK_INDEX -eq '1' -and (Test-Path -LiteralPath $FailFile)) { throw "task 1 fails on purpose" }
        $until = [DateTime]::UtcNow.AddSeconds(90)
        while ($env:FAKET_TASK_INDEX -eq '2' -and (Test-Path -LiteralPath $HoldFile) -and [DateTime]::UtcNow -lt $until) { "holding"; Start-Sleep -Milliseconds 300 }
        Set-Content -LiteralPath (Join-Path $env:FAKET_TASK_OUTPUT 'seed.txt') -Value $env:FAKET_TASK_SEED
        New-Phantom -Width $Size -Height $Size -Depth 16 -Class small -Count 3 -Seed ([int]$env:FAKET_TASK_SEED) |
            New-TiltSeries -TiltStep 30 | Export-TiltSeries (Join-Path $env:FAKET_TASK_OUTPUT 'tiltseries.mrc')
        """;

    // The driver: submit, wait until task 2 is running (holding), cancel it, wait for the rest, record; clear the
    // files, resubmit, wait, record. Each record is one JSON line the test reads.
    const string Driver = """
        param([string] $Scheduler, [string] $Dir)
        $ErrorActionPreference = 'Stop'
        $ProgressPreference = 'SilentlyContinue'
        $arguments = @{ FailFile = (Join-Path $Dir 'fail'); HoldFile = (Join-Path $Dir 'hold'); Size = 32 }
        $submit = @{ FilePath = (Join-Path $Dir 'simulate.ps1'); Count = 3; ArgumentList = $arguments; Scheduler = $Scheduler; OutputDirectory = (Join-Path $Dir 'job'); Seed = 7; ThrottleLimit = 2 }
        function Record([string] $phase, $job) {
            $tasks = @(Receive-FakETJob -Job $job 3>$null | ForEach-Object { @{ Index = $_.Index; State = "$($_.State)"; ExitCode = $_.ExitCode; LogTail = $_.LogTail; SchedulerId = $_.SchedulerId; Output = $_.OutputDirectory } })
            'RECORD ' + (@{ Phase = $phase; Submitted = @($job.Submitted); State = $job.State; Tasks = $tasks } | ConvertTo-Json -Depth 5 -Compress)
        }
        $job = Submit-FakETJob @submit
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        do {
            Start-Sleep -Milliseconds 500
            $task2 = (Receive-FakETJob -Job $job)[2]
        } until (($task2.State -eq 'Running' -and "$($task2.LogTail)" -match 'holding') -or [DateTime]::UtcNow -gt $deadline)
        if ($Scheduler -eq 'Slurm') { scancel "$($job.SchedulerIds[-1])_2" } else { Stop-FakETJob -Job $job -Index 2 }
        $null = $job | Wait-FakETJob -Timeout 150
        Record 'first' $job
        Remove-Item (Join-Path $Dir 'fail'), (Join-Path $Dir 'hold')
        $again = Submit-FakETJob @submit
        $null = Wait-FakETJob -OutputDirectory (Join-Path $Dir 'job') -Timeout 150
        Record 'again' $again
        """;

    // Independent of the engine: SplitMix64's finaliser (Steele, Lea and Flood 2014) in Python integers.
    const string PythonCheck = """
        import sys, os, mrcfile, numpy as np
        M = (1 << 64) - 1
        def mix(z):
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
            return z ^ (z >> 31)
        job, seed = sys.argv[1], int(sys.argv[2])
        for i in range(3):
            folder = os.path.join(job, 'task_%03d' % i)
            expected = mix(mix(0x9E3779B97F4A7C15 ^ (seed & 0xFFFFFFFF)) ^ i) >> 33
            got = int(open(os.path.join(folder, 'seed.txt')).read())
            assert got == expected, (i, got, expected)
            path = os.path.join(folder, 'tiltseries.mrc')
            assert mrcfile.validate(path), path
            with mrcfile.open(path) as m:
                data = m.data.astype(np.float64)
                assert data.shape == (5, 32, 32), data.shape
                assert np.isfinite(data).all() and data.std() > 0, (i, data.std())
            assert os.path.exists(os.path.join(job, 'status', 'task_%03d.done' % i))
        print('python: ok')
        """;

    [SlurmFact]
    public void ASlurmArrayReportsAFailureAndAScancelAndResubmitsOnlyThoseTasks() => Run("Slurm");

    [Fact]
    public void TheSameScriptRunsLocallyWithTheSameEnvironment() => Run("Local");

    static void Run(string scheduler)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("simulate.ps1"), TaskScript);
        File.WriteAllText(dir.File("driver.ps1"), Driver);
        File.WriteAllText(dir.File("fail"), "");
        File.WriteAllText(dir.File("hold"), "");
        var (exit, stdout, stderr) = HostTests.RunHost(dir.Path, null, dir.File("driver.ps1"), "-Scheduler", scheduler, "-Dir", dir.Path);
        Assert.True(exit == 0, stdout + stderr);
        var records = stdout.Split('\n').Where(l => l.StartsWith("RECORD ", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l["RECORD ".Length..]).RootElement).ToList();
        Assert.Equal(2, records.Count);
        string job = dir.File("job");

        // First submission: task 0 completes; task 1 failed, with its log; task 2 was cancelled while running.
        var first = Tasks(records[0]);
        Assert.Equal(["Completed", "Failed", "Cancelled"], first.Select(t => t.GetProperty("State").GetString()));
        Assert.Equal("Failed", records[0].GetProperty("State").GetString());
        Assert.Equal(1, first[1].GetProperty("ExitCode").GetInt32());
        Assert.Contains("task 1 fails on purpose", first[1].GetProperty("LogTail").GetString());
        Assert.Equal(143, first[2].GetProperty("ExitCode").GetInt32());   // 128 + SIGTERM
        Assert.Contains("stopped by SIGTERM", first[2].GetProperty("LogTail").GetString());
        Assert.Equal([0, 1, 2], records[0].GetProperty("Submitted").EnumerateArray().Select(e => e.GetInt32()));

        // Resubmission: only tasks 1 and 2 ran again (task 0 kept its first run's id and log); now all three completed.
        var again = Tasks(records[1]);
        Assert.Equal([1, 2], records[1].GetProperty("Submitted").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("Completed", records[1].GetProperty("State").GetString());
        Assert.All(again, t => Assert.Equal("Completed", t.GetProperty("State").GetString()));
        // SLURM's ids are ARRAYID_INDEX, Local's local-N: the submission is the part before the underscore.
        static string Submission(JsonElement task) => task.GetProperty("SchedulerId").GetString()!.Split('_')[0];
        Assert.Equal(Submission(first[0]), Submission(again[0]));
        Assert.NotEqual(Submission(first[1]), Submission(again[1]));
        Assert.Equal(Submission(again[1]), Submission(again[2]));
        Assert.Single(File.ReadAllLines(Path.Combine(job, "logs", "task_000.log")), l => l.StartsWith("env: index=0 count=3 seed=", StringComparison.Ordinal));
        Assert.DoesNotContain("holding", File.ReadAllText(Path.Combine(job, "logs", "task_002.log")));

        // The array script is there to read and resubmit by hand; the outputs are valid, and seeded as documented.
        string script = File.ReadAllText(Path.Combine(job, "faket-job.sbatch"));
        Assert.Contains("#SBATCH --array=0-2%2", script);
        var (code, text) = MrcTests.Python(PythonCheck, job, "7");
        Assert.True(code == 0, text);
    }

    static List<JsonElement> Tasks(JsonElement record) =>
        record.GetProperty("Tasks").EnumerateArray().OrderBy(t => t.GetProperty("Index").GetInt32()).ToList();
}

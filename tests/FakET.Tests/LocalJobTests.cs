using System.Text.Json.Nodes;
using FakET.Jobs;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// The job engine with the Local scheduler and a plain shell as the runner (no PowerShell: seconds, not minutes):
/// the array script's exit files and done marker, what counts as complete, resubmission of only the incomplete
/// tasks, Stop, and the errors that protect a job's folder. Each task is a real `bash faket-job.sbatch i` process.
/// </summary>
[Trait("Tier", "Process")]
public class LocalJobTests
{
    /// <summary>A runner that runs <paramref name="shell"/> with sh: the array script appends "-Command TEXT", which
    /// become sh's $1 and $2 and are ignored.</summary>
    static string[] Sh(string shell) => ["sh", "-c", shell, "sh"];

    static JobDefinition Job(TempDir dir, string shell, int count = 3, JsonObject? arguments = null) =>
        new(ScriptFile(dir), count, 5, arguments ?? new JsonObject(), dir.File("job"))
        {
            Scheduler = JobScheduler.Local,
            Runner = Sh(shell),
            Resources = new JobResources { ThrottleLimit = 2 },
        };

    static string ScriptFile(TempDir dir)
    {
        string path = dir.File("task.ps1");
        if (!File.Exists(path)) File.WriteAllText(path, "# the runner here is sh; the script is only the job's identity\n");
        return path;
    }

    static FakETJob Finish(FakETJob job)
    {
        Assert.True(job.Wait(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100), null, CancellationToken.None), "the tasks did not finish in 60 s");
        return job;
    }

    [Fact]
    public void AFailedTaskIsReportedWithItsLogAndOnlyItRunsAgain()
    {
        using var dir = new TempDir();
        // Task 1 fails with exit code 3 while the file "broken" exists; every task writes its environment.
        File.WriteAllText(dir.File("broken"), "");
        string shell = $"echo \"working on $FAKET_TASK_INDEX\"; if [ \"$FAKET_TASK_INDEX\" = 1 ] && [ -e '{dir.File("broken")}' ]; then echo 'no luck' >&2; exit 3; fi; " +
                       "echo \"$FAKET_TASK_INDEX $FAKET_TASK_SEED $FAKET_TASK_OUTPUT\" > \"$FAKET_TASK_OUTPUT/env.txt\"";
        var job = Finish(FakETJob.Submit(Job(dir, shell)));
        Assert.Equal([JobTaskState.Completed, JobTaskState.Failed, JobTaskState.Completed], job.Tasks.Select(t => t.State));
        Assert.Equal("Failed", job.State);
        var failed = job.Tasks[1];
        Assert.Equal(3, failed.ExitCode);
        Assert.Contains("no luck", failed.LogTail);
        Assert.Contains("exited with 3", failed.Reason);
        Assert.False(File.Exists(job.Files.Done(1, 3)));
        // Each task had its own folder, index and seed; the seeds differ.
        var env = new[] { 0, 2 }.Select(i => File.ReadAllText(Path.Combine(job.Tasks[i].OutputDirectory, "env.txt")).Split(' ')).ToList();
        Assert.Equal(["0", "2"], env.Select(e => e[0]));
        Assert.Equal(job.Tasks[2].OutputDirectory, env[1][2].Trim());
        Assert.NotEqual(env[0][1], env[1][1]);
        var doneBefore = File.GetLastWriteTimeUtc(job.Files.Done(0, 3));

        File.Delete(dir.File("broken"));
        var again = Finish(FakETJob.Submit(Job(dir, shell)));
        Assert.Equal([1], again.Submitted);
        Assert.Equal("Completed", again.State);
        Assert.Equal(doneBefore, File.GetLastWriteTimeUtc(again.Files.Done(0, 3)));   // task 0 did not run again
        Assert.Equal(2, again.SchedulerIds.Length);

        // Nothing left to do: a third submission submits nothing.
        Assert.Empty(FakETJob.Submit(Job(dir, shell)).Submitted);
        // The folder's job, read back as another session would.
        Assert.Equal("Completed", FakETJob.Open(dir.File("job")).State);
    }

    [Fact]
    public void ExitingZeroWithoutOutputsIsNotComplete()
    {
        using var dir = new TempDir();
        var job = Finish(FakETJob.Submit(Job(dir, "echo 'I write nothing'", count: 1)));
        var task = Assert.Single(job.Tasks);
        Assert.Equal(JobTaskState.Failed, task.State);
        Assert.Contains("wrote nothing", task.Reason);
        Assert.False(File.Exists(job.Files.Done(0, 1)));
    }

    [Fact]
    public void StopCancelsARunningTaskAndThePendingOnes()
    {
        using var dir = new TempDir();
        // ThrottleLimit 2: tasks 0 and 1 run (sleeping), task 2 waits for a slot.
        var job = FakETJob.Submit(Job(dir, "echo started; sleep 30; echo x > \"$FAKET_TASK_OUTPUT/x\""));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (job.Refresh().Tasks.Count(t => t.State == JobTaskState.Running && (t.LogTail ?? "").Contains("started")) < 2 && clock.Elapsed < TimeSpan.FromSeconds(30))
            Thread.Sleep(100);
        job.Stop();
        Finish(job);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25), $"stopping took {clock.Elapsed}");
        Assert.All(job.Tasks, t => Assert.Equal(JobTaskState.Cancelled, t.State));
        Assert.Equal([143, 143], job.Tasks.Take(2).Select(t => t.ExitCode));   // 128 + SIGTERM, written by the array script
        Assert.Contains("stopped by SIGTERM", job.Tasks[0].LogTail);
        Assert.Null(job.Tasks[2].ExitCode);   // it never started
        Assert.Equal("Cancelled", job.State);
    }

    [Fact]
    public void AnotherJobInTheSameFolderAndArgumentsThatCannotTravelAreRefused()
    {
        using var dir = new TempDir();
        Finish(FakETJob.Submit(Job(dir, "echo x > \"$FAKET_TASK_OUTPUT/x\"", count: 1)));
        var changed = Assert.Throws<FakETException>(() => FakETJob.Submit(Job(dir, "true", count: 2)));
        Assert.Equal(ErrorIds.JobDefinitionChanged, changed.ErrorId);
        var file = Assert.Throws<FakETException>(() => JobDefinition.ArgumentsFrom([new("Input", new FileInfo(dir.File("a.mrc")))]));
        Assert.Equal(ErrorIds.JobArgumentInvalid, file.ErrorId);
        Assert.Contains("Input", file.Message);
        var missing = Assert.Throws<FakETException>(() => FakETJob.Open(dir.File("nothing here")));
        Assert.Equal(ErrorIds.JobNotFound, missing.ErrorId);
        // Plain values travel as JSON: numbers, strings, booleans, arrays.
        var json = JobDefinition.ArgumentsFrom([new("Size", 64), new("Class", new object[] { "small", "large" }), new("Quick", true)]);
        Assert.Equal("{\"Size\":64,\"Class\":[\"small\",\"large\"],\"Quick\":true}", json.ToJsonString());
        Assert.Equal("0-2,5,7-9", SlurmScheduler.ArrayList([9, 0, 1, 2, 5, 7, 8]));
    }
}

using System.Diagnostics;
using System.Management.Automation;
using FakET.IO;
using FakET.Preview;
using FakET.Tests.Support;
using Xunit.Abstractions;

namespace FakET.Tests;

/// <summary>What the cancellation tests share: stacks big enough that writing them takes a while, and the check that
/// a folder holds exactly the files it held before (no output, no temporary file).</summary>
static class Cancellation
{
    /// <summary>A bound on the time from a stop to the return of the work stopped, as the issue asks.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    /// <summary>A series of <paramref name="tilts"/> tilts of <paramref name="size"/>² zeros (4 size² bytes each), with
    /// angles and an acquisition order, so that its export writes the MRC file, the .tlt, the order list and the .json.</summary>
    public static TiltSeries Series(int tilts, int size)
    {
        var sections = Enumerable.Range(0, tilts).Select(_ => new float[size * size]).ToArray();
        var angles = Synthetic.Angles(tilts);
        return new TiltSeries(sections, size, size, angles, 2.5, acquisitionOrder: Enumerable.Reverse(angles).ToArray());
    }

    public static Volume Volume(int depth, int size) =>
        new(Enumerable.Range(0, depth).Select(_ => new float[size * size]).ToArray(), size, size, 2.5);

    /// <summary>Every file in the folder, hidden ones (temporary files) included, by name.</summary>
    public static string[] Files(string folder) => Directory.GetFiles(folder).Select(f => Path.GetFileName(f)).Order().ToArray();

    /// <summary>Old content in the files an export of <paramref name="name"/>.mrc writes, as a -Force export would find them.</summary>
    public static Dictionary<string, string> EarlierExport(TempDir dir, string name)
    {
        var files = new[] { ".mrc", ".tlt", ".json", ".xf", ".mrc.mdoc" }.Select(e => name + e).Append(name + "_order_list.csv")
            .ToDictionary(f => f, f => $"earlier {f}");
        foreach (var (file, content) in files) File.WriteAllText(dir.File(file), content);
        return files;
    }

    public static void Unchanged(TempDir dir, Dictionary<string, string> earlier)
    {
        Assert.Equal(earlier.Keys.Order().ToArray(), Files(dir.Path));
        foreach (var (file, content) in earlier) Assert.Equal(content, File.ReadAllText(dir.File(file)));
    }
}

/// <summary>Cancellation in the engine: writers check the token between sections and files, and a cancelled write
/// leaves no output and no temporary file.</summary>
[Trait("Tier", "Engine")]
public class EngineCancellationTests(ITestOutputHelper output)
{
    [Fact]
    public void AnExportCancelledPartWayLeavesNoFileAndNoTemporaryFile()
    {
        using var dir = new TempDir();
        using var cancel = new CancellationTokenSource();
        int written = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => StackFiles.Write(Cancellation.Series(12, 32), dir.File("ts.mrc"),
            cancel: cancel.Token, progress: (done, _) => { written = done; if (done == 3) cancel.Cancel(); }));
        Assert.Equal(3, written);
        Assert.Empty(Cancellation.Files(dir.Path));
    }

    [Fact]
    public void ACancelledExportOverEarlierFilesLeavesThemAsTheyWere()
    {
        // What Export-TiltSeries -Force does over an earlier export: the new files replace the old ones only when
        // all are complete, so a stop part-way keeps the old MRC file and its sidecars, all of them.
        using var dir = new TempDir();
        var earlier = Cancellation.EarlierExport(dir, "ts");
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => StackFiles.Write(Cancellation.Series(12, 32), dir.File("ts.mrc"),
            cancel: cancel.Token, progress: (done, _) => { if (done == 5) cancel.Cancel(); }));
        Cancellation.Unchanged(dir, earlier);

        // Cancelled as the last section is written, before any file is renamed: still nothing replaced.
        using var late = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => StackFiles.Write(Cancellation.Series(12, 32), dir.File("ts.mrc"),
            cancel: late.Token, progress: (done, total) => { if (done == total) late.Cancel(); }));
        Cancellation.Unchanged(dir, earlier);

        // Not cancelled: all six are replaced.
        StackFiles.Write(Cancellation.Series(12, 32), dir.File("ts.mrc"));
        Assert.Equal(earlier.Keys.Order().ToArray(), Cancellation.Files(dir.Path));
        Assert.All(earlier.Keys, f => Assert.DoesNotContain("earlier", File.ReadAllText(dir.File(f))));
        Assert.Equal(12, MrcFile.ReadHeader(dir.File("ts.mrc")).Nz);
    }

    [Fact]
    public void ATokenCancelledBeforeTheWriteCreatesNothing()
    {
        using var dir = new TempDir();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        int reported = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => StackFiles.Write(Cancellation.Volume(4, 16), dir.File("v.mrc"),
            cancel: cancel.Token, progress: (_, _) => reported++));
        Assert.Equal(0, reported);
        Assert.Empty(Cancellation.Files(dir.Path));
    }

    [Fact]
    public void ALargeWriteStopsSoonAfterCancellationFromAnotherThread()
    {
        // As Ctrl+C does: the token is cancelled on another thread while the sections are written. The writer waits
        // after section 2 until the token is cancelled, so the cancellation always lands mid-write, however the two
        // threads are scheduled; the time measured is from Cancel() to the writer's return.
        using var dir = new TempDir();
        var series = Cancellation.Series(160, 512);
        using var cancel = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();
        var sinceCancel = new Stopwatch();
        var canceller = new Thread(() =>
        {
            started.Wait();
            cancel.Cancel();
            sinceCancel.Start();
        });
        canceller.Start();
        int written = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => StackFiles.Write(series, dir.File("big.mrc"), MrcMode.Float32, cancel.Token,
            (done, _) =>
            {
                written = done;
                if (done != 2) return;
                started.Set();
                Assert.True(cancel.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)), "the token was not cancelled");
            }));
        canceller.Join();
        var elapsed = sinceCancel.Elapsed;
        output.WriteLine($"cancelled after section 2 of 160; the write returned {elapsed.TotalMilliseconds:0} ms later, after section {written}");
        Assert.Equal(2, written);
        Assert.True(elapsed < Cancellation.Limit, $"the write took {elapsed} to stop");
        Assert.Empty(Cancellation.Files(dir.Path));
    }

    [Fact]
    public void AFileSetIsRenamedAllTogetherOrNotAtAll()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.txt"), "old a");
        using (var files = new AtomicFileSet())
        {
            files.WriteAllText(dir.File("a.txt"), "new a");
            files.WriteAllText(dir.File("b.txt"), "new b");
            // Written, not yet renamed: the targets are as they were, the new content waits in temporary files.
            Assert.Equal("old a", File.ReadAllText(dir.File("a.txt")));
            Assert.Equal(3, Cancellation.Files(dir.Path).Length);
        }
        // Left without Commit: the temporary files are gone.
        Assert.Equal(new[] { "a.txt" }, Cancellation.Files(dir.Path));

        using var cancel = new CancellationTokenSource();
        using (var files = new AtomicFileSet(cancel.Token))
        {
            files.WriteAllText(dir.File("a.txt"), "new a");
            cancel.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => files.WriteAllText(dir.File("b.txt"), "new b"));
            Assert.ThrowsAny<OperationCanceledException>(files.Commit);
        }
        Assert.Equal(new[] { "a.txt" }, Cancellation.Files(dir.Path));
        Assert.Equal("old a", File.ReadAllText(dir.File("a.txt")));

        // A writer's error removes its temporary file too.
        using (var files = new AtomicFileSet())
            Assert.Throws<IOException>(() => files.Write(dir.File("c.txt"), s => { s.WriteByte(1); throw new IOException("disk full"); }));
        Assert.Equal(new[] { "a.txt" }, Cancellation.Files(dir.Path));

        using (var files = new AtomicFileSet())
        {
            files.WriteAllText(dir.File("a.txt"), "new a");
            files.WriteAllText(dir.File("b.txt"), "new b");
            files.Commit();
        }
        Assert.Equal(new[] { "a.txt", "b.txt" }, Cancellation.Files(dir.Path));
        Assert.Equal(("new a", "new b"), (File.ReadAllText(dir.File("a.txt")), File.ReadAllText(dir.File("b.txt"))));
    }

    [Fact]
    public void PreviewsStopBetweenTiltsAndSections()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var volume = Cancellation.Volume(6, 8);
        Assert.ThrowsAny<OperationCanceledException>(() => StackPreview.Slices(volume, new[] { SlicePlane.XY, SlicePlane.XZ }, cancel: cancel.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => StackPreview.Slice(volume, SlicePlane.YZ, 1, 1, 1, cancel.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => StackPreview.Montage(Cancellation.Series(4, 8), cancel: cancel.Token));
        // Uncancelled, the same calls draw.
        Assert.Equal(8, StackPreview.Slices(volume, new[] { SlicePlane.XY }).Image.Width);
    }
}

/// <summary>Stopping a pipeline in a hosted PowerShell (what Ctrl+C does in pwsh): the cmdlet's StopProcessing
/// cancels the engine's token, the export stops mid-write and removes what it wrote, and the session goes on.</summary>
[Trait("Tier", "Module")]
public class ModuleCancellationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Export-Volume")]
    [InlineData("Export-TiltSeries")]
    public void StoppingAnExportMidWriteRemovesItsFilesAndTheSessionGoesOn(string cmdlet)
    {
        using var dir = new TempDir();
        using var session = new PowerShellSession();
        session.SetLocation(dir.Path);
        // 256 MB: far more than is written between the first section and the stop.
        object stack = cmdlet == "Export-Volume" ? Cancellation.Volume(256, 512) : Cancellation.Series(256, 512);
        // The series goes over an earlier export, with -Force: that one must stay as it was.
        var earlier = cmdlet == "Export-TiltSeries" ? Cancellation.EarlierExport(dir, "big") : new Dictionary<string, string>();
        using var shell = session.Prepare($"$stack | {cmdlet} big.mrc -Force", ("stack", stack));
        using var started = new ManualResetEventSlim();
        // The first progress record (section 1 written) holds the cmdlet until Stop() has begun, so the stop always
        // lands mid-write, however the threads are scheduled. DataAdded runs on the pipeline's thread.
        shell.Streams.Progress.DataAdded += (_, _) =>
        {
            if (started.IsSet) return;
            started.Set();
            var clock = Stopwatch.StartNew();
            while (shell.InvocationStateInfo.State == PSInvocationState.Running && clock.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(1);
        };
        var invocation = shell.BeginInvoke();
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the export did not start");
        Assert.Contains(Cancellation.Files(dir.Path), f => f.StartsWith(".big.mrc.") && f.EndsWith(".partial"));

        var clock = Stopwatch.StartNew();
        shell.Stop();
        Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(invocation));
        var elapsed = clock.Elapsed;
        output.WriteLine($"{cmdlet}: Stop() to the end of the pipeline: {elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        Assert.True(elapsed < Cancellation.Limit, $"{cmdlet} took {elapsed} to stop");
        Cancellation.Unchanged(dir, earlier);

        // The session is still usable: the next command runs, and the module writes.
        using var next = session.Prepare("$small | Export-Volume small.mrc -PassThru | ForEach-Object Depth", ("small", Cancellation.Volume(3, 8)));
        var result = next.Invoke();
        Assert.Empty(next.Streams.Error);
        Assert.Equal(3, Assert.Single(result).BaseObject);
        Assert.True(File.Exists(dir.File("small.mrc")));
    }
}

/// <summary>SIGINT to the faket host, as Ctrl+C or <c>kill -INT</c> sends it, while a script exports: the pipeline
/// stops, nothing is left behind, and faket exits with 130.</summary>
[Trait("Tier", "Process")]
public class HostCancellationTests(ITestOutputHelper output)
{
    // 400 MB of tilts, made in PowerShell in a moment (zeros): writing them takes seconds, building them does not.
    const string Job =
        "param([int]$Count = 400, [int]$Size = 512)\n" +
        "$engine = (Get-FakETDevice).GetType().Assembly\n" +
        "$sections = [float[][]]::new($Count)\n" +
        "for ($i = 0; $i -lt $Count; $i++) { $sections[$i] = [float[]]::new($Size * $Size) }\n" +
        "$angles = [double[]]::new($Count)\n" +
        "for ($i = 0; $i -lt $Count; $i++) { $angles[$i] = -60 + 120 * $i / ($Count - 1) }\n" +
        "$series = $engine.GetType('FakET.TiltSeries')::new($sections, $Size, $Size, $angles, 2.5)\n" +
        "$series | Export-TiltSeries big.mrc\n" +
        "'exported'\n";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SigintDuringAnExportStopsFaketWith130AndLeavesNoFile(bool asCommand)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("job.ps1"), Job);
        string[] args = asCommand ? new[] { Repo.HostDll, "-Command", "& ./job.ps1" } : new[] { Repo.HostDll, "job.ps1" };
        using var faket = new RunningProgram("dotnet", args, dir.Path);
        // faket prints no progress into a pipe, so the export's temporary file says that it has started.
        var wait = Stopwatch.StartNew();
        while (!Cancellation.Files(dir.Path).Any(f => f.StartsWith(".big.mrc.") && f.EndsWith(".partial")) && wait.Elapsed < TimeSpan.FromSeconds(60))
            Thread.Sleep(5);
        Assert.True(Cancellation.Files(dir.Path).Any(f => f.StartsWith(".big.mrc.") && f.EndsWith(".partial")),
            $"the export did not start.\nstdout: {faket.Stdout}\nstderr: {faket.Stderr}");

        var clock = Stopwatch.StartNew();
        faket.Signal(RunningProgram.SigInt);
        if (asCommand)
        {
            // A second Ctrl+C while stopping does not end the process half-way through its clean-up.
            Thread.Sleep(20);
            try { faket.Signal(RunningProgram.SigInt); } catch (InvalidOperationException) { /* already gone */ }
        }
        Assert.True(faket.WaitForExit(TimeSpan.FromSeconds(20)), "faket did not exit after SIGINT");
        var elapsed = clock.Elapsed;
        output.WriteLine($"faket {(asCommand ? "-Command" : "job.ps1")}: SIGINT to exit: {elapsed.TotalMilliseconds:0} ms");
        Assert.True(faket.ExitCode == 130, $"exit code {faket.ExitCode}\nstdout: {faket.Stdout}\nstderr: {faket.Stderr}");
        Assert.Contains("faket: stopped.", faket.Stderr);
        Assert.DoesNotContain("exported", faket.Stdout);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"faket took {elapsed} to exit after SIGINT");
        Assert.Equal(new[] { "job.ps1" }, Cancellation.Files(dir.Path));
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FakET.Tests.Support;

/// <summary>
/// Another program, started and left running: its output and error lines are collected as they come, a test can
/// wait for a line, send it a POSIX signal (SIGINT, as Ctrl+C or <c>kill -INT</c> does) and wait for its exit.
/// Standard input is closed and both outputs are redirected, as in a batch job.
/// </summary>
public sealed class RunningProgram : IDisposable
{
    public const int SigInt = 2;

    readonly Process _process;
    readonly ConcurrentQueue<string> _stdout = new();
    readonly ConcurrentQueue<string> _stderr = new();
    readonly object _lines = new();

    public RunningProgram(string program, IEnumerable<string> args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var a in args) info.ArgumentList.Add(a);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Add(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Add(_stderr, e.Data);
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    void Add(ConcurrentQueue<string> lines, string? line)
    {
        if (line is null) return;
        lines.Enqueue(line);
        lock (_lines) Monitor.PulseAll(_lines);
    }

    public int Id => _process.Id;
    public string Stdout => string.Join('\n', _stdout);
    public string Stderr => string.Join('\n', _stderr);

    /// <summary>Waits until a line of standard error contains <paramref name="text"/>; false when the program
    /// ended or the time ran out first.</summary>
    public bool WaitForErrorLine(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        lock (_lines)
        {
            while (true)
            {
                if (_stderr.Any(l => l.Contains(text, StringComparison.Ordinal))) return true;
                if (_process.HasExited || clock.Elapsed >= timeout) return false;
                Monitor.Wait(_lines, TimeSpan.FromMilliseconds(50));
            }
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the program, as <c>kill -s</c> does.</summary>
    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the program to end, and for the last of its output; false when the time ran out.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit();
        return true;
    }

    public int ExitCode => _process.ExitCode;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    [DllImport("libc.so.6", SetLastError = true)]
    static extern int kill(int pid, int signal);
}

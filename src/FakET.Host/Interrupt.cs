using System.Globalization;
using System.Management.Automation;
using System.Runtime.InteropServices;

namespace FakET.Host;

/// <summary>
/// Ctrl+C (SIGINT, from the terminal or from <c>kill -INT</c>) stops the running pipeline, as Ctrl+C in pwsh does:
/// PowerShell calls StopProcessing on the running cmdlets, which cancels the engine's token, and the engine stops
/// at its next check (between tilts, blocks or sections), removing the temporary file it was writing. The process
/// is never ended by the signal itself, so it never dies half-way through a write; a second Ctrl+C while the stop
/// is under way only says so. A Ctrl+C before the pipeline started means it never starts. At faket's prompt each
/// command is a run of its own (<see cref="Reset"/>): Ctrl+C stops that command, and a Ctrl+C at the prompt is ignored.
/// </summary>
sealed class Interrupt
{
    const int SigInt = 2;
    readonly object _gate = new();
    PowerShell? _running;
    int _count;
    bool _ended;

    Interrupt() => Console.CancelKeyPress += OnCancelKeyPress;

    /// <summary>Starts listening for Ctrl+C. Call this before anything touches the console.</summary>
    public static Interrupt Listen()
    {
        HandleEvenIfIgnored();
        return new Interrupt();
    }

    /// <summary>Whether Ctrl+C came before the pipeline ended (a Ctrl+C after that, while faket exits, is not counted).</summary>
    public bool Requested
    {
        get { lock (_gate) return _count > 0; }
    }

    void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        // Never let the runtime end the process here: the pipeline ends itself, cleanly.
        e.Cancel = true;
        PowerShell? shell;
        int count;
        lock (_gate)
        {
            if (_ended) return;
            count = ++_count;
            shell = _running;
        }
        if (count > 1)
        {
            Terminal.Error("faket: stopping; the command removes what it was writing, then faket exits.");
            return;
        }
        if (shell is null) return;
        try
        {
            shell.BeginStop(null, null);
        }
        catch (Exception ex)
        {
            // This runs on the runtime's signal thread, where an exception would end the process.
            Terminal.Error("faket: could not stop the command: " + ex.Message);
        }
    }

    /// <summary>Forgets the last run's Ctrl+C, for the next command at the prompt.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _count = 0;
            _ended = false;
        }
    }

    /// <summary>Runs <paramref name="shell"/> to its end; false when Ctrl+C came first and it did not start. Errors
    /// (PipelineStoppedException after a stop included) come out of here as from <see cref="PowerShell.Invoke()"/>.</summary>
    public bool Run(PowerShell shell, PSInvocationSettings? settings = null)
    {
        IAsyncResult invocation;
        lock (_gate)
        {
            if (_count > 0) return false;
            // BeginInvoke leaves the shell Running before it returns, so a Ctrl+C from here on stops this run
            // (a stop of a shell that has not started yet would be forgotten when it starts).
            invocation = shell.BeginInvoke<PSObject>(null, settings, null, null);
            _running = shell;
        }
        try
        {
            shell.EndInvoke(invocation);
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
                _ended = true;
            }
        }
        return true;
    }

    /// <summary>
    /// A non-interactive shell starts background jobs (<c>faket job.ps1 &amp;</c>) with SIGINT ignored, and .NET
    /// keeps an ignored signal ignored, so Console.CancelKeyPress would never hear <c>kill -INT</c> and the job
    /// could only be killed outright, half-way through a write. faket's answer to SIGINT is always a clean stop,
    /// so it restores SIGINT's default before .NET installs its handler.
    /// </summary>
    static void HandleEvenIfIgnored()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            if (Ignored(SigInt)) signal(SigInt, IntPtr.Zero /* SIG_DFL */);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or DllNotFoundException or EntryPointNotFoundException)
        {
            // Then SIGINT stays as the parent left it.
        }
    }

    static bool Ignored(int signalNumber)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
                return (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (signalNumber - 1))) != 0;
        return false;
    }

    [DllImport("libc.so.6", EntryPoint = "signal")]
    static extern IntPtr signal(int signalNumber, IntPtr handler);
}

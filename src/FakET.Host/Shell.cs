using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;

namespace FakET.Host;

/// <summary>
/// One PowerShell session with the FakET module imported, on faket's console: runs a script or a command to its end
/// (<see cref="Run"/>), or a prompt that runs one line after another (<see cref="Interactive"/>). Output goes through
/// Out-Default, so objects show as the module's views and as pwsh shows them; errors, warnings and verbose lines go to
/// standard error; progress to the console's progress line (<see cref="Terminal"/>).
/// </summary>
sealed class Shell : IDisposable
{
    readonly ConsoleHost _host = new();
    readonly Runspace _runspace;
    readonly Interrupt _interrupt;

    public Shell(string module, Interrupt interrupt)
    {
        _interrupt = interrupt;
        // The module's folder goes on the module path, so the runspaces that ForEach-Object -Parallel opens, which
        // start without the module, load FakET on first use as they would an installed module.
        string? modules = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(module)));
        string? path = Environment.GetEnvironmentVariable("PSModulePath");
        if (modules is not null)
            Environment.SetEnvironmentVariable("PSModulePath", string.IsNullOrEmpty(path) ? modules : modules + Path.PathSeparator + path);
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(module);
        _runspace = RunspaceFactory.CreateRunspace(_host, state);
        _runspace.Open();
        _runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(Environment.CurrentDirectory));
    }

    public void Dispose() => _runspace.Dispose();

    /// <summary>Runs a command (PowerShell text) to its end: 0, 1 when it wrote an error, N after <c>exit N</c>, 130
    /// when stopped by Ctrl+C.</summary>
    public int Run(string command) => Run(shell => shell.AddScript(command));

    /// <summary>
    /// Runs a script file with arguments as <c>pwsh -File</c> passes them: each is text; <c>-Name</c> names a parameter
    /// (the binder takes the next argument as its value unless it is a switch) and <c>-Name:value</c> gives one. The
    /// script is the pipeline's own command, so its <c>exit N</c> is faket's exit status.
    /// </summary>
    public int RunFile(string path, IEnumerable<string> arguments)
    {
        var command = new Command(Path.GetFullPath(path), isScript: false, useLocalScope: false);
        foreach (var argument in arguments)
        {
            if (argument.Length > 1 && argument[0] == '-' && char.IsLetter(argument[1]))
            {
                int colon = argument.IndexOf(':');
                command.Parameters.Add(colon < 0 ? new CommandParameter(argument) : new CommandParameter(argument[..colon], argument[(colon + 1)..]));
            }
            else
            {
                command.Parameters.Add(new CommandParameter(null, argument));
            }
        }
        return Run(shell => shell.Commands.AddCommand(command));
    }

    int Run(Action<PowerShell> add)
    {
        var (status, stopped) = Invoke(add, addToHistory: false);
        if (stopped)
        {
            Terminal.Error("faket: stopped.");
            return 130;
        }
        return _host.ExitCode ?? status;
    }

    /// <summary>
    /// The prompt: reads a line (more while it is incomplete, as an open brace leaves it), runs it, shows the output,
    /// and again, until <c>exit</c> or the end of input. Ctrl+C stops the running command and comes back to the prompt.
    /// With input from a pipe or file, it runs the lines without prompts.
    /// </summary>
    public int Interactive()
    {
        bool typed = !Console.IsInputRedirected;
        if (typed)
            Console.WriteLine($"faket {_host.Version.ToString(3)}: PowerShell {PSVersionInfo()} with FakET. Type exit, or press Ctrl+D, to leave.");
        int status = 0;
        while (true)
        {
            if (typed) Console.Write(PromptText());
            string? input = Console.ReadLine();
            if (input is null)
            {
                if (typed) Console.WriteLine();
                return status;
            }
            while (Incomplete(input))
            {
                if (typed) Console.Write(">> ");
                string? more = Console.ReadLine();
                if (string.IsNullOrWhiteSpace(more)) break;
                input += "\n" + more;
            }
            if (input.Trim().Length == 0) continue;
            _interrupt.Reset();
            (status, _) = Invoke(shell => shell.AddScript(input), addToHistory: true);
            if (_host.ExitCode is { } exit) return exit;
        }
    }

    /// <summary>Whether the parser wants more lines: every error it found is about input that ended too soon.</summary>
    static bool Incomplete(string input)
    {
        Parser.ParseInput(input, out _, out var errors);
        return errors.Length > 0 && errors.All(e => e.IncompleteInput);
    }

    string PromptText()
    {
        try
        {
            using var prompt = PowerShell.Create(_runspace);
            var text = prompt.AddCommand("prompt").Invoke();
            return text.Count > 0 ? string.Concat(text.Select(t => t?.ToString())) : "PS> ";
        }
        catch (RuntimeException)
        {
            return "PS> ";
        }
    }

    string PSVersionInfo() => (_runspace.SessionStateProxy.GetVariable("PSVersionTable") as System.Collections.IDictionary)?["PSVersion"]?.ToString() ?? "";

    (int Status, bool Stopped) Invoke(Action<PowerShell> add, bool addToHistory)
    {
        using var shell = PowerShell.Create(_runspace);
        add(shell);
        shell.AddCommand("Out-Default");
        // Errors and warnings come from the streams (the pipeline's errors never reach the host's UI); Write-Host and
        // Write-Information reach the console through the host, so the information stream is not printed again.
        shell.Streams.Error.DataAdded += (_, e) => Terminal.Error(Describe(shell.Streams.Error[e.Index]));
        shell.Streams.Warning.DataAdded += (_, e) => Terminal.Error("WARNING: " + shell.Streams.Warning[e.Index].Message);
        shell.Streams.Verbose.DataAdded += (_, e) => Terminal.Error("VERBOSE: " + shell.Streams.Verbose[e.Index].Message);
        var settings = new PSInvocationSettings { AddToHistory = addToHistory };
        int status = 0;
        bool stopped = false;
        try
        {
            // A script's `exit N` (N ≠ 0) fails the pipeline without writing an error, and leaves N in $LASTEXITCODE.
            if (_interrupt.Run(shell, settings) && shell.HadErrors)
                status = shell.Streams.Error.Count == 0 && _runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int code and not 0 ? code : 1;
        }
        catch (PipelineStoppedException)
        {
            stopped = true;
        }
        catch (RuntimeException e) when (!_interrupt.Requested)
        {
            Terminal.Error(Describe(e.ErrorRecord));
            status = 1;
        }
        catch (RuntimeException)
        {
            // An error on the way out of a stopped pipeline: the stop is what to report.
        }
        finally
        {
            Terminal.Progress.End();
        }
        // Stopped by Ctrl+C, however the pipeline ended.
        return (status, stopped || _interrupt.Requested);
    }

    static string Describe(ErrorRecord error) =>
        $"ERROR: {error.Exception.Message}\n  ({error.FullyQualifiedErrorId}, {error.CategoryInfo.Category}{(error.InvocationInfo?.PositionMessage is { Length: > 0 } at ? ", " + at.Replace('\n', ' ') : "")})";
}

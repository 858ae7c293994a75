using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;

// faket: runs a PowerShell script or command with the FakET module imported, on the real PowerShell
// engine, where no pwsh is installed.
//   faket <script.ps1> [arguments...]
//   faket -Command "<PowerShell>"
// A script's arguments pass as text, as pwsh -File passes them, so a script behaves alike under both
// (-Models 8,9 arrives as '8,9'); a command is parsed as PowerShell, so arrays and expressions work there.
// The module is found through FAKET_MODULE_PATH, else FakET/FakET.psd1 beside this program, else the
// out/FakET/FakET.psd1 of the build that made this program.
// Ctrl+C (SIGINT) stops the running pipeline cleanly (see Interrupt.cs); faket then exits with 130.

var interrupt = FakET.Host.Interrupt.Listen();

if (args.Length == 0 || args[0] is "-h" or "--help" or "-?")
{
    Console.WriteLine("usage: faket <script.ps1> [arguments...]   (arguments pass as text, as with pwsh -File)\n" +
                      "       faket -Command \"<PowerShell>\"          (parsed as PowerShell: -Models 8,9 is an array)");
    return args.Length == 0 ? 2 : 0;
}

string? module = FindModule();
if (module is null)
{
    Console.Error.WriteLine("faket: cannot find the FakET module. Build it (dotnet build -c Release) or set FAKET_MODULE_PATH to FakET.psd1.");
    return 2;
}

string script = args[0] is "-Command" or "-c"
    ? string.Join(' ', args.Skip(1))
    : "& " + Quote(Path.GetFullPath(args[0])) + " " + string.Join(' ', args.Skip(1).Select(Argument));

var state = InitialSessionState.CreateDefault2();
state.ImportPSModule(module);
// Output goes through Out-Default to this console, so objects show as the module's views and Get-Help as pages.
using var runspace = RunspaceFactory.CreateRunspace(new FakET.Host.ConsoleHost(), state);
runspace.Open();
runspace.SessionStateProxy.Path.SetLocation(WildcardPattern.Escape(Environment.CurrentDirectory));
using var shell = PowerShell.Create(runspace);
shell.AddScript(script).AddCommand("Out-Default");
shell.Streams.Error.DataAdded += (_, e) => Console.Error.WriteLine(Describe(shell.Streams.Error[e.Index]));
shell.Streams.Warning.DataAdded += (_, e) => Console.Error.WriteLine("WARNING: " + shell.Streams.Warning[e.Index].Message);
shell.Streams.Verbose.DataAdded += (_, e) => Console.Error.WriteLine("VERBOSE: " + shell.Streams.Verbose[e.Index].Message);
shell.Streams.Information.DataAdded += (_, e) => Console.WriteLine(shell.Streams.Information[e.Index].MessageData);
var progress = new Dictionary<int, int>();
shell.Streams.Progress.DataAdded += (_, e) =>
{
    var record = shell.Streams.Progress[e.Index];
    // One line per ten percent of each activity keeps logs of long runs readable.
    int tenth = record.PercentComplete / 10;
    if (record.RecordType == ProgressRecordType.Completed)
    {
        // The end of an activity that was shown (Get-Help, for one, reports only an end); the next starts afresh.
        if (progress.Remove(record.ActivityId)) Console.Error.WriteLine($"{record.Activity}: {record.StatusDescription}");
        return;
    }
    if (!progress.TryGetValue(record.ActivityId, out var last) || tenth > last)
    {
        progress[record.ActivityId] = tenth;
        Console.Error.WriteLine($"{record.Activity}: {record.StatusDescription}");
    }
};

int exit = 0;
bool stopped = false;
try
{
    if (interrupt.Run(shell) && shell.HadErrors) exit = 1;
}
catch (PipelineStoppedException)
{
    stopped = true;
}
catch (RuntimeException e) when (!interrupt.Requested)
{
    Console.Error.WriteLine(Describe(e.ErrorRecord));
    exit = 1;
}
catch (RuntimeException)
{
    // An error on the way out of a stopped pipeline: the stop is what to report.
}
// Stopped by Ctrl+C, however the pipeline ended: 128 + SIGINT, as shells report a command ended by Ctrl+C.
if (stopped || interrupt.Requested)
{
    Console.Error.WriteLine("faket: stopped.");
    exit = 130;
}
return exit;

static string Describe(ErrorRecord error) =>
    $"ERROR: {error.Exception.Message}\n  ({error.FullyQualifiedErrorId}, {error.CategoryInfo.Category}{(error.InvocationInfo?.PositionMessage is { Length: > 0 } at ? ", " + at.Replace('\n', ' ') : "")})";

static string Quote(string text) => "'" + text.Replace("'", "''") + "'";

// Parameter names pass as they are; everything else is quoted, so paths with spaces survive.
static string Argument(string a) => a.StartsWith('-') && a.Length > 1 && char.IsLetter(a[1]) ? a : Quote(a);

static string? FindModule()
{
    var candidates = new[]
    {
        Environment.GetEnvironmentVariable("FAKET_MODULE_PATH"),
        Path.Combine(AppContext.BaseDirectory, "FakET", "FakET.psd1"),
        typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "FakETModulePath")?.Value,
    };
    return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c));
}

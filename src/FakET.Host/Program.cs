using System.Reflection;

// faket: the real PowerShell engine (the PowerShell SDK, so every module that ships with pwsh 7.6 is there) with the
// FakET module imported, for machines without pwsh.
//   faket                                   a small interactive prompt: reads a line, runs it, shows the output
//   faket [-File] <script.ps1> [arguments...]
//   faket -Command "<PowerShell>"
// A script's arguments pass as text, as pwsh -File passes them, so a script behaves alike under both
// (-Models 8,9 arrives as '8,9'); a command is parsed as PowerShell, so arrays and expressions work there.
// Exit status: 0; 1 when the script or command wrote an error; `exit N` in it gives N; 2 for a usage error;
// 130 when stopped by Ctrl+C (see Interrupt.cs).
// The module is found through FAKET_MODULE_PATH, else FakET/FakET.psd1 beside this program, else the
// out/FakET/FakET.psd1 of the build that made this program.

var interrupt = FakET.Host.Interrupt.Listen();

if (args.Length > 0 && args[0] is "-h" or "--help" or "-?" or "-Help")
{
    Console.WriteLine(Usage);
    return 0;
}
if (args.Length > 0 && args[0] is "-Command" or "-c" or "-File" or "-f" && args.Length == 1)
{
    Console.Error.WriteLine($"faket: {args[0]} needs a value.\n{Usage}");
    return 2;
}

string? module = FindModule();
if (module is null)
{
    Console.Error.WriteLine("faket: cannot find the FakET module. Build it (dotnet build -c Release) or set FAKET_MODULE_PATH to FakET.psd1.");
    return 2;
}

using var shell = new FakET.Host.Shell(module, interrupt);
if (args.Length == 0) return shell.Interactive();

if (args[0] is "-Command" or "-c") return shell.Run(string.Join(' ', args.Skip(1)));

var file = args[0] is "-File" or "-f" ? args.Skip(1).ToArray() : args;
return shell.RunFile(file[0], file.Skip(1));

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

partial class Program
{
    const string Usage =
        "usage: faket                                  a prompt: type PowerShell, see the output; exit or Ctrl+D leaves\n" +
        "       faket [-File] <script.ps1> [arguments...]   (arguments pass as text, as with pwsh -File)\n" +
        "       faket -Command \"<PowerShell>\"                (parsed as PowerShell: -Models 8,9 is an array)";
}

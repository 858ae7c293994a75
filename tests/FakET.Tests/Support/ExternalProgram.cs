using System.Diagnostics;

namespace FakET.Tests.Support;

/// <summary>Runs another program to the end and collects what it printed. Standard error is read while standard
/// output is, so neither pipe can fill up and stall the program.</summary>
public static class ExternalProgram
{
    /// <param name="input">Standard input, then its end; null: the program's standard input is this process's.</param>
    public static (int Exit, string Stdout, string Stderr) Run(string program, IEnumerable<string> args,
        string? workingDirectory = null, IDictionary<string, string>? environment = null, string? input = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}

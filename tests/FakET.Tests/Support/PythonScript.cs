namespace FakET.Tests.Support;

/// <summary>Debian's python3 running a script of the test data (Data/), so that it imports its neighbours there.</summary>
public static class PythonScript
{
    public static (int Exit, string Output) Run(string name, params string[] args)
    {
        var (exit, stdout, stderr) = ExternalProgram.Run("/usr/bin/python3", new[] { Repo.Data(name) }.Concat(args));
        return (exit, stdout + stderr);
    }
}

using System.Reflection;

namespace FakET.Tests.Support;

/// <summary>Where things are: the repository, the built module, the host, test data, the NuGet cache.</summary>
public static class Repo
{
    static string Metadata(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value!;

    public static string Root => Metadata("RepoRoot");
    public static string ModuleManifest => Path.Combine(Root, "out", "FakET", "FakET.psd1");
    public static string HostDll => Path.Combine(Root, "src", "FakET.Host", "bin", Metadata("Configuration"), "net10.0", "faket.dll");
    public static string BuildToolDll => Path.Combine(Root, "src", "FakET.Build", "bin", Metadata("Configuration"), "net8.0", "FakET.Build.dll");
    public static string NuGetPackages => Metadata("NuGetPackageRoot");
    public static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);
}

/// <summary>A temporary folder, removed at the end of the test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "faket-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

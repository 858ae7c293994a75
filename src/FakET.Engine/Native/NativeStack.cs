using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;

namespace FakET.Native;

/// <summary>What <c>Get-FakETDevice</c> reports.</summary>
public sealed record DeviceReport(
    string LibTorchVersion,
    string TorchSharpVersion,
    string Backend,
    int Threads,
    bool CudaAvailable,
    int CudaDeviceCount,
    string NativeDirectory)
{
    public override string ToString() =>
        $"libtorch {LibTorchVersion}  {Backend}  {Threads} threads  CUDA {(CudaAvailable ? $"{CudaDeviceCount} device(s)" : "not available")}";
}

/// <summary>
/// Loads libtorch through TorchSharp from the folder that holds <c>TorchSharp.dll</c>, and when that fails
/// says why: a missing file, a symbol version the system's libstdc++ lacks, or the loader's own message.
/// TorchSharp itself reports every failure as a missing package reference, which hides the cause.
/// </summary>
public static class NativeStack
{
    static readonly object Gate = new();
    static bool _loaded;

    /// <summary>The folder that holds TorchSharp.dll and, in a built module, the native libraries beside it.</summary>
    public static string NativeDirectory => Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;

    /// <summary>The native wrapper's file name on this operating system.</summary>
    public static string WrapperFileName =>
        OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";

    /// <summary>Loads the native stack once; later calls return at once.</summary>
    /// <exception cref="FakETException">With <see cref="ErrorIds.NativeLoadFailed"/> and the real cause.</exception>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (Gate)
        {
            if (_loaded) return;
            string wrapper = Path.Combine(NativeDirectory, WrapperFileName);
            if (!File.Exists(wrapper))
                throw Failure(wrapper, $"{WrapperFileName} is missing from {NativeDirectory}. Rebuild the module (dotnet build -c Release) so that the natives for this platform are copied beside TorchSharp.dll.", null);
            try
            {
                NativeLibrary.Load(wrapper);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                throw Failure(wrapper, Diagnose(wrapper), e.Message);
            }
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e)
            {
                throw Failure(wrapper, "TorchSharp could not initialise libtorch after its wrapper loaded.", e.Message);
            }
            _loaded = true;
        }
    }

    static FakETException Failure(string wrapper, string cause, string? loaderMessage)
    {
        var message = new StringBuilder($"FakET could not load libtorch (native wrapper {wrapper}).\n");
        message.Append("Cause: ").Append(cause.TrimEnd()).Append('\n');
        if (!string.IsNullOrWhiteSpace(loaderMessage))
            message.Append("The system loader said: ").Append(loaderMessage.Trim()).Append('\n');
        message.Append("See 'Platform notes' in the module's README.");
        return new FakETException(ErrorIds.NativeLoadFailed, FailureKind.NotInstalled, message.ToString());
    }

    /// <summary>
    /// Explains why a native library would not load, from its ELF dependencies: which of them are
    /// missing and which required symbol versions the system libraries do not provide. Linux only;
    /// elsewhere (or when nothing is found) it says so.
    /// </summary>
    public static string Diagnose(string libraryPath, IReadOnlyList<string>? systemDirectories = null)
    {
        if (!OperatingSystem.IsLinux()) return "See the loader's message below.";
        if (!File.Exists(libraryPath)) return $"{libraryPath} does not exist.";
        var problems = new List<string>();
        try
        {
            using var elf = ElfFile.Open(libraryPath);
            var (needed, _) = elf.Dependencies();
            var needs = elf.VersionNeeds();
            string folder = Path.GetDirectoryName(Path.GetFullPath(libraryPath))!;
            foreach (var dependency in needed)
            {
                string? found = FindLibrary(dependency, folder, systemDirectories ?? SystemLibraryDirectories());
                if (found is null)
                {
                    problems.Add($"{dependency} is missing: it is neither beside {Path.GetFileName(libraryPath)} nor in the system library folders.");
                    continue;
                }
                var required = needs.Where(n => n.File == dependency && !n.IsWeak).Select(n => n.Name).ToList();
                if (required.Count == 0) continue;
                IReadOnlySet<string> provided;
                try
                {
                    using var library = ElfFile.Open(found);
                    provided = library.VersionDefinitions();
                }
                catch (Exception e) when (e is InvalidDataException or IOException)
                {
                    continue;
                }
                var missing = required.Where(v => !provided.Contains(v)).ToList();
                if (missing.Count > 0)
                {
                    string family = missing[0].Split('_')[0];
                    string newest = provided.Where(v => v.StartsWith(family + "_", StringComparison.Ordinal))
                        .OrderBy(v => v, VersionNameComparer.Instance).LastOrDefault() ?? "none";
                    problems.Add($"{Path.GetFileName(libraryPath)} requires {string.Join(", ", missing)} from {dependency}, " +
                                 $"but {found} provides versions only up to {newest}.");
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"{libraryPath} could not be read as a shared library: {e.Message}");
        }
        return problems.Count == 0
            ? "No missing file or symbol version was found; the loader's message below has the details."
            : string.Join("\n       ", problems);
    }

    /// <summary>Where a library named in DT_NEEDED would be found: beside the library ($ORIGIN), then the
    /// directories of an already loaded copy, then the usual system folders.</summary>
    static string? FindLibrary(string name, string origin, IReadOnlyList<string> systemDirectories)
    {
        string beside = Path.Combine(origin, name);
        if (File.Exists(beside)) return beside;
        foreach (var folder in systemDirectories)
        {
            string candidate = Path.Combine(folder, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>LD_LIBRARY_PATH, then the folders of libraries already mapped into this process, then the usual ones.</summary>
    static IReadOnlyList<string> SystemLibraryDirectories()
    {
        var folders = new List<string>();
        var fromEnvironment = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        if (!string.IsNullOrEmpty(fromEnvironment)) folders.AddRange(fromEnvironment.Split(':', StringSplitOptions.RemoveEmptyEntries));
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash < 0 || !line.Contains(".so")) continue;
                string? folder = Path.GetDirectoryName(line[slash..]);
                if (folder is not null && (folder.StartsWith("/lib") || folder.StartsWith("/usr"))) folders.Add(folder);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        folders.AddRange(new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib" });
        return folders.Distinct().ToList();
    }

    /// <summary>Orders GLIBCXX_3.4.9 before GLIBCXX_3.4.30.</summary>
    sealed class VersionNameComparer : IComparer<string>
    {
        public static readonly VersionNameComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = Parts(x);
            var b = Parts(y);
            for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
                if (a[i] != b[i]) return a[i].CompareTo(b[i]);
            return a.Length.CompareTo(b.Length);
        }

        static int[] Parts(string? v) =>
            (v ?? "").Split('_').LastOrDefault()?.Split('.').Select(p => int.TryParse(p, out var n) ? n : 0).ToArray() ?? Array.Empty<int>();
    }

    /// <summary>Describes the loaded stack.</summary>
    public static DeviceReport Describe()
    {
        EnsureLoaded();
        bool cuda = torch.cuda.is_available();
        return new DeviceReport(
            LibTorchVersion: torch.__version__,
            TorchSharpVersion: typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "?",
            Backend: cuda ? "cuda" : "cpu",
            Threads: torch.get_num_threads(),
            CudaAvailable: cuda,
            CudaDeviceCount: cuda ? torch.cuda.device_count() : 0,
            NativeDirectory: NativeDirectory);
    }
}

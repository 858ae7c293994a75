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
    /// Explains why a native library would not load, by following the dynamic loader through its ELF dependencies
    /// and theirs (<see cref="LibrarySearch"/>): which are missing; which of libtorch's own libraries, that the module
    /// keeps beside the wrapper, are missing or would be passed over for another libtorch that the loader finds
    /// (on <c>LD_LIBRARY_PATH</c>, already loaded in the process, in the system folders), naming that file; and which
    /// required symbol versions the libraries found do not provide. Linux only; elsewhere (or when nothing is found)
    /// it says so.
    /// </summary>
    /// <param name="libraryPath">The library that did not load, e.g. the module's <c>libLibTorchSharp.so</c>.</param>
    /// <param name="search">Where the loader looks; by default where it would look in this process now.</param>
    public static string Diagnose(string libraryPath, LibrarySearch? search = null)
    {
        if (!OperatingSystem.IsLinux()) return "See the loader's message below.";
        if (!File.Exists(libraryPath)) return $"{libraryPath} does not exist.";
        search ??= LibrarySearch.ForThisProcess();
        string root = Path.GetFullPath(libraryPath);
        string moduleFolder = Path.GetDirectoryName(root)!;
        var problems = new List<string>();
        var advice = new List<string>();
        // The loader loads a name once per load, breadth first, and later requests for it get the same file.
        var resolved = new Dictionary<string, LibraryResolution?>(StringComparer.Ordinal);
        var foreign = new HashSet<string>(StringComparer.Ordinal);
        var visited = new HashSet<string>(StringComparer.Ordinal) { root };
        var queue = new Queue<string>();
        queue.Enqueue(root);
        while (queue.Count > 0)
        {
            string requester = queue.Dequeue();
            string requesterName = Path.GetFileName(requester);
            ElfDynamic dynamic;
            IReadOnlyList<ElfVersionNeed> needs;
            try
            {
                using var elf = ElfFile.Open(requester);
                dynamic = elf.Dynamic();
                needs = elf.VersionNeeds();
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                if (requester == root) problems.Add($"{libraryPath} could not be read as a shared library: {e.Message}");
                continue;
            }
            bool inModule = string.Equals(Path.GetDirectoryName(requester), moduleFolder, StringComparison.Ordinal);
            foreach (var dependency in dynamic.Needed)
            {
                if (!resolved.TryGetValue(dependency, out var found))
                {
                    found = search.Find(dependency, requester, dynamic);
                    resolved[dependency] = found;
                    string? ownCopy = inModule && IsLibtorchLibrary(dependency) ? Path.Combine(moduleFolder, dependency) : null;
                    if (ownCopy is not null && !File.Exists(ownCopy))
                    {
                        problems.Add(found is null
                            ? $"{dependency} is missing: it is neither beside {requesterName} nor anywhere else the loader looks (LD_LIBRARY_PATH, the system library folders)."
                            : $"{dependency} is missing beside {requesterName}, where the module keeps its own copy, so the loader would load instead " +
                              $"{found.Path} ({OriginText(found, requesterName)}), {OtherLibtorch(found.Path, dependency)}.");
                        advice.Add("Rebuild the module (dotnet build -c Release) or reinstall it, so that its own libtorch is complete.");
                        if (found is not null)
                        {
                            foreign.Add(dependency);
                            if (Advice(found) is { } more) advice.Add(more);
                        }
                        continue;
                    }
                    if (ownCopy is not null && found is not null && !SameLibrary(found.Path, ownCopy))
                    {
                        problems.Add($"{dependency}: the loader would load {found.Path} ({OriginText(found, requesterName)}), " +
                                     $"{OtherLibtorch(found.Path, dependency)}, rather than the module's own copy beside {requesterName}.");
                        if (Advice(found) is { } more) advice.Add(more);
                        foreign.Add(dependency);
                        continue;
                    }
                    if (found is null)
                    {
                        problems.Add($"{dependency} is missing: it is neither beside {requesterName} nor on LD_LIBRARY_PATH or in the system library folders.");
                        continue;
                    }
                    if (visited.Add(found.Path)) queue.Enqueue(found.Path);
                }
                if (found is null || foreign.Contains(dependency)) continue;
                var required = needs.Where(n => n.File == dependency && !n.IsWeak).Select(n => n.Name).ToList();
                if (required.Count == 0) continue;
                IReadOnlySet<string> provided;
                try
                {
                    using var library = ElfFile.Open(found.Path);
                    provided = library.VersionDefinitions();
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                var missing = required.Where(v => !provided.Contains(v)).ToList();
                if (missing.Count > 0)
                {
                    string family = missing[0].Split('_')[0];
                    string newest = provided.Where(v => v.StartsWith(family + "_", StringComparison.Ordinal))
                        .OrderBy(v => v, VersionNameComparer.Instance).LastOrDefault() ?? "none";
                    problems.Add($"{requesterName} requires {string.Join(", ", missing)} from {dependency}, " +
                                 $"but {found.Path} provides versions only up to {newest}.");
                }
            }
        }
        return problems.Count == 0
            ? "No missing file or symbol version was found; the loader's message below has the details."
            : string.Join("\n       ", problems.Concat(advice.Distinct()));
    }

    /// <summary>Whether a library is one of libtorch's own, which the module ships beside its wrapper (as opposed to
    /// the C and C++ runtimes, which come from the system).</summary>
    static bool IsLibtorchLibrary(string name) =>
        new[] { "libtorch", "libc10", "libshm", "libcaffe2", "libgomp-" }.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    static string OriginText(LibraryResolution found, string requesterName) => found.Origin switch
    {
        LibraryOrigin.AlreadyLoaded => "already loaded in this process",
        LibraryOrigin.Path => "named by its path",
        LibraryOrigin.RPath => $"through the DT_RPATH of {requesterName}",
        LibraryOrigin.LibraryPath => "through LD_LIBRARY_PATH",
        LibraryOrigin.RunPath => $"through the run path of {requesterName}",
        _ => "in the system library folders",
    };

    static string? Advice(LibraryResolution found) => found.Origin switch
    {
        LibraryOrigin.LibraryPath => $"LD_LIBRARY_PATH comes before the module's own folder: take {Path.GetDirectoryName(found.Path)} out of it for this session.",
        LibraryOrigin.AlreadyLoaded => "Something else in this process (another module?) loaded another libtorch first: start a new session and import FakET before it.",
        _ => null,
    };

    /// <summary>"a different libtorch (1.13?) that the module was not built against", the version read from the
    /// file's soname or name (libtorch_cpu.so.1.13), hence the question mark; without one, says less.</summary>
    static string OtherLibtorch(string path, string name)
    {
        string? version = VersionInName(path, name);
        return version is null
            ? "a libtorch that is not the module's own copy and may not be the version the module was built against"
            : $"a different libtorch ({version}?) that the module was not built against";
    }

    static string? VersionInName(string path, string name)
    {
        var names = new List<string>();
        try
        {
            using var elf = ElfFile.Open(path);
            if (elf.Dynamic().Soname is { } soname) names.Add(soname);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException) { }
        try
        {
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            names.Add(Path.GetFileName(target?.FullName ?? path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { names.Add(Path.GetFileName(path)); }
        foreach (var candidate in names)
        {
            if (!candidate.StartsWith(name + ".", StringComparison.Ordinal)) continue;
            var parts = candidate[(name.Length + 1)..].Split('.').TakeWhile(p => p.Length > 0 && p.All(char.IsAsciiDigit)).Take(2).ToList();
            if (parts.Count > 0) return string.Join('.', parts);
        }
        return null;
    }

    /// <summary>The same file, or a copy of it (same length, same first 64 kB): the module's libtorch copied elsewhere
    /// is still the libtorch it was built against.</summary>
    static bool SameLibrary(string a, string b)
    {
        try
        {
            var fa = new FileInfo(a);
            var fb = new FileInfo(b);
            string ra = fa.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? fa.FullName;
            string rb = fb.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? fb.FullName;
            if (ra == rb) return true;
            if (new FileInfo(ra).Length != new FileInfo(rb).Length) return false;
            var ha = new byte[65536];
            var hb = new byte[65536];
            using var sa = File.OpenRead(ra);
            using var sb = File.OpenRead(rb);
            int na = sa.ReadAtLeast(ha, ha.Length, throwOnEndOfStream: false);
            int nb = sb.ReadAtLeast(hb, hb.Length, throwOnEndOfStream: false);
            return ha.AsSpan(0, na).SequenceEqual(hb.AsSpan(0, nb));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
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

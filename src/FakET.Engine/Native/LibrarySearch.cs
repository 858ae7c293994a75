namespace FakET.Native;

/// <summary>Where the loader found a library: which step of its search produced it.</summary>
public enum LibraryOrigin
{
    /// <summary>A library of that name (its <c>DT_SONAME</c>) is already loaded in the process; the loader uses it.</summary>
    AlreadyLoaded,
    /// <summary>The name holds a slash and is used as a path.</summary>
    Path,
    /// <summary>The requesting library's <c>DT_RPATH</c> (honoured only when it has no <c>DT_RUNPATH</c>).</summary>
    RPath,
    /// <summary><c>LD_LIBRARY_PATH</c>.</summary>
    LibraryPath,
    /// <summary>The requesting library's <c>DT_RUNPATH</c> (e.g. <c>$ORIGIN</c>: beside it).</summary>
    RunPath,
    /// <summary>The system library folders (<c>/etc/ld.so.conf</c>, which <c>ld.so.cache</c> indexes, then the defaults).</summary>
    System,
}

/// <summary>The file that the loader would use for a <c>DT_NEEDED</c> name, and how it came to it.</summary>
public sealed record LibraryResolution(string Path, LibraryOrigin Origin);

/// <summary>
/// How glibc's dynamic loader finds a library that another one names in <c>DT_NEEDED</c>, in its order: a loaded
/// library of that soname; the requester's <c>DT_RPATH</c> (when it has no <c>DT_RUNPATH</c>); <c>LD_LIBRARY_PATH</c>;
/// the requester's <c>DT_RUNPATH</c>; the folders that <c>ld.so.cache</c> indexes (from <c>/etc/ld.so.conf</c>); the
/// default folders. Note that <c>LD_LIBRARY_PATH</c> comes before a <c>DT_RUNPATH</c> of <c>$ORIGIN</c>: a library on
/// it wins over the copy beside the requester. Approximations: the cache is taken to hold what the folders it is
/// built from hold now; of the <c>DT_RPATH</c>s, only the requester's is read (glibc also tries those of the
/// libraries that loaded it); <c>glibc-hwcaps</c> subfolders and <c>$LIB</c>/<c>$PLATFORM</c> are not expanded.
/// </summary>
/// <param name="LibraryPath">The folders of <c>LD_LIBRARY_PATH</c>, in order.</param>
/// <param name="LoadedLibraries">The files of the libraries already loaded in the process.</param>
/// <param name="SystemDirectories">The system library folders, in the loader's order.</param>
public sealed class LibrarySearch(IReadOnlyList<string> LibraryPath, IReadOnlyList<string> LoadedLibraries, IReadOnlyList<string> SystemDirectories)
{
    readonly Dictionary<string, string?> _sonames = new(StringComparer.Ordinal);

    /// <summary>The folders of <c>LD_LIBRARY_PATH</c>, in order.</summary>
    public IReadOnlyList<string> LibraryPath { get; } = LibraryPath;

    /// <summary>The files of the libraries already loaded in the process.</summary>
    public IReadOnlyList<string> LoadedLibraries { get; } = LoadedLibraries;

    /// <summary>The system library folders, in the loader's order.</summary>
    public IReadOnlyList<string> SystemDirectories { get; } = SystemDirectories;

    /// <summary>The search as the loader would make it in this process now: its <c>LD_LIBRARY_PATH</c>, the libraries
    /// mapped into it (<c>/proc/self/maps</c>) and the machine's system folders.</summary>
    public static LibrarySearch ForThisProcess() =>
        new(SplitPath(Environment.GetEnvironmentVariable("LD_LIBRARY_PATH")), MappedLibraries(), SystemLibraryDirectories());

    /// <summary>The folders of a search path such as <c>LD_LIBRARY_PATH</c> (separated by ':' or ';'; empty entries dropped).</summary>
    public static IReadOnlyList<string> SplitPath(string? path) =>
        string.IsNullOrEmpty(path) ? Array.Empty<string>() : path.Split(new[] { ':', ';' }, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The folders listed in <c>/etc/ld.so.conf</c> (following its <c>include</c> lines), which <c>ldconfig</c>
    /// indexes into <c>ld.so.cache</c>, then the loader's default folders.</summary>
    public static IReadOnlyList<string> SystemLibraryDirectories()
    {
        var folders = new List<string>();
        ReadLdSoConf("/etc/ld.so.conf", folders, new HashSet<string>(StringComparer.Ordinal));
        folders.AddRange(new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib" });
        return folders.Select(f => f.TrimEnd('/')).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    static void ReadLdSoConf(string file, List<string> folders, HashSet<string> seen)
    {
        if (!seen.Add(file)) return;
        IEnumerable<string> lines;
        try { lines = File.ReadAllLines(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var raw in lines)
        {
            string line = raw.Split('#')[0].Trim();
            if (line.Length == 0 || line.StartsWith("hwcap", StringComparison.Ordinal)) continue;
            if (line.StartsWith("include", StringComparison.Ordinal) && line.Length > 7 && char.IsWhiteSpace(line[7]))
            {
                foreach (var pattern in line[8..].Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries))
                {
                    string full = Path.IsPathRooted(pattern) ? pattern : Path.Combine(Path.GetDirectoryName(file) ?? "/etc", pattern);
                    string? folder = Path.GetDirectoryName(full);
                    if (folder is null || !Directory.Exists(folder)) continue;
                    string[] matches;
                    try { matches = Directory.GetFiles(folder, Path.GetFileName(full)); }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
                    Array.Sort(matches, StringComparer.Ordinal);
                    foreach (var match in matches) ReadLdSoConf(match, folders, seen);
                }
                continue;
            }
            // "dir=TYPE" (old libc5 syntax) names the folder before the '='.
            string entry = line.Split('=')[0].Trim();
            if (entry.StartsWith('/')) folders.Add(entry);
        }
    }

    /// <summary>The shared libraries mapped into this process, from <c>/proc/self/maps</c>.</summary>
    public static IReadOnlyList<string> MappedLibraries()
    {
        var files = new List<string>();
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash < 0) continue;
                string file = line[slash..].Trim();
                if (file.EndsWith(" (deleted)", StringComparison.Ordinal)) continue;
                string name = Path.GetFileName(file);
                if (name.EndsWith(".so", StringComparison.Ordinal) || name.Contains(".so.", StringComparison.Ordinal)) files.Add(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return files.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The file the loader would use for <paramref name="name"/>, needed by the library at
    /// <paramref name="requester"/> whose dynamic section is <paramref name="dynamic"/>; null when it finds none.</summary>
    public LibraryResolution? Find(string name, string requester, ElfDynamic dynamic)
    {
        if (name.Contains('/')) return File.Exists(name) ? new LibraryResolution(name, LibraryOrigin.Path) : null;
        foreach (var loaded in LoadedLibraries)
            if (IsLoadedAs(loaded, name)) return new LibraryResolution(loaded, LibraryOrigin.AlreadyLoaded);
        string origin = Path.GetDirectoryName(Path.GetFullPath(requester)) ?? "/";
        if (dynamic.RunPath is null && dynamic.RPath is not null
            && Search(name, Expand(dynamic.RPath, origin)) is { } inRPath) return new LibraryResolution(inRPath, LibraryOrigin.RPath);
        if (Search(name, LibraryPath) is { } onLibraryPath) return new LibraryResolution(onLibraryPath, LibraryOrigin.LibraryPath);
        if (dynamic.RunPath is not null && Search(name, Expand(dynamic.RunPath, origin)) is { } inRunPath)
            return new LibraryResolution(inRunPath, LibraryOrigin.RunPath);
        return Search(name, SystemDirectories) is { } inSystem ? new LibraryResolution(inSystem, LibraryOrigin.System) : null;
    }

    static string? Search(string name, IEnumerable<string> folders)
    {
        foreach (var folder in folders)
        {
            string candidate = Path.Combine(folder, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>A run path's folders with <c>$ORIGIN</c> replaced by the requester's folder; entries with other
    /// tokens (<c>$LIB</c>, <c>$PLATFORM</c>) are left out.</summary>
    static IEnumerable<string> Expand(string runPath, string origin) =>
        SplitPath(runPath)
            .Select(p => p.Replace("${ORIGIN}", origin, StringComparison.Ordinal).Replace("$ORIGIN", origin, StringComparison.Ordinal))
            .Where(p => !p.Contains('$'));

    /// <summary>Whether the loaded file answers to <paramref name="name"/>: its soname is that name (or, where it has
    /// none that can be read, its file name is).</summary>
    bool IsLoadedAs(string loaded, string name)
    {
        string fileName = Path.GetFileName(loaded);
        int so = name.IndexOf(".so", StringComparison.Ordinal);
        string stem = so > 0 ? name[..so] : name;
        if (!fileName.StartsWith(stem, StringComparison.Ordinal)) return false;
        string? soname = SonameOf(loaded);
        return soname is null ? fileName == name : soname == name;
    }

    string? SonameOf(string file)
    {
        lock (_sonames)
        {
            if (_sonames.TryGetValue(file, out var known)) return known;
            string? soname;
            try
            {
                using var elf = ElfFile.Open(file);
                soname = elf.Dynamic().Soname;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException) { soname = null; }
            _sonames[file] = soname;
            return soname;
        }
    }
}

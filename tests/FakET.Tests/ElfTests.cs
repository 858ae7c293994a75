using FakET.Native;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The build step that makes TorchSharp's native wrapper load on libstdc++ without GLIBCXX_3.4.32,
/// checked on the original library from the NuGet cache against binutils' readelf as the independent reader.</summary>
[Trait("Tier", "Process")]
public class ElfTests
{
    static string OriginalWrapper => Path.Combine(Repo.NuGetPackages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    static string ReadElfVersions(string path) => ExternalProgram.Run("readelf", new[] { "-V", path }).Stdout;

    static string VersionLine(string readelf, string version) =>
        readelf.Split('\n').First(l => l.Contains("Name: " + version + " "));

    /// <summary>(name, version index) of every "Name: X  Flags: F  Version: N" line readelf prints.</summary>
    static List<(string, int)> Requirements(string readelf) =>
        System.Text.RegularExpressions.Regex.Matches(readelf, @"Name: (\S+)\s+Flags: \S+\s+Version: (\d+)")
            .Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value))).ToList();

    [Fact]
    public void ReadsTheSameVersionRequirementsAsReadelf()
    {
        using var elf = ElfFile.Open(OriginalWrapper);
        var needs = elf.VersionNeeds();
        string readelf = ReadElfVersions(OriginalWrapper);
        Assert.Equal(Requirements(readelf), needs.Select(n => (n.Name, (int)n.Index)).ToList());
        Assert.Equal(20, needs.Count(n => n.File == "libstdc++.so.6"));
        var (needed, runPath) = elf.Dependencies();
        Assert.Contains("libstdc++.so.6", needed);
        Assert.Contains("libtorch_cpu.so", needed);
        Assert.StartsWith("$ORIGIN", runPath);
    }

    [Fact]
    public void MarksOnlyTheUnusedVersionWeak_ChangingOneByte()
    {
        using var dir = new TempDir();
        string copy = dir.File("libLibTorchSharp.so");
        File.Copy(OriginalWrapper, copy);
        Assert.Contains("Flags: none", VersionLine(ReadElfVersions(copy), "GLIBCXX_3.4.32"));

        var outcome = ElfWeakVersion.Apply(copy);

        Assert.True(outcome.Changed, outcome.Message);
        Assert.Contains("ios_base_library_init", outcome.Message);
        string after = ReadElfVersions(copy);
        Assert.Contains("Flags: WEAK", VersionLine(after, "GLIBCXX_3.4.32"));
        Assert.Contains("Flags: none", VersionLine(after, "GLIBCXX_3.4.30"));
        var before = File.ReadAllBytes(OriginalWrapper);
        var patched = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, patched.Length);
        Assert.Single(Enumerable.Range(0, before.Length), i => before[i] != patched[i]);
        // A second run finds nothing to do.
        Assert.False(ElfWeakVersion.Apply(copy).Changed);
    }

    [Fact]
    public void RefusesAVersionThatARelocationUses_LeavingTheFileAsItWas()
    {
        using var dir = new TempDir();
        string copy = dir.File("libLibTorchSharp.so");
        File.Copy(OriginalWrapper, copy);
        // std::condition_variable::wait@GLIBCXX_3.4.30 is called through the PLT: really needed.
        var e = Assert.Throws<InvalidOperationException>(() => ElfWeakVersion.Apply(copy, "GLIBCXX_3.4.30"));
        Assert.Contains("condition_variable", e.Message);
        Assert.Equal(File.ReadAllBytes(OriginalWrapper), File.ReadAllBytes(copy));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.weak-*"));
    }

    [Fact]
    public void TheBuiltModuleCarriesThePatchedWrapper()
    {
        string shipped = Path.Combine(Path.GetDirectoryName(Repo.ModuleManifest)!, "Dependencies", "libLibTorchSharp.so");
        Assert.Contains("Flags: WEAK", VersionLine(ReadElfVersions(shipped), "GLIBCXX_3.4.32"));
    }

    static string ShippedFolder => Path.Combine(Path.GetDirectoryName(Repo.ModuleManifest)!, "Dependencies");

    /// <summary>
    /// Where the diagnosis looks, the same on every machine whatever libtorch it has installed: nothing on
    /// LD_LIBRARY_PATH but <paramref name="libraryPath"/>, nothing loaded but <paramref name="loaded"/>, and as the only
    /// system folder a temporary one holding links to this machine's C and C++ runtime (every library the module's
    /// natives need that is not libtorch's), plus <paramref name="systemExtras"/>' files.
    /// </summary>
    static LibrarySearch MachineIndependentSearch(TempDir dir, string[]? libraryPath = null, string[]? loaded = null, string? systemExtras = null)
    {
        string system = Path.Combine(dir.Path, "system-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(system);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var library in Directory.GetFiles(ShippedFolder, "*.so*").Append(OriginalWrapper))
        {
            using var elf = ElfFile.Open(library);
            names.UnionWith(elf.Dynamic().Needed);
        }
        foreach (var name in names.Where(n => !new[] { "libtorch", "libc10", "libshm", "libgomp-" }.Any(n.StartsWith)))
        {
            string? real = LibrarySearch.SystemLibraryDirectories().Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
            if (real is not null) File.CreateSymbolicLink(Path.Combine(system, name), real);
        }
        if (systemExtras is not null)
            foreach (var file in Directory.GetFiles(systemExtras))
                File.CreateSymbolicLink(Path.Combine(system, Path.GetFileName(file)), file);
        return new LibrarySearch(libraryPath ?? Array.Empty<string>(), loaded ?? Array.Empty<string>(), new[] { system });
    }

    /// <summary>A stand-in for another libtorch (as Debian's python3-torch and libtorch-dev install it:
    /// libtorch_cpu.so → libtorch_cpu.so.1.13) in a folder of its own. Not a library: the diagnosis needs only its name.</summary>
    internal static string OtherLibtorch(TempDir dir, string folderName = "other-libtorch")
    {
        string folder = Path.Combine(dir.Path, folderName);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "libtorch_cpu.so.1.13"), "a stand-in for another libtorch\n");
        File.CreateSymbolicLink(Path.Combine(folder, "libtorch_cpu.so"), "libtorch_cpu.so.1.13");
        return folder;
    }

    [Fact]
    public void DiagnosisNamesMissingLibrariesAndMissingVersions()
    {
        using var dir = new TempDir();
        string lonely = dir.File("libLibTorchSharp.so");
        File.Copy(OriginalWrapper, lonely);

        var search = MachineIndependentSearch(dir);
        string diagnosis = NativeStack.Diagnose(lonely, search);

        Assert.Contains("libtorch_cpu.so is missing: it is neither beside libLibTorchSharp.so nor anywhere else the loader looks", diagnosis);
        Assert.Contains("libc10.so is missing", diagnosis);
        Assert.DoesNotContain("instead", diagnosis);
        // Whether GLIBCXX_3.4.32 is reported depends on this machine's libstdc++: ask it independently.
        string systemLibstdcxx = Path.Combine(search.SystemDirectories[0], "libstdc++.so.6");
        if (File.Exists(systemLibstdcxx))
        {
            bool hasIt = File.ReadAllBytes(systemLibstdcxx).AsSpan().IndexOf("GLIBCXX_3.4.32\0"u8) >= 0;
            Assert.Equal(!hasIt, diagnosis.Contains("libLibTorchSharp.so requires GLIBCXX_3.4.32 from libstdc++.so.6"));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DiagnosisOfAMissingLibtorchNamesTheOtherOneTheLoaderWouldLoadInstead(bool onLibraryPath)
    {
        using var dir = new TempDir();
        string lonely = dir.File("libLibTorchSharp.so");
        File.Copy(OriginalWrapper, lonely);
        string other = OtherLibtorch(dir);
        var search = onLibraryPath ? MachineIndependentSearch(dir, libraryPath: new[] { other }) : MachineIndependentSearch(dir, systemExtras: other);
        string otherFile = Path.Combine(onLibraryPath ? other : search.SystemDirectories[0], "libtorch_cpu.so");

        string diagnosis = NativeStack.Diagnose(lonely, search);

        // The module's copy is missing, and what the loader would take in its place is the real cause.
        Assert.Contains("libtorch_cpu.so is missing beside libLibTorchSharp.so, where the module keeps its own copy, so the loader would load instead " +
                        $"{otherFile} ({(onLibraryPath ? "through LD_LIBRARY_PATH" : "in the system library folders")}), " +
                        "a different libtorch (1.13?) that the module was not built against.", diagnosis);
        Assert.Equal(onLibraryPath, diagnosis.Contains($"take {other} out of it"));
        // The libraries that have no other copy anywhere are missing as before.
        Assert.Contains("libc10.so is missing: it is neither beside libLibTorchSharp.so nor anywhere else the loader looks", diagnosis);
    }

    [Fact]
    public void DiagnosisNamesAnotherLibtorchThatTheLoaderPrefersToTheModulesOwnCopy()
    {
        using var dir = new TempDir();
        string module = Path.Combine(dir.Path, "module");
        Directory.CreateDirectory(module);
        foreach (var file in Directory.GetFiles(ShippedFolder, "*.so*"))
            File.CreateSymbolicLink(Path.Combine(module, Path.GetFileName(file)), file);
        string other = OtherLibtorch(dir);

        // LD_LIBRARY_PATH comes before the wrapper's run path ($ORIGIN).
        string diagnosis = NativeStack.Diagnose(Path.Combine(module, "libLibTorchSharp.so"), MachineIndependentSearch(dir, libraryPath: new[] { other }));
        Assert.Contains($"libtorch_cpu.so: the loader would load {other}/libtorch_cpu.so (through LD_LIBRARY_PATH), a different libtorch (1.13?) " +
                        "that the module was not built against, rather than the module's own copy beside libLibTorchSharp.so.", diagnosis);
        Assert.DoesNotContain("missing", diagnosis);

        // A libtorch_cpu.so already loaded in the process (by another module, say) is used whatever the search path;
        // this one (as pip's torch ships it) has no version in its name.
        string loaded = Path.Combine(dir.Path, "pip", "libtorch_cpu.so");
        Directory.CreateDirectory(Path.GetDirectoryName(loaded)!);
        File.WriteAllText(loaded, "a stand-in for pip's libtorch\n");
        diagnosis = NativeStack.Diagnose(Path.Combine(module, "libLibTorchSharp.so"), MachineIndependentSearch(dir, loaded: new[] { loaded }));
        Assert.Contains($"libtorch_cpu.so: the loader would load {loaded} (already loaded in this process), a libtorch that is not the module's own copy", diagnosis);

        // A copy of the module's own libtorch elsewhere is still the one it was built against.
        string copy = Path.Combine(dir.Path, "copy");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(ShippedFolder, "*.so*"))
            File.CreateSymbolicLink(Path.Combine(copy, Path.GetFileName(file)), file);
        Assert.StartsWith("No missing file", NativeStack.Diagnose(Path.Combine(module, "libLibTorchSharp.so"), MachineIndependentSearch(dir, libraryPath: new[] { copy })));
    }

    [Fact]
    public void DiagnosisOfTheShippedFolderFindsNothingMissing()
    {
        using var dir = new TempDir();
        string shipped = Path.Combine(ShippedFolder, "libLibTorchSharp.so");
        Assert.StartsWith("No missing file", NativeStack.Diagnose(shipped, MachineIndependentSearch(dir)));
        // Even with another libtorch in the system folders: the wrapper's run path ($ORIGIN) comes first.
        using var other = new TempDir();
        Assert.StartsWith("No missing file", NativeStack.Diagnose(shipped, MachineIndependentSearch(other, systemExtras: OtherLibtorch(other))));
    }

    [Fact]
    public void DiagnosisFollowsTheLoaderIntoLibtorchsOwnDependencies()
    {
        using var dir = new TempDir();
        string module = Path.Combine(dir.Path, "module");
        Directory.CreateDirectory(module);
        foreach (var file in Directory.GetFiles(ShippedFolder, "*.so*").Where(f => !Path.GetFileName(f).StartsWith("libgomp-")))
            File.CreateSymbolicLink(Path.Combine(module, Path.GetFileName(file)), file);
        string gomp = Path.GetFileName(Directory.GetFiles(ShippedFolder, "libgomp-*").Single());

        string diagnosis = NativeStack.Diagnose(Path.Combine(module, "libLibTorchSharp.so"), MachineIndependentSearch(dir));

        Assert.Contains($"{gomp} is missing: it is neither beside libtorch_cpu.so nor anywhere else the loader looks", diagnosis);
    }

    [Fact]
    public void RejectsFilesThatAreNotElf()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x.so"), new string('x', 200));
        Assert.Throws<InvalidDataException>(() => ElfFile.Open(dir.File("x.so")));
    }
}

using FakET.Native;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The build step that makes TorchSharp's native wrapper load on libstdc++ without GLIBCXX_3.4.32,
/// checked on the original library from the NuGet cache against binutils' readelf as the independent reader.</summary>
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

    [Fact]
    public void DiagnosisNamesMissingLibrariesAndMissingVersions()
    {
        using var dir = new TempDir();
        string lonely = dir.File("libLibTorchSharp.so");
        File.Copy(OriginalWrapper, lonely);

        string diagnosis = NativeStack.Diagnose(lonely);

        Assert.Contains("libtorch_cpu.so is missing", diagnosis);
        // Whether GLIBCXX_3.4.32 is reported depends on this machine's libstdc++: ask it independently.
        string? systemLibstdcxx = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }
            .FirstOrDefault(File.Exists);
        if (systemLibstdcxx is not null)
        {
            bool hasIt = File.ReadAllBytes(systemLibstdcxx).AsSpan().IndexOf("GLIBCXX_3.4.32\0"u8) >= 0;
            Assert.Equal(!hasIt, diagnosis.Contains("requires GLIBCXX_3.4.32"));
        }
    }

    [Fact]
    public void DiagnosisOfTheShippedFolderFindsNothingMissing()
    {
        string shipped = Path.Combine(Path.GetDirectoryName(Repo.ModuleManifest)!, "Dependencies", "libLibTorchSharp.so");
        Assert.StartsWith("No missing file", NativeStack.Diagnose(shipped));
    }

    [Fact]
    public void RejectsFilesThatAreNotElf()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x.so"), new string('x', 200));
        Assert.Throws<InvalidDataException>(() => ElfFile.Open(dir.File("x.so")));
    }
}

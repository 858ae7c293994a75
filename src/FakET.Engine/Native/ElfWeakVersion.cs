namespace FakET.Native;

/// <summary>
/// Marks one symbol-version requirement of a shared library as weak, so that the dynamic linker
/// loads the library even where the named version is missing.
/// </summary>
/// <remarks>
/// TorchSharp's <c>libLibTorchSharp.so</c> requires <c>GLIBCXX_3.4.32</c> (GCC 13) for a single symbol,
/// <c>std::ios_base_library_init</c>, which it references only to force linkage. Debian 12 and RHEL 9
/// ship an older libstdc++, so the library fails to load there. The dynamic linker looks a symbol up
/// only when a relocation uses it, so a requirement whose symbols no relocation uses can be weak
/// without changing what the library binds to. This class refuses to touch a library where that
/// is not so. Where the version exists, a weak requirement is checked exactly as before.
/// </remarks>
public static class ElfWeakVersion
{
    /// <summary>The one version TorchSharp 0.107 needs beyond Debian 12's libstdc++.</summary>
    public const string LibTorchSharpVersion = "GLIBCXX_3.4.32";

    /// <summary>What <see cref="Apply"/> did.</summary>
    public sealed record Outcome(bool Changed, string Message);

    /// <summary>
    /// Makes the requirement <paramref name="versionName"/> of the library at <paramref name="path"/> weak,
    /// in place and atomically (a temporary copy is patched, then renamed over the file).
    /// </summary>
    /// <exception cref="InvalidOperationException">A relocation uses a symbol of that version; the file is left as it was.</exception>
    public static Outcome Apply(string path, string versionName = LibTorchSharpVersion)
    {
        ElfVersionNeed? need;
        IReadOnlyList<string> symbols, relocated;
        using (var elf = ElfFile.Open(path))
        {
            need = elf.VersionNeeds().FirstOrDefault(n => n.Name == versionName);
            if (need is null)
                return new Outcome(false, $"{Path.GetFileName(path)} does not require {versionName}; left as it is.");
            if (need.IsWeak)
                return new Outcome(false, $"{Path.GetFileName(path)}: {versionName} is already weak.");
            (symbols, relocated) = elf.SymbolsOfVersion(need.Index);
        }
        if (relocated.Count > 0)
            throw new InvalidOperationException(
                $"{path}: relocations use {string.Join(", ", relocated)} at {versionName}, so that version is really needed; " +
                "the library was not changed. Install a libstdc++ that provides it (GCC 13 or later).");

        string temp = path + ".weak-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            File.Copy(path, temp);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
            {
                ushort flags = (ushort)(need.Flags | ElfFile.VerFlagWeak);
                stream.Position = need.FlagsOffset;
                stream.WriteByte((byte)(flags & 0xff));
                stream.WriteByte((byte)(flags >> 8));
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        string which = symbols.Count == 0 ? "no symbol" : string.Join(", ", symbols);
        return new Outcome(true, $"{Path.GetFileName(path)}: marked {versionName} weak (used only by {which}, which no relocation references).");
    }
}

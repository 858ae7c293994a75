using System.Globalization;

namespace FakET;

/// <summary>
/// The check each large stage makes before it allocates: its output and working memory are known in advance
/// (they depend on the sizes only), so a run too large for the machine stops at once with the figures and what to
/// change, instead of being killed by the operating system part-way, which would take every series the session
/// holds with it.
/// </summary>
public static class MemoryBudget
{
    /// <summary>
    /// Bytes this process can still take without swapping: Linux's <c>MemAvailable</c>, lowered to what a cgroup
    /// (container) memory limit leaves; elsewhere the physical memory the .NET runtime reports, less the machine's
    /// current use. <c>null</c> when nothing can be read.
    /// </summary>
    public static long? Available()
    {
        long? available = null;
        if (OperatingSystem.IsLinux())
        {
            available = ReadCounter("/proc/meminfo", "MemAvailable") * 1024;
            if (CgroupRoom() is { } room) available = available is { } a ? Math.Min(a, room) : room;
        }
        if (available is null)
        {
            var info = GC.GetGCMemoryInfo();
            if (info.TotalAvailableMemoryBytes > 0) available = Math.Max(0, info.TotalAvailableMemoryBytes - info.MemoryLoadBytes);
        }
        return available;
    }

    /// <summary>
    /// Throws <see cref="ErrorIds.NotEnoughMemory"/> when <paramref name="bytes"/> exceed what is available. Before it
    /// gives up it collects garbage once, aggressively: series the session no longer references, and the memory the
    /// runtime keeps for reuse after collecting them, count as used until then.
    /// </summary>
    /// <param name="bytes">What the stage needs: its output and its working memory.</param>
    /// <param name="what">The stage and what it allocates, e.g. "New-Tomogram needs the 3500×3500×3500 output volume".</param>
    /// <param name="advice">What to change, e.g. "Reconstruct fewer slices (-Thickness) or bin (-Bin 2).".</param>
    public static void Require(long bytes, string what, string advice) => Require(bytes, what, advice, Available);

    /// <summary><see cref="Require(long, string, string)"/> with the available memory read by <paramref name="available"/>.</summary>
    internal static void Require(long bytes, string what, string advice, Func<long?> available)
    {
        if (bytes <= 0 || available() is not { } room || bytes <= room) return;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        // Aggressive: also gives the freed memory back to the system, for libtorch's allocations as much as ours.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (available() is not { } after || bytes <= after) return;
        throw new FakETException(ErrorIds.NotEnoughMemory, FailureKind.LimitsExceeded,
            $"{what}: about {Size(bytes)}, but this machine has {Size(after)} of memory available. {advice} " +
            "Nothing was computed; freeing series the session still holds ($x = $null) also makes room.");
    }

    /// <summary>A size for a message: "172 GB", "3.5 GB", "812 MB" (decimal units, as free and top show them with --si).</summary>
    public static string Size(long bytes) =>
        bytes >= 10_000_000_000 ? (bytes / 1e9).ToString("0", CultureInfo.InvariantCulture) + " GB"
        : bytes >= 1_000_000_000 ? (bytes / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB"
        : (bytes / 1e6).ToString("0", CultureInfo.InvariantCulture) + " MB";

    /// <summary>The number after <paramref name="key"/> and <paramref name="separator"/> in a file of "key: value" lines
    /// (/proc/meminfo, in kB) or "key value" lines (a cgroup's memory.stat, in bytes), or null.</summary>
    internal static long? ReadCounter(string path, string key, char separator = ':')
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith(key + separator, StringComparison.Ordinal)) continue;
                var fields = line[(key.Length + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb : null;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>What the cgroup v2 memory limit of this process leaves (limit − current use), or null without a limit.</summary>
    static long? CgroupRoom()
    {
        try
        {
            // "0::/some/group" in the unified hierarchy; inside a container's cgroup namespace the group is "/".
            var entry = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal));
            if (entry is null) return null;
            string directory = Path.Join("/sys/fs/cgroup", entry[3..]);
            string max = File.ReadAllText(Path.Join(directory, "memory.max")).Trim();
            if (max == "max" || !long.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)) return null;
            // The group's page cache counts in its use but is given back under pressure: count only anonymous memory.
            long used = ReadCounter(Path.Join(directory, "memory.stat"), "anon", separator: ' ') ??
                (long.TryParse(File.ReadAllText(Path.Join(directory, "memory.current")).Trim(), NumberStyles.None,
                    CultureInfo.InvariantCulture, out var current) ? current : 0);
            return Math.Max(0, limit - used);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}

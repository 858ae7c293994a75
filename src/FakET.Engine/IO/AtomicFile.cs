namespace FakET.IO;

/// <summary>
/// Writes a file so that it is either complete or absent: the content goes to a temporary file in the
/// same folder, which is renamed over the target only when writing finished. An error or a
/// cancellation (Ctrl+C) removes the temporary file and leaves any earlier file untouched.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write, CancellationToken cancel = default)
    {
        using var files = new AtomicFileSet(cancel);
        files.Write(path, write);
        files.Commit();
    }

    public static void WriteAllText(string path, string text, CancellationToken cancel = default)
    {
        using var files = new AtomicFileSet(cancel);
        files.WriteAllText(path, text);
        files.Commit();
    }
}

/// <summary>
/// Files that belong together (an MRC file and its sidecars, a profile and its plot), written all or none: each
/// goes to a temporary file in its target's folder, and <see cref="Commit"/> puts them all in place of their targets
/// once every one is complete. Files of the set that this write does not produce (a <c>.tlt</c> beside a stack that
/// now has no angles) are named with <see cref="RemoveStale"/> and removed in the same commit, so a set never mixes
/// new files with old ones. Cancellation is checked between writes, between the sections a writer reports and
/// before the commit; an error or a cancellation before <see cref="Commit"/>, or leaving the set without
/// committing, removes the temporary files and leaves the earlier files untouched. The commit moves the earlier
/// files aside, moves the new ones in and then deletes the earlier ones; when a move fails (a full disk, a folder
/// where a file should go), every move is undone, so the earlier set is back whole and nothing new is left.
/// </summary>
public sealed class AtomicFileSet : IDisposable
{
    readonly CancellationToken _cancel;
    readonly List<(string Temp, string Target)> _pending = new();
    readonly List<string> _stale = new();

    public AtomicFileSet(CancellationToken cancel = default) => _cancel = cancel;

    /// <summary>The token the set was made with, for writers that check it while they write.</summary>
    public CancellationToken Cancel => _cancel;

    /// <summary>Writes a file of the set to its temporary file, complete and flushed to disk; it becomes
    /// <paramref name="path"/> on <see cref="Commit"/>.</summary>
    public void Write(string path, Action<Stream> write)
    {
        _cancel.ThrowIfCancellationRequested();
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        bool kept = false;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                _cancel.ThrowIfCancellationRequested();
                stream.Flush(flushToDisk: true);
            }
            _pending.Add((temp, full));
            kept = true;
        }
        finally
        {
            if (!kept) Remove(temp);
        }
    }

    /// <summary>Writes text (UTF-8, no byte order mark) as a file of the set.</summary>
    public void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>Names files that belong to the set when it is written in full (companions of the same base name);
    /// those among them that this write did not produce (call it after the writes) are removed by
    /// <see cref="Commit"/>, together with the new files' arrival, and kept when the commit fails.</summary>
    public void RemoveStale(IEnumerable<string> companions)
    {
        var written = _pending.Select(p => p.Target).ToHashSet();
        foreach (var path in companions.Select(Path.GetFullPath))
            if (!written.Contains(path) && !_stale.Contains(path)) _stale.Add(path);
    }

    /// <summary>Puts every file written in place of its target, in the order written, and removes the stale
    /// companions, as one unit (see the class). A cancellation that arrives before this call removes the new files;
    /// once the moves begin they all happen, or all are undone.</summary>
    public void Commit()
    {
        _cancel.ThrowIfCancellationRequested();
        var aside = new List<(string Target, string Backup)>();
        var placed = new List<string>();
        try
        {
            foreach (var target in _pending.Select(p => p.Target).Concat(_stale))
            {
                if (!File.Exists(target)) continue;
                string backup = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.old");
                FaultHook?.Invoke(target);
                File.Move(target, backup);
                aside.Add((target, backup));
            }
            foreach (var (temp, target) in _pending)
            {
                FaultHook?.Invoke(target);
                File.Move(temp, target, overwrite: false);
                placed.Add(target);
            }
        }
        catch
        {
            // Undo in reverse: the new files out (back to their temporary names, which Dispose removes), the old ones back.
            foreach (var target in Enumerable.Reverse(placed))
            {
                var temp = _pending.First(p => p.Target == target).Temp;
                TryMove(target, temp);
            }
            foreach (var (target, backup) in Enumerable.Reverse(aside)) TryMove(backup, target);
            throw;
        }
        _pending.Clear();
        foreach (var (_, backup) in aside) Remove(backup);
    }

    /// <summary>For tests: called before each move of a commit with the target's path; an exception it throws
    /// stands for a move that failed (a full disk, a lost mount), so the undo can be checked on a real file set.</summary>
    internal static Action<string>? FaultHook { get => _faultHook; set => _faultHook = value; }

    [ThreadStatic] static Action<string>? _faultHook;

    /// <summary>Removes the temporary files of a set that was not committed.</summary>
    public void Dispose()
    {
        foreach (var (temp, _) in _pending) Remove(temp);
        _pending.Clear();
    }

    static void TryMove(string from, string to)
    {
        try
        {
            File.Move(from, to, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    // Best effort: a temporary file that cannot be removed must not hide the error or the stop that got here.
    static void Remove(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}

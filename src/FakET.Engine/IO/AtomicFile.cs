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
/// goes to a temporary file in its target's folder, and <see cref="Commit"/> renames them all over their targets
/// once every one is complete. Cancellation is checked between writes, between the sections a writer reports and
/// before the renames; an error or a cancellation before <see cref="Commit"/>, or leaving the set without
/// committing, removes the temporary files and leaves the earlier files untouched. The renames themselves are
/// quick and are never interrupted, so a stop never leaves part of a set renamed.
/// </summary>
public sealed class AtomicFileSet : IDisposable
{
    readonly CancellationToken _cancel;
    readonly List<(string Temp, string Target)> _pending = new();

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

    /// <summary>Renames every file written over its target, in the order written. A cancellation that arrives
    /// before this call removes them all; once the renames begin they all happen.</summary>
    public void Commit()
    {
        _cancel.ThrowIfCancellationRequested();
        while (_pending.Count > 0)
        {
            var (temp, target) = _pending[0];
            File.Move(temp, target, overwrite: true);
            _pending.RemoveAt(0);
        }
    }

    /// <summary>Removes the temporary files of a set that was not committed.</summary>
    public void Dispose()
    {
        foreach (var (temp, _) in _pending) Remove(temp);
        _pending.Clear();
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

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
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                cancel.ThrowIfCancellationRequested();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteAllText(string path, string text, CancellationToken cancel = default) =>
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        }, cancel);
}

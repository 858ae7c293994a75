namespace FakET.Jobs;

/// <summary>
/// A job's output directory:
/// <code>
/// faket-job.json        the record: what the job is and each submission (JobRecord)
/// faket-job.args.json   the script's named arguments
/// faket-job.sbatch      the array script, for sbatch and for bash (JobScript)
/// task_000/ ...         FAKET_TASK_OUTPUT of each task: what its script writes
/// logs/task_000.log     each task's standard output and error
/// status/task_000.exit  the task's exit code and why it ended, written by the array script when it ends
/// status/task_000.done  the done marker: written (atomically, by a rename) only after the script exited 0 with outputs
/// </code>
/// </summary>
public sealed class JobFiles(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);
    public string Record => Path.Combine(Directory, "faket-job.json");
    public string Arguments => Path.Combine(Directory, "faket-job.args.json");
    public string Script => Path.Combine(Directory, "faket-job.sbatch");
    public string Logs => Path.Combine(Directory, "logs");
    public string Status => Path.Combine(Directory, "status");

    /// <summary>Task names have at least three digits, more when the count needs them, so they sort.</summary>
    public static int Digits(int count) => Math.Max(3, (count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length);

    public static string TaskName(int index, int count) => "task_" + index.ToString("D" + Digits(count), System.Globalization.CultureInfo.InvariantCulture);

    public string TaskOutput(int index, int count) => Path.Combine(Directory, TaskName(index, count));
    public string Log(int index, int count) => Path.Combine(Logs, TaskName(index, count) + ".log");
    public string Exit(int index, int count) => Path.Combine(Status, TaskName(index, count) + ".exit");
    public string Done(int index, int count) => Path.Combine(Status, TaskName(index, count) + ".done");

    /// <summary>Forgets how a task ended, before it runs again: its exit file and done marker.</summary>
    public void ClearStatus(int index, int count)
    {
        File.Delete(Exit(index, count));
        File.Delete(Done(index, count));
    }

    /// <summary>The last <paramref name="lines"/> lines of a task's log, or null when it has none.</summary>
    public string? LogTail(int index, int count, int lines = 20)
    {
        string path = Log(index, count);
        if (!File.Exists(path)) return null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        const int window = 64 * 1024;   // enough for 20 lines; a huge log is not read whole
        if (stream.Length > window) stream.Seek(-window, SeekOrigin.End);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().TrimEnd('\n', '\r').Split('\n');
        return string.Join('\n', all.TakeLast(lines).Select(l => l.TrimEnd('\r')));
    }
}

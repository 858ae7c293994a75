using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;

namespace FakET.Host;

/// <summary>
/// faket's console: standard output for what Out-Default renders, standard error for errors, warnings and progress.
/// Every write goes through here, so a progress line drawn on a terminal is cleared before any other text.
/// </summary>
static class Terminal
{
    static readonly object Gate = new();

    /// <summary>The progress display on standard error.</summary>
    public static ProgressDisplay Progress { get; } = new(Gate, live: !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb");

    public static void Out(string text)
    {
        lock (Gate)
        {
            Progress.ClearLine();
            Console.Out.Write(text);
        }
    }

    public static void Error(string line)
    {
        lock (Gate)
        {
            Progress.ClearLine();
            Console.Out.Flush();
            Console.Error.WriteLine(line);
        }
    }

    /// <summary>The terminal's width where there is one, else 120 columns.</summary>
    public static int Width
    {
        get
        {
            try
            {
                return Console.IsOutputRedirected || Console.WindowWidth <= 0 ? 120 : Console.WindowWidth;
            }
            catch (IOException)
            {
                return 120;
            }
        }
    }
}

/// <summary>
/// Write-Progress on faket's console. On a terminal, the activities under way are one line on standard error, redrawn
/// in place (at most ten times a second) and cleared when they end or other text is written:
/// <c>New-TiltSeries › Projecting: tilt 12 of 61  20%  0:41 left</c>. When standard error is redirected (a log, a pipe,
/// a batch job) nothing is drawn: only a cmdlet's activity that ran for <see cref="LongStage"/> or more gets one line
/// when it ends, so a long job's log says where its time went.
/// </summary>
sealed class ProgressDisplay(object gate, bool live)
{
    /// <summary>How long a stage runs before a redirected log gets a line for it.</summary>
    public static readonly TimeSpan LongStage = TimeSpan.FromSeconds(10);
    static readonly TimeSpan Redraw = TimeSpan.FromMilliseconds(100);

    sealed record Activity(ProgressRecord Record, long Started, long Updated)
    {
        /// <summary>The last stage under this activity, "Styling: tilt 41 of 41", for the line a log gets.</summary>
        public string? LastChild { get; set; }
    }

    readonly Dictionary<(long Source, int Id), Activity> _active = new();
    readonly Stopwatch _clock = Stopwatch.StartNew();
    bool _shown;
    long _drawn = long.MinValue;

    public bool Live => live;

    public void Update(long sourceId, ProgressRecord record)
    {
        lock (gate)
        {
            long now = _clock.ElapsedTicks;
            var key = (sourceId, record.ActivityId);
            if (record.ParentActivityId >= 0 && _active.TryGetValue((sourceId, record.ParentActivityId), out var parent))
                parent.LastChild = $"{record.Activity}: {record.StatusDescription}";
            if (record.RecordType == ProgressRecordType.Completed)
            {
                if (_active.Remove(key, out var ended) && !live && record.ParentActivityId < 0 &&
                    Stopwatch.GetElapsedTime(ended.Started, now) >= LongStage)
                    Console.Error.WriteLine($"{ended.Record.Activity}: {ended.LastChild ?? ended.Record.StatusDescription} " +
                                            $"in {Duration(Stopwatch.GetElapsedTime(ended.Started, now))}");
                // Children end with their parent.
                foreach (var child in _active.Where(a => a.Key.Source == sourceId && a.Value.Record.ParentActivityId == record.ActivityId).Select(a => a.Key).ToList())
                    _active.Remove(child);
                if (live) Draw(now, force: true);
                return;
            }
            _active[key] = new Activity(record, _active.TryGetValue(key, out var known) ? known.Started : now, now) { LastChild = known?.LastChild };
            if (live) Draw(now, force: false);
        }
    }

    /// <summary>The pipeline ended: whatever was under way is over.</summary>
    public void End()
    {
        lock (gate)
        {
            _active.Clear();
            ClearLine();
        }
    }

    /// <summary>Clears the progress line, if one is drawn (the caller holds the gate).</summary>
    public void ClearLine()
    {
        if (!_shown) return;
        Console.Error.Write("\r\x1b[2K");
        Console.Error.Flush();
        _shown = false;
        _drawn = long.MinValue;
    }

    void Draw(long now, bool force)
    {
        if (!force && _drawn != long.MinValue && Stopwatch.GetElapsedTime(_drawn, now) < Redraw) return;
        if (_active.Count == 0)
        {
            ClearLine();
            return;
        }
        Console.Out.Flush();
        string line = Line(_active.MaxBy(a => a.Value.Updated));
        int width = Math.Max(20, Terminal.Width - 1);
        if (line.Length > width) line = line[..(width - 1)] + "…";
        Console.Error.Write("\r\x1b[2K" + line);
        Console.Error.Flush();
        _shown = true;
        _drawn = now;
    }

    /// <summary>The newest activity with its parents before it: "Parent › Child: status  20%  0:41 left".</summary>
    string Line(KeyValuePair<(long Source, int Id), Activity> newest)
    {
        var record = newest.Value.Record;
        var names = new List<string> { record.Activity };
        int parent = record.ParentActivityId;
        for (int depth = 0; parent >= 0 && depth < 8 && _active.TryGetValue((newest.Key.Source, parent), out var up); depth++)
        {
            names.Insert(0, up.Record.Activity);
            parent = up.Record.ParentActivityId;
        }
        string line = string.Join(" › ", names);
        if (record.StatusDescription is { Length: > 0 } status && status != record.Activity) line += ": " + status;
        if (record.PercentComplete >= 0) line += $"  {record.PercentComplete}%";
        if (record.SecondsRemaining >= 0) line += $"  {Duration(TimeSpan.FromSeconds(record.SecondsRemaining), tenths: false)} left";
        return line;
    }

    static string Duration(TimeSpan t, bool tenths = true) =>
        t.TotalSeconds < 60 ? t.TotalSeconds.ToString(tenths ? "0.0" : "0", CultureInfo.InvariantCulture) + " s"
        : t.TotalHours < 1 ? $"{(int)t.TotalMinutes}:{t.Seconds:00}"
        : $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}";
}

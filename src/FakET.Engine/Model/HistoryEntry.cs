namespace FakET;

/// <summary>One step that made a tilt series or a volume: what ran, when, with which parameters.</summary>
/// <param name="Step">The operation, by its cmdlet name (e.g. <c>Add-TiltNoise</c>).</param>
/// <param name="Summary">A few words for display, e.g. <c>noisy (seed 1)</c>.</param>
/// <param name="Parameters">Every parameter that affects the result, as plain values (numbers, strings, arrays).</param>
/// <param name="Time">When the step ran (UTC).</param>
public sealed record HistoryEntry(string Step, string Summary, IReadOnlyDictionary<string, object?> Parameters, DateTimeOffset Time)
{
    public static HistoryEntry Now(string step, string summary, IReadOnlyDictionary<string, object?>? parameters = null) =>
        new(step, summary, parameters ?? new Dictionary<string, object?>(), DateTimeOffset.UtcNow);

    public override string ToString() => $"{Step}: {Summary}";
}

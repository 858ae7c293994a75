using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakET.IO;

/// <summary>
/// The JSON file beside an MRC file (same name, <c>.json</c>, as FakET's own <c>save_conf</c>) that holds
/// the whole history of the data, so any output says exactly how it was made.
/// </summary>
public static class HistorySidecar
{
    public const string Format = "FakET.PowerShell/history";

    /// <summary>What a sidecar holds.</summary>
    public sealed record Contents(IReadOnlyList<HistoryEntry> History, IReadOnlyList<double>? TiltAngles,
        IReadOnlyList<double>? AcquisitionOrder = null, JsonObject? Labels = null);

    public static string PathFor(string mrcPath) => Path.ChangeExtension(mrcPath, ".json");

    /// <summary>Writes the sidecar of <paramref name="mrcPath"/> (atomically).</summary>
    public static void Write(string mrcPath, ImageStack stack, CancellationToken cancel = default) =>
        AtomicFile.WriteAllText(PathFor(mrcPath), Text(stack, mrcPath), cancel);

    /// <summary>The sidecar's JSON text for <paramref name="stack"/> written to <paramref name="mrcPath"/>: a labelled
    /// volume's labels too (<see cref="LabelSidecar"/>), naming its mask files beside that path.</summary>
    public static string Text(ImageStack stack, string mrcPath)
    {
        var root = new JsonObject
        {
            ["format"] = Format,
            ["formatVersion"] = 1,
            ["kind"] = stack is TiltSeries ? "TiltSeries" : "Volume",
            ["shape"] = new JsonArray(stack.Count, stack.Height, stack.Width),
            ["pixelSize"] = stack.PixelSize,
        };
        if (stack is TiltSeries { TiltAngles: { } angles })
            root["tiltAngles"] = new JsonArray(angles.Select(a => (JsonNode?)a).ToArray());
        if (stack is TiltSeries { AcquisitionOrder: { } order })
            root["acquisitionOrder"] = new JsonArray(order.Select(a => (JsonNode?)a).ToArray());
        if (stack is Volume { Labels: { } labels }) root["labels"] = LabelSidecar.ToJson(labels, mrcPath);
        root["history"] = ToJson(stack.History);
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The history stored beside <paramref name="mrcPath"/>, or <c>null</c> when there is none, it is
    /// unreadable, or it describes data of another shape (the MRC file was replaced since).</summary>
    public static Contents? TryRead(string mrcPath, int count, int height, int width)
    {
        string path = PathFor(mrcPath);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            if (root?["format"]?.GetValue<string>() != Format) return null;
            var shape = root["shape"]?.AsArray().Select(n => n!.GetValue<int>()).ToArray();
            if (shape is null || shape.Length != 3 || shape[0] != count || shape[1] != height || shape[2] != width) return null;
            var history = FromJson(root["history"] as JsonArray);
            var angles = root["tiltAngles"]?.AsArray().Select(n => n!.GetValue<double>()).ToArray();
            var order = root["acquisitionOrder"]?.AsArray().Select(n => n!.GetValue<double>()).ToArray();
            return new Contents(history, angles is { Length: > 0 } && angles.Length == count ? angles : null,
                order is { Length: > 0 } && order.Length == count ? order : null, root["labels"] as JsonObject);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>History entries as a JSON array (also used by other files that carry a history, e.g. noise profiles).</summary>
    public static JsonArray ToJson(IEnumerable<HistoryEntry> history)
    {
        var steps = new JsonArray();
        foreach (var entry in history)
        {
            steps.Add(new JsonObject
            {
                ["step"] = entry.Step,
                ["summary"] = entry.Summary,
                ["time"] = entry.Time.ToString("O"),
                ["parameters"] = JsonSerializer.SerializeToNode(entry.Parameters),
            });
        }
        return steps;
    }

    /// <summary>History entries from a JSON array that <see cref="ToJson"/> wrote; entries that are not objects are skipped.</summary>
    public static List<HistoryEntry> FromJson(JsonArray? steps)
    {
        var history = new List<HistoryEntry>();
        foreach (var node in steps ?? new JsonArray())
        {
            if (node is not JsonObject step) continue;
            var parameters = new Dictionary<string, object?>();
            if (step["parameters"] is JsonObject p)
                foreach (var (key, value) in p) parameters[key] = Plain(value);
            history.Add(new HistoryEntry(
                step["step"]?.GetValue<string>() ?? "?",
                step["summary"]?.GetValue<string>() ?? "",
                parameters,
                DateTimeOffset.TryParse(step["time"]?.GetValue<string>(), out var t) ? t : DateTimeOffset.MinValue));
        }
        return history;
    }

    /// <summary>A JSON value as a plain .NET value: long, double, string, bool, object[] or a dictionary.</summary>
    static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonArray a => a.Select(Plain).ToArray(),
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => Plain(kv.Value)),
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => node.ToString(),
    };
}

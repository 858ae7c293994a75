using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakET.IO;
using FakET.Preview;
using ScottPlot;

namespace FakET.Picking;

/// <summary>
/// A picker on disk: <c>name.safetensors</c> (the weights, float32, named <c>enc1a.weight</c>...), <c>name.json</c> (the
/// architecture, class names, voxel size, patch size, training settings and history) and, when asked, <c>name_loss.png</c>
/// (the loss curve and validation F1), written all or none.
/// </summary>
public static class PickerFiles
{
    /// <summary>The format's name in the JSON file.</summary>
    public const string Format = "faket-picker";

    /// <summary>The three files of a picker at <paramref name="path"/> (with or without .safetensors/.json).</summary>
    public static (string Weights, string Json, string Png) Files(string path)
    {
        string stem = path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? path[..^".safetensors".Length]
            : path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? path[..^".json".Length] : path;
        return (stem + ".safetensors", stem + ".json", stem + "_loss.png");
    }

    /// <summary>Writes <paramref name="model"/> (and its loss curve when <paramref name="plot"/>), all files or none.</summary>
    public static void Write(string path, PickerModel model, bool plot, CancellationToken cancel = default)
    {
        var files = Files(path);
        using var set = new AtomicFileSet(cancel);
        set.Write(files.Weights, s => WriteSafeTensors(s, model.Plan.SelectMany(c => new[]
        {
            (c.Name + ".weight", c.WeightShape, model.Weights[c.Name + ".weight"]),
            (c.Name + ".bias", new long[] { c.Out }, model.Weights[c.Name + ".bias"]),
        }), new Dictionary<string, string> { ["format"] = Format }));
        set.WriteAllText(files.Json, Describe(model).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (plot) set.Write(files.Png, s => s.Write(LossPng(model)));
        set.Commit();
    }

    /// <summary>Reads a picker written by <see cref="Write"/>.</summary>
    public static PickerModel Read(string path)
    {
        var files = Files(path);
        foreach (var file in new[] { files.Weights, files.Json })
            if (!File.Exists(file))
                throw new FakETException(PickingErrorIds.ModelInvalid, FailureKind.ObjectNotFound, $"'{file}' does not exist: a picker is a .safetensors and a .json file side by side.");
        JsonNode json;
        try { json = JsonNode.Parse(File.ReadAllText(files.Json)) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw Invalid(files.Json, e.Message); }
        if ((string?)json["format"] != Format) throw Invalid(files.Json, $"its format is not '{Format}'");
        try
        {
            double width = (double)json["width"]!;
            var names = json["classes"]!.AsArray().Select(n => (string)n!).ToArray();
            var plan = PickerArchitecture.Plan(width, names.Length + 1);
            var tensors = SafeTensorsFile.Open(files.Weights);
            var weights = new Dictionary<string, float[]>();
            foreach (var c in plan)
            {
                weights[c.Name + ".weight"] = tensors.ReadFloat32(c.Name + ".weight", c.WeightShape);
                weights[c.Name + ".bias"] = tensors.ReadFloat32(c.Name + ".bias", new long[] { c.Out });
            }
            var settings = json["settings"]?.AsObject().ToDictionary(p => p.Key, p => Plain(p.Value)) ?? new Dictionary<string, object?>();
            return new PickerModel(width, names, weights, (double)json["voxelSize"]!, (int)json["patchSize"]!, settings,
                ReadHistory(json["history"]), (int?)json["bestStep"]);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw Invalid(files.Json, "it lacks a field or has one of the wrong kind (" + e.Message + ")");
        }
    }

    static FakETException Invalid(string file, string why) =>
        new(PickingErrorIds.ModelInvalid, FailureKind.InvalidData, $"'{Path.GetFileName(file)}' is not a picker's description: {why}.");

    static JsonObject Describe(PickerModel model)
    {
        var (c1, c2, c3) = PickerArchitecture.Channels(model.Width);
        var settings = new JsonObject();
        foreach (var (key, value) in model.Settings) settings[key] = JsonSerializer.SerializeToNode(value);
        return new JsonObject
        {
            ["format"] = Format,
            ["architecture"] = "DeepFinder 3-D U-Net (Moebel et al. 2021)",
            ["width"] = model.Width,
            ["channels"] = new JsonArray(c1, c2, c3),
            ["parameters"] = model.ParameterCount,
            ["classes"] = new JsonArray(model.ClassNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["voxelSize"] = model.VoxelSize,
            ["patchSize"] = model.PatchSize,
            ["bestStep"] = model.BestStep,
            ["settings"] = settings,
            ["history"] = WriteHistory(model.History),
        };
    }

    internal static JsonArray WriteHistory(IEnumerable<PickerHistoryPoint> history) =>
        new(history.Select(h => (JsonNode?)new JsonObject { ["step"] = h.Step, ["loss"] = h.Loss, ["validationF1"] = h.ValidationF1 }).ToArray());

    internal static List<PickerHistoryPoint> ReadHistory(JsonNode? history) =>
        history?.AsArray().Select(h => new PickerHistoryPoint((int)h!["step"]!, (double)h["loss"]!, (double?)h["validationF1"])).ToList()
        ?? new List<PickerHistoryPoint>();

    static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out long l) => l,
        JsonValue v when v.TryGetValue(out double d) => d,
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v => v.ToString(),
        _ => node.ToJsonString(),
    };

    /// <summary>Writes float32 tensors as a safetensors file (8-byte little-endian header length, JSON header padded with
    /// spaces to 8 bytes, then the data in order), as the format's specification describes.</summary>
    internal static void WriteSafeTensors(Stream stream, IEnumerable<(string Name, long[] Shape, float[] Values)> tensors,
        IReadOnlyDictionary<string, string> metadata)
    {
        var list = tensors.ToList();
        var header = new JsonObject { ["__metadata__"] = new JsonObject(metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)JsonValue.Create(m.Value)))) };
        long offset = 0;
        foreach (var (name, shape, values) in list)
        {
            long end = offset + 4L * values.LongLength;
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(shape.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, end),
            };
            offset = end;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        stream.Write(prefix);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
        var buffer = new byte[1 << 16];
        foreach (var (_, _, values) in list)
            for (int start = 0; start < values.Length; start += buffer.Length / 4)
            {
                int n = Math.Min(buffer.Length / 4, values.Length - start);
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), values[start + i]);
                stream.Write(buffer, 0, 4 * n);
            }
    }

    /// <summary>The loss per step (blue) and the validation voxel F1 (red points), as PNG bytes.</summary>
    public static byte[] LossPng(PickerModel model, int width = 900, int height = 640)
    {
        float scale = PictureStyle.Scale(width / 2, height);
        var figure = new Multiplot();
        figure.AddPlots(2);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var loss = figure.GetPlot(0);
        var f1 = figure.GetPlot(1);
        PictureStyle.Apply(loss, scale);
        PictureStyle.Apply(f1, scale);
        loss.Title("training loss (Tversky)");
        loss.XLabel("step");
        loss.YLabel("loss");
        var steps = model.History.Select(h => (double)h.Step).ToArray();
        if (steps.Length > 0) PictureStyle.Line(loss, steps, model.History.Select(h => h.Loss).ToArray(), PictureStyle.Blue, "loss", scale);
        f1.Title("validation voxel F1");
        f1.XLabel("step");
        f1.YLabel("F1");
        var validated = model.History.Where(h => h.ValidationF1 is not null).ToArray();
        if (validated.Length > 0)
            PictureStyle.Points(f1, validated.Select(h => (double)h.Step).ToArray(), validated.Select(h => h.ValidationF1!.Value).ToArray(),
                PictureStyle.Red, "validation F1", scale);
        return PlotPicture.Render(figure, width, height).Png;
    }
}

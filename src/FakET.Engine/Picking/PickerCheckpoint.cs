using System.Text.Json.Nodes;
using FakET.IO;

namespace FakET.Picking;

/// <summary>
/// A training's checkpoint: one safetensors file holding the weights (<c>weights/…</c>), Adam's moments (<c>adam_m/…</c>,
/// <c>adam_v/…</c>) and the best weights so far (<c>best/…</c>), with the step, seed, classes, history and best step in
/// its metadata. It is written atomically (complete or not at all, the previous one kept until then).
/// </summary>
internal static class PickerCheckpoint
{
    const string Format = "faket-picker-checkpoint";

    public static void Write(string path, PickerNetwork network, PickerTraining.Adam adam, PickerTraining.TrainingState state, int seed,
        IReadOnlyList<string> names, CancellationToken cancel)
    {
        var weights = network.Weights();
        var (m, v) = adam.Moments();
        var shapes = network.Parameters.ToDictionary(p => p.Name, p => p.Tensor.shape);
        var tensors = new List<(string, long[], float[])>();
        foreach (var name in shapes.Keys)
        {
            tensors.Add(("weights/" + name, shapes[name], weights[name]));
            tensors.Add(("adam_m/" + name, shapes[name], m[name]));
            tensors.Add(("adam_v/" + name, shapes[name], v[name]));
            if (state.Best is { } best) tensors.Add(("best/" + name, shapes[name], best[name]));
        }
        var meta = new JsonObject
        {
            ["step"] = state.Step,
            ["seed"] = seed,
            ["classes"] = new JsonArray(names.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["bestStep"] = state.BestStep,
            ["bestF1"] = state.BestF1,
            ["history"] = PickerFiles.WriteHistory(state.History),
        };
        AtomicFile.Write(path, s => PickerFiles.WriteSafeTensors(s, tensors,
            new Dictionary<string, string> { ["format"] = Format, ["state"] = meta.ToJsonString() }), cancel);
    }

    public static PickerTraining.TrainingState Read(string path, IReadOnlyList<PickerConvolution> plan, int seed, IReadOnlyList<string> names)
    {
        var file = SafeTensorsFile.Open(path);
        string name = Path.GetFileName(path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != Format || !file.Metadata.TryGetValue("state", out var text))
            throw new FakETException(PickingErrorIds.CheckpointMismatch, FailureKind.InvalidData, $"'{name}' is not a picker training checkpoint.");
        var meta = JsonNode.Parse(text)!;
        var classes = meta["classes"]!.AsArray().Select(n => (string)n!).ToArray();
        if ((int)meta["seed"]! != seed || !classes.SequenceEqual(names))
            throw new FakETException(PickingErrorIds.CheckpointMismatch, FailureKind.InvalidArgument,
                $"'{name}' was written by a training with seed {(int)meta["seed"]!} and classes {string.Join(", ", classes)}; this one has seed {seed} and classes {string.Join(", ", names)}. Give the same -Seed and samples to resume.");
        Dictionary<string, float[]> Group(string prefix)
        {
            var group = new Dictionary<string, float[]>();
            foreach (var c in plan)
            {
                group[c.Name + ".weight"] = file.ReadFloat32(prefix + c.Name + ".weight", c.WeightShape);
                group[c.Name + ".bias"] = file.ReadFloat32(prefix + c.Name + ".bias", new long[] { c.Out });
            }
            return group;
        }
        var state = new PickerTraining.TrainingState(Group("weights/"))
        {
            Step = (int)meta["step"]!,
            FirstMoments = Group("adam_m/"),
            SecondMoments = Group("adam_v/"),
            BestStep = (int?)meta["bestStep"],
            BestF1 = (double?)meta["bestF1"],
        };
        if (state.BestStep is not null) state.Best = Group("best/");
        state.History.AddRange(PickerFiles.ReadHistory(meta["history"]));
        return state;
    }
}

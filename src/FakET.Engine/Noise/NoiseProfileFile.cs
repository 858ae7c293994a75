using System.Text.Json;
using System.Text.Json.Nodes;
using FakET.IO;

namespace FakET.Noise;

/// <summary>
/// A noise profile as JSON: the per-tilt arrays (<c>r</c>, <c>sigma</c>, <c>referenceMean</c>, <c>referenceStd</c>,
/// <c>tiltAngles</c>) at the top level, where any program can read them, the fit order, the <c>estimate</c> (<c>Paired</c> or <c>HalfSet</c>;
/// files without it are paired), the curves measured on each
/// reference pair, and the history. Numbers are written so that they read back exactly.
/// </summary>
public static class NoiseProfileFile
{
    public const string Format = "FakET.PowerShell/noise-profile";
    public const int FormatVersion = 1;

    public static string ToJson(NoiseProfile profile)
    {
        var root = new JsonObject
        {
            ["format"] = Format,
            ["formatVersion"] = FormatVersion,
            ["tiltCount"] = profile.TiltCount,
            ["polynomialOrder"] = profile.PolynomialOrder,
            ["estimate"] = profile.Estimate.ToString(),
            ["tiltAngles"] = profile.TiltAngles is { } angles ? Array(angles) : null,
        };
        var values = profile.Values.All;
        for (int c = 0; c < 4; c++) root[NoiseCurves.Names[c]] = Array(values[c]);
        var measured = new JsonArray();
        foreach (var m in profile.Measurements)
        {
            var item = new JsonObject { ["source"] = m.Source };
            for (int c = 0; c < 4; c++) item[NoiseCurves.Names[c]] = Array(m.All[c]);
            measured.Add(item);
        }
        root["measured"] = measured;
        root["history"] = HistorySidecar.ToJson(profile.History);
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        static JsonArray Array(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)v).ToArray());
    }

    /// <summary>Reads a profile that <see cref="ToJson"/> wrote; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="FakETException"><see cref="ErrorIds.NoiseProfileInvalid"/> when it is not such a file.</exception>
    public static NoiseProfile FromJson(string json, string source)
    {
        try
        {
            if (JsonNode.Parse(json) is not JsonObject root) throw Invalid(source, "it is not a JSON object");
            if (root["format"]?.GetValue<string>() != Format) throw Invalid(source, $"its \"format\" is not \"{Format}\"");
            int version = root["formatVersion"]?.GetValue<int>() ?? 0;
            if (version != FormatVersion) throw Invalid(source, $"it has format version {version}; this module reads version {FormatVersion}");
            var curves = Curves(root, source, "the profile");
            var angles = root["tiltAngles"] is JsonArray a ? Numbers(a, source, "tiltAngles") : null;
            int order = root["polynomialOrder"]?.GetValue<int>() ?? throw Invalid(source, "\"polynomialOrder\" is missing");
            var measured = new List<NoiseCurves>();
            foreach (var node in root["measured"] as JsonArray ?? new JsonArray())
            {
                if (node is not JsonObject item) throw Invalid(source, "an entry of \"measured\" is not an object");
                var m = Curves(item, source, "a measurement");
                measured.Add(m with { Source = item["source"]?.GetValue<string>() ?? "" });
            }
            var history = HistorySidecar.FromJson(root["history"] as JsonArray);
            // Profiles written before half-sets existed were all paired.
            var estimate = root["estimate"]?.GetValue<string>() is { } named
                ? Enum.TryParse<NoiseEstimate>(named, out var parsed) && Enum.IsDefined(parsed) ? parsed : throw Invalid(source, $"\"estimate\" is \"{named}\", not Paired or HalfSet")
                : NoiseEstimate.Paired;
            measured = measured.Select(m => m with { Estimate = estimate }).ToList();
            try
            {
                return new NoiseProfile(curves, angles, order, measured, history, estimate);
            }
            catch (FakETException e)
            {
                throw Invalid(source, e.Message);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw Invalid(source, e.Message);
        }
        catch (ArgumentException e)
        {
            // System.Text.Json reports an object with a key twice this way, when the object is first read.
            throw Invalid(source, $"an object in it has a key twice ({e.Message})");
        }
    }

    static NoiseCurves Curves(JsonObject o, string source, string what)
    {
        var c = NoiseCurves.Names.Select(name => o[name] is JsonArray a ? Numbers(a, source, name) : throw Invalid(source, $"{what} has no \"{name}\" array")).ToArray();
        return new NoiseCurves(c[0], c[1], c[2], c[3]);
    }

    static double[] Numbers(JsonArray array, string source, string name) =>
        array.Select(n => n is JsonValue v && v.TryGetValue<double>(out var d) ? d : throw Invalid(source, $"\"{name}\" holds something that is not a number")).ToArray();

    static FakETException Invalid(string source, string why) =>
        new(ErrorIds.NoiseProfileInvalid, FailureKind.InvalidData, $"{source} is not a noise profile that this module can read: {why}.");

    /// <summary>Writes the profile as JSON to <paramref name="path"/> and, with <paramref name="plot"/> (width, height),
    /// its plot beside it as <c>.png</c>, as one set (<see cref="AtomicFileSet"/>): both or neither, and without a plot
    /// an earlier plot of the same name is removed, so a plot never shows another profile than the JSON beside it.</summary>
    public static void Write(string path, NoiseProfile profile, (int Width, int Height)? plot = null, CancellationToken cancel = default)
    {
        string png = PlotPath(path);
        using var files = new AtomicFileSet(cancel);
        files.WriteAllText(path, ToJson(profile));
        if (plot is var (width, height))
        {
            var image = NoiseProfilePlot.Png(profile, width, height);
            files.Write(png, stream => stream.Write(image));
        }
        if (!string.Equals(Path.GetFullPath(png), Path.GetFullPath(path), StringComparison.Ordinal)) files.RemoveStale(new[] { png });
        files.Commit();
    }

    /// <summary>Where a profile's plot goes: the same name with <c>.png</c>.</summary>
    public static string PlotPath(string path) => Path.ChangeExtension(path, ".png");

    /// <summary>Reads a profile from <paramref name="path"/>.</summary>
    public static NoiseProfile Read(string path) => FromJson(File.ReadAllText(path), Path.GetFileName(path));
}

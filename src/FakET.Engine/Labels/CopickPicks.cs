using System.Text.Json;
using System.Text.Json.Nodes;
using FakET.Phantom;

namespace FakET.Labels;

/// <summary>
/// A copick pick file (copick's <c>CopickPicksFile</c>, <c>src/copick/models.py</c>): one object's picks in one run,
/// <c>{"pickable_object_name", "user_id", "session_id", "run_name", "voxel_spacing", "unit": "angstrom",
/// "points": [{"location": {"x", "y", "z"}, "transformation_": 4×4, "instance_id", "score"}], "trust_orientation"}</c>.
/// Locations are in Å; a point's centre is its location plus its transformation's translation, and its voxel index that
/// divided by the voxel spacing (the file's, else <see cref="ParticleReadOptions.VoxelSize"/>). The transformation's
/// rotation M is RELION's matrix: copick writes RELION angles as <c>Rotation.from_matrix(M).inv().as_euler("ZYZ")</c>
/// (<c>_relion_eulers</c>, <c>src/copick/util/formats.py</c>), so the rotation that turns the reference into the particle,
/// as <see cref="StarParticles"/> reads RELION's angles, is Mᵀ. With <c>trust_orientation</c> false the angles are 0.
/// Class is the object's name, Tomogram the run, Id the instance id, Score the score. <see cref="Format"/> writes the same
/// fields: the centre as the location, a zero translation, and Rᵀ as the rotation, R the entry's <see cref="ParticleEntry.Rotation"/>.
/// </summary>
public static class CopickPicks
{
    /// <summary>One object's picks in one run as a copick pick file: each entry's centre in Å (voxel index × voxel
    /// spacing), its orientation as <c>transformation_</c> (see the class) and its id as <c>instance_id</c>.</summary>
    public static string Format(IEnumerable<ParticleEntry> entries, string objectName, string user, string session, string run, double voxelSpacing)
    {
        var points = new JsonArray();
        foreach (var e in entries)
        {
            var r = e.Rotation();
            var transformation = new JsonArray();
            for (int i = 0; i < 4; i++)
            {
                var row = new JsonArray();
                for (int j = 0; j < 4; j++) row.Add(i < 3 && j < 3 ? r[j, i] : i == j ? 1.0 : 0.0);
                transformation.Add(row);
            }
            points.Add(new JsonObject
            {
                ["location"] = new JsonObject { ["x"] = e.X * voxelSpacing, ["y"] = e.Y * voxelSpacing, ["z"] = e.Z * voxelSpacing },
                ["transformation_"] = transformation,
                ["instance_id"] = e.Id ?? 0,
                ["score"] = e.Score ?? 1.0,
            });
        }
        return new JsonObject
        {
            ["pickable_object_name"] = objectName,
            ["user_id"] = user,
            ["session_id"] = session,
            ["run_name"] = run,
            ["voxel_spacing"] = voxelSpacing,
            ["unit"] = "angstrom",
            ["points"] = points,
            ["trust_orientation"] = true,
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The entries of a copick pick file.</summary>
    public static IReadOnlyList<ParticleEntry> Read(string text, string path, ParticleReadOptions options, CancellationToken cancel = default)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw ParticleLists.ParseError(path, (int)(e.LineNumber ?? 0) + 1, "not valid JSON: " + e.Message);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw ParticleLists.ParseError(path, "the top level", "a copick pick file is a JSON object.");
            string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            string name = Text("pickable_object_name") ?? throw ParticleLists.ParseError(path, "the top level", "there is no pickable_object_name.");
            string unit = Text("unit") ?? "angstrom";
            if (!unit.Equals("angstrom", StringComparison.OrdinalIgnoreCase))
                throw ParticleLists.ParseError(path, "unit", $"the unit is '{unit}'; copick picks are read in angstrom.");
            double? spacing = root.TryGetProperty("voxel_spacing", out var vs) && vs.ValueKind == JsonValueKind.Number ? vs.GetDouble() : null;
            spacing ??= options.VoxelSize;
            bool orientation = !(root.TryGetProperty("trust_orientation", out var trust) && trust.ValueKind == JsonValueKind.False);
            var entries = new List<ParticleEntry>();
            if (!root.TryGetProperty("points", out var points) || points.ValueKind == JsonValueKind.Null) return entries;
            if (points.ValueKind != JsonValueKind.Array) throw ParticleLists.ParseError(path, "points", "points is not an array.");
            if (points.GetArrayLength() > 0 && spacing is null)
                throw new FakETException(ErrorIds.ParticleListGeometryMissing, FailureKind.InvalidArgument,
                    $"'{path}' gives picks in Å and no voxel_spacing: give -VoxelSize, the Å per voxel of the tomogram they are for.");
            int index = 0;
            foreach (var point in points.EnumerateArray())
            {
                ParticleLists.Check(cancel, index);
                entries.Add(Point(point, $"points[{index}]", path, spacing!.Value, orientation) with
                {
                    Class = name,
                    Tomogram = Text("run_name"),
                });
                index++;
            }
            return entries;
        }
    }

    static ParticleEntry Point(JsonElement point, string where, string path, double spacing, bool orientation)
    {
        FakETException Error(string message) => ParticleLists.ParseError(path, where, message);
        if (point.ValueKind != JsonValueKind.Object) throw Error("a point is a JSON object.");
        if (!point.TryGetProperty("location", out var location) || location.ValueKind != JsonValueKind.Object) throw Error("the point has no location.");
        double Coordinate(string axis) => location.TryGetProperty(axis, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble()
            : throw Error($"location.{axis} is missing or not a number.");
        double x = Coordinate("x"), y = Coordinate("y"), z = Coordinate("z");
        var m = new double[4, 4] { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } };
        if (point.TryGetProperty("transformation_", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            if (t.ValueKind != JsonValueKind.Array || t.GetArrayLength() != 4 ||
                t.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.Array || r.GetArrayLength() != 4 || r.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number)))
                throw Error("transformation_ is not a 4×4 array of numbers.");
            int i = 0;
            foreach (var r in t.EnumerateArray())
            {
                int j = 0;
                foreach (var v in r.EnumerateArray()) m[i, j++] = v.GetDouble();
                i++;
            }
        }
        var rotation = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                rotation[i, j] = m[j, i];
        var entry = new ParticleEntry
        {
            Class = "",
            X = (x + m[0, 3]) / spacing, Y = (y + m[1, 3]) / spacing, Z = (z + m[2, 3]) / spacing,
            Id = point.TryGetProperty("instance_id", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt32() : null,
            Score = point.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number ? score.GetDouble() : null,
        };
        return orientation ? entry.WithRotation(rotation) : entry;
    }
}

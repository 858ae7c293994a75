using System.Globalization;
using System.Text;
using FakET.Labels;

namespace FakET.IO;

/// <summary>
/// A tilt series as RELION 5's tomography pipeline describes one after tilt-series alignment: a row of the global
/// <c>tomograms.star</c> (block <c>data_global</c>: _rlnTomoName, _rlnTomoTiltSeriesStarFile, _rlnVoltage,
/// _rlnSphericalAberration, _rlnAmplitudeContrast, _rlnMicrographOriginalPixelSize, _rlnTomoHand, _rlnOpticsGroupName,
/// _rlnTomoTiltSeriesPixelSize) and the per-tilt STAR file <c>tilt_series/&lt;name&gt;.star</c> (block <c>data_&lt;name&gt;</c>,
/// one row per tilt in stack order: _rlnMicrographName as <c>n@stack.mrc</c>, RELION's image-in-stack name,
/// _rlnTomoNominalStageTiltAngle, _rlnTomoNominalTiltAxisAngle, _rlnMicrographPreExposure (e⁻/Å² before the tilt, from the
/// recording order), and, as the series is perfectly aligned, _rlnTomoXTilt 0, _rlnTomoYTilt = the tilt angle,
/// _rlnTomoZRot 0, _rlnTomoXShiftAngst and _rlnTomoYShiftAngst 0; with a known defocus also _rlnDefocusU and _rlnDefocusV
/// in Å, underfocus positive, and _rlnDefocusAngle 0). Column names are those of RELION 5's STAR files (version 50001).
/// The tilt axis is the image's Y axis, so its angle is 0°. <c>tomograms.star</c> keeps the rows of other tomograms it
/// already lists (same columns), so the series of one project can be written one by one into one folder.
/// </summary>
public static class Relion5TiltSeries
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The columns of tomograms.star, in order.</summary>
    public static readonly string[] TomogramColumns =
    {
        "_rlnTomoName", "_rlnTomoTiltSeriesStarFile", "_rlnVoltage", "_rlnSphericalAberration", "_rlnAmplitudeContrast",
        "_rlnMicrographOriginalPixelSize", "_rlnTomoHand", "_rlnOpticsGroupName", "_rlnTomoTiltSeriesPixelSize",
    };

    /// <summary>Where the global file goes: <c>tomograms.star</c> beside the stack.</summary>
    public static string TomogramsPath(string stackPath) => Path.Combine(Folder(stackPath), "tomograms.star");

    /// <summary>Where the per-tilt file goes: <c>tilt_series/&lt;name&gt;.star</c> beside the stack.</summary>
    public static string TiltSeriesPath(string stackPath) => Path.Combine(Folder(stackPath), "tilt_series", Name(stackPath) + ".star");

    /// <summary>The tomogram's name: the stack's file name without its extension.</summary>
    public static string Name(string stackPath) => Path.GetFileNameWithoutExtension(stackPath);

    static string Folder(string stackPath) => Path.GetDirectoryName(Path.GetFullPath(stackPath))!;

    /// <summary>The text of tomograms.star with this series' row, after the other tomograms' rows of <paramref name="existing"/>
    /// (the current file's text, or null).</summary>
    public static string TomogramsText(TiltMetadata metadata, string stackPath, string? existing)
    {
        string name = Name(stackPath);
        var rows = new List<string[]>();
        if (existing is not null)
        {
            try
            {
                var loop = StarTables.Parse(existing, TomogramsPath(stackPath)).FirstOrDefault(b => b.Name == "global")?.Loops.FirstOrDefault();
                if (loop is not null && loop.Columns.SequenceEqual(TomogramColumns, StringComparer.OrdinalIgnoreCase))
                    rows.AddRange(loop.Rows.Select(r => r.Values).Where(v => v[0] != name));
            }
            catch (FakETException)
            {
                // A tomograms.star that does not parse is replaced, as any other file the export writes.
            }
        }
        rows.Add(new[]
        {
            name, Path.GetRelativePath(Folder(stackPath), TiltSeriesPath(stackPath)).Replace('\\', '/'),
            Number(metadata.Voltage), Number(metadata.SphericalAberration), Number(metadata.AmplitudeContrast),
            Number(metadata.PixelSize), "1", "optics1", Number(metadata.PixelSize),
        });
        var text = new StringBuilder("\n# version 50001\n\ndata_global\n\n");
        Loop(text, TomogramColumns, rows);
        return text.ToString();
    }

    /// <summary>The text of the per-tilt STAR file.</summary>
    public static string TiltSeriesText(TiltMetadata metadata, string stackPath)
    {
        string name = Name(stackPath), stack = Path.GetFileName(stackPath);
        var columns = new List<string>
        {
            "_rlnMicrographName", "_rlnTomoNominalStageTiltAngle", "_rlnTomoNominalTiltAxisAngle", "_rlnMicrographPreExposure",
            "_rlnTomoXTilt", "_rlnTomoYTilt", "_rlnTomoZRot", "_rlnTomoXShiftAngst", "_rlnTomoYShiftAngst",
        };
        if (metadata.Defocus is not null) columns.AddRange(new[] { "_rlnDefocusU", "_rlnDefocusV", "_rlnDefocusAngle" });
        var rows = metadata.Tilts.Select((t, i) =>
        {
            var row = new List<string> { $"{i + 1}@{stack}", Number(t.Angle), "0", Number(t.PriorDose), "0", Number(t.Angle), "0", "0", "0" };
            if (metadata.Defocus is { } defocus) row.AddRange(new[] { Number(defocus * 1e4), Number(defocus * 1e4), "0" });
            return row.ToArray();
        }).ToList();
        var text = new StringBuilder($"\n# version 50001\n\ndata_{name}\n\n");
        Loop(text, columns, rows);
        return text.ToString();
    }

    static void Loop(StringBuilder text, IReadOnlyList<string> columns, IEnumerable<string[]> rows)
    {
        text.Append("loop_\n");
        for (int i = 0; i < columns.Count; i++) text.Append(columns[i]).Append(" #").Append(i + 1).Append('\n');
        foreach (var row in rows) text.Append(string.Join(' ', row.Select(StarTables.Value))).Append('\n');
        text.Append('\n');
    }

    static string Number(double value) => value.ToString("0.0#####", Invariant);
}

using System.Globalization;
using FakET.IO;
using FakET.Stages;

namespace FakET.Labels;

/// <summary>File formats for particle lists.</summary>
public enum ParticleListFormat
{
    /// <summary>Comma-separated, by header names: id, class, class_name, x, y, z, phi, the, psi (ZXZ), and tomogram and
    /// clipped when any entry has them (<see cref="CsvParticles"/>).</summary>
    Csv,
    /// <summary>DeepFinder's XML object list: &lt;objlist&gt;&lt;object tomo_idx obj_id class_label x y z phi psi the/&gt;…
    /// (<see cref="DeepFinderXml"/>).</summary>
    DeepFinderXml,
    /// <summary>RELION 3.0, 3.1 and 4 STAR: _rlnCoordinateX/Y/Z in voxels, rot/tilt/psi, class number, tomogram name
    /// (<see cref="StarParticles"/>).</summary>
    Star,
    /// <summary>RELION 5 STAR: _rlnCenteredCoordinateX/Y/ZAngst, Å from the tomogram's centre (<see cref="Relion5Particles"/>).</summary>
    Relion5,
    /// <summary>SHREC'21 text: <c>CLASS x y z [rot1 rot2 rot3]</c> per line (<see cref="ShrecParticles"/>).</summary>
    Shrec,
    /// <summary>A copick pick file (JSON; points in Å) (<see cref="CopickPicks"/>).</summary>
    Copick,
}

/// <summary>What a reader needs to know that some files do not say: RELION 5 gives Å from the tomogram's centre, copick
/// gives Å (and may omit the voxel spacing).</summary>
public sealed record ParticleReadOptions
{
    /// <summary>Å per voxel of the tomogram the coordinates are for.</summary>
    public double? VoxelSize { get; init; }
    /// <summary>That tomogram's size in voxels (X, Y, Z).</summary>
    public (int X, int Y, int Z)? TomogramSize { get; init; }
}

/// <summary>
/// Particle lists in files: one reader and, for CSV, DeepFinder XML and STAR, one writer per format (one class per
/// format in this folder). Every entry read is in the model's terms (<see cref="ParticleEntry"/>): 0-based voxel indices of
/// its tomogram and ZXZ angles (<see cref="SampleLabels.EulerConvention"/>). A file that does not parse is the error
/// <see cref="ErrorIds.ParticleListParseError"/>, naming the file and the 1-based line.
/// </summary>
public static class ParticleLists
{
    /// <summary>The format a file name implies: .csv, .xml (DeepFinder), .star (RELION; RELION 5 is recognised by its
    /// columns when read), .txt (SHREC), .json (copick); <c>null</c> otherwise.</summary>
    public static ParticleListFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => ParticleListFormat.Csv,
        ".xml" => ParticleListFormat.DeepFinderXml,
        ".star" => ParticleListFormat.Star,
        ".txt" => ParticleListFormat.Shrec,
        ".json" => ParticleListFormat.Copick,
        _ => null,
    };

    /// <summary>Whether <see cref="Format"/> writes <paramref name="format"/>: CSV, DeepFinder XML, STAR and RELION 5
    /// (copick picks are written by <see cref="Formats.CopickProject"/>, one file per object).</summary>
    public static bool CanWrite(ParticleListFormat format) =>
        format is ParticleListFormat.Csv or ParticleListFormat.DeepFinderXml or ParticleListFormat.Star or ParticleListFormat.Relion5;

    /// <summary>The file's text for <paramref name="list"/> in <paramref name="format"/>. RELION 5 needs
    /// <paramref name="geometry"/>, each entry's tomogram (<see cref="Relion5Particles.Format"/>).</summary>
    public static string Format(ParticleList list, ParticleListFormat format, Func<ParticleEntry, TomogramGeometry>? geometry = null)
    {
        ArgumentNullException.ThrowIfNull(list);
        foreach (var name in list.Entries.Select(e => e.Tomogram).OfType<string>().Distinct())
            CheckTomogramName(name, format);
        return format switch
        {
            ParticleListFormat.Csv => CsvParticles.Format(list),
            ParticleListFormat.DeepFinderXml => DeepFinderXml.Format(list),
            ParticleListFormat.Star => StarParticles.Format(list),
            ParticleListFormat.Relion5 => Relion5Particles.Format(list, geometry ?? throw new FakETException(ErrorIds.ParticleListGeometryMissing,
                FailureKind.InvalidArgument, "RELION 5 coordinates are Å from each tomogram's centre: writing them needs the tomograms' sizes and voxel sizes.")),
            _ => throw new FakETException(ErrorIds.ParticleListFormatNotWritable, FailureKind.NotImplemented,
                $"Particle lists are written as Csv, DeepFinderXml, Star or Relion5; {format} is read only here (Export-Copick writes copick picks)."),
        };
    }

    /// <summary>Writes <paramref name="list"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(ParticleList list, string path, ParticleListFormat format, CancellationToken cancel = default,
        Func<ParticleEntry, TomogramGeometry>? geometry = null) =>
        AtomicFile.WriteAllText(path, Format(list, format, geometry), cancel);

    /// <summary>Throws <see cref="ErrorIds.ParticleListTomogramNameInvalid"/> when <paramref name="name"/> cannot be
    /// written as one value of a row: a line break or another control character ends or splits the row in every
    /// format, and a STAR value cannot hold the double quote it would be quoted with.</summary>
    public static void CheckTomogramName(string name, ParticleListFormat format)
    {
        int at = name.AsSpan().IndexOfAny(ControlCharacters);
        string? why = at >= 0 ? $"it holds a control character (U+{(int)name[at]:X4}, e.g. a line break), which would break the row"
            : format == ParticleListFormat.Star && (name.Contains('"') || name.StartsWith('\''))
                ? "a STAR value cannot hold a double quote or start with a single quote" : null;
        if (why is not null)
            throw new FakETException(ErrorIds.ParticleListTomogramNameInvalid, FailureKind.InvalidArgument,
                $"The tomogram name '{name.ReplaceLineEndings("⏎")}' cannot be written: {why}. Give another with -TomogramName.");
    }

    static readonly System.Buffers.SearchValues<char> ControlCharacters =
        System.Buffers.SearchValues.Create(Enumerable.Range(0, 32).Append(127).Select(c => (char)c).ToArray());

    /// <summary>Reads a particle list; the format is <paramref name="format"/>, else the extension's (<see cref="FormatOf"/>).
    /// A STAR file with RELION 5's centred columns is read as <see cref="ParticleListFormat.Relion5"/>.</summary>
    public static IReadOnlyList<ParticleEntry> Read(string path, ParticleListFormat? format = null, ParticleReadOptions? options = null,
        CancellationToken cancel = default)
    {
        var chosen = format ?? FormatOf(path) ?? throw new FakETException(ErrorIds.ParticleListFormatUnknown, FailureKind.InvalidArgument,
            $"Cannot tell the format of '{Path.GetFileName(path)}' from its extension: use .csv, .xml, .star, .txt or .json, or give -Format.");
        options ??= new ParticleReadOptions();
        string text = File.ReadAllText(path);
        cancel.ThrowIfCancellationRequested();
        var entries = chosen switch
        {
            ParticleListFormat.Csv => CsvParticles.Read(text, path, cancel),
            ParticleListFormat.DeepFinderXml => DeepFinderXml.Read(text, path, cancel),
            ParticleListFormat.Star => StarParticles.Read(text, path, options, cancel),
            ParticleListFormat.Relion5 => Relion5Particles.Read(StarTables.Parse(text, path, cancel), path, options, cancel),
            ParticleListFormat.Shrec => ShrecParticles.Read(text, path, cancel),
            _ => CopickPicks.Read(text, path, options, cancel),
        };
        CheckFinite(entries, path);
        return entries;
    }

    /// <summary>A volume's own name: the stem of the file it was last imported from (its history's <c>Import</c> step),
    /// or <c>null</c> when it was not imported.</summary>
    public static string? ImportedName(ImageStack stack)
    {
        for (int i = stack.History.Count - 1; i >= 0; i--)
            if (stack.History[i].Step == Steps.Import && stack.History[i].Parameters.TryGetValue("Path", out var path) && path is not null)
                return Path.GetFileNameWithoutExtension(path.ToString());
        return null;
    }

    /// <summary>The parse error for <paramref name="path"/> at 1-based <paramref name="line"/>.</summary>
    internal static FakETException ParseError(string path, int line, string message) =>
        ParseError(path, $"line {line}", message);

    /// <summary>The parse error for <paramref name="path"/> at the place <paramref name="where"/> names (a JSON point).</summary>
    internal static FakETException ParseError(string path, string where, string message) =>
        new(ErrorIds.ParticleListParseError, FailureKind.InvalidData, $"'{path}', {where}: {message}");

    /// <summary>Every format's readers accept what .NET reads as a number, NaN and infinities too (SHREC writes a
    /// fiducial's angles as NaN, meaning none); a particle's place and orientation must still be finite, whatever the
    /// format: the first that is not is <see cref="ErrorIds.ParticleListParseError"/>, naming the particle.</summary>
    static void CheckFinite(IReadOnlyList<ParticleEntry> entries, string path)
    {
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            foreach (var (name, value) in new[] { ("x", e.X), ("y", e.Y), ("z", e.Z), ("phi", e.Phi), ("the", e.The), ("psi", e.Psi), ("score", e.Score ?? 0) })
                if (!double.IsFinite(value))
                    throw ParseError(path, $"particle {i + 1} ({e.Class})",
                        $"its {name} is {value.ToString(CultureInfo.InvariantCulture)}; a particle's coordinates, angles and score must be finite numbers.");
        }
    }

    /// <summary>A number as files write it (invariant culture; NaN and infinities as .NET reads them), or null.</summary>
    internal static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;

    /// <summary>A whole number, or null.</summary>
    internal static int? Integer(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;

    /// <summary>Throws the cancellation every 1024 rows.</summary>
    internal static void Check(CancellationToken cancel, int row)
    {
        if ((row & 1023) == 0) cancel.ThrowIfCancellationRequested();
    }
}

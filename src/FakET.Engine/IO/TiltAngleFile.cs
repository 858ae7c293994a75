using System.Globalization;
using System.Text;

namespace FakET.IO;

/// <summary>
/// Tilt angles in text files: IMOD's <c>.tlt</c>/<c>.rawtlt</c> (one angle per line) and the
/// <c>alignment_simulated.txt</c> of SHREC'21 (PyTom's alignment table: '#' comment lines, then one row
/// per tilt whose third column is the tilt angle).
/// </summary>
public static class TiltAngleFile
{
    /// <summary>The file SHREC'21 puts beside each model's projections.</summary>
    public const string ShrecAlignmentName = "alignment_simulated.txt";

    public static double[] Read(string path)
    {
        if (!File.Exists(path))
            throw new FakETException(ErrorIds.TiltAngleFileInvalid, FailureKind.ObjectNotFound, $"Tilt angle file '{path}' does not exist.");
        var rows = File.ReadLines(path)
            .Select((line, i) => (Number: i + 1, Fields: line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))
            .Where(r => r.Fields.Length > 0 && !r.Fields[0].StartsWith('#'))
            .ToList();
        // One column: IMOD. Three or more: PyTom/SHREC alignment (AlignmentTransX, AlignmentTransY, TiltAngle, ...).
        // The first row decides; a row of another kind is an error, never a reason to read another column.
        string name = Path.GetFileName(path);
        if (rows.Count == 0)
            throw new FakETException(ErrorIds.TiltAngleFileInvalid, FailureKind.InvalidData, $"{name} holds no tilt angles.");
        TiltAngleLimits.CheckCount(rows.Count, name);
        bool alignment = rows[0].Fields.Length >= 3;
        foreach (var row in rows)
        {
            if (alignment ? row.Fields.Length >= 3 : row.Fields.Length == 1) continue;
            string kind = alignment
                ? $"an alignment table (its first row, line {rows[0].Number}, has {rows[0].Fields.Length} columns; the tilt angle is the third)"
                : rows[0].Fields.Length == 1 ? $"a list of one angle per line (as its first row, line {rows[0].Number})"
                : $"neither a list of one angle per line nor an alignment table of 3 or more columns (its first row, line {rows[0].Number}, has {rows[0].Fields.Length})";
            throw new FakETException(ErrorIds.TiltAngleFileInvalid, FailureKind.InvalidData,
                $"{name}, line {row.Number}: {row.Fields.Length} column{(row.Fields.Length == 1 ? "" : "s")} in {kind}.");
        }
        var angles = new double[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            string field = rows[i].Fields[alignment ? 2 : 0];
            if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out angles[i]))
                throw new FakETException(ErrorIds.TiltAngleFileInvalid, FailureKind.InvalidData,
                    $"{name}, line {rows[i].Number}: '{field}' is not a tilt angle in degrees.");
            if (TiltAngleLimits.Problem(angles[i]) is { } why)
                throw new FakETException(ErrorIds.TiltAngleFileInvalid, FailureKind.InvalidData, $"{name}, line {rows[i].Number}: {why}.");
        }
        return angles;
    }

    /// <summary>The tilt angle file that belongs to a stack: <c>name.tlt</c>, <c>name.rawtlt</c>, or SHREC's alignment file in the same folder.</summary>
    public static string? FindBeside(string stackPath)
    {
        foreach (var extension in new[] { ".tlt", ".rawtlt" })
        {
            string candidate = Path.ChangeExtension(stackPath, extension);
            if (File.Exists(candidate)) return candidate;
        }
        string shrec = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(stackPath))!, ShrecAlignmentName);
        return File.Exists(shrec) ? shrec : null;
    }

    /// <summary>Writes one angle per line (IMOD <c>.tlt</c>), atomically.</summary>
    public static void Write(string path, IEnumerable<double> angles, CancellationToken cancel = default) =>
        AtomicFile.WriteAllText(path, Text(angles), cancel);

    /// <summary>The text of a <c>.tlt</c> file: one angle per line.</summary>
    public static string Text(IEnumerable<double> angles)
    {
        var text = new StringBuilder();
        foreach (var a in angles) text.Append(a.ToString("0.0#####", CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }

    /// <summary>Writes the acquisition order as RELION's tomography order list: one line per image as acquired,
    /// <c>number,angle</c>, numbered from 1; atomically.</summary>
    public static void WriteOrderList(string path, IEnumerable<double> anglesAsAcquired, CancellationToken cancel = default) =>
        AtomicFile.WriteAllText(path, OrderListText(anglesAsAcquired), cancel);

    /// <summary>The text of an order list (see <see cref="WriteOrderList"/>).</summary>
    public static string OrderListText(IEnumerable<double> anglesAsAcquired)
    {
        var text = new StringBuilder();
        int number = 0;
        foreach (var a in anglesAsAcquired)
            text.Append(++number).Append(',').Append(a.ToString("0.0#####", CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }
}

using System.Globalization;
using System.Text;

namespace FakET.IO;

/// <summary>What a <c>.mdoc</c> file says of a tilt series: angles in stack order and, when every section gives its
/// PriorRecordDose, the angles in recording order (least prior dose first).</summary>
public sealed record MdocTilts(IReadOnlyList<double> Angles, IReadOnlyList<double>? AcquisitionOrder);

/// <summary>
/// SerialEM's metadata autodoc (<c>.mdoc</c>, SerialEM's "Autodoc files" documentation): <c>key = value</c> lines, a header
/// of global keys, then one <c>[ZValue = n]</c> section per image of the stack, n from 0 in stack order; <c>[T = …]</c> lines
/// are titles. Written per tilt: TiltAngle (degrees), ExposureDose and PriorRecordDose (e⁻/Å², the dose of the tilt and of
/// the records before it), PixelSpacing (Å), and Defocus (µm, SerialEM's sign: negative is underfocus) when the microscope
/// simulation set it. SerialEM names the file after the stack with <c>.mdoc</c> appended (<c>name.mrc.mdoc</c>), which is
/// what is written; reading also finds <c>name.mdoc</c>. Also IMOD's <c>.xf</c>, one line <c>a11 a12 a21 a22 dx dy</c> per
/// tilt: the identity, since a simulated series is perfectly aligned.
/// </summary>
public static class SerialEmMdoc
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Where a stack's <c>.mdoc</c> is written: <c>name.mrc.mdoc</c>.</summary>
    public static string PathFor(string stackPath) => Path.GetFullPath(stackPath) + ".mdoc";

    /// <summary>The <c>.mdoc</c> beside a stack (<c>name.mrc.mdoc</c>, else <c>name.mdoc</c>), or null.</summary>
    public static string? FindBeside(string stackPath)
    {
        foreach (var candidate in new[] { PathFor(stackPath), Path.ChangeExtension(Path.GetFullPath(stackPath), ".mdoc") })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    /// <summary>The <c>.mdoc</c> text of a series written to <paramref name="stackPath"/>.</summary>
    public static string Text(TiltSeries series, TiltMetadata metadata, string stackPath)
    {
        var text = new StringBuilder();
        void Line(string key, FormattableString value) => text.Append(key).Append(" = ").Append(value.ToString(Invariant)).Append('\n');
        Line("PixelSpacing", $"{metadata.PixelSize:0.####}");
        Line("Voltage", $"{metadata.Voltage:0.##}");
        Line("ImageFile", $"{Path.GetFileName(stackPath)}");
        Line("ImageSize", $"{series.Width} {series.Height}");
        Line("DataMode", $"2");
        text.Append("\n[T = SerialEM-style metadata of a tilt series simulated by FakET.PowerShell]\n\n");
        text.Append(Invariant, $"[T =     Tilt axis angle = 0, binning = 1]\n");
        for (int i = 0; i < metadata.Tilts.Count; i++)
        {
            var tilt = metadata.Tilts[i];
            text.Append(Invariant, $"\n[ZValue = {i}]\n");
            Line("TiltAngle", $"{tilt.Angle:0.0#####}");
            Line("PixelSpacing", $"{metadata.PixelSize:0.####}");
            Line("ExposureDose", $"{tilt.Dose:0.######}");
            Line("PriorRecordDose", $"{tilt.PriorDose:0.######}");
            if (metadata.Defocus is { } defocus) Line("Defocus", $"{-defocus:0.####}");
        }
        return text.ToString();
    }

    /// <summary>IMOD's <c>.xf</c> for <paramref name="count"/> tilts: the identity transform on every line.</summary>
    public static string IdentityTransforms(int count)
    {
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
            text.Append(Invariant, $"{1.0,12:0.0000000}{0.0,12:0.0000000}{0.0,12:0.0000000}{1.0,12:0.0000000}{0.0,12:0.000}{0.0,12:0.000}\n");
        return text.ToString();
    }

    /// <summary>Reads the angles of every <c>[ZValue]</c> section and, when each gives PriorRecordDose, the recording order.
    /// A section without a TiltAngle, or a value that is no number, is the error <see cref="ErrorIds.MdocParseError"/>.</summary>
    public static MdocTilts Read(string path)
    {
        var sections = new SortedDictionary<int, (double Angle, double? Prior)>();
        int? z = null;
        int zLine = 0;
        double? angle = null, prior = null;
        int number = 0;
        FakETException Error(int line, string message) =>
            new(ErrorIds.MdocParseError, FailureKind.InvalidData, $"'{path}', line {line}: {message}");
        void Close()
        {
            if (z is not { } at) return;
            if (angle is null) throw Error(zLine, $"the section [ZValue = {at}] has no TiltAngle.");
            if (!sections.TryAdd(at, (angle.Value, prior))) throw Error(zLine, $"[ZValue = {at}] comes twice.");
        }
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith('['))
            {
                Close();
                (z, angle, prior) = (null, null, null);
                var (key, value) = Pair(line.Trim('[', ']'));
                if (key.Equals("ZValue", StringComparison.OrdinalIgnoreCase))
                {
                    z = int.TryParse(value, NumberStyles.Integer, Invariant, out int v) && v >= 0 ? v : throw Error(number, $"'{value}' is not a section number.");
                    zLine = number;
                }
                continue;
            }
            if (z is null) continue;
            var (name, text) = Pair(line);
            double Number() => double.TryParse(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(), NumberStyles.Float, Invariant, out double v) && double.IsFinite(v)
                ? v : throw Error(number, $"{name} '{text}' is not a number.");
            if (name.Equals("TiltAngle", StringComparison.OrdinalIgnoreCase)) angle = Number();
            else if (name.Equals("PriorRecordDose", StringComparison.OrdinalIgnoreCase)) prior = Number();
        }
        Close();
        if (sections.Count == 0) throw Error(number, "there is no [ZValue = n] section with a TiltAngle.");
        if (sections.Keys.Last() != sections.Count - 1)
            throw Error(number, $"the sections are not numbered 0 to {sections.Count - 1}.");
        var tilts = sections.Values.ToList();
        var angles = tilts.Select(t => t.Angle).ToList();
        IReadOnlyList<double>? order = tilts.All(t => t.Prior is not null)
            ? tilts.Select((t, i) => (t.Angle, Prior: t.Prior!.Value, i)).OrderBy(t => t.Prior).ThenBy(t => t.i).Select(t => t.Angle).ToList()
            : null;
        return new MdocTilts(angles, order);
    }

    static (string Key, string Value) Pair(string line)
    {
        int equals = line.IndexOf('=');
        return equals < 0 ? (line.Trim(), "") : (line[..equals].Trim(), line[(equals + 1)..].Trim());
    }
}

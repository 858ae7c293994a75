using System.Globalization;
using System.Text;

namespace FakET.Labels;

/// <summary>
/// Our CSV particle table: a header line, then one line per particle. Columns: id, class (number), class_name, x, y, z
/// (0-based voxel indices), phi, the, psi (ZXZ, <see cref="SampleLabels.EulerConvention"/>); then tomogram when any entry
/// names its tomogram, and clipped (true/false) when any entry is clipped. Fields holding a comma, a quote or a line
/// break are double-quoted, quotes doubled (RFC 4180). The reader goes by header names (any case, any order), ignores
/// columns it does not know, and needs x, y, z and class or class_name.
/// </summary>
public static class CsvParticles
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The table as text.</summary>
    public static string Format(ParticleList list)
    {
        bool tomograms = list.Entries.Any(e => e.Tomogram is not null), clipped = list.Entries.Any(e => e.Clipped);
        var text = new StringBuilder("id,class,class_name,x,y,z,phi,the,psi");
        if (tomograms) text.Append(",tomogram");
        if (clipped) text.Append(",clipped");
        text.Append('\n');
        foreach (var e in list.Entries)
        {
            int k = list.NumberOf(e);
            string number = k.ToString(Invariant);
            // The class's name in the table; else the entry's own name, unless that is only its number.
            string name = k >= 1 && k <= list.ClassNames.Count ? list.ClassNames[k - 1] : e.Class == number ? "" : e.Class;
            text.Append(Invariant, $"{e.Id},{number},{Field(name)},{N(e.X)},{N(e.Y)},{N(e.Z)},{N(e.Phi)},{N(e.The)},{N(e.Psi)}");
            if (tomograms) text.Append(',').Append(Field(e.Tomogram ?? ""));
            if (clipped) text.Append(e.Clipped ? ",true" : ",false");
            text.Append('\n');
        }
        return text.ToString();
    }

    static string N(double value) => value.ToString("0.###", Invariant);

    static string Field(string value) =>
        value.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    /// <summary>The entries of a CSV table.</summary>
    public static IReadOnlyList<ParticleEntry> Read(string text, string path, CancellationToken cancel = default)
    {
        var records = Records(text, path).GetEnumerator();
        if (!records.MoveNext()) throw ParticleLists.ParseError(path, 1, "the file is empty; a CSV particle table starts with a header line.");
        var (header, headerLine) = records.Current;
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Count; i++) columns.TryAdd(header[i].Trim(), i);
        int Column(string name) => columns.TryGetValue(name, out int i) ? i : -1;
        int x = Column("x"), y = Column("y"), z = Column("z"), number = Column("class"), name = Column("class_name");
        if (x < 0 || y < 0 || z < 0 || (number < 0 && name < 0))
            throw ParticleLists.ParseError(path, headerLine,
                $"the header ({string.Join(",", header)}) needs the columns x, y, z and class or class_name.");
        int id = Column("id"), phi = Column("phi"), the = Column("the"), psi = Column("psi"), tomogram = Column("tomogram"),
            clipped = Column("clipped"), score = Column("score");
        var entries = new List<ParticleEntry>();
        while (records.MoveNext())
        {
            var (fields, line) = records.Current;
            ParticleLists.Check(cancel, entries.Count);
            if (fields.Count != header.Count)
                throw ParticleLists.ParseError(path, line, $"{fields.Count} fields where the header has {header.Count}.");
            string Text(int column) => column < 0 ? "" : fields[column].Trim();
            double Required(int column) => ParticleLists.Number(Text(column)) ?? throw ParticleLists.ParseError(path, line,
                $"{header[column]} '{Text(column)}' is not a number.");
            double Optional(int column) => Text(column).Length == 0 ? 0 : Required(column);
            int? Whole(int column) => Text(column).Length == 0 ? null : ParticleLists.Integer(Text(column)) ?? throw ParticleLists.ParseError(
                path, line, $"{header[column]} '{Text(column)}' is not a whole number.");
            int? classNumber = Whole(number);
            string className = Text(name);
            if (className.Length == 0 && classNumber is null)
                throw ParticleLists.ParseError(path, line, "the particle has neither a class number nor a class name.");
            entries.Add(new ParticleEntry
            {
                Class = className.Length > 0 ? className : classNumber!.Value.ToString(Invariant),
                ClassNumber = classNumber,
                X = Required(x), Y = Required(y), Z = Required(z),
                Phi = Optional(phi), The = Optional(the), Psi = Optional(psi),
                Id = Whole(id),
                Tomogram = Text(tomogram).Length > 0 ? Text(tomogram) : null,
                Clipped = Text(clipped).Length > 0 && (Flag(Text(clipped)) ?? throw ParticleLists.ParseError(path, line,
                    $"clipped '{Text(clipped)}' is neither true nor false.")),
                Score = Text(score).Length == 0 ? null : Required(score),
            });
        }
        return entries;
    }

    static bool? Flag(string text) => text.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => null,
    };

    /// <summary>The records of an RFC 4180 text, each with the 1-based line it starts on; blank lines are skipped. A quoted
    /// field may hold commas, doubled quotes and line breaks.</summary>
    static IEnumerable<(List<string> Fields, int Line)> Records(string text, string path)
    {
        int line = 1, at = 0;
        while (at < text.Length)
        {
            int start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            bool blank = true;
            while (true)
            {
                if (at < text.Length && text[at] == '"')
                {
                    at++;
                    blank = false;
                    while (true)
                    {
                        if (at >= text.Length) throw ParticleLists.ParseError(path, start, "a quoted field is not closed.");
                        char c = text[at++];
                        if (c == '"')
                        {
                            if (at < text.Length && text[at] == '"') { field.Append('"'); at++; continue; }
                            break;
                        }
                        if (c == '\n') line++;
                        field.Append(c);
                    }
                    while (at < text.Length && text[at] is ' ' or '\t') at++;
                    if (at < text.Length && text[at] is not (',' or '\r' or '\n'))
                        throw ParticleLists.ParseError(path, line, "text follows a quoted field before the next comma.");
                }
                while (at < text.Length && text[at] is not (',' or '\r' or '\n')) field.Append(text[at++]);
                if (field.ToString().Trim().Length > 0) blank = false;
                fields.Add(field.ToString());
                field.Clear();
                if (at < text.Length && text[at] == ',') { at++; blank = false; continue; }
                break;
            }
            if (at < text.Length && text[at] == '\r') at++;
            if (at < text.Length && text[at] == '\n') at++;
            line++;
            if (!blank) yield return (fields, start);
        }
    }
}

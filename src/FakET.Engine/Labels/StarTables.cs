using System.Text;

namespace FakET.Labels;

/// <summary>One <c>loop_</c> of a STAR data block: its column labels (with their leading underscore) and rows, each with
/// the 1-based line it is on.</summary>
public sealed class StarLoop
{
    internal StarLoop(int line) => Line = line;

    /// <summary>The line of its <c>loop_</c>.</summary>
    public int Line { get; }
    /// <summary>Column labels in order, e.g. <c>_rlnCoordinateX</c>.</summary>
    public List<string> Columns { get; } = new();
    /// <summary>The rows: values (quotes removed) and the line each is on.</summary>
    public List<(string[] Values, int Line)> Rows { get; } = new();

    /// <summary>The index of <paramref name="label"/> (any case), or −1.</summary>
    public int Column(string label) => Columns.FindIndex(c => string.Equals(c, label, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One <c>data_</c> block: its name (what follows <c>data_</c>), its single-value items and its loops.</summary>
public sealed class StarBlock
{
    internal StarBlock(string name, int line)
    {
        Name = name;
        Line = line;
    }

    public string Name { get; }
    public int Line { get; }
    /// <summary>Items outside loops: <c>_label value</c>.</summary>
    public Dictionary<string, string> Items { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<StarLoop> Loops { get; } = new();
}

/// <summary>
/// The STAR files RELION reads and writes (Hall 1991; RELION's MetaDataTable): <c>data_name</c> blocks holding
/// <c>_label value</c> items and <c>loop_</c> tables (labels, one per line, optionally followed by <c>#n</c>, then rows of
/// white-space separated values, a value quoted with " or ' when it holds white space). Lines starting with # are comments;
/// blank lines are skipped. A loop ends where an item, another <c>loop_</c> or a block begins.
/// </summary>
public static class StarTables
{
    /// <summary>The blocks of a STAR text, in file order.</summary>
    public static IReadOnlyList<StarBlock> Parse(string text, string path, CancellationToken cancel = default)
    {
        var blocks = new List<StarBlock>();
        StarBlock? block = null;
        StarLoop? loop = null;
        bool labels = false;
        int number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            ParticleLists.Check(cancel, number);
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("data_", StringComparison.OrdinalIgnoreCase))
            {
                blocks.Add(block = new StarBlock(Values(line, path, number)[0][5..], number));
                loop = null;
                continue;
            }
            if (block is null) throw ParticleLists.ParseError(path, number, $"'{Short(line)}' comes before the first data_ block.");
            if (line.Equals("loop_", StringComparison.OrdinalIgnoreCase))
            {
                block.Loops.Add(loop = new StarLoop(number));
                labels = true;
                continue;
            }
            var values = Values(line, path, number);
            if (line.StartsWith('_'))
            {
                if (loop is not null && labels)
                {
                    loop.Columns.Add(values[0]);
                    continue;
                }
                if (values.Count < 2) throw ParticleLists.ParseError(path, number, $"the item {values[0]} has no value.");
                block.Items[values[0]] = values[1];
                loop = null;
                continue;
            }
            if (loop is null || loop.Columns.Count == 0)
                throw ParticleLists.ParseError(path, number, $"'{Short(line)}' is a row of values outside a loop_ with labels.");
            labels = false;
            if (values.Count != loop.Columns.Count)
                throw ParticleLists.ParseError(path, number, $"{values.Count} values where the loop has {loop.Columns.Count} columns.");
            loop.Rows.Add((values.ToArray(), number));
        }
        return blocks;
    }

    static string Short(string line) => line.Length <= 40 ? line : line[..40] + "…";

    /// <summary>The white-space separated values of a line; a value that starts with " or ' runs to the same quote
    /// followed by white space or the line's end.</summary>
    static List<string> Values(string line, string path, int number)
    {
        var values = new List<string>();
        int at = 0;
        while (true)
        {
            while (at < line.Length && char.IsWhiteSpace(line[at])) at++;
            if (at >= line.Length) return values;
            char quote = line[at];
            if (quote is '"' or '\'')
            {
                int end = at + 1;
                while (end < line.Length && !(line[end] == quote && (end + 1 == line.Length || char.IsWhiteSpace(line[end + 1])))) end++;
                if (end >= line.Length) throw ParticleLists.ParseError(path, number, $"a value opened with {quote} is not closed.");
                values.Add(line[(at + 1)..end]);
                at = end + 1;
                continue;
            }
            var value = new StringBuilder();
            while (at < line.Length && !char.IsWhiteSpace(line[at])) value.Append(line[at++]);
            values.Add(value.ToString());
        }
    }

    /// <summary>A STAR value as written: quoted when it is empty, holds white space or starts like a keyword.</summary>
    public static string Value(string value) =>
        value.Length == 0 || value.Any(char.IsWhiteSpace) || value.StartsWith('_') || value.StartsWith('#') ||
        value.StartsWith("data_", StringComparison.OrdinalIgnoreCase) || value.StartsWith("loop_", StringComparison.OrdinalIgnoreCase)
            ? "\"" + value + "\""
            : value;
}

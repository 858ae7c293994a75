using System.Globalization;

namespace FakET.Structures;

/// <summary>
/// PDBx/mmCIF: the atoms of the first data block's <c>_atom_site</c> (type_symbol, Cartn_x/y/z, occupancy,
/// B_iso_or_equiv, label_alt_id, pdbx_PDB_model_num, group_PDB, auth_asym_id and label_asym_id, residue and atom names),
/// the ID from <c>_entry.id</c>, and the biological assemblies of <c>_pdbx_struct_assembly_gen</c> with the operators of
/// <c>_pdbx_struct_oper_list</c>. The atom loop is read row by row as it streams past; other categories are skipped.
/// </summary>
internal static class CifFormat
{
    static readonly string[] Kept = { "_entry", "_pdbx_struct_assembly_gen", "_pdbx_struct_oper_list" };

    /// <summary>A small category: its tags and its rows of values (null for '?' and '.').</summary>
    sealed class Table
    {
        public List<string> Tags { get; } = new();
        public List<string?[]> Rows { get; } = new();
        public List<int> Lines { get; } = new();

        public int Column(string item) => Tags.FindIndex(t => t.EndsWith("." + item, StringComparison.OrdinalIgnoreCase));
    }

    public static Structure Read(string text, string file, string? source, string fallbackId, StructureReadOptions options)
    {
        var tokens = new CifTokens(text, file);
        var tables = new Dictionary<string, Table>(StringComparer.OrdinalIgnoreCase);
        var atoms = new AtomCollector(options, file, source);
        string? block = null;
        bool sawAtoms = false;
        var pairs = new List<(string Tag, CifToken Value)>(); // _atom_site given as tag–value pairs (one atom)
        var token = tokens.Next();
        while (token.Kind != CifTokenKind.End)
        {
            switch (token.Kind)
            {
                case CifTokenKind.Data:
                    if (block is not null && sawAtoms) goto done; // the first data block with atoms is the model
                    block = text.Substring(token.Start + 5, token.Length - 5);
                    token = tokens.Next();
                    break;
                case CifTokenKind.Loop:
                    token = ReadLoop(tokens, tables, atoms, ref sawAtoms);
                    break;
                case CifTokenKind.Tag:
                {
                    string tag = text.Substring(token.Start, token.Length);
                    var value = tokens.Next();
                    if (value.Kind != CifTokenKind.Value) throw StructureFile.ParseError(file, token.Line, $"{tag} has no value");
                    if (Category(tag).Equals("_atom_site", StringComparison.OrdinalIgnoreCase)) pairs.Add((tag, value));
                    else if (IsKept(Category(tag)))
                    {
                        var table = TableFor(tables, Category(tag));
                        if (table.Rows.Count == 0) { table.Rows.Add(Array.Empty<string?>()); table.Lines.Add(token.Line); }
                        table.Tags.Add(tag);
                        table.Rows[0] = table.Rows[0].Append(Value(text, value)).ToArray();
                    }
                    token = tokens.Next();
                    break;
                }
                case CifTokenKind.Value:
                    throw StructureFile.ParseError(file, token.Line, $"the value '{Excerpt(text, token)}' belongs to no tag");
                default:
                    token = tokens.Next(); // save frames, global_ and stop_ hold nothing mmCIF needs
                    break;
            }
        }
        done:
        if (pairs.Count > 0)
        {
            var reader = new AtomRows(text, file, pairs.Select(p => p.Tag).ToList());
            reader.Add(pairs.Select(p => p.Value).ToArray(), atoms);
            sawAtoms = true;
        }
        if (!sawAtoms)
            throw new FakETException(ErrorIds.StructureNoAtoms, FailureKind.InvalidData, $"{file} has no _atom_site category: it is no atomic model in mmCIF.");

        string id = tables.TryGetValue("_entry", out var entry) && entry.Column("id") is var c and >= 0 && entry.Rows[0][c] is { Length: > 0 } e
            ? e : block is { Length: > 0 } ? block : fallbackId;
        Func<List<AtomRecord>, List<AtomRecord>>? transform = null;
        if (options.Assembly is { } wanted)
        {
            var parts = AssemblyParts(tables, wanted, file);
            transform = records => Assemblies.Build(records, parts, byAsym: true);
        }
        return atoms.Build(id, transform);
    }

    static CifToken ReadLoop(CifTokens tokens, Dictionary<string, Table> tables, AtomCollector atoms, ref bool sawAtoms)
    {
        string text = tokens.Text;
        var tags = new List<string>();
        var token = tokens.Next();
        int loopLine = token.Line;
        while (token.Kind == CifTokenKind.Tag)
        {
            tags.Add(text.Substring(token.Start, token.Length));
            token = tokens.Next();
        }
        if (tags.Count == 0) throw StructureFile.ParseError(tokens.File, loopLine, "loop_ is followed by no tag");
        string category = Category(tags[0]);
        bool isAtoms = category.Equals("_atom_site", StringComparison.OrdinalIgnoreCase);
        var table = !isAtoms && IsKept(category) ? TableFor(tables, category) : null;
        table?.Tags.AddRange(tags);
        var reader = isAtoms ? new AtomRows(text, tokens.File, tags) : null;
        var row = new CifToken[tags.Count];
        int column = 0, rowLine = token.Line;
        while (token.Kind == CifTokenKind.Value)
        {
            if (column == 0) rowLine = token.Line;
            row[column++] = token;
            if (column == tags.Count)
            {
                if (reader is not null) reader.Add(row, atoms);
                else if (table is not null)
                {
                    table.Rows.Add(row.Select(t => Value(text, t)).ToArray());
                    table.Lines.Add(rowLine);
                }
                column = 0;
            }
            token = tokens.Next();
        }
        if (column != 0)
            throw StructureFile.ParseError(tokens.File, rowLine,
                $"the loop of {category} has {tags.Count} columns, and its last row has {column} values");
        sawAtoms |= isAtoms;
        return token;
    }

    static List<AssemblyPart> AssemblyParts(Dictionary<string, Table> tables, string wanted, string file)
    {
        if (!tables.TryGetValue("_pdbx_struct_assembly_gen", out var gen) || !tables.TryGetValue("_pdbx_struct_oper_list", out var opers))
            throw new FakETException(ErrorIds.StructureAssemblyNotFound, FailureKind.ObjectNotFound,
                $"{file} defines no biological assembly (no _pdbx_struct_assembly_gen and _pdbx_struct_oper_list); read it without -Assembly.");
        var operators = new Dictionary<string, Operator>();
        int idColumn = opers.Column("id");
        for (int r = 0; r < opers.Rows.Count; r++)
        {
            var row = opers.Rows[r];
            var m = new double[12];
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 3; j++) m[4 * i + j] = Number(opers, r, $"matrix[{i + 1}][{j + 1}]", file);
                m[4 * i + 3] = Number(opers, r, $"vector[{i + 1}]", file);
            }
            string id = idColumn >= 0 && row[idColumn] is { } text ? text : throw StructureFile.ParseError(file, opers.Lines[r], "an operator of _pdbx_struct_oper_list has no id");
            operators[id] = new Operator(id, m);
        }
        int assembly = gen.Column("assembly_id"), expression = gen.Column("oper_expression"), asyms = gen.Column("asym_id_list");
        if (assembly < 0 || expression < 0 || asyms < 0)
            throw StructureFile.ParseError(file, gen.Lines.FirstOrDefault(), "_pdbx_struct_assembly_gen needs assembly_id, oper_expression and asym_id_list");
        var parts = new List<AssemblyPart>();
        for (int r = 0; r < gen.Rows.Count; r++)
        {
            var row = gen.Rows[r];
            if (row[assembly] != wanted) continue;
            int line = gen.Lines[r];
            var ops = Assemblies.Expand(row[expression] ?? "", operators, message => StructureFile.ParseError(file, line, message));
            var chains = (row[asyms] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            parts.Add(new AssemblyPart(ops, chains));
        }
        if (parts.Count == 0)
        {
            var known = gen.Rows.Select(r => r[assembly]).Distinct();
            throw new FakETException(ErrorIds.StructureAssemblyNotFound, FailureKind.ObjectNotFound,
                $"{file} has no assembly '{wanted}'; _pdbx_struct_assembly_gen defines {string.Join(", ", known)}.");
        }
        return parts;
    }

    static double Number(Table table, int row, string item, string file)
    {
        int column = table.Column(item);
        string? text = column >= 0 ? table.Rows[row][column] : null;
        if (text is null || !TryNumber(text, out double value))
            throw StructureFile.ParseError(file, table.Lines[row], $"_pdbx_struct_oper_list.{item} is {(text is null ? "missing" : $"'{text}', not a number")}");
        return value;
    }

    /// <summary>A CIF number: an optional standard uncertainty in parentheses, e.g. 12.345(6), is left out.</summary>
    internal static bool TryNumber(ReadOnlySpan<char> text, out double value)
    {
        int open = text.IndexOf('(');
        if (open > 0 && text[^1] == ')') text = text[..open];
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    static string Category(string tag)
    {
        int dot = tag.IndexOf('.');
        return dot > 0 ? tag[..dot] : tag;
    }

    static bool IsKept(string category) => Kept.Contains(category, StringComparer.OrdinalIgnoreCase);

    static Table TableFor(Dictionary<string, Table> tables, string category) =>
        tables.TryGetValue(category, out var table) ? table : tables[category] = new Table();

    static string? Value(string text, CifToken token) => token.IsMissing(text) ? null : text.Substring(token.Start, token.Length);

    internal static string Excerpt(string text, CifToken token) => text.Substring(token.Start, Math.Min(token.Length, 40));
}

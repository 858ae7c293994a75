namespace FakET.Structures;

/// <summary>Rows of mmCIF's <c>_atom_site</c> turned into atom records, the columns found once from the loop's tags.</summary>
internal sealed class AtomRows
{
    readonly string _text, _file;
    readonly int _group, _symbol, _labelAtom, _authAtom, _alt, _labelComp, _authComp, _labelAsym, _authAsym,
        _labelSeq, _authSeq, _insertion, _x, _y, _z, _occupancy, _b, _model;
    string _lastChain = "", _lastAsym = "";

    public AtomRows(string text, string file, IReadOnlyList<string> tags)
    {
        _text = text;
        _file = file;
        int Column(string item) => tags.ToList().FindIndex(t => t.Equals("_atom_site." + item, StringComparison.OrdinalIgnoreCase));
        (_group, _symbol, _labelAtom, _authAtom, _alt) = (Column("group_PDB"), Column("type_symbol"), Column("label_atom_id"), Column("auth_atom_id"), Column("label_alt_id"));
        (_labelComp, _authComp, _labelAsym, _authAsym) = (Column("label_comp_id"), Column("auth_comp_id"), Column("label_asym_id"), Column("auth_asym_id"));
        (_labelSeq, _authSeq, _insertion) = (Column("label_seq_id"), Column("auth_seq_id"), Column("pdbx_PDB_ins_code"));
        (_x, _y, _z, _occupancy, _b, _model) = (Column("Cartn_x"), Column("Cartn_y"), Column("Cartn_z"), Column("occupancy"), Column("B_iso_or_equiv"), Column("pdbx_PDB_model_num"));
        if (_x < 0 || _y < 0 || _z < 0)
            throw new FakETException(ErrorIds.StructureParseError, FailureKind.InvalidData,
                $"{file}: _atom_site has no Cartn_x, Cartn_y and Cartn_z: the atoms have no Cartesian coordinates (fractional ones are not read).");
        if (_symbol < 0 && _labelAtom < 0 && _authAtom < 0)
            throw new FakETException(ErrorIds.StructureParseError, FailureKind.InvalidData, $"{file}: _atom_site gives neither type_symbol nor atom names: the elements are unknown.");
    }

    public void Add(CifToken[] row, AtomCollector atoms)
    {
        int line = row[0].Line;
        double x = Number(row, _x, line), y = Number(row, _y, line), z = Number(row, _z, line);
        double occupancy = Optional(row, _occupancy, 1, line), b = Optional(row, _b, 0, line);
        if (occupancy < 0) throw StructureFile.ParseError(_file, line, "the occupancy is negative");
        int element = Element(row, line);
        int model = 1;
        if (_model >= 0 && !row[_model].IsMissing(_text) && !int.TryParse(Span(row[_model]), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out model))
            throw StructureFile.ParseError(_file, line, $"pdbx_PDB_model_num '{Span(row[_model])}' is not a whole number");
        bool hetero = _group >= 0 && Span(row[_group]).Equals("HETATM", StringComparison.OrdinalIgnoreCase);
        int compColumn = _labelComp >= 0 ? _labelComp : _authComp;
        bool water = compColumn >= 0 && AtomCollector.IsWater(Span(row[compColumn]));
        string asym = _labelAsym >= 0 ? Text(row[_labelAsym], ref _lastAsym) : "";
        string chain = _authAsym >= 0 ? Text(row[_authAsym], ref _lastChain) : asym;
        string altLoc = _alt >= 0 && !row[_alt].IsMissing(_text) ? Span(row[_alt]).ToString() : "";
        string key = "";
        if (altLoc.Length > 0)
        {
            int seq = _authSeq >= 0 ? _authSeq : _labelSeq, name = _authAtom >= 0 ? _authAtom : _labelAtom;
            key = string.Join("|", chain, seq >= 0 ? Span(row[seq]).ToString() : "", _insertion >= 0 ? Span(row[_insertion]).ToString() : "",
                name >= 0 ? Span(row[name]).ToString() : "");
        }
        atoms.Add(new AtomRecord(element, x, y, z, occupancy, b, chain, asym, model, hetero, water, altLoc, key, line));
    }

    /// <summary>The element from type_symbol (a charge such as FE2+ or O1- left out), else from the atom name's letters.</summary>
    int Element(CifToken[] row, int line)
    {
        int column = _symbol >= 0 && !row[_symbol].IsMissing(_text) ? _symbol : _labelAtom >= 0 ? _labelAtom : _authAtom;
        var symbol = Span(row[column]);
        int letters = 0;
        while (letters < symbol.Length && char.IsLetter(symbol[letters])) letters++;
        int element = column == _symbol ? Elements.Parse(symbol[..letters]) : PdbFormat.ElementFromName(" " + symbol.ToString(), false);
        if (element == 0)
            throw new FakETException(ErrorIds.StructureUnknownElement, FailureKind.InvalidData,
                $"{_file}, line {line}: element '{symbol.ToString()}' is not one of the 98 elements H … Cf that have electron scattering factors.");
        return element;
    }

    ReadOnlySpan<char> Span(CifToken token) => _text.AsSpan(token.Start, token.Length);

    /// <summary>The token's text, reusing the previous string when it is the same (chains repeat row after row).</summary>
    string Text(CifToken token, ref string last)
    {
        var span = token.IsMissing(_text) ? ReadOnlySpan<char>.Empty : Span(token);
        if (!span.SequenceEqual(last)) last = span.ToString();
        return last;
    }

    double Number(CifToken[] row, int column, int line)
    {
        var token = row[column];
        if (token.IsMissing(_text) || !CifFormat.TryNumber(Span(token), out double value))
            throw StructureFile.ParseError(_file, line, $"the coordinate '{Span(token).ToString()}' is not a number");
        return value;
    }

    double Optional(CifToken[] row, int column, double missing, int line)
    {
        if (column < 0 || row[column].IsMissing(_text)) return missing;
        if (!CifFormat.TryNumber(Span(row[column]), out double value))
            throw StructureFile.ParseError(_file, line, $"'{Span(row[column]).ToString()}' is not a number");
        return value;
    }
}

using System.Globalization;

namespace FakET.Structures;

/// <summary>
/// The PDB format (wwPDB Atomic Coordinate Entry Format 3.3), fixed columns: ATOM and HETATM records (name 13–16,
/// altLoc 17, resName 18–20, chainID 22, resSeq 23–26, iCode 27, x y z 31–54, occupancy 55–60, tempFactor 61–66,
/// element 77–78), MODEL, ENDMDL, HEADER (the ID code in 63–66) and REMARK 350 (biological assemblies, BIOMT
/// operators). A blank occupancy reads as 1, a blank B-factor as 0; a blank element column is taken from the atom
/// name as the format's alignment rule implies (see <see cref="ElementFromName"/>).
/// </summary>
internal static class PdbFormat
{
    public static Structure Read(TextReader reader, string file, string? source, string fallbackId, StructureReadOptions options)
    {
        var atoms = new AtomCollector(options, file, source);
        var biomolecules = new Dictionary<string, List<AssemblyPart>>();
        string? id = null, biomolecule = null;
        HashSet<string>? chains = null;
        var pending = new List<double>();
        int model = 1, number = 0;
        bool inModel = false;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            number++;
            var record = line.Length >= 6 ? line.AsSpan(0, 6) : line.AsSpan();
            if (record.StartsWith("ATOM") || record.StartsWith("HETATM"))
            {
                atoms.Add(ParseAtom(line, number, inModel ? model : 1, record.StartsWith("HETATM"), file));
            }
            else if (record.StartsWith("MODEL"))
            {
                var serial = Columns(line, 11, 14).Trim();
                if (serial.IsEmpty) serial = Columns(line, 7, 80).Trim();
                if (!int.TryParse(serial, NumberStyles.Integer, CultureInfo.InvariantCulture, out model))
                    throw Error(file, number, $"the MODEL record's serial '{serial.ToString()}' is not a whole number");
                inModel = true;
            }
            else if (record.StartsWith("ENDMDL")) inModel = false;
            else if (record.StartsWith("HEADER") && id is null)
            {
                var code = Columns(line, 63, 66).Trim();
                if (!code.IsEmpty) id = code.ToString();
            }
            else if (record.StartsWith("REMARK") && Columns(line, 8, 10).Trim() is "350")
                ReadRemark350(line, number, file, biomolecules, ref biomolecule, ref chains, pending);
        }
        Func<List<AtomRecord>, List<AtomRecord>>? transform = null;
        if (options.Assembly is { } wanted)
        {
            if (!biomolecules.TryGetValue(wanted, out var parts))
                throw new FakETException(ErrorIds.StructureAssemblyNotFound, FailureKind.ObjectNotFound,
                    biomolecules.Count == 0
                        ? $"{file} defines no biological assembly (no REMARK 350 BIOMT records); read it without -Assembly."
                        : $"{file} has no assembly '{wanted}'; its REMARK 350 defines {string.Join(", ", biomolecules.Keys)}.");
            transform = records => Assemblies.Build(records, parts, byAsym: false);
        }
        return atoms.Build(id ?? fallbackId, transform);
    }

    /// <summary>REMARK 350: BIOMOLECULE n, APPLY THE FOLLOWING TO CHAINS (and AND CHAINS continuation lines), then
    /// BIOMT1…3 rows of each operator.</summary>
    static void ReadRemark350(string line, int number, string file, Dictionary<string, List<AssemblyPart>> biomolecules,
        ref string? biomolecule, ref HashSet<string>? chains, List<double> pending)
    {
        string text = line.Length > 11 ? line[11..].Trim() : "";
        if (text.StartsWith("BIOMOLECULE:", StringComparison.Ordinal))
        {
            biomolecule = text["BIOMOLECULE:".Length..].Trim();
            biomolecules.TryAdd(biomolecule, new List<AssemblyPart>());
            chains = null;
        }
        else if (text.StartsWith("APPLY THE FOLLOWING TO CHAINS:", StringComparison.Ordinal) || text.StartsWith("AND CHAINS:", StringComparison.Ordinal))
        {
            if (biomolecule is null) throw Error(file, number, "REMARK 350 names chains before any BIOMOLECULE");
            bool more = text.StartsWith("AND", StringComparison.Ordinal) && chains is not null;
            if (!more)
            {
                chains = new HashSet<string>();
                biomolecules[biomolecule].Add(new AssemblyPart(new List<Operator>(), chains));
            }
            foreach (var chain in text[(text.IndexOf(':') + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                chains!.Add(chain);
        }
        else if (text.StartsWith("BIOMT", StringComparison.Ordinal))
        {
            if (biomolecule is null || chains is null) throw Error(file, number, "a BIOMT row comes before the chains it applies to");
            var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[0].Length != 6 || fields[0][5] - '1' != pending.Count / 4)
                throw Error(file, number, "a REMARK 350 BIOMT row needs BIOMTn, the operator's number and four numbers, rows 1, 2, 3 in turn");
            for (int k = 2; k < 6; k++)
            {
                if (!double.TryParse(fields[k], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    throw Error(file, number, $"'{fields[k]}' in a BIOMT row is not a number");
                pending.Add(v);
            }
            if (pending.Count == 12)
            {
                var part = biomolecules[biomolecule][^1];
                ((List<Operator>)part.Operators).Add(new Operator(fields[1], pending.ToArray()));
                pending.Clear();
            }
        }
    }

    static AtomRecord ParseAtom(string line, int number, int model, bool hetero, string file)
    {
        if (line.Length < 54) throw Error(file, number, $"an atom record needs its coordinates in columns 31–54, and the line has {line.Length} characters");
        double x = Number(line, 31, 38, "x", number, file), y = Number(line, 39, 46, "y", number, file), z = Number(line, 47, 54, "z", number, file);
        double occupancy = Columns(line, 55, 60).Trim().IsEmpty ? 1 : Number(line, 55, 60, "occupancy", number, file);
        double b = Columns(line, 61, 66).Trim().IsEmpty ? 0 : Number(line, 61, 66, "B-factor", number, file);
        if (occupancy < 0) throw Error(file, number, $"the occupancy {occupancy.ToString(CultureInfo.InvariantCulture)} is negative");
        var name = Columns(line, 13, 16);
        var symbol = Columns(line, 77, 78).Trim();
        int element;
        // Before format 3 (1996), columns 73–80 held the entry's ID code and the line number: no element there.
        if (!symbol.IsEmpty && IsLetters(symbol))
        {
            element = Elements.Parse(symbol);
            if (element == 0) throw UnknownElement(file, number, symbol.ToString());
        }
        else
        {
            element = ElementFromName(name, hetero);
            if (element == 0) throw UnknownElement(file, number, $"(none in columns 77–78; atom name '{name.ToString().Trim()}')");
        }
        var residue = Columns(line, 18, 20).Trim();
        string chain = Columns(line, 22, 22).Trim().ToString();
        var alt = Columns(line, 17, 17).Trim();
        string altLoc = alt.IsEmpty ? "" : alt.ToString();
        string key = altLoc.Length == 0 ? "" : string.Concat(chain, "|", Columns(line, 23, 27).ToString(), "|", name.ToString());
        return new AtomRecord(element, x, y, z, occupancy, b, chain, chain, model, hetero, AtomCollector.IsWater(residue), altLoc, key, number);
    }

    /// <summary>
    /// The element of an atom whose record leaves columns 77–78 blank, from its name (columns 13–16): names are aligned
    /// so that a one-letter element stands in column 14 (" CA " is carbon) and a two-letter one starts in column 13
    /// ("CA  " is calcium). Four-character names of standard residues ("HG21") are hydrogens.
    /// </summary>
    internal static int ElementFromName(ReadOnlySpan<char> name, bool hetero)
    {
        if (name.Length < 2) return name.Length == 1 ? Elements.Parse(name) : 0;
        char first = name[0], second = name[1];
        if (first == ' ' || char.IsDigit(first)) return char.IsLetter(second) ? Elements.Parse(name.Slice(1, 1)) : 0;
        if (hetero && char.IsLetter(second) && Elements.Parse(name[..2]) is var two and > 0) return two;
        return char.IsLetter(first) ? Elements.Parse(name[..1]) : 0;
    }

    static bool IsLetters(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
            if (!char.IsAsciiLetter(c)) return false;
        return true;
    }

    /// <summary>Columns <paramref name="from"/> to <paramref name="to"/> (1-based, inclusive) of a line, cut where it ends.</summary>
    static ReadOnlySpan<char> Columns(string line, int from, int to) =>
        from > line.Length ? ReadOnlySpan<char>.Empty : line.AsSpan(from - 1, Math.Min(to, line.Length) - from + 1);

    static double Number(string line, int from, int to, string what, int number, string file)
    {
        var text = Columns(line, from, to).Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw Error(file, number, $"the {what} in columns {from}–{to}, '{text.ToString()}', is not a number");
        return value;
    }

    static FakETException Error(string file, int line, string message) => StructureFile.ParseError(file, line, message);

    static FakETException UnknownElement(string file, int line, string symbol) =>
        new(ErrorIds.StructureUnknownElement, FailureKind.InvalidData,
            $"{file}, line {line}: element {symbol} is not one of the 98 elements H … Cf that have electron scattering factors.");
}

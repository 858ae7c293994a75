using System.Globalization;
using System.Text;
using FakET.Structures;

namespace FakET.Tests.Support;

/// <summary>Atomic models written as PDB and mmCIF text by the tests (random structures, and files with each feature
/// the readers must handle), in the layouts wwPDB and gemmi write.</summary>
public static class StructureText
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>An atom as the tests write it: element symbol, position, occupancy, B, and what the record says about it.</summary>
    public sealed record Row(string Element, double X, double Y, double Z, double Occupancy = 1, double B = 20, string Chain = "A",
        int Residue = 1, string ResidueName = "UNK", string Name = "", string AltLoc = "", bool Hetero = false, int Model = 1);

    /// <summary><paramref name="count"/> atoms of random elements among the 98 (or among <paramref name="elements"/>), at random
    /// positions in a cube of <paramref name="edge"/> Å from <paramref name="low"/>, with B from 2 to 80 Å² and occupancies
    /// 0.25, 0.5, 0.75 or 1.</summary>
    public static List<Row> Random(int seed, int count, double low, double edge, IReadOnlyList<string>? elements = null)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (int i = 0; i < count; i++)
        {
            string symbol = elements is null ? Elements.Symbol(random.Next(1, Elements.Count + 1)) : elements[random.Next(elements.Count)];
            rows.Add(new Row(symbol, low + edge * random.NextDouble(), low + edge * random.NextDouble(), low + edge * random.NextDouble(),
                0.25 * random.Next(1, 5), Math.Round(2 + 78 * random.NextDouble(), 2), Residue: i + 1));
        }
        return rows;
    }

    /// <summary>PDB ATOM/HETATM records (columns as the format fixes them), with MODEL/ENDMDL when there are several models.</summary>
    public static string Pdb(IEnumerable<Row> rows, string? header = null, IEnumerable<string>? extra = null)
    {
        var text = new StringBuilder();
        if (header is not null) text.Append($"HEADER    {"TEST",-40}01-JAN-00   {header,-4}\n");
        foreach (var line in extra ?? Array.Empty<string>()) text.Append(line).Append('\n');
        var models = rows.GroupBy(r => r.Model).ToList();
        int serial = 1;
        foreach (var model in models)
        {
            if (models.Count > 1) text.Append($"MODEL     {model.Key,4}\n");
            foreach (var r in model)
            {
                string name = r.Name.Length > 0 ? r.Name : r.Element.Length == 1 ? " " + r.Element.ToUpperInvariant() + "  " : r.Element.ToUpperInvariant() + "  ";
                text.Append(string.Create(C, $"{(r.Hetero ? "HETATM" : "ATOM  ")}{serial++ % 100000,5} {name,-4}{(r.AltLoc.Length > 0 ? r.AltLoc : " ")}{r.ResidueName,3} {r.Chain,1}{r.Residue % 10000,4}    {r.X,8:0.000}{r.Y,8:0.000}{r.Z,8:0.000}{r.Occupancy,6:0.00}{r.B,6:0.00}          {r.Element.ToUpperInvariant(),2}\n"));
            }
            if (models.Count > 1) text.Append("ENDMDL\n");
        }
        text.Append("END\n");
        return text.ToString();
    }

    /// <summary>An mmCIF data block with _entry.id and an _atom_site loop (as gemmi writes it), plus <paramref name="extra"/>.</summary>
    public static string Cif(IEnumerable<Row> rows, string id = "TEST", string? extra = null, string? asym = null)
    {
        var text = new StringBuilder($"data_{id}\n#\n_entry.id {id}\n#\n");
        if (extra is not null) text.Append(extra).Append("\n#\n");
        text.Append("loop_\n_atom_site.group_PDB\n_atom_site.id\n_atom_site.type_symbol\n_atom_site.label_atom_id\n_atom_site.label_alt_id\n" +
                    "_atom_site.label_comp_id\n_atom_site.label_asym_id\n_atom_site.label_seq_id\n_atom_site.pdbx_PDB_ins_code\n" +
                    "_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\n_atom_site.occupancy\n_atom_site.B_iso_or_equiv\n" +
                    "_atom_site.auth_seq_id\n_atom_site.auth_asym_id\n_atom_site.pdbx_PDB_model_num\n");
        int serial = 1;
        foreach (var r in rows)
        {
            string name = r.Name.Length > 0 ? r.Name.Trim() : r.Element.ToUpperInvariant();
            text.Append(string.Create(C, $"{(r.Hetero ? "HETATM" : "ATOM")} {serial++} {r.Element.ToUpperInvariant()} {Quote(name)} {(r.AltLoc.Length > 0 ? r.AltLoc : ".")} {r.ResidueName} {asym ?? r.Chain} {r.Residue} ? {r.X:0.0000} {r.Y:0.0000} {r.Z:0.0000} {r.Occupancy:0.##} {r.B:0.##} {r.Residue} {r.Chain} {r.Model}\n"));
        }
        text.Append("#\n");
        return text.ToString();
    }

    static string Quote(string value) => value.Contains('\'') ? "\"" + value + "\"" : value;
}

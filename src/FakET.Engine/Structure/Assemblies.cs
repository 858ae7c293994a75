using System.Globalization;

namespace FakET.Structures;

/// <summary>A rigid motion x' = R·x + t, stored row by row as R₁₁ R₁₂ R₁₃ t₁ R₂₁ … t₃, with a name (e.g. "2", "1x5").</summary>
internal sealed record Operator(string Name, double[] Matrix)
{
    public static Operator Identity { get; } = new("1", new double[] { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0 });

    /// <summary>This operator applied after <paramref name="first"/>: this·first.</summary>
    public Operator After(Operator first)
    {
        var a = Matrix;
        var b = first.Matrix;
        var m = new double[12];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++) m[4 * i + j] = a[4 * i] * b[j] + a[4 * i + 1] * b[4 + j] + a[4 * i + 2] * b[8 + j];
            m[4 * i + 3] = a[4 * i] * b[3] + a[4 * i + 1] * b[7] + a[4 * i + 2] * b[11] + a[4 * i + 3];
        }
        return new Operator(Name + "x" + first.Name, m);
    }

    public (double X, double Y, double Z) Apply(double x, double y, double z)
    {
        var m = Matrix;
        return (m[0] * x + m[1] * y + m[2] * z + m[3], m[4] * x + m[5] * y + m[6] * z + m[7], m[8] * x + m[9] * y + m[10] * z + m[11]);
    }
}

/// <summary>One part of a biological assembly: these operators applied to the atoms of these chains.</summary>
/// <param name="Chains">mmCIF label_asym_id values, or PDB chain identifiers (REMARK 350).</param>
internal sealed record AssemblyPart(IReadOnlyList<Operator> Operators, IReadOnlySet<string> Chains);

/// <summary>Biological assemblies: mmCIF operator expressions and the expansion of a model into its assembly.</summary>
internal static class Assemblies
{
    /// <summary>
    /// The operators of an mmCIF <c>oper_expression</c>: a list ("1,2,5"), ranges ("1-60"), and products of
    /// parenthesised lists ("(1-5)(6,7)": every operator of the first group applied after every one of the second,
    /// as the PDBx/mmCIF dictionary defines, right to left).
    /// </summary>
    public static List<Operator> Expand(string expression, IReadOnlyDictionary<string, Operator> operators, Func<string, Exception> error)
    {
        var groups = new List<List<string>>();
        int i = 0;
        string text = expression.Trim();
        while (i < text.Length)
        {
            if (text[i] == '(')
            {
                int close = text.IndexOf(')', i);
                if (close < 0) throw error($"'{expression}' has an unclosed parenthesis");
                groups.Add(List(text[(i + 1)..close]));
                i = close + 1;
            }
            else
            {
                int open = text.IndexOf('(', i);
                int end = open < 0 ? text.Length : open;
                string part = text[i..end].Trim().TrimEnd(',').Trim();
                if (part.Length > 0) groups.Add(List(part));
                i = end;
            }
        }
        if (groups.Count == 0) throw error($"'{expression}' names no operator");

        var result = new List<Operator> { Operator.Identity with { Name = "" } };
        bool first = true;
        foreach (var group in groups)
        {
            var next = new List<Operator>();
            foreach (var left in result)
                foreach (var id in group)
                {
                    if (!operators.TryGetValue(id, out var op)) throw error($"'{expression}' names operator '{id}', which _pdbx_struct_oper_list does not define");
                    next.Add(first ? op : left.After(op));
                }
            result = next;
            first = false;
        }
        return result;

        List<string> List(string list)
        {
            var ids = new List<string>();
            foreach (var raw in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                int dash = raw.IndexOf('-', 1);
                if (dash > 0 && int.TryParse(raw[..dash], NumberStyles.Integer, CultureInfo.InvariantCulture, out int from)
                    && int.TryParse(raw[(dash + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out int to))
                {
                    if (to < from || to - from > 100_000) throw error($"'{expression}' has the range {raw}");
                    for (int k = from; k <= to; k++) ids.Add(k.ToString(CultureInfo.InvariantCulture));
                }
                else ids.Add(raw);
            }
            if (ids.Count == 0) throw error($"'{expression}' has an empty list");
            return ids;
        }
    }

    /// <summary>The atoms of the assembly: each part's operators applied to its chains' atoms, in part, operator and file
    /// order. A copy's chain is named chain-operator unless the assembly applies one operator only.</summary>
    /// <param name="byAsym">Select atoms by their label_asym_id (mmCIF) rather than their chain (PDB).</param>
    public static List<AtomRecord> Build(IReadOnlyList<AtomRecord> atoms, IReadOnlyList<AssemblyPart> parts, bool byAsym)
    {
        bool rename = parts.Sum(p => p.Operators.Count) > 1;
        var result = new List<AtomRecord>();
        foreach (var part in parts)
            foreach (var op in part.Operators)
                foreach (var atom in atoms)
                {
                    if (!part.Chains.Contains(byAsym ? atom.Asym : atom.Chain)) continue;
                    var (x, y, z) = op.Apply(atom.X, atom.Y, atom.Z);
                    result.Add(atom with { X = x, Y = y, Z = z, Chain = rename ? atom.Chain + "-" + op.Name : atom.Chain });
                }
        return result;
    }
}

namespace FakET.Structures;

/// <summary>How <see cref="StructureFile"/> reads a model.</summary>
/// <param name="Model">The model number to take (PDB MODEL serial, mmCIF pdbx_PDB_model_num); null: the first in the file.</param>
/// <param name="Assembly">The biological assembly to build (mmCIF _pdbx_struct_assembly_gen.assembly_id, PDB REMARK 350
/// BIOMOLECULE); null: the deposited coordinates.</param>
/// <param name="KeepWater">Keep water molecules (HOH, WAT, DOD, …), which are dropped by default.</param>
public sealed record StructureReadOptions(int? Model = null, string? Assembly = null, bool KeepWater = false);

/// <summary>One atom record as a file states it, before model, conformer and water selection.</summary>
internal readonly record struct AtomRecord(
    int Element, double X, double Y, double Z, double Occupancy, double BFactor,
    string Chain, string Asym, int Model, bool Hetero, bool Water, string AltLoc, string ConformerKey, int Line);

/// <summary>
/// What both readers share: the atoms of one model (the one asked for, else the first), waters dropped unless kept,
/// and of each atom with alternate locations the conformer of highest occupancy (the first of equals), whose occupancy
/// becomes the sum over its conformers (at most 1): one copy of the molecule, with the atom wholly there.
/// </summary>
internal sealed class AtomCollector(StructureReadOptions options, string file, string? source)
{
    readonly List<AtomRecord> _atoms = new();
    readonly Dictionary<string, (int Index, double Total)> _conformers = new();
    readonly SortedSet<int> _models = new();
    int? _model = options.Model;

    /// <summary>The model numbers seen in the file, in order.</summary>
    public IReadOnlyCollection<int> Models => _models;

    /// <summary>The atoms kept, in file order.</summary>
    public IReadOnlyList<AtomRecord> Atoms => _atoms;

    public void Add(in AtomRecord atom)
    {
        _models.Add(atom.Model);
        _model ??= atom.Model;
        if (atom.Model != _model) return;
        if (atom.Water && !options.KeepWater) return;
        if (atom.AltLoc.Length == 0)
        {
            _atoms.Add(atom);
            return;
        }
        if (!_conformers.TryGetValue(atom.ConformerKey, out var kept))
        {
            _conformers[atom.ConformerKey] = (_atoms.Count, atom.Occupancy);
            _atoms.Add(atom);
            return;
        }
        _conformers[atom.ConformerKey] = (kept.Index, kept.Total + atom.Occupancy);
        if (atom.Occupancy > _atoms[kept.Index].Occupancy) _atoms[kept.Index] = atom;
    }

    /// <summary>The structure of the kept atoms; <paramref name="transform"/> may expand them first (an assembly).</summary>
    public Structure Build(string id, Func<List<AtomRecord>, List<AtomRecord>>? transform = null)
    {
        if (options.Model is { } wanted && !_models.Contains(wanted))
            throw new FakETException(ErrorIds.StructureModelNotFound, FailureKind.ObjectNotFound,
                $"{file} has no model {wanted}; its models are {Describe(_models)}.");
        var records = _atoms;
        foreach (var (_, (index, total)) in _conformers)
            records[index] = records[index] with { Occupancy = Math.Min(1, total) };
        if (records.Count == 0)
            throw new FakETException(ErrorIds.StructureNoAtoms, FailureKind.InvalidData,
                $"{file} holds no atoms{(options.KeepWater ? "" : " other than waters (-KeepWater keeps them)")}.");
        if (transform is not null) records = transform(records);
        var chains = new List<string>();
        var chainIndex = new Dictionary<string, int>();
        var atoms = new Atom[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            if (!chainIndex.TryGetValue(r.Chain, out int c))
            {
                c = chains.Count;
                chainIndex[r.Chain] = c;
                chains.Add(r.Chain);
            }
            atoms[i] = new Atom(r.Element, r.X, r.Y, r.Z, r.Occupancy, r.BFactor, c, r.Hetero);
        }
        return new Structure(id, atoms, chains, source, _model ?? 1, options.Assembly);
    }

    static string Describe(IReadOnlyCollection<int> models) =>
        models.Count == 0 ? "none" : models.Count <= 12 ? string.Join(", ", models) : $"{models.Min()} to {models.Max()} ({models.Count} models)";

    /// <summary>Residue names of water as PDB, mmCIF and simulation packages write them.</summary>
    public static bool IsWater(ReadOnlySpan<char> residue) =>
        residue is "HOH" or "WAT" or "H2O" or "DOD" or "D2O" or "TIP" or "TIP3" or "TIP4" or "SOL" or "SPC";
}

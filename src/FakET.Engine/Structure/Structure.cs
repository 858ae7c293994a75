using System.Globalization;
using FakET.Structures;

namespace FakET;

/// <summary>One atom of an atomic model: its element, position (Å), occupancy and isotropic B-factor (Å²).</summary>
/// <param name="Element">Atomic number, 1 … 98.</param>
/// <param name="Chain">Index of its chain in <see cref="Structure.Chains"/>.</param>
/// <param name="Hetero">A HETATM record (ligand, ion, modified residue) rather than ATOM.</param>
public readonly record struct Atom(int Element, double X, double Y, double Z, double Occupancy, double BFactor, int Chain, bool Hetero = false)
{
    /// <summary>The element's symbol, e.g. Fe.</summary>
    public string Symbol => Elements.Symbol(Element);
}

/// <summary>
/// An atomic model read from a PDB or mmCIF file (<see cref="StructureFile"/>): one model, one conformer per atom, the
/// atoms that scatter (waters dropped unless kept). Its centre is the centroid of its electrostatic potential, the point
/// that a sample made from it lists as the particle's centre. Immutable.
/// </summary>
public sealed class Structure
{
    readonly Atom[] _atoms;

    /// <param name="id">The entry's ID (mmCIF _entry.id, the PDB HEADER's ID code, else the file's name).</param>
    /// <param name="chains">Chain names; each atom refers to one by index.</param>
    /// <param name="source">The file it was read from, or null.</param>
    /// <param name="model">The model number taken.</param>
    /// <param name="assembly">The biological assembly built, or null for the deposited coordinates.</param>
    public Structure(string id, IReadOnlyList<Atom> atoms, IReadOnlyList<string> chains, string? source = null, int model = 1, string? assembly = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(atoms);
        ArgumentNullException.ThrowIfNull(chains);
        if (atoms.Count == 0) throw new ArgumentException("A structure needs at least one atom.", nameof(atoms));
        _atoms = atoms.ToArray();
        foreach (var a in _atoms)
        {
            if (a.Element is < 1 or > Elements.Count) throw new ArgumentException($"Element {a.Element} is not one of the 98 known.", nameof(atoms));
            if (!double.IsFinite(a.X) || !double.IsFinite(a.Y) || !double.IsFinite(a.Z)) throw new ArgumentException("Atom coordinates must be finite.", nameof(atoms));
            if (!(a.Occupancy >= 0) || !double.IsFinite(a.BFactor)) throw new ArgumentException("Occupancies must be ≥ 0 and B-factors finite.", nameof(atoms));
            if ((uint)a.Chain >= (uint)chains.Count) throw new ArgumentException($"Chain index {a.Chain} is outside the {chains.Count} chains.", nameof(atoms));
        }
        Id = id;
        Chains = chains.ToArray();
        Source = source;
        Model = model;
        Assembly = assembly;
        double mass = 0, weight = 0, cx = 0, cy = 0, cz = 0;
        foreach (var a in _atoms)
        {
            mass += a.Occupancy * Elements.Mass(a.Element);
            double w = a.Occupancy * Elements.ScatteringSum(a.Element);
            weight += w;
            cx += w * a.X; cy += w * a.Y; cz += w * a.Z;
        }
        Mass = mass;
        Centre = weight > 0 ? (cx / weight, cy / weight, cz / weight) : (_atoms.Average(a => a.X), _atoms.Average(a => a.Y), _atoms.Average(a => a.Z));
        double r2 = 0;
        foreach (var a in _atoms)
        {
            double dx = a.X - Centre.X, dy = a.Y - Centre.Y, dz = a.Z - Centre.Z;
            r2 = Math.Max(r2, dx * dx + dy * dy + dz * dz);
        }
        Radius = Math.Sqrt(r2);
    }

    /// <summary>The entry's ID: the class name a sample gives its particles.</summary>
    public string Id { get; }
    /// <summary>The atoms, in file order (assembly copies one after another).</summary>
    public IReadOnlyList<Atom> Atoms => _readOnly ??= Array.AsReadOnly(_atoms);
    System.Collections.ObjectModel.ReadOnlyCollection<Atom>? _readOnly;
    /// <summary>Chain names (for an assembly, a copy's chains are named chain-operator, e.g. A-2).</summary>
    public IReadOnlyList<string> Chains { get; }
    /// <summary>The file it was read from, or null.</summary>
    public string? Source { get; }
    /// <summary>The model number taken from the file.</summary>
    public int Model { get; }
    /// <summary>The biological assembly built, or null for the deposited coordinates.</summary>
    public string? Assembly { get; }
    /// <summary>Σ occupancy × atomic weight, in Da (hydrogens count when the file has them).</summary>
    public double Mass { get; }
    /// <summary>Mass in kDa.</summary>
    public double MassKDa => Mass / 1000;
    /// <summary>The centroid of the potential in vacuum: atoms weighted by occupancy × Σ aᵢ (Å).</summary>
    public (double X, double Y, double Z) Centre { get; }
    /// <summary>The largest distance of an atom centre from <see cref="Centre"/>, in Å.</summary>
    public double Radius { get; }
    /// <summary>The number of atoms.</summary>
    public int AtomCount => _atoms.Length;

    /// <summary>The atoms as a span, for the kernels.</summary>
    internal ReadOnlySpan<Atom> AtomSpan => _atoms;

    /// <summary>The same atoms under another ID.</summary>
    public Structure WithId(string id) => new(id, _atoms, Chains, Source, Model, Assembly);

    /// <summary>One line: <c>Structure 1HEL  1,001 atoms  1 chain  14.3 kDa  radius 24.8 Å</c>.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        string chains = Chains.Count == 1 ? "1 chain" : $"{Chains.Count.ToString("N0", c)} chains";
        string assembly = Assembly is null ? "" : $"  assembly {Assembly}";
        return $"Structure {Id}  {AtomCount.ToString("N0", c)} atoms  {chains}  {MassKDa.ToString("0.0", c)} kDa  radius {Radius.ToString("0.0", c)} Å{assembly}";
    }
}

using System.Globalization;

namespace FakET;

/// <summary>
/// One particle as particle-list files hold it (CSV, DeepFinder XML, RELION STAR, SHREC text, copick picks): what a
/// picker writes and a training set lists. Coordinates are voxel indices of its tomogram (0-based, voxel centres at
/// integers); orientations are TOM/PyTom/DeepFinder ZXZ Euler angles (<see cref="SampleLabels.EulerConvention"/>).
/// <see cref="Class"/> is the class's name (its number as text when a file gives only numbers), so
/// <c>Group-Object Class</c> groups by class.
/// </summary>
public sealed record ParticleEntry
{
    /// <summary>The class's name, or its number as text when the file names none.</summary>
    public required string Class { get; init; }
    /// <summary>The class's number (its value in a class mask), when known.</summary>
    public int? ClassNumber { get; init; }
    /// <summary>Centre, voxel index along X.</summary>
    public double X { get; init; }
    /// <summary>Centre, voxel index along Y.</summary>
    public double Y { get; init; }
    /// <summary>Centre, voxel index along Z.</summary>
    public double Z { get; init; }
    /// <summary>First rotation about Z, degrees.</summary>
    public double Phi { get; init; }
    /// <summary>Rotation about X, degrees.</summary>
    public double The { get; init; }
    /// <summary>Last rotation about Z, degrees.</summary>
    public double Psi { get; init; }
    /// <summary>The particle's id (its value in an instance mask), when known.</summary>
    public int? Id { get; init; }
    /// <summary>The tomogram's name (RELION's rlnTomoName, a copick run), when known.</summary>
    public string? Tomogram { get; init; }
    /// <summary>The tomogram's index in a training set (DeepFinder's tomo_idx), when known.</summary>
    public int? TomogramIndex { get; init; }
    /// <summary>Part of the particle lies outside its tomogram (see <see cref="Particle.Clipped"/>).</summary>
    public bool Clipped { get; init; }
    /// <summary>A picker's confidence, when the file gives one.</summary>
    public double? Score { get; init; }

    /// <summary>The entry for a sample's or tomogram's particle.</summary>
    public static ParticleEntry From(Particle p, SampleLabels labels, string? tomogram = null, int? tomogramIndex = null) => new()
    {
        Class = labels.ClassName(p.Class),
        ClassNumber = p.Class,
        X = p.X, Y = p.Y, Z = p.Z,
        Phi = p.Phi, The = p.The, Psi = p.Psi,
        Id = p.Id,
        Tomogram = tomogram,
        TomogramIndex = tomogramIndex,
        Clipped = p.Clipped,
    };

    /// <summary>The rotation R = Rz(psi)·Rx(the)·Rz(phi) that turns the reference into this particle (row-major 3×3).</summary>
    public double[,] Rotation() => Phantom.Rotations.FromZxz(Phi, The, Psi);

    /// <summary>This entry oriented by <paramref name="rotation"/> (the rotation that turns the reference into the particle).</summary>
    public ParticleEntry WithRotation(double[,] rotation)
    {
        var (phi, the, psi) = Phantom.Rotations.ToZxz(rotation);
        return this with { Phi = phi, The = the, Psi = psi };
    }

    /// <summary>One line: <c>ribosome  (120.0, 64.5, 33.0)  tomogram TS_01</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Class}  ({X:0.0}, {Y:0.0}, {Z:0.0}){(Tomogram is null ? TomogramIndex is { } i ? $"  tomogram {i}" : "" : $"  tomogram {Tomogram}")}{(Clipped ? "  clipped" : "")}");
}

/// <summary>A particle list: entries (from one or several tomograms) and the class table that numbers their classes.</summary>
/// <param name="ClassNames">Name of class k at index k − 1: the numbers written where a format wants numbers.</param>
/// <param name="Entries">The particles, in file order.</param>
public sealed record ParticleList(IReadOnlyList<string> ClassNames, IReadOnlyList<ParticleEntry> Entries)
{
    /// <summary>The number of <paramref name="entry"/>'s class: its own when it has one, else its name's place in the table.</summary>
    public int NumberOf(ParticleEntry entry)
    {
        if (entry.ClassNumber is { } k) return k;
        for (int i = 0; i < ClassNames.Count; i++)
            if (ClassNames[i] == entry.Class) return i + 1;
        return int.TryParse(entry.Class, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : 0;
    }

    /// <summary>The particle table of one sample or tomogram, its entries named and indexed as the tomogram
    /// <paramref name="tomogram"/> and <paramref name="tomogramIndex"/> (both optional).</summary>
    public static ParticleList Of(SampleLabels labels, string? tomogram = null, int? tomogramIndex = null) =>
        new(labels.ClassNames, (labels.Particles ?? Array.Empty<Particle>()).Select(p => ParticleEntry.From(p, labels, tomogram, tomogramIndex)).ToList());

    /// <summary>Particles without a file's class table (a picker's picks, say) as a list: class k is named as the particles
    /// of number k name it (k as text where none has it), and classes without a number follow in order of appearance.</summary>
    public static ParticleList OfEntries(IReadOnlyList<ParticleEntry> entries)
    {
        var numbered = entries.Where(p => p.ClassNumber is > 0).GroupBy(p => p.ClassNumber!.Value).ToDictionary(g => g.Key, g => g.First().Class);
        int top = numbered.Count == 0 ? 0 : numbered.Keys.Max();
        var names = Enumerable.Range(1, top).Select(k => numbered.TryGetValue(k, out var n) ? n : k.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var name in entries.Where(p => p.ClassNumber is null).Select(p => p.Class).Distinct())
            if (!names.Contains(name)) names.Add(name);
        return new ParticleList(names, entries);
    }

    /// <summary>
    /// Several lists as one, in order: the class table is the union of their tables (first seen first), and an entry
    /// whose class is in its own list's table is renumbered to that name's number in the union, so a class that has
    /// different numbers in different lists gets one number. One list comes back as it is.
    /// </summary>
    public static ParticleList Combine(IReadOnlyList<ParticleList> lists)
    {
        if (lists.Count == 1) return lists[0];
        var names = new List<string>();
        foreach (var name in lists.SelectMany(l => l.ClassNames))
            if (!names.Contains(name)) names.Add(name);
        var entries = new List<ParticleEntry>();
        foreach (var list in lists)
        {
            foreach (var entry in list.Entries)
            {
                int k = list.NumberOf(entry);
                if (k >= 1 && k <= list.ClassNames.Count)
                {
                    int union = names.IndexOf(list.ClassNames[k - 1]) + 1;
                    entries.Add(entry with { Class = names[union - 1], ClassNumber = union });
                }
                else entries.Add(entry);
            }
        }
        return new ParticleList(names, entries);
    }
}

namespace FakET.Structures;

/// <summary>
/// The atomic models shipped inside the engine, gzipped (Structure/Shipped/README.md): wwPDB entries, free of copyright,
/// so that a default sample needs nothing from outside. Known by their IDs, without regard to case.
/// </summary>
public static class StructureLibrary
{
    const string Prefix = "FakET.Structures.Shipped.", Suffix = ".pdb.gz";

    /// <summary>The IDs of the shipped models (1HEL, 1TII, 3O21).</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(StructureLibrary).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(Suffix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^Suffix.Length]).Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether <paramref name="name"/> is a shipped model's ID.</summary>
    public static bool Contains(string name) => Names.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads a shipped model; an unknown ID is the error <see cref="ErrorIds.StructureNotShipped"/>.</summary>
    public static Structure Read(string name, StructureReadOptions? options = null)
    {
        string id = Names.FirstOrDefault(n => n.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new FakETException(ErrorIds.StructureNotShipped, FailureKind.ObjectNotFound,
                $"No atomic model '{name}' is shipped with the module; the shipped ones are {string.Join(", ", Names)}.");
        using var stream = typeof(StructureLibrary).Assembly.GetManifestResourceStream(Prefix + id + Suffix)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return StructureFile.Read(copy, id + Suffix, options);
    }
}

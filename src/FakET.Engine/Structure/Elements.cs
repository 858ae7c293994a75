namespace FakET.Structures;

/// <summary>
/// The chemical elements 1 (H) to 98 (Cf): symbols, standard atomic weights and the five-Gaussian electron scattering
/// factors of International Tables C 4.3.2.2 (Peng et al. 1996), f(s) = Σ aᵢ exp(−bᵢ s²), s = sin θ/λ
/// (<see cref="ScatteringTable"/>, generated from Debian's gemmi by <c>make_scattering_table.py</c>).
/// </summary>
public static class Elements
{
    /// <summary>The highest atomic number the table covers (californium).</summary>
    public const int Count = 98;

    /// <summary>Gaussians per element in the table.</summary>
    public const int Gaussians = 5;

    /// <summary>h²/(2π m₀ e) = 47.878 V·Å²: an atom's potential in volts is this times the Fourier transform of its electron
    /// scattering factor (Å⁻²), so its integral over space is 47.878 · Σ aᵢ V·Å³.</summary>
    public const double VoltsPerScattering = 47.878;

    /// <summary>Atomic numbers by the symbol's key (<see cref="Key"/>).</summary>
    static readonly Dictionary<int, int> BySymbol = MakeIndex();

    static Dictionary<int, int> MakeIndex()
    {
        var index = new Dictionary<int, int>();
        for (int z = 1; z <= Count; z++) index[Key(ScatteringTable.Symbols[z])] = z;
        index[Key("D")] = 1; // deuterium scatters as hydrogen
        index[Key("T")] = 1; // tritium
        return index;
    }

    /// <summary>A one- or two-letter symbol as a number, case-insensitively.</summary>
    static int Key(ReadOnlySpan<char> symbol) =>
        char.ToUpperInvariant(symbol[0]) << 16 | (symbol.Length > 1 ? char.ToUpperInvariant(symbol[1]) : 0);

    /// <summary>The atomic number of an element symbol (any case; D and T are hydrogen), or 0 when it is none of the 98.</summary>
    public static int Parse(ReadOnlySpan<char> symbol)
    {
        symbol = symbol.Trim();
        if (symbol.Length is 0 or > 2) return 0;
        return BySymbol.TryGetValue(Key(symbol), out int z) ? z : 0;
    }

    /// <summary>The symbol of element <paramref name="z"/> (e.g. Fe).</summary>
    public static string Symbol(int z) => ScatteringTable.Symbols[Check(z)];

    /// <summary>The standard atomic weight of element <paramref name="z"/> in Da.</summary>
    public static double Mass(int z) => ScatteringTable.Masses[Check(z)];

    /// <summary>aᵢ (Å) of element <paramref name="z"/>, i = 0 … 4.</summary>
    public static double A(int z, int i) => ScatteringTable.Coefficients[Check(z), i];

    /// <summary>bᵢ (Å²) of element <paramref name="z"/>, i = 0 … 4.</summary>
    public static double B(int z, int i) => ScatteringTable.Coefficients[Check(z), Gaussians + i];

    /// <summary>Σ aᵢ = f(0) in Å: the atom's potential integrated over space is 47.878 V·Å² times this, in V·Å³.</summary>
    public static double ScatteringSum(int z)
    {
        double sum = 0;
        for (int i = 0; i < Gaussians; i++) sum += A(z, i);
        return sum;
    }

    static int Check(int z) => z is >= 1 and <= Count ? z : throw new ArgumentOutOfRangeException(nameof(z), z, "Elements 1 to 98 are known.");
}

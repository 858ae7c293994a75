namespace FakET;

/// <summary>
/// Ground truth that travels with a synthetic sample or a tomogram made from one: what a particle picker trains on.
/// The masks have the volume's shape (Z, Y, X), one row-major section per Z. A tomogram's masks are resampled from its
/// sample's only when first asked for (<see cref="SampleLabels(Func{int[][]}, Func{int[][]}, IReadOnlyList{string}, IReadOnlyList{Particle})"/>),
/// so a labelled tomogram costs no mask memory until a mask is exported.
/// </summary>
public sealed class SampleLabels
{
    readonly Lazy<int[][]?> _classMask, _instanceMask;

    /// <param name="classMask">0 for background, k for class k.</param>
    /// <param name="instanceMask">0 for background, the particle's id otherwise.</param>
    /// <param name="classNames">Name of class k at index k − 1.</param>
    /// <param name="particles">The particle table: one row per particle, ordered by id.</param>
    public SampleLabels(int[][]? classMask, int[][]? instanceMask, IReadOnlyList<string> classNames, IReadOnlyList<Particle>? particles = null)
        : this(() => classMask, () => instanceMask, classNames, particles) { }

    /// <summary>Labels whose masks are made when first asked for (once; the result is kept).</summary>
    public SampleLabels(Func<int[][]?> classMask, Func<int[][]?> instanceMask, IReadOnlyList<string> classNames,
        IReadOnlyList<Particle>? particles = null)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        _classMask = new Lazy<int[][]?>(classMask);
        _instanceMask = new Lazy<int[][]?>(instanceMask);
        ClassNames = classNames;
        Particles = particles;
    }

    /// <summary>The class mask: 0 for background, k for class k. Made when first asked for. A method, as
    /// <see cref="ImageStack.GetSections"/>: C# reads it as the property <c>ClassMask</c> (<see cref="BulkData"/>).</summary>
    public int[][]? GetClassMask() => _classMask.Value;
    /// <summary>The instance mask: 0 for background, the particle's id otherwise. As <see cref="GetClassMask"/>.</summary>
    public int[][]? GetInstanceMask() => _instanceMask.Value;
    /// <summary>Name of class k at index k − 1.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>The particle table: one row per particle, ordered by id.</summary>
    public IReadOnlyList<Particle>? Particles { get; }

    /// <summary>The name of class <paramref name="k"/> (1-based), or its number when the table has no name for it.</summary>
    public string ClassName(int k) => k >= 1 && k <= ClassNames.Count ? ClassNames[k - 1] : k.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One line: <c>17 particles: 10 small, 5 medium, 2 large</c>.</summary>
    public override string ToString()
    {
        int count = Particles?.Count ?? 0;
        var byClass = (Particles ?? Array.Empty<Particle>()).GroupBy(p => p.Class).OrderBy(g => g.Key).Select(g => $"{g.Count()} {ClassName(g.Key)}");
        return $"{count} particle{(count == 1 ? "" : "s")}{(count > 0 ? ": " + string.Join(", ", byClass) : "")}";
    }

    /// <summary>How <see cref="Particle"/>'s Euler angles are defined (TOM toolbox, PyTom, DeepFinder, SHREC).</summary>
    public const string EulerConvention =
        "ZXZ (phi, the, psi) in degrees, as TOM/PyTom/DeepFinder: the particle is its reference rotated by " +
        "R = Rz(psi)·Rx(the)·Rz(phi) (active, right-handed, about the volume's x, y, z axes; phi applied first)";
}

/// <summary>One particle of a synthetic sample.</summary>
/// <param name="Id">Its value in the instance mask (1, 2, …).</param>
/// <param name="Class">Its class number k (its value in the class mask).</param>
/// <param name="X">Centre, voxel index along X (0-based: voxel centres are at integers).</param>
/// <param name="Y">Centre, voxel index along Y.</param>
/// <param name="Z">Centre, voxel index along Z.</param>
/// <param name="Phi">First rotation about Z, degrees (see <see cref="SampleLabels.EulerConvention"/>).</param>
/// <param name="The">Rotation about X, degrees, 0…180.</param>
/// <param name="Psi">Last rotation about Z, degrees.</param>
/// <param name="Clipped">Part of the particle lies outside the volume whose labels these are (e.g. a tomogram thinner
/// than its sample): its centre is inside, so it is listed, but its density and masks are cut.</param>
public sealed record Particle(int Id, int Class, double X, double Y, double Z, double Phi, double The, double Psi, bool Clipped = false)
{
    /// <summary>The rotation R = Rz(psi)·Rx(the)·Rz(phi) that turns the reference into this particle (row-major 3×3).</summary>
    public double[,] Rotation() => Phantom.Rotations.FromZxz(Phi, The, Psi);
}

namespace FakET;

/// <summary>
/// Ground truth that travels with a synthetic sample volume: what a particle picker trains on.
/// The masks have the volume's shape (Z, Y, X), one row-major section per Z.
/// </summary>
/// <param name="ClassMask">0 for background, k for class k.</param>
/// <param name="InstanceMask">0 for background, the particle's id otherwise.</param>
/// <param name="ClassNames">Name of class k at index k − 1.</param>
/// <param name="Particles">The particle table: one row per particle, ordered by id.</param>
public sealed record SampleLabels(int[][]? ClassMask, int[][]? InstanceMask, IReadOnlyList<string> ClassNames,
    IReadOnlyList<Particle>? Particles = null)
{
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
public sealed record Particle(int Id, int Class, double X, double Y, double Z, double Phi, double The, double Psi)
{
    /// <summary>The rotation R = Rz(psi)·Rx(the)·Rz(phi) that turns the reference into this particle (row-major 3×3).</summary>
    public double[,] Rotation() => Phantom.Rotations.FromZxz(Phi, The, Psi);
}

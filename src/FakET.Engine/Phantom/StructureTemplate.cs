using FakET.Structures;

namespace FakET.Phantom;

/// <summary>
/// An atomic model as a class of particles: its electrostatic potential in volts, less the ice it displaces at the
/// sample's ice potential, about the centroid of that potential. Each copy is drawn from its own rotated atoms with
/// <see cref="PotentialCalculator"/>'s exact voxel averages, so no copy is blurred by interpolation whatever its
/// orientation. Its mask is where the drawn potential reaches <see cref="Threshold"/>, chosen so that the unrotated mask
/// holds as many voxels as the molecule's volume (its mass at 0.73 cm³/g); the centre voxel always belongs to it.
/// </summary>
internal sealed class StructureTemplate : ParticleTemplate
{
    readonly GaussianAtoms _atoms;
    readonly double _voxel;

    /// <param name="icePotential">The ice's potential in volts (0: none); the molecule displaces it.</param>
    public StructureTemplate(Structure structure, double voxel, double icePotential)
    {
        _voxel = voxel;
        _atoms = PotentialCalculator.Gaussians(structure, 0, icePotential, PotentialCalculator.Placement.Identity);
        var atoms = _atoms;
        // Centre on the centroid of the potential: each atom's Gaussians share its position, so that is the atoms'
        // mean weighted by their Gaussians' total amplitude.
        double weight = 0, cx = 0, cy = 0, cz = 0, reach = 0;
        for (int n = 0; n < atoms.Count; n++)
        {
            double w = 0;
            for (int g = 0; g < atoms.PerAtom; g++) w += atoms.Amplitude[n * atoms.PerAtom + g];
            weight += w;
            cx += w * atoms.X[n]; cy += w * atoms.Y[n]; cz += w * atoms.Z[n];
            reach = Math.Max(reach, PotentialKernel.HalfWidth(atoms, n));
        }
        Centre = weight > 0 ? (cx / weight, cy / weight, cz / weight) : structure.Centre;
        double radius = 0;
        for (int n = 0; n < atoms.Count; n++)
        {
            atoms.X[n] -= Centre.X; atoms.Y[n] -= Centre.Y; atoms.Z[n] -= Centre.Z;
            radius = Math.Max(radius, Math.Sqrt(atoms.X[n] * atoms.X[n] + atoms.Y[n] * atoms.Y[n] + atoms.Z[n] * atoms.Z[n]));
        }
        Radius = radius + reach;
        int side = 2 * ((int)Math.Ceiling(Radius / voxel) + 1) + 1;
        if ((long)side * side > Array.MaxLength)
            throw new FakETException(ErrorIds.PhantomObjectTooLarge, FailureKind.InvalidArgument,
                $"'{structure.Id}' is {2 * Radius:0} Å across: too large to draw at {voxel} Å per voxel.");

        // The mask threshold: the unrotated drawing's k-th highest voxel, k the molecule's volume in voxels.
        var identity = Draw(Rotations.About(2, 0), float.PositiveInfinity);
        var values = identity.Values.ToArray();
        Array.Sort(values);
        Array.Reverse(values);
        Peak = values.Length > 0 ? values[0] : 0;
        int k = Math.Clamp((int)Math.Round(structure.Mass * Solvents.VolumePerDalton / (voxel * voxel * voxel)), 1, Math.Max(1, values.Length));
        Threshold = values.Length > 0 ? Math.Max(values[k - 1], 1e-6f * Peak) : float.PositiveInfinity;
        MolecularVoxels = k;
        double reach2 = 0;
        for (int v = 0; v < identity.Offsets.Count; v++)
        {
            if (identity.Values[v] < Threshold) continue;
            var (dz, dy, dx) = identity.Offsets[v];
            reach2 = Math.Max(reach2, (double)dz * dz + dy * dy + dx * dx);
        }
        MaskRadius = Math.Sqrt(reach2) * voxel;
    }

    /// <summary>The centroid of the template's potential in the structure's coordinates (Å): the particle's listed centre.</summary>
    public (double X, double Y, double Z) Centre { get; }
    public override double Radius { get; }
    public override bool IsFraction => false;
    /// <summary>The potential (V) from which a voxel belongs to the mask.</summary>
    public float Threshold { get; }
    /// <summary>How far the unrotated mask's voxel centres reach from the centre (Å).</summary>
    public double MaskRadius { get; }
    /// <summary>The molecule's volume in voxels (mass × 1.212 Å³/Da).</summary>
    public int MolecularVoxels { get; }
    /// <summary>The highest voxel of the unrotated drawing (V).</summary>
    public float Peak { get; }

    public override RenderedParticle Render(double[,] rotation)
    {
        var drawing = Draw(rotation, Threshold);
        drawing.IncludeCentre();
        return drawing;
    }

    /// <summary>The rotated atoms' exact voxel averages on a cube of voxels about the centre voxel; voxels below 1e-7 of the
    /// peak are left out.</summary>
    RenderedParticle Draw(double[,] r, float threshold)
    {
        int count = _atoms.Count;
        double[] x = new double[count], y = new double[count], z = new double[count];
        for (int n = 0; n < count; n++)
        {
            double ax = _atoms.X[n], ay = _atoms.Y[n], az = _atoms.Z[n];
            x[n] = r[0, 0] * ax + r[0, 1] * ay + r[0, 2] * az;
            y[n] = r[1, 0] * ax + r[1, 1] * ay + r[1, 2] * az;
            z[n] = r[2, 0] * ax + r[2, 1] * ay + r[2, 2] * az;
        }
        int reach = (int)Math.Ceiling(Radius / _voxel) + 1, side = 2 * reach + 1;
        var sections = new float[side][];
        for (int s = 0; s < side; s++) sections[s] = new float[side * side];
        var grid = new VoxelGrid((side, side, side), _voxel, (-reach * _voxel, -reach * _voxel, -reach * _voxel));
        PotentialKernel.Add(sections, grid, _atoms.At(x, y, z), 1, CancellationToken.None);

        var drawing = new RenderedParticle();
        float floor = 1e-7f * (Peak > 0 ? Peak : sections.Max(s => s.Max()));
        for (int dz = 0; dz < side; dz++)
        {
            var section = sections[dz];
            for (int i = 0; i < section.Length; i++)
            {
                float value = section[i];
                if (!(Math.Abs(value) >= floor)) continue;
                drawing.Add(dz - reach, i / side - reach, i % side - reach, value, value >= threshold);
            }
        }
        return drawing;
    }
}

using FakET.Phantom;

namespace FakET.Labels;

/// <summary>
/// SHREC'21 particle text: the ground truth's <c>particle_locations.txt</c> and a submission's predictions, one particle a
/// line, <c>CLASS x y z [rot1 rot2 rot3]</c>, white-space separated.
/// <para>How SHREC reads it: the challenge's evaluation script (<c>misc/eval.py</c>; the copy with fixes in the FakET
/// authors' repository, <c>faket/shrec2021/eval.py</c>) splits each line on white space and takes the first four fields,
/// <c>pdb, x, y, z, *_ = line.rstrip('\n').split()</c>: ground-truth coordinates with <c>int()</c>, predictions with
/// <c>int(round(float()))</c>, then looks them up as <c>occupancy_mask[z, y, x]</c>, so x, y, z are 0-based voxel
/// indices. Class names are kept as written (the script upper-cases predicted names other than 'fiducial' and
/// 'vesicle'; the ground truth writes PDB ids in upper case, and 'vesicle' and 'fiducial'). A blank line makes the script
/// fail to unpack; this reader skips blank lines. The n-th particle gets Id n, its value in SHREC's occupancy mask.</para>
/// <para>The angles: SHREC's models come from PyTom's simulator (Marten Chaillet's update of the SHREC 2019/2020
/// simulator, <c>pytom/simulation</c> in SBC-Utrecht/PyTom, <c>generate_model</c>), which writes each particle's
/// <c>p_angles</c> as rot1 rot2 rot3 after rotating the particle with voltools'
/// <c>transform(volume, rotation=p_angles, rotation_order='szxz')</c> on arrays indexed (x, y, z). voltools'
/// <c>rotation_matrix</c> negates the angles ("CCW notation") before composing Gohlke's static-frame 'szxz' matrix
/// M = Rz(−rot3)·Rx(−rot2)·Rz(−rot1), and its CPU path resamples with scipy's <c>affine_transform</c>, which reads the
/// input at M·(output position); the particle is therefore turned by M⁻¹ = Rz(rot1)·Rx(rot2)·Rz(rot3): rot3 about z first,
/// then rot2 about x, then rot1 about z. In our ZXZ convention (R = Rz(psi)·Rx(the)·Rz(phi)) that is phi = rot3,
/// the = rot2, psi = rot1. This follows the simulator's code, not a statement in SHREC's data release; fiducials carry
/// NaN angles, read as 0.</para>
/// </summary>
public static class ShrecParticles
{
    /// <summary>The entries of a SHREC'21 particle text.</summary>
    public static IReadOnlyList<ParticleEntry> Read(string text, string path, CancellationToken cancel = default)
    {
        var entries = new List<ParticleEntry>();
        int number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var fields = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) continue;
            ParticleLists.Check(cancel, entries.Count);
            if (fields.Length < 4)
                throw ParticleLists.ParseError(path, number, $"{fields.Length} fields; a SHREC particle line is CLASS x y z [rot1 rot2 rot3].");
            double Field(int i, string what) => ParticleLists.Number(fields[i]) ?? throw ParticleLists.ParseError(path, number,
                $"{what} '{fields[i]}' is not a number.");
            var entry = new ParticleEntry
            {
                Class = fields[0],
                Id = entries.Count + 1,
                X = Field(1, "x"), Y = Field(2, "y"), Z = Field(3, "z"),
            };
            if (fields.Length >= 7)
            {
                double rot1 = Field(4, "rot1"), rot2 = Field(5, "rot2"), rot3 = Field(6, "rot3");
                if (!double.IsNaN(rot1) && !double.IsNaN(rot2) && !double.IsNaN(rot3))
                    entry = entry.WithRotation(Rotations.FromZxz(rot3, rot2, rot1));
            }
            entries.Add(entry);
        }
        return entries;
    }
}

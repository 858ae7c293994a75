namespace FakET.Labels;

/// <summary>
/// RELION 5 particle STAR files: centres as _rlnCenteredCoordinateX/Y/ZAngst, Å from the tomogram's centre, the other
/// columns as <see cref="StarParticles"/> reads them. RELION 5 converts them to its "decentred" pixels as
/// pixel = Å / pixel size + centre with centre = (size X, size Y, size Z) / 2, a float division of the tomogram's size in
/// pixels (<c>src/jaz/tomography/particle_set.cpp</c>, ParticleSet::getParticleCoordDecenteredPixel, and
/// <c>tomogram_set.cpp</c>, TomogramSet::loadTomogram: <c>out.centre = d3Vector(out.w0/2.0, out.h0/2.0, out.d0/2.0)</c>
/// from _rlnTomoSizeX/Y/Z); those pixels are the 0-based voxel indices RELION 4's _rlnCoordinateX/Y/Z hold. So the
/// voxel index is Å / <see cref="ParticleReadOptions.VoxelSize"/> + <see cref="ParticleReadOptions.TomogramSize"/> / 2,
/// after subtracting the origin shift A_subtomogram·_rlnOriginX/Y/ZAngst. The file does not give the tomogram's size, and
/// its pixel size is the tilt series' (unbinned), so both come from the caller, for the tomogram the labels are for.
/// </summary>
public static class Relion5Particles
{
    /// <summary>The entries of a RELION 5 particle file, in voxels of the tomogram <paramref name="options"/> describe.</summary>
    public static IReadOnlyList<ParticleEntry> Read(IReadOnlyList<StarBlock> blocks, string path, ParticleReadOptions options,
        CancellationToken cancel = default)
    {
        var loop = StarParticles.ParticleLoop(blocks, path);
        var rows = new RelionRows(loop, path);
        int x = rows.Required("_rlnCenteredCoordinateXAngst"), y = rows.Required("_rlnCenteredCoordinateYAngst"),
            z = rows.Required("_rlnCenteredCoordinateZAngst");
        var missing = new List<string>();
        if (options.VoxelSize is null) missing.Add("-VoxelSize (Å per voxel)");
        if (options.TomogramSize is null) missing.Add("-TomogramSize (X, Y, Z in voxels)");
        if (missing.Count > 0)
            throw new FakETException(ErrorIds.ParticleListGeometryMissing, FailureKind.InvalidArgument,
                $"'{path}' gives RELION 5 coordinates, Å from the tomogram's centre; turning them into voxel indices needs " +
                $"{string.Join(" and ", missing)} of the tomogram they are for.");
        double size = options.VoxelSize!.Value;
        var (sx, sy, sz) = options.TomogramSize!.Value;
        var entries = new List<ParticleEntry>();
        foreach (var row in loop.Rows)
        {
            ParticleLists.Check(cancel, entries.Count);
            var shift = rows.OriginAngst(row);
            entries.Add(rows.Entry(row) with
            {
                X = (rows.Number(row, x) - shift.X) / size + sx / 2.0,
                Y = (rows.Number(row, y) - shift.Y) / size + sy / 2.0,
                Z = (rows.Number(row, z) - shift.Z) / size + sz / 2.0,
            });
        }
        return entries;
    }
}

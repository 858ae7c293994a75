using System.Globalization;
using System.Text;
using FakET.IO;
using FakET.Phantom;

namespace FakET.Labels;

/// <summary>What a RELION 5 particle file needs to know of a tomogram that its voxel coordinates do not say.</summary>
/// <param name="VoxelSize">Å per voxel of the tomogram.</param>
/// <param name="X">Its size along X, voxels.</param>
/// <param name="Y">Its size along Y, voxels.</param>
/// <param name="Z">Its size along Z, voxels.</param>
/// <param name="TiltSeriesPixelSize">Å per pixel of the tilt series it was reconstructed from (the voxel size over the binning).</param>
/// <param name="Optics">Voltage, Cs and amplitude contrast of the data.</param>
public sealed record TomogramGeometry(double VoxelSize, int X, int Y, int Z, double TiltSeriesPixelSize, MicroscopeOptics Optics)
{
    /// <summary>The geometry of a volume: its size, its voxel size, its binning (New-Tomogram's Bin in its history) and its
    /// optics (<see cref="MicroscopeOptics.Of"/>).</summary>
    public static TomogramGeometry Of(Volume volume)
    {
        var tomogram = volume.History.LastOrDefault(h => h.Step == Stages.Steps.NewTomogram)?.Parameters;
        double bin = tomogram is not null && tomogram.TryGetValue("Bin", out var b) && b is int or long or double ? Convert.ToDouble(b, CultureInfo.InvariantCulture) : 1;
        return new TomogramGeometry(volume.VoxelSize, volume.Width, volume.Height, volume.Depth, volume.VoxelSize / Math.Max(1, bin),
            MicroscopeOptics.Of(volume.History));
    }
}

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
    /// <summary>
    /// The list as a RELION 5 particle file: <c>data_optics</c> (_rlnOpticsGroup, _rlnOpticsGroupName, _rlnVoltage,
    /// _rlnSphericalAberration, _rlnAmplitudeContrast, _rlnTomoTiltSeriesPixelSize; one group per distinct optics) and
    /// <c>data_particles</c> (_rlnTomoName, _rlnCenteredCoordinateX/Y/ZAngst, _rlnAngleRot/Tilt/Psi in RELION's ZYZ
    /// convention as <see cref="StarParticles"/> writes them, _rlnClassNumber, _rlnOpticsGroup). The centred coordinate is
    /// (voxel − size / 2) × voxel size, the inverse of <see cref="Read"/>. <paramref name="geometry"/> gives each entry's
    /// tomogram; an entry without a tomogram name is named <c>tomogram_N</c>, N its tomogram index (0 without one).
    /// </summary>
    public static string Format(ParticleList list, Func<ParticleEntry, TomogramGeometry> geometry)
    {
        var invariant = CultureInfo.InvariantCulture;
        var rows = list.Entries.Select(e => (Entry: e, Geometry: geometry(e))).ToList();
        var groups = rows.Select(r => (r.Geometry.TiltSeriesPixelSize, r.Geometry.Optics.Voltage, r.Geometry.Optics.SphericalAberration, r.Geometry.Optics.AmplitudeContrast))
            .Distinct().ToList();
        if (groups.Count == 0) groups.Add((1, 300, 2.7, 0.07));
        var text = new StringBuilder("\n# version 50001\n\ndata_optics\n\nloop_\n");
        var optics = new[] { "_rlnOpticsGroup", "_rlnOpticsGroupName", "_rlnVoltage", "_rlnSphericalAberration", "_rlnAmplitudeContrast", "_rlnTomoTiltSeriesPixelSize" };
        for (int i = 0; i < optics.Length; i++) text.Append(optics[i]).Append(" #").Append(i + 1).Append('\n');
        for (int g = 0; g < groups.Count; g++)
            text.Append(invariant, $"{g + 1} optics{g + 1} {groups[g].Voltage:0.0#####} {groups[g].SphericalAberration:0.0#####} {groups[g].AmplitudeContrast:0.0#####} {groups[g].TiltSeriesPixelSize:0.0#####}\n");
        text.Append("\n\n# version 50001\n\ndata_particles\n\nloop_\n");
        var columns = new[]
        {
            "_rlnTomoName", "_rlnCenteredCoordinateXAngst", "_rlnCenteredCoordinateYAngst", "_rlnCenteredCoordinateZAngst",
            "_rlnAngleRot", "_rlnAngleTilt", "_rlnAnglePsi", "_rlnClassNumber", "_rlnOpticsGroup",
        };
        for (int i = 0; i < columns.Length; i++) text.Append(columns[i]).Append(" #").Append(i + 1).Append('\n');
        foreach (var (e, g) in rows)
        {
            var (rot, tilt, psi) = Rotations.ToRelion(e.Rotation());
            int group = groups.IndexOf((g.TiltSeriesPixelSize, g.Optics.Voltage, g.Optics.SphericalAberration, g.Optics.AmplitudeContrast)) + 1;
            string name = e.Tomogram ?? $"tomogram_{e.TomogramIndex ?? 0}";
            text.Append(StarTables.Value(name)).Append(invariant,
                $" {(e.X - g.X / 2.0) * g.VoxelSize:0.000###} {(e.Y - g.Y / 2.0) * g.VoxelSize:0.000###} {(e.Z - g.Z / 2.0) * g.VoxelSize:0.000###} {rot:0.000###} {tilt:0.000###} {psi:0.000###} {list.NumberOf(e)} {group}\n");
        }
        text.Append('\n');
        return text.ToString();
    }

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

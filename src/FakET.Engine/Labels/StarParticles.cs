using System.Globalization;
using System.Text;
using FakET.Phantom;

namespace FakET.Labels;

/// <summary>
/// RELION particle STAR files with coordinates in voxels (pixels of the tomogram or tilt series): RELION 3.0 (one data
/// block), 3.1 and 4 (data_optics and data_particles). Columns read: _rlnCoordinateX/Y/Z, _rlnAngleRot/Tilt/Psi (RELION's
/// ZYZ: Euler_angles2matrix(rot, tilt, psi) is the transpose of the rotation that turns the reference into the particle,
/// <see cref="Rotations.FromRelion"/>), _rlnTomoSubtomogramRot/Tilt/Psi (RELION 4/5: the particle's matrix is
/// A_subtomogram·A_particle), _rlnOriginX/Y/Z (pixels) and _rlnOriginX/Y/ZAngst (Å, in the subtomogram's frame: RELION
/// places the particle at its coordinate minus A_subtomogram·origin / pixel size, ParticleSet::getPosition), _rlnClassNumber,
/// _rlnTomoName, _rlnAutopickFigureOfMerit. A file whose particles have RELION 5's centred Å columns instead is read as
/// <see cref="Relion5Particles"/>. The writer writes one data_particles loop in voxels (0-based), as RELION 3.1/4 import.
/// </summary>
public static class StarParticles
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The name of the class of entries read from a file without _rlnClassNumber.</summary>
    public const string UnnamedClass = "particle";

    /// <summary>The list as a STAR file; _rlnTomoName comes first when any entry names its tomogram.</summary>
    public static string Format(ParticleList list)
    {
        bool named = list.Entries.Any(e => e.Tomogram is not null);
        var text = new StringBuilder();
        text.Append("# FakET.PowerShell particle list: coordinates in voxels (0-based); angles in RELION's ZYZ convention,\n");
        text.Append("# Euler_angles2matrix(rot, tilt, psi) = transpose of the rotation that turns the reference into the particle.\n\n");
        text.Append("data_particles\n\nloop_\n");
        var columns = new List<string>();
        if (named) columns.Add("_rlnTomoName");
        columns.AddRange(new[] { "_rlnCoordinateX", "_rlnCoordinateY", "_rlnCoordinateZ", "_rlnAngleRot", "_rlnAngleTilt", "_rlnAnglePsi", "_rlnClassNumber" });
        for (int i = 0; i < columns.Count; i++) text.Append(columns[i]).Append(" #").Append(i + 1).Append('\n');
        foreach (var e in list.Entries)
        {
            var (rot, tilt, psi) = Rotations.ToRelion(e.Rotation());
            if (named) text.Append(StarTables.Value(e.Tomogram ?? "")).Append(' ');
            text.Append(Invariant, $"{e.X,10:0.000} {e.Y,10:0.000} {e.Z,10:0.000} {rot,10:0.000} {tilt,10:0.000} {psi,10:0.000} {list.NumberOf(e),4}\n");
        }
        text.Append('\n');
        return text.ToString();
    }

    /// <summary>The entries of a RELION 3.0/3.1/4 particle file (or RELION 5, by its columns). Origins in Å need the pixel
    /// size: the optics group's _rlnTomoTiltSeriesPixelSize, else <see cref="ParticleReadOptions.VoxelSize"/>.</summary>
    public static IReadOnlyList<ParticleEntry> Read(string text, string path, ParticleReadOptions options, CancellationToken cancel = default)
    {
        var blocks = StarTables.Parse(text, path, cancel);
        var loop = ParticleLoop(blocks, path);
        if (loop.Column("_rlnCoordinateX") < 0 && loop.Column("_rlnCenteredCoordinateXAngst") >= 0)
            return Relion5Particles.Read(blocks, path, options, cancel);
        var rows = new RelionRows(loop, path);
        int x = rows.Required("_rlnCoordinateX"), y = rows.Required("_rlnCoordinateY"), z = rows.Required("_rlnCoordinateZ");
        var pixels = new[] { loop.Column("_rlnOriginX"), loop.Column("_rlnOriginY"), loop.Column("_rlnOriginZ") };
        var pixelSizes = OpticsPixelSizes(blocks, path);
        int group = loop.Column("_rlnOpticsGroup");
        var entries = new List<ParticleEntry>();
        foreach (var row in loop.Rows)
        {
            ParticleLists.Check(cancel, entries.Count);
            var entry = rows.Entry(row);
            var shift = rows.OriginAngst(row);
            double size = 1;
            if (shift != (0, 0, 0))
            {
                int? g = group < 0 ? null : (int)rows.Number(row, group);
                size = (g is { } k && pixelSizes.TryGetValue(k, out double s) ? s : options.VoxelSize) ?? throw new FakETException(
                    ErrorIds.ParticleListGeometryMissing, FailureKind.InvalidArgument,
                    $"'{path}', line {row.Line}: the particle is shifted by _rlnOriginX/Y/ZAngst (Å), but the file gives no " +
                    "_rlnTomoTiltSeriesPixelSize for its optics group: give -VoxelSize, the Å per voxel of its coordinates.");
            }
            double Pixels(int axis) => pixels[axis] < 0 ? 0 : rows.Number(row, pixels[axis]);
            entries.Add(entry with
            {
                X = rows.Number(row, x) - Pixels(0) - shift.X / size,
                Y = rows.Number(row, y) - Pixels(1) - shift.Y / size,
                Z = rows.Number(row, z) - Pixels(2) - shift.Z / size,
            });
        }
        return entries;
    }

    /// <summary>The particle table: the data_particles block's loop, else the first loop with coordinates.</summary>
    internal static StarLoop ParticleLoop(IReadOnlyList<StarBlock> blocks, string path)
    {
        static bool HasCoordinates(StarLoop l) => l.Column("_rlnCoordinateX") >= 0 || l.Column("_rlnCenteredCoordinateXAngst") >= 0;
        var particles = blocks.FirstOrDefault(b => b.Name.Equals("particles", StringComparison.OrdinalIgnoreCase));
        if (particles is not null)
            return particles.Loops.FirstOrDefault(HasCoordinates) ?? throw ParticleLists.ParseError(path, particles.Line,
                "data_particles has no loop_ with _rlnCoordinateX/Y/Z or _rlnCenteredCoordinateX/Y/ZAngst.");
        return blocks.SelectMany(b => b.Loops).FirstOrDefault(HasCoordinates) ?? throw ParticleLists.ParseError(path, blocks.Count > 0 ? blocks[0].Line : 1,
            "no loop_ has particle coordinates (_rlnCoordinateX/Y/Z or _rlnCenteredCoordinateX/Y/ZAngst).");
    }

    /// <summary>Each optics group's _rlnTomoTiltSeriesPixelSize, from data_optics.</summary>
    static Dictionary<int, double> OpticsPixelSizes(IReadOnlyList<StarBlock> blocks, string path)
    {
        var sizes = new Dictionary<int, double>();
        var optics = blocks.FirstOrDefault(b => b.Name.Equals("optics", StringComparison.OrdinalIgnoreCase))?.Loops.FirstOrDefault();
        if (optics is null) return sizes;
        int group = optics.Column("_rlnOpticsGroup"), size = optics.Column("_rlnTomoTiltSeriesPixelSize");
        if (group < 0 || size < 0) return sizes;
        var rows = new RelionRows(optics, path);
        foreach (var row in optics.Rows) sizes[(int)rows.Number(row, group)] = rows.Number(row, size);
        return sizes;
    }
}

/// <summary>What RELION's particle rows share across versions: class, tomogram, score, orientation and origin shift.</summary>
internal sealed class RelionRows
{
    readonly StarLoop _loop;
    readonly string _path;
    readonly int _class, _tomogram, _score, _rot, _tilt, _psi, _subRot, _subTilt, _subPsi, _originX, _originY, _originZ;

    public RelionRows(StarLoop loop, string path)
    {
        _loop = loop;
        _path = path;
        _class = loop.Column("_rlnClassNumber");
        _tomogram = loop.Column("_rlnTomoName");
        _score = loop.Column("_rlnAutopickFigureOfMerit");
        (_rot, _tilt, _psi) = (loop.Column("_rlnAngleRot"), loop.Column("_rlnAngleTilt"), loop.Column("_rlnAnglePsi"));
        (_subRot, _subTilt, _subPsi) = (loop.Column("_rlnTomoSubtomogramRot"), loop.Column("_rlnTomoSubtomogramTilt"), loop.Column("_rlnTomoSubtomogramPsi"));
        (_originX, _originY, _originZ) = (loop.Column("_rlnOriginXAngst"), loop.Column("_rlnOriginYAngst"), loop.Column("_rlnOriginZAngst"));
    }

    /// <summary>The index of a column the loop must have.</summary>
    public int Required(string label)
    {
        int column = _loop.Column(label);
        return column >= 0 ? column : throw ParticleLists.ParseError(_path, _loop.Line, $"the particle loop has no {label} column.");
    }

    public double Number(( string[] Values, int Line) row, int column) =>
        ParticleLists.Number(row.Values[column]) ?? throw ParticleLists.ParseError(_path, row.Line,
            $"{_loop.Columns[column]} '{row.Values[column]}' is not a number.");

    /// <summary>RELION's matrix A = Euler_angles2matrix of three angle columns, or the identity when the loop lacks them.</summary>
    double[,] Matrix((string[] Values, int Line) row, int rot, int tilt, int psi) =>
        rot < 0 || tilt < 0 || psi < 0
            ? Rotations.About(2, 0)
            : Rotations.Transpose(Rotations.FromRelion(Number(row, rot), Number(row, tilt), Number(row, psi)));

    /// <summary>The entry without its centre: class, tomogram, score and orientation. RELION's particle matrix is
    /// A_subtomogram·A_particle; the rotation that turns the reference into the particle is its transpose.</summary>
    public ParticleEntry Entry((string[] Values, int Line) row)
    {
        int? number = null;
        if (_class >= 0)
            number = ParticleLists.Integer(row.Values[_class]) ?? throw ParticleLists.ParseError(_path, row.Line,
                $"_rlnClassNumber '{row.Values[_class]}' is not a whole number.");
        var a = Rotations.Multiply(Matrix(row, _subRot, _subTilt, _subPsi), Matrix(row, _rot, _tilt, _psi));
        return new ParticleEntry
        {
            Class = number?.ToString(CultureInfo.InvariantCulture) ?? StarParticles.UnnamedClass,
            ClassNumber = number,
            Tomogram = _tomogram >= 0 ? row.Values[_tomogram] : null,
            Score = _score >= 0 ? Number(row, _score) : null,
        }.WithRotation(Rotations.Transpose(a));
    }

    /// <summary>The origin shift in Å in the tomogram's frame, A_subtomogram·(_rlnOriginX/Y/ZAngst); zero without those columns.</summary>
    public (double X, double Y, double Z) OriginAngst((string[] Values, int Line) row)
    {
        if (_originX < 0 || _originY < 0 || _originZ < 0) return (0, 0, 0);
        var sub = Matrix(row, _subRot, _subTilt, _subPsi);
        double ox = Number(row, _originX), oy = Number(row, _originY), oz = Number(row, _originZ);
        return (sub[0, 0] * ox + sub[0, 1] * oy + sub[0, 2] * oz,
                sub[1, 0] * ox + sub[1, 1] * oy + sub[1, 2] * oz,
                sub[2, 0] * ox + sub[2, 1] * oy + sub[2, 2] * oz);
    }
}

namespace FakET.Phantom;

/// <summary>
/// One object rotated and drawn on the phantom's voxel grid about its centre voxel: the voxels it touches, as offsets
/// (dz, dy, dx) from the centre, each with its value and whether it belongs to the object's mask. Because centres are
/// voxel centres, a drawing holds for any position: placing an object is only a shift.
/// </summary>
internal sealed class RenderedParticle
{
    public List<(short Dz, short Dy, short Dx)> Offsets { get; } = new();
    public List<float> Values { get; } = new();
    public List<bool> Inside { get; } = new();
    /// <summary>The mask's extent: the lowest and highest offsets of its voxels along each axis.</summary>
    public (int Lo, int Hi) Z, Y, X;
    public int MaskCount { get; private set; }

    public void Add(int dz, int dy, int dx, float value, bool inside)
    {
        Offsets.Add(((short)dz, (short)dy, (short)dx));
        Values.Add(value);
        Inside.Add(inside);
        if (inside) Extend(dz, dy, dx);
    }

    /// <summary>Puts the centre voxel into the mask (its value unchanged), so that a pick at the listed centre finds the
    /// object even where it is hollow.</summary>
    public void IncludeCentre()
    {
        int at = Offsets.IndexOf((0, 0, 0));
        if (at >= 0 && Inside[at]) return;
        if (at >= 0) Inside[at] = true;
        else
        {
            Offsets.Add((0, 0, 0));
            Values.Add(0);
            Inside.Add(true);
        }
        Extend(0, 0, 0);
    }

    void Extend(int dz, int dy, int dx)
    {
        if (MaskCount++ == 0) (Z, Y, X) = ((dz, dz), (dy, dy), (dx, dx));
        Z = (Math.Min(Z.Lo, dz), Math.Max(Z.Hi, dz));
        Y = (Math.Min(Y.Lo, dy), Math.Max(Y.Hi, dy));
        X = (Math.Min(X.Lo, dx), Math.Max(X.Hi, dx));
    }
}

/// <summary>
/// What a class of objects looks like on the phantom's grid: it draws a rotated copy (<see cref="Render"/>). Shapes and
/// density maps are sampled at voxel centres (<see cref="ShapeTemplate"/>); atomic models are their potential
/// (<see cref="StructureTemplate"/>). Templates are immutable and draw from several threads at once.
/// </summary>
internal abstract class ParticleTemplate
{
    /// <summary>No part of the object lies farther than this from its centre (Å).</summary>
    public abstract double Radius { get; }

    /// <summary>Whether <see cref="RenderedParticle.Values"/> are fractions of the object's material that displace the ice
    /// under them (shapes), or the object's own contribution with the ice it displaces already taken out (atomic models).</summary>
    public abstract bool IsFraction { get; }

    /// <summary>The object turned by <paramref name="rotation"/> (the rotation that turns the reference into it).</summary>
    public abstract RenderedParticle Render(double[,] rotation);

    /// <summary>Voxels in the unrotated object's mask.</summary>
    public int MaskVoxels => _maskVoxels ??= Render(Rotations.About(2, 0)).MaskCount;
    int? _maskVoxels;
}

/// <summary>A <see cref="ParticleShape"/> sampled at the centres of the voxels within its radius: fractions of its material
/// with a soft edge one voxel wide, and its mask.</summary>
internal sealed class ShapeTemplate(ParticleShape shape, double voxel) : ParticleTemplate
{
    public override double Radius => shape.Radius;
    public override bool IsFraction => true;
    public ParticleShape Shape => shape;

    public override RenderedParticle Render(double[,] r)
    {
        var drawing = new RenderedParticle();
        int reach = (int)Math.Ceiling(shape.Radius / voxel);
        for (int dz = -reach; dz <= reach; dz++)
        {
            double oz = dz * voxel;
            for (int dy = -reach; dy <= reach; dy++)
            {
                double oy = dy * voxel;
                for (int dx = -reach; dx <= reach; dx++)
                {
                    double ox = dx * voxel;
                    // Reference-frame point: Rᵀ·offset.
                    double px = r[0, 0] * ox + r[1, 0] * oy + r[2, 0] * oz;
                    double py = r[0, 1] * ox + r[1, 1] * oy + r[2, 1] * oz;
                    double pz = r[0, 2] * ox + r[1, 2] * oy + r[2, 2] * oz;
                    var (density, inside) = shape.Sample(px, py, pz, voxel);
                    if (density == 0 && !inside) continue;
                    drawing.Add(dz, dy, dx, (float)density, inside);
                }
            }
        }
        return drawing;
    }
}

namespace FakET.Phantom;

/// <summary>
/// A vesicle: a spherical lipid bilayer of mid radius <see cref="MidRadius"/>, drawn as three concentric shells with a
/// soft edge one voxel wide: two headgroup leaflets <see cref="HeadThickness"/> thick whose centres are
/// <see cref="Spacing"/> apart (about 4 nm: the two lines of higher potential a tomogram shows), and the hydrocarbon core
/// between them. Each voxel adds its fraction of each material less the ice it displaces; the mask is the whole bilayer.
/// </summary>
internal sealed class BilayerTemplate(double radius, double spacing, double voxel, double head, double core, double ice) : ParticleTemplate
{
    /// <summary>Thickness of each headgroup leaflet (Å).</summary>
    public const double HeadThickness = 10;

    public double MidRadius => radius;
    public double Spacing => spacing;
    /// <summary>The bilayer's whole thickness, leaflet edge to leaflet edge (Å).</summary>
    public double Thickness => spacing + HeadThickness;
    public override double Radius => radius + Thickness / 2 + voxel;
    public override bool IsFraction => false;

    public override RenderedParticle Render(double[,] rotation)
    {
        var drawing = new RenderedParticle();
        int reach = (int)Math.Ceiling(Radius / voxel);
        double coreHalf = (spacing - HeadThickness) / 2, headHalf = HeadThickness / 2;
        for (int dz = -reach; dz <= reach; dz++)
            for (int dy = -reach; dy <= reach; dy++)
                for (int dx = -reach; dx <= reach; dx++)
                {
                    double d = Math.Sqrt((double)dx * dx + dy * dy + dz * dz) * voxel - radius;
                    if (Math.Abs(d) > Thickness / 2 + voxel) continue;
                    var inner = ParticleShape.FromDistance(Math.Abs(d + spacing / 2) - headHalf, voxel);
                    var outer = ParticleShape.FromDistance(Math.Abs(d - spacing / 2) - headHalf, voxel);
                    var middle = ParticleShape.FromDistance(Math.Abs(d) - coreHalf, voxel);
                    double value = (inner.Density + outer.Density) * (head - ice) + middle.Density * (core - ice);
                    bool inside = inner.Inside || outer.Inside || middle.Inside;
                    if (value == 0 && !inside) continue;
                    drawing.Add(dz, dy, dx, (float)value, inside);
                }
        return drawing;
    }
}

/// <summary>A solid sphere (a gold bead).</summary>
internal sealed class Sphere(double radius) : ParticleShape
{
    public override string Name => "fiducial";
    public override double Radius => radius + 1;
    public override (double Density, bool Inside) Sample(double x, double y, double z, double edge) =>
        FromDistance(Math.Sqrt(x * x + y * y + z * z) - radius, edge);
}

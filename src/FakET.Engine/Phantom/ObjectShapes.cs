namespace FakET.Phantom;

/// <summary>A spherical shell (a vesicle's bilayer): mid radius <see cref="MidRadius"/>, <see cref="Thickness"/> thick.</summary>
internal sealed class Shell(double radius, double thickness) : ParticleShape
{
    public double MidRadius => radius;
    public double Thickness => thickness;
    public override string Name => "membrane";
    public override double Radius => radius + thickness / 2 + 1;
    public override (double Density, bool Inside) Sample(double x, double y, double z, double edge) =>
        FromDistance(Math.Abs(Math.Sqrt(x * x + y * y + z * z) - radius) - thickness / 2, edge);
}

/// <summary>A solid sphere (a gold bead).</summary>
internal sealed class Sphere(double radius) : ParticleShape
{
    public override string Name => "fiducial";
    public override double Radius => radius + 1;
    public override (double Density, bool Inside) Sample(double x, double y, double z, double edge) =>
        FromDistance(Math.Sqrt(x * x + y * y + z * z) - radius, edge);
}

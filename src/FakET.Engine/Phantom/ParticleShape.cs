namespace FakET.Phantom;

/// <summary>
/// What a particle looks like in its own (reference) frame, in Å about its centre: a density (1 = protein) and
/// the region its masks label. Implementations are immutable and safe to evaluate from several threads.
/// </summary>
public abstract class ParticleShape
{
    /// <summary>Name shown in the class list.</summary>
    public abstract string Name { get; }

    /// <summary>No part of the particle lies farther than this from its centre (Å).</summary>
    public abstract double Radius { get; }

    /// <summary>Density at <paramref name="x"/>, <paramref name="y"/>, <paramref name="z"/> (Å, reference frame),
    /// and whether that point belongs to the particle's mask. <paramref name="edge"/> is the soft edge width in Å.</summary>
    public abstract (double Density, bool Inside) Sample(double x, double y, double z, double edge);

    /// <summary>The shapes New-Phantom knows by name, with distinct sizes as in SHREC (small, medium, large).</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = new[] { "small", "medium", "large" };

    /// <summary>A built-in shape by name (case-insensitive), or <c>null</c>.</summary>
    public static ParticleShape? BuiltIn(string name) => name.ToLowerInvariant() switch
    {
        "small" => new Ellipsoid(),
        "medium" => new Dumbbell(),
        "large" => new Barrel(),
        _ => null,
    };

    /// <summary>Density from an approximate signed distance f (Å, negative inside): a linear ramp one edge wide.</summary>
    protected internal static (double Density, bool Inside) FromDistance(double f, double edge) =>
        (Math.Clamp(0.5 - f / edge, 0, 1), f <= 0);

    /// <summary>"small": an ellipsoid of semi-axes 45 × 30 × 24 Å (about 90 Å long, a small complex).</summary>
    sealed class Ellipsoid : ParticleShape
    {
        const double A = 45, B = 30, C = 24;
        public override string Name => "small";
        public override double Radius => A + 1;
        public override (double Density, bool Inside) Sample(double x, double y, double z, double edge)
        {
            double k = Math.Sqrt(x * x / (A * A) + y * y / (B * B) + z * z / (C * C));
            return FromDistance((k - 1) * C, edge);
        }
    }

    /// <summary>"medium": two fused spheres (radius 40 Å at z = −25, radius 30 Å at z = +40), 135 Å long, like a
    /// two-subunit complex.</summary>
    sealed class Dumbbell : ParticleShape
    {
        public override string Name => "medium";
        public override double Radius => 71;
        public override (double Density, bool Inside) Sample(double x, double y, double z, double edge)
        {
            double r2 = x * x + y * y;
            double big = Math.Sqrt(r2 + (z + 25) * (z + 25)) - 40;
            double small = Math.Sqrt(r2 + (z - 40) * (z - 40)) - 30;
            return FromDistance(Math.Min(big, small), edge);
        }
    }

    /// <summary>"large": a barrel (cylinder of radius 70 Å, 220 Å long, along z) with a 25 Å channel entering 50 Å
    /// from each end; its centre is solid. About the size of a 26S proteasome.</summary>
    sealed class Barrel : ParticleShape
    {
        public override string Name => "large";
        public override double Radius => 131;
        public override (double Density, bool Inside) Sample(double x, double y, double z, double edge)
        {
            double rho = Math.Sqrt(x * x + y * y), h = Math.Abs(z);
            double cylinder = Math.Max(rho - 70, h - 110);
            double channel = Math.Max(rho - 25, 60 - h);
            return FromDistance(Math.Max(cylinder, -channel), edge);
        }
    }
}

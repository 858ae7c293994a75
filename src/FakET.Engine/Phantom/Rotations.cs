namespace FakET.Phantom;

/// <summary>Rotations: uniform sampling over SO(3) and the Euler conventions the label exports use.</summary>
public static class Rotations
{
    /// <summary>
    /// A rotation drawn uniformly over SO(3) (Haar measure), from a uniform random unit quaternion
    /// (Shoemake, Graphics Gems III, 1992). Euler angles drawn uniformly would crowd the poles.
    /// </summary>
    public static double[,] Uniform(Random random)
    {
        double u1 = random.NextDouble(), u2 = random.NextDouble(), u3 = random.NextDouble();
        double a = Math.Sqrt(1 - u1), b = Math.Sqrt(u1);
        double x = a * Math.Sin(2 * Math.PI * u2), y = a * Math.Cos(2 * Math.PI * u2);
        double z = b * Math.Sin(2 * Math.PI * u3), w = b * Math.Cos(2 * Math.PI * u3);
        return FromQuaternion(w, x, y, z);
    }

    /// <summary>The rotation matrix of the unit quaternion w + xi + yj + zk.</summary>
    public static double[,] FromQuaternion(double w, double x, double y, double z) => new[,]
    {
        { 1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w) },
        { 2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w) },
        { 2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y) },
    };

    /// <summary>Rotation by <paramref name="degrees"/> about axis 0 (x), 1 (y) or 2 (z), active and right-handed.</summary>
    public static double[,] About(int axis, double degrees)
    {
        double c = Math.Cos(degrees * Math.PI / 180), s = Math.Sin(degrees * Math.PI / 180);
        return axis switch
        {
            0 => new[,] { { 1, 0, 0 }, { 0, c, -s }, { 0, s, c } },
            1 => new[,] { { c, 0, s }, { 0, 1, 0 }, { -s, 0, c } },
            _ => new[,] { { c, -s, 0 }, { s, c, 0 }, { 0, 0, 1 } },
        };
    }

    /// <summary>The product a·b of two 3×3 matrices.</summary>
    public static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                m[i, j] = a[i, 0] * b[0, j] + a[i, 1] * b[1, j] + a[i, 2] * b[2, j];
        return m;
    }

    /// <summary>R = Rz(psi)·Rx(the)·Rz(phi): TOM/PyTom/DeepFinder's ZXZ angles (phi applied first).</summary>
    public static double[,] FromZxz(double phi, double the, double psi) => Multiply(About(2, psi), Multiply(About(0, the), About(2, phi)));

    /// <summary>The ZXZ angles (phi, the, psi) in degrees of a rotation, with the in [0, 180]; psi = 0 where the is 0 or 180.</summary>
    public static (double Phi, double The, double Psi) ToZxz(double[,] r)
    {
        double the = Math.Acos(Math.Clamp(r[2, 2], -1, 1));
        double phi, psi;
        if (Math.Sin(the) > 1e-9)
        {
            phi = Math.Atan2(r[2, 0], r[2, 1]);
            psi = Math.Atan2(r[0, 2], -r[1, 2]);
        }
        else
        {
            phi = Math.Atan2(-r[0, 1], r[0, 0]);
            psi = 0;
        }
        return (Degrees(phi), Degrees(the), Degrees(psi));
    }

    /// <summary>
    /// RELION's (rot, tilt, psi) of a rotation R that turns the reference into the particle: RELION's
    /// Euler_angles2matrix(rot, tilt, psi) is Rᵀ, i.e. R = Rz(rot)·Ry(tilt)·Rz(psi) (ZYZ, active, rot applied last).
    /// </summary>
    public static (double Rot, double Tilt, double Psi) ToRelion(double[,] r)
    {
        // Ry(t) = Rz(90°)·Rx(t)·Rz(−90°), so Rz(rot)·Ry(tilt)·Rz(psi) = Rz(rot + 90°)·Rx(tilt)·Rz(psi − 90°): ZXZ shifted by 90°.
        var (phi, the, psi) = ToZxz(r);
        return (Wrap(psi - 90), the, Wrap(phi + 90));
    }

    /// <summary>The rotation R that turns the reference into the particle for RELION's (rot, tilt, psi), the inverse of
    /// <see cref="ToRelion"/>: R = Rz(rot)·Ry(tilt)·Rz(psi), the transpose of RELION's Euler_angles2matrix.</summary>
    public static double[,] FromRelion(double rot, double tilt, double psi) => Multiply(About(2, rot), Multiply(About(1, tilt), About(2, psi)));

    /// <summary>The transpose of a 3×3 matrix (a rotation's inverse).</summary>
    public static double[,] Transpose(double[,] m)
    {
        var t = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                t[i, j] = m[j, i];
        return t;
    }

    /// <summary>An angle in degrees brought into (−180, 180].</summary>
    static double Wrap(double degrees)
    {
        double a = Math.IEEERemainder(degrees, 360);
        return a <= -180 ? a + 360 : a;
    }

    static double Degrees(double radians) => radians * 180 / Math.PI;
}

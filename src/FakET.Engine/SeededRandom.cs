using System.Numerics;

namespace FakET;

/// <summary>
/// A small, fast pseudo-random generator (xoshiro256**) whose streams are keyed by a seed and a few
/// integers, e.g. (seed, purpose, tilt index). Each tilt (or row) draws from its own stream, so a result
/// does not depend on which thread processed which tilt, nor on how many threads there were.
/// It is a struct: take it by <c>ref</c> or keep it in a local, never copy it mid-stream.
/// </summary>
public struct SeededRandom
{
    ulong _s0, _s1, _s2, _s3;

    /// <summary>What a stream is used for, so that two steps given the same seed draw different numbers.</summary>
    public enum Purpose : ulong { TiltNoise = 1, ShotNoise = 2 }

    /// <summary>The stream for (<paramref name="seed"/>, <paramref name="purpose"/>, <paramref name="keys"/>).</summary>
    public static SeededRandom For(int seed, Purpose purpose, params long[] keys)
    {
        ulong key = SplitMix(0x6A09E667F3BCC908UL ^ (ulong)(uint)seed);
        key = SplitMix(key ^ (ulong)purpose);
        foreach (var k in keys) key = SplitMix(key ^ (ulong)k);
        var random = new SeededRandom();
        ulong state = key;
        random._s0 = Next(ref state);
        random._s1 = Next(ref state);
        random._s2 = Next(ref state);
        random._s3 = Next(ref state);
        if ((random._s0 | random._s1 | random._s2 | random._s3) == 0) random._s0 = 1; // the one state xoshiro cannot leave
        return random;

        static ulong Next(ref ulong s) => SplitMix(s += 0x9E3779B97F4A7C15UL);
    }

    /// <summary>SplitMix64's finaliser: a bijective mix of 64 bits.</summary>
    internal static ulong SplitMix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Fills <paramref name="values"/> with independent standard normal numbers (Box–Muller, in pairs).</summary>
    public void FillGaussian(Span<double> values)
    {
        int i = 0;
        for (; i + 1 < values.Length; i += 2)
        {
            var (a, b) = NextGaussianPair();
            values[i] = a;
            values[i + 1] = b;
        }
        if (i < values.Length) values[i] = NextGaussianPair().Item1;
    }

    /// <summary>Two independent standard normal numbers.</summary>
    public (double, double) NextGaussianPair()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: the logarithm stays finite
        double u2 = NextDouble();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
        return (radius * cos, radius * sin);
    }

    /// <summary>A Poisson-distributed count with mean <paramref name="mean"/> (≥ 0): inversion by multiplication
    /// below 10, Hörmann's transformed rejection (PTRS) above. Both are exact.</summary>
    public long NextPoisson(double mean)
    {
        if (!(mean > 0)) return 0;
        if (mean < 10)
        {
            double limit = Math.Exp(-mean), product = NextDouble();
            long count = 0;
            while (product > limit)
            {
                product *= NextDouble();
                count++;
            }
            return count;
        }
        double root = Math.Sqrt(mean), logMean = Math.Log(mean);
        double b = 0.931 + 2.53 * root;
        double a = -0.059 + 0.02483 * b;
        double inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            double u = NextDouble() - 0.5;
            double v = NextDouble();
            double us = 0.5 - Math.Abs(u);
            double k = Math.Floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr) return (long)k;
            if (k < 0 || (us < 0.013 && v > us)) continue;
            if (Math.Log(v) + Math.Log(inverseAlpha) - Math.Log(a / (us * us) + b) <= -mean + k * logMean - LogFactorial((long)k))
                return (long)k;
        }
    }

    static readonly double[] SmallLogFactorials = MakeLogFactorials(256);

    static double[] MakeLogFactorials(int n)
    {
        var table = new double[n];
        for (int k = 1; k < n; k++) table[k] = table[k - 1] + Math.Log(k);
        return table;
    }

    /// <summary>ln k!, from a table below 256 and Stirling's series (error below 1e-15 relative) above.</summary>
    internal static double LogFactorial(long k)
    {
        if (k < SmallLogFactorials.Length) return SmallLogFactorials[k];
        double x = k + 1.0, inverse = 1.0 / x, inverse2 = inverse * inverse;
        return (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI)
               + inverse * (1.0 / 12 - inverse2 * (1.0 / 360 - inverse2 * (1.0 / 1260 - inverse2 / 1680)));
    }
}

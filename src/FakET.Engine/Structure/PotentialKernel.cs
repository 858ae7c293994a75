using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FakET.Structures;

/// <summary>A grid of cubic voxels: <paramref name="Size"/> voxels (X, Y, Z) of edge <paramref name="Voxel"/> Å, voxel
/// (i, j, k) centred at <paramref name="Origin"/> + (i, j, k)·Voxel.</summary>
internal readonly record struct VoxelGrid((int X, int Y, int Z) Size, double Voxel, (double X, double Y, double Z) Origin);

/// <summary>
/// Isotropic Gaussians to be averaged over the voxels of a grid: Gaussian g of atom n is
/// Amplitude[g] · (4π/Width[g])^{3/2} exp(−4π² r²/Width[g]) about the atom's position, whose integral over space is
/// Amplitude[g]. Every atom has <see cref="PerAtom"/> of them (unused ones have amplitude 0).
/// </summary>
internal sealed class GaussianAtoms
{
    public GaussianAtoms(int count, int perAtom)
        : this(new double[count], new double[count], new double[count], new double[count * perAtom], new double[count * perAtom], perAtom) { }

    GaussianAtoms(double[] x, double[] y, double[] z, double[] amplitude, double[] width, int perAtom, double[]? reach = null, double[]? slope = null)
    {
        (X, Y, Z, Amplitude, Width, PerAtom) = (x, y, z, amplitude, width, perAtom);
        (_reach, _slope) = (reach, slope);
    }

    double[]? _reach, _slope;

    /// <summary>Each atom's <see cref="PotentialKernel.HalfWidth"/>, computed once the amplitudes and widths are set.</summary>
    public double[] Reach => _reach ??= Enumerable.Range(0, Count).Select(n => PotentialKernel.HalfWidth(this, n)).ToArray();

    /// <summary>Each Gaussian's s = 2π/√width, the scale of its erf's argument, computed once.</summary>
    public double[] Slope => _slope ??= Width.Select(w => 2 * Math.PI / Math.Sqrt(w)).ToArray();

    public int Count => X.Length;
    public int PerAtom { get; }
    public double[] X { get; }
    public double[] Y { get; }
    public double[] Z { get; }
    /// <summary>Integral of each Gaussian (V·Å³ for a potential), atom-major.</summary>
    public double[] Amplitude { get; }
    /// <summary>bᵢ + B of each Gaussian (Å²), atom-major; positive.</summary>
    public double[] Width { get; }

    /// <summary>The same Gaussians at other positions (the arrays are taken, not copied).</summary>
    public GaussianAtoms At(double[] x, double[] y, double[] z) => new(x, y, z, Amplitude, Width, PerAtom, Reach, Slope);
}

/// <summary>
/// Adds Gaussians to a grid as their exact averages over each voxel. A Gaussian is separable, so its average over a
/// cube is the product over the three axes of ½[erf(s(u + h/2)) − erf(s(u − h/2))], with s = 2π/√(b + B), u the
/// voxel centre's offset from the atom and h the voxel edge; the amplitude divided by h³ makes it an average. Each axis
/// is cut where erf has reached 1 − 1e-9 (<see cref="Reach"/>), so the grid's sum times h³ is the amplitudes' sum
/// to about 1e-9 (Gaussians that reach beyond the grid lose what lies outside).
/// <para>The work is split into slabs of Z sections, one thread each; every voxel adds its atoms in their order
/// whatever the split, so the result is the same bit for bit on any number of threads.</para>
/// </summary>
internal static class PotentialKernel
{
    /// <summary>erf(Reach) = 1 − 1.5e-9 (erfc(4.2)): the half-width of a window, in units of 1/s.</summary>
    public const double Reach = 4.2;

    /// <summary>The half-width (Å) beyond which no Gaussian of atom <paramref name="n"/> adds anything that counts.</summary>
    public static double HalfWidth(GaussianAtoms atoms, int n)
    {
        double widest = 0;
        for (int g = 0; g < atoms.PerAtom; g++)
            if (atoms.Amplitude[n * atoms.PerAtom + g] != 0) widest = Math.Max(widest, atoms.Width[n * atoms.PerAtom + g]);
        return Reach * Math.Sqrt(widest) / (2 * Math.PI);
    }

    /// <summary>Adds every atom's Gaussians to <paramref name="sections"/> (Z sections of Y·X voxels).</summary>
    public static void Add(float[][] sections, VoxelGrid grid, GaussianAtoms atoms, int threads, CancellationToken cancel,
        Action<int, int>? progress = null)
    {
        int nz = grid.Size.Z;
        if (atoms.Count == 0 || nz == 0) return;
        if (threads <= 0) threads = Environment.ProcessorCount;
        // Slabs several per thread, so that uneven slabs balance; at least 8 sections, so that an atom rarely spans many.
        int slab = threads == 1 ? nz : Math.Max(8, (nz + 4 * threads - 1) / (4 * threads));
        var reach = atoms.Reach;
        _ = atoms.Slope; // computed once, before the threads share it
        int slabs = (nz + slab - 1) / slab;
        var members = new List<int>[slabs];
        for (int s = 0; s < slabs; s++) members[s] = new List<int>();
        for (int n = 0; n < atoms.Count; n++)
        {
            var (lo, hi) = Window(atoms.Z[n], reach[n], grid.Origin.Z, grid.Voxel, nz);
            if (lo > hi) continue;
            for (int s = lo / slab; s <= hi / slab; s++) members[s].Add(n);
        }
        // Per-thread buffers; slabs report progress on the calling thread (SectionLoop).
        using var scratch = new ThreadLocal<Scratch>(() => new Scratch(atoms.PerAtom));
        SectionLoop.Run(slabs, s =>
        {
            int z0 = s * slab, z1 = Math.Min(nz, z0 + slab) - 1;
            var list = members[s];
            var buffers = scratch.Value!;
            for (int k = 0; k < list.Count; k++)
            {
                if ((k & 1023) == 0) cancel.ThrowIfCancellationRequested();
                AddAtom(sections, grid, atoms, list[k], z0, z1, buffers);
            }
        }, cancel, progress, threads);
    }

    /// <summary>The voxel indices (clipped to the grid) within <paramref name="half"/> Å of <paramref name="centre"/>.</summary>
    static (int Lo, int Hi) Window(double centre, double half, double origin, double voxel, int n)
    {
        int lo = (int)Math.Floor((centre - half - origin) / voxel + 0.5);
        int hi = (int)Math.Floor((centre + half - origin) / voxel + 0.5);
        return (Math.Max(0, lo), Math.Min(n - 1, hi));
    }

    /// <summary>Per-thread buffers: the per-axis voxel averages of each Gaussian of one atom.</summary>
    sealed class Scratch(int perAtom)
    {
        public float[][] X = Enumerable.Range(0, perAtom).Select(_ => new float[64]).ToArray();
        public double[][] Y = Enumerable.Range(0, perAtom).Select(_ => new double[64]).ToArray();
        public double[][] Z = Enumerable.Range(0, perAtom).Select(_ => new double[64]).ToArray();
        public double[] Boundary = new double[65];
        public double[] Line = new double[64];
        public float[] Weight = new float[perAtom];
        public int[] Active = new int[perAtom];
        public float[][] ActiveX = new float[perAtom][];

        public void Fit(int n)
        {
            if (X[0].Length >= n + Vector<float>.Count) return;
            int size = Math.Max(2 * X[0].Length, n + Vector<float>.Count);
            for (int g = 0; g < X.Length; g++) { X[g] = new float[size]; Y[g] = new double[size]; Z[g] = new double[size]; }
            Boundary = new double[size + 1];
            Line = new double[size];
        }
    }

    /// <summary>Fills <paramref name="profile"/>[0 … hi − lo] with ½[erf(s(b₊ − c)) − erf(s(b₋ − c))] for voxels lo … hi,
    /// times <paramref name="scale"/>. A face <see cref="Reach"/>/s or farther from the centre counts as ±1, as the window
    /// does (the window's own outer faces are such), which spares most erf evaluations on coarse grids.</summary>
    static void Profile(Span<double> profile, double[] boundary, int lo, int hi, double centre, double origin, double voxel, double s, double scale)
    {
        int n = hi - lo + 1;
        for (int j = 0; j <= n; j++)
        {
            double a = s * (origin + (lo + j - 0.5) * voxel - centre);
            boundary[j] = a <= -Reach ? -1 : a >= Reach ? 1 : Erf.Of(a);
        }
        double half = 0.5 * scale;
        for (int j = 0; j < n; j++) profile[j] = half * (boundary[j + 1] - boundary[j]);
    }

    static void AddAtom(float[][] sections, VoxelGrid grid, GaussianAtoms atoms, int n, int z0, int z1, Scratch scratch)
    {
        double half = atoms.Reach[n], h = grid.Voxel;
        var slope = atoms.Slope;
        var (xlo, xhi) = Window(atoms.X[n], half, grid.Origin.X, h, grid.Size.X);
        var (ylo, yhi) = Window(atoms.Y[n], half, grid.Origin.Y, h, grid.Size.Y);
        var (zlo, zhi) = Window(atoms.Z[n], half, grid.Origin.Z, h, grid.Size.Z);
        zlo = Math.Max(zlo, z0);
        zhi = Math.Min(zhi, z1);
        if (xlo > xhi || ylo > yhi || zlo > zhi) return;
        int nx = xhi - xlo + 1, ny = yhi - ylo + 1, nzw = zhi - zlo + 1;
        scratch.Fit(Math.Max(nx, Math.Max(ny, nzw)));
        int per = atoms.PerAtom, active = 0;
        double volume = h * h * h, total = 0;
        for (int g = 0; g < per; g++)
        {
            double amplitude = atoms.Amplitude[n * per + g];
            if (amplitude == 0) continue;
            double s = slope[n * per + g];
            var px = scratch.X[g];
            Profile(scratch.Line, scratch.Boundary, xlo, xhi, atoms.X[n], grid.Origin.X, h, s, 1);
            for (int j = 0; j < nx; j++) px[j] = (float)scratch.Line[j];
            Array.Clear(px, nx, Math.Min(px.Length, nx + Vector<float>.Count) - nx);
            Profile(scratch.Y[g], scratch.Boundary, ylo, yhi, atoms.Y[n], grid.Origin.Y, h, s, 1);
            Profile(scratch.Z[g], scratch.Boundary, zlo, zhi, atoms.Z[n], grid.Origin.Z, h, s, amplitude / volume);
            scratch.ActiveX[active] = px;
            scratch.Active[active++] = g;
            total += Math.Abs(amplitude / volume);
        }
        if (active == 0) return;
        // Rows whose weight is below 1e-12 of the atom's peak scale add nothing that a float holds.
        double negligible = 1e-12 * total;
        var weight = scratch.Weight;
        int width = grid.Size.X, lanes = Vector<float>.Count;
        int padded = (nx + lanes - 1) / lanes * lanes; // whole vectors, where the row has room for them
        for (int z = 0; z < nzw; z++)
        {
            var section = sections[zlo + z];
            for (int y = 0; y < ny; y++)
            {
                double sum = 0;
                for (int a = 0; a < active; a++)
                {
                    int g = scratch.Active[a];
                    double w = scratch.Z[g][z] * scratch.Y[g][y];
                    weight[a] = (float)w;
                    sum += Math.Abs(w);
                }
                if (sum < negligible) continue;
                int start = (ylo + y) * width + xlo;
                AddRow(section.AsSpan(start, Math.Min(padded, width - xlo)), nx, scratch.ActiveX, weight, active);
            }
        }
    }

    /// <summary>
    /// row[k] += Σₐ weight[a]·X[a][k] for k below <paramref name="count"/>, vectorised; <paramref name="row"/> may be longer
    /// (up to a whole number of vectors), and the profiles are zero past their window, so the extra voxels add 0. Every
    /// element sums its terms in the same order in the vector and the scalar parts.
    /// </summary>
    static void AddRow(Span<float> row, int count, float[][] x, float[] weight, int active)
    {
        int lanes = Vector<float>.Count, vectors = Math.Min(row.Length, count + lanes - 1) / lanes, k = 0;
        ref float target = ref MemoryMarshal.GetReference(row);
        if (active == 5)
        {
            var (w0, w1, w2, w3, w4) = (new Vector<float>(weight[0]), new Vector<float>(weight[1]), new Vector<float>(weight[2]),
                new Vector<float>(weight[3]), new Vector<float>(weight[4]));
            ref float x0 = ref x[0][0], x1 = ref x[1][0], x2 = ref x[2][0], x3 = ref x[3][0], x4 = ref x[4][0];
            for (int v = 0; v < vectors; v++, k += lanes)
            {
                var acc = Load(ref target, k);
                acc += w0 * Load(ref x0, k);
                acc += w1 * Load(ref x1, k);
                acc += w2 * Load(ref x2, k);
                acc += w3 * Load(ref x3, k);
                acc += w4 * Load(ref x4, k);
                Store(acc, ref target, k);
            }
        }
        else
        {
            for (int v = 0; v < vectors; v++, k += lanes)
            {
                var acc = Load(ref target, k);
                for (int a = 0; a < active; a++) acc += new Vector<float>(weight[a]) * Load(ref x[a][0], k);
                Store(acc, ref target, k);
            }
        }
        for (; k < count; k++)
        {
            float value = row[k];
            for (int a = 0; a < active; a++) value += weight[a] * x[a][k];
            row[k] = value;
        }
    }

    static Vector<float> Load(ref float start, int offset) =>
        Unsafe.ReadUnaligned<Vector<float>>(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref start, offset)));

    static void Store(Vector<float> value, ref float start, int offset) =>
        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref start, offset)), value);

}

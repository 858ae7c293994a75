using FakET.IO;
using FakET.Structures;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>ConvertTo-Potential's engine: exact voxel averages, against gemmi's (reference case c) and the integral.</summary>
[Trait("Tier", "Engine")]
public class PotentialTests
{
    internal static Volume Potential(Structure structure, PotentialOptions options) => new PotentialCalculator().Run(structure, options);

    /// <summary>Correlation and relative L2 error of <paramref name="actual"/> against <paramref name="expected"/>, in float64.</summary>
    internal static (double Correlation, double RelativeL2) Compare(IReadOnlyList<float[]> actual, IReadOnlyList<float[]> expected)
    {
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, diff = 0;
        long n = 0;
        for (int z = 0; z < expected.Count; z++)
            for (int i = 0; i < expected[z].Length; i++)
            {
                double a = actual[z][i], b = expected[z][i];
                sa += a; sb += b; saa += a * a; sbb += b * b; sab += a * b; diff += (a - b) * (a - b);
                n++;
            }
        double cov = sab - sa * sb / n, va = saa - sa * sa / n, vb = sbb - sb * sb / n;
        return (cov / Math.Sqrt(va * vb), Math.Sqrt(diff / sbb));
    }

    static double Sum(Volume v) => v.Sections.Sum(s => s.Sum(x => (double)x));

    internal static double Expected(Structure s) =>
        s.Atoms.Sum(a => a.Occupancy * Elements.ScatteringSum(a.Element)) * Elements.VoltsPerScattering;

    [Theory]
    [InlineData("potential_case_c.cif")]
    [InlineData("potential_case_c.pdb")]
    public void ReferenceCaseCMatchesGemmisVoxelAverages(string model)
    {
        var structure = StructureFile.Read(Repo.Data(model));
        Assert.Equal(800, structure.AtomCount);
        var (_, expected) = MrcFile.Read(Repo.Data("potential_case_c.mrc"));
        var map = Potential(structure, new PotentialOptions { VoxelSize = 2, Size = new[] { 40, 40, 40 }, Origin = new[] { 0.0, 0, 0 } });
        Assert.Equal((40, 40, 40), (map.Depth, map.Height, map.Width));
        var (correlation, error) = Compare(map.Sections, expected);
        Assert.True(correlation >= 0.999, $"correlation {correlation:F6}");
        Assert.True(error <= 0.01, $"relative L2 error {error:P3}");
        // The integral is 47.878 · Σ occupancy · Σ aᵢ: the case's atoms lie well inside the grid.
        Assert.Equal(1, Sum(map) * 8 / Expected(structure), 6);
    }

    [Fact]
    public void TheDefaultGridHoldsTheWholeIntegral()
    {
        var structure = StructureFile.Read(Repo.Data("potential_case_c.cif"));
        var map = Potential(structure, new PotentialOptions { VoxelSize = 2 });
        Assert.Equal(1, Sum(map) * 8 / Expected(structure), 6); // float32 sums: 1e-7 is what the map's values hold
    }

    [Fact]
    public void VoxelIJKIsTheCubeCentredAtOriginPlusKJITimesTheVoxelSize()
    {
        // One iron atom at (3, 5, 7) Å on a grid of 1 Å voxels from (−1, 0, 1): its peak is voxel x 4, y 5, z 6, and the
        // map is symmetric about it along each axis.
        var atom = new Atom(26, 3, 5, 7, 1, 20, 0);
        var structure = new Structure("FE", new[] { atom }, new[] { "A" });
        var map = Potential(structure, new PotentialOptions { Size = new[] { 12, 11, 13 }, Origin = new[] { -1.0, 0, 1 } });
        Assert.Equal((13, 11, 12), (map.Depth, map.Height, map.Width));
        Assert.Equal((-1.0, 0.0, 1.0), map.Origin);
        float At(int x, int y, int z) => map.Section(z)[y * 12 + x];
        var peak = Enumerable.Range(0, 13).SelectMany(z => Enumerable.Range(0, 11 * 12).Select(i => (z, i))).MaxBy(p => map.Section(p.z)[p.i]);
        Assert.Equal((6, 5 * 12 + 4), peak);
        Assert.Equal(At(3, 5, 6), At(5, 5, 6), 5);
        Assert.Equal(At(4, 4, 6), At(4, 6, 6), 5);
        Assert.Equal(At(4, 5, 5), At(4, 5, 7), 5);
        // The cube average of one Gaussian, by the erf formula written out: amplitude / h³ · Π ½[erf(s(u + ½)) − erf(s(u − ½))].
        double expected = 0;
        for (int i = 0; i < 5; i++)
        {
            double s = 2 * Math.PI / Math.Sqrt(Elements.B(26, i) + 20);
            double axis(double u) => 0.5 * (Erf.Of(s * (u + 0.5)) - Erf.Of(s * (u - 0.5)));
            expected += 47.878 * Elements.A(26, i) * axis(1) * axis(0) * axis(0);
        }
        Assert.Equal(expected, At(5, 5, 6), 4);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(5.9)]
    [InlineData(-0.7)]
    public void ErfAgreesWithItsSeriesAndContinuedFraction(double x)
    {
        // erf(x) = 1 − erfc(x); erfc from Laplace's continued fraction for x ≥ 2, from the Maclaurin series below.
        double reference;
        double a = Math.Abs(x);
        if (a < 2)
        {
            double term = a, sum = a;
            for (int n = 1; n < 200; n++) { term *= -a * a / n; sum += term / (2 * n + 1); }
            reference = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            double f = a;
            for (int k = 60; k >= 1; k--) f = a + k / 2.0 / f;
            reference = 1 - Math.Exp(-a * a) / Math.Sqrt(Math.PI) / f;
        }
        Assert.Equal(Math.Sign(x) * reference, Erf.Of(x), 13);
    }

    [Fact]
    public void TheSameMapOnAnyNumberOfThreadsBitForBit()
    {
        var structure = StructureFile.Read(Repo.Data("potential_case_c.cif"));
        var one = Potential(structure, new PotentialOptions { VoxelSize = 1.5, MaxThreads = 1 });
        var three = Potential(structure, new PotentialOptions { VoxelSize = 1.5, MaxThreads = 3 });
        for (int z = 0; z < one.Depth; z++) Assert.Equal(one.Section(z), three.Section(z));
    }

    [Fact]
    public void IceSubtractsTheDisplacedVolumeAtTheIcesMeanPotential()
    {
        Assert.Equal(4.57, Solvents.IcePotential, 2);
        Assert.Equal(1.212, Solvents.VolumePerDalton, 3);
        var structure = StructureFile.Read(Repo.Data("potential_case_c.cif"));
        var options = new PotentialOptions { VoxelSize = 2, Size = new[] { 48, 48, 48 }, Origin = new[] { -8.0, -8, -8 } };
        var vacuum = Potential(structure, options);
        var ice = Potential(structure, options with { Solvent = Solvent.Ice });
        Assert.Equal((vacuum.Depth, vacuum.Height, vacuum.Width), (ice.Depth, ice.Height, ice.Width));
        // The integral loses the ice's potential times the displaced volume: 0.73 cm³/g of the molecule's mass.
        double displaced = structure.Atoms.Sum(a => a.Occupancy * Elements.Mass(a.Element)) * Solvents.VolumePerDalton * Solvents.IcePotential;
        Assert.Equal(1, Sum(ice) * 8 / (Expected(structure) - displaced), 6);
        // Everywhere the ice map is the vacuum map minus a non-negative amount.
        for (int z = 0; z < ice.Depth; z++)
            for (int i = 0; i < ice.Section(z).Length; i++)
                Assert.True(ice.Section(z)[i] <= vacuum.Section(z)[i] * (1 + 1e-6f) + 1e-5f, $"voxel {i} of section {z}: {ice.Section(z)[i]} V in ice, {vacuum.Section(z)[i]} V in vacuum"); // up to float rounding
    }

    [Fact]
    public void AnExtraBFactorBlursTheMapAsTheAtomsOwnWould()
    {
        var atoms = StructureFile.Read(Repo.Data("potential_case_c.cif"));
        var blurred = new Structure("b", atoms.Atoms.Select(a => a with { BFactor = a.BFactor + 30 }).ToList(), atoms.Chains);
        var options = new PotentialOptions { VoxelSize = 2, Size = new[] { 40, 40, 40 }, Origin = new[] { 0.0, 0, 0 } };
        var a = Potential(atoms, options with { BFactor = 30 });
        var b = Potential(blurred, options);
        for (int z = 0; z < a.Depth; z++) Assert.Equal(b.Section(z), a.Section(z));
        var error = Assert.Throws<FakETException>(() => Potential(atoms, options with { BFactor = -200 }));
        Assert.Equal(ErrorIds.PotentialInvalid, error.ErrorId);
    }
}

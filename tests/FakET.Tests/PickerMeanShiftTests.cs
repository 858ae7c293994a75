using System.Globalization;
using System.Text.Json;
using FakET.Picking;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// The picker's mean shift against scikit-learn's <c>MeanShift(bandwidth, bin_seeding=True)</c> (Debian's python3-sklearn,
/// through Data/meanshift_reference.py), the call DeepFinder makes: the same centres in the same order and the same
/// cluster for every point, on Gaussian blobs and on voxel lattices like a segmentation's.
/// </summary>
[Trait("Tier", "Process")]
public class PickerMeanShiftTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    (double[][] Centres, int[] Labels) ScikitLearn(IReadOnlyList<(double X, double Y, double Z)> points, double bandwidth)
    {
        string file = _dir.File("points.csv");
        File.WriteAllLines(file, points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:R},{p.Y:R},{p.Z:R}")));
        var (exit, stdout, stderr) = ExternalProgram.Run("/usr/bin/python3",
            new[] { Repo.Data("meanshift_reference.py"), file, bandwidth.ToString("R", CultureInfo.InvariantCulture) });
        Assert.True(exit == 0, $"meanshift_reference.py failed ({exit}): {stderr}");
        var json = JsonDocument.Parse(stdout).RootElement;
        return (json.GetProperty("centres").EnumerateArray().Select(c => c.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray(),
            json.GetProperty("labels").EnumerateArray().Select(l => l.GetInt32()).ToArray());
    }

    void AssertSame(IReadOnlyList<(double X, double Y, double Z)> points, double bandwidth)
    {
        var (centres, labels) = ScikitLearn(points, bandwidth);
        var ours = MeanShift.Cluster(points, bandwidth);
        Assert.Equal(centres.Length, ours.Centres.Count);
        for (int c = 0; c < centres.Length; c++)
        {
            Assert.Equal(centres[c][0], ours.Centres[c].X, 9);
            Assert.Equal(centres[c][1], ours.Centres[c].Y, 9);
            Assert.Equal(centres[c][2], ours.Centres[c].Z, 9);
        }
        // A point exactly as far from two centres may go to either: only points with one nearest centre are compared.
        int compared = 0;
        for (int i = 0; i < points.Count; i++)
        {
            var d = ours.Centres.Select(c => Math.Sqrt(Sq(c.X - points[i].X) + Sq(c.Y - points[i].Y) + Sq(c.Z - points[i].Z))).Order().ToArray();
            if (d.Length > 1 && d[1] - d[0] < 1e-9) continue;
            Assert.Equal(labels[i], ours.Labels[i]);
            compared++;
        }
        Assert.True(compared > points.Count * 9 / 10, $"{compared} of {points.Count} points had one nearest centre");
    }

    static double Sq(double v) => v * v;

    [Fact]
    public void GaussianBlobsClusterAsScikitLearnClustersThem()
    {
        var random = new Random(11);
        var points = new List<(double, double, double)>();
        var centres = new[] { (10.0, 12.0, 8.0), (30.0, 12.0, 9.0), (20.0, 35.0, 20.0), (45.0, 40.0, 5.0), (12.0, 42.0, 30.0) };
        foreach (var ((x, y, z), k) in centres.Select((c, k) => (c, k)))
            for (int i = 0; i < 60 + 25 * k; i++)
                points.Add((x + 2 * G(random), y + 2 * G(random), z + 2 * G(random)));
        AssertSame(points, 5);
        AssertSame(points, 8);
    }

    [Fact]
    public void VoxelBlobsClusterAsScikitLearnClustersThem()
    {
        // Balls and boxes of voxels, some touching, as a segmentation's particle voxels are.
        var points = new List<(double, double, double)>();
        void Ball(int cx, int cy, int cz, int r)
        {
            for (int z = cz - r; z <= cz + r; z++)
                for (int y = cy - r; y <= cy + r; y++)
                    for (int x = cx - r; x <= cx + r; x++)
                        if (Sq(x - cx) + Sq(y - cy) + Sq(z - cz) <= r * r) points.Add((x, y, z));
        }
        Ball(10, 10, 10, 4);
        Ball(19, 10, 10, 3);
        Ball(30, 25, 12, 5);
        Ball(8, 30, 20, 2);
        for (int z = 0; z < 3; z++)
            for (int y = 40; y < 46; y++)
                for (int x = 40; x < 52; x++)
                    points.Add((x, y, z));
        AssertSame(points, 5);
        AssertSame(points, 3);
    }

    static double G(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

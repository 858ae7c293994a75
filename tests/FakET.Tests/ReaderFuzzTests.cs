using System.Globalization;
using FakET.IO;
using FakET.Labels;
using FakET.Noise;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// The text readers under seeded mutations of valid files (issue 19): cut anywhere, characters deleted, junk inserted
/// (NaN, infinities, huge numbers, quotes, separators, keywords), lines doubled or dropped. Every outcome is a result
/// or a <see cref="FakETException"/>, never another exception, within seconds; a result holds no value a reader should
/// have refused (a non-finite coordinate, an r outside 0…1, an angle beyond ±90°); and mutations that only add blank
/// or comment lines give exactly the original's result. (PDB and mmCIF have theirs in <see cref="StructureTests"/>,
/// MRC files theirs in the MRC tests.)
/// </summary>
[Trait("Tier", "Engine")]
public class ReaderFuzzTests : IDisposable
{
    const int Trials = 250;
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    static readonly string[] Junk =
    {
        "NaN", "nan", "Infinity", "-Infinity", "inf", "1e308", "-1e400", "1e39", "99999999999999999999", "-0", "0x10", "",
        ",", ";", "\"", "'", "\n", "\r\n", "\t", " ", "#", "<", ">", "/>", "=", "{", "}", "[", "]", ":", "null", "true",
        "loop_", "data_", "_rlnCoordinateX", "\u0000", "é", "-", ".", "e", "E+",
    };

    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    static readonly ParticleReadOptions Geometry = new() { VoxelSize = 10, TomogramSize = (100, 100, 100) };

    public static TheoryData<string> ParticleFormats => new() { "list.csv", "list.xml", "list.star", "run_data.star", "particles.txt", "picks.json" };

    static string Sample(string name)
    {
        var list = ParticleList.Of(ParticleListFormatTests.Fixed(), "TS_01", 1);
        return name switch
        {
            "list.csv" => ParticleLists.Format(list, ParticleListFormat.Csv),
            "list.xml" => ParticleLists.Format(list, ParticleListFormat.DeepFinderXml),
            "list.star" => ParticleLists.Format(list, ParticleListFormat.Star),
            "run_data.star" => ParticleListFormatTests.Relion5,
            "particles.txt" => ParticleListFormatTests.Shrec,
            _ => ParticleListFormatTests.Copick,
        };
    }

    [Theory]
    [MemberData(nameof(ParticleFormats))]
    public void ParticleListsReadOrFailWithANamedErrorAndNeverHoldANonFiniteCoordinate(string name)
    {
        string text = Sample(name);
        var original = Read(name, text);
        Assert.NotEmpty(original);
        int accepted = 0;
        foreach (var (trial, mutated) in Mutations(text, name.GetHashCode(StringComparison.Ordinal) & 0xffff))
        {
            var (result, error) = Outcome(() => Read(name, mutated), $"{name} trial {trial}");
            if (error is not null) continue;
            accepted++;
            foreach (var e in result!)
            {
                Assert.True(double.IsFinite(e.X) && double.IsFinite(e.Y) && double.IsFinite(e.Z), $"{name} trial {trial}: ({e.X}, {e.Y}, {e.Z})");
                Assert.False(string.IsNullOrEmpty(e.Class), $"{name} trial {trial}: a particle without a class");
                var rotation = e.Rotation();
                foreach (var v in rotation) Assert.True(double.IsFinite(v), $"{name} trial {trial}: angles ({e.Phi}, {e.The}, {e.Psi})");
            }
        }
        Assert.InRange(accepted, 1, Trials - 1); // some mutations are harmless, some are not
        // Blank lines between rows change nothing, in every format but the column-position ones.
        if (name is not "list.csv")
        {
            string spaced = text.Replace("\n", "\n\n");
            Assert.Equal(original, Read(name, spaced));
        }
    }

    IReadOnlyList<ParticleEntry> Read(string name, string text)
    {
        File.WriteAllText(_dir.File(name), text);
        return ParticleLists.Read(_dir.File(name), null, Geometry);
    }

    [Fact]
    public void NoiseProfilesReadOrFailWithANamedErrorAndHoldOnlyValuesInRange()
    {
        var n = 5;
        var profile = new NoiseProfile(new NoiseCurves(new[] { 0.1, 0.2, 0.35, 0.2, 0.1 }, new[] { 0.99, 0.97, 0.93, 0.97, 0.99 },
            new[] { 10.0, 11, 12, 11, 10 }, new[] { 2.0, 2.5, 3, 2.5, 2 }), new double[] { -60, -30, 0, 30, 60 }, -1,
            new[] { new NoiseCurves(new double[n], Enumerable.Repeat(1.0, n).ToArray(), new double[n], Enumerable.Repeat(1.0, n).ToArray(), "pair") });
        string text = NoiseProfileFile.ToJson(profile);
        int accepted = 0;
        foreach (var (trial, mutated) in Mutations(text, 19))
        {
            var (read, error) = Outcome(() => NoiseProfileFile.FromJson(mutated, "profile.json"), $"profile trial {trial}");
            if (error is not null)
            {
                Assert.Contains("profile.json", error.Message);
                continue;
            }
            accepted++;
            Assert.All(read!.R, r => Assert.InRange(r, 0, 1));
            Assert.All(read.Sigma, s => Assert.True(s >= 0 && double.IsFinite(s)));
            Assert.All(read.ReferenceStd, s => Assert.InRange(s, 0, NoiseProfile.MaxReferenceValue));
            Assert.All(read.ReferenceMean, m => Assert.InRange(m, -NoiseProfile.MaxReferenceValue, NoiseProfile.MaxReferenceValue));
            if (read.TiltAngles is { } angles) Assert.All(angles, a => Assert.InRange(a, -90, 90));
        }
        Assert.InRange(accepted, 1, Trials - 1);
    }

    [Theory]
    [InlineData("ts.tlt", "-60.0\n-30.0\n0.0\n30.0\n60.0\n")]
    [InlineData(TiltAngleFile.ShrecAlignmentName,
        "# AlignmentTransX AlignmentTransY TiltAngle DetectorRotation Magnification\n" +
        "  12.50  -3.25  -60.00  0.0  1.0\n  11.00  -2.00  -30.00  0.0  1.0\n   0.00   0.00    0.00  0.0  1.0\n" +
        "  -7.75   1.50   30.00  0.0  1.0\n  -9.00   2.25   60.00  0.0  1.0\n")]
    public void AngleFilesReadOrFailWithANamedErrorAndNeverGiveAnotherColumnOrAnAngleOutOfRange(string name, string text)
    {
        string path = _dir.File(name);
        File.WriteAllText(path, text);
        var original = TiltAngleFile.Read(path);
        Assert.Equal(new double[] { -60, -30, 0, 30, 60 }, original);
        int accepted = 0;
        foreach (var (trial, mutated) in Mutations(text, name.Length))
        {
            File.WriteAllText(path, mutated);
            var (angles, error) = Outcome(() => TiltAngleFile.Read(path), $"{name} trial {trial}");
            if (error is not null)
            {
                Assert.Contains(name, error.Message);
                continue;
            }
            accepted++;
            Assert.All(angles!, a => Assert.InRange(a, -90, 90));
            // Rows of mixed kinds (one column, or three and more) are never read: no angle comes from a shift column.
            var columns = mutated.Split('\n').Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length > 0 && !f[0].StartsWith('#')).Select(f => Math.Min(f.Length, 3)).Distinct().ToList();
            Assert.True(columns is [1] or [3], $"{name} trial {trial}: rows of {string.Join(", ", columns)} columns were read");
            Assert.Equal(angles!.Length, mutated.Split('\n').Count(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')));
        }
        Assert.InRange(accepted, 1, Trials - 1);
        // Comment and blank lines anywhere between rows change nothing.
        File.WriteAllText(path, "\n# comment\n" + text.Replace("\n", "\n\n# between\n"));
        Assert.Equal(original, TiltAngleFile.Read(path));
    }

    /// <summary>The mutated texts, from a seeded random stream: each is the original cut, with characters deleted, junk
    /// inserted, or a line doubled or dropped, one to four times.</summary>
    static IEnumerable<(int Trial, string Text)> Mutations(string text, int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < Trials; trial++)
        {
            var chars = new List<char>(text);
            if (trial % 5 == 0) chars = chars.Take(random.Next(chars.Count)).ToList(); // cut anywhere
            for (int k = 0; k < 1 + trial % 4; k++)
            {
                int at = random.Next(chars.Count + 1);
                switch (random.Next(4))
                {
                    case 0 when at < chars.Count:
                        chars.RemoveRange(at, Math.Min(chars.Count - at, 1 + random.Next(3)));
                        break;
                    case 1:
                        var lines = new string(chars.ToArray()).Split('\n').ToList();
                        int line = random.Next(lines.Count);
                        if (random.Next(2) == 0) lines.Insert(line, lines[line]);
                        else lines.RemoveAt(line);
                        chars = string.Join('\n', lines).ToList();
                        break;
                    default:
                        chars.InsertRange(at, Junk[random.Next(Junk.Length)]);
                        break;
                }
            }
            yield return (trial, new string(chars.ToArray()));
        }
    }

    /// <summary>Runs a read with a time limit: its result, or its <see cref="FakETException"/>; any other exception or
    /// a read that does not end fails the test.</summary>
    static (T? Result, FakETException? Error) Outcome<T>(Func<T> read, string what) where T : class
    {
        var task = Task.Run(read);
        Assert.True(task.ContinueWith(_ => { }).Wait(Patience), $"{what}: no answer within {Patience.TotalSeconds} s");
        if (!task.IsFaulted) return (task.Result, null);
        var e = task.Exception!.InnerException!;
        Assert.True(e is FakETException, $"{what}: {e}");
        return (null, (FakETException)e);
    }
}

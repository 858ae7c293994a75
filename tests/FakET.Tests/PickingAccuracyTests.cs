using System.IO.Compression;
using System.Text.Json;
using FakET.Labels;
using FakET.Phantom;
using FakET.Scoring;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// Picking accuracy as SHREC'21's published evaluation script computes it: the reference case (a 512³ SHREC-layout truth,
/// its predictions and the published script's output, copied from the team's reference cases) to 1e-9, and the rules
/// one at a time on small masks made here.
/// </summary>
[Trait("Tier", "Engine")]
public class PickingAccuracyTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    internal static string CaseB(string name) => Repo.Data(Path.Combine("case-b-scoring", name));

    internal static PickingAccuracy ScoreCaseB(string? folder = null) => PickingScorer.Score(
        PickingTruth.FromShrecFolder(folder ?? CaseB("model")),
        ParticleLists.Read(CaseB("predictions.txt")), new[] { "vesicle" });

    /// <summary>Every figure of the published script's output (expected.json) against <paramref name="r"/>, to 1e-9.</summary>
    internal static void AssertPublished(JsonElement expected, PickingAccuracy r)
    {
        var l = expected.GetProperty("localization");
        Assert.Equal(l.GetProperty("TP").GetInt32(), r.Localization.TruePositives);
        Assert.Equal(l.GetProperty("FP").GetInt32(), r.Localization.FalsePositives);
        Assert.Equal(l.GetProperty("FN").GetInt32(), r.Localization.FalseNegatives);
        Assert.Equal(l.GetProperty("predicted_particles").GetInt32(), r.Localization.Picks);
        Assert.Equal(l.GetProperty("n_particles_with_multiple_preds").GetInt32(), r.Localization.MultipleHits);
        Assert.Equal(l.GetProperty("n_particles_outside_bounds").GetInt32(), r.Localization.OutOfBounds);
        Assert.Equal(l.GetProperty("recall").GetDouble(), r.Localization.Recall, 1e-9);
        Assert.Equal(l.GetProperty("Precision").GetDouble(), r.Localization.Precision, 1e-9);
        Assert.Equal(l.GetProperty("F1 score").GetDouble(), r.Localization.F1, 1e-9);
        if (l.TryGetProperty("avg_euclid_dist_from_real_center", out var distance))
            Assert.Equal(distance.GetDouble(), r.Localization.PublishedMeanDistance, 1e-9);
        Assert.Equal(expected.GetProperty("classification_f1_macro").GetDouble(), r.Classification.F1Macro, 1e-9);
        var perClass = expected.GetProperty("classification_f1_per_class").EnumerateObject().ToList();
        Assert.Equal(perClass.Select(p => p.Name).Order(), r.Classification.PerClass.Select(c => c.Class).Order());
        foreach (var p in perClass)
            Assert.Equal(p.Value.GetDouble(), r.Classification.PerClass.Single(c => c.Class == p.Name).F1, 1e-9);
    }

    [Fact]
    public void TheReferenceCaseGivesThePublishedScriptsFigures()
    {
        var r = ScoreCaseB();
        AssertPublished(JsonDocument.Parse(File.ReadAllText(CaseB("expected.json"))).RootElement, r);
        // The corrected figures beside them: recall over the particles scored, macro F1 without background.
        Assert.Equal(300, r.Localization.Particles); // vesicles still counted, as the script counts them
        Assert.Equal(241.0 / (241 + 43), r.Localization.RecallWithoutExcluded, 1e-12);
        var withoutBackground = r.Classification.PerClass.Where(c => c.Class != "background").Average(c => c.F1);
        Assert.Equal(withoutBackground, r.Classification.F1MacroWithoutBackground, 1e-12);
        Assert.Equal("background", r.ConfusionMatrix.Classes[0]);
        Assert.Equal(241 + 43, r.ConfusionMatrix.Counts.Sum(row => row.Sum()));
        Assert.Null(r.VoxelSize); // SHREC's mask says 0 Å
    }

    [Fact]
    public void APlainMaskScoresAsTheCompressedOne()
    {
        string folder = Path.Combine(_dir.Path, "model");
        Directory.CreateDirectory(folder);
        File.Copy(CaseB("model/particle_locations.txt"), Path.Combine(folder, "particle_locations.txt"));
        using (var gz = new GZipStream(File.OpenRead(CaseB("model/occupancy_mask.mrc.gz")), CompressionMode.Decompress))
        using (var plain = File.Create(Path.Combine(folder, "occupancy_mask.mrc")))
            gz.CopyTo(plain);
        Assert.Equal(PickingReport.ToJson(ScoreCaseB()).Replace(CaseB("model"), "M"), PickingReport.ToJson(ScoreCaseB(folder)).Replace(folder, "M"));
    }

    /// <summary>A SHREC folder with an int16 mask of <paramref name="nz"/>×<paramref name="ny"/>×<paramref name="nx"/>
    /// voxels, <paramref name="fill"/> setting its values, and these particles.</summary>
    string Folder(int nx, int ny, int nz, Action<short[,,]> fill, params string[] particles)
    {
        var mask = new short[nz, ny, nx];
        fill(mask);
        var sections = new float[nz][];
        for (int z = 0; z < nz; z++)
        {
            sections[z] = new float[ny * nx];
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++) sections[z][y * nx + x] = mask[z, y, x];
        }
        string folder = Path.Combine(_dir.Path, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        FakET.IO.MrcFile.Write(Path.Combine(folder, "occupancy_mask.mrc"), sections, ny, nx, 10,
            new FakET.IO.MrcFile.WriteOptions(FakET.IO.MrcMode.Float32, true, Array.Empty<string>()));
        File.WriteAllLines(Path.Combine(folder, "particle_locations.txt"), particles);
        return folder;
    }

    static ParticleEntry Pick(string c, double x, double y, double z) => new() { Class = c, X = x, Y = y, Z = z };

    [Fact]
    public void APickHitsThroughTheCrossDilatedMaskAndTheHigherIndexWinsWhereParticlesTouch()
    {
        // Particle 1 is the voxel (5, 5, 5); particle 2 the voxel (7, 5, 5). Voxel (6, 5, 5) is background, but the
        // dilation gives it the larger of its neighbours, 2; (6, 6, 5) touches neither by a face and stays background.
        string folder = Folder(12, 10, 8, m => { m[5, 5, 5] = 1; m[5, 5, 7] = 2; }, "1S3X 5 5 5", "3QM1 7 5 5");
        var truth = PickingTruth.FromShrecFolder(folder);
        Assert.Equal(10, truth.VoxelSize); // from the header
        var r = PickingScorer.Score(truth, new[] { Pick("1S3X", 6, 5, 5), Pick("1s3x", 6, 6, 5), Pick("1S3X", 4, 5, 5) });
        Assert.Equal(2, r.Localization.TruePositives); // (6,5,5) hit particle 2, (4,5,5) particle 1
        Assert.Equal(1, r.Localization.FalsePositives);
        // Particle 2's first pick says 1S3X: a wrong class; particle 1's is right.
        Assert.Equal(1, r.ConfusionMatrix["3QM1", "1S3X"]);
        Assert.Equal(1, r.ConfusionMatrix["1S3X", "1S3X"]);
        Assert.Equal(10.0, r.Localization.MeanDistance, 12); // 1 voxel each, in Å
    }

    [Fact]
    public void PicksRoundHalfToEvenAndAreClippedIntoTheVolume()
    {
        string folder = Folder(12, 10, 8, m => { m[0, 2, 2] = 1; m[7, 9, 11] = 2; }, "4CR2 2 2 0", "5MRC 11 9 7");
        var truth = PickingTruth.FromShrecFolder(folder);
        // 3.5 rounds to 4 (even): (4, 2, 0) is not next to (2, 2, 0); 2.5 rounds to 2: a hit.
        var miss = PickingScorer.Score(truth, new[] { Pick("4CR2", 3.5, 2, 0) });
        Assert.Equal(0, miss.Localization.TruePositives);
        var hit = PickingScorer.Score(truth, new[] { Pick("4CR2", 2.5, 2, -0.4) });
        Assert.Equal(1, hit.Localization.TruePositives);
        Assert.Equal(0, hit.Localization.OutOfBounds); // −0.4 rounds to 0: inside
        var clipped = PickingScorer.Score(truth, new[] { Pick("5MRC", 40, 9, 7), Pick("4CR2", 2, 2, -3), Pick("5MRC", 11, 9, 6) });
        Assert.Equal(2, clipped.Localization.OutOfBounds);
        Assert.Equal(2, clipped.Localization.TruePositives);
        Assert.Equal(1, clipped.Localization.MultipleHits);
        Assert.Equal(2.0 / 3, clipped.Localization.Precision, 15);
        // The script measures from the clipped picks (0 and 0 voxels); MeanDistance from the picks as given (29 and 3 voxels).
        Assert.Equal(0, clipped.Localization.PublishedMeanDistance, 12);
        Assert.Equal(10 * (29.0 + 3.0) / 2, clipped.Localization.MeanDistance, 9);
    }

    [Fact]
    public void ExcludedClassesLeaveTheirHitsOutAndOnly4V94LeavesTheRecallsCount()
    {
        string folder = Folder(10, 10, 10, m => { m[1, 1, 1] = 1; m[5, 5, 5] = 2; m[8, 8, 8] = 3; },
            "vesicle 1 1 1", "4V94 5 5 5", "1BXN 8 8 8");
        var truth = PickingTruth.FromShrecFolder(folder);
        var picks = new[] { Pick("vesicle", 1, 1, 1), Pick("4v94", 5, 5, 5), Pick("vesicle", 8, 8, 8) };
        var vesicle = PickingScorer.Score(truth, picks, new[] { "vesicle" });
        Assert.Equal(3, vesicle.Localization.Particles);
        Assert.Equal(2.0 / 3, vesicle.Localization.Recall, 15);
        Assert.Equal(1.0, vesicle.Localization.RecallWithoutExcluded, 15);
        Assert.Equal(1, vesicle.Localization.ExcludedHits);
        // 1BXN's first pick says vesicle, an excluded class: predicted background.
        Assert.Equal(1, vesicle.ConfusionMatrix["1BXN", "background"]);
        var both = PickingScorer.Score(truth, picks, new[] { "vesicle", "4V94" });
        Assert.Equal(2, both.Localization.Particles);
        Assert.Equal(1, both.Localization.TruePositives);
    }

    [Fact]
    public void AClassTheTruthDoesNotKnowIsAClassOfItsOwn()
    {
        string folder = Folder(10, 10, 10, m => m[5, 5, 5] = 1, "1BXN 5 5 5");
        var r = PickingScorer.Score(PickingTruth.FromShrecFolder(folder), new[] { Pick("ribosome", 5, 5, 5) });
        Assert.Equal(new[] { "1BXN", "RIBOSOME" }, r.ConfusionMatrix.Classes);
        Assert.Equal(0, r.Classification.F1Macro);
    }

    [Fact]
    public void AMaskValueWithoutAParticleIsANamedError()
    {
        string folder = Folder(10, 10, 10, m => m[5, 5, 5] = 4, "1BXN 5 5 5");
        var e = Assert.Throws<FakETException>(() => PickingScorer.Score(PickingTruth.FromShrecFolder(folder), new[] { Pick("1BXN", 5, 5, 5) }));
        Assert.Equal(ScoringErrorIds.OccupancyInvalid, e.ErrorId);
    }

    [Fact]
    public void ALabelledPhantomIsItsOwnTruthAndItsParticlesScorePerfectly()
    {
        var spec = new PhantomSpec { Depth = 40, Height = 64, Width = 64, VoxelSize = 10, SlabThickness = 32, Seed = 3, Fiducials = 2 };
        var sample = new PhantomBuilder().Run(new[] { new ParticleClass(ParticleShape.BuiltIn("small")!, 5), new ParticleClass(ParticleShape.BuiltIn("medium")!, 4) }, spec);
        var list = ParticleList.Of(sample.Labels!);
        var r = PickingScorer.Score(PickingTruth.FromVolume(sample), list.Entries);
        Assert.Equal(list.Entries.Count, r.Localization.TruePositives);
        Assert.Equal(1.0, r.Localization.Precision);
        Assert.Equal(1.0, r.Classification.F1MacroWithoutBackground);
        Assert.Equal(0.0, r.Localization.MeanDistance, 9);
        Assert.Equal(new[] { "small", "medium", "fiducial" }, r.ConfusionMatrix.Classes);
        // An unlabelled volume is a named error.
        var bare = new Volume(sample.Sections.ToArray(), sample.Height, sample.Width, 10);
        Assert.Equal(ScoringErrorIds.TruthUnlabelled, Assert.Throws<FakETException>(() => PickingTruth.FromVolume(bare)).ErrorId);
    }

    [Fact]
    public void AParticleListMatchesByDistanceWithinEachClassRadius()
    {
        var truth = PickingTruth.FromList(new[] { Pick("ribosome", 10, 10, 10), Pick("proteasome", 30, 10, 10) }, "truth.csv", 10,
            new Dictionary<string, double> { ["Ribosome"] = 50 }, 20);
        // 4 voxels = 40 Å from the ribosome: a hit; 3 voxels = 30 Å from the proteasome: outside its 20 Å.
        var r = PickingScorer.Score(truth, new[] { Pick("ribosome", 14, 10, 10), Pick("proteasome", 27, 10, 10) });
        Assert.Equal(TruthMatching.Distance, r.Matching);
        Assert.Equal(1, r.Localization.TruePositives);
        Assert.Equal(1, r.Localization.FalsePositives);
        Assert.Equal(40, r.Localization.MeanDistance, 12);
        var e = Assert.Throws<FakETException>(() => PickingTruth.FromList(new[] { Pick("a", 1, 1, 1) }, "t", 10, null, null));
        Assert.Equal(ScoringErrorIds.RadiusMissing, e.ErrorId);
    }

    [Fact]
    public void TheReportIsJsonCsvAndAHeatmapWrittenTogether()
    {
        var r = ScoreCaseB();
        string path = Path.Combine(_dir.Path, "score.json");
        PickingReport.Write(path, r);
        var json = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        // The published figures under the published script's keys compare with its output as they are.
        AssertPublished(json.GetProperty("shrec2021"), r);
        Assert.Equal(r.Localization.RecallWithoutExcluded, json.GetProperty("localization").GetProperty("recallWithoutExcluded").GetDouble());
        var csv = File.ReadAllLines(Path.Combine(_dir.Path, "score_confusion.csv"));
        Assert.Equal("truth\\predicted," + string.Join(",", r.ConfusionMatrix.Classes), csv[0]);
        Assert.Equal(r.ConfusionMatrix.Classes.Count + 1, csv.Length);
        var png = File.ReadAllBytes(Path.Combine(_dir.Path, "score_confusion.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Matches(@"^localization F1 0\.7543 \(P 0\.7109, R 0\.8033; TP 241, FP 53, FN 43\) · classification F1 0\.5728 · 339 picks, without vesicle$", r.ToString());
    }
}

using System.Text.Json;
using FakET.Labels;
using FakET.Scoring;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// Picking accuracy against an independent scorer in Python (Data/shrec_score_reference.py, numpy and mrcfile only,
/// written from the reference notes' rules rather than from this module's code) on SHREC-layout cases that
/// Data/make_shrec_case.py makes here: touching particles, duplicates, wrong and lower-case classes, misses, picks on
/// background, on vesicles and fiducials, on halves and outside the volume. The Python scorer is first shown to give
/// the published script's output on the reference case.
/// </summary>
[Trait("Tier", "Process")]
public class PickingAccuracyPythonTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    static string Python(params string[] args)
    {
        var (exit, stdout, stderr) = ExternalProgram.Run("/usr/bin/python3", args);
        Assert.True(exit == 0, $"python3 {string.Join(' ', args)} failed ({exit}): {stderr}");
        return stdout;
    }

    static JsonElement Reference(string folder, string predictions, string excluded) =>
        JsonDocument.Parse(Python(Repo.Data("shrec_score_reference.py"), folder, predictions, excluded)).RootElement;

    [Fact]
    public void ThePythonScorerGivesThePublishedFiguresOnTheReferenceCase()
    {
        var python = Reference(PickingAccuracyTests.CaseB("model"), PickingAccuracyTests.CaseB("predictions.txt"), "vesicle");
        var expected = JsonDocument.Parse(File.ReadAllText(PickingAccuracyTests.CaseB("expected.json"))).RootElement;
        PickingAccuracyTests.AssertPublished(expected, PickingAccuracyTests.ScoreCaseB()); // ours against the script
        PickingAccuracyTests.AssertPublished(python, PickingAccuracyTests.ScoreCaseB());   // ours against the Python scorer
        foreach (var key in new[] { "TP", "FP", "FN", "n_particles_with_multiple_preds", "n_particles_outside_bounds" })
            Assert.Equal(expected.GetProperty("localization").GetProperty(key).GetInt32(), python.GetProperty("localization").GetProperty(key).GetInt32());
    }

    [Theory]
    [InlineData(160, 144, 128, 160, 480, 7, true, "vesicle")]
    [InlineData(128, 128, 136, 220, 700, 11, false, "vesicle")]
    [InlineData(136, 128, 128, 200, 600, 19, true, "vesicle,4V94")]
    public void GeneratedCasesScoreAsThePythonScorerScoresThem(int nx, int ny, int nz, int particles, int picks, int seed, bool gzip, string excluded)
    {
        string folder = _dir.File($"case_{seed}");
        Python(Repo.Data("make_shrec_case.py"), folder, $"{nx}", $"{ny}", $"{nz}", $"{particles}", $"{picks}", $"{seed}", gzip ? "gzip" : "plain");
        string predictions = Path.Combine(folder, "predictions.txt");
        var python = Reference(folder, predictions, excluded);
        var ours = PickingScorer.Score(PickingTruth.FromShrecFolder(folder), ParticleLists.Read(predictions), excluded.Split(','));
        PickingAccuracyTests.AssertPublished(python, ours);
        // The case has what it is meant to have.
        var l = ours.Localization;
        Assert.True(l.MultipleHits > 0 && l.OutOfBounds > 0 && l.FalsePositives > 0 && l.FalseNegatives > 0 && l.ExcludedHits > 0,
            $"The generated case lacks a kind of pick: {l}, {l.MultipleHits} multiple, {l.OutOfBounds} outside, {l.ExcludedHits} on excluded particles.");
        Assert.Contains(ours.ConfusionMatrix.Classes, c => c == "fiducial");
        Assert.True(ours.ConfusionMatrix.Classes.Count > 10);
    }
}

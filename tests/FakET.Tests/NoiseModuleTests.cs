using System.Management.Automation;
using FakET.Noise;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Measure-TiltNoise, Add-TiltNoise, Export-NoiseProfile and Import-NoiseProfile in the real PowerShell engine.</summary>
[Trait("Tier", "Module")]
public class NoiseModuleTests : IDisposable
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();

    public NoiseModuleTests()
    {
        _ps.SetLocation(_dir.Path);
        File.Copy(Repo.Data("noise_measured.mrc"), _dir.File("measured.mrc"));
        File.Copy(Repo.Data("noise_clean.mrc"), _dir.File("clean.mrc"));
        File.WriteAllLines(_dir.File("measured.tlt"), Synthetic.Angles(21).Select(a => a.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    const string Import = "$m = Import-TiltSeries measured.mrc; $c = Import-TiltSeries clean.mrc; ";

    [Fact]
    public void MeasureTiltNoiseGivesTheReferenceCasesProfileAndItsArrays()
    {
        var r = _ps.Run(Import + "$p = Measure-TiltNoise -Reference $m -Clean $c; $p; $p.R.Length; $p.Sigma.Count; $p.Rows.Count");
        Assert.Empty(r.Errors);
        var profile = (NoiseProfile)r.Output[0].BaseObject;
        Assert.Equal(new object[] { 21, 21, 21 }, r.Output.Skip(1).Select(o => o.BaseObject));
        var expected = NoiseTests.Measured;
        var fitted = Engine.Aggregate(new[] { NoiseEstimation.Measure(expected, NoiseTests.Clean) }, 2, null);
        Assert.Equal(fitted.R, profile.R);
        Assert.Equal(Synthetic.Angles(21), profile.TiltAngles); // from measured.tlt
        Assert.Equal("Measure-TiltNoise", Assert.Single(profile.History).Step);
        Assert.Equal(21, r.Progress.Count(p => p.Activity == "Pair 1" && p.ParentActivityId == 1));
    }

    [Fact]
    public void PairsComeDownThePipelineAsObjectsWithReferenceAndClean()
    {
        var r = _ps.Run(Import + "@([pscustomobject]@{ Reference = $m; Clean = $c }, [pscustomobject]@{ Reference = $c; Clean = $m }) | Measure-TiltNoise -PolynomialOrder -1");
        Assert.Empty(r.Errors);
        var profile = r.Single<NoiseProfile>();
        Assert.Equal(2, profile.PairCount);
        Assert.Equal(-1, profile.PolynomialOrder);
        // Unfitted, the profile is the mean of both pairs' measured curves.
        var a = NoiseEstimation.Measure(NoiseTests.Measured, NoiseTests.Clean);
        var b = NoiseEstimation.Measure(NoiseTests.Clean, NoiseTests.Measured);
        NoiseTests.AssertClose(a.R.Zip(b.R, (x, y) => (x + y) / 2).ToArray(), profile.R, 1e-15);
    }

    [Theory]
    [InlineData("Measure-TiltNoise -Reference $m, $m -Clean $c", ErrorIds.NoisePairCountMismatch, "MeasureTiltNoiseCommand")]
    [InlineData("Measure-TiltNoise -Reference $m -Clean $short", ErrorIds.NoiseTiltCountMismatch, "MeasureTiltNoiseCommand")]
    [InlineData("Measure-TiltNoise -Reference $m -Clean $narrow", ErrorIds.NoiseShapeMismatch, "MeasureTiltNoiseCommand")]
    [InlineData("Measure-TiltNoise -Reference $m, $short -Clean $c, $short -PolynomialOrder 2", ErrorIds.NoiseTiltCountMismatch, "MeasureTiltNoiseCommand")]
    [InlineData("Measure-TiltNoise -Reference $m -Clean $c -PolynomialOrder 21", ErrorIds.NoisePolynomialOrderInvalid, "MeasureTiltNoiseCommand")]
    [InlineData("$short | Add-TiltNoise -Profile (Measure-TiltNoise $m $c) -Seed 1", ErrorIds.NoiseTiltCountMismatch, "AddTiltNoiseCommand")]
    [InlineData("$c | Add-TiltNoise -Profile (Measure-TiltNoise $m $c) -Reference $short", ErrorIds.NoiseTiltCountMismatch, "AddTiltNoiseCommand")]
    public void MismatchesAreNamedErrorsAndMakeNoOutput(string command, string errorId, string cmdlet)
    {
        var shortSeries = Synthetic.Smooth(20, 64, 64, seed: 1);
        var narrow = Synthetic.Smooth(21, 64, 60, seed: 1);
        var r = _ps.Run(Import + command, ("short", shortSeries), ("narrow", narrow));
        var error = r.SingleError();
        Assert.Equal($"{errorId},FakET.PowerShell.Cmdlets.{cmdlet}", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void AddTiltNoiseIsSeededAndMatchesTheTargets()
    {
        var r = _ps.Run(Import + "$p = Measure-TiltNoise $m $c; $c | Add-TiltNoise -Profile $p -Seed 3; $c | Add-TiltNoise -Profile $p -Seed 3; $c | Add-TiltNoise -Profile $p -Scale 0.25 -Seed 3 -Reference $m; $p");
        Assert.Empty(r.Errors);
        var (first, second, content) = ((TiltSeries)r.Output[0].BaseObject, (TiltSeries)r.Output[1].BaseObject, (TiltSeries)r.Output[2].BaseObject);
        var profile = (NoiseProfile)r.Output[3].BaseObject;
        Assert.Equal(first.Sections, second.Sections);
        Assert.Equal("noisy (seed 3)", first.LastStep);
        Assert.Equal("content (seed 3)", content.LastStep);
        var measured = NoiseTests.Measured;
        for (int i = 0; i < 21; i++)
        {
            Assert.Equal(profile.ReferenceMean[i], first.SectionStatistics(i).Mean, 1e-3);
            Assert.Equal(1, first.SectionStatistics(i).Std / profile.ReferenceStd[i], 1e-6);
            Assert.Equal(measured.SectionStatistics(i).Mean, content.SectionStatistics(i).Mean, 1e-3);
            Assert.Equal(1, content.SectionStatistics(i).Std / measured.SectionStatistics(i).Std, 1e-6);
        }
        Assert.Equal(3 * 21, r.Progress.Count(p => p.Activity == "Adding noise" && p.ParentActivityId == 1));
    }

    [Fact]
    public void ProfilesRoundTripThroughJsonWithAPlotBeside()
    {
        var r = _ps.Run(Import + "Measure-TiltNoise $m $c | Export-NoiseProfile profile.json -PassThru; Import-NoiseProfile profile.json");
        Assert.Empty(r.Errors);
        var (written, read) = ((NoiseProfile)r.Output[0].BaseObject, (NoiseProfile)r.Output[1].BaseObject);
        Assert.Equal(written.R, read.R);
        Assert.Equal(written.ReferenceStd, read.ReferenceStd);
        Assert.Equal(written.TiltAngles, read.TiltAngles);
        var png = File.ReadAllBytes(_dir.File("profile.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        // -WhatIf writes nothing; an existing file needs -Force; -NoPlot leaves the plot out.
        _ps.Run(Import + "Measure-TiltNoise $m $c | Export-NoiseProfile other.json -WhatIf");
        Assert.False(File.Exists(_dir.File("other.json")));
        var refused = _ps.Run(Import + "Measure-TiltNoise $m $c | Export-NoiseProfile profile.json").SingleError();
        Assert.StartsWith("FileExists,", refused.FullyQualifiedErrorId);
        Assert.Empty(_ps.Run(Import + "Measure-TiltNoise $m $c | Export-NoiseProfile plain.json -NoPlot").Errors);
        Assert.True(File.Exists(_dir.File("plain.json")));
        Assert.False(File.Exists(_dir.File("plain.png")));
        var plotName = _ps.Run(Import + "Measure-TiltNoise $m $c | Export-NoiseProfile p.png").SingleError();
        Assert.StartsWith("PathIsPlot,", plotName.FullyQualifiedErrorId);

        File.WriteAllText(_dir.File("broken.json"), "{\"format\": \"something else\"}");
        var broken = _ps.Run("Import-NoiseProfile broken.json, profile.json");
        Assert.Equal($"{ErrorIds.NoiseProfileInvalid},FakET.PowerShell.Cmdlets.ImportNoiseProfileCommand", broken.SingleError().FullyQualifiedErrorId);
        Assert.Single(broken.Output); // the good file is still read
    }
}

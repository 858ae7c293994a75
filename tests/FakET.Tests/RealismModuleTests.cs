using FakET.Scoring;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Measure-Realism in the real PowerShell engine: one row per piped series, named, ordered by added noise, and the picture.</summary>
[Trait("Tier", "Module")]
public class RealismModuleTests : IDisposable
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();

    public RealismModuleTests() => _ps.SetLocation(_dir.Path);

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void PipedSeriesGiveOneRowEachAndThePicture()
    {
        var r = _ps.Run("$c = New-Phantom small -Count 6 -Width 48 -Height 48 -Depth 24 -Seed 1 | New-TiltSeries -TiltRange -30, 30 -TiltStep 15; " +
                        "$m = $c | Invoke-MicroscopeSimulation -Seed 1; $p = Measure-TiltNoise -Reference $m -Clean $c; " +
                        "$m, ($c | Add-TiltNoise -Profile $p -Seed 1), ($c | Add-TiltNoise -Profile $p -Scale 0.25 -Seed 1) | " +
                        "Measure-Realism -Reference $m -Name same, noisy, content -Weights Random -StyleEvery 2 -Path realism.png");
        Assert.Empty(r.Errors);
        var rows = r.Output.Select(o => Assert.IsType<RealismSummary>(o.BaseObject)).ToList();
        Assert.Equal(new[] { "same", "noisy", "content" }, rows.Select(x => x.Input));
        Assert.Equal((0.0, 0.0, 0.0), (rows[0].Spectrum, rows[0].Wasserstein, rows[0].Style));
        Assert.True(rows[1].Spectrum > 0 && rows[2].Spectrum > 0);
        Assert.Equal("random (seed 0)", rows[1].Weights);
        Assert.True(File.Exists(_dir.File("realism.png")));
    }
}

using FakET.Noise;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// Bad input typed or piped in a real PowerShell session (issue 19): every error has an id, one bad file among good ones
/// is a non-terminating error for every importer and the good ones still come through, and a re-exported set never
/// pairs new pixels with old angles or an old plot.
/// </summary>
[Trait("Tier", "Module")]
public class BadInputModuleTests : IDisposable
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();

    public BadInputModuleTests() => _ps.SetLocation(_dir.Path);

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    static string Id(System.Management.Automation.ErrorRecord error) => error.FullyQualifiedErrorId.Split(',')[0];

    [Fact]
    public void OneBadFileAmongGoodOnesIsANonTerminatingErrorForEveryImporter()
    {
        string profile = NoiseProfileFile.ToJson(new NoiseProfile(new NoiseCurves(new[] { 0.3, 0.4 }, new[] { 0.9, 0.8 }, new[] { 0.0, 0.0 }, new[] { 1.0, 1.0 }), null, -1));
        File.WriteAllText(_dir.File("a.json"), profile);
        File.WriteAllText(_dir.File("b.json"), profile.Replace("\"tiltCount\": 2,", "\"tiltCount\": 2, \"tiltCount\": 2,"));
        File.WriteAllText(_dir.File("c.json"), profile);
        File.WriteAllText(_dir.File("a.csv"), "class_name,x,y,z\nsmall,1,2,3\n");
        File.WriteAllText(_dir.File("b.csv"), "class_name,x,y,z\nsmall,1,two,3\n");
        File.WriteAllText(_dir.File("c.csv"), "class_name,x,y,z\nlarge,4,5,6\n");
        File.Copy(Repo.Data("potential_case_c.pdb"), _dir.File("a.pdb"));
        File.WriteAllText(_dir.File("b.pdb"), "ATOM      1  CA  ALA A   1      xx.xxx  20.000  30.000  1.00  0.00           C\n");
        File.Copy(Repo.Data("potential_case_c.cif"), _dir.File("c.cif"));
        File.WriteAllText(_dir.File("a.tlt"), "0\n");

        foreach (var (command, files, id) in new[]
                 {
                     ("Import-NoiseProfile", "'a.json', 'b.json', 'c.json'", ErrorIds.NoiseProfileInvalid),
                     ("Import-ParticleList", "'a.csv', 'b.csv', 'c.csv'", ErrorIds.ParticleListParseError),
                     ("Import-Structure", "'a.pdb', 'b.pdb', 'c.cif'", ErrorIds.StructureParseError),
                 })
        {
            var r = _ps.Run($"{files} | {command}");
            Assert.True(r.Output.Count == 2, $"{command}: {r.Output.Count} objects");
            Assert.Equal(id, Id(r.SingleError()));
            Assert.Contains("b.", r.SingleError().Exception.Message);
        }
    }

    [Theory]
    [InlineData("New-Phantom -Class $null -Width 8 -Height 8 -Depth 8", "ParameterArgumentValidationError")]
    [InlineData("Install-StyleModel -Uri 'not a uri' -Sha256 ('0' * 64) -WhatIf", ErrorIds.StyleModelUriInvalid)]
    [InlineData("Install-StyleModel -Uri 'ftp://example.org/w.safetensors' -Sha256 ('0' * 64) -WhatIf", ErrorIds.StyleModelUriInvalid)]
    [InlineData("New-Phantom -Width 8 -Height 8 -Depth 8 -Class small -Count 0 | New-TiltSeries -Dose ([double]::NaN)", ErrorIds.NonFiniteData)]
    [InlineData("New-Phantom -Width 8 -Height 8 -Depth 8 -Class small -Count 0 | New-TiltSeries -TiltAngles 0, 720", ErrorIds.TiltAngleInvalid)]
    [InlineData("New-Phantom -Width 8 -Height 8 -Depth 8 -Class small -Count 0 | New-TiltSeries -TiltAngles 0, 1e308", ErrorIds.TiltAngleInvalid)]
    [InlineData("New-Phantom -Width 8 -Height 8 -Depth 8 -Class small -Count 0 | New-TiltSeries -TiltRange -60, 60 -TiltStep 0.0012", ErrorIds.TiltCountTooLarge)]
    [InlineData("New-Phantom -Width 16 -Height 16 -Depth 16 -Class small -Count 1 -Seed 1 | Export-ParticleList p.star -TomogramName \"TS_01`nTS_02\"", ErrorIds.ParticleListTomogramNameInvalid)]
    public void EachBadParameterGetsANamedError(string script, string id)
    {
        var r = _ps.Run(script);
        Assert.Equal(id, Id(r.SingleError()));
        Assert.Empty(r.Output);
        Assert.False(File.Exists(_dir.File("p.star")));
    }

    [Fact]
    public void AReExportedSeriesNeverReImportsWithStaleAngles()
    {
        var r = _ps.Run("""
            $v = New-Phantom -Width 16 -Height 8 -Depth 8 -Class small -Count 0
            $v | New-TiltSeries -TiltAngles 0, -30, 30 | Export-TiltSeries ts.mrc
            (Import-TiltSeries ts.mrc).TiltAngles -join ','
            $plain | Export-TiltSeries ts.mrc -Force
            $back = Import-TiltSeries ts.mrc
            $null -eq $back.TiltAngles
            $back.TiltCount
            """, ("plain", new TiltSeries(new[] { new float[128], Enumerable.Repeat(2f, 128).ToArray() }, 8, 16, null, 10)));
        Assert.Empty(r.Errors);
        Assert.Equal(new object[] { "-30,0,30", true, 2 }, r.Output.Select(o => o.BaseObject));
        Assert.Equal(new[] { "ts.json", "ts.mrc", "ts.xf" }, Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());
    }

    /// <summary>A move of the commit that fails for real (a folder stands where the plot goes): the earlier profile and
    /// plot stay as they were and nothing new or temporary is left.</summary>
    [Fact]
    public void AnExportNoiseProfileThatCannotPlaceItsPlotLeavesTheEarlierSetWhole()
    {
        var profile = new NoiseProfile(new NoiseCurves(new[] { 0.3, 0.4 }, new[] { 0.9, 0.8 }, new[] { 0.0, 0.0 }, new[] { 1.0, 1.0 }), null, -1);
        var setup = _ps.Run("$p = $profile; $p | Export-NoiseProfile old.json", ("profile", profile));
        Assert.Empty(setup.Errors);
        Directory.CreateDirectory(_dir.File("p.png"));
        File.WriteAllText(_dir.File("p.json"), "earlier");
        var r = _ps.Run("$p | Export-NoiseProfile p.json -Force; 'next'");
        Assert.Equal("FileIOError", Id(r.SingleError()));
        Assert.Equal("next", r.Single<string>());
        Assert.Equal("earlier", File.ReadAllText(_dir.File("p.json")));
        Assert.Equal(new[] { "old.json", "old.png", "p.json" }, Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());

        // -NoPlot over a profile with a plot: the old plot goes with the set.
        var again = _ps.Run("$p | Export-NoiseProfile old.json -NoPlot -Force");
        Assert.Empty(again.Errors);
        Assert.False(File.Exists(_dir.File("old.png")));
    }
    /// <summary>A file of the set that an export would replace or remove is the user's until -Force: a hand-made
    /// <c>ts.tlt</c> or <c>profile.png</c> beside a new target stops the export (FileExists, naming it), and is kept.</summary>
    [Fact]
    public void ACompanionFileThatAnExportWouldReplaceNeedsForce()
    {
        File.WriteAllText(_dir.File("ts.tlt"), "by hand\n");
        File.WriteAllText(_dir.File("p.png"), "by hand");
        var profile = new NoiseProfile(new NoiseCurves(new[] { 0.3, 0.4 }, new[] { 0.9, 0.8 }, new[] { 0.0, 0.0 }, new[] { 1.0, 1.0 }), null, -1);
        var r = _ps.Run("""
            $plain | Export-TiltSeries ts.mrc
            $profile | Export-NoiseProfile p.json -NoPlot
            'next'
            """, ("plain", new TiltSeries(new[] { new float[128] }, 8, 16, null, 10)), ("profile", profile));
        Assert.Equal(new[] { "FileExists", "FileExists" }, r.Errors.Select(Id));
        Assert.Contains("ts.tlt", r.Errors[0].Exception.Message);
        Assert.Contains("p.png", r.Errors[1].Exception.Message);
        Assert.Equal("next", r.Single<string>());
        Assert.Equal(new[] { "p.png", "ts.tlt" }, Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());
        Assert.Equal("by hand\n", File.ReadAllText(_dir.File("ts.tlt")));

        var forced = _ps.Run("$plain | Export-TiltSeries ts.mrc -Force");
        Assert.Empty(forced.Errors);
        Assert.Equal(new[] { "p.png", "ts.json", "ts.mrc", "ts.xf" }, Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());
    }
}

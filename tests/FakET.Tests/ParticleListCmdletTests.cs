using System.Globalization;
using System.Xml;
using FakET.Labels;
using FakET.Stages;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Export-ParticleList with several volumes into one file, and Import-ParticleList, through the real PowerShell
/// engine; the files written are read back with parsers written here (XmlDocument, a minimal STAR loop reader, split lines).</summary>
[Trait("Tier", "Module")]
public class ParticleListCmdletTests : IDisposable
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    readonly CapturingHost _host = new(200);
    readonly PowerShellSession _ps;
    readonly TempDir _dir = new();

    public ParticleListCmdletTests()
    {
        _ps = new PowerShellSession(_host);
        _ps.SetLocation(_dir.Path);
    }

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    /// <summary>A small labelled volume (4³ voxels, no masks) with these classes and particles, imported from
    /// <paramref name="importedFrom"/> when given.</summary>
    static Volume Labelled(string[] classes, Particle[] particles, string? importedFrom = null)
    {
        var history = importedFrom is null ? Array.Empty<HistoryEntry>() : new[]
        {
            HistoryEntry.Now(Steps.Import, "imported", new Dictionary<string, object?> { ["Path"] = importedFrom }),
            HistoryEntry.Now(Steps.NewTomogram, "tomogram (ramp)"),
        };
        var sections = Enumerable.Range(0, 4).Select(_ => new float[16]).ToArray();
        return new Volume(sections, 4, 4, 10, history, new SampleLabels((int[][]?)null, null, classes, particles));
    }

    // Three tomograms: a and c share a class table; b numbers "large" 1 and adds "gold", and has a clipped particle.
    static readonly Volume A = Labelled(new[] { "small", "large" }, new Particle[] { new(1, 1, 1, 2, 3, 10, 20, 30), new(2, 2, 0.5, 1, 1.5, 0, 0, 0) }, "/data/TS_01.mrc");
    static readonly Volume B = Labelled(new[] { "large", "gold" }, new Particle[] { new(1, 1, 3, 3, 3, 0, 90, 0, Clipped: true), new(2, 2, 2, 2, 2, 0, 0, 0) });
    static readonly Volume C = Labelled(new[] { "small", "large" }, new Particle[] { new(1, 2, 0, 0, 0, 45, 45, 45) }, "/data/TS_03.rec");

    RunResult Export(string command) => _ps.Run("$a, $b, $c | " + command, ("a", A), ("b", B), ("c", C));

    [Fact]
    public void ThreeVolumesGoIntoOneDeepFinderList()
    {
        var r = Export("Export-ParticleList all.xml");
        Assert.Empty(r.Errors);
        var document = new XmlDocument();
        document.Load(_dir.File("all.xml"));
        var objects = document.DocumentElement!.ChildNodes.OfType<XmlElement>().ToList();
        string Attr(XmlElement o, string name) => o.GetAttribute(name);
        Assert.Equal(new[] { "0", "0", "1", "1", "2" }, objects.Select(o => Attr(o, "tomo_idx")));
        // The union's classes: small 1, large 2, gold 3; b's large (its 1) is 2, its gold (2) is 3.
        Assert.Equal(new[] { "1", "2", "2", "3", "2" }, objects.Select(o => Attr(o, "class_label")));
        Assert.Equal(new[] { "1", "2", "1", "2", "1" }, objects.Select(o => Attr(o, "obj_id")));
        Assert.Equal("3.000", Attr(objects[2], "x"));
        // -TomogramIndex numbers from there.
        Assert.Empty(Export("Export-ParticleList from7.xml -TomogramIndex 7").Errors);
        Assert.Contains("tomo_idx=\"9\"", File.ReadAllText(_dir.File("from7.xml")));
    }

    [Fact]
    public void ThreeVolumesGoIntoOneStarFileNamedByTomogram()
    {
        Assert.Empty(Export("Export-ParticleList all.star").Errors);
        var (block, columns, rows) = LabelExportTests.ReadStarLoop(File.ReadAllLines(_dir.File("all.star")));
        Assert.Equal("data_particles", block);
        Assert.Equal("_rlnTomoName", columns[0]);
        // Named from the file each was imported from, else tomogram_<tomo_idx>.
        Assert.Equal(new[] { "TS_01", "TS_01", "tomogram_1", "tomogram_1", "TS_03" }, rows.Select(row => row[0]));
        Assert.Equal(new[] { "1", "2", "2", "3", "2" }, rows.Select(row => row[columns.IndexOf("_rlnClassNumber")]));
        Assert.Equal(3.0, double.Parse(rows[2][columns.IndexOf("_rlnCoordinateX")], Invariant));
        // -TomogramName names them, one per volume in order.
        Assert.Empty(Export("Export-ParticleList named.star -TomogramName 'TS 1', TS_2, TS_3").Errors);
        Assert.Equal(new[] { "TS 1", "TS 1", "TS_2", "TS_2", "TS_3" }, LabelExportTests.ReadStarLoop(File.ReadAllLines(_dir.File("named.star"))).Rows.Select(row => row[0]));
    }

    [Fact]
    public void ThreeVolumesGoIntoOneCsvTable()
    {
        Assert.Empty(Export("Export-ParticleList all.csv").Errors);
        var lines = File.ReadAllLines(_dir.File("all.csv"));
        Assert.Equal("id,class,class_name,x,y,z,phi,the,psi,tomogram,clipped", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(new[] { "small", "large", "large", "gold", "large" }, rows.Select(f => f[2]));
        Assert.Equal(new[] { "TS_01", "TS_01", "tomogram_1", "tomogram_1", "TS_03" }, rows.Select(f => f[9]));
        Assert.Equal(new[] { "false", "false", "true", "false", "false" }, rows.Select(f => f[10]));
    }

    [Fact]
    public void OneVolumeWithoutNamesIsWrittenAsBefore()
    {
        Assert.Empty(_ps.Run("$a | Export-ParticleList one.csv; $a | Export-ParticleList one.star; $a | Export-ParticleList one.xml", ("a", A)).Errors);
        var list = ParticleList.Of(A.Labels!);
        Assert.Equal(ParticleLists.Format(list, ParticleListFormat.Csv), File.ReadAllText(_dir.File("one.csv")));
        Assert.Equal(ParticleLists.Format(list, ParticleListFormat.Star), File.ReadAllText(_dir.File("one.star")));
        Assert.Equal(ParticleLists.Format(list, ParticleListFormat.DeepFinderXml), File.ReadAllText(_dir.File("one.xml")));
        Assert.DoesNotContain("tomogram", File.ReadAllLines(_dir.File("one.csv"))[0]);
    }

    [Fact]
    public void TheFileIsCheckedAndWrittenOnce()
    {
        // -WhatIf: one message for the one file, and nothing written.
        _host.Clear();
        Assert.Empty(Export("Export-ParticleList all.xml -WhatIf").Errors);
        Assert.Single(_host.Lines, l => l.Contains("What if:"));
        Assert.Contains("Write 5 particles of 3 volumes as DeepFinderXml", _host.Text);
        Assert.Empty(Directory.GetFiles(_dir.Path));
        // An existing file: one error, not one per volume, and the file kept; -Force overwrites it once.
        File.WriteAllText(_dir.File("all.xml"), "keep");
        var exists = Export("Export-ParticleList all.xml").SingleError();
        Assert.Equal("FileExists", exists.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("keep", File.ReadAllText(_dir.File("all.xml")));
        var r = Export("Export-ParticleList all.xml -Force -PassThru");
        Assert.Empty(r.Errors);
        Assert.Equal(new[] { A, B, C }, r.Output.Select(o => o.BaseObject));
        Assert.Equal(5, new XmlDocument { InnerXml = File.ReadAllText(_dir.File("all.xml")) }.DocumentElement!.ChildNodes.OfType<XmlElement>().Count());
        Assert.Single(Directory.GetFiles(_dir.Path)); // no temporary file left behind
    }

    [Fact]
    public void BadInputsAreNamedErrors()
    {
        // A volume without labels is an error of its own; the others are written, keeping their places (tomo_idx 0 and 2).
        var unlabelled = new Volume(new[] { new float[4] }, 2, 2, 1.0);
        var r = _ps.Run("$a, $u, $c | Export-ParticleList some.xml", ("a", A), ("u", unlabelled), ("c", C));
        Assert.StartsWith(ErrorIds.LabelsMissing + ",", r.SingleError().FullyQualifiedErrorId);
        Assert.Equal(new[] { "0", "0", "2" }, new XmlDocument { InnerXml = File.ReadAllText(_dir.File("some.xml")) }
            .DocumentElement!.ChildNodes.OfType<XmlElement>().Select(o => o.GetAttribute("tomo_idx")));
        // A name for each volume, or the file is not written.
        var names = Export("Export-ParticleList names.star -TomogramName TS_1, TS_2").SingleError();
        Assert.StartsWith(ErrorIds.ParticleListTomogramNameCount + ",", names.FullyQualifiedErrorId);
        Assert.Contains("2 names for 3 volumes", names.Exception.Message);
        Assert.False(File.Exists(_dir.File("names.star")));
        // A format the extension does not tell, and one that is read only.
        Assert.StartsWith(ErrorIds.ParticleListFormatUnknown + ",", Export("Export-ParticleList p.txt").SingleError().FullyQualifiedErrorId);
        Assert.StartsWith(ErrorIds.ParticleListFormatUnknown + ",", Export("Export-ParticleList p.dat").SingleError().FullyQualifiedErrorId);
        // Two volumes imported from files of the same name would be one tomogram to RELION: a warning says so.
        var twice = _ps.Run("$a, $a | Export-ParticleList twice.star", ("a", A));
        Assert.Empty(twice.Errors);
        Assert.Contains("'TS_01'", Assert.Single(twice.Warnings).Message);
    }

    [Fact]
    public void ImportReadsEveryFormatWithWildcardsAndOneBadFileAmongGoodOnes()
    {
        Assert.Empty(Export("Export-ParticleList all.csv; $a, $b, $c | Export-ParticleList all.xml; $a, $b, $c | Export-ParticleList all.star").Errors);
        File.WriteAllText(_dir.File("bad.csv"), "x,y,z,class\n1,2,3,1\n1,2\n");
        var r = _ps.Run("Import-ParticleList *.csv, all.xml");
        var error = r.SingleError();
        Assert.Equal($"{ErrorIds.ParticleListParseError},FakET.PowerShell.Cmdlets.ImportParticleListCommand", error.FullyQualifiedErrorId);
        Assert.Contains("bad.csv', line 3", error.Exception.Message);
        var entries = r.Output.Select(o => Assert.IsType<ParticleEntry>(o.BaseObject)).ToList();
        Assert.Equal(10, entries.Count); // all.csv and all.xml; nothing of bad.csv
        Assert.Equal(new[] { "TS_01", "TS_01", "tomogram_1", "tomogram_1", "TS_03" }, entries.Take(5).Select(e => e.Tomogram));
        Assert.Equal(new int?[] { 0, 0, 1, 1, 2 }, entries.Skip(5).Select(e => e.TomogramIndex));
        // Objects PowerShell groups and filters by class (as Group-Object Class does where the Utility module is loaded;
        // the engine these tests host has only the core cmdlets). STAR gives class numbers only.
        var groups = _ps.Run("$n = [ordered]@{}; Import-ParticleList all.star | ForEach-Object { $n[$_.Class] += 1 }; $n.Keys | ForEach-Object { '{0}={1}' -f $_, $n[$_] }");
        Assert.Empty(groups.Errors);
        Assert.Equal(new[] { "1=1", "2=3", "3=1" }, groups.Output.Select(o => o.ToString()));
        var literal = _ps.Run("Import-ParticleList -LiteralPath all.csv | Where-Object Clipped");
        var clipped = Assert.Single(literal.Output.Select(o => (ParticleEntry)o.BaseObject));
        Assert.Equal(("large", "tomogram_1"), (clipped.Class, clipped.Tomogram));
    }

    [Fact]
    public void ImportTakesTheGeometryRelion5Needs()
    {
        File.WriteAllText(_dir.File("run_data.star"), "data_particles\nloop_\n_rlnTomoName\n_rlnCenteredCoordinateXAngst\n_rlnCenteredCoordinateYAngst\n" +
                                                       "_rlnCenteredCoordinateZAngst\nTS_01 -100 0 50\n");
        var missing = _ps.Run("Import-ParticleList run_data.star").SingleError();
        Assert.StartsWith(ErrorIds.ParticleListGeometryMissing + ",", missing.FullyQualifiedErrorId);
        // (−100, 0, 50) Å / 10 Å + (64, 64, 32) / 2 = (22, 32, 21).
        var e = _ps.Run("Import-ParticleList run_data.star -VoxelSize 10 -TomogramSize 64, 64, 32").Single<ParticleEntry>();
        Assert.Equal((22.0, 32.0, 21.0, "TS_01"), (e.X, e.Y, e.Z, e.Tomogram));
        Assert.NotEmpty(_ps.Run("Import-ParticleList run_data.star -TomogramSize 64, 64").Errors); // three numbers
        File.WriteAllText(_dir.File("picks.txt"), "4V94 1 2 3\n");
        Assert.Equal("4V94", _ps.Run("Import-ParticleList picks.txt -Format Shrec").Single<ParticleEntry>().Class);
    }

    [Fact]
    public void AnEntryIsOneLineOfATable()
    {
        Assert.Empty(_ps.Run("$a, $b | Export-ParticleList t.csv", ("a", A), ("b", B)).Errors);
        _host.Clear();
        Assert.Empty(_ps.Run("Import-ParticleList t.csv | Out-Default").Errors);
        var lines = _host.Lines;
        Assert.Equal(2 + 4, lines.Count); // header, rule, one line per particle
        Assert.Equal(new[] { "Class", "Id", "X", "Y", "Z", "Phi", "The", "Psi", "Tomogram" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(new[] { "small", "1", "1.0", "2.0", "3.0", "10.0", "20.0", "30.0", "TS_01" }, lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith("tomogram_1 (clipped)", lines[4]);
    }
}

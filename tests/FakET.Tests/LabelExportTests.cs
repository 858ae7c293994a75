using System.Globalization;
using System.Xml;
using FakET.IO;
using FakET.Phantom;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>New-Phantom, Export-ParticleList and Export-LabelMask through the real PowerShell engine; the files
/// they write read back with parsers written here from the formats' definitions.</summary>
[Trait("Tier", "Process")]
public class LabelExportTests : IDisposable
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();

    public LabelExportTests() => _ps.SetLocation(_dir.Path);

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    const string MakePhantom =
        "New-Phantom -Width 96 -Height 80 -Depth 40 -SlabThickness 36 -Class small,medium,large -Count 8,4,2 -Fiducials 2 -Membranes 1 -MembraneRadius 100,120 -Seed 5";

    Volume Phantom()
    {
        var r = _ps.Run(MakePhantom);
        Assert.Empty(r.Errors);
        return r.Single<Volume>();
    }

    [Fact]
    public void NewPhantomHonoursCountsAndLabelsEveryCentre()
    {
        var volume = Phantom();
        var labels = volume.Labels!;
        Assert.Equal((40, 80, 96), (volume.Depth, volume.Height, volume.Width));
        Assert.Equal(10.0, volume.VoxelSize);
        Assert.Equal(new[] { "small", "medium", "large", "membrane", "fiducial" }, labels.ClassNames);
        Assert.Equal(new[] { 8, 4, 2, 2 }, labels.Particles!.GroupBy(p => p.Class).OrderBy(g => g.Key).Select(g => g.Count()));
        foreach (var p in labels.Particles!)
        {
            int index = (int)p.Y * volume.Width + (int)p.X;
            Assert.Equal(p.Class, labels.ClassMask![(int)p.Z][index]);
            Assert.Equal(p.Id, labels.InstanceMask![(int)p.Z][index]);
        }
        Assert.StartsWith("Volume 40×80×96  10.0 Å/voxel  labelled  phantom: 8 small, 4 medium, 2 large, 1 membrane, 2 fiducials", volume.ToString());
        // The same seed again: the same table.
        Assert.Equal(labels.Particles, Phantom().Labels!.Particles);
    }

    [Fact]
    public void PhantomErrorsAreNamed()
    {
        var full = _ps.Run("New-Phantom -Width 64 -Height 64 -Depth 40 -Class large -Count 200").SingleError();
        Assert.StartsWith(ErrorIds.PhantomSlabTooFull + ",", full.FullyQualifiedErrorId);
        Assert.Contains("too full", full.Exception.Message);
        var unknown = _ps.Run("New-Phantom -Width 64 -Height 64 -Depth 40 -Class tiny -Count 1").SingleError();
        Assert.StartsWith(ErrorIds.PhantomClassUnknown + ",", unknown.FullyQualifiedErrorId);
        var counts = _ps.Run("New-Phantom -Width 64 -Height 64 -Depth 40 -Class small,large -Count 1,2,3").SingleError();
        Assert.StartsWith(ErrorIds.PhantomInvalid + ",", counts.FullyQualifiedErrorId);
        var unlabelled = _ps.Run("$v | Export-ParticleList p.csv",
            ("v", new Volume(new[] { new float[4] }, 2, 2, 1.0))).SingleError();
        Assert.StartsWith(ErrorIds.LabelsMissing + ",", unlabelled.FullyQualifiedErrorId);
        var format = _ps.Run($"{MakePhantom} | Export-ParticleList p.txt").SingleError();
        Assert.StartsWith(ErrorIds.ParticleListFormatUnknown + ",", format.FullyQualifiedErrorId);
    }

    [Fact]
    public void DensityMapsFromMrcFilesAreClasses()
    {
        MrcFile.Write(_dir.File("ellipsoid.mrc"), PhantomTests.EllipsoidMap(), 40, 40, 2.5, new MrcFile.WriteOptions(MrcMode.Float32, true, Array.Empty<string>()));
        var r = _ps.Run("New-Phantom -Width 80 -Height 80 -Depth 40 -VoxelSize 5 -Class ./ellipsoid.mrc,small -Count 3,2 -ClassName map,blob -Seed 1");
        Assert.Empty(r.Errors);
        var volume = r.Single<Volume>();
        Assert.Equal(new[] { "map", "blob" }, volume.Labels!.ClassNames);
        Assert.Equal(3, volume.Labels.Particles!.Count(p => p.Class == 1));
        var sources = (string[])volume.History[^1].Parameters["ClassSources"]!;
        Assert.Equal(("ellipsoid.mrc", "built-in"), (Path.GetFileName(sources[0]), sources[1]));
    }

    [Fact]
    public void DeepFinderXmlParsesIntoDeepFindersFields()
    {
        var volume = Phantom();
        var r = _ps.Run("$v | Export-ParticleList objl.xml -TomogramIndex 3", ("v", volume));
        Assert.Empty(r.Errors);
        var document = new XmlDocument();
        document.Load(_dir.File("objl.xml"));
        var root = document.DocumentElement!;
        Assert.Equal("objlist", root.Name);
        var objects = root.ChildNodes.OfType<XmlElement>().ToList();
        var particles = volume.Labels!.Particles!;
        Assert.Equal(particles.Count, objects.Count);
        for (int i = 0; i < objects.Count; i++)
        {
            var o = objects[i];
            var p = particles[i];
            Assert.Equal("object", o.Name);
            double A(string name) => double.Parse(o.GetAttribute(name), Invariant);
            // DeepFinder's read_xml: tomo_idx, obj_id, class_label as int; x, y, z, psi, phi, the as float.
            Assert.Equal(3, int.Parse(o.GetAttribute("tomo_idx"), Invariant));
            Assert.Equal(p.Id, int.Parse(o.GetAttribute("obj_id"), Invariant));
            Assert.Equal(p.Class, int.Parse(o.GetAttribute("class_label"), Invariant));
            Assert.Equal((p.X, p.Y, p.Z), (A("x"), A("y"), A("z")));
            PhantomTests.AssertSameRotation(p.Rotation(), PhantomTests.Zxz(A("phi"), A("the"), A("psi")), 1e-4);
        }
        // DeepFinder's read_xml, step by step (with the standard library's ElementTree, whose API lxml shares).
        string script = "import sys\nfrom xml.etree import ElementTree as etree\n" +
                        "root = etree.parse(sys.argv[1]).getroot()\nassert root.tag == 'objlist'\n" +
                        "for p in range(len(root)):\n" +
                        "    o = root[p]\n" +
                        "    print(int(o.get('tomo_idx')), int(o.get('obj_id')), int(o.get('class_label')), float(o.get('x')), float(o.get('y')), float(o.get('z')), float(o.get('psi')), float(o.get('phi')), float(o.get('the')))\n";
        var (exit, output) = MrcTests.Python(script, _dir.File("objl.xml"));
        Assert.True(exit == 0, output);
        var parsed = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(particles.Count, parsed.Length);
        Assert.Equal(FormattableString.Invariant($"3 {particles[0].Id} {particles[0].Class} {particles[0].X:0.0}"), string.Join(' ', parsed[0].Split(' ').Take(4)));
    }

    [Fact]
    public void StarIsLoopFormattedAndParsesBack()
    {
        var volume = Phantom();
        Assert.Empty(_ps.Run("$v | Export-ParticleList particles.star -TomogramName 'TS 01'", ("v", volume)).Errors);
        var (block, columns, rows) = ReadStarLoop(File.ReadAllLines(_dir.File("particles.star")));
        Assert.Equal("data_particles", block);
        Assert.Equal(new[] { "_rlnTomoName", "_rlnCoordinateX", "_rlnCoordinateY", "_rlnCoordinateZ", "_rlnAngleRot", "_rlnAngleTilt", "_rlnAnglePsi", "_rlnClassNumber" }, columns);
        var particles = volume.Labels!.Particles!;
        Assert.Equal(particles.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var p = particles[i];
            double V(string column) => double.Parse(row[columns.IndexOf(column)], Invariant);
            Assert.Equal("TS 01", row[0]);
            Assert.Equal((p.X, p.Y, p.Z), (V("_rlnCoordinateX"), V("_rlnCoordinateY"), V("_rlnCoordinateZ")));
            Assert.Equal(p.Class, int.Parse(row[columns.IndexOf("_rlnClassNumber")], Invariant));
            PhantomTests.AssertSameRotation(p.Rotation(), PhantomTests.Relion(V("_rlnAngleRot"), V("_rlnAngleTilt"), V("_rlnAnglePsi")), 1e-4);
        }
    }

    /// <summary>A STAR file's first data block with one loop: block name, column labels in order, rows of values
    /// (white-space separated; double-quoted values may hold spaces).</summary>
    internal static (string Block, List<string> Columns, List<string[]> Rows) ReadStarLoop(IEnumerable<string> lines)
    {
        string? block = null;
        var columns = new List<string>();
        var rows = new List<string[]>();
        bool inLoop = false;
        foreach (var raw in lines)
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("data_")) { Assert.Null(block); block = line; continue; }
            if (line == "loop_") { Assert.NotNull(block); Assert.False(inLoop); inLoop = true; continue; }
            Assert.True(inLoop, $"'{line}' outside a loop_");
            if (line.StartsWith('_'))
            {
                Assert.Empty(rows); // every label comes before the first row
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length > 1) Assert.Equal($"#{columns.Count + 1}", parts[1]);
                columns.Add(parts[0]);
                continue;
            }
            var values = System.Text.RegularExpressions.Regex.Matches(line, "\"[^\"]*\"|\\S+").Select(m => m.Value.Trim('"')).ToArray();
            Assert.Equal(columns.Count, values.Length);
            rows.Add(values);
        }
        return (block!, columns, rows);
    }

    [Fact]
    public void CsvAndMasksReadBack()
    {
        var volume = Phantom();
        var r = _ps.Run("$v | Export-ParticleList table.csv -PassThru | Export-LabelMask classes.mrc -PassThru | Export-LabelMask instances.mrc -Mask Instance", ("v", volume));
        Assert.Empty(r.Errors);
        var lines = File.ReadAllLines(_dir.File("table.csv"));
        Assert.Equal("id,class,class_name,x,y,z,phi,the,psi", lines[0]);
        var particles = volume.Labels!.Particles!;
        Assert.Equal(particles.Count + 1, lines.Length);
        for (int i = 0; i < particles.Count; i++)
        {
            var f = lines[i + 1].Split(',');
            var p = particles[i];
            Assert.Equal((p.Id, p.Class, volume.Labels.ClassNames[p.Class - 1]), (int.Parse(f[0]), int.Parse(f[1]), f[2]));
            Assert.Equal((p.X, p.Y, p.Z), (double.Parse(f[3], Invariant), double.Parse(f[4], Invariant), double.Parse(f[5], Invariant)));
            PhantomTests.AssertSameRotation(p.Rotation(),
                PhantomTests.Zxz(double.Parse(f[6], Invariant), double.Parse(f[7], Invariant), double.Parse(f[8], Invariant)), 1e-4);
        }
        foreach (var (file, mask) in new[] { ("classes.mrc", volume.Labels.ClassMask!), ("instances.mrc", volume.Labels.InstanceMask!) })
        {
            var (header, sections) = MrcFile.Read(_dir.File(file));
            Assert.Equal((96, 80, 40), (header.Nx, header.Ny, header.Nz));
            Assert.Equal(10.0, header.PixelSize!.Value, 4);
            for (int z = 0; z < 40; z++) Assert.Equal(mask[z].Select(v => (float)v), sections[z]);
        }
        Assert.Contains("1=small 2=medium 3=large 4=membrane 5=fiducial", MrcFile.ReadHeader(_dir.File("classes.mrc")).Labels[0]);
        var (exit, output) = MrcTests.Python("import sys, mrcfile\nprint('VALID' if mrcfile.validate(sys.argv[1], print_file=sys.stdout) else 'INVALID')\n",
            _dir.File("instances.mrc"));
        Assert.True(exit == 0 && output.Contains("VALID") && !output.Contains("INVALID"), output);
    }

    [Fact]
    public void ThePhantomExampleRuns()
    {
        string script = Path.Combine(Repo.Root, "examples", "phantom.ps1");
        var r = _ps.Run("& $s -OutputDirectory out -Size 160 -Depth 60 -DoseSymmetric", ("s", script));
        Assert.Empty(r.Errors);
        var files = Directory.GetFiles(_dir.File("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "objl.xml", "particles.csv", "particles.star", "projections_noiseless.json",
            "projections_noiseless.mrc", "projections_noiseless.mrc.mdoc", "projections_noiseless.tlt", "projections_noiseless.xf",
            "projections_noiseless_order_list.csv", "sample.json", "sample.mrc",
            "sample_class_mask.mrc", "sample_instance_mask.mrc" }.Order(StringComparer.Ordinal), files);
        Assert.Equal(61, TiltAngleFile.Read(_dir.File(Path.Combine("out", "projections_noiseless.tlt"))).Length);
    }

    [Fact]
    public void ExportsAreWhatIfAwareAndDoNotOverwriteWithoutForce()
    {
        var volume = Phantom();
        Assert.Empty(_ps.Run("$v | Export-ParticleList a.star -WhatIf; $v | Export-LabelMask m.mrc -WhatIf", ("v", volume)).Errors);
        Assert.Empty(Directory.GetFiles(_dir.Path));
        File.WriteAllText(_dir.File("a.csv"), "keep");
        var error = _ps.Run("$v | Export-ParticleList a.csv", ("v", volume)).SingleError();
        Assert.Equal("FileExists", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("keep", File.ReadAllText(_dir.File("a.csv")));
        Assert.Empty(_ps.Run("$v | Export-ParticleList a.csv -Format Csv -Force", ("v", volume)).Errors);
        Assert.StartsWith("id,class", File.ReadAllText(_dir.File("a.csv")));
        Assert.Single(Directory.GetFiles(_dir.Path)); // no temporary file left behind
    }
}

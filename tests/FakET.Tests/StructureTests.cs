using System.IO.Compression;
using System.Text;
using FakET.Structures;
using FakET.Tests.Support;
using static FakET.Tests.Support.StructureText;

namespace FakET.Tests;

/// <summary>Import-Structure's engine: PDB and mmCIF, compressed or not, with what real files hold, and named errors.</summary>
[Trait("Tier", "Engine")]
public class StructureTests
{
    static Structure Read(string text, string name = "test.pdb", StructureReadOptions? options = null, bool gzip = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (gzip)
        {
            using var packed = new MemoryStream();
            using (var zip = new GZipStream(packed, CompressionLevel.Optimal, leaveOpen: true)) zip.Write(bytes);
            bytes = packed.ToArray();
        }
        return StructureFile.Read(new MemoryStream(bytes), name, options);
    }

    static FakETException Fails(string text, string name = "broken.pdb", StructureReadOptions? options = null) =>
        Assert.Throws<FakETException>(() => Read(text, name, options));

    [Fact]
    public void ThePdbAndMmcifOfReferenceCaseCHoldTheSameAtoms()
    {
        var pdb = StructureFile.Read(Repo.Data("potential_case_c.pdb"));
        var cif = StructureFile.Read(Repo.Data("potential_case_c.cif"));
        Assert.Equal(800, pdb.AtomCount);
        Assert.Equal("model", cif.Id);
        for (int i = 0; i < pdb.AtomCount; i++)
        {
            var (a, b) = (pdb.Atoms[i], cif.Atoms[i]);
            Assert.Equal(a.Element, b.Element);
            Assert.InRange(a.X - b.X, -6e-4, 6e-4); // PDB rounds to 0.001 Å, 0.01 Å²
            Assert.Equal(a.Occupancy, b.Occupancy, 2);
            Assert.InRange(a.BFactor - b.BFactor, -6e-3, 6e-3);
        }
        Assert.Equal(new[] { "C", "Fe", "Mg", "N", "O", "P", "S" }, pdb.Atoms.Select(a => a.Symbol).Distinct().Order());
    }

    [Fact]
    public void ARealEntryDropsWatersKeepsLigandsAndTheBetterConformer()
    {
        // Hen egg-white lysozyme (PDB 1DPX, from Debian's r-cran-bio3d), gzipped: 1,192 atom records, 177 of them
        // waters, 15 atoms in two conformers A and B (occupancy 0.5 each), two chloride ions.
        var s = StructureFile.Read(Repo.Data("structure_1dpx.pdb.gz"));
        Assert.Equal("1DPX", s.Id);
        Assert.Equal(1000, s.AtomCount); // as gemmi counts after remove_waters and remove_alternative_conformations
        Assert.Equal(2, s.Atoms.Count(a => a.Symbol == "Cl" && a.Hetero));
        // Conformer A of Lys 1's CE (the first of equal occupancies), wholly there.
        var ce = s.Atoms.Single(a => Math.Abs(a.X - -3.899) < 1e-9);
        Assert.Equal(1.0, ce.Occupancy);
        Assert.DoesNotContain(s.Atoms, a => Math.Abs(a.X - -3.839) < 1e-9);
        Assert.Equal("Structure 1DPX  1,000 atoms  1 chain  13.4 kDa  radius 26.7 Å", s.ToString());
        var wet = StructureFile.Read(Repo.Data("structure_1dpx.pdb.gz"), new StructureReadOptions(KeepWater: true));
        Assert.Equal(1177, wet.AtomCount);
    }

    [Fact]
    public void PdbAndMmcifGzippedOrNotGiveTheSameStructure()
    {
        var rows = StructureText.Random(1, 50, 10, 30);
        var plain = Read(Pdb(rows));
        foreach (var other in new[] { Read(Pdb(rows), gzip: true), Read(Cif(rows), "x.cif"), Read(Cif(rows), "x.cif.gz", gzip: true) })
        {
            Assert.Equal(plain.AtomCount, other.AtomCount);
            for (int i = 0; i < plain.AtomCount; i++)
            {
                Assert.Equal(plain.Atoms[i].Element, other.Atoms[i].Element);
                Assert.InRange(plain.Atoms[i].Z - other.Atoms[i].Z, -6e-4, 6e-4);
            }
        }
    }

    [Fact]
    public void TheFirstModelUnlessAnotherIsAskedFor()
    {
        var rows = new List<Row> { new("C", 1, 2, 3), new("N", 4, 5, 6), new("C", 11, 12, 13, Model: 2) };
        foreach (var (text, name) in new[] { (Pdb(rows), "m.pdb"), (Cif(rows), "m.cif") })
        {
            Assert.Equal(2, Read(text, name).AtomCount);
            var second = Read(text, name, new StructureReadOptions(Model: 2));
            Assert.Equal(11, Assert.Single(second.Atoms).X, 3);
            Assert.Equal(2, second.Model);
            var error = Fails(text, name, new StructureReadOptions(Model: 5));
            Assert.Equal(ErrorIds.StructureModelNotFound, error.ErrorId);
            Assert.Contains("models are 1, 2", error.Message);
        }
    }

    [Fact]
    public void AlternateLocationsKeepTheHighestOccupancyWithTheOccupanciesSummed()
    {
        var rows = new List<Row>
        {
            new("C", 1, 0, 0, 0.3, Name: " CA ", AltLoc: "A"), new("C", 2, 0, 0, 0.7, Name: " CA ", AltLoc: "B"),
            new("O", 5, 0, 0, 0.5, Name: " O  ", AltLoc: "A"), new("N", 9, 0, 0),
        };
        foreach (var (text, name) in new[] { (Pdb(rows), "a.pdb"), (Cif(rows), "a.cif") })
        {
            var s = Read(text, name);
            Assert.Equal(new[] { (2.0, 1.0), (5.0, 0.5), (9.0, 1.0) }, s.Atoms.Select(a => (Math.Round(a.X, 3), a.Occupancy)));
        }
    }

    [Fact]
    public void TwoLetterElementsFromTheElementColumnOrTheAtomName()
    {
        // Columns 77–78 when given; else the name: a one-letter element stands in column 14, a two-letter one in 13.
        var s = Read(Pdb(new[] { new Row("Fe", 0, 0, 0, Hetero: true, ResidueName: "HEM"), new Row("Se", 1, 0, 0), new Row("Au", 2, 0, 0) }));
        Assert.Equal(new[] { "Fe", "Se", "Au" }, s.Atoms.Select(a => a.Symbol));
        string noElement = "HETATM    1 FE   HEM A   1       0.000   0.000   0.000  1.00 10.00\n" +
                           "HETATM    2 CA    CA A   2       1.000   0.000   0.000  1.00 10.00\n" +
                           "ATOM      3  CA  GLY A   3       2.000   0.000   0.000  1.00 10.00\n" +
                           "ATOM      4 HG21 THR A   4       3.000   0.000   0.000  1.00 10.00\n" +
                           "ATOM      5  D   HOH A   5       4.000   0.000   0.000  1.00 10.00           D\n";
        Assert.Equal(new[] { "Fe", "Ca", "C", "H" }, Read(noElement).Atoms.Select(a => a.Symbol));
        // Before format 3, columns 73–80 held the ID code and a line number, which is no element.
        string old = "ATOM      1  CA  PRO A   1      12.941  39.418   6.575  1.00 31.00      1HPV 187\n";
        Assert.Equal("C", Read(old).Atoms.Single().Symbol);
        Assert.Equal("H", Read(noElement, options: new StructureReadOptions(KeepWater: true)).Atoms[^1].Symbol); // deuterium
    }

    [Fact]
    public void AllNinetyEightElementsAreKnownAndTheirTableSumsToTheScatteringAtZero()
    {
        for (int z = 1; z <= Elements.Count; z++)
        {
            Assert.Equal(z, Elements.Parse(Elements.Symbol(z)));
            Assert.Equal(z, Elements.Parse(Elements.Symbol(z).ToUpperInvariant()));
            Assert.True(Elements.Mass(z) > 0);
            Assert.True(Elements.ScatteringSum(z) > 0);
        }
        // Carbon's five Gaussians (International Tables C 4.3.2.2, 0 ≤ s ≤ 2 Å⁻¹): a = 0.0893, 0.2563, 0.7570, 1.0487, 0.3575.
        Assert.Equal(2.5088, Elements.ScatteringSum(6), 4);
        Assert.Equal(0.0893, Elements.A(6, 0), 4);
        Assert.Equal(0, Elements.Parse("Es"));
        Assert.Equal(0, Elements.Parse("X"));
    }

    [Fact]
    public void MmcifAssembliesApplyTheirOperatorsToTheirChains()
    {
        string operators = "loop_\n_pdbx_struct_assembly_gen.assembly_id\n_pdbx_struct_assembly_gen.oper_expression\n_pdbx_struct_assembly_gen.asym_id_list\n" +
                           "1 '(1-2)' A\n2 '(3)(1,2)' A,B\n" +
                           "loop_\n_pdbx_struct_oper_list.id\n_pdbx_struct_oper_list.type\n" +
                           string.Concat(Enumerable.Range(1, 3).SelectMany(i => new[] { $"_pdbx_struct_oper_list.matrix[{i}][1]", $"_pdbx_struct_oper_list.matrix[{i}][2]", $"_pdbx_struct_oper_list.matrix[{i}][3]", $"_pdbx_struct_oper_list.vector[{i}]" }).Select(t => t + "\n")) +
                           "1 'identity operation' 1 0 0 0 0 1 0 0 0 0 1 0\n" +
                           "2 'point symmetry operation' -1 0 0 0 0 -1 0 0 0 0 1 0\n" +
                           "3 'translation' 1 0 0 100 0 1 0 0 0 0 1 0";
        var rows = new List<Row> { new("C", 10, 0, 0, Chain: "A"), new("N", 0, 20, 0, Chain: "B") };
        string text = Cif(rows, extra: operators);
        Assert.Equal(2, Read(text, "a.cif").AtomCount);
        var one = Read(text, "a.cif", new StructureReadOptions(Assembly: "1"));
        Assert.Equal(new[] { 10.0, -10 }, one.Atoms.Select(a => a.X));
        Assert.Equal(new[] { "A-1", "A-2" }, one.Chains);
        // (3)(1,2): the translation applied after each of 1 and 2, to both chains.
        var two = Read(text, "a.cif", new StructureReadOptions(Assembly: "2"));
        Assert.Equal(new[] { (110.0, 0.0), (100, 20), (90, 0), (100, -20) }, two.Atoms.Select(a => (a.X, a.Y)));
        Assert.Equal("2", two.Assembly);
        var error = Fails(text, "a.cif", new StructureReadOptions(Assembly: "7"));
        Assert.Equal(ErrorIds.StructureAssemblyNotFound, error.ErrorId);
        Assert.Contains("defines 1, 2", error.Message);
    }

    [Fact]
    public void PdbRemark350BuildsTheAssemblyToo()
    {
        var remark = new[]
        {
            "REMARK 350 BIOMOLECULE: 1", "REMARK 350 APPLY THE FOLLOWING TO CHAINS: A",
            "REMARK 350   BIOMT1   1  1.000000  0.000000  0.000000        0.00000",
            "REMARK 350   BIOMT2   1  0.000000  1.000000  0.000000        0.00000",
            "REMARK 350   BIOMT3   1  0.000000  0.000000  1.000000        0.00000",
            "REMARK 350   BIOMT1   2 -1.000000  0.000000  0.000000        5.00000",
            "REMARK 350   BIOMT2   2  0.000000 -1.000000  0.000000        0.00000",
            "REMARK 350   BIOMT3   2  0.000000  0.000000  1.000000        0.00000",
        };
        var s = Read(Pdb(new[] { new Row("C", 1, 2, 3), new Row("C", 1, 2, 3, Chain: "B") }, "9XYZ", remark), options: new StructureReadOptions(Assembly: "1"));
        Assert.Equal("9XYZ", s.Id);
        Assert.Equal(new[] { (1.0, 2.0), (4, -2) }, s.Atoms.Select(a => (a.X, a.Y)));
        Assert.Equal(ErrorIds.StructureAssemblyNotFound, Fails(Pdb(new[] { new Row("C", 0, 0, 0) }), options: new StructureReadOptions(Assembly: "1")).ErrorId);
    }

    public static TheoryData<string, string, string, string> BrokenFiles => new()
    {
        { "b.pdb", "ATOM      1  CA  GLY A   1       1.000   x.000   3.000  1.00 10.00           C\n", ErrorIds.StructureParseError, "line 1" },
        { "b.pdb", "HEADER\nATOM      1  CA  GLY A   1       1.000   2.000\n", ErrorIds.StructureParseError, "line 2" },
        { "b.pdb", "ATOM      1  CA  GLY A   1       1.000   2.000   3.000  1.00 10.00           C\nATOM      2  XX  UNK A   2       1.000   2.000   3.000  1.00 10.00          XX\n", ErrorIds.StructureUnknownElement, "line 2" },
        { "b.pdb", "ATOM      1  CA  GLY A   1       1.000   2.000   3.000  1.00 10.00          Es\n", ErrorIds.StructureUnknownElement, "element Es" },
        { "b.pdb", "MODEL     x\n", ErrorIds.StructureParseError, "line 1" },
        { "b.pdb", "", ErrorIds.StructureNoAtoms, "holds no atoms" },
        { "b.pdb", "HETATM    1  O   HOH A   1       1.000   2.000   3.000  1.00 10.00           O\n", ErrorIds.StructureNoAtoms, "-KeepWater" },
        { "b.cif", "data_x\nloop_\n_atom_site.id\n_atom_site.type_symbol\n_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\n1 C 1 2 3\n2 N 4 5\n", ErrorIds.StructureParseError, "line 9" },
        { "b.cif", "data_x\nloop_\n_atom_site.id\n_atom_site.type_symbol\n_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\n1 C 1 2 3\n2 Q 4 5 6\n", ErrorIds.StructureUnknownElement, "line 9" },
        { "b.cif", "data_x\n_entry.id 'open\nloop_\n_atom_site.id\n", ErrorIds.StructureParseError, "line 2" },
        { "b.cif", "data_x\n_cell.length_a\n;text\nnever closed\n", ErrorIds.StructureParseError, "line 3" },
        { "b.cif", "data_x\nloop_\n_atom_site.id\n_atom_site.type_symbol\n_atom_site.Cartn_x\n_atom_site.Cartn_y\n_atom_site.Cartn_z\n1 C 1 two 3\n", ErrorIds.StructureParseError, "line 8" },
        { "b.cif", "data_x\nloop_\n_atom_site.id\n_atom_site.Cartn_x\n1 2\n", ErrorIds.StructureParseError, "Cartn_y" },
        { "b.cif", "data_x\n_cell.length_a 5\n", ErrorIds.StructureNoAtoms, "no _atom_site" },
        { "b.cif", "data_x\n7 8 9\n", ErrorIds.StructureParseError, "line 2" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void BrokenFilesAreNamedErrorsThatSayTheLine(string name, string text, string errorId, string says)
    {
        var error = Fails(text, name);
        Assert.Equal(errorId, error.ErrorId);
        Assert.Contains(says, error.Message);
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void DamagedGzipAndBinaryGarbageAreNamedErrors()
    {
        using var packed = new MemoryStream();
        using (var zip = new GZipStream(packed, CompressionLevel.Optimal, leaveOpen: true)) zip.Write(Encoding.UTF8.GetBytes(Pdb(StructureText.Random(2, 200, 0, 20))));
        var cut = packed.ToArray()[..(int)(packed.Length / 2)];
        var error = Assert.Throws<FakETException>(() => StructureFile.Read(new MemoryStream(cut), "cut.pdb.gz"));
        Assert.Equal(ErrorIds.StructureParseError, error.ErrorId);
        Assert.Contains("cut.pdb.gz", error.Message);
        var random = new Random(3);
        for (int i = 0; i < 20; i++)
        {
            var bytes = new byte[random.Next(1, 4000)];
            random.NextBytes(bytes);
            var e = Record.Exception(() => StructureFile.Read(new MemoryStream(bytes), "noise.cif"));
            Assert.True(e is FakETException, $"{bytes.Length} random bytes: {e?.GetType().Name ?? "read as a structure"}");
        }
    }

    [Theory]
    [InlineData("potential_case_c.cif")]
    [InlineData("potential_case_c.pdb")]
    public void CutOrCorruptedFilesReadOrFailWithANamedErrorNeverACrash(string name)
    {
        string text = File.ReadAllText(Repo.Data(name));
        var random = new Random(name.Length);
        string[] junk = { "'", "\"", ";", "#", "loop_", "_atom_site.id", "data_", "?", ".", "x", "\n", "(", ")", "-", "1e400", "NaN", "Q" };
        for (int trial = 0; trial < 300; trial++)
        {
            var chars = text.ToCharArray().ToList();
            if (trial % 3 == 0) chars = chars.Take(random.Next(chars.Count)).ToList(); // cut anywhere
            for (int k = 0; k < 1 + trial % 5; k++)
            {
                int at = random.Next(chars.Count + 1);
                if (random.Next(2) == 0 && at < chars.Count) chars.RemoveAt(at);
                else chars.InsertRange(at, junk[random.Next(junk.Length)]);
            }
            var e = Record.Exception(() => Read(new string(chars.ToArray()), name));
            Assert.True(e is null or FakETException, $"trial {trial}: {e}");
        }
    }
}

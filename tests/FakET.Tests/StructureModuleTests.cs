using FakET.Structures;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Import-Structure and ConvertTo-Potential in the real PowerShell engine.</summary>
[Trait("Tier", "Module")]
public class StructureModuleTests : StructureSession
{
    [Fact]
    public void ImportStructureReadsEveryMatchingFileAndABrokenOneIsANonTerminatingError()
    {
        File.WriteAllText(Dir.File("broken.pdb"), "ATOM      1  CA  GLY A   1       1.000   oops    3.000  1.00 10.00           C\n");
        var r = Ps.Run("Import-Structure *.pdb*, *.cif | ForEach-Object { $_.ToString() }");
        Assert.Equal(new object[] { "Structure 1DPX  1,000 atoms  1 chain  13.4 kDa  radius 26.7 Å", "Structure model  800 atoms  1 chain  13.6 kDa  radius 32.6 Å" },
            r.Output.Select(o => o.BaseObject));
        var error = r.SingleError();
        Assert.StartsWith(ErrorIds.StructureParseError, error.FullyQualifiedErrorId);
        Assert.Contains("broken.pdb, line 1", error.Exception.Message);
        Assert.Equal(1177, Ps.Run("(Import-Structure -LiteralPath 1dpx.pdb.gz -KeepWater).AtomCount").Output.Single().BaseObject);
        Assert.StartsWith(ErrorIds.StructureModelNotFound, Ps.Run("Import-Structure 1dpx.pdb.gz -Model 3").SingleError().FullyQualifiedErrorId);
    }

    [Fact]
    public void ConvertToPotentialTakesStructuresFromThePipelineAndRecordsItsGrid()
    {
        var r = Ps.Run("Import-Structure case_c.cif | ConvertTo-Potential -VoxelSize 2 -Size 40, 40, 40 -Origin 0, 0, 0 -Solvent Ice -BFactor 5");
        Assert.Empty(r.Errors);
        var map = r.Single<Volume>();
        Assert.Equal((40, 40, 40, 2.0), (map.Depth, map.Height, map.Width, map.VoxelSize));
        var entry = Assert.Single(map.History);
        Assert.Equal("ConvertTo-Potential", entry.Step);
        Assert.Equal("Ice", entry.Parameters["Solvent"]);
        Assert.Equal(5.0, entry.Parameters["BFactor"]);
        Assert.Equal(new[] { 40, 40, 40 }, entry.Parameters["Size"]);
        Assert.StartsWith("Volume 40×40×40  2.0 Å/voxel  potential of model (800 atoms) at 2 Å, ice", map.ToString());
        var bad = Ps.Run("Import-Structure case_c.cif | ConvertTo-Potential -BFactor -100").SingleError();
        Assert.StartsWith(ErrorIds.PotentialInvalid, bad.FullyQualifiedErrorId);
    }

    [Fact]
    public void NewPhantomTakesStructuresAndPathsOfAtomicModels()
    {
        var r = Ps.Run("$l = Import-Structure 1dpx.pdb.gz; New-Phantom -Class $l, ./case_c.cif, small -Count 6, 2, 3 -Width 64 -Height 64 -Depth 32 -VoxelSize 5 -IceDensity 0.57 -Seed 2");
        Assert.Empty(r.Errors);
        var sample = r.Single<Volume>();
        Assert.Equal(new[] { "1DPX", "model", "small" }, sample.Labels!.ClassNames);
        Assert.Equal(11, sample.Labels.Particles!.Count);
        var entry = sample.History.Single();
        Assert.Equal("V", entry.Parameters["Units"]);
        Assert.Equal(new[] { "1dpx.pdb.gz", "case_c.cif", "built-in" }, ((object[])entry.Parameters["ClassSources"]!).Select(s => Path.GetFileName(s!.ToString()!)));
        var fill = Ps.Run("New-Phantom -Class (Import-Structure 1dpx.pdb.gz) -Occupancy 0.05 -Width 64 -Height 64 -Depth 32 -VoxelSize 5 -Seed 1").Single<Volume>();
        Assert.InRange((double)fill.History.Single().Parameters["Filled"]!, 0.04, 0.06);
        var missing = Ps.Run("New-Phantom -Class ./nothing.pdb -Width 32 -Height 32 -Depth 16").SingleError();
        Assert.StartsWith(ErrorIds.PhantomClassUnknown, missing.FullyQualifiedErrorId);
    }

    [Fact]
    public void TheModuleShipsAtomicModelsThatNeedNothingFromOutside()
    {
        var r = Ps.Run("Import-Structure -Name * | ForEach-Object { $_.Id + ' ' + $_.AtomCount }");
        Assert.Empty(r.Errors);
        Assert.Equal(new object[] { "1HEL 1001", "1TII 5469", "3O21 12215" }, r.Output.Select(o => o.BaseObject));
        Assert.StartsWith(ErrorIds.StructureNotShipped, Ps.Run("Import-Structure -Name 9XYZ").SingleError().FullyQualifiedErrorId);
        var sample = Ps.Run("New-Phantom -Class 1hel, 1TII -Count 3, 1 -Width 64 -Height 64 -Depth 32 -Seed 1").Single<Volume>();
        Assert.Equal(new[] { "1HEL", "1TII" }, sample.Labels!.ClassNames);
        Assert.Equal(4, sample.Labels.Particles!.Count);
    }
}

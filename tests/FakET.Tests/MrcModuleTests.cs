using System.Buffers.Binary;
using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The MRC surface in real PowerShell: one bad file among good ones, -Permissive, Test-MrcFile, -Float16 -Clip.</summary>
[Trait("Tier", "Module")]
public class MrcModuleTests
{
    static void Good(string path, float value) =>
        MrcFile.Write(path, new[] { new float[] { value, 1, 2, 3, 4, 5 } }, 2, 3, 2.0, new MrcFile.WriteOptions(MrcMode.Float32, true, new[] { "test" }));

    [Fact]
    public void OneBadFileAmongGoodOnesIsANonTerminatingErrorWithAnId()
    {
        using var dir = new TempDir();
        Good(dir.File("a.mrc"), 10);
        Good(dir.File("b.mrc"), 20);
        Good(dir.File("c.mrc"), 30);
        // nx = ny = 40000 in a small file: an OverflowException once stopped the pipeline after a.
        var big = File.ReadAllBytes(dir.File("a.mrc"));
        BinaryPrimitives.WriteInt32LittleEndian(big.AsSpan(0), 40000);
        BinaryPrimitives.WriteInt32LittleEndian(big.AsSpan(4), 40000);
        File.WriteAllBytes(dir.File("big.mrc"), big);
        using var session = new PowerShellSession();
        session.SetLocation(dir.Path);
        foreach (var cmdlet in new[] { "Import-Volume", "Import-TiltSeries" })
        {
            var result = session.Run($"'a.mrc', 'big.mrc', 'b.mrc', 'c.mrc' | {cmdlet} -ErrorAction Continue");
            Assert.Equal(new[] { 10f, 20f, 30f }, result.Output.Select(o => ((ImageStack)o.BaseObject).Sections[0][0]));
            var error = Assert.Single(result.Errors);
            Assert.StartsWith(ErrorIds.MrcTruncated, error.FullyQualifiedErrorId);
            Assert.Contains("big.mrc", error.Exception.Message);
        }
    }

    [Fact]
    public void PermissiveReadsWithAWarning_TestMrcFileListsTheProblems()
    {
        using var dir = new TempDir();
        Good(dir.File("good.mrc"), 1);
        var bytes = File.ReadAllBytes(dir.File("good.mrc"));
        "\0\0\0\0"u8.CopyTo(bytes.AsSpan(208)); // no MAP tag
        File.WriteAllBytes(dir.File("odd.mrc"), bytes.Concat(new byte[12]).ToArray()); // and 12 bytes too many
        using var session = new PowerShellSession();
        session.SetLocation(dir.Path);
        var strict = session.Run("Import-Volume odd.mrc -ErrorAction Continue");
        Assert.Empty(strict.Output);
        Assert.StartsWith(ErrorIds.MrcExtraData, Assert.Single(strict.Errors).FullyQualifiedErrorId);
        var permissive = session.Run("Import-Volume odd.mrc -Permissive");
        Assert.Single(permissive.Output);
        Assert.Contains(permissive.Warnings, w => w.Message.Contains("12 bytes larger"));
        Assert.Contains(permissive.Warnings, w => w.Message.Contains("'MAP '"));
        var reports = session.Run("Test-MrcFile good.mrc, odd.mrc");
        var good = (MrcValidation)reports.Output[0].BaseObject;
        var odd = (MrcValidation)reports.Output[1].BaseObject;
        Assert.True(good.IsValid, string.Join(" | ", good.Problems));
        Assert.Empty(good.Problems);
        Assert.False(odd.IsValid);
        Assert.False(odd.Readable);
        Assert.True(odd.ReadablePermissive);
        Assert.Equal(new[] { "map", "mode" }, odd.Problems.Select(p => p.Field).Order());
        var fields = session.Run("(Test-MrcFile odd.mrc).Problems | ForEach-Object { $_.Severity + ':' + $_.Field }");
        Assert.Equal(new[] { "Error:mode", "Warning:map" }, fields.Output.Select(o => o.ToString()).Order());
    }

    [Fact]
    public void Float16ExportBeyondItsRangeIsAnErrorUnlessClipped()
    {
        using var dir = new TempDir();
        using var session = new PowerShellSession();
        session.SetLocation(dir.Path);
        Good(dir.File("v.mrc"), 1e5f);
        var failed = session.Run("Import-Volume v.mrc | Export-Volume h.mrc -Float16 -ErrorAction Continue");
        Assert.StartsWith(ErrorIds.MrcFloat16Overflow, Assert.Single(failed.Errors).FullyQualifiedErrorId);
        Assert.False(File.Exists(dir.File("h.mrc")));
        var clipped = session.Run("Import-Volume v.mrc | Export-Volume h.mrc -Float16 -Clip; (Import-Volume h.mrc).Sections[0][0]");
        Assert.Empty(clipped.Errors);
        Assert.Equal(65504f, Assert.IsType<float>(Assert.Single(clipped.Output).BaseObject));
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Test-MrcFile's verdicts and permissive reading against mrcfile's (python3-mrcfile) on broken, compressed and
/// FEI files that mrcfile itself writes or that Data/mrc_reference.py breaks one field at a time.</summary>
[Trait("Tier", "Process")]
public class MrcValidationTests
{
    /// <summary>Runs Data/mrc_reference.py with Debian's python3 and mrcfile.</summary>
    internal static string Reference(params string[] args)
    {
        var (exit, stdout, stderr) = ExternalProgram.Run("/usr/bin/python3", new[] { Repo.Data("mrc_reference.py") }.Concat(args));
        Assert.True(exit == 0, stderr);
        return stdout;
    }

    /// <summary>mrcfile's verdict on each file of a folder, by name.</summary>
    internal static Dictionary<string, JsonElement> Judge(string folder) =>
        Reference("judge", folder).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).ToDictionary(e => e.GetProperty("name").GetString()!);

    /// <summary>The values as mrcfile_reference.py digests them: little-endian float32, NaN made one NaN.</summary>
    internal static string Digest(float[][] sections)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var bytes = new byte[4];
        foreach (var section in sections)
            foreach (var v in section)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes, float.IsNaN(v) ? float.NaN : v);
                sha.AppendData(bytes);
            }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Where this module knowingly differs from mrcfile's permissive read, and why.</summary>
    static readonly Dictionary<string, string> KnownDifferences = new()
    {
        ["nz-zero.mrc"] = "mrcfile reads an empty array; a stack needs at least one section",
        ["axes-321.mrc"] = "valid MRC2014, but only X-fastest files are read (Unsupported)",
        ["volume-stack-bad-mz.mrc"] = "mrcfile cannot shape a volume stack whose nz is not a multiple of mz; this module reads every file as one stack",
    };

    [Fact]
    public void TestMrcFileAgreesWithMrcfileValidate_AndPermissiveReadsWhatMrcfileReads()
    {
        using var dir = new TempDir();
        Reference("make", dir.Path);
        var verdicts = Judge(dir.Path);
        Assert.True(verdicts.Count >= 30, $"only {verdicts.Count} files were made");
        var disagreements = new List<string>();
        foreach (var (name, verdict) in verdicts)
        {
            string path = dir.File(name);
            var report = MrcValidator.Validate(path);
            if (report.IsValid != verdict.GetProperty("valid").GetBoolean())
                disagreements.Add($"{name}: Test-MrcFile says {(report.IsValid ? "valid" : "invalid")}; mrcfile: {verdict.GetProperty("report").GetString()}" +
                                  $" ours: {string.Join(" | ", report.Problems)}");
            var mrcfileRead = verdict.GetProperty("permissive");
            var warnings = new List<string>();
            float[][]? ours = null;
            try { ours = MrcFile.Read(path, options: new MrcReadOptions(Permissive: true, Warn: warnings.Add)).Sections; }
            catch (FakETException e) { Assert.False(string.IsNullOrEmpty(e.ErrorId)); }
            Assert.Equal(ours is not null, report.ReadablePermissive);
            bool theyRead = mrcfileRead.ValueKind != JsonValueKind.Null;
            if ((ours is not null) != theyRead && !KnownDifferences.ContainsKey(name))
                disagreements.Add($"{name}: permissive read {(ours is null ? "refused" : "read")} here, {(theyRead ? "read" : "refused")} by mrcfile");
            if (ours is not null && theyRead && Digest(ours) != mrcfileRead.GetProperty("sha").GetString())
                disagreements.Add($"{name}: permissive read gives other values than mrcfile's");
            if (ours is not null && !report.IsValid && warnings.Count == 0 && report.Problems.Any(p => p.Kind is not MrcProblemKind.Invalid))
                disagreements.Add($"{name}: read permissively without a warning, though it has {string.Join(" | ", report.Problems)}");
        }
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    [Fact]
    public void StrictReadingRefusesWhatCouldBeMisread_AndWarnsOfWhatItAssumes()
    {
        using var dir = new TempDir();
        Reference("make", dir.Path);
        // Float32 data under mode 0: refused, naming the mode under which the size fits; permissive reads int8 with a warning.
        var e = Assert.Throws<FakETException>(() => MrcFile.Read(dir.File("mode0-float-data.mrc")));
        Assert.Equal(ErrorIds.MrcExtraData, e.ErrorId);
        Assert.Contains("mode 2 (float32)", e.Message);
        Assert.Contains("-Permissive", e.Message);
        var warnings = new List<string>();
        MrcFile.Read(dir.File("mode0-float-data.mrc"), options: new MrcReadOptions(true, warnings.Add));
        Assert.Contains(warnings, w => w.Contains("larger than its header declares"));
        // Same for a compressed file, whose size is known only once it is read.
        Assert.Equal(ErrorIds.MrcExtraData, Assert.Throws<FakETException>(() => MrcFile.Read(dir.File("extra-bytes-gzip.mrc.gz"))).ErrorId);
        Assert.Equal(ErrorIds.MrcTruncated, Assert.Throws<FakETException>(() => MrcFile.Read(dir.File("truncated-bzip2.mrc.bz2"))).ErrorId);
        Assert.Equal(ErrorIds.MrcCompressedInvalid, Assert.Throws<FakETException>(() => MrcFile.Read(dir.File("not-gzip.mrc.gz"))).ErrorId);
        // A stamp that contradicts the mode: refused strictly (as mrcfile does), read in the mode's byte order permissively.
        Assert.Equal(ErrorIds.MrcByteOrderMismatch, Assert.Throws<FakETException>(() => MrcFile.Read(dir.File("stamp-says-big.mrc"))).ErrorId);
        // No MAP tag, an unknown stamp, no pixel size: read in both modes, each with a warning that says what was assumed.
        foreach (var (file, words) in new[] { ("nomap.mrc", "'MAP '"), ("badstamp.mrc", "little-endian"), ("cella-zero.mrc", "1.0 Å") })
        {
            warnings.Clear();
            var volume = StackFiles.ReadVolume(dir.File(file), warn: warnings.Add);
            Assert.Contains(warnings, w => w.Contains(words) && w.Contains(file));
            if (file == "cella-zero.mrc") Assert.Equal(1.0, volume.VoxelSize);
        }
        // Compressed files read exactly as the plain one.
        var plain = MrcFile.Read(dir.File("valid.mrc")).Sections;
        Assert.Equal(Digest(plain), Digest(MrcFile.Read(dir.File("valid-gzip.mrc.gz")).Sections));
        Assert.Equal(Digest(plain), Digest(MrcFile.Read(dir.File("valid-bzip2.mrc.bz2")).Sections));
    }

    [Fact]
    public void TiltAnglesComeFromAnFeiExtendedHeader()
    {
        using var dir = new TempDir();
        Reference("make", dir.Path);
        var verdicts = Judge(dir.Path);
        foreach (var file in new[] { "fei1-tilts.mrc", "fei2-tilts-big.mrc" })
        {
            var expected = verdicts[file].GetProperty("tilts").EnumerateArray().Select(a => a.GetDouble()).ToArray();
            var series = StackFiles.ReadTiltSeries(dir.File(file));
            Assert.Equal(expected, series.TiltAngles!.ToArray());
            Assert.Contains("extended header (FEI", series.History[^1].Parameters["TiltAngleSource"]?.ToString());
        }
    }
}

using System.Buffers.Binary;
using System.Text.Json;
using FakET.IO;
using FakET.Tests.Support;
using Xunit.Abstractions;

namespace FakET.Tests;

/// <summary>Seeded mutations of valid MRC files (each mode, both byte orders, an extended header, compressed): every
/// read, strict and permissive, ends in the values mrcfile's permissive read gives, or in a FakETException with an id;
/// never in another exception, a hang, or other values.</summary>
[Trait("Tier", "Process")]
public class MrcFuzzTests(ITestOutputHelper output)
{
    const int Seed = 1519;
    const int Mutants = 400;

    static readonly string[] Bases =
    {
        "mode0_int8.mrc", "mode1_int16.mrc", "mode2_float32.mrc", "mode6_uint16.mrc", "mode12_float16.mrc",
        "mode2_float32_bigendian.mrc", "mode2_exthdr_origin.mrc",
    };

    /// <summary>Header words worth trying: offsets of the int32 fields a reader decides by, and values at the edges.</summary>
    static readonly int[] Words = { 0, 4, 8, 12, 28, 36, 40, 64, 68, 72, 88, 92, 104, 108, 128, 208, 212, 220 };
    static readonly int[] Values = { 0, 1, -1, 2, 3, 4, 6, 12, 101, 40000, 65536, int.MaxValue, int.MinValue, 1 << 20, 30_000_000, 0x11110000, 0x4444 };

    static byte[] Mutate(byte[] good, Random random)
    {
        var bytes = (byte[])good.Clone();
        int edits = random.Next(1, 4);
        for (int i = 0; i < edits; i++)
        {
            switch (random.Next(6))
            {
                case 0: // one header word set to an edge value, in either byte order
                    int at = Words[random.Next(Words.Length)], value = Values[random.Next(Values.Length)];
                    if (bytes.Length < at + 4) break;
                    if (random.Next(2) == 0) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), value);
                    else BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at), value);
                    break;
                case 1: // random bytes anywhere in the header
                    bytes[random.Next(Math.Min(bytes.Length, 1024))] = (byte)random.Next(256);
                    break;
                case 2: // cut
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                case 3: // grow
                    bytes = bytes.Concat(Enumerable.Range(0, random.Next(1, 400)).Select(_ => (byte)random.Next(256))).ToArray();
                    break;
                case 4: // the machine stamp or the map tag
                    int where = random.Next(2) == 0 ? 208 : 212;
                    if (bytes.Length > where + 4) random.NextBytes(bytes.AsSpan(where, 4));
                    break;
                default: // a data byte
                    if (bytes.Length > 1024) bytes[1024 + random.Next(bytes.Length - 1024)] = (byte)random.Next(256);
                    break;
            }
        }
        return bytes;
    }

    [Fact]
    public void EveryMutantReadsAsMrcfileReadsIt_OrFailsWithANamedError()
    {
        using var dir = new TempDir();
        var random = new Random(Seed);
        for (int i = 0; i < Mutants; i++)
        {
            string origin = Bases[i % Bases.Length];
            var bytes = Mutate(File.ReadAllBytes(Repo.Data(origin)), random);
            string name = $"m{i:D3}-{Path.GetFileNameWithoutExtension(origin)}.mrc" + (i % 40 == 7 ? ".gz" : "");
            if (name.EndsWith(".gz"))
            {
                using var file = File.Create(dir.File(name));
                using var gz = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
                gz.Write(bytes);
            }
            else File.WriteAllBytes(dir.File(name), bytes);
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var verdicts = MrcValidationTests.Judge(dir.Path);
        output.WriteLine($"mrcfile judged {verdicts.Count} files in {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        var failures = new List<string>();
        int read = 0, refused = 0, readWhereMrcfileCannot = 0;
        foreach (var (name, verdict) in verdicts)
        {
            var theirs = verdict.GetProperty("permissive");
            foreach (bool permissive in new[] { false, true })
            {
                var outcome = Outcome(dir.File(name), permissive);
                switch (outcome)
                {
                    case float[][] sections:
                        read++;
                        if (theirs.ValueKind == JsonValueKind.Null) readWhereMrcfileCannot++;
                        else if (MrcValidationTests.Digest(sections) != theirs.GetProperty("sha").GetString())
                            failures.Add($"{name} ({(permissive ? "permissive" : "strict")}): values differ from mrcfile's");
                        break;
                    case FakETException e when !string.IsNullOrEmpty(e.ErrorId):
                        refused++;
                        break;
                    case Exception e:
                        failures.Add($"{name} ({(permissive ? "permissive" : "strict")}): {e.GetType().Name}: {e.Message}");
                        break;
                }
            }
            // Test-MrcFile must not throw either, and must agree with the reads.
            try { MrcValidator.Validate(dir.File(name)); }
            catch (Exception e) when (e is not FakETException) { failures.Add($"{name} (Test-MrcFile): {e.GetType().Name}: {e.Message}"); }
        }
        output.WriteLine($"{read} reads, {refused} refusals, {readWhereMrcfileCannot} reads of files mrcfile cannot read, in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // The mutations must exercise both outcomes.
        Assert.True(read > 50 && refused > 50, $"{read} reads, {refused} refusals");
        Assert.True(readWhereMrcfileCannot < read / 4, $"{readWhereMrcfileCannot} of {read} reads were of files mrcfile cannot read");
    }

    /// <summary>The read's outcome: its sections or its exception; a read that runs past 20 s is a hang.</summary>
    static object Outcome(string path, bool permissive)
    {
        var task = Task.Run<object>(() =>
        {
            try { return MrcFile.Read(path, options: new MrcReadOptions(permissive, _ => { }) { AvailableMemory = () => 2L << 30 }).Sections; }
            catch (Exception e) { return e; }
        });
        return task.Wait(TimeSpan.FromSeconds(20)) ? task.Result : new TimeoutException($"{Path.GetFileName(path)}: the read did not end within 20 s");
    }
}

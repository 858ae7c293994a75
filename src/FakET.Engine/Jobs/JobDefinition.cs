using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakET.Jobs;

/// <summary>Where a job's tasks run: a SLURM cluster (one sbatch array) or this machine (parallel processes).</summary>
public enum JobScheduler { Slurm, Local }

/// <summary>What each task asks the scheduler for. Null or 0: the cluster's default.</summary>
public sealed record JobResources
{
    public string? Partition { get; init; }
    public int CpusPerTask { get; init; }
    public int MemoryGB { get; init; }
    public int Gpus { get; init; }
    public TimeSpan? TimeLimit { get; init; }
    /// <summary>Tasks that run at once: Local's parallel processes (default: the cores), Slurm's array throttle (%N; 0: no limit).</summary>
    public int ThrottleLimit { get; init; }
}

/// <summary>
/// A job: one PowerShell script run <see cref="Count"/> times, task i with FAKET_TASK_INDEX = i (0-based),
/// FAKET_TASK_SEED = <see cref="TaskSeed"/>(Seed, i) and FAKET_TASK_OUTPUT = its own folder, and the same named
/// arguments (<see cref="Arguments"/>: strings, numbers, booleans, arrays of these). Its identity (what a
/// resubmission must repeat) is the script, the count, the seed and the arguments; the scheduler and the
/// resources may change between submissions.
/// </summary>
public sealed record JobDefinition(string ScriptPath, int Count, int Seed, JsonObject Arguments, string OutputDirectory)
{
    public JobScheduler Scheduler { get; init; } = JobScheduler.Local;
    public JobResources Resources { get; init; } = new();
    /// <summary>The command that runs PowerShell for a task, e.g. ["/opt/faket/faket"] or ["pwsh", "-NoProfile"].</summary>
    public IReadOnlyList<string> Runner { get; init; } = [];
    /// <summary>For a runner that does not import the module itself (pwsh): the manifest it imports first.</summary>
    public string? ModuleManifest { get; init; }

    /// <summary>The job's name: "faket-" and the script's name, for squeue and the log.</summary>
    public string Name => "faket-" + Path.GetFileNameWithoutExtension(ScriptPath);

    public const int MaxCount = 100_000;

    public void Validate()
    {
        if (Count < 1 || Count > MaxCount) throw Invalid($"-Count must be 1 to {MaxCount}; it is {Count}.");
        if (!File.Exists(ScriptPath)) throw new FakETException(ErrorIds.JobScriptNotFound, FailureKind.ObjectNotFound, $"The job's script '{ScriptPath}' does not exist.");
        if (Runner.Count == 0) throw Invalid("The job has no runner (faket or pwsh) to run its script.");
        var r = Resources;
        if (r.CpusPerTask < 0 || r.MemoryGB < 0 || r.Gpus < 0 || r.ThrottleLimit < 0)
            throw Invalid("-CpusPerTask, -MemoryGB, -Gpus and -ThrottleLimit must not be negative.");
        if (r.TimeLimit is { } t && t < TimeSpan.FromMinutes(1)) throw Invalid($"-TimeLimit must be at least one minute (SLURM counts minutes); it is {t}.");
        if (r.Partition is { } p && (p.Length == 0 || p.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '\\' or '$' or '`')))
            throw Invalid($"-Partition '{p}' is not a partition name.");
    }

    static FakETException Invalid(string message) => new(ErrorIds.JobInvalidParameter, FailureKind.InvalidArgument, message);

    /// <summary>
    /// Task <paramref name="index"/>'s seed, a non-negative 31-bit integer: with SplitMix64's finaliser m (Steele,
    /// Lea and Flood 2014: z ^= z >> 30; z *= 0xBF58476D1CE4E5B9; z ^= z >> 27; z *= 0x94D049BB133111EB; z ^= z >> 31,
    /// all modulo 2^64), seed_i = m(m(0x9E3779B97F4A7C15 XOR (seed as uint32)) XOR i) >> 33. Tasks of one job get
    /// unrelated seeds, as do jobs with neighbouring seeds; the same (seed, i) always gives the same seed_i.
    /// </summary>
    public static int TaskSeed(int seed, int index) =>
        (int)(SeededRandom.SplitMix(SeededRandom.SplitMix(0x9E3779B97F4A7C15UL ^ (uint)seed) ^ (ulong)(uint)index) >> 33);

    /// <summary>The arguments as a JSON object, from a script's hashtable: strings, numbers, booleans, null, and
    /// arrays of these. Anything else (a file object, a script block) is refused by name, as it cannot reach another machine.</summary>
    public static JsonObject ArgumentsFrom(IEnumerable<KeyValuePair<string, object?>> arguments)
    {
        var json = new JsonObject();
        foreach (var (key, value) in arguments)
        {
            if (string.IsNullOrWhiteSpace(key) || json.ContainsKey(key)) throw new FakETException(ErrorIds.JobArgumentInvalid, FailureKind.InvalidArgument, $"-ArgumentList has an empty or repeated name '{key}'.");
            json[key] = Node(key, value);
        }
        return json;

        static JsonNode? Node(string key, object? value) => value switch
        {
            null => null,
            string s => JsonValue.Create(s),
            bool b => JsonValue.Create(b),
            char c => JsonValue.Create(c.ToString()),
            int or long or short or byte or sbyte or uint or ushort => JsonValue.Create(Convert.ToInt64(value)),
            ulong u => JsonValue.Create(u),
            float or double or decimal => JsonValue.Create(Convert.ToDouble(value)),
            System.Collections.IDictionary => throw NotPlain(key, value),
            System.Collections.IEnumerable list => new JsonArray(list.Cast<object?>().Select(v => Node(key, v)).ToArray()),
            _ => throw NotPlain(key, value),
        };

        static FakETException NotPlain(string key, object value) => new(ErrorIds.JobArgumentInvalid, FailureKind.InvalidArgument,
            $"-ArgumentList '{key}' is a {value.GetType().Name}; a task on another machine gets only strings, numbers, booleans and arrays of these (pass a path as a string).");
    }

    /// <summary>The job's identity as text, for comparing a resubmission with the first submission.</summary>
    internal string Identity => JsonSerializer.Serialize(new { ScriptPath, Count, Seed, Arguments = Arguments.ToJsonString() });
}

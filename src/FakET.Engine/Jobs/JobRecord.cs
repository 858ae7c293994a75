using System.Text.Json;
using System.Text.Json.Nodes;
using FakET.IO;

namespace FakET.Jobs;

/// <summary>One submission: the scheduler's id (SLURM's array job id, or "local-N") and the tasks it ran.</summary>
public sealed record JobSubmission(string Id, JobScheduler Scheduler, int[] Indices, DateTime Time);

/// <summary>faket-job.json: the job's definition and its submissions, so that another session (Get-FakETJob
/// -OutputDirectory) and a resubmission find the job again.</summary>
public sealed class JobRecord
{
    public int Version { get; init; } = 1;
    public required string ScriptPath { get; init; }
    public required int Count { get; init; }
    public required int Seed { get; init; }
    public required JsonObject Arguments { get; init; }
    public JobScheduler Scheduler { get; set; }
    public JobResources Resources { get; set; } = new();
    public string[] Runner { get; set; } = [];
    public string? ModuleManifest { get; set; }
    public List<JobSubmission> Submissions { get; init; } = [];

    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public JobDefinition Definition(string outputDirectory) => new(ScriptPath, Count, Seed, Arguments, outputDirectory)
    {
        Scheduler = Scheduler, Resources = Resources, Runner = Runner, ModuleManifest = ModuleManifest,
    };

    public static JobRecord From(JobDefinition job) => new()
    {
        ScriptPath = job.ScriptPath, Count = job.Count, Seed = job.Seed, Arguments = (JsonObject)job.Arguments.DeepClone(),
        Scheduler = job.Scheduler, Resources = job.Resources, Runner = job.Runner.ToArray(), ModuleManifest = job.ModuleManifest,
    };

    public static JobRecord? Read(JobFiles files)
    {
        if (!File.Exists(files.Record)) return null;
        try
        {
            return JsonSerializer.Deserialize<JobRecord>(File.ReadAllText(files.Record), Options)
                ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new FakETException(ErrorIds.JobRecordInvalid, FailureKind.InvalidData,
                $"'{files.Record}' is not a FakET job record ({e.Message}). Move it away to start a new job in that folder.", e);
        }
    }

    public void Write(JobFiles files) => AtomicFile.WriteAllText(files.Record, JsonSerializer.Serialize(this, Options));

    public void WriteArguments(JobFiles files) => AtomicFile.WriteAllText(files.Arguments, Arguments.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}

using System.Globalization;
using System.Text;

namespace FakET.Jobs;

/// <summary>
/// Writes faket-job.sbatch: one script that is both the SLURM array script (its #SBATCH lines; sbatch runs it once
/// per array task with SLURM_ARRAY_TASK_ID) and the Local scheduler's task (bash faket-job.sbatch INDEX, which also
/// sends the output to the task's log). Each run sets FAKET_TASK_INDEX, FAKET_TASK_SEED and FAKET_TASK_OUTPUT, runs the
/// job's script under the runner, and records how it ended: status/task_NNN.exit always, and status/task_NNN.done,
/// by a rename, only when the script exited 0 and wrote something into its folder. A TERM or INT (scancel,
/// Stop-FakETJob, a time limit) is recorded as "cancelled" before the script is stopped.
/// </summary>
public static class JobScript
{
    public static string Text(JobDefinition job, JobFiles files, DateTime time)
    {
        var r = job.Resources;
        string digits = JobFiles.Digits(job.Count).ToString(CultureInfo.InvariantCulture);
        var s = new StringBuilder();
        s.Append("#!/bin/bash\n");
        s.Append($"# FakET job {job.Name}: {job.Count} task(s) of {job.ScriptPath}\n");
        s.Append($"# written by Submit-FakETJob at {time.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}; the tasks' arguments are in faket-job.args.json.\n");
        s.Append("#   sbatch faket-job.sbatch                 runs every task again (Submit-FakETJob runs only the incomplete ones,\n");
        s.Append("#                                           with sbatch --array=LIST faket-job.sbatch)\n");
        s.Append("#   bash faket-job.sbatch 2                 runs task 2 here, its output going to its log\n");
        s.Append($"#SBATCH --job-name={job.Name}\n");
        s.Append($"#SBATCH --array=0-{job.Count - 1}{(r.ThrottleLimit > 0 ? "%" + r.ThrottleLimit : "")}\n");
        s.Append($"#SBATCH --output={Path.Combine(files.Logs, "task_%" + digits + "a.log")}\n");
        s.Append("#SBATCH --open-mode=truncate\n");
        if (r.Partition is { } p) s.Append($"#SBATCH --partition={p}\n");
        if (r.CpusPerTask > 0) s.Append($"#SBATCH --cpus-per-task={r.CpusPerTask}\n");
        if (r.MemoryGB > 0) s.Append($"#SBATCH --mem={r.MemoryGB}G\n");
        if (r.Gpus > 0) s.Append($"#SBATCH --gres=gpu:{r.Gpus}\n");
        if (r.TimeLimit is { } t) s.Append($"#SBATCH --time={SlurmTime(t)}\n");
        s.Append("set -u\n");
        s.Append($"job={Quote(files.Directory)}\n");
        s.Append("index=${SLURM_ARRAY_TASK_ID:-${1:?usage: bash faket-job.sbatch TASK_INDEX}}\n");
        s.Append($"count={job.Count}\n");
        s.Append("case $index in ''|*[!0-9]*) echo \"faket-job: task index '$index' is not a number\" >&2; exit 2;; esac\n");
        s.Append("[ \"$index\" -lt \"$count\" ] || { echo \"faket-job: task index $index is not below $count\" >&2; exit 2; }\n");
        s.Append("# FAKET_TASK_SEED of task i is seeds[i] = SplitMix64(SplitMix64(0x9E3779B97F4A7C15 ^ seed) ^ i) >> 33, from the job's\n");
        s.Append($"# seed {job.Seed} (Submit-FakETJob -Seed); the derivation is in the README, section \"Cluster jobs\".\n");
        s.Append("seeds=(");
        for (int i = 0; i < job.Count; i++) s.Append(i % 8 == 0 ? "\n  " : " ").Append(JobDefinition.TaskSeed(job.Seed, i).ToString(CultureInfo.InvariantCulture));
        s.Append("\n)\n");
        s.Append($"printf -v name 'task_%0{digits}d' \"$index\"\n");
        s.Append("mkdir -p \"$job/logs\" \"$job/status\" \"$job/$name\"\n");
        s.Append("# Under SLURM the output goes to the log named by --output; run by hand or by the Local scheduler, it goes there too.\n");
        s.Append("[ -n \"${SLURM_JOB_ID:-}\" ] || exec >\"$job/logs/$name.log\" 2>&1\n");
        s.Append("export FAKET_TASK_INDEX=$index FAKET_TASK_COUNT=$count FAKET_TASK_SEED=${seeds[$index]} FAKET_TASK_OUTPUT=\"$job/$name\"\n");
        s.Append("status=\"$job/status/$name\"\n");
        s.Append("rm -f \"$status.exit\" \"$status.done\"\n");
        s.Append("# how the task ended: its exit code, then a word and a reason; written beside, then renamed (never half a file)\n");
        s.Append("ended() { printf '%s\\n%s\\n' \"$1\" \"$2\" >\"$status.exit.tmp\" && mv -f \"$status.exit.tmp\" \"$status.exit\"; }\n");
        s.Append("child=\n");
        s.Append("stopped() {\n");
        s.Append("  ended $((128 + $2)) \"cancelled: SIG$1 (scancel, Stop-FakETJob or the time limit)\"\n");
        s.Append("  echo \"faket-job: task $index stopped by SIG$1\"\n");
        s.Append("  [ -z \"$child\" ] || { kill -TERM \"$child\" 2>/dev/null; wait \"$child\"; }\n");
        s.Append("  exit $((128 + $2))\n");
        s.Append("}\n");
        s.Append("trap 'stopped TERM 15' TERM\n");
        s.Append("trap 'stopped INT 2' INT\n");
        s.Append("echo \"faket-job: task $index of $count on $(hostname) at $(date -u +%Y-%m-%dT%H:%M:%SZ), seed $FAKET_TASK_SEED, output $FAKET_TASK_OUTPUT\"\n");
        s.Append(Runner(job, files)).Append(" &\n");
        s.Append("child=$!\n");
        s.Append("wait \"$child\"\n");
        s.Append("code=$?\n");
        s.Append("child=\n");
        s.Append("if [ \"$code\" -ne 0 ]; then\n");
        s.Append("  ended \"$code\" \"failed: the script exited with $code\"\n");
        s.Append("  echo \"faket-job: task $index failed: exit code $code\"\n");
        s.Append("  exit \"$code\"\n");
        s.Append("fi\n");
        s.Append("if [ -z \"$(ls -A \"$FAKET_TASK_OUTPUT\")\" ]; then\n");
        s.Append("  ended 1 \"failed: the script exited 0 but wrote nothing into $FAKET_TASK_OUTPUT\"\n");
        s.Append("  echo \"faket-job: task $index failed: it wrote nothing into $FAKET_TASK_OUTPUT\"\n");
        s.Append("  exit 1\n");
        s.Append("fi\n");
        s.Append("# The outputs are written: now the done marker, all or nothing.\n");
        s.Append("{ echo \"completed $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname)${SLURM_ARRAY_JOB_ID:+ as SLURM job ${SLURM_ARRAY_JOB_ID}_$index}\"; ls -l \"$FAKET_TASK_OUTPUT\"; } >\"$status.done.tmp\" &&\n");
        s.Append("  mv -f \"$status.done.tmp\" \"$status.done\"\n");
        s.Append("ended 0 \"completed\"\n");
        s.Append("echo \"faket-job: task $index completed\"\n");
        return s.ToString();
    }

    /// <summary>The runner's command line: the script with the arguments of faket-job.args.json splatted, under
    /// faket (which has the module) or pwsh (which imports it first). The script's `exit N` becomes the task's exit code.</summary>
    static string Runner(JobDefinition job, JobFiles files)
    {
        string import = job.ModuleManifest is { } m ? $"Import-Module {PsQuote(m)}; " : "";
        string command = import +
            $"$a = Get-Content -Raw -LiteralPath {PsQuote(files.Arguments)} | ConvertFrom-Json -AsHashtable; " +
            $"$global:LASTEXITCODE = 0; & {PsQuote(job.ScriptPath)} @a; if ($LASTEXITCODE) {{ exit $LASTEXITCODE }}";
        return string.Join(' ', job.Runner.Select(Quote)) + " -Command " + Quote(command);
    }

    /// <summary>SLURM's time format, days-hours:minutes:seconds.</summary>
    public static string SlurmTime(TimeSpan t) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalDays}-{t.Hours:D2}:{t.Minutes:D2}:{t.Seconds:D2}");

    /// <summary>A word for bash: single-quoted, each ' written as '\''.</summary>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A string for PowerShell: single-quoted, each ' doubled.</summary>
    static string PsQuote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
}

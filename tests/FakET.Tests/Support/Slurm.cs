namespace FakET.Tests.Support;

/// <summary>Whether a SLURM cluster answers here (.ci/slurm start makes one): sinfo lists a node that can take work.</summary>
public static class Slurm
{
    public static readonly bool Running = Probe();

    static bool Probe()
    {
        try
        {
            var (exit, stdout, _) = ExternalProgram.Run("sinfo", ["-h", "-o", "%T"]);
            return exit == 0 && stdout.Split('\n').Any(s => s.Trim() is "idle" or "mixed" or "allocated" or "completing");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;   // no sinfo on the PATH
        }
    }
}

/// <summary>A test that needs a running SLURM; skipped, with the reason, where none answers.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (!Slurm.Running) Skip = "no SLURM cluster answers here (sinfo); `sudo .ci/slurm start` starts a single-node one, as .ci/run does";
    }
}

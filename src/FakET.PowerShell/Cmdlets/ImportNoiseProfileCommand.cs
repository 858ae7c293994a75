using System.Management.Automation;
using FakET.Noise;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads noise profiles from JSON files that Export-NoiseProfile wrote.</para>
/// <para type="description">Reads each file as a noise profile: r, σ, and the target mean and standard deviation per tilt, the tilt angles, the fit order, the curves measured on each reference pair and the history. A file that is not such a profile is a NoiseProfileInvalid error that says what is wrong with it.</para>
/// <example><code>$profile = Import-NoiseProfile ./profile.json; $clean | Add-TiltNoise -Profile $profile -Seed 1</code><para>Adds noise measured earlier.</para></example>
/// </summary>
[Cmdlet(VerbsData.Import, "NoiseProfile", DefaultParameterSetName = "Path")]
[OutputType(typeof(NoiseProfile))]
public sealed class ImportNoiseProfileCommand : FileReaderCommand
{
    protected override void ProcessRecord()
    {
        foreach (var file in InputFiles())
            TryRun(() => WriteObject(NoiseProfileFile.Read(file)), file);
    }
}

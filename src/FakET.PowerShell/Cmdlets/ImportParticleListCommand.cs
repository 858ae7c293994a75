using System.Management.Automation;
using FakET.Labels;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads particle lists: CSV, DeepFinder XML, RELION STAR (3.0 to 5), SHREC'21 text or copick picks.</para>
/// <para type="description">Reads each file as particle entries, one per particle: Class (the class's name, or its number as text where the file gives only numbers), ClassNumber, the centre X, Y, Z as 0-based voxel indices of its tomogram, the orientation Phi, The, Psi in TOM/PyTom/DeepFinder's ZXZ convention (the particle is its reference rotated by Rz(psi)·Rx(the)·Rz(phi)), Id, Tomogram (RELION's rlnTomoName, copick's run), TomogramIndex (DeepFinder's tomo_idx), Clipped and Score where the file has them. -Format picks the format; without it the extension does: .csv (our CSV, by its header names), .xml (DeepFinder's object list), .star (RELION 3.0, 3.1 and 4 with _rlnCoordinateX/Y/Z in voxels; a file with RELION 5's _rlnCenteredCoordinateX/Y/ZAngst is read as Relion5), .txt (SHREC'21's particle_locations.txt or a submission: CLASS x y z and optionally three angles) and .json (a copick pick file, in Å). RELION's ZYZ angles, SHREC's angles and copick's matrices are turned into ZXZ angles. RELION 5 gives Å from the tomogram's centre, so it needs -VoxelSize and -TomogramSize of the tomogram the labels are for: voxel = Å / VoxelSize + TomogramSize / 2, as RELION 5 itself converts them. copick gives Å: its voxel_spacing, else -VoxelSize, turns them into voxels. A file that does not parse is the error ParticleListParseError, which names the file and the line; the other files are still read.</para>
/// <example><code>$picks = Import-ParticleList ./particles.star; ($picks | Where-Object ClassNumber -eq 3).Count</code><para>Counts the particles of class 3 (Group-Object Class counts every class, where the Utility module is loaded).</para></example>
/// <example><code>Import-ParticleList ./run_data.star -VoxelSize 10 -TomogramSize 630, 630, 200 | Where-Object Tomogram -eq TS_01</code><para>Reads a RELION 5 particle file in voxels of a 630×630×200 tomogram of 10 Å voxels, and keeps one tomogram's particles.</para></example>
/// <example><code>Import-ParticleList ./model_*/particle_locations.txt | Where-Object Class -ne 'vesicle'</code><para>Reads the SHREC'21 ground truth of several models, without the vesicles.</para></example>
/// </summary>
[Cmdlet(VerbsData.Import, "ParticleList", DefaultParameterSetName = "Path")]
[OutputType(typeof(ParticleEntry))]
public sealed class ImportParticleListCommand : FileReaderCommand
{
    /// <summary><para type="description">Csv, DeepFinderXml, Star, Relion5, Shrec or Copick. By default the file's extension decides (.csv, .xml, .star, .txt, .json); a .star file with RELION 5's centred columns is read as Relion5.</para></summary>
    /// <remarks>A string, not the engine's enum: see Export-ParticleList's -Format.</remarks>
    [Parameter]
    [ValidateSet("Csv", "DeepFinderXml", "Star", "Relion5", "Shrec", "Copick", IgnoreCase = true)]
    public string? Format { get; set; }

    /// <summary><para type="description">Å per voxel of the tomogram the particles are for: needed for RELION 5 files, and for copick files without a voxel_spacing.</para></summary>
    [Parameter]
    [ValidateRange(1e-3, 1e6)]
    public double VoxelSize { get; set; }

    /// <summary><para type="description">The size X, Y, Z in voxels of the tomogram the particles are for: needed for RELION 5 files, whose coordinates are from its centre.</para></summary>
    [Parameter]
    [ValidateCount(3, 3)]
    [ValidateRange(1, int.MaxValue)]
    public int[]? TomogramSize { get; set; }

    protected override void ProcessRecord()
    {
        var options = new ParticleReadOptions
        {
            VoxelSize = MyInvocation.BoundParameters.ContainsKey(nameof(VoxelSize)) ? VoxelSize : null,
            TomogramSize = TomogramSize is { } size ? (size[0], size[1], size[2]) : null,
        };
        var format = Format is null ? (ParticleListFormat?)null : Enum.Parse<ParticleListFormat>(Format, ignoreCase: true);
        foreach (var file in InputFiles())
            TryRun(() => WriteObject(ParticleLists.Read(file, format, options, Cancel), enumerateCollection: true), file);
    }
}

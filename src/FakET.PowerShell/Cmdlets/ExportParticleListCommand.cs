using System.Management.Automation;
using FakET.Phantom;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes a phantom's particle table as CSV, as a DeepFinder XML object list, or as a RELION STAR file.</para>
/// <para type="description">Writes one row per particle (and gold fiducial) of a volume made by New-Phantom: its id (its value in the instance mask), its class number (its value in the class mask), its centre in voxels (0-based indices x, y, z) and its orientation. -Format picks the format; without it the file's extension does (.csv, .xml, .star). CSV has the columns id, class, class_name, x, y, z, phi, the, psi. DeepFinder's XML object list has one object element per particle with tomo_idx, obj_id, class_label, x, y, z, phi, psi and the, as DeepFinder's read_xml expects. Both give the Euler angles in TOM/PyTom/DeepFinder's ZXZ convention: the particle is its reference rotated by Rz(psi)·Rx(the)·Rz(phi), phi first. The STAR file has a data_particles block with one loop_ of _rlnCoordinateX/Y/Z, _rlnAngleRot/Tilt/Psi and _rlnClassNumber (and _rlnTomoName with -TomogramName), the angles in RELION's ZYZ convention. The file is written to a temporary file first and renamed when complete.</para>
/// <example><code>$phantom | Export-ParticleList ./labels.xml</code><para>Writes DeepFinder's object list (the format from the extension).</para></example>
/// <example><code>$phantom | Export-ParticleList ./particles.star -TomogramName TS_01 -PassThru | Export-ParticleList ./particles.csv</code><para>Writes a RELION STAR file and a CSV table of the same particles.</para></example>
/// </summary>
[Cmdlet(VerbsData.Export, "ParticleList", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(Volume))]
public sealed class ExportParticleListCommand : ExportLabelsCommand
{
    /// <summary><para type="description">Csv, DeepFinderXml or Star. By default the file's extension decides (.csv, .xml, .star).</para></summary>
    /// <remarks>A string, not the engine's enum: a value-type field of an engine type would make PowerShell load the
    /// engine before the module's load context is hooked in.</remarks>
    [Parameter]
    [ValidateSet("Csv", "DeepFinderXml", "Star", IgnoreCase = true)]
    public string? Format { get; set; }

    /// <summary><para type="description">DeepFinder's tomo_idx, the tomogram's index in a training set (default 0).</para></summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int TomogramIndex { get; set; }

    /// <summary><para type="description">A tomogram name for the STAR file's _rlnTomoName column (RELION 4 tomography).</para></summary>
    [Parameter]
    public string? TomogramName { get; set; }

    ParticleListFormat? Chosen(string target) =>
        Format is null ? LabelFiles.FormatOf(target) : Enum.Parse<ParticleListFormat>(Format, ignoreCase: true);

    ParticleListFormat FormatFor(string target) => Chosen(target) ?? throw new FakETException(
        ErrorIds.ParticleListFormatUnknown, FailureKind.InvalidArgument,
        $"Cannot tell the format of '{System.IO.Path.GetFileName(target)}' from its extension: use .csv, .xml or .star, or give -Format.");

    protected override string Describe(SampleLabels labels, string target)
    {
        var format = Chosen(target);
        return $"Write {labels.Particles?.Count ?? 0} particles as {(format is null ? "(unknown format)" : format.ToString())}";
    }

    protected override void Write(SampleLabels labels, string target) =>
        LabelFiles.WriteParticleList(labels, target, FormatFor(target), TomogramIndex, TomogramName, Cancel);
}

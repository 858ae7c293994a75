using System.Management.Automation;
using FakET.Phantom;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes a labelled volume's ground truth in SHREC'21's layout: grandmodel.mrc, class_mask.mrc, occupancy_mask.mrc and particle_locations.txt.</para>
/// <para type="description">Writes into the folder -Path (made if missing) the volume as grandmodel.mrc; its class mask as class_mask.mrc (0 background, k for class k; the first MRC label names the classes); occupancy_mask.mrc, in which each voxel of a particle holds the 1-based line number of that particle in particle_locations.txt (0 background); and particle_locations.txt, one line per particle: CLASS x y z rot1 rot2 rot3, the centre as whole voxel indices (0-based, rounded) and the orientation in degrees in SHREC's convention, as PyTom's SHREC simulator writes it: the particle is its reference turned by Rz(rot1)·Rx(rot2)·Rz(rot3), rot3 about z first (the module's ZXZ angles with phi = rot3, the = rot2, psi = rot1). Masks are float32 MRC, all at the volume's voxel size. The volume may be a sample from New-Phantom or a tomogram reconstructed from one: its labels are in its own frame. Vesicles are in the class mask only (their centre is hollow); gold beads are listed as fiducial.</para>
/// <para type="description">SHREC'21's evaluation script finds the particle a pick hits in the occupancy mask dilated by one voxel, so the listed centre voxel always belongs to its particle there: picking the listed centres with their classes scores F1 = 1. The script knows only SHREC's class names (4V94, 4CR2, 1QVR, 1BXN, 3CF3, 1U6G, 3D2F, 2CG9, 3H84, 3GL1, 3QM1, 1S3X, 5MRC, vesicle, fiducial) and fails on others; a warning names the classes it would not know (name them with New-Phantom's -ClassName). Measure-PickingAccuracy scores any names.</para>
/// <para type="description">-TiltSeries adds the volume's projections as projections_unbinned.mrc with alignment_simulated.txt (their tilt angles) and the volume again as grandmodel_unbinned.mrc: a folder examples/reproduce-shrec.ps1 reads as model_N. All files are written to temporary files first and renamed together when complete; existing files need -Force.</para>
/// <example><code>$sample | Export-ShrecModel ./shrec/model_0 -TiltSeries ($sample | New-TiltSeries)</code><para>Writes a SHREC'21 model folder with its ground truth and noiseless projections.</para></example>
/// <example><code>$tomogram | Export-ShrecModel ./truth; Measure-PickingAccuracy ./truth/particle_locations.txt -Truth ./truth</code><para>Writes a tomogram's ground truth in its own frame, and scores its own centres (F1 = 1).</para></example>
/// </summary>
[Cmdlet(VerbsData.Export, "ShrecModel", SupportsShouldProcess = true)]
[OutputType(typeof(Volume))]
public sealed class ExportShrecModelCommand : FakETCmdlet
{
    /// <summary><para type="description">The model folder to write into; made if it does not exist.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    /// <summary><para type="description">The labelled volume: a sample from New-Phantom, or a tomogram reconstructed from one.</para></summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    public Volume InputObject { get; set; } = null!;

    /// <summary><para type="description">The volume's projections (with tilt angles), written as projections_unbinned.mrc and alignment_simulated.txt beside grandmodel_unbinned.mrc.</para></summary>
    [Parameter]
    public TiltSeries? TiltSeries { get; set; }

    /// <summary><para type="description">Overwrite files that exist in the folder.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">Pass the volume on down the pipeline.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var volume = InputObject;
        if (volume.Labels is null)
        {
            TryRun(() => LabelFiles.LabelsOf(volume), volume);
            return;
        }
        string folder = ResolveOutputPath(Path);
        if (File.Exists(folder))
        {
            WriteError(new ErrorRecord(new IOException($"'{folder}' is a file; give a folder."), "PathIsFile", ErrorCategory.InvalidArgument, folder));
            return;
        }
        var names = ShrecModel.FileNames(TiltSeries is not null);
        var existing = names.Where(n => File.Exists(System.IO.Path.Combine(folder, n))).ToList();
        if (existing.Count > 0 && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"{string.Join(", ", existing)} already exist in '{folder}'. Use -Force to overwrite them."),
                "FileExists", ErrorCategory.ResourceExists, folder));
            return;
        }
        int count = volume.Labels.Particles?.Count ?? 0;
        if (!ShouldProcess(folder, $"Write {string.Join(", ", names)} ({count} particles)")) return;
        bool done = TryRun(() =>
        {
            var written = ShrecModel.Write(volume, folder, TiltSeries, Cancel, Progress(MyInvocation.MyCommand.Name, "Writing: section"));
            if (written.UnknownClasses.Count > 0)
                WriteWarning($"SHREC'21's evaluation script knows only the classes {string.Join(", ", ShrecModel.ShrecClasses)}; it would fail on " +
                             $"{string.Join(", ", written.UnknownClasses)}. Name the classes with New-Phantom's -ClassName to use it; Measure-PickingAccuracy scores any name.");
            if (written.CentresOfOthers > 0)
                WriteWarning($"{written.CentresOfOthers} listed centres lie in another particle's mask; a pick there finds that particle.");
        }, folder);
        if (done && PassThru) WriteObject(volume);
    }
}

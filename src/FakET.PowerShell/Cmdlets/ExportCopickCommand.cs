using System.Management.Automation;
using FakET.Formats;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes a tomogram, its labels and its tilt series as a run of a copick project (OME-Zarr tomogram, picks in Å, segmentation).</para>
/// <para type="description">Creates the copick project in the folder -Path, or adds a run to it, in the layout of copick's file-system projects: copick_config.json lists the pickable objects, one per class of the labels (name; label, its value in the segmentation; color, RGBA; radius, Å, the equivalent sphere of the class's mean particle volume in the instance mask; pdb_id when the class name is a PDB ID such as 1HEL; is_particle, true for classes with listed particles, false for vesicles and membranes). A class the project already has keeps its label; a new one takes its class number, or the lowest free label. The config's overlay_root is the project's absolute folder, as copick needs it.</para>
/// <para type="description">The run, ExperimentRuns/RunName, gets: the tomogram as VoxelSpacing{x.xxx}/{Algorithm}.zarr, an OME-NGFF 0.4 multiscale image (zarr v2, scales 1, 2 and 4 by block means, chunks of at most 256³, zlib-compressed, scale transforms of voxel size × factor Å); one pick file per class with particles, Picks/{User}_{Session}_{class}.json, each point's location in Å (voxel index × voxel size), its orientation as the 4×4 transformation_ and its id as instance_id; and the class mask as Segmentations/{x.xxx}_{User}_{Session}_classes-multilabel.zarr, its values the config's labels (uint8 up to 255). The labels come from -Sample, else from the tomogram (New-Tomogram's tomograms carry their sample's labels in their own frame). -TiltSeries adds the series as TiltSeries/RunName.mrc with the files Export-TiltSeries writes (.tlt, .xf, .mrc.mdoc, .json), outside copick's layout, which has none. Import-ParticleList reads the pick files back (in voxels, by their voxel_spacing); napari-copick, copick's Python API and the zarr and ome-zarr readers open the rest.</para>
/// <para type="description">All the files of the run and the config are written to temporary files and renamed together once all are complete, so an error or Ctrl+C leaves the project as it was; other runs are never touched (the tilt series, when given, is written just before, all or none). Files of the run that exist already need -Force.</para>
/// <example><code>$tomogram | Export-Copick ./project -RunName TS_01</code><para>Writes a copick project with one run: the tomogram, its picks and its segmentation.</para></example>
/// <example><code>$tomogram | Export-Copick ./project -RunName TS_02 -User faket -Session 1</code><para>Adds a second run to the same project; the first is left as it was.</para></example>
/// <example><code>Export-Copick ./project -RunName TS_03 -Tomogram $tomogram -Sample $phantom -TiltSeries $noisy -Algorithm sirt</code><para>Writes the labels of the sample, the tomogram as sirt.zarr and the tilt series beside them.</para></example>
/// </summary>
[Cmdlet(VerbsData.Export, "Copick", SupportsShouldProcess = true)]
[OutputType(typeof(CopickRun))]
public sealed class ExportCopickCommand : FakETCmdlet
{
    /// <summary><para type="description">The copick project's folder; made if it does not exist.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    /// <summary><para type="description">The run's name (its folder under ExperimentRuns).</para></summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string RunName { get; set; } = "";

    /// <summary><para type="description">The tomogram to write as the run's OME-Zarr image. A labelled one also gives the labels when there is no -Sample.</para></summary>
    [Parameter(ValueFromPipeline = true)]
    public Volume? Tomogram { get; set; }

    /// <summary><para type="description">The labelled volume whose labels become the picks and the segmentation: a sample from New-Phantom, or a tomogram that carries its labels.</para></summary>
    [Parameter]
    public Volume? Sample { get; set; }

    /// <summary><para type="description">A tilt series (with tilt angles) to put in the run as TiltSeries/RunName.mrc with its metadata files.</para></summary>
    [Parameter]
    public TiltSeries? TiltSeries { get; set; }

    /// <summary><para type="description">copick's user_id of the picks and the segmentation (default faket). No underscores: copick's file names separate their parts with them.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string User { get; set; } = "faket";

    /// <summary><para type="description">copick's session_id (default 0).</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Session { get; set; } = "0";

    /// <summary><para type="description">The tomogram's type, its file name in the voxel-spacing folder (default wbp, copick's name for weighted back-projection).</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Algorithm { get; set; } = "wbp";

    /// <summary><para type="description">Replace files of this run that exist already.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        string folder = ResolveOutputPath(Path);
        if (File.Exists(folder))
        {
            WriteError(new ErrorRecord(new IOException($"'{folder}' is a file; give a folder."), "PathIsFile", ErrorCategory.InvalidArgument, folder));
            return;
        }
        var options = new CopickExportOptions { RunName = RunName, User = User, Session = Session, Algorithm = Algorithm, Overwrite = Force };
        string what = string.Join(", ", new[] { Tomogram is null ? null : "tomogram", (Sample ?? Tomogram)?.Labels is null ? null : "picks and segmentation", TiltSeries is null ? null : "tilt series" }.OfType<string>());
        if (!ShouldProcess(folder, $"Write the copick run '{RunName}' ({(what.Length == 0 ? "nothing" : what)})")) return;
        TryRun(() => WriteObject(CopickProject.Export(folder, Tomogram, Sample, options, Cancel, WriteWarning, TiltSeries)), folder);
    }
}

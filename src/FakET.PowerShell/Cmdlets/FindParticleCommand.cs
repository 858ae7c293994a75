using System.Collections;
using System.Management.Automation;
using FakET.IO;
using FakET.Native;
using FakET.Picking;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Finds particles in a tomogram with a trained picker: segmentation by its U-Net, then mean-shift clustering, as DeepFinder picks.</para>
/// <para type="description">The tomogram is z-scored and segmented in overlapping tiles (-Tile voxels, overlapping by -Margin on each side; with the default margin, the network's reach, the result equals the untiled network's away from the faces), so memory holds one tile's activations. Every voxel of a particle class is clustered by mean shift with a flat kernel of -Bandwidth voxels and binned seeds (as scikit-learn's MeanShift(bin_seeding=True), which DeepFinder calls). Each cluster is one particle: its class is the most frequent among its voxels, Size is its voxel count and Score their mean class probability. -MinClusterSize drops clusters smaller than a class's minimum.</para>
/// <para type="description">The output is one ParticleEntry per particle (Class, X, Y, Z in voxels of the tomogram, Score, and a Size property), ready for Export-ParticleList and Measure-PickingAccuracy. -SegmentationPath writes the class map as an MRC file.</para>
/// <example><code>$picks = Find-Particle -Model $model $tomogram -MinClusterSize @{ ribosome = 40; proteasome = 20 }</code><para>Picks with a minimum cluster size per class.</para></example>
/// <example><code>Find-Particle -Model (Import-PickerModel ./picker) $test | Measure-PickingAccuracy -Truth $test</code><para>Scores the picks against the labels of the tomogram picked in.</para></example>
/// </summary>
[Cmdlet(VerbsCommon.Find, "Particle", SupportsShouldProcess = true)]
[OutputType(typeof(ParticleEntry))]
public sealed class FindParticleCommand : FakETCmdlet
{
    /// <summary><para type="description">The trained picker (Invoke-PickerTraining's or Import-PickerModel's).</para></summary>
    [Parameter(Mandatory = true)]
    public PickerModel Model { get; set; } = null!;

    /// <summary><para type="description">The tomogram to pick in.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public Volume Tomogram { get; set; } = null!;

    /// <summary><para type="description">Mean shift's bandwidth in voxels (default 5, DeepFinder's): about a particle's radius.</para></summary>
    [Parameter]
    [ValidateRange(0.01, 10000)]
    public double Bandwidth { get; set; } = 5;

    /// <summary><para type="description">A hashtable of class name to the smallest cluster (voxels) kept for it; classes not named keep every cluster.</para></summary>
    [Parameter]
    public Hashtable? MinClusterSize { get; set; }

    /// <summary><para type="description">Writes the segmentation (class per voxel, 0 background) to this MRC file.</para></summary>
    [Parameter]
    public string? SegmentationPath { get; set; }

    /// <summary><para type="description">Tile edge in voxels, margins included, a multiple of 4 (default 128). Smaller tiles use less memory.</para></summary>
    [Parameter]
    [ValidateRange(16, 4096)]
    public int Tile { get; set; } = 128;

    /// <summary><para type="description">Tile overlap on each side in voxels, a multiple of 4 (default 36, the network's reach).</para></summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int Margin { get; set; } = Segmentation.DefaultMargin;

    /// <summary><para type="description">Where to compute: Auto (CUDA when available, else the CPU), Cpu or Cuda.</para></summary>
    [Parameter]
    [ValidateSet("Auto", "Cpu", "Cuda")]
    public string Device { get; set; } = "Auto";

    /// <summary><para type="description">CPU threads libtorch uses during this run. Default: libtorch's own choice (the number of cores).</para></summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int? Threads { get; set; }

    /// <summary><para type="description">Overwrite an existing -SegmentationPath file.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        RequireNativeStack();
        string? segmentation = SegmentationPath is null ? null : ResolveOutputPath(SegmentationPath);
        if (segmentation is not null)
        {
            if (File.Exists(segmentation) && !Force)
            {
                WriteError(new ErrorRecord(new IOException($"'{segmentation}' already exists. Use -Force to overwrite it."), "FileExists", ErrorCategory.ResourceExists, segmentation));
                return;
            }
            if (!ShouldProcess(segmentation, "Write the segmentation as MRC")) segmentation = null;
        }
        var sizes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (MinClusterSize is not null)
            foreach (DictionaryEntry e in MinClusterSize)
                sizes[e.Key.ToString() ?? ""] = LanguagePrimitives.ConvertTo<int>(e.Value);
        TryRun(() =>
        {
            var options = new PickingOptions
            {
                Model = Model, Bandwidth = Bandwidth, MinClusterSize = sizes, Tile = Tile, Margin = Margin,
                Device = Enum.Parse<ComputeDevice>(Device, ignoreCase: true), Threads = Threads,
            };
            var result = new ParticlePicking().Run(Tomogram, options, Reporter("Segmenting:"), Cancel);
            if (segmentation is not null)
                MrcFile.Write(segmentation, result.Segmentation.ClassSections(), Tomogram.Height, Tomogram.Width, Tomogram.VoxelSize,
                    new MrcFile.WriteOptions(MrcMode.Float32, true, new[] { "FakET Find-Particle segmentation: class per voxel, 0 background" }), Cancel);
            foreach (var pick in result.Picks)
            {
                var item = new PSObject(pick.Entry);
                item.Properties.Add(new PSNoteProperty("Size", pick.Size));
                WriteObject(item);
            }
        }, Tomogram);
    }
}

using System.Globalization;
using FakET.Native;
using FakET.Stages;
using TorchSharp;

namespace FakET.Reconstruction;

/// <summary>How a tomogram is reconstructed.</summary>
public enum ReconstructionMethod
{
    /// <summary>Filtered back-projection, as scikit-image's <c>iradon</c> computes it per Y slice.</summary>
    Fbp,
    /// <summary>Simultaneous iterative reconstruction technique (SIRT) with the back-projector's exact adjoint as projector.</summary>
    Sirt,
}

/// <summary>What a voxel reads where its ray leaves the detector.</summary>
public enum ReconstructionGeometry
{
    /// <summary><see cref="Slab"/> for a series New-TiltSeries projected as laterally unbounded (periodic), else
    /// <see cref="Iradon"/>.</summary>
    Auto,
    /// <summary>scikit-image's <c>iradon</c> (circle=False), as FakET: zero beyond the detector, and zero padding before
    /// filtering. Voxels near the sides that some tilts do not see form a boundary inside the tomogram.</summary>
    Iradon,
    /// <summary>A slab wider than the field of view: beyond the detector a ray reads the detector's edge pixel, and the
    /// projections are padded with their edge values before filtering, so every voxel is seen by every tilt.</summary>
    Slab,
}

/// <summary>How <see cref="Tomography.Reconstruct"/> reconstructs.</summary>
public sealed record TomogramOptions : StageOptions
{
    /// <summary>Z size of the tomogram in (binned) voxels; <c>null</c> for the depth of the sample the series was projected
    /// from, when it knows it, else the (binned) width.</summary>
    public int? Thickness { get; init; }

    /// <summary>Filtered back-projection (default) or SIRT.</summary>
    public ReconstructionMethod Method { get; init; } = ReconstructionMethod.Fbp;

    /// <summary>The frequency-domain filter of filtered back-projection (SIRT does not filter).</summary>
    public ReconstructionFilter Filter { get; init; } = ReconstructionFilter.Ramp;

    /// <summary>What a voxel reads beyond the detector's edges: <see cref="ReconstructionGeometry.Iradon"/> (as FakET),
    /// <see cref="ReconstructionGeometry.Slab"/>, or <see cref="ReconstructionGeometry.Auto"/> (default): the slab for a
    /// series projected from a laterally unbounded sample, iradon for any other.</summary>
    public ReconstructionGeometry Geometry { get; init; } = ReconstructionGeometry.Auto;

    /// <summary>SIRT iterations.</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>Binning factor: each <c>Bin</c>×<c>Bin</c> block of pixels is averaged before reconstruction.</summary>
    public int Bin { get; init; } = 1;

    /// <summary>Tilt angles in degrees, one per tilt, that replace the series' own; <c>null</c> to use the series' angles.</summary>
    public IReadOnlyList<double>? TiltAngles { get; init; }

    /// <summary>About how much memory one block of Y slices may use for its projections and its work.
    /// Larger blocks repeat less work; smaller ones use less memory.</summary>
    [NotInHistory]
    public long BlockBytes { get; init; } = 256L << 20;

    public override void Validate()
    {
        if (Method == ReconstructionMethod.Sirt && Iterations < 1)
            throw new FakETException(ErrorIds.ReconstructionParameterInvalid, FailureKind.InvalidArgument,
                $"SIRT needs at least 1 iteration (it was {Iterations}).");
    }
}

/// <summary>
/// Reconstructs a tomogram (Z, Y, X) from a tilt series (tilt, Y, X) tilted about Y, in the geometry of
/// scikit-image's <c>radon</c>/<c>iradon</c> applied to every Y slice; the Z axis is the beam direction at 0°.
/// </summary>
/// <remarks>
/// Detector pixel u of tilt θ sees voxel (z, x) of a Y slice at u = (x − W/2)·cos θ − (z − T/2)·sin θ + W/2
/// (integer halves), with linear interpolation between detector pixels and zero outside the detector. The work runs
/// through TorchSharp in blocks of Y slices, so memory beyond the input and the output stays bounded.
/// </remarks>
public sealed class Tomography : Stage<TiltSeries, TomogramOptions, Volume>
{
    public override string Step => Steps.NewTomogram;

    /// <summary>Reconstructs a tomogram; progress counts Y slices. The series is not changed.</summary>
    /// <exception cref="FakETException">Unknown or mismatched tilt angles, a bin larger than the image, or a bad thickness or iteration count.</exception>
    protected override Volume Execute(TiltSeries series, TomogramOptions options, StageRun run)
    {
        var angles = AnglesFor(series, options.TiltAngles);
        var geometry = Geometry.For(series, options);
        var cancel = run.Cancel;
        var progress = run.Progress("Y slice");
        MemoryBudget.Require((long)geometry.Thickness * geometry.Height * geometry.Width * sizeof(float) + options.BlockBytes,
            $"New-Tomogram needs the {geometry.Thickness}×{geometry.Height}×{geometry.Width} output volume (4 bytes a voxel) and one block of work",
            "Reconstruct fewer slices (-Thickness) or bin (-Bin 2).");
        NativeStack.EnsureLoaded();

        var sections = new float[geometry.Thickness][];
        for (int z = 0; z < sections.Length; z++) sections[z] = new float[(long)geometry.Height * geometry.Width];
        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            var projector = new BackProjector(geometry, angles, ComputeDevices.Resolve(ComputeDevice.Auto));
            if (options.Method == ReconstructionMethod.Sirt)
                Sirt.Run(projector, series, options.Iterations, sections, cancel, progress);
            else
                FilteredBackProjection.Run(projector, series, options.Filter, sections, cancel, progress);
        }

        // What the reconstruction decided: the method as the field writes it, the thickness and voxel size it chose,
        // the angles it used; a filter is only recorded for FBP and iterations only for SIRT.
        var decided = new Dictionary<string, object?>
        {
            ["Method"] = options.Method.ToString().ToUpperInvariant(),
            ["Geometry"] = geometry.Slab ? nameof(ReconstructionGeometry.Slab) : nameof(ReconstructionGeometry.Iradon),
            ["Thickness"] = geometry.Thickness,
            ["Binning"] = options.Bin > 1 ? "average" : "none",
            ["VoxelSize"] = geometry.VoxelSize,
            ["TiltAngles"] = angles.ToArray(),
        };
        var entry = run.Entry(Summary(options, geometry.Slab), decided, options.Method == ReconstructionMethod.Sirt ? "Filter" : "Iterations");
        return new Volume(sections, geometry.Height, geometry.Width, geometry.VoxelSize, series.HistoryWith(entry), LabelsOf(series, geometry, run))
        {
            Origin = (series.Origin.X, series.Origin.Y, 0),
        };
    }

    /// <summary>
    /// The series' ground truth in the tomogram's frame: binning averages b×b pixels, so pixel x becomes (x + ½)/b − ½;
    /// depth from the tilt axis becomes z/b from the tomogram's centre section (thickness/2, integer division), where
    /// the reconstruction puts the axis. Particles whose centre falls outside the tomogram are left out, with a warning.
    /// </summary>
    static SampleLabels? LabelsOf(TiltSeries series, Geometry geometry, StageRun run)
    {
        if (series.GroundTruth is not { } truth) return null;
        double b = geometry.Bin;
        var binned = new AxisMap(1 / b, 0.5 / b - 0.5);
        var frame = truth with
        {
            X = truth.X.Then(binned),
            Y = truth.Y.Then(binned),
            Z = truth.Z.Then(new AxisMap(1 / b, geometry.Thickness / 2)),
        };
        var labels = frame.In(geometry.Thickness, geometry.Height, geometry.Width, out int outside);
        if (outside > 0)
            run.Warning($"{outside} of the sample's {truth.Labels.Particles?.Count ?? 0} particles lie outside the " +
                $"{geometry.Thickness}×{geometry.Height}×{geometry.Width} tomogram and are not in its labels; reconstruct thicker (-Thickness) to keep them.");
        return labels;
    }

    static string Summary(TomogramOptions options, bool slab)
    {
        string how = options.Method == ReconstructionMethod.Sirt
            ? $"SIRT, {options.Iterations.ToString(CultureInfo.InvariantCulture)} iterations"
            : options.Filter == ReconstructionFilter.None ? "no filter" : options.Filter.ToString().ToLowerInvariant();
        if (slab) how += ", slab";
        return options.Bin > 1 ? $"tomogram ({how}, bin {options.Bin.ToString(CultureInfo.InvariantCulture)})" : $"tomogram ({how})";
    }

    /// <summary>The angles to reconstruct with: the given ones, else the series' own; one per tilt.</summary>
    internal static IReadOnlyList<double> AnglesFor(TiltSeries series, IReadOnlyList<double>? given)
    {
        if (given is null)
        {
            return series.TiltAngles ?? throw new FakETException(ErrorIds.TiltAnglesUnknown, FailureKind.InvalidArgument,
                $"The tilt angles of this {series.TiltCount}-tilt series are unknown. Give them with -TiltAngles (one per tilt, in degrees), " +
                "or import the series with its .tlt file or Import-TiltSeries -TiltAngles.");
        }
        if (given.Count != series.TiltCount)
            throw new FakETException(ErrorIds.TiltAngleCountMismatch, FailureKind.InvalidArgument,
                $"The series has {series.TiltCount} tilts but {given.Count} tilt angles were given; give exactly one angle per tilt, in the order of the stack.");
        TiltAngleLimits.Check(given, "-TiltAngles");
        return given;
    }
}

/// <summary>Sizes of the result and of the blocks the work is cut into.</summary>
internal sealed record Geometry(int Width, int Height, int Thickness, int Bin, double VoxelSize, int TiltCount, int PaddedLength,
    int BlockRows, int TiltsPerFilterBatch, int ZChunk, bool Slab = false)
{
    /// <summary>Rows of the table of projections: each tilt's detector with a zero pixel at either end.</summary>
    public int TableRows => TiltCount * (Width + 2);

    /// <summary>Whether <paramref name="series"/> is reconstructed as a slab: as asked, or for
    /// <see cref="ReconstructionGeometry.Auto"/> when New-TiltSeries projected it as laterally unbounded.</summary>
    public static bool IsSlab(TiltSeries series, ReconstructionGeometry geometry) => geometry switch
    {
        ReconstructionGeometry.Slab => true,
        ReconstructionGeometry.Iradon => false,
        _ => series.History.LastOrDefault(h => h.Step == Steps.NewTiltSeries)?.Parameters.GetValueOrDefault("LateralExtent")?.ToString()
             == nameof(FakET.Projection.LateralExtent.Periodic),
    };

    public static Geometry For(TiltSeries series, TomogramOptions options)
    {
        if (options.Bin < 1)
            throw new FakETException(ErrorIds.ReconstructionParameterInvalid, FailureKind.InvalidArgument,
                $"Bin must be 1 or more (it was {options.Bin}).");
        int width = series.Width / options.Bin, height = series.Height / options.Bin;
        if (width < 1 || height < 1)
            throw new FakETException(ErrorIds.ReconstructionBinTooLarge, FailureKind.InvalidArgument,
                $"Binning {series.Height}×{series.Width} pixels by {options.Bin} leaves no pixel; use a bin of at most {Math.Min(series.Width, series.Height)}.");
        // By default the sample's own depth where the series knows it (so the labels need no shift), else the width.
        int thickness = options.Thickness ?? (series.GroundTruth is { } truth
            ? Math.Max(1, (int)Math.Round(truth.DepthHere / options.Bin, MidpointRounding.AwayFromZero))
            : width);
        if (thickness < 1)
            throw new FakETException(ErrorIds.ReconstructionParameterInvalid, FailureKind.InvalidArgument,
                $"Thickness must be 1 or more voxels (it was {thickness}).");
        if (options.BlockBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "BlockBytes must be positive.");
        int tilts = series.TiltCount;
        int padded = FourierFilter.PaddedLength(width);
        // Half of the budget holds what a block keeps: for FBP its table of filtered projections (tilts × (width + 2)
        // floats per Y slice); for SIRT also the volume being refined (thickness × width) and two more tables.
        long rowBytes = (long)tilts * (width + 2) * sizeof(float);
        if (options.Method == ReconstructionMethod.Sirt) rowBytes = 3 * rowBytes + (long)thickness * width * sizeof(float);
        int rows = (int)Math.Clamp(options.BlockBytes / 2 / rowBytes, 1, height);
        // Filtering works on a few tilts at once: padded input, its spectrum and the inverse, ~6 floats per padded pixel.
        long filterTiltBytes = (long)rows * (padded * 6L + (long)series.Width * options.Bin) * sizeof(float);
        int batch = (int)Math.Clamp(options.BlockBytes / 4 / filterTiltBytes, 1, tilts);
        // Per Z section of a chunk: 2·tilts taps and weights per X (4 bytes each, twice for the projector's transposed
        // copy) and the summed rows (rows floats per X). Kept under 32 MB so that the allocator reuses the memory
        // instead of mapping fresh pages for every chunk.
        long zBytes = (long)width * (tilts * 32L + rows * 4L);
        int zChunk = (int)Math.Clamp(Math.Min(options.BlockBytes / 2, 32L << 20) / zBytes, 1, thickness);
        return new Geometry(width, height, thickness, options.Bin, series.PixelSize * options.Bin, tilts, padded, rows, batch, zChunk,
            IsSlab(series, options.Geometry));
    }
}

using System.Globalization;

namespace FakET.IO;

/// <summary>Where a tilt series' angles come from when it is imported.</summary>
public enum TiltAngleSource { Given, File, Sidecar, None }

/// <summary>Reads and writes <see cref="TiltSeries"/> and <see cref="Volume"/> objects as MRC files with their
/// sidecars: the history (<c>.json</c>) and, for tilt series, the tilt angles (<c>.tlt</c>).</summary>
public static class StackFiles
{
    /// <summary>Reads a tilt series. Angles come from <paramref name="angles"/>, else from
    /// <paramref name="angleFile"/>, else from a <c>.tlt</c>/<c>.rawtlt</c>/SHREC alignment file beside the
    /// stack, else from a SerialEM <c>.mdoc</c> beside it (<see cref="SerialEmMdoc"/>), else from the history sidecar,
    /// else from a SerialEM or FEI extended header; otherwise they stay unknown. An angle file wins over the .mdoc because
    /// IMOD's .tlt holds the angles as refined or edited after acquisition. The acquisition order comes from the sidecar,
    /// else from the .mdoc's PriorRecordDose, and applies only while it lists the stack's own angles.</summary>
    /// <param name="mrc">Strict (the default) or permissive reading, and where warnings go.</param>
    public static TiltSeries ReadTiltSeries(string path, IReadOnlyList<double>? angles = null, string? angleFile = null,
        CancellationToken cancel = default, Action<int, int>? progress = null, MrcReadOptions? mrc = null)
    {
        var (header, sections) = MrcFile.Read(path, cancel, progress, mrc);
        var sidecar = HistorySidecar.TryRead(path, header.Nz, header.Ny, header.Nx);
        var history = sidecar?.History.ToList() ?? new List<HistoryEntry>();
        string? source = null, mdoc = null;
        IReadOnlyList<double>? mdocOrder = null;
        if (angles is null)
        {
            angleFile ??= TiltAngleFile.FindBeside(path);
            mdoc = angleFile is null ? SerialEmMdoc.FindBeside(path) : null;
            if (mdoc is not null)
            {
                var tilts = SerialEmMdoc.Read(mdoc);
                (angles, mdocOrder, source) = (tilts.Angles, tilts.AcquisitionOrder, Path.GetFileName(mdoc));
                RequireOnePerTilt(angles, "has {0} [ZValue] sections");
            }
            else if (angleFile is not null)
            {
                angles = TiltAngleFile.Read(angleFile);
                source = Path.GetFileName(angleFile);
                RequireOnePerTilt(angles, "lists {0} angles");
            }
            else
            {
                angles = sidecar?.TiltAngles;
                if (angles is not null) source = Path.GetFileName(HistorySidecar.PathFor(path));
                else if (header.ExtendedHeaderTiltAngles is { } fromHeader)
                    (angles, source) = (fromHeader, $"extended header ({header.ExtendedHeaderType})");
            }
        }
        else source = "given";

        // An angle file beside the stack must have one angle per tilt; `listing` says how the file counts them.
        void RequireOnePerTilt(IReadOnlyList<double> list, string listing)
        {
            if (list.Count != header.Nz)
                throw new FakETException(ErrorIds.TiltAngleCountMismatch, FailureKind.InvalidData,
                    $"{Path.GetFileName(path)} has {header.Nz} tilts but {source} {string.Format(CultureInfo.InvariantCulture, listing, list.Count)}.");
        }

        history.Add(HistoryEntry.Now(Stages.Steps.Import, $"imported from {Path.GetFileName(path)}", new Dictionary<string, object?>
        {
            ["Path"] = Path.GetFullPath(path),
            ["Mode"] = (int)header.Mode,
            ["TiltAngleSource"] = source,
        }));
        // The acquisition order travels in the sidecar; it applies only while the stack's angles are the same ones.
        var order = sidecar?.AcquisitionOrder ?? mdocOrder;
        if (order is not null && (angles is null || !order.Order().SequenceEqual(angles.Order()))) order = null;
        return new TiltSeries(sections, header.Ny, header.Nx, angles, PixelSizeOf(header), history, order) { Origin = OriginOf(header) };
    }

    /// <summary>Reads a volume (Z, Y, X), its history sidecar and the labels it names (<see cref="LabelSidecar"/>), if any;
    /// <paramref name="warn"/> hears of label files that are named but unusable.</summary>
    /// <param name="permissive">Read an MRC file that breaks the format in ways that leave its data readable, with warnings.</param>
    public static Volume ReadVolume(string path, CancellationToken cancel = default, Action<int, int>? progress = null,
        Action<string>? warn = null, bool permissive = false)
    {
        var (header, sections) = MrcFile.Read(path, cancel, progress, new MrcReadOptions(permissive, warn));
        var sidecar = HistorySidecar.TryRead(path, header.Nz, header.Ny, header.Nx);
        var history = sidecar?.History.ToList() ?? new List<HistoryEntry>();
        var labels = sidecar?.Labels is { } node ? LabelSidecar.Read(node, path, header.Nz, header.Ny, header.Nx, warn, cancel) : null;
        history.Add(HistoryEntry.Now(Stages.Steps.Import, $"imported from {Path.GetFileName(path)}", new Dictionary<string, object?>
        {
            ["Path"] = Path.GetFullPath(path),
            ["Mode"] = (int)header.Mode,
        }));
        return new Volume(sections, header.Ny, header.Nx, PixelSizeOf(header), history, labels) { Origin = OriginOf(header) };
    }

    /// <summary>Writes the stack, its history sidecar and, for a tilt series with known angles, its <c>.tlt</c> (and
    /// its order list when the acquisition order is known), for a labelled volume its masks (the sidecar holds its
    /// particle table), all or none, and removes the <see cref="Companions"/> of an earlier set that it does not write: each file goes to a temporary file first,
    /// the MRC file first, and they are renamed over their targets together once all are complete
    /// (<see cref="AtomicFileSet"/>). A cancellation or an error before then leaves no new file and the earlier
    /// files as they were.</summary>
    /// <param name="cancel">Checked between sections and between files.</param>
    /// <param name="progress">Called with (sections written, total) on the calling thread.</param>
    /// <param name="clipFloat16">In mode 12, write values beyond ±65504 as ±65504 instead of failing.</param>
    /// <param name="relion5">For a tilt series, also RELION 5's tomograms.star and per-tilt STAR file (<see cref="TiltSeriesFiles"/>).</param>
    public static void Write(ImageStack stack, string path, MrcMode mode = MrcMode.Float32, CancellationToken cancel = default,
        Action<int, int>? progress = null, bool clipFloat16 = false, bool relion5 = false)
    {
        var options = new MrcFile.WriteOptions(mode, stack is Volume, Labels(stack),
            (float)stack.Origin.X, (float)stack.Origin.Y, (float)stack.Origin.Z, clipFloat16);
        using var files = new AtomicFileSet(cancel);
        MrcFile.Write(files, path, stack.Sections, stack.Height, stack.Width, stack.PixelSize, options, progress);
        if (stack is TiltSeries { TiltAngles: { } angles })
            files.WriteAllText(Path.ChangeExtension(path, ".tlt"), TiltAngleFile.Text(angles));
        if (stack is TiltSeries { AcquisitionOrder: { } order })
            files.WriteAllText(OrderListPath(path), TiltAngleFile.OrderListText(order));
        if (stack is TiltSeries series) TiltSeriesFiles.Write(files, path, series, relion5);
        if (stack is Volume volume) LabelSidecar.WriteMasks(files, path, volume);
        files.WriteAllText(HistorySidecar.PathFor(path), HistorySidecar.Text(stack, path));
        files.RemoveStale(Companions.Select(companion => companion(path)));
        files.Commit();
    }

    /// <summary>
    /// Every file of a stack's set besides the MRC file, as the path it has beside <c>name.mrc</c>. A write removes
    /// those it does not produce (with the same commit), so an old <c>name.tlt</c> or mask never pairs with new
    /// pixels: re-importing a set always gives what was written together. A writer of a new companion adds it here.
    /// </summary>
    public static readonly IReadOnlyList<Func<string, string>> Companions = new Func<string, string>[]
    {
        HistorySidecar.PathFor,                        // name.json: history, angles, labels
        path => Path.ChangeExtension(path, ".tlt"),    // tilt angles (IMOD)
        path => Path.ChangeExtension(path, ".rawtlt"), // tilt angles as acquired (IMOD); import prefers .tlt, then this
        OrderListPath,                                 // name_order_list.csv: acquisition order (RELION)
        LabelSidecar.ClassMaskPath,                    // name_class_mask.mrc
        LabelSidecar.InstanceMaskPath,                 // name_instance_mask.mrc
        TiltSeriesFiles.TransformsPath,                // name.xf: IMOD's transforms
        SerialEmMdoc.PathFor,                          // name.mrc.mdoc: SerialEM's metadata, as this module writes it
        path => Path.ChangeExtension(path, ".mdoc"),   // name.mdoc: the other name import reads an .mdoc by
        Relion5TiltSeries.TiltSeriesPath,              // tilt_series/name.star: RELION 5's per-tilt table (tomograms.star
                                                       // is shared by every series in the folder, so it is not one)
    };

    /// <summary>Where the acquisition order of a tilt series goes: <c>name_order_list.csv</c> beside the stack.</summary>
    public static string OrderListPath(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileNameWithoutExtension(path) + "_order_list.csv");

    /// <summary>MRC labels: the program, then the newest steps of the history (the sidecar has all of them).</summary>
    public static IReadOnlyList<string> Labels(ImageStack stack)
    {
        var labels = new List<string> { $"FakET.PowerShell {typeof(StackFiles).Assembly.GetName().Version?.ToString(3)} {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}" };
        labels.AddRange(stack.History.TakeLast(9).Select(h => h.ToString()));
        return labels;
    }

    static double PixelSizeOf(MrcHeader header) => header.PixelSize ?? 1.0;

    static (double, double, double) OriginOf(MrcHeader header) =>
        (Finite(header.OriginX), Finite(header.OriginY), Finite(header.OriginZ));

    static double Finite(float value) => float.IsFinite(value) ? value : 0;
}

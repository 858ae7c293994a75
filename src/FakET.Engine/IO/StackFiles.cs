namespace FakET.IO;

/// <summary>Where a tilt series' angles come from when it is imported.</summary>
public enum TiltAngleSource { Given, File, Sidecar, None }

/// <summary>Reads and writes <see cref="TiltSeries"/> and <see cref="Volume"/> objects as MRC files with their
/// sidecars: the history (<c>.json</c>) and, for tilt series, the tilt angles (<c>.tlt</c>).</summary>
public static class StackFiles
{
    /// <summary>Reads a tilt series. Angles come from <paramref name="angles"/>, else from
    /// <paramref name="angleFile"/>, else from a <c>.tlt</c>/<c>.rawtlt</c>/SHREC alignment file beside the
    /// stack, else from a SerialEM <c>.mdoc</c> beside it (<see cref="SerialEmMdoc"/>), else from the history sidecar;
    /// otherwise they stay unknown. An angle file wins over the .mdoc because IMOD's .tlt holds the angles as refined
    /// or edited after acquisition. The acquisition order comes from the sidecar, else from the .mdoc's PriorRecordDose,
    /// and applies only while it lists the stack's own angles.</summary>
    public static TiltSeries ReadTiltSeries(string path, IReadOnlyList<double>? angles = null, string? angleFile = null,
        CancellationToken cancel = default, Action<int, int>? progress = null)
    {
        var (header, sections) = MrcFile.Read(path, cancel, progress);
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
                if (angles.Count != header.Nz)
                    throw new FakETException(ErrorIds.TiltAngleCountMismatch, FailureKind.InvalidData,
                        $"{Path.GetFileName(path)} has {header.Nz} tilts but {source} has {angles.Count} [ZValue] sections.");
            }
            else if (angleFile is not null)
            {
                angles = TiltAngleFile.Read(angleFile);
                source = Path.GetFileName(angleFile);
                if (angles.Count != header.Nz)
                    throw new FakETException(ErrorIds.TiltAngleCountMismatch, FailureKind.InvalidData,
                        $"{Path.GetFileName(path)} has {header.Nz} tilts but {source} lists {angles.Count} angles.");
            }
            else
            {
                angles = sidecar?.TiltAngles;
                if (angles is not null) source = Path.GetFileName(HistorySidecar.PathFor(path));
            }
        }
        else source = "given";
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
    public static Volume ReadVolume(string path, CancellationToken cancel = default, Action<int, int>? progress = null,
        Action<string>? warn = null)
    {
        var (header, sections) = MrcFile.Read(path, cancel, progress);
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
    /// particle table), all or none: each file goes to a temporary file first,
    /// the MRC file first, and they are renamed over their targets together once all are complete
    /// (<see cref="AtomicFileSet"/>). A cancellation or an error before then leaves no new file and the earlier
    /// files as they were.</summary>
    /// <param name="cancel">Checked between sections and between files.</param>
    /// <param name="progress">Called with (sections written, total) on the calling thread.</param>
    /// <param name="relion5">For a tilt series, also RELION 5's tomograms.star and per-tilt STAR file (<see cref="TiltSeriesFiles"/>).</param>
    public static void Write(ImageStack stack, string path, MrcMode mode = MrcMode.Float32, CancellationToken cancel = default,
        Action<int, int>? progress = null, bool relion5 = false)
    {
        var options = new MrcFile.WriteOptions(mode, stack is Volume, Labels(stack),
            (float)stack.Origin.X, (float)stack.Origin.Y, (float)stack.Origin.Z);
        using var files = new AtomicFileSet(cancel);
        MrcFile.Write(files, path, stack.Sections, stack.Height, stack.Width, stack.PixelSize, options, progress);
        if (stack is TiltSeries { TiltAngles: { } angles })
            files.WriteAllText(Path.ChangeExtension(path, ".tlt"), TiltAngleFile.Text(angles));
        if (stack is TiltSeries { AcquisitionOrder: { } order })
            files.WriteAllText(OrderListPath(path), TiltAngleFile.OrderListText(order));
        if (stack is TiltSeries series) TiltSeriesFiles.Write(files, path, series, relion5);
        if (stack is Volume volume) LabelSidecar.WriteMasks(files, path, volume);
        files.WriteAllText(HistorySidecar.PathFor(path), HistorySidecar.Text(stack, path));
        files.Commit();
    }

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

namespace FakET.IO;

/// <summary>
/// The metadata files other programs want beside a tilt series, written in the stack's <see cref="AtomicFileSet"/>: IMOD's
/// identity <c>name.xf</c> (always), SerialEM's <c>name.mrc.mdoc</c> (when the angles are known) and, when asked, RELION 5's
/// <c>tomograms.star</c> and <c>tilt_series/name.star</c> (<see cref="Relion5TiltSeries"/>), which need the angles.
/// </summary>
public static class TiltSeriesFiles
{
    /// <summary>IMOD's transform file of a stack: <c>name.xf</c>.</summary>
    public static string TransformsPath(string stackPath) => Path.ChangeExtension(Path.GetFullPath(stackPath), ".xf");

    /// <summary>Adds the files to <paramref name="files"/>.</summary>
    public static void Write(AtomicFileSet files, string path, TiltSeries series, bool relion5)
    {
        files.WriteAllText(TransformsPath(path), SerialEmMdoc.IdentityTransforms(series.TiltCount));
        if (series.TiltAngles is null && !relion5) return;
        var metadata = TiltMetadata.Of(series);
        files.WriteAllText(SerialEmMdoc.PathFor(path), SerialEmMdoc.Text(series, metadata, path));
        if (!relion5) return;
        string tomograms = Relion5TiltSeries.TomogramsPath(path);
        files.WriteAllText(tomograms, Relion5TiltSeries.TomogramsText(metadata, path, File.Exists(tomograms) ? File.ReadAllText(tomograms) : null));
        files.WriteAllText(Relion5TiltSeries.TiltSeriesPath(path), Relion5TiltSeries.TiltSeriesText(metadata, path));
    }
}

namespace FakET.IO;

/// <summary>What <see cref="MrcValidator.Validate"/> found in one file.</summary>
/// <param name="IsValid">Whether the file meets the MRC2014 format (the verdict of <c>mrcfile.validate</c>).</param>
/// <param name="Readable">Whether a strict import reads it.</param>
/// <param name="ReadablePermissive">Whether an import with -Permissive reads it.</param>
public sealed record MrcValidation(string Path, bool IsValid, bool Readable, bool ReadablePermissive, IReadOnlyList<MrcProblem> Problems)
{
    public override string ToString() => $"{System.IO.Path.GetFileName(Path)}: {(IsValid ? "valid" : "invalid")}, {Problems.Count} problem(s)";
}

/// <summary>
/// Lists every MRC2014 problem of a file, as <c>mrcfile.validate</c> (CCP-EM mrcfile 1.4, validator.py and
/// mrcobject.py) does: the header checks of <see cref="MrcHeader.Check"/>, the file size, and the data statistics in
/// the header against the data (rms and mean within 1 %, minimum and maximum exact, each checked only where the header
/// says it is set, as mrcfile does). The data are read a section at a time, so any file can be checked.
/// </summary>
public static class MrcValidator
{
    public static MrcValidation Validate(string path, CancellationToken cancel = default)
    {
        string name = System.IO.Path.GetFileName(path);
        using var source = MrcSource.Open(path);
        var problems = new List<MrcProblem>();
        try
        {
            var bytes = new byte[MrcHeader.Size];
            int read = source.Stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            long length = source.Length ?? (read < MrcHeader.Size ? read : MrcHeader.UnknownLength);
            var (header, found) = MrcHeader.Check(bytes.AsSpan(0, read), length, name);
            problems.AddRange(found);
            if (header is not null && !found.Any(p => p.Kind is MrcProblemKind.Unsupported))
                CheckData(source, header, name, problems, cancel);
        }
        catch (Exception e) when (source.Length is null && e is InvalidDataException or ICSharpCode.SharpZipLib.SharpZipBaseException)
        {
            problems.Add(new MrcProblem(MrcProblemKind.Unreadable, "file", ErrorIds.MrcCompressedInvalid, $"{name} cannot be decompressed: {e.Message}"));
        }
        return new MrcValidation(path, !problems.Any(p => p.BreaksFormat), !problems.Any(p => p.Stops(false)),
            !problems.Any(p => p.Stops(true)), problems);
    }

    static void CheckData(MrcSource source, MrcHeader h, string name, List<MrcProblem> problems, CancellationToken cancel)
    {
        var section = new float[h.Nx * h.Ny];
        double min = double.PositiveInfinity, max = double.NegativeInfinity, mean = 0, m2 = 0;
        long n = 0;
        try
        {
            MrcFile.ReadExtendedHeader(source, h, name);
            MrcFile.ForEachSection(source.Stream, h, name, cancel, _ => section, _ =>
            {
                foreach (float value in section)
                {
                    double v = value;
                    min = double.IsNaN(v) || double.IsNaN(min) ? double.NaN : Math.Min(min, v);
                    max = double.IsNaN(v) || double.IsNaN(max) ? double.NaN : Math.Max(max, v);
                    n++;
                    double delta = v - mean;
                    mean += delta / n;
                    m2 += delta * (v - mean);
                }
            });
            // A compressed file's size is known only now (a plain file's was checked with the header).
            long extra = source.Length is null ? MrcFile.Skip(source.Stream, long.MaxValue) : 0;
            if (extra > 0) problems.Add(MrcHeader.ExtraData(h, h.DataBytes + extra, name));
        }
        catch (FakETException e)
        {
            problems.Add(new MrcProblem(MrcProblemKind.Unreadable, "data", e.ErrorId, e.Message));
            return;
        }
        double rms = n > 0 ? Math.Sqrt(m2 / n) : 0;
        void Stat(string field, string message) =>
            problems.Add(new MrcProblem(MrcProblemKind.Invalid, field, ErrorIds.MrcHeaderField, $"{name}: data statistics appear to be inaccurate: {message}"));
        if (h.Rms >= 0 && !IsClose(rms, h.Rms)) Stat("rms", $"the RMS deviation is {rms:G6} but the header says {h.Rms:G6}.");
        if (h.DMin < h.DMax && h.DMin != min) Stat("dmin", $"the minimum is {min:G9} but the header says {h.DMin:G9}.");
        if (h.DMin < h.DMax && h.DMax != max) Stat("dmax", $"the maximum is {max:G9} but the header says {h.DMax:G9}.");
        if (h.DMean > Math.Min(h.DMin, h.DMax) && !IsClose(mean, h.DMean)) Stat("dmean", $"the mean is {mean:G6} but the header says {h.DMean:G6}.");
    }

    /// <summary>numpy.isclose with rtol 0.01 (mrcfile's tolerance) and numpy's default atol 1e-8.</summary>
    static bool IsClose(double actual, double expected) => Math.Abs(actual - expected) <= 1e-8 + 0.01 * Math.Abs(expected);
}

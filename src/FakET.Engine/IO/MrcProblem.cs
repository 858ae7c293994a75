namespace FakET.IO;

/// <summary>What a problem of an MRC file does to reading it.</summary>
public enum MrcProblemKind
{
    /// <summary>The data cannot be read safely in either mode (e.g. truncated data, no header): an error.</summary>
    Unreadable,
    /// <summary>A valid MRC2014 file this module cannot read (modes 3, 4 and 101, axes other than X, Y, Z): an error.</summary>
    Unsupported,
    /// <summary>Refused in strict mode; read with a warning in permissive mode (e.g. more data than the header declares).</summary>
    Refused,
    /// <summary>Read in both modes with a warning that says what was assumed (no MAP tag, an unknown machine stamp).</summary>
    Warned,
    /// <summary>Breaks MRC2014 without changing what is read (labels, nversion, statistics): listed by Test-MrcFile only.</summary>
    Invalid,
    /// <summary>Valid MRC2014, but the module had to assume something (no pixel size): a warning when reading.</summary>
    Note,
}

/// <summary>One problem of an MRC file: the header field it concerns, what it does to reading, the error id it
/// raises when it stops a read, and a message that names the file.</summary>
public sealed record MrcProblem(MrcProblemKind Kind, string Field, string ErrorId, string Message)
{
    /// <summary>"Error" (the file is not read, or not in strict mode), "Warning" or "Information".</summary>
    public string Severity => Kind switch
    {
        MrcProblemKind.Unreadable or MrcProblemKind.Unsupported or MrcProblemKind.Refused => "Error",
        MrcProblemKind.Note => "Information",
        _ => "Warning",
    };

    /// <summary>Whether the problem breaks the MRC2014 format (as <c>mrcfile.validate</c> judges it: a machine stamp that
    /// contradicts the mode does not, since mrcfile validates a file in the byte order its permissive read chose).</summary>
    public bool BreaksFormat => Kind is not (MrcProblemKind.Unsupported or MrcProblemKind.Note) && ErrorId != ErrorIds.MrcByteOrderMismatch;

    /// <summary>Whether a read stops here: always for unreadable or unsupported files, in strict mode for refused ones.</summary>
    public bool Stops(bool permissive) => Kind is MrcProblemKind.Unreadable or MrcProblemKind.Unsupported || (Kind == MrcProblemKind.Refused && !permissive);

    /// <summary>Whether a read that goes on tells the user of it.</summary>
    public bool WarnsOnRead => Kind is MrcProblemKind.Refused or MrcProblemKind.Warned or MrcProblemKind.Note;

    public FakETException ToException() => new(ErrorId, FailureKind.InvalidData,
        Kind == MrcProblemKind.Refused ? Message + " Import with -Permissive to read it anyway, with a warning." : Message);

    public override string ToString() => $"{Severity} [{Field}]: {Message}";
}

/// <summary>How an MRC file is read: strictly (the default: any problem that mrcfile's strict mode refuses, and more
/// data than the header declares, is an error) or permissively (each such problem becomes a warning where the data can
/// still be read safely); <see cref="Warn"/> hears every warning.</summary>
public sealed record MrcReadOptions(bool Permissive = false, Action<string>? Warn = null)
{
    public static MrcReadOptions Strict { get; } = new();

    /// <summary>The memory the pre-check compares with; tests give a small figure. Null: <see cref="MemoryBudget.Available"/>.</summary>
    internal Func<long?>? AvailableMemory { get; init; }
}

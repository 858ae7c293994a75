namespace FakET.Stages;

/// <summary>
/// What a stage tells the person waiting for it. The cmdlets implement it (progress bars, warnings); engine callers
/// may pass <c>null</c>. Every call comes on the thread that called <see cref="Stage{TInput, TOptions, TOutput}.Run"/>.
/// </summary>
public interface IStageReporter
{
    /// <summary><paramref name="done"/> of <paramref name="total"/> <paramref name="unit"/>s are done (e.g. "tilt", "Y slice").</summary>
    void Progress(int done, int total, string unit);

    /// <summary>As <see cref="Progress(int, int, string)"/>, with a short note on how it goes (e.g. "loss 0.412").</summary>
    void Progress(int done, int total, string unit, string note) => Progress(done, total, unit);

    /// <summary>Something the result depends on that the caller should know (e.g. random weights were used).</summary>
    void Warning(string message);
}

/// <summary>
/// The stage contract. Every engine stage is one of these: a typed options record (<typeparamref name="TOptions"/>)
/// and one entry point, <see cref="Run"/>, that takes the input, the options, a reporter and a cancellation token, and
/// returns the output with one new history entry made from the options (<see cref="StageRun.Entry"/>). Stages that
/// hold native resources (a network on a device) are also <see cref="IDisposable"/>, and their owner disposes them.
/// </summary>
public abstract class Stage<TInput, TOptions, TOutput> where TOptions : StageOptions
{
    /// <summary>The step this stage records, from <see cref="Steps"/>.</summary>
    public abstract string Step { get; }

    /// <summary>Runs the stage. The input is never changed; the output is new.</summary>
    /// <exception cref="FakETException">Options out of range or input the stage cannot use, with the error's identifier;
    /// NaN or infinity in the input, the options or the output (<see cref="FiniteCheck"/>) is <see cref="ErrorIds.NonFiniteData"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> fired; the stage stopped between tilts, blocks or sections.</exception>
    public TOutput Run(TInput input, TOptions options, IStageReporter? reporter = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        FiniteCheck.Options(options, Step);
        FiniteCheck.Value(input, Step, "the input");
        cancel.ThrowIfCancellationRequested();
        var output = Execute(input, options, new StageRun(Step, options, reporter, cancel));
        FiniteCheck.Value(output, Step, "the output");
        return output;
    }

    /// <summary>The stage's work, after its options were validated.</summary>
    protected abstract TOutput Execute(TInput input, TOptions options, StageRun run);
}

/// <summary>One run of a stage: its cancellation, its reporter, and the one way to make its history entry.</summary>
public sealed class StageRun
{
    readonly string _step;
    readonly StageOptions _options;
    readonly IStageReporter? _reporter;

    internal StageRun(string step, StageOptions options, IStageReporter? reporter, CancellationToken cancel)
    {
        _step = step;
        _options = options;
        _reporter = reporter;
        Cancel = cancel;
    }

    /// <summary>Fires when the caller wants the stage to stop; check it between tilts, blocks or sections.</summary>
    public CancellationToken Cancel { get; }

    /// <summary>A progress callback (done, total) counting <paramref name="unit"/>s, for <see cref="SectionLoop"/> and the kernels.</summary>
    public Action<int, int>? Progress(string unit) => _reporter is null ? null : (done, total) => _reporter.Progress(done, total, unit);

    /// <summary>Reports progress with a note on how it goes (a training's loss), shown after the count.</summary>
    public void Progress(int done, int total, string unit, string note) => _reporter?.Progress(done, total, unit, note);

    /// <summary>Tells the caller something the result depends on.</summary>
    public void Warning(string message) => _reporter?.Warning(message);

    /// <summary>
    /// The history entry of this run: the stage's step, <paramref name="summary"/>, every option
    /// (<see cref="StageOptions.ToHistory"/>) and then what the stage decided while running (<paramref name="decided"/>:
    /// a seed it drew, the order it recorded in), which override options of the same name. Options that did not apply
    /// to this run (<paramref name="unused"/>, e.g. SIRT's iterations in a filtered back-projection) are left out.
    /// </summary>
    public HistoryEntry Entry(string summary, IReadOnlyDictionary<string, object?>? decided = null, params string[] unused)
    {
        var parameters = _options.ToHistory();
        foreach (var name in unused) parameters.Remove(name);
        if (decided is not null)
            foreach (var (key, value) in decided) parameters[key] = StageOptions.Plain(value);
        return HistoryEntry.Now(_step, summary, parameters);
    }
}

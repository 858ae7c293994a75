using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace FakET.Tests.Support;

/// <summary>
/// A PowerShell host for tests whose console is a buffer: what Out-Default/Out-Host render (formatted with
/// the module's views), Write-Host, and the warning, verbose, debug, error and progress lines a console would
/// show. Pass it to <see cref="PowerShellSession"/>. Prompts fail, except a choice answered by <see cref="ChoiceAnswer"/>.
/// </summary>
public sealed class CapturingHost : PSHost
{
    readonly CapturingUI _ui;

    public CapturingHost(int width = 120) => _ui = new CapturingUI(width);

    /// <summary>All that was written to the console, lines ending in '\n'.</summary>
    public string Text => _ui.Text.ToString();

    /// <summary>The console's lines, without the empty lines PowerShell puts around formatted output.</summary>
    public IReadOnlyList<string> Lines => Text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();

    public IReadOnlyList<string> Warnings => _ui.Warnings;
    public IReadOnlyList<string> Errors => _ui.Errors;
    public IReadOnlyList<string> Verbose => _ui.Verbose;
    public IReadOnlyList<ProgressRecord> Progress => _ui.Progress;

    /// <summary>The answer to PromptForChoice (e.g. for -Confirm), as an index into the choices; null: prompting fails.</summary>
    public int? ChoiceAnswer { get => _ui.ChoiceAnswer; set => _ui.ChoiceAnswer = value; }

    /// <summary>Forgets what was captured.</summary>
    public void Clear() => _ui.Clear();

    public override string Name => "FakET.Tests";
    public override Version Version => new(1, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw new NotSupportedException("The test host has no nested prompt.");
    public override void ExitNestedPrompt() => throw new NotSupportedException("The test host has no nested prompt.");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }

    sealed class CapturingUI(int width) : PSHostUserInterface
    {
        static readonly Regex Ansi = new(@"\x1b\[[0-9;?]*[A-Za-z]");
        readonly object _lock = new();
        public StringBuilder Text { get; } = new();
        public List<string> Warnings { get; } = new();
        public List<string> Errors { get; } = new();
        public List<string> Verbose { get; } = new();
        public List<ProgressRecord> Progress { get; } = new();
        public int? ChoiceAnswer { get; set; }

        public override PSHostRawUserInterface RawUI { get; } = new RawUI(width);

        public void Clear()
        {
            lock (_lock)
            {
                Text.Clear();
                Warnings.Clear();
                Errors.Clear();
                Verbose.Clear();
                Progress.Clear();
            }
        }

        // PowerShell styles table headers and the like with ANSI escapes; the text is what matters here.
        public override void Write(string value) { lock (_lock) Text.Append(Ansi.Replace(value, "")); }
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
        public override void WriteLine(string value) => Write(value + "\n");
        public override void WriteErrorLine(string value) { lock (_lock) Errors.Add(value); }
        public override void WriteWarningLine(string message) { lock (_lock) Warnings.Add(message); }
        public override void WriteVerboseLine(string message) { lock (_lock) Verbose.Add(message); }
        public override void WriteDebugLine(string message) { lock (_lock) Verbose.Add("DEBUG: " + message); }
        public override void WriteProgress(long sourceId, ProgressRecord record) { lock (_lock) Progress.Add(record); }

        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) =>
            ChoiceAnswer ?? throw new InvalidOperationException($"The test host was asked to choose ({caption}: {message}) but has no ChoiceAnswer.");

        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) =>
            throw new InvalidOperationException($"The test host cannot prompt ({caption}: {message}).");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new InvalidOperationException("The test host cannot prompt for credentials.");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new InvalidOperationException("The test host cannot prompt for credentials.");
        public override string ReadLine() => throw new InvalidOperationException("The test host cannot read input.");
        public override SecureString ReadLineAsSecureString() => throw new InvalidOperationException("The test host cannot read input.");
    }

    /// <summary>A console of fixed width (formatting wraps and truncates at it) that cannot be read or drawn on.</summary>
    sealed class RawUI(int width) : PSHostRawUserInterface
    {
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override Coordinates CursorPosition { get; set; }
        public override Coordinates WindowPosition { get; set; }
        public override int CursorSize { get; set; }
        public override Size BufferSize { get; set; } = new(width, 3000);
        public override Size WindowSize { get; set; } = new(width, 50);
        public override Size MaxWindowSize => new(width, 50);
        public override Size MaxPhysicalWindowSize => new(width, 50);
        public override bool KeyAvailable => false;
        public override string WindowTitle { get; set; } = "";
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new InvalidOperationException("The test host cannot read keys.");
        public override void FlushInputBuffer() { }
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException("The test host has no screen buffer.");
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    }
}

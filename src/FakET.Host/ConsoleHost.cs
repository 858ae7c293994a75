using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text.RegularExpressions;

namespace FakET.Host;

/// <summary>
/// faket's console: what Out-Default renders (the module's views, Get-Help's pages, tables) and Write-Host go
/// to standard output; progress goes to the progress line (<see cref="ProgressDisplay"/>). Errors, warnings and
/// verbose lines are reported by <see cref="Shell"/> from the pipeline's streams, so they are not written here a
/// second time. -Confirm and Read-Host read standard input. <c>exit N</c> sets <see cref="ExitCode"/>.
/// </summary>
sealed class ConsoleHost : PSHost
{
    readonly ConsoleUI _ui = new();

    public override string Name => "faket";
    public override Version Version => typeof(ConsoleHost).Assembly.GetName().Version ?? new Version(0, 1);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    /// <summary>The status an <c>exit</c> statement asked for, or null.</summary>
    public int? ExitCode { get; private set; }
    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    public override void EnterNestedPrompt() => throw new NotSupportedException("faket has no nested prompt.");
    public override void ExitNestedPrompt() => throw new NotSupportedException("faket has no nested prompt.");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }

    sealed class ConsoleUI : PSHostUserInterface
    {
        public override PSHostRawUserInterface RawUI { get; } = new ConsoleRawUI();
        public override bool SupportsVirtualTerminal => !Console.IsOutputRedirected;

        // Formatting styles table headers and the like with ANSI escapes; logs and pipes get plain text.
        static readonly Regex Ansi = new(@"\x1b\[[0-9;?]*[A-Za-z]");

        static string Shown(string text) =>
            Console.IsOutputRedirected || PSStyle.Instance.OutputRendering == OutputRendering.PlainText ? Ansi.Replace(text, "") : text;

        public override void Write(string value) => Terminal.Out(Shown(value));
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
        public override void WriteLine(string value) => Terminal.Out(Shown(value) + Environment.NewLine);

        // Reported from the streams by Shell.cs.
        public override void WriteErrorLine(string value) { }
        public override void WriteWarningLine(string message) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteDebugLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) => Terminal.Progress.Update(sourceId, record);

        static string Read() => Console.ReadLine()
            ?? throw new PSInvalidOperationException("faket was asked for input, but standard input is closed. For -Confirm, pass -Confirm:$false.");

        public override string ReadLine() => Read();

        public override SecureString ReadLineAsSecureString() => throw new PSNotSupportedException("faket cannot read secrets.");

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            if (!string.IsNullOrEmpty(caption)) Terminal.Error(caption);
            if (!string.IsNullOrEmpty(message)) Terminal.Error(message);
            var answers = new Dictionary<string, PSObject>();
            foreach (var field in descriptions)
            {
                Console.Error.Write(field.Name + ": ");
                answers[field.Name] = PSObject.AsPSObject(Read());
            }
            return answers;
        }

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            // "&Yes" → key Y, shown as [Y] Yes.
            static string Key(ChoiceDescription c) => c.Label.IndexOf('&') is var i && i >= 0 && i + 1 < c.Label.Length ? c.Label[i + 1].ToString() : c.Label;
            while (true)
            {
                if (!string.IsNullOrEmpty(caption)) Terminal.Error(caption);
                Terminal.Error(message);
                Console.Error.Write(string.Join("  ", choices.Select(c => $"[{Key(c)}] {c.Label.Replace("&", "")}")) +
                    (defaultChoice >= 0 ? $" (default is \"{Key(choices[defaultChoice])}\"): " : ": "));
                string answer = Read().Trim();
                if (answer.Length == 0 && defaultChoice >= 0) return defaultChoice;
                for (int i = 0; i < choices.Count; i++)
                    if (string.Equals(answer, Key(choices[i]), StringComparison.OrdinalIgnoreCase) ||
                        string.Equals(answer, choices[i].Label.Replace("&", ""), StringComparison.OrdinalIgnoreCase))
                        return i;
            }
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new PSNotSupportedException("faket cannot ask for credentials.");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new PSNotSupportedException("faket cannot ask for credentials.");
    }

    /// <summary>The terminal's width where there is one (formatting wraps at it), else 120 columns.</summary>
    sealed class ConsoleRawUI : PSHostRawUserInterface
    {
        static int Width() => Terminal.Width;

        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override Coordinates CursorPosition { get; set; }
        public override Coordinates WindowPosition { get; set; }
        public override int CursorSize { get; set; }
        public override Size BufferSize { get => new(Width(), 3000); set { } }
        public override Size WindowSize { get => new(Width(), 50); set { } }
        public override Size MaxWindowSize => new(Width(), 50);
        public override Size MaxPhysicalWindowSize => new(Width(), 50);
        public override bool KeyAvailable => false;
        public override string WindowTitle { get; set; } = "faket";
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new PSNotSupportedException("faket does not read keys.");
        public override void FlushInputBuffer() { }
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new PSNotSupportedException("faket has no screen buffer.");
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    }
}

using System.Management.Automation;
using FakET.StyleTransfer;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Downloads the ImageNet VGG-19 weights that Invoke-StyleTransfer uses into the per-user cache.</para>
/// <para type="description">Downloads torchvision's ImageNet VGG-19, the network FakET's style transfer uses, as timm publishes it in safetensors form on the Hugging Face hub (575 MB), verifies its SHA-256 and that it holds VGG-19's convolutions, and installs it as vgg19.safetensors in the per-user cache: $env:FAKET_MODEL_CACHE when set, else ~/.cache/faket/models on Linux ($XDG_CACHE_HOME/faket/models when set), ~/Library/Caches/FakET/models on macOS, %LOCALAPPDATA%\FakET\models on Windows. Invoke-StyleTransfer then uses these weights by default.</para>
/// <para type="description">The file is written to a temporary file first and renamed only when the download is complete and verified, so a failed, cancelled or corrupted download leaves nothing behind, and weights installed earlier stay as they were. When the expected weights are already installed, nothing is downloaded unless -Force is given.</para>
/// <example><code>Install-StyleModel</code><para>Downloads and installs the ImageNet VGG-19 weights.</para></example>
/// <example><code>Install-StyleModel -Uri https://mirror.example.org/vgg19.safetensors -Sha256 11aea017b543ff59233749d8f1cf544cda749378f5790d2fedab841fb86b7669</code><para>Installs the same weights from a mirror; a custom -Uri needs its -Sha256.</para></example>
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "StyleModel", SupportsShouldProcess = true)]
[OutputType(typeof(StyleModelInfo))]
public sealed class InstallStyleModelCommand : FakETCmdlet
{
    /// <summary><para type="description">Where to download the weights from (http or https). Default: timm's vgg19.tv_in1k model.safetensors on the Hugging Face hub, pinned to a commit.</para></summary>
    [Parameter(Position = 0)]
    public Uri Uri { get; set; } = StyleModelStore.DefaultUri;

    /// <summary><para type="description">The SHA-256 the file must have (64 hexadecimal digits). Needed with a custom -Uri; the default download has its checksum built in.</para></summary>
    [Parameter]
    public string? Sha256 { get; set; }

    /// <summary><para type="description">Download again even when the expected weights are installed, and replace other installed weights.</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        if (!TryRun(() => StyleModelStore.CheckUri(Uri), Uri)) return;
        bool defaultUri = Uri == StyleModelStore.DefaultUri;
        if (Sha256 is null && !defaultUri)
        {
            WriteError(ErrorFrom(new FakETException(ErrorIds.StyleModelChecksumRequired, FailureKind.InvalidArgument,
                $"-Uri {Uri} needs -Sha256: a download that cannot be verified is not installed."), Uri));
            return;
        }
        string target = StyleModelStore.InstalledPath;
        if (!ShouldProcess(target, $"Download VGG-19 weights from {Uri}")) return;
        string activity = $"Install-StyleModel: {Uri.Host}";
        TryRun(() => WriteObject(StyleModelStore.Install(Uri, Sha256 ?? StyleModelStore.DefaultSha256, Force, (received, total) =>
        {
            var record = new ProgressRecord(2, activity, total is long t
                ? $"{received / 1048576.0:0.0} of {t / 1048576.0:0.0} MiB"
                : $"{received / 1048576.0:0.0} MiB")
            {
                PercentComplete = total is long all && all > 0 ? (int)(100 * received / all) : -1,
                RecordType = total is long end && received >= end ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            WriteProgress(record);
        }, Cancel)), Uri);
    }
}

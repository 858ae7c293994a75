using System.Security.Cryptography;
using FakET.IO;

namespace FakET.StyleTransfer;

/// <summary>Which VGG-19 weights a style transfer uses.</summary>
public enum StyleWeights
{
    /// <summary>ImageNet-trained weights: the installed model (see <see cref="StyleModelStore"/>) or a given file.</summary>
    Pretrained,
    /// <summary>Random weights (Kaiming-normal, seeded), as in the paper's FAKET_RANDOM experiment.</summary>
    Random,
}

/// <summary>An installed (or found) style model file.</summary>
public sealed record StyleModelInfo(string Path, string Sha256, long Length, string Source)
{
    public override string ToString() => $"VGG-19 weights  {Length / 1048576.0:0.#} MiB  sha256 {Sha256[..12]}…  {Path}";
}

/// <summary>Which weights were chosen for a run, and whether that was a fallback to random weights.</summary>
public sealed record StyleModelChoice(Vgg19Weights Weights, bool FellBackToRandom);

/// <summary>
/// The per-user cache of VGG-19 weights: <c>$FAKET_MODEL_CACHE</c> when set, else the platform's cache folder
/// (<c>$XDG_CACHE_HOME/faket/models</c> or <c>~/.cache/faket/models</c> on Linux, <c>~/Library/Caches/FakET/models</c>
/// on macOS, <c>%LOCALAPPDATA%\FakET\models</c> on Windows). <see cref="Install"/> downloads into it.
/// </summary>
public static class StyleModelStore
{
    /// <summary>Overrides the cache folder.</summary>
    public const string CacheVariable = "FAKET_MODEL_CACHE";
    /// <summary>The installed weights' file name in the cache.</summary>
    public const string FileName = "vgg19.safetensors";

    /// <summary>torchvision's ImageNet VGG-19 (the weights FakET uses), as timm publishes it in safetensors form
    /// on the Hugging Face hub, pinned to the commit that added it.</summary>
    public static readonly Uri DefaultUri = new("https://huggingface.co/timm/vgg19.tv_in1k/resolve/128d4708565b3a414bcbb9bbad440b2fe37b9f18/model.safetensors");
    /// <summary>SHA-256 of <see cref="DefaultUri"/>'s file, as the hub lists it (575 MB).</summary>
    public const string DefaultSha256 = "11aea017b543ff59233749d8f1cf544cda749378f5790d2fedab841fb86b7669";

    /// <summary>The cache folder (not created).</summary>
    public static string CacheDirectory
    {
        get
        {
            var overridden = Environment.GetEnvironmentVariable(CacheVariable);
            if (!string.IsNullOrWhiteSpace(overridden)) return Path.GetFullPath(overridden);
            if (OperatingSystem.IsWindows())
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "FakET", "models");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Caches", "FakET", "models");
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            return Path.Combine(string.IsNullOrWhiteSpace(xdg) ? Path.Combine(home, ".cache") : xdg, "faket", "models");
        }
    }

    /// <summary>Where the installed weights are (whether or not they exist).</summary>
    public static string InstalledPath => Path.Combine(CacheDirectory, FileName);

    /// <summary>The installed weights file, or null.</summary>
    public static string? FindInstalled() => File.Exists(InstalledPath) ? InstalledPath : null;

    /// <summary>
    /// Chooses the weights for a run reaching layer <paramref name="depth"/>: the file <paramref name="modelPath"/> when
    /// given; random weights when <paramref name="kind"/> is Random; the installed model when Pretrained (an error when
    /// none is installed); with neither, the installed model if any, else random weights (a fallback the caller warns about).
    /// </summary>
    public static StyleModelChoice Choose(string? modelPath, StyleWeights? kind, int seed, int depth, CancellationToken cancel = default)
    {
        if (modelPath is not null)
        {
            if (kind == StyleWeights.Random)
                throw new FakETException(ErrorIds.StyleTransferInvalidSetting, FailureKind.InvalidArgument,
                    "-ModelPath names a weights file, which contradicts -Weights Random. Give one of them.");
            return new StyleModelChoice(Vgg19Weights.Load(modelPath, depth, cancel), false);
        }
        if (kind == StyleWeights.Random) return new StyleModelChoice(Vgg19Weights.Random(seed, depth), false);
        var installed = FindInstalled();
        if (installed is not null) return new StyleModelChoice(Vgg19Weights.Load(installed, depth, cancel), false);
        if (kind == StyleWeights.Pretrained)
            throw new FakETException(ErrorIds.StyleModelNotInstalled, FailureKind.NotInstalled,
                $"No pretrained VGG-19 weights are installed (looked for {InstalledPath}). Run Install-StyleModel to download them, or give a file with -ModelPath.");
        return new StyleModelChoice(Vgg19Weights.Random(seed, depth), true);
    }

    /// <summary>The warning for a run on random weights.</summary>
    public static string RandomWeightsWarning(int seed) =>
        $"Using random VGG-19 weights (seed {seed}): no pretrained weights are installed. The FakET paper measured lower fidelity " +
        "this way (classification F1 0.53 with ImageNet weights, about 0.44 with random ones). Run Install-StyleModel to " +
        "download the ImageNet weights, or give a file with -ModelPath.";

    /// <summary>Checks and normalises a SHA-256 given as 64 hexadecimal digits.</summary>
    public static string NormaliseSha256(string sha256)
    {
        string s = sha256.Trim().ToLowerInvariant();
        if (s.Length != 64 || !s.All(Uri.IsHexDigit))
            throw new FakETException(ErrorIds.StyleModelChecksumInvalid, FailureKind.InvalidArgument,
                $"'{sha256}' is not a SHA-256: give 64 hexadecimal digits.");
        return s;
    }

    /// <summary>Throws <see cref="ErrorIds.StyleModelUriInvalid"/> unless <paramref name="uri"/> is an absolute http or
    /// https address (PowerShell turns any text, 'not a uri' too, into a relative <see cref="Uri"/>).</summary>
    public static void CheckUri(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new FakETException(ErrorIds.StyleModelUriInvalid, FailureKind.InvalidArgument,
                $"'{uri}' is not an http or https address; give the full address, e.g. https://huggingface.co/.../model.safetensors.");
    }

    /// <summary>
    /// Downloads <paramref name="uri"/> into the cache as <see cref="FileName"/>, verifying its SHA-256 against
    /// <paramref name="sha256"/> and that it is a safetensors file with VGG-19's first convolution. The file is
    /// written atomically: a failed, cancelled or corrupted download leaves nothing behind (and an older
    /// installed file untouched). An installed file with the expected hash is kept unless <paramref name="force"/>.
    /// </summary>
    /// <param name="progress">(bytes received, total bytes or null when the server does not say), on the calling thread.</param>
    /// <param name="handler">The HTTP handler (tests may pass their own); null for the default.</param>
    public static StyleModelInfo Install(Uri uri, string sha256, bool force, Action<long, long?>? progress = null,
        CancellationToken cancel = default, HttpMessageHandler? handler = null)
    {
        string expected = NormaliseSha256(sha256);
        CheckUri(uri);
        string target = InstalledPath;
        if (!force && File.Exists(target))
        {
            string present = Vgg19Weights.FileSha256(target);
            if (present == expected) return new StyleModelInfo(target, present, new FileInfo(target).Length, "already installed");
            throw new FakETException(ErrorIds.StyleModelExists, FailureKind.ResourceExists,
                $"Other weights are installed at {target} (sha256 {present}). Use -Force to replace them.");
        }
        long received = 0;
        try
        {
            using var client = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { Timeout = Timeout.InfiniteTimeSpan };
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            using var response = client.Send(request, HttpCompletionOption.ResponseHeadersRead, cancel);
            if (!response.IsSuccessStatusCode)
                throw DownloadFailed(uri, $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
            long? total = response.Content.Headers.ContentLength;
            using var body = response.Content.ReadAsStream(cancel);
            AtomicFile.Write(target, file =>
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var header = new MemoryStream();
                var buffer = new byte[1 << 20];
                long reported = 0;
                int read;
                while ((read = body.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancel.ThrowIfCancellationRequested();
                    hash.AppendData(buffer, 0, read);
                    file.Write(buffer, 0, read);
                    if (header.Length < HeaderPrefixLimit) header.Write(buffer, 0, (int)Math.Min(read, HeaderPrefixLimit - header.Length));
                    received += read;
                    if (received - reported >= 1 << 22 || received == total)
                    {
                        progress?.Invoke(received, total);
                        reported = received;
                    }
                }
                if (total is long length && received != length)
                    throw DownloadFailed(uri, $"the connection ended after {received} of {length} bytes");
                string actual = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
                if (actual != expected)
                    throw new FakETException(ErrorIds.StyleModelChecksumMismatch, FailureKind.InvalidData,
                        $"The download from {uri} has SHA-256 {actual}, not the expected {expected}: it is corrupted or not the file meant. Nothing was installed.");
                CheckIsVgg19(header.ToArray(), received, uri);
            }, cancel);
        }
        catch (HttpRequestException e)
        {
            throw DownloadFailed(uri, e.Message, e);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw DownloadFailed(uri, e.Message, e);
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw DownloadFailed(uri, "the request timed out");
        }
        return new StyleModelInfo(target, expected, received, uri.ToString());
    }

    const long HeaderPrefixLimit = 1 << 20;

    /// <summary>A downloaded file must be safetensors holding VGG-19's first convolution, <c>features.0.weight</c> (64, 3, 3, 3).</summary>
    static void CheckIsVgg19(byte[] prefix, long length, Uri uri)
    {
        if (prefix.Length < 8) throw NotVgg(uri, "it is too short");
        long headerLength = (long)Math.Min(BitConverter.ToUInt64(prefix, 0), long.MaxValue);
        if (headerLength <= 0 || 8 + headerLength > prefix.Length) throw NotVgg(uri, "its header is missing or too large");
        try
        {
            var file = SafeTensorsFile.Parse(FileName, prefix.AsSpan(8, (int)headerLength), length);
            if (!file.Entry("features.0.weight").Shape.SequenceEqual(new long[] { 64, 3, 3, 3 }))
                throw NotVgg(uri, "its features.0.weight is not a (64, 3, 3, 3) convolution");
        }
        catch (FakETException e) when (e.ErrorId != ErrorIds.StyleModelDownloadFailed)
        {
            throw NotVgg(uri, e.Message);
        }
    }

    static FakETException NotVgg(Uri uri, string why) =>
        new(ErrorIds.StyleModelDownloadFailed, FailureKind.InvalidData, $"The file from {uri} is not VGG-19 weights in safetensors form: {why}. Nothing was installed.");

    static FakETException DownloadFailed(Uri uri, string why, Exception? inner = null) =>
        new(ErrorIds.StyleModelDownloadFailed, FailureKind.ResourceUnavailable, $"Downloading {uri} failed: {why}. Nothing was installed; try again.", inner);
}

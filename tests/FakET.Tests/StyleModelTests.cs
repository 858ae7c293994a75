using System.Security.Cryptography;
using FakET.StyleTransfer;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>Tests that point the per-user model cache (an environment variable, process-wide) somewhere else
/// run alone, so no other test sees their cache.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ModelCacheCollection
{
    public const string Name = "Model cache (FAKET_MODEL_CACHE)";
}

/// <summary>Install-StyleModel against a loopback HTTP server, and the cache Invoke-StyleTransfer reads.</summary>
[Collection(ModelCacheCollection.Name)]
[Trait("Tier", "Module")]
public class StyleModelTests : IDisposable
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();
    readonly string? _previousCache = Environment.GetEnvironmentVariable(StyleModelStore.CacheVariable);
    readonly string _cache;
    readonly byte[] _weights;
    readonly string _sha;

    public StyleModelTests()
    {
        _cache = _dir.File("cache");
        Environment.SetEnvironmentVariable(StyleModelStore.CacheVariable, _cache);
        _ps.SetLocation(_dir.Path);
        _weights = File.ReadAllBytes(Repo.Data("vgg19_random.safetensors"));
        _sha = Convert.ToHexString(SHA256.HashData(_weights)).ToLowerInvariant();
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(StyleModelStore.CacheVariable, _previousCache);
        _ps.Dispose();
        _dir.Dispose();
    }

    string[] CacheFiles() => Directory.Exists(_cache) ? Directory.GetFiles(_cache, "*", SearchOption.AllDirectories) : Array.Empty<string>();

    [Fact]
    public void TheCacheFolderFollowsTheEnvironmentVariable()
    {
        Assert.Equal(Path.Combine(_cache, "vgg19.safetensors"), StyleModelStore.InstalledPath);
        Assert.Null(StyleModelStore.FindInstalled());
    }

    [Fact]
    public void AGoodDownloadIsInstalledWithProgressAndBecomesTheDefault()
    {
        using var server = new LoopbackHttpServer(_ => new LoopbackResponse(200, _weights));
        var r = _ps.Run("Install-StyleModel -Uri $u -Sha256 $s", ("u", server.Address("vgg19.safetensors")), ("s", _sha.ToUpperInvariant()));
        Assert.Empty(r.Errors);
        var info = r.Single<StyleModelInfo>();
        Assert.Equal(StyleModelStore.InstalledPath, info.Path);
        Assert.Equal(_sha, info.Sha256);
        Assert.Equal(_weights, File.ReadAllBytes(StyleModelStore.InstalledPath));
        Assert.Single(CacheFiles());
        Assert.Contains(r.Progress, p => p.Activity.StartsWith("Install-StyleModel") && p.StatusDescription.Contains("MiB"));

        // Installed again without -Force: nothing is downloaded.
        var again = _ps.Run("Install-StyleModel -Uri $u -Sha256 $s", ("u", server.Address("vgg19.safetensors")), ("s", _sha));
        Assert.Equal("already installed", again.Single<StyleModelInfo>().Source);
        Assert.Equal(1, server.Requests);

        // Invoke-StyleTransfer now uses the installed weights by default, without a warning, and records their hash.
        File.Copy(Repo.Data("nst_content.mrc"), _dir.File("c.mrc"));
        File.Copy(Repo.Data("nst_style.mrc"), _dir.File("s.mrc"));
        var styled = _ps.Run("Invoke-StyleTransfer (Import-TiltSeries c.mrc) -Style (Import-TiltSeries s.mrc) -TiltRange 0,0 -Weights Pretrained");
        Assert.Empty(styled.Errors);
        Assert.Empty(styled.Warnings);
        Assert.Equal("sha256 " + _sha, styled.Single<TiltSeries>().History[^1].Parameters["Weights"]);
    }

    [Fact]
    public void ACorruptedDownloadIsRejectedAndLeavesNoFile()
    {
        var corrupted = (byte[])_weights.Clone();
        corrupted[corrupted.Length / 2] ^= 0x40;
        using var server = new LoopbackHttpServer(_ => new LoopbackResponse(200, corrupted));
        var r = _ps.Run("Install-StyleModel -Uri $u -Sha256 $s", ("u", server.Address("vgg19.safetensors")), ("s", _sha));
        Assert.Empty(r.Output);
        Assert.Equal(ErrorIds.StyleModelChecksumMismatch, r.SingleError().FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(CacheFiles());
    }

    [Fact]
    public void ABrokenConnectionOrAnHttpErrorLeavesNoFileAndKeepsAnEarlierInstall()
    {
        using var truncated = new LoopbackHttpServer(_ => new LoopbackResponse(200, _weights, SendOnly: _weights.Length / 3));
        var r = _ps.Run("Install-StyleModel -Uri $u -Sha256 $s", ("u", truncated.Address("vgg19.safetensors")), ("s", _sha));
        Assert.Equal(ErrorIds.StyleModelDownloadFailed, r.SingleError().FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(CacheFiles());

        Directory.CreateDirectory(_cache);
        File.WriteAllBytes(StyleModelStore.InstalledPath, new byte[] { 1, 2, 3 });
        using var missing = new LoopbackHttpServer(_ => new LoopbackResponse(404, Array.Empty<byte>()));
        r = _ps.Run("Install-StyleModel -Uri $u -Sha256 $s -Force", ("u", missing.Address("nothing")), ("s", _sha));
        Assert.Equal(ErrorIds.StyleModelDownloadFailed, r.SingleError().FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("404", r.SingleError().Exception.Message);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(StyleModelStore.InstalledPath));
        Assert.Single(CacheFiles());
    }

    [Fact]
    public void AFileThatIsNotVgg19IsNotInstalledEvenWithTheRightChecksum()
    {
        var notWeights = System.Text.Encoding.UTF8.GetBytes("<html>not a model</html>");
        using var server = new LoopbackHttpServer(_ => new LoopbackResponse(200, notWeights));
        string sha = Convert.ToHexString(SHA256.HashData(notWeights));
        var r = _ps.Run("Install-StyleModel $u -Sha256 $s", ("u", server.Address("x")), ("s", sha));
        Assert.Equal(ErrorIds.StyleModelDownloadFailed, r.SingleError().FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(CacheFiles());
    }

    [Fact]
    public void ACustomUriNeedsAChecksumAndWhatIfDownloadsNothing()
    {
        using var server = new LoopbackHttpServer(_ => new LoopbackResponse(200, _weights));
        var r = _ps.Run("Install-StyleModel -Uri $u", ("u", server.Address("vgg19.safetensors")));
        Assert.Equal(ErrorIds.StyleModelChecksumRequired, r.SingleError().FullyQualifiedErrorId.Split(',')[0]);
        r = _ps.Run("Install-StyleModel -Uri $u -Sha256 nothex", ("u", server.Address("vgg19.safetensors")));
        Assert.Equal(ErrorIds.StyleModelChecksumInvalid, r.SingleError().FullyQualifiedErrorId.Split(',')[0]);
        r = _ps.Run("Install-StyleModel -Uri $u -Sha256 $s -WhatIf", ("u", server.Address("vgg19.safetensors")), ("s", _sha));
        Assert.Empty(r.Errors);
        Assert.Equal(0, server.Requests);
        Assert.Empty(CacheFiles());
    }

    [Fact]
    public void WithoutInstalledWeightsTheDefaultIsRandomWithAWarning()
    {
        File.Copy(Repo.Data("nst_content.mrc"), _dir.File("c.mrc"));
        File.Copy(Repo.Data("nst_style.mrc"), _dir.File("s.mrc"));
        var r = _ps.Run("Invoke-StyleTransfer (Import-TiltSeries c.mrc) -Style (Import-TiltSeries s.mrc) -TiltRange 1,1 -Seed 2");
        Assert.Empty(r.Errors);
        var warning = Assert.Single(r.Warnings).Message;
        Assert.Contains("Install-StyleModel", warning);
        Assert.Contains("0.44", warning);
        Assert.Equal("random, seed 2", r.Single<TiltSeries>().History[^1].Parameters["Weights"]);

        var pretrained = _ps.Run("Invoke-StyleTransfer (Import-TiltSeries c.mrc) -Style (Import-TiltSeries s.mrc) -Weights Pretrained");
        Assert.Equal(ErrorIds.StyleModelNotInstalled, pretrained.SingleError().FullyQualifiedErrorId.Split(',')[0]);
    }
}

using FakET.IO;
using FakET.StyleTransfer;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The safetensors reader and the VGG-19 weight loader, on small files the tests write themselves.</summary>
[Trait("Tier", "Engine")]
public class SafeTensorsTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    // Values exactly representable in float16 and bfloat16 (few significant bits), so every dtype must read back exactly.
    static readonly float[] Exact = { 0f, 1f, -2.5f, 0.375f, 96f, -0.0078125f };

    [Theory]
    [InlineData("F32")]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void EveryFloatDTypeReadsBackExactly(string dtype)
    {
        byte[] bytes = dtype switch { "F32" => SafeTensorsWriter.F32(Exact), "F16" => SafeTensorsWriter.F16(Exact), _ => SafeTensorsWriter.BF16(Exact) };
        string path = _dir.File("t.safetensors");
        SafeTensorsWriter.Write(path, new[] { new RawTensor("other", "F32", new long[] { 1 }, SafeTensorsWriter.F32(new[] { 7f })), new RawTensor("x", dtype, new long[] { 2, 3 }, bytes) });
        var file = SafeTensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(new long[] { 2, 3 }, file.Entry("x").Shape);
        Assert.Equal(Exact, file.ReadFloat32("x", new long[] { 2, 3 }));
        Assert.Equal(new[] { 7f }, file.ReadFloat32("other", new long[] { 1 }));
    }

    [Fact]
    public void AMissingTensorIsANamedError()
    {
        string path = _dir.File("t.safetensors");
        SafeTensorsWriter.Write(path, new[] { new RawTensor("a", "F32", new long[] { 1 }, SafeTensorsWriter.F32(new[] { 1f })) });
        var e = Assert.Throws<FakETException>(() => SafeTensorsFile.Open(path).ReadFloat32("features.0.weight", new long[] { 1 }));
        Assert.Equal(ErrorIds.SafeTensorsMissingTensor, e.ErrorId);
        Assert.Contains("features.0.weight", e.Message);
    }

    [Fact]
    public void AWrongShapeIsANamedError()
    {
        string path = _dir.File("t.safetensors");
        SafeTensorsWriter.Write(path, new[] { new RawTensor("a", "F32", new long[] { 2, 2 }, SafeTensorsWriter.F32(new float[4])) });
        var e = Assert.Throws<FakETException>(() => SafeTensorsFile.Open(path).ReadFloat32("a", new long[] { 4 }));
        Assert.Equal(ErrorIds.SafeTensorsShapeMismatch, e.ErrorId);
    }

    [Fact]
    public void AnUnsupportedDTypeIsANamedError()
    {
        string path = _dir.File("t.safetensors");
        SafeTensorsWriter.Write(path, new[] { new RawTensor("a", "I32", new long[] { 2 }, new byte[8]) });
        var e = Assert.Throws<FakETException>(() => SafeTensorsFile.Open(path).ReadFloat32("a", new long[] { 2 }));
        Assert.Equal(ErrorIds.SafeTensorsUnsupportedDType, e.ErrorId);
        Assert.Contains("I32", e.Message);
    }

    [Fact]
    public void OffsetsThatDisagreeWithTheShapeAreANamedError()
    {
        string path = _dir.File("t.safetensors");
        // 3 float32 need 12 bytes; the header claims 8.
        SafeTensorsWriter.Write(path, new[] { new RawTensor("a", "F32", new long[] { 3 }, new byte[12], Offsets: new long[] { 0, 8 }) });
        Assert.Equal(ErrorIds.SafeTensorsSizeMismatch, Assert.Throws<FakETException>(() => SafeTensorsFile.Open(path)).ErrorId);
    }

    [Fact]
    public void ATruncatedFileAndAGarbledHeaderAreNamedErrors()
    {
        string truncated = _dir.File("t.safetensors");
        SafeTensorsWriter.Write(truncated, new[] { new RawTensor("a", "F32", new long[] { 4 }, new byte[16]) }, dropTrailingBytes: 4);
        Assert.Equal(ErrorIds.SafeTensorsTruncated, Assert.Throws<FakETException>(() => SafeTensorsFile.Open(truncated)).ErrorId);

        string garbled = _dir.File("g.safetensors");
        File.WriteAllBytes(garbled, new byte[] { 5, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x', (byte)':', (byte)'[', (byte)'}' });
        Assert.Equal(ErrorIds.SafeTensorsInvalid, Assert.Throws<FakETException>(() => SafeTensorsFile.Open(garbled)).ErrorId);

        string tiny = _dir.File("tiny.safetensors");
        File.WriteAllBytes(tiny, new byte[] { 200, 0, 0 });
        Assert.Equal(ErrorIds.SafeTensorsInvalid, Assert.Throws<FakETException>(() => SafeTensorsFile.Open(tiny)).ErrorId);
    }

    [Fact]
    public void Vgg19WeightsLoadOnlyTheLayersNeededAndNameWhatIsMissing()
    {
        // The first convolution only, in bfloat16: enough for layers 0 and 1, not for layer 2.
        var weight = Enumerable.Range(0, 64 * 3 * 9).Select(i => (float)((i % 17) - 8) / 16).ToArray();
        var bias = Enumerable.Range(0, 64).Select(i => i / 8f).ToArray();
        string path = _dir.File("vgg.safetensors");
        SafeTensorsWriter.Write(path, new[]
        {
            new RawTensor("features.0.weight", "BF16", new long[] { 64, 3, 3, 3 }, SafeTensorsWriter.BF16(weight)),
            new RawTensor("features.0.bias", "F16", new long[] { 64 }, SafeTensorsWriter.F16(bias)),
        });
        var loaded = Vgg19Weights.Load(path, 1);
        Assert.Equal(weight, loaded.Convolutions[0].Weight);
        Assert.Equal(bias, loaded.Convolutions[0].Bias);
        string sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();
        Assert.Equal("sha256 " + sha, loaded.Description);

        var e = Assert.Throws<FakETException>(() => Vgg19Weights.Load(path, 2));
        Assert.Equal(ErrorIds.SafeTensorsMissingTensor, e.ErrorId);
        Assert.Contains("features.2.weight", e.Message);
    }

    [Fact]
    public void Vgg19WeightsOfTheWrongSizeAreRefused()
    {
        string path = _dir.File("vgg.safetensors");
        SafeTensorsWriter.Write(path, new[]
        {
            new RawTensor("features.0.weight", "F32", new long[] { 32, 3, 3, 3 }, SafeTensorsWriter.F32(new float[32 * 27])),
            new RawTensor("features.0.bias", "F32", new long[] { 32 }, SafeTensorsWriter.F32(new float[32])),
        });
        Assert.Equal(ErrorIds.SafeTensorsShapeMismatch, Assert.Throws<FakETException>(() => Vgg19Weights.Load(path, 1)).ErrorId);
    }
}

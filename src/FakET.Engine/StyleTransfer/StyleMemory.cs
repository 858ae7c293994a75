using System.Globalization;
using TorchSharp;

namespace FakET.StyleTransfer;

/// <summary>The style transfer's memory plan: how many batches run at once, and whether (and in which tiles) a tilt is
/// styled in tiles, decided from the sizes before any work.</summary>
public sealed partial class NeuralStyleTransfer
{
    /// <summary>
    /// Working memory per pixel of a tilt being styled on the CPU: 2.0 kB, measured with libtorch 2.10 for the published
    /// layers (through layer 29) from 256² to 2560² (docs/benchmarks.md), 1.3 times what autograd keeps
    /// (<see cref="Vgg19.KeptBytesPerPixel"/>; the rest is the backward pass and libtorch's workspaces); shallower layers
    /// scale it down in proportion.
    /// </summary>
    internal double WorkingBytesPerPixel => MeasuredBytesPerPixel * Vgg19.KeptBytesPerPixel(_depth) / Vgg19.KeptBytesPerPixel(29);
    const double MeasuredBytesPerPixel = 2000;

    /// <summary>Fewer workers at once when memory is short, and tiles (the settings' or, when a whole tilt does not fit,
    /// the largest that fit) instead of whole tilts; fails before any work when even one batch of the smallest tiles and the
    /// output do not fit.</summary>
    (int Workers, int? TileSize) CheckMemory(int count, int batch, int outH, int outW, int workers)
    {
        long outputBytes = (long)count * outH * outW * sizeof(float);
        int? tileSize = _settings.TileSize is { } asked ? StyleTiling.CoreSize(asked, _depth) : null;
        if (Device.type != DeviceType.CPU)
        {
            MemoryBudget.Require(outputBytes, $"Invoke-StyleTransfer needs its {count}×{outH}×{outW} output", "Style fewer tilts at a time (-TiltRange).");
            return (workers, tileSize);
        }
        long? room = MemoryBudget.Available();
        long BatchBytes(int? tile) => tile is { } t
            ? StyleTiling.TiledBytes(outH, outW, batch, t, StyleTiling.HaloFor(_depth), TiledStateBytesPerPixel, WorkingBytesPerPixel)
            : (long)(WorkingBytesPerPixel * batch * outH * outW);
        // Automatic tiles fill at most half of the room beside the output, else the smallest tiles that fit at all: a
        // style transfer that took all the memory free at its start was killed once other work on the machine grew, and
        // tiles of half the size cost little (time ≈ 1.30 × the tiles' area with halos over the image's: 1.29 for 1024-px
        // tiles at 3500², 1.14 for the largest that fit in 20 GB).
        if (tileSize is null && room is { } r && outputBytes + BatchBytes(null) > r)
            tileSize = StyleTiling.ChooseSize((r - outputBytes) / 2, outH, outW, batch, TiledStateBytesPerPixel, WorkingBytesPerPixel, _depth)
                       ?? StyleTiling.ChooseSize(r - outputBytes, outH, outW, batch, TiledStateBytesPerPixel, WorkingBytesPerPixel, _depth)
                       ?? StyleTiling.Alignment(_depth);
        long batchBytes = BatchBytes(tileSize);
        workers = WorkersThatFit(room, outputBytes, batchBytes, workers);
        string what = tileSize is { } tile
            ? $"tiles of {tile}×{tile} pixels (with {StyleTiling.HaloFor(_depth)} pixels of halo on each side) and each tilt's image and optimiser state ({TiledStateBytesPerPixel:0} B a pixel) for {batch} {(batch == 1 ? "tilt" : "tilts")} of {outH}×{outW} pixels at a time"
            : $"{batch} {(batch == 1 ? "tilt" : "tilts")} of {outH}×{outW} pixels at a time";
        long fits = ScaleThatFits(room, outputBytes, TiledStateBytesPerPixel);
        MemoryBudget.Require(outputBytes + workers * batchBytes,
            string.Create(CultureInfo.InvariantCulture, $"Invoke-StyleTransfer needs VGG-19's activations for {what} ") +
            $"({(WorkingBytesPerPixel / 1000).ToString("0.#", CultureInfo.InvariantCulture)} kB a pixel) and its {count}-tilt output",
            $"Style at a smaller working size: with -Scale N the output has N pixels on its longest side{(fits >= Vgg19.MinimumSize(_depth) ? $" (about -Scale {fits} would fit now)" : "")}.");
        return (workers, tileSize);
    }

    /// <summary>Memory per image pixel of a tilt styled in tiles, beside the tile's working memory: the RGB image, its gradient,
    /// Adam's two moments and its step's denominator, the iterate average (3 channels each), the grey content, style and
    /// init and the content target's source (up to 3 channels): 26 float32 values, about 104 B.</summary>
    internal const double TiledStateBytesPerPixel = 26 * sizeof(float);

    static string TilingSummary(int h, int w, int tile)
    {
        int rows = (h + tile - 1) / tile, columns = (w + tile - 1) / tile;
        return string.Create(CultureInfo.InvariantCulture, $"{rows}×{columns} tiles of {tile} px");
    }

    /// <summary>How many of <paramref name="workers"/> batches of <paramref name="batchBytes"/> fit beside the output in
    /// <paramref name="room"/> bytes: at least one (whether one fits is <see cref="MemoryBudget.Require(long, string, string)"/>'s
    /// question), all of them when the available memory is unknown.</summary>
    internal static int WorkersThatFit(long? room, long outputBytes, long batchBytes, int workers) =>
        workers > 1 && room is { } r ? (int)Math.Clamp((r - outputBytes) / Math.Max(1, batchBytes), 1, workers) : workers;

    /// <summary>The square working size (-Scale) whose working memory, at <paramref name="bytesPerPixel"/>, fits beside the
    /// output in <paramref name="room"/> bytes with a tenth to spare, in steps of 32 pixels; 0 when unknown.</summary>
    internal static long ScaleThatFits(long? room, long outputBytes, double bytesPerPixel) =>
        room is { } r ? (long)(Math.Sqrt(0.9 * Math.Max(0, r - outputBytes) / bytesPerPixel) / 32) * 32 : 0;
}

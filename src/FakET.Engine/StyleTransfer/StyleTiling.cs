namespace FakET.StyleTransfer;

/// <summary>One tile: the core it contributes (rows <see cref="Y0"/>…<see cref="Y1"/>, columns <see cref="X0"/>…<see cref="X1"/>,
/// end exclusive) and the input region the network sees, the core plus a halo clipped to the image.</summary>
internal readonly record struct StyleTile(int Y0, int Y1, int X0, int X1, int InY0, int InY1, int InX0, int InX1);

/// <summary>
/// How an image is cut for exact tiled style transfer. Every activation of VGG-19 at a position depends only on a bounded
/// neighbourhood of the input, so a tile's activations are exact wherever the padding at its cut edges (zero padding of
/// the convolutions, replicate padding of the first) has not reached: each convolution moves the inexact margin one
/// position inwards, each 2×2 pooling halves it (rounding up). The halo is that margin at the deepest layer, in input
/// pixels (80 px through relu5_1). Tile origins and halos are multiples of 2^pools (16 through layer 29), so every tile's
/// pooling grid is the image's own; at the image's true edges the tile is not cut, and the network pads as it does for
/// the whole image. Each activation position is owned by exactly one tile: the one whose core holds it.
/// </summary>
internal sealed class StyleTiling
{
    StyleTiling(int height, int width, int size, int halo, IReadOnlyList<StyleTile> tiles)
    {
        Height = height;
        Width = width;
        Size = size;
        Halo = halo;
        Tiles = tiles;
    }

    public int Height { get; }
    public int Width { get; }
    /// <summary>Side of a tile's core in pixels (a multiple of <see cref="Alignment"/>).</summary>
    public int Size { get; }
    /// <summary>Input pixels added on each cut side of a core.</summary>
    public int Halo { get; }
    public IReadOnlyList<StyleTile> Tiles { get; }

    /// <summary>The pooling grid's period through layer <paramref name="depth"/>: 2^pools.</summary>
    public static int Alignment(int depth) => Vgg19.MinimumSize(depth);

    /// <summary>The halo that makes activations through layer <paramref name="depth"/> exact (a multiple of <see cref="Alignment"/>).</summary>
    public static int HaloFor(int depth)
    {
        int inexact = 0, level = 0;
        foreach (var layer in Vgg19.Layers.Where(l => l.Index <= depth))
        {
            if (layer.Kind == VggLayerKind.Convolution) inexact++;
            else if (layer.Kind == VggLayerKind.Pool)
            {
                inexact = (inexact + 1) / 2;
                level++;
            }
        }
        return inexact << level;
    }

    /// <summary>A requested tile side rounded down to the pooling grid (at least one period).</summary>
    public static int CoreSize(int requested, int depth)
    {
        int align = Alignment(depth);
        return Math.Max(align, requested / align * align);
    }

    /// <summary>The tiles of a <paramref name="height"/>×<paramref name="width"/> image with cores of about <paramref name="tileSize"/> px, exact through layer <paramref name="depth"/>.</summary>
    public static StyleTiling For(int height, int width, int tileSize, int depth)
    {
        int size = CoreSize(tileSize, depth), halo = HaloFor(depth);
        var tiles = new List<StyleTile>();
        for (int y = 0; y < height; y += size)
            for (int x = 0; x < width; x += size)
            {
                int y1 = Math.Min(height, y + size), x1 = Math.Min(width, x + size);
                tiles.Add(new StyleTile(y, y1, x, x1, Math.Max(0, y - halo), Math.Min(height, y1 + halo), Math.Max(0, x - halo), Math.Min(width, x1 + halo)));
            }
        return new StyleTiling(height, width, size, halo, tiles);
    }

    /// <summary>The image's (or its activation's) poolings before and at layer <paramref name="layer"/>.</summary>
    public static int Level(int layer) => Vgg19.Layers.Count(l => l.Kind == VggLayerKind.Pool && l.Index <= layer);

    /// <summary>The positions of the image's activation at <paramref name="layer"/> (its area, for the Gram matrix's 1/(H·W)).</summary>
    public long Area(int layer)
    {
        int level = Level(layer);
        return (long)(Height >> level) * (Width >> level);
    }

    /// <summary>The part of tile <paramref name="tile"/>'s activation <paramref name="x"/> (n, C, h, w) at
    /// <paramref name="layer"/> that the tile owns: its core's positions at that layer's resolution (a view).</summary>
    public TorchSharp.torch.Tensor Owned(TorchSharp.torch.Tensor x, StyleTile tile, int layer)
    {
        int level = Level(layer);
        var (row, rows) = Span(tile.Y0, tile.Y1, tile.InY0, Height, level);
        var (col, cols) = Span(tile.X0, tile.X1, tile.InX0, Width, level);
        return x.narrow(2, row, rows).narrow(3, col, cols);
    }

    /// <summary>Start (in the tile's activation) and length of the core [<paramref name="start"/>, <paramref name="end"/>) at
    /// <paramref name="level"/>: a core that ends at the image's edge takes the activation's last (pooling-floored) positions.</summary>
    static (int Start, int Length) Span(int start, int end, int inputStart, int extent, int level)
    {
        int first = start >> level, last = end == extent ? extent >> level : end >> level;
        return (first - (inputStart >> level), last - first);
    }

    /// <summary>
    /// The largest tile side (a multiple of <see cref="Alignment"/>, at most the image's longer side) whose tiled run fits in
    /// <paramref name="room"/> bytes with a tenth to spare: <paramref name="batch"/> tilts, each holding
    /// <paramref name="stateBytesPerPixel"/> per image pixel (image, gradient, optimiser state) and one tile's working memory at
    /// <paramref name="workingBytesPerPixel"/> per tile input pixel. Null when even one period does not fit.
    /// </summary>
    public static int? ChooseSize(long room, int height, int width, int batch, double stateBytesPerPixel, double workingBytesPerPixel, int depth)
    {
        int align = Alignment(depth), halo = HaloFor(depth);
        for (int size = (Math.Max(height, width) + align - 1) / align * align; size >= align; size -= align)
            if (TiledBytes(height, width, batch, size, halo, stateBytesPerPixel, workingBytesPerPixel) <= 0.9 * room) return size;
        return null;
    }

    /// <summary>What a tiled run of <paramref name="batch"/> tilts holds at once (see <see cref="ChooseSize"/>).</summary>
    public static long TiledBytes(int height, int width, int batch, int size, int halo, double stateBytesPerPixel, double workingBytesPerPixel)
    {
        long tilePixels = (long)Math.Min(height, size + 2 * halo) * Math.Min(width, size + 2 * halo);
        return (long)(batch * (stateBytesPerPixel * height * width + workingBytesPerPixel * tilePixels));
    }
}

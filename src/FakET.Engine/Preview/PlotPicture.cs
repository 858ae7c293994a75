using System.Runtime.InteropServices;
using ScottPlot;
using SkiaSharp;

namespace FakET.Preview;

/// <summary>A box of pixels: its top-left corner and size.</summary>
public readonly record struct PixelBox(int Left, int Top, int Width, int Height);

/// <summary>
/// Where one panel of a plot was drawn: its data rectangle in pixel coordinates (continuous: pixel (i, j) covers
/// [i, i + 1) × [j, j + 1)), the axis ranges it shows, and the box of its title.
/// </summary>
public sealed record PlotArea(double Left, double Top, double Width, double Height, (double Min, double Max) X, (double Min, double Max) Y, PixelBox Title)
{
    /// <summary>The pixel coordinate of data x.</summary>
    public double PixelX(double x) => Left + (x - X.Min) / (X.Max - X.Min) * Width;
    /// <summary>The pixel coordinate of data y (rows grow downwards).</summary>
    public double PixelY(double y) => Top + (Y.Max - y) / (Y.Max - Y.Min) * Height;

    internal static PlotArea Of(Plot plot)
    {
        var data = plot.RenderManager.LastRender.DataRect;
        var limits = plot.Axes.GetLimits();
        var title = plot.Axes.Title.Label.LastRenderPixelRect;
        return new PlotArea(data.Left, data.Top, data.Width, data.Height, (limits.Left, limits.Right), (limits.Bottom, limits.Top),
            new PixelBox((int)Math.Floor(title.Left), (int)Math.Floor(title.Top), (int)Math.Ceiling(title.Width), (int)Math.Ceiling(title.Height)));
    }
}

/// <summary>A plot drawn by ScottPlot: its pixels (RGB, row-major, row 0 at the top) and the same picture as PNG
/// (colour type 2, encoded by SkiaSharp).</summary>
public sealed class PlotPicture
{
    PlotPicture(int width, int height, byte[] pixels, byte[] png) => (Width, Height, Pixels, Png) = (width, height, pixels, png);

    public int Width { get; }
    public int Height { get; }
    /// <summary>The pixels, row-major RGB.</summary>
    public byte[] Pixels { get; }
    /// <summary>The picture as a PNG file's bytes.</summary>
    public byte[] Png { get; }

    public Rgb this[int x, int y]
    {
        get
        {
            int at = (y * Width + x) * 3;
            return new Rgb(Pixels[at], Pixels[at + 1], Pixels[at + 2]);
        }
    }

    /// <summary>Lays <paramref name="figure"/> out at this size, as drawing it would, and throws the drawing away: afterwards
    /// each plot's last render says where its data area went.</summary>
    internal static void Layout(Multiplot figure, int width, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not make a {width}×{height} picture.");
        figure.Render(surface.Canvas, new PixelRect(0, width, height, 0));
    }

    /// <summary>Draws <paramref name="figure"/> on a white, opaque <paramref name="width"/> × <paramref name="height"/> picture.</summary>
    internal static PlotPicture Render(Multiplot figure, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var rgba = new byte[checked(width * height * 4)];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using (var surface = SKSurface.Create(info, handle.AddrOfPinnedObject(), width * 4)
                ?? throw new InvalidOperationException($"SkiaSharp could not make a {width}×{height} picture."))
            {
                surface.Canvas.Clear(SKColors.White);
                figure.Render(surface.Canvas, new PixelRect(0, width, height, 0));
                surface.Canvas.Flush();
            }
            // Every plot paints its background white, so the picture is opaque: encode it as RGB.
            using var pixmap = new SKPixmap(info.WithAlphaType(SKAlphaType.Opaque), handle.AddrOfPinnedObject(), width * 4);
            using var png = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6))
                ?? throw new InvalidOperationException("SkiaSharp could not encode the plot as PNG.");
            var rgb = new byte[checked(width * height * 3)];
            for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
            {
                rgb[i] = rgba[j];
                rgb[i + 1] = rgba[j + 1];
                rgb[i + 2] = rgba[j + 2];
            }
            return new PlotPicture(width, height, rgb, png.ToArray());
        }
        finally
        {
            handle.Free();
        }
    }
}

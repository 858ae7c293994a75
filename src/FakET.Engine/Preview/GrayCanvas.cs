using System.Runtime.InteropServices;
using FakET.IO;
using SkiaSharp;

namespace FakET.Preview;

/// <summary>An 8-bit greyscale picture (row-major, row 0 at the top): planes pasted through a contrast (our code, so
/// every grey level is exactly the documented one), labels drawn and the PNG encoded by SkiaSharp.</summary>
public sealed class GrayCanvas
{
    public GrayCanvas(int width, int height, byte background = 0)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "A picture needs a positive size.");
        Width = width;
        Height = height;
        Pixels = new byte[checked(width * height)];
        if (background != 0) Array.Fill(Pixels, background);
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>The grey levels, row-major.</summary>
    public byte[] Pixels { get; }

    public byte this[int x, int y] => Pixels[y * Width + x];

    /// <summary>Draws <paramref name="plane"/> with its top-left corner at (x, y), each value through <paramref name="contrast"/>.</summary>
    public void Paste(Plane plane, PercentileContrast contrast, int x, int y)
    {
        if (x < 0 || y < 0 || x + plane.Width > Width || y + plane.Height > Height)
            throw new ArgumentOutOfRangeException(nameof(plane), "The plane does not fit the picture there.");
        for (int j = 0; j < plane.Height; j++)
        {
            var row = Pixels.AsSpan((y + j) * Width + x, plane.Width);
            for (int i = 0; i < plane.Width; i++) row[i] = contrast.Gray(plane.Values[j * plane.Width + i]);
        }
    }

    /// <summary>Height in pixels of a line of label text at <paramref name="scale"/>: from the top of a capital letter to
    /// the bottom of a descender, in the shipped font (<see cref="PictureStyle.LabelFont"/>).</summary>
    public static int TextHeight(int scale)
    {
        using var font = PictureStyle.LabelFont(scale);
        var metrics = font.Metrics;
        return (int)Math.Ceiling(CapHeight(font) + metrics.Descent);
    }

    static float CapHeight(SKFont font) => font.Metrics.CapHeight > 0 ? font.Metrics.CapHeight : -font.Metrics.Ascent;

    /// <summary>Writes <paramref name="text"/> in grey level <paramref name="value"/>, blended by its coverage over what is there, with
    /// the top of its capitals at row <paramref name="y"/> and its start at column <paramref name="x"/>, in the label font at
    /// <paramref name="scale"/>; ink right of <paramref name="right"/> (exclusive) is left out.</summary>
    public void DrawText(int x, int y, string text, byte value, int scale = 1, int right = int.MaxValue)
    {
        using var font = PictureStyle.LabelFont(scale);
        int left = Math.Max(0, x), end = Math.Min(Width, right);
        int top = Math.Max(0, y), bottom = Math.Min(Height, y + TextHeight(scale) + 1);
        if (text.Length == 0 || left >= end || top >= bottom) return;
        // Coverage of the text, drawn by SkiaSharp into an alpha mask of the box it may ink.
        using var mask = new SKBitmap(new SKImageInfo(end - left, bottom - top, SKColorType.Alpha8, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(mask))
        using (var paint = new SKPaint { Color = SKColors.White, IsAntialias = true })
        {
            canvas.Clear(SKColors.Transparent);
            canvas.DrawText(text, x - left, y - top + (float)Math.Round(CapHeight(font)), font, paint);
        }
        var coverage = mask.GetPixelSpan();
        int stride = mask.RowBytes;
        for (int j = 0; j < bottom - top; j++)
        {
            var row = Pixels.AsSpan((top + j) * Width + left, end - left);
            for (int i = 0; i < row.Length; i++)
            {
                int a = coverage[j * stride + i];
                if (a != 0) row[i] = (byte)((row[i] * (255 - a) + value * a + 127) / 255);
            }
        }
    }

    /// <summary>Writes the picture as a greyscale PNG (colour type 0) to <paramref name="path"/>, atomically.</summary>
    public void Write(string path, CancellationToken cancel = default)
    {
        var png = EncodePng();
        AtomicFile.Write(path, stream => stream.Write(png), cancel);
    }

    /// <summary>The picture as a greyscale PNG file's bytes, encoded by SkiaSharp.</summary>
    public byte[] EncodePng()
    {
        var handle = GCHandle.Alloc(Pixels, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(new SKImageInfo(Width, Height, SKColorType.Gray8, SKAlphaType.Opaque), handle.AddrOfPinnedObject(), Width);
            using var png = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6))
                ?? throw new InvalidOperationException("SkiaSharp could not encode the preview as PNG.");
            return png.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }
}

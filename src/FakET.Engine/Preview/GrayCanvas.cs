using FakET.IO;

namespace FakET.Preview;

/// <summary>An 8-bit greyscale picture (row-major, row 0 at the top): planes pasted through a contrast, labels in the
/// bitmap font, written as a greyscale PNG.</summary>
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

    /// <summary>Writes <paramref name="text"/> in grey level <paramref name="value"/>, top-left corner at (x, y), each font
    /// pixel <paramref name="scale"/>² pixels; ink right of <paramref name="right"/> (exclusive) is left out.</summary>
    public void DrawText(int x, int y, string text, byte value, int scale = 1, int right = int.MaxValue) =>
        BitmapFont.Ink(text, (i, j, c) =>
        {
            int left = x + (c * BitmapFont.Advance + i) * scale, top = y + j * scale;
            for (int b = Math.Max(0, top); b < Math.Min(Height, top + scale); b++)
                for (int a = Math.Max(0, left); a < Math.Min(Math.Min(Width, right), left + scale); a++)
                    Pixels[b * Width + a] = value;
        });

    /// <summary>Writes the picture as a greyscale PNG to <paramref name="path"/>, atomically.</summary>
    public void Write(string path, CancellationToken cancel = default) =>
        AtomicFile.Write(path, stream => PngFile.WriteGray(stream, Pixels, Width, Height), cancel);
}

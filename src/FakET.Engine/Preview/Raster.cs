namespace FakET.Preview;

/// <summary>An 8-bit RGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static readonly Rgb White = new(255, 255, 255);
    public static readonly Rgb Black = new(0, 0, 0);
    public static readonly Rgb Grey = new(128, 128, 128);
    public static readonly Rgb LightGrey = new(225, 225, 225);
}

/// <summary>
/// An RGB image in memory (row-major, 3 bytes a pixel, y down) with the few drawing operations plots need:
/// rectangles, thick lines, point markers and text in a built-in bitmap font. Drawing outside the image is clipped.
/// </summary>
public sealed class Raster
{
    public Raster(int width, int height, Rgb background)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "An image needs a positive size.");
        Width = width;
        Height = height;
        Pixels = new byte[checked(width * height * 3)];
        FillRectangle(0, 0, width, height, background);
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>The pixels, row-major RGB.</summary>
    public byte[] Pixels { get; }

    public Rgb this[int x, int y]
    {
        get
        {
            int at = (y * Width + x) * 3;
            return new Rgb(Pixels[at], Pixels[at + 1], Pixels[at + 2]);
        }
    }

    public void Set(int x, int y, Rgb colour)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int at = (y * Width + x) * 3;
        Pixels[at] = colour.R;
        Pixels[at + 1] = colour.G;
        Pixels[at + 2] = colour.B;
    }

    /// <summary>Fills the rectangle with corner (x, y) and the given size.</summary>
    public void FillRectangle(int x, int y, int width, int height, Rgb colour)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y), x1 = Math.Min(Width, x + width), y1 = Math.Min(Height, y + height);
        for (int j = y0; j < y1; j++)
            for (int i = x0; i < x1; i++) Set(i, j, colour);
    }

    /// <summary>The outline of a rectangle, one pixel wide.</summary>
    public void DrawRectangle(int x, int y, int width, int height, Rgb colour)
    {
        FillRectangle(x, y, width, 1, colour);
        FillRectangle(x, y + height - 1, width, 1, colour);
        FillRectangle(x, y, 1, height, colour);
        FillRectangle(x + width - 1, y, 1, height, colour);
    }

    /// <summary>A straight line from (x0, y0) to (x1, y1), <paramref name="thickness"/> pixels wide (Bresenham, square pen).</summary>
    public void DrawLine(double x0, double y0, double x1, double y1, Rgb colour, int thickness = 1)
    {
        int ax = (int)Math.Round(x0), ay = (int)Math.Round(y0), bx = (int)Math.Round(x1), by = (int)Math.Round(y1);
        int dx = Math.Abs(bx - ax), dy = -Math.Abs(by - ay), sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1, error = dx + dy;
        int half = (thickness - 1) / 2;
        while (true)
        {
            FillRectangle(ax - half, ay - half, thickness, thickness, colour);
            if (ax == bx && ay == by) break;
            int e2 = 2 * error;
            if (e2 >= dy) { error += dy; ax += sx; }
            if (e2 <= dx) { error += dx; ay += sy; }
        }
    }

    /// <summary>A filled disc of <paramref name="radius"/> pixels centred on (x, y).</summary>
    public void FillCircle(double x, double y, double radius, Rgb colour)
    {
        int cx = (int)Math.Round(x), cy = (int)Math.Round(y), r = (int)Math.Ceiling(radius);
        for (int j = -r; j <= r; j++)
            for (int i = -r; i <= r; i++)
                if (i * i + j * j <= radius * radius + 0.5) Set(cx + i, cy + j, colour);
    }

    /// <summary>Writes <paramref name="text"/> with its top-left corner at (x, y), each font pixel
    /// <paramref name="scale"/>×<paramref name="scale"/> image pixels.</summary>
    public void DrawText(int x, int y, string text, Rgb colour, int scale = 1) =>
        BitmapFont.Ink(text, (i, j, c) => FillRectangle(x + (c * BitmapFont.Advance + i) * scale, y + j * scale, scale, scale, colour));

    /// <summary>Writes <paramref name="text"/> turned 90° anticlockwise (reading upwards), its baseline's start at (x, y).</summary>
    public void DrawTextUpwards(int x, int y, string text, Rgb colour, int scale = 1) =>
        BitmapFont.Ink(text, (i, j, c) => FillRectangle(x + j * scale, y - (c * BitmapFont.Advance + i + 1) * scale, scale, scale, colour));

    /// <summary>Width in pixels that <paramref name="text"/> takes at <paramref name="scale"/>.</summary>
    public static int TextWidth(string text, int scale = 1) =>
        text.Length == 0 ? 0 : (text.Length * BitmapFont.Advance - (BitmapFont.Advance - BitmapFont.GlyphWidth)) * scale;

    /// <summary>Height in pixels of a line of text at <paramref name="scale"/>.</summary>
    public static int TextHeight(int scale = 1) => BitmapFont.GlyphHeight * scale;
}

namespace FakET.Tests.Support;

/// <summary>Test data made on the spot: smooth random images, so that tests do not depend on files.</summary>
public static class Synthetic
{
    /// <summary>Evenly spaced angles from −max to +max.</summary>
    public static double[] Angles(int count, double max = 60) =>
        Enumerable.Range(0, count).Select(i => count == 1 ? 0 : -max + 2 * max * i / (count - 1)).ToArray();

    /// <summary>A tilt series of smooth random images: white noise blurred by a box of
    /// 2·<paramref name="blur"/>+1 pixels (in x and y), plus a per-tilt offset.</summary>
    public static TiltSeries Smooth(int tilts, int height, int width, int seed, int blur = 2, double pixelSize = 10)
    {
        var random = new Random(seed);
        var sections = new float[tilts][];
        for (int t = 0; t < tilts; t++)
        {
            var noise = new double[height * width];
            for (int p = 0; p < noise.Length; p++) noise[p] = random.NextDouble() - 0.5;
            var rows = new double[height * width];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double s = 0;
                    for (int d = -blur; d <= blur; d++) s += noise[y * width + (x + d + width) % width];
                    rows[y * width + x] = s;
                }
            var image = new float[height * width];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double s = 0;
                    for (int d = -blur; d <= blur; d++) s += rows[((y + d + height) % height) * width + x];
                    image[y * width + x] = (float)(s + 3 * t);
                }
            sections[t] = image;
        }
        return new TiltSeries(sections, height, width, Angles(tilts), pixelSize);
    }

    /// <summary>A tilt series of independent standard normal pixels.</summary>
    public static TiltSeries WhiteNoise(int tilts, int height, int width, int seed, double pixelSize = 10, double[]? angles = null)
    {
        var random = new Random(seed);
        var sections = Enumerable.Range(0, tilts).Select(_ => Enumerable.Range(0, height * width)
            .Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray()).ToArray();
        return new TiltSeries(sections, height, width, angles ?? Angles(tilts), pixelSize);
    }

    /// <summary>A series whose every pixel holds <paramref name="value"/>.</summary>
    public static TiltSeries Constant(int tilts, int height, int width, float value, double pixelSize = 10, double[]? angles = null) =>
        new(Enumerable.Range(0, tilts).Select(_ => Enumerable.Repeat(value, height * width).ToArray()).ToArray(), height, width,
            angles ?? Angles(tilts), pixelSize);
}

using FakET.Preview;

namespace FakET.StyleTransfer;

/// <summary>
/// Which style tilt each content tilt takes its style from. A style series with the content's tilts (the same count,
/// and the same angles where both have them, to 0.01°) pairs tilt by tilt, as the published method does. One with
/// another tilt scheme (real data rarely match a simulation's) pairs each content tilt with the style tilt nearest in
/// angle (<see cref="StackPreview.NearestTilt"/>, the first of equals); that needs angles on both.
/// </summary>
public static class StyleTiltPairing
{
    /// <summary>Style tilt index per content tilt.</summary>
    /// <exception cref="FakETException"><see cref="ErrorIds.StyleTransferSeriesMismatch"/> when the tilts differ and
    /// either series has no angles.</exception>
    public static int[] Pair(TiltSeries content, TiltSeries style)
    {
        var (a, b) = (content.TiltAngles, style.TiltAngles);
        bool sameTilts = content.TiltCount == style.TiltCount && (a is null || b is null || a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 0.01));
        if (sameTilts) return Enumerable.Range(0, content.TiltCount).ToArray();
        if (a is null || b is null)
            throw new FakETException(ErrorIds.StyleTransferSeriesMismatch, FailureKind.InvalidArgument,
                $"The style series has {style.TiltCount} tilts and the content {content.TiltCount}; to pair each content tilt with the style " +
                "tilt nearest in angle, both need tilt angles (Import-TiltSeries -TiltAngles or a .tlt file).");
        return a.Select(angle => StackPreview.NearestTilt(style, angle)).ToArray();
    }

    /// <summary>The style series laid out as the content's tilts: tilt i is style tilt <paramref name="pairing"/>[i]
    /// (the arrays are shared, not copied).</summary>
    public static TiltSeries Arrange(TiltSeries style, IReadOnlyList<int> pairing)
    {
        if (ByIndex(style, pairing)) return style;
        var angles = style.TiltAngles is { } s ? pairing.Select(j => s[j]).ToArray() : null;
        return new TiltSeries(pairing.Select(style.Tilt).ToArray(), style.Height, style.Width, angles, style.PixelSize, style.History)
        {
            Origin = style.Origin,
        };
    }

    /// <summary>Whether <paramref name="pairing"/> is the tilt-by-tilt one of a style with the content's tilts.</summary>
    public static bool ByIndex(TiltSeries style, IReadOnlyList<int> pairing) =>
        pairing.Count == style.TiltCount && pairing.Select((j, i) => j == i).All(same => same);
}

using System.Globalization;

namespace FakET;

/// <summary>
/// What a tilt angle and a tilt series' number of tilts may be, checked in one place for every way angles come in
/// (a <c>.tlt</c> or alignment file, <c>-TiltAngles</c>, <c>-TiltRange</c>, a noise profile, a new series): a finite
/// number of degrees in [−90°, +90°] (a tilt beyond ±90° is the same projection seen from the other side, and 720° or
/// 1e308 is a typing or unit error), and at most <see cref="MaxCount"/> tilts.
/// </summary>
public static class TiltAngleLimits
{
    /// <summary>The largest tilt angle, in degrees, either way.</summary>
    public const double MaxDegrees = 90;

    /// <summary>The most tilts a series may have: 0.05° apart over all of −90°…+90°, far more than any acquisition
    /// (SHREC's has 61, a 1° scheme 181); more is a typing error that would run for hours.</summary>
    public const int MaxCount = 3601;

    /// <summary>Why <paramref name="angle"/> is no tilt angle, or <c>null</c> when it is one.</summary>
    public static string? Problem(double angle) =>
        !double.IsFinite(angle) ? $"{Text(angle)} is not a finite number of degrees"
        : Math.Abs(angle) > MaxDegrees ? $"{Text(angle)}° is outside the valid range −90°…+90°"
        : null;

    /// <summary>Throws <see cref="ErrorIds.TiltAngleInvalid"/> for the first angle out of range or a count over
    /// <see cref="MaxCount"/>; <paramref name="source"/> names where the angles came from (e.g. "-TiltAngles").</summary>
    public static void Check(IReadOnlyList<double> angles, string source)
    {
        ArgumentNullException.ThrowIfNull(angles);
        CheckCount(angles.Count, source);
        for (int i = 0; i < angles.Count; i++)
            if (Problem(angles[i]) is { } why)
                throw new FakETException(ErrorIds.TiltAngleInvalid, FailureKind.InvalidArgument,
                    $"{source}: tilt angle {i + 1} of {angles.Count}: {why}.");
    }

    /// <summary>Throws <see cref="ErrorIds.TiltCountTooLarge"/> when <paramref name="count"/> is over <see cref="MaxCount"/>.</summary>
    public static void CheckCount(long count, string source)
    {
        if (count > MaxCount)
            throw new FakETException(ErrorIds.TiltCountTooLarge, FailureKind.LimitsExceeded,
                $"{source}: {count} tilts is more than the {MaxCount} a tilt series may have (0.05° apart over −90°…+90°); use fewer angles or a larger step.");
    }

    static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

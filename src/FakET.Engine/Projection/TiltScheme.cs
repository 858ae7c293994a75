namespace FakET.Projection;

/// <summary>Tilt angles: ranges, and the dose-symmetric acquisition order.</summary>
public static class TiltScheme
{
    /// <summary>first, first + step, … up to last (inclusive, within a millionth of a step).
    /// SHREC's tilt scheme, −60…60 by 2, gives 61 tilts.</summary>
    public static double[] Range(double first, double last, double step)
    {
        if (!double.IsFinite(first) || !double.IsFinite(last) || !(step > 0) || !double.IsFinite(step) || last < first)
            throw new FakETException(ErrorIds.TiltAngleInvalid, FailureKind.InvalidArgument,
                $"A tilt range needs finite first ≤ last and a positive step; got {first}…{last} by {step}.");
        TiltAngleLimits.Check(new[] { first, last }, "-TiltRange");
        long count = (long)Math.Floor((last - first) / step + 1e-6) + 1;
        TiltAngleLimits.CheckCount(count, $"{first}…{last} by {step}");
        // Multiply rather than accumulate, so that −60 + 20·3 is exactly 0.
        return Enumerable.Range(0, (int)count).Select(i => Math.Round(first + i * step, 10)).ToArray();
    }

    /// <summary>
    /// Hagen's dose-symmetric order (Hagen, Wan &amp; Briggs 2017): from the angle nearest 0°, alternate between the
    /// positive and the negative side in groups of <paramref name="group"/> tilts, starting with the start angle
    /// and the next positive one; when one side is done, the rest of the other follows.
    /// With −9…9 by 3 and groups of 2: 0, 3, −3, −6, 6, 9, −9.
    /// </summary>
    public static double[] DoseSymmetric(IEnumerable<double> angles, int group = 2)
    {
        if (group < 1) throw new FakETException(ErrorIds.TiltAngleInvalid, FailureKind.InvalidArgument, "The dose-symmetric group size must be at least 1.");
        var sorted = angles.Order().ToArray();
        if (sorted.Length == 0) return sorted;
        int start = 0;
        for (int i = 1; i < sorted.Length; i++)
            if (Math.Abs(sorted[i]) < Math.Abs(sorted[start])) start = i;
        var positive = new Queue<double>(sorted.Skip(start));
        var negative = new Queue<double>(sorted.Take(start).Reverse());
        var order = new List<double>(sorted.Length);
        bool onPositive = true;
        while (positive.Count > 0 || negative.Count > 0)
        {
            var side = onPositive ? positive : negative;
            for (int k = 0; k < group && side.Count > 0; k++) order.Add(side.Dequeue());
            onPositive = !onPositive;
        }
        return order.ToArray();
    }
}

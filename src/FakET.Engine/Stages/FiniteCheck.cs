using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using FakET.Noise;

namespace FakET.Stages;

/// <summary>
/// NaN and infinity never pass a stage silently: the stage contract (<see cref="Stage{TInput, TOptions, TOutput}.Run"/>)
/// checks every stage's input, its options (numbers, lists of numbers, and the series and profiles they hold) and its
/// output once, and the first value that is not finite is the error <see cref="ErrorIds.NonFiniteData"/>, which names the
/// stage, the tilt or section and pixel, and where the data came from. One pass over the data at memory speed (a
/// vector of x·0 is NaN exactly where x is NaN or ±∞); the exact place is looked for only when there is one.
/// </summary>
public static class FiniteCheck
{
    /// <summary>Throws <see cref="ErrorIds.NonFiniteData"/> when <paramref name="value"/> (an input, an output or an
    /// option's value) holds a number that is not finite. <paramref name="what"/> says what it is to the stage
    /// ("the input", "the output", "-Reference").</summary>
    public static void Value(object? value, string stage, string what)
    {
        switch (value)
        {
            case null or string or bool or int or long or Enum:
                return;
            case double d:
                if (!double.IsFinite(d)) throw NonFinite(stage, $"{what} is {Text(d)}", "a parameter");
                return;
            case float f:
                if (!float.IsFinite(f)) throw NonFinite(stage, $"{what} is {Text(f)}", "a parameter");
                return;
            case ImageStack stack:
                Stack(stack, stage, what);
                return;
            case NoiseProfile or NoiseCurves:
                Curves(value is NoiseProfile p ? p.Values : (NoiseCurves)value, stage, what);
                return;
            case IEnumerable<double> numbers:
                int i = 0;
                foreach (var n in numbers)
                {
                    if (!double.IsFinite(n)) throw NonFinite(stage, $"{what}, value {i + 1}, is {Text(n)}", "a parameter");
                    i++;
                }
                return;
            case IEnumerable items when value is not IDictionary:
                int k = 0;
                foreach (var item in items) Value(item, stage, $"{what}, item {++k}");
                return;
        }
    }

    /// <summary>Checks every option of <paramref name="options"/> with <see cref="Value"/>, by its name.</summary>
    public static void Options(StageOptions options, string stage)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (property.GetIndexParameters().Length == 0)
                Value(property.GetValue(options), stage, "-" + property.Name);
    }

    /// <summary>Throws <see cref="ErrorIds.NonFiniteData"/> at the first pixel of <paramref name="stack"/> that is NaN or ±∞.</summary>
    public static void Stack(ImageStack stack, string stage, string what)
    {
        var sections = stack.GetSections();
        for (int s = 0; s < sections.Count; s++)
        {
            int at = FirstNonFinite(sections[s]);
            if (at < 0) continue;
            string unit = stack is TiltSeries ? "tilt" : "section Z";
            string pixel = stack is TiltSeries ? "pixel" : "voxel";
            throw NonFinite(stage,
                $"{what}, {unit} {s} of {sections.Count}, {pixel} (y {at / stack.Width}, x {at % stack.Width}), is {Text(sections[s][at])}",
                stack.Provenance is { Length: > 0 } source ? source : "made in this session");
        }
    }

    static void Curves(NoiseCurves curves, string stage, string what)
    {
        var all = curves.All;
        for (int c = 0; c < all.Length; c++)
            for (int i = 0; i < all[c].Count; i++)
                if (!double.IsFinite(all[c][i]))
                    throw NonFinite(stage, $"{what}, {NoiseCurves.Names[c]} of tilt {i}, is {Text(all[c][i])}",
                        curves.Source is { Length: > 0 } source ? source : "a noise profile");
    }

    /// <summary>The index of the first value that is NaN or ±∞, or −1.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            // x·0 is 0 for every finite x and NaN for NaN and ±∞; a block's sum stays NaN once one is.
            const int block = 1024;
            for (int start = 0; start < vectors.Length; start += block)
            {
                var sum = Vector<float>.Zero;
                int end = Math.Min(vectors.Length, start + block);
                for (int v = start; v < end; v++) sum += vectors[v] * Vector<float>.Zero;
                if (Vector.EqualsAll(sum, Vector<float>.Zero)) continue;
                for (int j = start * Vector<float>.Count; j < end * Vector<float>.Count; j++)
                    if (!float.IsFinite(values[j])) return j;
            }
            i = vectors.Length * Vector<float>.Count;
        }
        for (; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    static FakETException NonFinite(string stage, string where, string source) =>
        new(ErrorIds.NonFiniteData, FailureKind.InvalidData, $"{stage}: {where} (source: {source}); NaN and infinity are not data a stage can use.");

    static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}

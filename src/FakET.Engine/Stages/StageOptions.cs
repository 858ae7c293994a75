using System.Collections;
using System.Reflection;

namespace FakET.Stages;

/// <summary>Leaves an option out of the history: it changes how a stage runs (memory, batching), never its result.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotInHistoryAttribute : Attribute { }

/// <summary>
/// The typed options of one stage. Every public property is an option; <see cref="ToHistory"/> turns them into the
/// history's parameters in one way for every stage, so a history lists exactly the options a result was made with.
/// </summary>
public abstract record StageOptions
{
    /// <summary>Checks every option; throws a <see cref="FakETException"/> that names the one out of range.</summary>
    public virtual void Validate() { }

    /// <summary>
    /// The options as plain values, by property name: numbers, strings and booleans as they are, enums by name, lists as
    /// arrays, and the data objects a stage takes as options (a style series, a noise profile) by where they came from.
    /// Properties marked <see cref="NotInHistoryAttribute"/> are left out.
    /// </summary>
    public Dictionary<string, object?> ToHistory()
    {
        var parameters = new Dictionary<string, object?>();
        foreach (var property in GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.IsDefined(typeof(NotInHistoryAttribute))) continue;
            parameters[property.Name] = Plain(property.GetValue(this));
        }
        return parameters;
    }

    /// <summary>A value as the history stores it.</summary>
    public static object? Plain(object? value) => value switch
    {
        null => null,
        string or bool or int or long or double or float => value,
        Enum e => e.ToString(),
        ImageStack stack => stack.Provenance,
        IEnumerable<double> numbers => numbers.ToArray(),
        IEnumerable<int> numbers => numbers.ToArray(),
        IEnumerable<string> texts => texts.ToArray(),
        IDictionary => value.ToString(),
        IEnumerable items => items.Cast<object?>().Select(Plain).ToArray(),
        ValueTuple<int, int> pair => new[] { pair.Item1, pair.Item2 },
        _ => value.ToString(),
    };
}

using System.Collections.ObjectModel;
using System.Reflection;

namespace FakET.Build.Help;

/// <summary>How a parameter takes part in one parameter set (one [Parameter] attribute).</summary>
sealed record ParameterUse(string Set, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

/// <summary>A cmdlet parameter as the [Parameter] attributes and the member's type declare it.</summary>
sealed record CmdletParameter(
    string Name,
    string DocId,
    string DeclaringType,
    string TypeName,
    string TypeFullName,
    bool IsSwitch,
    IReadOnlyList<string> Aliases,
    bool Globbing,
    bool VariableLength,
    IReadOnlyList<string> ValidValues,
    IReadOnlyList<ParameterUse> Uses);

/// <summary>A type a cmdlet writes, from its [OutputType] attributes.</summary>
sealed record OutputTypeInfo(string FullName, string? Summary);

/// <summary>A public cmdlet class as its metadata declares it.</summary>
sealed record CmdletInfo(
    string Verb,
    string Noun,
    string ClassName,
    string DocId,
    bool SupportsShouldProcess,
    string? DefaultParameterSet,
    IReadOnlyList<CmdletParameter> Parameters,
    IReadOnlyList<OutputTypeInfo> Outputs)
{
    public string Name => Verb + "-" + Noun;
}

/// <summary>
/// Reads the cmdlets of an assembly through <see cref="MetadataLoadContext"/>: attributes and member types
/// are inspected as metadata, so no PowerShell (nor the module's engine) is loaded into the build.
/// </summary>
static class CmdletMetadata
{
    const string Sma = "System.Management.Automation.";
    const string AllSets = "__AllParameterSets";

    public static IReadOnlyList<CmdletInfo> Read(string assemblyPath, IEnumerable<string> references)
    {
        // One file per assembly name, the first given winning: the resolver refuses two files of one identity.
        var paths = references.Prepend(assemblyPath).Where(File.Exists).Select(Path.GetFullPath)
            .DistinctBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase).ToList();
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths));
        var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
        var docs = new Dictionary<string, DocComments?>();
        return assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsAbstract)
            .Select(t => (Type: t, Cmdlet: Attribute(t, "CmdletAttribute")))
            .Where(c => c.Cmdlet is not null)
            .Select(c => Describe(c.Type, c.Cmdlet!, docs))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    static CmdletInfo Describe(Type type, CustomAttributeData cmdlet, Dictionary<string, DocComments?> docs)
    {
        return new CmdletInfo(
            Verb: (string)cmdlet.ConstructorArguments[0].Value!,
            Noun: (string)cmdlet.ConstructorArguments[1].Value!,
            ClassName: type.Name,
            DocId: "T:" + DocName(type),
            SupportsShouldProcess: Named(cmdlet, "SupportsShouldProcess") is true,
            DefaultParameterSet: Named(cmdlet, "DefaultParameterSetName") as string,
            Parameters: Parameters(type),
            Outputs: Outputs(type, docs));
    }

    /// <summary>Parameters in declaration order, base classes first; a member a derived class redeclares replaces the base's.</summary>
    static List<CmdletParameter> Parameters(Type type)
    {
        var chain = new List<Type>();
        for (var t = type; t is not null && t.FullName?.StartsWith(Sma, StringComparison.Ordinal) != true; t = t.BaseType) chain.Insert(0, t);
        var result = new List<CmdletParameter>();
        const BindingFlags declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var t in chain)
        {
            var members = t.GetProperties(declared).Select(p => (Member: (MemberInfo)p, p.PropertyType, Prefix: "P:"))
                .Concat(t.GetFields(declared).Select(f => (Member: (MemberInfo)f, f.FieldType, Prefix: "F:")))
                .OrderBy(m => m.Member.MetadataToken);
            foreach (var (member, memberType, prefix) in members)
            {
                var uses = member.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + "ParameterAttribute").Select(Use).ToList();
                if (uses.Count == 0) continue;
                result.RemoveAll(p => p.Name == member.Name);
                result.Add(Parameter(member, memberType, prefix, uses));
            }
        }
        return result;
    }

    static ParameterUse Use(CustomAttributeData parameter) => new(
        Set: Named(parameter, "ParameterSetName") as string ?? AllSets,
        Mandatory: Named(parameter, "Mandatory") is true,
        Position: Named(parameter, "Position") is int p && p != int.MinValue ? p : null,
        ByValue: Named(parameter, "ValueFromPipeline") is true,
        ByPropertyName: Named(parameter, "ValueFromPipelineByPropertyName") is true);

    static CmdletParameter Parameter(MemberInfo member, Type memberType, string prefix, List<ParameterUse> uses)
    {
        var aliases = member.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + "AliasAttribute")
            .SelectMany(a => Strings(a.ConstructorArguments)).ToList();
        var validateSet = member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == Sma + "ValidateSetAttribute");
        var valueType = memberType.IsArray ? memberType.GetElementType()! : memberType;
        valueType = NullableOf(valueType) ?? valueType;
        IReadOnlyList<string> valid = validateSet is not null ? Strings(validateSet.ConstructorArguments).ToList()
            : valueType.IsEnum ? valueType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToList()
            : Array.Empty<string>();
        return new CmdletParameter(
            Name: member.Name,
            DocId: prefix + DocName(member.DeclaringType!) + "." + member.Name,
            DeclaringType: member.DeclaringType!.Name,
            TypeName: Display(memberType),
            TypeFullName: FullDisplay(memberType),
            IsSwitch: memberType.FullName == Sma + "SwitchParameter",
            Aliases: aliases,
            Globbing: member.GetCustomAttributesData().Any(a => a.AttributeType.FullName == Sma + "SupportsWildcardsAttribute"),
            VariableLength: memberType.IsArray,
            ValidValues: valid,
            Uses: uses);
    }

    static List<OutputTypeInfo> Outputs(Type type, Dictionary<string, DocComments?> docs)
    {
        var result = new List<OutputTypeInfo>();
        foreach (var output in type.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + "OutputTypeAttribute"))
        {
            foreach (var argument in output.ConstructorArguments.SelectMany(Flatten))
            {
                if (argument.Value is Type t) result.Add(new OutputTypeInfo(FullDisplay(t), TypeSummary(t, docs)));
                else if (argument.Value is string name) result.Add(new OutputTypeInfo(name, null));
            }
        }
        return result.DistinctBy(o => o.FullName).ToList();
    }

    /// <summary>The summary of a type from the XML documentation beside its assembly, when there is one.</summary>
    static string? TypeSummary(Type type, Dictionary<string, DocComments?> docs)
    {
        string location = type.Assembly.Location;
        if (!docs.TryGetValue(location, out var comments))
        {
            string xml = Path.ChangeExtension(location, ".xml");
            docs[location] = comments = location.Length > 0 && File.Exists(xml) ? DocComments.Load(xml) : null;
        }
        return comments?.Summary("T:" + DocName(type));
    }

    static CustomAttributeData? Attribute(Type type, string name) =>
        type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == Sma + name);

    static object? Named(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.MemberName == name).TypedValue.Value;

    static IEnumerable<CustomAttributeTypedArgument> Flatten(CustomAttributeTypedArgument argument) =>
        argument.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items ? items : new[] { argument };

    static IEnumerable<string> Strings(IEnumerable<CustomAttributeTypedArgument> arguments) =>
        arguments.SelectMany(Flatten).Select(a => a.Value).OfType<string>();

    static Type? NullableOf(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? type.GetGenericArguments()[0] : null;

    /// <summary>The name documentation IDs use: namespace and nested types joined by dots.</summary>
    static string DocName(Type type) => type.FullName!.Replace('+', '.');

    /// <summary>Short type name as help shows it: String[], Double, TiltSeries, Dictionary[String,Double].</summary>
    static string Display(Type type) => Name(type, full: false);

    static string FullDisplay(Type type) => Name(type, full: true);

    static string Name(Type type, bool full)
    {
        if (type.IsArray) return Name(type.GetElementType()!, full) + "[]";
        if (NullableOf(type) is { } inner) return Name(inner, full);
        string name = full ? (type.Namespace is { Length: > 0 } ns ? ns + "." : "") + type.Name : type.Name;
        if (!type.IsGenericType) return name;
        return name[..name.IndexOf('`')] + "[" + string.Join(",", type.GetGenericArguments().Select(a => Name(a, full))) + "]";
    }
}

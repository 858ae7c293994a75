using System.Xml.Linq;

namespace FakET.Build.Help;

/// <summary>A cmdlet with the help text its doc comments give it.</summary>
sealed record CmdletHelp(
    CmdletInfo Cmdlet,
    string Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<DocExample> Examples,
    IReadOnlyDictionary<string, IReadOnlyList<string>> ParameterDescriptions);

/// <summary>
/// Writes MAML as PowerShell's Get-Help reads it from &lt;module&gt;/&lt;culture&gt;/&lt;assembly&gt;-Help.xml:
/// one command:command per cmdlet with details, description, syntax (one item per parameter set),
/// parameters, input and output types and examples.
/// </summary>
static class MamlWriter
{
    static readonly XNamespace Msh = "http://msh";
    static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    const string AllSets = "__AllParameterSets";

    public static XDocument Write(IEnumerable<CmdletHelp> cmdlets) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
                new XAttribute(XNamespace.Xmlns + "maml", Maml),
                new XAttribute(XNamespace.Xmlns + "command", Command),
                new XAttribute(XNamespace.Xmlns + "dev", Dev),
                cmdlets.Select(CommandElement)));

    static XElement CommandElement(CmdletHelp help)
    {
        var c = help.Cmdlet;
        var parameters = c.Parameters.Select(p => (Parameter: p, Description: help.ParameterDescriptions[p.Name])).ToList();
        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", c.Name),
                new XElement(Command + "verb", c.Verb),
                new XElement(Command + "noun", c.Noun),
                new XElement(Maml + "description", Paras(new[] { help.Synopsis }))),
            new XElement(Maml + "description", Paras(help.Description)),
            new XElement(Command + "syntax", ParameterSets(c).Select(set => SyntaxItem(c, set, parameters))),
            new XElement(Command + "parameters",
                parameters.Select(p => ParameterElement(p.Parameter, p.Description, Merged(p.Parameter), inSyntax: false)),
                ShouldProcessParameters(c, inSyntax: false)),
            new XElement(Command + "inputTypes", InputTypes(c)),
            new XElement(Command + "returnValues", ReturnValues(c)),
            new XElement(Command + "examples", help.Examples.Select((e, i) => new XElement(Command + "example",
                new XElement(Maml + "title", $"-------------------------- Example {i + 1} --------------------------"),
                new XElement(Dev + "code", e.Code),
                // The empty paragraph separates one example from the next title on the console.
                new XElement(Dev + "remarks", Paras(e.Remarks.Append("")))))),
            new XElement(Command + "relatedLinks"));
    }

    /// <summary>The default set first, then the others as the parameters first name them.</summary>
    static List<string> ParameterSets(CmdletInfo c)
    {
        var sets = c.Parameters.SelectMany(p => p.Uses).Select(u => u.Set).Where(s => s != AllSets).Distinct().ToList();
        if (sets.Count == 0) return new List<string> { AllSets };
        if (c.DefaultParameterSet is { } d && sets.Remove(d)) sets.Insert(0, d);
        return sets;
    }

    static XElement SyntaxItem(CmdletInfo c, string set, List<(CmdletParameter Parameter, IReadOnlyList<string> Description)> parameters)
    {
        var members = parameters
            .Select((p, index) => (p.Parameter, p.Description, Use: p.Parameter.Uses.FirstOrDefault(u => u.Set == set) ?? p.Parameter.Uses.FirstOrDefault(u => u.Set == AllSets), index))
            .Where(p => p.Use is not null)
            // As PowerShell lists them: positional ones by position, then mandatory ones, then the rest as declared.
            .OrderBy(p => p.Use!.Position ?? int.MaxValue).ThenBy(p => p.Use!.Mandatory ? 0 : 1).ThenBy(p => p.index);
        return new XElement(Command + "syntaxItem",
            new XElement(Maml + "name", c.Name),
            members.Select(p => ParameterElement(p.Parameter, p.Description, p.Use!, inSyntax: true)),
            ShouldProcessParameters(c, inSyntax: true));
    }

    /// <summary>One parameter over all its sets, for the parameters section.</summary>
    static ParameterUse Merged(CmdletParameter p) => new(
        Set: "",
        Mandatory: p.Uses.Any(u => u.Mandatory),
        Position: p.Uses.Select(u => u.Position).FirstOrDefault(x => x is not null),
        ByValue: p.Uses.Any(u => u.ByValue),
        ByPropertyName: p.Uses.Any(u => u.ByPropertyName));

    static XElement ParameterElement(CmdletParameter p, IReadOnlyList<string> description, ParameterUse use, bool inSyntax)
    {
        bool showValue = !(p.IsSwitch && inSyntax);
        return new XElement(Command + "parameter",
            new XAttribute("required", Bool(use.Mandatory)),
            new XAttribute("variableLength", Bool(p.VariableLength)),
            new XAttribute("globbing", Bool(p.Globbing)),
            new XAttribute("pipelineInput", PipelineInput(use)),
            new XAttribute("position", use.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(Maml + "name", p.Name),
            new XElement(Maml + "description", Paras(description)),
            p.ValidValues.Count > 0 && showValue
                ? new XElement(Command + "parameterValueGroup", p.ValidValues.Select(v => new XElement(Command + "parameterValue",
                    new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v)))
                : null,
            showValue ? new XElement(Command + "parameterValue",
                new XAttribute("required", Bool(!p.IsSwitch)), new XAttribute("variableLength", Bool(p.VariableLength)), p.TypeName) : null,
            new XElement(Dev + "type", new XElement(Maml + "name", p.TypeFullName), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", p.IsSwitch ? "False" : "None"));
    }

    /// <summary>-WhatIf and -Confirm, which PowerShell adds to every cmdlet that declares SupportsShouldProcess.</summary>
    static IEnumerable<XElement> ShouldProcessParameters(CmdletInfo c, bool inSyntax)
    {
        if (!c.SupportsShouldProcess) yield break;
        foreach (var (name, alias, text) in new[]
        {
            ("WhatIf", "wi", "Shows what would happen if the cmdlet runs. The cmdlet is not run, and nothing is written."),
            ("Confirm", "cf", "Prompts you for confirmation before running the cmdlet."),
        })
        {
            var p = new CmdletParameter(name, "", "", "SwitchParameter", "System.Management.Automation.SwitchParameter", IsSwitch: true,
                new[] { alias }, Globbing: false, VariableLength: false, Array.Empty<string>(), Array.Empty<ParameterUse>());
            yield return ParameterElement(p, new[] { text }, new ParameterUse("", false, null, false, false), inSyntax);
        }
    }

    /// <summary>One entry per type that can be piped, saying which parameters take it and how.</summary>
    static IEnumerable<XElement> InputTypes(CmdletInfo c)
    {
        var piped = c.Parameters.Select(p => (p, Use: Merged(p))).Where(x => x.Use.ByValue || x.Use.ByPropertyName).ToList();
        if (piped.Count == 0)
            return new[] { TypeElement("inputType", "None", "You cannot pipe objects to this cmdlet.") };
        return piped.GroupBy(x => x.p.TypeFullName).Select(g => TypeElement("inputType", g.Key, g.Select(x =>
            x.Use.ByValue
                ? $"You can pipe {Article(x.p.TypeName)} to -{x.p.Name}{(x.Use.ByPropertyName ? $", or objects with a {x.p.Name} property" : "")}."
                : $"-{x.p.Name} takes the {x.p.Name} property of piped objects{(x.p.Aliases.Count > 0 ? " (or " + string.Join(", ", x.p.Aliases) + ")" : "")}.").ToArray()));
    }

    static IEnumerable<XElement> ReturnValues(CmdletInfo c) =>
        c.Outputs.Count == 0
            ? new[] { TypeElement("returnValue", "None", "This cmdlet writes no objects.") }
            : c.Outputs.Select(o => TypeElement("returnValue", o.FullName, o.Summary ?? ""));

    static XElement TypeElement(string kind, string name, params string[] description) =>
        new(Command + kind,
            new XElement(Dev + "type", new XElement(Maml + "name", name), new XElement(Maml + "uri")),
            new XElement(Maml + "description", Paras(description)));

    static IEnumerable<XElement> Paras(IEnumerable<string> paragraphs) => paragraphs.Select(p => new XElement(Maml + "para", p));

    static string Bool(bool value) => value ? "true" : "false";

    static string PipelineInput(ParameterUse use) => (use.ByValue, use.ByPropertyName) switch
    {
        (true, true) => "True (ByPropertyName, ByValue)",
        (true, false) => "True (ByValue)",
        (false, true) => "True (ByPropertyName)",
        _ => "False",
    };

    static string Article(string typeName)
    {
        string noun = typeName.EndsWith("[]", StringComparison.Ordinal) ? typeName[..^2] + " objects" : typeName;
        return typeName.EndsWith("[]", StringComparison.Ordinal) ? noun : ("AEIOU".Contains(char.ToUpperInvariant(noun[0])) ? "an " : "a ") + noun;
    }
}

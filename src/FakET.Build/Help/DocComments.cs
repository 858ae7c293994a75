using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace FakET.Build.Help;

/// <summary>An example from a cmdlet's doc comment: its code and what it says about it.</summary>
sealed record DocExample(string Code, IReadOnlyList<string> Remarks);

/// <summary>
/// The XML documentation file the compiler writes (GenerateDocumentationFile), read as the cmdlets' help:
/// <c>&lt;para type="synopsis"&gt;</c>, <c>&lt;para type="description"&gt;</c> and
/// <c>&lt;example&gt;&lt;code&gt;…&lt;/code&gt;&lt;para&gt;…&lt;/para&gt;&lt;/example&gt;</c> on a cmdlet class, and a
/// <c>&lt;para type="description"&gt;</c> on each parameter.
/// </summary>
sealed partial class DocComments
{
    readonly Dictionary<string, XElement> _members;

    DocComments(Dictionary<string, XElement> members) => _members = members;

    public static DocComments Load(string path)
    {
        var members = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var member in XDocument.Load(path, LoadOptions.PreserveWhitespace).Descendants("member"))
            if (member.Attribute("name")?.Value is { } name) members[name] = member;
        return new DocComments(members);
    }

    public bool Has(string id) => _members.ContainsKey(id);

    /// <summary>The paragraphs marked <c>type="<paramref name="kind"/>"</c>, outside examples, as plain text.</summary>
    public IReadOnlyList<string> Paragraphs(string id, string kind) =>
        !_members.TryGetValue(id, out var member) ? Array.Empty<string>()
            : member.Descendants("para")
                .Where(p => (string?)p.Attribute("type") == kind && !p.Ancestors("example").Any())
                .Select(Text).Where(t => t.Length > 0).ToList();

    public IReadOnlyList<DocExample> Examples(string id) =>
        !_members.TryGetValue(id, out var member) ? Array.Empty<DocExample>()
            : member.Descendants("example").Select(e => new DocExample(
                Code(e.Element("code")?.Value ?? ""),
                e.Elements("para").Select(Text).Where(t => t.Length > 0).ToList())).ToList();

    /// <summary>The plain <c>&lt;summary&gt;</c> of a member (for types the cmdlets return).</summary>
    public string? Summary(string id) =>
        _members.TryGetValue(id, out var member) && member.Element("summary") is { } summary && Text(summary) is { Length: > 0 } text ? text : null;

    /// <summary>Prose as one line: references become their short names, runs of white space one space.</summary>
    static string Text(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "see" or "seealso" } e when e.Attribute("langword") is { } word => word.Value,
                XElement { Name.LocalName: "see" or "seealso" } e when e.Attribute("cref") is { } cref && e.IsEmpty => ShortName(cref.Value),
                XElement { Name.LocalName: "paramref" or "typeparamref" } e => e.Attribute("name")?.Value ?? "",
                XElement e => Text(e),
                _ => "",
            });
            text.Append(node is XElement { Name.LocalName: "para" } ? " " : "");
        }
        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    /// <summary>"T:FakET.TiltSeries" → TiltSeries; "M:FakET.Volume.Section(System.Int32)" → Volume.Section.</summary>
    static string ShortName(string cref)
    {
        string name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        int paren = name.IndexOf('(');
        if (paren >= 0) name = name[..paren];
        var parts = name.Split('.');
        return cref.StartsWith("T:", StringComparison.Ordinal) || parts.Length < 2 ? parts[^1] : parts[^2] + "." + parts[^1];
    }

    /// <summary>Example code as written: the comment's indentation removed, blank lines at either end dropped.</summary>
    static string Code(string raw)
    {
        var lines = raw.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        // Text right after <code> is unindented; the lines after it carry the comment's indentation.
        bool inline = lines[0].Trim().Length > 0;
        if (inline) lines[0] = lines[0].Trim();
        int from = inline ? 1 : 0;
        int indent = lines.Skip(from).Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        for (int i = from; i < lines.Count; i++) lines[i] = lines[i].Length >= indent ? lines[i][indent..] : "";
        return string.Join("\n", lines).Trim('\n');
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

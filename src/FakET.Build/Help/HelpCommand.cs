using System.Text.RegularExpressions;

namespace FakET.Build.Help;

/// <summary>
/// The <c>help</c> verb: cmdlet metadata + XML doc comments → MAML. Every public cmdlet must have a synopsis,
/// a description, at least one example (code and what it does) and a description of each parameter;
/// otherwise nothing is written and each gap is reported as a build error at the class or member it concerns.
/// </summary>
static partial class HelpCommand
{
    public const string Usage = "FakET.Build help <cmdlets.dll> <cmdlets.xml> <out-Help.xml> [--references <file listing assemblies>] [--sources <folder of .cs files>]";

    public static int Run(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        string? referenceList = null, sources = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--references" when i + 1 < args.Count: referenceList = args[++i]; break;
                case "--sources" when i + 1 < args.Count: sources = args[++i]; break;
                default: positional.Add(args[i]); break;
            }
        }
        if (positional.Count != 3)
        {
            Console.Error.WriteLine("usage: " + Usage);
            return 2;
        }
        var (assembly, docFile, output) = (positional[0], positional[1], positional[2]);
        foreach (var file in new[] { assembly, docFile }.Concat(referenceList is null ? Array.Empty<string>() : new[] { referenceList }))
        {
            if (!File.Exists(file))
            {
                Console.Error.WriteLine($"FakET.Build : error HELP001 : '{file}' does not exist.");
                return 1;
            }
        }
        // The runtime's own assemblies resolve the core types; the list from the build adds PowerShell's
        // reference assembly and the module's engine.
        var references = (referenceList is null ? Enumerable.Empty<string>() : File.ReadAllLines(referenceList).Where(l => l.Trim().Length > 0).Select(l => l.Trim()))
            .Concat(Directory.GetFiles(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
            .Concat(Directory.GetFiles(Path.GetDirectoryName(Path.GetFullPath(assembly))!, "*.dll"));

        IReadOnlyList<CmdletInfo> cmdlets;
        DocComments docs;
        try
        {
            cmdlets = CmdletMetadata.Read(assembly, references);
            docs = DocComments.Load(docFile);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or TypeLoadException or System.Xml.XmlException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"FakET.Build : error HELP001 : cannot read the cmdlets of '{assembly}' or their doc comments '{docFile}': {e.Message}");
            return 1;
        }
        var locate = new SourceLocator(sources);
        var problems = new List<string>();
        var help = cmdlets.Select(c => Collect(c, docs, locate, problems)).ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems) Console.Error.WriteLine(problem);
            // No stale help from an earlier build either: the module ships with help that matches it, or with none.
            if (File.Exists(output)) File.Delete(output);
            Console.Error.WriteLine($"FakET.Build : error HELP000 : {problems.Count} gap(s) in the cmdlets' help; no help was written. " +
                "Every public cmdlet needs, in its class's doc comment, <para type=\"synopsis\">, <para type=\"description\"> and " +
                "<example><code>…</code><para>…</para></example>, and every parameter a <para type=\"description\">.");
            return 1;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        string temporary = output + ".tmp";
        MamlWriter.Write(help).Save(temporary);
        File.Move(temporary, output, overwrite: true);
        Console.WriteLine($"FakET.Build: help for {cmdlets.Count} cmdlets ({string.Join(", ", cmdlets.Select(c => c.Name))}) -> {output}");
        return 0;
    }

    static CmdletHelp Collect(CmdletInfo c, DocComments docs, SourceLocator locate, List<string> problems)
    {
        void Gap(string where, string what) => problems.Add($"{where} : error HELP002 : {c.Name}: {what}");
        string at = locate.Class(c.ClassName);
        var synopsis = docs.Paragraphs(c.DocId, "synopsis");
        var description = docs.Paragraphs(c.DocId, "description");
        var examples = docs.Examples(c.DocId);
        if (!docs.Has(c.DocId)) Gap(at, $"class {c.ClassName} has no XML doc comment.");
        if (synopsis.Count == 0) Gap(at, $"no synopsis: add /// <para type=\"synopsis\">one sentence</para> to the summary of class {c.ClassName}.");
        if (synopsis.Count > 1) Gap(at, $"{synopsis.Count} synopsis paragraphs in class {c.ClassName}; keep one.");
        if (description.Count == 0) Gap(at, $"no description: add /// <para type=\"description\">…</para> to the summary of class {c.ClassName}.");
        if (examples.Count == 0) Gap(at, $"no example: add /// <example><code>…</code><para>what it does</para></example> to class {c.ClassName}.");
        for (int i = 0; i < examples.Count; i++)
        {
            if (examples[i].Code.Length == 0) Gap(at, $"example {i + 1} of class {c.ClassName} has no <code>.");
            if (examples[i].Remarks.Count == 0) Gap(at, $"example {i + 1} of class {c.ClassName} has no <para> saying what it does.");
        }
        var parameters = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var p in c.Parameters)
        {
            parameters[p.Name] = docs.Paragraphs(p.DocId, "description");
            if (parameters[p.Name].Count == 0)
                Gap(locate.Member(p.DeclaringType, p.Name), $"parameter -{p.Name} has no description: add /// <summary><para type=\"description\">…</para></summary> to {p.DeclaringType}.{p.Name}.");
        }
        return new CmdletHelp(c, synopsis.FirstOrDefault() ?? "", description, examples, parameters);
    }

    /// <summary>Finds where a class or member is declared, so an error points at the line to fix.</summary>
    sealed class SourceLocator(string? folder)
    {
        readonly List<(string File, string[] Lines)> _files = folder is null || !Directory.Exists(folder) ? new()
            : Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                .Select(f => (f, File.ReadAllLines(f))).ToList();

        public string Class(string name) => Find(name, null);

        public string Member(string type, string name) => Find(type, name);

        string Find(string type, string? member)
        {
            var declaration = new Regex($@"\b(class|record)\s+{Regex.Escape(type)}\b");
            foreach (var (file, lines) in _files)
            {
                int line = Array.FindIndex(lines, l => declaration.IsMatch(l));
                if (line < 0) continue;
                if (member is not null)
                {
                    var memberDeclaration = new Regex($@"\b{Regex.Escape(member)}\s*(\{{|;|=)");
                    int at = Array.FindIndex(lines, line, l => memberDeclaration.IsMatch(l) && !l.TrimStart().StartsWith("//", StringComparison.Ordinal));
                    if (at >= 0) line = at;
                }
                return $"{file}({line + 1})";
            }
            return "FakET.Build";
        }
    }
}

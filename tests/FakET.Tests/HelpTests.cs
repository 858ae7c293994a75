using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Xml.Linq;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// Get-Help for every cmdlet the module exports (so new cmdlets are covered without touching this file), the
/// examples in it, tab completion of parameter values, and the build tool that writes the help.
/// </summary>
[Trait("Tier", "Process")]
public class HelpTests : IClassFixture<HelpTests.Session>
{
    /// <summary>One session for the class: its tests only read help, commands and completions.</summary>
    public sealed class Session : IDisposable
    {
        public PowerShellSession Ps { get; } = new();
        public void Dispose() => Ps.Dispose();
    }

    readonly PowerShellSession _ps;

    public HelpTests(Session session) => _ps = session.Ps;

    /// <summary>The cmdlets the module exports, as PowerShell sees them.</summary>
    List<CmdletInfo> Exported() =>
        _ps.Run("Get-Command -Module FakET -CommandType Cmdlet").Output.Select(o => (CmdletInfo)o.BaseObject).OrderBy(c => c.Name).ToList();

    static readonly HashSet<string> Common = new(Cmdlet.CommonParameters, StringComparer.OrdinalIgnoreCase);

    static IEnumerable<object?> Items(object? value) => value switch
    {
        null => Array.Empty<object?>(),
        PSObject { BaseObject: IEnumerable and not string } p => Items(p.BaseObject),
        IEnumerable e and not string => e.Cast<object?>(),
        _ => new[] { value },
    };

    /// <summary>A property of a help object; text comes back as a string.</summary>
    static object? Get(object? value, string property) =>
        value is null ? null : PSObject.AsPSObject(value).Properties[property]?.Value is var v && v is PSObject { BaseObject: string s } ? s : v;

    /// <summary>The text of a MAML description (a list of paragraphs, each with a Text property).</summary>
    static string Text(object? description) => string.Join("\n", Items(description).Select(p => Get(p, "Text") as string ?? "")).Trim();

    PSObject Help(string name, string options = "") =>
        Assert.Single(_ps.Run($"Get-Help -Name {name} {options}").Output);

    [Fact]
    public void EveryExportedCmdletHasASynopsisDescriptionParameterHelpAndExamples()
    {
        var cmdlets = Exported();
        Assert.NotEmpty(cmdlets);
        var gaps = new List<string>();
        foreach (var cmdlet in cmdlets)
        {
            var help = Help(cmdlet.Name, "-Full");
            string synopsis = Get(help, "Synopsis") as string ?? "";
            // Without a help file PowerShell makes up a synopsis from the syntax, which starts with the name.
            if (synopsis.Trim().Length == 0 || synopsis.TrimStart().StartsWith(cmdlet.Name, StringComparison.OrdinalIgnoreCase))
                gaps.Add($"{cmdlet.Name}: no synopsis from the help file (got '{synopsis.Trim()}')");
            if (Text(Get(help, "description")).Length == 0) gaps.Add($"{cmdlet.Name}: no description");
            var examples = Items(Get(Get(help, "examples"), "example")).ToList();
            if (examples.Count == 0) gaps.Add($"{cmdlet.Name}: no example");
            foreach (var example in examples)
            {
                if ((Get(example, "code") as string ?? "").Trim().Length == 0) gaps.Add($"{cmdlet.Name}: an example without code");
                if (Text(Get(example, "remarks")).Length == 0) gaps.Add($"{cmdlet.Name}: an example that does not say what it does");
            }
            foreach (var parameter in cmdlet.Parameters.Keys.Where(p => !Common.Contains(p)))
            {
                var one = _ps.Run($"Get-Help -Name {cmdlet.Name} -Parameter {parameter}").Output;
                if (one.Count != 1 || Text(Get(one[0], "description")).Length == 0) gaps.Add($"{cmdlet.Name}: -{parameter} has no description");
            }
        }
        Assert.True(gaps.Count == 0, string.Join("\n", gaps));
    }

    [Fact]
    public void TheSyntaxInHelpIsThatOfTheCmdletItself()
    {
        // Parameter sets, mandatory, position and pipeline input as PowerShell binds them, against the help's syntax.
        foreach (var cmdlet in Exported())
        {
            static string Line(string name, bool required, string position, string pipeline) => $"{name} required={required} position={position} pipeline={pipeline}";
            var bound = cmdlet.ParameterSets.Select(set => string.Join("; ", set.Parameters.Where(p => !Common.Contains(p.Name)).Select(p => Line(
                p.Name, p.IsMandatory, p.Position < 0 ? "named" : p.Position.ToString(),
                (p.ValueFromPipeline, p.ValueFromPipelineByPropertyName) switch
                {
                    (true, true) => "True (ByPropertyName, ByValue)",
                    (true, false) => "True (ByValue)",
                    (false, true) => "True (ByPropertyName)",
                    _ => "False",
                })).Order())).Order().ToList();
            var syntax = Items(Get(Get(Help(cmdlet.Name), "syntax"), "syntaxItem"));
            var documented = syntax.Select(item => string.Join("; ", Items(Get(item, "parameter")).Select(p => Line(
                (string)Get(p, "name")!, (string)Get(p, "required")! == "true", (string)Get(p, "position")!, (string)Get(p, "pipelineInput")!)).Order())).Order().ToList();
            Assert.Equal(bound, documented);
        }
    }

    [Fact]
    public void OneParametersHelp()
    {
        var help = Help("Import-TiltSeries", "-Parameter TiltAngles");
        Assert.Equal("TiltAngles", Get(help, "name"));
        Assert.Equal("Tilt angles in degrees, one per tilt. They override any angle file.", Text(Get(help, "description")));
        Assert.Equal("false", Get(help, "required"));
        Assert.Equal("named", Get(help, "position"));
        Assert.Equal("System.Double[]", Get(Get(help, "type"), "name"));

        var path = Help("Import-TiltSeries", "-Parameter Path");
        Assert.Equal("true", Get(path, "globbing"));
        Assert.Equal("True (ByPropertyName, ByValue)", Get(path, "pipelineInput"));
        Assert.Equal("PSPath, LP", Get(Help("Import-TiltSeries", "-Parameter LiteralPath"), "aliases"));
    }

    [Fact]
    public void ExamplesViewShowsTheCodeAndWhatItDoes()
    {
        var examples = Items(Get(Get(Help("Export-TiltSeries", "-Examples"), "examples"), "example")).ToList();
        Assert.Equal(2, examples.Count);
        Assert.Equal("$noisy | Export-TiltSeries ./noisy.mrc -Force", Get(examples[0], "code"));
        Assert.Equal("Shows what would be written, without writing.", Text(Get(examples[1], "remarks")));

        string shown = OnConsole("Get-Help Export-TiltSeries -Examples");
        Assert.Contains("Writes a tilt series to an MRC file", shown);
        Assert.Contains("Import-TiltSeries big.mrc | Export-TiltSeries big16.mrc -Float16 -WhatIf", shown);
        Assert.Contains("Shows what would be written, without writing.", shown);
    }

    [Fact]
    public void TheFullHelpShowsTheSyntaxOfEachParameterSet()
    {
        string shown = OnConsole("Get-Help Export-Volume -Full");
        Assert.Contains("Export-Volume [-Path] <String> [-InputObject] <Volume> [-Force] [-PassThru] [-Float16] [-WhatIf] [-Confirm]", shown);
        Assert.Contains("Export-Volume [-InputObject] <Volume> -LiteralPath <String>", shown);
        Assert.Contains("FakET.Volume", shown);
    }

    [Fact]
    public void TheFaketHostShowsHelpAsPages()
    {
        using var dir = new TempDir();
        var (exit, stdout, stderr) = HostTests.RunHost(dir.Path, null, "-Command", "Get-Help Import-TiltSeries -Examples");
        Assert.True(exit == 0, stderr);
        Assert.Contains("Reads tilt series from MRC files.", stdout);
        Assert.Contains("Import-TiltSeries ./model_0/projections_unbinned.mrc", stdout);
        // Rendered pages, in plain text when redirected: not an object's property dump, no colour codes.
        Assert.DoesNotContain("@{", stdout);
        Assert.DoesNotContain("\x1b[", stdout);
        Assert.Equal("", stderr);
    }

    /// <summary>What a console shows for the script's output.</summary>
    static string OnConsole(string script)
    {
        var host = new CapturingHost();
        using var console = new PowerShellSession(host);
        Assert.Empty(console.Run(script + " | Out-Default").Errors);
        return host.Text;
    }

    [Fact]
    public void EveryExampleParsesAndUsesOnlyTheModulesAndCoreCmdlets()
    {
        var gaps = new List<string>();
        foreach (var cmdlet in Exported())
        {
            var examples = Items(Get(Get(Help(cmdlet.Name, "-Examples"), "examples"), "example")).ToList();
            for (int i = 0; i < examples.Count; i++)
            {
                string code = Get(examples[i], "code") as string ?? "";
                var ast = Parser.ParseInput(code, out _, out var errors);
                foreach (var error in errors) gaps.Add($"{cmdlet.Name} example {i + 1}: {error.Message} in: {code}");
                var defined = ast.FindAll(a => a is FunctionDefinitionAst, true).Select(a => ((FunctionDefinitionAst)a).Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
                foreach (CommandAst command in ast.FindAll(a => a is CommandAst, true))
                {
                    string? name = command.GetCommandName();
                    // Scripts the example runs by path, and functions it defines, are its own business.
                    if (name is null || defined.Contains(name) || name.Contains('/') || name.Contains('\\') || name.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase)) continue;
                    var found = _ps.Run("Get-Command -Name $n -ErrorAction Ignore", ("n", name)).Output.Select(o => (CommandInfo)o.BaseObject).FirstOrDefault();
                    var resolved = found is AliasInfo alias ? alias.ResolvedCommand : found;
                    if (resolved?.ModuleName is not ("FakET" or "Microsoft.PowerShell.Core"))
                        gaps.Add($"{cmdlet.Name} example {i + 1} runs '{name}', which is neither a FakET cmdlet nor a core cmdlet (the faket host has only those): {code}");
                }
            }
        }
        Assert.True(gaps.Count == 0, string.Join("\n", gaps));
    }

    [Fact]
    public void EveryCmdletThatWritesSupportsWhatIfAndConfirm()
    {
        var writeVerbs = new[] { "Export", "Save", "Write", "Out", "Set", "Remove", "Clear", "Copy", "Move", "Rename", "Publish" };
        var writers = Exported().Where(c => writeVerbs.Contains(c.Verb)).ToList();
        Assert.NotEmpty(writers);
        foreach (var cmdlet in writers)
        {
            Assert.True(cmdlet.Parameters.ContainsKey("WhatIf") && cmdlet.Parameters.ContainsKey("Confirm"), $"{cmdlet.Name} writes but has no -WhatIf/-Confirm (SupportsShouldProcess).");
            Assert.Contains(Items(Get(Get(Help(cmdlet.Name), "parameters"), "parameter")), p => (string?)Get(p, "name") == "WhatIf");
        }
    }

    /// <summary>The values a parameter takes when they form a set: an enum's names or a [ValidateSet]'s values.</summary>
    static IReadOnlyList<string>? ValueSet(ParameterMetadata parameter)
    {
        if (parameter.Attributes.OfType<ValidateSetAttribute>().FirstOrDefault() is { } set) return set.ValidValues.ToList();
        var type = parameter.ParameterType.IsArray ? parameter.ParameterType.GetElementType()! : parameter.ParameterType;
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsEnum ? Enum.GetNames(type) : null;
    }

    [Fact]
    public void ParameterValuesThatFormASetAreCompleted()
    {
        // Enums and [ValidateSet] complete by themselves in PowerShell; this holds every exported cmdlet to it.
        foreach (var cmdlet in Exported())
        {
            foreach (var (name, parameter) in cmdlet.Parameters.Where(p => !Common.Contains(p.Key)))
            {
                if (ValueSet(parameter) is not { } values) continue;
                Assert.Equal(values.Order(StringComparer.OrdinalIgnoreCase), _ps.Complete($"{cmdlet.Name} -{name} ").Order(StringComparer.OrdinalIgnoreCase));
            }
        }
        // The same check on a core cmdlet shows the mechanism at work while no FakET parameter has a set yet.
        var getHelp = _ps.Run("Get-Command Get-Help").Single<CmdletInfo>();
        var category = ValueSet(getHelp.Parameters["Category"])!;
        Assert.Contains("Cmdlet", category);
        Assert.Equal(category.Order(StringComparer.OrdinalIgnoreCase), _ps.Complete("Get-Help -Category ").Order(StringComparer.OrdinalIgnoreCase));
        Assert.Equal(new[] { "-TiltAngleFile", "-TiltAngles" }, _ps.Complete("Import-TiltSeries -TiltA").Order());
    }

    // ---- The build tool (src/FakET.Build help) on cmdlets made for it (Support/HelpFixtureCmdlets.cs) ----

    const string Prefix = "FakET.Tests.Support.";

    static string Doc(bool complete) => $$"""
        <?xml version="1.0"?>
        <doc><members>
          <member name="T:{{Prefix}}SetHelpFixtureCommand"><summary>
            {{(complete ? "<para type=\"synopsis\">Sets a <c>fixture</c> for <see cref=\"T:FakET.TiltSeries\"/>.</para>" : "")}}
            <para type="description">First paragraph
              over two lines.</para>
            <para type="description">Second paragraph.</para>
            {{(complete ? """
            <example><code>
              $a = 1
                $a | Set-HelpFixture -Pooling Max
            </code><para>Sets one.</para></example>
            """ : "")}}
          </summary></member>
          <member name="P:{{Prefix}}HelpFixtureBase.Path"><summary><para type="description">Inherited path.</para></summary></member>
          <member name="P:{{Prefix}}SetHelpFixtureCommand.Id"><summary><para type="description">Ids.</para></summary></member>
          <member name="P:{{Prefix}}SetHelpFixtureCommand.Name"><summary><para type="description">The name.</para></summary></member>
          <member name="P:{{Prefix}}SetHelpFixtureCommand.Pooling"><summary><para type="description">How to pool.</para></summary></member>
          {{(complete ? $"<member name=\"P:{Prefix}SetHelpFixtureCommand.Device\"><summary><para type=\"description\">Where.</para></summary></member>" : "")}}
          <member name="P:{{Prefix}}SetHelpFixtureCommand.Force"><summary><para type="description">Overwrite.</para></summary></member>
          <member name="T:{{Prefix}}GetHelpFixtureCommand"><summary>
            <para type="synopsis">Gets one.</para><para type="description">Gets it.</para>
            <example><code>Get-HelpFixture 2</code><para>Twice.</para></example>
          </summary></member>
          <member name="P:{{Prefix}}GetHelpFixtureCommand.Scale"><summary><para type="description">Scale.</para></summary></member>
        </members></doc>
        """;

    static (int Exit, string Stderr, string Output) RunHelpTool(TempDir dir, bool complete)
    {
        File.WriteAllText(dir.File("fixtures.xml"), Doc(complete).Trim());
        var (exit, _, stderr) = ExternalProgram.Run("dotnet", new[] { Repo.BuildToolDll, "help", typeof(SetHelpFixtureCommand).Assembly.Location,
            dir.File("fixtures.xml"), dir.File("en-US/out-Help.xml"), "--sources", Path.Combine(Repo.Root, "tests", "FakET.Tests", "Support") });
        return (exit, stderr, dir.File("en-US/out-Help.xml"));
    }

    [Fact]
    public void TheHelpToolRefusesACmdletWithoutHelpAndSaysWhereAndWhat()
    {
        using var dir = new TempDir();
        var (exit, stderr, output) = RunHelpTool(dir, complete: false);
        Assert.Equal(1, exit);
        Assert.False(File.Exists(output));
        string source = Path.Combine(Repo.Root, "tests", "FakET.Tests", "Support", "HelpFixtureCmdlets.cs");
        var errors = stderr.Split('\n').Where(l => l.Contains("error HELP002")).ToList();
        // MSBuild's "file(line): error CODE: message" form, at the class or the property.
        Assert.Contains(errors, e => e.StartsWith(source + "(") && e.Contains("Set-HelpFixture: no synopsis"));
        Assert.Contains(errors, e => e.Contains("Set-HelpFixture: no example"));
        Assert.Contains(errors, e => e.StartsWith(source + "(") && e.Contains("Set-HelpFixture: parameter -Device has no description"));
        Assert.Equal(3, errors.Count);
        Assert.DoesNotContain("Get-HelpFixture", stderr);
    }

    [Fact]
    public void TheHelpToolWritesSetsPipelineInputValueSetsAndInheritedParameters()
    {
        using var dir = new TempDir();
        var (exit, stderr, output) = RunHelpTool(dir, complete: true);
        Assert.True(exit == 0, stderr);
        XNamespace maml = "http://schemas.microsoft.com/maml/2004/10", command = "http://schemas.microsoft.com/maml/dev/command/2004/10", dev = "http://schemas.microsoft.com/maml/dev/2004/10";
        var commands = XDocument.Load(output).Root!.Elements(command + "command").ToDictionary(c => c.Element(command + "details")!.Element(command + "name")!.Value);
        Assert.Equal(new[] { "Get-HelpFixture", "Set-HelpFixture" }, commands.Keys.Order());
        var set = commands["Set-HelpFixture"];

        Assert.Equal("Sets a fixture for TiltSeries.", set.Element(command + "details")!.Element(maml + "description")!.Value);
        Assert.Equal(new[] { "First paragraph over two lines.", "Second paragraph." }, set.Element(maml + "description")!.Elements(maml + "para").Select(p => p.Value));

        static string Describe(XElement p, XNamespace maml) =>
            $"{p.Element(maml + "name")!.Value}:{p.Attribute("required")!.Value}:{p.Attribute("position")!.Value}:{p.Attribute("pipelineInput")!.Value}";
        var syntax = set.Element(command + "syntax")!.Elements(command + "syntaxItem").Select(i => i.Elements(command + "parameter").Select(p => Describe(p, maml)).ToList()).ToList();
        // The default set first; positional, then mandatory, then the rest as declared (base class first); -WhatIf, -Confirm last.
        Assert.Equal(new[] { "Name:true:0:True (ByPropertyName)", "Path:false:named:False", "Pooling:false:named:False", "Device:false:named:False",
            "Force:false:named:False", "WhatIf:false:named:False", "Confirm:false:named:False" }, syntax[0]);
        Assert.Equal(new[] { "Id:true:named:True (ByValue)", "Path:false:named:False", "Pooling:false:named:False", "Device:false:named:False",
            "Force:false:named:False", "WhatIf:false:named:False", "Confirm:false:named:False" }, syntax[1]);

        var parameters = set.Element(command + "parameters")!.Elements(command + "parameter").ToDictionary(p => p.Element(maml + "name")!.Value);
        Assert.Equal("Inherited path.", parameters["Path"].Element(maml + "description")!.Value);
        Assert.Equal("N", parameters["Name"].Attribute("aliases")!.Value);
        Assert.Equal("true", parameters["Id"].Attribute("variableLength")!.Value);
        Assert.Equal("System.Int32[]", parameters["Id"].Element(dev + "type")!.Element(maml + "name")!.Value);
        Assert.Equal(new[] { "Average", "Max" }, parameters["Pooling"].Element(command + "parameterValueGroup")!.Elements().Select(v => v.Value));
        Assert.Equal(new[] { "cpu", "cuda" }, parameters["Device"].Element(command + "parameterValueGroup")!.Elements().Select(v => v.Value));
        // A switch shows no value in the syntax.
        Assert.Null(set.Descendants(command + "syntaxItem").First().Elements(command + "parameter").Single(p => p.Element(maml + "name")!.Value == "Force").Element(command + "parameterValue"));

        Assert.Equal("$a = 1\n  $a | Set-HelpFixture -Pooling Max", set.Descendants(dev + "code").Single().Value);
        Assert.Equal("Sets one.", set.Descendants(dev + "remarks").Single().Value);
        var inputs = set.Descendants(command + "inputType").ToList();
        Assert.Equal(new[] { "System.Int32[]", "System.String" }, inputs.Select(i => i.Element(dev + "type")!.Element(maml + "name")!.Value));
        Assert.Equal("-Name takes the Name property of piped objects (or N).", inputs[1].Element(maml + "description")!.Value);
        Assert.Equal("System.IO.FileInfo", set.Descendants(command + "returnValue").Single().Element(dev + "type")!.Element(maml + "name")!.Value);

        var get = commands["Get-HelpFixture"];
        var scale = get.Element(command + "parameters")!.Element(command + "parameter")!;
        Assert.Equal("Double", scale.Element(command + "parameterValue")!.Value);
        Assert.Equal("0", scale.Attribute("position")!.Value);
        Assert.Equal("None", get.Descendants(command + "inputType").Single().Element(dev + "type")!.Element(maml + "name")!.Value);
        Assert.DoesNotContain(get.Element(command + "syntax")!.Descendants(maml + "name"), n => n.Value is "WhatIf" or "Confirm");
    }
}

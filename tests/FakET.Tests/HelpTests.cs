using System.Xml.Linq;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>
/// The build tool that writes the module's help (src/FakET.Build help), on cmdlets made for it, and Get-Help in the faket
/// host. Get-Help for every exported cmdlet, its examples, its syntax and tab completion are tested in the Pester suite
/// (tests/pester/Help.Tests.ps1, Examples.Tests.ps1), under real pwsh.
/// </summary>
[Trait("Tier", "Process")]
public class HelpTests
{
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

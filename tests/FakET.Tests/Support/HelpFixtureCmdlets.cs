using System.Management.Automation;

namespace FakET.Tests.Support;

// Cmdlets that exist only for the help generator's tests (HelpTests): they cover what the module's own cmdlets
// do not yet use (parameter sets on both sides of a default, an inherited parameter, enum and [ValidateSet]
// values, a nullable type, pipeline input by property name). Their doc comments are given by the tests.

public enum FixturePooling { Average, Max }

public abstract class HelpFixtureBase : PSCmdlet
{
    [Parameter]
    public string Path { get; set; } = "";
}

[Cmdlet(VerbsCommon.Set, "HelpFixture", SupportsShouldProcess = true, DefaultParameterSetName = "ByName")]
[OutputType(typeof(FileInfo))]
public sealed class SetHelpFixtureCommand : HelpFixtureBase
{
    [Parameter(Mandatory = true, ParameterSetName = "ById", ValueFromPipeline = true)]
    public int[] Id { get; set; } = Array.Empty<int>();

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "ByName", ValueFromPipelineByPropertyName = true)]
    [Alias("N")]
    public string Name { get; set; } = "";

    [Parameter]
    public FixturePooling Pooling { get; set; }

    [Parameter]
    [ValidateSet("cpu", "cuda")]
    public string Device { get; set; } = "cpu";

    [Parameter]
    public SwitchParameter Force { get; set; }
}

[Cmdlet(VerbsCommon.Get, "HelpFixture")]
public sealed class GetHelpFixtureCommand : PSCmdlet
{
    [Parameter(Position = 0)]
    public double? Scale { get; set; }
}

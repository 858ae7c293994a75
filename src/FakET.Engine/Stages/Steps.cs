namespace FakET.Stages;

/// <summary>
/// The name every step records in a history (<see cref="HistoryEntry.Step"/>): one table, so the engine never spells a
/// step twice. A stage's name is the cmdlet that runs it; a test checks that each one here is exported by the module.
/// </summary>
public static class Steps
{
    /// <summary>Reading a file (<c>Import-TiltSeries</c>, <c>Import-Volume</c>).</summary>
    public const string Import = "Import";
    public const string NewPhantom = "New-Phantom";
    public const string NewTiltSeries = "New-TiltSeries";
    public const string InvokeMicroscopeSimulation = "Invoke-MicroscopeSimulation";
    public const string MeasureTiltNoise = "Measure-TiltNoise";
    public const string AddTiltNoise = "Add-TiltNoise";
    public const string InvokeStyleTransfer = "Invoke-StyleTransfer";
    public const string NewTomogram = "New-Tomogram";
    public const string ConvertToPotential = "ConvertTo-Potential";
    public const string ResizeTiltSeries = "Resize-TiltSeries";
    public const string InvokePickerTraining = "Invoke-PickerTraining";
    public const string FindParticle = "Find-Particle";

    /// <summary>Every stage's step name (all but <see cref="Import"/>).</summary>
    public static IReadOnlyList<string> Stages { get; } = new[]
    {
        NewPhantom, NewTiltSeries, InvokeMicroscopeSimulation, MeasureTiltNoise, AddTiltNoise, InvokeStyleTransfer, NewTomogram,
        ConvertToPotential,
        ResizeTiltSeries,
        InvokePickerTraining, FindParticle,
    };
}

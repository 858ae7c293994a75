using System.Globalization;
using System.Text.Json.Nodes;
using FakET.IO;
using FakET.Microscope;
using FakET.Stages;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The stage contract itself: options become history one way, series keep their metadata, and the step table
/// matches the stages and the module's cmdlets.</summary>
[Trait("Tier", "Engine")]
public class StageContractTests
{
    sealed record ProbeOptions : StageOptions
    {
        public double Scale { get; init; } = 0.25;
        public AcquisitionOrder? Order { get; init; } = AcquisitionOrder.Bidirectional;
        public IReadOnlyList<int> Layers { get; init; } = new List<int> { 1, 6 };
        public TiltSeries? Style { get; init; }
        public (int First, int Last)? Range { get; init; } = (2, 5);
        [NotInHistory] public int Threads { get; init; } = 7;
    }

    [Fact]
    public void EveryOptionBecomesAPlainHistoryValueExceptThoseThatDoNotChangeTheResult()
    {
        var style = Synthetic.Smooth(2, 8, 8, seed: 1);
        var history = new ProbeOptions { Style = style }.ToHistory();
        Assert.Equal(new[] { "Layers", "Order", "Range", "Scale", "Style" }, history.Keys.Order());
        Assert.Equal(0.25, history["Scale"]);
        Assert.Equal("Bidirectional", history["Order"]);
        Assert.Equal(new[] { 1, 6 }, Assert.IsType<int[]>(history["Layers"]));
        Assert.Equal(new[] { 2, 5 }, Assert.IsType<int[]>(history["Range"]));
        Assert.Equal(style.Provenance, history["Style"]);
        Assert.Null(new ProbeOptions { Order = null }.ToHistory()["Order"]);
    }

    [Fact]
    public void DerivedSeriesKeepAnglesOrderOriginAndPixelSizeAndASelectionKeepsItsOrderEntries()
    {
        double[] angles = { -6, -3, 0, 3, 6 };
        double[] order = { 0, 3, -3, -6, 6 };
        var source = new TiltSeries(Synthetic.Smooth(5, 4, 4, seed: 2).Sections.ToArray(), 4, 4, angles, 2.5, null, order)
        {
            Origin = (12.5, -7, 3),
        };
        var tilts = source.Sections.Select(t => t.ToArray()).ToArray();
        var entry = HistoryEntry.Now("Probe", "probe");

        var same = source.Derive(tilts, entry);
        Assert.Equal(angles, same.TiltAngles);
        Assert.Equal(order, same.AcquisitionOrder);
        Assert.Equal((12.5, -7.0, 3.0), same.Origin);
        Assert.Equal(2.5, same.PixelSize);
        Assert.Equal(entry, same.History[^1]);

        // Tilts 1…3 (−3°, 0°, 3°): their angles, and the order's entries for them in acquisition order.
        var part = source.Derive(tilts[1..4], entry, (1, 3));
        Assert.Equal(new[] { -3.0, 0, 3 }, part.TiltAngles);
        Assert.Equal(new[] { 0.0, 3, -3 }, part.AcquisitionOrder);
        Assert.Equal((12.5, -7.0, 3.0), part.Origin);

        var resized = source.Derive(tilts.Select(_ => new float[4]).ToArray(), entry, height: 2, width: 2, pixelSize: 5);
        Assert.Equal((2, 2, 5.0), (resized.Height, resized.Width, resized.PixelSize));
        Assert.Equal(order, resized.AcquisitionOrder);
    }

    [Fact]
    public void EveryStageRecordsAStepFromTheTableAndTheTableNamesTheModulesCmdlets()
    {
        var stageTypes = typeof(Stage<,,>).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && BaseStage(t) is not null).ToList();
        Assert.True(stageTypes.Count >= 7, $"only {stageTypes.Count} stages found");
        var steps = stageTypes.Select(t =>
        {
            // A stage's step does not depend on its state; stages that need arguments to exist are asked through a
            // default instance made without running a constructor.
            var stage = System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(t);
            return (string)t.GetProperty("Step")!.GetValue(stage)!;
        }).ToList();
        Assert.Equal(Steps.Stages.Order(), steps.Order());
        foreach (var t in stageTypes)
            Assert.True(typeof(StageOptions).IsAssignableFrom(BaseStage(t)!.GetGenericArguments()[1]), $"{t.Name}'s options are not StageOptions");

        var manifest = File.ReadAllText(Path.Combine(Repo.Root, "FakET.psd1"));
        foreach (var step in Steps.Stages) Assert.Contains($"'{step}'", manifest);
    }

    static Type? BaseStage(Type t)
    {
        for (var b = t.BaseType; b is not null; b = b.BaseType)
            if (b.IsGenericType && b.GetGenericTypeDefinition() == typeof(Stage<,,>)) return b;
        return null;
    }

    [Fact]
    public void TheMicroscopeRecordsInTheSeriesOwnOrderUnlessTold()
    {
        double[] angles = { -6, -3, 0, 3, 6 };
        double[] order = { 0, -3, 3, 6, -6 };
        var clean = new TiltSeries(Synthetic.Smooth(5, 16, 16, seed: 3).Sections.ToArray(), 16, 16, angles, 10, null, order);
        var own = Engine.Record(clean, new MicroscopeSettings { Seed = 1 });
        Assert.Equal(order, own.AcquisitionOrder);
        // Tilt i was recorded at the position its angle has in the order.
        var index = Assert.IsType<int[]>(own.History[^1].Parameters["AcquisitionIndex"]);
        Assert.Equal(angles.Select(a => Array.IndexOf(order, a)), index);
        Assert.Equal("the series' own", own.History[^1].Parameters["AcquisitionOrder"]);

        var sequential = Engine.Record(clean, new MicroscopeSettings { Seed = 1, AcquisitionOrder = AcquisitionOrder.Sequential });
        Assert.Equal(angles, sequential.AcquisitionOrder);
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, sequential.History[^1].Parameters["AcquisitionIndex"]);

        // A series without an order of its own is recorded dose-symmetrically, and says so.
        var plain = Engine.Record(clean.WithTiltAngles(angles), new MicroscopeSettings { Seed = 1, GroupSize = 1 });
        Assert.Equal(new[] { 0.0, 3, -3, 6, -6 }, plain.AcquisitionOrder);
    }
}

/// <summary>A dose-symmetric series keeps its acquisition order and origin through every stage and into its files.</summary>
[Trait("Tier", "Module")]
public class StageMetadataModuleTests : IDisposable
{
    readonly PowerShellSession _ps = new();
    readonly TempDir _dir = new();

    public StageMetadataModuleTests() => _ps.SetLocation(_dir.Path);

    public void Dispose()
    {
        _ps.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void ADoseSymmetricSeriesKeepsItsOrderAndOriginThroughEveryStageAndExport()
    {
        var made = _ps.Run("New-Phantom -Class small -Count 2 -Width 48 -Height 32 -Depth 24 -Seed 1 | New-TiltSeries -TiltRange -12,12 -TiltStep 3 -DoseSymmetric");
        Assert.Empty(made.Errors);
        var projected = made.Single<TiltSeries>();
        var order = projected.AcquisitionOrder!.ToArray();
        Assert.Equal(new[] { 0.0, 3, -3, -6, 6, 9, -9, -12, 12 }, order); // as New-TiltSeries documents it
        // An origin, as an imported stack would carry.
        var clean = new TiltSeries(projected.Sections.ToArray(), projected.Height, projected.Width, projected.TiltAngles, projected.PixelSize,
            projected.History, order) { Origin = (120, -40, 0) };

        var r = _ps.Run("""
            $measured = $clean | Invoke-MicroscopeSimulation -Seed 2
            $profile = Measure-TiltNoise -Reference $measured -Clean $clean
            $noisy = $clean | Add-TiltNoise -Profile $profile -Seed 3
            $content = $clean | Add-TiltNoise -Profile $profile -Scale 0.25 -Seed 4
            $styled = $content | Invoke-StyleTransfer -Style $measured -Init $noisy -Weights Random -Seed 1 -StyleLayers 1, 6 -StyleLayerWeights 1, 1 -TiltRange 2, 6
            $all = [ordered]@{ measured = $measured; noisy = $noisy; content = $content; styled = $styled }
            foreach ($name in $all.Keys) { $all[$name] | Export-TiltSeries "$name.mrc" }
            $all.Values
            """, ("clean", clean));
        Assert.Empty(r.Errors);
        var series = r.Output.Select(o => (TiltSeries)o.BaseObject).ToArray();
        string[] names = { "measured", "noisy", "content", "styled" };
        Assert.Equal(4, series.Length);
        for (int k = 0; k < 4; k++)
        {
            var s = series[k];
            // -TiltRange 2,6 keeps tilts −6°…6°, and their order entries in acquisition order.
            var expected = names[k] == "styled" ? order.Where(a => Math.Abs(a) <= 6).ToArray() : order;
            Assert.Equal(expected, s.AcquisitionOrder);
            Assert.Equal((120.0, -40.0, 0.0), s.Origin);

            var sidecar = JsonNode.Parse(File.ReadAllText(_dir.File(names[k] + ".json")))!;
            Assert.Equal(expected, sidecar["acquisitionOrder"]!.AsArray().Select(n => n!.GetValue<double>()));
            var listed = File.ReadAllLines(_dir.File(names[k] + "_order_list.csv"))
                .Select(line => double.Parse(line.Split(',')[1], CultureInfo.InvariantCulture));
            Assert.Equal(expected, listed);
            var header = MrcFile.ReadHeader(_dir.File(names[k] + ".mrc"));
            Assert.Equal(120.0, header.OriginX, 3);
            Assert.Equal(-40.0, header.OriginY, 3);
        }
        // The microscope recorded in the series' own (dose-symmetric) order: its tilt at 0° came first.
        var microscope = series[0].History.Single(h => h.Step == Steps.InvokeMicroscopeSimulation);
        var index = Assert.IsType<int[]>(microscope.Parameters["AcquisitionIndex"]);
        Assert.Equal(projected.TiltAngles!.Select(a => Array.IndexOf(order, a)), index);
    }
}

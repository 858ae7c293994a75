using FakET.Microscope;
using FakET.Native;
using FakET.Noise;
using FakET.Projection;
using FakET.Reconstruction;
using FakET.Stages;
using FakET.StyleTransfer;

namespace FakET.Tests.Support;

/// <summary>
/// The engine's stages called as the tests read best: one line each, with the options a test varies as arguments.
/// Each builds the stage's options record and calls its one entry point; progress callbacks become a reporter.
/// </summary>
public static class Engine
{
    public static TiltSeries Project(Volume volume, IReadOnlyList<double> angles, int? detectorWidth = null, double? dose = 0,
        CancellationToken cancel = default, Action<int, int>? progress = null) =>
        new ForwardProjector().Run(volume, new ProjectionOptions { TiltAngles = angles, DetectorWidth = detectorWidth, Dose = dose },
            Reporter.Of(progress), cancel);

    public static Volume Reconstruct(TiltSeries series, TomogramOptions? options = null, CancellationToken cancel = default,
        Action<int, int>? progress = null) =>
        new Tomography().Run(series, options ?? new TomogramOptions(), Reporter.Of(progress), cancel);

    public static TiltSeries Record(TiltSeries clean, MicroscopeSettings settings) => new MicroscopeSimulation().Run(clean, settings);

    public static TiltSeries AddNoise(TiltSeries clean, NoiseProfile profile, double scale, int seed, TiltSeries? reference = null,
        CancellationToken cancel = default, Action<int, int>? progress = null, int maxThreads = 0) =>
        new NoiseSynthesis().Run(clean, new NoiseOptions { Profile = profile, Scale = scale, Seed = seed, Reference = reference, MaxThreads = maxThreads },
            Reporter.Of(progress), cancel);

    /// <summary>Measure-TiltNoise's aggregation; <paramref name="angles"/>, when given, are the first pair's tilt angles.</summary>
    public static NoiseProfile Aggregate(IReadOnlyList<NoiseCurves> measurements, int order, IReadOnlyList<double>? angles,
        IStageReporter? reporter = null)
    {
        var curves = angles is null || measurements.Count == 0
            ? measurements
            : measurements.Select((m, i) => i == 0 ? m with { TiltAngles = angles } : m).ToList();
        return new NoiseAggregation().Run(curves, new NoiseAggregationOptions { PolynomialOrder = order }, reporter);
    }

    /// <summary>A progress callback as a reporter; warnings are collected.</summary>
    public sealed class Reporter(Action<int, int>? progress) : IStageReporter
    {
        public static Reporter? Of(Action<int, int>? progress) => progress is null ? null : new Reporter(progress);
        public List<string> Warnings { get; } = new();
        public List<string> Units { get; } = new();
        public List<string> Notes { get; } = new();
        public void Progress(int done, int total, string unit)
        {
            Units.Add(unit);
            progress?.Invoke(done, total);
        }
        public void Progress(int done, int total, string unit, string note)
        {
            Notes.Add(note);
            Progress(done, total, unit);
        }
        public void Warning(string message) => Warnings.Add(message);
    }
}

/// <summary>The style transfer stage with fixed settings, run on series as the tests name them.</summary>
public sealed class StyleRunner(Vgg19Weights weights, StyleTransferSettings settings, ComputeDevice device = ComputeDevice.Auto) : IDisposable
{
    readonly NeuralStyleTransfer _stage = new(weights, device);

    public TiltSeries Run(TiltSeries content, TiltSeries style, TiltSeries? init = null, (int First, int Last)? range = null,
        Action<int, int>? progress = null, CancellationToken cancel = default) =>
        _stage.Run(content, settings with { Style = style, Init = init, TiltRange = range }, Engine.Reporter.Of(progress), cancel);

    public void Dispose() => _stage.Dispose();
}

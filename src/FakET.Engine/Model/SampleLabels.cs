namespace FakET;

/// <summary>
/// Ground truth that travels with a synthetic sample volume: what a particle picker trains on.
/// The masks have the volume's shape (Z, Y, X), one row-major section per Z.
/// </summary>
/// <param name="ClassMask">0 for background, k for class k.</param>
/// <param name="InstanceMask">0 for background, the particle's id otherwise.</param>
/// <param name="ClassNames">Name of class k at index k − 1.</param>
public sealed record SampleLabels(int[][]? ClassMask, int[][]? InstanceMask, IReadOnlyList<string> ClassNames);

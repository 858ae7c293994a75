using FakET.Native;
using TorchSharp;

namespace FakET.Reconstruction;

/// <summary>
/// Filtered back-projection as scikit-image's <c>iradon</c> computes it for each Y slice (circle=False): the
/// projections are zero-padded to <see cref="FourierFilter.PaddedLength"/>, filtered along X, back-projected with
/// linear interpolation and scaled by π / (2n), n the number of tilts.
/// </summary>
internal static class FilteredBackProjection
{
    public static void Run(BackProjector projector, TiltSeries series, ReconstructionFilter filter, float[][] sections,
        CancellationToken cancel, Action<int, int>? progress)
    {
        var g = projector.Geometry;
        using var response = TensorData.Upload(FourierFilter.RealResponse(filter, g.PaddedLength, Math.PI / (2.0 * g.TiltCount)),
            projector.Device);
        for (int y0 = 0; y0 < g.Height; y0 += g.BlockRows)
        {
            cancel.ThrowIfCancellationRequested();
            int rows = Math.Min(g.BlockRows, g.Height - y0);
            using var scope = torch.NewDisposeScope();
            var table = projector.Table(series, y0, rows, response, cancel);
            projector.BackProject(table, rows, (z0, z1, voxels) => BackProjector.ToSections(voxels, z0, z1, y0, rows, g.Width, sections), cancel);
            progress?.Invoke(y0 + rows, g.Height);
        }
    }
}

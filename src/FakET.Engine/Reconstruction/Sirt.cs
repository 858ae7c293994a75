using FakET.Native;
using TorchSharp;

namespace FakET.Reconstruction;

/// <summary>
/// SIRT: starting from zero, x ← x + C·Aᵀ·R·(b − A·x), with A the projector (the exact adjoint of the
/// back-projector, so A·x are line integrals through x in voxel units), R the inverse row sums of A (per detector
/// pixel) and C the inverse column sums (per voxel). Every Y slice is independent, so it runs block by block.
/// </summary>
internal static class Sirt
{
    public static void Run(BackProjector projector, TiltSeries series, int iterations, float[][] sections,
        CancellationToken cancel, Action<int, int>? progress)
    {
        var g = projector.Geometry;
        var (rays, voxels) = projector.Weights();
        using var rayScale = TensorData.Upload(rays.Select(r => r > 0 ? (float)(1 / r) : 0f).ToArray(), projector.Device).unsqueeze(1);
        using var voxelScale = TensorData.Upload(voxels.Select(v => v > 0 ? (float)(1 / v) : 0f).ToArray(), projector.Device).unsqueeze(1);
        for (int y0 = 0; y0 < g.Height; y0 += g.BlockRows)
        {
            cancel.ThrowIfCancellationRequested();
            int rows = Math.Min(g.BlockRows, g.Height - y0);
            using var scope = torch.NewDisposeScope();
            var measured = projector.Table(series, y0, rows, response: null, cancel);
            var volume = torch.zeros(new long[] { (long)g.Thickness * g.Width, rows }, device: projector.Device);
            for (int k = 0; k < iterations; k++)
            {
                using var step = torch.NewDisposeScope();
                var residual = (measured - projector.Project(volume, rows, cancel)).mul_(rayScale);
                projector.BackProject(residual, rows, (z0, z1, update) =>
                {
                    long from = (long)z0 * g.Width, length = (long)(z1 - z0) * g.Width;
                    volume.narrow(0, from, length).add_(update.mul_(voxelScale.narrow(0, from, length)));
                }, cancel);
            }
            BackProjector.ToSections(volume, 0, g.Thickness, y0, rows, g.Width, sections);
            progress?.Invoke(y0 + rows, g.Height);
        }
    }
}

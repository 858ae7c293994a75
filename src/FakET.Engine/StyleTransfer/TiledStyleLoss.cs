using TorchSharp;
using static TorchSharp.torch;

namespace FakET.StyleTransfer;

/// <summary>
/// Exact tiled style transfer: the loss's gradient with respect to the image, computed tile by tile so that memory follows
/// the tile, not the image. The loss depends on the image only through sums over all positions: each style term through
/// its Gram matrix G = Σ F·Fᵀ / (H·W), each content term through Σ(F−C)² and Σ|F−C|. So:
/// <list type="number">
/// <item>the sums are gathered over the tiles without autograd, each tile adding the positions it owns (<see cref="StyleTiling"/>);</item>
/// <item>the gradient of each term with respect to its sums is taken once, on the small sums themselves (dL/dG, a C×C matrix,
/// by autograd through <see cref="ScaledMse"/>; for content 1/(Σ|d|+ε) and Σd²/(Σ|d|+ε)²);</item>
/// <item>each tile's pass is then differentiated through a surrogate, Σ dL/dG ⊙ F_own·F_ownᵀ/(H·W) and Σ d²/(Σ|d|+ε) −
/// Σd²/(Σ|d|+ε)²·Σ|d| over its own positions, whose gradient is exactly the loss's gradient through those positions with the
/// sums held fixed; the tiles' input gradients, halos included, add up to the whole image's gradient.</item>
/// </list>
/// The optimiser then steps on the whole image as before. Content targets are recomputed per tile (not kept for the image).
/// </summary>
public sealed partial class NeuralStyleTransfer
{
    /// <summary>Style Gram matrices F·Fᵀ/(H·W) of <paramref name="source"/> through its tiles, without autograd.</summary>
    Dictionary<int, Tensor> TiledGrams(VggNetwork network, Tensor source, StyleTiling tiling, CancellationToken cancel)
    {
        using var _ = torch.no_grad();
        var sums = new Dictionary<int, Tensor>();
        foreach (var tile in tiling.Tiles)
        {
            using var scope = torch.NewDisposeScope();
            network.Run(Crop(source, tile), 0, _styleDepth, (i, x) =>
            {
                foreach (var (layer, _) in _styleTerms)
                    if (ObservedAt(layer, _styleDepth) == i) Accumulate(sums, layer, GramSum(tiling.Owned(x, tile, i)));
                return false;
            }, cancel);
        }
        return sums.ToDictionary(s => s.Key, s => s.Value.div_(tiling.Area(s.Key)));
    }

    /// <summary>The gradient of the loss with respect to <paramref name="image"/> (n, 3, H, W), computed tile by tile.
    /// <paramref name="contentSource"/> is what the content targets come from (null without a content loss).</summary>
    Tensor TiledGradient(VggNetwork network, Tensor image, Tensor? contentSource, Dictionary<int, Tensor> styleTargets,
        StyleTiling tiling, CancellationToken cancel)
    {
        var contentTerms = _contentTerms.Where(t => t.Weight != 0).ToArray();
        var gramSums = new Dictionary<int, Tensor>();
        var absSums = new Dictionary<int, Tensor>();
        var squareSums = new Dictionary<int, Tensor>();
        using (torch.no_grad())
            foreach (var tile in tiling.Tiles)
            {
                using var scope = torch.NewDisposeScope();
                var targets = ContentTargets(network, contentSource, tiling, tile, cancel);
                network.Run(Crop(image, tile), 0, _depth, (i, x) =>
                {
                    foreach (var (layer, _) in _styleTerms)
                        if (ObservedAt(layer, _depth) == i) Accumulate(gramSums, layer, GramSum(tiling.Owned(x, tile, i)));
                    foreach (var (layer, _) in contentTerms)
                        if (ObservedAt(layer, _depth) == i)
                        {
                            using var diff = tiling.Owned(x, tile, i) - targets[layer];
                            Accumulate(absSums, layer, diff.abs().sum(Dims(diff)));
                            Accumulate(squareSums, layer, diff.square().sum(Dims(diff)));
                        }
                    return false;
                }, cancel);
            }

        // dL/dG per style layer (weight included), from the loss itself on the small Gram matrices.
        var gramGradients = new Dictionary<int, Tensor>();
        foreach (var (layer, weight) in _styleTerms)
        {
            using var gram = gramSums[layer].div(tiling.Area(layer)).requires_grad_(true);
            using (var loss = ScaledMse(gram, styleTargets[layer]).sum().mul(weight)) loss.backward();
            gramGradients[layer] = gram.grad!.div(tiling.Area(layer)).detach();
        }
        // d(Σd²/(Σ|d|+ε))/dd = 2d/(Σ|d|+ε) − Σd²/(Σ|d|+ε)²·sign(d): the two factors per tilt, weight included.
        var contentFactors = new Dictionary<int, (Tensor Square, Tensor Abs)>();
        foreach (var (layer, weight) in contentTerms)
        {
            var denominator = absSums[layer].add(LossEpsilon);
            contentFactors[layer] = (denominator.reciprocal().mul_(weight), squareSums[layer].div(denominator.square()).mul_(weight));
        }

        var gradient = torch.zeros_like(image);
        foreach (var tile in tiling.Tiles)
        {
            using var scope = torch.NewDisposeScope();
            var targets = ContentTargets(network, contentSource, tiling, tile, cancel);
            var crop = Crop(image, tile).detach().clone().requires_grad_(true);
            Tensor? surrogate = null;
            void Add(Tensor term) => surrogate = surrogate is null ? term : surrogate.add_(term);
            network.Run(crop, 0, _depth, (i, x) =>
            {
                foreach (var (layer, _) in _styleTerms)
                    if (ObservedAt(layer, _depth) == i) Add(GramSum(tiling.Owned(x, tile, i)).mul_(gramGradients[layer]).sum());
                foreach (var (layer, _) in contentTerms)
                    if (ObservedAt(layer, _depth) == i)
                    {
                        var diff = tiling.Owned(x, tile, i) - targets[layer];
                        var (square, abs) = contentFactors[layer];
                        Add(diff.square().sum(Dims(diff)).mul(square).sub(diff.abs().sum(Dims(diff)).mul(abs)).sum());
                    }
                return false;
            }, cancel);
            surrogate!.backward();
            using (torch.no_grad())
                gradient.narrow(2, tile.InY0, tile.InY1 - tile.InY0).narrow(3, tile.InX0, tile.InX1 - tile.InX0).add_(crop.grad!);
        }
        foreach (var g in gramGradients.Values) g.Dispose();
        if (_settings.TvWeight != 0)
        {
            using var scope = torch.NewDisposeScope();
            var leaf = image.detach().requires_grad_(true);
            TotalVariation(leaf).sum().mul(_settings.TvWeight).backward();
            using (torch.no_grad()) gradient.add_(leaf.grad!);
        }
        return gradient;
    }

    /// <summary>The content activations that <paramref name="tile"/> owns, without autograd (none without a content loss).</summary>
    Dictionary<int, Tensor> ContentTargets(VggNetwork network, Tensor? source, StyleTiling tiling, StyleTile tile, CancellationToken cancel)
    {
        var targets = new Dictionary<int, Tensor>();
        if (source is null) return targets;
        using var _ = torch.no_grad();
        network.Run(Crop(source, tile), 0, _contentDepth, (i, x) =>
        {
            foreach (var (layer, weight) in _contentTerms)
                if (weight != 0 && ObservedAt(layer, _contentDepth) == i) targets[layer] = tiling.Owned(x, tile, i).contiguous();
            return false;
        }, cancel);
        return targets;
    }

    /// <summary>The tile's input region of a (n, C, H, W) batch (a view).</summary>
    static Tensor Crop(Tensor x, StyleTile tile) =>
        x.narrow(2, tile.InY0, tile.InY1 - tile.InY0).narrow(3, tile.InX0, tile.InX1 - tile.InX0);

    static long[] Dims(Tensor x) => Enumerable.Range(1, (int)x.dim() - 1).Select(d => (long)d).ToArray();

    /// <summary>Adds <paramref name="value"/> to the sum kept under <paramref name="key"/>, which outlives the caller's scope.</summary>
    static void Accumulate(Dictionary<int, Tensor> sums, int key, Tensor value)
    {
        if (sums.TryGetValue(key, out var sum)) sum.add_(value);
        else sums[key] = value.clone().DetachFromDisposeScope();
    }
}

namespace FakET.Projection;

/// <summary>
/// The geometry FakET projects with: scikit-image's <c>radon(slice, theta, circle=False)</c> of each (Z, X)
/// slice of the volume, centre-cropped to the detector width (FakET's <c>radon_3d(..., out_shape, slice_axis=1)</c>).
/// </summary>
/// <remarks>
/// <c>radon</c> pads the slice with zeros to a square of side P = ⌈√2·max(nz, nx)⌉ so that the slice's
/// pixel (nz/2, nx/2) (integer division) sits at the square's pixel (P/2, P/2), the rotation centre.
/// For each angle θ it warps the square with the inverse map
/// <c>col_in = cos θ·c + sin θ·r − P/2·(cos θ + sin θ − 1)</c>,
/// <c>row_in = −sin θ·c + cos θ·r − P/2·(cos θ − sin θ − 1)</c>
/// (bilinear interpolation, zero outside the square) and sums the rows: detector pixel c of the sinogram
/// is the sum over r = 0 … P−1. FakET keeps detector pixels (P − W)/2 … (P − W)/2 + W − 1.
/// </remarks>
public sealed class ProjectionGeometry
{
    /// <param name="depth">Z size of the volume (rows of each slice).</param>
    /// <param name="width">X size of the volume (columns of each slice).</param>
    /// <param name="detectorWidth">Detector pixels kept; FakET's default is the volume width.</param>
    public ProjectionGeometry(int depth, int width, int detectorWidth)
    {
        if (depth <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(depth), "Volume size must be positive.");
        Depth = depth;
        Width = width;
        // As radon: pad each axis by ⌈√2·max − s⌉ so that the padded slice is a square.
        double diagonal = Math.Sqrt(2) * Math.Max(depth, width);
        int padded = depth + (int)Math.Ceiling(diagonal - depth);
        if (padded != width + (int)Math.Ceiling(diagonal - width))
            throw new InvalidOperationException("The padded slice is not square.");
        PaddedSize = padded;
        Centre = padded / 2;
        RowOffset = Centre - depth / 2;
        ColumnOffset = Centre - width / 2;
        if (detectorWidth <= 0 || detectorWidth > padded)
            throw new FakETException(ErrorIds.DetectorWidthInvalid, FailureKind.InvalidArgument,
                $"The detector width must be between 1 and {padded} pixels (the diagonal of a {depth}×{width} slice); {detectorWidth} was given.");
        DetectorWidth = detectorWidth;
        DetectorStart = (padded - detectorWidth) / 2;
    }

    public int Depth { get; }
    public int Width { get; }
    public int DetectorWidth { get; }
    /// <summary>Side of the zero-padded square slice (scikit-image's sinogram length).</summary>
    public int PaddedSize { get; }
    /// <summary>Rotation centre in padded coordinates (both axes).</summary>
    public int Centre { get; }
    /// <summary>Padded row of slice row 0.</summary>
    public int RowOffset { get; }
    /// <summary>Padded column of slice column 0.</summary>
    public int ColumnOffset { get; }
    /// <summary>First sinogram pixel kept by the centre crop.</summary>
    public int DetectorStart { get; }
}

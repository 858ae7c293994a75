using System.Globalization;
using FakET.Stages;

namespace FakET.Resampling;

/// <summary>
/// Resize-TiltSeries's stage: makes a tilt series fit another (a style reference, a simulation) by binning or resampling
/// to a pixel size, then cropping to a region. Resampling is Fourier cropping or padding (<see cref="FourierResampling"/>),
/// so nothing aliases. <see cref="ResizeOptions.Bin"/> b first drops the rows and columns beyond a multiple of b (as
/// New-Tomogram -Bin does), then resamples by exactly b, so the pixel size is b times the input's.
/// <see cref="ResizeOptions.PixelSize"/> p′ gives W′ = round(W·p/p′) columns, and the pixel size becomes p·W/W′ exactly; the
/// rows, H′ = round(H·p/(p·W/W′)), sample within 1/(2H′) of that. The crop (<see cref="ResizeOptions.Size"/> around
/// <see cref="ResizeOptions.Center"/>) is in output pixels. The tilt angles, acquisition order and history carry over; the
/// MRC origin (the position of pixel 0, Å) moves by the crop's start, and a ground truth is mapped to the new pixels.
/// </summary>
public sealed class TiltResampling : Stage<TiltSeries, ResizeOptions, TiltSeries>
{
    public override string Step => Steps.ResizeTiltSeries;

    /// <summary>The output's geometry: the input region resampled (rows × columns) to Height × Width, then the crop.</summary>
    public sealed record Plan(int InputHeight, int InputWidth, int Height, int Width, double PixelSize, int CropX, int CropY,
        int CropWidth, int CropHeight);

    /// <summary>Where the options put the output of an <paramref name="height"/>×<paramref name="width"/> series of
    /// <paramref name="pixelSize"/> Å.</summary>
    public static Plan Layout(int height, int width, double pixelSize, ResizeOptions options)
    {
        int inH = height, inW = width, toH = height, toW = width;
        double toP = pixelSize;
        if (options.Bin is { } b)
        {
            (inH, inW) = (height / b * b, width / b * b);
            if (inH == 0 || inW == 0)
                throw Invalid($"Bin {b} is larger than the {height}×{width} tilts.");
            (toH, toW, toP) = (inH / b, inW / b, pixelSize * b);
        }
        else if (options.PixelSize is { } target)
        {
            if (!(pixelSize > 0)) throw Invalid("The series has no pixel size, so it cannot be resampled to one; give it with Import-TiltSeries -PixelSize.");
            toW = Math.Max(1, (int)Math.Round(width * pixelSize / target, MidpointRounding.ToEven));
            toP = pixelSize * width / toW;
            toH = Math.Max(1, (int)Math.Round(height * pixelSize / toP, MidpointRounding.ToEven));
        }
        if (options.Size is not { } size)
        {
            if (options.Center is not null) throw Invalid("-Center needs -Size: it places a region of that size.");
            return new Plan(inH, inW, toH, toW, toP, 0, 0, toW, toH);
        }
        var (cx, cy) = options.Center is { } c ? (c[0], c[1]) : (toW / 2, toH / 2);
        int x0 = cx - size[0] / 2, y0 = cy - size[1] / 2;
        if (x0 < 0 || y0 < 0 || x0 + size[0] > toW || y0 + size[1] > toH)
            throw new FakETException(ErrorIds.ResizeRegionOutside, FailureKind.InvalidArgument, string.Create(CultureInfo.InvariantCulture,
                $"A {size[0]}×{size[1]} region (X×Y) centred at ({cx}, {cy}) spans columns {x0}…{x0 + size[0] - 1} and rows {y0}…{y0 + size[1] - 1}, " +
                $"outside the {toW}×{toH} tilts{(toW != width || toH != height ? " after resampling" : "")}; give a smaller -Size or another -Center."));
        return new Plan(inH, inW, toH, toW, toP, x0, y0, size[0], size[1]);
    }

    protected override TiltSeries Execute(TiltSeries input, ResizeOptions options, StageRun run)
    {
        var plan = Layout(input.Height, input.Width, input.PixelSize, options);
        bool resample = plan.Height != plan.InputHeight || plan.Width != plan.InputWidth;
        // Tilts in parallel, each worker on one libtorch thread (TorchWorkers): libtorch's own threads inside each FFT
        // spin and, on a busy machine, made a run 7 times slower (docs/benchmarks.md, "Resampling"). A worker holds
        // one tilt's spectra.
        long outputBytes = (long)input.TiltCount * plan.CropHeight * plan.CropWidth * sizeof(float);
        long workerBytes = resample ? FourierResampling.WorkingBytes(plan.InputHeight, plan.InputWidth, plan.Height, plan.Width) : 0;
        long? room = MemoryBudget.Available();
        int workers = Math.Max(1, Math.Min(Environment.ProcessorCount,
            room is { } r && workerBytes > 0 ? (int)Math.Min(int.MaxValue, (r - outputBytes) / workerBytes) : int.MaxValue));
        MemoryBudget.Require(outputBytes + workerBytes,
            $"Resize-TiltSeries needs its {input.TiltCount}×{plan.CropHeight}×{plan.CropWidth} output", "Resize fewer tilts at a time, or crop first.");
        var output = new float[input.TiltCount][];
        var progress = run.Progress("tilt");
        int done = 0;
        Native.TorchWorkers.Run(input.TiltCount, resample ? workers : 1, 1, i =>
        {
            var tilt = input.Tilt(i);
            if (plan.InputHeight != input.Height || plan.InputWidth != input.Width)
                tilt = Crop(tilt, input.Width, 0, 0, plan.InputWidth, plan.InputHeight);
            if (resample) tilt = FourierResampling.Resample(tilt, plan.InputHeight, plan.InputWidth, plan.Height, plan.Width);
            return Crop(tilt, plan.Width, plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight);
        }, (i, tilt) =>
        {
            output[i] = tilt;
            progress?.Invoke(++done, input.TiltCount);
        }, run.Cancel);

        var origin = (input.Origin.X + plan.CropX * plan.PixelSize, input.Origin.Y + plan.CropY * plan.PixelSize, input.Origin.Z);
        // Output pixel j samples input position j·(in/out) (pixel 0 stays put), then the crop shifts it.
        double sx = (double)plan.Width / plan.InputWidth, sy = (double)plan.Height / plan.InputHeight;
        var truth = input.GroundTruth is { } g ? g with
        {
            X = g.X.Then(new AxisMap(sx, -plan.CropX)),
            Y = g.Y.Then(new AxisMap(sy, -plan.CropY)),
            Z = g.Z.Then(new AxisMap(sx, 0)),
        } : null;
        var decided = new Dictionary<string, object?>
        {
            ["OutputPixelSize"] = plan.PixelSize,
            ["ResampledSize"] = new[] { plan.Width, plan.Height },
            ["Region"] = new[] { plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight },
        };
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"resized {input.Width}×{input.Height} → {plan.CropWidth}×{plan.CropHeight}, {input.PixelSize:0.###} → {plan.PixelSize:0.###} Å/px");
        return input.Derive(output, run.Entry(summary, decided), height: plan.CropHeight, width: plan.CropWidth, pixelSize: plan.PixelSize,
            origin: origin, groundTruth: truth);
    }

    /// <summary>The <paramref name="w"/>×<paramref name="h"/> region at (<paramref name="x0"/>, <paramref name="y0"/>) of an
    /// image <paramref name="width"/> wide; the image itself when the region is all of it.</summary>
    static float[] Crop(float[] image, int width, int x0, int y0, int w, int h)
    {
        if (x0 == 0 && y0 == 0 && w == width && h * width == image.Length) return image;
        var region = new float[w * h];
        for (int y = 0; y < h; y++) image.AsSpan((y0 + y) * width + x0, w).CopyTo(region.AsSpan(y * w, w));
        return region;
    }

    static FakETException Invalid(string message) => new(ErrorIds.ResizeParameterInvalid, FailureKind.InvalidArgument, message);
}

/// <summary>What Resize-TiltSeries does: at most one of <see cref="Bin"/> and <see cref="PixelSize"/>, then an optional crop.</summary>
public sealed record ResizeOptions : StageOptions
{
    /// <summary>Bin by this integer: the pixel size grows by it and each side shrinks by it (the remainder dropped).</summary>
    public int? Bin { get; init; }
    /// <summary>Resample to this pixel size in Å (larger: Fourier cropping; smaller: Fourier padding).</summary>
    public double? PixelSize { get; init; }
    /// <summary>Crop to this many pixels (X, Y) after resampling; <c>null</c> to keep the whole image.</summary>
    public IReadOnlyList<int>? Size { get; init; }
    /// <summary>Centre (X, Y) of the cropped region in output pixels, from 0; <c>null</c> for the image's centre (W/2, H/2).</summary>
    public IReadOnlyList<int>? Center { get; init; }

    public override void Validate()
    {
        if (Bin is not null && PixelSize is not null)
            throw Invalid("Give -Bin or -PixelSize, not both: each sets the new pixel size.");
        if (Bin is < 1) throw Invalid($"-Bin must be 1 or more, not {Bin}.");
        if (PixelSize is { } p && !(p > 0 && double.IsFinite(p)))
            throw Invalid($"-PixelSize must be a positive number of Å, not {p.ToString(CultureInfo.InvariantCulture)}.");
        if (Size is not null && (Size.Count != 2 || Size.Any(s => s < 1)))
            throw Invalid("-Size takes two positive numbers of pixels: X (width), Y (height).");
        if (Center is not null && Center.Count != 2)
            throw Invalid("-Center takes two pixel indices: X, Y.");
    }

    static FakETException Invalid(string message) => new(ErrorIds.ResizeParameterInvalid, FailureKind.InvalidArgument, message);
}

<#
.SYNOPSIS
    Resize-TiltSeries beside numpy: the "Resampling" figures of docs/benchmarks.md.
.DESCRIPTION
    Projects a phantom to a 61-tilt series of -Size² pixels at 10 Å, then times Resize-TiltSeries -Bin 2 and
    -PixelSize 13 (best of -Repeat), and the same Fourier crops written with numpy (fft2, fftshift, centred block,
    ifft2, float64, one tilt at a time, as tests/FakET.Tests/ResizeTiltSeriesTests.cs defines them) on the same series
    read from an MRC file, in the same run. The file is written to a temporary folder and removed.
.EXAMPLE
    dotnet src/FakET.Host/bin/Release/net10.0/faket.dll benchmarks/resize.ps1 -Size 512
#>
param(
    [int] $Size = 512,
    [int] $Repeat = 3
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if (-not (Get-Module FakET)) { Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'FakET', 'FakET.psd1')) }

$series = New-Phantom -Width $Size -Height $Size -Depth 32 -VoxelSize 10 -Seed 1 | New-TiltSeries -TiltRange -60, 60 -TiltStep 2
"series: $series"
function Best([scriptblock] $Work) {
    (1..$Repeat | ForEach-Object { (Measure-Command $Work).TotalSeconds } | Measure-Object -Minimum).Minimum
}
$bin = Best { $null = $series | Resize-TiltSeries -Bin 2 }
$pixel = Best { $null = $series | Resize-TiltSeries -PixelSize 13 }
$to13 = [int][Math]::Round($Size * 10 / 13)
'Resize-TiltSeries -Bin 2:        {0:F2} s' -f $bin
'Resize-TiltSeries -PixelSize 13: {0:F2} s' -f $pixel

$folder = Join-Path ([System.IO.Path]::GetTempPath()) ("faket-resize-" + [guid]::NewGuid())
$null = New-Item -ItemType Directory $folder
try {
    $file = Join-Path $folder 'series.mrc'
    $series | Export-TiltSeries $file
    $script = @'
import sys, time, numpy as np
path, repeat, targets = sys.argv[1], int(sys.argv[2]), [int(t) for t in sys.argv[3:]]
header = np.fromfile(path, dtype=np.int32, count=256)
nx, ny, nz, nsymbt = header[0], header[1], header[2], header[23]
x = np.fromfile(path, dtype=np.float32, offset=1024 + nsymbt).reshape(nz, ny, nx)
def resample(t, h2, w2):
    H, W = t.shape; mh, mw = min(H, h2), min(W, w2)
    F = np.fft.fftshift(np.fft.fft2(t.astype(np.float64)))
    G = np.zeros((h2, w2), dtype=complex)
    G[h2//2 - mh//2:h2//2 - mh//2 + mh, w2//2 - mw//2:w2//2 - mw//2 + mw] = F[H//2 - mh//2:H//2 - mh//2 + mh, W//2 - mw//2:W//2 - mw//2 + mw]
    return (np.fft.ifft2(np.fft.ifftshift(G)).real * (h2 * w2) / (H * W)).astype(np.float32)
for target in targets:
    best = min((lambda s: (np.stack([resample(t, target, target) for t in x]), time.perf_counter() - s)[1])(time.perf_counter()) for _ in range(repeat))
    print(f"numpy Fourier crop to {target}²:   {best:.2f} s")
'@
    # Debian's python3 (with python3-numpy), as the tests run it.
    $python = (Test-Path /usr/bin/python3) ? '/usr/bin/python3' : 'python3'
    & $python -c $script $file $Repeat ([int]($Size / 2)) $to13
}
finally {
    Remove-Item -Recurse -Force $folder
}

<#
.SYNOPSIS
    Paired against half-set noise estimates on the physics-lite microscope: the "Noise from half-sets" figures of
    docs/benchmarks.md.
.DESCRIPTION
    The quick start's specimen (shipped atomic models in vitreous ice) and its clean projections go through
    Invoke-MicroscopeSimulation -HalfSets. Per tilt it prints: the true signal fraction (the correlation of
    Even + Odd with NoShotNoise), the half-set estimate (Measure-TiltNoise -Even -Odd, unfitted), and the paired
    estimate of the paper (Measure-TiltNoise -Reference (Even + Odd) -Clean, unfitted), then their means and the
    ratio of the paired r to the half-set r, and the correlation of NoShotNoise with the clean projections, which that
    ratio tends to as the noise is independent of both (r_paired = corr(S, C)·r_true). With -Central N the same is measured on the central N×N pixels too
    (Resize-TiltSeries -Size), away from the field's edges.
.EXAMPLE
    dotnet src/FakET.Host/bin/Release/net10.0/faket.dll benchmarks/half-set-noise.ps1
#>
param(
    [int] $Size = 128,
    [int] $Depth = 64,
    [double] $TiltStep = 3,
    [int] $Central = 64,
    [double] $TotalDose = 100,
    [int] $Seed = 1,
    [switch] $PerTilt
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if (-not (Get-Module FakET)) { Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'FakET', 'FakET.psd1')) }

$specimen = @{ Width = $Size; Height = $Size; Depth = $Depth; VoxelSize = 10; SlabThickness = [int]($Depth * 0.75)
               Class = '1HEL', '1TII', '3O21'; Count = 10, 5, 2; IceDensity = 0.57 }
$clean = New-Phantom @specimen -Seed $Seed | New-TiltSeries -TiltRange -60, 60 -TiltStep $TiltStep
$halves = $clean | Invoke-MicroscopeSimulation -HalfSets -TotalDose $TotalDose -Seed $Seed

function Correlation([float[]] $a, [float[]] $b) {
    $n = $a.Length; $ma = ($a | Measure-Object -Average).Average; $mb = ($b | Measure-Object -Average).Average
    $sab = 0.0; $saa = 0.0; $sbb = 0.0
    for ($i = 0; $i -lt $n; $i++) { $x = $a[$i] - $ma; $y = $b[$i] - $mb; $sab += $x * $y; $saa += $x * $x; $sbb += $y * $y }
    $sab / [Math]::Sqrt($saa * $sbb)
}

function Measure-Field($even, $odd, $noShotNoise, $cleanSeries, [string] $field) {
    $tilts = 0..($even.TiltCount - 1)
    $sums = foreach ($i in $tilts) { , [float[]]([Linq.Enumerable]::Zip([float[]]$even.Tilt($i), [float[]]$odd.Tilt($i), [Func[float, float, float]] { param($a, $b) $a + $b })) }
    $type = $even.GetType(); $sum = $type::new([float[][]]$sums, $even.Height, $even.Width, $even.TiltAngles, $even.PixelSize, $null, $null)
    $halfSet = Measure-TiltNoise -Even $even -Odd $odd -PolynomialOrder -1
    $paired = Measure-TiltNoise -Reference $sum -Clean $cleanSeries -PolynomialOrder -1
    $rows = foreach ($i in $tilts) {
        [pscustomobject]@{
            Field = $field; Angle = $even.TiltAngles[$i]
            TrueR = Correlation $sums[$i] $noShotNoise.Tilt($i)
            HalfSetR = $halfSet.R[$i]; PairedR = $paired.R[$i]
            NoiseFree = Correlation $noShotNoise.Tilt($i) $cleanSeries.Tilt($i)   # what paired / true r tends to: the optics' decorrelation
        }
    }
    if ($PerTilt) { $rows | Format-Table -AutoSize | Out-String -Width 200 }
    $truth = ($rows.TrueR | Measure-Object -Average).Average
    $half = ($rows.HalfSetR | Measure-Object -Average).Average
    $pair = ($rows.PairedR | Measure-Object -Average).Average
    $ratio = $rows.NoiseFree | Measure-Object -Average -Minimum -Maximum
    '{0}: mean r: true {1:F4}, half-set {2:F4}, paired {3:F4}; paired / half-set {4:F3}, paired / true {5:F3}; corr(NoShotNoise, clean) {7:F3} ({8:F3}…{9:F3}); rms(half-set - true) {6:F4}' -f `
        $field, $truth, $half, $pair, ($pair / $half), ($pair / $truth),
        [Math]::Sqrt((($rows | ForEach-Object { [Math]::Pow($_.HalfSetR - $_.TrueR, 2) }) | Measure-Object -Average).Average),
        $ratio.Average, $ratio.Minimum, $ratio.Maximum
}

"clean: $clean"
"half-sets: $($halves.Even)"
Measure-Field $halves.Even $halves.Odd $halves.NoShotNoise $clean 'whole field'
if ($Central -gt 0) {
    $crop = @{ Size = $Central, $Central }
    Measure-Field ($halves.Even | Resize-TiltSeries @crop) ($halves.Odd | Resize-TiltSeries @crop) ($halves.NoShotNoise | Resize-TiltSeries @crop) ($clean | Resize-TiltSeries @crop) "central $Central²"
}

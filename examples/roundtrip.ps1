<#
.SYNOPSIS
    Imports the module's compute stack and moves a tilt series and a volume through MRC files.
.DESCRIPTION
    Shows the device libtorch runs on, then reads a tilt series (with its angles) and a volume, writes them
    to -OutputDirectory (float32 and float16), reads them back and reports the largest difference.
    By default it uses the small reference case that ships with the tests.
.EXAMPLE
    faket examples/roundtrip.ps1 -OutputDirectory out/roundtrip
#>
param(
    [string] $OutputDirectory = 'out/roundtrip',
    [string] $TiltSeriesPath = "$PSScriptRoot/../tests/FakET.Tests/Data/projections_noiseless.mrc",
    [string] $VolumePath = "$PSScriptRoot/../tests/FakET.Tests/Data/volume.mrc",
    [double[]] $TiltAngles = (-60..60 | Where-Object { $_ % 6 -eq 0 })
)
$ErrorActionPreference = 'Stop'
# Under pwsh, load the module this repository builds; the faket host has it loaded already.
if (-not (Get-Module FakET)) { Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'FakET', 'FakET.psd1')) }
Get-FakETDevice | ForEach-Object { "device: $_" }

$series = Import-TiltSeries -LiteralPath $TiltSeriesPath -TiltAngles $TiltAngles
$volume = Import-Volume -LiteralPath $VolumePath
"read:   $series"
"read:   $volume"

# Only the engine's core cmdlets are certain in every host, so .NET does the folder work.
$OutputDirectory = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputDirectory)
$null = [System.IO.Directory]::CreateDirectory($OutputDirectory)
$series | Export-TiltSeries ([System.IO.Path]::Combine($OutputDirectory, 'tilt-series.mrc')) -Force
$series | Export-TiltSeries ([System.IO.Path]::Combine($OutputDirectory, 'tilt-series-f16.mrc')) -Float16 -Force
$volume | Export-Volume ([System.IO.Path]::Combine($OutputDirectory, 'volume.mrc')) -Force

$back = Import-TiltSeries ([System.IO.Path]::Combine($OutputDirectory, 'tilt-series.mrc'))
$half = Import-TiltSeries ([System.IO.Path]::Combine($OutputDirectory, 'tilt-series-f16.mrc'))
function MaxDifference($a, $b) {
    $max = 0.0
    for ($t = 0; $t -lt $a.TiltCount; $t++) {
        $x = $a.Tilt($t); $y = $b.Tilt($t)
        for ($i = 0; $i -lt $x.Length; $i++) { $d = [math]::Abs($x[$i] - $y[$i]); if ($d -gt $max) { $max = $d } }
    }
    $max
}
"float32 round trip: largest difference $(MaxDifference $series $back)"
"float16 round trip: largest difference $(MaxDifference $series $half)"
"wrote:  $([System.IO.Directory]::GetFiles($OutputDirectory).Count) files in $OutputDirectory"

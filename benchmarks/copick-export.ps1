<#
.SYNOPSIS
    Times Export-Copick's OME-Zarr tomogram (scales 1, 2, 4, zlib, chunks 256) against zarr-python writing the same
    levels (benchmarks/zarr_write.py), on one MRC volume. See docs/benchmarks.md.
.EXAMPLE
    dotnet pwsh -NoProfile -File benchmarks/copick-export.ps1 -Volume tomo.mrc -OutputDirectory out/copick-bench
#>
param([Parameter(Mandatory)] [string] $Volume, [string] $OutputDirectory = 'out/copick-bench', [int] $Repeat = 2)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module FakET)) { Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', 'out', 'FakET', 'FakET.psd1')) }
$v = Import-Volume $Volume
foreach ($i in 1..$Repeat) {
    $process = [Diagnostics.Process]::GetCurrentProcess(); $cpu = $process.TotalProcessorTime
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $null = Export-Copick ([IO.Path]::Combine($OutputDirectory, 'project')) -RunName TS_01 -Tomogram $v -Force
    $process.Refresh()
    'Export-Copick {0:F2} s wall, {1:F2} s CPU' -f $clock.Elapsed.TotalSeconds, ($process.TotalProcessorTime - $cpu).TotalSeconds
}
foreach ($i in 1..$Repeat) { & /usr/bin/python3 ([IO.Path]::Combine($PSScriptRoot, 'zarr_write.py')) $Volume ([IO.Path]::Combine($OutputDirectory, 'python.zarr')) }

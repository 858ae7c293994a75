<#
.SYNOPSIS
    Measures the style transfer's working memory per tilt against the tilt's size and the number of tilts:
    the "Style transfer: memory" figures of docs/benchmarks.md.
.DESCRIPTION
    Content, style and init series of -Tilts tilts of -Size² pixels (projections of thin phantoms), then
    Invoke-StyleTransfer with the published settings and random weights. The peak resident memory during the
    style transfer (Linux's VmHWM, reset first through /proc/self/clear_refs) minus the resident memory before it
    is the stage's working memory, its output and libtorch's one-time set-up included. Run one size per process:
    memory that libtorch and the C allocator keep after a run would otherwise be reused by the next one.
.EXAMPLE
    dotnet src/FakET.Host/bin/Release/net10.0/faket.dll benchmarks/style-memory.ps1 -Size 1024 -Tilts 1
#>
param(
    [int] $Size = 512,
    [int] $Tilts = 1,
    [int] $Threads = 0,
    # Tiles of this side (Invoke-StyleTransfer -TileSize); 0: whole tilts, or automatic tiles when a tilt does not fit.
    [int] $TileSize = 0
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
. $PSScriptRoot/ProcessMemory.ps1
"$(Get-FakETDevice)"
"load: $([System.IO.File]::ReadAllText('/proc/loadavg').Trim())"
"| tilt size | tilts | tiling | wall | CPU | RSS before | peak RSS during | working memory | per tilt pixel |"
"|---|---|---|---|---|---|---|---|---|"
$n = $Size; $count = $Tilts
$angles = @(0..($count - 1) | ForEach-Object { 3.0 * $_ })
$series = 1..3 | ForEach-Object {
    New-Phantom -Width $n -Height $n -Depth 24 -SlabThickness 20 -Class small -Count ([Math]::Max(1, [int]($n * $n / 16384))) -Seed $_ |
        New-TiltSeries -TiltAngles $angles
}
[GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
Reset-PeakMemory
$before = Kb 'VmRSS'
$cpu = [System.Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$styleArgs = @{ Content = $series[0]; Style = $series[1]; Init = $series[2]; Seed = 1; WarningAction = 'SilentlyContinue' }
if ($Threads -gt 0) { $styleArgs.Threads = $Threads }
if ($TileSize -gt 0) { $styleArgs.TileSize = $TileSize }
$styled = Invoke-StyleTransfer @styleArgs
$clock.Stop()
$cpu = [System.Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - $cpu
$peak = Kb 'VmHWM'
$work = ($peak - $before) * 1024.0
'| {0}² | {1} | {7} | {2:F1} s | {8:F1} s | {3:F0} MiB | {4:F0} MiB | {5:F0} MiB | {6:F0} B |' -f $n, $count, $clock.Elapsed.TotalSeconds,
    ($before / 1024.0), ($peak / 1024.0), ($work / 1MB), ($work / ([double]$n * $n)), $styled.History[-1].Parameters['Tiling'], $cpu.TotalSeconds
"load after: $([System.IO.File]::ReadAllText('/proc/loadavg').Trim())"

<#
.SYNOPSIS
    Times the whole FakET simulation, stage by stage, through the cmdlets: the "Whole pipeline" figures of docs/benchmarks.md.
.DESCRIPTION
    phantom -> New-TiltSeries -> microscope reference (a second phantom, its projections and
    Invoke-MicroscopeSimulation) -> Measure-TiltNoise -> Add-TiltNoise (noisy, then content) ->
    Invoke-StyleTransfer -> New-Tomogram, all in memory (no file is written). As a script that runs near the
    machine's memory would, it lets go of each object once no later stage needs it (the phantoms once projected,
    the reference's clean projections once the noise is measured, the clean series once the noisy and content
    series exist) and collects garbage then, so each figure shows what the pipeline must hold. For each stage: wall time,
    CPU time of the process, the peak resident memory during the stage (Linux's VmHWM, reset before
    each stage through /proc/self/clear_refs) and the resident memory after it.
    -StyleTilts k styles only the first k tilts (Invoke-StyleTransfer -TiltRange 0,k-1) and scales the
    style transfer's times by tilts / k (its time per tilt does not depend on the tilt); the total then
    counts the scaled figure. -StyleScale N styles at N pixels on the longest side (Invoke-StyleTransfer -Scale N),
    for tilts too large for the style transfer's working memory.
.EXAMPLE
    dotnet src/FakET.Host/bin/Release/net10.0/faket.dll benchmarks/pipeline.ps1 -Size 256
#>
param(
    [int] $Size = 256,
    [int] $Depth = 0,
    [int] $Thickness = 0,
    [double] $TiltStep = 2,
    [int] $StyleTilts = 0,
    [int] $StyleScale = 0,
    [int] $Seed = 1
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($Depth -le 0) { $Depth = [int]($Size / 2) }
if ($Thickness -le 0) { $Thickness = $Depth }   # the tomogram spans the sample's depth
. $PSScriptRoot/ProcessMemory.ps1
$process = [System.Diagnostics.Process]::GetCurrentProcess()
$rows = [System.Collections.Generic.List[object]]::new()
function Stage([string] $name, [scriptblock] $work, [double] $scale = 1) {
    Reset-PeakMemory
    $process.Refresh()
    $cpu = $process.TotalProcessorTime
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $result = & $work
    $clock.Stop()
    $process.Refresh()
    $rows.Add([pscustomobject]@{
        Stage = $name; Wall = $clock.Elapsed.TotalSeconds * $scale; Cpu = ($process.TotalProcessorTime - $cpu).TotalSeconds * $scale
        PeakMiB = (Kb 'VmHWM') / 1024.0; AfterMiB = (Kb 'VmRSS') / 1024.0; Scaled = $scale -ne 1 })
    $result
}
# Collects garbage and gives the freed memory back to the system, so that the next figures show what is held.
function Release { [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect(2, [GCCollectionMode]::Aggressive, $true, $true) }

$counts = @(40, 20, 8) | ForEach-Object { [Math]::Max(1, [int][Math]::Round($_ * $Size * $Size / 65536.0)) }
$phantomArgs = @{ Width = $Size; Height = $Size; Depth = $Depth; SlabThickness = [int]($Depth * 0.8)
    Class = 'small', 'medium', 'large'; Count = $counts; Fiducials = 4; IceDensity = 0.7 }
if ($Depth -ge 80) { $phantomArgs.Membranes = 1 }
$device = Get-FakETDevice
"$device"
"size $Size², depth $Depth, tomogram thickness $Thickness, tilt step $TiltStep°, counts $($counts -join '/'); load: $([System.IO.File]::ReadAllText('/proc/loadavg').Trim())"
$total = [System.Diagnostics.Stopwatch]::StartNew()

$phantom = Stage 'New-Phantom' { New-Phantom @phantomArgs -Seed $Seed }
$clean = Stage 'New-TiltSeries' { $phantom | New-TiltSeries -TiltStep $TiltStep }
$tilts = $clean.Count
$phantom = $null; Release   # a real script would first write its labels (Export-LabelMask, Export-ParticleList)
$reference = Stage 'reference (2nd phantom, New-TiltSeries, Invoke-MicroscopeSimulation)' {
    $otherClean = New-Phantom @phantomArgs -Seed ($Seed + 1) | New-TiltSeries -TiltStep $TiltStep
    Release   # the second phantom, projected
    [pscustomobject]@{ Clean = $otherClean; Measured = $otherClean | Invoke-MicroscopeSimulation -Seed $Seed }
}
$profile = Stage 'Measure-TiltNoise' { Measure-TiltNoise -Reference $reference.Measured -Clean $reference.Clean }
$measured = $reference.Measured; $reference = $null; Release
$noisy = Stage 'Add-TiltNoise (noisy)' { $clean | Add-TiltNoise -Profile $profile -Seed $Seed }
$content = Stage 'Add-TiltNoise (content)' { $clean | Add-TiltNoise -Profile $profile -Scale 0.25 -Seed $Seed -Reference $measured }
$clean = $null; Release
$styleArgs = @{ Content = $content; Style = $measured; Init = $noisy; Seed = $Seed; WarningAction = 'SilentlyContinue' }
$scale = 1
if ($StyleScale -gt 0) { $styleArgs.Scale = $StyleScale }
if ($StyleTilts -gt 0 -and $StyleTilts -lt $tilts) { $styleArgs.TiltRange = 0, ($StyleTilts - 1); $scale = $tilts / $StyleTilts }
$styled = Stage "Invoke-StyleTransfer$(if ($scale -ne 1) { " ($StyleTilts of $tilts tilts, scaled)" })" { Invoke-StyleTransfer @styleArgs } $scale
# A subset (or a smaller scale) styled gives another shape: reconstruct the noisy series then, which has the full size and tilts.
$toReconstruct = if ($styled.Count -eq $tilts -and $styled.Width -eq $Size) { $styled } else { $noisy }
$styleArgs = $null; $content = $null; $measured = $null; Release
$tomogram = Stage "New-Tomogram (thickness $Thickness)" { $toReconstruct | New-Tomogram -Thickness $Thickness }
$total.Stop()

''
"| stage ($tilts×$Size²) | wall | CPU | peak RSS during | RSS after |"
'|---|---|---|---|---|'
foreach ($r in $rows) { '| {0} | {1:F1} s | {2:F1} s | {3:F0} MiB | {4:F0} MiB |' -f $r.Stage, $r.Wall, $r.Cpu, $r.PeakMiB, $r.AfterMiB }
$wall = 0.0; $cpu = 0.0; $peak = 0.0
foreach ($r in $rows) { $wall += $r.Wall; $cpu += $r.Cpu; $peak = [Math]::Max($peak, $r.PeakMiB) }
'| **whole pipeline** | **{0:F1} s** | **{1:F1} s** | **{2:F0} MiB** | |' -f $wall, $cpu, $peak
"(measured wall time $([Math]::Round($total.Elapsed.TotalSeconds, 1)) s; tomogram $tomogram; load after: $([System.IO.File]::ReadAllText('/proc/loadavg').Trim()))"

<#
.SYNOPSIS
    DeepFinder's Tversky loss alone (-Loss Tversky) against Invoke-PickerTraining's default (Tversky plus cross-entropy),
    with everything else equal: five physics-lite tomograms like examples/paper-table.ps1's (seeds 100-104; three for
    training, one for validation, one for testing), half width, four 32³ patches, Adam 1e-3. Prints, for each loss, the
    seconds, the picks and their F1s on the test tomogram, and the loss and validation F1 at chosen steps.
    See docs/benchmarks.md ("Why the loss has a cross-entropy term").
.EXAMPLE
    dotnet src/FakET.Host/bin/Release/net10.0/faket.dll benchmarks/picker/tversky-loss.ps1
#>
param([int] $Steps = 300, [int] $Seed = 1)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module FakET)) { Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'out', 'FakET', 'FakET.psd1')) }
$specimen = @{ Width = 96; Height = 96; Depth = 48; VoxelSize = 10; SlabThickness = 36
               Class = '1HEL', '1TII', '3O21'; Count = 12, 6, 3; IceDensity = 0.57 }
$tomograms = foreach ($i in 0..4) {
    New-Phantom @specimen -Seed (100 + $i) | New-TiltSeries -TiltRange -60, 60 -TiltStep 3 |
        Invoke-MicroscopeSimulation -Seed (100 + $i) | New-Tomogram
}
foreach ($loss in 'Tversky', 'TverskyCrossEntropy') {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $model = Invoke-PickerTraining -Tomogram $tomograms[0..2] -ValidationTomogram $tomograms[3] -Steps $Steps -ValidationInterval 100 `
        -Width 0.5 -PatchSize 32 -LearningRate 1e-3 -Seed $Seed -Loss $loss -Device Cpu
    $picks = @(Find-Particle -Model $model $tomograms[4] -Device Cpu)
    $score = if ($picks.Count) { $picks | Measure-PickingAccuracy -Truth $tomograms[4] -WarningAction SilentlyContinue }
    '{0}: {1:F1} s, {2} picks, localisation F1 {3}, classification F1 {4}' -f $loss, $clock.Elapsed.TotalSeconds, $picks.Count,
        $(if ($score) { '{0:F3}' -f $score.Localization.F1 } else { '-' }),
        $(if ($score) { '{0:F3}' -f $score.Classification.F1MacroWithoutBackground } else { '-' })
    $model.History | Where-Object { $null -ne $_.ValidationF1 -or $_.Step -in 1, 5, 25, 100, 200, 300 } | Format-Table | Out-String
}

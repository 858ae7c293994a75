<#
.SYNOPSIS
    The FakET paper's picking table (Harar et al., Table 2) on data the module makes: train a DeepFinder-style picker on
    each kind of simulated training data, pick in a held-out "real" tomogram, and score.
.DESCRIPTION
    1. SHREC-like samples from real structures (the shipped atomic models 1HEL, 1TII and 3O21, crowded, in ice):
       -TrainSamples for training, one for validation, one for testing and one more as the style source.
    2. "Real" data: each sample's tilt series through the physics-lite microscope (Invoke-MicroscopeSimulation), which
       stands in for a measured series.
    3. The paper's training sets, from the same samples:
         BENCHMARK  the physics-lite tomograms themselves;
         FAKET      noise measured on the physics-lite and clean pairs, content (noise scale 0.25) styled towards the
                    style sample's physics-lite series, starting from the noisy series;
         BASELINE   the order-0 (Gaussian) noise profile;
         NOISY      the measured noise at scale 1.
       Each training set's validation tomogram is the validation sample made the same way.
    4. For each training set and each of -Seeds, Invoke-PickerTraining, then Find-Particle on the held-out physics-lite
       tomogram, scored by Measure-PickingAccuracy (SHREC'21's rules).
    5. The table: localisation F1 and classification F1 (macro over particle classes, without background) as the
       mean over seeds with their spread (min–max), and the cost of each set's data (simulation seconds) and training
       (seconds per run). It is printed and written to -OutputDirectory as paper-table.csv and paper-table.md.
    The picker is trained with DeepFinder's recipe and the Tversky loss plus cross-entropy (Invoke-PickerTraining's
    default: the Tversky loss alone leaves every particle class at probability 0 within a few steps on these samples),
    at Adam 1e-3 for 600 steps of four 32³ patches at half width: 4 to 7 minutes a run on two cores, and about
    45 minutes for the whole table there (docs/benchmarks.md).
    -Quick is the same script small (64×64×32 samples, one training tomogram, one seed, 150 steps of 24³ patches at
    quarter width): a few minutes, and enough for the picker to find particles, though its F1s rest on 11 particles.
    Only random VGG-19 weights exist where Install-StyleModel has not run; the paper measured FakET with random weights
    near its baseline (classification F1 0.434 against 0.441).
.EXAMPLE
    faket examples/paper-table.ps1 -OutputDirectory out/paper-table
.EXAMPLE
    faket examples/paper-table.ps1 -Quick
#>
param(
    [string] $OutputDirectory = 'out/paper-table',
    [switch] $Quick,
    [int] $Size = 96,
    [int] $Depth = 48,
    [double] $VoxelSize = 10,
    [int] $TrainSamples = 3,
    [int[]] $Seeds = @(1, 2),
    [int] $Steps = 600,
    [double] $Width = 0.5,
    [int] $PatchSize = 32,
    [double] $LearningRate = 1e-3,
    [int] $Threads = 0
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module FakET)) { Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'FakET', 'FakET.psd1')) }
$counts = 12, 6, 3
if ($Quick) { $Size = 64; $Depth = 32; $TrainSamples = 1; $Seeds = @(1); $Steps = 150; $Width = 0.25; $PatchSize = 24; $counts = 6, 3, 2 }
[int] $validationEvery = [math]::Max(1, [int][math]::Ceiling($Steps / 3))
$OutputDirectory = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputDirectory)
$null = [System.IO.Directory]::CreateDirectory($OutputDirectory)
function Out([string] $name) { [System.IO.Path]::Combine($OutputDirectory, $name) }
$clock = [System.Diagnostics.Stopwatch]::StartNew()
function Step([string] $text) { '{0,7:F1} s  {1}' -f $clock.Elapsed.TotalSeconds, $text }
$torch = if ($Threads -gt 0) { @{ Threads = $Threads } } else { @{} }

$angles = @{ TiltRange = -60, 60; TiltStep = 3 }
$specimen = @{ Width = $Size; Height = $Size; Depth = $Depth; VoxelSize = $VoxelSize; SlabThickness = [int]($Depth * 0.75)
               Class = '1HEL', '1TII', '3O21'; Count = $counts; IceDensity = 0.57 }

# 1-2. Samples, their clean series and their "real" (physics-lite) series. Index: training 0..n-1, then validation, test, style.
$count = $TrainSamples + 3
$samples = @(); $clean = @(); $real = @()
$started = $clock.Elapsed.TotalSeconds
for ($i = 0; $i -lt $count; $i++) {
    $samples += New-Phantom @specimen -Seed (100 + $i)
    $clean += $samples[$i] | New-TiltSeries @angles
    $real += $clean[$i] | Invoke-MicroscopeSimulation -Seed (100 + $i)
}
$sampleCost = $clock.Elapsed.TotalSeconds - $started
Step "$count samples and their physics-lite series: $($samples[0])"
$train = 0..($TrainSamples - 1); $validation = $TrainSamples; $test = $TrainSamples + 1; $styleSource = $TrainSamples + 2
$testTomogram = $real[$test] | New-Tomogram

# 3. The training sets: tomograms of the training samples and of the validation sample, and what making them cost.
$noise = Measure-TiltNoise -Reference $real[$train] -Clean $clean[$train]
$gaussian = Measure-TiltNoise -Reference $real[$train] -Clean $clean[$train] -PolynomialOrder 0
$make = [ordered]@{
    BENCHMARK = { param($i) $real[$i] | New-Tomogram }
    FAKET     = { param($i)
                  $noisy = $clean[$i] | Add-TiltNoise -Profile $noise -Seed (200 + $i)
                  $content = $clean[$i] | Add-TiltNoise -Profile $noise -Scale 0.25 -Seed (300 + $i)
                  $content | Invoke-StyleTransfer -Style $real[$styleSource] -Init $noisy -Seed (400 + $i) @torch -WarningAction SilentlyContinue | New-Tomogram }
    BASELINE  = { param($i) $clean[$i] | Add-TiltNoise -Profile $gaussian -Seed (500 + $i) | New-Tomogram }
    NOISY     = { param($i) $clean[$i] | Add-TiltNoise -Profile $noise -Seed (600 + $i) | New-Tomogram }
}
$sets = [ordered]@{}
foreach ($name in $make.Keys) {
    $started = $clock.Elapsed.TotalSeconds
    $tomograms = @(foreach ($i in $train + $validation) { & $make[$name] $i })
    $sets[$name] = [pscustomobject]@{ Training = @($tomograms[0..($TrainSamples - 1)]); Validation = $tomograms[-1]
                                      Seconds = $clock.Elapsed.TotalSeconds - $started }
    Step ("{0,-9} training data: {1} tomograms in {2:F1} s" -f $name, $tomograms.Count, $sets[$name].Seconds)
}

# 4. Train, pick, score.
$runs = foreach ($name in $sets.Keys) {
    foreach ($seed in $Seeds) {
        $started = $clock.Elapsed.TotalSeconds
        $model = Invoke-PickerTraining -Tomogram $sets[$name].Training -ValidationTomogram $sets[$name].Validation -Steps $Steps `
            -ValidationInterval $validationEvery -Width $Width -PatchSize $PatchSize -LearningRate $LearningRate -Seed $seed -Device Cpu @torch
        $trained = $clock.Elapsed.TotalSeconds - $started
        $picks = @(Find-Particle -Model $model $testTomogram -Device Cpu @torch)
        $score = if ($picks.Count -gt 0) { $picks | Measure-PickingAccuracy -Truth $testTomogram -WarningAction SilentlyContinue } else { $null }
        $localization = if ($score) { $score.Localization.F1 } else { 0.0 }
        $classification = if ($score) { $score.Classification.F1MacroWithoutBackground } else { 0.0 }
        Step ("{0,-9} seed {1}: {2} picks, localisation F1 {3:F3}, classification F1 {4:F3} ({5:F1} s training)" -f $name, $seed, $picks.Count, $localization, $classification, $trained) | Out-Host
        [pscustomobject]@{ Set = $name; Seed = $seed; Picks = $picks.Count; Localization = $localization; Classification = $classification; TrainSeconds = $trained }
    }
}

# 5. The table.
$table = foreach ($name in $sets.Keys) {
    $r = @($runs | Where-Object Set -eq $name)
    $l = $r.Localization | Measure-Object -Average -Minimum -Maximum
    $c = $r.Classification | Measure-Object -Average -Minimum -Maximum
    [pscustomobject]@{
        'Training set'        = $name
        'Localisation F1'     = '{0:F3} ({1:F3}–{2:F3})' -f $l.Average, $l.Minimum, $l.Maximum
        'Classification F1'   = '{0:F3} ({1:F3}–{2:F3})' -f $c.Average, $c.Minimum, $c.Maximum
        'Data (s)'            = [math]::Round($sets[$name].Seconds + $sampleCost * $TrainSamples / $count, 1)
        'Training (s)'        = [math]::Round(($r.TrainSeconds | Measure-Object -Average).Average, 1)
    }
}
$table | Export-Csv (Out 'paper-table.csv') -NoTypeInformation
$names = $table[0].psobject.Properties.Name
$markdown = @(('| ' + ($names -join ' | ') + ' |'), ('|' + ('---|' * $names.Count)))
$markdown += foreach ($row in $table) { '| ' + (($row.psobject.Properties.Value | ForEach-Object { "$_" }) -join ' | ') + ' |' }
# Chance: a pick placed at random hits a particle with probability f, the fraction of the test tomogram its particles
# occupy, so random picking's localisation F1 is at most 2f / (1 + f), however many picks it makes.
[long] $occupied = 0
foreach ($section in $testTomogram.Labels.GetInstanceMask()) { foreach ($v in $section) { if ($v -gt 0) { $occupied++ } } }
$f = $occupied / ([double]$testTomogram.Depth * $testTomogram.Height * $testTomogram.Width)
$chance = 'Chance: the test tomogram''s {0} particles occupy {1:P2} of it, so random picks score a localisation F1 of at most {2:F3}.' -f `
    $testTomogram.Labels.Particles.Count, $f, (2 * $f / (1 + $f))
$markdown += '', $chance
Set-Content (Out 'paper-table.md') $markdown
Step ("picking on the held-out physics-lite tomogram ({0} seed(s) per set; F1: mean (min–max); data: seconds to make the set's tomograms; training: seconds per run):" -f $Seeds.Count)
($table | Format-Table -AutoSize | Out-String).TrimEnd()
$chance
Step 'done'


<#
.SYNOPSIS
    The FakET paper's protocol on a SHREC'21 folder: noiseless, noisy, content, Gaussian and faket tilt series and
    their bin-2 tomograms for each model.
.DESCRIPTION
    -DataDirectory holds model_0 ... model_9, each with grandmodel_unbinned.mrc (the sample volume),
    projections_unbinned.mrc (the measured tilt series) and alignment_simulated.txt (whose angles
    Import-TiltSeries reads). The protocol of Harar et al. (arXiv 2304.02011):
      1. the noiseless projections of every model's grandmodel at that model's tilt angles (New-TiltSeries);
      2. the noise profile measured over the nine training models 0 ... 8 (their measured series against
         their noiseless projections, polynomial order 2), and the Gaussian BASELINE's profile (order 0);
      3. for each model in -Models: noisy (noise scale 1), content (scale 0.25) and gaussian (the order-0
         profile, scale 1) series; style transfer of content, styled like the measured series of model
         (N + 1) mod 9 and started from noisy: the faket series;
      4. the tomogram of each modality at bin 2 (New-Tomogram -Bin 2).
    Output layout under -OutputDirectory:
      noise_profile.json/.png, gaussian_profile.json/.png        the two noise profiles
      model_N/noiseless.mrc, noisy.mrc, content.mrc, gaussian.mrc, faket.mrc
                                                                 the simulated tilt series (with .tlt and .json)
      model_N/{noiseless,noisy,content,gaussian,faket}_tomogram.mrc   their reconstructions at bin 2
    The noiseless series of the training models are written even when they are not in -Models, since the
    noise is measured on them. Every file's .json sidecar holds the history of the steps that made it.
    -Picks scores a picker's output (a SHREC'21 text file, DeepFinder XML, CSV, RELION STAR or copick JSON, in model
    -PicksModel's voxels; 9, the test model, by default) against that model's ground truth (particle_locations.txt and
    occupancy_mask.mrc, or .mrc.gz, in its folder) as the published SHREC'21 evaluation does with --skip_vesicles, prints
    the result and writes picks_score.json, picks_score_confusion.csv and picks_score_confusion.png; it does so first,
    before the simulation.
    Seeds: model N's noise uses -Seed + 10·N + 1 (noisy), + 2 (content) and + 3 (gaussian); the style
    transfer's random weights (when no pretrained ones are installed, or with -Weights Random) use -Seed.
.EXAMPLE
    faket examples/reproduce-shrec.ps1 -DataDirectory ~/shrec2021 -OutputDirectory out/shrec
.EXAMPLE
    faket examples/reproduce-shrec.ps1 -DataDirectory ~/shrec2021 -OutputDirectory out/shrec9 -Models 9 -TiltRange 25,35
    Only the test model, with the style transfer limited to tilts 25 to 35 (its tomogram then uses those tilts only).
.EXAMPLE
    faket examples/reproduce-shrec.ps1 -DataDirectory ~/shrec2021 -OutputDirectory out/shrec9 -Models 9 -Picks deepfinder_picks.txt
    Scores deepfinder_picks.txt against model 9's ground truth, then simulates model 9.
#>
param(
    [Parameter(Mandatory)] [string] $DataDirectory,
    [string] $OutputDirectory = 'out/shrec',
    # Which models to simulate (0 ... 9), e.g. 8,9 (the faket host passes that as one string; it is split here).
    [string[]] $Models = (0..9),
    [int] $Seed = 1,
    # First and last tilt index (inclusive) the style transfer processes, e.g. 25,35; all tilts by default.
    [string[]] $TiltRange,
    # Pretrained or Random VGG-19 weights; by default the installed ones, else random with a warning.
    [ValidateSet('Pretrained', 'Random')] [string] $Weights,
    # Z size of the bin-2 tomograms; by default the binned width.
    [int] $Thickness = 0,
    # A picker's output to score against model -PicksModel's ground truth (SHREC text, DeepFinder XML, CSV, STAR, copick).
    [string] $Picks,
    [int] $PicksModel = 9
)
$ErrorActionPreference = 'Stop'
$DataDirectory = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($DataDirectory)
$OutputDirectory = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputDirectory)
function Integers([string[]] $values) { @($values -split ',' | Where-Object { $_.Trim() } | ForEach-Object { [int]::Parse($_, [cultureinfo]::InvariantCulture) }) }
$Models = Integers $Models
$TiltRange = if ($TiltRange) { Integers $TiltRange }
if ($Models | Where-Object { $_ -lt 0 -or $_ -gt 9 }) { throw "-Models $($Models -join ',') names a model outside 0 ... 9." }
$training = 0..8
$everyModel = @(0..9 | Where-Object { $_ -in $training -or $_ -in $Models })   # the training models and those asked for
$clock = [System.Diagnostics.Stopwatch]::StartNew()
function Elapsed { '{0,6:0.0} s' -f $clock.Elapsed.TotalSeconds }

function ModelIn([int] $n, [string] $name) { [System.IO.Path]::Combine($DataDirectory, "model_$n", $name) }
function ModelOut([int] $n, [string] $name) {
    $folder = [System.IO.Path]::Combine($OutputDirectory, "model_$n")
    $null = [System.IO.Directory]::CreateDirectory($folder)
    [System.IO.Path]::Combine($folder, $name)
}
function Measured([int] $n) { Import-TiltSeries -LiteralPath (ModelIn $n 'projections_unbinned.mrc') }

# 0. Scoring a picker's output, when one is given: SHREC'21's figures (vesicles excluded), as the paper reports them.
if ($Picks) {
    $null = [System.IO.Directory]::CreateDirectory($OutputDirectory)
    $score = Measure-PickingAccuracy -Predicted $Picks -Truth ([System.IO.Path]::Combine($DataDirectory, "model_$PicksModel")) `
        -ExcludeClass vesicle -VoxelSize 10 -Path ([System.IO.Path]::Combine($OutputDirectory, 'picks_score.json')) -Force
    "$(Elapsed)  picks: $score"
}

foreach ($n in $everyModel) {
    foreach ($file in 'grandmodel_unbinned.mrc', 'projections_unbinned.mrc') {
        if (-not [System.IO.File]::Exists((ModelIn $n $file))) { throw "model_$n/$file is missing in ${DataDirectory}: a SHREC'21 folder has model_0 ... model_9, each with grandmodel_unbinned.mrc, projections_unbinned.mrc and alignment_simulated.txt." }
    }
}
$null = [System.IO.Directory]::CreateDirectory($OutputDirectory)

# 1. Noiseless projections, at each model's own tilt angles (from its alignment_simulated.txt).
foreach ($n in $everyModel) {
    $angles = (Measured $n).TiltAngles
    if ($null -eq $angles) { throw "model_$n/projections_unbinned.mrc has no tilt angles: put alignment_simulated.txt (or a .tlt) beside it." }
    $clean = Import-Volume -LiteralPath (ModelIn $n 'grandmodel_unbinned.mrc') | New-TiltSeries -TiltAngles ([double[]] $angles)
    $clean | Export-TiltSeries (ModelOut $n 'noiseless.mrc') -Force
    "$(Elapsed)  model_$n  noiseless: $clean"
}

# 2. Noise measured over the nine training models, one pair at a time (memory holds one pair).
function Pairs {
    foreach ($n in $training) {
        [pscustomobject]@{ Reference = Measured $n; Clean = Import-TiltSeries -LiteralPath (ModelOut $n 'noiseless.mrc') }
    }
}
$noiseProfile = Pairs | Measure-TiltNoise -PolynomialOrder 2
$noiseProfile | Export-NoiseProfile ([System.IO.Path]::Combine($OutputDirectory, 'noise_profile.json')) -Force
"$(Elapsed)  noise profile: $noiseProfile"
$gaussian = Pairs | Measure-TiltNoise -PolynomialOrder 0
$gaussian | Export-NoiseProfile ([System.IO.Path]::Combine($OutputDirectory, 'gaussian_profile.json')) -Force
"$(Elapsed)  Gaussian BASELINE profile: $gaussian"

# 3. and 4. The modalities of each model and their tomograms at bin 2.
$styleOptions = @{}
if ($TiltRange) { $styleOptions.TiltRange = $TiltRange }
if ($Weights) { $styleOptions.Weights = $Weights }
$tomogramOptions = @{ Bin = 2 }
if ($Thickness -gt 0) { $tomogramOptions.Thickness = $Thickness }
function Save([int] $n, [string] $name, $series, [switch] $TomogramOnly) {
    if (-not $TomogramOnly) { $series | Export-TiltSeries (ModelOut $n "$name.mrc") -Force }
    $tomogram = $series | New-Tomogram @tomogramOptions
    $tomogram | Export-Volume (ModelOut $n "${name}_tomogram.mrc") -Force
    "$(Elapsed)  model_$n  ${name}: $series -> $tomogram"
}
foreach ($n in $Models) {
    $clean = Import-TiltSeries -LiteralPath (ModelOut $n 'noiseless.mrc')
    $base = $Seed + 10 * $n
    $noisy = $clean | Add-TiltNoise -Profile $noiseProfile -Scale 1 -Seed ($base + 1)
    $content = $clean | Add-TiltNoise -Profile $noiseProfile -Scale 0.25 -Seed ($base + 2)
    Save $n 'noiseless' $clean -TomogramOnly
    Save $n 'noisy' $noisy
    Save $n 'content' $content
    Save $n 'gaussian' ($clean | Add-TiltNoise -Profile $gaussian -Scale 1 -Seed ($base + 3))
    $styleModel = ($n + 1) % 9
    "$(Elapsed)  model_$n  style from model_$styleModel"
    $faket = Invoke-StyleTransfer -Content $content -Style (Measured $styleModel) -Init $noisy -Seed $Seed @styleOptions
    Save $n 'faket' $faket
}
"$(Elapsed)  done: $($Models.Count) model(s) in $OutputDirectory"

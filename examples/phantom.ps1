<#
.SYNOPSIS
    Makes an annotated synthetic specimen and its clean tilt series: the labelled half of FakET's training data.
.DESCRIPTION
    New-Phantom places small, medium and large particles (and a vesicle, gold beads and ice) in a slab;
    the labels go out with the sample (its class and instance masks beside sample.mrc, its particle table in
    sample.json) and as DeepFinder's object list, a RELION STAR file and a CSV table; New-TiltSeries projects the specimen as FakET does (-60..60 degrees by 2, or
    dose-symmetric with -DoseSymmetric).
.EXAMPLE
    faket examples/phantom.ps1 -OutputDirectory out/phantom
#>
param(
    [string] $OutputDirectory = 'out/phantom',
    [int] $Size = 256,
    [int] $Depth = 100,
    [int] $Seed = 1,
    [switch] $DoseSymmetric
)
$ErrorActionPreference = 'Stop'
# Under pwsh, load the module this repository builds; the faket host has it loaded already.
if (-not (Get-Module FakET)) { Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'FakET', 'FakET.psd1')) }
$OutputDirectory = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputDirectory)
$null = [System.IO.Directory]::CreateDirectory($OutputDirectory)
function Out([string] $name) { [System.IO.Path]::Combine($OutputDirectory, $name) }

$phantom = New-Phantom -Width $Size -Height $Size -Depth $Depth -SlabThickness ([int]($Depth * 0.8)) `
    -Class small, medium, large -Count 40, 20, 8 -Membranes 1 -MembraneRadius 200, 300 -Fiducials 4 -IceDensity 0.7 -Seed $Seed
"made:   $phantom"
# The sample with its labels: sample.json holds the particle table, sample_class_mask.mrc and
# sample_instance_mask.mrc the masks; Import-Volume reads them all back.
$phantom | Export-Volume (Out 'sample.mrc') -Force
$phantom | Export-ParticleList (Out 'objl.xml') -Force
$phantom | Export-ParticleList (Out 'particles.star') -Force
$phantom | Export-ParticleList (Out 'particles.csv') -Force

$series = $phantom | New-TiltSeries -DoseSymmetric:$DoseSymmetric
"made:   $series"
$series | Export-TiltSeries (Out 'projections_noiseless.mrc') -Force
"wrote:  $([System.IO.Directory]::GetFiles($OutputDirectory).Count) files in $OutputDirectory"

<#
.SYNOPSIS
    The whole FakET simulation on an embedded default: labelled, simulated tomograms from nothing outside.
.DESCRIPTION
    1. A specimen with labels (New-Phantom) made of real molecules, the atomic models shipped with the module
       (1HEL, lysozyme; 1TII, an AB5 toxin; 3O21, a GluA3 domain tetramer) as their potentials in volts, and two
       ribosome-sized complexes (the built-in 'large' barrel, 22 nm long), in vitreous ice, and its clean tilt
       series (New-TiltSeries). The specimen is a piece of a wider slab, so no tilt sees past its sides.
    2. A measured-like reference: a second specimen through the physics-lite microscope
       (Invoke-MicroscopeSimulation; not part of FakET, it stands in for a real tilt series). Its phase comes from
       the potential in volts, so the large complexes stand out and the small ones barely do, as in real data.
    3. FakET's noise model measured on that reference against its clean projections (Measure-TiltNoise),
       then the noisy (scale 1) and content (scale 0.25) series (Add-TiltNoise).
    4. Neural style transfer of the content towards the reference, starting from the noisy series
       (Invoke-StyleTransfer; pretrained VGG-19 if Install-StyleModel has run, else random weights, with a warning).
    5. The tomogram (New-Tomogram), in the slab geometry: no boundary inside the slab near its sides.
    It writes the simulated tilt series, the tomogram, the labels (class mask, particle list as CSV and as
    DeepFinder XML) and PNG previews (tilt montage, central slices, noise curves) into -OutputDirectory, the
    sample as a copick run (copick/, for napari-copick) and the RELION 5 files (relion/: the series with its
    tomograms.star, per-tilt STAR file and .mdoc, and particles.star in centred Å).
    At the default size (41 tilts of 128 x 128) it takes about 18 s on two cores.
.EXAMPLE
    faket examples/quickstart.ps1 -OutputDirectory out/quickstart
.EXAMPLE
    faket examples/quickstart.ps1 -OutputDirectory out/big -Size 256 -TiltStep 2
#>
param(
    [string] $OutputDirectory = 'out/quickstart',
    [int] $Size = 128,
    [int] $Depth = 64,
    [double] $VoxelSize = 10,
    [double] $TiltStep = 3,
    [int] $Seed = 1
)
$ErrorActionPreference = 'Stop'
# Under pwsh, load the module this repository builds; the faket host has it loaded already.
if (-not (Get-Module FakET)) { Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'FakET', 'FakET.psd1')) }
$OutputDirectory = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputDirectory)
$null = [System.IO.Directory]::CreateDirectory($OutputDirectory)
function Out([string] $name) { [System.IO.Path]::Combine($OutputDirectory, $name) }
$clock = [System.Diagnostics.Stopwatch]::StartNew()
function Step([string] $text) { '{0,6:F1} s  {1}' -f $clock.Elapsed.TotalSeconds, $text }

$angles = @{ TiltRange = -60, 60; TiltStep = $TiltStep }
$specimen = @{ Width = $Size; Height = $Size; Depth = $Depth; VoxelSize = $VoxelSize; SlabThickness = [int]($Depth * 0.75)
               Class = '1HEL', '1TII', '3O21', 'large'; Count = 10, 5, 2, 2; IceDensity = 0.57 }   # shipped atomic models, ribosome-sized shapes, vitreous ice

# 1. The sample to simulate, with its ground truth, and its clean projections.
$sample = New-Phantom @specimen -Seed $Seed
Step "sample:    $sample"
$clean = $sample | New-TiltSeries @angles
Step "clean:     $clean"

# 2. A measured-like reference made from a second specimen (a real tilt series would go here).
$referenceClean = New-Phantom @specimen -Seed ($Seed + 1000) | New-TiltSeries @angles
$reference = $referenceClean | Invoke-MicroscopeSimulation -Seed ($Seed + 1000)
Step "reference: $reference"

# 3. FakET's noise model, measured on the reference, added to the sample's projections.
$noiseProfile = Measure-TiltNoise -Reference $reference -Clean $referenceClean
Step "noise:     $noiseProfile"
$noisy = $clean | Add-TiltNoise -Profile $noiseProfile -Seed $Seed
$content = $clean | Add-TiltNoise -Profile $noiseProfile -Scale 0.25 -Seed ($Seed + 1)

# 4. Neural style transfer: the content, made to look like the reference, starting from the noisy series.
$simulated = $content | Invoke-StyleTransfer -Style $reference -Init $noisy -Seed $Seed
Step "simulated: $simulated"

# 5. The tomogram, as thick as the sample: it carries the sample's labels in its own frame, so it is training data.
$tomogram = $simulated | New-Tomogram -Geometry Slab
Step "tomogram:  $tomogram"

# Files: data, labels, pictures.
$simulated | Export-TiltSeries (Out 'simulated.mrc') -Force
$tomogram | Export-Volume (Out 'tomogram.mrc') -Force
$tomogram | Export-LabelMask (Out 'class_mask.mrc') -Force
$tomogram | Export-ParticleList (Out 'particles.csv') -Force
$tomogram | Export-ParticleList (Out 'particles.xml') -Format DeepFinderXml -Force
# For copick (napari-copick, the CZ cryo-ET ML challenge) and RELION 5: the sample as a copick run (OME-Zarr tomogram,
# picks in Å, segmentation), and the series' tomograms.star and per-tilt STAR file with the particles in centred Å.
$null = Export-Copick (Out 'copick') -RunName TS_01 -Tomogram $tomogram -Force
$simulated | Export-TiltSeries (Out 'relion/TS_01.mrc') -Relion5 -Force
$tomogram | Export-ParticleList (Out 'relion/particles.star') -Format Relion5 -TomogramName TS_01 -Force
$noiseProfile | Export-NoiseProfile (Out 'noise_profile.json') -Force
$simulated | Export-TiltSeriesPreview (Out 'simulated_montage.png') -Force
$tomogram | Export-VolumePreview (Out 'tomogram_slices.png') -Plane XY, XZ -Force
# Realism: FakET's four modalities against the reference (gaussian is the paper's BASELINE: an order-0 noise profile),
# the style distance at every 10th tilt (the VGG-19 pass is the slow part); the table, and the picture realism.png.
$gaussian = $clean | Add-TiltNoise -Profile (Measure-TiltNoise -Reference $reference -Clean $referenceClean -PolynomialOrder 0) -Seed ($Seed + 2)
$realism = $noisy, $content, $gaussian, $simulated | Measure-Realism -Reference $reference -Name noisy, content, gaussian, faket `
    -StyleEvery 10 -Seed $Seed -Path (Out 'realism.png') -Force -WarningAction SilentlyContinue
Step "realism against the reference (0 = indistinguishable):"
($realism | Format-Table | Out-String).TrimEnd()
Step "wrote:     $([System.IO.Directory]::GetFiles($OutputDirectory).Count) files in $OutputDirectory"

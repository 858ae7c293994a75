<#
.SYNOPSIS
    Simulates many labelled samples at once, in parallel on one machine: how a facility script scales.
.DESCRIPTION
    The noise profile is measured once (a reference made by Invoke-MicroscopeSimulation from a phantom of
    its own, against that phantom's clean projections), or read from -NoiseProfile (a JSON file written by
    Export-NoiseProfile) with Import-NoiseProfile. Then -Count samples run as parallel jobs
    (ForEach-Object -Parallel, at most -ThrottleLimit at a time); sample i uses seed -Seed + i for its
    phantom and its noise. Each job makes its phantom, its clean tilt series, FakET's noisy and content
    series (Add-TiltNoise at scale 1 and 0.25), the style transfer of the content towards the reference
    (initialised with the noisy series; skipped with -NoStyleTransfer, then the noisy series is
    reconstructed) and the tomogram (New-Tomogram, as thick as the phantom), and writes them into its own
    folder <OutputDirectory>/sample_NNN: tiltseries.mrc (the simulated series), tomogram.mrc with its labels
    (the class and instance masks tomogram_class_mask.mrc and tomogram_instance_mask.mrc, and the particle
    table in tomogram.json, which Import-Volume reads back), particles.csv and objl.xml (DeepFinder's object list). The labels are the tomogram's own:
    New-Tomogram moves the phantom's ground truth into the tomogram's frame, so they line up with its density
    by construction. The shared style reference and noise profile
    go to <OutputDirectory>/reference.mrc and noise_profile.json. One summary line per sample is written
    to the output.

    Each job is a runspace of its own, so it imports the module again (the path of the module this script
    runs with); all jobs share one process and one libtorch. libtorch's threads: with N jobs on C cores,
    each job should use about C / N threads, or the jobs fight over the cores (each libtorch call would
    start C threads). -Threads sets them for the style transfer, the stage that dominates; its default is
    C / ThrottleLimit, at least 1 (on a 2-core machine with -ThrottleLimit 2: one thread per job, i.e.
    Invoke-StyleTransfer -Threads 1). Memory grows with -ThrottleLimit: each job holds its own phantom
    (with its label masks), its series, its tomogram and the style transfer's working memory
    (docs/benchmarks.md gives the figures per stage and size).

    Without installed style weights (Install-StyleModel) the style transfer uses random VGG-19 weights and
    warns, as the paper's FAKET_RANDOM experiment did.
.PARAMETER OutputDirectory
    The folder that receives the shared files and one sub-folder per sample. Created when absent.
.PARAMETER Count
    Number of samples. Default 4.
.PARAMETER ThrottleLimit
    Samples simulated at the same time. Default: the number of cores.
.PARAMETER Size
    Width and height of each phantom, and so of each tilt (pixels). Default 128.
.PARAMETER Depth
    Thickness of each phantom (voxels). Default: half of -Size, at least 24.
.PARAMETER Seed
    Seed of the first sample; sample i uses -Seed + i. The shared reference uses -Seed + 1000000.
.PARAMETER TiltStep
    Tilt step in degrees over -60..60. Default 2 (61 tilts); 20 gives 7 tilts.
.PARAMETER Class
    Particle classes of each phantom (New-Phantom -Class): built-in shapes or MRC density maps (paths
    relative to the current folder). Default small, medium, large.
.PARAMETER ParticleCount
    Particles of each class per phantom, one number for all classes or one per class (New-Phantom -Count).
    Default: 40, 20 and 8 per 256² of area for small, medium and large, 10 for a density map, at least one.
.PARAMETER VoxelSize
    Voxel size of each phantom in Å (New-Phantom -VoxelSize), which becomes the pixel size. Default 10.
.PARAMETER IceDensity
    Density of the vitreous ice that fills each phantom's slab, protein being 1 (New-Phantom -IceDensity).
    Default 0, no ice.
.PARAMETER NoiseProfile
    A noise profile (JSON, from Export-NoiseProfile) to use instead of measuring one. The style reference
    is still simulated.
.PARAMETER NoStyleTransfer
    Skips the style transfer: the tomogram is reconstructed from the noisy series.
.PARAMETER Threads
    libtorch threads each job's style transfer uses. Default: cores / -ThrottleLimit, at least 1.
.PARAMETER Iterations
    Invoke-StyleTransfer -Iterations (Adam iterations). Default: Invoke-StyleTransfer's own.
.EXAMPLE
    faket examples/batch.ps1 -OutputDirectory out/batch -Count 8 -ThrottleLimit 2 -Size 128
    Eight samples of 61 tilts of 128², two at a time, each style transfer on one thread of a 2-core machine.
.EXAMPLE
    faket examples/batch.ps1 -OutputDirectory out/batch -Count 3 -Size 32 -TiltStep 20 -Class small, medium -NoStyleTransfer
    A tiny run that takes seconds: three samples of 7 tilts of 32², no style transfer.
.EXAMPLE
    pwsh -File examples/batch.ps1 -OutputDirectory out/ribosomes -Count 3 -Class ./ribosome.mrc -ParticleCount 12 -VoxelSize 10 -IceDensity 0.7
    Three labelled tomograms of twelve ribosomes (an MRC density map) in ice, under pwsh.
#>
param(
    [string] $OutputDirectory = 'out/batch',
    [int] $Count = 4,
    [int] $ThrottleLimit = [Environment]::ProcessorCount,
    [int] $Size = 128,
    [int] $Depth = 0,
    [int] $Seed = 1,
    [double] $TiltStep = 2,
    [string[]] $Class = @('small', 'medium', 'large'),
    [string[]] $ParticleCount,
    [double] $VoxelSize = 10,
    [double] $IceDensity = 0,
    [string] $NoiseProfile,
    [switch] $NoStyleTransfer,
    [int] $Threads = 0,
    [int] $Iterations = 0
)
$ErrorActionPreference = 'Stop'
# Under pwsh, load the module this repository builds; the faket host has it loaded already.
if (-not (Get-Module FakET)) { Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'FakET', 'FakET.psd1')) }
if ($Count -lt 1 -or $ThrottleLimit -lt 1) { throw "-Count and -ThrottleLimit must be at least 1." }
# From a command line (faket or pwsh -File) "small,medium" arrives as one string.
$Class = @($Class | ForEach-Object { $_.Split(',') } | Where-Object { $_ })
$builtIn = @{ small = 40; medium = 20; large = 8 }
# A density map's path is resolved here: the parallel jobs do not share this session's current folder.
$Class = @($Class | ForEach-Object { if ($builtIn.ContainsKey($_)) { $_ } else { $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($_) } })
if ($ParticleCount) {
    $counts = @($ParticleCount | ForEach-Object { $_.Split(',') } | Where-Object { $_ } | ForEach-Object { [int]$_ })
} else {
    $counts = @($Class | ForEach-Object { [Math]::Max(1, [int][Math]::Round($(if ($builtIn.ContainsKey($_)) { $builtIn[$_] } else { 10 }) * $Size * $Size / 65536.0)) })
}
if ($Depth -le 0) { $Depth = [Math]::Max(24, [int]($Size / 2)) }
if ($Threads -le 0) { $Threads = [Math]::Max(1, [int][Math]::Floor([Environment]::ProcessorCount / $ThrottleLimit)) }
$OutputDirectory = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputDirectory)
$null = [System.IO.Directory]::CreateDirectory($OutputDirectory)
# The module this script runs with: each parallel runspace imports it again from here.
$module = Get-Module FakET
$manifest = [System.IO.Path]::Combine($module.ModuleBase, 'FakET.psd1')
if (-not [System.IO.File]::Exists($manifest)) { $manifest = $module.Path }

# One phantom's recipe, shared by the reference and the samples (a script block cannot cross runspaces: pass its text).
$phantomArgs = @{
    Width = $Size; Height = $Size; Depth = $Depth; SlabThickness = [int]($Depth * 0.8)
    Class = $Class; Count = $counts; VoxelSize = $VoxelSize; IceDensity = $IceDensity
}
$clock = [System.Diagnostics.Stopwatch]::StartNew()

# The style reference ("measured" data) and the noise profile: made once, shared by every sample.
$referencePhantom = New-Phantom @phantomArgs -Seed ($Seed + 1000000)
$referenceClean = $referencePhantom | New-TiltSeries -TiltStep $TiltStep
$reference = $referenceClean | Invoke-MicroscopeSimulation -Seed ($Seed + 1000000)
$referencePath = [System.IO.Path]::Combine($OutputDirectory, 'reference.mrc')
$reference | Export-TiltSeries $referencePath -Force
if ($NoiseProfile) {
    $profilePath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($NoiseProfile)
    $null = Import-NoiseProfile -LiteralPath $profilePath   # fail here, once, if it is not a profile
} else {
    $profilePath = [System.IO.Path]::Combine($OutputDirectory, 'noise_profile.json')
    Measure-TiltNoise -Reference $reference -Clean $referenceClean | Export-NoiseProfile $profilePath -Force
}
"shared: reference and noise profile in $([Math]::Round($clock.Elapsed.TotalSeconds, 1)) s; $Count samples, $ThrottleLimit at a time, $Threads libtorch thread(s) each"

0..($Count - 1) | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
    $ErrorActionPreference = 'Stop'
    $ProgressPreference = 'SilentlyContinue'   # per-tilt progress of several jobs at once only interleaves
    Import-Module $using:manifest
    $sample = $_
    $seed = $using:Seed + $sample
    $dir = [System.IO.Path]::Combine($using:OutputDirectory, ('sample_{0:D3}' -f $sample))
    $null = [System.IO.Directory]::CreateDirectory($dir)
    function Out([string] $name) { [System.IO.Path]::Combine($dir, $name) }
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $phantomArgs = $using:phantomArgs

    $phantom = New-Phantom @phantomArgs -Seed $seed
    $clean = $phantom | New-TiltSeries -TiltStep $using:TiltStep
    $profile = Import-NoiseProfile -LiteralPath $using:profilePath
    $noisy = $clean | Add-TiltNoise -Profile $profile -Seed $seed
    if ($using:NoStyleTransfer) {
        $simulated = $noisy
    } else {
        $reference = Import-TiltSeries -LiteralPath $using:referencePath
        $content = $clean | Add-TiltNoise -Profile $profile -Scale 0.25 -Seed $seed -Reference $reference
        $style = @{ Content = $content; Style = $reference; Init = $noisy; Threads = $using:Threads; Seed = $seed }
        if ($using:Iterations -gt 0) { $style.Iterations = $using:Iterations }
        $simulated = Invoke-StyleTransfer @style
    }
    $simulated | Export-TiltSeries (Out 'tiltseries.mrc') -Force
    # The tomogram is as thick as the phantom and carries its labels in its own frame: they go out from it.
    $tomogram = $simulated | New-Tomogram
    $tomogram | Export-Volume (Out 'tomogram.mrc') -Force
    $tomogram | Export-ParticleList (Out 'particles.csv') -Force
    $tomogram | Export-ParticleList (Out 'objl.xml') -Force
    [pscustomobject]@{ Sample = $sample; Seed = $seed; Seconds = [Math]::Round($clock.Elapsed.TotalSeconds, 1); Directory = $dir }
} | ForEach-Object { "sample $($_.Sample) (seed $($_.Seed)): $($_.Seconds) s  $($_.Directory)" }

"done:   $Count samples in $([Math]::Round($clock.Elapsed.TotalSeconds, 1)) s"

<#
.SYNOPSIS
    Simulates many labelled samples as a SLURM job array (or, with -Scheduler Local, on this machine): one task per sample.
.DESCRIPTION
    Run without FAKET_TASK_INDEX in its environment (from a login node, or a laptop), the script prepares what the samples
    share, then submits itself as a job of -Count tasks with Submit-FakETJob, and returns the job (with -Wait: waits,
    showing progress, and lists each task's result). The shared part is made once, in <OutputDirectory>/shared: the
    style reference (a phantom of its own through Invoke-MicroscopeSimulation, seed -Seed + 1000000) and the noise
    profile measured on it, or the profile of -NoiseProfile.

    Run by a task (FAKET_TASK_INDEX set), it simulates one sample, as examples/batch.ps1 does for each of its samples:
    phantom (seed FAKET_TASK_SEED), clean tilt series, FakET's noisy and content series, the style transfer of the content
    towards the reference (initialised with the noisy series; skipped with -NoStyleTransfer), the tomogram with its
    labels, into FAKET_TASK_OUTPUT: tiltseries.mrc, tomogram.mrc (with tomogram_class_mask.mrc,
    tomogram_instance_mask.mrc and tomogram.json), particles.csv and objl.xml. The style transfer uses the cores SLURM
    gave the task (SLURM_CPUS_PER_TASK), else -Threads, else every core.

    Resource requests: the defaults (2 cores, 32 GB, an hour) fit one 61 × 1024² sample with a 1024² × 512 phantom;
    README, section "Cluster jobs", gives the measured figures and how to scale them. The output directory and this
    script must be on a file system the compute nodes share. Run it again with the same arguments to resubmit only the
    tasks that failed or were cancelled.
.PARAMETER OutputDirectory
    The job's folder: shared/, the array script faket-job.sbatch, logs/, status/ and one task_NNN folder per sample.
.PARAMETER Count
    Number of samples (tasks). Default 4.
.PARAMETER Scheduler
    Slurm or Local. Default: Slurm where sbatch is on the PATH, else Local.
.PARAMETER Size
    Width and height of each phantom and tilt (pixels). Default 1024.
.PARAMETER Depth
    Thickness of each phantom (voxels). Default: half of -Size, at least 24.
.PARAMETER TiltStep
    Tilt step in degrees over -60..60. Default 2 (61 tilts).
.PARAMETER Seed
    The job's seed: each task's phantom and noise use FAKET_TASK_SEED, derived from it and the task's index.
.PARAMETER NoiseProfile
    A noise profile (JSON, from Export-NoiseProfile) to use instead of measuring one on the simulated reference.
.PARAMETER NoStyleTransfer
    Skips the style transfer: the tomogram is reconstructed from the noisy series.
.PARAMETER Iterations
    Invoke-StyleTransfer -Iterations. Default: its own.
.PARAMETER Threads
    libtorch threads of a task's style transfer when SLURM does not say (Local). Default: all cores.
.PARAMETER Partition
    SLURM partition. Default: the cluster's default.
.PARAMETER CpusPerTask
    Cores per task. Default 2.
.PARAMETER MemoryGB
    Memory per task in GB. Default 32 (a 1024² × 512 sample with its labels needs over 20 GB).
.PARAMETER Gpus
    GPUs per task. Default none.
.PARAMETER TimeLimit
    Wall-clock limit per task. Default an hour (about 19 minutes on 2 idle cores).
.PARAMETER ThrottleLimit
    Tasks at once: Local's processes (default: the cores), SLURM's array throttle (default: no limit).
.PARAMETER Wait
    Waits for the job and lists its tasks' results.
.PARAMETER Reference
    (Set by the submission for its tasks.) The shared style reference.
.EXAMPLE
    faket examples/slurm.ps1 -OutputDirectory /scratch/$env:USER/faket -Count 100 -Partition gpu -Gpus 1
    A hundred 61 × 1024² samples on a cluster, one GPU each; returns the job at once.
.EXAMPLE
    faket examples/slurm.ps1 -OutputDirectory out/local -Count 3 -Size 64 -Depth 48 -TiltStep 20 -NoStyleTransfer -Scheduler Local -Wait
    Three tiny samples on this machine, the same way, in seconds.
#>
param(
    [string] $OutputDirectory = 'out/slurm',
    [int] $Count = 4,
    [ValidateSet('Slurm', 'Local')] [string] $Scheduler,
    [int] $Size = 1024,
    [int] $Depth = 0,
    [double] $TiltStep = 2,
    [int] $Seed = 1,
    [string] $NoiseProfile,
    [switch] $NoStyleTransfer,
    [int] $Iterations = 0,
    [int] $Threads = 0,
    [string] $Partition,
    [int] $CpusPerTask = 2,
    [int] $MemoryGB = 32,
    [int] $Gpus = 0,
    [timespan] $TimeLimit = '01:00:00',
    [int] $ThrottleLimit = 0,
    [switch] $Wait,
    [string] $Reference
)
$ErrorActionPreference = 'Stop'
# Under pwsh, load the module this repository builds; the faket host has it loaded already.
if (-not (Get-Module FakET)) { Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'FakET', 'FakET.psd1')) }
if ($Depth -le 0) { $Depth = [Math]::Max(24, [int]($Size / 2)) }
$counts = @(40, 20, 8 | ForEach-Object { [Math]::Max(1, [int][Math]::Round($_ * $Size * $Size / 65536.0)) })
$phantomArgs = @{ Width = $Size; Height = $Size; Depth = $Depth; SlabThickness = [int]($Depth * 0.8); Class = 'small', 'medium', 'large'; Count = $counts }

if ($env:FAKET_TASK_INDEX) {
    # ---- One task: one sample, into its own folder ----
    $ProgressPreference = 'SilentlyContinue'   # a log, not a terminal
    $seed = [int]$env:FAKET_TASK_SEED
    function Out([string] $name) { [System.IO.Path]::Combine($env:FAKET_TASK_OUTPUT, $name) }
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    function Step([string] $what) { '{0,7:F1} s  {1}' -f $clock.Elapsed.TotalSeconds, $what }
    $phantom = New-Phantom @phantomArgs -Seed $seed
    Step 'phantom'
    $clean = $phantom | New-TiltSeries -TiltStep $TiltStep
    $phantom = $null
    Step 'clean tilt series'
    $profile = Import-NoiseProfile -LiteralPath $NoiseProfile
    $noisy = $clean | Add-TiltNoise -Profile $profile -Seed $seed
    if ($NoStyleTransfer) {
        $simulated = $noisy
    } else {
        $styleReference = Import-TiltSeries -LiteralPath $Reference
        $content = $clean | Add-TiltNoise -Profile $profile -Scale 0.25 -Seed $seed -Reference $styleReference
        $cores = if ($env:SLURM_CPUS_PER_TASK) { [int]$env:SLURM_CPUS_PER_TASK } elseif ($Threads -gt 0) { $Threads } else { [Environment]::ProcessorCount }
        $style = @{ Content = $content; Style = $styleReference; Init = $noisy; Threads = $cores; Seed = $seed }
        if ($Iterations -gt 0) { $style.Iterations = $Iterations }
        $simulated = Invoke-StyleTransfer @style
        Step "style transfer ($cores threads)"
    }
    $simulated | Export-TiltSeries (Out 'tiltseries.mrc') -Force
    $tomogram = $simulated | New-Tomogram
    $tomogram | Export-Volume (Out 'tomogram.mrc') -Force
    $tomogram | Export-ParticleList (Out 'particles.csv') -Force
    $tomogram | Export-ParticleList (Out 'objl.xml') -Force
    Step 'tomogram and labels written'
    return
}

# ---- The submission: what the samples share, once; then the job ----
$OutputDirectory = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputDirectory)
$shared = [System.IO.Path]::Combine($OutputDirectory, 'shared')
$null = [System.IO.Directory]::CreateDirectory($shared)
$referencePath = [System.IO.Path]::Combine($shared, 'reference.mrc')
$profilePath = if ($NoiseProfile) { $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($NoiseProfile) } else { [System.IO.Path]::Combine($shared, 'noise_profile.json') }
if (-not (Test-Path -LiteralPath $referencePath) -or -not (Test-Path -LiteralPath $profilePath)) {
    # Made once: a resubmission finds them and its tasks use the same ones.
    $referenceClean = New-Phantom @phantomArgs -Seed ($Seed + 1000000) | New-TiltSeries -TiltStep $TiltStep
    $referenceSeries = $referenceClean | Invoke-MicroscopeSimulation -Seed ($Seed + 1000000)
    $referenceSeries | Export-TiltSeries $referencePath -Force
    if (-not $NoiseProfile) { Measure-TiltNoise -Reference $referenceSeries -Clean $referenceClean | Export-NoiseProfile $profilePath -Force }
}
$arguments = @{ Size = $Size; Depth = $Depth; TiltStep = $TiltStep; Reference = $referencePath; NoiseProfile = $profilePath; NoStyleTransfer = [bool]$NoStyleTransfer; Iterations = $Iterations; Threads = $Threads }
$submit = @{ FilePath = $PSCommandPath; Count = $Count; ArgumentList = $arguments; OutputDirectory = $OutputDirectory; Seed = $Seed; CpusPerTask = $CpusPerTask; MemoryGB = $MemoryGB; TimeLimit = $TimeLimit }
foreach ($name in 'Scheduler', 'Partition', 'Gpus', 'ThrottleLimit') { if ($PSBoundParameters.ContainsKey($name)) { $submit[$name] = $PSBoundParameters[$name] } }
$job = Submit-FakETJob @submit
if ($Wait) {
    $job | Wait-FakETJob | Receive-FakETJob | Format-Table Index, State, ExitCode, OutputDirectory -AutoSize
} else {
    $job
}

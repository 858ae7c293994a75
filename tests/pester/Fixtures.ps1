# What the test files share: where things are, the built module, small data made in a moment, and a folder per test.
# Dot-source it in BeforeAll (and in BeforeDiscovery where -ForEach needs the module's commands).

$script:Repo = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', '..'))
$script:Manifest = [IO.Path]::Combine($Repo, 'out', 'FakET', 'FakET.psd1')
$script:Data = [IO.Path]::Combine($Repo, 'tests', 'FakET.Tests', 'Data')

if (-not (Test-Path -LiteralPath $Manifest)) { throw "The module is not built: $Manifest is missing (dotnet build -c Release)." }
if (-not (Get-Module FakET)) { Import-Module $Manifest }

# Random weights instead of any installed ones, so a test runs alike on every machine.
$env:FAKET_MODEL_CACHE = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'faket-pester-no-models')

function New-TestFolder {
    <# A fresh temporary folder, made the current location; Remove-TestFolder goes back and deletes it. #>
    $folder = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'faket-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    $null = New-Item -ItemType Directory -Path $folder
    Push-Location -LiteralPath $folder
    $folder
}

function Remove-TestFolder([string] $Folder) {
    Pop-Location
    Remove-Item -LiteralPath $Folder -Recurse -Force -ErrorAction SilentlyContinue
}

function Copy-TestData([string] $Name, [string] $As = $Name) {
    Copy-Item -LiteralPath ([IO.Path]::Combine($Data, $Name)) -Destination $As
}

function New-SmallSample {
    <# A labelled sample of 16×32×32 voxels, its clean series (7 tilts), a measured-like reference, the noise profile
       measured on it and the noisy series: every kind of object the module makes, in about a second. #>
    param([int] $Seed = 1)
    $sample = New-Phantom -Width 32 -Height 32 -Depth 16 -VoxelSize 20 -Class small, medium -Count 2, 1 -Seed $Seed
    $clean = $sample | New-TiltSeries -TiltRange -60, 60 -TiltStep 20
    $measured = $clean | Invoke-MicroscopeSimulation -Seed $Seed
    $profile = Measure-TiltNoise -Reference $measured -Clean $clean
    $noisy = $clean | Add-TiltNoise -Profile $profile -Seed $Seed
    [pscustomobject]@{ Sample = $sample; Clean = $clean; Measured = $measured; Profile = $profile; Noisy = $noisy }
}

function Get-ErrorOf([scriptblock] $Script) {
    <# Runs the script and says how it failed: the last error record, and whether it was terminating (thrown: the
       pipeline stopped) or written (non-terminating: the pipeline went on, and Output holds what it made). #>
    $ErrorActionPreference = 'Continue'
    $errors = [Collections.Generic.List[Management.Automation.ErrorRecord]]::new()
    try {
        $output = @(& $Script 2>&1 | ForEach-Object { if ($_ -is [Management.Automation.ErrorRecord]) { $errors.Add($_) } else { $_ } })
    }
    catch {
        return [pscustomobject]@{ Terminating = $true; Record = $_; Output = @() }
    }
    [pscustomobject]@{ Terminating = $false; Record = ($errors.Count ? $errors[$errors.Count - 1] : $null); Output = $output }
}

<#
.SYNOPSIS
    Runs the Pester suite of the FakET module (tests/pester/*.Tests.ps1) and ends with one line
    "pester: N passed, N failed, N skipped". Exit status 0 when every test passed.
.DESCRIPTION
    `dotnet test -c Release` runs it (tests/pester/Pester.targets); by hand, after a build:
        dotnet tool restore; dotnet pwsh -NoProfile -File tests/pester/Run.ps1
    The module must be built (out/FakET/FakET.psd1). Pester is the pinned version the test project restores from NuGet.
.PARAMETER Pester
    Pester's manifest; by default the pinned version in the NuGet package folder.
.PARAMETER Path
    Test files or folders to run; by default every *.Tests.ps1 beside this script. Under -File, give several as one
    text with commas: -Path tests/pester/Views.Tests.ps1,tests/pester/Help.Tests.ps1
#>
param(
    [string] $Pester = [IO.Path]::Combine(($env:NUGET_PACKAGES ?? [IO.Path]::Combine($HOME, '.nuget', 'packages')), 'pester', '5.7.1', 'tools', 'Pester.psd1'),
    [string[]] $Path = @($PSScriptRoot)
)
$ErrorActionPreference = 'Stop'
$Path = @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
if (-not (Test-Path -LiteralPath $Pester)) { throw "Pester is not restored at ${Pester}: run dotnet restore (the test project downloads it)." }
Import-Module $Pester -Force
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
# Plain text in logs and pipes, colours on a terminal.
if ([Console]::IsOutputRedirected) { $configuration.Output.RenderMode = 'Plaintext' }
$result = Invoke-Pester -Configuration $configuration
# The plain closing line, after Pester's own summary.
'pester: {0} passed, {1} failed, {2} skipped' -f $result.PassedCount, ($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount), $result.SkippedCount
exit ($result.Result -eq 'Passed' ? 0 : 1)

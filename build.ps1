<#
.SYNOPSIS
    Builds, tests or packages the FakET module. A thin wrapper over the same dotnet commands the README gives.
.EXAMPLE
    ./build.ps1            # Build: out/FakET/FakET.psd1
.EXAMPLE
    ./build.ps1 Test
.EXAMPLE
    ./build.ps1 Package    # out/FakET-<version>-<platform>.zip
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',
    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',
    [ValidateSet('Cpu', 'Cuda')]
    [string] $TorchBackend = 'Cpu'
)
$ErrorActionPreference = 'Stop'
Push-Location $PSScriptRoot
try {
    switch ($Task) {
        'Build' { dotnet build -c $Configuration -p:TorchBackend=$TorchBackend }
        'Test' { dotnet test -c $Configuration -p:TorchBackend=$TorchBackend }
        'Package' {
            dotnet build -c $Configuration -p:TorchBackend=$TorchBackend
            if ($LASTEXITCODE) { throw "build failed" }
            $version = (Import-PowerShellDataFile ./FakET.psd1).ModuleVersion
            $platform = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
            Compress-Archive -Path ./out/FakET -DestinationPath "./out/FakET-$version-$platform.zip" -Force
        }
    }
    if ($LASTEXITCODE) { throw "dotnet exited with $LASTEXITCODE" }
}
finally { Pop-Location }

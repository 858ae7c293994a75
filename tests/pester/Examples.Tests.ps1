# Every example in the module's help runs, where it is cheap: each in a folder of its own that holds small files and
# variables of the names the examples use ($clean, $noisy, $profile, ./model_0/projections_unbinned.mrc, ...).

BeforeDiscovery {
    . $PSScriptRoot/Fixtures.ps1
    # Examples that are not cheap, and why; every other example must run without an error.
    $notCheap = @{
        'New-Phantom 1'        = 'it makes a 512×512×200 sample (680 MB)'
        'New-Phantom 2'        = 'it makes a sample of the default size, 512×512×200, from a density map'
        'Install-StyleModel 1' = 'it downloads 575 MB of weights'
        'Install-StyleModel 2' = 'it downloads from a server on the network'
    }
    $examples = foreach ($command in Get-Command -Module FakET -CommandType Cmdlet | Sort-Object Name) {
        $index = 0
        foreach ($example in (Get-Help $command.Name -Examples).examples.example) {
            $index++
            @{ Name = $command.Name; Index = $index; Code = $example.code.Trim(); Skip = $notCheap["$($command.Name) $index"] }
        }
    }
}

BeforeAll {
    . $PSScriptRoot/Fixtures.ps1
    # The variables the examples use: a labelled sample, its series (13 tilts), a reference, a profile, a tomogram.
    $phantom = New-Phantom -Width 32 -Height 32 -Depth 16 -VoxelSize 20 -Class small, medium -Count 2, 1 -Seed 1
    $volume = $phantom
    $clean = $phantom | New-TiltSeries -TiltRange -60, 60 -TiltStep 10
    $measured = $clean | Invoke-MicroscopeSimulation -Seed 1
    $reference = $measured
    $profile = Measure-TiltNoise -Reference $measured -Clean $clean
    $noisy = $clean | Add-TiltNoise -Profile $profile -Seed 1
    $content = $clean | Add-TiltNoise -Profile $profile -Scale 0.25 -Seed 2
    $series = $noisy
    $tomogram = $noisy | New-Tomogram
    $a, $b, $c = $tomogram, $tomogram, $tomogram
    $tomograms = $tomogram, $tomogram
    $pairs = @([pscustomobject]@{ Measured = 'measured.mrc'; Clean = 'clean.mrc' })

    # The files they read, written once into a template folder.
    $template = New-TestFolder
    $null = New-Item -ItemType Directory model_0, data
    $measured | Export-TiltSeries model_0/projections_unbinned.mrc
    $phantom | Export-Volume model_0/grandmodel_unbinned.mrc
    $phantom | New-TiltSeries -TiltRange -60, 60 -TiltStep 3 | Export-TiltSeries data/a.mrc   # 41 tilts, for -TiltAngles -60..60 by 3
    $phantom | New-TiltSeries | Export-TiltSeries ts.mrc                                       # 61 tilts, for -TiltAngles -60..60 by 2
    $noisy | Export-TiltSeries noisy.mrc
    $noisy | Export-TiltSeries big.mrc
    $measured | Export-TiltSeries measured.mrc
    $clean | Export-TiltSeries clean.mrc
    $tomogram | Export-Volume tomogram.mrc
    $profile | Export-NoiseProfile profile.json -NoPlot
    $phantom | Export-ParticleList particles.star
    Pop-Location

    function Missing([string] $code) {
        <# What an example needs that this folder does not have: a variable that is neither here nor set by the example,
           or a file it reads (a path among its arguments) that is not here. Such examples (of a cmdlet whose inputs no
           other cmdlet makes) are skipped, not failed. #>
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($code, [ref] $null, [ref] $null)
        $assigned = $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.AssignmentStatementAst] }, $true) |
            ForEach-Object { $_.Left.FindAll({ $args[0] -is [System.Management.Automation.Language.VariableExpressionAst] }, $true).VariablePath.UserPath }
        foreach ($variable in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.VariableExpressionAst] }, $true)) {
            $name = $variable.VariablePath.UserPath
            if ($name -notin $assigned -and $name -notin '_', 'PSItem', 'true', 'false', 'null' -and -not (Get-Variable -Name $name -ErrorAction Ignore)) { "`$$name" }
        }
        $written = @(Written $code)
        foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            foreach ($element in $call.CommandElements | Select-Object -Skip 1) {
                if ($element -isnot [System.Management.Automation.Language.StringConstantExpressionAst] -or $element.Value -notmatch '[/\\]|\.\w+$') { continue }
                if ($element.Value -match '^\w+://' -or $element.Value -in $written) { continue }
                if (-not (Test-Path -Path $element.Value)) { $element.Value }
            }
        }
    }

    function Written([string] $code) {
        <# The files an example writes: the first argument of each Export-* command in it. Its folder gets no file of
           that name (nor the sidecars beside it, of the same base name), so the example writes afresh. #>
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($code, [ref] $null, [ref] $null)
        foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            if ($call.GetCommandName() -like 'Export-*' -and $call.CommandElements.Count -gt 1 -and
                $call.CommandElements[1] -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
                $call.CommandElements[1].Value
            }
        }
    }
}

AfterAll {
    Remove-Item -LiteralPath $template -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Help example <Name> <Index>' -ForEach $examples {
    It 'runs: <Code>' {
        if ($Skip) {
            Set-ItResult -Skipped -Because $Skip
            return
        }
        $folder = New-TestFolder
        try {
            $outputs = @(Written $Code | ForEach-Object { [IO.Path]::GetFileNameWithoutExtension($_) })
            # An example's outputs and their companions (name_class_mask.mrc, name_order_list.csv) are not copied:
            # the example writes them, and an existing one would need -Force.
            $isOutput = { param($base) @($outputs | Where-Object { $base -eq $_ -or $base.StartsWith("$($_)_") }).Count -gt 0 }
            Get-ChildItem -LiteralPath $template -Recurse -File | Where-Object { -not (& $isOutput $_.Name.Split('.')[0]) } | ForEach-Object {
                $relative = [IO.Path]::GetRelativePath($template, $_.FullName)
                $null = New-Item -ItemType Directory -Force -Path ([IO.Path]::GetDirectoryName([IO.Path]::Combine($folder, $relative)))
                Copy-Item -LiteralPath $_.FullName -Destination $relative
            }
            $missing = @(Missing $Code)
            if ($missing) {
                Set-ItResult -Skipped -Because "it needs what the examples' folder does not have: $($missing -join ', ')"
                return
            }
            $ErrorActionPreference = 'Stop'
            $null = . ([scriptblock]::Create($Code)) 3>$null
        }
        finally {
            Remove-TestFolder $folder
        }
    }
}

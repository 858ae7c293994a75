# Get-Help for every cmdlet the module exports (a new cmdlet is covered without touching this file): synopsis,
# description, examples and parameter help from the MAML the build writes; the syntax against PowerShell's own binding;
# examples that parse and use only FakET and the modules that ship with pwsh; tab completion of value sets.

BeforeDiscovery {
    . $PSScriptRoot/Fixtures.ps1
    $exported = Get-Command -Module FakET -CommandType Cmdlet | Sort-Object Name
    $cmdlets = $exported | ForEach-Object { @{ Name = $_.Name } }
    $writers = $exported | Where-Object Verb -In 'Export', 'Save', 'Write', 'Out', 'Set', 'Remove', 'Clear', 'Copy', 'Move', 'Rename', 'Publish', 'Install' |
        ForEach-Object { @{ Name = $_.Name } }
    # Cmdlets with a parameter whose values form a set (a [ValidateSet] or an enum).
    $withSets = $exported | Where-Object {
        $_.Parameters.Values | Where-Object { $_.Name -notin [System.Management.Automation.Cmdlet]::CommonParameters -and (
            ($_.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }) -or $_.ParameterType.IsEnum) }
    } | ForEach-Object { @{ Name = $_.Name } }
}

BeforeAll {
    . $PSScriptRoot/Fixtures.ps1
    # -WhatIf and -Confirm are not among them: the help documents those.
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    function Text($description) { ((@($description) | ForEach-Object { $_.Text }) -join "`n").Trim() }
    function Own($command) { $command.Parameters.Values | Where-Object { $_.Name -notin $common } }
    # The values a parameter takes when they form a set: a [ValidateSet]'s values or an enum's names.
    function ValueSet($parameter) {
        $set = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
        if ($set) { return $set.ValidValues }
        $type = $parameter.ParameterType.IsArray ? $parameter.ParameterType.GetElementType() : $parameter.ParameterType
        $type = [Nullable]::GetUnderlyingType($type) ?? $type
        if ($type.IsEnum) { [Enum]::GetNames($type) }
    }
    function Complete([string] $line) { (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText }
}

Describe '<Name>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
    }

    It 'has a synopsis, a description and examples that say what they do, from its help file' {
        # Without a help file PowerShell makes a synopsis up from the syntax, which starts with the name.
        $help.Synopsis.Trim() | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name*"
        Text $help.description | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        foreach ($example in $help.examples.example) {
            $example.code.Trim() | Should -Not -BeNullOrEmpty
            Text $example.remarks | Should -Not -BeNullOrEmpty -Because "the example '$($example.code)' should say what it does"
        }
    }

    It 'describes each of its parameters' {
        foreach ($parameter in Own $command) {
            Text (Get-Help $Name -Parameter $parameter.Name).description | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs a description"
        }
    }

    It 'documents the syntax PowerShell binds: sets, mandatory, position, pipeline input' {
        $bound = foreach ($set in $command.ParameterSets) {
            (@($set.Parameters | Where-Object { $_.Name -notin $common } | ForEach-Object {
                $pipeline = @{ 'True,True' = 'True (ByPropertyName, ByValue)'; 'True,False' = 'True (ByValue)'; 'False,True' = 'True (ByPropertyName)'; 'False,False' = 'False' }[
                    "$($_.ValueFromPipeline),$($_.ValueFromPipelineByPropertyName)"]
                '{0} required={1} position={2} pipeline={3}' -f $_.Name, $_.IsMandatory, ($_.Position -lt 0 ? 'named' : $_.Position), $pipeline
            }) | Sort-Object) -join '; '
        }
        $documented = foreach ($item in $help.syntax.syntaxItem) {
            (@($item.parameter | Where-Object { $_ } | ForEach-Object {
                '{0} required={1} position={2} pipeline={3}' -f $_.name, ($_.required -eq 'true'), $_.position, $_.pipelineInput
            }) | Sort-Object) -join '; '
        }
        @($documented | Sort-Object) | Should -Be @($bound | Sort-Object)
    }

    It 'has examples that parse and run only FakET cmdlets and those that ship with pwsh' {
        foreach ($example in $help.examples.example) {
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($example.code, [ref] $null, [ref] $errors)
            $errors | Should -BeNullOrEmpty -Because $example.code
            $defined = $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true).Name
            foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $used = $call.GetCommandName()
                # Scripts the example runs by path, and functions it defines, are its own business.
                if (-not $used -or $used -in $defined -or $used -match '[/\\]|\.ps1$') { continue }
                $found = Get-Command -Name $used -ErrorAction Ignore | Select-Object -First 1
                if ($found -is [System.Management.Automation.AliasInfo]) { $found = $found.ResolvedCommand }
                # faket carries these too: the PowerShell SDK's Core, Utility, Management, Security and Host modules.
                $found.ModuleName | Should -BeIn @('FakET', 'Microsoft.PowerShell.Core', 'Microsoft.PowerShell.Utility', 'Microsoft.PowerShell.Management',
                    'Microsoft.PowerShell.Security', 'Microsoft.PowerShell.Host') -Because "'$used' in: $($example.code)"
            }
        }
    }
}

Describe '<Name> writes' -ForEach $writers {
    It 'offers -WhatIf and -Confirm, and documents them' {
        (Get-Command $Name).Parameters.Keys | Should -Contain 'WhatIf'
        (Get-Command $Name).Parameters.Keys | Should -Contain 'Confirm'
        (Get-Help $Name -Full).parameters.parameter.name | Should -Contain 'WhatIf'
    }
}

Describe '<Name> value sets' -ForEach $withSets {
    It 'completes the values of its parameters that form a set' {
        foreach ($parameter in @(Own (Get-Command $Name) | Where-Object { ValueSet $_ })) {
            @(Complete "$Name -$($parameter.Name) " | Sort-Object) | Should -Be @(ValueSet $parameter | Sort-Object) -Because "-$($parameter.Name)"
            # A prefix narrows them, as Tab does.
            $first = @(ValueSet $parameter)[0]
            Complete "$Name -$($parameter.Name) $($first.Substring(0, 1))" | Should -Contain $first
        }
    }
}

Describe 'Help pages' {
    It 'gives one parameter''s help: description, type, position, pipeline input, wildcards, aliases' {
        $angles = Get-Help Import-TiltSeries -Parameter TiltAngles
        Text $angles.description | Should -Be 'Tilt angles in degrees, one per tilt. They override any angle file.'
        $angles.required | Should -Be 'false'
        $angles.position | Should -Be 'named'
        $angles.type.name | Should -Be 'System.Double[]'
        $path = Get-Help Import-TiltSeries -Parameter Path
        $path.globbing | Should -Be 'true'
        $path.pipelineInput | Should -Be 'True (ByPropertyName, ByValue)'
        (Get-Help Import-TiltSeries -Parameter LiteralPath).aliases | Should -Be 'PSPath, LP'
    }

    It 'shows examples with their code and what they do' {
        $examples = @((Get-Help Export-TiltSeries -Examples).examples.example)
        $examples.Count | Should -Be 3
        $examples[0].code | Should -Be '$noisy | Export-TiltSeries ./noisy.mrc -Force'
        Text $examples[1].remarks | Should -Be 'Shows what would be written, without writing.'
        $shown = Get-Help Export-TiltSeries -Examples | Out-String -Width 200
        $shown | Should -Match 'Writes a tilt series to an MRC file'
        $shown | Should -Match ([regex]::Escape('Import-TiltSeries big.mrc | Export-TiltSeries big16.mrc -Float16 -WhatIf'))
        $shown | Should -Match 'Shows what would be written, without writing.'
    }

    It 'shows the syntax of each parameter set and the output type in the full help' {
        $shown = Get-Help Export-Volume -Full | Out-String -Width 250
        $shown | Should -Match ([regex]::Escape('Export-Volume [-Path] <String> [-InputObject] <Volume> [-Force] [-PassThru] [-Float16] [-Clip] [-WhatIf] [-Confirm]'))
        $shown | Should -Match ([regex]::Escape('Export-Volume [-InputObject] <Volume> -LiteralPath <String>'))
        $shown | Should -Match 'FakET.Volume'
    }

    It 'completes parameter names, as for any cmdlet' {
        @(Complete 'Import-TiltSeries -TiltA' | Sort-Object) | Should -Be @('-TiltAngleFile', '-TiltAngles')
    }
}

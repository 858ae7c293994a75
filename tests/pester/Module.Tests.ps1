# The module as a whole: its manifest, what it exports, Get-FakETDevice, and Remove-Module with a re-import.

BeforeAll {
    . $PSScriptRoot/Fixtures.ps1
}

Describe 'The manifest' {
    It 'is valid, for PowerShell 7.4 Core and later, and exports exactly the cmdlets its assembly defines' {
        $manifest = Test-ModuleManifest -Path $Manifest
        $manifest.CompatiblePSEditions | Should -Contain 'Core'
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        $defined = [System.Reflection.Assembly]::LoadFrom([IO.Path]::Combine($Repo, 'out', 'FakET', 'FakET.PowerShell.dll')).GetExportedTypes() |
            Where-Object { -not $_.IsAbstract -and $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        # An explicit list, no wildcard: every cmdlet the assembly defines is listed, and nothing else.
        @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($defined | Sort-Object)
        @((Get-Command -Module FakET).Name | Sort-Object) | Should -Be @($defined | Sort-Object)
    }

    It 'loads its types and formats' {
        (Get-Module FakET).ExportedFormatFiles | Should -Not -BeNullOrEmpty
        (Get-TypeData -TypeName FakET.TiltSeries).DefaultDisplayPropertySet.ReferencedProperties | Should -Contain 'Shape'
    }
}

Describe 'Get-FakETDevice' {
    It 'names the libtorch the module loaded, its backend and threads' {
        $device = Get-FakETDevice
        $device.LibTorchVersion | Should -BeLike '2.10*'
        $device.Backend | Should -Be 'cpu'
        $device.Threads | Should -BeGreaterOrEqual 1
        # The engine lives in the module's own load context, not PowerShell's.
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($device.GetType().Assembly).Name | Should -Be 'FakET'
    }
}

Describe 'Remove-Module and Import-Module in the same session' {
    It 'removes the cmdlets, re-imports them, and objects from before still work with the new import' {
        $before = New-Phantom -Width 24 -Height 24 -Depth 12 -VoxelSize 20 -Class small -Count 1 -Seed 3
        Remove-Module FakET
        Get-Command -Module FakET -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        { New-Phantom -ErrorAction Stop } | Should -Throw -ErrorId CommandNotFoundException

        Import-Module $Manifest
        (Get-Command -Module FakET).Count | Should -BeGreaterThan 10
        # The engine was loaded once in the process; the second import takes the same one, so objects made before
        # the removal bind to the cmdlets of the new import.
        $series = $before | New-TiltSeries -TiltRange -30, 30 -TiltStep 30
        $series.TiltCount | Should -Be 3
        $series.History.Step | Should -Be @('New-Phantom', 'New-TiltSeries')
        (Get-FakETDevice).LibTorchVersion | Should -BeLike '2.10*'
    }
}

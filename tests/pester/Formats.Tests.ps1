# The output formats for other programs as a script uses them: Export-Copick's -WhatIf, -Force and errors, and the
# metadata files Export-TiltSeries writes beside a series and Import-TiltSeries reads back.

BeforeAll {
    . $PSScriptRoot/Fixtures.ps1
    $small = New-SmallSample
}

Describe 'Export-Copick' {
    BeforeAll { $folder = New-TestFolder }
    AfterAll { Remove-TestFolder $folder }

    It 'writes nothing with -WhatIf, a run from the pipeline, refuses to rewrite it without -Force, and adds a second run' {
        $small.Sample | Export-Copick project -RunName TS_01 -WhatIf
        Test-Path project | Should -BeFalse

        $run = $small.Sample | Export-Copick project -RunName TS_01
        $run.RunName | Should -Be TS_01
        $run.Particles | Should -Be 3
        Test-Path project/copick_config.json, project/ExperimentRuns/TS_01/VoxelSpacing20.000/wbp.zarr/.zattrs | Should -Be $true, $true
        (Import-ParticleList $run.Picks).Count | Should -Be 3

        $ErrorActionPreference = 'Continue'
        $small.Sample | Export-Copick project -RunName TS_01 -ErrorVariable failed 2>$null
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'CopickRunExists,*'
        $failed[0].CategoryInfo.Category | Should -Be ResourceExists
        $small.Sample | Export-Copick project -RunName TS_01 -Force | Should -Not -BeNullOrEmpty

        Export-Copick project -RunName TS_02 -Sample $small.Sample -User bad_user -ErrorVariable named 2>$null
        $named[0].FullyQualifiedErrorId | Should -BeLike 'CopickNameInvalid,*'
        Export-Copick project -RunName TS_02 -Sample $small.Sample -TiltSeries $small.Measured | Select-Object -ExpandProperty TiltSeries | Should -Exist
        (Get-Content project/copick_config.json -Raw | ConvertFrom-Json).pickable_objects.name | Should -Be small, medium
    }
}

Describe 'Export-TiltSeries and Import-TiltSeries with .mdoc' {
    BeforeAll { $folder = New-TestFolder }
    AfterAll { Remove-TestFolder $folder }

    It 'writes .xf and .mrc.mdoc, with -Relion5 the RELION 5 files, and reads angles back from the .mdoc alone' {
        $small.Measured | Export-TiltSeries ts.mrc -Relion5
        Test-Path ts.xf, ts.mrc.mdoc, tomograms.star, tilt_series/ts.star | Should -Be $true, $true, $true, $true
        Remove-Item ts.tlt, ts.json
        $read = Import-TiltSeries ts.mrc
        $read.TiltAngles | Should -Be $small.Measured.TiltAngles
        $read.AcquisitionOrder | Should -Be $small.Measured.AcquisitionOrder
    }
}

# Each exported cmdlet as a script uses it: what it binds from the pipeline (by value and by property name), what it does
# with -WhatIf, -Confirm and -Force when it writes, and how it fails on bad input: the error's identifier and category,
# and whether it is terminating (the pipeline stops) or not (the next input goes on).

BeforeAll {
    . $PSScriptRoot/Fixtures.ps1
    $small = New-SmallSample
    $engine = (Get-FakETDevice).GetType().Assembly

    function Should-FailWith {
        <# The failure of $Script: its identifier (FullyQualifiedErrorId starts with it), its category, and whether it
           stopped the pipeline. #>
        param([scriptblock] $Script, [string] $Id, [string] $Category, [switch] $Terminating)
        $failure = Get-ErrorOf $Script
        $failure.Record | Should -Not -BeNullOrEmpty -Because "$Script should fail with $Id"
        $failure.Record.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $failure.Record.CategoryInfo.Category | Should -Be $Category
        $failure.Terminating | Should -Be $Terminating.IsPresent
        $failure
    }
}

Describe 'Import-TiltSeries' {
    BeforeAll { $folder = New-TestFolder }
    AfterAll { Remove-TestFolder $folder }

    It 'binds paths by value and files by property name, and takes angles from the .tlt beside the stack' {
        Copy-TestData projections_noiseless.mrc ts.mrc
        -60..60 | Where-Object { $_ % 6 -eq 0 } | Set-Content ts.tlt
        ('ts.mrc' | Import-TiltSeries).TiltAngles | Should -Be (-60..60 | Where-Object { $_ % 6 -eq 0 })
        # Get-ChildItem's files bind to -LiteralPath through their PSPath property.
        $series = Get-ChildItem -Filter ts.mrc | Import-TiltSeries
        $series.TiltCount | Should -Be 21
        $series.History[-1].Summary | Should -Be 'imported from ts.mrc'
    }

    It 'takes angles given, from another file, or from SHREC''s alignment file' {
        Copy-TestData mode2_float32.mrc projections_unbinned.mrc
        "# header`n# more`n0 0 -3 0 1 a`n0 0 0 0 1 b`n0 0 3 0 1 c" | Set-Content alignment_simulated.txt
        (Import-TiltSeries projections_unbinned.mrc).TiltAngles | Should -Be @(-3, 0, 3)
        (Import-TiltSeries projections_unbinned.mrc -TiltAngles 10, 20, 30).TiltAngles | Should -Be @(10, 20, 30)
        "1`n2`n3" | Set-Content other.tlt
        (Import-TiltSeries projections_unbinned.mrc -TiltAngleFile other.tlt).TiltAngles | Should -Be @(1, 2, 3)
    }

    It 'fails for angles that do not match the stack, with TiltAngleCountMismatch, and goes on' {
        Copy-TestData mode2_float32.mrc s.mrc
        $failure = Should-FailWith { Import-TiltSeries s.mrc -TiltAngles 1, 2 } -Id TiltAngleCountMismatch -Category InvalidArgument
        $failure.Record.Exception.Message | Should -Match '3 tilts'
    }

    It 'names a broken file''s fault (<Kind>) and reads the next file' -ForEach @(
        @{ Kind = 'not MRC'; Content = 'junk'; Id = 'MrcNotAnMrcFile' }
    ) {
        Set-Content broken.mrc $Content
        Copy-TestData mode2_float32.mrc good.mrc
        $failure = Should-FailWith { 'broken.mrc', 'good.mrc' | Import-TiltSeries } -Id $Id -Category InvalidData
        $failure.Output.Count | Should -Be 1
        $failure.Record.TargetObject | Should -BeLike '*broken.mrc'
    }
}

Describe 'Import-Volume' {
    BeforeAll { $folder = New-TestFolder }
    AfterAll { Remove-TestFolder $folder }

    It 'expands wildcards, takes literal paths, and a bad file among them is an error for that file alone' {
        Copy-TestData mode1_int16.mrc a1.mrc
        Copy-TestData mode6_uint16.mrc a2.mrc
        Set-Content a3.mrc 'not an MRC file'
        Copy-TestData mode0_int8.mrc 'odd[1].mrc'
        $failure = Should-FailWith { Import-Volume a*.mrc } -Id MrcNotAnMrcFile -Category InvalidData
        $failure.Output.Count | Should -Be 2
        $failure.Record.TargetObject | Should -BeLike '*a3.mrc'
        @(Import-Volume -LiteralPath 'odd[1].mrc').Count | Should -Be 1
        Should-FailWith { Import-Volume nothing-here*.mrc } -Id PathNotFound -Category ObjectNotFound
    }

    It 'binds files by property name and paths by value, and brings a sample''s labels back' {
        $small.Sample | Export-Volume sample.mrc
        $back = Get-Item sample.mrc | Import-Volume
        $back.Labels.Particles.Count | Should -Be 3
        ('sample.mrc' | Import-Volume).Shape | Should -Be @(16, 32, 32)
    }
}

Describe 'Import-NoiseProfile' {
    BeforeAll { $folder = New-TestFolder }
    AfterAll { Remove-TestFolder $folder }

    It 'reads what Export-NoiseProfile wrote, by value and by property name' {
        $small.Profile | Export-NoiseProfile profile.json -NoPlot
        ('profile.json' | Import-NoiseProfile).R | Should -Be $small.Profile.R
        (Get-Item profile.json | Import-NoiseProfile).TiltCount | Should -Be 7
    }

    It 'fails on a file that is no noise profile, with NoiseProfileInvalid' {
        Set-Content bad.json '{}'
        Should-FailWith { Import-NoiseProfile bad.json } -Id NoiseProfileInvalid -Category InvalidData
        Should-FailWith { Import-NoiseProfile missing.json } -Id PathNotFound -Category ObjectNotFound
    }
}

Describe 'Import-ParticleList' {
    BeforeAll { $folder = New-TestFolder }
    AfterAll { Remove-TestFolder $folder }

    It 'reads back the particles Export-ParticleList wrote, by value and by property name' {
        $small.Sample | Export-ParticleList particles.csv
        @('particles.csv' | Import-ParticleList).Count | Should -Be 3
        @(Get-Item particles.csv | Import-ParticleList).Count | Should -Be 3
        Should-FailWith { Import-ParticleList missing.csv } -Id PathNotFound -Category ObjectNotFound
    }
}

Describe 'Export-TiltSeries, Export-Volume and the other writers' {
    BeforeAll { $folder = New-TestFolder }
    AfterAll { Remove-TestFolder $folder }

    It '<Name> writes nothing with -WhatIf, refuses to overwrite without -Force (FileExists), and overwrites with it' -ForEach @(
        @{ Name = 'Export-TiltSeries'; Object = 'Noisy'; File = 'series.mrc'; Extra = @{} }
        @{ Name = 'Export-Volume'; Object = 'Sample'; File = 'volume.mrc'; Extra = @{} }
        @{ Name = 'Export-ParticleList'; Object = 'Sample'; File = 'particles.xml'; Extra = @{} }
        @{ Name = 'Export-LabelMask'; Object = 'Sample'; File = 'mask.mrc'; Extra = @{ Mask = 'Instance' } }
        @{ Name = 'Export-NoiseProfile'; Object = 'Profile'; File = 'profile.json'; Extra = @{} }
        @{ Name = 'Export-TiltSeriesPreview'; Object = 'Noisy'; File = 'montage.png'; Extra = @{ TileSize = 16 } }
        @{ Name = 'Export-VolumePreview'; Object = 'Sample'; File = 'slices.png'; Extra = @{ Plane = 'XY', 'XZ' } }
    ) {
        $small.$Object | & $Name $File @Extra -WhatIf
        Test-Path $File | Should -BeFalse
        Get-ChildItem -Force | Should -BeNullOrEmpty

        Set-Content $File 'precious'
        Should-FailWith { $small.$Object | & $Name $File @Extra } -Id FileExists -Category ResourceExists
        Get-Content $File | Should -Be 'precious'

        $passed = $small.$Object | & $Name $File @Extra -Force -PassThru
        $passed | Should -Be $small.$Object
        Get-Content $File -Raw | Should -Not -Be "precious$([Environment]::NewLine)"
        Remove-Item * -Force
    }

    It 'asks before each write with -Confirm (a session that cannot ask writes nothing) and not with -Confirm:$false' {
        # In a non-interactive pwsh, so that the question can only fail and never wait for an answer.
        $script = @'
Import-Module $env:FAKET_MANIFEST
$sample = New-Phantom -Width 24 -Height 24 -Depth 12 -VoxelSize 20 -Class small -Count 1 -Seed 1
$series = $sample | New-TiltSeries -TiltRange -30, 30 -TiltStep 30
$profile = Measure-TiltNoise -Reference ($series | Invoke-MicroscopeSimulation -Seed 1) -Clean $series
$writes = @{ 'Export-TiltSeries' = $series; 'Export-Volume' = $sample; 'Export-ParticleList' = $sample; 'Export-LabelMask' = $sample
             'Export-TiltSeriesPreview' = $series; 'Export-VolumePreview' = $sample; 'Export-NoiseProfile' = $profile }
$extension = @{ 'Export-TiltSeriesPreview' = '.png'; 'Export-VolumePreview' = '.png'; 'Export-ParticleList' = '.csv'; 'Export-NoiseProfile' = '.json' }
foreach ($name in $writes.Keys) {
    $file = $name + ($extension[$name] ?? '.mrc')
    try { $writes[$name] | & $name $file -Confirm; "$name wrote without asking" } catch { "$name asked: $($_.FullyQualifiedErrorId)" }
    if (Test-Path $file) { "$name wrote $file" }
    $writes[$name] | & $name "confirmed-$file" -Confirm:$false
    if (-not (Test-Path "confirmed-$file")) { "$name did not write with -Confirm:`$false" }
}
'@
        $env:FAKET_MANIFEST = $Manifest
        $pwsh = [Environment]::ProcessPath -match 'dotnet(\.exe)?$' ? @([Environment]::ProcessPath, (Join-Path $PSHOME pwsh.dll)) : @([Environment]::ProcessPath)
        $lines = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script 2>&1
        $lines | Should -HaveCount 7 -Because ($lines -join "`n")
        $lines | ForEach-Object { $_ | Should -Match '^Export-\w+ asked: InvalidOperation,FakET' }
    }
}

Describe 'Get-FakETDevice' {
    It 'takes no pipeline input' {
        Should-FailWith { 1 | Get-FakETDevice } -Id InputObjectNotBound -Category InvalidArgument
    }
}

Describe 'New-Phantom' {
    It 'makes exactly the particles asked for, and its sample binds by value to New-TiltSeries' {
        $sample = New-Phantom -Width 32 -Height 32 -Depth 16 -VoxelSize 20 -Class small, medium -Count 2, 1 -Seed 7
        $sample.Labels.Particles | Group-Object Class | Sort-Object Name | ForEach-Object Count | Should -Be @(2, 1)
        ($sample | New-TiltSeries -TiltRange -30, 30 -TiltStep 30).Labelled | Should -BeTrue
    }

    It 'fails on a particle too large for its slab (PhantomObjectTooLarge), an unknown class, and a size of 0' {
        Should-FailWith { New-Phantom -Width 16 -Height 16 -Depth 8 -Class large -Count 2 -Seed 1 } -Id PhantomObjectTooLarge -Category InvalidArgument
        Should-FailWith { New-Phantom -Class nosuch -Count 1 -Width 16 -Height 16 -Depth 8 } -Id PhantomClassUnknown -Category ObjectNotFound
        Should-FailWith { New-Phantom -Width 0 } -Id ParameterArgumentValidationError -Category InvalidData -Terminating
    }
}

Describe 'New-TiltSeries' {
    It 'binds volumes by value, one series each, and refuses other objects for that input alone' {
        $series = @($small.Sample, $small.Sample | New-TiltSeries -TiltAngles 0, 30)
        $series.Count | Should -Be 2
        $series[0].TiltAngles | Should -Be @(0, 30)
        $failure = Should-FailWith { $small.Clean, $small.Sample | New-TiltSeries -TiltAngles 0 } -Id InputObjectNotBound -Category InvalidArgument
        $failure.Output.Count | Should -Be 1
    }

    It 'refuses a tilt step of 0 before it starts' {
        Should-FailWith { $small.Sample | New-TiltSeries -TiltRange -60, 60 -TiltStep 0 } -Id ParameterArgumentValidationError -Category InvalidData -Terminating
    }
}

Describe 'New-Tomogram' {
    It 'binds series by value and makes the tomogram as deep as the sample, with its labels' {
        $tomogram = $small.Noisy | New-Tomogram
        $tomogram.Shape | Should -Be @(16, 32, 32)
        $tomogram.Labels.Particles.Count | Should -Be 3
    }

    It 'fails on a bin too large (ReconstructionBinTooLarge) and on angles that do not match' {
        Should-FailWith { $small.Noisy | New-Tomogram -Bin 100 } -Id ReconstructionBinTooLarge -Category InvalidArgument
        Should-FailWith { $small.Noisy | New-Tomogram -TiltAngles 1, 2 } -Id TiltAngleCountMismatch -Category InvalidArgument
        Should-FailWith { $small.Noisy | New-Tomogram -Method Sirt -Iterations 0 } -Id ParameterArgumentValidationError -Category InvalidData -Terminating
    }
}

Describe 'Measure-TiltNoise' {
    It 'binds pairs by property name: objects with Reference and Clean' {
        $pairs = 1, 2 | ForEach-Object { [pscustomobject]@{ Reference = $small.Measured; Clean = $small.Clean } }
        $profile = $pairs | Measure-TiltNoise -PolynomialOrder 0
        $profile.PairCount | Should -Be 2
        $profile.PolynomialOrder | Should -Be 0
    }

    It 'fails when a pair''s tilt counts differ (NoiseTiltCountMismatch)' {
        $fewer = $small.Sample | New-TiltSeries -TiltRange -60, 60 -TiltStep 30
        Should-FailWith { Measure-TiltNoise -Reference $small.Measured -Clean $fewer } -Id NoiseTiltCountMismatch -Category InvalidArgument
    }

    It 'binds the microscope''s half-sets by property name (Even, Odd) and records a half-set profile' {
        $halves = $small.Clean | Invoke-MicroscopeSimulation -HalfSets -Seed 4
        $halves.NoShotNoise.TiltCount | Should -Be $small.Clean.TiltCount
        $profile = $halves | Measure-TiltNoise -PolynomialOrder -1
        "$($profile.Estimate)" | Should -Be 'HalfSet'
        "$((Measure-TiltNoise -Reference $small.Measured -Clean $small.Clean).Estimate)" | Should -Be 'Paired'
        Should-FailWith { Measure-TiltNoise -Even $halves.Even, $halves.Even -Odd $halves.Odd } -Id NoisePairCountMismatch -Category InvalidArgument
    }
}

Describe 'Resize-TiltSeries' {
    It 'binds series by value, bins and crops, and keeps the angles' {
        $resized = $small.Clean | Resize-TiltSeries -Bin 2 -Size 10, 8 -Center 8, 8
        $resized.Shape | Should -Be @($small.Clean.TiltCount, 8, 10)
        $resized.PixelSize | Should -Be (2 * $small.Clean.PixelSize)
        $resized.TiltAngles | Should -Be $small.Clean.TiltAngles
        $resized.History[-1].Step | Should -Be 'Resize-TiltSeries'
    }

    It 'refuses a region outside the tilts (ResizeRegionOutside) and -Bin with -PixelSize (ResizeParameterInvalid)' {
        Should-FailWith { $small.Clean | Resize-TiltSeries -Size 40, 40 } -Id ResizeRegionOutside -Category InvalidArgument
        Should-FailWith { $small.Clean | Resize-TiltSeries -Bin 2 -PixelSize 30 } -Id ResizeParameterInvalid -Category InvalidArgument
    }
}

Describe 'Add-TiltNoise' {
    It 'binds series by value, seeded: the same seed gives the same noise' {
        $a, $b = $small.Clean, $small.Clean | Add-TiltNoise -Profile $small.Profile -Seed 9
        $a.Sections[3] | Should -Be $b.Sections[3]
    }

    It 'refuses a negative scale and a missing profile before it starts' {
        Should-FailWith { $small.Clean | Add-TiltNoise -Profile $small.Profile -Scale -1 } -Id ParameterArgumentValidationError -Category InvalidData -Terminating
        Should-FailWith { $small.Clean | Add-TiltNoise -Profile $null } -Id ParameterArgumentValidationErrorNullNotAllowed -Category InvalidData -Terminating
    }
}

Describe 'Invoke-MicroscopeSimulation' {
    BeforeAll { $folder = New-TestFolder }
    AfterAll { Remove-TestFolder $folder }

    It 'binds series by value and records the order it recorded in' {
        $measured = $small.Clean | Invoke-MicroscopeSimulation -AcquisitionOrder Sequential -Seed 2
        $measured.AcquisitionOrder | Should -Be $small.Clean.TiltAngles
    }

    It 'fails on a series without tilt angles (MicroscopeTiltAnglesUnknown) and goes on' {
        Copy-TestData mode2_float32.mrc noangles.mrc
        $failure = Should-FailWith { (Import-TiltSeries noangles.mrc), $small.Clean | Invoke-MicroscopeSimulation -Seed 1 } -Id MicroscopeTiltAnglesUnknown -Category InvalidArgument
        $failure.Output.Count | Should -Be 1
    }
}

Describe 'Invoke-StyleTransfer' {
    It 'binds the content by value, styles the tilts asked for, and warns that its weights are random' {
        $styled = $small.Noisy | Invoke-StyleTransfer -Style $small.Measured -TiltRange 3, 3 -Seed 1 -WarningVariable warned -WarningAction SilentlyContinue
        $styled.TiltAngles | Should -Be @(0)
        $styled.History[-1].Step | Should -Be 'Invoke-StyleTransfer'
        "$warned" | Should -Match 'Install-StyleModel'
    }

    It 'takes a style of another tilt scheme by nearest angle, and names Resize-TiltSeries for another size' {
        $style = $small.Sample | New-TiltSeries -TiltAngles -50, 10, 55 | Invoke-MicroscopeSimulation -Seed 3
        $styled = $small.Noisy | Invoke-StyleTransfer -Style $style -TiltRange 0, 1 -Seed 1 -WarningAction SilentlyContinue
        $styled.History[-1].Parameters.StylePairing | Should -Be 'nearest angle'
        $styled.History[-1].Parameters.StyleTilts[0..1] | Should -Be @(0, 0)
        $failure = Should-FailWith { $small.Noisy | Invoke-StyleTransfer -Style ($small.Measured | Resize-TiltSeries -Size 24, 24) -TiltRange 0, 0 -WarningAction SilentlyContinue } -Id StyleTransferSeriesMismatch -Category InvalidArgument
        $failure.Record.Exception.Message | Should -Match 'Resize-TiltSeries'
    }

    It 'fails on a device that is not there (ComputeDeviceNotAvailable)' {
        Should-FailWith { $small.Noisy | Invoke-StyleTransfer -Style $small.Measured -TiltRange 0, 0 -Device Cuda -WarningAction SilentlyContinue } -Id ComputeDeviceNotAvailable -Category ResourceUnavailable
    }
}

Describe 'Install-StyleModel' {
    It 'downloads nothing with -WhatIf, and refuses a download it cannot verify (StyleModelChecksumRequired)' {
        $cache = $env:FAKET_MODEL_CACHE
        Install-StyleModel -WhatIf
        Test-Path $cache | Should -BeFalse
        Should-FailWith { Install-StyleModel -Uri http://127.0.0.1:9/weights.safetensors } -Id StyleModelChecksumRequired -Category InvalidArgument
    }
}

# How the module's objects read: one line each by default (the format file), a few lines in Format-List (the types file's
# default display property sets), every property with Format-List *, and never pixel arrays, not even in ConvertTo-Json.

BeforeAll {
    . $PSScriptRoot/Fixtures.ps1
    $small = New-SmallSample
    $folder = New-TestFolder
    Copy-TestData projections_noiseless.mrc ts.mrc
    Copy-TestData volume.mrc v.mrc

    function Show([Parameter(ValueFromPipeline)] $InputObject) {
        # The lines a console shows, without the empty ones around formatted output.
        begin { $all = [Collections.Generic.List[object]]::new() }
        process { $all.Add($InputObject) }
        end { @(($all | Out-String -Width 200) -split "`r?`n" | Where-Object { $_.Trim() }) }
    }
}

AfterAll {
    Remove-TestFolder $folder
}

Describe 'One-line views' {
    It 'shows a tilt series as its one-line summary' {
        $series = Import-TiltSeries ts.mrc -TiltAngles (-60..60 | Where-Object { $_ % 6 -eq 0 })
        $series.ToString() | Should -Be "TiltSeries 21×64×64  $([char]0x2212)60°…+60°  1.0 Å/px  imported from ts.mrc"
        $series | Show | Should -Be @($series.ToString())
        $series, $series | Show | Should -Be @($series.ToString(), $series.ToString())
    }

    It 'shows the microscope''s half-sets as a list of their three series' {
        $halves = $small.Clean | Invoke-MicroscopeSimulation -HalfSets -Seed 1
        $lines = $halves | Show
        $lines | Should -HaveCount 3
        $lines[0] | Should -Be "Even        : $($halves.Even)"
        $lines[2] | Should -BeLike 'NoShotNoise : *without shot noise'
    }

    It 'shows a volume, a sample and a noise profile as one line each' {
        $volume = Import-Volume v.mrc
        $volume, $small.Sample | Show | Should -Be @($volume.ToString(), $small.Sample.ToString())
        $small.Profile | Show | Should -Be @($small.Profile.ToString())
        # After another type in the same output, an object falls into list view: its default display set, not its data.
        $volume, $small.Profile | Show | Should -Contain 'PolynomialOrder : 2'
        $volume.ToString() | Should -BeLike 'Volume 64×*'
        $small.Sample.ToString() | Should -BeLike '*labelled*'
    }

    It 'shows history as a table of step, summary and time' {
        $entry = (Import-Volume v.mrc).History[0]
        $lines = $entry | Show
        $lines[0] -split '\s+' | Should -Be @('Step', 'Summary', 'Time')
        $lines[1] | Should -BeLike '----*'
        $lines[2] | Should -BeLike "Import*imported from v.mrc*$($entry.Time.ToString('yyyy-MM-dd HH:mm:ss'))"
        $lines.Count | Should -Be 3
    }

    It 'shows a noise profile''s rows as a table and the device as a list' {
        ($small.Profile.Rows | Show)[0] -split '\s+' | Should -Be @('Index', 'Angle', 'R', 'Sigma', 'ReferenceMean', 'ReferenceStd')
        (Get-FakETDevice | Show)[0] | Should -BeLike 'LibTorchVersion*: 2.10*'
    }
}

Describe 'Format-List' {
    It 'shows a series'' shape, angles, pixel size, size and history: New-Phantom | New-TiltSeries | Format-List' {
        $lines = New-Phantom -Width 32 -Height 32 -Depth 16 -VoxelSize 20 -Class small -Count 2 -Seed 4 | New-TiltSeries -TiltRange -60, 60 -TiltStep 30 |
            Format-List | Show
        ($lines | ForEach-Object { ($_ -split ':')[0].Trim() }) | Should -Be @('Shape', 'TiltRange', 'TiltAngles', 'PixelSize', 'SizeInBytes', 'Labelled', 'History')
        $lines | Should -Contain 'Shape       : {5, 32, 32}'
        $lines | Should -Contain 'TiltRange   : {-60, 60}'
        $lines | Should -Contain 'SizeInBytes : 20480'
    }

    It 'shows a volume''s shape, voxel size, labels and history' {
        $lines = $small.Sample | Format-List | Show
        ($lines | ForEach-Object { ($_ -split ':')[0].Trim() }) | Should -Be @('Shape', 'VoxelSize', 'SizeInBytes', 'Labels', 'History')
        $lines | Should -Contain 'Labels      : 3 particles: 2 small, 1 medium'
    }

    It 'falls back to the same few lines when a series follows another type in one output' {
        $lines = & { Get-Item -LiteralPath $folder; $small.Clean } | Show
        $lines | Should -Contain 'Shape       : {7, 32, 32}'
        ($lines -join "`n").Length | Should -BeLessThan 2000
    }

    It 'with * lists every property but the pixels, which scripts still reach by name' {
        $text = $small.Clean | Format-List * | Out-String -Width 200
        foreach ($name in 'TiltCount', 'TiltAngles', 'AcquisitionOrder', 'GroundTruth', 'PixelSize', 'Origin', 'Provenance', 'History') {
            $text | Should -Match "(?m)^$name\s+:"
        }
        $text | Should -Not -Match '(?m)^Sections'
        $text.Length | Should -BeLessThan 3000
        # By name, the hidden property gives the arrays themselves.
        $small.Clean.Sections.Count | Should -Be 7
        $small.Clean.Sections[0].Length | Should -Be (32 * 32)
        , $small.Clean.Sections | Should -BeOfType [float[][]]
        $small.Sample.Labels.ClassMask.Count | Should -Be 16
        ($small.Clean | Get-Member -Force -Name Sections).MemberType | Should -Be 'ScriptProperty'
        $small.Clean | Get-Member -Name Sections | Should -BeNullOrEmpty
    }
}

Describe 'ConvertTo-Json' {
    It 'writes a <Name> without its pixels' -ForEach @(
        @{ Name = 'tilt series'; Key = 'Clean'; Expect = 'TiltAngles' }
        @{ Name = 'labelled sample'; Key = 'Sample'; Expect = 'Labels' }
        @{ Name = 'noise profile'; Key = 'Profile'; Expect = 'PolynomialOrder' }
    ) {
        foreach ($depth in 2, 4) {
            $json = $small.$Key | ConvertTo-Json -Depth $depth -WarningAction SilentlyContinue
            $parsed = $json | ConvertFrom-Json
            $parsed.PSObject.Properties.Name | Should -Contain $Expect
            $json | Should -Not -Match '"(Sections|ClassMask|InstanceMask)"'
            # 16×32×32 voxels would be tens of kilobytes of numbers; the description is a few.
            $json.Length | Should -BeLessThan 12000
        }
        ($small.Clean | ConvertTo-Json -Depth 2 -WarningAction SilentlyContinue | ConvertFrom-Json).Shape | Should -Be @(7, 32, 32)
    }
}

Describe 'Atomic models' {
    It 'show as one line, and Format-List shows a few properties, not the atoms' {
        $structure = Import-Structure ([IO.Path]::Combine($Data, 'potential_case_c.pdb'))
        @(($structure | Out-String -Width 200) -split "`r?`n" | Where-Object { $_.Trim() }) | Should -Be @($structure.ToString())
        $text = $structure | Format-List | Out-String -Width 200
        $text | Should -Match '(?m)^AtomCount\s+: 800'
        $text | Should -Not -Match '(?m)^Atoms'
    }
}

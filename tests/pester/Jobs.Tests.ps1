# Submit-FakETJob and its companions as a script meets them, without running any task: -WhatIf submits nothing, bad
# input fails with the engine's identifiers, and a folder without a job is a non-terminating error that names it.
# (Tasks run in the xunit tests: ClusterJobTests against a real SLURM and locally, LocalJobTests for the engine.)

BeforeAll {
    . $PSScriptRoot/Fixtures.ps1
}

Describe 'Submit-FakETJob, Get-FakETJob, Receive-FakETJob' {
    BeforeAll {
        $folder = New-TestFolder
        Set-Content task.ps1 -Value '"task $env:FAKET_TASK_INDEX"'
    }
    AfterAll { Remove-TestFolder $folder }

    It 'runs a task under this pwsh, with the module imported, the arguments splatted and the task''s environment' {
        Set-Content module.ps1 -Value 'param([int] $Size, [string[]] $Class); "$((Get-Module FakET).Name) $Size $($Class -join ''+'') $env:FAKET_TASK_INDEX" | Set-Content (Join-Path $env:FAKET_TASK_OUTPUT out.txt)'
        $job = Submit-FakETJob ./module.ps1 -Count 1 -Scheduler Local -OutputDirectory ./pwsh-job -ArgumentList @{ Size = 64; Class = 'small', 'large' }
        $job.Submitted | Should -Be @(0)
        $task = $job | Wait-FakETJob -Timeout 120 | Receive-FakETJob
        $task.State | Should -Be 'Completed' -Because "$($task.LogTail)"
        Get-Content ./pwsh-job/task_000/out.txt | Should -Be 'FakET 64 small+large 0'
        Get-Content ./pwsh-job/faket-job.sbatch -Raw | Should -BeLike '*Import-Module*FakET.psd1*'
        (Get-FakETJob).OutputDirectory | Should -Contain $job.OutputDirectory
    }

    It '-WhatIf submits nothing and writes nothing' {
        Submit-FakETJob ./task.ps1 -Count 2 -Scheduler Local -OutputDirectory ./whatif -WhatIf | Should -BeNullOrEmpty
        Test-Path ./whatif/faket-job.sbatch | Should -BeFalse
    }

    It 'refuses an argument that cannot reach another machine, naming it' {
        $failure = Get-ErrorOf { Submit-FakETJob ./task.ps1 -Count 2 -Scheduler Local -OutputDirectory ./bad -ArgumentList @{ Input = (Get-Item ./task.ps1) } }
        $failure.Record.FullyQualifiedErrorId | Should -BeLike 'JobArgumentInvalid,*'
        $failure.Record.Exception.Message | Should -BeLike "*'Input'*"
        $failure.Terminating | Should -BeFalse
    }

    It 'refuses a script that does not exist and a count out of range' {
        (Get-ErrorOf { Submit-FakETJob ./missing.ps1 -Count 2 -Scheduler Local -OutputDirectory ./missing }).Record.FullyQualifiedErrorId | Should -BeLike 'JobScriptNotFound,*'
        (Get-ErrorOf { Submit-FakETJob ./task.ps1 -Count 0 -Scheduler Local -OutputDirectory ./zero }).Record.FullyQualifiedErrorId | Should -BeLike 'JobInvalidParameter,*'
    }

    It 'says which folder holds no job, and goes on with the next' {
        $failure = Get-ErrorOf { Get-FakETJob ./nothing, ./nothing-either }
        $failure.Record.FullyQualifiedErrorId | Should -BeLike 'JobNotFound,*'
        $failure.Record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure.Terminating | Should -BeFalse
        (Get-ErrorOf { Receive-FakETJob -OutputDirectory ./nothing }).Record.FullyQualifiedErrorId | Should -BeLike 'JobNotFound,*'
    }
}

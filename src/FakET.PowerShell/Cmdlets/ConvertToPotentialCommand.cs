using System.Management.Automation;
using FakET.Structures;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Computes the electrostatic potential of an atomic model, in volts, as a volume.</para>
/// <para type="description">Each atom of occupancy q and B-factor B (its own plus -BFactor) contributes 47.878 V·Å² · q · Σᵢ aᵢ (4π/(bᵢ+B))^{3/2} exp(−4π²r²/(bᵢ+B)), with h²/2πm₀e = 47.878 V·Å² and (aᵢ, bᵢ) the five-Gaussian electron scattering factors of International Tables C 4.3.2.2 (Peng et al. 1996) for all 98 elements from H to Cf. Voxel (i, j, k) of the volume (Z, Y, X) holds the average potential over the cube of edge -VoxelSize centred at -Origin + (k, j, i)·VoxelSize: each Gaussian is integrated over each voxel exactly, as a product of erf differences along the three axes, because point samples alias badly at the voxel sizes cryo-ET uses. The map's sum times the voxel volume is therefore 47.878 · Σ q·Σaᵢ V·Å³ when the grid holds the molecule.</para>
/// <para type="description">-Size gives the grid in voxels (x, y, z) and -Origin the centre of voxel (0, 0, 0) in Å (x, y, z); by default the grid is the molecule's bounding box plus each atom's reach (where its Gaussians have fallen to 1e-9 of their mass), centred on it. The volume's origin is written to MRC files.</para>
/// <para type="description">-Solvent Ice subtracts the vitreous ice the molecule displaces: ice of 0.94 g/cm³ has a mean potential of 4.57 V (47.878 V·Å² × 0.0314 water molecules per Å³ × the water molecule's Σaᵢ from the same table); each atom displaces q × its mass × 0.73 cm³/g (a protein's partial specific volume, 1.212 Å³ per Da), spread as a Gaussian with the variance of a uniform sphere of that volume, blurred by the atom's B. Far from the molecule the map is then 0, and inside it the molecule's potential minus the ice's.</para>
/// <para type="description">The work runs on all cores in slabs of Z sections; the result is the same bit for bit on any number of cores. Before allocating, it checks that the map (4 bytes a voxel) fits in the memory available.</para>
/// <example><code>Import-Structure ./1hel.pdb | ConvertTo-Potential -VoxelSize 1 | Export-Volume ./1hel.mrc</code><para>The potential of lysozyme on a 1 Å grid around it.</para></example>
/// <example><code>$ribosome | ConvertTo-Potential -VoxelSize 10 -Size 40, 40, 40 -Origin 0, 0, 0 -Solvent Ice -BFactor 50</code><para>A 40³ map of 10 Å voxels from the origin, in ice, each atom blurred by 50 Å² more.</para></example>
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "Potential")]
[OutputType(typeof(Volume))]
public sealed class ConvertToPotentialCommand : FakETCmdlet
{
    /// <summary><para type="description">The atomic model, as Import-Structure reads it.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public Structure Structure { get; set; } = null!;

    /// <summary><para type="description">Voxel edge in Å (default 1).</para></summary>
    [Parameter]
    [ValidateRange(1e-3, 1e4)]
    public double VoxelSize { get; set; } = 1;

    /// <summary><para type="description">Grid size in voxels as x, y, z. Default: the molecule's bounding box plus a margin.</para></summary>
    [Parameter]
    [ValidateCount(3, 3)]
    [ValidateRange(1, 65536)]
    public int[]? Size { get; set; }

    /// <summary><para type="description">Centre of voxel (0, 0, 0) in Å as x, y, z. Default: the grid centred on the molecule.</para></summary>
    [Parameter]
    [ValidateCount(3, 3)]
    public double[]? Origin { get; set; }

    /// <summary><para type="description">Å² added to every atom's own B-factor (default 0); blurs the map as thermal motion and radiation damage would.</para></summary>
    [Parameter]
    public double BFactor { get; set; }

    /// <summary><para type="description">Vacuum (default), or Ice: the potential of the vitreous ice the molecule displaces is subtracted.</para></summary>
    /// <remarks>A string, not the engine's enum (see New-Tomogram's -Method).</remarks>
    [Parameter]
    [ValidateSet(nameof(Structures.Solvent.Vacuum), nameof(Structures.Solvent.Ice), IgnoreCase = true)]
    public string Solvent { get; set; } = nameof(Structures.Solvent.Vacuum);

    protected override void ProcessRecord()
    {
        var options = new PotentialOptions
        {
            VoxelSize = VoxelSize, Size = Size, Origin = Origin, BFactor = BFactor,
            Solvent = Enum.Parse<Structures.Solvent>(Solvent, ignoreCase: true),
        };
        TryRun(() => WriteObject(new PotentialCalculator().Run(Structure, options, Reporter("Gridding:"), Cancel)), Structure);
    }
}

using System.Management.Automation;
using FakET.Phantom;
using FakET.Structures;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Makes a synthetic specimen volume with ground truth: particles of several classes (shapes, density maps or atomic models), and optionally membranes, gold fiducials and ice.</para>
/// <para type="description">Places exactly -Count particles of each -Class at random positions inside a slab of -SlabThickness voxels (centred in Z), each at an orientation drawn uniformly over all rotations (from a uniform random unit quaternion, not uniform Euler angles), without overlap of their rotated voxel masks: every particle stays at least one voxel away from the others, so irregular molecules pack as densely as they can. A class is a built-in shape, small (an ellipsoid about 90 Å long), medium (two fused spheres, 135 Å) or large (a barrel, 220 Å); the path of a density map in MRC format (e.g. from EMDB), which is resampled to -VoxelSize and whose mask is where its density reaches -MapThreshold of its maximum, its box centre the particle's centre (for a hollow map, such as a capsid, that centre lies outside its own mask); or an atomic model: a Structure from Import-Structure, the ID of a model shipped with the module (1HEL, 1TII, 3O21), or the path of a PDB or mmCIF file (.pdb, .ent, .cif, .mmcif, each also .gz). An atomic model is converted to its electrostatic potential at -VoxelSize (exact voxel averages, as ConvertTo-Potential, less the ice it displaces), its class is named by its ID, its centre is the centroid of its potential, and its mask is where its potential is highest, over as many voxels as its volume (0.73 cm³/g); the centre voxel always belongs to the mask. A sample with atomic models is in volts: its shapes and maps are scaled by protein's mean potential (8.05 V), -IceDensity stays relative to protein (vitreous ice is 0.57) and gold beads are 29.9 V. -Occupancy asks for a fraction of the slab's volume to be filled by particle masks instead of counts: -Count then gives each class's share of the particles (equal by default). Protein has density 1; -IceDensity fills the slab with ice; -Membranes adds vesicles: lipid bilayers whose two headgroup leaflets (8.70 V, 10 Å thick, their centres 40 Å apart) flank a hydrocarbon core (6.23 V), labelled in the class mask only, as vesicle in a sample of atomic models (membrane in a sample of shapes only) and -Fiducials adds gold beads (a class of their own, listed with the particles). Large objects are placed first. When the slab is too full for the counts asked for, New-Phantom fails with the error PhantomSlabTooFull rather than place fewer. The result is a Volume whose Labels hold a class mask (0 background, k for class k), an instance mask (each particle's id) and the particle table (id, class, x, y, z in voxels, Euler angles phi, the, psi in TOM/PyTom/DeepFinder's ZXZ convention: the particle is its reference rotated by Rz(psi)·Rx(the)·Rz(phi)). The same -Seed gives the same phantom.</para>
/// <para type="description">The phantom holds its density (float32) and its class and instance masks (int32), and needs one byte more per voxel while placing: 13 bytes a voxel, 2.7 GB for 1024×1024×200. It checks before allocating that this fits in the memory available, and stops with the error NotEnoughMemory if not.</para>
/// <example><code>$phantom = New-Phantom -Width 512 -Height 512 -Depth 200 -Class small,medium,large -Count 40,20,10 -Seed 1</code><para>A SHREC-sized sample at 10 Å per voxel with 40 small, 20 medium and 10 large particles.</para></example>
/// <example><code>New-Phantom -Class ./emd_3228.map,small -Count 15 -SlabThickness 120 -Membranes 2 -Fiducials 5 -IceDensity 0.7 | Export-Volume ./sample.mrc</code><para>15 copies of an EMDB map and 15 small particles in a 120-voxel slab of ice, with two vesicles and five gold beads.</para></example>
/// <example><code>$ribosome = Import-Structure ./6zu5.cif; New-Phantom -Class $ribosome, ./1hel.pdb.gz -Occupancy 0.15 -IceDensity 0.57 -Seed 3</code><para>A crowded sample of two atomic models (the ribosome and lysozyme in equal numbers) whose masks fill 15 % of the slab, in vitreous ice, in volts.</para></example>
/// <example><code>$phantom | Export-ParticleList ./objl.xml; $phantom | Export-LabelMask ./target.mrc; $phantom | New-TiltSeries | Export-TiltSeries ./clean.mrc</code><para>Writes the DeepFinder object list, the class mask, and the clean tilt series of the phantom.</para></example>
/// </summary>
[Cmdlet(VerbsCommon.New, "Phantom")]
[OutputType(typeof(Volume))]
public sealed class NewPhantomCommand : FakETCmdlet
{
    /// <summary><para type="description">X size in voxels (default 512).</para></summary>
    [Parameter]
    [ValidateRange(1, 65536)]
    public int Width { get; set; } = 512;

    /// <summary><para type="description">Y size in voxels, along the tilt axis (default 512).</para></summary>
    [Parameter]
    [ValidateRange(1, 65536)]
    public int Height { get; set; } = 512;

    /// <summary><para type="description">Z size in voxels, along the beam at 0° (default 200).</para></summary>
    [Parameter]
    [ValidateRange(1, 65536)]
    public int Depth { get; set; } = 200;

    /// <summary><para type="description">Voxel size in Å (default 10, as SHREC).</para></summary>
    [Parameter]
    [ValidateRange(1e-3, 1e4)]
    public double VoxelSize { get; set; } = 10;

    /// <summary><para type="description">Thickness in voxels of the specimen slab, centred in Z; every object lies inside it. Default: the whole depth.</para></summary>
    [Parameter]
    [ValidateRange(1, 65536)]
    public int SlabThickness { get; set; }

    /// <summary><para type="description">The particle classes, in class-number order: built-in shapes (small, medium, large), paths of MRC density maps, Structure objects from Import-Structure, IDs of the atomic models shipped with the module (1HEL, 1TII, 3O21), or paths of PDB and mmCIF files (gzipped or not). Default: small, medium, large.</para></summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public object[] Class { get; set; } = { "small", "medium", "large" };

    /// <summary><para type="description">How many particles of each class: one number for every class, or one per class (default 10). With -Occupancy, each class's share of the particles.</para></summary>
    [Parameter(Position = 1)]
    [ValidateRange(0, 10_000_000)]
    public int[] Count { get; set; } = { 10 };

    /// <summary><para type="description">Names for the classes in the labels, one per class. Default: the shape's name or the map's file name.</para></summary>
    [Parameter]
    public string[]? ClassName { get; set; }

    /// <summary><para type="description">For density maps: the mask threshold as a fraction of the map's maximum after resampling (default 0.2).</para></summary>
    [Parameter]
    [ValidateRange(1e-6, 0.999999)]
    public double MapThreshold { get; set; } = 0.2;

    /// <summary><para type="description">Number of vesicles, lipid bilayers (default 0).</para></summary>
    [Parameter]
    [ValidateRange(0, 100_000)]
    public int Membranes { get; set; }

    /// <summary><para type="description">Smallest and largest vesicle radius in Å, to the middle of the bilayer (default 250, 500); the bilayer is 50 Å thick, its two leaflets 40 Å apart.</para></summary>
    [Parameter]
    [ValidateCount(2, 2)]
    public double[] MembraneRadius { get; set; } = { 250, 500 };

    /// <summary><para type="description">Number of gold fiducials (default 0).</para></summary>
    [Parameter]
    [ValidateRange(0, 1_000_000)]
    public int Fiducials { get; set; }

    /// <summary><para type="description">Gold bead radius in Å (default 50: 10 nm beads).</para></summary>
    [Parameter]
    [ValidateRange(1e-3, 1e5)]
    public double FiducialRadius { get; set; } = 50;

    /// <summary><para type="description">Density of the ice that fills the slab, with protein at 1 (e.g. 0.7); default 0, no ice.</para></summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public double IceDensity { get; set; }

    /// <summary><para type="description">The fraction of the slab's volume that the particles' masks are to fill (e.g. 0.2), instead of exact counts; -Count then gives the classes' shares. Default 0: place exactly -Count.</para></summary>
    [Parameter]
    [ValidateRange(0.0, 0.99)]
    public double Occupancy { get; set; }

    /// <summary><para type="description">Seed of the random placement and orientations; the same seed gives the same phantom. Default: a random seed, recorded in the history.</para></summary>
    [Parameter]
    public int Seed { get; set; }

    protected override void EndProcessing()
    {
        int seed = MyInvocation.BoundParameters.ContainsKey(nameof(Seed)) ? Seed : Random.Shared.Next();
        TryRun(() =>
        {
            var classes = Classes();
            var spec = new PhantomSpec
            {
                Depth = Depth, Height = Height, Width = Width, VoxelSize = VoxelSize, SlabThickness = SlabThickness,
                Membranes = Membranes, MembraneRadiusMin = MembraneRadius[0], MembraneRadiusMax = MembraneRadius[1],
                Fiducials = Fiducials, FiducialRadius = FiducialRadius, IceDensity = IceDensity, Occupancy = Occupancy, Seed = seed,
            };
            WriteObject(new PhantomBuilder().Run(classes, spec, Reporter("Placing:"), Cancel));
        }, null);
    }

    List<ParticleClass> Classes()
    {
        if (Count.Length != 1 && Count.Length != Class.Length)
            throw new FakETException(ErrorIds.PhantomInvalid, FailureKind.InvalidArgument,
                $"-Count gives {Count.Length} numbers for {Class.Length} classes: give one number for all, or one per class.");
        if (ClassName is not null && ClassName.Length != Class.Length)
            throw new FakETException(ErrorIds.PhantomInvalid, FailureKind.InvalidArgument,
                $"-ClassName gives {ClassName.Length} names for {Class.Length} classes: give one per class.");
        var classes = new List<ParticleClass>();
        for (int k = 0; k < Class.Length; k++)
        {
            int count = Count.Length == 1 ? Count[0] : Count[k];
            string? name = ClassName?[k];
            var value = Class[k] is PSObject wrapped ? wrapped.BaseObject : Class[k];
            if (value is Structure structure)
            {
                classes.Add(new ParticleClass(structure, count, name));
                continue;
            }
            string text = value?.ToString() ?? "";
            var shape = ParticleShape.BuiltIn(text);
            if (shape is not null)
            {
                classes.Add(new ParticleClass(shape, count, name));
                continue;
            }
            if (StructureLibrary.Contains(text))
            {
                classes.Add(new ParticleClass(StructureLibrary.Read(text), count, name));
                continue;
            }
            string path = ResolveOutputPath(text);
            if (!File.Exists(path))
                throw new FakETException(ErrorIds.PhantomClassUnknown, FailureKind.ObjectNotFound,
                    $"Class '{text}' is neither a built-in shape ({string.Join(", ", ParticleShape.BuiltInNames)}), a Structure, a shipped atomic model ({string.Join(", ", StructureLibrary.Names)}), nor an existing MRC density map or PDB/mmCIF file.");
            if (StructureFile.IsStructurePath(path))
            {
                classes.Add(new ParticleClass(StructureFile.Read(path, null, Cancel), count, name));
                continue;
            }
            RequireNativeStack();
            classes.Add(new ParticleClass(DensityMapShape.Load(path, VoxelSize, MapThreshold), count, name, path));
        }
        return classes;
    }
}

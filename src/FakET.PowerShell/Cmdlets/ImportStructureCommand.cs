using System.Management.Automation;
using FakET.Structures;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads atomic models from PDB and mmCIF files, plain or gzip-compressed.</para>
/// <para type="description">Reads each file as a Structure: one model (the first, or -Model), one conformer per atom and the atoms that scatter. PDB files (ATOM and HETATM records, MODEL, HEADER, REMARK 350) and PDBx/mmCIF files (the _atom_site category) are recognised by their content; a .gz file is decompressed as it is read. Of an atom with alternate locations the conformer of highest occupancy is kept (the first of equals), wholly there: its occupancy becomes the sum over its conformers, at most 1. Hydrogens and hetero atoms (ligands, ions) are kept; waters (HOH, WAT, DOD, …) are dropped unless -KeepWater. Elements come from the element column (type_symbol in mmCIF), else from the atom name; deuterium counts as hydrogen, and any of the 98 elements from H to Cf is known. The Structure shows as one line: its ID (mmCIF _entry.id, the PDB HEADER's ID code, else the file's name), atoms, chains, mass in kDa and radius in Å about the centroid of its potential.</para>
/// <para type="description">-Assembly builds a biological assembly: from mmCIF's _pdbx_struct_assembly_gen and _pdbx_struct_oper_list (operator expressions such as 1,2 or (1-60) or (1-5)(6-10)), or from a PDB file's REMARK 350 BIOMT operators. Cryo-ET targets are often deposited as the asymmetric unit. A copy's chains are named chain-operator .</para>
/// <para type="description">A file that does not parse is the error StructureParseError, an element outside the table is StructureUnknownElement, and both name the file and the line; a file without atoms is StructureNoAtoms, a model or assembly the file lacks StructureModelNotFound or StructureAssemblyNotFound. These are non-terminating: the other files are still read.</para>
/// <example><code>$ribosome = Import-Structure ./6zu5.cif.gz</code><para>Reads a compressed mmCIF entry.</para></example>
/// <example><code>Import-Structure ./1abc.cif -Assembly 1 | ConvertTo-Potential -VoxelSize 2 | Export-Volume ./1abc.mrc</code><para>Builds biological assembly 1 and writes its electrostatic potential at 2 Å.</para></example>
/// <para type="description">-Name reads the atomic models shipped with the module instead of files (wwPDB entries, gzipped inside it: 1HEL, lysozyme, 13 kDa; 1TII, an AB5 toxin, 73 kDa; 3O21, a GluA3 domain tetramer, 161 kDa); wildcards are allowed, so -Name * reads them all.</para>
/// <example><code>Import-Structure ./models/*.pdb -Model 2 -KeepWater</code><para>Reads the second model of every PDB file in a folder, waters included.</para></example>
/// <example><code>Import-Structure -Name *</code><para>Reads the atomic models shipped with the module.</para></example>
/// </summary>
[Cmdlet(VerbsData.Import, "Structure", DefaultParameterSetName = "Path")]
[OutputType(typeof(Structure))]
public sealed class ImportStructureCommand : FileReaderCommand
{
    /// <summary><para type="description">IDs of atomic models shipped with the module (1HEL, 1TII, 3O21), read instead of files; wildcards are allowed.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [SupportsWildcards]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">The biological assembly to build, by its id (e.g. 1); by default the deposited coordinates.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Assembly { get; set; }

    /// <summary><para type="description">The model number to read (PDB MODEL serial, mmCIF pdbx_PDB_model_num); by default the first model in the file.</para></summary>
    [Parameter]
    public int Model { get; set; }

    /// <summary><para type="description">Keep water molecules, which are dropped by default.</para></summary>
    [Parameter]
    public SwitchParameter KeepWater { get; set; }

    protected override void ProcessRecord()
    {
        var options = new StructureReadOptions(MyInvocation.BoundParameters.ContainsKey(nameof(Model)) ? Model : null, Assembly, KeepWater);
        if (ParameterSetName == "Name")
        {
            foreach (var pattern in Name)
            {
                var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
                var names = StructureLibrary.Names.Where(n => wildcard.IsMatch(n)).ToList();
                if (names.Count == 0) names.Add(pattern); // not shipped: the engine's error names the ones that are
                foreach (var name in names) TryRun(() => WriteObject(StructureLibrary.Read(name, options)), name);
            }
            return;
        }
        foreach (var file in InputFiles())
            TryRun(() => WriteObject(StructureFile.Read(file, options, Cancel)), file);
    }
}

namespace FakET.Tests.Support;

/// <summary>A PowerShell session in a temporary folder that holds two atomic models: 1dpx.pdb.gz (lysozyme, PDB 1DPX)
/// and case_c.cif (reference case c's 800 random atoms).</summary>
public abstract class StructureSession : IDisposable
{
    protected PowerShellSession Ps { get; } = new();
    protected TempDir Dir { get; } = new();

    protected StructureSession()
    {
        Ps.SetLocation(Dir.Path);
        File.Copy(Repo.Data("structure_1dpx.pdb.gz"), Dir.File("1dpx.pdb.gz"));
        File.Copy(Repo.Data("potential_case_c.cif"), Dir.File("case_c.cif"));
    }

    public void Dispose()
    {
        Ps.Dispose();
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }
}

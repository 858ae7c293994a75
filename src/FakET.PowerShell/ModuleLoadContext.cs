using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace FakET.PowerShell;

/// <summary>
/// Isolates the engine and its dependencies (TorchSharp, Google.Protobuf, SkiaSharp, ...) from other
/// modules in the same PowerShell session, following PowerShell's documented pattern for resolving
/// assembly conflicts: this assembly loads in the default context; the engine and everything it needs load
/// from <c>Dependencies/</c> into a context of their own. Only the module's own types cross over.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    readonly string _folder;

    ModuleLoadContext(string folder) : base("FakET", isCollectible: false) => _folder = folder;

    internal static readonly string DependencyFolder =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleLoadContext).Assembly.Location)!, "Dependencies");

    internal static readonly ModuleLoadContext Instance = new(DependencyFolder);

    protected override Assembly? Load(AssemblyName name)
    {
        string path = Path.Combine(_folder, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string name)
    {
        foreach (var candidate in new[] { name, $"lib{name}.so", $"{name}.so", $"{name}.dll", $"lib{name}.dylib" })
        {
            string path = Path.Combine(_folder, candidate);
            if (File.Exists(path)) return LoadUnmanagedDllFromPath(path);
        }
        return IntPtr.Zero;
    }

    /// <summary>Resolves the engine for the default context, from the isolated one.</summary>
    internal static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == "FakET.Engine" && Directory.Exists(DependencyFolder) ? Instance.LoadFromAssemblyName(name) : null;
}

/// <summary>Hooks the isolated load context in when the module is imported, and out when it is removed; on removal it
/// also releases what the engine keeps for the session (the last VGG-19 weights read), so Remove-Module gives the memory
/// back. Networks and device tensors are not kept between commands: each cmdlet disposes the stage that held them.</summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport() => AssemblyLoadContext.Default.Resolving += ModuleLoadContext.ResolveEngine;

    public void OnRemove(PSModuleInfo module)
    {
        // Only an engine that was loaded holds anything; do not load it just to release nothing.
        if (ModuleLoadContext.Instance.Assemblies.Any(a => a.GetName().Name == "FakET.Engine")) ReleaseEngineCaches();
        AssemblyLoadContext.Default.Resolving -= ModuleLoadContext.ResolveEngine;
    }

    // Kept apart so that the engine's types are resolved only when this runs.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static void ReleaseEngineCaches() => FakET.StyleTransfer.Vgg19Weights.ReleaseCached();
}

using System.Management.Automation;
using FakET.Native;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Shows the compute stack: libtorch version, backend, threads and CUDA devices.</para>
/// <para type="description">Loads libtorch (once per session) and reports its version, the TorchSharp version, whether work runs on the CPU or on CUDA, how many CPU threads libtorch uses, and how many CUDA devices it sees. When libtorch cannot be loaded, the error names the real cause: a missing file, or a symbol version the system's libstdc++ lacks.</para>
/// <example><code>Get-FakETDevice</code><para>Shows, e.g., libtorch 2.10.0.0  cpu  2 threads  CUDA not available.</para></example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "FakETDevice")]
[OutputType(typeof(DeviceReport))]
public sealed class GetFakETDeviceCommand : FakETCmdlet
{
    protected override void EndProcessing()
    {
        RequireNativeStack();
        WriteObject(NativeStack.Describe());
    }
}

using System.Globalization;
using FakET.Benchmarks;
using FakET.Native;

// Timings for docs/benchmarks.md. Usage:
//   style <size> [tilts] [threads|default] [batch|auto] [weights|random] [repeats]   Invoke-StyleTransfer's engine
//   reference <case-dir> [threads]                 per-tilt agreement with the published style transfer's output
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
NativeStack.EnsureLoaded();
switch (args.FirstOrDefault())
{
    case "style":
        return StyleTransferBenchmarks.Style(args[1..]);
    case "reference":
        return StyleTransferBenchmarks.Reference(args[1..]);
    default:
        Console.Error.WriteLine("usage: style <size> [tilts] [threads|default] [batch|auto] [weights|random] [repeats] | reference <case-dir> [threads]");
        return 2;
}

// Benchmarks of the engine, one per pipeline stage: dotnet run -c Release --project benchmarks/FakET.Benchmarks -- <stage> [options]
using FakET.Benchmarks;

var benchmarks = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["noise"] = NoiseBenchmark.Run,
};
if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: FakET.Benchmarks <{string.Join("|", benchmarks.Keys)}> [options]");
    return 2;
}
return run(args[1..]);

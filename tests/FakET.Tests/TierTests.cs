using System.Reflection;

namespace FakET.Tests;

/// <summary>
/// Every test class is in exactly one tier, so that `dotnet test --filter Tier=X` for the three tiers runs every test
/// exactly once between them (as .ci/run does): Engine (in-process engine tests, no PowerShell), Module (the real
/// PowerShell engine hosted in-process) or Process (tests that start other programs: the faket host, python3, readelf).
/// A class that does several of these is in the heaviest tier it uses.
/// </summary>
[Trait("Tier", "Engine")]
public class TierTests
{
    public static readonly string[] Tiers = { "Engine", "Module", "Process" };

    static IEnumerable<(string Name, string Value)> Traits(MemberInfo member) =>
        member.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(TraitAttribute) && a.ConstructorArguments.Count == 2)
            .Select(a => ((string)a.ConstructorArguments[0].Value!, (string)a.ConstructorArguments[1].Value!));

    static bool IsTest(MethodInfo method) => method.GetCustomAttributes<FactAttribute>(inherit: true).Any(); // [Theory] is a [Fact]

    [Fact]
    public void EveryTestClassHasExactlyOneTier()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        var classes = typeof(TierTests).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.GetMethods(all).Any(IsTest))
            .ToList();
        Assert.True(classes.Count > 20, $"only {classes.Count} test classes found");
        var problems = new List<string>();
        foreach (var type in classes)
        {
            // Traits of the class and of its base classes (xunit applies both).
            var tiers = new List<string>();
            for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
                tiers.AddRange(Traits(t).Where(x => x.Name == "Tier").Select(x => x.Value));
            if (tiers.Count != 1) problems.Add($"{type.FullName}: {tiers.Count} Tier traits ({string.Join(", ", tiers)}); it needs exactly one");
            else if (!Tiers.Contains(tiers[0])) problems.Add($"{type.FullName}: Tier \"{tiers[0]}\" is not one of {string.Join(", ", Tiers)}");
            // A Tier on a method would put its test in two tiers, or move it out of its class's.
            foreach (var method in type.GetMethods(all).Where(IsTest))
                if (Traits(method).Any(x => x.Name == "Tier"))
                    problems.Add($"{type.FullName}.{method.Name}: a Tier trait on a method; put it on the class");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

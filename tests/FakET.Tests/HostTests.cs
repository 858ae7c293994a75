using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The module as a user without pwsh meets it: the faket host, a fresh process, no NuGet cache, no HOME.</summary>
[Trait("Tier", "Process")]
public class HostTests
{
    internal static (int Exit, string Stdout, string Stderr) RunHost(string workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        return ExternalProgram.Run("dotnet", args.Prepend(Repo.HostDll), workingDirectory, environment);
    }

    [Fact]
    public void TheWholeEngineIsThereUtilityManagementAndParallelRunspacesWithTheModule()
    {
        using var dir = new TempDir();
        File.Copy(Repo.Data("mode2_float32.mrc"), dir.File("a.mrc"));
        File.Copy(Repo.Data("volume.mrc"), dir.File("b.mrc"));
        const string script =
            "$files = Get-ChildItem *.mrc | Sort-Object Name | Select-Object -First 2; " +
            "$volumes = $files | Import-Volume; " +
            "Write-Output ('COUNT=' + ($volumes | Measure-Object -Property Depth -Sum).Sum); " +
            "'SORTED=' + (($volumes | Sort-Object Depth -Descending | ForEach-Object Depth) -join ','); " +
            "'JSON=' + ($volumes[0] | Select-Object Depth, Height, Width | ConvertTo-Json -Compress); " +
            "'YEAR=' + (Get-Date -Format yyyy); " +
            // Each parallel runspace is a fresh session: it imports the module, as examples/batch.ps1 does, or loads it
            // on first use from the module path, where faket puts the module's folder.
            "'PARALLEL=' + ((1..2 | ForEach-Object -Parallel { Import-Module $using:manifest; (New-Phantom -Class small -Count $_ -Width 32 -Height 32 -Depth 16 -Seed $_).Labels.Particles.Count } -ThrottleLimit 2 | Sort-Object) -join ','); " +
            "'AUTOLOADED=' + ((3..4 | ForEach-Object -Parallel { (New-Phantom -Class small -Count $_ -Width 32 -Height 32 -Depth 16 -Seed $_).Labels.Particles.Count } -ThrottleLimit 2 | Sort-Object) -join ',')";
        var (exit, stdout, stderr) = RunHost(dir.Path, null, "-Command", "$manifest = '" + Repo.ModuleManifest + "'; " + script);
        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("COUNT=" + (3 + 64), stdout);
        Assert.Contains("SORTED=64,3", stdout);
        Assert.Contains("JSON={\"Depth\":3,\"Height\":5,\"Width\":4}", stdout);
        Assert.Contains("YEAR=" + DateTime.Now.Year, stdout);
        Assert.Contains("PARALLEL=1,2", stdout);
        Assert.Contains("AUTOLOADED=3,4", stdout);
        // Redirected, as in a batch job: no progress at all for quick stages.
        Assert.Equal("", stderr);
    }

    [Fact]
    public void WithoutArgumentsItIsAPromptThatRunsLineAfterLine()
    {
        using var dir = new TempDir();
        // Input from a pipe: no banner and no prompts, only what the lines show; an open brace reads on.
        const string input = "1 + 1\nfunction Twice($x) {\n  2 * $x\n}\nTwice 21\n$v = Get-FakETDevice; $v.Backend\nGet-NoSuchThing\n'still here'\nexit 4\n'never'\n";
        var (exit, stdout, stderr) = ExternalProgram.Run("dotnet", new[] { Repo.HostDll }, dir.Path, input: input);
        Assert.Equal(4, exit);
        Assert.Equal(new[] { "2", "42", "cpu", "still here" }, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("CommandNotFoundException", stderr);

        // The end of input ends the prompt; its status is the last command's.
        var ended = ExternalProgram.Run("dotnet", new[] { Repo.HostDll }, dir.Path, input: "'one'\n");
        Assert.Equal((0, "one"), (ended.Exit, ended.Stdout.Trim()));
    }

    [Fact]
    public void OnATerminalProgressIsOneLineRedrawnInPlaceAndClearedBeforeOutput()
    {
        using var dir = new TempDir();
        File.Copy(Repo.Data("volume.mrc"), dir.File("v.mrc"));
        // util-linux's script gives faket a terminal (a pseudo-terminal) for its standard output and error.
        string command = $"dotnet '{Repo.HostDll}' -Command 'Import-Volume v.mrc | ForEach-Object Depth'";
        var (exit, stdout, stderr) = ExternalProgram.Run("script", new[] { "-qec", command, "/dev/null" }, dir.Path,
            new Dictionary<string, string> { ["TERM"] = "xterm" });
        Assert.True(exit == 0, stdout + stderr);
        const string redraw = "\r\x1b[2K";
        // The cmdlet's activity, drawn over itself, then cleared before the output is written.
        Assert.Contains(redraw + "Import-Volume", stdout);
        Assert.Contains(redraw + "64", stdout);
        Assert.DoesNotContain("\n", stdout[..stdout.IndexOf(redraw + "64", StringComparison.Ordinal)]);
    }

    [Fact]
    public void AScriptsExitStatusIsFaketsAsWithPwshFile()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("exits.ps1"), "param([int]$Code)\n'before'\nexit $Code\n'after'\n");
        var five = RunHost(dir.Path, null, "exits.ps1", "-Code", "5");
        Assert.Equal((5, "before"), (five.Exit, five.Stdout.Trim()));
        Assert.Equal(0, RunHost(dir.Path, null, "-File", "exits.ps1", "-Code:0").Exit);
        Assert.Equal(3, RunHost(dir.Path, null, "-Command", "exit 3").Exit);
        Assert.Equal(2, RunHost(dir.Path, null, "-Command").Exit);
    }

    [Fact]
    public void ImportsAndComputesWithNoNuGetCacheInItsOwnLoadContext()
    {
        using var empty = new TempDir();
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = empty.Path,
            ["NUGET_PACKAGES"] = Path.Combine(empty.Path, "no-packages"),
            ["DOTNET_CLI_HOME"] = empty.Path,
        };
        const string script =
            "$d = Get-FakETDevice; 'LIBTORCH=' + $d.LibTorchVersion; " +
            "'CONTEXT=' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($d.GetType().Assembly).Name; " +
            "'TORCH=' + ([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'TorchSharp' } | " +
            "ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name })";
        var (exit, stdout, stderr) = RunHost(empty.Path, environment, "-Command", script);
        Assert.True(exit == 0, stderr);
        Assert.Contains("LIBTORCH=2.10", stdout);
        // The engine and TorchSharp live in the module's own load context, not the session's default one.
        Assert.Contains("CONTEXT=FakET", stdout);
        Assert.Contains("TORCH=FakET", stdout);
        Assert.False(Directory.Exists(Path.Combine(empty.Path, "no-packages")));
    }

    [Fact]
    public void RunsAScriptWithArgumentsAndReportsErrorsByExitCode()
    {
        using var dir = new TempDir();
        File.Copy(Repo.Data("mode2_float32.mrc"), dir.File("in put.mrc"));
        File.WriteAllText(dir.File("job.ps1"), "param([string]$Source, [string]$Target)\nImport-Volume -LiteralPath $Source | Export-Volume $Target -PassThru\n");
        var (exit, stdout, stderr) = RunHost(dir.Path, null, "job.ps1", "-Source", "in put.mrc", "-Target", "out.mrc");
        Assert.True(exit == 0, stderr);
        Assert.StartsWith("Volume 3×5×4  2.5 Å/voxel", stdout.Trim());
        Assert.True(File.Exists(dir.File("out.mrc")));

        var failed = RunHost(dir.Path, null, "-Command", "Import-Volume missing.mrc");
        Assert.Equal(1, failed.Exit);
        Assert.Contains("PathNotFound", failed.Stderr);
    }

    [Fact]
    public void ScriptArgumentsPassAsTextAsWithPwshFileAndCommandsPassPowerShellValues()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("show.ps1"), "param($Models)\n'{0}:{1}' -f $Models.GetType().Name, ($Models -join '|')\n");
        // As pwsh -File: a comma list is one piece of text, so the same script behaves alike under pwsh and faket.
        var asFile = RunHost(dir.Path, null, "show.ps1", "-Models", "8,9");
        Assert.True(asFile.Exit == 0, asFile.Stderr);
        Assert.Equal("String:8,9", asFile.Stdout.Trim());
        // A command is parsed as PowerShell, so the list is an array.
        var asCommand = RunHost(dir.Path, null, "-Command", "& ./show.ps1 -Models 8,9");
        Assert.True(asCommand.Exit == 0, asCommand.Stderr);
        Assert.Equal("Object[]:8|9", asCommand.Stdout.Trim());
    }

    /// <summary>A copy of the built module whose Dependencies/ links to the real files, except that the
    /// wrapper can be swapped for another file and some libraries left out.</summary>
    static string BrokenModule(TempDir dir, string wrapper, params string[] leaveOut)
    {
        string built = Path.GetDirectoryName(Repo.ModuleManifest)!;
        string module = Path.Combine(dir.Path, "FakET");
        Directory.CreateDirectory(Path.Combine(module, "Dependencies"));
        foreach (var file in Directory.GetFiles(built))
            File.Copy(file, Path.Combine(module, Path.GetFileName(file)));
        foreach (var file in Directory.GetFiles(Path.Combine(built, "Dependencies")))
        {
            string name = Path.GetFileName(file);
            string target = Path.Combine(module, "Dependencies", name);
            if (name == "libLibTorchSharp.so") File.Copy(wrapper, target);
            else if (!leaveOut.Contains(name)) File.CreateSymbolicLink(target, file);
        }
        return Path.Combine(module, "FakET.psd1");
    }

    static bool SystemHasGlibcxx3432()
    {
        string? libstdcxx = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }
            .FirstOrDefault(File.Exists);
        return libstdcxx is not null && File.ReadAllBytes(libstdcxx).AsSpan().IndexOf("GLIBCXX_3.4.32\0"u8) >= 0;
    }

    [Fact]
    public void WithoutTheWeakFlagTheErrorNamesTheMissingGlibcxxVersion()
    {
        using var dir = new TempDir();
        string original = Path.Combine(Repo.NuGetPackages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        string manifest = BrokenModule(dir, original);
        var (exit, stdout, stderr) = RunHost(dir.Path, new Dictionary<string, string> { ["FAKET_MODULE_PATH"] = manifest },
            "-Command", "Get-FakETDevice");
        if (SystemHasGlibcxx3432())
        {
            Assert.True(exit == 0, stderr);
            Assert.Contains("libtorch 2.10", stdout);
            return;
        }
        Assert.Equal(1, exit);
        Assert.Contains("NativeLibraryLoadFailed", stderr);
        Assert.Contains("Cause: libLibTorchSharp.so requires GLIBCXX_3.4.32 from libstdc++.so.6", stderr);
        Assert.Contains("provides versions only up to GLIBCXX_3.4.", stderr);
        Assert.DoesNotContain("doesn't contain a reference to", stderr + stdout);
    }

    [Fact]
    public void AMissingLibtorchFileIsNamed()
    {
        using var dir = new TempDir();
        string patched = Path.Combine(Path.GetDirectoryName(Repo.ModuleManifest)!, "Dependencies", "libLibTorchSharp.so");
        string manifest = BrokenModule(dir, patched, "libtorch_cpu.so");
        var (exit, stdout, stderr) = RunHost(dir.Path, new Dictionary<string, string> { ["FAKET_MODULE_PATH"] = manifest },
            "-Command", "Get-FakETDevice");
        Assert.Equal(1, exit);
        Assert.Contains("NativeLibraryLoadFailed", stderr);
        Assert.Contains("libtorch_cpu.so is missing", stderr);
        Assert.DoesNotContain("doesn't contain a reference to", stderr + stdout);
    }

    [Fact]
    public void AMissingLibtorchFileNamesTheOtherLibtorchTheLoaderWouldLoadInstead()
    {
        // Another libtorch where the loader looks (here LD_LIBRARY_PATH; on a machine with Debian's libtorch, the
        // system folders): the module's copy is missing, and the other one being loaded in its place is the cause.
        using var dir = new TempDir();
        string patched = Path.Combine(Path.GetDirectoryName(Repo.ModuleManifest)!, "Dependencies", "libLibTorchSharp.so");
        string manifest = BrokenModule(dir, patched, "libtorch_cpu.so");
        string other = ElfTests.OtherLibtorch(dir);
        var (exit, stdout, stderr) = RunHost(dir.Path, new Dictionary<string, string> { ["FAKET_MODULE_PATH"] = manifest, ["LD_LIBRARY_PATH"] = other },
            "-Command", "Get-FakETDevice");
        Assert.Equal(1, exit);
        Assert.Contains("NativeLibraryLoadFailed", stderr);
        Assert.Contains("libtorch_cpu.so is missing beside libLibTorchSharp.so, where the module keeps its own copy, so the loader would load instead " +
                        $"{other}/libtorch_cpu.so (through LD_LIBRARY_PATH), a different libtorch (1.13?) that the module was not built against.", stderr);
        Assert.DoesNotContain("doesn't contain a reference to", stderr + stdout);
    }
}

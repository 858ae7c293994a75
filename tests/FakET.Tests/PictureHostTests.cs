using System.Reflection;
using FakET.IO;
using FakET.Noise;
using FakET.Preview;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The module's pictures where users make them, through the faket host: on a machine without any installed
/// font, and in a session where another module has already loaded another SkiaSharp.</summary>
[Trait("Tier", "Process")]
public class PictureHostTests
{
    const string FontFolder = "/usr/share/fonts";

    /// <summary>A noise profile (JSON) and a tilt series (MRC) to draw, and the pictures of them drawn in this process.</summary>
    static (byte[] Plot, byte[] Montage) Inputs(TempDir dir)
    {
        NoiseProfileFile.Write(dir.File("profile.json"), PictureFontTests.Profile());
        StackFiles.Write(Synthetic.Smooth(5, 40, 50, seed: 3), dir.File("tilts.mrc"));
        var plot = NoiseProfilePlot.Png(NoiseProfileFile.Read(dir.File("profile.json")));
        var montage = StackPreview.Montage(StackFiles.ReadTiltSeries(dir.File("tilts.mrc")), tileSize: 40).Image.EncodePng();
        return (plot, montage);
    }

    const string DrawBoth =
        "Import-NoiseProfile profile.json | Export-NoiseProfile drawn.json; Import-TiltSeries tilts.mrc | Export-TiltSeriesPreview montage.png -TileSize 40";

    [Fact]
    public void PicturesAreTheSameOnAMachineWithoutFonts()
    {
        using var dir = new TempDir();
        var (plot, montage) = Inputs(dir);
        string script = $"'FONTS=' + [System.IO.Directory]::Exists('{FontFolder}/truetype'); {DrawBoth}";
        // SkiaSharp's NoDependencies build looks for system fonts in /usr/share/fonts only: hide that folder from the host
        // with an empty one in a mount namespace of its own (as root, or as a user mapped to root where that is allowed).
        // Where the folder does not exist the machine has no fonts already.
        var host = new[] { "dotnet", Repo.HostDll, "-Command", script };
        var (exit, stdout, stderr) = Directory.Exists(FontFolder)
            ? ExternalProgram.Run("unshare", (Environment.UserName == "root" ? new[] { "--mount" } : new[] { "--user", "--map-root-user", "--mount" })
                .Concat(new[] { "--", "sh", "-c", $"mount -t tmpfs none {FontFolder} && exec \"$@\"", "sh" }).Concat(host), dir.Path)
            : ExternalProgram.Run(host[0], host.Skip(1), dir.Path);
        Assert.True(exit == 0, $"{stdout}\n{stderr}");
        Assert.Contains("FONTS=False", stdout);

        // Byte for byte what this process, on a machine with fonts, draws: the shipped font is the one used.
        Assert.Equal(plot, File.ReadAllBytes(dir.File("drawn.png")));
        Assert.Equal(montage, File.ReadAllBytes(dir.File("montage.png")));
        // And the text is there: read back independently, the titles' boxes are not all background.
        var drawing = NoiseProfilePlot.Render(NoiseProfileFile.Read(dir.File("profile.json")));
        var (w, _, colour, pixels) = PreviewTests.Decode(dir.File("drawn.png"));
        Assert.Equal(2, colour);
        foreach (var box in new[] { drawing.R.Title, drawing.Sigma.Title })
        {
            int inked = 0;
            for (int y = box.Top; y < box.Top + box.Height; y++)
                for (int x = box.Left; x < box.Left + box.Width; x++)
                    if (pixels[(y * w + x) * 3] != 255 || pixels[(y * w + x) * 3 + 1] != 255 || pixels[(y * w + x) * 3 + 2] != 255) inked++;
            Assert.True(inked > box.Width * box.Height / 20, $"{inked} inked pixels in the title box {box}");
        }
    }

    [Fact]
    public void AnotherSkiaSharpInTheSessionDoesNotClash()
    {
        using var dir = new TempDir();
        var (plot, montage) = Inputs(dir);
        // Another module: an older SkiaSharp with its own native library beside it, loaded into the session's default
        // context before the module draws anything (faket imports the module at start, but its engine, ScottPlot and
        // SkiaSharp load only when the first picture is drawn).
        string version = typeof(PictureHostTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "OtherSkiaSharpVersion").Value!;
        string other = Path.Combine(dir.Path, "OtherModule");
        Directory.CreateDirectory(other);
        File.Copy(Path.Combine(Repo.NuGetPackages, "skiasharp", version, "lib", "net6.0", "SkiaSharp.dll"), Path.Combine(other, "SkiaSharp.dll"));
        File.Copy(Path.Combine(Repo.NuGetPackages, "skiasharp.nativeassets.linux.nodependencies", version, "runtimes", "linux-x64", "native", "libSkiaSharp.so"),
            Path.Combine(other, "libSkiaSharp.so"));
        // (faket has only the core cmdlets: .NET calls stand in for Add-Type, Get-Content and Sort-Object.)
        string script = string.Join("\n",
            "$other = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PWD.Path, 'OtherModule', 'SkiaSharp.dll'))",
            "function Draw-Other { $b = $other.GetType('SkiaSharp.SKBitmap')::new(8, 8); $c = $other.GetType('SkiaSharp.SKCanvas')::new($b); " +
            "$c.Clear($other.GetType('SkiaSharp.SKColors')::Red); $c.Dispose(); $p = $b.GetPixel(3, 3); $b.Dispose(); '{0},{1},{2}' -f $p.Red, $p.Green, $p.Blue }",
            "'BEFORE=' + (Draw-Other)",
            DrawBoth,
            "'AFTER=' + (Draw-Other)",
            "'OTHERNATIVE=' + $other.GetType('SkiaSharp.SkiaSharpVersion')::Native.Major",
            "[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'SkiaSharp', 'ScottPlot' } | ForEach-Object { " +
            "'ASSEMBLY={0} {1} {2}' -f $_.GetName().Name, $_.GetName().Version.Major, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }",
            "[System.IO.File]::ReadAllLines('/proc/self/maps') | ForEach-Object { ($_ -split '\\s+')[-1] } | Where-Object { $_ -like '*/libSkiaSharp.so' } | ForEach-Object { 'NATIVE=' + $_ }");
        var (exit, stdout, stderr) = HostTests.RunHost(dir.Path, null, "-Command", script);
        Assert.True(exit == 0, $"{stdout}\n{stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        // The other SkiaSharp works before and after the module drew, on its own native library.
        Assert.Contains("BEFORE=255,0,0", lines);
        Assert.Contains("AFTER=255,0,0", lines);
        Assert.Contains("OTHERNATIVE=88", lines);
        // Each SkiaSharp in its own context: the other in the session's default one, the module's (with ScottPlot) in "FakET".
        Assert.Equal(new[] { "ASSEMBLY=ScottPlot 5 FakET", "ASSEMBLY=SkiaSharp 2 Default", "ASSEMBLY=SkiaSharp 3 FakET" },
            lines.Where(l => l.StartsWith("ASSEMBLY=")).Order(StringComparer.Ordinal));
        // Two native libraries mapped, each from its own folder.
        string shipped = Path.Combine(Path.GetDirectoryName(Repo.ModuleManifest)!, "Dependencies", "libSkiaSharp.so");
        Assert.Equal(new[] { Path.Combine(other, "libSkiaSharp.so"), shipped }.Order(StringComparer.Ordinal),
            lines.Where(l => l.StartsWith("NATIVE=")).Select(l => l["NATIVE=".Length..]).Distinct().Order(StringComparer.Ordinal));
        // And the module's pictures are the ones it draws alone.
        Assert.Equal(plot, File.ReadAllBytes(dir.File("drawn.png")));
        Assert.Equal(montage, File.ReadAllBytes(dir.File("montage.png")));
    }
}

using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>The format file's views, as a console shows them (Out-Default through a host that captures its console).</summary>
[Trait("Tier", "Module")]
public class FormatTests : IClassFixture<FormatTests.Session>
{
    /// <summary>One session for the class: its tests only import the two files and show objects, changing nothing.</summary>
    public sealed class Session : IDisposable
    {
        public CapturingHost Host { get; } = new();
        public PowerShellSession Ps { get; }
        readonly TempDir _dir = new();

        public Session()
        {
            Ps = new PowerShellSession(Host);
            Ps.SetLocation(_dir.Path);
            File.Copy(Repo.Data("projections_noiseless.mrc"), _dir.File("ts.mrc"));
            File.Copy(Repo.Data("volume.mrc"), _dir.File("v.mrc"));
        }

        public void Dispose()
        {
            Ps.Dispose();
            _dir.Dispose();
        }
    }

    readonly CapturingHost _host;
    readonly PowerShellSession _ps;

    public FormatTests(Session session)
    {
        _host = session.Host;
        _ps = session.Ps;
    }

    /// <summary>The non-empty lines the console shows for the script's output.</summary>
    string[] Show(string script, params (string, object?)[] variables)
    {
        _host.Clear();
        var r = _ps.Run(script + " | Out-Default", variables);
        Assert.Empty(r.Errors);
        return _host.Lines.ToArray();
    }

    [Fact]
    public void ATiltSeriesIsOneLineItsToString()
    {
        var series = _ps.Run("Import-TiltSeries ts.mrc -TiltAngles (-60..60 | Where-Object { $_ % 6 -eq 0 })").Single<TiltSeries>();
        Assert.Equal(new[] { series.ToString() }, Show("$s", ("s", series)));
        Assert.Equal("TiltSeries 21×64×64  \u221260°…+60°  1.0 Å/px  imported from ts.mrc", series.ToString());
        // Several, one line each.
        Assert.Equal(new[] { series.ToString(), series.ToString() }, Show("$s, $s", ("s", series)));
    }

    [Fact]
    public void AVolumeIsOneLineItsToString()
    {
        var volume = _ps.Run("Import-Volume v.mrc").Single<Volume>();
        Assert.Equal(new[] { volume.ToString() }, Show("$v", ("v", volume)));
        Assert.StartsWith("Volume ", volume.ToString());
    }

    [Fact]
    public void HistoryIsATableOfStepSummaryAndTime()
    {
        var entry = Assert.Single(_ps.Run("Import-Volume v.mrc").Single<Volume>().History);
        var lines = Show("$h", ("h", new[] { entry }));
        Assert.Equal(new[] { "Step", "Summary", "Time" }, lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("----", lines[1]);
        Assert.Equal(new[] { entry.Step, "imported", "from", "v.mrc", entry.Time.ToString("yyyy-MM-dd"), entry.Time.ToString("HH:mm:ss") },
            lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, lines.Length);
    }
}

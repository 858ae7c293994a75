using System.Globalization;
using FakET.IO;
using FakET.Tests.Support;

namespace FakET.Tests;

/// <summary>SerialEM's .mdoc and IMOD's .xf beside a tilt series (IO/SerialEmMdoc.cs, IO/TiltSeriesFiles.cs): written
/// with every export, read on import when no angle file is there, and a SerialEM-style file written by hand read as SerialEM
/// means it.</summary>
[Trait("Tier", "Engine")]
public class MdocTests
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Five tilts recorded dose-symmetrically: 0, +20, −20, +40, −40.</summary>
    static TiltSeries Series()
    {
        var smooth = Synthetic.Smooth(5, 8, 12, seed: 4);
        return new TiltSeries(smooth.GetSections().ToArray(), 8, 12, new double[] { -40, -20, 0, 20, 40 }, 7.5,
            acquisitionOrder: new double[] { 0, 20, -20, 40, -40 });
    }

    [Fact]
    public void AnExportedMdocRoundTripsAnglesAndDoseOrderWithoutTheOtherFiles()
    {
        using var dir = new TempDir();
        var series = Series();
        StackFiles.Write(series, dir.File("ts.mrc"));
        // Only the stack and the .mdoc: the angles and the recording order come from the .mdoc.
        foreach (var other in new[] { "ts.tlt", "ts.json", "ts_order_list.csv" }) File.Delete(dir.File(other));
        var read = StackFiles.ReadTiltSeries(dir.File("ts.mrc"));
        Assert.Equal(series.TiltAngles, read.TiltAngles);
        Assert.Equal(series.AcquisitionOrder, read.AcquisitionOrder);
        Assert.Equal("ts.mrc.mdoc", read.History[^1].Parameters["TiltAngleSource"]);

        // The default dose: 100 e/Å² over 5 tilts, 20 each, the prior dose counting the tilts recorded before.
        var lines = File.ReadAllLines(dir.File("ts.mrc.mdoc"));
        Assert.Equal(5, lines.Count(l => l.StartsWith("[ZValue = ", StringComparison.Ordinal)));
        double[] Values(string key) => lines.Where(l => l.StartsWith(key + " =", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split('=')[1], Invariant)).ToArray();
        Assert.Equal(new double[] { 80, 40, 0, 20, 60 }, Values("PriorRecordDose"));
        Assert.Equal(new double[] { 20, 20, 20, 20, 20 }, Values("ExposureDose"));
        Assert.Equal(new[] { 7.5 }, Values("PixelSpacing").Distinct());
        Assert.Empty(Values("Defocus")); // no microscope simulation made this series

        // IMOD's .xf: the identity for each tilt.
        var xf = File.ReadAllLines(dir.File("ts.xf")).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, Invariant)).ToArray()).ToList();
        Assert.Equal(5, xf.Count);
        Assert.All(xf, row => Assert.Equal(new double[] { 1, 0, 0, 1, 0, 0 }, row));
    }

    [Fact]
    public void ASerialEmStyleMdocGivesAnglesAndOrderAndAnAngleFileWinsOverIt()
    {
        using var dir = new TempDir();
        var series = Series();
        MrcFile.Write(dir.File("stack.mrc"), series.Sections, series.Height, series.Width, series.PixelSize, new MrcFile.WriteOptions(MrcMode.Float32, false, new[] { "test" }));
        // As SerialEM writes it: global keys, titles, sections with more keys than we use, named name.mdoc here.
        File.WriteAllText(dir.File("stack.mdoc"), """
            PixelSpacing = 7.5
            Voltage = 300
            ImageFile = stack.mrc
            ImageSize = 12 8
            DataMode = 1

            [T = SerialEM: Digitized on EMBL Krios                    01-Dec-26  03:52:39    ]

            [T =     Tilt axis angle = 85.3, binning = 1  spot = 8  camera = 0]

            [ZValue = 0]
            TiltAngle = -39.9987
            StagePosition = 12.3 -4.5
            ExposureDose = 3.1
            PriorRecordDose = 12.4
            DateTime = 01-Dec-26  03:58:01

            [ZValue = 1]
            TiltAngle = 0.0021
            PriorRecordDose = 0
            Defocus = -3.02

            [ZValue = 2]
            TiltAngle = 40.0012
            PriorRecordDose = 6.2

            [ZValue = 3]
            TiltAngle = 20.0
            PriorRecordDose = 3.1

            [ZValue = 4]
            TiltAngle = -20
            PriorRecordDose = 9.3
            """);
        var read = StackFiles.ReadTiltSeries(dir.File("stack.mrc"));
        Assert.Equal(new[] { -39.9987, 0.0021, 40.0012, 20.0, -20 }, read.TiltAngles);
        Assert.Equal(new[] { 0.0021, 20.0, 40.0012, -20, -39.9987 }, read.AcquisitionOrder);

        // An IMOD angle file beside the stack holds the angles as refined after acquisition: it wins.
        File.WriteAllText(dir.File("stack.tlt"), "-40\n0\n40\n20\n-20\n");
        Assert.Equal(new double[] { -40, 0, 40, 20, -20 }, StackFiles.ReadTiltSeries(dir.File("stack.mrc")).TiltAngles);
        File.Delete(dir.File("stack.tlt"));

        // A section without its angle is a named error at its line.
        File.WriteAllText(dir.File("stack.mdoc"), "PixelSpacing = 7.5\n\n[ZValue = 0]\nTiltAngle = 1\n\n[ZValue = 1]\nExposureDose = 3\n");
        var e = Assert.Throws<FakETException>(() => StackFiles.ReadTiltSeries(dir.File("stack.mrc")));
        Assert.Equal(ErrorIds.MdocParseError, e.ErrorId);
        Assert.Contains("line 6", e.Message);
    }

    /// <summary>An angle file or .mdoc beside a stack with another number of angles than the stack has tilts is an error
    /// that names both files and both counts, never angles paired with the wrong tilts.</summary>
    [Fact]
    public void AnAngleFileOrMdocOfAnotherTiltCountIsTiltAngleCountMismatch()
    {
        using var dir = new TempDir();
        var series = Series();
        StackFiles.Write(series, dir.File("ts.mrc"));
        File.Delete(dir.File("ts.json"));
        File.WriteAllText(dir.File("ts.tlt"), "-20\n0\n20\n");
        var fromTlt = Assert.Throws<FakETException>(() => StackFiles.ReadTiltSeries(dir.File("ts.mrc")));
        Assert.Equal(ErrorIds.TiltAngleCountMismatch, fromTlt.ErrorId);
        Assert.Equal("ts.mrc has 5 tilts but ts.tlt lists 3 angles.", fromTlt.Message);

        File.Delete(dir.File("ts.tlt"));
        var mdoc = File.ReadAllText(dir.File("ts.mrc.mdoc"));
        File.WriteAllText(dir.File("ts.mrc.mdoc"), mdoc[..mdoc.LastIndexOf("[ZValue", StringComparison.Ordinal)]);
        var fromMdoc = Assert.Throws<FakETException>(() => StackFiles.ReadTiltSeries(dir.File("ts.mrc")));
        Assert.Equal(ErrorIds.TiltAngleCountMismatch, fromMdoc.ErrorId);
        Assert.Equal("ts.mrc has 5 tilts but ts.mrc.mdoc has 4 [ZValue] sections.", fromMdoc.Message);
    }
}

using FakET.Labels;
using FakET.Tests.Support;
using static FakET.Tests.PhantomTests;

namespace FakET.Tests;

/// <summary>The particle-list formats in the engine (src/FakET.Engine/Labels): today's output pinned, round trips of the
/// formats we write, hand-written files of the others with their voxel coordinates worked out here, and each kind of
/// malformed input giving its named error at the right line.</summary>
[Trait("Tier", "Engine")]
public class ParticleListFormatTests : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Writes <paramref name="text"/> to a file named <paramref name="name"/> and reads it back.</summary>
    IReadOnlyList<ParticleEntry> Read(string name, string text, ParticleListFormat? format = null, ParticleReadOptions? options = null)
    {
        File.WriteAllText(_dir.File(name), text);
        return ParticleLists.Read(_dir.File(name), format, options);
    }

    /// <summary>The error reading <paramref name="text"/> as <paramref name="name"/> gives.</summary>
    FakETException Fails(string name, string text, ParticleListFormat? format = null, ParticleReadOptions? options = null) =>
        Assert.Throws<FakETException>(() => Read(name, text, format, options));

    void AssertParseError(string name, string text, string where, ParticleListFormat? format = null)
    {
        var e = Fails(name, text, format);
        Assert.Equal(ErrorIds.ParticleListParseError, e.ErrorId);
        Assert.Contains(_dir.File(name), e.Message);
        Assert.Contains(where + ":", e.Message);
    }

    // ---- Today's output, for one tomogram without names (the bytes the writer gave before the formats moved to Labels/) ----

    internal static SampleLabels Fixed() => new((int[][]?)null, null, new[] { "ribosome", "a,b \"c\"", "gold" }, new Particle[]
    {
        new(1, 1, 10, 20.5, 3.25, 30, 45, 60), new(2, 2, 0.1234, 7, 8, -170.5, 0, 12.3456), new(3, 3, 1, 2, 3, 0, 180, 0), new(4, 7, 5, 5, 5, 1, 2, 3),
    });

    const string Comment = "<!-- DeepFinder object list; x y z in voxels (0-based); ZXZ (phi, the, psi) in degrees, as TOM/PyTom/DeepFinder: the particle is its reference rotated by R = Rz(psi)·Rx(the)·Rz(phi) (active, right-handed, about the volume's x, y, z axes; phi applied first) -->";

    const string StarHeader = "# FakET.PowerShell particle list: coordinates in voxels (0-based); angles in RELION's ZYZ convention,\n" +
                              "# Euler_angles2matrix(rot, tilt, psi) = transpose of the rotation that turns the reference into the particle.\n\n" +
                              "data_particles\n\nloop_\n";

    [Fact]
    public void OneTomogramWithoutNamesIsWrittenAsBefore()
    {
        var list = ParticleList.Of(Fixed());
        Assert.Equal("id,class,class_name,x,y,z,phi,the,psi\n" +
                     "1,1,ribosome,10,20.5,3.25,30,45,60\n" +
                     "2,2,\"a,b \"\"c\"\"\",0.123,7,8,-170.5,0,12.346\n" +
                     "3,3,gold,1,2,3,0,180,0\n" +
                     "4,7,,5,5,5,1,2,3\n", ParticleLists.Format(list, ParticleListFormat.Csv));
        Assert.Equal("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<objlist>\n  " + Comment + "\n" +
                     "  <object tomo_idx=\"5\" obj_id=\"1\" class_label=\"1\" x=\"10.000\" y=\"20.500\" z=\"3.250\" phi=\"30.000\" psi=\"60.000\" the=\"45.000\" />\n" +
                     "  <object tomo_idx=\"5\" obj_id=\"2\" class_label=\"2\" x=\"0.123\" y=\"7.000\" z=\"8.000\" phi=\"-170.500\" psi=\"12.346\" the=\"0.000\" />\n" +
                     "  <object tomo_idx=\"5\" obj_id=\"3\" class_label=\"3\" x=\"1.000\" y=\"2.000\" z=\"3.000\" phi=\"0.000\" psi=\"0.000\" the=\"180.000\" />\n" +
                     "  <object tomo_idx=\"5\" obj_id=\"4\" class_label=\"7\" x=\"5.000\" y=\"5.000\" z=\"5.000\" phi=\"1.000\" psi=\"3.000\" the=\"2.000\" />\n" +
                     "</objlist>\n", ParticleLists.Format(ParticleList.Of(Fixed(), tomogramIndex: 5), ParticleListFormat.DeepFinderXml).Replace("\r\n", "\n"));
        Assert.Contains("<object tomo_idx=\"0\" obj_id=\"1\"", ParticleLists.Format(list, ParticleListFormat.DeepFinderXml));
        const string rows = "    10.000     20.500      3.250    -30.000     45.000    120.000    1\n" +
                            "     0.123      7.000      8.000    -90.000      0.000    -68.154    2\n" +
                            "     1.000      2.000      3.000    -90.000    180.000     90.000    3\n" +
                            "     5.000      5.000      5.000    -87.000      2.000     91.000    7\n";
        Assert.Equal(StarHeader + "_rlnCoordinateX #1\n_rlnCoordinateY #2\n_rlnCoordinateZ #3\n_rlnAngleRot #4\n_rlnAngleTilt #5\n_rlnAnglePsi #6\n_rlnClassNumber #7\n" +
                     rows + "\n", ParticleLists.Format(list, ParticleListFormat.Star));
        Assert.Equal(StarHeader + "_rlnTomoName #1\n_rlnCoordinateX #2\n_rlnCoordinateY #3\n_rlnCoordinateZ #4\n_rlnAngleRot #5\n_rlnAngleTilt #6\n_rlnAnglePsi #7\n_rlnClassNumber #8\n" +
                     string.Concat(rows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => "\"TS 01\" " + r + "\n")) + "\n",
            ParticleLists.Format(ParticleList.Of(Fixed(), "TS 01"), ParticleListFormat.Star));
    }

    // ---- Round trips of the formats we write, with entries of several tomograms ----

    static ParticleList Several() => ParticleList.Combine(new[]
    {
        ParticleList.Of(Fixed(), "TS_01", 0),
        ParticleList.Of(new SampleLabels((int[][]?)null, null, new[] { "gold", "proteasome" }, new Particle[]
        {
            new(1, 2, 63.5, 0, 12, 170, 90, -45, Clipped: true), new(2, 1, 1.25, 2.5, 3.75, 0, 0, 0),
        }), "TS 02", 1),
    });

    [Fact]
    public void SeveralTomogramsShareOneClassTable()
    {
        var list = Several();
        Assert.Equal(new[] { "ribosome", "a,b \"c\"", "gold", "proteasome" }, list.ClassNames);
        // The second tomogram's gold (its class 1) is class 3 of the union, its proteasome (2) class 4; class 7 has no name and keeps its number.
        Assert.Equal(new int?[] { 1, 2, 3, 7, 4, 3 }, list.Entries.Select(e => e.ClassNumber));
        Assert.Equal(new[] { "ribosome", "a,b \"c\"", "gold", "7", "proteasome", "gold" }, list.Entries.Select(e => e.Class));
    }

    static void AssertSamePlaces(IReadOnlyList<ParticleEntry> expected, IReadOnlyList<ParticleEntry> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].X, actual[i].X, 3);
            Assert.Equal(expected[i].Y, actual[i].Y, 3);
            Assert.Equal(expected[i].Z, actual[i].Z, 3);
            AssertSameRotation(expected[i].Rotation(), actual[i].Rotation(), 1e-4);
        }
    }

    [Fact]
    public void CsvRoundTrips()
    {
        var list = Several();
        string text = ParticleLists.Format(list, ParticleListFormat.Csv);
        Assert.StartsWith("id,class,class_name,x,y,z,phi,the,psi,tomogram,clipped\n", text);
        var read = Read("p.csv", text);
        AssertSamePlaces(list.Entries, read);
        Assert.Equal(list.Entries.Select(e => (e.Class, e.ClassNumber, e.Id, e.Tomogram, e.Clipped)),
            read.Select(e => (e.Class, e.ClassNumber, e.Id, e.Tomogram, e.Clipped)));
        // Our own reader goes by names: other column orders, extra columns and CRLF line ends read the same.
        var shuffled = Read("q.csv", "x,extra,y,z,class_name,class\r\n1.5,\"a, b\",2,3,ribosome,1\r\n4,,5,6,,2\r\n");
        Assert.Equal(new[] { ("ribosome", (int?)1, 1.5), ("2", 2, 4) }, shuffled.Select(e => (e.Class, e.ClassNumber, e.X)));
        Assert.All(shuffled, e => Assert.Equal((0.0, 0.0, 0.0, (int?)null, (string?)null, false), (e.Phi, e.The, e.Psi, e.Id, e.Tomogram, e.Clipped)));
    }

    [Fact]
    public void DeepFinderXmlRoundTrips()
    {
        var list = Several();
        var read = Read("objl.xml", ParticleLists.Format(list, ParticleListFormat.DeepFinderXml));
        AssertSamePlaces(list.Entries, read);
        // DeepFinder gives numbers only: the class is class_label as text.
        Assert.Equal(list.Entries.Select(e => (e.ClassNumber!.Value.ToString(), e.ClassNumber, e.Id, e.TomogramIndex)),
            read.Select(e => (e.Class, e.ClassNumber, e.Id, e.TomogramIndex)));
        // Without obj_id and angles, as DeepFinder's own clustering writes them, with cluster_size as the score.
        var bare = Read("bare.xml", "<objlist><object tomo_idx=\"2\" class_label=\"13\" x=\"1\" y=\"2\" z=\"3\" cluster_size=\"40\"/></objlist>");
        Assert.Equal(("13", (int?)13, (int?)null, (int?)2, (double?)40, 0.0), (bare[0].Class, bare[0].ClassNumber, bare[0].Id, bare[0].TomogramIndex, bare[0].Score, bare[0].Phi));
    }

    [Fact]
    public void StarRoundTrips()
    {
        var list = Several();
        var read = Read("particles.star", ParticleLists.Format(list, ParticleListFormat.Star));
        AssertSamePlaces(list.Entries, read);
        Assert.Equal(list.Entries.Select(e => (e.ClassNumber!.Value.ToString(), e.ClassNumber, e.Tomogram)),
            read.Select(e => (e.Class, e.ClassNumber, e.Tomogram)));
    }

    [Fact]
    public void FormatsFollowTheExtensionAndOnlyFourAreWritten()
    {
        Assert.Equal(new ParticleListFormat?[] { ParticleListFormat.Csv, ParticleListFormat.DeepFinderXml, ParticleListFormat.Star, ParticleListFormat.Shrec, ParticleListFormat.Copick, null },
            new[] { "a.CSV", "b.xml", "c.star", "particle_locations.txt", "picks.json", "d.dat" }.Select(ParticleLists.FormatOf));
        foreach (var format in new[] { ParticleListFormat.Shrec, ParticleListFormat.Copick })
            Assert.Equal(ErrorIds.ParticleListFormatNotWritable, Assert.Throws<FakETException>(() => ParticleLists.Format(Several(), format)).ErrorId);
        // RELION 5's centred Å need each tomogram's size and voxel size.
        Assert.Equal(ErrorIds.ParticleListGeometryMissing, Assert.Throws<FakETException>(() => ParticleLists.Format(Several(), ParticleListFormat.Relion5)).ErrorId);
        Assert.Equal(ErrorIds.ParticleListFormatUnknown, Fails("p.dat", "x").ErrorId);
    }

    // ---- Hand-written files of other programs; the expected voxels are worked out in the comments ----

    [Fact]
    public void Relion3And4FilesAreInVoxels()
    {
        // RELION 3.0: one data block, no optics; _rlnOriginX/Y/Z in pixels are subtracted.
        var v30 = Read("v30.star", "data_\n\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n_rlnCoordinateZ #3\n_rlnOriginX #4\n_rlnOriginY #5\n_rlnOriginZ #6\n" +
                                   "  100.0  200.0  50.0  2.0  -1.0  0.5\n");
        Assert.Equal((98.0, 201.0, 49.5, StarParticles.UnnamedClass, (int?)null), (v30[0].X, v30[0].Y, v30[0].Z, v30[0].Class, v30[0].ClassNumber));
        // RELION 4: optics and particles; an origin in Å is divided by the optics group's tilt-series pixel size (2.5 Å).
        var v4 = Read("v4.star", "# version 40000\n\ndata_optics\n\nloop_\n_rlnOpticsGroup #1\n_rlnOpticsGroupName #2\n_rlnTomoTiltSeriesPixelSize #3\n1 optics1 2.5\n\n" +
                                 "data_particles\n\nloop_\n_rlnTomoName #1\n_rlnCoordinateX #2\n_rlnCoordinateY #3\n_rlnCoordinateZ #4\n_rlnAngleRot #5\n_rlnAngleTilt #6\n" +
                                 "_rlnAnglePsi #7\n_rlnClassNumber #8\n_rlnOpticsGroup #9\n_rlnOriginXAngst #10\n_rlnOriginYAngst #11\n_rlnOriginZAngst #12\n" +
                                 "TS_01 10 20 30 30 90 -60 2 1 5 0 -2.5\n'TS 02' 1.5 2.5 3.5 0 0 0 1 1 0 0 0\n");
        // (10, 20, 30) − (5, 0, −2.5) / 2.5 = (8, 20, 31).
        Assert.Equal((8.0, 20.0, 31.0, "2", (int?)2, "TS_01"), (v4[0].X, v4[0].Y, v4[0].Z, v4[0].Class, v4[0].ClassNumber, v4[0].Tomogram));
        Assert.Equal((1.5, 2.5, 3.5, "TS 02"), (v4[1].X, v4[1].Y, v4[1].Z, v4[1].Tomogram));
        // RELION's R = Rz(rot)·Ry(tilt)·Rz(psi); Ry(t) = Rz(90°)·Rx(t)·Rz(−90°), so (30, 90, −60) is ZXZ (phi −150, the 90, psi 120).
        AssertSameRotation(Zxz(-150, 90, 120), v4[0].Rotation(), 1e-9);
        AssertSameRotation(Zxz(0, 0, 0), v4[1].Rotation(), 1e-9);
        // An origin in Å with no pixel size anywhere needs -VoxelSize.
        string noOptics = "data_particles\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n_rlnCoordinateZ\n_rlnOriginXAngst\n_rlnOriginYAngst\n_rlnOriginZAngst\n10 10 10 4 0 0\n";
        Assert.Equal(ErrorIds.ParticleListGeometryMissing, Fails("o.star", noOptics).ErrorId);
        Assert.Equal(8.0, Read("o.star", noOptics, options: new ParticleReadOptions { VoxelSize = 2 })[0].X);
    }

    /// <summary>A RELION 5 particles.star fragment, as relion_tomo writes it (data_general, data_optics, data_particles).</summary>
    internal const string Relion5 = """
        # version 50001

        data_general

        _rlnTomoSubTomosAre2DStacks                       1

        data_optics

        loop_
        _rlnOpticsGroup #1
        _rlnOpticsGroupName #2
        _rlnSphericalAberration #3
        _rlnVoltage #4
        _rlnTomoTiltSeriesPixelSize #5
        _rlnAmplitudeContrast #6
                   1     optics1     2.700000   300.000000     1.350000     0.100000

        data_particles

        loop_
        _rlnTomoName #1
        _rlnTomoParticleName #2
        _rlnCenteredCoordinateXAngst #3
        _rlnCenteredCoordinateYAngst #4
        _rlnCenteredCoordinateZAngst #5
        _rlnAngleRot #6
        _rlnAngleTilt #7
        _rlnAnglePsi #8
        _rlnClassNumber #9
        _rlnOpticsGroup #10
        _rlnOriginXAngst #11
        _rlnOriginYAngst #12
        _rlnOriginZAngst #13
        TS_01    TS_01/1   -135.000000   270.000000     0.000000    30.000000    90.000000   -60.000000    1    1   0.0   0.0  0.0
        TS_01    TS_01/2    675.000000  -540.000000  -337.500000     0.000000     0.000000     0.000000    2    1   0.0   0.0  0.0
        TS_02    TS_02/1      0.000000     0.000000     0.000000     0.000000     0.000000     0.000000    1    1  27.0 -13.5  0.0

        """;

    [Fact]
    public void Relion5CentredAngstromsBecomeVoxels()
    {
        // A tomogram of 201 × 100 × 51 voxels of 13.5 Å: RELION 5's centre is size / 2 = (100.5, 50, 25.5), a float division.
        var options = new ParticleReadOptions { VoxelSize = 13.5, TomogramSize = (201, 100, 51) };
        foreach (var format in new ParticleListFormat?[] { null, ParticleListFormat.Relion5 }) // by its columns from .star, or by -Format
        {
            var read = Read("run_data.star", Relion5, format, options);
            // (−135, 270, 0) Å / 13.5 = (−10, 20, 0) voxels from the centre: (90.5, 70, 25.5).
            Assert.Equal((90.5, 70.0, 25.5, "1", "TS_01"), (read[0].X, read[0].Y, read[0].Z, read[0].Class, read[0].Tomogram));
            // (675, −540, −337.5) / 13.5 = (50, −40, −25): (150.5, 10, 0.5).
            Assert.Equal((150.5, 10.0, 0.5, (int?)2), (read[1].X, read[1].Y, read[1].Z, read[1].ClassNumber));
            // The origin shift (27, −13.5, 0) Å is subtracted first: (−2, 1, 0) voxels from the centre, (98.5, 51, 25.5).
            Assert.Equal((98.5, 51.0, 25.5, "TS_02"), (read[2].X, read[2].Y, read[2].Z, read[2].Tomogram));
            AssertSameRotation(Zxz(-150, 90, 120), read[0].Rotation(), 1e-9);
        }
        var both = Fails("run_data.star", Relion5);
        Assert.Equal(ErrorIds.ParticleListGeometryMissing, both.ErrorId);
        Assert.Contains("-VoxelSize", both.Message);
        Assert.Contains("-TomogramSize", both.Message);
        var size = Fails("run_data.star", Relion5, options: new ParticleReadOptions { VoxelSize = 13.5 });
        Assert.DoesNotContain("-VoxelSize", size.Message);
        Assert.Contains("-TomogramSize", size.Message);
        // A RELION 3/4 file read as Relion5 lacks the centred columns.
        AssertParseError("v4.star", "data_particles\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n_rlnCoordinateZ\n1 2 3\n", "line 2", ParticleListFormat.Relion5);
    }

    [Fact]
    public void Relion5SubtomogramFramesComposeWithTheParticles()
    {
        // RELION places a particle at its coordinate minus A_subtomogram·origin and orients it by A_subtomogram·A_particle,
        // A = Euler_angles2matrix = Rᵀ. Subtomogram angles (90, 0, 0): R_sub = Rz(90), so A_sub·(10, 0, 0) = (0, −10, 0).
        string text = "data_particles\nloop_\n_rlnCenteredCoordinateXAngst\n_rlnCenteredCoordinateYAngst\n_rlnCenteredCoordinateZAngst\n" +
                      "_rlnTomoSubtomogramRot\n_rlnTomoSubtomogramTilt\n_rlnTomoSubtomogramPsi\n_rlnAngleRot\n_rlnAngleTilt\n_rlnAnglePsi\n" +
                      "_rlnOriginXAngst\n_rlnOriginYAngst\n_rlnOriginZAngst\n0 0 0 90 0 0 0 90 0 10 0 0\n";
        var e = Read("sub.star", text, options: new ParticleReadOptions { VoxelSize = 10, TomogramSize = (10, 10, 10) })[0];
        Assert.Equal((5.0, 6.0, 5.0), (Math.Round(e.X, 9), Math.Round(e.Y, 9), Math.Round(e.Z, 9)));
        // R = (A_sub·A_part)ᵀ = R_part·R_sub = Ry(90)·Rz(90).
        AssertSameRotation(Product(Relion(0, 90, 0), Relion(90, 0, 0)), e.Rotation(), 1e-9);
    }

    static double[,] Product(double[,] a, double[,] b) => FakET.Phantom.Rotations.Multiply(a, b);

    /// <summary>A SHREC'21 particle_locations.txt fragment (PDB id, x, y, z, three angles; fiducials without angles), with
    /// a blank line and a prediction in lower case as submissions have them.</summary>
    internal const string Shrec = "4V94 114 298 120 44.3 182.1 266.9\nfiducial 20 30 40 NaN NaN NaN\n\n1bxn 10.6 20.4 30.5\n";

    [Fact]
    public void ShrecTextIsVoxelsWithItsClassNamesAsWritten()
    {
        var read = Read("particle_locations.txt", Shrec);
        Assert.Equal(new[] { ("4V94", 114.0, 298.0, 120.0, (int?)1), ("fiducial", 20, 30, 40, 2), ("1bxn", 10.6, 20.4, 30.5, 3) },
            read.Select(e => (e.Class, e.X, e.Y, e.Z, e.Id)));
        // rot1 rot2 rot3 turn the particle by Rz(rot1)·Rx(rot2)·Rz(rot3) (PyTom's simulator through voltools 'szxz'):
        // ZXZ phi = rot3, the = rot2, psi = rot1.
        AssertSameRotation(Zxz(266.9, 182.1, 44.3), read[0].Rotation(), 1e-9);
        AssertSameRotation(Zxz(0, 0, 0), read[1].Rotation(), 1e-9); // NaN angles: no orientation
        AssertSameRotation(Zxz(0, 0, 0), read[2].Rotation(), 1e-9);
        Assert.All(read, e => Assert.Null(e.ClassNumber));
    }

    internal const string Copick = """
        {
          "pickable_object_name": "ribosome",
          "user_id": "deepfinder",
          "session_id": "0",
          "run_name": "TS_5_4",
          "voxel_spacing": 10.012,
          "unit": "angstrom",
          "points": [
            {
              "location": { "x": 1001.2, "y": 500.6, "z": 2002.4 },
              "transformation_": [[0.0, 1.0, 0.0, 0.0], [-1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]],
              "instance_id": 4,
              "score": 0.9
            },
            {
              "location": { "x": 0.0, "y": 10.012, "z": 20.024 },
              "transformation_": [[1.0, 0.0, 0.0, 10.012], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
            }
          ],
          "trust_orientation": true
        }
        """;

    [Fact]
    public void CopickPicksAreAngstromsOverTheVoxelSpacing()
    {
        var read = Read("ribosome.json", Copick);
        // (1001.2, 500.6, 2002.4) Å / 10.012 Å = (100, 50, 200).
        Assert.Equal((100.0, 50.0, 200.0), (Math.Round(read[0].X, 9), Math.Round(read[0].Y, 9), Math.Round(read[0].Z, 9)));
        Assert.Equal(("ribosome", (int?)null, "TS_5_4", (int?)4, (double?)0.9), (read[0].Class, read[0].ClassNumber, read[0].Tomogram, read[0].Id, read[0].Score));
        // The rotation part M is RELION's matrix (copick writes RELION angles as from_matrix(M).inv()): R = Mᵀ = Rz(90°).
        AssertSameRotation(Zxz(90, 0, 0), read[0].Rotation(), 1e-9);
        // The translation (10.012 Å along x) is part of the centre: (0 + 10.012, 10.012, 20.024) / 10.012 = (1, 1, 2).
        Assert.Equal((1.0, 1.0, 2.0), (Math.Round(read[1].X, 9), Math.Round(read[1].Y, 9), Math.Round(read[1].Z, 9)));
        Assert.Null(read[1].Id);
        // Without voxel_spacing the caller's voxel size serves, else it is a named error.
        string bare = Copick.Replace("\"voxel_spacing\": 10.012,", "");
        Assert.Equal(ErrorIds.ParticleListGeometryMissing, Fails("bare.json", bare).ErrorId);
        Assert.Equal(200.0, Read("bare.json", bare, options: new ParticleReadOptions { VoxelSize = 5.006 })[0].X, 9);
        // Orientations not trusted are left out.
        AssertSameRotation(Zxz(0, 0, 0), Read("untrusted.json", Copick.Replace("\"trust_orientation\": true", "\"trust_orientation\": false"))[0].Rotation());
    }

    // ---- Malformed input: the named error, with the file and the line ----

    [Fact]
    public void MalformedCsvNamesTheLine()
    {
        AssertParseError("a.csv", "id,class,y,z\n1,1,2,3\n", "line 1");                     // no x column
        AssertParseError("b.csv", "x,y,z,class\n1,2,3,1\n\n4,5,6\n", "line 4");               // a field short, after a blank line
        AssertParseError("c.csv", "x,y,z,class\n1,2,3,1\n1,two,3,1\n", "line 3");              // not a number
        AssertParseError("d.csv", "x,y,z,class_name\n1,2,3,\"open\n4,5,6,x\n", "line 2");      // a quote never closed
        AssertParseError("e.csv", "x,y,z,class,clipped\n1,2,3,1,maybe\n", "line 2");
        AssertParseError("f.csv", "x,y,z,class,class_name\n1,2,3,,\n", "line 2");               // no class at all
        AssertParseError("g.csv", "", "line 1");
        // A quoted name over two lines is one record: the next record's line is still right.
        AssertParseError("h.csv", "x,y,z,class_name\n1,2,3,\"two\nlines\"\n1,2,x,a\n", "line 4");
    }

    [Fact]
    public void MalformedXmlNamesTheLine()
    {
        AssertParseError("a.xml", "<objlist>\n  <object class_label=\"1\" x=\"1\" y=\"2\" z=\"3\">\n</objlist>\n", "line 3");   // not well-formed
        AssertParseError("b.xml", "<objlist>\n  <object class_label=\"1\" x=\"1\" y=\"2\" z=\"3\"/>\n  <object x=\"1\" y=\"2\" z=\"3\"/>\n</objlist>", "line 3");
        AssertParseError("c.xml", "<objlist>\n\n  <object class_label=\"1\" x=\"one\" y=\"2\" z=\"3\"/>\n</objlist>", "line 3");
        AssertParseError("d.xml", "<objlist>\n  <object class_label=\"1.5\" x=\"1\" y=\"2\" z=\"3\"/>\n</objlist>", "line 2");
        AssertParseError("e.xml", "<objlist>\n  <object class_label=\"1\" x=\"1\" y=\"2\" z=\"3\" phi=\"10\"/>\n</objlist>", "line 2");
    }

    [Fact]
    public void MalformedStarNamesTheLine()
    {
        const string head = "data_particles\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n_rlnCoordinateZ #3\n";
        AssertParseError("a.star", head + "1 2 3\n4 5\n", "line 7");                                   // a value short
        AssertParseError("b.star", head + "1 2 3\n4 five 6\n", "line 7");                               // not a number
        AssertParseError("c.star", "data_particles\n\n1 2 3\n", "line 3");                             // values outside a loop
        AssertParseError("d.star", "_rlnCoordinateX 1\ndata_particles\n", "line 1");                    // before any block
        AssertParseError("e.star", head + "\"TS 01 2 3\n", "line 6");                                  // a quote never closed
        AssertParseError("f.star", "\n\ndata_particles\nloop_\n_rlnAngleRot\n10\n", "line 3");        // no coordinates
        AssertParseError("g.star", head.Replace("_rlnCoordinateZ #3\n", "_rlnCoordinateZ #3\n_rlnClassNumber #4\n") + "1 2 3 one\n", "line 7");
        AssertParseError("h.star", "data_optics\n_rlnVoltage\n", "line 2");                            // an item without its value
    }

    [Fact]
    public void MalformedShrecAndCopickNameTheLineOrPoint()
    {
        AssertParseError("a.txt", "4V94 1 2 3\n\n5MRC 1 2\n", "line 3");
        AssertParseError("b.txt", "4V94 1 2 3\n5MRC 1 2 three\n", "line 2");
        AssertParseError("c.txt", "4V94 1 2 3 10 20 up\n", "line 1");
        AssertParseError("a.json", "{\n  \"pickable_object_name\": \"r\",\n  \"points\": [\n    {\"location\": }\n  ]\n}", "line 4");
        AssertParseError("b.json", Copick.Replace("\"location\": { \"x\": 0.0,", "\"place\": { \"x\": 0.0,"), "points[1]");
        AssertParseError("c.json", Copick.Replace("\"x\": 1001.2", "\"x\": \"far\""), "points[0]");
        AssertParseError("d.json", Copick.Replace("[0.0, 0.0, 0.0, 1.0]],\n      \"instance_id\"", "[0.0, 0.0, 0.0]],\n      \"instance_id\""), "points[0]");
        AssertParseError("e.json", Copick.Replace("\"pickable_object_name\": \"ribosome\",", ""), "the top level");
        AssertParseError("f.json", Copick.Replace("\"unit\": \"angstrom\"", "\"unit\": \"pixel\""), "unit");
    }
}

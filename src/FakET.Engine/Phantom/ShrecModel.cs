using System.Globalization;
using System.Text;
using FakET.IO;

namespace FakET.Phantom;

/// <summary>
/// A labelled volume's ground truth in SHREC'21's layout (a model_N folder): <c>grandmodel.mrc</c> (the volume),
/// <c>class_mask.mrc</c> (0 background, k for class k), <c>occupancy_mask.mrc</c> (each voxel the 1-based line number of
/// its particle in <c>particle_locations.txt</c>, 0 background) and <c>particle_locations.txt</c> (one line per particle,
/// <c>CLASS x y z rot1 rot2 rot3</c>); with projections also <c>projections_unbinned.mrc</c>, <c>alignment_simulated.txt</c>
/// and <c>grandmodel_unbinned.mrc</c>, the files examples/reproduce-shrec.ps1 reads. Masks are float32 MRC (the
/// evaluation script reads them with mrcfile and takes <c>int()</c> of a voxel).
/// <para>How SHREC's evaluation script (misc/eval.py; the FakET authors' faket/shrec2021/eval.py) reads these: each line
/// of particle_locations.txt split on white space, the first four fields as <c>pdb, int(x), int(y), int(z)</c> (so the
/// centres are written as whole voxel indices, 0-based, and no comment line may stand in the file); a pick hits the
/// particle whose line number the occupancy mask, dilated by the 3-D cross of six neighbours, holds at the pick's voxel.
/// The listed centre voxel is therefore always its particle's in the occupancy mask (set there when the mask,
/// resampled for a tomogram, missed it), so the listed centres picked as they are score F1 = 1. The script knows only
/// SHREC's class names (<see cref="ShrecClasses"/>) and fails on others. Vesicles are in the class mask only, as
/// <c>membrane</c>, and are not listed: their centre is hollow.</para>
/// </summary>
public static class ShrecModel
{
    /// <summary>The class names SHREC'21's evaluation script knows (its <c>classes</c> list, background left out).</summary>
    public static IReadOnlyList<string> ShrecClasses { get; } = new[]
    {
        "4V94", "4CR2", "1QVR", "1BXN", "3CF3", "1U6G", "3D2F", "2CG9", "3H84", "3GL1", "3QM1", "1S3X", "5MRC", "vesicle", "fiducial",
    };

    /// <summary>How particle_locations.txt gives orientations.</summary>
    public const string EulerConvention =
        "rot1 rot2 rot3 in degrees, as PyTom's SHREC simulator writes them: the particle is its reference turned by " +
        "Rz(rot1)·Rx(rot2)·Rz(rot3) (rot3 about z first; active, right-handed, about the volume's x, y, z axes), that is " +
        "ZXZ phi = rot3, the = rot2, psi = rot1";

    /// <summary>The files a model folder gets, without and with projections.</summary>
    public static IReadOnlyList<string> FileNames(bool withProjections) => withProjections
        ? new[] { "grandmodel.mrc", "class_mask.mrc", "occupancy_mask.mrc", "particle_locations.txt", "projections_unbinned.mrc", TiltAngleFile.ShrecAlignmentName, "grandmodel_unbinned.mrc" }
        : new[] { "grandmodel.mrc", "class_mask.mrc", "occupancy_mask.mrc", "particle_locations.txt" };

    /// <summary>What was written: the particles listed, the class names SHREC's script would not know, and the listed
    /// centres whose occupancy voxel had to be set (a resampled mask missed them).</summary>
    public sealed record Written(int Particles, IReadOnlyList<string> UnknownClasses, int CentresSet, int CentresOfOthers);

    /// <summary>Writes the model folder (created if missing) as one atomic set of files.</summary>
    /// <param name="projections">The volume's tilt series, for projections_unbinned.mrc and alignment_simulated.txt; or null.</param>
    /// <param name="progress">(sections written, total) on the calling thread.</param>
    public static Written Write(Volume volume, string folder, TiltSeries? projections = null, CancellationToken cancel = default,
        Action<int, int>? progress = null)
    {
        var labels = LabelFiles.LabelsOf(volume);
        var classMask = labels.ClassMask ?? throw Missing("class");
        var instanceMask = labels.InstanceMask ?? throw Missing("instance");
        if (projections is not null && projections.TiltAngles is null)
            throw new FakETException(ErrorIds.TiltAnglesUnknown, FailureKind.InvalidArgument,
                "The projections have no tilt angles, so alignment_simulated.txt cannot be written: give them their angles first.");
        int nz = volume.Depth, ny = volume.Height, nx = volume.Width;
        var particles = (labels.Particles ?? Array.Empty<Particle>()).OrderBy(p => p.Id).ToList();
        var line = new Dictionary<int, int>();
        for (int i = 0; i < particles.Count; i++) line[particles[i].Id] = i + 1;

        var classes = new float[nz][];
        var occupancy = new float[nz][];
        for (int z = 0; z < nz; z++)
        {
            cancel.ThrowIfCancellationRequested();
            classes[z] = Array.ConvertAll(classMask[z], v => (float)v);
            var ids = instanceMask[z];
            var row = occupancy[z] = new float[ids.Length];
            for (int i = 0; i < ids.Length; i++)
                if (ids[i] != 0 && line.TryGetValue(ids[i], out int n)) row[i] = n;
        }
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        int set = 0, others = 0;
        for (int i = 0; i < particles.Count; i++)
        {
            var p = particles[i];
            int x = Voxel(p.X, nx), y = Voxel(p.Y, ny), z = Voxel(p.Z, nz);
            ref float at = ref occupancy[z][y * nx + x];
            if (at == 0) { at = i + 1; set++; }
            else if (at != i + 1) others++;
            string name = labels.ClassName(p.Class);
            text.Append(c, $"{name} {x} {y} {z} {Angle(p.Psi)} {Angle(p.The)} {Angle(p.Phi)}\n");
        }

        var known = new HashSet<string>(ShrecClasses, StringComparer.Ordinal);
        var unknown = particles.Select(p => labels.ClassName(p.Class)).Distinct().Where(n => !known.Contains(n)).ToList();
        var names = string.Join(" ", labels.ClassNames.Select((n, i) => $"{i + 1}={n}"));
        var history = StackFiles.Labels(volume);
        int total = 3 * nz + (projections is null ? 0 : projections.Count + nz), done = 0;
        Action<int, int>? step = progress is null ? null : (_, _) => progress(++done, total);
        using var files = new AtomicFileSet(cancel);
        void Mrc(string name, IReadOnlyList<float[]> sections, string first) =>
            MrcFile.Write(files, Path.Combine(folder, name), sections, ny, nx, volume.VoxelSize,
                new MrcFile.WriteOptions(MrcMode.Float32, true, history.Take(9).Prepend(first).ToList()), step);
        Mrc("grandmodel.mrc", volume.Sections, $"grandmodel: {volume.LastStep}");
        Mrc("class_mask.mrc", classes, "class mask: " + names);
        Mrc("occupancy_mask.mrc", occupancy, $"occupancy mask: {particles.Count} particles, voxel = line of particle_locations.txt");
        files.WriteAllText(Path.Combine(folder, "particle_locations.txt"), text.ToString());
        if (projections is not null)
        {
            MrcFile.Write(files, Path.Combine(folder, "projections_unbinned.mrc"), projections.Sections, projections.Height, projections.Width,
                projections.PixelSize, new MrcFile.WriteOptions(MrcMode.Float32, false, StackFiles.Labels(projections)), step);
            files.WriteAllText(Path.Combine(folder, TiltAngleFile.ShrecAlignmentName), Alignment(projections.TiltAngles!));
            Mrc("grandmodel_unbinned.mrc", volume.Sections, $"grandmodel: {volume.LastStep}");
        }
        files.Commit();
        return new Written(particles.Count, unknown, set, others);

        static FakETException Missing(string kind) => new(ErrorIds.LabelsMissing, FailureKind.InvalidArgument, $"The volume's labels hold no {kind} mask.");
    }

    /// <summary>PyTom's alignment table as SHREC'21 ships it beside each model's projections: comment lines, then one row
    /// per tilt whose third column is its angle (no shifts, no in-plane rotation, magnification 1).</summary>
    static string Alignment(IReadOnlyList<double> angles)
    {
        var text = new StringBuilder("# AlignmentTransX AlignmentTransY TiltAngle InPlaneRotation Magnification\n");
        foreach (var a in angles) text.Append(CultureInfo.InvariantCulture, $"0.0000 0.0000 {a:0.0000} 0.0000 1.0000\n");
        return text.ToString();
    }

    /// <summary>The voxel a centre lies in (rounded), inside the volume.</summary>
    static int Voxel(double v, int n) => Math.Clamp((int)Math.Round(v, MidpointRounding.ToEven), 0, n - 1);

    /// <summary>An angle in [0, 360), as SHREC's files give them.</summary>
    static string Angle(double degrees)
    {
        double a = degrees % 360;
        if (a < 0) a += 360;
        if (a >= 359.9995) a = 0;
        return a.ToString("0.000", CultureInfo.InvariantCulture);
    }
}

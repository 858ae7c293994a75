using System.Globalization;
using System.Text;
using System.Xml;
using FakET.IO;

namespace FakET.Phantom;

/// <summary>File formats for a particle table.</summary>
public enum ParticleListFormat
{
    /// <summary>Comma-separated: id, class, class name, x, y, z, and the ZXZ angles phi, the, psi.</summary>
    Csv,
    /// <summary>DeepFinder's XML object list: &lt;objlist&gt;&lt;object tomo_idx obj_id class_label x y z phi psi the/&gt;…</summary>
    DeepFinderXml,
    /// <summary>RELION STAR: a data_particles block with one loop_ (coordinates, rot/tilt/psi, class number).</summary>
    Star,
}

/// <summary>Which label volume to write.</summary>
public enum LabelMaskKind { Class, Instance }

/// <summary>Writes a sample's labels: its particle table (CSV, DeepFinder XML, RELION STAR) and its masks (MRC).</summary>
public static class LabelFiles
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The labels of <paramref name="volume"/>, or a named error when it has none.</summary>
    public static SampleLabels LabelsOf(Volume volume) => volume.Labels ?? throw new FakETException(ErrorIds.LabelsMissing,
        FailureKind.InvalidArgument, "The volume has no labels. Labels come with volumes made by New-Phantom.");

    /// <summary>The format a file name implies: .csv, .xml, .star; <c>null</c> otherwise.</summary>
    public static ParticleListFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => ParticleListFormat.Csv,
        ".xml" => ParticleListFormat.DeepFinderXml,
        ".star" => ParticleListFormat.Star,
        _ => null,
    };

    /// <summary>The particle table as text in <paramref name="format"/>.</summary>
    /// <param name="tomogramIndex">DeepFinder's tomo_idx.</param>
    /// <param name="tomogramName">RELION's _rlnTomoName column, when given.</param>
    public static string Format(SampleLabels labels, ParticleListFormat format, int tomogramIndex = 0, string? tomogramName = null)
    {
        var particles = labels.Particles ?? Array.Empty<Particle>();
        return format switch
        {
            ParticleListFormat.Csv => Csv(labels, particles),
            ParticleListFormat.DeepFinderXml => DeepFinderXml(particles, tomogramIndex),
            _ => Star(particles, tomogramName),
        };
    }

    /// <summary>Writes the particle table atomically.</summary>
    public static void WriteParticleList(SampleLabels labels, string path, ParticleListFormat format, int tomogramIndex = 0,
        string? tomogramName = null, CancellationToken cancel = default) =>
        AtomicFile.WriteAllText(path, Format(labels, format, tomogramIndex, tomogramName), cancel);

    /// <summary>Writes the class or instance mask as an MRC volume (mode 2, integral values) atomically.</summary>
    public static void WriteMask(Volume volume, LabelMaskKind kind, string path, CancellationToken cancel = default,
        Action<int, int>? progress = null)
    {
        var labels = LabelsOf(volume);
        var mask = (kind == LabelMaskKind.Class ? labels.ClassMask : labels.InstanceMask) ?? throw new FakETException(
            ErrorIds.LabelsMissing, FailureKind.InvalidArgument, $"The volume's labels hold no {kind.ToString().ToLowerInvariant()} mask.");
        var sections = new float[mask.Length][];
        for (int z = 0; z < mask.Length; z++) sections[z] = Array.ConvertAll(mask[z], v => (float)v);
        string what = kind == LabelMaskKind.Class
            ? "class mask: " + string.Join(" ", labels.ClassNames.Select((n, i) => $"{i + 1}={n}"))
            : $"instance mask: {labels.Particles?.Count ?? 0} particles, 0 = background";
        var options = new MrcFile.WriteOptions(MrcMode.Float32, IsVolume: true, StackFiles.Labels(volume).Take(9).Prepend(what).ToList());
        MrcFile.Write(path, sections, volume.Height, volume.Width, volume.VoxelSize, options, cancel, progress);
    }

    static string N(double value) => value.ToString("0.###", Invariant);

    static string Csv(SampleLabels labels, IReadOnlyList<Particle> particles)
    {
        var text = new StringBuilder("id,class,class_name,x,y,z,phi,the,psi\n");
        foreach (var p in particles)
        {
            string name = p.Class >= 1 && p.Class <= labels.ClassNames.Count ? labels.ClassNames[p.Class - 1] : "";
            if (name.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0) name = "\"" + name.Replace("\"", "\"\"") + "\"";
            text.Append(Invariant, $"{p.Id},{p.Class},{name},{N(p.X)},{N(p.Y)},{N(p.Z)},{N(p.Phi)},{N(p.The)},{N(p.Psi)}\n");
        }
        return text.ToString();
    }

    static string DeepFinderXml(IReadOnlyList<Particle> particles, int tomogramIndex)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartElement("objlist");
            xml.WriteComment(" DeepFinder object list; x y z in voxels (0-based); " + SampleLabels.EulerConvention + " ");
            foreach (var p in particles)
            {
                xml.WriteStartElement("object");
                xml.WriteAttributeString("tomo_idx", tomogramIndex.ToString(Invariant));
                xml.WriteAttributeString("obj_id", p.Id.ToString(Invariant));
                xml.WriteAttributeString("class_label", p.Class.ToString(Invariant));
                xml.WriteAttributeString("x", p.X.ToString("0.000", Invariant));
                xml.WriteAttributeString("y", p.Y.ToString("0.000", Invariant));
                xml.WriteAttributeString("z", p.Z.ToString("0.000", Invariant));
                xml.WriteAttributeString("phi", p.Phi.ToString("0.000", Invariant));
                xml.WriteAttributeString("psi", p.Psi.ToString("0.000", Invariant));
                xml.WriteAttributeString("the", p.The.ToString("0.000", Invariant));
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    static string Star(IReadOnlyList<Particle> particles, string? tomogramName)
    {
        var text = new StringBuilder();
        text.Append("# FakET.PowerShell particle list: coordinates in voxels (0-based); angles in RELION's ZYZ convention,\n");
        text.Append("# Euler_angles2matrix(rot, tilt, psi) = transpose of the rotation that turns the reference into the particle.\n\n");
        text.Append("data_particles\n\nloop_\n");
        var columns = new List<string>();
        if (tomogramName is not null) columns.Add("_rlnTomoName");
        columns.AddRange(new[] { "_rlnCoordinateX", "_rlnCoordinateY", "_rlnCoordinateZ", "_rlnAngleRot", "_rlnAngleTilt", "_rlnAnglePsi", "_rlnClassNumber" });
        for (int i = 0; i < columns.Count; i++) text.Append(columns[i]).Append(" #").Append(i + 1).Append('\n');
        foreach (var p in particles)
        {
            var (rot, tilt, psi) = Phantom.Rotations.ToRelion(p.Rotation());
            if (tomogramName is not null) text.Append(StarValue(tomogramName)).Append(' ');
            text.Append(Invariant, $"{p.X,10:0.000} {p.Y,10:0.000} {p.Z,10:0.000} {rot,10:0.000} {tilt,10:0.000} {psi,10:0.000} {p.Class,4}\n");
        }
        text.Append('\n');
        return text.ToString();
    }

    /// <summary>A STAR value: quoted when it holds white space or starts like a keyword.</summary>
    static string StarValue(string value) =>
        value.Length == 0 || value.Any(char.IsWhiteSpace) || value.StartsWith('_') || value.StartsWith('#') ||
        value.StartsWith("data_", StringComparison.OrdinalIgnoreCase) || value.StartsWith("loop_", StringComparison.OrdinalIgnoreCase)
            ? "\"" + value + "\""
            : value;
}

using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace FakET.Labels;

/// <summary>
/// DeepFinder's XML object list (Moebel et al., DeepFinder <c>utils/objl.py</c>, <c>read_xml</c>/<c>write_xml</c>):
/// <c>&lt;objlist&gt;</c> with one <c>&lt;object&gt;</c> per particle, attributes tomo_idx, obj_id, class_label, x, y, z
/// (0-based voxel indices), phi, psi, the (ZXZ, <see cref="SampleLabels.EulerConvention"/>) and, from its clustering,
/// cluster_size. class_label, x, y and z are required; the angles come all three or none, as read_xml reads them.
/// </summary>
public static class DeepFinderXml
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The object list as text: tomo_idx is each entry's <see cref="ParticleEntry.TomogramIndex"/> (0 when it has
    /// none), obj_id its id (left out when it has none), class_label its class number in the list's table.</summary>
    public static string Format(ParticleList list)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartElement("objlist");
            xml.WriteComment(" DeepFinder object list; x y z in voxels (0-based); " + SampleLabels.EulerConvention + " ");
            foreach (var e in list.Entries)
            {
                xml.WriteStartElement("object");
                xml.WriteAttributeString("tomo_idx", (e.TomogramIndex ?? 0).ToString(Invariant));
                if (e.Id is { } id) xml.WriteAttributeString("obj_id", id.ToString(Invariant));
                xml.WriteAttributeString("class_label", list.NumberOf(e).ToString(Invariant));
                xml.WriteAttributeString("x", e.X.ToString("0.000", Invariant));
                xml.WriteAttributeString("y", e.Y.ToString("0.000", Invariant));
                xml.WriteAttributeString("z", e.Z.ToString("0.000", Invariant));
                xml.WriteAttributeString("phi", e.Phi.ToString("0.000", Invariant));
                xml.WriteAttributeString("psi", e.Psi.ToString("0.000", Invariant));
                xml.WriteAttributeString("the", e.The.ToString("0.000", Invariant));
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>The entries of an object list: Class is class_label as written, ClassNumber its value, TomogramIndex
    /// tomo_idx, Id obj_id, Score cluster_size.</summary>
    public static IReadOnlyList<ParticleEntry> Read(string text, string path, CancellationToken cancel = default)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(text, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw ParticleLists.ParseError(path, e.LineNumber, "not well-formed XML: " + e.Message);
        }
        var entries = new List<ParticleEntry>();
        foreach (var o in document.Root!.Elements())
        {
            ParticleLists.Check(cancel, entries.Count);
            int line = ((IXmlLineInfo)o).LineNumber;
            string? Text(string name) => o.Attribute(name)?.Value.Trim();
            double Number(string name) => ParticleLists.Number(Text(name) ?? throw ParticleLists.ParseError(path, line,
                    $"<{o.Name}> has no {name} attribute."))
                ?? throw ParticleLists.ParseError(path, line, $"{name}=\"{Text(name)}\" is not a number.");
            int? Whole(string name) => Text(name) is not { } t ? null : ParticleLists.Integer(t) ?? throw ParticleLists.ParseError(path, line,
                $"{name}=\"{t}\" is not a whole number.");
            int label = Whole("class_label") ?? throw ParticleLists.ParseError(path, line, $"<{o.Name}> has no class_label attribute.");
            int angles = new[] { "phi", "psi", "the" }.Count(a => Text(a) is not null);
            if (angles is not (0 or 3)) throw ParticleLists.ParseError(path, line, "an object gives all three angles phi, psi and the, or none.");
            entries.Add(new ParticleEntry
            {
                Class = label.ToString(Invariant),
                ClassNumber = label,
                X = Number("x"), Y = Number("y"), Z = Number("z"),
                Phi = angles == 3 ? Number("phi") : 0, The = angles == 3 ? Number("the") : 0, Psi = angles == 3 ? Number("psi") : 0,
                Id = Whole("obj_id"),
                TomogramIndex = Whole("tomo_idx"),
                Score = Text("cluster_size") is null ? null : Number("cluster_size"),
            });
        }
        return entries;
    }
}

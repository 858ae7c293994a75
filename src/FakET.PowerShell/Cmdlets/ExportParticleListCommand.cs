using System.Management.Automation;
using FakET.Labels;
using FakET.Phantom;

namespace FakET.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes the particle tables of one or more labelled volumes to one file: CSV, a DeepFinder XML object list, or a RELION STAR file.</para>
/// <para type="description">Writes one row per particle (and gold fiducial) of each labelled volume it is given (a phantom made by New-Phantom, or a tomogram New-Tomogram made from one): its id (its value in the instance mask), its class number (its value in the class mask), its centre in voxels (0-based indices x, y, z) and its orientation. All the volumes that come down the pipeline go into one file, as DeepFinder and RELION expect for a training set of several tomograms; the file is checked, -WhatIf answered and the file written once, after the last volume. -Format picks the format; without it the file's extension does (.csv, .xml, .star). CSV has the columns id, class, class_name, x, y, z, phi, the, psi, then tomogram when the volumes are named (several volumes, or -TomogramName) and clipped when a particle of a tomogram lies partly outside it. DeepFinder's XML object list has one object element per particle with tomo_idx, obj_id, class_label, x, y, z, phi, psi and the, as DeepFinder's read_xml expects; tomo_idx is -TomogramIndex for the first volume, one more for each next. Both give the Euler angles in TOM/PyTom/DeepFinder's ZXZ convention: the particle is its reference rotated by Rz(psi)·Rx(the)·Rz(phi), phi first. The STAR file has a data_particles block with one loop_ of _rlnCoordinateX/Y/Z, _rlnAngleRot/Tilt/Psi and _rlnClassNumber, the angles in RELION's ZYZ convention, and _rlnTomoName when the volumes are named. -Format Relion5 writes RELION 5's particle file instead: a data_optics block (voltage, Cs and amplitude contrast of the microscope simulation in the volume's history, else its defaults, and the tilt series' pixel size, the voxel size over New-Tomogram's -Bin) and a data_particles block with _rlnTomoName, _rlnCenteredCoordinateX/Y/ZAngst (Å from the tomogram's centre: (voxel − size / 2) × voxel size, as RELION 5 reads them back), _rlnAngleRot/Tilt/Psi, _rlnClassNumber and _rlnOpticsGroup; its volumes are always named: from -TomogramName (one name per volume, in order), else the name of the file the volume (or its tilt series) was imported from, else tomogram_N with N its tomo_idx. With several volumes the class numbers are those of the union of their class tables (first seen first), so a class has one number in the file. The file is written to a temporary file first and renamed when complete.</para>
/// <example><code>Find-Particle -Model $picker $tomogram | Export-ParticleList ./picks.star</code><para>Writes a picker's picks as a RELION STAR file.</para></example>
/// <example><code>$phantom | Export-ParticleList ./labels.xml</code><para>Writes DeepFinder's object list (the format from the extension).</para></example>
/// <example><code>$phantom | Export-ParticleList ./particles.star -TomogramName TS_01 -PassThru | Export-ParticleList ./particles.csv</code><para>Writes a RELION STAR file and a CSV table of the same particles.</para></example>
/// <example><code>$a, $b, $c | Export-ParticleList ./training.xml -TomogramIndex 1</code><para>Writes one DeepFinder object list for three tomograms, with tomo_idx 1, 2 and 3.</para></example>
/// <example><code>$tomogram | Export-ParticleList ./particles.star -Format Relion5 -TomogramName TS_01</code><para>Writes a RELION 5 particle file for the tomogram TS_01 (its tilt series written with Export-TiltSeries TS_01.mrc -Relion5).</para></example>
/// <example><code>$tomograms | Export-ParticleList ./particles.star -TomogramName TS_01, TS_02</code><para>Writes one STAR file for two tomograms, their particles named by _rlnTomoName.</para></example>
/// </summary>
[Cmdlet(VerbsData.Export, "ParticleList", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(Volume), typeof(ParticleEntry))]
public sealed class ExportParticleListCommand : FileWriterCommand
{
    /// <summary><para type="description">A labelled volume, as New-Phantom makes it (or New-Tomogram from one), or particles: the picks of Find-Particle or the entries of Import-ParticleList (all the particles that come down the pipeline are one tomogram's list). Several may come down the pipeline: they all go into the one file.</para></summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    public object InputObject { get; set; } = null!;

    /// <summary><para type="description">Csv, DeepFinderXml, Star or Relion5. By default the file's extension decides (.csv, .xml, .star as RELION 3.1/4 voxels).</para></summary>
    /// <remarks>A string, not the engine's enum: a value-type field of an engine type would make PowerShell load the
    /// engine before the module's load context is hooked in.</remarks>
    [Parameter]
    [ValidateSet("Csv", "DeepFinderXml", "Star", "Relion5", IgnoreCase = true)]
    public string? Format { get; set; }

    /// <summary><para type="description">DeepFinder's tomo_idx of the first volume (default 0); each next volume gets one more.</para></summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int TomogramIndex { get; set; }

    /// <summary><para type="description">Tomogram names for the STAR file's _rlnTomoName column (RELION 4 and 5 tomography) and the CSV's tomogram column: one per volume, in the order they come.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? TomogramName { get; set; }

    /// <summary>One input: its position in the pipeline, its particle table, its own name, and itself for -PassThru.</summary>
    sealed record Input(int Position, ParticleList List, string? Name, Volume? Volume, TomogramGeometry? Geometry);

    readonly List<Input> _inputs = new();
    readonly List<ParticleEntry> _particles = new();
    int _count, _particlesPosition = -1;

    protected override void ProcessRecord()
    {
        var item = InputObject is PSObject wrapped ? wrapped.BaseObject : InputObject;
        if (item is ParticleEntry particle)
        {
            if (_particlesPosition < 0) _particlesPosition = _count++;
            _particles.Add(particle);
            return;
        }
        if (item is not Volume volume)
        {
            WriteError(ErrorFrom(new FakETException(ErrorIds.ParticleListInputInvalid, FailureKind.InvalidArgument,
                $"Export-ParticleList writes labelled volumes and particles (Find-Particle's picks, Import-ParticleList's entries), not {item?.GetType().Name ?? "null"}."), item));
            return;
        }
        int position = _count++;
        if (volume.Labels is not { } labels)
        {
            TryRun(() => LabelFiles.LabelsOf(volume), volume);
            return;
        }
        // Only the particle table is kept: a tomogram's voxels need not stay in memory until the end, unless -PassThru.
        _inputs.Add(new Input(position, ParticleList.Of(labels), ParticleLists.ImportedName(volume), PassThru ? volume : null, TomogramGeometry.Of(volume)));
    }

    protected override void EndProcessing()
    {
        if (TomogramName is { } names && names.Length != _count)
            ThrowTerminatingError(ErrorFrom(new FakETException(ErrorIds.ParticleListTomogramNameCount, FailureKind.InvalidArgument,
                $"-TomogramName gives {names.Length} name{(names.Length == 1 ? "" : "s")} for {_count} volume{(_count == 1 ? "" : "s")}: give one per volume, in order."), null));
        if (_particles.Count > 0)
        {
            _inputs.Add(new Input(_particlesPosition, ParticleList.OfEntries(_particles.ToList()), null, null, null));
            _inputs.Sort((a, b) => a.Position.CompareTo(b.Position));
        }
        if (_inputs.Count == 0) return;
        var chosenFormat = Format is null ? null : (ParticleListFormat?)Enum.Parse<ParticleListFormat>(Format, ignoreCase: true);
        bool named = TomogramName is not null || _count > 1 || chosenFormat == ParticleListFormat.Relion5;
        var lists = _inputs.Select(input =>
        {
            int index = TomogramIndex + input.Position;
            string? name = named ? TomogramName?[input.Position] ?? input.Name ?? $"tomogram_{index}" : null;
            return input.List with { Entries = input.List.Entries.Select(e => e with { Tomogram = name, TomogramIndex = index }).ToList() };
        }).ToList();
        var repeated = lists.Select(l => l.Entries.FirstOrDefault()?.Tomogram).OfType<string>().GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0)
            WriteWarning($"Several volumes have the tomogram name {string.Join(", ", repeated.Select(n => $"'{n}'"))}: RELION takes their particles as one tomogram's. Give -TomogramName.");
        var list = ParticleList.Combine(lists);

        if (Target() is not { } target) return;
        var format = chosenFormat ?? ParticleLists.FormatOf(target);
        var geometries = _inputs.ToDictionary(input => TomogramIndex + input.Position, input => input.Geometry);
        string what = $"Write {list.Entries.Count} particles of {lists.Count} volume{(lists.Count == 1 ? "" : "s")} as {(format is { } f && ParticleLists.CanWrite(f) ? f.ToString() : "(unknown format)")}";
        if (!ShouldProcess(target, what)) return;
        bool written = TryRun(() =>
        {
            if (format is not { } chosen || !ParticleLists.CanWrite(chosen))
                throw new FakETException(ErrorIds.ParticleListFormatUnknown, FailureKind.InvalidArgument,
                    $"Cannot tell the format to write '{System.IO.Path.GetFileName(target)}' in from its extension: use .csv, .xml or .star, or give -Format.");
            ParticleLists.Write(list, target, chosen, Cancel, e => geometries[e.TomogramIndex ?? TomogramIndex] ?? throw new FakETException(
                ErrorIds.ParticleListGeometryMissing, FailureKind.InvalidArgument,
                "RELION 5's centred coordinates need the tomogram's size, which particles do not carry: write them as Star or Csv, or export the labelled tomogram."));
        }, target);
        if (written && PassThru)
            foreach (var input in _inputs)
                if (input.Volume is not null) WriteObject(input.Volume);
                else foreach (var particle in input.List.Entries) WriteObject(particle);
    }
}

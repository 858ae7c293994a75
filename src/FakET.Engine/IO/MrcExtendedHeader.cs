using System.Buffers.Binary;

namespace FakET.IO;

/// <summary>Tilt angles from the extended headers microscopes write: SerialEM's (exttyp SERI, or AGAR) and Thermo
/// Fisher's (FEI1, FEI2). Used when a tilt series has no angle file beside it.</summary>
public static class MrcExtendedHeader
{
    /// <summary>How many bytes of an extended header a read keeps; the rest is skipped (a SerialEM header of 1,000 tilts
    /// at 100 bytes each, or an FEI2 header of 1,000 tilts at 888 bytes each, fits many times over).</summary>
    public const int MaxKept = 16 << 20;

    /// <summary>The tilt angle of each of the <c>nz</c> sections in degrees, or null when the extended header holds none.</summary>
    public static double[]? TiltAngles(MrcHeader header, ReadOnlySpan<byte> extended) => header.ExtendedHeaderType switch
    {
        "SERI" or "AGAR" => SerialEM(header, extended),
        "FEI1" or "FEI2" => Fei(header, extended),
        _ => null,
    };

    /// <summary>
    /// SerialEM / IMOD (IMOD's mrc_format.txt, "extended header" of type SERI or AGAR): <c>nint</c> bytes per section;
    /// the flags in <c>nreal</c> say which values each section holds, in the order of their bits; bit 1 (value 1) is the
    /// tilt angle in degrees × 100 as a 2-byte integer, so when set it is the section's first value.
    /// </summary>
    static double[]? SerialEM(MrcHeader h, ReadOnlySpan<byte> extended)
    {
        int stride = h.SerialEMBytesPerSection;
        if ((h.SerialEMFlags & 1) == 0 || stride < 2 || (long)stride * h.Nz > extended.Length) return null;
        var angles = new double[h.Nz];
        for (int z = 0; z < h.Nz; z++)
        {
            var at = extended[(z * stride)..];
            angles[z] = (h.BigEndian ? BinaryPrimitives.ReadInt16BigEndian(at) : BinaryPrimitives.ReadInt16LittleEndian(at)) / 100.0;
            if (Math.Abs(angles[z]) > 90) return null;
        }
        return angles;
    }

    /// <summary>
    /// Thermo Fisher (FEI) MRC2014 extended header, types FEI1 and FEI2 (the "EPU/Tomography MRC2014 extended header"
    /// specification; field layout as in CCP-EM mrcfile's dtypes.py): one record per section whose first 4-byte integer
    /// is the record's size in bytes, and whose "Alpha tilt" (degrees, 8-byte float) lies at byte 100 of the record,
    /// after the size, version, bitmask, timestamp, four 16-byte strings, HT and dose. Numbers are in the file's byte order.
    /// </summary>
    static double[]? Fei(MrcHeader h, ReadOnlySpan<byte> extended)
    {
        const int alphaTilt = 100;
        if (extended.Length < 4) return null;
        int stride = h.BigEndian ? BinaryPrimitives.ReadInt32BigEndian(extended) : BinaryPrimitives.ReadInt32LittleEndian(extended);
        if (stride < alphaTilt + 8 || (long)stride * h.Nz > extended.Length) return null;
        var angles = new double[h.Nz];
        for (int z = 0; z < h.Nz; z++)
        {
            var at = extended[(z * stride + alphaTilt)..];
            double angle = h.BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(at) : BinaryPrimitives.ReadDoubleLittleEndian(at);
            // A record without a tilt (its bitmask bit unset) holds zeros or junk: use the angles only when all are tilts.
            if (!double.IsFinite(angle) || Math.Abs(angle) > 90) return null;
            angles[z] = angle;
        }
        return angles;
    }
}

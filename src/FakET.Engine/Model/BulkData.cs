namespace FakET;

/// <summary>
/// Bulk data (pixels, voxels, masks) as C# properties. They are extension properties, over the methods that hold the
/// data, so that code reads <c>series.Sections</c> and <c>labels.ClassMask</c> while nothing that lists or serialises an
/// object's properties sees them: PowerShell's Format-List * and ConvertTo-Json, Select-Object *, JSON serialisers.
/// PowerShell scripts reach the same data as hidden properties of the same names (src/FakET.PowerShell/FakET.types.ps1xml).
/// </summary>
public static class BulkData
{
    extension(ImageStack stack)
    {
        /// <summary>All sections. The arrays are the stack's own: treat them as read-only.</summary>
        public IReadOnlyList<float[]> Sections => stack.GetSections();
    }

    extension(SampleLabels labels)
    {
        /// <summary>0 for background, k for class k.</summary>
        public int[][]? ClassMask => labels.GetClassMask();

        /// <summary>0 for background, the particle's id otherwise.</summary>
        public int[][]? InstanceMask => labels.GetInstanceMask();
    }
}

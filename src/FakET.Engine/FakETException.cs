namespace FakET;

/// <summary>What kind of failure an engine error is; the cmdlets map it to a PowerShell error category.</summary>
public enum FailureKind
{
    InvalidArgument,
    InvalidData,
    ObjectNotFound,
    ResourceExists,
    NotInstalled,
    ResourceUnavailable,
    NotImplemented,
    OperationStopped,
    LimitsExceeded,
}

/// <summary>An error the engine reports with a stable identifier (<see cref="ErrorId"/>), which becomes the
/// PowerShell FullyQualifiedErrorId, so scripts and tests can tell errors apart.</summary>
public class FakETException : Exception
{
    public FakETException(string errorId, FailureKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
    }

    public string ErrorId { get; }
    public FailureKind Kind { get; }
}

/// <summary>The error identifiers the engine uses. Each names one way to fail.</summary>
public static class ErrorIds
{
    // MRC files
    public const string MrcEmpty = "MrcEmptyFile";
    public const string MrcNotMrc = "MrcNotAnMrcFile";
    public const string MrcBadDimensions = "MrcBadDimensions";
    public const string MrcUnsupportedMode = "MrcUnsupportedMode";
    public const string MrcTruncated = "MrcTruncatedData";
    public const string MrcExtendedHeaderPastEnd = "MrcExtendedHeaderPastEnd";
    public const string MrcUnsupportedAxisOrder = "MrcUnsupportedAxisOrder";
    public const string MrcTooLarge = "MrcSectionTooLarge";
    // MRC files (issues 15 and 19): problems a permissive read turns into warnings, compressed files, float16 export
    public const string MrcByteOrderMismatch = "MrcByteOrderMismatch";
    public const string MrcExtraData = "MrcExtraData";
    public const string MrcHeaderField = "MrcInvalidHeaderField";
    public const string MrcCompressedInvalid = "MrcCompressedInvalid";
    public const string MrcFloat16Overflow = "MrcFloat16Overflow";
    // Tilt angles
    public const string TiltAngleCountMismatch = "TiltAngleCountMismatch";
    public const string TiltAngleInvalid = "TiltAngleInvalid";
    public const string TiltAngleFileInvalid = "TiltAngleFileInvalid";
    // Projection
    public const string DetectorWidthInvalid = "DetectorWidthInvalid";
    // Phantoms and their labels
    public const string PhantomInvalid = "PhantomInvalidParameter";
    public const string PhantomClassUnknown = "PhantomClassUnknown";
    public const string PhantomMapInvalid = "PhantomMapInvalid";
    public const string PhantomObjectTooLarge = "PhantomObjectTooLarge";
    public const string PhantomSlabTooFull = "PhantomSlabTooFull";
    public const string LabelsMissing = "VolumeHasNoLabels";
    public const string LabelsInvalid = "LabelsInvalid";
    public const string ParticleListFormatUnknown = "ParticleListFormatUnknown";
    public const string TiltAnglesUnknown = "TiltAnglesUnknown";
    // Particle lists: Import-ParticleList, Export-ParticleList
    public const string ParticleListParseError = "ParticleListParseError";
    public const string ParticleListGeometryMissing = "ParticleListGeometryMissing";
    public const string ParticleListFormatNotWritable = "ParticleListFormatNotWritable";
    public const string ParticleListTomogramNameCount = "ParticleListTomogramNameCountMismatch";
    public const string ParticleListInputInvalid = "ParticleListInputInvalid";
    // Output formats: Export-Copick, Export-TiltSeries' metadata, .mdoc files
    public const string CopickNameInvalid = "CopickNameInvalid";
    public const string CopickRunExists = "CopickRunExists";
    public const string CopickConfigInvalid = "CopickConfigInvalid";
    public const string MdocParseError = "MdocParseError";
    // Atomic models: Import-Structure, ConvertTo-Potential
    public const string StructureParseError = "StructureParseError";
    public const string StructureUnknownElement = "StructureUnknownElement";
    public const string StructureNoAtoms = "StructureNoAtoms";
    public const string StructureModelNotFound = "StructureModelNotFound";
    public const string StructureAssemblyNotFound = "StructureAssemblyNotFound";
    public const string StructureNotShipped = "StructureNotShipped";
    public const string PotentialInvalid = "PotentialInvalidParameter";
    // Reconstruction
    public const string ReconstructionBinTooLarge = "ReconstructionBinTooLarge";
    public const string ReconstructionParameterInvalid = "ReconstructionParameterInvalid";
    // Memory
    public const string NotEnoughMemory = "NotEnoughMemory";
    // Native stack
    public const string NativeLoadFailed = "NativeLibraryLoadFailed";
    // Noise: Measure-TiltNoise, Add-TiltNoise, noise profiles
    public const string NoisePairCountMismatch = "NoisePairCountMismatch";
    public const string NoiseShapeMismatch = "NoiseShapeMismatch";
    public const string NoiseTiltCountMismatch = "NoiseTiltCountMismatch";
    public const string NoisePolynomialOrderInvalid = "NoisePolynomialOrderInvalid";
    public const string NoiseConstantTilt = "NoiseConstantTilt";
    public const string NoiseScaleInvalid = "NoiseScaleInvalid";
    public const string NoiseProfileInvalid = "NoiseProfileInvalid";
    // Microscope: Invoke-MicroscopeSimulation
    public const string MicroscopeParameterInvalid = "MicroscopeParameterInvalid";
    public const string MicroscopeTiltAnglesUnknown = "MicroscopeTiltAnglesUnknown";
    public const string DeviceNotAvailable = "ComputeDeviceNotAvailable";
    public const string ThreadCountInvalid = "ThreadCountInvalid";
    // Safetensors weight files
    public const string SafeTensorsInvalid = "SafeTensorsInvalidFile";
    public const string SafeTensorsTruncated = "SafeTensorsTruncated";
    public const string SafeTensorsSizeMismatch = "SafeTensorsSizeMismatch";
    public const string SafeTensorsMissingTensor = "SafeTensorsMissingTensor";
    public const string SafeTensorsShapeMismatch = "SafeTensorsShapeMismatch";
    public const string SafeTensorsUnsupportedDType = "SafeTensorsUnsupportedDType";
    // Style transfer
    public const string StyleTransferSeriesMismatch = "StyleTransferSeriesMismatch";
    public const string StyleTransferInvalidSetting = "StyleTransferInvalidSetting";
    public const string StyleTransferConstantInput = "StyleTransferConstantInput";
    public const string StyleTransferImageTooSmall = "StyleTransferImageTooSmall";
    public const string TiltRangeInvalid = "TiltRangeInvalid";
    // Style model weights (Install-StyleModel and the per-user cache)
    public const string StyleModelNotFound = "StyleModelNotFound";
    public const string StyleModelNotInstalled = "StyleModelNotInstalled";
    public const string StyleModelExists = "StyleModelExists";
    public const string StyleModelChecksumRequired = "StyleModelChecksumRequired";
    public const string StyleModelChecksumInvalid = "StyleModelChecksumInvalid";
    public const string StyleModelChecksumMismatch = "StyleModelChecksumMismatch";
    public const string StyleModelDownloadFailed = "StyleModelDownloadFailed";
    // Previews: Export-TiltSeriesPreview, Export-VolumePreview
    public const string PreviewPercentileInvalid = "PreviewPercentileInvalid";
    public const string PreviewNoFiniteValues = "PreviewNoFiniteValues";
    public const string PreviewTiltOutOfRange = "PreviewTiltOutOfRange";
    public const string PreviewSliceOutOfRange = "PreviewSliceOutOfRange";
    public const string PreviewParameterInvalid = "PreviewParameterInvalid";
    // Bad input (issue 19): one id for NaN/Inf anywhere, limits on counts, names that break a file format
    public const string NonFiniteData = "NonFiniteData";
    public const string TiltCountTooLarge = "TiltCountTooLarge";
    public const string ParticleListTomogramNameInvalid = "ParticleListTomogramNameInvalid";
    public const string SafeTensorsWeightsInvalid = "SafeTensorsWeightsInvalid";
    public const string StyleModelUriInvalid = "StyleModelUriInvalid";
    public const string FileReadFailed = "FileReadFailed";
    // Noise from half-sets (Measure-TiltNoise -Even -Odd) and resampling (Resize-TiltSeries)
    public const string NoiseEstimateMixed = "NoiseEstimateMixed";
    public const string ResizeParameterInvalid = "ResizeParameterInvalid";
    public const string ResizeRegionOutside = "ResizeRegionOutside";
    // Cluster jobs: Submit-FakETJob, Get-FakETJob, Wait-FakETJob, Receive-FakETJob, Stop-FakETJob
    public const string JobInvalidParameter = "JobInvalidParameter";
    public const string JobScriptNotFound = "JobScriptNotFound";
    public const string JobArgumentInvalid = "JobArgumentInvalid";
    public const string JobRunnerNotFound = "JobRunnerNotFound";
    public const string JobDefinitionChanged = "JobDefinitionChanged";
    public const string JobRecordInvalid = "JobRecordInvalid";
    public const string JobNotFound = "JobNotFound";
    public const string JobSubmitFailed = "JobSubmitFailed";
    public const string JobSchedulerUnavailable = "JobSchedulerUnavailable";
}

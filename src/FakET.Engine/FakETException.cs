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
    // Tilt angles
    public const string TiltAngleCountMismatch = "TiltAngleCountMismatch";
    public const string TiltAngleInvalid = "TiltAngleInvalid";
    public const string TiltAngleFileInvalid = "TiltAngleFileInvalid";
    // Native stack
    public const string NativeLoadFailed = "NativeLibraryLoadFailed";
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
}

@{
    RootModule           = 'FakET.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0b7d0e-3c1a-4f55-9a57-2f4f6c1d8e21'
    Author               = 'FakET for PowerShell developers'
    Copyright            = '(c) FakET for PowerShell developers. MIT License.'
    Description          = 'FakET (Harar et al.): simulate cryo-electron tomography data with labels by projection, measured tilt-dependent noise and neural style transfer, then reconstruct tomograms.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('FakET.format.ps1xml')
    TypesToProcess       = @('FakET.types.ps1xml')
    CmdletsToExport      = @(
        'Import-TiltSeries'
        'Export-TiltSeries'
        'Import-Volume'
        'Export-Volume'
        'Get-FakETDevice'
        'New-TiltSeries'
        'New-Phantom'
        'Import-Structure'
        'ConvertTo-Potential'
        'Export-ShrecModel'
        'Export-ParticleList'
        'Import-ParticleList'
        'Export-LabelMask'
        'New-Tomogram'
        'Measure-TiltNoise'
        'Add-TiltNoise'
        'Export-NoiseProfile'
        'Import-NoiseProfile'
        'Invoke-MicroscopeSimulation'
        'Invoke-StyleTransfer'
        'Install-StyleModel'
        'Export-TiltSeriesPreview'
        'Export-VolumePreview'
        'Measure-PickingAccuracy'
        'Measure-Realism'
        'Resize-TiltSeries'
        'Test-MrcFile'
        # copick projects
        'Export-Copick'
        # Cluster jobs
        'Submit-FakETJob'
        'Get-FakETJob'
        'Wait-FakETJob'
        'Receive-FakETJob'
        'Stop-FakETJob'
        # Particle picking
        'Invoke-PickerTraining'
        'Find-Particle'
        'Export-PickerModel'
        'Import-PickerModel'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('cryo-ET', 'tomography', 'simulation', 'FakET', 'style-transfer', 'MRC')
            LicenseUri = ''
            ProjectUri = ''
        }
    }
}

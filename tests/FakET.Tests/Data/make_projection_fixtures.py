"""Writes projection fixtures for odd geometries with an independent projector: scikit-image's radon.

Run once with Debian's python3-skimage and python3-mrcfile:  /usr/bin/python3 make_projection_fixtures.py
For each case, every Y slice (Z, X) of a seeded random volume is projected with
radon(slice, theta, circle=False), the sinogram is centre-cropped to the detector width as FakET's
radon_3d(..., out_shape=width) does, and the sign is flipped (dose = 0). The result is (tilt, Y, width).
The cases complement the shared reference case (a 64-cube): odd sizes, depth > width and depth < width,
a detector wider than the volume, and angles beyond +-60 degrees.
"""
import json
import numpy as np
import mrcfile
from skimage.transform import radon

cases = {
    # name: (nz, ny, nx, detector width, angles)
    "projection_wide": (23, 5, 37, 41, [-57.0, -20.0, 0.0, 13.5, 45.0, 90.0]),
    "projection_deep": (40, 3, 18, 18, [-75.0, -33.3, 0.0, 7.0, 60.0]),
}
rng = np.random.default_rng(5)
meta = {}
for name, (nz, ny, nx, width, angles) in cases.items():
    volume = rng.uniform(0, 1, (nz, ny, nx)).astype(np.float32)
    volume[:, :, : nx // 4] *= 3  # asymmetric, so a mirrored or shifted projection cannot pass
    tilts = np.zeros((len(angles), ny, width), np.float32)
    for y in range(ny):
        sinogram = radon(volume[:, y, :], theta=angles, circle=False)  # (P, tilts)
        start = (sinogram.shape[0] - width) // 2
        tilts[:, y, :] = (0 - sinogram[start:start + width, :]).T
    with mrcfile.new(name + "_volume.mrc", overwrite=True) as m:
        m.set_data(volume)
        m.voxel_size = 4.0
    with mrcfile.new(name + "_expected.mrc", overwrite=True) as m:
        m.set_data(tilts)
        m.voxel_size = 4.0
    meta[name] = {"detector_width": width, "tilt_angles_deg": angles}
with open("projection_fixtures.json", "w") as f:
    json.dump(meta, f, indent=1)

"""Writes scikit-image references for the reconstruction tests (New-Tomogram).

Run once with Debian's python3-skimage (0.19) and python3-mrcfile:  /usr/bin/python3 make_iradon_references.py
Input: projections_noiseless.mrc and the angles in reference-case-a.json (the shared reference case).

iradon_filters.json      skimage's private _get_fourier_filter(128, name)[:, 0] for every filter: the responses
                         iradon multiplies the padded (128-point) spectra of 64-pixel projections with.
iradon_filters_case_a.mrc  iradon(projections[:, y, :].T, theta, filter_name=f, circle=False, output_size=64)
                         for f in FILTERS (order as listed) and y in SLICES: len(FILTERS) * len(SLICES) sections (Z, X).
iradon_bin2_case_a.mrc   the projections binned 2x2 by averaging, then iradon per Y slice (ramp, output 32),
                         stacked (Z, Y, X) like reconstruction_fbp_ramp.mrc; voxel size 2 (the input's pixel size is 1).
"""
import json
import numpy as np
import mrcfile
from skimage.transform import iradon
from skimage.transform.radon_transform import _get_fourier_filter

FILTERS = ["shepp-logan", "cosine", "hamming", "hann", None]
SLICES = [18, 32, 49]

theta = np.array(json.load(open("reference-case-a.json"))["tilt_angles_deg"], dtype=float)
with mrcfile.open("projections_noiseless.mrc", permissive=True) as mrc:
    projections = np.asarray(mrc.data, dtype=np.float32)          # (tilt, Y, X)

responses = {str(name): _get_fourier_filter(128, name)[:, 0].tolist() for name in ["ramp"] + FILTERS}
with open("iradon_filters.json", "w") as f:
    json.dump({"length": 128, "responses": responses}, f)

sections = [iradon(projections[:, y, :].T, theta, filter_name=name, circle=False, output_size=64)
            for name in FILTERS for y in SLICES]
with mrcfile.new("iradon_filters_case_a.mrc", overwrite=True) as mrc:
    mrc.set_data(np.stack(sections).astype(np.float32))

t, h, w = projections.shape
binned = projections[:, : h // 2 * 2, : w // 2 * 2].reshape(t, h // 2, 2, w // 2, 2).mean(axis=(2, 4))
volume = np.stack([iradon(binned[:, y, :].T, theta, filter_name="ramp", circle=False, output_size=w // 2)
                   for y in range(h // 2)], axis=1)                 # (Z, Y, X)
with mrcfile.new("iradon_bin2_case_a.mrc", overwrite=True) as mrc:
    mrc.set_data(volume.astype(np.float32))
    mrc.voxel_size = 2.0

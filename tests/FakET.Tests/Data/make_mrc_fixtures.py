"""Writes the MRC fixtures the tests read, with an independent writer (mrcfile, CCP-EM).

Run once with Debian's python3-mrcfile:  /usr/bin/python3 make_mrc_fixtures.py
Every file holds the same analytic pattern, so a test can check each voxel without this script:
    k(z, y, x) = (x + 3*y + 7*z) % 97
mode 0 (int8) and 1 (int16): k - 48;  mode 6 (uint16): 10*k;  mode 2 (float32) and 12 (float16): (k - 48) / 4
Shape (nz, ny, nx) = (3, 5, 4), voxel size 2.5 A. A big-endian float32 copy checks the machine stamp.
"""
import numpy as np
import mrcfile

z, y, x = np.meshgrid(np.arange(3), np.arange(5), np.arange(4), indexing="ij")
k = (x + 3 * y + 7 * z) % 97
cases = {
    "mode0_int8.mrc": (k - 48).astype(np.int8),
    "mode1_int16.mrc": (k - 48).astype(np.int16),
    "mode2_float32.mrc": ((k - 48) / 4).astype(np.float32),
    "mode6_uint16.mrc": (10 * k).astype(np.uint16),
    "mode12_float16.mrc": ((k - 48) / 4).astype(np.float16),
    "mode2_float32_bigendian.mrc": ((k - 48) / 4).astype(">f4"),
}
for name, data in cases.items():
    with mrcfile.new(name, overwrite=True) as mrc:
        mrc.set_data(data)
        mrc.voxel_size = 2.5

# The float32 pattern again, behind a 96-byte extended header (nsymbt), with an origin of (10.5, -3, 7) A.
with mrcfile.new("mode2_exthdr_origin.mrc", overwrite=True) as mrc:
    mrc.set_data(((k - 48) / 4).astype(np.float32))
    mrc.set_extended_header(np.arange(96, dtype=np.uint8).view("V1"))
    mrc.voxel_size = 2.5
    mrc.header.origin = (10.5, -3.0, 7.0)

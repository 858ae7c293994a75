#!/usr/bin/python3
"""The comparison side of docs/benchmarks.md ("Projection"): scikit-image's radon on the same data.

  radon_skimage.py volume N out.mrc          write a seeded N^3 test volume (random blobs, float32)
  radon_skimage.py radon in.mrc out.mrc [tilts=61] [processes=all cores]
      project it as FakET's radon_3d(volume, theta, dose=0, out_shape=nx, circle=False, slice_axis=1)
      does: skimage radon per Y slice in a multiprocessing pool, sign flipped, centre-cropped;
      prints the wall time of the projection alone.

Needs Debian's python3-skimage and python3-mrcfile; neither is a dependency of the module.
"""
import sys
import time
from functools import partial
from multiprocessing import Pool, cpu_count

import mrcfile
import numpy as np


def make_volume(n, path):
    rng = np.random.default_rng(7)
    z, y, x = np.ogrid[:n, :n, :n]
    vol = np.zeros((n, n, n), np.float32)
    for _ in range(60):
        c = rng.uniform(0.15 * n, 0.85 * n, 3)
        r = rng.uniform(0.02 * n, 0.08 * n)
        vol[(z - c[0]) ** 2 + (y - c[1]) ** 2 + (x - c[2]) ** 2 < r * r] += rng.uniform(0.5, 2)
    vol += rng.normal(0, 0.05, vol.shape).astype(np.float32)
    with mrcfile.new(path, overwrite=True) as m:
        m.set_data(vol)
        m.voxel_size = 10.0


def project(path, out, tilts, processes):
    from skimage.transform import radon
    with mrcfile.open(path, permissive=True) as m:
        volume = np.array(m.data, dtype=np.float32)
    theta = np.linspace(-60, 60, tilts)
    nx = volume.shape[2]
    start = time.perf_counter()
    slices = np.moveaxis(volume, 1, 0)
    with Pool(processes=processes) as pool:
        sinogram = np.array(pool.map(partial(radon, theta=theta, circle=False), slices))
    sinogram = 0 - sinogram
    first = (sinogram.shape[1] - nx) // 2
    sinogram = sinogram[:, first:first + nx, :]
    projections = np.swapaxes(np.moveaxis(sinogram, 0, 1), -1, 0)
    elapsed = time.perf_counter() - start
    print(f"skimage radon: {volume.shape} x {tilts} tilts, {processes} processes: {elapsed:.2f} s")
    with mrcfile.new(out, overwrite=True) as m:
        m.set_data(np.ascontiguousarray(projections, dtype=np.float32))


if __name__ == "__main__":
    if sys.argv[1] == "volume":
        make_volume(int(sys.argv[2]), sys.argv[3])
    else:
        tilts = int(sys.argv[4]) if len(sys.argv) > 4 else 61
        processes = int(sys.argv[5]) if len(sys.argv) > 5 else cpu_count()
        project(sys.argv[2], sys.argv[3], tilts, processes)

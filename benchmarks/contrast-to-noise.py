"""Contrast-to-noise of each particle class in a labelled tomogram, as docs/benchmarks.md reports it.

    /usr/bin/python3 benchmarks/contrast-to-noise.py TOMOGRAM.mrc CLASS_MASK.mrc [EDGE_SECTIONS]

Per class: (mean over the class mask - mean of the background) / standard deviation of the background, where the
background is every voxel at least three voxels (6-connected dilation) from any particle's mask, in the sections
EDGE_SECTIONS .. depth - EDGE_SECTIONS (default depth/8: the slab's middle). Printed for the tomogram as it is and
after a Gaussian low-pass of 1 and 2 voxels (the smoothing a user applies to look at a tomogram). Only numpy and
mrcfile (Debian's python3-numpy, python3-mrcfile).
"""
import sys

import mrcfile
import numpy as np


def dilate(mask, steps):
    for _ in range(steps):
        grown = mask.copy()
        for axis in range(3):
            for shift in (1, -1):
                moved = np.roll(mask, shift, axis)
                edge = [slice(None)] * 3
                edge[axis] = 0 if shift == 1 else -1
                moved[tuple(edge)] = False  # no wrap-around
                grown |= moved
        mask = grown
    return mask


def gaussian(volume, sigma):
    k = [np.fft.fftfreq(n) for n in volume.shape[:-1]] + [np.fft.rfftfreq(volume.shape[-1])]
    kz, ky, kx = np.meshgrid(*k, indexing="ij")
    response = np.exp(-2 * np.pi ** 2 * sigma ** 2 * (kz ** 2 + ky ** 2 + kx ** 2))
    return np.fft.irfftn(np.fft.rfftn(volume) * response, s=volume.shape)


def main():
    tomogram = mrcfile.read(sys.argv[1]).astype(np.float64)
    classes = mrcfile.read(sys.argv[2]).astype(int)
    edge = int(sys.argv[3]) if len(sys.argv) > 3 else tomogram.shape[0] // 8
    middle = np.zeros(classes.shape, bool)
    middle[edge:classes.shape[0] - edge] = True
    background = middle & ~dilate(classes > 0, 3)
    for name, volume in (("as is", tomogram), ("low-pass 1 voxel", gaussian(tomogram, 1)), ("low-pass 2 voxels", gaussian(tomogram, 2))):
        values = volume[background]
        figures = [f"class {c}: {(volume[(classes == c) & middle].mean() - values.mean()) / values.std():+.2f}"
                   for c in np.unique(classes[classes > 0])]
        print(f"{name:18s} " + "  ".join(figures))


if __name__ == "__main__":
    main()

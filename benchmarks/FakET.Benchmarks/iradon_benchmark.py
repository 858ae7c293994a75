"""scikit-image's iradon on the same tilt series, for docs/benchmarks.md (run by FakET.Benchmarks).

usage: /usr/bin/python3 iradon_benchmark.py <series.mrc> <out.mrc> <slices> <bin>
Reads the series (tilt, Y, X) and its .tlt, bins it by averaging <bin>x<bin> pixels, reconstructs <slices> evenly
spaced Y slices with iradon (ramp, circle=False, output_size = width), times them, scales the time to all Y slices,
and writes the slices (Z, X) to <out.mrc>.
"""
import sys
import time
import numpy as np
import mrcfile
import skimage
from skimage.transform import iradon

path, out, count, binning = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with mrcfile.open(path, permissive=True) as mrc:
    series = np.asarray(mrc.data, dtype=np.float32)
theta = np.loadtxt(path[:-4] + ".tlt")
t, h, w = series.shape
h, w = h // binning, w // binning
series = series[:, : h * binning, : w * binning].reshape(t, h, binning, w, binning).mean(axis=(2, 4))
rows = np.floor(np.linspace(0, h - 1, count)).astype(int) if count > 1 else np.array([0])
start, cpu = time.perf_counter(), time.process_time()
slices = [iradon(series[:, y, :].T, theta, filter_name="ramp", circle=False, output_size=w) for y in rows]
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
with mrcfile.new(out, overwrite=True) as mrc:
    mrc.set_data(np.stack(slices).astype(np.float32))
print(f"iradon (scikit-image {skimage.__version__}, numpy {np.__version__}): {elapsed:.2f} s for {len(rows)} of {h} slices; "
      f"seconds_all={elapsed / len(rows) * h:.2f} cpu_all={cpu / len(rows) * h:.2f} (wall and CPU seconds scaled to all {h} slices)")

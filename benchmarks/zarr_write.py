"""What a user would do in Python instead of Export-Copick's tomogram: the volume's levels 1, 2 and 4 (block means) as
zarr v2 arrays, zlib level 1, chunks 256, "/" as the dimension separator. usage: zarr_write.py VOLUME.mrc OUT.zarr"""
import sys
import time

import mrcfile
import numcodecs
import numpy as np
import zarr

data = mrcfile.open(sys.argv[1]).data.astype(np.float32)
wall, cpu = time.perf_counter(), time.process_time()
root = zarr.open_group(sys.argv[2], mode="w")
for level, f in enumerate((1, 2, 4)):
    z, y, x = (n // f for n in data.shape)
    a = data if f == 1 else data[: z * f, : y * f, : x * f].reshape(z, f, y, f, x, f).mean(axis=(1, 3, 5), dtype=np.float64).astype(np.float32)
    root.create_dataset(str(level), data=a, chunks=(256, 256, 256), compressor=numcodecs.Zlib(level=1), dimension_separator="/")
print(f"zarr-python {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")

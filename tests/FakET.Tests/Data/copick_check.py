"""Checks a copick run that Export-Copick wrote against the same data written as MRC and CSV, with zarr, mrcfile and
numpy only (Debian's python3-zarr, python3-mrcfile, python3-numpy).

usage: copick_check.py PROJECT RUN TOMOGRAM.mrc CLASS_MASK.mrc PARTICLES.csv CLASS_NAMES(comma-separated, class k at k-1)
Prints one line per check and exits non-zero on the first failure."""
import csv
import json
import math
import os
import sys

import mrcfile
import numpy as np
import zxz
import zarr

project, run, tomogram_mrc, mask_mrc, particles_csv, names = sys.argv[1:7]
names = names.split(",")


def check(ok, what):
    if not ok:
        print("FAIL", what)
        sys.exit(1)
    print("ok", what)


config = json.load(open(os.path.join(project, "copick_config.json")))
objects = {o["name"]: o for o in config["pickable_objects"]}
labels = [o["label"] for o in config["pickable_objects"]]
check(len(labels) == len(set(labels)) and 0 not in labels, "labels are unique and not 0")
check(len(objects) == len(config["pickable_objects"]), "object names are unique")
for o in config["pickable_objects"]:
    check(isinstance(o["is_particle"], bool) and len(o["color"]) == 4 and all(0 <= c <= 255 for c in o["color"]),
          f"{o['name']}: is_particle and an RGBA color")

with mrcfile.open(tomogram_mrc, permissive=False) as m:
    density = m.data.astype(np.float32)
    voxel = float(m.voxel_size.x)
with mrcfile.open(mask_mrc) as m:
    classes = np.rint(m.data).astype(np.int64)

spacing = f"VoxelSpacing{voxel:.3f}"
run_folder = os.path.join(project, "ExperimentRuns", run)


def multiscale(path, kind):
    group = zarr.open_group(path, mode="r")
    ms = group.attrs["multiscales"]
    check(len(ms) == 1 and ms[0]["version"] == "0.4", f"{kind}: one OME-NGFF 0.4 multiscales entry")
    axes = ms[0]["axes"]
    check([a["name"] for a in axes] == ["z", "y", "x"] and all(a["type"] == "space" and a["unit"] == "angstrom" for a in axes),
          f"{kind}: axes z, y, x in angstrom")
    datasets = ms[0]["datasets"]
    check([d["path"] for d in datasets] == ["0", "1", "2"], f"{kind}: datasets 0, 1, 2")
    for d, factor in zip(datasets, (1, 2, 4)):
        t = d["coordinateTransformations"]
        check(len(t) == 1 and t[0]["type"] == "scale" and np.allclose(t[0]["scale"], [voxel * factor] * 3, rtol=0, atol=1e-9),
              f"{kind}: scale {factor} is {voxel * factor} A per voxel")
        a = group[d["path"]]
        check(all(c <= 256 for c in a.chunks), f"{kind}: level {d['path']} chunks {a.chunks} at most 256")
        check(a.compressor is None or a.compressor.codec_id == "zlib", f"{kind}: zlib or no compression")
        check(a.shape == tuple(max(1, n // factor) for n in density.shape), f"{kind}: level {d['path']} shape {a.shape}")
    return group


tomogram = multiscale(os.path.join(run_folder, spacing, "wbp.zarr"), "tomogram")
check(tomogram["0"].dtype == np.float32 and np.array_equal(tomogram["0"][:], density), "tomogram scale 1 equals the MRC data")
z, y, x = (n // 2 for n in density.shape)
binned = density[: 2 * z, : 2 * y, : 2 * x].astype(np.float64).reshape(z, 2, y, 2, x, 2).mean(axis=(1, 3, 5))
check(np.allclose(tomogram["1"][:], binned, rtol=0, atol=1e-5 * max(1.0, np.abs(density).max())), "tomogram scale 2 is the 2x2x2 block mean")

seg_name = f"{voxel:.3f}_faket_0_classes-multilabel.zarr"
segmentation = multiscale(os.path.join(run_folder, "Segmentations", seg_name), "segmentation")
lut = np.zeros(len(names) + 1, dtype=np.int64)
for k, name in enumerate(names, start=1):
    lut[k] = objects[name]["label"]
check(np.array_equal(segmentation["0"][:].astype(np.int64), lut[classes]), "segmentation scale 1 is the class mask in the config's labels")
check(np.array_equal(segmentation["1"][:].astype(np.int64), lut[classes][::2, ::2, ::2][: z, : y, : x]), "segmentation scale 2 keeps labels")

rows = list(csv.DictReader(open(particles_csv)))
by_class = {}
for r in rows:
    by_class.setdefault(r["class_name"], []).append(r)
picks_folder = os.path.join(run_folder, "Picks")
files = sorted(os.listdir(picks_folder))
check(files == sorted(f"faket_0_{name}.json" for name in by_class), f"one pick file per class with particles: {files}")



for name, expected in by_class.items():
    picks = json.load(open(os.path.join(picks_folder, f"faket_0_{name}.json")))
    check(picks["pickable_object_name"] == name and picks["run_name"] == run and picks["unit"] == "angstrom"
          and picks["user_id"] == "faket" and picks["session_id"] == "0", f"{name}: pick file header")
    check(objects[name]["is_particle"] and objects[name]["radius"] > 0, f"{name}: a particle with a radius")
    points = sorted(picks["points"], key=lambda p: p["instance_id"])
    expected = sorted(expected, key=lambda r: int(r["id"]))
    check([p["instance_id"] for p in points] == [int(r["id"]) for r in expected], f"{name}: instance ids are the particle ids")
    for p, r in zip(points, expected):
        at = np.array([p["location"][a] for a in "xyz"]) / picks["voxel_spacing"]
        # The CSV rounds to 3 decimals.
        if not np.allclose(at, [float(r[a]) for a in "xyz"], rtol=0, atol=1e-3):
            check(False, f"{name} {r['id']}: location / voxel spacing {at} is the centre {[r[a] for a in 'xyz']}")
        m = np.array(p["transformation_"])
        rotation = zxz.rotation(float(r["phi"]), float(r["the"]), float(r["psi"]))
        if not (np.allclose(m[:3, :3], rotation.T, atol=1e-3) and np.allclose(m[3], [0, 0, 0, 1]) and np.allclose(m[:3, 3], 0)):
            check(False, f"{name} {r['id']}: transformation_ is the orientation")
    check(True, f"{name}: {len(points)} locations / voxel spacing equal the particle list's centres")
print("ALL OK")

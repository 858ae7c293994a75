"""Checks the RELION 5 files of a tilt series and its tomogram's particles with an independent STAR parser, numpy and
mrcfile (Debian's python3-numpy, python3-mrcfile).

usage: relion5_check.py FOLDER NAME PARTICLES.star TOMOGRAM.mrc PARTICLES.csv
FOLDER holds NAME.mrc (the series), NAME.json (its history), tomograms.star and tilt_series/NAME.star.
Prints one line per check and exits non-zero on the first failure."""
import csv
import json
import math
import os
import shlex
import sys

import mrcfile
import numpy as np
import zxz

folder, name, particles_star, tomogram_mrc, particles_csv = sys.argv[1:6]


def check(ok, what):
    if not ok:
        print("FAIL", what)
        sys.exit(1)
    print("ok", what)


def star(path):
    """{block: (columns, rows)} of a STAR file's loops."""
    blocks, block, columns, rows = {}, None, None, None
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("data_"):
            block, columns, rows = line[5:], [], []
            blocks[block] = (columns, rows)
        elif line == "loop_":
            continue
        elif line.startswith("_"):
            columns.append(line.split()[0])
        else:
            values = shlex.split(line)
            check(len(values) == len(columns), f"{path}: a row has one value per column")
            rows.append(dict(zip(columns, values)))
    return blocks


history = json.load(open(os.path.join(folder, name + ".json")))["history"]
microscope = [h for h in history if h["step"] == "Invoke-MicroscopeSimulation"][-1]["parameters"]
with mrcfile.open(os.path.join(folder, name + ".mrc")) as m:
    tilts, pixel = m.data.shape[0], float(m.voxel_size.x)
angles = [float(a) for a in open(os.path.join(folder, name + ".tlt")).read().split()]

tomograms = star(os.path.join(folder, "tomograms.star"))
columns, rows = tomograms["global"]
for column in ("_rlnTomoName", "_rlnTomoTiltSeriesStarFile", "_rlnVoltage", "_rlnSphericalAberration", "_rlnAmplitudeContrast",
               "_rlnMicrographOriginalPixelSize", "_rlnTomoHand", "_rlnOpticsGroupName", "_rlnTomoTiltSeriesPixelSize"):
    check(column in columns, f"tomograms.star has {column}")
row = [r for r in rows if r["_rlnTomoName"] == name]
check(len(row) == 1, f"tomograms.star lists {name} once")
row = row[0]
check(math.isclose(float(row["_rlnVoltage"]), microscope["Voltage"]) and math.isclose(float(row["_rlnSphericalAberration"]), microscope["SphericalAberration"])
      and math.isclose(float(row["_rlnAmplitudeContrast"]), microscope["AmplitudeContrast"]), "the microscope's voltage, Cs and amplitude contrast")
check(math.isclose(float(row["_rlnTomoTiltSeriesPixelSize"]), pixel, rel_tol=1e-6), "the series' pixel size")

per_tilt = star(os.path.join(folder, row["_rlnTomoTiltSeriesStarFile"]))
check(list(per_tilt) == [name], f"the per-tilt file has one block, data_{name}")
columns, rows = per_tilt[name]
for column in ("_rlnTomoNominalStageTiltAngle", "_rlnMicrographPreExposure", "_rlnDefocusU", "_rlnDefocusV", "_rlnMicrographName"):
    check(column in columns, f"the per-tilt file has {column}")
check(len(rows) == tilts, f"one row per tilt ({tilts})")
dose = microscope["TotalDose"] / tilts
for i, r in enumerate(rows):
    # The microscope's PriorDose counts half the tilt's own dose; RELION's pre-exposure counts only the tilts before it.
    expected_pre = microscope["PriorDose"][i] - dose / 2
    if not (math.isclose(float(r["_rlnTomoNominalStageTiltAngle"]), angles[i], abs_tol=1e-5)
            and math.isclose(float(r["_rlnMicrographPreExposure"]), expected_pre, abs_tol=1e-5)
            and math.isclose(float(r["_rlnDefocusU"]), microscope["Defocus"] * 1e4, abs_tol=1e-3)
            and r["_rlnMicrographName"] == f"{i + 1}@{name}.mrc"):
        check(False, f"tilt {i}: angle, pre-exposure, defocus and image name")
check(True, "every tilt's angle, pre-exposure (from the dose order), defocus and image name")

blocks = star(particles_star)
check("optics" in blocks and "particles" in blocks, "the particle file has data_optics and data_particles")
optics_columns, optics = blocks["optics"]
for column in ("_rlnOpticsGroup", "_rlnVoltage", "_rlnSphericalAberration", "_rlnAmplitudeContrast", "_rlnTomoTiltSeriesPixelSize"):
    check(column in optics_columns, f"data_optics has {column}")
columns, particles = blocks["particles"]
for column in ("_rlnTomoName", "_rlnCenteredCoordinateXAngst", "_rlnCenteredCoordinateYAngst", "_rlnCenteredCoordinateZAngst",
               "_rlnAngleRot", "_rlnAngleTilt", "_rlnAnglePsi", "_rlnClassNumber"):
    check(column in columns, f"data_particles has {column}")
with mrcfile.open(tomogram_mrc) as m:
    nz, ny, nx = m.data.shape
    voxel = float(m.voxel_size.x)
expected = list(csv.DictReader(open(particles_csv)))
check(len(particles) == len(expected), f"{len(expected)} particles")


def euler_angles2matrix(rot, tilt, psi):
    """RELION's Euler_angles2matrix (src/euler.cpp)."""
    a, b, g = (math.radians(v) for v in (rot, tilt, psi))
    ca, sa, cb, sb, cg, sg = math.cos(a), math.sin(a), math.cos(b), math.sin(b), math.cos(g), math.sin(g)
    cc, cs, sc, ss = cb * ca, cb * sa, sb * ca, sb * sa
    return np.array([[cg * cc - sg * sa, cg * cs + sg * ca, -cg * sb],
                     [-sg * cc - cg * sa, -sg * cs + cg * ca, sg * sb],
                     [sc, ss, cb]])



for p, e in zip(particles, expected):
    centred = [float(p[f"_rlnCenteredCoordinate{a}Angst"]) for a in "XYZ"]
    want = [(float(e["x"]) - nx / 2) * voxel, (float(e["y"]) - ny / 2) * voxel, (float(e["z"]) - nz / 2) * voxel]
    rotation = zxz.rotation(float(e["phi"]), float(e["the"]), float(e["psi"]))
    a = euler_angles2matrix(float(p["_rlnAngleRot"]), float(p["_rlnAngleTilt"]), float(p["_rlnAnglePsi"]))
    if not (np.allclose(centred, want, atol=voxel * 1e-3) and p["_rlnTomoName"] == name and int(p["_rlnClassNumber"]) == int(e["class"])
            and np.allclose(a, rotation.T, atol=1e-3)):
        check(False, f"particle {e['id']}: centred {centred} for {want}, class, name and orientation")
check(True, "centred coordinates are (voxel - size / 2) x voxel size of the particle list's centres, with class and orientation")
print("ALL OK")

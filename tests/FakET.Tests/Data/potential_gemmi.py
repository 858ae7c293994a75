#!/usr/bin/python3
"""The independent reference for ConvertTo-Potential: gemmi's electron-scattering density (Debian's python3-gemmi 0.5.7,
DensityCalculatorE: International Tables C 4.3.2.2, the Peng et al. 1996 five-Gaussian fits, each atom with its own
B-factor and occupancy) averaged over each voxel and turned into volts.

    potential_gemmi.py MODEL OUT.mrc VOXEL NX NY NZ OX OY OZ [FINE]

Voxel (i, j, k) of the (Z, Y, X) output is the mean of gemmi's density at the FINE³ (default 8) sub-cell centres of
the cube of edge VOXEL Å centred at (OX, OY, OZ) + (k, j, i)·VOXEL, times h²/(2π m₀ e) = 47.878 V·Å². gemmi's grid is
periodic over the unit cell, so the cell is the box plus a margin on every side (no atom wraps into the box). It
prints the map's sum times the voxel volume and 47.878·Σ occupancy·Σaᵢ, the integral it should equal.

potential_case_c.mrc, .cif and .pdb are the shared reference case c-potential's expected.mrc, model.cif and model.pdb
(800 random atoms of C, N, O, S, P, Fe, Mg; a 40³ grid of 2 Å from the origin). This script remakes that map with
    potential_gemmi.py potential_case_c.cif remade.mrc 2 40 40 40 0 0 0 8
to a relative L2 difference of 3.5e-7. The Process tier runs it on random structures the tests write.
"""
import sys
import numpy as np
import gemmi
import mrcfile

model, out = sys.argv[1], sys.argv[2]
h = float(sys.argv[3])
n = [int(v) for v in sys.argv[4:7]]            # x, y, z voxels
origin = [float(v) for v in sys.argv[7:10]]    # centre of voxel (0, 0, 0), Å
fine = int(sys.argv[10]) if len(sys.argv) > 10 else 8
margin = int(np.ceil(12 / h)) + 1              # voxels of padding (beyond any atom's reach) against the cell's periodicity

st = gemmi.read_structure(model)
st.setup_entities()
step = h / fine
# Fine grid point j (from the cell's corner) stands for position origin - h/2 + (j + 1/2)·step - margin·h.
shift = [-(origin[a] - h / 2 + step / 2 - margin * h) for a in range(3)]
st[0].transform_pos_and_adp(gemmi.Transform(gemmi.Mat33(), gemmi.Vec3(*shift)))
size = [(n[a] + 2 * margin) * fine for a in range(3)]
st.cell = gemmi.UnitCell(size[0] * step, size[1] * step, size[2] * step, 90, 90, 90)
st.spacegroup_hm = 'P 1'
dc = gemmi.DensityCalculatorE()
dc.grid.set_unit_cell(st.cell)
dc.grid.set_size(*size)
dc.put_model_density_on_grid(st[0])
g = np.array(dc.grid, copy=False)              # (x, y, z)
m = margin * fine
g = g[m:m + n[0] * fine, m:m + n[1] * fine, m:m + n[2] * fine]
v = g.reshape(n[0], fine, n[1], fine, n[2], fine).mean(axis=(1, 3, 5)) * 47.878
volts = np.ascontiguousarray(v.transpose(2, 1, 0), dtype=np.float32)   # (z, y, x)
with mrcfile.new(out, overwrite=True) as f:
    f.set_data(volts)
    f.voxel_size = h
expected = 47.878 * sum(atom.occ * sum(atom.element.c4322.a) for chain in st[0] for residue in chain for atom in residue)
print('integral', float(volts.astype(np.float64).sum()) * h ** 3, 'expected', expected)

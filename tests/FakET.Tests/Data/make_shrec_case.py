# Makes a SHREC'21-layout scoring case (numpy and mrcfile only): a ground-truth folder with particle_locations.txt
# (CLASS x y z rot1 rot2 rot3, 0-based voxels) and occupancy_mask.mrc (int16, line n's particle is index n), and a
# predictions.txt with everything a scorer must get right: exact and shifted hits (some on .5, where rounding goes to
# even), duplicates, wrong classes, lower-case names, picks on background, on vesicles and fiducials, and outside the
# volume; particles that touch (the dilated mask then favours the higher index) and particles never picked.
# Usage: make_shrec_case.py OUT NX NY NZ PARTICLES PICKS SEED [gzip]
import gzip, os, shutil, sys
import numpy as np, mrcfile

out, nx, ny, nz, count, npicks, seed = sys.argv[1], *map(int, sys.argv[2:8])
compress = len(sys.argv) > 8 and sys.argv[8] == 'gzip'
rng = np.random.default_rng(seed)
pdb = ['4V94', '4CR2', '1QVR', '1BXN', '3CF3', '1U6G', '3D2F', '2CG9', '3H84', '3GL1', '3QM1', '1S3X', '5MRC']
occupancy = np.zeros((nz, ny, nx), dtype=np.int16)
z, y, x = np.ogrid[:nz, :ny, :nx]
particles = []
for index in range(1, count + 1):
    kind = rng.random()
    name = 'vesicle' if kind < 0.06 else 'fiducial' if kind < 0.14 else pdb[rng.integers(len(pdb))]
    radius = {'vesicle': rng.uniform(7, 10), 'fiducial': 2.5}.get(name, rng.uniform(2.5, 5.5))
    if index > 1 and rng.random() < 0.1:  # touching the previous particle
        px, py, pz, pr = particles[-1][1:5]
        direction = rng.normal(size=3); direction /= np.linalg.norm(direction)
        c = np.round(np.array([px, py, pz]) + direction * (pr + radius)).astype(int)
        c = np.clip(c, 0, [nx - 1, ny - 1, nz - 1])
    else:
        c = np.array([rng.integers(nx), rng.integers(ny), rng.integers(nz)])
    r = int(np.ceil(radius))
    lo = np.maximum(c - r, 0); hi = np.minimum(c + r + 1, [nx, ny, nz])
    d2 = (x[..., lo[0]:hi[0]] - c[0]) ** 2 + (y[:, lo[1]:hi[1]] - c[1]) ** 2 + (z[lo[2]:hi[2]] - c[2]) ** 2
    shape = d2 <= radius ** 2
    if name == 'vesicle':
        shape &= d2 >= (radius - 2) ** 2
    box = occupancy[lo[2]:hi[2], lo[1]:hi[1], lo[0]:hi[0]]
    box[shape] = index  # later particles overwrite earlier ones where they overlap
    particles.append((name, int(c[0]), int(c[1]), int(c[2]), radius))

os.makedirs(out, exist_ok=True)
with open(os.path.join(out, 'particle_locations.txt'), 'w') as f:
    for name, px, py, pz, _ in particles:
        angles = 'nan nan nan' if name == 'fiducial' else ' '.join(f'{a:.3f}' for a in rng.uniform(0, 360, 3))
        f.write(f'{name} {px} {py} {pz} {angles}\n')
mask = os.path.join(out, 'occupancy_mask.mrc')
with mrcfile.new(mask, overwrite=True) as m:
    m.set_data(occupancy)
if compress:
    with open(mask, 'rb') as src, gzip.open(mask + '.gz', 'wb', compresslevel=1) as dst:
        shutil.copyfileobj(src, dst)
    os.remove(mask)

def named(name):
    return name.lower() if name in pdb and rng.random() < 0.2 else name

picks = []
picked = rng.permutation(count)[: int(0.75 * count)]
for i in picked:
    name, px, py, pz, radius = particles[i]
    label = name if rng.random() < 0.7 else (pdb + ['vesicle', 'fiducial'])[rng.integers(len(pdb) + 2)]
    offset = rng.normal(scale=radius / 3, size=3)
    if rng.random() < 0.15:
        offset = np.array([0.5, -0.5, 1.5])  # halves: Python rounds them to even
    picks.append((named(label), px + offset[0], py + offset[1], pz + offset[2]))
    if rng.random() < 0.15:  # a duplicate, perhaps of another class
        picks.append((named(pdb[rng.integers(len(pdb))]), px + rng.normal(), py + rng.normal(), pz + rng.normal()))
while len(picks) < npicks:
    r = rng.random()
    if r < 0.1:  # outside the volume, some far
        p = [rng.uniform(-30, nx + 30), rng.uniform(-30, ny + 30), rng.choice([rng.uniform(-40, -0.6), rng.uniform(nz - 0.4, nz + 40)])]
    else:  # anywhere: mostly background, sometimes a particle
        p = [rng.uniform(0, nx - 1), rng.uniform(0, ny - 1), rng.uniform(0, nz - 1)]
    label = ['vesicle', 'fiducial', *pdb][rng.integers(len(pdb) + 2)]
    picks.append((named(label), *p))
order = rng.permutation(len(picks))
with open(os.path.join(out, 'predictions.txt'), 'w') as f:
    for i in order:
        name, px, py, pz = picks[i]
        f.write(f'{name} {px:.3f} {py:.3f} {pz:.3f}\n')

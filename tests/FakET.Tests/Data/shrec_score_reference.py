# An independent SHREC'21 scorer for the tests, written from the rules that the team's reference notes give for the
# published evaluation script (shared/reference/README.md, case-b-scoring), not from this module's C#: numpy and mrcfile
# only. One correction to those notes: the script dilates with skimage's default footprint, the cross of six face
# neighbours (connectivity 1), not the full 3x3x3 cube; the case's expected.json tells them apart (53 false positives
# with the cross, 52 with the cube). Picks are clipped to the volume's own last index on each axis (the script writes
# 511, which is that index for SHREC's 512-cubed volumes).
# Usage: shrec_score_reference.py TRUTH_FOLDER PREDICTIONS EXCLUDED(comma-separated, or '') -> JSON on stdout
import gzip, json, os, sys
import numpy as np, mrcfile

folder, predictions, excluded = sys.argv[1], sys.argv[2], [c for c in sys.argv[3].split(',') if c]
path = os.path.join(folder, 'occupancy_mask.mrc')
if os.path.exists(path):
    occupancy = np.asarray(mrcfile.open(path, permissive=True).data)
else:
    import tempfile
    with gzip.open(path + '.gz') as f, tempfile.NamedTemporaryFile(suffix='.mrc') as t:
        t.write(f.read()); t.flush()
        occupancy = np.asarray(mrcfile.open(t.name, permissive=True).data).copy()
# Grey dilation by the cross of connectivity 1 (skimage's default footprint): each voxel takes the largest value of
# itself and its six face neighbours inside the volume.
dilated = occupancy.copy()
for axis in range(3):
    n = occupancy.shape[axis]
    lower = [slice(None)] * 3; upper = [slice(None)] * 3
    lower[axis] = slice(0, n - 1); upper[axis] = slice(1, n)
    np.maximum(dilated[tuple(lower)], occupancy[tuple(upper)], out=dilated[tuple(lower)])
    np.maximum(dilated[tuple(upper)], occupancy[tuple(lower)], out=dilated[tuple(upper)])

truth = [None]  # index 0 is background
for line in open(os.path.join(folder, 'particle_locations.txt')):
    fields = line.split()
    if fields:
        truth.append((fields[0], float(fields[1]), float(fields[2]), float(fields[3])))
denominator = len(truth) - 1 - (sum(1 for t in truth[1:] if t[0] == '4V94') if '4V94' in excluded else 0)

picks = []
for line in open(predictions):
    fields = line.split()
    if not fields:
        continue
    name = fields[0] if fields[0] in ('fiducial', 'vesicle') else fields[0].upper()
    picks.append((name, [int(round(float(v))) for v in fields[1:4]]))  # round half to even

nz, ny, nx = occupancy.shape
hits = [[] for _ in truth]
outside = 0
for name, (x, y, z) in picks:
    cx, cy, cz = min(max(x, 0), nx - 1), min(max(y, 0), ny - 1), min(max(z, 0), nz - 1)
    outside += (cx, cy, cz) != (x, y, z)
    index = int(dilated[cz, cy, cx])
    t = truth[index]
    distance = 0.0 if index == 0 else ((cx - t[1]) ** 2 + (cy - t[2]) ** 2 + (cz - t[3]) ** 2) ** 0.5
    hits[index].append((name, distance))

scored = [i for i in range(1, len(truth)) if truth[i][0] not in excluded]
tp = sum(1 for i in scored if hits[i])
recall = tp / denominator
precision = tp / len(picks)
result = {
    'TP': tp, 'FP': len(hits[0]), 'FN': sum(1 for i in scored if not hits[i]),
    'recall': recall, 'Precision': precision, 'F1 score': 2 * recall * precision / (recall + precision),
    'predicted_particles': len(picks),
    'n_particles_with_multiple_preds': sum(1 for i in scored if len(hits[i]) > 1),
    'n_particles_outside_bounds': outside,
    'avg_euclid_dist_from_real_center': sum(hits[i][0][1] for i in scored if hits[i]) / tp,
}
actual = [truth[i][0] for i in scored]
predicted = [hits[i][0][0] if hits[i] and hits[i][0][0] not in excluded else 'background' for i in scored]
f1 = {}
for c in sorted(set(actual) | set(predicted)):
    both = sum(1 for a, p in zip(actual, predicted) if a == c and p == c)
    fp = sum(1 for a, p in zip(actual, predicted) if a != c and p == c)
    fn = sum(1 for a, p in zip(actual, predicted) if a == c and p != c)
    f1[c] = 2 * both / (2 * both + fp + fn)
print(json.dumps({'localization': result, 'classification_f1_macro': sum(f1.values()) / len(f1), 'classification_f1_per_class': f1}))

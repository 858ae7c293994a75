#!/usr/bin/env bash
# Times Measure-PickingAccuracy against the published SHREC'21 evaluation script (the FakET authors' copy,
# faket/shrec2021/eval.py) on the same SHREC-layout case: a 512^3 int16 occupancy mask with PARTICLES particles and PICKS
# picks made by tests/FakET.Tests/Data/make_shrec_case.py, scored with vesicles excluded (--skip_vesicles). Each is run
# RUNS times in turn, alternating; the medians are printed with their ratio, and the figures of both are compared.
#
# The published script is not part of this repository. Give the folder that holds it and its Python dependencies:
#   EVAL_DIR/eval.py       faket/shrec2021/eval.py from github.com/paloha/faket, unmodified
#   EVAL_DIR/pycm/         pycm 3.8 (the script imports pycm.pycm_output, which pycm 4 no longer has)
#   EVAL_DIR/scikitplot/   scikit-plot 0.3.7 (needs scikit-learn)
# and Debian's python3-numpy, -mrcfile, -scipy, -skimage, -matplotlib, -seaborn and -sklearn.
# run_published.py runs eval.py on Python 3.11, which no longer accepts the script's open(..., 'rU').
#
# Usage: benchmarks/picking-accuracy/run.sh EVAL_DIR [WORK_DIR] [PARTICLES] [PICKS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
eval_dir=$(realpath "$1"); work=${2:-/tmp/faket-picking-bench}; particles=${3:-700}; picks=${4:-2000}; runs=${5:-5}
faket=src/FakET.Host/bin/Release/net10.0/faket
[ -x "$faket" ] || dotnet build -c Release >/dev/null
rm -rf "$work" && mkdir -p "$work/published" "$work/ours"
/usr/bin/python3 tests/FakET.Tests/Data/make_shrec_case.py "$work/case" 512 512 512 "$particles" "$picks" 1 plain
cat /proc/cpuinfo | grep -m1 "model name" | sed 's/.*: /cpu: /'; echo "cores: $(nproc)"

published() { MPLBACKEND=Agg PYTHONPATH="$eval_dir" /usr/bin/python3 benchmarks/picking-accuracy/run_published.py "$eval_dir/eval.py" \
  -s "$work/case/predictions.txt" -t "$work/case" -o "$work/published" --skip_vesicles >/dev/null 2>&1; }
ours() { "$faket" -Command "\$null = Measure-PickingAccuracy '$work/case/predictions.txt' -Truth '$work/case' -ExcludeClass vesicle -VoxelSize 10 -Path '$work/ours/score.json' -Force"; }
ours_in_session() { "$faket" -Command "Measure-PickingAccuracy '$work/case/predictions.txt' -Truth '$work/case' -ExcludeClass vesicle -VoxelSize 10 -WarningAction SilentlyContinue | Out-Null; (Measure-Command { Measure-PickingAccuracy '$work/case/predictions.txt' -Truth '$work/case' -ExcludeClass vesicle -VoxelSize 10 -Path '$work/ours/again.json' -Force }).TotalSeconds"; }
seconds() { local start=$(date +%s%N); "$@"; echo "scale=3; ($(date +%s%N) - $start) / 1000000000" | bc; }

p=() o=() s=()
for i in $(seq "$runs"); do
  p+=("$(seconds published)"); o+=("$(seconds ours)"); s+=("$(ours_in_session)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mp=$(median "${p[@]}"); mo=$(median "${o[@]}"); ms=$(median "${s[@]}")
echo "published script, whole run:                       ${p[*]} s  median $mp s"
echo "faket -Command Measure-PickingAccuracy, whole run: ${o[*]} s  median $mo s  ratio $(echo "scale=3; $mo / $mp" | bc)"
echo "Measure-PickingAccuracy in a session (second call): ${s[*]} s  median $ms s  ratio $(echo "scale=4; $ms / $mp" | bc)"
/usr/bin/python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
a = json.load(open(f'{work}/published/evaluation.json'))
b = json.load(open(f'{work}/ours/score.json'))['shrec2021']
keys = ['TP', 'FP', 'FN', 'recall', 'Precision', 'F1 score', 'predicted_particles', 'n_particles_with_multiple_preds',
        'n_particles_outside_bounds', 'avg_euclid_dist_from_real_center']
worst = max(abs(a['localization'][k] - b['localization'][k]) for k in keys)
per_class = a['classification']['per_class']['F1']
worst = max(worst, abs(a['classification']['overall']['F1 Macro'] - b['classification_f1_macro']),
            *(abs(per_class[k] - v) for k, v in b['classification_f1_per_class'].items()))
assert set(per_class) == set(b['classification_f1_per_class']), (sorted(per_class), sorted(b['classification_f1_per_class']))
print(f"figures: TP {a['localization']['TP']}, FP {a['localization']['FP']}, FN {a['localization']['FN']}, F1 {a['localization']['F1 score']:.6f}, "
      f"macro F1 {a['classification']['overall']['F1 Macro']:.6f}; largest difference from the published script {worst:.3g}")
PY

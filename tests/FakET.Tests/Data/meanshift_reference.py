"""Clusters points with scikit-learn's MeanShift (flat kernel, binned seeds), as DeepFinder's clustering step does.

Usage: meanshift_reference.py POINTS.csv BANDWIDTH
POINTS.csv holds one point per line, "x,y,z". Prints JSON: {"centres": [[x, y, z], ...], "labels": [...]}, the centres
in scikit-learn's order (densest first).
"""
import json
import sys

import numpy as np
from sklearn.cluster import MeanShift

points = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
bandwidth = float(sys.argv[2])
clustering = MeanShift(bandwidth=bandwidth, bin_seeding=True).fit(points)
print(json.dumps({"centres": clustering.cluster_centers_.tolist(), "labels": clustering.labels_.tolist()}))

"""The module's ZXZ convention in numpy, for the format checks: the particle is its reference turned by
R = Rz(psi)·Rx(the)·Rz(phi), active and right-handed, angles in degrees."""
import math

import numpy as np


def rz(d):
    c, s = math.cos(math.radians(d)), math.sin(math.radians(d))
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]])


def rx(d):
    c, s = math.cos(math.radians(d)), math.sin(math.radians(d))
    return np.array([[1.0, 0, 0], [0, c, -s], [0, s, c]])


def rotation(phi, the, psi):
    """R = Rz(psi)·Rx(the)·Rz(phi)."""
    return rz(psi) @ rx(the) @ rz(phi)

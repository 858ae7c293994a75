"""The reference verdicts for MRC reading and validation, from CCP-EM's mrcfile (Debian's python3-mrcfile).

    python3 mrc_reference.py make DIR     writes broken and compressed MRC files into DIR (one per case, named after it)
    python3 mrc_reference.py judge DIR    prints one JSON line per file in DIR: mrcfile.validate's verdict, and the data
                                          a permissive mrcfile.open reads, if any

The data go out as the SHA-256 of the values as little-endian float32 (NaN made one canonical NaN), with the shape,
so that a reader's values can be compared exactly. Tilt angles of FEI extended headers go out as well.
"""
import bz2
import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import sys
import warnings

import mrcfile
import numpy as np
from mrcfile.dtypes import get_ext_header_dtype


def base(path, data=None, voxel=2.5):
    """A valid file: a (3, 5, 4) float32 pattern, statistics in the header, one label."""
    if data is None:
        z, y, x = np.mgrid[0:3, 0:5, 0:4]
        data = ((x + 3 * y + 7 * z) % 97 - 48).astype(np.float32) / 4
    with mrcfile.new(path, overwrite=True) as m:
        m.set_data(data)
        m.voxel_size = voxel
        m.update_header_stats()
    return path


def patch(path, offset, fmt, value):
    with open(path, 'r+b') as f:
        f.seek(offset)
        f.write(struct.pack(fmt, value) if not isinstance(value, bytes) else value)


def make(folder):
    os.makedirs(folder, exist_ok=True)
    p = lambda name: os.path.join(folder, name + '.mrc')
    base(p('valid'))
    for name, offset, fmt, value in [
        ('nomap', 208, '4s', b'\0\0\0\0'),
        ('map-no-space', 208, '4s', b'MAP\0'),
        ('badstamp', 212, '4s', b'\0\0\0\0'),
        ('stamp-says-big', 212, '4s', b'\x11\x11\0\0'),
        ('mode3', 12, '<i', 3),
        ('mode0-float-data', 12, '<i', 0),
        ('ny-negative', 4, '<i', -5),
        ('nz-zero', 8, '<i', 0),
        ('mx-negative', 28, '<i', -4),
        ('cella-negative', 40, '<f', -10.0),
        ('cella-zero', 40, '<f', 0.0),
        ('nlabl-wrong', 220, '<i', 5),
        ('nversion-zero', 108, '<i', 0),
        ('dmax-wrong', 80, '<f', 1000.0),
        ('rms-wrong', 216, '<f', 50.0),
        ('nsymbt-negative', 92, '<i', -8),
        ('nsymbt-past-end', 92, '<i', 1 << 20),
    ]:
        shutil.copy(p('valid'), p(name))
        patch(p(name), offset, fmt, value)
    shutil.copy(p('valid'), p('axes-111'))
    for offset in (64, 68, 72):
        patch(p('axes-111'), offset, '<i', 1)
    shutil.copy(p('valid'), p('axes-321'))
    patch(p('axes-321'), 64, '<i', 3)
    patch(p('axes-321'), 72, '<i', 1)
    shutil.copy(p('valid'), p('volume-stack-bad-mz'))
    patch(p('volume-stack-bad-mz'), 88, '<i', 401)
    patch(p('volume-stack-bad-mz'), 36, '<i', 2)
    raw = open(p('valid'), 'rb').read()
    open(p('truncated'), 'wb').write(raw[:-10])
    open(p('extra-bytes'), 'wb').write(raw + b'\0' * 16)
    # An extended header of 80 bytes whose type (exttyp) is not set.
    ext = bytearray(raw[:1024]) + b'\0' * 80 + raw[1024:]
    struct.pack_into('<i', ext, 92, 80)
    open(p('exttyp-unset'), 'wb').write(bytes(ext))
    # Compressed copies, and a compressed file with extra data.
    with open(p('valid'), 'rb') as f:
        content = f.read()
    open(os.path.join(folder, 'valid-gzip.mrc.gz'), 'wb').write(gzip.compress(content))
    open(os.path.join(folder, 'valid-bzip2.mrc.bz2'), 'wb').write(bz2.compress(content))
    open(os.path.join(folder, 'extra-bytes-gzip.mrc.gz'), 'wb').write(gzip.compress(content + b'\0' * 8))
    open(os.path.join(folder, 'truncated-bzip2.mrc.bz2'), 'wb').write(bz2.compress(content[:-10]))
    open(os.path.join(folder, 'not-gzip.mrc.gz'), 'wb').write(b'\x1f\x8b\x08\x00' + b'junk' * 300)
    # A Thermo Fisher (FEI1) tilt series with its tilt angles in the extended header, big-endian and little-endian.
    for name, order in [('fei1-tilts', '<'), ('fei2-tilts-big', '>')]:
        exttyp = b'FEI1' if name.startswith('fei1') else b'FEI2'
        data = np.arange(4 * 6 * 5, dtype=np.float32).reshape(4, 6, 5)
        path = p(name)
        with mrcfile.new(path, overwrite=True) as m:
            m.set_data(data.astype(order + 'f4') if order == '>' else data)
            ext = np.zeros(4, dtype=get_ext_header_dtype(exttyp, order))
            ext['Metadata size'] = ext.dtype.itemsize
            ext['Alpha tilt'] = [-45.5, -15.25, 15.0, 44.75]
            m.set_extended_header(ext)
            m.header.exttyp = exttyp
            m.voxel_size = 3.0
    if sys.byteorder == 'little':
        # mrcfile writes big-endian data only from big-endian arrays; check the stamp says big-endian.
        with mrcfile.open(p('fei2-tilts-big'), permissive=True) as m:
            assert m.header.mode.dtype.byteorder == '>', 'expected a big-endian file'


def digest(data):
    values = np.asarray(data).astype('<f4')
    values = np.where(np.isnan(values), np.float32(np.nan), values).astype('<f4')
    return hashlib.sha256(values.tobytes()).hexdigest()


def judge(folder):
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        out = {'name': name, 'valid': False, 'permissive': None}
        text = io.StringIO()
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            # What mrcfile.validate does (validator.py): a permissive open, then the object's validate(); the same open
            # gives the permissive read.
            try:
                with mrcfile.open(path, permissive=True) as m:
                    out['valid'] = bool(m.validate(print_file=text))
                    data = m.data
                    if data is not None and data.dtype.kind != 'c' and data.ndim in (2, 3):
                        out['permissive'] = {'shape': list(data.shape), 'sha': digest(data)}
                    if m.header.exttyp in (b'FEI1', b'FEI2') and m.extended_header is not None and m.extended_header.dtype.names:
                        out['tilts'] = [float(a) for a in m.extended_header['Alpha tilt']]
            except Exception as e:
                print(repr(e), file=text)
        out['report'] = text.getvalue()
        print(json.dumps(out))


if __name__ == '__main__':
    {'make': make, 'judge': judge}[sys.argv[1]](sys.argv[2])

# Runs the published SHREC'21 evaluation script (a fetched copy, unmodified) on Python 3.11, which no longer accepts
# open(..., 'rU'): the mode's 'U' is dropped by a wrapper around open().
import builtins, runpy, sys
_open = builtins.open
def _open_without_u(file, mode='r', *args, **kwargs):
    return _open(file, mode.replace('U', ''), *args, **kwargs)
builtins.open = _open_without_u
script = sys.argv[1]
sys.argv = [script] + sys.argv[2:]
runpy.run_path(script, run_name='__main__')

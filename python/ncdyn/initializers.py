"""initializers.py - Hadamard matrices and simplex equiangular tight frames
(api.md "Initializers", spec/init.md), returned as new C-contiguous arrays.
"""
from ctypes import byref, c_int

import numpy as np

from . import _arrays, _capi, _lib

__all__ = ["hadamard", "simplex_etf", "hadamard_supported", "stiefel", "HADAMARD_KINDS"]

#: ncd_hadamard_kind values reported by hadamard_supported (index = C value)
HADAMARD_KINDS = ("none", "sylvester", "paley1", "paley2", "kronecker")


def _fill(name, shape, dtype, args):
    dt = np.dtype(dtype)
    if dt not in (_arrays.F64, _arrays.F32):
        raise _lib.invalid("dtype must be float64 or float32, got %s" % dt, name)
    f32 = dt == _arrays.F32 and _capi.has(name + "_f32")
    out = np.empty(shape, dtype=dt if f32 else _arrays.F64)
    _capi.call(name + "_f32" if f32 else name, *args, out.ctypes.data,
               max(shape[1], 1))
    return out if out.dtype == dt else out.astype(dt)


def _size(v, what):
    v = int(v)
    if v < 0:
        raise _lib.invalid("%s must be >= 0, got %d" % (what, v))
    return v


def hadamard(n, dtype=np.float64):
    """The canonical n x n Hadamard matrix (+1/-1 entries, H H^T = n I, first row
    and column +1; spec/init.md section 1). NotSupported for orders outside the
    Sylvester / Paley I / Paley II / Kronecker family (e.g. 92 or any n that is
    not 1, 2 or a multiple of 4)."""
    n = _size(n, "n")
    return _fill("ncd_hadamard", (n, n), dtype, (n,))


def simplex_etf(k, d, seed=0, dtype=np.float64):
    """k x d simplex ETF rows: unit norm, sum zero, pairwise inner product
    -1/(k-1). seed 0 is the canonical frame of spec/init.md section 2; any other
    seed a reproducible random rotation (bit-identical on every platform).
    Requires k >= 2 and d >= k - 1."""
    k, d, seed = _size(k, "k"), _size(d, "d"), int(seed)
    if not 0 <= seed < 2**64:
        raise _lib.invalid("seed must be in [0, 2**64)", "ncd_simplex_etf")
    return _fill("ncd_simplex_etf", (k, d), dtype, (k, d, seed))


def stiefel(r, d, seed=0, dtype=np.float64):
    """r x d orthonormal rows (seed 0: the first r unit vectors; other seeds: the
    first r rows of a Haar-random orthogonal matrix). Needs a library with
    ncd_stiefel (an addition beyond the contract)."""
    r, d, seed = _size(r, "r"), _size(d, "d"), int(seed)
    if not 0 <= seed < 2**64:
        raise _lib.invalid("seed must be in [0, 2**64)", "ncd_stiefel")
    return _fill("ncd_stiefel", (r, d), dtype, (r, d, seed))


def hadamard_supported(n):
    """(supported, kind): whether hadamard(n) succeeds and with which
    construction (a name of HADAMARD_KINDS). Uses ncd_hadamard_supported where the
    library has it (an addition beyond the contract)."""
    n = _size(n, "n")
    kind = c_int(0)
    st = _capi.fn("ncd_hadamard_supported")(n, byref(kind))
    if st == _lib.ENOTSUP:
        return False, "none"
    _lib.check(st, "ncd_hadamard_supported")
    k = kind.value
    return True, HADAMARD_KINDS[k] if 0 <= k < len(HADAMARD_KINDS) else str(k)

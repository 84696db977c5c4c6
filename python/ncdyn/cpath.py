"""cpath.py - the central path of Han, Papyan and Donoho (api.md "Central path",
spec/central-path.md): the singular-value flow omega(t), the least-squares
classifier and the MSE decomposition of Theorems 1-2.
"""
from collections import namedtuple
from ctypes import byref, c_double

import numpy as np

from . import _arrays, _capi, _lib

__all__ = ["cpath_omega", "ls_classifier", "mse_decompose", "MSEDecomposition"]

#: ncd_mse_decompose's out[4]: L = L_NC1 + L_NC23 + L_LS_perp
MSEDecomposition = namedtuple("MSEDecomposition", "L L_NC1 L_NC23 L_LS_perp")


def cpath_omega(c, n_per_class, omega0, t):
    """omega(t) > 0 solving C^2 N log w + C N w^2 + (N/4) w^4 = a + t with
    omega(0) = omega0 (Proposition 2); c = number of classes >= 2, n_per_class =
    samples per class N >= 1. t may be a scalar (returns a float) or an array
    (returns an array of the same shape, one C call per element)."""
    c, npc, omega0 = int(c), int(n_per_class), float(omega0)
    if c < 0 or npc < 0:
        raise _lib.invalid("c and n_per_class must be >= 0", "ncd_cpath_omega")
    f = _capi.fn("ncd_cpath_omega")
    w = c_double()
    if np.ndim(t) == 0:
        _lib.check(f(c, npc, omega0, float(t), byref(w)), "ncd_cpath_omega")
        return w.value
    ts = np.asarray(t, dtype=np.float64)
    out = np.empty(ts.shape)
    flat = out.reshape(-1)
    for i, ti in enumerate(ts.reshape(-1)):
        _lib.check(f(c, npc, omega0, float(ti), byref(w)), "ncd_cpath_omega")
        flat[i] = w.value
    return out


def ls_classifier(h, y, lam=0.0, k=None):
    """(w, b): the minimizer of (1/(2n)) sum_i ||W h_i + b - e_{y_i}||^2 +
    (lam/2)(||W||_F^2 + ||b||^2) for n x d features h and labels y (k inferred
    as max(y) + 1 unless given). Singular when the regularized system is
    numerically singular (CP-7)."""
    ha, hp, ldh, f32 = _arrays.matrix(h, "h", f32=_capi.has("ncd_ls_classifier_f32"))
    n, d = ha.shape
    ya, yp, _ = _arrays.labels(y, n)
    k = _arrays.n_classes(ya, k)
    w = np.empty((k, d))
    b = np.empty(k)
    _capi.call("ncd_ls_classifier_f32" if f32 else "ncd_ls_classifier", n, d, k, hp,
               ldh, yp, float(lam), w.ctypes.data,
               max(d, 1), b.ctypes.data)
    return w, b


def mse_decompose(h, y, w, b=None, lam=0.0):
    """MSEDecomposition(L, L_NC1, L_NC23, L_LS_perp) of Theorems 1-2 for the k x d
    classifier w and bias b (None: zero bias); classes must be balanced."""
    ha, hp, ldh, f32 = _arrays.matrix(h, "h", f32=_capi.has("ncd_mse_decompose_f32"))
    n, d = ha.shape
    wa, wp, ldw, _ = _arrays.matrix(w, "w")
    k = wa.shape[0]
    if wa.shape[1] != d:
        raise _lib.invalid("w must be k x %d, got %s" % (d, wa.shape), "ncd_mse_decompose")
    ya, yp, _ = _arrays.labels(y, n)
    ba, bp = _arrays.vector(b, "b", k) if b is not None else (None, None)
    out = np.empty(4)
    _capi.call("ncd_mse_decompose_f32" if f32 else "ncd_mse_decompose", n, d, k, hp,
               ldh, yp, wp, ldw, bp, float(lam),
               out.ctypes.data)
    return MSEDecomposition(*map(float, out))

"""losses.py - row-wise softmax, log-softmax, cross-entropy and the rescaled
square loss on n x k logits (api.md "Losses on logits", spec/ufm.md section 2).
float32 logits use the library's _f32 twins when it has them (outputs float32),
else they are converted to float64.
"""
from ctypes import byref, c_double

import numpy as np

from . import _arrays, _capi

__all__ = ["softmax", "log_softmax", "ce_loss", "mse_loss"]


def _logits(z, name):
    """(array, addr, ld, C function name) choosing the float32 twin if present."""
    f32ok = _capi.has(name + "_f32")
    za, zp, ldz, f32 = _arrays.matrix(z, "z", f32=f32ok)
    return za, zp, ldz, (name + "_f32" if f32 else name)


def _rowwise(name, z, out):
    za, zp, ldz, cname = _logits(z, name)
    n, k = za.shape
    if out is None:
        res = np.empty((n, k), dtype=za.dtype)
        _capi.call(cname, n, k, zp, ldz, res.ctypes.data, max(k, 1))
        return res
    oa, op, ldo = _arrays.writable(out, "out", (n, k), za.dtype)
    if oa is None:  # out has another dtype or layout: compute, then copy into it
        res = _rowwise(name, za, None)
        np.copyto(_arrays.to_numpy(out), res, casting="unsafe")
        return out
    _capi.call(cname, n, k, zp, ldz, op, ldo)
    return out


def softmax(z, out=None):
    """Row-wise softmax of the n x k logits z, exact for any finite logits.
    out (optional) receives it and is returned; out may be z (in place)."""
    return _rowwise("ncd_softmax", z, out)


def log_softmax(z, out=None):
    """Row-wise log-softmax of the n x k logits z; out as in softmax()."""
    return _rowwise("ncd_log_softmax", z, out)


def _loss(name, z, y, grad, extra):
    za, zp, ldz, cname = _logits(z, name)
    n, k = za.shape
    ya, yp, _ = _arrays.labels(y, n)
    loss = c_double()
    g, gp = None, None
    if grad:
        g = np.empty((n, k), dtype=za.dtype)
        gp = g.ctypes.data
    _capi.call(cname, n, k, zp, ldz, yp, *extra, byref(loss), gp, max(k, 1))
    return (loss.value, g) if grad else loss.value


def ce_loss(z, y, grad=False):
    """Mean cross-entropy (1/n) sum_i [logsumexp(z_i) - z_{i,y_i}]; with
    grad=True returns (loss, g), g = (softmax(z) - onehot(y)) / n."""
    return _loss("ncd_ce_loss", z, y, grad, ())


def mse_loss(z, y, alpha=1.0, m=1.0, grad=False):
    """Rescaled square loss (1/(2n)) sum_ij c_ij (z_ij - m [j == y_i])^2, c_ij =
    alpha on the true class and 1 elsewhere (Zhou et al. eq. 4); alpha = m = 1 is
    the vanilla MSE. With grad=True returns (loss, d loss / d z)."""
    return _loss("ncd_mse_loss", z, y, grad, (float(alpha), float(m)))

#!/usr/bin/env python3
"""metrics_ctypes.py - call libncdyn's ncd_nc_metrics straight from numpy through
ctypes, without copies: a C-contiguous (n, d) float64 array IS a row-major matrix
with leading dimension d, and a row-sliced view h[:, :m] is one with leading
dimension h.shape[1]. Checks NC1 against a plain numpy pseudo-inverse route.

    NCDYN_LIBRARY=/path/to/libncdyn.so.0 python3 metrics_ctypes.py
(the ncdyn Python package in python/ wraps all of this; this is the bare route)
"""
import ctypes
import ctypes.util
import os
import sys

import numpy as np

lib = ctypes.CDLL(os.environ.get("NCDYN_LIBRARY") or ctypes.util.find_library("ncdyn"))
dp = ctypes.POINTER(ctypes.c_double)
ip = ctypes.POINTER(ctypes.c_int32)
sz = ctypes.c_size_t
lib.ncd_nc_metrics.argtypes = [sz, sz, sz, dp, sz, ip, dp, sz, dp, dp, sz]
lib.ncd_nc_metrics.restype = ctypes.c_int
lib.ncd_strerror.argtypes = [ctypes.c_int]
lib.ncd_strerror.restype = ctypes.c_char_p

rng = np.random.default_rng(3)
n, d, k = 2000, 24, 6
y = (np.arange(n) % k).astype(np.int32)
centres = 4.0 * rng.standard_normal((k, d))
wide = np.empty((n, d + 8))                     # features live in a wider array
wide[:, :d] = centres[y] + rng.standard_normal((n, d))
h = wide[:, :d]                                 # a view: rows contiguous, ld = d + 8
assert not h.flags.c_contiguous and h.strides[1] == 8
w = centres.copy()
out = np.full(19, np.nan)


def ptr(a, t):
    return a.ctypes.data_as(t)


st = lib.ncd_nc_metrics(n, d, k, ptr(h, dp), h.strides[0] // 8, ptr(y, ip),
                        ptr(w, dp), d, None, ptr(out, dp), out.size)
if st != 0:
    sys.exit("ncd_nc_metrics: " + lib.ncd_strerror(st).decode())

# the same NC1 the way peers compute it: Sigma_W, Sigma_B, pinv (d x d)
mu_g = h.mean(axis=0)
mu = np.stack([h[y == c].mean(axis=0) for c in range(k)])
hc = h - mu[y]
sigma_w = hc.T @ hc / n
mbar = mu - mu_g
sigma_b = mbar.T @ mbar / k
nc1_ref = np.trace(sigma_w @ np.linalg.pinv(sigma_b, rcond=max(k, d) * np.finfo(float).eps)) / k
print(f"NC1 libncdyn {out[0]:.15g}  numpy {nc1_ref:.15g}")
print(f"NC4 {out[9]:.6g}  accuracy {out[10]:.6g}  (features passed without a copy, ld = {h.strides[0] // 8})")
sys.exit(0 if abs(out[0] - nc1_ref) <= 1e-10 * abs(nc1_ref) else 1)

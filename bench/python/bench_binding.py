#!/usr/bin/env python3
"""bench_binding.py - cost of the ncdyn Python binding over the C call.

Reference route: the same C function timed inside C, by a small shim compiled
at run time (cc -shared) that calls it `reps` times in a loop and returns the
mean seconds per call (no Python in the loop). The binding route: the ncdyn
wrapper called from Python with numpy arrays (validation, marshalling, ctypes,
exception mapping included).

1. Small inputs: overhead per call = binding - C, in microseconds (goal < 20).
2. n = 100000, d = 512 (k = 10): binding / C time ratio (goal within 5%).

Run from the repository after `make` (make bench runs it):
    NCDYN_LIBRARY=lib/libncdyn.so.0 PYTHONPATH=python python3 bench/python/bench_binding.py
The machine is shared: figures are noisy; each is the best of several repeats.
"""
import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
if not os.environ.get("NCDYN_LIBRARY"):
    _so = os.path.join(HERE, "..", "..", "lib", "libncdyn.so.0")
    if os.path.exists(_so):
        os.environ["NCDYN_LIBRARY"] = os.path.abspath(_so)

try:
    import numpy as np
except ImportError:
    print("bench_binding: SKIPPED (python3-numpy not installed)")
    sys.exit(0)

import ncdyn  # noqa: E402
from ncdyn import _lib  # noqa: E402

SHIM = r"""
#include <stddef.h>
#include <stdint.h>
#include <time.h>
int ncd_ghost_radius_bound(size_t, size_t, const double *, size_t, double *, size_t *);
int ncd_nc_metrics(size_t, size_t, size_t, const double *, size_t, const int32_t *,
                   const double *, size_t, const double *, double *, size_t);
int ncd_softmax(size_t, size_t, const double *, size_t, double *, size_t);
static double now(void) {
  struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec;
}
double time_bound(size_t reps, size_t n, size_t k, const double *a, size_t lda) {
  double rho; size_t arg; double t0 = now();
  for (size_t r = 0; r < reps; r++) ncd_ghost_radius_bound(n, k, a, lda, &rho, &arg);
  return (now() - t0) / reps;
}
double time_metrics(size_t reps, size_t n, size_t d, size_t k, const double *h, size_t ldh,
                    const int32_t *y, const double *w, size_t ldw, const double *b,
                    double *out, size_t nout) {
  double t0 = now();
  for (size_t r = 0; r < reps; r++) ncd_nc_metrics(n, d, k, h, ldh, y, w, ldw, b, out, nout);
  return (now() - t0) / reps;
}
double time_softmax(size_t reps, size_t n, size_t k, const double *z, size_t ldz, double *p) {
  double t0 = now();
  for (size_t r = 0; r < reps; r++) ncd_softmax(n, k, z, ldz, p, k);
  return (now() - t0) / reps;
}
"""


def build_shim(tmp, lib):
    """The timing shim linked against `lib` (only the functions lib exports)."""
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if not cc:
        return None
    src = SHIM
    for fname, timer in (("ncd_nc_metrics", "time_metrics"), ("ncd_softmax", "time_softmax")):
        if not lib.has(fname):  # cut the timer of a function the library lacks
            start = src.index("double %s(" % timer)
            src = src[:start] + src[src.index("\n}\n", start) + 3:]
    path = os.path.join(tmp, "shim.c")
    with open(path, "w") as f:
        f.write(src)
    so = os.path.join(tmp, "libshim.so")
    subprocess.run([cc, "-O2", "-shared", "-fPIC", "-o", so, path, lib.path,
                    "-Wl,-rpath," + os.path.dirname(lib.path)], check=True)
    shim = ctypes.CDLL(so)
    P, Z = ctypes.c_void_p, ctypes.c_size_t
    for name, args in (("time_bound", [Z, Z, Z, P, Z]),
                       ("time_metrics", [Z, Z, Z, Z, P, Z, P, P, Z, P, P, Z]),
                       ("time_softmax", [Z, Z, Z, P, Z, P])):
        if hasattr(shim, name):
            getattr(shim, name).restype = ctypes.c_double
            getattr(shim, name).argtypes = args
    return shim


def best_py(f, reps, repeats=5):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(reps):
            f()
        best = min(best, (time.perf_counter() - t0) / reps)
    return best


def best_c(f, repeats=5):
    return min(f() for _ in range(repeats))


def small(shim, lib):
    print("1. overhead per call, small inputs (best of 5 x 20000 calls; goal < 20 us)")
    print("   %-34s %12s %12s %12s %12s" % ("call", "C (us)", "binding (us)", "overhead (us)",
                                          "stub (us)"))
    rng = np.random.default_rng(1)
    rows = []
    a = rng.standard_normal((4, 3))
    rows.append(("ghost_radius_bound(4 x 3)",
                 lambda: shim.time_bound(20000, 4, 3, a.ctypes.data, 3),
                 lambda: ncdyn.ghost_radius_bound(a)))
    if lib.has("ncd_softmax"):
        z, p = rng.standard_normal((6, 3)), np.empty((6, 3))
        rows.append(("softmax(6 x 3)",
                     lambda: shim.time_softmax(20000, 6, 3, z.ctypes.data, 3, p.ctypes.data),
                     lambda: ncdyn.softmax(z)))
    if lib.has("ncd_nc_metrics"):
        h = rng.standard_normal((12, 4))
        y = (np.arange(12) % 3).astype(np.int32)
        w, b, out = rng.standard_normal((3, 4)), rng.standard_normal(3), np.empty(19)
        rows.append(("nc_metrics(12 x 4, k 3, w, b)",
                     lambda: shim.time_metrics(20000, 12, 4, 3, h.ctypes.data, 4, y.ctypes.data,
                                               w.ctypes.data, 4, b.ctypes.data,
                                               out.ctypes.data, 19),
                     lambda: ncdyn.nc_metrics(h, y, w, b)))
        y64 = y.astype(np.int64)
        rows.append(("nc_metrics(.., int64 labels)", rows[-1][1],
                     lambda: ncdyn.nc_metrics(h, y64, w, b)))
    stub = None
    try:  # the zero-copy probe of the tests: the same symbols, doing nothing
        sys.path.insert(0, os.path.join(HERE, "..", "..", "python", "tests"))
        import probe
        stub = probe.build(tempfile.mkdtemp())
    except Exception as e:  # noqa: BLE001 - the stub column is optional
        print("   (no no-op stub: %s)" % e)
    res = []
    for name, c, py in rows:
        res.append([name, best_c(c) * 1e6, best_py(py, 20000) * 1e6, float("nan")])
    if stub:
        old = ncdyn.use_library(stub)
        try:
            for r, (_, _, py) in zip(res, rows):
                r[3] = best_py(py, 20000) * 1e6
        finally:
            ncdyn.use_library(old)
    for name, tc, tp, ts in res:
        print("   %-34s %12.3f %12.3f %12.3f %12.3f" % (name, tc, tp, tp - tc, ts))
    print("   (stub: the binding over a no-op C function, i.e. the pure marshalling cost;"
          " binding - C is noisy when the C call is long)")


def large(shim, lib):
    n, d, k = 100000, 512, 10
    print("2. n = %d, d = %d, k = %d (best of 3; goal: binding within 5%% of C)" % (n, d, k))
    print("   %-34s %12s %12s %12s" % ("call", "C (ms)", "binding (ms)", "ratio"))
    rng = np.random.default_rng(2)
    y = (np.arange(n) % k).astype(np.int32)
    centres = 3 * rng.standard_normal((k, d))
    h = centres[y] + rng.standard_normal((n, d))
    a = h[:, :k].copy()
    rows = [("ghost_radius_bound(100000 x 10)",
             lambda: shim.time_bound(20, n, k, a.ctypes.data, k),
             lambda: ncdyn.ghost_radius_bound(a), 20)]
    if lib.has("ncd_nc_metrics"):
        w, b, out = rng.standard_normal((k, d)), rng.standard_normal(k), np.empty(19)
        rows.append(("nc_metrics(100000 x 512, all 19)",
                     lambda: shim.time_metrics(1, n, d, k, h.ctypes.data, d, y.ctypes.data,
                                               w.ctypes.data, d, b.ctypes.data,
                                               out.ctypes.data, 19),
                     lambda: ncdyn.nc_metrics(h, y, w, b), 1))
        hv = np.zeros((n, d + 8))
        hv[:, :d] = h
        view = hv[:, :d]
        rows.append(("nc_metrics(row-strided view)", rows[-1][1],
                     lambda: ncdyn.nc_metrics(view, y, w, b), 1))
    for name, c, py, reps in rows:
        tc = tp = float("inf")
        for _ in range(3):  # interleaved, so that load drift hits both routes alike
            tc = min(tc, c())
            tp = min(tp, best_py(py, reps, 1))
        print("   %-34s %12.3f %12.3f %12.4f" % (name, tc * 1e3, tp * 1e3, tp / tc))


def main():
    lib = _lib.lib()
    print("bench_binding: ncdyn %s over %s (python %s, numpy %s); shared machine: noisy"
          % (ncdyn.version(), lib.path, sys.version.split()[0], np.__version__))
    with tempfile.TemporaryDirectory() as tmp:
        shim = build_shim(tmp, lib)
        if shim is None:
            print("bench_binding: SKIPPED (no C compiler for the timing shim)")
            return
        small(shim, lib)
        if os.environ.get("NCD_BENCH_SMALL_ONLY"):
            return
        large(shim, lib)


if __name__ == "__main__":
    main()

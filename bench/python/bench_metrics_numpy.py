#!/usr/bin/env python3
"""bench_metrics_numpy.py - NC1 the way rhubarbwu/neural-collapse computes it
(class means, within-class covariance accumulated as Hc^T Hc, pseudo-inverse of
the between-class covariance, trace; spec/metrics.md 2.1 "RW covariance_ratio
pinv"), in numpy at n = 100000, d = 512, k = 10, against libncdyn's two-pass
route (ncd_nc_metrics, nout = 1) called through ctypes on the same array in the
same run. Balanced classes, so RW's unweighted centre equals ours. Run by
`make bench` from the repository root; skips when numpy is missing.
"""
import ctypes
import os
import sys
import time

try:
    import numpy as np
except ImportError:
    # the Debian package serves /usr/bin/python3; a pyenv or venv python may lack it
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("bench_metrics_numpy: numpy not installed (python3-numpy), skipped")
    sys.exit(0)

LIB = os.path.join(os.path.dirname(__file__), "..", "..", "lib", "libncdyn.so")


def best(fn, reps=3):
    t = float("inf")
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - t0)
    return t, out


def rw_nc1(h, y, k):
    """rhubarbwu/neural-collapse: MeanAccumulator, CovarAccumulator, pinv."""
    n, d = h.shape
    counts = np.bincount(y, minlength=k).astype(h.dtype)
    sums = np.zeros((k, d), h.dtype)
    np.add.at(sums, y, h)
    means = sums / counts[:, None]
    hc = h - means[y]
    sw = hc.T @ hc / n
    mg = means.mean(axis=0)  # RW: unweighted mean of the class means
    mbar = means - mg
    sb = mbar.T @ mbar / k
    # torch.linalg.pinv's default cut (RW): rtol = max(d, d) * eps of the dtype
    rcond = d * np.finfo(h.dtype).eps
    return float(np.trace(sw @ np.linalg.pinv(sb, rcond=rcond, hermitian=True)) / k)


def main():
    quick = os.environ.get("NCD_BENCH_QUICK", "0") not in ("", "0")
    n, d, k = (20000 if quick else 100000), 512, 10
    rng = np.random.default_rng(7)
    centres = 2.0 * rng.standard_normal((k, d))
    y = (np.arange(n) % k).astype(np.int32)
    h = centres[y] + rng.standard_normal((n, d))
    print(f"== neural-collapse NC1: numpy (RW route) vs libncdyn, n={n} d={d} k={k}; "
          f"numpy {np.__version__} (timings noisy on a shared machine)")
    t_np, nc1_np = best(lambda: rw_nc1(h, y, k), 2)
    h32 = h.astype(np.float32)
    t_np32, nc1_np32 = best(lambda: rw_nc1(h32, y, k), 2)
    t_read, _ = best(lambda: (float(h.sum()), float(h.sum())), 3)
    print(f"  numpy RW route float64     {1e3 * t_np:10.1f} ms   NC1 {nc1_np:.15g}")
    print(f"  numpy RW route float32     {1e3 * t_np32:10.1f} ms   NC1 {nc1_np32:.9g}")
    print(f"  numpy two reads (h.sum x2) {1e3 * t_read:10.1f} ms")
    if not os.path.exists(LIB):
        print(f"  {LIB} not built: run `make` first; libncdyn comparison skipped")
        return 0
    lib = ctypes.CDLL(LIB)
    dp, ip = ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_int32)
    fp = ctypes.POINTER(ctypes.c_float)
    sz = ctypes.c_size_t
    lib.ncd_nc_metrics.argtypes = [sz, sz, sz, dp, sz, ip, dp, sz, dp, dp, sz]
    lib.ncd_nc_metrics_f32.argtypes = [sz, sz, sz, fp, sz, ip, dp, sz, dp, dp, sz]
    out = (ctypes.c_double * 1)()

    def ours(f32=False):
        hh = h32 if f32 else h
        fn = lib.ncd_nc_metrics_f32 if f32 else lib.ncd_nc_metrics
        st = fn(n, d, k, hh.ctypes.data_as(fp if f32 else dp), d, y.ctypes.data_as(ip), None, 0,
                None, out, 1)
        assert st == 0, st
        return out[0]

    t_c, nc1_c = best(ours, 3)
    t_c32, nc1_c32 = best(lambda: ours(True), 3)
    print(f"  libncdyn ncd_nc_metrics    {1e3 * t_c:10.1f} ms   NC1 {nc1_c:.15g}")
    print(f"  libncdyn float32 input     {1e3 * t_c32:10.1f} ms   NC1 {nc1_c32:.15g}")
    print(f"  ratio numpy float64 / libncdyn   {t_np / t_c:8.2f}x")
    print(f"  ratio numpy float32 / libncdyn32 {t_np32 / t_c32:8.2f}x")
    print(f"  relative difference NC1 (float64): {abs(nc1_np - nc1_c) / nc1_c:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

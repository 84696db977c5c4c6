"""test_peers_twins.py - the peer wrappers dispatching to the C twins
(include/ncdyn.h "additions: twins"): float32 features and int64 labels go
straight, zero-copy, to the _f32 / _i64 / _f32_i64 call, and pair_grid().

(1) Zero-copy, from the C side: a probe library exporting every twin records
    which one was called with which data addresses and leading dimensions.
(2) float32: the result equals the float64 call on the float32 values
    converted to float64, to 1e-12 relative (the C twin converts block by
    block and then does the float64 arithmetic; 1e-12 leaves room for a
    different blocking order in the sums, the math is the same).
(3) int64 labels: bitwise equal to int32 (the header promises it).
(4) pair_grid: the strict upper triangle equals pairs().vals bitwise (header),
    the whole grid equals an independent numpy route of spec
    spec/metrics-peers.md P-4 to P-6 written here (1e-12 relative, 1e-14
    absolute near 0; the diagonal: the formula at c' = c, exactly for the
    infinities, zeros and NaNs)."""
import math

import numpy as np
import pytest

import ncdyn
import probe as probe_mod
import spec_vectors as sv
from conftest import assert_close, need
from test_peers import H, T, Y
from test_peers_more import K, ref_grid

W, HOOD, WR = sv.PEER_W, sv.PEER_HOOD, sv.PEER_WR
H32 = H.astype(np.float32)
H32D = H32.astype(np.float64)  # the float32 values, exactly, as float64
Y64 = Y.astype(np.int64)
Y32 = Y.astype(np.int32)
RTOL = 1e-12
GRID_KINDS = [m.name.lower() for m in ncdyn.Pair]


# ---- (4) pair grids against numpy (ref_grid: test_peers_more.py) ---------------------
GRID_CASES = [
    ("cdnv", 1.0, "sample"), ("cdnv", 0.0, "none"), ("cdnv", -0.5, "class"),
    ("cdnv_unbiased", 2.0, "class"), ("dist", 0.0, "sample"), ("log", -1.0, "class"),
    ("log", 2.5, "none"), ("log", 0.0, "sample"), ("riesz", 3.0, "class"),
    ("riesz", 0.0, "sample"), ("riesz", -1.5, "none"), ("lognorm_diff", 0.0, "sample"),
    ("cos_shifted", 0.0, "class"), ("wcos_upper", 0.0, "none")]


@pytest.mark.parametrize("which,p,centre", GRID_CASES)
def test_pair_grid_against_numpy_and_pairs(which, p, centre):
    need("ncd_nc_pair_grid", "ncd_nc_pairs")
    w = W if which == "wcos_upper" else None
    g = ncdyn.pair_grid(H, Y, which, w=w, centre=centre, p=p)
    assert g.shape == (K, K) and g.dtype == np.float64
    iu = np.triu_indices(K, 1)
    vals = ncdyn.pairs(H, Y, which, w=w, centre=centre, p=p).vals
    assert np.array_equal(g[iu], vals)  # bitwise (header)
    want = ref_grid(H, Y, K, which, p, centre, W)
    off = ~np.eye(K, dtype=bool)
    assert_close(g[off], want[off], rtol=RTOL, atol=1e-14)
    dg, dw = np.diag(g), np.diag(want)
    special = ~np.isfinite(dw) | (dw == 0)
    # infinities, NaNs and zeros exactly (sign of infinity and of zero too)
    assert np.array_equal(np.isnan(dg), np.isnan(dw))
    assert np.array_equal(dg[special & ~np.isnan(dw)], dw[special & ~np.isnan(dw)])
    assert np.array_equal(np.signbit(dg[special & ~np.isnan(dw)]),
                          np.signbit(dw[special & ~np.isnan(dw)]))
    assert_close(dg[~special], dw[~special], rtol=RTOL, atol=1e-14)


def test_pair_grid_mirror_and_defaults():
    need("ncd_nc_pair_grid")
    for which in GRID_KINDS:
        w = W if which == "wcos_upper" else None
        g = ncdyn.pair_grid(H, Y, which, w=w)
        il = np.tril_indices(K, -1)
        if which == "lognorm_diff":
            assert np.array_equal(g[il], -g.T[il])
        elif which != "wcos_upper":
            assert np.array_equal(g[il], g.T[il])
    # the default p's of pairs(): log(1/delta), Riesz s = d - 2
    assert np.array_equal(ncdyn.pair_grid(H, Y, "riesz"), ncdyn.pair_grid(H, Y, "riesz", p=3.0))
    assert np.array_equal(ncdyn.pair_grid(H, Y, "log"), ncdyn.pair_grid(H, Y, "log", p=-1.0))


def test_pair_grid_bad_input():
    need("ncd_nc_pair_grid")
    E = ncdyn.InvalidArgument
    for f in (lambda: ncdyn.pair_grid(H, Y, "manhattan"),
              lambda: ncdyn.pair_grid(H, Y, "wcos_upper"),  # needs w
              lambda: ncdyn.pair_grid(H, Y, "cdnv", w=W, k=5),
              lambda: ncdyn.pair_grid(H, Y64 - 1, "dist"),
              lambda: ncdyn.pair_grid(H, Y64 + 2**40, "dist"),
              lambda: ncdyn.pair_grid(H32, Y, "cdnv", p=math.nan)):
        with pytest.raises(E):
            f()
    hn = H32.copy()
    hn[3, 1] = np.inf
    with pytest.raises(ncdyn.NonFinite):
        ncdyn.pair_grid(hn, Y64, "dist")


# ---- (2), (3) float32 features, int64 labels ---------------------------------------------
def _calls():
    """(name, f(h, y)) of every peer wrapper with twins; f returns an array."""
    def flat(*xs):
        return np.concatenate([np.ravel(np.asarray(x, dtype=float)) for x in xs
                               if x is not None])
    hood32 = HOOD.astype(np.float32)
    return [
        ("select", lambda h, y: flat(list(ncdyn.nc_metrics(
            h, y, W, select=["nc1", "nc2_etf_h", "nc1_cdnv", "erank",
                             "silhouette_cos", "gnc2_log_mean"], centre="class").values()))),
        ("ex", lambda h, y: flat(list(ncdyn.nc_metrics(h, y, W, sv.PEER_B,
                                                       centre="none").values()))),
        ("pairs", lambda h, y: flat(*ncdyn.pairs(h, y, "cdnv", p=0.5))),
        ("pairs_w", lambda h, y: flat(*ncdyn.pairs(h, y, "wcos_upper", w=W))),
        ("grid", lambda h, y: ncdyn.pair_grid(h, y, "log", centre="class")),
        ("erank", lambda h, y: flat(*ncdyn.erank(h, y))),
        ("silhouette", lambda h, y: flat(*ncdyn.silhouette_cos(h, y))),
        ("agreement", lambda h, y: flat(*ncdyn.agreement(h, y, W + 0.3, W, sv.PEER_B))),
        ("ood", lambda h, y: flat(ncdyn.ood_orthodev(
            h, y, hood32 if h.dtype == np.float32 else hood32.astype(float)))),
        ("class_vectors", lambda h, y: flat(*ncdyn.class_vectors(h, y, W, centre="class"))),
    ]


def _f32_calls():
    """(name, f(h)) of the float32-only twins (no labels)."""
    t32 = T.astype(np.float32)
    return [
        ("cka", lambda h: ncdyn.linear_cka(h, t32 if h.dtype == np.float32 else
                                           t32.astype(float))),
        ("principal", lambda h: np.concatenate([np.ravel(a) for a in
                                                ncdyn.principal_decomp(h, centre=True)])),
        ("nrc1_profile", lambda h: ncdyn.nrc1_profile(h)),
        ("nrc", lambda h: np.array(ncdyn.nrc_metrics(h, T, WR))),
    ]


@pytest.mark.parametrize("name", [c[0] for c in _calls()])
def test_float32_and_int64_twins(name):
    need("ncd_nc_metrics_select_f32_i64", "ncd_nc_pair_grid_f32_i64")
    f = dict(_calls())[name]
    ref = np.asarray(f(H32D, Y32))
    assert np.array_equal(np.asarray(f(H, Y64)), np.asarray(f(H, Y32)), equal_nan=True)
    for y in (Y32, Y64):
        got = np.asarray(f(H32, y))
        ok = np.isfinite(ref)  # NaN and the infinities of a grid diagonal: exactly
        assert np.array_equal(got[~ok], ref[~ok], equal_nan=True)
        assert_close(got[ok], ref[ok], rtol=RTOL, atol=1e-14)
    assert np.array_equal(np.asarray(f(H32, Y64)), np.asarray(f(H32, Y32)), equal_nan=True)


@pytest.mark.parametrize("name", [c[0] for c in _f32_calls()])
def test_float32_only_twins(name):
    need("ncd_linear_cka_f32", "ncd_nrc_metrics_f32")
    f = dict(_f32_calls())[name]
    ref, got = np.asarray(f(H32D)), np.asarray(f(H32))
    # principal directions: 1e-11 absolute (from the d x d Gram, see test_peers_more.py)
    assert_close(got, ref, rtol=RTOL, atol=1e-11 if name == "principal" else 1e-14)


def test_float32_strided_and_mixed_dtypes():
    need("ncd_nc_pairs_f32", "ncd_linear_cka_f32", "ncd_nc_ood_orthodev_f32")
    wide = np.zeros((24, 9), dtype=np.float32)
    wide[:, 2:7] = H32
    hv = wide[:, 2:7]  # row stride 9 floats: zero-copy with ld 9
    assert np.array_equal(ncdyn.pairs(hv, Y64, "dist").vals, ncdyn.pairs(H32, Y64, "dist").vals)
    # mixed float32 / float64 pairs of feature matrices take the float64 call
    assert ncdyn.linear_cka(H32, T) == ncdyn.linear_cka(H32D, T)
    assert ncdyn.ood_orthodev(H32, Y, HOOD) == ncdyn.ood_orthodev(H32D, Y, HOOD)


# ---- (1) zero-copy into the twins, from the C side --------------------------------------
_SIGS = {  # base: (C parameters after "h, ldh, y" up to the outputs, output writes)
    "ncd_nc_metrics_select": ("const double *w, size_t ldw, const double *b, const void *opt, "
                              "uint64_t sel, double *out, size_t nout",
                              "REC2(w, ldw); for (size_t i = 0; i < nout; i++) out[i] = 0;"),
    "ncd_nc_pairs": ("const double *w, size_t ldw, int c, int which, double p, double *mean, "
                     "double *var, double *vals",
                     "REC2(w, ldw); *mean = 1; *var = 0;"
                     "for (size_t i = 0; i < k * (k - 1) / 2; i++) vals[i] = 1;"),
    "ncd_nc_pair_grid": ("const double *w, size_t ldw, int c, int which, double p, "
                         "double *grid, size_t ldg", "REC2(w, ldw); lds[3] = ldg;"),
    "ncd_nc_erank": ("double *e, double *ec", "*e = 1;"),
    "ncd_nc_silhouette_cos": ("double *mean, double *per", "*mean = 1;"),
    "ncd_nc_agreement": ("const double *m, size_t ldm, const double *w, size_t ldw, "
                         "const double *b, double *wt, double *ca, double *per",
                         "REC2(m, ldm); *wt = 1; *ca = 1;"),
    "ncd_nc_ood_orthodev": ("size_t n_ood, const HT *h_ood, size_t ldo, int c, double *out",
                            "REC2(h_ood, ldo); *out = 1;"),
    "ncd_nc_class_vectors": ("const double *w, size_t ldw, int c, double *norms, double *dots, "
                             "double *cs, double *dual, double *gram, size_t ldg",
                             "REC2(w, ldw);"),
}
_F32_ONLY = """
int ncd_linear_cka_f32(size_t n, size_t d1, const float *x, size_t ldx, size_t d2,
                       const float *z, size_t ldz, double *cka) {
  NAME("ncd_linear_cka_f32"); last[0] = x; lds[0] = ldx; REC2(z, ldz); *cka = 1; return 0;
}
int ncd_principal_decomp_f32(size_t n, size_t d, const float *h, size_t ldh, int c,
                             double *p, size_t ldp, double *s, double *mean) {
  NAME("ncd_principal_decomp_f32"); last[0] = h; lds[0] = ldh; return 0;
}
int ncd_nrc1_profile_f32(size_t n, size_t d, const float *h, size_t ldh, double *out) {
  NAME("ncd_nrc1_profile_f32"); last[0] = h; lds[0] = ldh; return 0;
}
int ncd_nrc_metrics_f32(size_t n, size_t d, const float *h, size_t ldh, size_t m,
                        const double *t, size_t ldt, const double *wr, size_t ldwr,
                        double lo, double hi, unsigned flags, double out[4]) {
  NAME("ncd_nrc_metrics_f32"); last[0] = h; lds[0] = ldh; REC2(t, ldt);
  for (int i = 0; i < 4; i++) out[i] = 0; return 0;
}
"""


def _twin_probe_source():
    out = ["#include <stddef.h>", "#include <stdint.h>",
           "#pragma GCC diagnostic ignored \"-Wunused-parameter\"",
           "static const void *last[4]; static size_t lds[4]; static const char *nm;",
           "const void *probe_ptr(int i) { return last[i]; }",
           "size_t probe_ld(int i) { return lds[i]; }",
           "const char *probe_name(void) { return nm; }",
           "void probe_reset(void) { for (int i = 0; i < 4; i++) { last[i] = 0; lds[i] = 0; }"
           " nm = 0; }",
           "const char *ncd_strerror(int s) { (void)s; return \"probe status\"; }",
           "#define NAME(s) nm = s", "#define REC2(p, ld) (last[2] = (p), lds[2] = (ld))"]
    for base, (params, body) in _SIGS.items():
        for sfx, ht, yt in (("_f32", "float", "int32_t"), ("_i64", "double", "int64_t"),
                            ("_f32_i64", "float", "int64_t")):
            out.append("int %s%s(size_t n, size_t d, size_t k, const %s *h, size_t ldh, "
                       "const %s *y, %s) { NAME(\"%s%s\"); last[0] = h; lds[0] = ldh; "
                       "last[1] = y; %s return 0; }"
                       % (base, sfx, ht, yt, params.replace("HT", ht), base, sfx, body))
    out.append(_F32_ONLY)
    return "\n".join(out)


@pytest.fixture
def twin_probe(tmp_path):
    import ctypes
    import subprocess
    try:
        path = probe_mod.build(tmp_path, _twin_probe_source())
    except subprocess.CalledProcessError as e:
        pytest.fail("twin probe did not compile: %s" % e)
    if path is None:
        pytest.skip("no C compiler (cc) to build the probe library")
    p = probe_mod.Probe(path)
    p.cdll.probe_name.restype = ctypes.c_char_p
    p.name = lambda: (p.cdll.probe_name() or b"").decode()
    old = ncdyn.use_library(path)
    yield p
    ncdyn.use_library(old)


def _addr(a):
    return a.__array_interface__["data"][0]


def test_twins_called_zero_copy(twin_probe):
    pr = twin_probe
    base = np.zeros((6, 8), dtype=np.float32)
    h = base[:, 2:6]  # float32, row stride 8: zero-copy with ld 8
    y64 = np.array([0, 1, 0, 1, 1, 0], dtype=np.int64)
    y32 = y64.astype(np.int32)
    hd = np.zeros((6, 7))[:, :4]  # float64, ld 7
    w = np.ones((2, 5))[:, :4]

    def check(name, hh, ld, yy, f):
        pr.reset()
        f(hh, yy)
        assert pr.name() == name
        assert (pr.ptr(0), pr.ld(0), pr.ptr(1)) == (_addr(hh), ld, _addr(yy)), name

    calls = [
        ("ncd_nc_metrics_select", lambda a, b: ncdyn.nc_metrics(a, b, w, select="nc1")),
        ("ncd_nc_metrics_select", lambda a, b: ncdyn.nc_metrics(a, b, centre="class")),
        ("ncd_nc_pairs", lambda a, b: ncdyn.pairs(a, b, "wcos_upper", w=w)),
        ("ncd_nc_pair_grid", lambda a, b: ncdyn.pair_grid(a, b, "cdnv", w=w)),
        ("ncd_nc_erank", lambda a, b: ncdyn.erank(a, b)),
        ("ncd_nc_silhouette_cos", lambda a, b: ncdyn.silhouette_cos(a, b)),
        ("ncd_nc_agreement", lambda a, b: ncdyn.agreement(a, b, w, w)),
        ("ncd_nc_ood_orthodev", lambda a, b: ncdyn.ood_orthodev(a, b, a[:3])),
        ("ncd_nc_class_vectors", lambda a, b: ncdyn.class_vectors(a, b, w)),
    ]
    for base_name, f in calls:
        check(base_name + "_f32", h, 8, y32, f)
        check(base_name + "_f32_i64", h, 8, y64, f)
        check(base_name + "_i64", hd, 7, y64, f)
    # the small double matrices (w, m) and h_ood zero-copy too
    pr.reset()
    ncdyn.pairs(h, y64, "wcos_upper", w=w)
    assert (pr.ptr(2), pr.ld(2)) == (_addr(w), 5)
    pr.reset()
    ncdyn.pair_grid(h, y64, "dist")
    assert pr.ld(3) == 2  # ldg = k
    pr.reset()
    ncdyn.ood_orthodev(h, y64, h[1:4])
    assert (pr.ptr(2), pr.ld(2)) == (_addr(h[1:4]), 8)
    # the float32-only twins
    t = np.zeros((6, 3))
    for name, f in (("ncd_linear_cka_f32", lambda: ncdyn.linear_cka(h, h[:, :2])),
                    ("ncd_principal_decomp_f32", lambda: ncdyn.principal_decomp(h)),
                    ("ncd_nrc1_profile_f32", lambda: ncdyn.nrc1_profile(h)),
                    ("ncd_nrc_metrics_f32", lambda: ncdyn.nrc_metrics(h, t, m=3))):
        pr.reset()
        f()
        assert (pr.name(), pr.ptr(0), pr.ld(0)) == (name, _addr(h), 8)
    assert (pr.ptr(2), pr.ld(2)) == (_addr(t), 3)

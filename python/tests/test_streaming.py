"""test_streaming.py - the streaming objects of ncdyn.streaming (CkaAccumulator,
NrcAccumulator) and the peer calls on ncdyn.Accumulator (pairs, class_vectors,
erank, ood_orthodev, ACC_SILHOUETTE / ACC_NC4_CLASS).

Every streamed value is compared with the one-shot Python call on all the data
after 1-row batches, random splits, merges of shards in two trees and save/load
(also pickle, copy.deepcopy) round trips: 1e-12 relative (1e-15 absolute near
0): the state and the one-shot route sum the same terms in other orders, a few
ulps each. Exceptions, as tests/metrics/test_stream_peers.c explains: NRC3 of
a gamma search interval 1e-10 (golden section, flat minimum) and its gamma 1e-5;
nc-toolbox's literal NRC3 (nctb=True) 1e-7 (the square root of a zero
eigenvalue, ~sqrt(eps) noise). CKA is also checked against numpy formulas
written here (feature-space and n x n Gram forms, 1e-12) and its invariances.
float32 batches are proven zero-copy with a probe library that records the
addresses it receives; a rejected call leaves save() bytes unchanged.
"""
import copy
import math
import os
import pickle
import shutil
import subprocess

import numpy as np
import pytest

import ncdyn
from conftest import assert_close, need
from probe import Probe

CKA = ("ncd_cka_acc_create", "ncd_cka_acc_free", "ncd_cka_acc_update",
       "ncd_cka_acc_update_f32", "ncd_cka_acc_merge", "ncd_cka_acc_value",
       "ncd_cka_acc_save", "ncd_cka_acc_load", "ncd_linear_cka")
NRC = ("ncd_nrc_acc_create", "ncd_nrc_acc_free", "ncd_nrc_acc_update",
       "ncd_nrc_acc_update_f32", "ncd_nrc_acc_merge", "ncd_nrc_acc_metrics",
       "ncd_nrc_acc_profile", "ncd_nrc_acc_save", "ncd_nrc_acc_load", "ncd_nrc_metrics",
       "ncd_nrc1_profile")
ACCP = ("ncd_nc_acc_pairs", "ncd_nc_acc_class_vectors", "ncd_nc_acc_erank",
        "ncd_nc_acc_ood_orthodev", "ncd_nc_pairs", "ncd_nc_class_vectors", "ncd_nc_erank",
        "ncd_nc_ood_orthodev", "ncd_nc_silhouette_cos", "ncd_nc_agreement")
R12 = 1e-12


def _splits(n, mode, rng):
    """Batch bounds of [0, n): 0 one batch, 1 single rows, 2 random sizes 1..17."""
    if mode == 0:
        return [(0, n)]
    out, i = [], 0
    while i < n:
        b = 1 if mode == 1 else int(rng.integers(1, 18))
        out.append((i, min(n, i + b)))
        i += b
    return out


def _feed(obj, arrays, bounds, roundtrip=False):
    for j, (lo, hi) in enumerate(bounds):
        obj.update(*[a[lo:hi] for a in arrays])
        if roundtrip and j == len(bounds) // 2:  # save/load in the middle of the stream
            obj = type(obj).load(obj.save())
    return obj


def _merged(make, arrays, n, rng, tree):
    """Four shards fed separately, merged as ((0+1)+(2+3)) or (((0+1)+2)+3),
    each shard pickled and restored before the merge."""
    cuts = sorted(rng.choice(np.arange(1, n), 3, replace=False).tolist())
    b = [0] + cuts + [n]
    sh = []
    for i in range(4):
        bounds = [(b[i] + lo, b[i] + hi) for lo, hi in _splits(b[i + 1] - b[i], 2, rng)]
        sh.append(pickle.loads(pickle.dumps(_feed(make(), arrays, bounds))))
    if tree == 0:
        return sh[0].merge(sh[1]).merge(sh[2].merge(sh[3]))
    return sh[0].merge(sh[1]).merge(sh[2]).merge(sh[3])


# ---- CKA ----------------------------------------------------------------------------
def _cka_data(n=53, d1=6, d2=4, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d1)) * np.linspace(0.5, 3, d1) + 2.0
    z = x[:, :d2] @ rng.standard_normal((d2, d2)) + 0.7 * rng.standard_normal((n, d2)) - 1.0
    return x, z


def _cka_numpy(x, z):
    """Feature-space linear CKA (Kornblith et al. 2019, eq. for linear kernels)."""
    xc, zc = x - x.mean(0), z - z.mean(0)
    return (np.linalg.norm(xc.T @ zc) ** 2
            / (np.linalg.norm(xc.T @ xc) * np.linalg.norm(zc.T @ zc)))


def _cka_gram(x, z):
    """n x n Gram form: HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)), H the centring."""
    n = x.shape[0]
    hc = np.eye(n) - 1.0 / n
    k, l_ = hc @ (x @ x.T) @ hc, hc @ (z @ z.T) @ hc
    return np.sum(k * l_) / math.sqrt(np.sum(k * k) * np.sum(l_ * l_))


@pytest.mark.parametrize("mode", [0, 1, 2])
def test_cka_stream_equals_one_shot(mode):
    need(*CKA)
    x, z = _cka_data()
    rng = np.random.default_rng(mode)
    want = ncdyn.linear_cka(x, z)
    assert_close(want, _cka_numpy(x, z), R12)
    assert_close(want, _cka_gram(x, z), R12)
    a = _feed(ncdyn.CkaAccumulator(6, 4), (x, z), _splits(53, mode, rng), roundtrip=True)
    assert (a.d1, a.d2) == (6, 4)
    assert_close(a.value(), want, R12)
    assert_close(a.value(), _cka_numpy(x, z), R12)
    for tree in (0, 1):
        m = _merged(lambda: ncdyn.CkaAccumulator(6, 4), (x, z), 53, rng, tree)
        assert_close(m.value(), want, R12)


def test_cka_invariances_and_edge_values():
    need(*CKA)
    x, z = _cka_data(seed=5)
    q, _ = np.linalg.qr(np.random.default_rng(9).standard_normal((6, 6)))
    v0 = ncdyn.CkaAccumulator(6, 4).update(x, z).value()
    v1 = ncdyn.CkaAccumulator(6, 4).update(x[:20] @ q, z[:20]).update(x[20:] @ q, z[20:])
    v2 = ncdyn.CkaAccumulator(6, 4).update(3.5 * x + 7.0, z)
    assert_close(v1.value(), v0, R12)  # orthogonal transform of x
    assert_close(v2.value(), v0, R12)  # isotropic scaling and a shift
    assert_close(ncdyn.CkaAccumulator(6, 6).update(x, x).value(), 1.0, R12)
    e = ncdyn.CkaAccumulator(6, 4)
    assert math.isnan(e.value())  # no rows: 0/0
    assert math.isnan(e.update(x[:1], z[:1]).value())  # one row: constant


def test_cka_float32_batches():
    need(*CKA)
    x, z = _cka_data(seed=11)
    x32, z32 = x.astype(np.float32), z.astype(np.float32)
    want = ncdyn.linear_cka(x32.astype(np.float64), z32.astype(np.float64))
    a = ncdyn.CkaAccumulator(6, 4)
    for lo, hi in _splits(53, 2, np.random.default_rng(2)):
        a.update(x32[lo:hi], z32[lo:hi])  # both float32: ncd_cka_acc_update_f32
    assert_close(a.value(), want, R12)
    b = ncdyn.CkaAccumulator(6, 4).update(x32, z)  # mixed: x widened, z kept in float64
    assert_close(b.value(), ncdyn.linear_cka(x32.astype(np.float64), z), R12)


# ---- NRC ----------------------------------------------------------------------------
def _nrc_data(n=61, d=5, m=2, seed=4):
    rng = np.random.default_rng(seed)
    wr = rng.standard_normal((m, d))
    h = rng.standard_normal((n, d)) * np.array([3.0, 2.0, 1.0, 0.3, 0.1])[:d] + 0.5
    t = h @ wr.T + 0.2 * rng.standard_normal((n, m))
    return h, t, wr + 0.05 * rng.standard_normal((m, d))


def _nrc_compare(a, h, t, wr, centred):
    assert_close(a.profile(), ncdyn.nrc1_profile(h), R12, 1e-15)
    for nctb in (False, True):
        for pc in ((False, True) if centred else (False,)):
            for g in (0.0, 0.5, (0.0, 1.0)):
                got = a.metrics(wr, gamma=g, nctb=nctb, pca_centred=pc)
                want = ncdyn.nrc_metrics(h, t, wr, gamma=g, nctb=nctb, pca_centred=pc)
                assert isinstance(got, ncdyn.NRCMetrics)
                assert_close(got[:2], want[:2], R12, 1e-15)
                tol3 = 1e-7 if nctb else 1e-10 if np.ndim(g) else R12
                if t is None:
                    assert math.isnan(got.nrc3) and math.isnan(want.nrc3)
                else:
                    assert_close(got.nrc3, want.nrc3, tol3, 1e-15)
                    assert_close(got.gamma, want.gamma, 1e-5 if np.ndim(g) else 0, 1e-5)
    got = a.metrics()  # no head: NRC2, NRC3 NaN
    assert_close(got.nrc1, ncdyn.nrc_metrics(h, t, m=a.m).nrc1, R12)
    assert math.isnan(got.nrc2) and math.isnan(got.nrc3)


@pytest.mark.parametrize("targets,centred", [(True, True), (True, False), (False, False)])
@pytest.mark.parametrize("mode", [0, 1, 2])
def test_nrc_stream_equals_one_shot(targets, centred, mode):
    need(*NRC)
    h, t, wr = _nrc_data()
    rng = np.random.default_rng(10 + mode)
    arrays = (h, t) if targets else (h,)
    make = (lambda: ncdyn.NrcAccumulator(5, 2, targets=targets, pca_centred=centred))
    a = _feed(make(), arrays, _splits(61, mode, rng), roundtrip=True)
    assert (a.d, a.m, a.targets, a.pca_centred) == (5, 2, targets, centred)
    _nrc_compare(a, h, t if targets else None, wr, centred)
    if mode == 2:
        for tree in (0, 1):
            _nrc_compare(_merged(make, arrays, 61, rng, tree), h, t if targets else None,
                         wr, centred)


def test_nrc_float32_batches():
    need(*NRC)
    h, t, wr = _nrc_data(seed=8)
    h32, t32 = h.astype(np.float32), t.astype(np.float32)
    h64, t64 = h32.astype(np.float64), t32.astype(np.float64)
    a = ncdyn.NrcAccumulator(5, 2, targets=True)
    for lo, hi in _splits(61, 2, np.random.default_rng(1)):
        a.update(h32[lo:hi], t32[lo:hi])
    _nrc_compare(a, h64, t64, wr, False)
    b = ncdyn.NrcAccumulator(5, 2).update(h32[:30]).update(h32[30:])
    assert_close(b.profile(), ncdyn.nrc1_profile(h64), R12, 1e-15)


# ---- pickling, copies, the byte formats -----------------------------------------------
def test_pickle_copy_and_formats():
    need(*CKA, *NRC)
    x, z = _cka_data()
    h, t, wr = _nrc_data()
    objs = (ncdyn.CkaAccumulator(6, 4).update(x[:30], z[:30]),
            ncdyn.NrcAccumulator(5, 2, targets=True, pca_centred=True).update(h[:30], t[:30]))
    rest = ((x[30:], z[30:]), (h[30:], t[30:]))
    for a, more in zip(objs, rest):
        data = a.save()
        assert isinstance(data, bytes) and data[:4] in (b"NCDK", b"NCDR")
        for c in (pickle.loads(pickle.dumps(a)), copy.copy(a), copy.deepcopy(a),
                  type(a).load(bytearray(data)), type(a).load(memoryview(data))):
            assert type(c) is type(a) and c.save() == data
            assert repr(c) == repr(a)
        c = copy.deepcopy(a)
        a.update(*more)
        assert c.save() == data and a.save() != data  # the copy is independent
        assert len(a.save()) == len(data)  # the size does not depend on n
        for bad in (data[:-1], data[:40], b"", data[:70] + bytes([data[70] ^ 1]) + data[71:],
                    b"XXXX" + data[4:]):
            with pytest.raises(ncdyn.FormatError):
                type(a).load(bad)


# ---- bad input, state unchanged -------------------------------------------------------
def _unchanged(obj, calls):
    before = obj.save()
    for call, exc in calls:
        with pytest.raises(exc):
            call()
        assert obj.save() == before


def test_cka_bad_input():
    need(*CKA)
    x, z = _cka_data()
    for d1, d2 in ((0, 3), (3, 0), (-1, 3)):
        with pytest.raises(ncdyn.InvalidArgument):
            ncdyn.CkaAccumulator(d1, d2)
    a = ncdyn.CkaAccumulator(6, 4).update(x[:10], z[:10])
    xn = x[10:].copy()
    xn[3, 2] = np.nan
    z32 = z[10:].astype(np.float32)
    z32[0, 0] = np.inf
    other = ncdyn.CkaAccumulator(6, 3).update(x[:5], z[:5, :3])
    _unchanged(a, [
        (lambda: a.update(xn, z[10:]), ncdyn.NonFinite),
        (lambda: a.update(x[10:].astype(np.float32), z32), ncdyn.NonFinite),
        (lambda: a.update(x[10:, :5], z[10:]), ncdyn.InvalidArgument),
        (lambda: a.update(x[10:], z[11:]), ncdyn.InvalidArgument),
        (lambda: a.update(x[10:20], z[10:20, :3]), ncdyn.InvalidArgument),
        (lambda: a.update(x[10:10], z[10:10]), ncdyn.InvalidArgument),  # n = 0
        (lambda: a.update(x[10], z[10]), ncdyn.InvalidArgument),  # 1-D
        (lambda: a.update(x[10:] + 0j, z[10:]), ncdyn.InvalidArgument),
        (lambda: a.merge(other), ncdyn.InvalidArgument),
        (lambda: a.merge(a), ncdyn.InvalidArgument),
        (lambda: a.merge(ncdyn.NrcAccumulator(6, 4)), ncdyn.InvalidArgument),
    ])
    c = ncdyn.CkaAccumulator(6, 4)
    c.close()
    with pytest.raises(ncdyn.InvalidArgument):
        c.value()
    with pytest.raises(ncdyn.InvalidArgument):
        a.merge(c)


def test_nrc_bad_input():
    need(*NRC)
    h, t, wr = _nrc_data()
    for d, m in ((0, 1), (5, 0), (3, 4)):
        with pytest.raises(ncdyn.InvalidArgument):
            ncdyn.NrcAccumulator(d, m)
    e = ncdyn.NrcAccumulator(5, 2, targets=True)
    _unchanged(e, [(lambda: e.profile(), ncdyn.InvalidArgument),  # no rows seen
                   (lambda: e.metrics(wr), ncdyn.InvalidArgument)])
    a = ncdyn.NrcAccumulator(5, 2, targets=True).update(h[:10], t[:10])
    hn, tn = h[10:].copy(), t[10:].astype(np.float32)
    hn[0, 0] = np.inf
    tn[-1, 1] = np.nan
    wn = wr.copy()
    wn[1, 1] = np.nan
    _unchanged(a, [
        (lambda: a.update(h[10:]), ncdyn.InvalidArgument),  # targets state without t
        (lambda: a.update(hn, t[10:]), ncdyn.NonFinite),
        (lambda: a.update(h[10:].astype(np.float32), tn), ncdyn.NonFinite),
        (lambda: a.update(h[10:], t[10:, :1]), ncdyn.InvalidArgument),
        (lambda: a.update(h[10:], t[11:]), ncdyn.InvalidArgument),
        (lambda: a.update(h[10:, :4], t[10:]), ncdyn.InvalidArgument),
        (lambda: a.update(h[10:10], t[10:10]), ncdyn.InvalidArgument),
        (lambda: a.merge(ncdyn.NrcAccumulator(5, 2)), ncdyn.InvalidArgument),  # flags
        (lambda: a.merge(a), ncdyn.InvalidArgument),
        (lambda: a.metrics(wr, pca_centred=True), ncdyn.InvalidArgument),
        (lambda: a.metrics(wr[:, :4]), ncdyn.InvalidArgument),
        (lambda: a.metrics(wn), ncdyn.NonFinite),
        (lambda: a.metrics(wr, gamma=(1.0, 0.0)), ncdyn.InvalidArgument),
    ])
    b = ncdyn.NrcAccumulator(5, 2)
    with pytest.raises(ncdyn.InvalidArgument):
        b.update(h, t)  # t without the targets flag
    b.update(h[:1])
    with pytest.raises(ncdyn.InvalidArgument):
        b.metrics()  # fewer than m rows


# ---- zero-copy proof -------------------------------------------------------------------
STREAM_PROBE_C = r"""
#include <stddef.h>
static const void *last[8];
static size_t lds[8];
static int dummy;
const void *probe_ptr(int i) { return last[i]; }
size_t probe_ld(int i) { return lds[i]; }
void probe_reset(void) { for (int i = 0; i < 8; i++) { last[i] = 0; lds[i] = 0; } }
const char *ncd_strerror(int s) { (void)s; return "probe status"; }
int ncd_cka_acc_create(size_t a, size_t b, void **o) { (void)a; (void)b; *o = &dummy; return 0; }
void ncd_cka_acc_free(void *o) { (void)o; }
int ncd_nrc_acc_create(size_t a, size_t b, unsigned f, void **o) {
  (void)a; (void)b; (void)f; *o = &dummy; return 0;
}
void ncd_nrc_acc_free(void *o) { (void)o; }
#define REC(name, T) \
  int name(void *o, size_t n, const T *x, size_t ldx, const T *z, size_t ldz) { \
    (void)o; (void)n; last[0] = x; lds[0] = ldx; last[1] = z; lds[1] = ldz; \
    last[2] = (const void *)sizeof(T); return 0; }
REC(ncd_cka_acc_update, double)
REC(ncd_cka_acc_update_f32, float)
REC(ncd_nrc_acc_update, double)
REC(ncd_nrc_acc_update_f32, float)
"""


@pytest.fixture
def sprobe(tmp_path):
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler (cc) to build the probe library")
    src, so = tmp_path / "sprobe.c", tmp_path / "libsprobe.so"
    src.write_text(STREAM_PROBE_C)
    subprocess.run([cc, "-shared", "-fPIC", "-O0", "-o", str(so), str(src)], check=True)
    p = Probe(str(so))
    old = ncdyn.use_library(str(so))
    yield p
    ncdyn.use_library(old)


def _addr(a):
    return a.__array_interface__["data"][0]


def test_zero_copy_batches(sprobe):
    big = np.zeros((20, 9), np.float32)
    x32, z32 = big[::2, 1:7], np.zeros((10, 4), np.float32)  # row-strided view, contiguous
    a = ncdyn.CkaAccumulator(6, 4)
    sprobe.reset()
    a.update(x32, z32)
    assert sprobe.ptr(0) == _addr(x32) and sprobe.ld(0) == 18
    assert sprobe.ptr(1) == _addr(z32) and sprobe.ld(1) == 4 and sprobe.ptr(2) == 4
    x64, z64 = np.zeros((10, 6)), np.zeros((10, 4))
    a.update(x64, z64)
    assert (sprobe.ptr(0), sprobe.ptr(1), sprobe.ptr(2)) == (_addr(x64), _addr(z64), 8)
    a.update(x32, z64)  # mixed: float64 call, x converted once, z as is
    assert sprobe.ptr(2) == 8 and sprobe.ptr(0) != _addr(x32) and sprobe.ptr(1) == _addr(z64)
    r = ncdyn.NrcAccumulator(6, 4, targets=True)
    r.update(x32, z32)
    assert (sprobe.ptr(0), sprobe.ld(0), sprobe.ptr(1), sprobe.ptr(2)) == \
        (_addr(x32), 18, _addr(z32), 4)
    r = ncdyn.NrcAccumulator(6, 4)
    r.update(x32)
    assert sprobe.ptr(0) == _addr(x32) and sprobe.ptr(1) == 0 and sprobe.ptr(2) == 4
    try:
        import torch
    except ImportError:
        return
    tx = torch.zeros((10, 6), dtype=torch.float32)
    r.update(tx)
    assert sprobe.ptr(0) == tx.data_ptr() and sprobe.ptr(2) == 4


# ---- the peer calls of Accumulator ---------------------------------------------------
def _nc_data(n=90, d=5, k=4, seed=6):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    rng.shuffle(y)
    mu = 2.0 * rng.standard_normal((k, d))
    h = mu[y] + rng.standard_normal((n, d)) + 0.3
    w = mu + 0.4 * rng.standard_normal((k, d))
    return h, y.astype(np.int32), w, 0.1 * rng.standard_normal(k)


ALLF = ncdyn.ACC_SCATTER | ncdyn.ACC_CLASS_SCATTER | ncdyn.ACC_SILHOUETTE | ncdyn.ACC_NC4_CLASS


def _nc_stream(h, y, w, b, flags, mode, rng, pass2=True, roundtrip=True):
    """Four shards (batches of the given mode), merged, optionally pass 2."""
    n, d = h.shape
    k = w.shape[0]
    cuts = [0, n // 5, n // 2, 3 * n // 4, n]
    shards = []
    for i in range(4):
        s = ncdyn.Accumulator(d, k, flags)
        if w is not None:
            s.set_classifier(w, b)
        for lo, hi in _splits(cuts[i + 1] - cuts[i], mode, rng):
            s.update(h[cuts[i] + lo:cuts[i] + hi], y[cuts[i] + lo:cuts[i] + hi])
        shards.append(pickle.loads(pickle.dumps(s)) if roundtrip else s)
    acc = shards[0].merge(shards[1]).merge(shards[2].merge(shards[3]))
    if roundtrip:
        acc = ncdyn.Accumulator.load(acc.save())
    if pass2:
        acc.begin_pass2()
        for lo, hi in _splits(n, mode, rng)[::-1]:
            acc.update(h[lo:hi], y[lo:hi])
    return acc


def test_acc_flags_and_v11_format():
    need("ncd_nc_acc_create", "ncd_nc_acc_save", *ACCP)
    assert (ncdyn.ACC_SILHOUETTE, ncdyn.ACC_NC4_CLASS) == (4, 8)
    h, y, w, b = _nc_data()
    a = ncdyn.Accumulator(5, 4, ALLF).set_classifier(w, b).update(h, y)
    data = a.save()
    assert data[4:8] == b"\x01\x00\x01\x00"  # v1.1 (docs/metrics.md)
    c = ncdyn.Accumulator.load(data)
    assert c.flags == ALLF and c.save() == data
    assert copy.deepcopy(c).flags == ALLF and pickle.loads(pickle.dumps(c)).flags == ALLF
    assert ncdyn.Accumulator(5, 4, 3).update(h, y).save()[4:8] == b"\x01\x00\x00\x00"
    assert ncdyn.Accumulator.load(ncdyn.Accumulator(5, 4, 2).save()).flags == 2


@pytest.mark.parametrize("mode", [0, 1, 2])
def test_acc_metrics_silhouette_nc4_classavg(mode):
    need(*ACCP)
    h, y, w, b = _nc_data()
    rng = np.random.default_rng(mode)
    acc = _nc_stream(h, y, w, b, ALLF, mode, rng)
    want = ncdyn.nc_metrics(h, y, w, b)
    got = acc.metrics()
    sil, _ = ncdyn.silhouette_cos(h, y)
    assert_close(got["silhouette_cos"], sil, R12, 1e-13)
    assert_close(got["silhouette_cos"], want["silhouette_cos"], R12, 1e-13)
    assert_close(got["nc4_classavg"], want["nc4_classavg"], R12, 1e-13)
    means = np.array([h[y == c].mean(0) for c in range(4)])
    ag = ncdyn.agreement(h, y, means, w, b)  # 1 - classavg agreement (docs/metrics.md)
    assert_close(got["nc4_classavg"], 1.0 - ag.classavg, R12, 1e-13)
    assert_close(got["erank"], want["erank"], R12)
    p1 = _nc_stream(h, y, w, b, ncdyn.ACC_SCATTER, mode, rng, pass2=True).metrics()
    assert math.isnan(p1["silhouette_cos"]) and math.isnan(p1["nc4_classavg"])  # no flags


@pytest.mark.parametrize("centre", ["sample", "class", "none"])
def test_acc_pairs_and_class_vectors(centre):
    need(*ACCP)
    h, y, w, b = _nc_data(seed=12)
    rng = np.random.default_rng(7)
    for pass2 in (False, True):
        acc = _nc_stream(h, y, w, b, 0, 2, rng, pass2=pass2)
        for which in ncdyn.Pair:
            for p in ((None, 2.0) if which in (ncdyn.Pair.CDNV, ncdyn.Pair.RIESZ,
                                                ncdyn.Pair.LOG) else (None,)):
                got = acc.pairs(which.name.lower() if p is None else which, centre, p)
                want = ncdyn.pairs(h, y, which, w=w, centre=centre, p=p)
                assert isinstance(got, ncdyn.PairStats)
                assert_close(got.vals, want.vals, R12, 1e-15)
                assert_close([got.mean, got.var, got.cov], [want.mean, want.var, want.cov],
                             1e-11, 1e-15)  # var: a difference of sums, ~10 ulps
        got, want = acc.class_vectors(centre), ncdyn.class_vectors(h, y, w, centre)
        assert isinstance(got, ncdyn.ClassVectors)
        for f in got._fields:
            assert_close(getattr(got, f), getattr(want, f), R12, 1e-15)
    nw = ncdyn.Accumulator(5, 4).update(h[:40], y[:40]).update(h[40:], y[40:])
    got, want = nw.class_vectors(centre), ncdyn.class_vectors(h, y, centre=centre)
    assert got.dots is None and got.cosines is None and got.dual_dist is None
    assert_close(got.norms, want.norms, R12)
    assert_close(got.gram, want.gram, R12, 1e-15)


def test_acc_erank_and_ood():
    need(*ACCP)
    h, y, w, b = _nc_data(seed=13)
    rng = np.random.default_rng(3)
    acc = _nc_stream(h, y, w, b, ALLF, 2, rng, pass2=False)
    g, per = acc.erank()
    wg, wper = ncdyn.erank(h, y)
    assert_close(g, wg, R12)
    assert_close(per, wper, R12)
    assert ncdyn.Accumulator(5, 4, ncdyn.ACC_SCATTER).update(h, y).erank()[1] is None
    assert ncdyn.Accumulator(5, 4, ncdyn.ACC_CLASS_SCATTER).update(h, y).erank()[0] is None
    ood = rng.standard_normal((37, 5)) + 1.5
    for centre in ("sample", "class", "none"):
        want = ncdyn.ood_orthodev(h, y, ood, centre)
        st = ncdyn.Accumulator(5, 3)
        for lo, hi in _splits(37, 2, rng):
            st.update(ood[lo:hi], rng.integers(0, 3, hi - lo))  # any labels
        for src in (ood, st, ood.mean(0)):  # rows, an OOD state, the mean vector
            assert_close(acc.ood_orthodev(src, centre), want, R12)
        got32 = acc.ood_orthodev(ood.astype(np.float32), centre)
        assert_close(got32, ncdyn.ood_orthodev(h, y, ood.astype(np.float32).astype(float),
                                               centre), R12)


def test_acc_peer_bad_input():
    need(*ACCP)
    h, y, w, b = _nc_data()
    acc = ncdyn.Accumulator(5, 4, ncdyn.ACC_SILHOUETTE).update(h, y)
    gn = h[0].copy()
    gn[2] = np.nan
    _unchanged(acc, [
        (lambda: acc.pairs("nope"), ncdyn.InvalidArgument),
        (lambda: acc.pairs(99), ncdyn.InvalidArgument),
        (lambda: acc.pairs(True), ncdyn.InvalidArgument),
        (lambda: acc.pairs("cdnv", centre="middle"), ncdyn.InvalidArgument),
        (lambda: acc.pairs("cdnv", p=math.inf), ncdyn.InvalidArgument),
        (lambda: acc.pairs("wcos_upper"), ncdyn.InvalidArgument),  # no classifier
        (lambda: acc.class_vectors(centre=7), ncdyn.InvalidArgument),
        (lambda: acc.erank(), ncdyn.InvalidArgument),  # neither scatter flag
        (lambda: acc.ood_orthodev(h[0][:4]), ncdyn.InvalidArgument),
        (lambda: acc.ood_orthodev(gn), ncdyn.NonFinite),
        (lambda: acc.ood_orthodev(h[:5, :4]), ncdyn.InvalidArgument),
        (lambda: acc.ood_orthodev(ncdyn.Accumulator(5, 2)), ncdyn.InvalidArgument),  # empty
        (lambda: acc.ood_orthodev(ncdyn.Accumulator(4, 2).update(h[:3, :4], [0, 0, 1])),
         ncdyn.InvalidArgument),
    ])
    missing = ncdyn.Accumulator(5, 4).update(h[y < 3], y[y < 3])  # class 3 empty
    for call in (lambda: missing.pairs("cdnv"), lambda: missing.class_vectors(),
                 lambda: missing.ood_orthodev(h[0])):
        with pytest.raises(ncdyn.InvalidArgument):
            call()
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.Accumulator(5, 4, 16)  # unknown flag bit

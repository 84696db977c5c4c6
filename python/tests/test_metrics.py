"""test_metrics.py - nc_metrics on spec/metrics.md section 7's cases A and B
(1e-13 relative, 1e-14 absolute near 0: the spec's float64 model is within
8e-16), layouts/float32/int64 labels, the Accumulator: streaming and merged
results equal the one-shot ones (1e-10 relative / 1e-12 absolute, api.md),
pickled shards merge to the one-shot result, the save format of section 4e,
rejected calls leave the state unchanged (save() bytes before/after)."""
import copy
import math
import pickle

import numpy as np
import pytest

import ncdyn
from conftest import assert_close, need
import spec_vectors as V

ACC = ("ncd_nc_acc_create", "ncd_nc_acc_free", "ncd_nc_acc_set_classifier",
       "ncd_nc_acc_update", "ncd_nc_acc_merge", "ncd_nc_acc_begin_pass2",
       "ncd_nc_acc_metrics", "ncd_nc_acc_save", "ncd_nc_acc_load")
CASES = {"A": (V.A_H, V.A_Y, V.A_W, V.A_B, V.A_OUT, V.A_NOBIAS),
         "B": (V.B_H, V.B_Y, V.B_W, V.B_B, V.B_OUT, V.B_NOBIAS)}


def test_metric_names():
    assert len(ncdyn.METRICS) == 28 and ncdyn.METRICS[0] == "nc1"
    assert ncdyn.METRICS[10] == "accuracy" and ncdyn.METRICS[18] == "snr_max"
    assert ncdyn.METRICS[19] == "nc1_weak" and ncdyn.METRICS[-1] == "erank"
    assert ncdyn.METRICS.index("nc1_pinv_rank") == 13
    assert (ncdyn.ACC_SCATTER, ncdyn.ACC_CLASS_SCATTER) == (1, 2)


def _check(got, want, rtol=1e-13, atol=1e-14):
    assert list(got) == list(ncdyn.METRICS)
    base = ncdyn.METRICS[:len(want)]  # spec/metrics.md 7 gives the contract's 19
    assert_close([got[m] for m in base], want, rtol, atol)


@pytest.mark.parametrize("case", "AB")
def test_nc_metrics_vectors(case):
    need("ncd_nc_metrics")
    h, y, w, b, out, nobias = CASES[case]
    _check(ncdyn.nc_metrics(h, y, w, b), out)
    m = ncdyn.nc_metrics(h, y, w)
    assert m["nc4"] == pytest.approx(nobias["nc4"], rel=1e-15)
    assert m["accuracy"] == pytest.approx(nobias["accuracy"], rel=1e-15)
    m = ncdyn.nc_metrics(h, y)  # no classifier: those metrics are NaN
    assert math.isnan(m["nc2_equinorm_w"]) and math.isnan(m["nc4"])
    assert m["nc1"] == pytest.approx(out[0], rel=1e-13)


@pytest.mark.parametrize("case", "AB")
def test_nc_metrics_layouts(case):
    need("ncd_nc_metrics")
    h, y, w, b, out, _ = CASES[case]
    want = ncdyn.nc_metrics(h, y, w, b)
    big = np.zeros((2 * h.shape[0], h.shape[1] + 3))
    big[::2, 1:-2] = h
    for hh in (np.asfortranarray(h), big[::2, 1:-2]):
        for yy in (y.astype(np.int64), y.astype(np.uint8), list(y)):
            got = ncdyn.nc_metrics(hh, yy, np.asfortranarray(w), list(b))
            assert_close([got[m] for m in ncdyn.METRICS],
                         [want[m] for m in ncdyn.METRICS], 1e-15, 1e-15)
    got = ncdyn.nc_metrics(h.astype(np.float32), y, w, b)  # features rounded to float
    for m in ("nc1", "nc2_etf_h", "nc3", "nc1_trace_ratio"):
        assert got[m] == pytest.approx(want[m], rel=1e-5)


def test_nc_metrics_bad_input():
    need("ncd_nc_metrics")
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.nc_metrics(V.A_H, np.where(V.A_Y == 0, 1, V.A_Y), V.A_W)  # class 0 empty
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.nc_metrics(V.A_H, V.A_Y, V.A_W[:, :3])
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.nc_metrics(V.A_H, V.A_Y, b=V.A_B)
    y = V.A_Y.copy()
    y[3] = 3
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.nc_metrics(V.A_H, y, V.A_W)
    h = V.A_H.copy()
    h[4, 2] = np.nan
    with pytest.raises(ncdyn.NonFinite):
        ncdyn.nc_metrics(h, V.A_Y, V.A_W)


# ---- Accumulator -----------------------------------------------------------------
def _acc(h, y, w, b, flags, parts, pass2=True, f32=False):
    """An accumulator fed batch by batch; one per part, merged."""
    d, k = h.shape[1], w.shape[0]
    shards = []
    for lo, hi in parts:
        a = ncdyn.Accumulator(d, k, flags)
        a.set_classifier(w, b)
        a.update(h[lo:hi].astype(np.float32) if f32 else h[lo:hi], y[lo:hi])
        shards.append(a)
    acc = shards[0]
    for s in shards[1:]:
        acc.merge(s)
    if pass2:
        acc.begin_pass2()
        for lo, hi in reversed(parts):
            acc.update(h[lo:hi], y[lo:hi])
    return acc


@pytest.mark.parametrize("case", "AB")
def test_accumulator_equals_one_shot(case):
    need(*ACC)
    h, y, w, b, out, _ = CASES[case]
    n = h.shape[0]
    flags = ncdyn.ACC_SCATTER | ncdyn.ACC_CLASS_SCATTER
    acc = _acc(h, y, w, b, flags, [(0, 4), (4, 9), (9, n)])
    _check(acc.metrics(), out, 1e-10, 1e-12)
    acc = _acc(h, y, w, b, 0, [(0, 4), (4, 9), (9, n)], pass2=False)
    m = acc.metrics()  # pass 1 only, no scatter: these need the final means
    assert math.isnan(m["nc4"]) and math.isnan(m["numrank_h"])
    for i in (11, 12, 5):  # spec 7's streaming check: TRACE_RATIO, CDNV, ETF_H
        assert m[ncdyn.METRICS[i]] == pytest.approx(out[i], rel=1e-13)


def test_pickled_shards_merge_to_one_shot():
    need(*ACC)
    h, y, w, b, out, _ = CASES["B"]
    flags = ncdyn.ACC_SCATTER
    blobs = []
    for lo, hi in [(0, 5), (5, 9), (9, 14)]:
        a = ncdyn.Accumulator(3, 6, flags).set_classifier(w, b).update(h[lo:hi], y[lo:hi])
        blobs.append(pickle.dumps(a))
    acc = pickle.loads(blobs[2])
    for blob in blobs[:2]:
        acc.merge(pickle.loads(blob))
    assert isinstance(acc, ncdyn.Accumulator) and (acc.d, acc.k) == (3, 6)
    acc2 = copy.deepcopy(acc)
    acc.begin_pass2().update(h, y)
    want = ncdyn.nc_metrics(h, y, w, b)
    got = acc.metrics()
    for m in ncdyn.METRICS[:25]:  # 25-27 streamed: test_streaming.py
        if m != "numrank_h":  # needs ACC_CLASS_SCATTER
            assert got[m] == pytest.approx(want[m], rel=1e-10, abs=1e-12), m
    assert acc2.save() != acc.save()  # the deep copy is independent


def test_save_format_vector():
    need(*ACC)
    a = ncdyn.Accumulator(2, 2, ncdyn.ACC_SCATTER).update(V.SAVE_H, V.SAVE_Y)
    data = a.save()
    assert isinstance(data, bytes) and len(data) == 172
    assert data.startswith(V.SAVE_HEAD)
    b = ncdyn.Accumulator.load(bytearray(data))
    assert b.save() == data and (b.d, b.k) == (2, 2)
    assert ncdyn.Accumulator.load(memoryview(data)).save() == data


def test_load_rejects_corrupt():
    need(*ACC)
    data = ncdyn.Accumulator(2, 2, ncdyn.ACC_SCATTER).update(V.SAVE_H, V.SAVE_Y).save()
    for bad in (data[:-1], data[:40], b"", data[:100] + bytes([data[100] ^ 1]) + data[101:]):
        with pytest.raises(ncdyn.FormatError):
            ncdyn.Accumulator.load(bad)


def test_rejected_calls_leave_state_unchanged():
    need(*ACC)
    h, y, w, b, _, _ = CASES["A"]
    acc = ncdyn.Accumulator(4, 3, ncdyn.ACC_SCATTER).set_classifier(w, b).update(h[:6], y[:6])
    before = acc.save()
    hn = h[6:].copy()
    hn[-1, -1] = np.inf
    bad_y = y[6:].copy()
    bad_y[0] = 3
    for call, exc in ((lambda: acc.update(hn, y[6:]), ncdyn.NonFinite),
                      (lambda: acc.update(h[6:], bad_y), ncdyn.InvalidArgument),
                      (lambda: acc.update(h[6:, :3], y[6:]), ncdyn.InvalidArgument),
                      (lambda: acc.update(h[6:], y[7:]), ncdyn.InvalidArgument),
                      (lambda: acc.set_classifier(w + 1, b), ncdyn.InvalidArgument),
                      (lambda: acc.merge(ncdyn.Accumulator(4, 3, 0)), ncdyn.InvalidArgument),
                      (lambda: acc.merge(ncdyn.Accumulator(4, 2, 1)), ncdyn.InvalidArgument)):
        with pytest.raises(exc):
            call()
        assert acc.save() == before


def test_float32_updates():
    need(*ACC, "ncd_nc_acc_update_f32")
    h, y, w, b, _, _ = CASES["A"]
    h32 = h.astype(np.float32)
    a = _acc(h, y, w, b, ncdyn.ACC_SCATTER, [(0, 7), (7, 15)], f32=True)
    want = ncdyn.nc_metrics(h32.astype(np.float64), y, w, b)
    got = a.metrics()
    for m in ("nc1_trace_ratio", "nc1_cdnv", "nc2_etf_h", "nc3"):
        assert got[m] == pytest.approx(want[m], rel=1e-10), m


def test_accumulator_bad_create():
    need(*ACC)
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.Accumulator(0, 3)
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.Accumulator(4, 1)

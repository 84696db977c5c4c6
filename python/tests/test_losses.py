"""test_losses.py - softmax, log_softmax, ce_loss, mse_loss on spec/ufm.md
section 9's vectors (tolerance 1e-14 relative, the spec's for losses; 1e-15
absolute for gradient entries near 0), layouts, float32 twins, bad input."""
import numpy as np
import pytest

import ncdyn
from conftest import assert_close, need
import spec_vectors as V


@pytest.fixture(autouse=True)
def _need():
    need("ncd_softmax", "ncd_log_softmax", "ncd_ce_loss", "ncd_mse_loss")


def test_z_of_the_vectors_is_h_w_plus_b():
    assert np.array_equal(V.UFM_H @ V.UFM_W.T + V.UFM_B, V.UFM_Z)  # exact in binary


def test_softmax_log_softmax_vectors():
    assert_close(ncdyn.softmax(V.UFM_Z)[:2], V.SOFTMAX_01, 1e-14)
    assert_close(ncdyn.log_softmax(V.UFM_Z)[:2], V.LOG_SOFTMAX_01, 1e-14)
    p = ncdyn.softmax(V.UFM_Z)
    assert_close(p.sum(axis=1), np.ones(6), 1e-15)


def test_ce_vectors():
    assert ncdyn.ce_loss(V.UFM_Z, V.UFM_Y) == pytest.approx(V.CE_LOSS, rel=1e-14)
    loss, g = ncdyn.ce_loss(V.UFM_Z, V.UFM_Y, grad=True)
    assert loss == pytest.approx(V.CE_LOSS, rel=1e-14)
    assert_close(g, V.CE_G, 1e-14, 1e-16)


def test_mse_vectors():
    loss, g = ncdyn.mse_loss(V.UFM_Z, V.UFM_Y, grad=True)
    assert loss == pytest.approx(V.MSE_LOSS, rel=1e-14)
    assert_close(g, V.MSE_G, 1e-14, 1e-16)
    loss, g = ncdyn.mse_loss(V.UFM_Z, V.UFM_Y, alpha=2.5, m=3, grad=True)
    assert loss == pytest.approx(V.RMSE_LOSS, rel=1e-14)
    assert_close(g, V.RMSE_G, 1e-14, 1e-16)


def test_layouts_and_labels_agree():
    big = np.zeros((12, 7))
    big[::2, 1:4] = V.UFM_Z
    want = ncdyn.ce_loss(V.UFM_Z, V.UFM_Y, grad=True)
    for z in (big[::2, 1:4], np.asfortranarray(V.UFM_Z), V.UFM_Z.tolist()):
        for y in (V.UFM_Y, V.UFM_Y.astype(np.int64), list(V.UFM_Y)):
            loss, g = ncdyn.ce_loss(z, y, grad=True)
            assert loss == want[0] and np.array_equal(g, want[1])
    assert np.array_equal(ncdyn.softmax(big[::2, 1:4]), ncdyn.softmax(V.UFM_Z))


def test_out_and_in_place():
    z = V.UFM_Z.copy()
    want = ncdyn.softmax(V.UFM_Z)
    assert ncdyn.softmax(z, out=z) is z
    assert np.array_equal(z, want)
    out = np.zeros((6, 3), order="F")  # not row-contiguous: filled through a copy
    assert ncdyn.log_softmax(V.UFM_Z, out=out) is out
    assert np.array_equal(out, ncdyn.log_softmax(V.UFM_Z))
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.softmax(V.UFM_Z, out=np.zeros((6, 4)))


def test_float32():
    z32 = V.UFM_Z.astype(np.float32)
    p = ncdyn.softmax(z32)
    assert p.dtype == (np.float32 if ncdyn._capi.has("ncd_softmax_f32") else np.float64)
    assert_close(p, ncdyn.softmax(V.UFM_Z), 1e-6)
    loss, g = ncdyn.ce_loss(z32, V.UFM_Y, grad=True)
    assert loss == pytest.approx(V.CE_LOSS, rel=1e-6)
    assert_close(g, V.CE_G, 1e-5, 1e-8)


def test_bad_input():
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.ce_loss(V.UFM_Z, [0, 1, 2, 3, 0, 1])  # label k
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.ce_loss(V.UFM_Z, [0, 1, 2, -1, 0, 1])
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.ce_loss(V.UFM_Z, V.UFM_Y[:5])
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.mse_loss(V.UFM_Z, V.UFM_Y, alpha=0)
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.mse_loss(V.UFM_Z, V.UFM_Y, m=float("nan"))
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.softmax(np.zeros((0, 3)))
    z = V.UFM_Z.copy()
    z[3, 1] = np.inf
    with pytest.raises(ncdyn.NonFinite):
        ncdyn.softmax(z)
    with pytest.raises(ncdyn.NonFinite):
        ncdyn.ce_loss(z, V.UFM_Y)

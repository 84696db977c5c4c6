"""test_cpath.py - cpath_omega, ls_classifier, mse_decompose on
spec/central-path.md section 9's vectors, with the tolerances stated there
(omega: CP-27, 1e-12 or the listed bound; LS: 1e-13 relative to max|W|;
decomposition: 1e-13 relative), plus identities and bad input."""
import numpy as np
import pytest

import ncdyn
from conftest import assert_close, need
import spec_vectors as V


@pytest.mark.parametrize("c,n,w0,t,want,tol", V.OMEGA)
def test_omega_vectors(c, n, w0, t, want, tol):
    need("ncd_cpath_omega")
    got = ncdyn.cpath_omega(c, n, w0, t)
    if tol == 0:
        assert got == want
    else:
        assert got == pytest.approx(want, rel=tol)


def test_omega_vectorized_and_monotone():
    need("ncd_cpath_omega")
    ts = np.array([[0.0, 1.0], [100.0, 1e4]])
    got = ncdyn.cpath_omega(3, 4, 2.0, ts)
    assert got.shape == (2, 2) and got[0, 0] == 2.0
    assert np.all(np.diff(got.ravel()) > 0)
    assert got[0, 1] == ncdyn.cpath_omega(3, 4, 2.0, 1.0)


def test_omega_bad_input():
    need("ncd_cpath_omega")
    for args in ((1, 4, 2.0, 1.0), (3, 0, 2.0, 1.0), (3, 4, 0.0, 1.0), (3, 4, -1.0, 1.0),
                 (3, 4, 2.0, float("nan")), (3, 4, 2.0, float("inf"))):
        with pytest.raises(ncdyn.InvalidArgument):
            ncdyn.cpath_omega(*args)


@pytest.mark.parametrize("key", sorted(V.LS))
def test_ls_classifier_vectors(key):
    need("ncd_ls_classifier")
    y = V.CP_Y if key[0] == "y" else V.CP_YU
    w, b = ncdyn.ls_classifier(V.CP_H, y, lam=key[1])
    ref = np.array(V.LS[key])
    scale = np.abs(ref[:, :4]).max()
    assert_close(w, ref[:, :4], 0, 1e-13 * scale)
    assert_close(b, ref[:, 4], 0, 1e-13 * scale)
    w2, b2 = ncdyn.ls_classifier(np.asfortranarray(V.CP_H), y.astype(np.int64), key[1], k=3)
    assert np.array_equal(w, w2) and np.array_equal(b, b2)


def test_ls_classifier_singular():
    need("ncd_ls_classifier")
    h = np.ones((6, 3))  # [h, 1] rank 1
    with pytest.raises(ncdyn.Singular):
        ncdyn.ls_classifier(h, [0, 1, 2, 0, 1, 2], lam=0.0)


@pytest.mark.parametrize("key", sorted(V.DECOMP))
def test_mse_decompose_vectors(key):
    need("ncd_mse_decompose")
    b = V.CP_B if key[0] else None
    out = ncdyn.mse_decompose(V.CP_H, V.CP_Y, V.CP_W, b, lam=key[1])
    assert isinstance(out, ncdyn.MSEDecomposition)
    assert_close(list(out), V.DECOMP[key], 1e-13)
    assert out.L == pytest.approx(out.L_NC1 + out.L_NC23 + out.L_LS_perp, rel=1e-14)


def test_mse_decompose_unbalanced_is_invalid():
    need("ncd_mse_decompose")
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.mse_decompose(V.CP_H, V.CP_YU, V.CP_W)
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.mse_decompose(V.CP_H, V.CP_Y, V.CP_W[:, :3])
    h = V.CP_H.copy()
    h[0, 0] = np.nan
    with pytest.raises(ncdyn.NonFinite):
        ncdyn.mse_decompose(h, V.CP_Y, V.CP_W)


def test_float32_features():
    need("ncd_ls_classifier", "ncd_mse_decompose")
    h32 = V.CP_H.astype(np.float32)  # multiples of 1/16: exact in float32
    w, b = ncdyn.ls_classifier(h32, V.CP_Y, 0.25)
    w64, b64 = ncdyn.ls_classifier(V.CP_H, V.CP_Y, 0.25)
    assert_close(w, w64, 0, 1e-14) and assert_close(b, b64, 0, 1e-14)
    assert_close(list(ncdyn.mse_decompose(h32, V.CP_Y, V.CP_W, V.CP_B, 0.25)),
                 V.DECOMP[(True, 0.25)], 1e-13)

"""test_ufm.py - the UFM class: objective and gradients on spec/ufm.md section
9's vectors (1e-14 relative on f, 1e-13 relative to the largest entry on the
gradients, the spec's tolerance), the JVP (exact), parameters by keyword,
training in place against a hand-written gradient-descent loop, the
callback (stats, set, stop, exceptions re-raised), bad input."""
import numpy as np
import pytest

import ncdyn
from conftest import assert_close, need
import spec_vectors as V

NAMES = ("ncd_ufm_create", "ncd_ufm_set", "ncd_ufm_get", "ncd_ufm_get_stat",
         "ncd_ufm_objective", "ncd_ufm_train")


@pytest.fixture
def ufm():
    need(*NAMES)
    return ncdyn.UFM(V.UFM_Y, 4, **V.UFM_LAMBDAS)


def test_params_by_keyword(ufm):
    assert (ufm.n, ufm.d, ufm.k) == (6, 4, 3)
    p = ufm.params()
    assert p["loss"] == "ce" and p["bias"] is True and p["lr"] == 0.1
    assert p["lambda_w"] == 0.03125 and p["step_policy"] == "fixed"
    ufm.set(loss="mse", alpha=2.5, m=3, step_policy="clip", bias=False, momentum=0.5)
    assert ufm.get("loss") == "mse" and ufm.get("alpha") == 2.5 and ufm.get("bias") is False
    assert ufm.get("step_policy") == "clip" and ufm.get("momentum") == 0.5
    with pytest.raises(ncdyn.InvalidArgument):
        ufm.set(lr=-1)
    with pytest.raises(ncdyn.InvalidArgument):
        ufm.set(momentum=1.0)
    with pytest.raises(ncdyn.InvalidArgument):
        ufm.set(loss="hinge")
    with pytest.raises(ncdyn.InvalidArgument):
        ufm.set(lr=0.5, no_such=1)
    assert ufm.get("lr") == 0.1  # nothing set by the rejected call


def test_objective_ce(ufm):
    f, gw, gh, gb = ufm.objective(V.UFM_W, V.UFM_H, V.UFM_B)
    assert f == pytest.approx(V.UFM_CE_F, rel=1e-14)
    for got, want in ((gw, V.UFM_CE_DW), (gh, V.UFM_CE_DH), (gb, V.UFM_CE_DB)):
        assert_close(got, want, 0, 1e-13 * np.abs(want).max())
    assert ufm.objective(V.UFM_W, V.UFM_H, V.UFM_B, grad=False) == f
    f2 = ufm.objective(np.asfortranarray(V.UFM_W), V.UFM_H.astype(np.float32),
                       list(V.UFM_B), grad=False)
    assert f2 == f  # H is exact in float32; converted to float64


def test_objective_rescaled_mse(ufm):
    ufm.set(loss="mse", alpha=2.5, m=3)
    f, gw, _, gb = ufm.objective(V.UFM_W, V.UFM_H, V.UFM_B)
    assert f == pytest.approx(V.UFM_RMSE_F, rel=1e-14)
    assert_close(gw, V.UFM_RMSE_DW, 0, 1e-13 * np.abs(V.UFM_RMSE_DW).max())
    assert_close(gb, V.UFM_RMSE_DB, 0, 1e-13 * np.abs(V.UFM_RMSE_DB).max())


def test_jvp(ufm):
    need("ncd_ufm_jvp")
    a = ufm.jvp(V.UFM_W, V.UFM_H, V.JVP_DW, V.JVP_DH, V.JVP_DB)
    assert np.array_equal(a, V.JVP_A)
    assert np.array_equal(ufm.jvp(V.UFM_W, V.UFM_H, dw=V.JVP_DW), V.UFM_H @ V.JVP_DW.T)


def test_train_matches_hand_loop(ufm):
    ufm.set(lr=0.2, momentum=0.5)
    w, h, b = V.UFM_W.copy(), V.UFM_H.copy(), V.UFM_B.copy()
    seen = []

    def cb(u, cw, ch, cb_):
        assert cw is w and ch is h and cb_ is b  # zero-copy: the arrays being trained
        seen.append((u.stat("step"), u.stat("objective"), u.stat("lr_eff")))

    assert ufm.train(5, w, h, b, callback=cb) == 5
    # heavy ball from zero velocity: v = mu v + g, x -= lr v (api.md ncd_ufm_train)
    rw, rh, rb = V.UFM_W.copy(), V.UFM_H.copy(), V.UFM_B.copy()
    vw, vh, vb = 0, 0, 0
    fs = []
    for _ in range(5):
        f, gw, gh, gb = ufm.objective(rw, rh, rb)
        fs.append(f)
        vw, vh, vb = 0.5 * vw + gw, 0.5 * vh + gh, 0.5 * vb + gb
        rw, rh, rb = rw - 0.2 * vw, rh - 0.2 * vh, rb - 0.2 * vb
    assert_close(w, rw, 1e-12, 1e-14) and assert_close(h, rh, 1e-12, 1e-14)
    assert_close(b, rb, 1e-12, 1e-14)
    assert [s[0] for s in seen] == [1, 2, 3, 4, 5]
    assert_close([s[1] for s in seen], fs, 1e-13)
    assert all(s[2] == 0.2 for s in seen)


def test_train_copies_back_other_layouts(ufm):
    w, h, b = V.UFM_W.copy(), V.UFM_H.copy(), V.UFM_B.copy()
    ufm.train(3, w, h, b)
    wf, h32 = np.asfortranarray(V.UFM_W), V.UFM_H.astype(np.float32)
    bl = V.UFM_B.copy()
    ufm.train(3, wf, h32, bl)
    assert np.array_equal(wf, w) and np.isfortran(wf)
    assert_close(h32, h, 1e-6)


def test_callback_stop_set_and_exceptions(ufm):
    w, h, b = V.UFM_W.copy(), V.UFM_H.copy(), V.UFM_B.copy()
    lrs = []

    def cb(u, *_):
        lrs.append(u.stat("lr_eff"))
        u.set(lr=0.05)  # takes effect at the next step
        return u.stat("step") == 3
    assert ufm.train(10, w, h, b, callback=cb) == 3
    assert lrs == [0.1, 0.05, 0.05]

    class Boom(Exception):
        pass
    calls = []

    def bad(u, *_):
        calls.append(1)
        if len(calls) == 2:
            raise Boom("from the callback")
    w0 = w.copy()
    with pytest.raises(Boom):
        ufm.train(10, w, h, b, callback=bad)
    assert len(calls) == 2 and ufm.stat("step") == 2 and not np.array_equal(w, w0)


def test_train_bad_input(ufm):
    w, h, b = V.UFM_W.copy(), V.UFM_H.copy(), V.UFM_B.copy()
    with pytest.raises(ncdyn.InvalidArgument):
        ufm.train(1, w[:2], h, b)
    with pytest.raises(ncdyn.InvalidArgument):
        ufm.train(1, w, h, b[:2])
    ro = w.copy()
    ro.flags.writeable = False
    with pytest.raises(ncdyn.InvalidArgument):
        ufm.train(1, ro, h, b)
    ufm.set(loss="mse", step_policy="ghost")  # the ghost policies need CE
    with pytest.raises(ncdyn.InvalidArgument):
        ufm.train(1, w, h, b)
    ufm.set(loss="ce", lr=1e300, step_policy="fixed")
    with pytest.raises(ncdyn.NonFinite):
        ufm.train(50, w, h, b)
    assert np.isfinite(w).all() and np.isfinite(h).all()  # the last finite iterate


def test_create_bad_labels():
    need(*NAMES)
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.UFM([0, 0, 2], 4, k=3)  # class 1 has no sample
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.UFM([0, 1, 3], 4, k=3)

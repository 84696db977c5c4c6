"""test_peers_more.py - the peer-parity wrappers of ncdyn.peers (and the centre
and select options of nc_metrics / Accumulator) against
(1) independent numpy implementations of the spec formulas written here
    (spec/metrics-peers.md P-1 to P-12),
(2) the test vectors of spec section 12 (the peers' own outputs), 1e-12
    relative unless the spec gives another figure,
plus bad input raising the documented exceptions, int64 / float32 inputs, and
zero-copy of float64 rows proven with the probe library.

Tolerances against the numpy routes: 1e-12 relative (or 1e-13 absolute near 0)
for quantities of well-separated spectra and plain sums; singular vectors
1e-11 absolute (the library takes them from the d x d Gram, which squares the
condition: eps * sigma_1^2 / gap(sigma^2) ~ 1e-14 here)."""
import math

import numpy as np
import pytest

import ncdyn
import spec_vectors as sv
from conftest import assert_close, need
from test_peers import H, T, Y

K = 4
W, B, HOOD, WR = sv.PEER_W, sv.PEER_B, sv.PEER_HOOD, sv.PEER_WR
EPS = np.finfo(float).eps


# ---- independent numpy routes of the spec formulas ------------------------------------
def class_stats(h, y, k):
    """n_c, mu_c (k x d), q_c = sum ||h_i - mu_c||^2 (metrics.md M-1)."""
    n_c = np.bincount(y, minlength=k)
    mu = np.array([h[y == c].mean(axis=0) for c in range(k)])
    q = np.array([((h[y == c] - mu[c]) ** 2).sum() for c in range(k)])
    return n_c, mu, q


def centre_of(h, y, k, centre):
    """P-1: sample mean, unweighted mean of class means, or 0."""
    _, mu, _ = class_stats(h, y, k)
    return {"sample": h.mean(axis=0), "class": mu.mean(axis=0),
            "none": np.zeros(h.shape[1])}[centre]


def ref_nc1(h, y, k, centre):
    """P-2 "pinv": tr(Sigma_W Sigma_B^+)/k, Sigma_B = Mbar^T Mbar / k."""
    n, d = h.shape
    _, mu, _ = class_stats(h, y, k)
    mbar = mu - centre_of(h, y, k, centre)
    r = h - mu[y]
    sw = r.T @ r / n
    sb = mbar.T @ mbar / k
    return np.trace(sw @ np.linalg.pinv(sb, rcond=max(k, d) * EPS)) / k


def ref_grid(h, y, k, which, p, centre, w=None):
    """P-4 to P-6 on every (c, c'): the k x k grid, the diagonal the formula
    at c' = c (the grid of ncd_nc_pair_grid; its strict upper triangle in
    numpy triu order is the pair values)."""
    n_c, mu, q = class_stats(h, y, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        if which in ("cdnv", "cdnv_unbiased"):
            v = q / (n_c - (which == "cdnv_unbiased"))
            dist2 = ((mu[:, None, :] - mu[None, :, :]) ** 2).sum(-1)
            return (v[:, None] + v[None, :]) / (2 * dist2 ** p)
        mbar = mu - centre_of(h, y, k, centre)
        nrm = np.linalg.norm(mbar, axis=1)
        u = mbar / nrm[:, None]
        delta = np.linalg.norm(u[:, None, :] - u[None, :, :], axis=-1)
        if which == "dist":
            return delta
        if which == "log":
            return p * np.log(delta)
        if which == "riesz":
            return (1.0 if p >= 0 else -1.0) * delta ** (-p)
        if which == "lognorm_diff":
            ln = np.log(nrm)
            return ln[:, None] - ln[None, :]
        if which == "cos_shifted":
            return u @ u.T + 1.0 / (k - 1)
        if which == "wcos_upper":
            return (w / np.linalg.norm(w, axis=1)[:, None]) @ u.T
    raise AssertionError(which)


def ref_pairs(h, y, k, which, p, centre, w=None):
    """P-4 to P-6: the pair values in numpy triu order."""
    return ref_grid(h, y, k, which, p, centre, w)[np.triu_indices(k, 1)]


def ref_agreement(h, y, m, w, b, k):
    """P-8: fraction per class where argmax(w h + b) = argmin ||h - m_c||^2."""
    lin = np.argmax(h @ w.T + (0 if b is None else b), axis=1)
    ncc = np.argmin(((h[:, None, :] - m[None, :, :]) ** 2).sum(-1), axis=1)
    n_c = np.bincount(y, minlength=k)
    hit = np.bincount(y, weights=(lin == ncc).astype(float), minlength=k)
    a = np.where(n_c > 0, hit / np.maximum(n_c, 1), 0.0)
    return (n_c * a).sum() / len(y), a.mean(), a


def ref_orthodev(h, y, k, h_ood, centre):
    """P-9: (1/k) sum_c |cos(mu_c - c0, g - c0)|."""
    _, mu, _ = class_stats(h, y, k)
    c0 = centre_of(h, y, k, centre)
    g = h_ood.mean(axis=0) - c0
    mb = mu - c0
    return np.mean(np.abs(mb @ g) / (np.linalg.norm(mb, axis=1) * np.linalg.norm(g)))


def ref_principal(h, centre):
    """P-12: rows of V^T, each times the sign of its largest-|.| entry."""
    x = h - h.mean(axis=0) if centre else h
    _, s, vt = np.linalg.svd(x, full_matrices=False)
    sign = np.sign(vt[np.arange(len(vt)), np.argmax(np.abs(vt), axis=1)])
    return vt * sign[:, None], s


def ref_nrc1_profile(h):
    """P-10: p_j = (1/n) sum_i sum_{l > j} z_il^2, z_i = V^T h_i/||h_i||."""
    uh = h / np.linalg.norm(h, axis=1)[:, None]
    _, _, vt = np.linalg.svd(h, full_matrices=False)
    z2 = (uh @ vt.T) ** 2
    tail = np.cumsum(z2[:, ::-1], axis=1)[:, ::-1]  # tail[:, j] = sum_{l >= j}
    prof = np.append(tail[:, 1:].mean(axis=0), 0.0)
    return prof[:h.shape[1]]


def ref_nrc2(h, wr):
    """P-10: mean squared residual of h_i/||h_i|| off the row space of wr."""
    uh = h / np.linalg.norm(h, axis=1)[:, None]
    qm, _ = np.linalg.qr(wr.T)
    r = uh - (uh @ qm) @ qm.T
    return (r ** 2).sum(axis=1).mean()


def ref_nrc3_f(t, wr, gamma, nctb=False):
    """P-11: f(gamma) = ||A - X/||X||_F||_F^2, the intended form or NCTB's literal one."""
    a = wr @ wr.T
    a = a / np.linalg.norm(a)
    m = t.shape[1]
    if nctb:
        yc = t - t.mean(axis=1, keepdims=True)
        u, s, _ = np.linalg.svd(yc.T, full_matrices=False)
        u = u * np.sign(u[np.argmax(np.abs(u), axis=0), np.arange(u.shape[1])])
        sig = u @ (u @ s) / math.sqrt(t.shape[0])
        x = sig[None, :] - math.sqrt(gamma) * np.eye(m)
    else:
        tc = t - t.mean(axis=0)
        lam, e = np.linalg.eigh(tc.T @ tc / t.shape[0])
        x = (e * np.sqrt(lam)) @ e.T - math.sqrt(gamma) * np.eye(m)
    return np.linalg.norm(a - x / np.linalg.norm(x)) ** 2


# ---- the centre option and metric selection (P-1) --------------------------------------
def test_centre_option_nc_metrics():
    need("ncd_nc_metrics_ex")
    for c in ("sample", "class", "none"):
        m = ncdyn.nc_metrics(H, Y, W, centre=c)
        assert m["nc1"] == pytest.approx(ref_nc1(H, Y, K, c), rel=1e-12), c
    # spec 12: RW covariance_ratio pinv / structure errors with centre U, NC1 with S
    mu = ncdyn.nc_metrics(H, Y, W, centre=ncdyn.Centre.CLASS)
    assert mu["nc1"] == pytest.approx(sv.PEER_RW_NC1_PINV, rel=1e-12)
    assert mu["nc2_etf_h"] == pytest.approx(sv.PEER_RW_ETF_ERR, rel=1e-12)
    assert mu["nc3"] == pytest.approx(sv.PEER_RW_DUALITY_ERR, rel=1e-12)
    assert mu["unc3_var"] == pytest.approx(sv.PEER_RW_UNC3_VAR, rel=1e-12)
    assert mu["gnc2_dist_var"] == pytest.approx(sv.PEER_RW_KERNEL["dist"][1], rel=1e-12)
    assert mu["gnc2_log_var"] == pytest.approx(sv.PEER_RW_KERNEL["log"][1], rel=1e-12)
    ms = ncdyn.nc_metrics(H, Y, W, centre=0)
    assert ms["nc1"] == pytest.approx(sv.PEER_NC1_S, rel=1e-12)
    # the sample centre is the contract's default: identical to the plain call
    plain = ncdyn.nc_metrics(H, Y, W)
    for name, v in plain.items():
        assert ms[name] == pytest.approx(v, rel=1e-14, abs=1e-15, nan_ok=True), name


def test_select_computes_only_the_selection():
    need("ncd_nc_metrics_select")
    got = ncdyn.nc_metrics(H, Y, W, B, select=range(19, 28))
    assert list(got) == list(ncdyn.METRICS[19:28])
    assert_close(list(got.values()), sv.PEER_OUT_19_27, rtol=1e-12)
    sel = ncdyn.nc_metrics(H, Y, W, select=["erank", "NC1", ncdyn.Metric.NC2_ETF_H, 7],
                           centre="class")
    assert list(sel) == ["nc1", "nc2_etf_h", "nc3", "erank"]  # enum order, no duplicates
    full = ncdyn.nc_metrics(H, Y, W, centre="class")
    for name, v in sel.items():
        assert v == pytest.approx(full[name], rel=1e-13), name
    assert sel["nc1"] == pytest.approx(ref_nc1(H, Y, K, "class"), rel=1e-12)
    assert ncdyn.nc_metrics(H, Y, select=[]) == {}
    assert list(ncdyn.nc_metrics(H, Y, select="accuracy")) == ["accuracy"]


def test_metric_enum_has_the_c_values():
    assert int(ncdyn.Metric.NC1) == 0 and int(ncdyn.Metric.SNR_MAX) == 18
    assert int(ncdyn.Metric.NC1_WEAK) == 19 and int(ncdyn.Metric.ERANK) == 27
    assert [m.name.lower() for m in ncdyn.Metric] == list(ncdyn.METRICS)
    assert [int(c) for c in ncdyn.Centre] == [0, 1, 2]
    assert int(ncdyn.Pair.CDNV) == 0 and int(ncdyn.Pair.WCOS_UPPER) == 7
    assert (ncdyn.NRC_NCTB, ncdyn.NRC_PCA_CENTRED) == (1, 2)


def test_accumulator_centre_equals_one_shot():
    need("ncd_nc_acc_set_options")
    for c in ("class", "none"):
        acc = ncdyn.Accumulator(5, K, ncdyn.ACC_SCATTER).set_options(centre=c)
        acc.set_classifier(W)
        for part in (slice(0, 10), slice(10, 24)):
            acc.update(H[part], Y[part])
        acc.begin_pass2()
        acc.update(H, Y)
        got, want = acc.metrics(), ncdyn.nc_metrics(H, Y, W, centre=c)
        for name in ("nc1", "nc2_etf_h", "nc3", "nc4"):
            # the contract's streaming-vs-one-shot tolerance
            assert got[name] == pytest.approx(want[name], rel=1e-10, abs=1e-12), (c, name)


# ---- pair statistics (P-4 to P-6) -----------------------------------------------------
@pytest.mark.parametrize("which,p,centre", [
    ("cdnv", 1.0, "sample"), ("cdnv", 0.5, "none"), ("cdnv_unbiased", 2.0, "class"),
    ("dist", 0.0, "class"), ("log", -1.0, "sample"), ("log", 2.5, "none"),
    ("riesz", 3.0, "class"), ("riesz", -1.5, "sample"), ("riesz", 0.0, "sample"),
    ("lognorm_diff", 0.0, "sample"), ("cos_shifted", 0.0, "class"),
    ("wcos_upper", 0.0, "none")])
def test_pairs_against_numpy(which, p, centre):
    need("ncd_nc_pairs")
    w = W if which == "wcos_upper" else None
    got = ncdyn.pairs(H, Y, which, w=w, centre=centre, p=p)
    want = ref_pairs(H, Y, K, which, p, centre, W)
    assert_close(got.vals, want, rtol=1e-12, atol=1e-14)
    assert got.mean == pytest.approx(want.mean(), rel=1e-12, abs=1e-14)
    assert got.var == pytest.approx(want.var(), rel=1e-11, abs=1e-15)
    assert got.cov == pytest.approx(math.sqrt(want.var()) / want.mean(), rel=1e-11)


def test_pairs_spec12_rhubarbwu():
    need("ncd_nc_pairs")
    for p, want in sv.PEER_RW_CDNV.items():
        assert ncdyn.pairs(H, Y, "cdnv", p=p).mean == pytest.approx(want, rel=1e-12)
    for kern, (mean, var) in sv.PEER_RW_KERNEL.items():
        # RW's defaults: log(1/delta) and Riesz s = d - 2 = 3 are the wrapper's defaults
        r = ncdyn.pairs(H, Y, kern, centre="class")
        assert (r.mean, r.var) == (pytest.approx(mean, rel=1e-12), pytest.approx(var, rel=1e-12))


def test_pairs_spec12_nc_toolbox():
    need("ncd_nc_pairs")
    for which, (mean, cov, tol) in sv.PEER_NCTB_PAIRS.items():
        r = ncdyn.pairs(H, Y, which, w=W, centre="sample")
        assert r.mean == pytest.approx(mean, rel=tol), which
        assert r.cov == pytest.approx(cov, rel=tol), which


def test_pairs_edges():
    need("ncd_nc_pairs")
    h2 = np.array([[1.0, 0.0], [1.0, 0.0], [2.0, 0.0], [2.0, 0.0]])  # equal directions
    r = ncdyn.pairs(h2, [0, 0, 1, 1], "log", centre="none")
    assert r.mean == math.inf and math.isnan(r.var) and math.isnan(r.cov)
    r = ncdyn.pairs(H[:8], [0, 1] * 4, "cos_shifted")  # k = 2: one pair, var 0
    assert r.vals.shape == (1,) and r.var == 0.0


# ---- per-class vectors (P-7) ----------------------------------------------------------
def test_class_vectors_spec12_and_numpy():
    need("ncd_nc_class_vectors")
    v = ncdyn.class_vectors(H, Y, W, centre="class")
    assert_close(v.norms, sv.PEER_RW_NORMS, rtol=1e-12)
    assert_close(v.dots, sv.PEER_RW_DOTS, rtol=1e-12)
    assert_close(v.cosines, sv.PEER_RW_COS, rtol=1e-12)
    assert_close(v.dual_dist, sv.PEER_RW_DUAL, rtol=1e-12)
    assert np.var(v.dots, ddof=1) == pytest.approx(sv.PEER_RW_UNC3_VAR, rel=1e-12)
    for c in ("sample", "none"):
        v = ncdyn.class_vectors(H, Y, W, centre=c)
        _, mu, _ = class_stats(H, Y, K)
        mb = mu - centre_of(H, Y, K, c)
        nm, nw = np.linalg.norm(mb, axis=1), np.linalg.norm(W, axis=1)
        assert_close(v.norms, nm, rtol=1e-12)
        assert_close(v.dots, (W * mb).sum(1), rtol=1e-12)
        assert_close(v.cosines, (W * mb).sum(1) / (nm * nw), rtol=1e-12)
        assert_close(v.dual_dist, np.linalg.norm(W / nw[:, None] - mb / nm[:, None], axis=1),
                     rtol=1e-12)
        assert_close(v.gram, mb @ mb.T, rtol=1e-12, atol=1e-12)
    v = ncdyn.class_vectors(H, Y)  # without w: only norms and gram
    assert v.dots is None and v.cosines is None and v.dual_dist is None
    assert v.gram.shape == (K, K)


# ---- agreement (P-8) ------------------------------------------------------------------
def test_agreement_spec12_and_numpy():
    need("ncd_nc_agreement")
    _, mu, _ = class_stats(H, Y, K)
    a = ncdyn.agreement(H, Y, mu, W)
    assert a.weighted == pytest.approx(sv.PEER_RW_AGREE[0], rel=1e-12)
    assert a.classavg == pytest.approx(sv.PEER_RW_AGREE[1], rel=1e-12)
    assert_close(a.per_class, sv.PEER_RW_AGREE[2], rtol=1e-12)
    # = 1 - NC4 (no bias) and 1 - NC4_CLASSAVG
    m = ncdyn.nc_metrics(H, Y, W)
    assert a.weighted == pytest.approx(1 - m["nc4"], rel=1e-14)
    assert a.classavg == pytest.approx(1 - m["nc4_classavg"], rel=1e-14)
    # held-out rows against other means, with a bias, a class missing from y
    ho = H[::2] * 0.7 + 0.3
    yh = np.where(Y[::2] == 1, 0, Y[::2])
    m2 = mu[::-1] + 0.5
    a = ncdyn.agreement(ho, yh, m2, W, B)
    wt, ca, per = ref_agreement(ho, yh, m2, W, B, K)
    assert (a.weighted, a.classavg) == (pytest.approx(wt, rel=1e-14), pytest.approx(ca, rel=1e-14))
    assert_close(a.per_class, per, rtol=1e-14) and a.per_class[1] == 0.0


# ---- OOD orthogonality (P-9) ----------------------------------------------------------
def test_ood_orthodev_spec12_and_numpy():
    need("ncd_nc_ood_orthodev")
    for c, want in sv.PEER_ORTHODEV.items():
        got = ncdyn.ood_orthodev(H, Y, HOOD, centre=c)
        assert got == pytest.approx(want, rel=1e-12), c
        assert got == pytest.approx(ref_orthodev(H, Y, K, HOOD, c), rel=1e-12), c


# ---- principal decomposition and NRC (P-10 to P-12) -----------------------------------
def test_principal_decomp_spec12_and_numpy():
    need("ncd_principal_decomp")
    for centre, rows in ((False, sv.PEER_PD_P), (True, sv.PEER_PD_P_CENTRED)):
        pd = ncdyn.principal_decomp(H, centre=centre)
        assert_close(pd.p[:2], rows, rtol=1e-12, atol=1e-13)
        vt, s = ref_principal(H, centre)
        assert_close(pd.p, vt, rtol=0, atol=1e-11)
        assert_close(pd.s, s, rtol=1e-12)
        if centre:
            assert_close(pd.mean, H.mean(axis=0), rtol=1e-14, atol=1e-15)
        else:
            assert pd.mean is None
    wide = H[:3]  # n < d: min(n, d) rows
    pd = ncdyn.principal_decomp(wide)
    vt, s = ref_principal(wide, False)
    assert pd.p.shape == (3, 5)
    assert_close(pd.p, vt, rtol=0, atol=1e-11) and assert_close(pd.s, s, rtol=1e-12)


def test_nrc1_profile_spec12_and_numpy():
    need("ncd_nrc1_profile")
    prof = ncdyn.nrc1_profile(H)
    assert_close(prof[:4], sv.PEER_NRC1_ALL[:4], rtol=1e-12)
    assert abs(prof[4]) <= 1e-15
    assert_close(prof, ref_nrc1_profile(H), rtol=1e-12, atol=1e-15)


def test_nrc_metrics_spec12_and_numpy():
    need("ncd_nrc_metrics")
    r = ncdyn.nrc_metrics(H, T, WR, gamma=0.0)
    assert r.nrc1 == pytest.approx(sv.PEER_NRC1_M2, rel=1e-12)
    assert r.nrc2 == pytest.approx(sv.PEER_NRC2, rel=1e-12)
    assert r.nrc2 == pytest.approx(ref_nrc2(H, WR), rel=1e-12)
    f0, f5, fmin, gstar = sv.PEER_NRC3
    assert r.nrc3 == pytest.approx(f0, rel=1e-12) and r.gamma == 0.0
    assert r.nrc3 == pytest.approx(ref_nrc3_f(T, WR, 0.0), rel=1e-12)
    assert ncdyn.nrc_metrics(H, T, WR, gamma=0.5).nrc3 == pytest.approx(f5, rel=1e-12)
    r = ncdyn.nrc_metrics(H, T, WR)  # search [0, 1]
    assert r.nrc3 == pytest.approx(fmin, rel=1e-9)
    assert r.gamma == pytest.approx(gstar, abs=1e-6)
    assert r.nrc3 == pytest.approx(ref_nrc3_f(T, WR, r.gamma), rel=1e-12)
    grid = [ref_nrc3_f(T, WR, g) for g in np.linspace(0, 1, 201)]
    assert r.nrc3 <= min(grid) * (1 + 1e-12)
    # nc-toolbox's literal nrc3_structure
    lmin, larg, l5 = sv.PEER_NRC3_NCTB
    r = ncdyn.nrc_metrics(H, T, WR, nctb=True)
    assert r.nrc3 == pytest.approx(lmin, rel=1e-12) and r.gamma == pytest.approx(larg, abs=1e-6)
    r5 = ncdyn.nrc_metrics(H, T, WR, gamma=0.5, nctb=True).nrc3
    assert r5 == pytest.approx(l5, rel=1e-12)
    assert r5 == pytest.approx(ref_nrc3_f(T, WR, 0.5, nctb=True), rel=1e-12)
    # without targets / head: NaN where needed; m from wr
    r = ncdyn.nrc_metrics(H, wr=WR)
    assert r.nrc1 == pytest.approx(sv.PEER_NRC1_M2, rel=1e-12) and math.isnan(r.nrc3)
    r = ncdyn.nrc_metrics(H, m=3)
    assert r.nrc1 == pytest.approx(ref_nrc1_profile(H)[2], rel=1e-12) and math.isnan(r.nrc2)


# ---- input types ----------------------------------------------------------------------
def test_int64_labels_and_float32_features():
    need("ncd_nc_pairs", "ncd_nc_class_vectors", "ncd_nc_metrics_select")
    y64 = Y.astype(np.int64)
    assert np.array_equal(ncdyn.pairs(H, y64, "cdnv").vals, ncdyn.pairs(H, Y, "cdnv").vals)
    h32 = H.astype(np.float32)  # the _f32 twin: equals the float64 call on its values
    a = ncdyn.class_vectors(h32, y64, W).cosines
    b = ncdyn.class_vectors(h32.astype(np.float64), Y, W).cosines
    assert np.array_equal(a, b)
    s32 = ncdyn.nc_metrics(h32, y64, select=["nc1"], centre="class")["nc1"]
    assert s32 == ncdyn.nc_metrics(h32.astype(float), Y, select=["nc1"], centre="class")["nc1"]
    import importlib.util
    if importlib.util.find_spec("torch"):
        import torch
        ht, yt = torch.from_numpy(H), torch.from_numpy(Y.astype(np.int64))
        assert ncdyn.ood_orthodev(ht, yt, torch.from_numpy(HOOD)) == \
            ncdyn.ood_orthodev(H, Y, HOOD)


# ---- bad input ------------------------------------------------------------------------
def test_bad_input_raises_documented_errors():
    need("ncd_nc_pairs", "ncd_nc_metrics_select", "ncd_nrc_metrics", "ncd_nc_agreement",
         "ncd_nc_ood_orthodev", "ncd_principal_decomp", "ncd_nrc1_profile")
    E = ncdyn.InvalidArgument
    with pytest.raises(E) as ei:
        ncdyn.nc_metrics(H, Y, select=["nc1", "nc9"])
    assert "unknown metric 'nc9'" in ei.value.detail
    with pytest.raises(E):
        ncdyn.nc_metrics(H, Y, select=[28])
    with pytest.raises(E):
        ncdyn.nc_metrics(H, Y, centre="median")
    with pytest.raises(E):
        ncdyn.nc_metrics(H, Y, centre=3)
    with pytest.raises(E):
        ncdyn.nc_metrics(H, Y, pinv_rtol=1.5)  # C: option out of range
    with pytest.raises(E):
        ncdyn.pairs(H, Y, "manhattan")
    with pytest.raises(E):
        ncdyn.pairs(H, Y, 8)
    with pytest.raises(E):
        ncdyn.pairs(H, Y, "wcos_upper")  # needs w (C: NCD_EINVAL)
    with pytest.raises(E):
        ncdyn.pairs(H, Y, "cdnv", p=math.inf)
    with pytest.raises(E):
        ncdyn.pairs(H, Y, "cdnv", w=W[:, :3])
    with pytest.raises(E):
        ncdyn.pairs(H, Y, "cdnv", w=W, k=5)
    ybad = Y.copy()
    ybad[3] = -1
    with pytest.raises(E):
        ncdyn.pairs(H, ybad, "cdnv")
    with pytest.raises(E):
        ncdyn.class_vectors(H, Y.astype(np.int64) + 2**32)  # never wraps into [0, k)
    with pytest.raises(E):
        ncdyn.agreement(H, Y, W, W[:3])
    with pytest.raises(E):
        ncdyn.ood_orthodev(H, Y, HOOD[:, :4])
    with pytest.raises(E):
        ncdyn.nrc_metrics(H, T, WR, m=3)
    with pytest.raises(E):
        ncdyn.nrc_metrics(H, m=6)  # m > min(n, d)
    with pytest.raises(E):
        ncdyn.nrc_metrics(H, T, WR, gamma=(0.5, 0.25))
    with pytest.raises(E):
        ncdyn.nrc_metrics(H, T, WR, gamma=-1.0)
    with pytest.raises(E):
        ncdyn.nrc_metrics(H)
    with pytest.raises(E):
        ncdyn.principal_decomp(H[0])
    with pytest.raises(E):
        ncdyn.nrc1_profile(np.zeros((0, 3)))
    hn = H.copy()
    hn[5, 2] = np.nan
    for f in (lambda: ncdyn.pairs(hn, Y, "dist"), lambda: ncdyn.nrc1_profile(hn),
              lambda: ncdyn.principal_decomp(hn), lambda: ncdyn.ood_orthodev(H, Y, hn),
              lambda: ncdyn.nc_metrics(hn, Y, select="nc1")):
        with pytest.raises(ncdyn.NonFinite):
            f()


# ---- zero-copy of float64 rows, proven from the C side -------------------------------
def _addr(a):
    return a.__array_interface__["data"][0]


def test_peer_calls_zero_copy(probe):
    base = np.arange(6 * 8, dtype=np.float64).reshape(6, 8)
    h = base[:, 2:6]  # row stride 8: passed as is with ld 8
    y = np.array([0, 1, 0, 1, 1, 0], dtype=np.int32)
    w = np.ones((2, 5))[:, :4]
    ncdyn.pairs(h, y, "wcos_upper", w=w)
    assert (probe.ptr(0), probe.ld(0), probe.ptr(1)) == (_addr(h), 8, _addr(y))
    assert (probe.ptr(2), probe.ld(2)) == (_addr(w), 5)
    probe.reset()
    ncdyn.nc_metrics(h, y, w, select=["nc1"], centre="class")
    assert (probe.ptr(0), probe.ld(0), probe.ptr(1), probe.ptr(2)) == (_addr(h), 8, _addr(y),
                                                                       _addr(w))
    probe.reset()
    t = base[:, :2]
    ncdyn.nrc_metrics(h, t, w)
    assert (probe.ptr(0), probe.ld(0), probe.ptr(2), probe.ld(2), probe.ptr(3)) == (
        _addr(h), 8, _addr(t), 8, _addr(w))
    probe.reset()
    ncdyn.pairs(h[::-1], y.astype(np.int64), "cdnv")  # negative stride, int64: one copy each
    assert probe.ptr(0) not in (0, _addr(h[::-1])) and probe.ld(0) == 4
    assert probe.ptr(1) != _addr(y)


def test_torch_collect_with_centre_and_select():
    torch = pytest.importorskip("torch")
    need("ncd_nc_metrics_select", "ncd_nc_acc_set_options")
    import ncdyn.torch as nct
    torch.manual_seed(3)
    body = torch.nn.Linear(6, 5).double()
    model = torch.nn.Sequential(body, torch.nn.Linear(5, 3).double())
    x = torch.randn(60, 6, dtype=torch.float64)
    y = torch.arange(60) % 3  # int64 labels
    loader = [(x[:25], y[:25]), (x[25:], y[25:])]
    with torch.no_grad():
        f = body(x).numpy()
    w = model[1].weight.detach().numpy()
    b = model[1].bias.detach().numpy()
    want = ncdyn.nc_metrics(f, y.numpy(), w, b, centre="class")
    got = nct.collect_nc_metrics(model, body, loader, streaming=False, centre="class",
                                 select=["nc1", "nc3"])
    assert list(got) == ["nc1", "nc3"]
    assert got["nc1"] == pytest.approx(want["nc1"], rel=1e-13)
    got = nct.collect_nc_metrics(model, body, loader, centre="class", select=["nc1", "nc3"])
    assert list(got) == ["nc1", "nc3"]
    for name in got:  # the contract's streaming-vs-one-shot tolerance
        assert got[name] == pytest.approx(want[name], rel=1e-10, abs=1e-12), name


# ---- the CLI's JSON against the Python calls on the same .npy files ------------------
def _tool():
    import os
    t = os.environ.get("NCD_TOOL") or os.path.join(
        os.path.dirname(__file__), "..", "..", "build", "bin", "ncdyn")
    if not os.access(t, os.X_OK):
        pytest.skip("the ncdyn tool is not built (%s)" % t)
    return t


def test_cli_json_equals_python(tmp_path):
    import json
    import subprocess
    need("ncd_nc_metrics_select", "ncd_nc_pairs")
    tool = _tool()
    np.save(tmp_path / "h.npy", H.astype(np.float32))  # the tool reads float32 as double
    np.save(tmp_path / "y.npy", Y.astype(np.int64))
    np.save(tmp_path / "w.npy", W)
    h32 = H.astype(np.float32).astype(np.float64)
    base = [tool, "metrics", "--features", str(tmp_path / "h.npy"), "--labels",
            str(tmp_path / "y.npy"), "--weights", str(tmp_path / "w.npy"), "--json"]
    r = subprocess.run(base + ["--centre", "class", "--select", "nc1,unc3_var,erank",
                               "--pairs", "riesz,wcos_upper", "--p", "1.5"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    want = ncdyn.nc_metrics(h32, Y, W, centre="class", select=["nc1", "unc3_var", "erank"])
    assert set(got) == {"n", "d", "k", "pairs"} | set(want)
    for name, v in want.items():  # the same C call on the same doubles, 17 digits printed
        assert got[name] == pytest.approx(v, rel=1e-13), name
    for kind in ("riesz", "wcos_upper"):
        pr = ncdyn.pairs(h32, Y, kind, w=W, centre="class", p=1.5)
        g = got["pairs"][kind]
        assert g["p"] == 1.5
        assert (g["mean"], g["var"], g["cov"]) == (pytest.approx(pr.mean, rel=1e-13),
                                                   pytest.approx(pr.var, rel=1e-13),
                                                   pytest.approx(pr.cov, rel=1e-13))
        assert_close(g["vals"], pr.vals, rtol=1e-13)
    # the streamed route with a centre: the contract's accumulator tolerance
    r = subprocess.run(base + ["--centre", "none"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    want = ncdyn.nc_metrics(h32, Y, W, centre="none")
    for name in ncdyn.METRICS[:19]:
        if math.isnan(want[name]):
            assert got[name] is None, name
        else:
            assert got[name] == pytest.approx(want[name], rel=1e-10, abs=1e-12), name
    r = subprocess.run(base + ["--select", "nc1,nc_one"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1 and "unknown name 'nc_one'" in r.stderr

"""peers.py - the peer-parity calls of include/ncdyn.h section 6 "Peer parity"
(spec/metrics-peers.md P-1 to P-16; docs/peers.md maps every function of
rhubarbwu/neural-collapse, felixsh/nc-toolbox and MONAI to these): the centre
option and metric selection (used by metrics.nc_metrics), pair statistics,
per-class vectors, agreement with given means, OOD orthogonality, principal
decomposition and neural regression collapse.

Arrays: float64 and float32 feature matrices with contiguous rows go in
zero-copy, float32 to the call's _f32 twin (include/ncdyn.h "additions: twins",
converted block by block in C: the result equals the float64 call on the
float32 values); int32 and int64 labels go in zero-copy, int64 to the _i64
twin (bitwise the int32 result). Other dtypes and layouts are copied once
(integer features to float64, other labels range-checked to int32). Small
caller matrices (w, b, m, regression targets and head) are float64. With a
library older than the twins, float32 / int64 are converted once instead.
"""
import ctypes
import enum
import math
from collections import namedtuple
from ctypes import byref

import numpy as np

from . import _arrays, _capi, _lib

__all__ = ["Centre", "Pair", "Metric", "NRC_NCTB", "NRC_PCA_CENTRED", "PairStats",
           "ClassVectors", "Agreement", "PrincipalDecomp", "NRCMetrics", "pairs",
           "pair_grid", "class_vectors", "agreement", "ood_orthodev", "principal_decomp",
           "nrc1_profile", "nrc_metrics"]


class Centre(enum.IntEnum):
    """ncd_centre (P-1): the centre c0 of the class means."""
    SAMPLE = 0  #: c0 = the sample mean (api.md default, nc-toolbox)
    CLASS = 1   #: c0 = unweighted mean of the class means (rhubarbwu)
    NONE = 2    #: c0 = 0, raw means (MONAI, rhubarbwu without m_G)


class Pair(enum.IntEnum):
    """ncd_pair: the pair statistic of pairs() (P-4 to P-6)."""
    CDNV = 0
    CDNV_UNBIASED = 1
    DIST = 2
    LOG = 3
    RIESZ = 4
    LOGNORM_DIFF = 5
    COS_SHIFTED = 6
    WCOS_UPPER = 7


# ncd_metric: NC1 = 0 ... ERANK = 27, the names of metrics.METRICS upper-cased
from .metrics import METRICS  # noqa: E402  (metrics imports nothing from here)
from .streaming import batch  # noqa: E402  (streaming imports nothing from here)

Metric = enum.IntEnum("Metric", [(m.upper(), i) for i, m in enumerate(METRICS)])
Metric.__doc__ = "ncd_metric: index of each metric (NCD_NC1 = 0, ..., NCD_ERANK = 27)."

#: ncd_nrc_metrics flag: nc-toolbox's literal nrc3_structure (P-11)
NRC_NCTB = 1
#: ncd_nrc_metrics flag: V of NRC1 from the centred H (sklearn PCA style)
NRC_PCA_CENTRED = 2


class _Options(ctypes.Structure):
    """struct ncd_nc_options."""
    _fields_ = [("pinv_rtol", ctypes.c_double), ("unweighted_centre", ctypes.c_int)]


PairStats = namedtuple("PairStats", "mean var vals cov")
PairStats.__doc__ = ("pairs(): mean and population variance over the k(k-1)/2 pairs, "
                     "the values in numpy triu order, and nc-toolbox's 'cov' = sqrt(var)/mean.")
ClassVectors = namedtuple("ClassVectors", "norms dots cosines dual_dist gram")
ClassVectors.__doc__ = ("class_vectors(): ||mbar_c||, w_c . mbar_c, cos(w_c, mbar_c), "
                        "||w_c/||w_c|| - mbar_c/||mbar_c|| ||, Mbar Mbar^T (None without w).")
Agreement = namedtuple("Agreement", "weighted classavg per_class")
Agreement.__doc__ = "agreement(): sum_c n_c a_c / n, (1/k) sum_c a_c and a (k values)."
PrincipalDecomp = namedtuple("PrincipalDecomp", "p s mean")
PrincipalDecomp.__doc__ = ("principal_decomp(): p (min(n, d) x d, sign-fixed right singular "
                           "vectors as rows), s (singular values, descending), mean (or None).")
NRCMetrics = namedtuple("NRCMetrics", "nrc1 nrc2 nrc3 gamma")
NRCMetrics.__doc__ = "nrc_metrics(): NRC1, NRC2, NRC3 and the minimising gamma (P-10, P-11)."


def centre_value(centre, fname=None):
    """The ncd_centre value of 'sample' | 'class' | 'none', a Centre or 0..2."""
    if isinstance(centre, str):
        try:
            return int(Centre[centre.upper()])
        except KeyError:
            raise _lib.invalid("centre must be 'sample', 'class' or 'none', got %r" % centre,
                               fname) from None
    if isinstance(centre, (bool, float)) or not isinstance(centre, (int, np.integer)) \
            or int(centre) not in (0, 1, 2):
        raise _lib.invalid("centre must be 'sample', 'class', 'none' or 0..2, got %r"
                           % (centre,), fname)
    return int(centre)


def select_mask(select, fname=None):
    """(mask, [metric indices]) of a metric name, Metric, index, or an iterable of them."""
    if isinstance(select, (str, int, np.integer)):
        select = [select]
    idx = []
    for s in select:
        if isinstance(s, str):
            if s.lower() not in METRICS:
                raise _lib.invalid("unknown metric %r (known: %s)" % (s, ", ".join(METRICS)),
                                   fname)
            i = METRICS.index(s.lower())
        elif isinstance(s, (int, np.integer)) and not isinstance(s, bool) \
                and 0 <= int(s) < len(METRICS):
            i = int(s)
        else:
            raise _lib.invalid("unknown metric %r (a name of ncdyn.METRICS or 0..%d)"
                               % (s, len(METRICS) - 1), fname)
        if i not in idx:
            idx.append(i)
    idx.sort()
    mask = 0
    for i in idx:
        mask |= 1 << i
    return mask, idx


def options(centre=None, pinv_rtol=None, fname=None):
    """A struct ncd_nc_options (defaults for None)."""
    o = _Options()
    o.pinv_rtol = 0.0 if pinv_rtol is None else float(pinv_rtol)
    o.unweighted_centre = 0 if centre is None else centre_value(centre, fname)
    return o


def twin(fname, f32, i64=False):
    """The C name of fname's twin for float32 features / int64 labels."""
    return fname + ("_f32" if f32 else "") + ("_i64" if i64 else "")


def features(h, y, fname):
    """(keep, h addr, ldh, n, d, y addr, C name) of features and labels,
    zero-copy where the library has the twin: float32 h -> fname_f32, int64
    y -> ..._i64 (else converted once to float64 / int32)."""
    ha, hp, ldh, f32 = _arrays.matrix(h, "h", f32=_capi.has(twin(fname, True)))
    return labelled(ha, hp, ldh, f32, y, fname)


def labelled(ha, hp, ldh, f32, y, fname):
    """features() for an already marshalled feature matrix (f32: it is float32)."""
    n, d = ha.shape
    ya, yp, i64 = _arrays.labels(y, n, i64=_capi.has(twin(fname, f32, True)))
    return (ha, ya), hp, ldh, n, d, yp, twin(fname, f32, i64)


def matrix_f32(h, fname, name="h"):
    """(array, addr, ld, C name) of a feature matrix: float32 to fname_f32."""
    ha, hp, ldh, f32 = _arrays.matrix(h, name, f32=_capi.has(twin(fname, True)))
    return ha, hp, ldh, twin(fname, f32)


def _rows(x, name, rows, d, fname):
    """(array, addr, ld) of a matrix that must be rows x d (rows None: any)."""
    a, p, ld, _ = _arrays.matrix(x, name)
    if a.shape[1] != d or (rows is not None and a.shape[0] != rows):
        raise _lib.invalid("%s must be %s x %d, got %s"
                           % (name, "k" if rows is None else rows, d, a.shape), fname)
    return a, p, ld


def check_k(kw, k, y_keep, fname):
    """k: kw (the classifier's row count, None without one) checked against a
    given k, else the given k, else 1 + the largest label."""
    if kw is not None:
        if k is not None and int(k) != kw:
            raise _lib.invalid("k=%d but w has %d rows" % (k, kw), fname)
        k = kw
    return _arrays.n_classes(y_keep, k)


def pair_value(which, fname):
    """The Pair of a pair-statistic name, Pair or value (InvalidArgument else)."""
    try:
        if not isinstance(which, (str, int, np.integer)) or isinstance(which, bool):
            raise TypeError
        return Pair[which.upper()] if isinstance(which, str) else Pair(int(which))
    except (KeyError, ValueError, TypeError):
        raise _lib.invalid("unknown pair statistic %r (known: %s)" % (
            which, ", ".join(m.name.lower() for m in Pair)), fname) from None


def pair_p(which, p, d):
    """p as given, else the default of the Pair which in dimension d."""
    if p is None:
        p = {Pair.LOG: -1.0, Pair.RIESZ: float(d) - 2.0}.get(which, 1.0)
    return float(p)


def pair_stats(mean, var, vals):
    """PairStats of the C outputs (c_double mean and var, the values)."""
    m, v = mean.value, var.value
    cov = math.sqrt(v) / m if m != 0 and not math.isnan(v) else float("nan")
    return PairStats(m, v, vals, cov)


def _pair_args(h, y, which, w, centre, p, k, fname):
    """(keep, C name, the C arguments up to p, k) shared by pairs and pair_grid."""
    which = pair_value(which, fname)
    keep, hp, ldh, n, d, yp, name = features(h, y, fname)
    wa, wp, ldw = (None, None, 0) if w is None else _rows(w, "w", None, d, fname)
    k = check_k(None if wa is None else wa.shape[0], k, keep[1], fname)
    args = (n, d, k, hp, ldh, yp, wp, ldw, centre_value(centre, fname), int(which),
            pair_p(which, p, d))
    return (keep, wa), name, args, k


def pairs(h, y, which, w=None, centre="sample", p=None, k=None):
    """PairStats(mean, var, vals, cov) of one pair statistic (ncd_nc_pairs; a
    Pair or its name, e.g. "cdnv", "log", "riesz"). p: the CDNV distance
    exponent (default 1), the log factor e (default -1: log(1/delta)) or the
    Riesz exponent s (default d - 2, rhubarbwu's); ignored otherwise. w (k x d)
    is needed only for "wcos_upper". vals is in numpy triu_indices(k, 1) order."""
    keep, name, args, k = _pair_args(h, y, which, w, centre, p, k, "ncd_nc_pairs")
    mean, var = ctypes.c_double(), ctypes.c_double()
    vals = np.empty(k * (k - 1) // 2)
    _capi.call(name, *args, byref(mean), byref(var), vals.ctypes.data)
    return pair_stats(mean, var, vals)


def pair_grid(h, y, which, w=None, centre="sample", p=None, k=None):
    """The full k x k grid of a pair statistic (ncd_nc_pair_grid; arguments as
    pairs()): rhubarbwu's kernel grids and class_dist_norm_vars. Its strict
    upper triangle read row by row is pairs().vals; the lower triangle mirrors
    it (negated for "lognorm_diff"; cos(w_c, mbar_c') for "wcos_upper"); the
    diagonal is the formula at c' = c (e.g. +inf for CDNV with p > 0, 0 for
    DIST; see include/ncdyn.h)."""
    keep, name, args, k = _pair_args(h, y, which, w, centre, p, k, "ncd_nc_pair_grid")
    grid = np.empty((k, k))
    _capi.call(name, *args, grid.ctypes.data, max(k, 1))
    return grid


def class_vectors(h, y, w=None, centre="sample", k=None):
    """ClassVectors(norms, dots, cosines, dual_dist, gram) of rhubarbwu's
    measure.py (ncd_nc_class_vectors; P-7): mean_norms, similarities,
    similarities(cos=True), distance_norms(norm=True), interference_grid.
    dots, cosines and dual_dist need w (k x d) and are None without it."""
    fname = "ncd_nc_class_vectors"
    keep, hp, ldh, n, d, yp, name = features(h, y, fname)
    wa, wp, ldw = (None, None, 0) if w is None else _rows(w, "w", None, d, fname)
    k = check_k(None if wa is None else wa.shape[0], k, keep[1], fname)
    norms, gram = np.empty(k), np.empty((k, k))
    dots, cos, dual = (np.empty(k), np.empty(k), np.empty(k)) if wa is not None else \
        (None, None, None)
    addr = (lambda a: None if a is None else a.ctypes.data)
    _capi.call(name, n, d, k, hp, ldh, yp, wp, ldw, centre_value(centre, fname),
               norms.ctypes.data, addr(dots), addr(cos), addr(dual), gram.ctypes.data, k)
    return ClassVectors(norms, dots, cos, dual, gram)


def agreement(h, y, m, w, b=None):
    """Agreement(weighted, classavg, per_class) of the classifier w (k x d, bias
    b or None) with the nearest-mean rule against the caller's class means m
    (k x d), e.g. training means for held-out h (ncd_nc_agreement; rhubarbwu
    clf_ncc_agreement). Classes may be missing from y (their a_c is 0)."""
    fname = "ncd_nc_agreement"
    keep, hp, ldh, n, d, yp, name = features(h, y, fname)
    ma, mp, ldm = _rows(m, "m", None, d, fname)
    k = ma.shape[0]
    wa, wp, ldw = _rows(w, "w", k, d, fname)
    ba, bp = _arrays.vector(b, "b", k) if b is not None else (None, None)
    wt, ca, per = ctypes.c_double(), ctypes.c_double(), np.empty(k)
    _capi.call(name, n, d, k, hp, ldh, yp, mp, ldm, wp, ldw, bp, byref(wt), byref(ca),
               per.ctypes.data)
    return Agreement(wt.value, ca.value, per)


def ood_orthodev(h, y, h_ood, centre="sample", k=None):
    """NC5 orthogonality deviation (1/k) sum_c |cos(mu_c - c0, g - c0)|, g the
    mean of the out-of-distribution rows h_ood (ncd_nc_ood_orthodev; rhubarbwu's
    README call is centre="none"). float32 h and h_ood (both) go to the _f32 twin."""
    fname = "ncd_nc_ood_orthodev"
    (hm, om), _ = batch(fname, (h, h_ood), ("h", "h_ood"))
    keep, hp, ldh, n, d, yp, name = labelled(*hm, y, fname)
    k = _arrays.n_classes(keep[1], k)
    oa, op, ldo, _ = om
    if oa.shape[1] != d:
        raise _lib.invalid("h_ood must be n_ood x %d, got %s" % (d, oa.shape), fname)
    out = ctypes.c_double()
    _capi.call(name, n, d, k, hp, ldh, yp, oa.shape[0], op, ldo,
               centre_value(centre, fname), byref(out))
    return out.value


def principal_decomp(h, centre=False):
    """PrincipalDecomp(p, s, mean) of nc-toolbox principal_decomp
    (ncd_principal_decomp; P-12): p = the min(n, d) sign-fixed right singular
    vectors of H (or H - 1 hbar^T with centre=True) as rows; nc-toolbox's
    (P, P_res) for m components are p[:m], p[m:]. mean is None uncentred."""
    ha, hp, ldh, name = matrix_f32(h, "ncd_principal_decomp")
    n, d = ha.shape
    r = min(n, d)
    pm, s = np.empty((r, d)), np.empty(r)
    mean = np.empty(d) if centre else None
    _capi.call(name, n, d, hp, ldh, 1 if centre else 0, pm.ctypes.data,
               max(d, 1), s.ctypes.data, None if mean is None else mean.ctypes.data)
    return PrincipalDecomp(pm, s, mean)


def nrc1_profile(h):
    """NRC1(j) for j = 1..d (ncd_nrc1_profile; nc-toolbox nrc1_collapse_all)."""
    ha, hp, ldh, name = matrix_f32(h, "ncd_nrc1_profile")
    out = np.empty(ha.shape[1])
    _capi.call(name, ha.shape[0], ha.shape[1], hp, ldh, out.ctypes.data)
    return out


def nrc_metrics(h, t=None, wr=None, m=None, gamma=(0.0, 1.0), nctb=False,
                pca_centred=False):
    """NRCMetrics(nrc1, nrc2, nrc3, gamma) of neural regression collapse
    (ncd_nrc_metrics; P-10, P-11) for features h (n x d), targets t (n x m)
    and regression head wr (m x d), either may be None (NaN where needed). m
    defaults to t's columns, else wr's rows. gamma: (lo, hi) search interval
    or one number (evaluated there). nctb=True: nc-toolbox's literal
    nrc3_structure; pca_centred=True: V of NRC1 from the centred H."""
    fname = "ncd_nrc_metrics"
    ha, hp, ldh, name = matrix_f32(h, fname)
    n, d = ha.shape
    ta, tp, ldt = (None, None, 0)
    if t is not None:
        ta, tp, ldt, _ = _arrays.matrix(t, "t")
        if ta.shape[0] != n:
            raise _lib.invalid("t must have %d rows, got %d" % (n, ta.shape[0]), fname)
    if m is None:
        if ta is not None:
            m = ta.shape[1]
        elif wr is not None:
            m = _arrays.to_numpy(wr).shape[0]
        else:
            raise _lib.invalid("give t, wr or m", fname)
    m = int(m)
    if ta is not None and ta.shape[1] != m:
        raise _lib.invalid("t must be n x %d, got %s" % (m, ta.shape), fname)
    wa, wp, ldw = (None, None, 0) if wr is None else _rows(wr, "wr", m, d, fname)
    out = np.empty(4)
    _capi.call(name, n, d, hp, ldh, m, tp, ldt, wp, ldw, *nrc_args(gamma, nctb, pca_centred),
               out.ctypes.data)
    return NRCMetrics(*out.tolist())


def nrc_args(gamma, nctb, pca_centred):
    """(gamma_lo, gamma_hi, flags) of the C NRC metric calls: gamma an
    interval or one number, nctb / pca_centred the NRC_* flags."""
    lo, hi = (gamma, gamma) if np.ndim(gamma) == 0 else tuple(gamma)
    flags = (NRC_NCTB if nctb else 0) | (NRC_PCA_CENTRED if pca_centred else 0)
    return float(lo), float(hi), flags

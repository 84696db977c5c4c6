"""metrics.py - neural-collapse metrics (api.md "Neural-collapse metrics",
spec/metrics.md): ncd_nc_metrics on all data at once, and the streaming,
mergeable, serializable accumulator ncd_nc_acc as the class Accumulator.
"""
import ctypes
from ctypes import byref, c_void_p

import numpy as np

from . import _arrays, _capi, _lib
from .streaming import _Stream, batch

__all__ = ["METRICS", "ACC_SCATTER", "ACC_CLASS_SCATTER", "ACC_SILHOUETTE", "ACC_NC4_CLASS",
           "nc_metrics", "Accumulator", "linear_cka", "silhouette_cos", "erank"]

#: metric names in ncd_metric enum order (the C names lower-cased without NCD_)
METRICS = (
    "nc1", "nc2_equinorm_h", "nc2_equinorm_w", "nc2_equiangle_h", "nc2_maxangle_h",
    "nc2_etf_h", "nc2_etf_w", "nc3", "nc3_duality", "nc4", "accuracy",
    "nc1_trace_ratio", "nc1_cdnv", "nc1_pinv_rank", "cosmargin_mean", "cosmargin_min",
    "numrank_h", "snr_min", "snr_max",
    # appended by the peer-parity layer (spec/metrics-peers.md; docs/peers.md)
    "nc1_weak", "unc3_var", "gnc2_dist_var", "gnc2_log_mean", "gnc2_log_var",
    "centroid_cos", "nc4_classavg", "silhouette_cos", "erank",
)
#: accumulator flag: keep the pooled d x d within-class scatter (NC1, SNR in one pass)
ACC_SCATTER = 1
#: accumulator flag: keep the k per-class scatters (NUMRANK_H)
ACC_CLASS_SCATTER = 2
#: accumulator flag: class sums of unit rows, so metrics() gives "silhouette_cos"
#: after pass 2 (state saved as byte format v1.1)
ACC_SILHOUETTE = 4
#: accumulator flag: per-class pass-2 mismatches, so metrics() gives
#: "nc4_classavg" (needs a classifier; state saved as byte format v1.1)
ACC_NC4_CLASS = 8


def _as_dict(out):
    return dict(zip(METRICS, out.tolist()))


def _classifier(w, b, d, fname):
    """(k, keep-alive tuple, w addr, ldw, b addr) for an optional classifier."""
    if w is None:
        if b is not None:
            raise _lib.invalid("b given without w", fname)
        return None, (), None, 0, None
    wa, wp, ldw, _ = _arrays.matrix(w, "w")
    k = wa.shape[0]
    if wa.shape[1] != d:
        raise _lib.invalid("w must be k x d = k x %d, got %s" % (d, wa.shape), fname)
    ba, bp = _arrays.vector(b, "b", k) if b is not None else (None, None)
    return k, (wa, ba), wp, ldw, bp


def nc_metrics(h, y, w=None, b=None, k=None, centre=None, select=None, pinv_rtol=None):
    """{name: value} for every metric of METRICS on the n x d features h with
    labels y, classifier w (k x d, optional) and bias b (k, optional; None = no
    bias). NaN where undefined (no w, a 0/0). k is w's row count, else the given
    k, else max(y) + 1; every class needs a sample. float32 h goes zero-copy to
    ncd_nc_metrics_f32 and int64 labels to the _i64 twins where the library has
    them (else they are converted once).

    centre: "sample" (default) | "class" | "none" or a Centre (ncd_nc_options
    .unweighted_centre, P-1); pinv_rtol: the NC1 pseudo-inverse cut (0/None:
    the default); both through ncd_nc_metrics_ex. select: a metric name, Metric
    value or index, or a list of them: only those are computed
    (ncd_nc_metrics_select) and only they are in the returned dict. With
    centre, pinv_rtol or select, float32 h and int64 labels go zero-copy to
    ncd_nc_metrics_select_f32 / _i64 / _f32_i64 (all metrics selected when
    select is None: the same numbers as ncd_nc_metrics_ex)."""
    if centre is not None or select is not None or pinv_rtol is not None:
        return _nc_metrics_opt(h, y, w, b, k, centre, select, pinv_rtol)
    from . import peers
    keep_h, hp, ldh, n, d, yp, name = peers.features(h, y, "ncd_nc_metrics")
    kw, keep, wp, ldw, bp = _classifier(w, b, d, "ncd_nc_metrics")
    k = peers.check_k(kw, k, keep_h[1], "ncd_nc_metrics")
    out = np.empty(len(METRICS))
    _capi.call(name, n, d, k, hp, ldh, yp, wp, ldw, bp, out.ctypes.data, len(METRICS))
    return _as_dict(out)


def _nc_metrics_opt(h, y, w, b, k, centre, select, pinv_rtol):
    """nc_metrics through ncd_nc_metrics_ex / ncd_nc_metrics_select."""
    from . import peers
    fname = "ncd_nc_metrics_select" if select is not None else "ncd_nc_metrics_ex"
    opt = peers.options(centre, pinv_rtol, fname)
    idx = None
    if select is not None:
        mask, idx = peers.select_mask(select, fname)
    keep_h, hp, ldh, n, d, yp, name = peers.features(h, y, "ncd_nc_metrics_select")
    kw, keep, wp, ldw, bp = _classifier(w, b, d, fname)
    k = peers.check_k(kw, k, keep_h[1], fname)
    out = np.empty(len(METRICS))
    if idx is None and name == "ncd_nc_metrics_select":  # float64 / int32: the _ex call
        _capi.call(fname, n, d, k, hp, ldh, yp, wp, ldw, bp, byref(opt), out.ctypes.data,
                   len(METRICS))
        return _as_dict(out)
    if idx is None:  # a twin with every metric selected is ncd_nc_metrics_ex's twin
        mask = (1 << len(METRICS)) - 1
    _capi.call(name, n, d, k, hp, ldh, yp, wp, ldw, bp, byref(opt), mask, out.ctypes.data,
               len(METRICS))
    if idx is None:
        return _as_dict(out)
    return {METRICS[i]: float(out[i]) for i in idx}


def _features(h, y, k, fname):
    """features and labels zero-copy to fname or its _f32 / _i64 twin."""
    from . import peers
    keep, hp, ldh, n, d, yp, name = peers.features(h, y, fname)
    return keep, hp, ldh, n, d, yp, _arrays.n_classes(keep[1], k), name


def linear_cka(x, z):
    """Linear CKA (Kornblith et al. 2019) of paired representations x (n x d1)
    and z (n x d2), feature-space form; MONAI's domain_shift (ncd_linear_cka;
    x and z both float32: ncd_linear_cka_f32, zero-copy)."""
    ((xa, xp, ldx, _), (za, zp, ldz, _)), name = batch("ncd_linear_cka", (x, z), ("x", "z"))
    if xa.shape[0] != za.shape[0]:
        raise _lib.invalid("x and z need the same number of rows", "ncd_linear_cka")
    out = ctypes.c_double()
    _capi.call(name, xa.shape[0], xa.shape[1], xp, ldx, za.shape[1], zp, ldz, byref(out))
    return out.value


def silhouette_cos(h, y, k=None):
    """(mean, per-sample array) of the cosine silhouette, equal to sklearn's
    silhouette_score(metric="cosine") (ncd_nc_silhouette_cos, O(n d k))."""
    keep, hp, ldh, n, d, yp, k, name = _features(h, y, k, "ncd_nc_silhouette_cos")
    out, per = ctypes.c_double(), np.empty(n)
    _capi.call(name, n, d, k, hp, ldh, yp, byref(out), per.ctypes.data)
    return out.value, per


def erank(h, y, k=None):
    """(global, per-class array) effective rank of Roy and Vetterli
    (ncd_nc_erank; MONAI's effective_rank_score is 1 - erank / min(n - 1, d))."""
    keep, hp, ldh, n, d, yp, k, name = _features(h, y, k, "ncd_nc_erank")
    out, per = ctypes.c_double(), np.empty(k)
    _capi.call(name, n, d, k, hp, ldh, yp, byref(out), per.ctypes.data)
    return out.value, per


def _load_accumulator(data):  # pickles written before Accumulator became a _Stream
    return Accumulator.load(data)


class Accumulator(_Stream):
    """Streaming, mergeable, serializable NC metrics (ncd_nc_acc).

    Accumulator(d, k, flags=0): flags is 0 or ACC_SCATTER | ACC_CLASS_SCATTER,
    optionally | ACC_SILHOUETTE | ACC_NC4_CLASS (opt-in peer metrics, saved
    as byte format v1.1).
    Pass 1: update(h, y) batches (any labels, classes may be missing); merge()
    other states; begin_pass2(); pass 2: the same samples again (for NC4, the
    cosine margins, NC1 without ACC_SCATTER); metrics() -> dict. save() ->
    bytes and Accumulator.load(bytes) (also pickle, copy.deepcopy) move states
    between processes and machines. A rejected call leaves the state as it was.
    pairs(), class_vectors(), erank(), ood_orthodev(): the peer calls of
    peers.py from the state (ncd_nc_acc_pairs, ...), equal to them on all data.
    """

    __slots__ = ("_d", "_k", "_flags", "_has_w")
    _free_name = "ncd_nc_acc_free"
    _area = "nc"  # save, load, merge, copy and pickle: streaming._Stream

    def __init__(self, d, k, flags=0):
        d, k, flags = int(d), int(k), int(flags)
        if d < 0 or k < 0 or not 0 <= flags < 2**32:
            raise _lib.invalid("d, k must be >= 0 and flags an unsigned int",
                               "ncd_nc_acc_create")
        h = c_void_p()
        _capi.call("ncd_nc_acc_create", d, k, flags, byref(h))
        self._own(h)
        self._d, self._k, self._flags, self._has_w = d, k, flags, False

    def _from_header(self, raw):
        """d, k, flags and classifier of a loaded state from its save() header:
        k and d are the little-endian u64 at offsets 16 and 24 (section 4e);
        header flags (offset 8): 1, 2 the create flags, 4 classifier, 16
        silhouette (ACC_SILHOUETTE), 32 NC4 per class (ACC_NC4_CLASS), 64
        non-default set_options (restored by the C load; v1.1)."""
        k = int.from_bytes(raw[16:24], "little")
        d = int.from_bytes(raw[24:32], "little")
        f = int.from_bytes(raw[8:12], "little")
        flags = (f & 3) | (ACC_SILHOUETTE if f & 16 else 0) | (ACC_NC4_CLASS if f & 32 else 0)
        self._d, self._k, self._flags, self._has_w = d, k, flags, bool(f & 4)

    @property
    def d(self):
        """Feature dimension."""
        return self._d

    @property
    def k(self):
        """Number of classes."""
        return self._k

    def set_classifier(self, w, b=None):
        """Copy the k x d classifier w and bias b (None: zero) into the state;
        before the first update it lets pass 1 count ACCURACY."""
        kw, keep, wp, ldw, bp = _classifier(w, b, self._d, "ncd_nc_acc_set_classifier")
        if kw != self._k:
            raise _lib.invalid("w must be %d x %d" % (self._k, self._d),
                               "ncd_nc_acc_set_classifier")
        _capi.call("ncd_nc_acc_set_classifier", self._handle(), wp, ldw, bp)
        self._has_w = True
        return self

    def set_options(self, centre=None, pinv_rtol=None):
        """ncd_nc_acc_set_options: the centre ("sample" | "class" | "none", P-1)
        and pseudo-inverse cut of metrics(); None restores the default. Frozen
        by begin_pass2; saved by save() (non-default options: byte format v1.1,
        header flag 64) and restored by load()."""
        from . import peers
        opt = peers.options(centre, pinv_rtol, "ncd_nc_acc_set_options")
        _capi.call("ncd_nc_acc_set_options", self._handle(), byref(opt))
        return self

    def update(self, h, y):
        """Add a batch: n x d features (float64, or float32 through
        ncd_nc_acc_update_f32, both zero-copy) and n labels."""
        from .peers import features
        keep, hp, ldh, n, d, yp, name = features(h, y, "ncd_nc_acc_update")
        if d != self._d:
            raise _lib.invalid("h must have %d columns, got %d" % (self._d, d),
                               "ncd_nc_acc_update")
        _capi.call(name, self._handle(), n, hp, ldh, yp)
        return self

    def begin_pass2(self):
        """Freeze the pass-1 statistics; later updates are the second pass."""
        _capi.call("ncd_nc_acc_begin_pass2", self._handle())
        return self

    def metrics(self):
        """{name: value} like nc_metrics(); NaN where the state cannot tell."""
        out = np.empty(len(METRICS))
        _capi.call("ncd_nc_acc_metrics", self._handle(), out.ctypes.data, len(METRICS))
        return _as_dict(out)

    @property
    def flags(self):
        """The ncd_nc_acc_create flags of the state."""
        return self._flags

    def pairs(self, which, centre="sample", p=None):
        """PairStats(mean, var, vals, cov) of peers.pairs on all data seen
        (ncd_nc_acc_pairs, first-pass state, either pass): which and p as
        there; "wcos_upper" uses the classifier set on the state."""
        from .peers import centre_value, pair_p, pair_stats, pair_value
        fname = "ncd_nc_acc_pairs"
        which = pair_value(which, fname)
        c = centre_value(centre, fname)
        mean, var = ctypes.c_double(), ctypes.c_double()
        vals = np.empty(self._k * (self._k - 1) // 2)
        _capi.call(fname, self._handle(), c, int(which), pair_p(which, p, self._d),
                   byref(mean), byref(var), vals.ctypes.data)
        return pair_stats(mean, var, vals)

    def class_vectors(self, centre="sample"):
        """ClassVectors like peers.class_vectors on all data seen
        (ncd_nc_acc_class_vectors); dots, cosines, dual_dist are None unless a
        classifier was set on the state."""
        from .peers import ClassVectors, centre_value
        fname = "ncd_nc_acc_class_vectors"
        c = centre_value(centre, fname)
        k = self._k
        norms, gram = np.empty(k), np.empty((k, k))
        wv = [np.empty(k) for _ in range(3)] if self._has_w else [None] * 3
        addr = [None if a is None else a.ctypes.data for a in wv]
        _capi.call(fname, self._handle(), c, norms.ctypes.data, *addr, gram.ctypes.data, k)
        return ClassVectors(norms, *wv, gram)

    def erank(self):
        """(global, per-class array) like metrics.erank on all data seen
        (ncd_nc_acc_erank): the global value needs ACC_SCATTER, the per-class
        one ACC_CLASS_SCATTER; the one whose flag the state lacks is None
        (InvalidArgument when it has neither)."""
        fname = "ncd_nc_acc_erank"
        if not self._flags & (ACC_SCATTER | ACC_CLASS_SCATTER):
            raise _lib.invalid("erank() needs ACC_SCATTER or ACC_CLASS_SCATTER", fname)
        g = ctypes.c_double() if self._flags & ACC_SCATTER else None
        per = np.empty(self._k) if self._flags & ACC_CLASS_SCATTER else None
        _capi.call(fname, self._handle(), None if g is None else byref(g),
                   None if per is None else per.ctypes.data)
        return (None if g is None else g.value), per

    def ood_orthodev(self, h_ood, centre="sample"):
        """NC5 orthogonality deviation like peers.ood_orthodev on all data seen
        (ncd_nc_acc_ood_orthodev). h_ood: an Accumulator fed with the OOD
        features (any labels, e.g. all 0: its sample mean is g), the n_ood x d
        OOD rows themselves (float64/float32, streamed through such a state),
        or the OOD mean vector g (d values)."""
        from .peers import centre_value
        fname = "ncd_nc_acc_ood_orthodev"
        c = centre_value(centre, fname)
        g_mean, ood = None, h_ood
        if not isinstance(h_ood, Accumulator):
            a = _arrays.to_numpy(h_ood)
            if a.ndim == 2:
                ood = Accumulator(self._d, 2).update(a, np.zeros(a.shape[0], np.int32))
            else:
                g_mean, gp = _arrays.vector(a, "g_mean", self._d)
                ood = None
        out = ctypes.c_double()
        _capi.call(fname, self._handle(), None if ood is None else ood._handle(),
                   None if g_mean is None else gp, c, byref(out))
        return out.value

    def __repr__(self):
        return "Accumulator(d=%d, k=%d)" % (self._d, self._k)

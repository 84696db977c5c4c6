"""streaming.py - the streaming, mergeable, serializable peer objects of
include/ncdyn.h section 6 "stream-objs" (spec/metrics-peers.md P-15, P-10,
P-11 "Streaming"; docs/peers.md "Streaming objects"):

  CkaAccumulator  ncd_cka_acc: linear CKA of paired representations (x, z) fed
                  in row batches; value() equals linear_cka on all the rows.
  NrcAccumulator  ncd_nrc_acc: neural regression collapse NRC1-3 and the NRC1
                  profile; metrics()/profile() equal nrc_metrics/nrc1_profile.

Both follow metrics.Accumulator: update() takes float64 or float32 batches
zero-copy (float32 goes to the _f32 twin when every matrix of the batch is
float32; mixed dtypes are converted once to float64, never rounded to float),
merge() adds another state, save() -> bytes and Cls.load(bytes) (also pickle,
copy.copy, copy.deepcopy) move states between processes and machines, and a
rejected call leaves the state exactly as it was.
"""
import ctypes
from ctypes import byref, c_size_t, c_void_p

import numpy as np

from . import _arrays, _capi, _lib

__all__ = ["CkaAccumulator", "NrcAccumulator", "NRC_ACC_TARGETS"]

#: ncd_nrc_acc_create flag: keep the target moments (NRC3); updates then need t
NRC_ACC_TARGETS = 4


def saved_bytes(fname, h):
    """The bytes of C function fname (an ncd_*_save) for the object h."""
    n = c_size_t()
    st = _capi.fn(fname)(h, None, 0, byref(n))
    if n.value == 0:
        _lib.check(st or _lib.EINVAL, fname)
    buf = ctypes.create_string_buffer(n.value)
    _capi.call(fname, h, buf, n.value, byref(n))
    return buf.raw[:n.value]


def loaded_handle(fname, data):
    """(handle, raw bytes) of C function fname (an ncd_*_load) on bytes,
    bytearray or memoryview data."""
    raw = data if isinstance(data, bytes) else memoryview(data).tobytes()
    h = c_void_p()
    _capi.call(fname, raw, len(raw), byref(h))
    return h, raw


def _u64(raw, off):
    return int.from_bytes(raw[off:off + 8], "little")


def _restore(cls, data):
    return cls.load(data)


def batch(fname, mats, names):
    """([_arrays.matrix tuples], C name) of the matrices of one call: all
    float32 -> fname_f32 zero-copy (where the library has it), else float64
    (zero-copy when they are; each input converted at most once)."""
    arrs = [_arrays.to_numpy(m) for m in mats]
    for a, nm in zip(arrs, names):
        if a.dtype.kind not in "fiub":
            raise _lib.invalid("%s must be a real array, got dtype %s" % (nm, a.dtype), fname)
    f32 = all(a.dtype == _arrays.F32 for a in arrs) and _capi.has(fname + "_f32")
    out = [_arrays.matrix(a, nm, dtype=_arrays.F32 if f32 else _arrays.F64)
           for a, nm in zip(arrs, names)]
    return out, fname + "_f32" if f32 else fname


class _Stream(_capi.Handle):
    """save/load/merge/copy/pickle of a C streaming object (names
    ncd_<area>_acc_*: metrics.Accumulator and the classes below); a subclass
    sets _area and _from_header(raw), its attributes from the saved header."""

    __slots__ = ()
    _area = None

    def save(self):
        """The portable byte format (Accumulator: spec/metrics.md section 4e;
        the others: docs/peers.md "Streaming objects")."""
        return saved_bytes("ncd_%s_acc_save" % self._area, self._handle())

    @classmethod
    def load(cls, data):
        """A state from save() bytes (bytes, bytearray or memoryview);
        FormatError for anything malformed, truncated or corrupt."""
        h, raw = loaded_handle("ncd_%s_acc_load" % cls._area, data)
        self = cls.__new__(cls)
        self._own(h)
        self._from_header(raw)
        return self

    def merge(self, other):
        """Add the state `other` (same sizes and flags; an Accumulator also the
        same classifier and pass) into this one."""
        fname = "ncd_%s_acc_merge" % self._area
        base = next(c for c in type(self).__mro__ if "_area" in vars(c))  # the public class
        if not isinstance(other, base):
            raise _lib.invalid("merge() needs %s %s" % (
                "an" if base.__name__[0] in "AEIOU" else "a", base.__name__), fname)
        _capi.call(fname, self._handle(), other._handle())
        return self

    def copy(self):
        """An independent copy (through save/load)."""
        return type(self).load(self.save())

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce__(self):
        return (_restore, (type(self), self.save()))


class CkaAccumulator(_Stream):
    """Streaming linear CKA (ncd_cka_acc, spec P-15): CkaAccumulator(d1, d2),
    update(x, z) with paired row batches (n x d1, n x d2), merge(), value()
    = linear_cka of all the rows seen (NaN while either side is constant,
    e.g. fewer than 2 rows). State O((d1 + d2)^2), independent of n."""

    __slots__ = ("_d1", "_d2")
    _free_name = "ncd_cka_acc_free"
    _area = "cka"

    def __init__(self, d1, d2):
        d1, d2 = int(d1), int(d2)
        if d1 < 1 or d2 < 1:
            raise _lib.invalid("d1 and d2 must be >= 1", "ncd_cka_acc_create")
        h = c_void_p()
        _capi.call("ncd_cka_acc_create", d1, d2, byref(h))
        self._own(h)
        self._d1, self._d2 = d1, d2

    def _from_header(self, raw):  # d1, d2: u64 at offsets 16 and 24
        self._d1, self._d2 = _u64(raw, 16), _u64(raw, 24)

    @property
    def d1(self):
        """Columns of x."""
        return self._d1

    @property
    def d2(self):
        """Columns of z."""
        return self._d2

    def update(self, x, z):
        """Add n paired rows x (n x d1) and z (n x d2): both float32 go
        zero-copy to ncd_cka_acc_update_f32, else float64 (zero-copy)."""
        fname = "ncd_cka_acc_update"
        mats, name = batch(fname, (x, z), ("x", "z"))
        (xa, xp, ldx, _), (za, zp, ldz, _) = mats
        if xa.shape[1] != self._d1 or za.shape[1] != self._d2 or xa.shape[0] != za.shape[0]:
            raise _lib.invalid("x and z must be n x %d and n x %d, got %s and %s"
                               % (self._d1, self._d2, xa.shape, za.shape), fname)
        _capi.call(name, self._handle(), xa.shape[0], xp, ldx, zp, ldz)
        return self

    def value(self):
        """Linear CKA of all rows seen (ncd_cka_acc_value)."""
        out = ctypes.c_double()
        _capi.call("ncd_cka_acc_value", self._handle(), byref(out))
        return out.value

    def __repr__(self):
        return "CkaAccumulator(d1=%d, d2=%d)" % (self._d1, self._d2)


class NrcAccumulator(_Stream):
    """Streaming neural regression collapse (ncd_nrc_acc, spec P-10, P-11):
    NrcAccumulator(d, m, targets=False, pca_centred=False) for d features and
    m <= d regression outputs. targets=True keeps the target moments (NRC3;
    every update then needs t); pca_centred=True keeps the centred moments
    so metrics(pca_centred=True) is available. update(h, t=None) by row
    batches, merge(), metrics(wr, ...) and profile() equal nrc_metrics and
    nrc1_profile on all the rows. State O(d^2 + m^2), independent of n."""

    __slots__ = ("_d", "_m", "_flags")
    _free_name = "ncd_nrc_acc_free"
    _area = "nrc"

    def __init__(self, d, m, targets=False, pca_centred=False):
        d, m = int(d), int(m)
        if d < 1 or m < 1:
            raise _lib.invalid("d and m must be >= 1", "ncd_nrc_acc_create")
        from .peers import NRC_PCA_CENTRED
        flags = (NRC_ACC_TARGETS if targets else 0) | (NRC_PCA_CENTRED if pca_centred else 0)
        h = c_void_p()
        _capi.call("ncd_nrc_acc_create", d, m, flags, byref(h))
        self._own(h)
        self._d, self._m, self._flags = d, m, flags

    def _from_header(self, raw):  # flags: u32 at 8; d, m: u64 at 16 and 24
        self._flags = int.from_bytes(raw[8:12], "little")
        self._d, self._m = _u64(raw, 16), _u64(raw, 24)

    @property
    def d(self):
        """Feature dimension."""
        return self._d

    @property
    def m(self):
        """Number of regression outputs."""
        return self._m

    @property
    def targets(self):
        """Whether the state keeps target moments (updates need t)."""
        return bool(self._flags & NRC_ACC_TARGETS)

    @property
    def pca_centred(self):
        """Whether the state keeps the centred moments of H."""
        from .peers import NRC_PCA_CENTRED
        return bool(self._flags & NRC_PCA_CENTRED)

    def update(self, h, t=None):
        """Add n rows of features h (n x d) and, for a targets state, targets
        t (n x m; else t must be None). All float32 -> ncd_nrc_acc_update_f32
        zero-copy, else float64 (zero-copy)."""
        fname = "ncd_nrc_acc_update"
        if (t is None) == self.targets:
            raise _lib.invalid("t is required with targets=True and refused without",
                               fname)
        mats, name = batch(fname, (h,) if t is None else (h, t), ("h", "t"))
        ha, hp, ldh, _ = mats[0]
        tp, ldt = None, 0
        if t is not None:
            ta, tp, ldt, _ = mats[1]
            if ta.shape != (ha.shape[0], self._m):
                raise _lib.invalid("t must be %d x %d, got %s"
                                   % (ha.shape[0], self._m, ta.shape), fname)
        if ha.shape[1] != self._d:
            raise _lib.invalid("h must have %d columns, got %d" % (self._d, ha.shape[1]),
                               fname)
        _capi.call(name, self._handle(), ha.shape[0], hp, ldh, tp, ldt)
        return self

    def metrics(self, wr=None, gamma=(0.0, 1.0), nctb=False, pca_centred=False):
        """NRCMetrics(nrc1, nrc2, nrc3, gamma) like nrc_metrics on all rows seen
        (ncd_nrc_acc_metrics): wr the m x d regression head or None (NRC2,
        NRC3 NaN), gamma an interval or one number, nctb nc-toolbox's literal
        NRC3, pca_centred V of NRC1 from the centred H (needs the flag)."""
        from .peers import NRCMetrics, nrc_args
        fname = "ncd_nrc_acc_metrics"
        wa, wp, ldw = None, None, 0
        if wr is not None:
            wa, wp, ldw, _ = _arrays.matrix(wr, "wr")
            if wa.shape != (self._m, self._d):
                raise _lib.invalid("wr must be %d x %d, got %s"
                                   % (self._m, self._d, wa.shape), fname)
        out = np.empty(4)
        _capi.call(fname, self._handle(), wp, ldw, *nrc_args(gamma, nctb, pca_centred),
                   out.ctypes.data)
        return NRCMetrics(*out.tolist())

    def profile(self):
        """NRC1(j) for j = 1..d of all rows seen (ncd_nrc_acc_profile)."""
        out = np.empty(self._d)
        _capi.call("ncd_nrc_acc_profile", self._handle(), out.ctypes.data)
        return out

    def __repr__(self):
        return "NrcAccumulator(d=%d, m=%d, targets=%s, pca_centred=%s)" % (
            self._d, self._m, self.targets, self.pca_centred)

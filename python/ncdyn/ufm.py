"""ufm.py - the unconstrained features model (api.md "The unconstrained features
model", spec/ufm.md U-5..U-7) as the class UFM: parameters as keyword
arguments, the objective with exact gradients, and in-place training with a
Python callback after every step.
"""
from ctypes import CFUNCTYPE, byref, c_double, c_int, c_void_p

import numpy as np

from . import _arrays, _capi, _lib

__all__ = ["UFM", "UFM_PARAMS", "UFM_STATS", "LOSSES", "STEP_POLICIES"]

#: ncd_ufm_param names in enum order (keyword names of UFM(...) and UFM.set)
UFM_PARAMS = ("loss", "lambda_w", "lambda_h", "lambda_b", "alpha", "m", "bias", "lr",
              "momentum", "step_policy", "clip", "r_target")
#: ncd_ufm_stat names in enum order (UFM.stat / UFM.stats)
UFM_STATS = ("step", "objective", "loss", "grad_norm", "step_norm", "lr_eff", "rho", "r")
#: ncd_loss values
LOSSES = ("ce", "mse")
#: ncd_step_policy values
STEP_POLICIES = ("fixed", "clip", "ghost", "ghost_set")

_PARAM = {name: i for i, name in enumerate(UFM_PARAMS)}
_STAT = {name: i for i, name in enumerate(UFM_STATS)}
_ENUMS = {"loss": LOSSES, "step_policy": STEP_POLICIES}

# int cb(ncd_ufm *u, const double *w, const double *h, const double *b, void *ctx)
_CALLBACK = CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p, c_void_p, c_void_p)


def _encode(name, value):
    names = _ENUMS.get(name)
    if names is not None and isinstance(value, str):
        try:
            return float(names.index(value.lower()))
        except ValueError:
            raise _lib.invalid("%s must be one of %s, got %r" % (name, names, value),
                               "ncd_ufm_set") from None
    if isinstance(value, bool):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _lib.invalid("%s must be a number, got %r" % (name, value),
                           "ncd_ufm_set") from None


def _decode(name, value):
    names = _ENUMS.get(name)
    if names is not None and value == int(value) and 0 <= value < len(names):
        return names[int(value)]
    if name == "bias":
        return bool(value)
    return value


class UFM(_capi.Handle):
    """The UFM objective f = loss(H W^T + 1 b^T, y) + (lambda_w/2)||W||^2 +
    (lambda_h/2)||H||^2 + (lambda_b/2)||b||^2 (ncd_ufm).

    UFM(y, d, k=None, **params): y the n labels (every class needs a sample), d
    the feature dimension, k the class count (default max(y) + 1); params are
    any of UFM_PARAMS, e.g. loss="mse", lambda_w=5e-4, lr=0.05, momentum=0.9,
    step_policy="ghost", r_target=0.5. W is k x d, H is n x d, b has k values.
    """

    __slots__ = ("_n", "_d", "_k")
    _free_name = "ncd_ufm_free"

    def __init__(self, y, d, k=None, **params):
        ya, yp, _ = _arrays.labels(y, _arrays.to_numpy(y).shape[0])
        n, d = ya.shape[0], int(d)
        k = _arrays.n_classes(ya, k)
        if d < 0 or k < 0:
            raise _lib.invalid("d and k must be >= 0", "ncd_ufm_create")
        h = c_void_p()
        _capi.call("ncd_ufm_create", n, d, k, yp, byref(h))
        self._own(h)
        self._n, self._d, self._k = n, d, k
        self.set(**params)

    n = property(lambda self: self._n, doc="number of samples")
    d = property(lambda self: self._d, doc="feature dimension")
    k = property(lambda self: self._k, doc="number of classes")

    def set(self, **params):
        """Set parameters by name (UFM_PARAMS); loss and step_policy also take
        their names ("ce", "mse"; "fixed", "clip", "ghost", "ghost_set"). An
        unknown name raises InvalidArgument before anything is set; a bad value
        raises when it is reached (earlier ones stay set)."""
        for name in params:
            if name not in _PARAM:
                raise _lib.invalid("unknown UFM parameter %r (known: %s)"
                                   % (name, ", ".join(UFM_PARAMS)), "ncd_ufm_set")
        f = _capi.fn("ncd_ufm_set")
        for name, value in params.items():
            st = f(self._handle(), _PARAM[name], _encode(name, value))
            if st:
                e = _lib.error(st, "ncd_ufm_set", "%s = %r" % (name, value))
                raise e
        return self

    def get(self, name):
        """A parameter's value (loss/step_policy as names, bias as bool)."""
        if name not in _PARAM:
            raise _lib.invalid("unknown UFM parameter %r" % (name,), "ncd_ufm_get")
        v = c_double()
        _capi.call("ncd_ufm_get", self._handle(), _PARAM[name], byref(v))
        return _decode(name, v.value)

    def params(self):
        """{name: value} of every parameter."""
        return {name: self.get(name) for name in UFM_PARAMS}

    def stat(self, name):
        """What the last training step measured (UFM_STATS; "step" is an int)."""
        if name not in _STAT:
            raise _lib.invalid("unknown UFM statistic %r" % (name,), "ncd_ufm_get_stat")
        v = c_double()
        _capi.call("ncd_ufm_get_stat", self._handle(), _STAT[name], byref(v))
        return int(v.value) if name == "step" else v.value

    def stats(self):
        """{name: value} of every statistic."""
        return {name: self.stat(name) for name in UFM_STATS}

    def _check_shapes(self, w, h, fname):
        wa, wp, ldw, _ = _arrays.matrix(w, "w")
        ha, hp, ldh, _ = _arrays.matrix(h, "h")
        if wa.shape != (self._k, self._d) or ha.shape != (self._n, self._d):
            raise _lib.invalid("w must be %d x %d and h %d x %d, got %s and %s"
                               % (self._k, self._d, self._n, self._d, wa.shape, ha.shape),
                               fname)
        return wa, wp, ldw, ha, hp, ldh

    def objective(self, w, h, b=None, grad=True):
        """f at (w, h, b) (b None: zero bias); with grad=True returns
        (f, gw, gh, gb) with the exact gradients (gb None when the bias is not
        trained)."""
        wa, wp, ldw, ha, hp, ldh = self._check_shapes(w, h, "ncd_ufm_objective")
        ba, bp = _arrays.vector(b, "b", self._k) if b is not None else (None, None)
        f = c_double()
        if not grad:
            _capi.call("ncd_ufm_objective", self._handle(), wp, ldw, hp, ldh, bp,
                       byref(f), None, 0, None, 0, None)
            return f.value
        gw = np.empty((self._k, self._d))
        gh = np.empty((self._n, self._d))
        gb = np.empty(self._k) if self.get("bias") else None
        _capi.call("ncd_ufm_objective", self._handle(), wp, ldw, hp, ldh, bp, byref(f),
                   gw.ctypes.data, max(self._d, 1), gh.ctypes.data, max(self._d, 1),
                   None if gb is None else gb.ctypes.data)
        return f.value, gw, gh, gb

    def jvp(self, w, h, dw=None, dh=None, db=None):
        """The n x k logit derivative a = H dW^T + dH W^T + 1 db^T along the step
        (dw, dh, db) at (w, h) (spec U-7; None blocks are zero). Needs
        ncd_ufm_jvp (an addition beyond the contract)."""
        wa, wp, ldw, ha, hp, ldh = self._check_shapes(w, h, "ncd_ufm_jvp")
        keep, args = [], []
        for x, name, shape in ((dw, "dw", (self._k, self._d)), (dh, "dh", (self._n, self._d))):
            if x is None:
                args += [None, 0]
                continue
            xa, xp, ld, _ = _arrays.matrix(x, name)
            if xa.shape != shape:
                raise _lib.invalid("%s must have shape %s, got %s" % (name, shape, xa.shape),
                                   "ncd_ufm_jvp")
            keep.append(xa)
            args += [xp, ld]
        dba, dbp = _arrays.vector(db, "db", self._k) if db is not None else (None, None)
        a = np.empty((self._n, self._k))
        _capi.call("ncd_ufm_jvp", self._handle(), wp, ldw, hp, ldh, *args, dbp,
                   a.ctypes.data, max(self._k, 1))
        return a

    def train(self, steps, w, h, b=None, callback=None):
        """Run `steps` gradient steps in place on w (k x d), h (n x d) and b (k;
        None when the bias is not trained). Arrays that are float64 with
        contiguous rows are updated zero-copy; others are trained on a copy that is
        copied back (also when training stops on an error).

        callback(ufm, w, h, b), if given, runs after every step with the new
        iterate (do not modify the arrays); inside it ufm.stat(...) reads what
        the step measured and ufm.set(...) changes parameters for the next step.
        A truthy return stops training; an exception stops it and is re-raised.
        Returns the number of steps run. NonFinite when an iterate became
        non-finite (the last finite iterate is left in w, h, b)."""
        steps = int(steps)
        if steps < 0:
            raise _lib.invalid("steps must be >= 0", "ncd_ufm_train")
        bufs = []
        for x, name, shape in ((w, "w", (self._k, self._d)), (h, "h", (self._n, self._d)),
                               (b, "b", (self._k,))):
            if x is None:
                bufs.append((None, None, None, 0))
                continue
            xa, xp, ld = _arrays.writable(x, name, shape)
            if xa is None:  # wrong dtype or layout: train a C-contiguous copy
                xa = np.array(_arrays.to_numpy(x), dtype=np.float64, order="C")
                xp, ld = xa.ctypes.data, (shape[1] if len(shape) == 2 else None)
                bufs.append((x, xa, xp, ld))
            else:
                bufs.append((None, xa, xp, ld))
        (_, wa, wp, ldw), (_, ha, hp, ldh), (_, ba, bp, _) = bufs
        exc = []
        cfun = None
        if callback is not None:
            def trampoline(u, pw, ph, pb, ctx):
                if exc:
                    return 1
                try:
                    return 1 if callback(self, wa, ha, ba) else 0
                except BaseException as e:  # noqa: B036 - re-raised after train
                    exc.append(e)
                    return 1
            cfun = _CALLBACK(trampoline)
        try:
            st = _capi.fn("ncd_ufm_train")(self._handle(), steps, wp, ldw or 0, hp,
                                           ldh or 0, bp, cfun, None)
        finally:
            for orig, xa, _, _ in bufs:
                if orig is not None:
                    np.copyto(_arrays.to_numpy(orig), xa, casting="unsafe")
        if exc:
            raise exc[0]
        _lib.check(st, "ncd_ufm_train")
        return self.stat("step")

    def __repr__(self):
        return "UFM(n=%d, d=%d, k=%d)" % (self._n, self._d, self._k)

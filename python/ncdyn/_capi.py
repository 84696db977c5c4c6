"""_capi.py - the ctypes signature of every C function the package calls, and
call(): bind lazily, call, raise the Error subclass of a nonzero status.

Pointers to array data are passed as integer addresses (c_void_p); scalar
outputs as ctypes.byref of a c_double / c_size_t / c_int.
"""
from ctypes import POINTER, c_char_p, c_double, c_int, c_size_t, c_uint, c_uint64, c_void_p

from . import _lib

P = c_void_p
Z = c_size_t
D = c_double
PD = POINTER(c_double)
PZ = POINTER(c_size_t)
PI = POINTER(c_int)

_MAT = [Z, Z, P, Z]  # n, k, x, ldx

SIGS = {
    "ncd_version_string": (c_char_p, []),
    "ncd_strerror": (c_char_p, [c_int]),
    # losses (api.md "Losses on logits")
    "ncd_softmax": (c_int, _MAT + [P, Z]),
    "ncd_log_softmax": (c_int, _MAT + [P, Z]),
    "ncd_ce_loss": (c_int, _MAT + [P, PD, P, Z]),
    "ncd_mse_loss": (c_int, _MAT + [P, D, D, PD, P, Z]),
    # initializers
    "ncd_hadamard": (c_int, [Z, P, Z]),
    "ncd_simplex_etf": (c_int, [Z, Z, c_uint64, P, Z]),
    "ncd_hadamard_supported": (c_int, [Z, PI]),
    "ncd_stiefel": (c_int, [Z, Z, c_uint64, P, Z]),
    # central path
    "ncd_cpath_omega": (c_int, [Z, Z, D, D, PD]),
    "ncd_ls_classifier": (c_int, [Z, Z, Z, P, Z, P, D, P, Z, P]),
    "ncd_mse_decompose": (c_int, [Z, Z, Z, P, Z, P, P, Z, P, D, P]),
    # ghost radius
    "ncd_ghost_radius_bound": (c_int, _MAT + [PD, PZ]),
    "ncd_ghost_radius_exact": (c_int, _MAT + [P, Z, PD]),
    # metrics
    "ncd_nc_metrics": (c_int, [Z, Z, Z, P, Z, P, P, Z, P, P, Z]),
    "ncd_nc_acc_create": (c_int, [Z, Z, c_uint, POINTER(P)]),
    "ncd_linear_cka": (c_int, [Z, Z, P, Z, Z, P, Z, PD]),
    "ncd_nc_silhouette_cos": (c_int, [Z, Z, Z, P, Z, P, PD, P]),
    "ncd_nc_erank": (c_int, [Z, Z, Z, P, Z, P, PD, P]),
    # peer parity (include/ncdyn.h section 6; python/ncdyn/peers.py)
    "ncd_nc_metrics_ex": (c_int, [Z, Z, Z, P, Z, P, P, Z, P, P, P, Z]),
    "ncd_nc_metrics_select": (c_int, [Z, Z, Z, P, Z, P, P, Z, P, P, c_uint64, P, Z]),
    "ncd_nc_acc_set_options": (c_int, [P, P]),
    "ncd_nc_pairs": (c_int, [Z, Z, Z, P, Z, P, P, Z, c_int, c_int, D, P, P, P]),
    "ncd_nc_pair_grid": (c_int, [Z, Z, Z, P, Z, P, P, Z, c_int, c_int, D, P, Z]),
    "ncd_nc_class_vectors": (c_int, [Z, Z, Z, P, Z, P, P, Z, c_int, P, P, P, P, P, Z]),
    "ncd_nc_agreement": (c_int, [Z, Z, Z, P, Z, P, P, Z, P, Z, P, P, P, P]),
    "ncd_nc_ood_orthodev": (c_int, [Z, Z, Z, P, Z, P, Z, P, Z, c_int, P]),
    "ncd_principal_decomp": (c_int, [Z, Z, P, Z, c_int, P, Z, P, P]),
    "ncd_nrc1_profile": (c_int, [Z, Z, P, Z, P]),
    "ncd_nrc_metrics": (c_int, [Z, Z, P, Z, Z, P, Z, P, Z, D, D, c_uint, P]),
    "ncd_nc_acc_free": (None, [P]),
    "ncd_nc_acc_set_classifier": (c_int, [P, P, Z, P]),
    "ncd_nc_acc_update": (c_int, [P, Z, P, Z, P]),
    "ncd_nc_acc_merge": (c_int, [P, P]),
    "ncd_nc_acc_begin_pass2": (c_int, [P]),
    "ncd_nc_acc_metrics": (c_int, [P, P, Z]),
    "ncd_nc_acc_save": (c_int, [P, P, Z, PZ]),
    "ncd_nc_acc_load": (c_int, [P, Z, POINTER(P)]),
    # UFM
    "ncd_ufm_create": (c_int, [Z, Z, Z, P, POINTER(P)]),
    "ncd_ufm_free": (None, [P]),
    "ncd_ufm_set": (c_int, [P, c_int, D]),
    "ncd_ufm_get": (c_int, [P, c_int, PD]),
    "ncd_ufm_get_stat": (c_int, [P, c_int, PD]),
    "ncd_ufm_objective": (c_int, [P, P, Z, P, Z, P, PD, P, Z, P, Z, P]),
    "ncd_ufm_train": (c_int, [P, Z, P, Z, P, Z, P, P, P]),
    # additions beyond the contract, used where the library has them
    "ncd_ghost_step_scale": (c_int, [D, D, D, D, c_int, PD]),
    "ncd_ufm_jvp": (c_int, [P, P, Z, P, Z, P, Z, P, Z, P, P, Z]),
    # streaming peer metrics: accumulator calls (acc-ext) and the CKA/NRC
    # objects (stream-objs); python/ncdyn/metrics.py, streaming.py
    "ncd_nc_acc_pairs": (c_int, [P, c_int, c_int, D, PD, PD, P]),
    "ncd_nc_acc_class_vectors": (c_int, [P, c_int, P, P, P, P, P, Z]),
    "ncd_nc_acc_erank": (c_int, [P, PD, P]),
    "ncd_nc_acc_ood_orthodev": (c_int, [P, P, P, c_int, PD]),
    "ncd_cka_acc_create": (c_int, [Z, Z, POINTER(P)]),
    "ncd_cka_acc_free": (None, [P]),
    "ncd_cka_acc_update": (c_int, [P, Z, P, Z, P, Z]),
    "ncd_cka_acc_update_f32": (c_int, [P, Z, P, Z, P, Z]),
    "ncd_cka_acc_merge": (c_int, [P, P]),
    "ncd_cka_acc_value": (c_int, [P, PD]),
    "ncd_cka_acc_save": (c_int, [P, P, Z, PZ]),
    "ncd_cka_acc_load": (c_int, [P, Z, POINTER(P)]),
    "ncd_nrc_acc_create": (c_int, [Z, Z, c_uint, POINTER(P)]),
    "ncd_nrc_acc_free": (None, [P]),
    "ncd_nrc_acc_update": (c_int, [P, Z, P, Z, P, Z]),
    "ncd_nrc_acc_update_f32": (c_int, [P, Z, P, Z, P, Z]),
    "ncd_nrc_acc_merge": (c_int, [P, P]),
    "ncd_nrc_acc_metrics": (c_int, [P, P, Z, D, D, c_uint, P]),
    "ncd_nrc_acc_profile": (c_int, [P, P]),
    "ncd_nrc_acc_save": (c_int, [P, P, Z, PZ]),
    "ncd_nrc_acc_load": (c_int, [P, Z, POINTER(P)]),
}
# twins with the same argument list (float32 data / int64 labels)
for _name in ("ncd_softmax", "ncd_log_softmax", "ncd_ce_loss", "ncd_mse_loss",
              "ncd_hadamard", "ncd_simplex_etf", "ncd_stiefel",
              "ncd_ghost_radius_bound", "ncd_nc_acc_update", "ncd_nc_metrics",
              "ncd_ls_classifier", "ncd_mse_decompose"):
    SIGS[_name + "_f32"] = SIGS[_name]
for _name in ("ncd_nc_acc_update", "ncd_nc_metrics", "ncd_nc_acc_update_f32",
              "ncd_nc_metrics_f32"):
    SIGS[_name + "_i64"] = SIGS[_name]
# the peer calls' twins (include/ncdyn.h "additions: twins"): float32 features
# and/or int64 labels, same argument list (data pointers are addresses)
for _name in ("ncd_nc_metrics_select", "ncd_nc_pairs", "ncd_nc_pair_grid", "ncd_nc_erank",
              "ncd_nc_silhouette_cos", "ncd_nc_agreement", "ncd_nc_ood_orthodev",
              "ncd_nc_class_vectors"):
    for _sfx in ("_f32", "_i64", "_f32_i64"):
        SIGS[_name + _sfx] = SIGS[_name]
for _name in ("ncd_linear_cka", "ncd_principal_decomp", "ncd_nrc1_profile",
              "ncd_nrc_metrics"):
    SIGS[_name + "_f32"] = SIGS[_name]


def fn(name):
    """The bound, typed C function (MissingFunction if the library lacks it)."""
    restype, argtypes = SIGS[name]
    return _lib.lib().fn(name, restype, argtypes)


def call(name, *args):
    """Call C function `name`; raise the Error of a nonzero status."""
    restype, argtypes = SIGS[name]
    st = _lib.lib().fn(name, restype, argtypes)(*args)
    if st:
        raise _lib.error(st, name)


def has(name):
    return _lib.lib().has(name)


class Handle:
    """Owner of one opaque C object (ncd_nc_acc, ncd_ufm): frees it once, on
    close() or garbage collection; _handle() raises on a closed object."""

    __slots__ = ("_h", "_free", "__weakref__")
    _free_name = None

    def _own(self, h):
        self._h = h
        self._free = fn(self._free_name)

    def close(self):
        """Free the C object now (later calls raise InvalidArgument)."""
        h = getattr(self, "_h", None)
        if h is not None and h.value:
            self._free(h)
        self._h = None

    __del__ = close

    def _handle(self):
        h = getattr(self, "_h", None)
        if h is None or not h.value:
            raise _lib.invalid("%s is closed" % type(self).__name__)
        return h

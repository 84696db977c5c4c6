"""ncdyn - Python binding of libncdyn, the mathematics of classifier training.

A pure-Python package over the installed shared library (ctypes, no compiled
extension). The library is found through NCDYN_LIBRARY, else pkg-config, else
the places `make install` and the build tree use (see ncdyn._lib); it is loaded
on the first call, and a C function the loaded library lacks raises
ncdyn.MissingFunction when called. numpy arrays (float64/float32) and CPU torch
tensors go in zero-copy when their rows are contiguous. See docs/python.md.

    import ncdyn
    m = ncdyn.nc_metrics(h, y, w, b)          # {"nc1": ..., "nc2_equinorm_h": ...}
    rho, i = ncdyn.ghost_radius_bound(a)      # a = n x k logit JVP
    acc = ncdyn.Accumulator(d, k, ncdyn.ACC_SCATTER)
    cka = ncdyn.CkaAccumulator(d1, d2).update(x, z)   # streaming linear CKA
"""
from ._lib import (Error, FormatError, InvalidArgument, IOFailure, LibraryNotFound,
                   MissingFunction, NoConvergence, NoMemory, NonFinite, NotSupported,
                   Singular, library_path, strerror, use_library, version)
from .cpath import MSEDecomposition, cpath_omega, ls_classifier, mse_decompose
from .ghost import ghost_radius_bound, ghost_radius_exact, ghost_step_scale
from .initializers import HADAMARD_KINDS, hadamard, hadamard_supported, simplex_etf, stiefel
from .losses import ce_loss, log_softmax, mse_loss, softmax
from .metrics import (ACC_CLASS_SCATTER, ACC_SCATTER, METRICS, Accumulator, erank,
                      linear_cka, nc_metrics, silhouette_cos)
from .peers import (NRC_NCTB, NRC_PCA_CENTRED, Agreement, Centre, ClassVectors, Metric,
                    NRCMetrics, Pair, PairStats, PrincipalDecomp, agreement, class_vectors,
                    nrc1_profile, nrc_metrics, ood_orthodev, pair_grid, pairs,
                    principal_decomp)
from .ufm import LOSSES, STEP_POLICIES, UFM, UFM_PARAMS, UFM_STATS
# streaming peer metrics (python/ncdyn/streaming.py, docs/python.md)
from .metrics import ACC_NC4_CLASS, ACC_SILHOUETTE  # noqa: E402,I001
from .streaming import NRC_ACC_TARGETS, CkaAccumulator, NrcAccumulator  # noqa: E402,I001

#: the package's version (the C library's is ncdyn.version())
__version__ = "0.1.0"

#: status codes of ncd_status
OK, EINVAL, ENONFINITE, ENOMEM, ESINGULAR, ENOTSUP, ENOCONV, EIO, EFORMAT = range(9)

__all__ = [
    "Error", "InvalidArgument", "NonFinite", "NoMemory", "Singular", "NotSupported",
    "NoConvergence", "IOFailure", "FormatError", "MissingFunction", "LibraryNotFound",
    "strerror", "version", "library_path", "use_library",
    "softmax", "log_softmax", "ce_loss", "mse_loss",
    "hadamard", "simplex_etf", "stiefel", "hadamard_supported", "HADAMARD_KINDS",
    "cpath_omega", "ls_classifier", "mse_decompose", "MSEDecomposition",
    "ghost_radius_bound", "ghost_radius_exact", "ghost_step_scale",
    "METRICS", "ACC_SCATTER", "ACC_CLASS_SCATTER", "nc_metrics", "Accumulator",
    "linear_cka", "silhouette_cos", "erank",
    "Centre", "Pair", "Metric", "NRC_NCTB", "NRC_PCA_CENTRED", "PairStats", "ClassVectors",
    "Agreement", "PrincipalDecomp", "NRCMetrics", "pairs", "pair_grid", "class_vectors",
    "agreement",
    "ood_orthodev", "principal_decomp", "nrc1_profile", "nrc_metrics",
    "UFM", "UFM_PARAMS", "UFM_STATS", "LOSSES", "STEP_POLICIES",
    "ACC_SILHOUETTE", "ACC_NC4_CLASS", "CkaAccumulator", "NrcAccumulator", "NRC_ACC_TARGETS",
]

"""_arrays.py - marshalling numpy arrays and CPU torch tensors to the C layout.

The C API takes row-major matrices with a leading dimension (row stride in
elements). A 2-D array whose rows are contiguous (column stride = item size,
row stride a non-negative multiple of it and at least the row length) is passed
ZERO-COPY: its row stride becomes the leading dimension, so C-contiguous arrays,
column slices a[:, :m] and row-strided views a[::2] need no copy. Everything
else (Fortran order, negative or broadcast strides, a dtype the function cannot
take, unaligned or byte-swapped data) is copied ONCE into a C-contiguous buffer.
float32 is passed as is only to functions with an _f32 twin, else converted.
Labels are passed zero-copy when they are a contiguous native int32 array (or
int64 for a function with an _i64 twin), else converted once to int32 after a
range check (so int64 values beyond int32 never wrap into valid labels).
"""
import numpy as np

from . import _lib

F64 = np.dtype(np.float64)
F32 = np.dtype(np.float32)
I32 = np.dtype(np.int32)
I64 = np.dtype(np.int64)
_I32_MAX = 2**31 - 1


def to_numpy(x):
    """A numpy view of x (zero-copy for numpy arrays and CPU torch tensors)."""
    if type(x) is np.ndarray:
        return x
    mod = type(x).__module__
    if mod.startswith("torch") and hasattr(x, "detach"):
        if x.device.type != "cpu":
            raise _lib.invalid("only CPU tensors can be passed; call .cpu() first")
        x = x.detach()
        try:
            return x.numpy()  # shares memory, keeps the tensor's strides
        except (TypeError, RuntimeError):  # bfloat16, conjugated views, ...
            import torch
            return x.to(torch.float64).numpy()
    return np.asarray(x)


def _zero_copy_ld(a, itemsize):
    """Leading dimension if the 2-D array a can be passed as is, else None."""
    if not a.flags.aligned or not a.dtype.isnative:
        return None
    rows, cols = a.shape
    s0, s1 = a.strides
    if cols > 1 and s1 != itemsize:
        return None
    if rows <= 1:
        return max(cols, 1)
    if s0 < 0 or s0 % itemsize:
        return None
    ld = s0 // itemsize
    return ld if ld >= cols and ld > 0 else None


def matrix(x, name, f32=False, dtype=None):
    """(array, address, ld, is_f32) for a 2-D input matrix.

    f32: the function has a float32 twin, so float32 input stays float32.
    dtype: force this dtype (copy if different). The returned array must be
    kept alive until the C call returns."""
    a = to_numpy(x)
    if a.ndim != 2:
        raise _lib.invalid("%s must be a 2-D array, got %d-D" % (name, a.ndim))
    dt = a.dtype
    if dtype is not None:
        target = np.dtype(dtype)
    elif dt == F64 or (f32 and dt == F32):
        target = dt
    elif dt.kind in "fiub":
        target = F64
    else:
        raise _lib.invalid("%s must be a real array, got dtype %s" % (name, dt))
    ld = _zero_copy_ld(a, target.itemsize) if dt == target else None
    if ld is None:
        a = np.ascontiguousarray(a, dtype=target)
        ld = max(a.shape[1], 1)
    return a, a.ctypes.data, ld, target == F32


def vector(x, name, length, dtype=F64):
    """(array, address) for a 1-D real vector of the given length."""
    a = to_numpy(x)
    if a.ndim != 1 or a.shape[0] != length:
        raise _lib.invalid("%s must be a 1-D array of length %d, got shape %s"
                           % (name, length, a.shape))
    if a.dtype.kind not in "fiub":
        raise _lib.invalid("%s must be real, got dtype %s" % (name, a.dtype))
    if a.dtype != dtype or not a.flags.c_contiguous or not a.flags.aligned:
        a = np.ascontiguousarray(a, dtype=dtype)
    return a, a.ctypes.data


def labels(y, n, i64=False):
    """(array, address, is_i64) for n integer labels.

    Zero-copy for contiguous native int32 (and int64 when i64 is True); any other
    integer array is range-checked and converted once to int32."""
    a = to_numpy(y)
    if a.ndim != 1:
        raise _lib.invalid("labels must be a 1-D array, got %d-D" % a.ndim)
    if a.shape[0] != n:
        raise _lib.invalid("got %d labels for %d samples" % (a.shape[0], n))
    dt = a.dtype
    if dt.kind not in "iub":
        raise _lib.invalid("labels must be integers, got dtype %s" % dt)
    ok = a.flags.c_contiguous and a.flags.aligned and dt.isnative
    if dt == I32 and ok:
        return a, a.ctypes.data, False
    if i64 and dt == I64 and ok:
        return a, a.ctypes.data, True
    if a.size:  # a label beyond int32 must not wrap into a valid one
        lo, hi = int(a.min()), int(a.max())
        if lo < 0 or hi > _I32_MAX:
            raise _lib.invalid("label %d is outside [0, k)" % (lo if lo < 0 else hi))
    a = np.ascontiguousarray(a, dtype=I32)
    return a, a.ctypes.data, False


def n_classes(y_arr, k):
    """k as given, else 1 + the largest label (at least 2 rows are not implied)."""
    if k is not None:
        return int(k)
    if y_arr.size == 0:
        raise _lib.invalid("cannot infer k from an empty label array; pass k=")
    top = int(y_arr.max())
    if top > _I32_MAX:  # int64 labels reach here unconverted (the _i64 twins)
        raise _lib.invalid("label %d is outside [0, k)" % top)
    return top + 1


def writable(x, name, shape, dtype=F64):
    """(array, address, ld) for an output the C function writes in place, or
    (None, None, None) when x cannot be written zero-copy (wrong dtype or
    layout: the caller then works on a copy and copies back)."""
    a = to_numpy(x)
    if a.shape != tuple(shape):
        raise _lib.invalid("%s must have shape %s, got %s" % (name, tuple(shape), a.shape))
    if not a.flags.writeable:
        raise _lib.invalid("%s is read-only" % name)
    if a.dtype != dtype:
        return None, None, None
    if a.ndim == 1:
        if a.flags.c_contiguous and a.flags.aligned and a.dtype.isnative:
            return a, a.ctypes.data, None
        return None, None, None
    ld = _zero_copy_ld(a, a.dtype.itemsize)
    if ld is None:
        return None, None, None
    return a, a.ctypes.data, ld

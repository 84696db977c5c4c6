"""test_core.py - the loader, status -> exception mapping, array and label
marshalling (zero-copy proven from the C side with the probe library of
probe.py; strided, Fortran-order and float32 inputs equal contiguous ones), and
ncdyn.ghost_radius_bound against tests/ghost/test_bound.c and spec/ghosts.md
section 4's vectors."""
import ctypes
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import ncdyn
from ncdyn import _arrays, _lib



# ---- loader, version, strerror ------------------------------------------------
def _c_strerror(status):
    """ncd_strerror called directly through a separate ctypes handle."""
    c = ctypes.CDLL(_lib.lib().path)
    c.ncd_strerror.restype = ctypes.c_char_p
    c.ncd_strerror.argtypes = [ctypes.c_int]
    return c.ncd_strerror(status).decode()


def test_version_matches_header():
    hdr = os.path.join(os.path.dirname(__file__), "..", "..", "include", "ncdyn.h")
    if not os.path.exists(hdr):
        pytest.skip("not in the source tree")
    text = open(hdr).read()
    parts = [text.split("#define NCD_VERSION_%s " % p)[1].split()[0]
             for p in ("MAJOR", "MINOR", "PATCH")]
    assert ncdyn.version() == ".".join(parts)


def test_library_from_env():
    assert os.path.samefile(ncdyn.library_path(), os.environ["NCDYN_LIBRARY"])


@pytest.mark.parametrize("status,cls", [
    (1, ncdyn.InvalidArgument), (2, ncdyn.NonFinite), (3, ncdyn.NoMemory),
    (4, ncdyn.Singular), (5, ncdyn.NotSupported), (6, ncdyn.NoConvergence),
    (7, ncdyn.IOFailure), (8, ncdyn.FormatError)])
def test_status_classes(status, cls):
    e = _lib.error(status, "ncd_x")
    assert type(e) is cls and isinstance(e, ncdyn.Error)
    assert e.status == status and e.function == "ncd_x"
    assert str(e) == _c_strerror(status) == ncdyn.strerror(status)
    assert str(e) and str(e) != _c_strerror(99)  # a real explanation per status
    assert ncdyn.EINVAL == 1 and ncdyn.EFORMAT == 8


def test_unknown_status_is_base_error():
    e = _lib.error(99)
    assert type(e) is ncdyn.Error and str(e) == _c_strerror(99)
    with pytest.raises(ncdyn.Error):
        _lib.check(99)
    _lib.check(0)  # OK raises nothing


def test_python_side_checks_keep_the_strerror_message():
    with pytest.raises(ncdyn.InvalidArgument) as ei:
        ncdyn.ghost_radius_bound(np.ones(3))
    e = ei.value
    assert str(e) == _c_strerror(1) and e.function is None
    assert "2-D" in e.detail and e.detail in getattr(e, "__notes__", [])


def test_python_exception_bases():
    assert issubclass(ncdyn.InvalidArgument, ValueError)
    assert issubclass(ncdyn.NoMemory, MemoryError)
    assert issubclass(ncdyn.MissingFunction, AttributeError)
    assert issubclass(ncdyn.MissingFunction, ncdyn.NotSupported)


def _run(code, env_extra):
    env = dict(os.environ, **env_extra)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)


def test_import_never_loads_and_missing_library_raises_on_call():
    r = _run("import ncdyn\n"
             "try:\n    ncdyn.version()\n"
             "except ncdyn.LibraryNotFound as e:\n    print('LNF', isinstance(e, ncdyn.Error))\n",
             {"NCDYN_LIBRARY": "/nonexistent/libncdyn.so.0"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "LNF True"


def test_loader_finds_library_beside_installed_package(tmp_path):
    """`make install` layout: <libdir>/python3/dist-packages/ncdyn and
    <libdir>/libncdyn.so.0, with neither NCDYN_LIBRARY nor pkg-config."""
    import shutil
    lib = tmp_path / "lib"
    pkg = lib / "python3" / "dist-packages" / "ncdyn"
    shutil.copytree(os.path.dirname(ncdyn.__file__), pkg,
                    ignore=shutil.ignore_patterns("__pycache__"))
    os.symlink(os.path.realpath(_lib.lib().path), lib / "libncdyn.so.0")
    (tmp_path / "pc").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("NCDYN_LIBRARY", "PYTHONPATH")}
    env.update(PYTHONPATH=str(pkg.parent), PKG_CONFIG_LIBDIR=str(tmp_path / "pc"),
               PKG_CONFIG_PATH="")
    r = subprocess.run([sys.executable, "-c", "import ncdyn; print(ncdyn.library_path()); "
                        "print(ncdyn.ghost_radius_bound([[0.0, 1.0]]))"],
                       env=env, capture_output=True, text=True, timeout=60, cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    path, res = r.stdout.split("\n")[:2]
    assert path == str(lib / "libncdyn.so.0") and res == repr((math.pi, 0))


def test_missing_function_is_lazy_and_clear(probe):
    # the probe has no ncd_hadamard: the call, not the import, fails
    with pytest.raises(ncdyn.MissingFunction) as ei:
        ncdyn.hadamard(4)
    assert isinstance(ei.value, AttributeError) and "ncd_hadamard" in str(ei.value)


# ---- zero-copy, proven from the C side ---------------------------------------------
def _addr(a):
    return a.__array_interface__["data"][0]


def test_zero_copy_contiguous_and_strided(probe):
    base = np.arange(7 * 5, dtype=np.float64).reshape(7, 5)
    for view, ld in ((base, 5), (base[:, :3], 5), (base[::2], 10), (base[1:, 2:], 5),
                     (base[::3, 1:4], 15), (base[2:3], 5)):
        probe.reset()
        assert ncdyn.ghost_radius_bound(view) == (1.0, 0)
        assert probe.ptr(0) == _addr(view), view.strides
        assert probe.ld(0) == ld
    f = base.astype(np.float32)[:, 1:]
    probe.reset()
    assert ncdyn.ghost_radius_bound(f)[0] == 2.0  # the _f32 twin, zero-copy
    assert probe.ptr(0) == _addr(f) and probe.ld(0) == 5


def test_copied_once_when_rows_are_not_contiguous(probe):
    base = np.arange(6 * 4, dtype=np.float64).reshape(6, 4)
    for view in (np.asfortranarray(base), base.T, base[:, ::2], base[::-1],
                 np.broadcast_to(base[0], (6, 4)), base.astype(">f8")):
        probe.reset()
        ncdyn.ghost_radius_bound(view)
        assert probe.ptr(0) != _addr(view)
        assert probe.ld(0) == view.shape[1]  # the copy is C-contiguous


def test_labels_zero_copy_only_for_int32(probe):
    h = np.zeros((4, 3))
    y32 = np.array([0, 1, 0, 1], dtype=np.int32)
    w = np.ones((2, 3))[:, :3]
    b = np.zeros(2)
    ncdyn.nc_metrics(h, y32, w, b)
    assert probe.ptr(0) == _addr(h) and probe.ld(0) == 3
    assert probe.ptr(1) == _addr(y32)
    assert probe.ptr(2) == _addr(w) and probe.ptr(3) == _addr(b)
    y64 = y32.astype(np.int64)
    ncdyn.nc_metrics(h, y64, w)
    assert probe.ptr(1) not in (0, _addr(y64)) and probe.ptr(3) == 0


def test_accumulator_update_zero_copy(probe):
    acc = ncdyn.Accumulator(3, 2)
    y = np.array([0, 1, 1], dtype=np.int32)
    for h in (np.ones((3, 4))[:, :3], np.ones((6, 3), dtype=np.float32)[::2]):
        probe.reset()
        acc.update(h, y)
        assert probe.ptr(0) == _addr(h) and probe.ld(0) == h.strides[0] // h.itemsize
        assert probe.ptr(1) == _addr(y)


def test_softmax_out_and_ufm_train_in_place(probe):
    z = np.zeros((3, 8))[:, :4]
    out = np.empty((3, 4))
    assert ncdyn.softmax(z, out=out) is out
    assert (probe.ptr(0), probe.ld(0), probe.ptr(1), probe.ld(1)) == (_addr(z), 8, _addr(out), 4)
    ncdyn.softmax(z, out=z)  # in place
    assert probe.ptr(1) == _addr(z) and probe.ld(1) == 8
    y = np.array([0, 1, 1, 0], dtype=np.int32)
    u = ncdyn.UFM(y, 3)
    assert probe.ptr(1) != 0
    w, h, b = np.zeros((2, 5))[:, :3], np.zeros((4, 3)), np.zeros(2)
    u.train(1, w, h, b)
    assert (probe.ptr(0), probe.ld(0), probe.ptr(2), probe.ld(2), probe.ptr(3)) == \
        (_addr(w), 5, _addr(h), 3, _addr(b))


def test_torch_tensor_zero_copy(probe):
    torch = pytest.importorskip("torch", reason="python3-torch not installed")
    t = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    ncdyn.ghost_radius_bound(t)
    assert probe.ptr(0) == t.data_ptr() and probe.ld(0) == 4
    tr = torch.zeros(3, 4, requires_grad=True)
    ncdyn.ghost_radius_bound(tr[:, 1:])
    assert probe.ptr(0) == tr.data_ptr() + 4 and probe.ld(0) == 4


# ---- marshalling rules (pure Python) --------------------------------------------
def test_labels_conversion_rules():
    a, _, i64 = _arrays.labels(np.array([0, 2, 1], dtype=np.uint8), 3)
    assert a.dtype == np.int32 and list(a) == [0, 2, 1] and not i64
    a, _, i64 = _arrays.labels(np.array([0, 2, 1], dtype=np.int64), 3, i64=True)
    assert a.dtype == np.int64 and i64
    with pytest.raises(ncdyn.InvalidArgument):  # 2**32 would wrap to 0
        _arrays.labels(np.array([0, 2**32], dtype=np.int64), 2)
    with pytest.raises(ncdyn.InvalidArgument):
        _arrays.labels(np.array([0, -1], dtype=np.int64), 2)
    with pytest.raises(ncdyn.InvalidArgument):
        _arrays.labels(np.array([0.0, 1.0]), 2)
    with pytest.raises(ncdyn.InvalidArgument):
        _arrays.labels(np.array([0, 1], dtype=np.int32), 3)
    with pytest.raises(ncdyn.InvalidArgument):
        _arrays.labels(np.zeros((2, 1), dtype=np.int32), 2)


def test_matrix_rules():
    a, _, ld, f32 = _arrays.matrix([[1, 2], [3, 4]], "x")
    assert a.dtype == np.float64 and ld == 2 and not f32
    a, _, ld, f32 = _arrays.matrix(np.ones((2, 3), np.float32), "x")
    assert a.dtype == np.float64 and not f32  # no float32 twin: converted
    with pytest.raises(ncdyn.InvalidArgument):
        _arrays.matrix(np.ones(3), "x")
    with pytest.raises(ncdyn.InvalidArgument):
        _arrays.matrix(np.ones((2, 2), complex), "x")


# ---- ghost_radius_bound: tests/ghost/test_bound.c and spec/ghosts.md §4 ---------
def test_ghost_bound_hand_cases():
    a = np.array([[0, 1, 2], [-1, 3, 0], [5, 1, 3]], dtype=float)
    assert ncdyn.ghost_radius_bound(a) == (pytest.approx(math.pi / 4, rel=1e-16), 1)
    assert ncdyn.ghost_radius_bound(a[:1])[0] == pytest.approx(math.pi / 2, rel=1e-16)
    assert ncdyn.ghost_radius_bound(a[:, :2]) == (pytest.approx(math.pi / 4, rel=1e-16), 1)
    rho, arg = ncdyn.ghost_radius_bound(np.array([[1.0] * 4, [-3.0] * 4]))
    assert math.isinf(rho) and rho > 0 and arg == 0


@pytest.mark.parametrize("a,rho", [
    ([-0.5, 1], 2.0943951),                      # binary
    ([.9, -.4, .3, -1.1], math.pi / 2),          # 4-class
    ([-.8, .6, .1, -.2, .9], 1.84799567858223),  # 5-class confident
])
def test_ghost_bound_spec_vectors(a, rho):
    got, arg = ncdyn.ghost_radius_bound(np.array([a]))
    assert arg == 0 and got == pytest.approx(rho, rel=1e-13 if rho != 2.0943951 else 1e-7)


def test_ghost_bound_layouts_agree():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((40, 7))
    want = ncdyn.ghost_radius_bound(a)
    big = np.zeros((80, 11))
    big[::2, 2:9] = a
    for v in (np.asfortranarray(a), big[::2, 2:9], a.T.copy().T, a.tolist()):
        assert ncdyn.ghost_radius_bound(v) == want
    rho32, arg32 = ncdyn.ghost_radius_bound(a.astype(np.float32))
    assert arg32 == want[1] and rho32 == pytest.approx(want[0], rel=1e-6)


def test_ghost_bound_bad_input():
    with pytest.raises(ncdyn.InvalidArgument) as ei:
        ncdyn.ghost_radius_bound(np.ones((3, 1)))  # k >= 2 (checked in C)
    assert ei.value.function == "ncd_ghost_radius_bound"
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.ghost_radius_bound(np.ones((0, 3)))
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.ghost_radius_bound(np.ones(3))
    for bad in (np.nan, np.inf):
        a = np.ones((3, 3))
        a[2, 1] = bad
        with pytest.raises(ncdyn.NonFinite):
            ncdyn.ghost_radius_bound(a)
        with pytest.raises(ncdyn.NonFinite):
            ncdyn.ghost_radius_bound(a.astype(np.float32))

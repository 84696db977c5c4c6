"""conftest.py - shared fixtures of the ncdyn pytest suites: skipping a test
whose C function the library under test does not export yet (a layer not
merged), and the test level (NCD_TEST_LEVEL=full runs the long sets)."""
import os

import pytest

import ncdyn
from ncdyn import _lib


def need(*names):
    """Skip the calling test unless the loaded library exports every name."""
    lib = _lib.lib()
    missing = [n for n in names if not lib.has(n)]
    if missing:
        pytest.skip("%s not in %s yet" % (", ".join(missing), lib.path))


def full():
    return os.environ.get("NCD_TEST_LEVEL", "") == "full"


@pytest.fixture(autouse=True)
def _same_library():
    """Every test starts and ends on the library under test (NCDYN_LIBRARY)."""
    before = _lib.lib()
    yield
    if _lib.lib() is not before:
        _lib.use_library(before)


def assert_close(got, want, rtol, atol=0.0):
    """|got - want| <= rtol |want| + atol, elementwise, with the worst offender."""
    import numpy as np
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape, (got.shape, want.shape)
    err = np.abs(got - want)
    tol = rtol * np.abs(want) + atol
    bad = ~(err <= tol)
    assert not bad.any(), "worst %s: got %r want %r (rtol %g, atol %g)" % (
        np.argmax(err - tol), got.flat[np.argmax(err - tol)],
        want.flat[np.argmax(err - tol)], rtol, atol)


@pytest.fixture
def probe(tmp_path):
    """The zero-copy probe library of probe.py, loaded in place of libncdyn for
    the test (skipped without a C compiler)."""
    import subprocess

    import probe as probe_mod
    try:
        path = probe_mod.build(tmp_path)
    except subprocess.CalledProcessError as e:
        pytest.fail("probe did not compile: %s" % e)
    if path is None:
        pytest.skip("no C compiler (cc) to build the probe library")
    p = probe_mod.Probe(path)
    old = ncdyn.use_library(path)
    yield p
    ncdyn.use_library(old)


ncdyn  # the package under test is importable (PYTHONPATH)

"""test_init.py - hadamard and simplex_etf on spec/init.md section 5's vectors
(bit-exact where the spec says bitwise; checksums to 1e-13 relative as the spec
states), the defining identities, float32, unsupported orders."""
import numpy as np
import pytest

import ncdyn
from conftest import assert_close, need
import spec_vectors as V


def _fnv1a(h):
    x = 0xcbf29ce484222325
    for c in "".join("+" if v > 0 else "-" for v in h.ravel()).encode():
        x = ((x ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return x


def _s1(m):
    i = np.arange(1, m.shape[0] + 1)[:, None]
    j = np.arange(1, m.shape[1] + 1)[None, :]
    return (i * j * m).sum()


def test_hadamard_12_rows():
    need("ncd_hadamard")
    h = ncdyn.hadamard(12)
    assert ["".join("+" if v > 0 else "-" for v in r) for r in h] == V.HAD12


@pytest.mark.parametrize("n", sorted(V.HAD_CHECK))
def test_hadamard_checksums(n):
    need("ncd_hadamard")
    h = ncdyn.hadamard(n)
    assert h.shape == (n, n) and h.dtype == np.float64
    assert set(np.unique(h)) <= {-1.0, 1.0}
    assert np.array_equal(h @ h.T, n * np.eye(n))
    assert (h[0] == 1).all() and (h[:, 0] == 1).all()
    assert (int(_s1(h)), _fnv1a(h)) == V.HAD_CHECK[n]


def test_hadamard_small_float32_and_unsupported():
    need("ncd_hadamard")
    assert np.array_equal(ncdyn.hadamard(1), [[1.0]])
    assert np.array_equal(ncdyn.hadamard(2), [[1.0, 1.0], [1.0, -1.0]])
    h32 = ncdyn.hadamard(16, dtype=np.float32)
    assert h32.dtype == np.float32 and np.array_equal(h32, ncdyn.hadamard(16))
    for n in (3, 6, 92):
        with pytest.raises(ncdyn.NotSupported):
            ncdyn.hadamard(n)
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.hadamard(0)
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.hadamard(4, dtype=np.int32)


def test_hadamard_supported():
    need("ncd_hadamard_supported")
    assert ncdyn.hadamard_supported(92) == (False, "none")
    assert ncdyn.hadamard_supported(64) == (True, "sylvester")
    assert ncdyn.hadamard_supported(12) == (True, "paley1")
    assert ncdyn.hadamard_supported(52) == (True, "paley2")
    assert ncdyn.hadamard_supported(40) == (True, "kronecker")


def test_etf_vectors_bitwise():
    need("ncd_simplex_etf")
    assert np.array_equal(ncdyn.simplex_etf(4, 3), V.ETF_4_3)
    assert np.array_equal(ncdyn.simplex_etf(3, 5), [[0.8660254037844386, 0.5, 0, 0, 0],
                                                    [-0.8660254037844386, 0.5, 0, 0, 0],
                                                    [0, -1, 0, 0, 0]])
    assert np.array_equal(ncdyn.simplex_etf(3, 3, seed=1), V.ETF_3_3_SEED1)
    assert np.array_equal(ncdyn.simplex_etf(4, 5, seed=42), V.ETF_4_5_SEED42)


@pytest.mark.parametrize("k,d,seed,check,m00", V.ETF_CHECK)
def test_etf_checksums_and_frame(k, d, seed, check, m00):
    need("ncd_simplex_etf")
    m = ncdyn.simplex_etf(k, d, seed)
    assert m[0, 0] == m00
    assert _s1(m) == pytest.approx(check, rel=1e-13)
    g = m @ m.T
    assert_close(g, (k / (k - 1)) * (np.eye(k) - 1.0 / k), 1e-13, 1e-14)
    m32 = ncdyn.simplex_etf(k, d, seed, dtype=np.float32)
    assert m32.dtype == np.float32 and np.array_equal(m32, m.astype(np.float32))


def test_etf_bad_input():
    need("ncd_simplex_etf")
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.simplex_etf(1, 3)
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.simplex_etf(5, 3)  # d < k - 1
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.simplex_etf(3, 3, seed=-1)


def test_stiefel_orthonormal():
    need("ncd_stiefel")
    o = ncdyn.stiefel(3, 7, seed=9)
    assert_close(o @ o.T, np.eye(3), 0, 1e-14)
    assert np.array_equal(ncdyn.stiefel(2, 4), np.eye(2, 4))

"""test_ghost.py - ghost_radius_exact on spec/ghosts.md section 4's vectors
(relative 1e-9, api.md's accuracy for simple nearest zeros; the spec prints 14
digits), exact >= bound, layouts, and the controller's step scaling."""
import math

import numpy as np
import pytest

import ncdyn
from conftest import need
import spec_vectors as V


@pytest.mark.parametrize("z,a,rho", V.GHOST_EXACT)
def test_exact_vectors(z, a, rho):
    need("ncd_ghost_radius_exact")
    got = ncdyn.ghost_radius_exact(np.array([z], float), np.array([a], float))
    assert got == pytest.approx(rho, rel=1e-9)
    assert got >= ncdyn.ghost_radius_bound(np.array([a], float))[0]


def test_exact_batch_is_min_over_rows_and_layouts():
    need("ncd_ghost_radius_exact")
    rows = [r for r in V.GHOST_EXACT if len(r[0]) == 3]
    z = np.array([r[0] for r in rows], float)
    a = np.array([r[1] for r in rows], float)
    got = ncdyn.ghost_radius_exact(z, a)
    assert got == pytest.approx(min(r[2] for r in rows), rel=1e-9)
    assert ncdyn.ghost_radius_exact(np.asfortranarray(z), a.tolist()) == got
    assert math.isinf(ncdyn.ghost_radius_exact(z, np.ones_like(a)))
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.ghost_radius_exact(z, a[:, :2])
    a[0, 0] = np.nan
    with pytest.raises(ncdyn.NonFinite):
        ncdyn.ghost_radius_exact(z, a)


def test_step_scale():
    need("ncd_ghost_step_scale")
    # capped: min(lr, r rho / ||u||) = min(0.1, 0.5 * 2 / 4) = 0.1; set: 0.25
    assert ncdyn.ghost_step_scale(0.1, 4.0, 2.0, 0.5) == 0.1
    assert ncdyn.ghost_step_scale(0.1, 4.0, 2.0, 0.5, mode="set") == 0.25
    assert ncdyn.ghost_step_scale(1.0, 4.0, 2.0, 0.5) == 0.25
    assert ncdyn.ghost_step_scale(1.0, 4.0, math.inf) == 1.0
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.ghost_step_scale(-1.0, 4.0, 2.0)
    with pytest.raises(ncdyn.InvalidArgument):
        ncdyn.ghost_step_scale(1.0, 4.0, 2.0, mode="bogus")

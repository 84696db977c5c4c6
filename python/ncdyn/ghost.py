"""ghost.py - the ghost radius of Sao's "Ghosts of Softmax" (api.md "Ghost
radius", spec/ghosts.md): the cheap bound pi / max_i spread_i and the exact
radius of convergence of the cross-entropy's Taylor series along a step.
"""
from ctypes import byref, c_double, c_size_t

from . import _arrays, _capi, _lib

__all__ = ["ghost_radius_bound", "ghost_radius_exact", "ghost_step_scale"]


def ghost_radius_bound(a):
    """(rho, argmax) = (pi / max_i (max_j a_ij - min_j a_ij), bottleneck row) for
    the n x k JVP matrix a (float64 or float32, zero-copy when rows are
    contiguous). rho is inf when every spread is 0. ncd_ghost_radius_bound."""
    arr, p, ld, f32 = _arrays.matrix(a, "a", f32=True)
    rho, arg = c_double(), c_size_t()
    _capi.call("ncd_ghost_radius_bound_f32" if f32 else "ncd_ghost_radius_bound",
               arr.shape[0], arr.shape[1], p, ld, byref(rho), byref(arg))
    return rho.value, arg.value


def ghost_radius_exact(z, a):
    """The exact radius (under logit linearization) of the Taylor series in tau of
    the mean cross-entropy along the step: min_i |nearest complex zero of
    sum_j exp(z_ij + a_ij t)|; z and a are n x k. ncd_ghost_radius_exact."""
    za, zp, ldz, _ = _arrays.matrix(z, "z")
    aa, ap, lda, _ = _arrays.matrix(a, "a")
    if za.shape != aa.shape:
        raise _lib.invalid("z and a must have the same shape, got %s and %s"
                           % (za.shape, aa.shape), "ncd_ghost_radius_exact")
    rho = c_double()
    _capi.call("ncd_ghost_radius_exact", za.shape[0], za.shape[1], zp, ldz, ap, lda,
               byref(rho))
    return rho.value


def ghost_step_scale(lr, unit_norm, rho, r_target=1.0, mode="capped"):
    """The learning rate of the rho controller (spec/ghosts.md 3.1): for a
    unit-LR proposal of norm unit_norm with radius rho along it, capped mode
    gives min(lr, r_target rho / unit_norm), set mode r_target rho / unit_norm
    (lr when unit_norm < 1e-12 or rho is inf). Needs ncd_ghost_step_scale (an
    addition beyond the contract)."""
    modes = ("capped", "set")
    if mode not in modes:
        raise _lib.invalid("mode must be 'capped' or 'set', got %r" % (mode,),
                           "ncd_ghost_step_scale")
    out = c_double()
    _capi.call("ncd_ghost_step_scale", float(lr), float(unit_norm), float(rho),
               float(r_target), modes.index(mode), byref(out))
    return out.value

/*
 * init_internal.h - internal interface of the init layer (spec/init.md):
 * prime powers and GF(q) arithmetic (1.3), the Hadamard family and its canonical
 * choice (1.4, 1.5), the Stiefel generator (I-13), the Helmert frame constants
 * (I-8) and the fast Walsh-Hadamard transform with the positive butterfly (I-18).
 * Used by the ufm layer's Hadamard/ETF starts.
 */
#ifndef NCD_INIT_INTERNAL_H
#define NCD_INIT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/core_internal.h"

/* ---- finite fields (gf.c), spec 1.3 --------------------------------------- */
/* q = p^m with p prime, m >= 1: returns 1 and sets *p, *m; else 0. */
int ncd__prime_power(uint64_t q, uint64_t *p, unsigned *m);
/* The quadratic character of GF(q) (q odd prime power) tabulated by codes
 * (I-3): chi[e] in {-1, 0, +1}. chi has q entries. Returns NCD_ENOMEM or OK. */
int ncd__gf_chi_table(uint64_t p, unsigned m, int8_t *chi);
/* Code of (a - b) in GF(p^m) (digit-wise mod p). */
uint64_t ncd__gf_sub(uint64_t a, uint64_t b, uint64_t p, unsigned m);
/* The modulus of GF(p^m) (spec 1.3, smallest N(f)): coefficients c[0..m-1]
 * (c[m] = 1 implied). m <= 63. */
void ncd__gf_modulus(uint64_t p, unsigned m, uint64_t *c);

/* ---- Hadamard family (hadamard_canon.c, hadamard_build.c), spec 1.4-1.5 ---- */
typedef enum ncd__had_kind {
  NCD__HAD_NONE = 0,     /* unreachable                       */
  NCD__HAD_SYLVESTER = 1,
  NCD__HAD_PALEY1 = 2,
  NCD__HAD_PALEY2 = 3,
  NCD__HAD_KRONECKER = 4
} ncd__had_kind;
/* The canonical rule (I-7) for n >= 1; for Kronecker *core = c (the inner
 * factor), otherwise *core = n. */
ncd__had_kind ncd__hadamard_canon(size_t n, size_t *core);
/* Build canon(n) as int8 entries into out (n x n, leading dim ld).
 * NCD_ENOTSUP if unreachable, NCD_ENOMEM. */
int ncd__hadamard_build_i8(size_t n, int8_t *out, size_t ld);
/* Normalized Paley I (kind 1, n = q+1) or II (kind 2, n = 2(q+1)) of GF(q). */
int ncd__paley_i8(uint64_t q, int kind, int8_t *out, size_t ld);

/* ---- Helmert frame (etf.c), I-8 --------------------------------------------- */
/* beta_j and gamma_j of I-8 (K = k), correctly rounded from exact integers. */
double ncd__helmert_beta(size_t k, size_t j);
double ncd__helmert_gamma(size_t k, size_t j);
/* ncd_stiefel without validation: r x d orthonormal rows into o (ld ldo). */
int ncd__stiefel(size_t r, size_t d, uint64_t seed, double *o, size_t ldo);
/* I-14 in O(kd): rows 1..k-1 of m hold O = q_0..q_{k-2}; overwrites m with
 * M0 * O. t: d doubles, zero on entry. */
void ncd__etf_rotate(size_t k, size_t d, double *m, size_t ldm, double *t);
/* ncd_simplex_etf without validation. */
int ncd__simplex_etf(size_t k, size_t d, uint64_t seed, double *m, size_t ldm);
/* The same with a given Stiefel generator (the portable or the BLAS-3 one). */
typedef int (*ncd__stiefel_fn)(size_t r, size_t d, uint64_t seed, double *o, size_t ldo);
int ncd__simplex_etf_with(size_t k, size_t d, uint64_t seed, double *m, size_t ldm,
                          ncd__stiefel_fn stiefel);
/* ncd_simplex_etf's argument check: k >= 2, k <= 2^21, d >= k - 1, the matrix. */
int ncd__check_etf(size_t k, size_t d, const void *m, size_t ldm, size_t elem);

/* ---- Walsh transform (walsh.c), I-17 .. I-19 ---------------------------------- */
/* In place unnormalized fast Walsh-Hadamard transform: x <- Hd x, k = 2^a. */
void ncd__fwht(size_t k, double *x);
/* For scaled spectrum s (already divided by sqrt(nc)) and scale 1/(k sqrt(nc))
 * folded into g: writes pi (k), od (k: Od_m of I-18) and returns the loss
 * (I-19). work: 2k doubles. pi and od may not alias. */
double ncd__walsh_spectrum(size_t k, double nc, const double *s, double *pi,
                           double *od, double *work);

#endif /* NCD_INIT_INTERNAL_H */

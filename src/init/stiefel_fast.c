/*
 * stiefel_fast.c - the BLAS-3 twins of ncd_stiefel and ncd_simplex_etf
 * (spec/init.md I-13, I-14; the faster variant the issue asks for when the
 * portable CGS2 is slow): the same Gaussian draws, orthonormalized by
 * Cholesky QR applied twice (G G^T = L L^T, G <- L^{-1} G). The result is the
 * same Haar sample as the portable route (the unique orthonormal-row factor
 * with a positive-diagonal lower-triangular cofactor), equal to it up to
 * rounding, but reproducible only on one platform and BLIS build. If a
 * Cholesky factorization fails (an ill-conditioned draw) the portable route
 * is used instead.
 */
#include <string.h>

#include "init_internal.h"
#include "kernels/kernels_internal.h"

static int stiefel_fast(size_t r, size_t d, uint64_t seed, double *o, size_t ldo) {
  if (seed == 0) return ncd__stiefel(r, d, 0, o, ldo);
  double *l = ncd__malloc_array(r * r, sizeof(double));
  if (!l) return NCD_ENOMEM;
  ncd__rng rng;
  ncd__rng_seed(&rng, seed);
  for (size_t j = 0; j < r; j++)
    for (size_t i = 0; i < d; i++) o[j * ldo + i] = ncd__rng_normal(&rng);
  int st = NCD_OK;
  for (int pass = 0; pass < 2 && st == NCD_OK; pass++) {
    ncd__syrk_aat(r, d, 1.0, o, ldo, 0.0, l, r);
    st = ncd__chol(r, l, r);
    if (st == NCD_OK) ncd__trsm_lower_left(NCD__NOTRANS, r, d, 1.0, l, r, o, ldo);
  }
  ncd__free(l);
  if (st == NCD_ESINGULAR) st = ncd__stiefel(r, d, seed, o, ldo); /* portable fallback */
  return st;
}

NCD_API int ncd_stiefel_fast(size_t r, size_t d, uint64_t seed, double *o, size_t ldo) {
  if (r == 0 || d < r) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(o, r, d, ldo, sizeof(double)));
  return stiefel_fast(r, d, seed, o, ldo);
}

NCD_API int ncd_simplex_etf_fast(size_t k, size_t d, uint64_t seed, double *m, size_t ldm) {
  NCD_TRY(ncd__check_etf(k, d, m, ldm, sizeof(double)));
  return ncd__simplex_etf_with(k, d, seed, m, ldm, stiefel_fast);
}

/*
 * init_gaussian.c - deterministic Gaussian initial states of the UFM
 * (spec/ufm.md section 7 "Initial states" 1): W_ij ~ N(0, sigma_w^2), then
 * H_ij ~ N(0, sigma_h^2), then b_j ~ N(0, sigma_b^2), filled row-major in that
 * order from the portable normal generator of spec/init.md 2.3 (same seed, same
 * numbers on every IEEE-754 platform).
 */
#include "ufm_internal.h"

static void fill(ncd__rng *r, double sigma, double *x, size_t rows, size_t cols,
                 size_t ld) {
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) x[i * ld + j] = sigma * ncd__rng_normal(r);
}

NCD_API int ncd_ufm_init_gaussian(const ncd_ufm *u, uint64_t seed, double sigma_w,
                                  double sigma_h, double sigma_b, double *w, size_t ldw,
                                  double *h, size_t ldh, double *b) {
  NCD_TRY(ncd__check_ptr(u));
  NCD_TRY(ncd__check_matrix(w, u->k, u->d, ldw, sizeof(double)));
  NCD_TRY(ncd__check_matrix(h, u->n, u->d, ldh, sizeof(double)));
  NCD_TRY(ncd__check_scalar_nonnegative(sigma_w));
  NCD_TRY(ncd__check_scalar_nonnegative(sigma_h));
  NCD_TRY(ncd__check_scalar_nonnegative(sigma_b));
  ncd__rng r;
  ncd__rng_seed(&r, seed);
  fill(&r, sigma_w, w, u->k, u->d, ldw);
  fill(&r, sigma_h, h, u->n, u->d, ldh);
  if (b) fill(&r, sigma_b, b, 1, u->k, u->k);
  return NCD_OK;
}

/*
 * bound.c - the batch ghost-radius bound rho_a = pi / max_i Delta_i with
 * Delta_i = max_j a_ij - min_j a_ij (spec/ghosts.md section 2, api.md
 * ncd_ghost_radius_bound), float64 and float32 inputs; one pass over a.
 */
#include <math.h>

#include "ghost_internal.h"

void ncd__ghost_max_spread(size_t n, size_t k, const double *a, size_t lda,
                           double *max_spread, size_t *argmax) {
  double best = 0.0;
  size_t arg = 0;
  for (size_t i = 0; i < n; i++) {
    const double *r = a + i * lda;
    double lo = r[0], hi = r[0];
    for (size_t j = 1; j < k; j++) {
      lo = r[j] < lo ? r[j] : lo;
      hi = r[j] > hi ? r[j] : hi;
    }
    double spread = hi - lo;
    if (spread > best) {
      best = spread;
      arg = i;
    }
  }
  *max_spread = best;
  *argmax = arg;
}

static int finish(double spread, size_t arg, double *rho, size_t *argmax) {
  /* spread of finite values can overflow to +Inf (1e308 - -1e308): then the
   * radius is 0 to double precision, which pi / Inf gives exactly. */
  *rho = spread > 0.0 ? M_PI / spread : INFINITY;
  if (argmax) *argmax = arg;
  return NCD_OK;
}

NCD_API int ncd_ghost_radius_bound(size_t n, size_t k, const double *a, size_t lda,
                                   double *rho, size_t *argmax) {
  NCD_TRY(ncd__check_ptr(rho));
  if (k < 2) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(a, n, k, lda, sizeof(double)));
  NCD_TRY(ncd__scan_finite(a, n, k, lda));
  double spread;
  size_t arg;
  ncd__ghost_max_spread(n, k, a, lda, &spread, &arg);
  return finish(spread, arg, rho, argmax);
}

NCD_API int ncd_ghost_radius_bound_f32(size_t n, size_t k, const float *a, size_t lda,
                                       double *rho, size_t *argmax) {
  NCD_TRY(ncd__check_ptr(rho));
  if (k < 2) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(a, n, k, lda, sizeof(float)));
  NCD_TRY(ncd__scan_finite_f32(a, n, k, lda));
  double best = 0.0;
  size_t arg = 0;
  for (size_t i = 0; i < n; i++) {
    const float *r = a + i * lda;
    float lo = r[0], hi = r[0];
    for (size_t j = 1; j < k; j++) {
      lo = r[j] < lo ? r[j] : lo;
      hi = r[j] > hi ? r[j] : hi;
    }
    double spread = (double)hi - (double)lo; /* exact in double */
    if (spread > best) {
      best = spread;
      arg = i;
    }
  }
  return finish(best, arg, rho, argmax);
}

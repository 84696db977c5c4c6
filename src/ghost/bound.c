/*
 * bound.c - the batch ghost-radius bound rho_a = pi / max_i Delta_i with
 * Delta_i = max_j a_ij - min_j a_ij (spec/ghosts.md section 2, api.md
 * ncd_ghost_radius_bound), float64 and float32 inputs; one pass over a.
 */
#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "ghost_internal.h"

/* max - min of one row. *poison becomes NaN when the row holds a NaN or an
 * infinity (sum of x - x), so the batch bound needs one pass, not two. With
 * SSE2: two vectors of (min, max, poison) chains, minpd/maxpd computing
 * exactly the scalar `x < lo ? x : lo`; else four scalar chains. */
static double row_spread(const double *r, size_t k, double *poison) {
  size_t j = 0;
  double lo = r[0], hi = r[0], p = 0.0;
#ifdef __SSE2__
  if (k >= 4) {
    __m128d l0 = _mm_set1_pd(r[0]), l1 = l0, h0 = l0, h1 = l0;
    __m128d p0 = _mm_setzero_pd(), p1 = p0;
    for (; j + 4 <= k; j += 4) {
      __m128d x0 = _mm_loadu_pd(r + j), x1 = _mm_loadu_pd(r + j + 2);
      l0 = _mm_min_pd(x0, l0);
      h0 = _mm_max_pd(x0, h0);
      p0 = _mm_add_pd(p0, _mm_sub_pd(x0, x0));
      l1 = _mm_min_pd(x1, l1);
      h1 = _mm_max_pd(x1, h1);
      p1 = _mm_add_pd(p1, _mm_sub_pd(x1, x1));
    }
    double lv[2], hv[2], pv[2];
    _mm_storeu_pd(lv, _mm_min_pd(l0, l1));
    _mm_storeu_pd(hv, _mm_max_pd(h0, h1));
    _mm_storeu_pd(pv, _mm_add_pd(p0, p1));
    lo = lv[0] < lv[1] ? lv[0] : lv[1];
    hi = hv[0] > hv[1] ? hv[0] : hv[1];
    p = pv[0] + pv[1];
  }
#endif
  for (; j < k; j++) {
    p += r[j] - r[j];
    lo = r[j] < lo ? r[j] : lo;
    hi = r[j] > hi ? r[j] : hi;
  }
  *poison += p;
  return hi - lo;
}

/* float twin of row_spread (differences formed in double, exactly) */
static double row_spread_f32(const float *r, size_t k, float *poison) {
  size_t j = 0;
  float lo = r[0], hi = r[0], p = 0.0f;
#ifdef __SSE2__
  if (k >= 8) {
    __m128 l0 = _mm_set1_ps(r[0]), l1 = l0, h0 = l0, h1 = l0;
    __m128 p0 = _mm_setzero_ps(), p1 = p0;
    for (; j + 8 <= k; j += 8) {
      __m128 x0 = _mm_loadu_ps(r + j), x1 = _mm_loadu_ps(r + j + 4);
      l0 = _mm_min_ps(x0, l0);
      h0 = _mm_max_ps(x0, h0);
      p0 = _mm_add_ps(p0, _mm_sub_ps(x0, x0));
      l1 = _mm_min_ps(x1, l1);
      h1 = _mm_max_ps(x1, h1);
      p1 = _mm_add_ps(p1, _mm_sub_ps(x1, x1));
    }
    float lv[4], hv[4], pv[4];
    _mm_storeu_ps(lv, _mm_min_ps(l0, l1));
    _mm_storeu_ps(hv, _mm_max_ps(h0, h1));
    _mm_storeu_ps(pv, _mm_add_ps(p0, p1));
    for (int q = 0; q < 4; q++) {
      lo = lv[q] < lo ? lv[q] : lo;
      hi = hv[q] > hi ? hv[q] : hi;
      p += pv[q];
    }
  }
#endif
  for (; j < k; j++) {
    p += r[j] - r[j];
    lo = r[j] < lo ? r[j] : lo;
    hi = r[j] > hi ? r[j] : hi;
  }
  *poison += p;
  return (double)hi - (double)lo;
}

/* the batch maximum; returns the poison sum (0, or NaN for non-finite data) */
static double batch_spread(size_t n, size_t k, const double *a, size_t lda,
                         double *max_spread, size_t *argmax) {
  double best = 0.0, poison = 0.0;
  size_t arg = 0;
  for (size_t i = 0; i < n; i++) {
    double spread = row_spread(a + i * lda, k, &poison);
    if (spread > best) {
      best = spread;
      arg = i;
    }
  }
  *max_spread = best;
  *argmax = arg;
  return poison;
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
  double spread;
  size_t arg;
  /* the NaN/Inf scan is fused into the one pass (poison = sum of x - x) */
  if (batch_spread(n, k, a, lda, &spread, &arg) != 0.0) return NCD_ENONFINITE;
  return finish(spread, arg, rho, argmax);
}

NCD_API int ncd_ghost_radius_bound_f32(size_t n, size_t k, const float *a, size_t lda,
                                       double *rho, size_t *argmax) {
  NCD_TRY(ncd__check_ptr(rho));
  if (k < 2) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(a, n, k, lda, sizeof(float)));
  double best = 0.0;
  float poison = 0.0f;
  size_t arg = 0;
  for (size_t i = 0; i < n; i++) {
    double spread = row_spread_f32(a + i * lda, k, &poison);
    if (spread > best) {
      best = spread;
      arg = i;
    }
  }
  if (poison != 0.0f) return NCD_ENONFINITE; /* fused NaN/Inf scan */
  return finish(best, arg, rho, argmax);
}

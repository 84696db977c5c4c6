/*
 * radius.c - public per-sample and batch radii that need the logits
 * (spec/ghosts.md 2.4 tilt bound, 2.6 exact radius, 2.8 temperature): the
 * batch exact radius min_i rho*_i by branch and bound over samples (2.6, last
 * paragraph): samples in increasing order of pi/Delta_i, skipped once that
 * bound, then the unmerged tilt, then the merged tilt reach the best exact
 * value so far, or when the argument principle finds no zero inside it.
 */
#include <math.h>
#include <stdlib.h>

#include "ghost_internal.h"

static int check_zt(size_t n, size_t k, const double *z, size_t ldz, const double *a,
                    size_t lda, double T, const double *rho) {
  NCD_TRY(ncd__check_ptr(rho));
  if (k < 2) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(z, n, k, ldz, sizeof(double)));
  NCD_TRY(ncd__check_matrix(a, n, k, lda, sizeof(double)));
  NCD_TRY(ncd__check_scalar_positive(T));
  NCD_TRY(ncd__scan_finite(z, n, k, ldz));
  NCD_TRY(ncd__scan_finite(a, n, k, lda));
  return NCD_OK;
}

typedef struct key {
  double spread;
  size_t i;
} key;

static int cmp_key(const void *p, const void *q) {
  const key *x = p, *y = q;
  if (x->spread != y->spread) return x->spread < y->spread ? 1 : -1; /* descending */
  return (x->i > y->i) - (x->i < y->i);
}

NCD_API int ncd_ghost_radius_exact_ex(size_t n, size_t k, const double *z, size_t ldz,
                                      const double *a, size_t lda, double temperature,
                                      double *rho, size_t *argmin, double *ghost) {
  NCD_TRY(check_zt(n, k, z, ldz, a, lda, temperature, rho));
  double s = 1.0 / temperature;
  if (temperature < 1.0) /* z/T and a/T must stay finite */
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < k; j++)
        if (!isfinite(s * z[i * ldz + j]) || !isfinite(s * a[i * lda + j])) return NCD_EINVAL;
  key *keys = ncd__malloc_array(n, sizeof *keys);
  ncd__ghost_row row;
  if (!keys) return NCD_ENOMEM;
  if (ncd__ghost_row_alloc(&row, k) != NCD_OK) {
    ncd__free(keys);
    return NCD_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    const double *r = a + i * lda;
    double lo = s * r[0], hi = lo;
    for (size_t j = 1; j < k; j++) {
      lo = s * r[j] < lo ? s * r[j] : lo;
      hi = s * r[j] > hi ? s * r[j] : hi;
    }
    keys[i].spread = hi - lo;
    keys[i].i = i;
  }
  qsort(keys, n, sizeof *keys, cmp_key);
  double best = INFINITY, g[2] = {INFINITY, INFINITY}, gi[2];
  size_t arg = 0;
  for (size_t q = 0; q < n; q++) {
    double sp = keys[q].spread;
    if (!(sp > 0.0) || M_PI / sp >= best) break; /* every later bound is larger */
    size_t i = keys[q].i;
    const double *zi = z + i * ldz, *ai = a + i * lda;
    if (ncd__ghost_tilt_unmerged(&row, k, zi, ai, s, s) >= best) continue;
    ncd__ghost_row_set(&row, k, zi, ai, s, s);
    double lb = ncd__ghost_row_tilt(&row), r;
    if (lb >= best) continue;
    if (best < INFINITY) { /* no zero inside the best radius: skip (one contour) */
      double R = best * row.delta * (1.0 - 1e-12);
      /* a contour of radius R takes about R steps (slopes span 1): past the
       * work cap skip the test (always valid) instead of running into it */
      if (row.m >= 3 && R > lb * row.delta && R < (double)NCD__GHOST_MAX_STEPS &&
          ncd__ghost_count_zeros(&row, R) == 0)
        continue;
    }
    int st = ncd__ghost_row_exact(&row, &r, gi);
    if (st != NCD_OK) { /* a contour beyond the work cap: *rho untouched */
      ncd__ghost_row_free(&row);
      ncd__free(keys);
      return st;
    }
    if (r < best || (r == best && i < arg)) {
      best = r;
      arg = i;
      g[0] = gi[0];
      g[1] = gi[1];
    }
  }
  ncd__ghost_row_free(&row);
  ncd__free(keys);
  *rho = best;
  if (argmin) *argmin = arg;
  if (ghost) {
    ghost[0] = g[0];
    ghost[1] = g[1];
  }
  return NCD_OK;
}

NCD_API int ncd_ghost_radius_exact(size_t n, size_t k, const double *z, size_t ldz,
                                   const double *a, size_t lda, double *rho) {
  return ncd_ghost_radius_exact_ex(n, k, z, ldz, a, lda, 1.0, rho, NULL, NULL);
}

NCD_API int ncd_ghost_radius_tilt(size_t n, size_t k, const double *z, size_t ldz,
                                  const double *a, size_t lda, double *rho,
                                  size_t *argmin) {
  NCD_TRY(check_zt(n, k, z, ldz, a, lda, 1.0, rho));
  ncd__ghost_row row;
  NCD_TRY(ncd__ghost_row_alloc(&row, k));
  double best = INFINITY;
  size_t arg = 0;
  for (size_t i = 0; i < n; i++) {
    ncd__ghost_row_set(&row, k, z + i * ldz, a + i * lda, 1.0, 1.0);
    double t = ncd__ghost_row_tilt(&row);
    if (t < best) {
      best = t;
      arg = i;
    }
  }
  ncd__ghost_row_free(&row);
  *rho = best;
  if (argmin) *argmin = arg;
  return NCD_OK;
}

NCD_API int ncd_ghost_rho_exact(size_t k, const double *z, const double *a, double *rho,
                                double *ghost) {
  NCD_TRY(check_zt(1, k, z, k, a, k, 1.0, rho));
  ncd__ghost_row row;
  NCD_TRY(ncd__ghost_row_alloc(&row, k));
  ncd__ghost_row_set(&row, k, z, a, 1.0, 1.0);
  double g[2], r;
  int st = ncd__ghost_row_exact(&row, &r, g);
  ncd__ghost_row_free(&row);
  if (st != NCD_OK) return st;
  *rho = r;
  if (ghost) {
    ghost[0] = g[0];
    ghost[1] = g[1];
  }
  return NCD_OK;
}

/*
 * cpath_data.h - the inputs of spec/central-path.md section 9 (exact binary
 * fractions) and a long-double least-squares reference shared by the cpath
 * suites.
 */
#ifndef NCD_TEST_CPATH_DATA_H
#define NCD_TEST_CPATH_DATA_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const double s9_h[12 * 4] = {
    -0.5625, -1.1875, 0.625,  2.375,  1.0625,  0.1875,  -1.125, 1.0625, 0.125,   2.125,
    1,       1.5,     -0.6875, 0.6875, -0.25,  1.5,     1.4375, 1,      -0.5,    2.75,
    1.5625,  -1.8125, 1.625,  3.5625, 2.1875,  0.125,   -0.3125, 1.3125, -0.4375, -1.3125,
    1.4375,  2.9375,  -0.4375, 1.875, 1.375,   2.0625,  -1.0625, 1.375,  0.9375,  1.1875,
    -0.0625, -2.0625, 0.75,   3.25,   1.5,     0.5,     0.625,  2.5625};
static const int32_t s9_y[12] = {2, 0, 1, 1, 0, 2, 0, 2, 1, 1, 2, 0};
static const int32_t s9_yu[12] = {0, 0, 1, 0, 2, 1, 0, 1, 0, 2, 1, 0};
static const double s9_w[3 * 4] = {0.25,  0.625,   -0.375, 0.4375, 0.375, 0.4375,
                                   0.4375, 0.25,   0.875,  -0.4375, 1.125, 0.4375};
static const double s9_b[3] = {-0.0625, -0.0625, 0.625};

/* 1 when long double arithmetic really is wider than double at run time. Under
 * valgrind the x87 80-bit format is emulated with double precision and range,
 * so references in long double are then only as good as double ones. */
static inline int cpath_ld_extended(void) {
  volatile long double one = 1.0L, tiny = 1e-19L;
  volatile long double big = 1e300L;
  return (one + tiny) != one && isfinite((double)((big * big) / 1e300L / 1e300L));
}

/* Least squares in long double through the normal equations of CP-5 with the
 * raw extended Gram (fine for well-scaled data): Wt (k x (d+1)), rows [w_c, b_c]. */
static inline int ref_ls(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                         const int32_t *y, double lambda, double *wt) {
  size_t m = d + 1;
  long double *a = calloc(m * (m + k), sizeof(long double));
  if (!a) return 1;
  size_t lda = m + k; /* [G + lambda n I | H~^T E] in rows */
  for (size_t i = 0; i < n; i++) {
    for (size_t p = 0; p < m; p++) {
      long double hp = p < d ? h[i * ldh + p] : 1.0L;
      for (size_t q = 0; q < m; q++) {
        long double hq = q < d ? h[i * ldh + q] : 1.0L;
        a[p * lda + q] += hp * hq;
      }
      a[p * lda + m + (size_t)y[i]] += hp;
    }
  }
  for (size_t p = 0; p < m; p++) a[p * lda + p] += (long double)lambda * (long double)n;
  for (size_t col = 0; col < m; col++) { /* Gauss-Jordan with partial pivoting */
    size_t piv = col;
    for (size_t r = col + 1; r < m; r++)
      if (fabsl(a[r * lda + col]) > fabsl(a[piv * lda + col])) piv = r;
    if (a[piv * lda + col] == 0) { free(a); return 1; }
    for (size_t q = 0; q < lda; q++) {
      long double t = a[col * lda + q];
      a[col * lda + q] = a[piv * lda + q];
      a[piv * lda + q] = t;
    }
    for (size_t r = 0; r < m; r++) {
      if (r == col) continue;
      long double f = a[r * lda + col] / a[col * lda + col];
      for (size_t q = col; q < lda; q++) a[r * lda + q] -= f * a[col * lda + q];
    }
  }
  for (size_t c = 0; c < k; c++)
    for (size_t p = 0; p < m; p++) wt[c * m + p] = (double)(a[p * lda + m + c] / a[p * lda + p]);
  free(a);
  return 0;
}

#endif

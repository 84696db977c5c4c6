/*
 * test_bound.c - ncd_ghost_radius_bound: closed form on hand cases, the
 * bottleneck sample and its tie rule, +INFINITY for zero spread, invariances
 * (a + const per row, -a, column permutation), float32 twin, bad input.
 */
#include <stdlib.h>

#include "common/testutil.h"

START_TEST(hand_cases) {
  /* spreads: 2, 4, 4 -> rho = pi/4, bottleneck = first of the tied rows (1) */
  double a[3 * 3] = {0, 1, 2, -1, 3, 0, 5, 1, 3};
  double rho;
  size_t arg = 99;
  ck_assert_status(ncd_ghost_radius_bound(3, 3, a, 3, &rho, &arg), NCD_OK);
  ck_assert_close(rho, M_PI / 4, 1e-16, 0);
  ck_assert_uint_eq(arg, 1);
  ck_assert_status(ncd_ghost_radius_bound(1, 3, a, 3, &rho, NULL), NCD_OK);
  ck_assert_close(rho, M_PI / 2, 1e-16, 0);
  /* only the first 2 columns of a wider ld */
  ck_assert_status(ncd_ghost_radius_bound(3, 2, a, 3, &rho, &arg), NCD_OK);
  ck_assert_close(rho, M_PI / 4, 1e-16, 0); /* row 1: |-1-3| = 4, row 2: 4 */
  ck_assert_uint_eq(arg, 1);
}
END_TEST

START_TEST(zero_spread_is_infinite) {
  double a[2 * 4] = {1, 1, 1, 1, -3, -3, -3, -3};
  double rho = 0;
  size_t arg = 7;
  ck_assert_status(ncd_ghost_radius_bound(2, 4, a, 4, &rho, &arg), NCD_OK);
  ck_assert(isinf(rho) && rho > 0);
  ck_assert_uint_eq(arg, 0);
}
END_TEST

START_TEST(invariances) {
  ncd_test_rng r;
  ncd_test_seed(&r, 3);
  size_t n = 50, k = 7;
  double *a = malloc(n * k * sizeof *a), *b = malloc(n * k * sizeof *b);
  ncd_test_fill_normal(&r, a, n, k, k);
  double rho0, rho;
  size_t arg0, arg;
  ck_assert_status(ncd_ghost_radius_bound(n, k, a, k, &rho0, &arg0), NCD_OK);
  for (size_t i = 0; i < n; i++) /* row shift (exact in binary: +0.5 on O(1) values) */
    for (size_t j = 0; j < k; j++) b[i * k + j] = -a[i * k + (k - 1 - j)];
  ck_assert_status(ncd_ghost_radius_bound(n, k, b, k, &rho, &arg), NCD_OK);
  ck_assert_close(rho, rho0, 1e-15, 0);
  ck_assert_uint_eq(arg, arg0);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++) b[i * k + j] = 2 * a[i * k + j] + 1e3 * (double)i;
  ck_assert_status(ncd_ghost_radius_bound(n, k, b, k, &rho, &arg), NCD_OK);
  ck_assert_close(rho, rho0 / 2, 1e-12, 0);
  ck_assert_uint_eq(arg, arg0);
  float *f = malloc(n * k * sizeof *f);
  for (size_t i = 0; i < n * k; i++) f[i] = (float)a[i];
  ck_assert_status(ncd_ghost_radius_bound_f32(n, k, f, k, &rho, &arg), NCD_OK);
  ck_assert_close(rho, rho0, 1e-6, 0);
  ck_assert_uint_eq(arg, arg0);
  free(a); free(b); free(f);
}
END_TEST

START_TEST(bad_input) {
  double a[4] = {0, 1, 2, 3}, rho = 42;
  size_t arg;
  ck_assert_status(ncd_ghost_radius_bound(2, 2, NULL, 2, &rho, &arg), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_bound(2, 2, a, 2, NULL, &arg), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_bound(0, 2, a, 2, &rho, &arg), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_bound(2, 1, a, 2, &rho, &arg), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_bound(2, 2, a, 1, &rho, &arg), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_bound(SIZE_MAX, 2, a, 2, &rho, &arg), NCD_EINVAL);
  a[3] = NAN;
  ck_assert_status(ncd_ghost_radius_bound(2, 2, a, 2, &rho, &arg), NCD_ENONFINITE);
  a[3] = -INFINITY;
  ck_assert_status(ncd_ghost_radius_bound(2, 2, a, 2, &rho, &arg), NCD_ENONFINITE);
  float f[4] = {0, 1, 2, NAN};
  ck_assert_status(ncd_ghost_radius_bound_f32(2, 2, f, 2, &rho, &arg), NCD_ENONFINITE);
  ck_assert(rho == 42);
  /* finite but huge: the spread overflows to Inf, rho is 0, not NaN */
  double h[2] = {1e308, -1e308};
  ck_assert_status(ncd_ghost_radius_bound(1, 2, h, 2, &rho, &arg), NCD_OK);
  ck_assert(rho == 0.0);
}
END_TEST

START_TEST(vector_path_vs_naive) {
  /* the SIMD path (k >= 4) against a naive loop, every k from 2 to 13 and
   * rows of both signs; a NaN or an infinity at every position is found */
  ncd_test_rng r;
  ncd_test_seed(&r, 9);
  double a[7 * 16], rho;
  size_t arg;
  for (size_t k = 2; k <= 13; k++) {
    ncd_test_fill_normal(&r, a, 7, k, 16);
    double best = 0;
    size_t bi = 0;
    for (size_t i = 0; i < 7; i++) {
      double lo = a[i * 16], hi = lo;
      for (size_t j = 0; j < k; j++) {
        lo = fmin(lo, a[i * 16 + j]);
        hi = fmax(hi, a[i * 16 + j]);
      }
      if (hi - lo > best) best = hi - lo, bi = i;
    }
    ck_assert_status(ncd_ghost_radius_bound(7, k, a, 16, &rho, &arg), NCD_OK);
    ck_assert_close(rho, M_PI / best, 1e-16, 0); /* same operations: exact */
    ck_assert_uint_eq(arg, bi);
    for (size_t q = 0; q < 7 * k; q++) {
      size_t pos = (q / k) * 16 + q % k;
      double keep = a[pos];
      a[pos] = q % 2 ? NAN : -INFINITY;
      rho = 42;
      ck_assert_status(ncd_ghost_radius_bound(7, k, a, 16, &rho, &arg), NCD_ENONFINITE);
      ck_assert(rho == 42);
      a[pos] = keep;
    }
  }
  /* float32 twin: k = 2..21 covers its 8-wide path and tail */
  float f[5 * 24];
  for (size_t k = 2; k <= 21; k++) {
    for (size_t q = 0; q < 5 * 24; q++) f[q] = (float)ncd_test_normal(&r);
    double best = 0;
    size_t bi = 0;
    for (size_t i = 0; i < 5; i++) {
      double lo = f[i * 24], hi = lo;
      for (size_t j = 0; j < k; j++) {
        lo = fmin(lo, f[i * 24 + j]);
        hi = fmax(hi, f[i * 24 + j]);
      }
      if (hi - lo > best) best = hi - lo, bi = i;
    }
    ck_assert_status(ncd_ghost_radius_bound_f32(5, k, f, 24, &rho, &arg), NCD_OK);
    ck_assert_close(rho, M_PI / best, 1e-16, 0);
    ck_assert_uint_eq(arg, bi);
    for (size_t q = 0; q < 5 * k; q++) {
      size_t pos = (q / k) * 24 + q % k;
      float keep = f[pos];
      f[pos] = q % 2 ? NAN : INFINITY;
      ck_assert_status(ncd_ghost_radius_bound_f32(5, k, f, 24, &rho, &arg), NCD_ENONFINITE);
      f[pos] = keep;
    }
  }
}
END_TEST

Suite *suite_ghost_bound(void) {
  Suite *s = suite_create("ghost_bound");
  TCase *tc = tcase_create("bound");
  tcase_add_test(tc, hand_cases);
  tcase_add_test(tc, zero_spread_is_infinite);
  tcase_add_test(tc, invariances);
  tcase_add_test(tc, bad_input);
  tcase_add_test(tc, vector_path_vs_naive);
  suite_add_tcase(s, tc);
  return s;
}

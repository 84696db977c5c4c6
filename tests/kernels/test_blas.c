/*
 * test_blas.c - BLIS wrappers against naive loops: GEMM with every transpose
 * combination, leading dimensions larger than the row, general strides
 * (column-major operands), SYRK both ways, GEMV, triangular solves.
 * Tolerance: 1e-12 relative to the magnitude of the result's terms (k terms
 * of O(1) normals, accumulated in long double by the reference).
 */
#include <stdlib.h>

#include "common/testutil.h"
#include "kernels/kernels_internal.h"

static double *randmat(ncd_test_rng *r, size_t rows, size_t ld) {
  double *a = malloc(rows * ld * sizeof *a);
  ncd_test_fill_normal(r, a, rows, ld, ld);
  return a;
}

START_TEST(gemm_all_transposes_and_ld) {
  ncd_test_rng r;
  ncd_test_seed(&r, 11);
  size_t dims[][3] = {{1, 1, 1}, {7, 5, 3}, {33, 17, 65}, {64, 64, 64}, {5, 90, 2}};
  for (size_t t = 0; t < sizeof dims / sizeof *dims; t++) {
    size_t m = dims[t][0], n = dims[t][1], k = dims[t][2];
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++) {
        size_t ar = ta ? k : m, ac = ta ? m : k, br = tb ? n : k, bc = tb ? k : n;
        size_t lda = ac + 3, ldb = bc + 1, ldc = n + 2;
        double *a = randmat(&r, ar, lda), *b = randmat(&r, br, ldb);
        double *c = randmat(&r, m, ldc), *c0 = malloc(m * ldc * sizeof *c0);
        for (size_t i = 0; i < m * ldc; i++) c0[i] = c[i];
        ncd__gemm(ta ? NCD__TRANS : NCD__NOTRANS, tb ? NCD__TRANS : NCD__NOTRANS, m, n, k,
                  0.75, a, lda, b, ldb, -0.5, c, ldc);
        ncd_test_naive_gemm(ta, tb, m, n, k, 0.75, a, lda, b, ldb, -0.5, c0, ldc);
        double scale = sqrt((double)k) + 1;
        ck_assert_msg(ncd_test_maxdiff(c, ldc, c0, ldc, m, n) <= 1e-12 * scale,
                      "gemm %zux%zux%zu ta=%d tb=%d diff %g", m, n, k, ta, tb,
                      ncd_test_maxdiff(c, ldc, c0, ldc, m, n));
        /* padding columns untouched */
        for (size_t i = 0; i < m; i++)
          for (size_t j = n; j < ldc; j++) ck_assert(c[i * ldc + j] == c0[i * ldc + j]);
        free(a); free(b); free(c); free(c0);
      }
  }
}
END_TEST

START_TEST(gemm_general_strides) {
  /* A stored column-major (rs = 1, cs = m), B row-major, C column-major. */
  ncd_test_rng r;
  ncd_test_seed(&r, 12);
  size_t m = 9, n = 6, k = 4;
  double a_cm[9 * 4], b[4 * 6], c_cm[9 * 6], a_rm[9 * 4], c_rm[9 * 6];
  ncd_test_fill_normal(&r, a_cm, 1, m * k, m * k);
  ncd_test_fill_normal(&r, b, k, n, n);
  for (size_t i = 0; i < m; i++)
    for (size_t p = 0; p < k; p++) a_rm[i * k + p] = a_cm[i + p * m];
  ncd__gemm_strided(NCD__NOTRANS, NCD__NOTRANS, m, n, k, 1.0, a_cm, 1, (ptrdiff_t)m, b,
                    (ptrdiff_t)n, 1, 0.0, c_cm, 1, (ptrdiff_t)m);
  ncd_test_naive_gemm(0, 0, m, n, k, 1.0, a_rm, k, b, n, 0.0, c_rm, n);
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < n; j++) ck_assert_close(c_cm[i + j * m], c_rm[i * n + j], 1e-13, 1e-14);
}
END_TEST

START_TEST(gemm_degenerate_sizes) {
  double c[4] = {1, 2, 3, 4}, a[1] = {0}, b[1] = {0};
  ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, 2, 2, 0, 1.0, a, 1, b, 2, 2.0, c, 2);
  ck_assert(c[0] == 2 && c[3] == 8);
  ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, 2, 2, 0, 1.0, a, 1, b, 2, 0.0, c, 2);
  ck_assert(c[0] == 0 && c[3] == 0);
  ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, 0, 2, 3, 1.0, a, 3, b, 2, 0.0, c, 2);
}
END_TEST

START_TEST(syrk_both_sides) {
  ncd_test_rng r;
  ncd_test_seed(&r, 13);
  size_t m = 50, n = 13, lda = 17, ldc = 15;
  double *a = randmat(&r, m, lda);
  double *c = randmat(&r, n, ldc), *c0 = malloc(n * ldc * sizeof *c0);
  for (size_t i = 0; i < n * ldc; i++) c0[i] = c[i];
  ncd__syrk_ata(m, n, 0.5, a, lda, 2.0, c, ldc);
  for (size_t i = 0; i < n; i++) /* reference on a symmetric start */
    for (size_t j = 0; j < n; j++) c0[i * ldc + j] = i >= j ? c0[i * ldc + j] : c0[j * ldc + i];
  ncd_test_naive_gemm(1, 0, n, n, m, 0.5, a, lda, a, lda, 2.0, c0, ldc);
  ck_assert(ncd_test_maxdiff(c, ldc, c0, ldc, n, n) <= 1e-12 * sqrt((double)m));
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) ck_assert(c[i * ldc + j] == c[j * ldc + i]);

  double *g = malloc(m * m * sizeof *g), *g0 = malloc(m * m * sizeof *g0);
  ncd__syrk_aat(m, n, 1.0, a, lda, 0.0, g, m);
  ncd_test_naive_gemm(0, 1, m, m, n, 1.0, a, lda, a, lda, 0.0, g0, m);
  ck_assert(ncd_test_maxdiff(g, m, g0, m, m, m) <= 1e-12 * sqrt((double)n));
  free(a); free(c); free(c0); free(g); free(g0);
}
END_TEST

START_TEST(gemv_both_ways) {
  ncd_test_rng r;
  ncd_test_seed(&r, 14);
  size_t m = 11, n = 7, lda = 9;
  double a[11 * 9], x[11], y[11], y0[11];
  ncd_test_fill_normal(&r, a, m, lda, lda);
  ncd_test_fill_normal(&r, x, 1, 11, 11);
  for (int t = 0; t < 2; t++) {
    size_t ylen = t ? n : m, xlen = t ? m : n;
    ncd_test_fill_normal(&r, y, 1, ylen, ylen);
    for (size_t i = 0; i < ylen; i++) y0[i] = y[i];
    ncd__gemv(t ? NCD__TRANS : NCD__NOTRANS, m, n, 2.0, a, lda, x, 0.5, y);
    ncd_test_naive_gemm(t, 0, ylen, 1, xlen, 2.0, a, lda, x, 1, 0.5, y0, 1);
    for (size_t i = 0; i < ylen; i++) ck_assert_close(y[i], y0[i], 1e-13, 1e-13);
  }
}
END_TEST

Suite *suite_kernels_blas(void) {
  Suite *s = suite_create("kernels_blas");
  TCase *tc = tcase_create("blas");
  tcase_add_test(tc, gemm_all_transposes_and_ld);
  tcase_add_test(tc, gemm_general_strides);
  tcase_add_test(tc, gemm_degenerate_sizes);
  tcase_add_test(tc, syrk_both_sides);
  tcase_add_test(tc, gemv_both_ways);
  suite_add_tcase(s, tc);
  return s;
}

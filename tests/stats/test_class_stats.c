/*
 * test_class_stats.c - one-shot class statistics against naive long-double
 * routes: means (1e-14 relative), within-class scatter and q_c (1e-12
 * relative), exact zeros at collapse, the collapse regime of metrics.md 4b
 * (means 1e4, spread 1e-6: tr Sigma_W to 1e-8), float32 rows equal to the
 * float64 route on the converted data, empty classes.
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "stats/stats_internal.h"

static void naive_stats(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                        const int32_t *y, double *mu, double *sw, double *q) {
  long double *acc = calloc(k * d, sizeof *acc);
  size_t *cnt = calloc(k, sizeof *cnt);
  for (size_t i = 0; i < n; i++) {
    cnt[y[i]]++;
    for (size_t j = 0; j < d; j++) acc[y[i] * d + j] += h[i * ldh + j];
  }
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) mu[c * d + j] = cnt[c] ? (double)(acc[c * d + j] / cnt[c]) : 0;
  long double *s = calloc(d * d, sizeof *s);
  for (size_t c = 0; c < k; c++) q[c] = 0;
  for (size_t i = 0; i < n; i++) {
    const double *m = mu + y[i] * d;
    for (size_t a = 0; a < d; a++) {
      long double za = (long double)h[i * ldh + a] - m[a];
      q[y[i]] += (double)(za * za);
      for (size_t b = 0; b < d; b++) s[a * d + b] += za * ((long double)h[i * ldh + b] - m[b]);
    }
  }
  for (size_t a = 0; a < d * d; a++) sw[a] = (double)s[a];
  free(acc); free(cnt); free(s);
}

static void run_case(size_t n, size_t d, size_t k, double offset, double spread, int unbalanced) {
  ncd_test_rng r;
  ncd_test_seed(&r, n * 31 + d * 7 + k);
  size_t ldh = d + 2;
  double *h = malloc(n * ldh * sizeof *h), *cen = malloc(k * d * sizeof *cen);
  int32_t *y = malloc(n * sizeof *y);
  ncd_test_labels(&r, y, n, k);
  if (unbalanced) for (size_t i = 0; i < n / 3; i++) y[i] = 0;
  ncd_test_fill_normal(&r, cen, k, d, d);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++)
      h[i * ldh + j] = offset + cen[y[i] * d + j] + spread * ncd_test_normal(&r);
  double *mu = malloc(k * d * sizeof *mu), *sw = malloc(d * d * sizeof *sw), *q0 = malloc(k * sizeof *q0);
  naive_stats(n, d, k, h, ldh, y, mu, sw, q0);

  ncd__cstats s;
  ncd__rowsrc src;
  ck_assert_status(ncd__cstats_alloc(d, k, &s), NCD_OK);
  ck_assert_status(ncd__rowsrc_init(&src, h, NULL, n, d, ldh, 4096), NCD_OK); /* small blocks */
  ck_assert_status(ncd__cstats_means(&s, &src, y), NCD_OK);
  double *sc = malloc(d * d * sizeof *sc), *q = malloc(k * sizeof *q);
  ck_assert_status(ncd__cstats_scatter(&s, &src, y, sc, d, q), NCD_OK);
  /* means: relative to the offset scale (eps * |offset| is the data's own limit) */
  double mtol = 1e-14 * (fabs(offset) + 3);
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) ck_assert(fabs(s.ref[j] + s.m[c * d + j] - mu[c * d + j]) <= mtol);
  /* Mbar rows are centred: nu^T Mbar ~ 0 */
  for (size_t j = 0; j < d; j++) {
    double t = 0, sc0 = 0;
    for (size_t c = 0; c < k; c++) { t += (double)s.count[c] * s.mbar[c * d + j]; sc0 += fabs(s.mbar[c * d + j]) * s.count[c]; }
    ck_assert(fabs(t) <= 1e-14 * sc0 + 1e-300);
  }
  double tr = 0, tr0 = 0;
  for (size_t j = 0; j < d; j++) { tr += sc[j * d + j]; tr0 += sw[j * d + j]; }
  /* collapse regime: the data's limit is eps*offset/spread relative per entry */
  double stol = spread < 1e-3 ? 1e-8 : 1e-12;
  ck_assert_msg(fabs(tr - tr0) <= stol * tr0, "tr scatter %.17g vs %.17g", tr, tr0);
  for (size_t a = 0; a < d * d; a++) ck_assert(fabs(sc[a] - sw[a]) <= stol * tr0);
  for (size_t c = 0; c < k; c++) ck_assert_close(q[c], q0[c], stol, 0);

  /* float32 source = float64 route on the converted array, bit for bit */
  float *hf = malloc(n * ldh * sizeof *hf);
  double *hd = malloc(n * d * sizeof *hd);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) { hf[i * ldh + j] = (float)h[i * ldh + j]; hd[i * d + j] = hf[i * ldh + j]; }
  ncd__cstats s32, s64;
  ncd__rowsrc src32, src64;
  ck_assert_status(ncd__cstats_alloc(d, k, &s32), NCD_OK);
  ck_assert_status(ncd__cstats_alloc(d, k, &s64), NCD_OK);
  ck_assert_status(ncd__rowsrc_init(&src32, NULL, hf, n, d, ldh, 4096), NCD_OK);
  ck_assert_status(ncd__rowsrc_init(&src64, hd, NULL, n, d, d, 4096), NCD_OK);
  ck_assert_int_eq(src32.block_rows, src64.block_rows);
  ncd__cstats_means(&s32, &src32, y);
  ncd__cstats_means(&s64, &src64, y);
  ck_assert(memcmp(s32.mbar, s64.mbar, k * d * sizeof(double)) == 0);
  double *sc32 = malloc(d * d * sizeof *sc32), *sc64 = malloc(d * d * sizeof *sc64);
  ncd__cstats_scatter(&s32, &src32, y, sc32, d, NULL);
  ncd__cstats_scatter(&s64, &src64, y, sc64, d, NULL);
  ck_assert(memcmp(sc32, sc64, d * d * sizeof(double)) == 0);
  ncd__rowsrc_free(&src32); ncd__rowsrc_free(&src64); ncd__rowsrc_free(&src);
  ncd__cstats_free(&s32); ncd__cstats_free(&s64); ncd__cstats_free(&s);
  free(h); free(cen); free(y); free(mu); free(sw); free(q0); free(sc); free(q);
  free(hf); free(hd); free(sc32); free(sc64);
}

START_TEST(against_naive) {
  run_case(200, 7, 4, 0, 1, 0);
  run_case(301, 12, 5, 3, 0.5, 1);
  run_case(50, 20, 30, -2, 1, 0); /* k > d, some classes with one sample */
}
END_TEST

START_TEST(collapse_regime) {
  /* metrics.md 4b: means 1e4 apart, noise 1e-6: tr Sigma_W to 1e-8 relative */
  run_case(2000, 16, 10, 1e4, 1e-6, 0);
}
END_TEST

START_TEST(identical_rows_centre_to_zero) {
  size_t n = 195, d = 3, k = 3;
  double *h = malloc(n * d * sizeof *h);
  int32_t *y = malloc(n * sizeof *y);
  const double rows[3][3] = {{0.1, 1e9 + 0.3, -7.7}, {0.1, 1e9 + 0.3, -7.7}, {2.2, 5.5, 1.0 / 3}};
  for (size_t i = 0; i < n; i++) {
    y[i] = (int32_t)(i % k);
    memcpy(h + i * d, rows[i % k], sizeof rows[0]);
  }
  ncd__cstats s;
  ncd__rowsrc src;
  ncd__cstats_alloc(d, k, &s);
  ncd__rowsrc_init(&src, h, NULL, n, d, d, 1 << 20);
  ck_assert_status(ncd__cstats_means(&s, &src, y), NCD_OK);
  double sc[9], q[3];
  ncd__cstats_scatter(&s, &src, y, sc, 3, q);
  for (int a = 0; a < 9; a++) ck_assert(sc[a] == 0.0);
  for (int c = 0; c < 3; c++) ck_assert(q[c] == 0.0);
  for (size_t j = 0; j < d; j++) ck_assert(s.mbar[0 * d + j] == s.mbar[1 * d + j]);
  ncd__cstats_free(&s);
  free(h); free(y);
}
END_TEST

START_TEST(empty_class) {
  double h[4 * 2] = {1, 2, 3, 4, 5, 6, 7, 8};
  int32_t y[4] = {0, 2, 0, 2};
  ncd__cstats s;
  ncd__rowsrc src;
  ncd__cstats_alloc(2, 3, &s);
  ncd__rowsrc_init(&src, h, NULL, 4, 2, 2, 1 << 20);
  ck_assert_status(ncd__cstats_means(&s, &src, y), NCD_OK);
  ck_assert_uint_eq(ncd__cstats_empty_classes(&s), 1);
  ck_assert(s.mbar[2] == 0 && s.mbar[3] == 0);
  ck_assert_close(s.ref[0] + s.m[0], 3, 1e-15, 0);
  ck_assert_close(s.ref[1] + s.m[5], 6, 1e-15, 0);
  ncd__cstats_free(&s);
}
END_TEST

START_TEST(alloc_failures_clean) {
  for (uint64_t kf = 1; kf <= 5; kf++) {
    ncd__cstats s;
    ncd__alloc_fail_at(kf, 0);
    ck_assert_status(ncd__cstats_alloc(4, 3, &s), NCD_ENOMEM);
    ck_assert_ptr_null(s.count);
  }
  ncd__alloc_fail_at(0, 0);
}
END_TEST

Suite *suite_stats_class_stats(void) {
  Suite *s = suite_create("stats_class_stats");
  TCase *tc = tcase_create("class_stats");
  tcase_add_test(tc, against_naive);
  tcase_add_test(tc, collapse_regime);
  tcase_add_test(tc, identical_rows_centre_to_zero);
  tcase_add_test(tc, empty_class);
  tcase_add_test(tc, alloc_failures_clean);
  suite_add_tcase(s, tc);
  return s;
}

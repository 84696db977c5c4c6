/*
 * test_bad_input.c - argument errors of the one-shot and vector calls
 * (NULL, zero sizes, SIZE_MAX, ld too small, labels -1 and k, a class without
 * samples, k < 2, options out of range) give NCD_EINVAL before any data scan;
 * NaN/Inf in h, w, b give NCD_ENONFINITE; the output is untouched on error;
 * allocation failures give NCD_ENOMEM with nothing leaked.
 */
#include <string.h>

#include "common/testutil.h"
#include "core/core_internal.h"

static double H[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12.5};
static int32_t Y[6] = {0, 1, 2, 0, 1, 2};
static double W[6] = {1, 0, 0, 1, -1, -1};
static double B[3] = {0.1, 0.2, 0.3};

START_TEST(einval) {
  double out[NCD_METRIC_COUNT];
  for (int i = 0; i < NCD_METRIC_COUNT; i++) out[i] = 42;
  ck_assert_status(ncd_nc_metrics(6, 2, 3, NULL, 2, Y, W, 2, B, out, 19), NCD_EINVAL);
  ck_assert_status(ncd_nc_metrics(6, 2, 3, H, 2, NULL, W, 2, B, out, 19), NCD_EINVAL);
  ck_assert_status(ncd_nc_metrics(6, 2, 3, H, 2, Y, W, 2, B, NULL, 19), NCD_EINVAL);
  ck_assert_status(ncd_nc_metrics(0, 2, 3, H, 2, Y, W, 2, B, out, 19), NCD_EINVAL);
  ck_assert_status(ncd_nc_metrics(6, 0, 3, H, 2, Y, W, 2, B, out, 19), NCD_EINVAL);
  ck_assert_status(ncd_nc_metrics(6, 2, 1, H, 2, Y, W, 2, B, out, 19), NCD_EINVAL);
  ck_assert_status(ncd_nc_metrics(6, 2, 0, H, 2, Y, W, 2, B, out, 19), NCD_EINVAL);
  ck_assert_status(ncd_nc_metrics(6, 2, 3, H, 1, Y, W, 2, B, out, 19), NCD_EINVAL);
  ck_assert_status(ncd_nc_metrics(6, 2, 3, H, 2, Y, W, 1, B, out, 19), NCD_EINVAL);
  ck_assert_status(ncd_nc_metrics(SIZE_MAX, 2, 3, H, 2, Y, W, 2, B, out, 19), NCD_EINVAL);
  ck_assert_status(ncd_nc_metrics(6, SIZE_MAX, 3, H, SIZE_MAX, Y, W, 2, B, out, 19), NCD_EINVAL);
  ck_assert_status(ncd_nc_metrics(6, 2, SIZE_MAX, H, 2, Y, NULL, 2, B, out, 19), NCD_EINVAL);
  int32_t y[6];
  memcpy(y, Y, sizeof y);
  y[4] = -1;
  ck_assert_status(ncd_nc_metrics(6, 2, 3, H, 2, y, W, 2, B, out, 19), NCD_EINVAL);
  y[4] = 3;
  ck_assert_status(ncd_nc_metrics(6, 2, 3, H, 2, y, W, 2, B, out, 19), NCD_EINVAL);
  y[4] = 0; /* class 1 has one sample left: fine; remove it too */
  y[1] = 0;
  ck_assert_status(ncd_nc_metrics(6, 2, 3, H, 2, y, W, 2, B, out, 19), NCD_EINVAL);
  /* EINVAL before ENONFINITE */
  double h[12];
  memcpy(h, H, sizeof h);
  h[3] = NAN;
  ck_assert_status(ncd_nc_metrics(6, 2, 3, h, 2, y, W, 2, B, out, 19), NCD_EINVAL);
  ncd_nc_options o = {1.5, 0};
  ck_assert_status(ncd_nc_metrics_ex(6, 2, 3, H, 2, Y, W, 2, B, &o, out, 19), NCD_EINVAL);
  o.pinv_rtol = -1;
  ck_assert_status(ncd_nc_metrics_ex(6, 2, 3, H, 2, Y, W, 2, B, &o, out, 19), NCD_EINVAL);
  o.pinv_rtol = NAN;
  ck_assert_status(ncd_nc_metrics_ex(6, 2, 3, H, 2, Y, W, 2, B, &o, out, 19), NCD_EINVAL);
  o.pinv_rtol = 0;
  o.unweighted_centre = 3; /* 2 = NCD_CENTRE_NONE since the peer layer */
  ck_assert_status(ncd_nc_metrics_ex(6, 2, 3, H, 2, Y, W, 2, B, &o, out, 19), NCD_EINVAL);
  double s[2], om[2], rho[3], cm[6];
  size_t r;
  ck_assert_status(ncd_nc_spectrum(6, 2, 3, H, 2, Y, NULL, NULL, &r), NCD_EINVAL);
  ck_assert_status(ncd_nc_spectrum(6, 2, 3, H, 2, Y, NULL, s, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_snr(6, 2, 3, H, 2, Y, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_numrank(6, 2, 3, H, 2, Y, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_cosine_margin(6, 2, 3, H, 2, Y, NULL, 2, NULL, cm), NCD_EINVAL);
  ck_assert_status(ncd_nc_cosine_margin(6, 2, 3, H, 2, Y, W, 2, NULL, NULL), NCD_EINVAL);
  (void)om, (void)rho;
  for (int i = 0; i < NCD_METRIC_COUNT; i++) ck_assert(out[i] == 42);
  /* nout = 0 with out NULL is fine */
  ck_assert_status(ncd_nc_metrics(6, 2, 3, H, 2, Y, W, 2, B, NULL, 0), NCD_OK);
}
END_TEST

START_TEST(enonfinite) {
  double out[3] = {42, 42, 42}, h[12], w[6], b[3];
  memcpy(h, H, sizeof h), memcpy(w, W, sizeof w), memcpy(b, B, sizeof b);
  h[5] = NAN;
  ck_assert_status(ncd_nc_metrics(6, 2, 3, h, 2, Y, w, 2, b, out, 3), NCD_ENONFINITE);
  h[5] = -INFINITY;
  ck_assert_status(ncd_nc_metrics(6, 2, 3, h, 2, Y, w, 2, b, out, 3), NCD_ENONFINITE);
  /* every position (reference row, a class's first row, later rows), both
   * signs of infinity and NaN: the scan is fused into pass 1 */
  static const double bad[3] = {NAN, INFINITY, -INFINITY};
  for (int i = 0; i < 12; i++)
    for (int v = 0; v < 3; v++) {
      memcpy(h, H, sizeof h);
      h[i] = bad[v];
      ck_assert_status(ncd_nc_metrics(6, 2, 3, h, 2, Y, w, 2, b, out, 3), NCD_ENONFINITE);
      ck_assert_status(ncd_nc_metrics(6, 2, 3, h, 2, Y, NULL, 0, NULL, out, 1), NCD_ENONFINITE);
    }
  ck_assert(out[0] == 42 && out[1] == 42 && out[2] == 42);
  memcpy(h, H, sizeof h);
  /* huge but finite features still work (differences stay finite) */
  double big[12];
  for (int i = 0; i < 12; i++) big[i] = 1e300 * (1 + H[i] / 16);
  ck_assert_status(ncd_nc_metrics(6, 2, 3, big, 2, Y, NULL, 0, NULL, out, 3), NCD_OK);
  w[2] = INFINITY;
  ck_assert_status(ncd_nc_metrics(6, 2, 3, h, 2, Y, w, 2, b, out, 3), NCD_ENONFINITE);
  w[2] = 0;
  b[1] = NAN;
  ck_assert_status(ncd_nc_metrics(6, 2, 3, h, 2, Y, w, 2, b, out, 3), NCD_ENONFINITE);
  ck_assert_status(ncd_nc_metrics(6, 2, 3, h, 2, Y, NULL, 2, b, out, 3), NCD_OK); /* b ignored */
  float hf[12];
  for (int i = 0; i < 12; i++) hf[i] = (float)H[i];
  hf[11] = NAN;
  ck_assert_status(ncd_nc_metrics_f32(6, 2, 3, hf, 2, Y, W, 2, B, out, 3), NCD_ENONFINITE);
  /* NaN past the leading columns is not data: ignored */
  double hw[18];
  for (int i = 0; i < 6; i++) hw[3 * i] = H[2 * i], hw[3 * i + 1] = H[2 * i + 1], hw[3 * i + 2] = NAN;
  double o1[19], o2[19];
  ck_assert_status(ncd_nc_metrics(6, 2, 3, hw, 3, Y, W, 2, B, o1, 19), NCD_OK);
  ck_assert_status(ncd_nc_metrics(6, 2, 3, H, 2, Y, W, 2, B, o2, 19), NCD_OK);
  for (int i = 0; i < 19; i++) ck_assert(o1[i] == o2[i] || (isnan(o1[i]) && isnan(o2[i])));
}
END_TEST

/* Every allocation failing in turn: NCD_ENOMEM (or success), nothing leaked
 * (ASan/valgrind tiers check the leaks). */
START_TEST(enomem) {
  double out[19];
  int ok = 0;
  for (uint64_t j = 1; j < 200 && !ok; j++) {
    ncd__alloc_fail_at(j, 1);
    int st = ncd_nc_metrics(6, 2, 3, H, 2, Y, W, 2, B, out, 19);
    ncd__alloc_fail_at(0, 0);
    if (st == NCD_OK) ok = 1;
    else ck_assert_status(st, NCD_ENOMEM);
  }
  ck_assert(ok);
  ok = 0;
  ncd_nc_acc *a = NULL;
  for (uint64_t j = 1; j < 200 && !ok; j++) {
    ncd__alloc_fail_at(j, 1);
    int st = ncd_nc_acc_create(2, 3, 3, &a);
    if (st == NCD_OK) st = ncd_nc_acc_update(a, 6, H, 2, Y);
    if (st == NCD_OK) st = ncd_nc_acc_metrics(a, out, 19);
    ncd__alloc_fail_at(0, 0);
    ncd_nc_acc_free(a);
    a = NULL;
    if (st == NCD_OK) ok = 1;
    else ck_assert_status(st, NCD_ENOMEM);
  }
  ck_assert(ok);
}
END_TEST

Suite *suite_metrics_bad_input(void) {
  Suite *s = suite_create("metrics_bad_input");
  TCase *tc = tcase_create("bad input");
  tcase_add_test(tc, einval);
  tcase_add_test(tc, enonfinite);
  tcase_add_test(tc, enomem);
  suite_add_tcase(s, tc);
  return s;
}

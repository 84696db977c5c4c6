/*
 * test_vectors.c - ncd_nc_metrics on the test vectors of spec/metrics.md
 * section 7 (cases A, k <= d, and B, k > d), verbatim: every metric to 1e-13
 * relative (the spec's model reaches 8e-16; 1e-13 leaves room for a different
 * SVD/summation order), the b = NULL variants, the vector outputs (spectrum,
 * SNR values, per-class numerical rank, per-sample cosine margins), the
 * float32 and int64-label twins, and the streaming split of section 7.
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "metrics/spec_cases.h"

/* 1e-13 relative; values that are exactly 0 in exact arithmetic to 1e-14 absolute */
#define TOL 1e-13

static void check_out(const double *out, const double *want, size_t nout) {
  for (size_t i = 0; i < nout; i++)
    ck_assert_msg(ncd_test_close(out[i], want[i], TOL, 0), "metric %zu: %.17g vs %.17g", i,
                  out[i], want[i]);
}

START_TEST(case_a) {
  double out[NCD_METRIC_COUNT + 2];
  ck_assert_status(ncd_nc_metrics(15, 4, 3, HA, 4, YA, WA, 4, BA, out, NCD_METRIC_COUNT + 2),
                   NCD_OK);
  check_out(out, OUTA, NCD_SNR_MAX + 1);
  ck_assert(isnan(out[NCD_METRIC_COUNT]) && isnan(out[NCD_METRIC_COUNT + 1]));
  /* b = NULL */
  ck_assert_status(ncd_nc_metrics(15, 4, 3, HA, 4, YA, WA, 4, NULL, out, 11), NCD_OK);
  ck_assert_close(out[NCD_NC4], 0.066666666666666666, TOL, 0);
  ck_assert_close(out[NCD_ACCURACY], 0.93333333333333335, TOL, 0);
  /* vector outputs */
  double s[3], omega[2], rho[3], cm[15];
  size_t rank = 99;
  ck_assert_status(ncd_nc_spectrum(15, 4, 3, HA, 4, YA, NULL, s, &rank), NCD_OK);
  ck_assert_close(s[0], 5.7996858767260893, TOL, 0);
  ck_assert_close(s[1], 2.6530614829735328, TOL, 0);
  ck_assert(fabs(s[2]) <= 1e-14 * s[0]); /* exactly 0 in exact arithmetic */
  ck_assert_uint_eq(rank, 2);
  ck_assert_status(ncd_nc_snr(15, 4, 3, HA, 4, YA, NULL, omega), NCD_OK);
  ck_assert_close(omega[0], 11.606493072148387, TOL, 0);
  ck_assert_close(omega[1], 3.338164835410292, TOL, 0);
  ck_assert_status(ncd_nc_numrank(15, 4, 3, HA, 4, YA, rho), NCD_OK);
  for (int c = 0; c < 3; c++) ck_assert_close(rho[c], RHOA[c], TOL, 0);
  ck_assert_status(ncd_nc_cosine_margin(15, 4, 3, HA, 4, YA, WA, 4, NULL, cm), NCD_OK);
  for (int i = 0; i < 15; i++) ck_assert_close(cm[i], CMA[i], TOL, 1e-15);
}
END_TEST

START_TEST(case_b) {
  double out[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics(14, 3, 6, HB, 3, YB, WB, 3, BB, out, NCD_METRIC_COUNT),
                   NCD_OK);
  check_out(out, OUTB, NCD_SNR_MAX + 1);
  ck_assert_status(ncd_nc_metrics(14, 3, 6, HB, 3, YB, WB, 3, NULL, out, 11), NCD_OK);
  ck_assert_close(out[NCD_NC4], 0.2857142857142857, TOL, 0);
  ck_assert_close(out[NCD_ACCURACY], 0.7857142857142857, TOL, 0);
  double s[3], omega[3], rho[6], cm[14];
  size_t rank = 0;
  ck_assert_status(ncd_nc_spectrum(14, 3, 6, HB, 3, YB, NULL, s, &rank), NCD_OK);
  ck_assert_close(s[0], 6.1108429651036413, TOL, 0);
  ck_assert_close(s[1], 3.2344425922750122, TOL, 0);
  ck_assert_close(s[2], 2.1568035597482824, TOL, 0);
  ck_assert_uint_eq(rank, 3);
  ck_assert_status(ncd_nc_snr(14, 3, 6, HB, 3, YB, NULL, omega), NCD_OK);
  ck_assert_close(omega[0], 14.124689304290877, TOL, 0);
  ck_assert_close(omega[1], 6.2793933190401354, TOL, 0);
  ck_assert_close(omega[2], 5.0757200816909673, TOL, 0);
  ck_assert_status(ncd_nc_numrank(14, 3, 6, HB, 3, YB, rho), NCD_OK);
  for (int c = 0; c < 6; c++) ck_assert_close(rho[c], RHOB[c], TOL, 0);
  ck_assert_status(ncd_nc_cosine_margin(14, 3, 6, HB, 3, YB, WB, 3, NULL, cm), NCD_OK);
  for (int i = 0; i < 14; i++) ck_assert_close(cm[i], CMB[i], TOL, 1e-15);
}
END_TEST

/* float32 twin equals the float64 call on the converted array (4d); int64
 * labels equal int32 labels bit for bit. */
START_TEST(twins) {
  float hf[15 * 4];
  double hd[15 * 4];
  int64_t y64[15];
  for (int i = 0; i < 60; i++) hd[i] = (double)(hf[i] = (float)HA[i]);
  for (int i = 0; i < 15; i++) y64[i] = YA[i];
  double o1[NCD_METRIC_COUNT], o2[NCD_METRIC_COUNT], o3[NCD_METRIC_COUNT], o4[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics(15, 4, 3, hd, 4, YA, WA, 4, BA, o1, NCD_METRIC_COUNT), NCD_OK);
  ck_assert_status(ncd_nc_metrics_f32(15, 4, 3, hf, 4, YA, WA, 4, BA, o2, NCD_METRIC_COUNT),
                   NCD_OK);
  ck_assert_status(ncd_nc_metrics_f32_i64(15, 4, 3, hf, 4, y64, WA, 4, BA, o3, NCD_METRIC_COUNT),
                   NCD_OK);
  for (int i = 0; i < NCD_METRIC_COUNT; i++) {
    ck_assert_msg(o1[i] == o2[i], "f32 metric %d: %.17g vs %.17g", i, o2[i], o1[i]);
    ck_assert(o3[i] == o2[i]);
  }
  ck_assert_status(ncd_nc_metrics_i64(15, 4, 3, HA, 4, y64, WA, 4, BA, o4, NCD_METRIC_COUNT),
                   NCD_OK);
  check_out(o4, OUTA, NCD_SNR_MAX + 1);
  y64[3] = (int64_t)1 << 33; /* out of range for int32 as well as for k */
  ck_assert_status(ncd_nc_metrics_i64(15, 4, 3, HA, 4, y64, WA, 4, BA, o4, 1), NCD_EINVAL);
  y64[3] = -1;
  ck_assert_status(ncd_nc_metrics_i64(15, 4, 3, HA, 4, y64, WA, 4, BA, o4, 1), NCD_EINVAL);
}
END_TEST

Suite *suite_metrics_vectors(void) {
  Suite *s = suite_create("metrics_vectors");
  TCase *tc = tcase_create("spec section 7");
  tcase_add_test(tc, case_a);
  tcase_add_test(tc, case_b);
  tcase_add_test(tc, twins);
  suite_add_tcase(s, tc);
  return s;
}

/*
 * test_hadamard_flow.c - ncd_hadamard_flow, ncd_etf_flow_time, ncd_etf_flow_u
 * (spec/init.md I-20, I-22, I-24, 5.3 V5, V6): the spec's times to 1e-12
 * relative (Ei by series, error ~1e-15 per term), the GF vector V6 to 1e-9
 * (the spec's own tolerance, rtol 1e-12 integration), the inverse to 1e-12,
 * equal modes against I-24 to 1e-9, the invariant a^2 - b^2 of I-22 to 1e-9,
 * bad input.
 */
#include <stdlib.h>

#include "common/testutil.h"

START_TEST(spec_v5_times) {
  static const struct { size_t k, nc; double u0, u, t; } v[] = {
      {8, 1, 0.02, 8, 242.8174291295021},
      {6, 2, 0.05, 15, 166160.7168392764},
      {4, 4, 0.01, 20, 25615679.48469343}};
  for (int i = 0; i < 3; i++) {
    double t, u;
    ck_assert_status(ncd_etf_flow_time(v[i].k, v[i].nc, v[i].u0, v[i].u, &t), NCD_OK);
    ck_assert_close(t, v[i].t, 1e-12, 0);
    ck_assert_status(ncd_etf_flow_u(v[i].k, v[i].nc, v[i].u0, v[i].t, &u), NCD_OK);
    ck_assert_close(u, v[i].u, 1e-12, 0);
  }
  double u;
  ck_assert_status(ncd_etf_flow_u(4, 1, 0.3, 0, &u), NCD_OK);
  ck_assert(u == 0.3);
  /* an Ei argument beyond 50 (asymptotic branch): round trip */
  double t;
  ck_assert_status(ncd_etf_flow_time(4, 1, 0.5, 80, &t), NCD_OK);
  ck_assert_status(ncd_etf_flow_u(4, 1, 0.5, t, &u), NCD_OK);
  ck_assert_close(u, 80, 1e-13, 0);
}
END_TEST

START_TEST(spec_v6_flow) {
  double a[4] = {0, .2, .15, .05}, b[4] = {0, .2, .05, .3};
  ck_assert_status(ncd_hadamard_flow(4, 1, 50, 1e-12, a, b), NCD_OK);
  const double wa[3] = {2.616002375267814, 2.119118199584788, 2.573003343202256};
  const double wb[3] = {2.616002375267814, 2.114393989731212, 2.589951004194864};
  for (int m = 0; m < 3; m++) {
    ck_assert_close(a[m + 1], wa[m], 1e-9, 0);
    ck_assert_close(b[m + 1], wb[m], 1e-9, 0);
  }
  ck_assert(a[0] == 0 && b[0] == 0);
}
END_TEST

START_TEST(equal_modes_and_invariant) {
  /* equal modes a = b = sigma: u = sigma^2/sqrt(nc) follows I-24 */
  size_t k = 8, nc = 2;
  double a[8] = {0}, b[8] = {0}, sig = 0.4, t = 120, u;
  for (size_t m = 1; m < k; m++) a[m] = b[m] = sig;
  ck_assert_status(ncd_hadamard_flow(k, nc, t, 1e-12, a, b), NCD_OK);
  ck_assert_status(ncd_etf_flow_u(k, nc, sig * sig / sqrt(2.0), t, &u), NCD_OK);
  for (size_t m = 1; m < k; m++) ck_assert_close(a[m] * a[m] / sqrt(2.0), u, 1e-9, 0);
  /* I-22: a_m^2 - b_m^2 is constant along the flow */
  ncd_test_rng r;
  ncd_test_seed(&r, 6);
  double x[16], y[16], delta[16];
  for (size_t m = 0; m < 16; m++) {
    x[m] = ncd_test_normal(&r);
    y[m] = ncd_test_normal(&r);
    delta[m] = x[m] * x[m] - y[m] * y[m];
  }
  ck_assert_status(ncd_hadamard_flow(16, 1, 30, 1e-12, x, y), NCD_OK);
  for (size_t m = 0; m < 16; m++)
    ck_assert_close(x[m] * x[m] - y[m] * y[m], delta[m], 0, 1e-9 * fmax(1, x[m] * x[m]));
  /* GF is the eta -> 0 limit of GD, to first order: halving eta halves the
   * gap at t = 2 (ratio 2 up to O(eta)) */
  double fa[4] = {0, .3, .2, .1}, fb[4] = {0, .1, .25, .4}, gap[2];
  ck_assert_status(ncd_hadamard_flow(4, 1, 2.0, 1e-12, fa, fb), NCD_OK);
  for (int e = 0; e < 2; e++) {
    double ga[4] = {0, .3, .2, .1}, gb[4] = {0, .1, .25, .4};
    ck_assert_status(ncd_hadamard_gd(4, 1, e ? 5e-4 : 1e-3, 0, 0, e ? 4000 : 2000, ga, gb, NULL),
                     NCD_OK);
    gap[e] = 0;
    for (int m = 1; m < 4; m++) gap[e] = fmax(gap[e], fabs(ga[m] - fa[m]));
  }
  ck_assert_msg(gap[0] / gap[1] > 1.9 && gap[0] / gap[1] < 2.1, "gaps %g %g", gap[0], gap[1]);
}
END_TEST

START_TEST(bad_input) {
  double a[4] = {0, 1, 1, 1}, b[4] = {0, 1, 1, 1}, t, u;
  ck_assert_status(ncd_hadamard_flow(4, 1, 1, 1e-9, NULL, b), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(4, 1, 1, 1e-9, a, NULL), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(1, 1, 1, 1e-9, a, b), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(4, 0, 1, 1e-9, a, b), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(4, 1, -1, 1e-9, a, b), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(4, 1, 1, 0, a, b), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(4, 1, 1, 0.5, a, b), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(3, 1, 1, 1e-9, a, b), NCD_ENOTSUP);
  ck_assert_status(ncd_hadamard_flow(4, 1, INFINITY, 1e-9, a, b), NCD_ENONFINITE);
  a[2] = NAN;
  ck_assert_status(ncd_hadamard_flow(4, 1, 1, 1e-9, a, b), NCD_ENONFINITE);
  a[2] = 1;
  ck_assert_status(ncd_hadamard_flow(4, 1, 0, 1e-9, a, b), NCD_OK);
  ck_assert(a[1] == 1 && b[3] == 1);
  ck_assert_status(ncd_etf_flow_time(4, 1, 0.1, 1, NULL), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_time(1, 1, 0.1, 1, &t), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_time(4, 0, 0.1, 1, &t), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_time(4, 1, 0, 1, &t), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_time(4, 1, 0.1, -1, &t), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_time(4, 1, 0.1, 701, &t), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_time(4, 1, NAN, 1, &t), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_u(4, 1, 0.1, -1, &u), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_u(4, 1, 0.1, INFINITY, &u), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_u(4, 1, 0.1, 1e308, &u), NCD_ENOTSUP);
  ck_assert_status(ncd_etf_flow_u(4, 1, 0.1, 1, NULL), NCD_EINVAL);
}
END_TEST

Suite *suite_ufm_hadamard_flow(void) {
  Suite *s = suite_create("ufm_hadamard_flow");
  TCase *tc = tcase_create("hadamard_flow");
  tcase_add_test(tc, spec_v5_times);
  tcase_add_test(tc, spec_v6_flow);
  tcase_add_test(tc, equal_modes_and_invariant);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}

/*
 * test_peers_nrc.c - neural regression collapse and principal directions
 * (spec/metrics-peers.md P-10 to P-12) on the section 12 vectors (nc-toolbox's
 * outputs; the intended NRC3 from the spec's own float64 script), 1e-12
 * relative unless the spec gives a looser figure; plus a naive route for NRC2
 * (projection by the normal equations in long double).
 */
#include <string.h>

#include "common/testutil.h"
#include "metrics/peers_case.h"

static const double WR[2 * PD] = {-0.08, -0.43, 0.59, -0.12, -1.17, 0.81, -0.04, -0.07, -0.29, 0.01};

START_TEST(profile_and_nrc) {
  static const double prof[PD] = {0.57693267363718126, 0.2736999834052623, 0.087268901949958011,
                                  0.013827573463616044, 0};
  double p[PD], out[4];
  ck_assert_status(ncd_nrc1_profile(PN, PD, PH, PD, p), NCD_OK);
  for (int j = 0; j < PD - 1; j++) ck_assert_close(p[j], prof[j], 1e-12, 0);
  ck_assert(p[PD - 1] == 0.0);
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, PT, 2, WR, PD, 0.0, 1.0, 0, out), NCD_OK);
  ck_assert_close(out[0], 0.27369998340526225, 1e-12, 0);
  ck_assert_close(out[1], 0.59516333572450286, 1e-12, 0);
  ck_assert_close(out[2], 2.6827031596832192e-05, 1e-9, 0); /* intended NRC3 (spec 1e-9) */
  ck_assert_close(out[3], 0.14797236693769669, 1e-6, 0);
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, PT, 2, WR, PD, 0.0, 0.0, 0, out), NCD_OK);
  ck_assert_close(out[2], 0.0064713576005441991, 1e-12, 0);
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, PT, 2, WR, PD, 0.5, 0.5, 0, out), NCD_OK);
  ck_assert_close(out[2], 0.010199058708925124, 1e-12, 0);
  /* nc-toolbox's literal nrc3_structure */
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, PT, 2, WR, PD, 0.5, 0.5, NCD_NRC_NCTB, out), NCD_OK);
  ck_assert_close(out[2], 2.8964350419889753, 1e-12, 0);
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, PT, 2, WR, PD, 0.0, 1.0, NCD_NRC_NCTB, out), NCD_OK);
  ck_assert_close(out[2], 2.4664413753732903, 1e-9, 0);
  ck_assert(out[3] < 1e-6);
  /* without t / wr: NaN where needed */
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, NULL, 0, NULL, 0, 0, 1, 0, out), NCD_OK);
  ck_assert(!isnan(out[0]) && isnan(out[1]) && isnan(out[2]) && isnan(out[3]));
  /* bad input */
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 0, PT, 2, WR, PD, 0, 1, 0, out), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, PD + 1, NULL, 0, NULL, 0, 0, 1, 0, out), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, PT, 2, WR, PD, 1, 0.5, 0, out), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, PT, 2, WR, PD, -1, 0.5, 0, out), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, PT, 2, WR, PD, 0, INFINITY, 0, out), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, PT, 2, WR, PD, 0, 1, 8, out), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, PT, 1, WR, PD, 0, 1, 0, out), NCD_EINVAL);
  ck_assert_status(ncd_nrc1_profile(PN, PD, PH, PD, NULL), NCD_EINVAL);
  double tb[PN * 2];
  memcpy(tb, PT, sizeof tb);
  tb[3] = NAN;
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, tb, 2, WR, PD, 0, 1, 0, out), NCD_ENONFINITE);
}
END_TEST

START_TEST(nrc2_naive) {
  /* P_W u = W^T (W W^T)^{-1} W u, 2 x 2 solve in long double */
  long double g[4] = {0}, tot = 0;
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++)
      for (int j = 0; j < PD; j++) g[a * 2 + b] += (long double)WR[a * PD + j] * WR[b * PD + j];
  long double det = g[0] * g[3] - g[1] * g[2];
  for (int i = 0; i < PN; i++) {
    long double u[PD], nn = 0, c[2] = {0}, x[2];
    for (int j = 0; j < PD; j++) nn += (long double)PH[i * PD + j] * PH[i * PD + j];
    for (int j = 0; j < PD; j++) u[j] = PH[i * PD + j] / sqrtl(nn);
    for (int a = 0; a < 2; a++)
      for (int j = 0; j < PD; j++) c[a] += WR[a * PD + j] * u[j];
    x[0] = (g[3] * c[0] - g[1] * c[1]) / det;
    x[1] = (g[0] * c[1] - g[2] * c[0]) / det;
    for (int j = 0; j < PD; j++) {
      long double r = u[j] - x[0] * WR[j] - x[1] * WR[PD + j];
      tot += r * r;
    }
  }
  double out[4];
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, NULL, 0, WR, PD, 0, 1, 0, out), NCD_OK);
  ck_assert_close(out[1], (double)(tot / PN), 1e-13, 0);
}
END_TEST

START_TEST(principal) {
  static const double p0[2 * PD] = {0.76761846190369221, 0.22792663217202158, 0.14874755218578803,
                                    0.034896509907522494, 0.57919577571520675, -0.060146377393796628,
                                    0.9428523793792386, -0.22470590049413153, 0.03630037631488256,
                                    -0.2357993743584379};
  static const double p1[2 * PD] = {0.73144940901491962, 0.47001629686436719, 0.042656194568431033,
                                    0.068639280396614905, 0.48737618015779788, -0.32669941994924123,
                                    0.87202745915515611, -0.077801428898363056, -0.1506255242348768,
                                    -0.32263677501886434};
  double p[PD * PD], s[PD], mean[PD];
  ck_assert_status(ncd_principal_decomp(PN, PD, PH, PD, 0, p, PD, s, NULL), NCD_OK);
  for (int i = 0; i < 2 * PD; i++) ck_assert_close(p[i], p0[i], 1e-12, 1e-14);
  ck_assert_status(ncd_principal_decomp(PN, PD, PH, PD, 1, p, PD, s, mean), NCD_OK);
  for (int i = 0; i < 2 * PD; i++) ck_assert_close(p[i], p1[i], 1e-12, 1e-14);
  /* singular values: sum of squares = ||H - 1 hbar^T||_F^2 */
  double f = 0, t = 0;
  for (int i = 0; i < PN; i++)
    for (int j = 0; j < PD; j++) f += (PH[i * PD + j] - mean[j]) * (PH[i * PD + j] - mean[j]);
  for (int j = 0; j < PD; j++) t += s[j] * s[j];
  ck_assert_close(t, f, 1e-13, 0);
  ck_assert_status(ncd_principal_decomp(PN, PD, PH, PD, 2, p, PD, s, NULL), NCD_EINVAL);
  ck_assert_status(ncd_principal_decomp(PN, PD, PH, PD, 0, p, PD - 1, s, NULL), NCD_EINVAL);
  ck_assert_status(ncd_principal_decomp(PN, PD, PH, PD, 0, NULL, PD, s, NULL), NCD_EINVAL);
}
END_TEST

Suite *suite_metrics_peers_nrc(void) {
  Suite *s = suite_create("metrics_peers_nrc");
  TCase *tc = tcase_create("regression collapse");
  tcase_add_test(tc, profile_and_nrc);
  tcase_add_test(tc, nrc2_naive);
  tcase_add_test(tc, principal);
  suite_add_tcase(s, tc);
  return s;
}

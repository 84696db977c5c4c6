/*
 * test_peers_ext.c - peer calls with extra inputs (spec/metrics-peers.md P-8,
 * P-9): agreement against caller-given means and OOD orthogonality, on the
 * section 12 vectors (1e-12 relative) and against independent routes (the
 * one-shot NC4 metrics; a naive loop with a translated OOD set).
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "core/core_internal.h"
#include "metrics/peers_case.h"

static const double HOOD[6 * PD] = {0.26, -0.05, -0.15, 2.04, -0.33, -0.19, -2.60, 0.37,
                                    -0.73, 2.80, 0.10, -2.00, 0.96, 3.12, 4.82, -1.33,
                                    1.33, 1.70, 0.30, -1.30, 2.38, -1.98, -0.85, 0.06,
                                    -1.50, 0.62, 1.28, -0.78, 1.45, -0.43};

static void class_means(double *mu) {
  double cnt[PK] = {0};
  memset(mu, 0, PK * PD * sizeof(double));
  for (int i = 0; i < PN; i++) {
    cnt[PY[i]] += 1;
    for (int j = 0; j < PD; j++) mu[PY[i] * PD + j] += PH[i * PD + j];
  }
  for (int c = 0; c < PK; c++)
    for (int j = 0; j < PD; j++) mu[c * PD + j] /= cnt[c];
}

START_TEST(agreement) {
  double mu[PK * PD], wt, ca, pc[PK];
  class_means(mu);
  ck_assert_status(ncd_nc_agreement(PN, PD, PK, PH, PD, PY, mu, PD, PW, PD, NULL, &wt, &ca, pc), NCD_OK);
  ck_assert_close(wt, 0.20833333333333334, 1e-15, 0);
  ck_assert_close(ca, 0.1388888888888889, 1e-15, 0);
  ck_assert(pc[0] == 0 && pc[1] == 0 && pc[2] == 0);
  ck_assert_close(pc[3], 0.55555555555555558, 1e-15, 0);
  /* with the bias: 1 - the one-shot NC4 and NC4_CLASSAVG */
  double out[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics(PN, PD, PK, PH, PD, PY, PW, PD, PB, out, NCD_METRIC_COUNT), NCD_OK);
  ck_assert_status(ncd_nc_agreement(PN, PD, PK, PH, PD, PY, mu, PD, PW, PD, PB, &wt, &ca, NULL), NCD_OK);
  ck_assert_close(wt, 1 - out[NCD_NC4], 1e-15, 0);
  ck_assert_close(ca, 1 - out[NCD_NC4_CLASSAVG], 1e-15, 0);
  /* held-out subset missing class 0: a_0 = 0 */
  int32_t ys[6];
  double hs[6 * PD];
  int m = 0;
  for (int i = 0; i < PN && m < 6; i++)
    if (PY[i] != 0) {
      ys[m] = PY[i];
      memcpy(hs + m * PD, PH + i * PD, PD * sizeof(double));
      m++;
    }
  ck_assert_status(ncd_nc_agreement(6, PD, PK, hs, PD, ys, mu, PD, PW, PD, NULL, NULL, NULL, pc), NCD_OK);
  ck_assert(pc[0] == 0.0);
  ck_assert_status(ncd_nc_agreement(PN, PD, PK, PH, PD, PY, mu, PD, NULL, PD, NULL, &wt, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_agreement(PN, PD, PK, PH, PD, PY, mu, PD, PW, PD, NULL, NULL, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_agreement(PN, PD, PK, PH, PD, PY, mu, PD - 1, PW, PD, NULL, &wt, NULL, NULL), NCD_EINVAL);
  mu[3] = NAN;
  ck_assert_status(ncd_nc_agreement(PN, PD, PK, PH, PD, PY, mu, PD, PW, PD, NULL, &wt, NULL, NULL), NCD_ENONFINITE);
}
END_TEST

START_TEST(orthodev) {
  double o;
  ck_assert_status(ncd_nc_ood_orthodev(PN, PD, PK, PH, PD, PY, 6, HOOD, PD, NCD_CENTRE_NONE, &o), NCD_OK);
  ck_assert_close(o, 0.46520744486890275, 1e-12, 0);
  ck_assert_status(ncd_nc_ood_orthodev(PN, PD, PK, PH, PD, PY, 6, HOOD, PD, NCD_CENTRE_CLASS, &o), NCD_OK);
  ck_assert_close(o, 0.14244605185789774, 1e-12, 0);
  ck_assert_status(ncd_nc_ood_orthodev(PN, PD, PK, PH, PD, PY, 6, HOOD, PD, NCD_CENTRE_SAMPLE, &o), NCD_OK);
  ck_assert_close(o, 0.17052398802447583, 1e-12, 0);
  /* the sample centre is translation invariant (both sets shifted) */
  double h2[PN * PD], g2[6 * PD], o2;
  for (int i = 0; i < PN * PD; i++) h2[i] = PH[i] + 3.0 * (i % PD) - 7.0;
  for (int i = 0; i < 6 * PD; i++) g2[i] = HOOD[i] + 3.0 * (i % PD) - 7.0;
  ck_assert_status(ncd_nc_ood_orthodev(PN, PD, PK, h2, PD, PY, 6, g2, PD, NCD_CENTRE_SAMPLE, &o2), NCD_OK);
  ck_assert_close(o2, o, 1e-12, 0);
  ck_assert_status(ncd_nc_ood_orthodev(PN, PD, PK, PH, PD, PY, 0, HOOD, PD, 0, &o), NCD_EINVAL);
  ck_assert_status(ncd_nc_ood_orthodev(PN, PD, PK, PH, PD, PY, 6, NULL, PD, 0, &o), NCD_EINVAL);
  ck_assert_status(ncd_nc_ood_orthodev(PN, PD, PK, PH, PD, PY, 6, HOOD, PD, (ncd_centre)5, &o), NCD_EINVAL);
  ck_assert_status(ncd_nc_ood_orthodev(PN, PD, PK, PH, PD, PY, 6, HOOD, PD, 0, NULL), NCD_EINVAL);
  /* OOD mean at the centre: rows +a and -a average to 0 = c0 (centre NONE)
   * only up to the rounding of the mean relative to the internal reference
   * point; the direction is undetermined and the metric must be NaN (it was
   * 0.5256 before the rounding-aware test). A nearby OOD mean is not NaN. */
  double pm[2 * PD];
  for (int j = 0; j < PD; j++) pm[j] = 0.37 * (j + 1) - 1.1, pm[PD + j] = -pm[j];
  ck_assert_status(ncd_nc_ood_orthodev(PN, PD, PK, PH, PD, PY, 2, pm, PD, NCD_CENTRE_NONE, &o), NCD_OK);
  ck_assert(isnan(o));
  pm[PD] += 1e-6;
  ck_assert_status(ncd_nc_ood_orthodev(PN, PD, PK, PH, PD, PY, 2, pm, PD, NCD_CENTRE_NONE, &o), NCD_OK);
  ck_assert(isfinite(o) && o >= 0 && o <= 1);
  g2[4] = INFINITY;
  ck_assert_status(ncd_nc_ood_orthodev(PN, PD, PK, PH, PD, PY, 6, g2, PD, 0, &o), NCD_ENONFINITE);
}
END_TEST

START_TEST(class_vectors) {
  /* spec 12 RW (centre U): mean_norms, similarities, cos, distance_norms */
  static const double wn[PK] = {5.5372633186635332, 4.7364147126342244, 4.764443100029002,
                                4.0047845523395633};
  static const double wd[PK] = {-8.4667323015873013, -10.502005952380953, -8.7020734126984127,
                                11.832383333333334};
  static const double wc[PK] = {-0.67203200856153278, -0.83772788133858755, -0.66680510058518716,
                                0.86736583888092955};
  static const double wdd[PK] = {1.8286782158496513, 1.9171478197252225, 1.8258176801560375,
                                 0.51504205870796682};
  double nm[PK], dt[PK], cs[PK], dd[PK], g[PK * PK];
  ck_assert_status(ncd_nc_class_vectors(PN, PD, PK, PH, PD, PY, PW, PD, NCD_CENTRE_CLASS, nm, dt, cs,
                                        dd, g, PK), NCD_OK);
  double tr = 0, mean = 0, var = 0;
  for (int c = 0; c < PK; c++) {
    ck_assert_close(nm[c], wn[c], 1e-12, 0);
    ck_assert_close(dt[c], wd[c], 1e-12, 0);
    ck_assert_close(cs[c], wc[c], 1e-12, 0);
    ck_assert_close(dd[c], wdd[c], 1e-12, 0);
    ck_assert_close(g[c * PK + c], nm[c] * nm[c], 1e-14, 0); /* Gram diagonal */
    tr += g[c * PK + c];
    mean += dt[c] / PK;
  }
  for (int c = 0; c < PK; c++) var += (dt[c] - mean) * (dt[c] - mean) / (PK - 1);
  ck_assert_close(var, 111.6650362999966, 1e-12, 0); /* README nc3u_uni_dual */
  /* centre U: the rows of Mbar sum to 0, so do the Gram's rows */
  for (int c = 0; c < PK; c++) {
    double r = 0;
    for (int e = 0; e < PK; e++) r += g[c * PK + e];
    ck_assert(fabs(r) <= 1e-13 * tr);
  }
  ck_assert_status(ncd_nc_class_vectors(PN, PD, PK, PH, PD, PY, NULL, 0, 0, nm, dt, NULL, NULL, NULL, 0), NCD_EINVAL);
  ck_assert_status(ncd_nc_class_vectors(PN, PD, PK, PH, PD, PY, PW, PD, 0, NULL, NULL, NULL, NULL, NULL, 0), NCD_EINVAL);
  ck_assert_status(ncd_nc_class_vectors(PN, PD, PK, PH, PD, PY, PW, PD, 0, NULL, NULL, NULL, NULL, g, PK - 1), NCD_EINVAL);
  ck_assert_status(ncd_nc_class_vectors(PN, PD, PK, PH, PD, PY, NULL, 0, NCD_CENTRE_NONE, nm, NULL, NULL, NULL, NULL, 0), NCD_OK);
}
END_TEST

/* Every allocation failure of the peer calls is NCD_ENOMEM, never a crash. */
START_TEST(enomem) {
  double out[NCD_METRIC_COUNT], m, e, ec[PK], c;
  int hits[5] = {0};
  for (uint64_t k = 1; k <= 40; k++) {
    ncd__alloc_fail_at(k, 0);
    int s1 = ncd_nc_metrics(PN, PD, PK, PH, PD, PY, PW, PD, PB, out, NCD_METRIC_COUNT);
    ncd__alloc_fail_at(k, 0);
    int s2 = ncd_nc_silhouette_cos(PN, PD, PK, PH, PD, PY, &m, NULL);
    ncd__alloc_fail_at(k, 0);
    int s3 = ncd_nc_erank(PN, PD, PK, PH, PD, PY, &e, ec);
    ncd__alloc_fail_at(k, 0);
    int s4 = ncd_linear_cka(PN, PD, PH, PD, PD, PH, PD, &c);
    ncd__alloc_fail_at(k, 0);
    int s5 = ncd_nc_pairs(PN, PD, PK, PH, PD, PY, PW, PD, 0, NCD_PAIR_CDNV, 1, &m, NULL, NULL);
    ncd__alloc_fail_at(0, 0);
    hits[0] += s1 == NCD_ENOMEM, hits[1] += s2 == NCD_ENOMEM, hits[2] += s3 == NCD_ENOMEM;
    hits[3] += s4 == NCD_ENOMEM, hits[4] += s5 == NCD_ENOMEM;
    ck_assert(s1 == NCD_OK || s1 == NCD_ENOMEM);
    ck_assert(s2 == NCD_OK || s2 == NCD_ENOMEM);
    ck_assert(s3 == NCD_OK || s3 == NCD_ENOMEM);
    ck_assert(s4 == NCD_OK || s4 == NCD_ENOMEM);
    ck_assert(s5 == NCD_OK || s5 == NCD_ENOMEM);
  }
  for (int i = 0; i < 5; i++) ck_assert(hits[i] > 0);
}
END_TEST

Suite *suite_metrics_peers_ext(void) {
  Suite *s = suite_create("metrics_peers_ext");
  TCase *tc = tcase_create("extra inputs");
  tcase_add_test(tc, agreement);
  tcase_add_test(tc, orthodev);
  tcase_add_test(tc, class_vectors);
  tcase_add_test(tc, enomem);
  suite_add_tcase(s, tc);
  return s;
}

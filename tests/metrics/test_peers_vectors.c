/*
 * test_peers_vectors.c - peer parity (spec/metrics-peers.md): the section 12
 * vectors (outputs of rhubarbwu/neural-collapse, felixsh/nc-toolbox and MONAI
 * on float64 input) through ncd_nc_metrics, the centre option, ncd_nc_pairs,
 * ncd_nc_erank, ncd_nc_silhouette_cos and ncd_linear_cka; the selection mask.
 * Tolerance 1e-12 relative unless stated (the spec's figure: every formula
 * reproduced the peers to <= 1e-13 in float64).
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "metrics/peers_case.h"

#define TOL 1e-12

START_TEST(appended_sample_centre) {
  /* spec 12, last line: ncd_nc_metrics out[19..27], centre S, b as given */
  static const double want[9] = {0.10701820634513894,  95.464538865290464,  0.025408867702768168,
                                 -0.47572886859328117, 0.010160033939740363, -0.21961974846218291,
                                 0.86111111111111116,  0.8623437218857738,  4.1712849122162972};
  double out[NCD_METRIC_COUNT + 2];
  ck_assert_int_eq(NCD_METRIC_COUNT, 28);
  ck_assert_status(ncd_nc_metrics(PN, PD, PK, PH, PD, PY, PW, PD, PB, out, NCD_METRIC_COUNT + 2), NCD_OK);
  for (int i = 0; i < 9; i++)
    ck_assert_msg(ncd_test_close(out[NCD_NC1_WEAK + i], want[i], TOL, 0), "metric %d: %.17g vs %.17g",
                  NCD_NC1_WEAK + i, out[NCD_NC1_WEAK + i], want[i]);
  ck_assert(isnan(out[NCD_METRIC_COUNT]) && isnan(out[NCD_METRIC_COUNT + 1]));
  /* the contract's numbers with the sample centre (RW covariance_ratio on S) */
  ck_assert_close(out[NCD_NC1], 0.080703964099227948, TOL, 0);
  ck_assert_close(out[NCD_NC1_TRACE_RATIO], 0.11984365986581541, TOL, 0);
  /* NCTB nc1_weak = (1 - x, x) */
  ck_assert_close(1.0 - out[NCD_NC1_WEAK], 0.89298179365486108, TOL, 0);
  /* MONAI scores from the library values */
  ck_assert_close((out[NCD_CENTROID_COS] + 1) / 2, 0.39019012576890855, TOL, 0);
  ck_assert_close((1 - out[NCD_SILHOUETTE_COS]) / 2, 0.068828139057113102, TOL, 0);
  ck_assert_close(1 - out[NCD_ERANK] / 5.0, 0.16574301755674037, TOL, 0);
  /* RW clf_ncc_agreement(weighted=False) = 1 - NC4_CLASSAVG (no bias) */
  ck_assert_status(ncd_nc_metrics(PN, PD, PK, PH, PD, PY, PW, PD, NULL, out, NCD_METRIC_COUNT), NCD_OK);
  ck_assert_close(1 - out[NCD_NC4_CLASSAVG], 0.1388888888888889, TOL, 0);
  ck_assert_close(1 - out[NCD_NC4], 0.20833333333333334, TOL, 0);
}
END_TEST

START_TEST(class_centre_rhubarbwu) {
  /* spec 12 "RW (centre U)" through ncd_nc_metrics_ex with the class centre */
  ncd_nc_options o = {0.0, NCD_CENTRE_CLASS};
  double out[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics_ex(PN, PD, PK, PH, PD, PY, PW, PD, NULL, &o, out, NCD_METRIC_COUNT), NCD_OK);
  ck_assert_close(out[NCD_NC1], 0.085022990901401002, TOL, 0);             /* covariance_ratio pinv */
  ck_assert_close(out[NCD_NC1_TRACE_RATIO], 0.12456374519031418, TOL, 0);  /* quotient */
  ck_assert_close(out[NCD_NC2_ETF_H], 0.39479251881785171, TOL, 0);        /* simplex_etf_error */
  ck_assert_close(out[NCD_NC3], 1.6347483083604215, TOL, 0);               /* self_duality_error */
  ck_assert_close(out[NCD_UNC3_VAR], 111.6650362999966, TOL, 0);           /* nc3u_uni_dual */
  ck_assert_close(out[NCD_GNC2_DIST_VAR], 0.018601675734174022, TOL, 0);   /* kernel dist var */
  ck_assert_close(out[NCD_GNC2_LOG_MEAN], -0.48156640238331866, TOL, 0);   /* kernel log mean */
  ck_assert_close(out[NCD_GNC2_LOG_VAR], 0.0073119093588672607, TOL, 0);   /* nc2g_log */
  /* fixed-centre metrics ignore the option */
  double s[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics(PN, PD, PK, PH, PD, PY, PW, PD, NULL, s, NCD_METRIC_COUNT), NCD_OK);
  for (int i = NCD_CENTROID_COS; i <= NCD_ERANK; i++) ck_assert_close(out[i], s[i], TOL, 0);
}
END_TEST

START_TEST(no_centre) {
  /* centre 0: UNC3_VAR is the Bessel variance of w_c . mu_c on the raw means
   * (naive class means here); GNC2 on raw means equals CENTROID-based units. */
  ncd_nc_options o = {0.0, NCD_CENTRE_NONE};
  double out[NCD_METRIC_COUNT], mu[PK * PD] = {0}, cnt[PK] = {0}, s[PK], sm = 0, v = 0;
  ck_assert_status(ncd_nc_metrics_ex(PN, PD, PK, PH, PD, PY, PW, PD, NULL, &o, out, NCD_METRIC_COUNT), NCD_OK);
  for (int i = 0; i < PN; i++) {
    cnt[PY[i]] += 1;
    for (int j = 0; j < PD; j++) mu[PY[i] * PD + j] += PH[i * PD + j];
  }
  for (int c = 0; c < PK; c++) {
    s[c] = 0;
    for (int j = 0; j < PD; j++) s[c] += PW[c * PD + j] * mu[c * PD + j] / cnt[c];
    sm += s[c] / PK;
  }
  for (int c = 0; c < PK; c++) v += (s[c] - sm) * (s[c] - sm) / (PK - 1);
  ck_assert_close(out[NCD_UNC3_VAR], v, 1e-13, 0);
  /* mean of 2 - 2cos over pairs = mean of dist^2 = var + mean^2 of the dist kernel */
  double dm, dv;
  ck_assert_status(ncd_nc_pairs(PN, PD, PK, PH, PD, PY, NULL, 0, NCD_CENTRE_NONE, NCD_PAIR_DIST, 0, &dm, &dv, NULL), NCD_OK);
  ck_assert_close(dv + dm * dm, 2 - 2 * out[NCD_CENTROID_COS], 1e-13, 0);
  ck_assert_close(dv, out[NCD_GNC2_DIST_VAR], 1e-13, 0);
  o.unweighted_centre = 3;
  ck_assert_status(ncd_nc_metrics_ex(PN, PD, PK, PH, PD, PY, PW, PD, NULL, &o, out, 1), NCD_EINVAL);
}
END_TEST

static void pair_check(ncd_centre c, ncd_pair which, double p, double wm, double wv, int cov,
                       double tol) {
  double m, v, vals[6];
  ck_assert_status(ncd_nc_pairs(PN, PD, PK, PH, PD, PY, PW, PD, c, which, p, &m, &v, vals), NCD_OK);
  ck_assert_msg(ncd_test_close(m, wm, tol, 0), "pair %d mean %.17g vs %.17g", which, m, wm);
  double got = cov ? sqrt(v) / m : v;
  if (!isnan(wv)) ck_assert_msg(ncd_test_close(got, wv, tol, 0), "pair %d var %.17g vs %.17g", which, got, wv);
  double t = 0;
  for (int i = 0; i < 6; i++) t += vals[i];
  ck_assert_close(t / 6, m, 1e-14, 0);
}

START_TEST(pairs) {
  /* RW variability_cdnv with dist_exp p (no centre) */
  pair_check(NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV, 1.0, 0.04631136715023295, NAN, 0, TOL);
  pair_check(NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV, 0.5, 0.34611449086322166, NAN, 0, TOL);
  pair_check(NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV, 2.0, 0.00085358301033673677, NAN, 0, TOL);
  /* NCTB nc1_cdnv (beta = 1), mean and cov */
  pair_check(NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV_UNBIASED, 1.0, 0.056198320496308372,
             0.28447936217620329, 1, TOL);
  /* RW kernel_stats (centre U): dist, log, riesz s = d - 2 = 3 */
  pair_check(NCD_CENTRE_CLASS, NCD_PAIR_DIST, 0, 1.6244647558515677, 0.018601675734174022, 0, TOL);
  pair_check(NCD_CENTRE_CLASS, NCD_PAIR_LOG, -1, -0.48156640238331866, 0.0073119093588672607, 0, TOL);
  pair_check(NCD_CENTRE_CLASS, NCD_PAIR_RIESZ, 3, 0.24390236151625713, 0.0041923059144171266, 0, TOL);
  /* NCTB pair forms (centre S), mean and cov = std/mean */
  pair_check(NCD_CENTRE_SAMPLE, NCD_PAIR_LOGNORM_DIFF, 0, 0.3102156720531728, 0.47216203668186491, 1, TOL);
  pair_check(NCD_CENTRE_SAMPLE, NCD_PAIR_COS_SHIFTED, 0, 0.012863310068979042, 19.720022293895568, 1, 1e-11);
  pair_check(NCD_CENTRE_SAMPLE, NCD_PAIR_LOG, -1, -0.47572886859328117, -0.21187907726082697, 1, TOL);
  pair_check(NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, 0, 0.2286023757610994, 2.4359030826691668, 1, TOL);
  /* CDNV p = 1 is the contract's NC1_CDNV */
  double out[NCD_METRIC_COUNT], m;
  ck_assert_status(ncd_nc_metrics(PN, PD, PK, PH, PD, PY, NULL, 0, NULL, out, NCD_METRIC_COUNT), NCD_OK);
  ck_assert_status(ncd_nc_pairs(PN, PD, PK, PH, PD, PY, NULL, 0, 0, NCD_PAIR_CDNV, 1, &m, NULL, NULL), NCD_OK);
  ck_assert_close(m, out[NCD_NC1_CDNV], 1e-14, 0);
  /* bad input */
  ck_assert_status(ncd_nc_pairs(PN, PD, PK, PH, PD, PY, NULL, 0, 0, NCD_PAIR_WCOS_UPPER, 0, &m, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs(PN, PD, PK, PH, PD, PY, NULL, 0, 0, (ncd_pair)8, 0, &m, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs(PN, PD, PK, PH, PD, PY, NULL, 0, (ncd_centre)3, 0, 0, &m, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs(PN, PD, PK, PH, PD, PY, NULL, 0, 0, 0, INFINITY, &m, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs(PN, PD, PK, NULL, PD, PY, NULL, 0, 0, 0, 1, &m, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs(PN, PD, PK + 1, PH, PD, PY, NULL, 0, 0, 0, 1, &m, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs(PN, PD, PK, PH, PD - 1, PY, NULL, 0, 0, 0, 1, &m, NULL, NULL), NCD_EINVAL);
  double hb[PN * PD];
  memcpy(hb, PH, sizeof hb);
  hb[17] = NAN;
  ck_assert_status(ncd_nc_pairs(PN, PD, PK, hb, PD, PY, NULL, 0, 0, 0, 1, &m, NULL, NULL), NCD_ENONFINITE);
  /* two classes with one direction: log kernel +Inf, var NaN */
  double h2[4 * 2] = {1, 0, 2, 0, 3, 0, 5, 0};
  int32_t y2[4] = {0, 0, 1, 1};
  double v;
  ck_assert_status(ncd_nc_pairs(4, 2, 2, h2, 2, y2, NULL, 0, NCD_CENTRE_NONE, NCD_PAIR_LOG, -1, &m, &v, NULL), NCD_OK);
  ck_assert(isinf(m) && m > 0 && isnan(v));
}
END_TEST

START_TEST(erank_vectors) {
  static const double wc[PK] = {1.7984351130229832, 3.6439412033332919, 4.0480108910516561,
                                4.7150499170849631};
  static const double score[PK] = {0.1007824434885084, 0.089014699166677813, 0.1903978217896688,
                                   0.056990016583007175};
  static const size_t cnt[PK] = {3, 5, 7, 9};
  double e, ec[PK];
  ck_assert_status(ncd_nc_erank(PN, PD, PK, PH, PD, PY, &e, ec), NCD_OK);
  ck_assert_close(e, 4.1712849122162972, TOL, 0);
  for (int c = 0; c < PK; c++) {
    ck_assert_close(ec[c], wc[c], TOL, 0);
    double div = cnt[c] - 1 < PD ? (double)(cnt[c] - 1) : PD; /* MONAI per-class score */
    ck_assert_close(1 - ec[c] / div, score[c], TOL, 0);
  }
  /* rank-1 data: erank 1; isotropic: erank d */
  double h1[6 * 3];
  int32_t y1[6] = {0, 1, 0, 1, 0, 1};
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 3; j++) h1[i * 3 + j] = (i + 1.0) * (j + 1.0);
  ck_assert_status(ncd_nc_erank(6, 3, 2, h1, 3, y1, &e, NULL), NCD_OK);
  ck_assert_close(e, 1.0, 1e-12, 0);
  double hi[6 * 3] = {1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1};
  ck_assert_status(ncd_nc_erank(6, 3, 2, hi, 3, y1, &e, NULL), NCD_OK);
  ck_assert_close(e, 3.0, 1e-13, 0);
  ck_assert_status(ncd_nc_erank(PN, PD, PK, PH, PD, PY, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_erank(0, PD, PK, PH, PD, PY, &e, NULL), NCD_EINVAL);
}
END_TEST

/* Naive O(n^2 d) cosine silhouette (sklearn's definition). */
static double naive_sil(size_t n, size_t d, size_t k, const double *h, const int32_t *y) {
  double tot = 0;
  for (size_t i = 0; i < n; i++) {
    double sum[16] = {0};
    size_t cnt[16] = {0};
    for (size_t j = 0; j < n; j++) {
      cnt[y[j]]++;
      if (j == i) continue;
      double ab = 0, aa = 0, bb = 0;
      for (size_t l = 0; l < d; l++)
        ab += h[i * d + l] * h[j * d + l], aa += h[i * d + l] * h[i * d + l], bb += h[j * d + l] * h[j * d + l];
      double cs = aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
      sum[y[j]] += 1 - cs;
    }
    size_t yc = (size_t)y[i];
    if (cnt[yc] < 2) continue;
    double a = sum[yc] / (double)(cnt[yc] - 1), b = INFINITY;
    for (size_t c = 0; c < k; c++)
      if (c != yc && sum[c] / (double)cnt[c] < b) b = sum[c] / (double)cnt[c];
    tot += (b - a) / (a > b ? a : b);
  }
  return tot / (double)n;
}

START_TEST(silhouette) {
  double m, ps[PN];
  ck_assert_status(ncd_nc_silhouette_cos(PN, PD, PK, PH, PD, PY, &m, ps), NCD_OK);
  ck_assert_close(m, 0.8623437218857738, TOL, 0); /* sklearn via MONAI */
  ck_assert_close(m, naive_sil(PN, PD, PK, PH, PY), 1e-13, 0);
  /* random data with a zero row and a singleton class, against the naive route */
  ncd_test_rng r;
  ncd_test_seed(&r, 12);
  size_t n = 300, d = 7, k = 6;
  double *h = malloc(n * d * sizeof(double)), *pv = malloc(n * sizeof(double));
  int32_t *y = malloc(n * sizeof(int32_t));
  for (size_t i = 0; i < n; i++) {
    y[i] = i == 0 ? 5 : (int32_t)(i % 5);
    for (size_t j = 0; j < d; j++) h[i * d + j] = ncd_test_normal(&r) + (j == (size_t)y[i] ? 2.0 : 0.0);
  }
  for (size_t j = 0; j < d; j++) h[7 * d + j] = 0.0;
  ck_assert_status(ncd_nc_silhouette_cos(n, d, k, h, d, y, &m, pv), NCD_OK);
  ck_assert_close(m, naive_sil(n, d, k, h, y), 1e-12, 0);
  ck_assert(pv[0] == 0.0); /* singleton */
  double t = 0;
  for (size_t i = 0; i < n; i++) t += pv[i];
  ck_assert_close(t / (double)n, m, 1e-14, 0);
  free(h), free(pv), free(y);
  ck_assert_status(ncd_nc_silhouette_cos(PN, PD, PK, PH, PD, PY, NULL, NULL), NCD_EINVAL);
}
END_TEST

/* Naive CKA through the n x n centred Grams (MONAI's HSIC route). */
static double naive_cka(size_t n, size_t d1, const double *x, size_t d2, const double *z) {
  double *kx = calloc(n * n, sizeof(double)), *kz = calloc(n * n, sizeof(double));
  double mx[8] = {0}, mz[8] = {0};
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < d1; j++) mx[j] += x[i * d1 + j] / (double)n;
    for (size_t j = 0; j < d2; j++) mz[j] += z[i * d2 + j] / (double)n;
  }
  for (size_t i = 0; i < n; i++)
    for (size_t l = 0; l < n; l++) {
      for (size_t j = 0; j < d1; j++) kx[i * n + l] += (x[i * d1 + j] - mx[j]) * (x[l * d1 + j] - mx[j]);
      for (size_t j = 0; j < d2; j++) kz[i * n + l] += (z[i * d2 + j] - mz[j]) * (z[l * d2 + j] - mz[j]);
    }
  double xz = 0, xx = 0, zz = 0;
  for (size_t i = 0; i < n * n; i++) xz += kx[i] * kz[i], xx += kx[i] * kx[i], zz += kz[i] * kz[i];
  free(kx), free(kz);
  return xz / sqrt(xx * zz);
}

START_TEST(cka) {
  double c;
  ck_assert_status(ncd_linear_cka(PN, PD, PH, PD, 2, PT, 2, &c), NCD_OK);
  ck_assert_close(c, 0.72880154852994883, TOL, 0); /* MONAI domain_shift */
  ck_assert_close(c, naive_cka(PN, PD, PH, 2, PT), 1e-13, 0);
  /* invariance: orthogonal Q (Householder) and isotropic scaling of h */
  double v[PD] = {0.3, -1.2, 0.5, 2.0, -0.7}, vv = 0, hq[PN * PD];
  for (int j = 0; j < PD; j++) vv += v[j] * v[j];
  for (int i = 0; i < PN; i++) {
    double t = 0;
    for (int j = 0; j < PD; j++) t += PH[i * PD + j] * v[j];
    for (int j = 0; j < PD; j++) hq[i * PD + j] = -3.7 * (PH[i * PD + j] - 2 * t * v[j] / vv) + 11.0;
  }
  double c2;
  ck_assert_status(ncd_linear_cka(PN, PD, hq, PD, 2, PT, 2, &c2), NCD_OK);
  ck_assert_close(c2, c, 1e-13, 0);
  ck_assert_status(ncd_linear_cka(PN, PD, PH, PD, PD, PH, PD, &c2), NCD_OK);
  ck_assert_close(c2, 1.0, 1e-14, 0);
  ck_assert_status(ncd_linear_cka(1, PD, PH, PD, 2, PT, 2, &c2), NCD_EINVAL);
  ck_assert_status(ncd_linear_cka(PN, PD, PH, PD - 1, 2, PT, 2, &c2), NCD_EINVAL);
  ck_assert_status(ncd_linear_cka(PN, PD, PH, PD, 2, PT, 2, NULL), NCD_EINVAL);
  ck_assert_status(ncd_linear_cka(PN, 0, PH, PD, 2, PT, 2, &c2), NCD_EINVAL);
  double tb[PN * 2];
  memcpy(tb, PT, sizeof tb);
  tb[5] = INFINITY;
  ck_assert_status(ncd_linear_cka(PN, PD, PH, PD, 2, tb, 2, &c2), NCD_ENONFINITE);
  for (int i = 0; i < PN * 2; i++) tb[i] = 1.0; /* constant: NaN */
  ck_assert_status(ncd_linear_cka(PN, PD, PH, PD, 2, tb, 2, &c2), NCD_OK);
  ck_assert(isnan(c2));
}
END_TEST

START_TEST(selection) {
  double all[NCD_METRIC_COUNT], out[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics(PN, PD, PK, PH, PD, PY, PW, PD, PB, all, NCD_METRIC_COUNT), NCD_OK);
  for (int i = 0; i < NCD_METRIC_COUNT; i++) {
    ck_assert_status(ncd_nc_metrics_select(PN, PD, PK, PH, PD, PY, PW, PD, PB, NULL,
                                           (uint64_t)1 << i, out, NCD_METRIC_COUNT), NCD_OK);
    for (int j = 0; j < NCD_METRIC_COUNT; j++)
      ck_assert_msg(j == i ? out[j] == all[j] : isnan(out[j]), "select %d: out[%d] = %g", i, j, out[j]);
  }
  ck_assert_status(ncd_nc_metrics_select(PN, PD, PK, PH, PD, PY, PW, PD, PB, NULL, ~(uint64_t)0,
                                         out, NCD_METRIC_COUNT), NCD_OK);
  for (int j = 0; j < NCD_METRIC_COUNT; j++) ck_assert(out[j] == all[j] || (isnan(out[j]) && isnan(all[j])));
  ck_assert_status(ncd_nc_metrics_select(PN, PD, PK, PH, PD, PY, PW, PD, PB, NULL, 0, out, 3), NCD_OK);
  ck_assert(isnan(out[0]) && isnan(out[2]));
}
END_TEST

START_TEST(streaming) {
  /* accumulator (any split, both centres) equals the one-shot values of the
   * pass-1 metrics 19..24 to 1e-12 */
  for (int cen = 0; cen < 3; cen++) {
    ncd_nc_options o = {0.0, cen};
    double want[NCD_METRIC_COUNT], got[NCD_METRIC_COUNT];
    ck_assert_status(ncd_nc_metrics_ex(PN, PD, PK, PH, PD, PY, PW, PD, PB, &o, want, NCD_METRIC_COUNT), NCD_OK);
    ncd_nc_acc *a, *b;
    ck_assert_status(ncd_nc_acc_create(PD, PK, 0, &a), NCD_OK);
    ck_assert_status(ncd_nc_acc_create(PD, PK, 0, &b), NCD_OK);
    ck_assert_status(ncd_nc_acc_set_options(a, &o), NCD_OK);
    ck_assert_status(ncd_nc_acc_set_classifier(a, PW, PD, PB), NCD_OK);
    ck_assert_status(ncd_nc_acc_set_classifier(b, PW, PD, PB), NCD_OK);
    ck_assert_status(ncd_nc_acc_update(a, 10, PH, PD, PY), NCD_OK);
    ck_assert_status(ncd_nc_acc_update(b, PN - 10, PH + 10 * PD, PD, PY + 10), NCD_OK);
    ck_assert_status(ncd_nc_acc_merge(a, b), NCD_OK);
    ck_assert_status(ncd_nc_acc_metrics(a, got, NCD_METRIC_COUNT), NCD_OK);
    for (int i = NCD_NC1_WEAK; i <= NCD_CENTROID_COS; i++)
      ck_assert_msg(ncd_test_close(got[i], want[i], 1e-12, 1e-14), "centre %d metric %d: %.17g vs %.17g",
                    cen, i, got[i], want[i]);
    ck_assert(isnan(got[NCD_ERANK]) && isnan(got[NCD_SILHOUETTE_COS])); /* no scatter */
    ncd_nc_acc_free(a);
    ncd_nc_acc_free(b);
  }
  /* ERANK streams with NCD_ACC_SCATTER (S_T = S_W + Mbar^T diag(n_c) Mbar), any split */
  ncd_nc_acc *a, *b;
  ck_assert_status(ncd_nc_acc_create(PD, PK, NCD_ACC_SCATTER, &a), NCD_OK);
  ck_assert_status(ncd_nc_acc_create(PD, PK, NCD_ACC_SCATTER, &b), NCD_OK);
  ck_assert_status(ncd_nc_acc_update(a, 7, PH + 17 * PD, PD, PY + 17), NCD_OK);
  ck_assert_status(ncd_nc_acc_update(b, 17, PH, PD, PY), NCD_OK);
  ck_assert_status(ncd_nc_acc_merge(a, b), NCD_OK);
  double got[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_acc_metrics(a, got, NCD_METRIC_COUNT), NCD_OK);
  ck_assert_close(got[NCD_ERANK], 4.1712849122162972, 1e-12, 0);
  ncd_nc_acc_free(a);
  ncd_nc_acc_free(b);
}
END_TEST

Suite *suite_metrics_peers_vectors(void) {
  Suite *s = suite_create("metrics_peers_vectors");
  TCase *tc = tcase_create("spec metrics-peers section 12");
  tcase_add_test(tc, appended_sample_centre);
  tcase_add_test(tc, class_centre_rhubarbwu);
  tcase_add_test(tc, no_centre);
  tcase_add_test(tc, pairs);
  tcase_add_test(tc, erank_vectors);
  tcase_add_test(tc, silhouette);
  tcase_add_test(tc, cka);
  tcase_add_test(tc, selection);
  tcase_add_test(tc, streaming);
  suite_add_tcase(s, tc);
  return s;
}

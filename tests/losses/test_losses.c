/*
 * test_losses.c - softmax, log-softmax, CE and rescaled MSE on logits
 * (spec/ufm.md section 2, U-1 .. U-4): the test vectors of spec section 9,
 * hand-computed closed forms, extreme logits, per-row shift invariance, in-place
 * use, central finite differences of the gradients, the float32 twins and bad
 * input.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"

/* spec/ufm.md section 9: N = 6, K = 3 logits (exact in binary). */
static const int32_t Y9[6] = {2, 0, 1, 1, 0, 2};
static const double Z9[18] = {-0.28125, -1.46875, 2.21875, 1.265625, -0.34375, -0.375,
                              -0.75,    1.78125,  0.96875, 0,        -0.9375,  2.28125,
                              1.359375, -0.1875,  -0.15625, -0.546875, -1.59375, 2.0};

/* Tolerances of spec/ufm.md 2.2: 1e-14 relative on losses, 1e-13 max|ref| on
 * gradient entries. */
START_TEST(spec_vectors_ce) {
  static const double g_ref[18] = {
      0.012357142111184304,  0.0037687154144250134, -0.016125857525609317,
      -0.047095618997200502, 0.023915714082351503,  0.023179904914848999,
      0.0087046929456773999, -0.057255571928683585, 0.048550878983006185,
      0.014906886999724133,  -0.16082904584133947,  0.14592215884161534,
      -0.05032670514617242,  0.024770207182864772,  0.025556497963307648,
      0.011805112364307269,  0.0041439841861147169, -0.015949096550421986};
  double loss, g[18];
  ck_assert_status(ncd_ce_loss(6, 3, Z9, 3, Y9, &loss, g, 3), NCD_OK);
  ck_assert_close(loss, 0.77774500022834102, 1e-14, 0);
  double tol = 1e-13 * ncd_test_maxabs(g_ref, 3, 6, 3);
  ck_assert(ncd_test_maxdiff(g, 3, g_ref, 3, 6, 3) <= tol);
  /* loss only */
  double l2;
  ck_assert_status(ncd_ce_loss(6, 3, Z9, 3, Y9, &l2, NULL, 0), NCD_OK);
  ck_assert(l2 == loss);
  static const double p_ref[6] = {0.074142852667105822, 0.022612292486550081,
                                  0.9032448548463441,   0.71742628601679699,
                                  0.14349428449410902,  0.13907942948909399};
  static const double lp_ref[6] = {-2.6017616052381517, -3.7892616052381517,
                                   -0.10176160523815168, -0.33208507388501407,
                                   -1.9414600738850141, -1.9727100738850141};
  double p[18], lp[18];
  ck_assert_status(ncd_softmax(6, 3, Z9, 3, p, 3), NCD_OK);
  ck_assert_status(ncd_log_softmax(6, 3, Z9, 3, lp, 3), NCD_OK);
  for (int j = 0; j < 6; j++) {
    ck_assert_close(p[j], p_ref[j], 1e-14, 0);
    ck_assert_close(lp[j], lp_ref[j], 1e-14, 0);
  }
}
END_TEST

START_TEST(spec_vectors_mse) {
  /* exact fractions from spec section 9 (g entries are multiples of 1/384) */
  static const double g1[18] = {-3. / 64, -47. / 192, 13. / 64, 17. / 384, -11. / 192,
                                -1. / 16, -1. / 8,    25. / 192, 31. / 192, 0,
                                -31. / 96, 73. / 192, 23. / 384, -1. / 32, -5. / 192,
                                -35. / 384, -17. / 64, 1. / 6};
  static const double g2[18] = {-3. / 64,   -47. / 192, -125. / 384, -185. / 256,
                                -11. / 192, -1. / 16,   -1. / 8,     -65. / 128,
                                31. / 192,  0,          -105. / 64,  73. / 192,
                                -175. / 256, -1. / 32,  -5. / 192,   -35. / 384,
                                -17. / 64,  -5. / 12};
  double loss, g[18];
  ck_assert_status(ncd_mse_loss(6, 3, Z9, 3, Y9, 1.0, 1.0, &loss, g, 3), NCD_OK);
  ck_assert_close(loss, 78431.0 / 49152.0, 1e-15, 0);
  for (int j = 0; j < 18; j++) ck_assert_close(g[j], g1[j], 4e-16, 0); /* 2 eps */
  ck_assert_status(ncd_mse_loss(6, 3, Z9, 3, Y9, 2.5, 3.0, &loss, g, 3), NCD_OK);
  ck_assert_close(loss, 149191.0 / 24576.0, 1e-15, 0);
  for (int j = 0; j < 18; j++) ck_assert_close(g[j], g2[j], 4e-16, 0);
}
END_TEST

START_TEST(tiny_loss_needs_log1p) {
  /* spec 2.2: z = (0, -50, -60), y = 0; loss = log1p(t), t = e^-50 + e^-60,
   * log1p(t) = t to 1e-22 relative; the naive log(sum) gives 0. */
  double z[3] = {0, -50, -60}, loss, g[3];
  int32_t y = 0;
  long double t = expl(-50.0L) + expl(-60.0L);
  ck_assert_status(ncd_ce_loss(1, 3, z, 3, &y, &loss, g, 3), NCD_OK);
  ck_assert(loss > 0);
  ck_assert_close(loss, (double)t, 4e-16, 0);
  /* true-class gradient is -t/(1+t), not p - 1 = 0 */
  ck_assert_close(g[0], -(double)t, 4e-16, 0);
  ck_assert_close(g[1], exp(-50.0), 4e-16, 0);
}
END_TEST

START_TEST(extreme_logits) {
  /* spec 2.2: z = (1e300, 0, -1e300) -> p = (1, 0, 0), lp = (0, -1e300, -2e300),
   * CE for y = 0, 1, 2: 0, 1e300, 2e300, all exact. */
  double z[3] = {1e300, 0, -1e300}, p[3], lp[3], loss, g[3];
  ck_assert_status(ncd_softmax(1, 3, z, 3, p, 3), NCD_OK);
  ck_assert(p[0] == 1.0 && p[1] == 0.0 && p[2] == 0.0);
  ck_assert_status(ncd_log_softmax(1, 3, z, 3, lp, 3), NCD_OK);
  ck_assert(lp[0] == 0.0 && lp[1] == -1e300 && lp[2] == -2e300);
  const double want[3] = {0.0, 1e300, 2e300};
  for (int32_t y = 0; y < 3; y++) {
    ck_assert_status(ncd_ce_loss(1, 3, z, 3, &y, &loss, g, 3), NCD_OK);
    ck_assert(loss == want[y]);
    for (int j = 0; j < 3; j++) ck_assert(isfinite(g[j]));
    ck_assert(g[y] == (y == 0 ? 0.0 : -1.0)); /* p_y - 1 */
  }
  /* differences beyond DBL_MAX: -inf log-probability with NCD_OK (spec E7) */
  double z2[2] = {1.7e308, -1.7e308};
  ck_assert_status(ncd_log_softmax(1, 2, z2, 2, lp, 2), NCD_OK);
  ck_assert(lp[0] == 0.0 && isinf(lp[1]) && lp[1] < 0);
  ck_assert_status(ncd_softmax(1, 2, z2, 2, p, 2), NCD_OK);
  ck_assert(p[0] == 1.0 && p[1] == 0.0);
  int32_t y1 = 1; /* the CE is +inf, the correctly rounded value (spec E7) */
  ck_assert_status(ncd_ce_loss(1, 2, z2, 2, &y1, &loss, g, 2), NCD_OK);
  ck_assert(isinf(loss) && loss > 0);
  ck_assert(g[0] == 1.0 && g[1] == -1.0);
  /* an all-equal huge row: uniform */
  double z3[4] = {DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX};
  double p4[4];
  ck_assert_status(ncd_softmax(1, 4, z3, 4, p4, 4), NCD_OK);
  for (int j = 0; j < 4; j++) ck_assert(p4[j] == 0.25);
  int32_t y3 = 2;
  ck_assert_status(ncd_ce_loss(1, 4, z3, 4, &y3, &loss, NULL, 0), NCD_OK);
  ck_assert_close(loss, log(4.0), 1e-15, 0);
}
END_TEST

/* Independent reference: long-double log-sum-exp per row. */
static void ref_rows(size_t n, size_t k, const double *z, const int32_t *y,
                     double *lossv, double *p) {
  long double tot = 0;
  for (size_t i = 0; i < n; i++) {
    const double *r = z + i * k;
    long double mx = r[0], s = 0;
    for (size_t j = 1; j < k; j++) mx = r[j] > mx ? r[j] : mx;
    for (size_t j = 0; j < k; j++) s += expl((long double)r[j] - mx);
    for (size_t j = 0; j < k; j++) p[i * k + j] = (double)(expl((long double)r[j] - mx) / s);
    if (y) tot += logl(s) + mx - r[y[i]];
  }
  if (lossv) *lossv = (double)(tot / (long double)n);
}

START_TEST(random_against_long_double) {
  ncd_test_rng r;
  ncd_test_seed(&r, 11);
  size_t n = 40, k = 7, ld = 9;
  double *z = calloc(n * ld, sizeof *z), *p = calloc(n * ld, sizeof *p);
  double *zc = malloc(n * k * sizeof *zc), *pref = malloc(n * k * sizeof *pref);
  int32_t *y = malloc(n * sizeof *y);
  ncd_test_fill_normal(&r, z, n, k, ld);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++) z[i * ld + j] *= 10, zc[i * k + j] = z[i * ld + j];
  ncd_test_labels(&r, y, n, k);
  double lref, loss;
  ref_rows(n, k, zc, y, &lref, pref);
  ck_assert_status(ncd_ce_loss(n, k, z, ld, y, &loss, NULL, 0), NCD_OK);
  /* |z - M| <= ~60: bound eps (k + 60) ~ 1.5e-14 relative per row (spec 2.2) */
  ck_assert_close(loss, lref, 2e-14, 0);
  ck_assert_status(ncd_softmax(n, k, z, ld, p, ld), NCD_OK);
  for (size_t i = 0; i < n; i++) {
    double s = 0;
    for (size_t j = 0; j < k; j++) {
      ck_assert_close(p[i * ld + j], pref[i * k + j], 2e-14, 1e-300);
      s += p[i * ld + j];
    }
    ck_assert(fabs(s - 1) <= (double)k * DBL_EPSILON); /* spec 2.2 */
  }
  /* in place gives the same bits as out of place */
  double *q = malloc(n * ld * sizeof *q);
  memcpy(q, z, n * ld * sizeof *q);
  ck_assert_status(ncd_softmax(n, k, q, ld, q, ld), NCD_OK);
  for (size_t i = 0; i < n; i++) ck_assert(memcmp(q + i * ld, p + i * ld, k * sizeof *q) == 0);
  double *lp = malloc(n * ld * sizeof *lp);
  memcpy(q, z, n * ld * sizeof *q);
  ck_assert_status(ncd_log_softmax(n, k, z, ld, lp, ld), NCD_OK);
  ck_assert_status(ncd_log_softmax(n, k, q, ld, q, ld), NCD_OK);
  for (size_t i = 0; i < n; i++) {
    ck_assert(memcmp(q + i * ld, lp + i * ld, k * sizeof *q) == 0);
    for (size_t j = 0; j < k; j++)
      ck_assert_close(exp(lp[i * ld + j]), pref[i * k + j], 2e-14, 1e-300);
  }
  free(z); free(p); free(zc); free(pref); free(y); free(q); free(lp);
}
END_TEST

START_TEST(row_shift_invariance) {
  /* spec section 8: dyadic logits and integer shifts per row -> bit-identical
   * CE loss, p, lp and g. */
  ncd_test_rng r;
  ncd_test_seed(&r, 5);
  size_t n = 25, k = 5;
  double z[125], zs[125], a[125], b[125], la, lb, ga[125], gb[125];
  int32_t y[25];
  for (size_t i = 0; i < n; i++) {
    double shift = floor(ncd_test_uniform(&r) * 200) - 100;
    for (size_t j = 0; j < k; j++) {
      z[i * k + j] = floor(ncd_test_uniform(&r) * 1024 - 512) / 64;
      zs[i * k + j] = z[i * k + j] + shift;
    }
  }
  ncd_test_labels(&r, y, n, k);
  ck_assert_status(ncd_softmax(n, k, z, k, a, k), NCD_OK);
  ck_assert_status(ncd_softmax(n, k, zs, k, b, k), NCD_OK);
  ck_assert(memcmp(a, b, sizeof a) == 0);
  ck_assert_status(ncd_log_softmax(n, k, z, k, a, k), NCD_OK);
  ck_assert_status(ncd_log_softmax(n, k, zs, k, b, k), NCD_OK);
  ck_assert(memcmp(a, b, sizeof a) == 0);
  ck_assert_status(ncd_ce_loss(n, k, z, k, y, &la, ga, k), NCD_OK);
  ck_assert_status(ncd_ce_loss(n, k, zs, k, y, &lb, gb, k), NCD_OK);
  ck_assert(la == lb);
  ck_assert(memcmp(ga, gb, sizeof ga) == 0);
  for (size_t i = 0; i < n; i++) { /* rows of G sum to 0 (spec section 8) */
    double s = 0;
    for (size_t j = 0; j < k; j++) s += ga[i * k + j];
    ck_assert(fabs(s) <= 4 * DBL_EPSILON / (double)n);
  }
}
END_TEST

/* Central differences (spec section 8): h = eps^(1/3) max(1, |z|), divided by
 * the actual step; |g_fd - g|_inf <= 1e-7 max(1, |g|_inf). */
static void fd_check(int mse, double alpha, double m) {
  ncd_test_rng r;
  ncd_test_seed(&r, 21 + (uint64_t)mse);
  size_t n = 8, k = 4;
  double z[32], g[32], zp[32];
  int32_t y[8];
  ncd_test_fill_normal(&r, z, n, k, k);
  ncd_test_labels(&r, y, n, k);
  double loss;
  if (mse)
    ck_assert_status(ncd_mse_loss(n, k, z, k, y, alpha, m, &loss, g, k), NCD_OK);
  else
    ck_assert_status(ncd_ce_loss(n, k, z, k, y, &loss, g, k), NCD_OK);
  double err = 0, gmax = ncd_test_maxabs(g, k, n, k);
  for (size_t e = 0; e < n * k; e++) {
    double h = cbrt(DBL_EPSILON) * fmax(1, fabs(z[e])), fp, fm;
    memcpy(zp, z, sizeof z);
    zp[e] = z[e] + h;
    double up = zp[e];
    if (mse) ncd_mse_loss(n, k, zp, k, y, alpha, m, &fp, NULL, 0);
    else ncd_ce_loss(n, k, zp, k, y, &fp, NULL, 0);
    zp[e] = z[e] - h;
    double dn = zp[e];
    if (mse) ncd_mse_loss(n, k, zp, k, y, alpha, m, &fm, NULL, 0);
    else ncd_ce_loss(n, k, zp, k, y, &fm, NULL, 0);
    err = fmax(err, fabs((fp - fm) / (up - dn) - g[e]));
  }
  ck_assert_msg(err <= 1e-7 * fmax(1, gmax), "fd error %g", err);
}

START_TEST(fd_gradients) {
  fd_check(0, 1, 1);
  fd_check(1, 1, 1);
  fd_check(1, 2.5, 3);
  fd_check(1, 0.25, 7);
}
END_TEST

START_TEST(mse_zero_at_target) {
  /* spec section 8: L = 0 iff Z = mY */
  double z[6] = {0, 3, 0, 3, 0, 0}, loss, g[6];
  int32_t y[2] = {1, 0};
  ck_assert_status(ncd_mse_loss(2, 3, z, 3, y, 2.0, 3.0, &loss, g, 3), NCD_OK);
  ck_assert(loss == 0.0);
  for (int j = 0; j < 6; j++) ck_assert(g[j] == 0.0);
  /* hand case: one off-class residual of 1 and a true-class residual -1:
   * loss = (1/(2*2)) (alpha * 1 + 1) */
  z[0] = 1;
  z[1] = 2;
  ck_assert_status(ncd_mse_loss(2, 3, z, 3, y, 2.0, 3.0, &loss, g, 3), NCD_OK);
  ck_assert(loss == 0.75);
  ck_assert(g[0] == 0.5 && g[1] == -1.0 && g[2] == 0.0);
}
END_TEST

START_TEST(float32_twins) {
  ncd_test_rng r;
  ncd_test_seed(&r, 8);
  size_t n = 300, k = 6; /* several conversion blocks? one; the ld is wider */
  size_t ld = 7;
  float *zf = calloc(n * ld, sizeof *zf), *pf = calloc(n * ld, sizeof *pf);
  double *zd = malloc(n * k * sizeof *zd), *pd = malloc(n * k * sizeof *pd);
  int32_t *y = malloc(n * sizeof *y);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++) {
      zf[i * ld + j] = (float)(5 * ncd_test_normal(&r));
      zd[i * k + j] = zf[i * ld + j]; /* exact */
    }
  ncd_test_labels(&r, y, n, k);
  /* each float output is the double result rounded once: within 1 float ulp
   * of the double route (0.5 ulp rounding + the double error) */
  ck_assert_status(ncd_softmax(n, k, zd, k, pd, k), NCD_OK);
  ck_assert_status(ncd_softmax_f32(n, k, zf, ld, pf, ld), NCD_OK);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++)
      ck_assert(fabs(pf[i * ld + j] - pd[i * k + j]) <= FLT_EPSILON * fabs(pd[i * k + j]));
  ck_assert_status(ncd_log_softmax(n, k, zd, k, pd, k), NCD_OK);
  ck_assert_status(ncd_log_softmax_f32(n, k, zf, ld, pf, ld), NCD_OK);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++)
      ck_assert(fabs(pf[i * ld + j] - pd[i * k + j]) <= FLT_EPSILON * fabs(pd[i * k + j]));
  double ld_, lf;
  ck_assert_status(ncd_ce_loss(n, k, zd, k, y, &ld_, pd, k), NCD_OK);
  ck_assert_status(ncd_ce_loss_f32(n, k, zf, ld, y, &lf, pf, ld), NCD_OK);
  ck_assert(lf == ld_); /* same double computation on exactly the same values */
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++) ck_assert(pf[i * ld + j] == (float)pd[i * k + j]);
  ck_assert_status(ncd_mse_loss(n, k, zd, k, y, 2.0, 3.0, &ld_, pd, k), NCD_OK);
  ck_assert_status(ncd_mse_loss_f32(n, k, zf, ld, y, 2.0, 3.0, &lf, NULL, 0), NCD_OK);
  ck_assert(lf == ld_);
  ck_assert_status(ncd_mse_loss_f32(n, k, zf, ld, y, 2.0, 3.0, &lf, pf, ld), NCD_OK);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++) ck_assert(pf[i * ld + j] == (float)pd[i * k + j]);
  /* in place */
  ck_assert_status(ncd_softmax(n, k, zd, k, pd, k), NCD_OK);
  ck_assert_status(ncd_softmax_f32(n, k, zf, ld, zf, ld), NCD_OK);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < k; j++) ck_assert(zf[i * ld + j] == (float)pd[i * k + j]);
  free(zf); free(pf); free(zd); free(pd); free(y);
}
END_TEST

START_TEST(bad_input) {
  double z[6] = {0, 1, 2, 3, 4, 5}, p[6], loss = 42, g[6];
  int32_t y[2] = {0, 2};
  ck_assert_status(ncd_softmax(2, 3, NULL, 3, p, 3), NCD_EINVAL);
  ck_assert_status(ncd_softmax(2, 3, z, 3, NULL, 3), NCD_EINVAL);
  ck_assert_status(ncd_softmax(0, 3, z, 3, p, 3), NCD_EINVAL);
  ck_assert_status(ncd_softmax(2, 0, z, 3, p, 3), NCD_EINVAL);
  ck_assert_status(ncd_softmax(2, 3, z, 2, p, 3), NCD_EINVAL);
  ck_assert_status(ncd_log_softmax(2, 3, z, 3, p, 2), NCD_EINVAL);
  ck_assert_status(ncd_softmax(SIZE_MAX, 3, z, 3, p, 3), NCD_EINVAL);
  ck_assert_status(ncd_ce_loss(2, 3, z, 3, NULL, &loss, g, 3), NCD_EINVAL);
  ck_assert_status(ncd_ce_loss(2, 3, z, 3, y, NULL, g, 3), NCD_EINVAL);
  ck_assert_status(ncd_ce_loss(2, 3, z, 3, y, &loss, g, 2), NCD_EINVAL);
  ck_assert_status(ncd_ce_loss(2, SIZE_MAX, z, SIZE_MAX, y, &loss, NULL, 0), NCD_EINVAL);
  y[1] = 3;
  ck_assert_status(ncd_ce_loss(2, 3, z, 3, y, &loss, g, 3), NCD_EINVAL);
  ck_assert_status(ncd_mse_loss(2, 3, z, 3, y, 1, 1, &loss, g, 3), NCD_EINVAL);
  y[1] = -1;
  ck_assert_status(ncd_ce_loss(2, 3, z, 3, y, &loss, g, 3), NCD_EINVAL);
  y[1] = 2;
  const double bad[] = {0.0, -1.0, NAN, INFINITY, -INFINITY};
  for (int i = 0; i < 5; i++) {
    ck_assert_status(ncd_mse_loss(2, 3, z, 3, y, bad[i], 1, &loss, g, 3), NCD_EINVAL);
    ck_assert_status(ncd_mse_loss(2, 3, z, 3, y, 1, bad[i], &loss, g, 3), NCD_EINVAL);
  }
  /* argument errors come before the data scan */
  z[4] = NAN;
  ck_assert_status(ncd_mse_loss(2, 3, z, 3, y, -1, 1, &loss, g, 3), NCD_EINVAL);
  ck_assert_status(ncd_softmax(2, 3, z, 3, p, 3), NCD_ENONFINITE);
  ck_assert_status(ncd_log_softmax(2, 3, z, 3, p, 3), NCD_ENONFINITE);
  ck_assert_status(ncd_ce_loss(2, 3, z, 3, y, &loss, g, 3), NCD_ENONFINITE);
  ck_assert_status(ncd_mse_loss(2, 3, z, 3, y, 1, 1, &loss, g, 3), NCD_ENONFINITE);
  z[4] = -INFINITY;
  ck_assert_status(ncd_ce_loss(2, 3, z, 3, y, &loss, NULL, 0), NCD_ENONFINITE);
  ck_assert(loss == 42);
  float zf[6] = {0, 1, 2, 3, INFINITY, 5}, pf[6];
  ck_assert_status(ncd_softmax_f32(2, 3, zf, 3, pf, 3), NCD_ENONFINITE);
  ck_assert_status(ncd_ce_loss_f32(2, 3, zf, 3, y, &loss, pf, 3), NCD_ENONFINITE);
  ck_assert_status(ncd_ce_loss_f32(2, 3, zf, 2, y, &loss, pf, 3), NCD_EINVAL);
  ck_assert_status(ncd_mse_loss_f32(2, 3, zf, 3, y, NAN, 1, &loss, pf, 3), NCD_EINVAL);
  ck_assert_status(ncd_log_softmax_f32(2, 3, NULL, 3, pf, 3), NCD_EINVAL);
}
END_TEST

Suite *suite_losses_losses(void) {
  Suite *s = suite_create("losses_losses");
  TCase *tc = tcase_create("losses");
  tcase_add_test(tc, spec_vectors_ce);
  tcase_add_test(tc, spec_vectors_mse);
  tcase_add_test(tc, tiny_loss_needs_log1p);
  tcase_add_test(tc, extreme_logits);
  tcase_add_test(tc, random_against_long_double);
  tcase_add_test(tc, row_shift_invariance);
  tcase_add_test(tc, fd_gradients);
  tcase_add_test(tc, mse_zero_at_target);
  tcase_add_test(tc, float32_twins);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}

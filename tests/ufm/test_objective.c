/*
 * test_objective.c - ncd_ufm_objective and ncd_ufm_jvp (spec/ufm.md U-5 ..
 * U-7): the test vectors of spec section 9, central finite differences of every
 * gradient block (CE, MSE, rescaled MSE, all lambdas nonzero, bias on/off), a
 * naive reference on a problem spanning several row blocks, zero allocations
 * per call, the object's parameters (validation, unchanged on error), bad input.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "core/core_internal.h"
#include "ufm_testdata.h"

static ncd_ufm *make9(int loss, double alpha, double m) {
  ncd_ufm *u = NULL;
  ck_assert_status(ncd_ufm_create(6, 4, 3, UFM9_Y, &u), NCD_OK);
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_LOSS, loss), NCD_OK);
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_LAMBDA_W, UFM9_LW), NCD_OK);
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_LAMBDA_H, UFM9_LH), NCD_OK);
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_LAMBDA_B, UFM9_LB), NCD_OK);
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_ALPHA, alpha), NCD_OK);
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_M, m), NCD_OK);
  return u;
}

/* spec 9 vectors; tolerance 1e-13 relative on f and 1e-13 max|ref| on the
 * gradient entries (spec 2.2: the CE values are correctly rounded to ~1e-16;
 * the GEMM sums add a few ulps). H is passed with ld 5 to test strides. */
static void check9(int loss, double alpha, double m, double fref, const double *dw,
                   const double *dh, const double *db) {
  ncd_ufm *u = make9(loss, alpha, m);
  double h5[30], f, gw[12], gh[30], gb[3];
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 5; j++) h5[i * 5 + j] = j < 4 ? UFM9_H[i * 4 + j] : NAN;
  ck_assert_status(ncd_ufm_objective(u, UFM9_W, 4, h5, 5, UFM9_B, &f, gw, 4, gh, 5, gb),
                   NCD_OK);
  ck_assert_close(f, fref, 1e-13, 0);
  ck_assert(ncd_test_maxdiff(gw, 4, dw, 4, 3, 4) <= 1e-13 * ncd_test_maxabs(dw, 4, 3, 4));
  ck_assert(ncd_test_maxdiff(gh, 5, dh, 4, 6, 4) <= 1e-13 * ncd_test_maxabs(dh, 4, 6, 4));
  ck_assert(ncd_test_maxdiff(gb, 3, db, 3, 1, 3) <= 1e-13 * ncd_test_maxabs(db, 3, 1, 3));
  double f2;
  ck_assert_status(ncd_ufm_objective(u, UFM9_W, 4, h5, 5, UFM9_B, &f2, NULL, 0, NULL, 0,
                                     NULL), NCD_OK);
  ck_assert(f2 == f);
  ncd_ufm_free(u);
}

START_TEST(spec_vectors) {
  static const double ce_dw[12] = {
      -0.096859320836305298, -0.053033296051873721, 0.069275151732506101,
      0.048318997583465154,  0.028925173273342876,  0.1066461603212448,
      -0.23393164093520978,  -0.093691466618332252, 0.083559147562962422,
      -0.026269114269371078, 0.20762523920270368,   0.041466219034867098};
  static const double ce_dh[24] = {
      0.011164534494773392,  0.00049469742352298848, -0.010114589154398342,
      -0.0054385725597253807, -0.025859595060363878, -0.0063070359880293719,
      0.041904678673743187,  -0.010280660478989191,  0.035575275419351389,
      -0.07934127482022375,  0.056572836019082037,   0.052680205056225456,
      0.13393460288086667,   -0.25238945161748699,   0.13399008461158584,
      0.20716497467677779,   -0.020303507960234789,  -0.012459706617288718,
      0.049909876434251955,  -0.021855869548766307,  -0.0011116819574324032,
      0.0043897257122820926, -0.013521154709311281,  0.007971227630741378};
  static const double ce_db[3] = {-0.041835989722479816, -0.16539224690426705,
                                  0.22675948662674687};
  check9(NCD_LOSS_CE, 1, 1, 0.97293542991584102, ce_dw, ce_dh, ce_db);
  static const double m_dw[12] = {
      0.25065104166666667, 0.17122395833333333, -0.28190104166666667,
      -0.017252604166666667, -0.39453125, 0.76041666666666667, -0.42838541666666667,
      -0.74348958333333333, -0.012369791666666667, -0.62760416666666667, 0.89453125,
      0.38606770833333333};
  static const double m_dh[24] = {
      0.14583333333333333,  -0.41471354166666667, 0.185546875,          0.283203125,
      0.061848958333333333, 0.01171875,           -0.11848958333333333, 0.019205729166666667,
      -0.13020833333333333, -0.029296875,         0.30143229166666667,  -0.048177083333333333,
      0.26236979166666667,  -0.568359375,         0.36979166666666667,  0.44401041666666667,
      0.077473958333333333, 0.018880208333333333, -0.063151041666666667, 0.0081380208333333333,
      0.10221354166666667,  -0.43098958333333333, 0.13932291666666667,  0.28873697916666667};
  static const double m_db[3] = {-0.15104166666666667, -0.79557291666666667,
                                 0.83854166666666667};
  check9(NCD_LOSS_MSE, 1, 1, 1.7908732096354167, m_dw, m_dh, m_db);
  static const double r_dw[12] = {
      -1.6315104166666667, -0.39811197916666667, 0.28743489583333333, 0.3515625,
      -0.41015625,         1.259765625,          -2.5436197916666667, -1.09375,
      -0.130859375,        0.61653645833333333,  0.20638020833333333, -0.40234375};
  static const double r_dh[24] = {
      0.013671875,          -0.084309895833333333, -0.47526041666666667, 0.018880208333333333,
      -0.51334635416666667, -0.37174479166666667,  0.0732421875,         -0.07666015625,
      0.18880208333333333,  -0.66731770833333333,  0.062174479166666667, 0.43033854166666667,
      0.92122395833333333,  -1.8860677083333333,   -0.12434895833333333, 1.4322916666666667,
      -0.48014322916666667, -0.35286458333333333,  0.12272135416666667,  -0.084798177083333333,
      -0.043619791666666667, -0.06640625,          -0.58984375,          -0.0029296875};
  static const double r_db[3] = {-1.6614583333333333, -2.7513020833333333, -0.2734375};
  check9(NCD_LOSS_MSE, 2.5, 3, 6.2657877604166667, r_dw, r_dh, r_db);
}
END_TEST

START_TEST(jvp_spec_vector) {
  /* spec 9 JVP: dyadic data, so a is exact (bit-for-bit). */
  static const double dw[12] = {0.25, -0.5, 0.125, 0, 0, 0.375, -0.25, 0.5,
                                -0.125, 0.25, 0.5, -0.375};
  static const double dh[24] = {0.125, 0, -0.25, 0.5, -0.5, 0.25, 0, 0.125,
                                0.25, 0.375, -0.125, 0, 0, -0.25, 0.5, 0.25,
                                0.375, 0.125, 0.25, -0.5, -0.25, 0.5, 0, 0.375};
  static const double db[3] = {0.5, -0.25, 0.125};
  static const double aref[18] = {1.5625, -1.3125, 0, 0.203125, 0.53125, -0.390625,
                                  0.75, -0.765625, 0.953125, 0.75, -0.5625, 1.078125,
                                  0.9375, 0, 0.1875, 1.109375, 0.15625, -0.453125};
  static const double dhdw[18] = {0, 0.3125, -0.328125, -0.25, 0.15625, 0.078125,
                                  -0.140625, 0.171875, 0, 0.1875, -0.09375, 0.09375,
                                  0.0625, -0.265625, 0.296875, -0.3125, 0.375, 0.015625};
  ncd_ufm *u = make9(NCD_LOSS_CE, 1, 1);
  double a[24];
  ck_assert_status(ncd_ufm_jvp(u, UFM9_W, 4, UFM9_H, 4, dw, 4, dh, 4, db, a, 4), NCD_OK);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 3; j++) ck_assert(a[i * 4 + j] == aref[i * 3 + j]);
  /* only the dW block / only the dH block: the pieces add up to a - 1 db^T */
  double a1[18], a2[18];
  ck_assert_status(ncd_ufm_jvp(u, UFM9_W, 4, UFM9_H, 4, dw, 4, NULL, 0, NULL, a1, 3), NCD_OK);
  ck_assert_status(ncd_ufm_jvp(u, UFM9_W, 4, UFM9_H, 4, NULL, 0, dh, 4, NULL, a2, 3), NCD_OK);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 3; j++) ck_assert(a1[i * 3 + j] + a2[i * 3 + j] + db[j] == aref[i * 3 + j]);
  /* U-7: Z(tau) = Z + tau a + tau^2 dH dW^T exactly; check with tau = 1/4 on
   * the naive logits of the moved point (all dyadic, so exact) */
  double w2[12], h2[24], b2[3], z0[18], z1[18];
  for (int i = 0; i < 12; i++) w2[i] = UFM9_W[i] + 0.25 * dw[i];
  for (int i = 0; i < 24; i++) h2[i] = UFM9_H[i] + 0.25 * dh[i];
  for (int i = 0; i < 3; i++) b2[i] = UFM9_B[i] + 0.25 * db[i];
  ncd_test_naive_gemm(0, 1, 6, 3, 4, 1.0, UFM9_H, 4, UFM9_W, 4, 0.0, z0, 3);
  ncd_test_naive_gemm(0, 1, 6, 3, 4, 1.0, h2, 4, w2, 4, 0.0, z1, 3);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 3; j++) {
      double lhs = (z1[i * 3 + j] + b2[j]) - (z0[i * 3 + j] + UFM9_B[j]);
      ck_assert(lhs == 0.25 * aref[i * 3 + j] + 0.0625 * dhdw[i * 3 + j]);
    }
  /* bias off: db ignored */
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_BIAS, 0), NCD_OK);
  ck_assert_status(ncd_ufm_jvp(u, UFM9_W, 4, UFM9_H, 4, dw, 4, dh, 4, db, a, 3), NCD_OK);
  for (int i = 0; i < 18; i++) ck_assert(a[i] == a1[i] + a2[i]);
  /* bad input */
  ck_assert_status(ncd_ufm_jvp(NULL, UFM9_W, 4, UFM9_H, 4, dw, 4, dh, 4, db, a, 3), NCD_EINVAL);
  ck_assert_status(ncd_ufm_jvp(u, UFM9_W, 4, UFM9_H, 4, dw, 4, dh, 4, db, a, 2), NCD_EINVAL);
  ck_assert_status(ncd_ufm_jvp(u, UFM9_W, 4, UFM9_H, 4, dw, 3, dh, 4, db, a, 3), NCD_EINVAL);
  ck_assert_status(ncd_ufm_jvp(u, UFM9_W, 4, UFM9_H, 4, dw, 4, dh, 4, db, NULL, 3), NCD_EINVAL);
  double dwn[12];
  memcpy(dwn, dw, sizeof dwn);
  dwn[5] = NAN;
  ck_assert_status(ncd_ufm_jvp(u, UFM9_W, 4, UFM9_H, 4, dwn, 4, dh, 4, db, a, 3), NCD_ENONFINITE);
  ncd_ufm_free(u);
}
END_TEST

/* Central differences of f over every parameter (spec section 8): h =
 * eps^(1/3) max(1, |theta|), divided by the actual step; require |fd - g|_inf
 * <= 1e-7 max(1, |g|_inf) per block. */
static void fd_case(int loss, double alpha, double m, int bias, uint64_t seed) {
  size_t n = 9, d = 4, k = 3;
  ncd_test_rng r;
  ncd_test_seed(&r, seed);
  int32_t y[9];
  ncd_test_labels(&r, y, n, k);
  ncd_ufm *u = NULL;
  ck_assert_status(ncd_ufm_create(n, d, k, y, &u), NCD_OK);
  ncd_ufm_set(u, NCD_UFM_LOSS, loss);
  ncd_ufm_set(u, NCD_UFM_ALPHA, alpha);
  ncd_ufm_set(u, NCD_UFM_M, m);
  ncd_ufm_set(u, NCD_UFM_LAMBDA_W, 0.3);
  ncd_ufm_set(u, NCD_UFM_LAMBDA_H, 0.07);
  ncd_ufm_set(u, NCD_UFM_LAMBDA_B, 0.2);
  ncd_ufm_set(u, NCD_UFM_BIAS, bias);
  double th[12 + 36 + 3], g[12 + 36 + 3];
  ncd_test_fill_normal(&r, th, 1, 51, 51);
  double *w = th, *h = th + 12, *b = th + 48, f;
  ck_assert_status(ncd_ufm_objective(u, w, 4, h, 4, b, &f, g, 4, g + 12, 4, g + 48), NCD_OK);
  size_t np = bias ? 51 : 48;
  if (!bias)
    for (int j = 0; j < 3; j++) ck_assert(g[48 + j] == 0.0);
  const size_t lo[3] = {0, 12, 48}, hi[3] = {12, 48, 51};
  for (int blk = 0; blk < 3; blk++) {
    if (lo[blk] >= np) break;
    double err = 0, gmax = 0;
    for (size_t e = lo[blk]; e < hi[blk]; e++) {
      double t = th[e], hstep = cbrt(DBL_EPSILON) * fmax(1, fabs(t)), fp, fm;
      th[e] = t + hstep;
      double up = th[e];
      ncd_ufm_objective(u, w, 4, h, 4, b, &fp, NULL, 0, NULL, 0, NULL);
      th[e] = t - hstep;
      double dn = th[e];
      ncd_ufm_objective(u, w, 4, h, 4, b, &fm, NULL, 0, NULL, 0, NULL);
      th[e] = t;
      err = fmax(err, fabs((fp - fm) / (up - dn) - g[e]));
      gmax = fmax(gmax, fabs(g[e]));
    }
    ck_assert_msg(err <= 1e-7 * fmax(1, gmax), "loss %d alpha %g bias %d block %d: fd err %g",
                  loss, alpha, bias, blk, err);
  }
  ncd_ufm_free(u);
}

START_TEST(fd_all_blocks) {
  for (int bias = 0; bias <= 1; bias++) {
    fd_case(NCD_LOSS_CE, 1, 1, bias, 31);
    fd_case(NCD_LOSS_MSE, 1, 1, bias, 32);
    fd_case(NCD_LOSS_MSE, 2.5, 3, bias, 33);
    fd_case(NCD_LOSS_MSE, 0.5, 0.75, bias, 34);
  }
}
END_TEST

/* Several row blocks (n = 1000, d = 700: blocks of 374 rows) against the naive
 * route: naive GEMMs + ncd_ce_loss / ncd_mse_loss. 1e-12 relative: both sums
 * are well conditioned at this size. Also: no allocation per call. */
START_TEST(blocked_vs_naive_and_no_alloc) {
  size_t n = 1000, d = 700, k = 5, ldh = 703;
  ncd_test_rng r;
  ncd_test_seed(&r, 41);
  int32_t *y = malloc(n * sizeof *y);
  double *h = malloc(n * ldh * sizeof *h), *w = malloc(k * d * sizeof *w), b[5];
  double *z = malloc(n * k * sizeof *z), *g = malloc(n * k * sizeof *g);
  double *gw = malloc(k * d * sizeof *gw), *gh = malloc(n * d * sizeof *gh), gb[5];
  double *rw = malloc(k * d * sizeof *rw), *rh = malloc(n * d * sizeof *rh), rb[5];
  ncd_test_labels(&r, y, n, k);
  ncd_test_fill_normal(&r, h, n, d, ldh);
  ncd_test_fill_normal(&r, w, k, d, d);
  ncd_test_fill_normal(&r, b, 1, k, k);
  for (size_t i = 0; i < k * d; i++) w[i] *= 0.05;
  for (int loss = 0; loss <= 1; loss++) {
    ncd_ufm *u = NULL;
    ck_assert_status(ncd_ufm_create(n, d, k, y, &u), NCD_OK);
    ncd_ufm_set(u, NCD_UFM_LOSS, loss);
    ncd_ufm_set(u, NCD_UFM_ALPHA, 1.5);
    ncd_ufm_set(u, NCD_UFM_M, 2);
    ncd_ufm_set(u, NCD_UFM_LAMBDA_W, 0.01);
    ncd_ufm_set(u, NCD_UFM_LAMBDA_H, 0.002);
    ncd_ufm_set(u, NCD_UFM_LAMBDA_B, 0.03);
    double f, fref, l;
    ncd_test_naive_gemm(0, 1, n, k, d, 1.0, h, ldh, w, d, 0.0, z, k);
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < k; j++) z[i * k + j] += b[j];
    if (loss) ck_assert_status(ncd_mse_loss(n, k, z, k, y, 1.5, 2, &l, g, k), NCD_OK);
    else ck_assert_status(ncd_ce_loss(n, k, z, k, y, &l, g, k), NCD_OK);
    long double sw = 0, sh = 0, sb = 0;
    for (size_t i = 0; i < k * d; i++) sw += (long double)w[i] * w[i];
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < d; j++) sh += (long double)h[i * ldh + j] * h[i * ldh + j];
    for (size_t j = 0; j < k; j++) sb += (long double)b[j] * b[j];
    fref = l + (double)(0.005L * sw + 0.001L * sh + 0.015L * sb);
    ncd_test_naive_gemm(1, 0, k, d, n, 1.0, g, k, h, ldh, 0.0, rw, d);
    for (size_t i = 0; i < k * d; i++) rw[i] += 0.01 * w[i];
    ncd_test_naive_gemm(0, 0, n, d, k, 1.0, g, k, w, d, 0.0, rh, d);
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < d; j++) rh[i * d + j] += 0.002 * h[i * ldh + j];
    for (size_t j = 0; j < k; j++) {
      rb[j] = 0.03 * b[j];
      for (size_t i = 0; i < n; i++) rb[j] += g[i * k + j];
    }
    ncd__alloc_reset_counters();
    ck_assert_status(ncd_ufm_objective(u, w, d, h, ldh, b, &f, gw, d, gh, d, gb), NCD_OK);
    ncd__alloc_counters c;
    ncd__alloc_get_counters(&c);
    ck_assert_uint_eq(c.calls, 0); /* the workspace is the object's */
    ck_assert_close(f, fref, 1e-12, 0);
    ck_assert(ncd_test_maxdiff(gw, d, rw, d, k, d) <= 1e-12 * ncd_test_maxabs(rw, d, k, d));
    ck_assert(ncd_test_maxdiff(gh, d, rh, d, n, d) <= 1e-12 * ncd_test_maxabs(rh, d, n, d));
    ck_assert(ncd_test_maxdiff(gb, k, rb, k, 1, k) <= 1e-12 * ncd_test_maxabs(rb, k, 1, k));
    ncd_ufm_free(u);
  }
  free(y); free(h); free(w); free(z); free(g); free(gw); free(gh); free(rw); free(rh);
}
END_TEST

START_TEST(parameters) {
  ncd_ufm *u = make9(NCD_LOSS_CE, 1, 1);
  double v;
  /* defaults of api.md */
  ncd_ufm *d0 = NULL;
  ck_assert_status(ncd_ufm_create(6, 4, 3, UFM9_Y, &d0), NCD_OK);
  const double def[12] = {NCD_LOSS_CE, 0, 0, 0, 1, 1, 1, 0.1, 0, NCD_STEP_FIXED, 1, 1};
  for (int p = 0; p < 12; p++) {
    ck_assert_status(ncd_ufm_get(d0, (ncd_ufm_param)p, &v), NCD_OK);
    ck_assert(v == def[p]);
  }
  for (int s = 0; s < 8; s++) {
    ck_assert_status(ncd_ufm_get_stat(d0, (ncd_ufm_stat)s, &v), NCD_OK);
    ck_assert(s == NCD_STAT_STEP ? v == 0 : isnan(v));
  }
  ncd_ufm_free(d0);
  struct { int p; double bad; } cases[] = {
      {NCD_UFM_LOSS, 2},        {NCD_UFM_LOSS, 0.5},      {NCD_UFM_LOSS, -1},
      {NCD_UFM_LAMBDA_W, -1e-9}, {NCD_UFM_LAMBDA_H, NAN}, {NCD_UFM_LAMBDA_B, INFINITY},
      {NCD_UFM_ALPHA, 0},       {NCD_UFM_M, -2},          {NCD_UFM_M, INFINITY},
      {NCD_UFM_BIAS, 0.5},      {NCD_UFM_BIAS, 2},        {NCD_UFM_LR, 0},
      {NCD_UFM_LR, NAN},        {NCD_UFM_MOMENTUM, 1},    {NCD_UFM_MOMENTUM, -0.1},
      {NCD_UFM_STEP_POLICY, 4}, {NCD_UFM_STEP_POLICY, 1.5}, {NCD_UFM_CLIP, 0},
      {NCD_UFM_R_TARGET, -1},   {NCD_UFM_R_TARGET, NAN},  {12, 1}, {-1, 0}, {1000, 0}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    double before[12];
    for (int p = 0; p < 12; p++) ncd_ufm_get(u, (ncd_ufm_param)p, &before[p]);
    ck_assert_status(ncd_ufm_set(u, (ncd_ufm_param)cases[c].p, cases[c].bad), NCD_EINVAL);
    for (int p = 0; p < 12; p++) {
      ncd_ufm_get(u, (ncd_ufm_param)p, &v);
      ck_assert(v == before[p]);
    }
  }
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_STEP_POLICY, NCD_STEP_GHOST_SET), NCD_OK);
  ck_assert_status(ncd_ufm_get(u, NCD_UFM_STEP_POLICY, &v), NCD_OK);
  ck_assert(v == 3);
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_MOMENTUM, 0.99), NCD_OK);
  ck_assert_status(ncd_ufm_set(NULL, NCD_UFM_LR, 1), NCD_EINVAL);
  ck_assert_status(ncd_ufm_get(u, NCD_UFM_LR, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ufm_get(u, (ncd_ufm_param)12, &v), NCD_EINVAL);
  ck_assert_status(ncd_ufm_get_stat(u, (ncd_ufm_stat)8, &v), NCD_EINVAL);
  ck_assert_status(ncd_ufm_get_stat(NULL, NCD_STAT_STEP, &v), NCD_EINVAL);
  ncd_ufm_free(u);
  ncd_ufm_free(NULL);
}
END_TEST

START_TEST(bad_input) {
  ncd_ufm *u = NULL;
  int32_t y[6] = {0, 1, 2, 0, 1, 2};
  ck_assert_status(ncd_ufm_create(6, 4, 3, NULL, &u), NCD_EINVAL);
  ck_assert_status(ncd_ufm_create(6, 4, 3, y, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ufm_create(0, 4, 3, y, &u), NCD_EINVAL);
  ck_assert_status(ncd_ufm_create(6, 0, 3, y, &u), NCD_EINVAL);
  ck_assert_status(ncd_ufm_create(6, 4, 0, y, &u), NCD_EINVAL);
  ck_assert_status(ncd_ufm_create(6, SIZE_MAX, 3, y, &u), NCD_EINVAL);
  ck_assert_status(ncd_ufm_create(6, 4, 4, y, &u), NCD_EINVAL); /* class 3 empty */
  y[2] = 3;
  ck_assert_status(ncd_ufm_create(6, 4, 3, y, &u), NCD_EINVAL);
  y[2] = -1;
  ck_assert_status(ncd_ufm_create(6, 4, 3, y, &u), NCD_EINVAL);
  ck_assert(u == NULL);
  /* allocation failure at each allocation of create */
  for (uint64_t at = 1; at <= 4; at++) {
    ncd__alloc_fail_at(at, 0);
    int st = ncd_ufm_create(6, 4, 3, UFM9_Y, &u);
    ncd__alloc_fail_at(0, 0);
    if (st == NCD_OK) {
      ncd_ufm_free(u);
      u = NULL;
    } else {
      ck_assert_status(st, NCD_ENOMEM);
    }
  }
  u = make9(NCD_LOSS_CE, 1, 1);
  double f = 42, gw[12], gh[24], gb[3], h[24], w[12], b[3];
  memcpy(h, UFM9_H, sizeof h);
  memcpy(w, UFM9_W, sizeof w);
  memcpy(b, UFM9_B, sizeof b);
  ck_assert_status(ncd_ufm_objective(NULL, w, 4, h, 4, b, &f, gw, 4, gh, 4, gb), NCD_EINVAL);
  ck_assert_status(ncd_ufm_objective(u, NULL, 4, h, 4, b, &f, gw, 4, gh, 4, gb), NCD_EINVAL);
  ck_assert_status(ncd_ufm_objective(u, w, 4, NULL, 4, b, &f, gw, 4, gh, 4, gb), NCD_EINVAL);
  ck_assert_status(ncd_ufm_objective(u, w, 4, h, 4, NULL, &f, gw, 4, gh, 4, gb), NCD_EINVAL);
  ck_assert_status(ncd_ufm_objective(u, w, 4, h, 4, b, NULL, gw, 4, gh, 4, gb), NCD_EINVAL);
  ck_assert_status(ncd_ufm_objective(u, w, 3, h, 4, b, &f, gw, 4, gh, 4, gb), NCD_EINVAL);
  ck_assert_status(ncd_ufm_objective(u, w, 4, h, 3, b, &f, gw, 4, gh, 4, gb), NCD_EINVAL);
  ck_assert_status(ncd_ufm_objective(u, w, 4, h, 4, b, &f, gw, 3, gh, 4, gb), NCD_EINVAL);
  ck_assert_status(ncd_ufm_objective(u, w, 4, h, 4, b, &f, gw, 4, gh, 2, gb), NCD_EINVAL);
  ck_assert_status(ncd_ufm_objective(u, w, SIZE_MAX, h, 4, b, &f, gw, 4, gh, 4, gb), NCD_EINVAL);
  h[13] = NAN;
  ck_assert_status(ncd_ufm_objective(u, w, 4, h, 4, b, &f, gw, 4, gh, 4, gb), NCD_ENONFINITE);
  h[13] = 1;
  w[0] = INFINITY;
  ck_assert_status(ncd_ufm_objective(u, w, 4, h, 4, b, &f, NULL, 0, NULL, 0, NULL), NCD_ENONFINITE);
  w[0] = 1;
  b[2] = -INFINITY;
  ck_assert_status(ncd_ufm_objective(u, w, 4, h, 4, b, &f, gw, 4, gh, 4, gb), NCD_ENONFINITE);
  ck_assert(f == 42);
  /* bias off: b may be NULL, and a non-finite b is not read */
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_BIAS, 0), NCD_OK);
  ck_assert_status(ncd_ufm_objective(u, w, 4, h, 4, NULL, &f, gw, 4, gh, 4, gb), NCD_OK);
  double f2;
  ck_assert_status(ncd_ufm_objective(u, w, 4, h, 4, b, &f2, NULL, 0, NULL, 0, NULL), NCD_OK);
  ck_assert(f == f2);
  /* finite but huge features: ||H||^2 overflows, f = +inf, status OK */
  h[0] = 1e200;
  ck_assert_status(ncd_ufm_objective(u, w, 4, h, 4, NULL, &f, NULL, 0, NULL, 0, NULL), NCD_OK);
  ck_assert(isinf(f));
  ncd_ufm_free(u);
}
END_TEST

Suite *suite_ufm_objective(void) {
  Suite *s = suite_create("ufm_objective");
  TCase *tc = tcase_create("objective");
  tcase_add_test(tc, spec_vectors);
  tcase_add_test(tc, jvp_spec_vector);
  tcase_add_test(tc, fd_all_blocks);
  tcase_add_test(tc, blocked_vs_naive_and_no_alloc);
  tcase_add_test(tc, parameters);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}

/*
 * test_curvature.c - ncd_ufm_curvature (spec/ufm.md U-8) against central
 * differences of the exact directional derivative <grad f(theta + tau delta),
 * delta>, and ncd_ufm_smoothness (U-9) against an independent computation and
 * as a bound |curvature| <= L_hat ||delta||^2; GD with lr = 1/L_hat(theta_0)
 * decreases f at every step (spec section 7); bad input.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"

enum { N = 12, D = 5, K = 4, NP = K * D + N * D + K };

typedef struct prob {
  ncd_ufm *u;
  int32_t y[N];
  double th[NP], dl[NP];
} prob;

static void setup(prob *p, int loss, double alpha, double m, int bias, uint64_t seed) {
  ncd_test_rng r;
  ncd_test_seed(&r, seed);
  ncd_test_labels(&r, p->y, N, K);
  p->u = NULL;
  ck_assert_status(ncd_ufm_create(N, D, K, p->y, &p->u), NCD_OK);
  ncd_ufm_set(p->u, NCD_UFM_LOSS, loss);
  ncd_ufm_set(p->u, NCD_UFM_ALPHA, alpha);
  ncd_ufm_set(p->u, NCD_UFM_M, m);
  ncd_ufm_set(p->u, NCD_UFM_LAMBDA_W, 0.05);
  ncd_ufm_set(p->u, NCD_UFM_LAMBDA_H, 0.02);
  ncd_ufm_set(p->u, NCD_UFM_LAMBDA_B, 0.3);
  ncd_ufm_set(p->u, NCD_UFM_BIAS, bias);
  ncd_test_fill_normal(&r, p->th, 1, NP, NP);
  ncd_test_fill_normal(&r, p->dl, 1, NP, NP);
}

#define W(x) (x)
#define H(x) ((x) + K * D)
#define B(x) ((x) + K * D + N * D)

/* <grad f(theta + t delta), delta> from the exact gradients */
static double dirderiv(prob *p, double t) {
  double x[NP], g[NP], f, s = 0;
  for (int i = 0; i < NP; i++) x[i] = p->th[i] + t * p->dl[i];
  ck_assert_status(ncd_ufm_objective(p->u, W(x), D, H(x), D, B(x), &f, W(g), D, H(g), D, B(g)),
                   NCD_OK);
  for (int i = 0; i < NP; i++) s += g[i] * p->dl[i];
  return s;
}

static void curv_case(int loss, double alpha, double m, int bias, uint64_t seed) {
  prob p;
  setup(&p, loss, alpha, m, bias, seed);
  double c;
  ck_assert_status(ncd_ufm_curvature(p.u, W(p.th), D, H(p.th), D, B(p.th), W(p.dl), D,
                                     H(p.dl), D, B(p.dl), &c), NCD_OK);
  /* central difference of the exact first derivative, h = 1e-5: truncation
   * ~h^2 |f''''| ~ 1e-9, rounding ~eps/h ~ 1e-11; tolerance 1e-7 relative */
  double h = 1e-5, fd = (dirderiv(&p, h) - dirderiv(&p, -h)) / (2 * h);
  ck_assert_close(c, fd, 1e-7, 1e-7); /* bias off: gb = 0, so db drops out of both */
  /* U-9 bound along this and 20 other random directions */
  double lhat, n2 = 0;
  ck_assert_status(ncd_ufm_smoothness(p.u, W(p.th), D, H(p.th), D, B(p.th), &lhat), NCD_OK);
  ncd_test_rng r;
  ncd_test_seed(&r, seed + 100);
  for (int t = 0; t < 21; t++) {
    if (t) ncd_test_fill_normal(&r, p.dl, 1, NP, NP);
    n2 = 0;
    for (int i = 0; i < (bias ? NP : K * D + N * D); i++) n2 += p.dl[i] * p.dl[i];
    ck_assert_status(ncd_ufm_curvature(p.u, W(p.th), D, H(p.th), D, B(p.th), W(p.dl), D,
                                       H(p.dl), D, B(p.dl), &c), NCD_OK);
    ck_assert(fabs(c) <= lhat * n2);
  }
  ncd_ufm_free(p.u);
}

START_TEST(curvature_vs_differences) {
  for (int bias = 0; bias <= 1; bias++) {
    curv_case(NCD_LOSS_CE, 1, 1, bias, 1);
    curv_case(NCD_LOSS_MSE, 1, 1, bias, 2);
    curv_case(NCD_LOSS_MSE, 2.5, 3, bias, 3);
    curv_case(NCD_LOSS_MSE, 0.5, 2, bias, 4);
  }
}
END_TEST

/* L_hat by the formula with G from ncd_ce_loss / ncd_mse_loss on naive logits
 * (1e-13 relative: sums of positive terms). */
START_TEST(smoothness_formula) {
  for (int loss = 0; loss <= 1; loss++) {
    prob p;
    setup(&p, loss, 2.5, 3, 1, 7 + (uint64_t)loss);
    double z[N * K], g[N * K], l, lhat;
    ncd_test_naive_gemm(0, 1, N, K, D, 1.0, H(p.th), D, W(p.th), D, 0.0, z, K);
    for (int i = 0; i < N; i++)
      for (int j = 0; j < K; j++) z[i * K + j] += B(p.th)[j];
    if (loss) ncd_mse_loss(N, K, z, K, p.y, 2.5, 3, &l, g, K);
    else ncd_ce_loss(N, K, z, K, p.y, &l, g, K);
    double g2 = 0, h2 = 0, w2 = 0;
    for (int i = 0; i < N * K; i++) g2 += g[i] * g[i];
    for (int i = 0; i < N * D; i++) h2 += H(p.th)[i] * H(p.th)[i];
    for (int i = 0; i < K * D; i++) w2 += W(p.th)[i] * W(p.th)[i];
    double want = (loss ? 2.5 : 0.5) * (h2 + w2 + N) / N + sqrt(g2) + 0.3;
    ck_assert_status(ncd_ufm_smoothness(p.u, W(p.th), D, H(p.th), D, B(p.th), &lhat), NCD_OK);
    ck_assert_close(lhat, want, 1e-13, 0);
    ncd_ufm_free(p.u);
  }
}
END_TEST

static int monotone(ncd_ufm *u, const double *w, const double *h, const double *b, void *ctx) {
  (void)w, (void)h, (void)b;
  double *prev = ctx, f;
  ncd_ufm_get_stat(u, NCD_STAT_OBJECTIVE, &f);
  ck_assert_msg(f <= *prev, "f rose from %.17g to %.17g", *prev, f);
  *prev = f;
  return 0;
}

START_TEST(lr_one_over_lhat_descends) {
  for (int loss = 0; loss <= 1; loss++)
    for (uint64_t seed = 11; seed < 13; seed++) {
      prob p;
      setup(&p, loss, 1, 1, 1, seed);
      double lhat, prev = INFINITY;
      ck_assert_status(ncd_ufm_smoothness(p.u, W(p.th), D, H(p.th), D, B(p.th), &lhat),
                       NCD_OK);
      ncd_ufm_set(p.u, NCD_UFM_LR, 1 / lhat);
      ck_assert_status(ncd_ufm_train(p.u, 300, W(p.th), D, H(p.th), D, B(p.th), monotone,
                                     &prev), NCD_OK);
      ncd_ufm_free(p.u);
    }
}
END_TEST

/* spec section 8 "Strict saddles" 1: at W = H = 0 (b = 1/(K(1+lambda_b)) 1 for
 * MSE, 0 for CE) the gradient is 0 and lambda_min of the Hessian is
 * (lW+lH)/2 - sqrt((lW-lH)^2/4 + 1/(KN)); spec 9 values at N = 6, K = 3, d = 4.
 * The Hessian is assembled from ncd_ufm_curvature by polarization (exact up to
 * rounding), its eigenvalues by the test's Jacobi routine: 1e-12 absolute. */
static double origin_lambda_min(int loss, double lw, double lh) {
  enum { n6 = 6, d4 = 4, k3 = 3, P = k3 * d4 + n6 * d4 + k3 };
  const int32_t y[n6] = {2, 0, 1, 1, 0, 2};
  const double lb = 1.0 / 16;
  ncd_ufm *u = NULL;
  ck_assert_status(ncd_ufm_create(n6, d4, k3, y, &u), NCD_OK);
  ncd_ufm_set(u, NCD_UFM_LOSS, loss);
  ncd_ufm_set(u, NCD_UFM_LAMBDA_W, lw);
  ncd_ufm_set(u, NCD_UFM_LAMBDA_H, lh);
  ncd_ufm_set(u, NCD_UFM_LAMBDA_B, lb);
  double th[P] = {0}, e[P] = {0}, g[P], f;
  for (int j = 0; j < k3; j++) th[P - k3 + j] = loss ? 1 / (k3 * (1 + lb)) : 0.0;
  ck_assert_status(ncd_ufm_objective(u, th, d4, th + k3 * d4, d4, th + P - k3, &f, g, d4,
                                     g + k3 * d4, d4, g + P - k3), NCD_OK);
  for (int i = 0; i < P; i++) ck_assert(fabs(g[i]) <= 1e-16); /* critical point */
  static double hess[P * P], diag[P];
  for (int i = 0; i < P; i++)
    for (int j = i; j < P; j++) {
      e[i] += 1, e[j] += 1;
      double c;
      ck_assert_status(ncd_ufm_curvature(u, th, d4, th + k3 * d4, d4, th + P - k3, e, d4,
                                         e + k3 * d4, d4, e + P - k3, &c), NCD_OK);
      e[i] = 0, e[j] = 0;
      if (i == j) diag[i] = c / 4, hess[i * P + i] = c / 4;
      else hess[i * P + j] = c;
    }
  for (int i = 0; i < P; i++)
    for (int j = i + 1; j < P; j++) {
      double hij = (hess[i * P + j] - diag[i] - diag[j]) / 2;
      hess[i * P + j] = hess[j * P + i] = hij;
    }
  double ev[P];
  ncd_test_jacobi_eigvals(P, hess, P, ev);
  ncd_ufm_free(u);
  return ev[0];
}

START_TEST(origin_strict_saddle) {
  for (int loss = 0; loss <= 1; loss++) {
    double lw = 1.0 / 32, lh = 1.0 / 64;
    double want = (lw + lh) / 2 - sqrt((lw - lh) * (lw - lh) / 4 + 1.0 / 18);
    ck_assert_close(want, -0.21239419997225894, 1e-15, 0);
    ck_assert_close(origin_lambda_min(loss, lw, lh), want, 0, 1e-12);
    ck_assert_close(origin_lambda_min(loss, 0.25, 0.25), 0.014297739604484159, 0, 1e-12);
  }
}
END_TEST

START_TEST(bad_input) {
  prob p;
  setup(&p, NCD_LOSS_CE, 1, 1, 1, 9);
  double c = 42, lhat;
  ck_assert_status(ncd_ufm_curvature(NULL, W(p.th), D, H(p.th), D, B(p.th), W(p.dl), D,
                                     H(p.dl), D, B(p.dl), &c), NCD_EINVAL);
  ck_assert_status(ncd_ufm_curvature(p.u, W(p.th), D, H(p.th), D, B(p.th), NULL, D,
                                     H(p.dl), D, B(p.dl), &c), NCD_EINVAL);
  ck_assert_status(ncd_ufm_curvature(p.u, W(p.th), D, H(p.th), D, B(p.th), W(p.dl), D,
                                     H(p.dl), D - 1, B(p.dl), &c), NCD_EINVAL);
  ck_assert_status(ncd_ufm_curvature(p.u, W(p.th), D, H(p.th), D, B(p.th), W(p.dl), D,
                                     H(p.dl), D, NULL, &c), NCD_EINVAL);
  ck_assert_status(ncd_ufm_curvature(p.u, W(p.th), D, H(p.th), D, B(p.th), W(p.dl), D,
                                     H(p.dl), D, B(p.dl), NULL), NCD_EINVAL);
  ck_assert_status(ncd_ufm_smoothness(p.u, W(p.th), D, H(p.th), D, NULL, &lhat), NCD_EINVAL);
  ck_assert_status(ncd_ufm_smoothness(p.u, W(p.th), D, H(p.th), D, B(p.th), NULL), NCD_EINVAL);
  H(p.dl)[7] = NAN;
  ck_assert_status(ncd_ufm_curvature(p.u, W(p.th), D, H(p.th), D, B(p.th), W(p.dl), D,
                                     H(p.dl), D, B(p.dl), &c), NCD_ENONFINITE);
  H(p.th)[7] = INFINITY;
  ck_assert_status(ncd_ufm_smoothness(p.u, W(p.th), D, H(p.th), D, B(p.th), &lhat),
                   NCD_ENONFINITE);
  ck_assert(c == 42);
  ncd_ufm_free(p.u);
}
END_TEST

Suite *suite_ufm_curvature(void) {
  Suite *s = suite_create("ufm_curvature");
  TCase *tc = tcase_create("curvature");
  tcase_add_test(tc, curvature_vs_differences);
  tcase_add_test(tc, smoothness_formula);
  tcase_add_test(tc, lr_one_over_lhat_descends);
  tcase_add_test(tc, origin_strict_saddle);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}

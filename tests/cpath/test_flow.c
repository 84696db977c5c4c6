/*
 * test_flow.c - simulated renormalized flows against the closed-form laws
 * (spec/central-path.md CP-17 .. CP-22, checklist item 5): n = 12, k = 3,
 * d = 5, balanced, x on the manifold Sigma_W(x) = I. RK4 of dx/dt = -P(grad L_LS)
 * (CP-18) with the orthogonal projection P_perp must follow CP-20, with the
 * paper's oblique Pi CP-21; "GD step then renormalize" follows CP-21 and the
 * orthogonal-step analogue CP-20, with an error proportional to the step; the
 * measured whitened NC1 follows the predicted sum omega^-2 (CP-16).
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"

enum { NN = 12, KK = 3, DD = 5, NPC = 4 };
static const int32_t fy[NN] = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};

/* class means (k x d) */
static void means(const double *x, double *mu, double *mg) {
  memset(mu, 0, KK * DD * sizeof(double));
  memset(mg, 0, DD * sizeof(double));
  for (int i = 0; i < NN; i++)
    for (int j = 0; j < DD; j++) {
      mu[fy[i] * DD + j] += x[i * DD + j] / NPC;
      mg[j] += x[i * DD + j] / NN;
    }
}

/* renormalize in place: centre, then x <- x L^{-T} with Sigma_W(x) = L L^T (any
 * whitening gives the same omega trajectory: they differ by a rotation) */
static void renorm(double *x) {
  double mu[KK * DD], mg[DD], sw[DD * DD] = {0}, l[DD * DD] = {0};
  means(x, mu, mg);
  for (int i = 0; i < NN; i++)
    for (int p = 0; p < DD; p++)
      for (int q = 0; q < DD; q++)
        sw[p * DD + q] += (x[i * DD + p] - mu[fy[i] * DD + p]) * (x[i * DD + q] - mu[fy[i] * DD + q]) / NN;
  for (int p = 0; p < DD; p++)
    for (int q = 0; q <= p; q++) {
      double s = sw[p * DD + q];
      for (int r = 0; r < q; r++) s -= l[p * DD + r] * l[q * DD + r];
      l[p * DD + q] = p == q ? sqrt(s) : s / l[q * DD + q];
    }
  for (int i = 0; i < NN; i++) { /* row z: solve L z^T = (x_i - mg)^T */
    double z[DD];
    for (int p = 0; p < DD; p++) {
      double s = x[i * DD + p] - mg[p];
      for (int r = 0; r < p; r++) s -= l[p * DD + r] * z[r];
      z[p] = s / l[p * DD + p];
    }
    memcpy(x + i * DD, z, sizeof z);
  }
}

/* CP-18: grad = (1/n)(x w^T + 1 b^T - E) w at the lambda = 0 LS classifier */
static void grad(const double *x, double *g) {
  double w[KK * DD], b[KK];
  ck_assert_status(ncd_ls_classifier(NN, DD, KK, x, DD, fy, 0, w, DD, b), NCD_OK);
  for (int i = 0; i < NN; i++) {
    double r[KK];
    for (int c = 0; c < KK; c++) {
      r[c] = b[c] - (fy[i] == c);
      for (int j = 0; j < DD; j++) r[c] += w[c * DD + j] * x[i * DD + j];
    }
    for (int j = 0; j < DD; j++) {
      double s = 0;
      for (int c = 0; c < KK; c++) s += r[c] * w[c * DD + j];
      g[i * DD + j] = s / NN;
    }
  }
}

/* C_m z = (1/n)(z - E E^T z / N): subtract class means */
static void cm(const double *z, double *out) {
  double mu[KK * DD], mg[DD];
  means(z, mu, mg);
  for (int i = 0; i < NN; i++)
    for (int j = 0; j < DD; j++) out[i * DD + j] = (z[i * DD + j] - mu[fy[i] * DD + j]) / NN;
}

/* P(z) = z - 1/2 Q x S(z), S(z) = x^T C_m z + z^T C_m x; Q = I - E E^T/N (orthogonal)
 * or Q = I (the paper's Pi, Prop. 4) */
static void project(const double *x, double *z, int orthogonal) {
  double cz[NN * DD], s[DD * DD], xs[NN * DD];
  cm(z, cz);
  for (int p = 0; p < DD; p++)
    for (int q = 0; q < DD; q++) {
      double v = 0;
      for (int i = 0; i < NN; i++) v += x[i * DD + p] * cz[i * DD + q] + cz[i * DD + p] * x[i * DD + q];
      s[p * DD + q] = v; /* C_m symmetric: z^T C_m x = (C_m z)^T x */
    }
  for (int i = 0; i < NN; i++)
    for (int q = 0; q < DD; q++) {
      double v = 0;
      for (int p = 0; p < DD; p++) v += x[i * DD + p] * s[p * DD + q];
      xs[i * DD + q] = v;
    }
  if (orthogonal) { /* (I - E E^T / N) xs = N n C_m xs */
    double c2[NN * DD];
    cm(xs, c2);
    for (int i = 0; i < NN * DD; i++) xs[i] = c2[i] * NN;
  }
  for (int i = 0; i < NN * DD; i++) z[i] -= 0.5 * xs[i];
}

static void field(const double *x, double *f, int orthogonal) {
  grad(x, f);
  project(x, f, orthogonal);
  for (int i = 0; i < NN * DD; i++) f[i] = -f[i];
}

static void rk4(double *x, double h, int steps, int orthogonal) {
  double k1[NN * DD], k2[NN * DD], k3[NN * DD], k4[NN * DD], t[NN * DD];
  for (int s = 0; s < steps; s++) {
    field(x, k1, orthogonal);
    for (int i = 0; i < NN * DD; i++) t[i] = x[i] + 0.5 * h * k1[i];
    field(t, k2, orthogonal);
    for (int i = 0; i < NN * DD; i++) t[i] = x[i] + 0.5 * h * k2[i];
    field(t, k3, orthogonal);
    for (int i = 0; i < NN * DD; i++) t[i] = x[i] + h * k3[i];
    field(t, k4, orthogonal);
    for (int i = 0; i < NN * DD; i++) x[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
}

static void start(double *x) {
  ncd_test_rng r;
  ncd_test_seed(&r, 41);
  ncd_test_fill_normal(&r, x, NN, DD, DD);
  for (int i = 0; i < NN; i++) x[i * DD + fy[i]] += 0.8;
  renorm(x);
}

/* max relative deviation of the two nonzero omega of x from the law at time t */
static double deviation(const double *x, const double *om0, double t, ncd_cpath_law law) {
  double om[3], dev = 0;
  ck_assert_status(ncd_cpath_snr(NN, DD, KK, x, DD, fy, om, NULL, 0, NULL, 0), NCD_OK);
  for (int j = 0; j < 2; j++) {
    double want;
    ck_assert_status(ncd_cpath_omega_law(KK, NPC, om0[j], t, law, &want), NCD_OK);
    dev = fmax(dev, fabs(om[j] / want - 1));
  }
  return dev;
}

/* measured whitened NC1 = (1/k) tr(Sigma_W Sigma_B^+) with Sigma_W = I on the
 * manifold: sum of 1/eig over the k - 1 nonzero eigenvalues of Mbar Mbar^T / k * k */
static double measured_nc1(const double *x) {
  double mu[KK * DD], mg[DD], g[KK * KK], ev[KK];
  means(x, mu, mg);
  for (int a = 0; a < KK; a++)
    for (int c = 0; c < KK; c++) {
      double s = 0;
      for (int j = 0; j < DD; j++) s += (mu[a * DD + j] - mg[j]) * (mu[c * DD + j] - mg[j]);
      g[a * KK + c] = s;
    }
  ncd_test_jacobi_eigvals(KK, g, KK, ev); /* ascending; ev[0] ~ 0 */
  return 1 / ev[1] + 1 / ev[2];           /* (1/k) tr((M^T M / k)^+) = sum 1/sigma^2 */
}

/* RK4 (step 1/4, T = 400; quick tier T = 100) of the flow with P_perp
 * (orthogonal = 1) or Pi (0) must follow `law` and not `other`; the predicted
 * whitened NC1 (CP-16, equality on the manifold) must match the measured one.
 * Spec checklist 5 states 1e-9 for the law; measured 2e-14 (P_perp) and 3e-14
 * (Pi), required 1e-10. The two laws differ by far more than 1e-4 here. */
static void rk4_check(int orthogonal, ncd_cpath_law law, ncd_cpath_law other) {
  double x[NN * DD], om0[3];
  start(x);
  ck_assert_status(ncd_cpath_snr(NN, DD, KK, x, DD, fy, om0, NULL, 0, NULL, 0), NCD_OK);
  int steps = ncd_test_level() == 0 ? 400 : 1600;
  double T = steps * 0.25;
  rk4(x, 0.25, steps, orthogonal);
  double dev = deviation(x, om0, T, law);
  ck_assert_msg(dev <= 1e-10, "RK4 (orthogonal %d) vs its law: %g", orthogonal, dev);
  ck_assert(deviation(x, om0, T, other) > 1e-4);
  double om[3], sp[4], tt = T;
  ck_assert_status(ncd_cpath_trajectory(KK, NPC, law, 2, om0, 1, &tt, om, 2, sp), NCD_OK);
  ck_assert_close(measured_nc1(x), sp[3], 1e-8, 0);
}

START_TEST(rk4_orthogonal_follows_cp20) {
  rk4_check(1, NCD_CPATH_ORTHOGONAL, NCD_CPATH_RENORMALIZED);
}
END_TEST

START_TEST(rk4_paper_pi_follows_cp21) {
  rk4_check(0, NCD_CPATH_RENORMALIZED, NCD_CPATH_ORTHOGONAL);
}
END_TEST

/* renormalized GD with step eta to time T; returns the deviation from `law` */
static double gd_run(double eta, double T, int orthogonal_step, ncd_cpath_law law) {
  double x[NN * DD], g[NN * DD], om0[3];
  start(x);
  ck_assert_status(ncd_cpath_snr(NN, DD, KK, x, DD, fy, om0, NULL, 0, NULL, 0), NCD_OK);
  int steps = (int)(T / eta + 0.5);
  for (int s = 0; s < steps; s++) {
    grad(x, g);
    if (orthogonal_step) project(x, g, 1);
    for (int i = 0; i < NN * DD; i++) x[i] -= eta * g[i];
    renorm(x);
  }
  return deviation(x, om0, T, law);
}

START_TEST(gd_then_renormalize) {
  /* spec CP-21 / checklist 5: the deviation is proportional to eta, about 2e-3 eta
   * (D.1 vs CP-21) and 3e-4 eta (P_perp step vs CP-20) at T = 300 for the spec's
   * start; the constant depends on the start (here measured 2.6e-3 eta and
   * 6.8e-4 eta). We require dev(eta) <= 4e-3 eta resp. 1.5e-3 eta and
   * dev(eta)/dev(eta/2) in [1.6, 2.4] (first order in eta) */
  double T = ncd_test_level() == 0 ? 100 : 300;
  double d1 = gd_run(0.5, T, 0, NCD_CPATH_RENORMALIZED);
  double d2 = gd_run(0.25, T, 0, NCD_CPATH_RENORMALIZED);
  ck_assert_msg(d1 <= 4e-3 * 0.5 && d2 <= 4e-3 * 0.25, "D.1 vs CP-21: %g %g", d1, d2);
  ck_assert_msg(d1 / d2 > 1.6 && d1 / d2 < 2.4, "D.1 not first order: %g / %g", d1, d2);
  double e1 = gd_run(0.5, T, 1, NCD_CPATH_ORTHOGONAL);
  double e2 = gd_run(0.25, T, 1, NCD_CPATH_ORTHOGONAL);
  ck_assert_msg(e1 <= 1.5e-3 * 0.5 && e2 <= 1.5e-3 * 0.25, "P_perp step vs CP-20: %g %g", e1, e2);
  ck_assert_msg(e1 / e2 > 1.6 && e1 / e2 < 2.4, "P_perp step not first order: %g / %g", e1, e2);
}
END_TEST

Suite *suite_cpath_flow(void) {
  Suite *s = suite_create("cpath_flow");
  TCase *tc = tcase_create("flow");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, rk4_orthogonal_follows_cp20);
  tcase_add_test(tc, rk4_paper_pi_follows_cp21);
  tcase_add_test(tc, gd_then_renormalize);
  suite_add_tcase(s, tc);
  return s;
}

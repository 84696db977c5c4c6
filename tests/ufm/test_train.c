/*
 * test_train.c - the GD driver ncd_ufm_train (spec/ufm.md U-27, section 7;
 * api.md): plain and heavy-ball steps against the recurrence computed here
 * from ncd_ufm_objective, velocity reset per call, clipping, the ghost
 * policies against ncd_ufm_jvp + ncd_ghost_radius_bound (spec/ghosts.md 3.1),
 * the callback (stop, statistics, parameter changes), non-finite iterates,
 * allocation failure, the Gaussian initial state, bad input.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "core/core_internal.h"
#include "ufm_testdata.h"

#define NP (12 + 24 + 3) /* W, H, b of the spec-9 problem in one vector */

static ncd_ufm *make(int loss) {
  ncd_ufm *u = NULL;
  ck_assert_status(ncd_ufm_create(6, 4, 3, UFM9_Y, &u), NCD_OK);
  ncd_ufm_set(u, NCD_UFM_LOSS, loss);
  ncd_ufm_set(u, NCD_UFM_LAMBDA_W, UFM9_LW);
  ncd_ufm_set(u, NCD_UFM_LAMBDA_H, UFM9_LH);
  ncd_ufm_set(u, NCD_UFM_LAMBDA_B, UFM9_LB);
  return u;
}

static void start(double *th) {
  memcpy(th, UFM9_W, sizeof UFM9_W);
  memcpy(th + 12, UFM9_H, sizeof UFM9_H);
  memcpy(th + 36, UFM9_B, sizeof UFM9_B);
}

static void grad(ncd_ufm *u, const double *th, double *g) {
  double f;
  ck_assert_status(ncd_ufm_objective(u, th, 4, th + 12, 4, th + 36, &f, g, 4, g + 12, 4,
                                     g + 36), NCD_OK);
}

static double norm(const double *x, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += x[i] * x[i];
  return sqrt(s);
}

/* Manual heavy ball (U-27) with velocity reset at the steps in `reset`. */
static void manual(ncd_ufm *u, double *th, int steps, double lr, double beta,
                   const int *reset) {
  double v[NP] = {0}, g[NP];
  for (int s = 0; s < steps; s++) {
    if (reset[s]) memset(v, 0, sizeof v);
    grad(u, th, g);
    for (int i = 0; i < NP; i++) v[i] = beta * v[i] + g[i];
    for (int i = 0; i < NP; i++) th[i] -= lr * v[i];
  }
}

START_TEST(heavy_ball_recurrence) {
  for (int loss = 0; loss <= 1; loss++) {
    ncd_ufm *u = make(loss);
    ncd_ufm_set(u, NCD_UFM_LR, 0.3);
    ncd_ufm_set(u, NCD_UFM_MOMENTUM, 0.7);
    double a[NP], b[NP];
    start(a);
    start(b);
    /* 2 steps, then 3 more in a second call: velocity restarts at step 3 */
    ck_assert_status(ncd_ufm_train(u, 2, a, 4, a + 12, 4, a + 36, NULL, NULL), NCD_OK);
    ck_assert_status(ncd_ufm_train(u, 3, a, 4, a + 12, 4, a + 36, NULL, NULL), NCD_OK);
    const int reset[5] = {1, 0, 1, 0, 0};
    manual(u, b, 5, 0.3, 0.7, reset);
    /* same operations in the same order: equal to rounding (1e-15 abs on O(1)) */
    for (int i = 0; i < NP; i++) ck_assert_close(a[i], b[i], 0, 1e-15);
    double v;
    ncd_ufm_get_stat(u, NCD_STAT_STEP, &v);
    ck_assert(v == 3);
    /* without the reset the trajectory differs (momentum matters) */
    start(b);
    const int noreset[5] = {1, 0, 0, 0, 0};
    manual(u, b, 5, 0.3, 0.7, noreset);
    ck_assert(ncd_test_maxdiff(a, NP, b, NP, 1, NP) > 1e-6);
    ncd_ufm_free(u);
  }
}
END_TEST

typedef struct rec {
  int calls, stop_at;
  double f[64], lr_eff[64], gnorm[64];
  double set_lr_at2;
} rec;

static int record(ncd_ufm *u, const double *w, const double *h, const double *b, void *ctx) {
  rec *r = ctx;
  ck_assert(w && h && b);
  double step;
  ncd_ufm_get_stat(u, NCD_STAT_STEP, &step);
  ck_assert(step == r->calls + 1);
  ncd_ufm_get_stat(u, NCD_STAT_OBJECTIVE, &r->f[r->calls]);
  ncd_ufm_get_stat(u, NCD_STAT_LR_EFF, &r->lr_eff[r->calls]);
  ncd_ufm_get_stat(u, NCD_STAT_GRAD_NORM, &r->gnorm[r->calls]);
  r->calls++;
  if (r->calls == 2 && r->set_lr_at2 > 0) ncd_ufm_set(u, NCD_UFM_LR, r->set_lr_at2);
  return r->calls == r->stop_at;
}

START_TEST(callback_stats_and_stop) {
  ncd_ufm *u = make(NCD_LOSS_CE);
  ncd_ufm_set(u, NCD_UFM_LR, 0.25);
  double th[NP], g[NP], f0;
  start(th);
  ck_assert_status(ncd_ufm_objective(u, th, 4, th + 12, 4, th + 36, &f0, g, 4, g + 12, 4,
                                     g + 36), NCD_OK);
  rec r = {0, 5, {0}, {0}, {0}, 0.125};
  ck_assert_status(ncd_ufm_train(u, 50, th, 4, th + 12, 4, th + 36, record, &r), NCD_OK);
  ck_assert_int_eq(r.calls, 5);
  double v;
  ncd_ufm_get_stat(u, NCD_STAT_STEP, &v);
  ck_assert(v == 5);
  ck_assert(r.f[0] == f0); /* objective at the iterate before step 1 */
  ck_assert_close(r.gnorm[0], norm(g, NP), 1e-14, 0);
  ck_assert(r.lr_eff[0] == 0.25 && r.lr_eff[1] == 0.25 && r.lr_eff[2] == 0.125);
  for (int s = 1; s < 5; s++) ck_assert(r.f[s] < r.f[s - 1]); /* small steps descend */
  ncd_ufm_get_stat(u, NCD_STAT_RHO, &v);
  ck_assert(isnan(v));
  ncd_ufm_get_stat(u, NCD_STAT_R, &v);
  ck_assert(isnan(v));
  ncd_ufm_get_stat(u, NCD_STAT_LOSS, &v);
  ck_assert(v > 0 && v < r.f[4]);
  /* steps = 0: nothing happens */
  double th2[NP];
  memcpy(th2, th, sizeof th);
  ck_assert_status(ncd_ufm_train(u, 0, th, 4, th + 12, 4, th + 36, record, &r), NCD_OK);
  ck_assert(memcmp(th, th2, sizeof th) == 0);
  ncd_ufm_get_stat(u, NCD_STAT_STEP, &v);
  ck_assert(v == 0);
  ncd_ufm_free(u);
}
END_TEST

START_TEST(clip_policy) {
  ncd_ufm *u = make(NCD_LOSS_MSE);
  ncd_ufm_set(u, NCD_UFM_LR, 0.5);
  ncd_ufm_set(u, NCD_UFM_STEP_POLICY, NCD_STEP_CLIP);
  ncd_ufm_set(u, NCD_UFM_CLIP, 0.125);
  double th[NP], g[NP], want[NP];
  start(th);
  grad(u, th, g);
  double gn = norm(g, NP);
  ck_assert(gn > 0.125);
  for (int i = 0; i < NP; i++) want[i] = th[i] - 0.5 * (0.125 / gn) * g[i];
  ck_assert_status(ncd_ufm_train(u, 1, th, 4, th + 12, 4, th + 36, NULL, NULL), NCD_OK);
  for (int i = 0; i < NP; i++) ck_assert_close(th[i], want[i], 0, 1e-15);
  double v;
  ncd_ufm_get_stat(u, NCD_STAT_STEP_NORM, &v);
  ck_assert_close(v, 0.5 * 0.125, 1e-14, 0);
  ncd_ufm_get_stat(u, NCD_STAT_GRAD_NORM, &v);
  ck_assert_close(v, gn, 1e-14, 0);
  /* a clip above the gradient norm changes nothing */
  ncd_ufm_set(u, NCD_UFM_CLIP, 1e3);
  start(th);
  for (int i = 0; i < NP; i++) want[i] = th[i] - 0.5 * g[i];
  ck_assert_status(ncd_ufm_train(u, 1, th, 4, th + 12, 4, th + 36, NULL, NULL), NCD_OK);
  for (int i = 0; i < NP; i++) ck_assert_close(th[i], want[i], 0, 1e-15);
  ncd_ufm_free(u);
}
END_TEST

/* ghosts.md 3.1: u = the proposal (here the gradient, first step), rho =
 * ||u|| pi / max spread(JVP(u)); capped lr_eff = min(lr, r rho/||u||), set
 * lr_eff = r rho / ||u||; R = ||step|| / rho. Reference computed here with the
 * public JVP and bound. */
static void ghost_case(int policy, double lr, double rt) {
  ncd_ufm *u = make(NCD_LOSS_CE);
  ncd_ufm_set(u, NCD_UFM_LR, lr);
  ncd_ufm_set(u, NCD_UFM_STEP_POLICY, policy);
  ncd_ufm_set(u, NCD_UFM_R_TARGET, rt);
  double th[NP], g[NP], a[18], rho_u, want[NP];
  start(th);
  grad(u, th, g);
  ck_assert_status(ncd_ufm_jvp(u, th, 4, th + 12, 4, g, 4, g + 12, 4, g + 36, a, 3), NCD_OK);
  ck_assert_status(ncd_ghost_radius_bound(6, 3, a, 3, &rho_u, NULL), NCD_OK);
  double gn = norm(g, NP), rho = rho_u * gn;
  double cap = rt * rho / gn;
  double lr_eff = policy == NCD_STEP_GHOST ? fmin(lr, cap) : cap;
  for (int i = 0; i < NP; i++) want[i] = th[i] - lr_eff * g[i];
  ck_assert_status(ncd_ufm_train(u, 1, th, 4, th + 12, 4, th + 36, NULL, NULL), NCD_OK);
  for (int i = 0; i < NP; i++) ck_assert_close(th[i], want[i], 0, 1e-14);
  double v;
  ncd_ufm_get_stat(u, NCD_STAT_LR_EFF, &v);
  ck_assert_close(v, lr_eff, 1e-14, 0);
  ncd_ufm_get_stat(u, NCD_STAT_RHO, &v);
  ck_assert_close(v, rho, 1e-14, 0);
  ncd_ufm_get_stat(u, NCD_STAT_R, &v);
  ck_assert_close(v, lr_eff * gn / rho, 1e-14, 0);
  if (policy == NCD_STEP_GHOST_SET || lr > cap) ck_assert_close(v, rt, 1e-14, 0);
  ncd_ufm_free(u);
}

START_TEST(ghost_policies) {
  ghost_case(NCD_STEP_GHOST, 100.0, 1.0); /* the cap binds: r = 1 */
  ghost_case(NCD_STEP_GHOST, 1e-3, 1.0);  /* it does not: lr */
  ghost_case(NCD_STEP_GHOST_SET, 1e-3, 0.5);
  ghost_case(NCD_STEP_GHOST_SET, 100.0, 2.0);
  /* ghost policies need the CE */
  ncd_ufm *u = make(NCD_LOSS_MSE);
  ncd_ufm_set(u, NCD_UFM_STEP_POLICY, NCD_STEP_GHOST);
  double th[NP], th0[NP];
  start(th);
  memcpy(th0, th, sizeof th);
  ck_assert_status(ncd_ufm_train(u, 3, th, 4, th + 12, 4, th + 36, NULL, NULL), NCD_EINVAL);
  ck_assert(memcmp(th, th0, sizeof th) == 0);
  ncd_ufm_free(u);
}
END_TEST

static int switch_to_mse(ncd_ufm *u, const double *w, const double *h, const double *b,
                         void *ctx) {
  (void)w, (void)h, (void)b, (void)ctx;
  ncd_ufm_set(u, NCD_UFM_LOSS, NCD_LOSS_MSE);
  return 0;
}

START_TEST(ghost_loss_switched_in_callback) {
  ncd_ufm *u = make(NCD_LOSS_CE);
  ncd_ufm_set(u, NCD_UFM_STEP_POLICY, NCD_STEP_GHOST_SET);
  double th[NP], v;
  start(th);
  ck_assert_status(ncd_ufm_train(u, 5, th, 4, th + 12, 4, th + 36, switch_to_mse, NULL),
                   NCD_EINVAL);
  ncd_ufm_get_stat(u, NCD_STAT_STEP, &v);
  ck_assert(v == 1);
  ncd_ufm_free(u);
}
END_TEST

START_TEST(nonfinite_stops_with_last_finite_iterate) {
  ncd_ufm *u = make(NCD_LOSS_MSE);
  ncd_ufm_set(u, NCD_UFM_LR, 1e120);
  double th[NP], th2[NP], v;
  start(th);
  ck_assert_status(ncd_ufm_train(u, 100, th, 4, th + 12, 4, th + 36, NULL, NULL),
                   NCD_ENONFINITE);
  for (int i = 0; i < NP; i++) ck_assert(isfinite(th[i]));
  ncd_ufm_get_stat(u, NCD_STAT_STEP, &v);
  ck_assert(v >= 1 && v < 100);
  /* the iterate left is exactly the one after STEP steps */
  start(th2);
  ck_assert_status(ncd_ufm_train(u, (size_t)v, th2, 4, th2 + 12, 4, th2 + 36, NULL, NULL),
                   NCD_OK);
  ck_assert(memcmp(th, th2, sizeof th) == 0);
  /* non-finite start: nothing changes, not even the statistics */
  double before[8], after;
  for (int s = 0; s < 8; s++) ncd_ufm_get_stat(u, (ncd_ufm_stat)s, &before[s]);
  start(th);
  th[20] = NAN;
  memcpy(th2, th, sizeof th);
  ck_assert_status(ncd_ufm_train(u, 3, th, 4, th + 12, 4, th + 36, NULL, NULL), NCD_ENONFINITE);
  for (int s = 0; s < 8; s++) {
    ncd_ufm_get_stat(u, (ncd_ufm_stat)s, &after);
    ck_assert(after == before[s] || (isnan(after) && isnan(before[s])));
  }
  for (int i = 0; i < NP; i++) ck_assert(i == 20 ? isnan(th[i]) : th[i] == th2[i]);
  ncd_ufm_free(u);
}
END_TEST

START_TEST(bad_input_and_enomem) {
  ncd_ufm *u = make(NCD_LOSS_CE);
  double th[NP], th0[NP], v;
  start(th);
  memcpy(th0, th, sizeof th);
  ck_assert_status(ncd_ufm_train(NULL, 3, th, 4, th + 12, 4, th + 36, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ufm_train(u, 3, NULL, 4, th + 12, 4, th + 36, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ufm_train(u, 3, th, 4, NULL, 4, th + 36, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ufm_train(u, 3, th, 4, th + 12, 4, NULL, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ufm_train(u, 3, th, 3, th + 12, 4, th + 36, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ufm_train(u, 3, th, 4, th + 12, 2, th + 36, NULL, NULL), NCD_EINVAL);
  ncd__alloc_fail_at(1, 1);
  int st = ncd_ufm_train(u, 3, th, 4, th + 12, 4, th + 36, NULL, NULL);
  ncd__alloc_fail_at(0, 0);
  ck_assert_status(st, NCD_ENOMEM);
  ck_assert(memcmp(th, th0, sizeof th) == 0);
  ck_assert_status(ncd_ufm_get_stat(u, NCD_STAT_STEP, &v), NCD_OK);
  ck_assert(v == 0);
  /* bias off: b may be NULL and is not touched */
  ncd_ufm_set(u, NCD_UFM_BIAS, 0);
  ck_assert_status(ncd_ufm_train(u, 3, th, 4, th + 12, 4, NULL, NULL, NULL), NCD_OK);
  ck_assert(memcmp(th + 36, th0 + 36, 3 * sizeof(double)) == 0);
  ncd_ufm_free(u);
}
END_TEST

START_TEST(gaussian_init) {
  size_t n = 2000, d = 5, k = 4;
  int32_t *y = malloc(n * sizeof *y);
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  ncd_ufm *u = NULL;
  ck_assert_status(ncd_ufm_create(n, d, k, y, &u), NCD_OK);
  double *h = malloc(n * d * sizeof *h), *h2 = malloc(n * d * sizeof *h2);
  double w[20], w2[20], b[4], b2[4];
  ck_assert_status(ncd_ufm_init_gaussian(u, 7, 0.5, 2.0, 0.25, w, d, h, d, b), NCD_OK);
  ck_assert_status(ncd_ufm_init_gaussian(u, 7, 0.5, 2.0, 0.25, w2, d, h2, d, b2), NCD_OK);
  ck_assert(memcmp(w, w2, sizeof w) == 0 && memcmp(b, b2, sizeof b) == 0);
  ck_assert(memcmp(h, h2, n * d * sizeof *h) == 0);
  /* the draws continue in the order W, H, b: W of sigma 1 scaled by 0.5 */
  ck_assert_status(ncd_ufm_init_gaussian(u, 7, 1.0, 2.0, 0.25, w2, d, h2, d, NULL), NCD_OK);
  for (int i = 0; i < 20; i++) ck_assert(w2[i] * 0.5 == w[i]);
  ck_assert_status(ncd_ufm_init_gaussian(u, 8, 0.5, 2.0, 0.25, w2, d, h2, d, b2), NCD_OK);
  ck_assert(memcmp(w, w2, sizeof w) != 0);
  /* sample moments of H (10000 draws of N(0, 4)): mean within 5 sd = 5*2/100,
   * variance within 5 sd of its estimator ~ 5 * 4 * sqrt(2/10000) */
  double s = 0, s2 = 0;
  for (size_t i = 0; i < n * d; i++) s += h[i], s2 += h[i] * h[i];
  s /= (double)(n * d);
  s2 = s2 / (double)(n * d) - s * s;
  ck_assert(fabs(s) < 0.1);
  ck_assert(fabs(s2 - 4.0) < 5 * 4.0 * sqrt(2.0 / 10000.0));
  ck_assert_status(ncd_ufm_init_gaussian(u, 7, -1, 1, 1, w, d, h, d, b), NCD_EINVAL);
  ck_assert_status(ncd_ufm_init_gaussian(u, 7, 1, NAN, 1, w, d, h, d, b), NCD_EINVAL);
  ck_assert_status(ncd_ufm_init_gaussian(u, 7, 1, 1, INFINITY, w, d, h, d, b), NCD_EINVAL);
  ck_assert_status(ncd_ufm_init_gaussian(u, 7, 1, 1, 1, w, d - 1, h, d, b), NCD_EINVAL);
  ck_assert_status(ncd_ufm_init_gaussian(NULL, 7, 1, 1, 1, w, d, h, d, b), NCD_EINVAL);
  ncd_ufm_free(u);
  free(y); free(h); free(h2);
}
END_TEST

Suite *suite_ufm_train(void) {
  Suite *s = suite_create("ufm_train");
  TCase *tc = tcase_create("train");
  tcase_add_test(tc, heavy_ball_recurrence);
  tcase_add_test(tc, callback_stats_and_stop);
  tcase_add_test(tc, clip_policy);
  tcase_add_test(tc, ghost_policies);
  tcase_add_test(tc, ghost_loss_switched_in_callback);
  tcase_add_test(tc, nonfinite_stops_with_last_finite_iterate);
  tcase_add_test(tc, bad_input_and_enomem);
  tcase_add_test(tc, gaussian_init);
  suite_add_tcase(s, tc);
  return s;
}

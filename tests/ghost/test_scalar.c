/*
 * test_scalar.c - the closed-form pieces of spec/ghosts.md: the controller's
 * step scale (3.1, 4 item 8) and its invariants (4 "Controller"), the
 * normalized step r = tau / rho (S1 eq. 17), the activation radii (2.8, S1
 * eq. 21) checked against the activation's actual singularity, the
 * temperature bound (2.8), and bad input.
 */
#include <complex.h>

#include "common/testutil.h"

START_TEST(step_scale) {
  ncd_test_rng r;
  ncd_test_seed(&r, 3);
  for (int t = 0; t < 1000; t++) {
    double lr = exp(3 * ncd_test_normal(&r)), un = exp(3 * ncd_test_normal(&r));
    double rho = exp(2 * ncd_test_normal(&r)), rt = 0.25 + 4 * ncd_test_uniform(&r);
    double cap, set, rr;
    ck_assert_status(ncd_ghost_step_scale(lr, un, rho, rt, 0, &cap), NCD_OK);
    ck_assert_status(ncd_ghost_step_scale(lr, un, rho, rt, 1, &set), NCD_OK);
    /* r after the cap <= r_target, equality when capped (rtol 1e-15: two
     * roundings); no change when lr ||u|| <= r_target rho */
    ck_assert_status(ncd_ghost_normalized_step(cap * un, rho, &rr), NCD_OK);
    ck_assert_double_le(rr, rt * (1 + 4e-16));
    if (lr * un > rt * rho) ck_assert_close(rr, rt, 4e-16, 0);
    else ck_assert(cap == lr);
    ck_assert_close(set * un / rho, rt, 4e-16, 0);
    ck_assert_close(cap, fmin(lr, rt * rho / un), 0, 0);
  }
  double v;
  /* tiny proposal or infinite radius: the plain step */
  ck_assert_status(ncd_ghost_step_scale(0.1, 1e-13, 1.0, 1.0, 1, &v), NCD_OK);
  ck_assert(v == 0.1);
  ck_assert_status(ncd_ghost_step_scale(0.1, 2.0, INFINITY, 1.0, 0, &v), NCD_OK);
  ck_assert(v == 0.1);
  ck_assert_status(ncd_ghost_step_scale(0.0, 1.0, 1.0, 1.0, 0, &v), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(NAN, 1.0, 1.0, 1.0, 0, &v), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(1.0, -1.0, 1.0, 1.0, 0, &v), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(1.0, 1.0, 0.0, 1.0, 0, &v), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(1.0, 1.0, NAN, 1.0, 0, &v), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(1.0, 1.0, 1.0, 0.0, 0, &v), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(1.0, 1.0, 1.0, 1.0, 2, &v), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(1.0, 1.0, 1.0, 1.0, 0, NULL), NCD_EINVAL);
  /* normalized step: S1 8.4 worked example, Delta = 10 -> rho = 0.314,
   * eta = 0.01, ||g|| = 10 -> tau = 0.1, r = 0.318 */
  ck_assert_status(ncd_ghost_normalized_step(0.01 * 10, M_PI / 10, &v), NCD_OK);
  ck_assert_close(v, 1.0 / M_PI, 1e-15, 0);
  ck_assert_status(ncd_ghost_normalized_step(1.0, INFINITY, &v), NCD_OK);
  ck_assert(v == 0.0);
  ck_assert_status(ncd_ghost_normalized_step(-1.0, 1.0, &v), NCD_EINVAL);
  ck_assert_status(ncd_ghost_normalized_step(1.0, 0.0, &v), NCD_EINVAL);
  ck_assert_status(ncd_ghost_normalized_step(1.0, 1.0, NULL), NCD_EINVAL);
}
END_TEST

START_TEST(activation_radii) {
  /* each radius is where the activation of h + t hdot meets its nearest
   * singularity: sigmoid 1 + e^{-x} = 0 at x = i pi, tanh's cosh x = 0 at
   * x = i pi/2, ReLU's kink at x = 0; t* = (s - h)/hdot with |t*| = rho */
  double h[3] = {0.7, -2.0, 1.5}, hd[3] = {0.5, 3.0, 0.0}, rho;
  size_t arg;
  ck_assert_status(ncd_ghost_activation_radius(NCD_GHOST_RELU, 3, h, hd, &rho, &arg), NCD_OK);
  ck_assert_close(rho, 2.0 / 3.0, 1e-15, 0);
  ck_assert_uint_eq(arg, 1);
  ck_assert_status(ncd_ghost_activation_radius(NCD_GHOST_SIGMOID, 3, h, hd, &rho, &arg), NCD_OK);
  double complex t = (I * M_PI - h[1]) / hd[1], t0 = (I * M_PI - h[0]) / hd[0];
  ck_assert_close(rho, fmin(cabs(t), cabs(t0)), 1e-15, 0);
  ck_assert_double_lt(cabs(1 + cexp(-(h[1] + t * hd[1]))), 1e-15);
  ck_assert_status(ncd_ghost_activation_radius(NCD_GHOST_TANH, 3, h, hd, &rho, &arg), NCD_OK);
  t = (I * M_PI / 2 - h[1]) / hd[1];
  t0 = (I * M_PI / 2 - h[0]) / hd[0];
  ck_assert_close(rho, fmin(cabs(t), cabs(t0)), 1e-15, 0);
  ck_assert_double_lt(cabs(ccosh(h[1] + t * hd[1])), 1e-15);
  double z[2] = {0, 0};
  ck_assert_status(ncd_ghost_activation_radius(NCD_GHOST_TANH, 2, h, z, &rho, NULL), NCD_OK);
  ck_assert(isinf(rho));
  ck_assert_status(ncd_ghost_activation_radius(3, 3, h, hd, &rho, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ghost_activation_radius(-1, 3, h, hd, &rho, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ghost_activation_radius(0, 0, h, hd, &rho, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ghost_activation_radius(0, 3, NULL, hd, &rho, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ghost_activation_radius(0, 3, h, hd, NULL, NULL), NCD_EINVAL);
  hd[2] = NAN;
  ck_assert_status(ncd_ghost_activation_radius(0, 3, h, hd, &rho, NULL), NCD_ENONFINITE);
}
END_TEST

START_TEST(temperature_bound) {
  double a[6] = {0, 1, 3, -1, 2, 0}, rho;
  size_t arg;
  ck_assert_status(ncd_ghost_radius_bound_temp(2, 3, a, 3, 2.5, &rho, &arg), NCD_OK);
  ck_assert_close(rho, M_PI * 2.5 / 3, 1e-15, 0);
  ck_assert_uint_eq(arg, 0);
  ck_assert_status(ncd_ghost_radius_bound_temp(2, 3, a, 3, 0.0, &rho, &arg), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_bound_temp(2, 3, a, 3, INFINITY, &rho, &arg), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_bound_temp(2, 3, a, 3, 1.0, NULL, &arg), NCD_EINVAL);
  a[4] = NAN;
  ck_assert_status(ncd_ghost_radius_bound_temp(2, 3, a, 3, 1.0, &rho, &arg), NCD_ENONFINITE);
}
END_TEST

Suite *suite_ghost_scalar(void) {
  Suite *s = suite_create("ghost_scalar");
  TCase *tc = tcase_create("scalar");
  tcase_add_test(tc, step_scale);
  tcase_add_test(tc, activation_radii);
  tcase_add_test(tc, temperature_bound);
  suite_add_tcase(s, tc);
  return s;
}

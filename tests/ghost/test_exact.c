/*
 * test_exact.c - ncd_ghost_radius_exact / _ex, ncd_ghost_rho_exact,
 * ncd_ghost_radius_tilt, ncd_ghost_rho_binary against spec/ghosts.md: the test
 * vectors of 3.3 and 2.3, the binary closed form (2.2), rho_bound <= rho_tilt
 * <= rho_exact on random cases (4), brute-force Newton from a dense seed grid,
 * winding numbers just inside / outside (2.7), invariances (4), overflow
 * safety, temperature (2.8), batch = min over samples, bad input, ENOMEM.
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "core/core_internal.h"
#include "ghost/ghost_testutil.h"

static double exact1(size_t k, const double *z, const double *a, double *g) {
  double r = -1;
  ck_assert_status(ncd_ghost_rho_exact(k, z, a, &r, g), NCD_OK);
  return r;
}
static double tilt1(size_t k, const double *z, const double *a) {
  double r = -1;
  ck_assert_status(ncd_ghost_radius_tilt(1, k, z, k, a, k, &r, NULL), NCD_OK);
  return r;
}
static double bound1(size_t k, const double *a) {
  double r = -1;
  ck_assert_status(ncd_ghost_radius_bound(1, k, a, k, &r, NULL), NCD_OK);
  return r;
}

/* |F(ghost)| relative to sum |terms| (long double) */
static double resid(size_t k, const double *z, const double *a, const double *g) {
  long double f[2], as;
  gt_eval(k, z, a, g[0], g[1], f, NULL, &as);
  return (double)(hypotl(f[0], f[1]) / as);
}

START_TEST(spec_vectors) {
  /* spec 3.3 "Vectors" table, 14-15 significant digits given: rtol 1e-12 */
  double g[2];
  double z1[] = {2, -1}, a1[] = {-0.5, 1};
  ck_assert_close(bound1(2, a1), 2.0943951, 1e-7, 0);
  ck_assert_close(tilt1(2, z1, a1), 2.8959438608040, 1e-12, 0);
  ck_assert_close(exact1(2, z1, a1, g), 2.8959438608040, 1e-12, 0);
  double z2[] = {0, 0, 0}, a2[] = {-1, 0, 1};
  ck_assert_close(exact1(3, z2, a2, g), 2 * M_PI / 3, 1e-12, 0);
  double a3[] = {1, 1, -1};
  ck_assert_close(exact1(3, z2, a3, g), sqrt(log(2) * log(2) + M_PI * M_PI) / 2, 1e-12, 0);
  ck_assert_close(exact1(3, z2, a3, g), 1.6085752558559, 1e-12, 0);
  /* merging matters (2.4): merged tilt = exact here */
  ck_assert_close(tilt1(3, z2, a3), 1.6085752558559, 1e-12, 0);
  double z4[] = {1, .2, -.5, .7}, a4[] = {.9, -.4, .3, -1.1};
  ck_assert_close(bound1(4, a4), M_PI / 2, 1e-15, 0);
  ck_assert_close(exact1(4, z4, a4, g), 1.89473356450952, 1e-12, 0);
  ck_assert_double_lt(resid(4, z4, a4, g), 1e-13);
  double z5[] = {6, .5, -.3, 1.2, 0}, a5[] = {-.8, .6, .1, -.2, .9};
  ck_assert_close(bound1(5, a5), 1.84799567858223, 1e-12, 0);
  ck_assert_close(tilt1(5, z5, a5), 3.68354188309906, 1e-12, 0);
  ck_assert_close(exact1(5, z5, a5, g), 3.86206300681603, 1e-12, 0);
  ck_assert_double_lt(resid(5, z5, a5, g), 1e-13);
  ck_assert_close(hypot(g[0], g[1]), 3.86206300681603, 1e-12, 0);
  /* 2.3: z = (0, log c, 0), a = (-1, 0, 1): F = c + 2 cosh t, rho = arccos(-c/2) */
  double cs[] = {1e-6, 0.01, 0.5, 1, 1.9, 1.999};
  for (int i = 0; i < 6; i++) {
    double z[] = {0, log(cs[i]), 0};
    ck_assert_close(exact1(3, z, a2, g), acos(-cs[i] / 2), 1e-12, 0);
    ck_assert_close(g[1], acos(-cs[i] / 2), 1e-12, 1e-14); /* ghost on the imaginary axis */
    ck_assert_double_lt(fabs(g[0]), 1e-9);
  }
}
END_TEST

START_TEST(binary_closed_form) {
  ncd_test_rng r;
  ncd_test_seed(&r, 11);
  for (int t = 0; t < 200; t++) {
    double z[2] = {20 * ncd_test_normal(&r), 20 * ncd_test_normal(&r)};
    double a[2] = {3 * ncd_test_normal(&r), 3 * ncd_test_normal(&r)};
    double rb, gb[2], g[2];
    ck_assert_status(ncd_ghost_rho_binary(z[0] - z[1], a[0] - a[1], &rb, gb), NCD_OK);
    /* closed form recomputed here: sqrt(delta^2 + pi^2)/|da|, rtol 1e-15 */
    double d = z[0] - z[1], da = a[0] - a[1];
    ck_assert_close(rb, sqrt(d * d + M_PI * M_PI) / fabs(da), 1e-14, 0);
    ck_assert_close(gb[0], -d / da, 1e-15, 0);
    ck_assert_close(gb[1], M_PI / fabs(da), 1e-15, 0);
    ck_assert_double_lt(resid(2, z, a, gb), 1e-12); /* the location is a zero */
    ck_assert_close(exact1(2, z, a, g), rb, 1e-13, 0);
    ck_assert_close(tilt1(2, z, a), rb, 1e-13, 0); /* 2.4: tilt = exact, 2 slopes */
    ck_assert_close(g[0], gb[0], 1e-12, 1e-14);
    ck_assert_close(g[1], gb[1], 1e-12, 0);
  }
  double rho, g[2];
  ck_assert_status(ncd_ghost_rho_binary(1.0, 0.0, &rho, g), NCD_OK);
  ck_assert(isinf(rho) && isinf(g[0]) && isinf(g[1]));
  ck_assert_status(ncd_ghost_rho_binary(NAN, 1.0, &rho, g), NCD_EINVAL);
  ck_assert_status(ncd_ghost_rho_binary(1.0, INFINITY, &rho, g), NCD_EINVAL);
  ck_assert_status(ncd_ghost_rho_binary(1.0, 1.0, NULL, g), NCD_EINVAL);
}
END_TEST

/* random instance: logits of scale zs (+ a confident class when conf), slopes ~ N(0, as) */
static void draw(ncd_test_rng *r, size_t k, double zs, double as, int conf, double *z,
                 double *a) {
  for (size_t j = 0; j < k; j++) {
    z[j] = zs * ncd_test_normal(r);
    a[j] = as * ncd_test_normal(r);
  }
  if (conf) z[(size_t)(ncd_test_uniform(r) * k)] += 10.0;
}

START_TEST(ordering_random) {
  /* spec 4: rho_bound <= rho_tilt <= rho_exact, k = 2..200, logit scales
   * 0.1..1000; the exact root is a zero (|F| < 1e-12 sum |terms|) of modulus
   * rho (1e-12) and outside the strip |Im t| < pi/Delta */
  ncd_test_rng r;
  ncd_test_seed(&r, 5);
  int cases = ncd_test_level() == 0 ? 100 : ncd_test_level() == 1 ? 2000 : 10000;
  double z[200], a[200], g[2];
  const double zsc[] = {0.1, 1, 3, 10, 100, 1000};
  for (int t = 0; t < cases; t++) {
    size_t k = 2 + (size_t)(ncd_test_uniform(&r) * 199);
    if (t % 3 == 0) k = 2 + t % 10;
    double zs = zsc[t % 6], as = exp(3 * ncd_test_normal(&r));
    draw(&r, k, zs, as, t % 4 == 0, z, a);
    if (t % 7 == 0) a[k - 1] = a[0]; /* a tied slope */
    double rb = bound1(k, a), rt = tilt1(k, z, a), re = exact1(k, z, a, g);
    if (isinf(rb)) { /* k = 2 with tied slopes: no zero at all */
      ck_assert(isinf(rt) && isinf(re) && re > 0);
      continue;
    }
    ck_assert_msg(rb <= rt * (1 + 1e-14) && rt <= re * (1 + 1e-12),
                  "case %d k=%zu: bound %.17g tilt %.17g exact %.17g", t, k, rb, rt, re);
    ck_assert_msg(resid(k, z, a, g) < 1e-12, "case %d: residual %g", t, resid(k, z, a, g));
    ck_assert_close(hypot(g[0], g[1]), re, 1e-12, 0);
    ck_assert_double_ge(g[1], rb * (1 - 1e-12)); /* zero-free strip (2.3) */
  }
}
END_TEST

START_TEST(brute_force_small) {
  /* independent route: Newton (long double) from a dense polar grid covering
   * |t| <= 1.6 rho (spec 2.6 "Verified against brute force"); rtol 1e-9 */
  ncd_test_rng r;
  ncd_test_seed(&r, 17);
  int cases = ncd_test_level() == 0 ? 5 : 80;
  double z[8], a[8], g[2];
  for (int t = 0; t < cases; t++) {
    size_t k = 3 + (size_t)(t % 6);
    draw(&r, k, t % 2 ? 1.0 : 4.0, 1.0, t % 3 == 0, z, a);
    double re = exact1(k, z, a, g);
    double bf = gt_brute(k, z, a, 1.6 * re, 24, 48);
    ck_assert_msg(ncd_test_close(re, bf, 1e-9, 0), "case %d k=%zu: exact %.17g brute %.17g",
                  t, k, re, bf);
  }
}
END_TEST

START_TEST(winding_numbers) {
  /* spec 2.7: the robust oracle. 0 zeros inside (1 - 1e-9) rho, 2 inside
   * (1 + 1e-6) rho (a conjugate pair), counted along the full circle in long
   * double by an integrator independent of the library's. */
  ncd_test_rng r;
  ncd_test_seed(&r, 23);
  int cases = ncd_test_level() == 0 ? 4 : 60;
  double z[60], a[60], g[2];
  for (int t = 0; t < cases; t++) {
    size_t k = 3 + (size_t)(ncd_test_uniform(&r) * 57);
    draw(&r, k, t % 2 ? 1.0 : 5.0, 1.0, t % 3 == 0, z, a);
    double re = exact1(k, z, a, g);
    ck_assert_msg(gt_winding(k, z, a, re * (1 - 1e-9)) == 0, "case %d inside", t);
    ck_assert_msg(gt_winding(k, z, a, re * (1 + 1e-6)) == 2, "case %d outside", t);
  }
}
END_TEST

START_TEST(invariances) {
  /* spec 4: a + const, -a, z + const, class permutation, a -> alpha a
   * (rho / |alpha|), duplicated slopes merged: rtol 1e-10 (each side 1e-12) */
  ncd_test_rng r;
  ncd_test_seed(&r, 31);
  int cases = ncd_test_level() == 0 ? 20 : 150;
  double z[40], a[40], z2[40], a2[40], g[2];
  for (int t = 0; t < cases; t++) {
    size_t k = 3 + (size_t)(ncd_test_uniform(&r) * 37);
    draw(&r, k, 2.0, 1.0, t % 2, z, a);
    double re = exact1(k, z, a, g), c = 3.25, al = -2.5;
    for (size_t j = 0; j < k; j++) {
      a2[j] = a[j] + c;
      z2[j] = z[j] - 7.5;
    }
    ck_assert_close(exact1(k, z2, a2, g), re, 1e-10, 0);
    for (size_t j = 0; j < k; j++) a2[j] = -a[j];
    ck_assert_close(exact1(k, z, a2, g), re, 1e-10, 0);
    for (size_t j = 0; j < k; j++) {
      a2[j] = a[(k - 1 - j + 3) % k]; /* reversal then rotation */
      z2[j] = z[(k - 1 - j + 3) % k];
    }
    ck_assert_close(exact1(k, z2, a2, g), re, 1e-10, 0);
    for (size_t j = 0; j < k; j++) a2[j] = al * a[j];
    ck_assert_close(exact1(k, z, a2, g), re / fabs(al), 1e-10, 0);
    /* splitting class 0 into two with the same slope and half the weight */
    memcpy(z2, z, k * sizeof *z);
    memcpy(a2, a, k * sizeof *a);
    z2[0] = z[0] - log(2.0);
    z2[k] = z2[0];
    a2[k] = a[0];
    ck_assert_close(exact1(k + 1, z2, a2, g), re, 1e-10, 0);
  }
}
END_TEST

START_TEST(huge_logits) {
  /* overflow safety: exp(800) overflows double. Tied slopes + 2 groups:
   * closed form sqrt((800 + ln 2)^2 + pi^2)/2 */
  double z[] = {800, 800, 0}, a[] = {1, 1, -1}, g[2];
  ck_assert_close(exact1(3, z, a, g), hypot(800 + log(2.0), M_PI) / 2, 1e-13, 0);
  /* z scaled by 1e3 and 1e5: the ghost is still a zero and winding holds */
  double z4[] = {1, .2, -.5, .7}, a4[] = {.9, -.4, .3, -1.1}, zz[4];
  const double sc[] = {1e3, 1e5, 1e8};
  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 4; j++) zz[j] = sc[i] * z4[j];
    double re = exact1(4, zz, a4, g);
    ck_assert(isfinite(re) && re > M_PI / 2);
    ck_assert_close(hypot(g[0], g[1]), re, 1e-12, 0);
    ck_assert_double_lt(resid(4, zz, a4, g), 1e-9);
    if (i == 0) {
      ck_assert_int_eq(gt_winding(4, zz, a4, re * (1 - 1e-9)), 0);
      ck_assert_int_eq(gt_winding(4, zz, a4, re * (1 + 1e-6)), 2);
    }
  }
  /* slopes whose spread overflows: radius 0, as the bound */
  double ah[] = {1e308, -1e308, 0}, rho;
  ck_assert_status(ncd_ghost_radius_exact(1, 3, z, 3, ah, 3, &rho), NCD_OK);
  ck_assert(rho == 0.0);
}
END_TEST

/* "tropical" radius of one sample in t units, brute force in long double:
 * the least |t| where two terms tie and are at least every other term */
static long double tropical(size_t k, const double *z, const double *a) {
  long double best = INFINITY;
  for (size_t j = 0; j < k; j++)
    for (size_t q = j + 1; q < k; q++) {
      if (a[j] == a[q]) continue;
      long double t = -((long double)z[j] - z[q]) / ((long double)a[j] - a[q]);
      long double top = z[j] + a[j] * t;
      int ok = 1;
      for (size_t i = 0; i < k; i++)
        if (z[i] + a[i] * t > top * (1 + 1e-15L * (top > 0 ? 1 : -1)) + 1e-300L) ok = 0;
      if (ok && fabsl(t) < best) best = fabsl(t);
    }
  return best;
}

START_TEST(huge_far_field) {
  /* regression (issue #10): n = 5, k = 4, z = normals * 1e300, a = normals *
   * 1e150 hung in the contour count (R ~ 1e300 in s units, step cap ~1e-300).
   * At that scale every zero sits on a crossing of two envelope lines with
   * the other terms below e^-40: the radius is the tropical one, |u| with
   * u = -(z_j - z_q)/(a_j - a_q) for the nearest crossing (imaginary part
   * pi/|a_j - a_q| ~ 1e-150 is 1e-300 relative). rtol 1e-12: the tropical
   * value is computed independently in long double; the code's error is the
   * 1e-14 bracket of the tilt bound plus rounding of z (1e-16). */
  size_t n = 5, k = 4, ld = 6;
  double z[30], a[30], rho = -1, rb, rt, g[2];
  size_t am = 99;
  ncd_test_rng r;
  ncd_test_seed(&r, 8);
  ncd_test_fill_normal(&r, z, n, k, ld);
  ncd_test_fill_normal(&r, a, n, k, ld);
  for (size_t i = 0; i < 30; i++) {
    z[i] *= 1e300;
    a[i] *= 1e150;
  }
  ck_assert_status(ncd_ghost_radius_bound(n, k, a, ld, &rb, NULL), NCD_OK);
  ck_assert_status(ncd_ghost_radius_tilt(n, k, z, ld, a, ld, &rt, NULL), NCD_OK);
  ck_assert_status(ncd_ghost_radius_exact_ex(n, k, z, ld, a, ld, 1.0, &rho, &am, g), NCD_OK);
  long double trop = INFINITY;
  size_t targ = 0;
  for (size_t i = 0; i < n; i++) {
    long double t = tropical(k, z + i * ld, a + i * ld);
    if (t < trop) trop = t, targ = i;
  }
  ck_assert(!isnan(rho) && rho >= rb && rho >= rt);
  ck_assert_close(rho, (double)trop, 1e-12, 0);
  ck_assert_uint_eq(am, targ);
  ck_assert_close(hypot(g[0], g[1]), rho, 1e-12, 0);
  /* one sample, each row: same route through ncd_ghost_rho_exact */
  for (size_t i = 0; i < n; i++) {
    double r1 = -1;
    ck_assert_status(ncd_ghost_rho_exact(k, z + i * ld, a + i * ld, &r1, NULL), NCD_OK);
    ck_assert_close(r1, (double)tropical(k, z + i * ld, a + i * ld), 1e-12, 0);
  }
}
END_TEST

START_TEST(never_hangs) {
  /* three lines meeting at one far point (s ~ 2e200): no two-term far field,
   * Newton cannot resolve |G| there, and a contour would need ~1e200 steps.
   * Contract: no hang; NCD_OK with an accurate radius (nearest zero at
   * u + i 2 pi / 3 relative to the triple point, |t| = hypot(1e200, ..)), or
   * NCD_ENOCONV with *rho untouched. The same shape at 1e5 is resolved:
   * 1 + 2 cosh w = 0 at w = 2 pi i / 3, rtol 1e-12. */
  double z[3] = {1e200, 0, -1e200}, a[3] = {-1, 0, 1}, rho = -7;
  int st = ncd_ghost_rho_exact(3, z, a, &rho, NULL);
  ck_assert(st == NCD_OK || st == NCD_ENOCONV);
  if (st == NCD_OK) ck_assert_close(rho, 1e200, 1e-12, 0);
  else ck_assert(rho == -7);
  double z2[3] = {1e5, 0, -1e5};
  ck_assert_status(ncd_ghost_rho_exact(3, z2, a, &rho, NULL), NCD_OK);
  ck_assert_close(rho, hypot(1e5, 2 * M_PI / 3), 1e-12, 0);
}
END_TEST

START_TEST(batch_and_temperature) {
  ncd_test_rng r;
  ncd_test_seed(&r, 41);
  size_t n = 60, k = 12, ld = 15;
  double *z = calloc(n * ld, sizeof *z), *a = calloc(n * ld, sizeof *a);
  for (size_t i = 0; i < n; i++) draw(&r, k, 2.0, exp(ncd_test_normal(&r)), i % 2, z + i * ld, a + i * ld);
  double best = INFINITY, g[2], rho, rb, rt, gb[2];
  size_t arg = 0, am;
  for (size_t i = 0; i < n; i++) {
    double e = exact1(k, z + i * ld, a + i * ld, g);
    if (e < best) {
      best = e;
      arg = i;
    }
  }
  /* branch and bound returns the per-sample minimum (same row code): 1e-15 */
  ck_assert_status(ncd_ghost_radius_exact(n, k, z, ld, a, ld, &rho), NCD_OK);
  ck_assert_close(rho, best, 1e-15, 0);
  ck_assert_status(ncd_ghost_radius_exact_ex(n, k, z, ld, a, ld, 1.0, &rho, &am, gb), NCD_OK);
  ck_assert_uint_eq(am, arg);
  ck_assert_close(hypot(gb[0], gb[1]), best, 1e-12, 0);
  ck_assert_status(ncd_ghost_radius_bound(n, k, a, ld, &rb, NULL), NCD_OK);
  ck_assert_status(ncd_ghost_radius_tilt(n, k, z, ld, a, ld, &rt, NULL), NCD_OK);
  ck_assert(rb <= rt && rt <= rho);
  /* temperature T: the radius of sum_j exp((z_j + a_j t)/T) = T * the radius
   * of (z/T, a); computed here by scaling the inputs (2.8), rtol 1e-12 */
  const double Ts[] = {0.25, 4.0};
  for (int q = 0; q < 2; q++) {
    double T = Ts[q], *zt = malloc(n * ld * sizeof *zt), rT, want = INFINITY;
    for (size_t i = 0; i < n * ld; i++) zt[i] = z[i] / T;
    for (size_t i = 0; i < n; i++) {
      double e = T * exact1(k, zt + i * ld, a + i * ld, g);
      want = e < want ? e : want;
    }
    ck_assert_status(ncd_ghost_radius_exact_ex(n, k, z, ld, a, ld, T, &rT, NULL, NULL), NCD_OK);
    ck_assert_close(rT, want, 1e-12, 0);
    ck_assert_status(ncd_ghost_radius_bound_temp(n, k, a, ld, T, &rT, NULL), NCD_OK);
    ck_assert_close(rT, T * rb, 1e-15, 0);
    free(zt);
  }
  /* all spreads zero */
  for (size_t i = 0; i < n * ld; i++) a[i] = 1.5;
  ck_assert_status(ncd_ghost_radius_exact_ex(n, k, z, ld, a, ld, 1.0, &rho, &am, gb), NCD_OK);
  ck_assert(isinf(rho) && rho > 0 && am == 0);
  ck_assert_status(ncd_ghost_radius_tilt(n, k, z, ld, a, ld, &rt, NULL), NCD_OK);
  ck_assert(isinf(rt));
  free(z);
  free(a);
}
END_TEST

START_TEST(taylor_root_test) {
  /* spec 2.7: Taylor coefficients of log F from the cumulant recursion (in
   * the test, long double). Low orders match central finite differences of
   * log F (c_1 = E a, c_2 = Var/2); the root test
   * 1 / max_{n in [N/2, N]} (n |c_n| / 2)^(1/n) approaches rho_exact:
   * error below 2e-2 at N = 40, 1e-3 at N = 80, 1e-4 at N = 160 (spec 2.7). */
  double z[] = {1, .2, -.5, .7}, a[] = {.9, -.4, .3, -1.1}, g[2];
  long double c[256];
  gt_taylor(4, z, a, 200, c);
  double h = 1e-3, lf[5];
  for (int i = -2; i <= 2; i++) {
    long double s = 0;
    for (int j = 0; j < 4; j++) s += expl(z[j] + a[j] * h * i);
    lf[i + 2] = (double)logl(s);
  }
  /* central differences, truncation O(h^2 c_3) ~ 1e-7 */
  ck_assert_close((double)c[1], (lf[3] - lf[1]) / (2 * h), 0, 1e-7);
  ck_assert_close((double)c[2], (lf[3] - 2 * lf[2] + lf[1]) / (2 * h * h), 0, 1e-6);
  double re = exact1(4, z, a, g);
  const int Ns[] = {40, 80, 160};
  for (int q = 0; q < 3; q++) {
    int N = Ns[q];
    long double mx = 0;
    for (int n = N / 2; n <= N; n++) {
      long double v = powl(n * fabsl(c[n]) / 2, 1.0L / n);
      if (v > mx) mx = v;
    }
    double err = fabs((double)(1 / mx) / re - 1);
    ck_assert_double_lt(err, q == 0 ? 2e-2 : q == 1 ? 1e-3 : 1e-4);
  }
}
END_TEST

START_TEST(bad_input) {
  double z[4] = {0, 1, 2, 3}, a[4] = {0, 1, 2, 3}, rho = 42, g[2];
  size_t am;
  ck_assert_status(ncd_ghost_radius_exact(2, 2, NULL, 2, a, 2, &rho), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_exact(2, 2, z, 2, NULL, 2, &rho), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_exact(2, 2, z, 2, a, 2, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_exact(0, 2, z, 2, a, 2, &rho), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_exact(2, 1, z, 2, a, 2, &rho), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_exact(2, 2, z, 1, a, 2, &rho), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_exact(2, 2, z, 2, a, 1, &rho), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_exact(SIZE_MAX, 2, z, 2, a, 2, &rho), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_exact(2, SIZE_MAX, z, SIZE_MAX, a, SIZE_MAX, &rho), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_exact_ex(2, 2, z, 2, a, 2, 0.0, &rho, &am, g), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_exact_ex(2, 2, z, 2, a, 2, NAN, &rho, &am, g), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_exact_ex(2, 2, z, 2, a, 2, -1.0, &rho, &am, g), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_exact_ex(2, 2, z, 2, a, 2, 1e-308, &rho, &am, g), NCD_EINVAL);
  ck_assert_status(ncd_ghost_radius_tilt(2, 2, z, 2, a, 1, &rho, &am), NCD_EINVAL);
  ck_assert_status(ncd_ghost_rho_exact(1, z, a, &rho, g), NCD_EINVAL);
  ck_assert_status(ncd_ghost_rho_exact(2, z, NULL, &rho, g), NCD_EINVAL);
  z[3] = NAN;
  ck_assert_status(ncd_ghost_radius_exact(2, 2, z, 2, a, 2, &rho), NCD_ENONFINITE);
  ck_assert_status(ncd_ghost_radius_tilt(2, 2, z, 2, a, 2, &rho, NULL), NCD_ENONFINITE);
  /* EINVAL before the scan */
  ck_assert_status(ncd_ghost_radius_exact(2, 2, z, 2, a, 1, &rho), NCD_EINVAL);
  z[3] = 3;
  a[0] = -INFINITY;
  ck_assert_status(ncd_ghost_radius_exact(2, 2, z, 2, a, 2, &rho), NCD_ENONFINITE);
  ck_assert_status(ncd_ghost_rho_exact(2, z, a, &rho, g), NCD_ENONFINITE);
  ck_assert(rho == 42);
}
END_TEST

START_TEST(enomem) {
  double z[6] = {0, 1, 2, 3, 4, 5}, a[6] = {1, 0, -1, 2, 0.5, 0}, rho = 42;
  for (uint64_t f = 1; f <= 6; f++) {
    ncd__alloc_fail_at(f, 0);
    int s = ncd_ghost_radius_exact(2, 3, z, 3, a, 3, &rho);
    ncd__alloc_fail_at(0, 0);
    ck_assert(s == NCD_ENOMEM || s == NCD_OK);
    if (s == NCD_ENOMEM) ck_assert(rho == 42);
  }
  ncd__alloc_fail_at(1, 1);
  ck_assert_status(ncd_ghost_radius_exact(2, 3, z, 3, a, 3, &rho), NCD_ENOMEM);
  ck_assert_status(ncd_ghost_radius_tilt(2, 3, z, 3, a, 3, &rho, NULL), NCD_ENOMEM);
  ck_assert_status(ncd_ghost_rho_exact(3, z, a, &rho, NULL), NCD_ENOMEM);
  ncd__alloc_fail_at(0, 0);
  ncd__alloc_counters c;
  ncd__alloc_reset_counters();
  ck_assert_status(ncd_ghost_radius_exact(2, 3, z, 3, a, 3, &rho), NCD_OK);
  ncd__alloc_get_counters(&c);
  ck_assert(rho > 0 && isfinite(rho));
  ck_assert(c.calls > 0 && c.failures == 0);
}
END_TEST

Suite *suite_ghost_exact(void) {
  Suite *s = suite_create("ghost_exact");
  TCase *tc = tcase_create("exact");
  tcase_add_test(tc, spec_vectors);
  tcase_add_test(tc, binary_closed_form);
  tcase_add_test(tc, ordering_random);
  tcase_add_test(tc, brute_force_small);
  tcase_add_test(tc, winding_numbers);
  tcase_add_test(tc, invariances);
  tcase_add_test(tc, huge_logits);
  tcase_add_test(tc, huge_far_field);
  tcase_add_test(tc, never_hangs);
  tcase_add_test(tc, batch_and_temperature);
  tcase_add_test(tc, taylor_root_test);
  tcase_add_test(tc, bad_input);
  tcase_add_test(tc, enomem);
  suite_add_tcase(s, tc);
  return s;
}

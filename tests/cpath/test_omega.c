/*
 * test_omega.c - ncd_cpath_omega / ncd_cpath_omega_law / ncd_cpath_time
 * (spec/central-path.md CP-20 .. CP-28): the section 9 omega vectors, the
 * accuracy contract CP-27 (a)-(d) against a long-double Newton reference
 * computed here, monotonicity, the inverse round trip, the semigroup, the
 * asymptotes CP-28/CP-29, the flow ODE CP-19 (and CP-21's) by central
 * differences, and bad scalars.
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/testutil.h"
#include "cpath/cpath_data.h"

/* ---- long-double reference: Newton on G(s) = tau from the right of the root ---- */
typedef struct {
  long double cc, x0, tau;
  int law;
} refp;

static long double G_ld(const refp *p, long double s, long double *gp, long double *absum) {
  long double e2 = expm1l(2 * s), x = p->x0 * expl(2 * s);
  long double t1 = p->cc * p->cc * s, t2, t3 = 0;
  if (p->law == 0) {
    t2 = p->cc * p->x0 * e2;
    t3 = p->x0 * p->x0 / 4 * expm1l(4 * s);
    *gp = (p->cc + x) * (p->cc + x);
  } else {
    t2 = p->cc * p->x0 * e2 / 2;
    *gp = p->cc * (p->cc + x);
  }
  if (absum) *absum = fabsl(t1) + fabsl(t2) + fabsl(t3);
  return t1 + t2 + t3;
}

/* s of the root in long double (lnw0 + s = ln omega). */
static long double ref_s(size_t c, size_t n, double w0, double t, int law) {
  refp p = {(long double)c, (long double)w0 * (long double)w0, (long double)t / (long double)n,
            law};
  if (p.tau == 0) return 0;
  long double s;
  if (p.tau > 0) { /* right of the root: the log term alone, or the x0 term alone */
    long double a = p.tau / (p.cc * p.cc);
    long double b = 0.5L * log1pl(p.tau / (p.cc * p.x0 * (law == 0 ? 1 : 0.5L)));
    s = a < b ? a : b;
  } else {
    s = 0;
  }
  for (int it = 0; it < 2000; it++) {
    long double gp, g = G_ld(&p, s, &gp, NULL) - p.tau;
    long double step = g / gp;
    s -= step;
    if (fabsl(step) <= 1e-19L * (fabsl(s) > 1 ? fabsl(s) : 1)) break;
  }
  return s;
}

static double kappa(size_t c, size_t n, double w0, double t, double w, int law) {
  long double cc = c, x0 = (long double)w0 * w0, x = (long double)w * w,
              tau = fabsl((long double)t / n);
  if (law == 0) return (double)(((cc + x0) * (cc + x0) + tau) / ((cc + x) * (cc + x)));
  return (double)((cc * (cc + x0) + tau) / (cc * (cc + x)));
}

/* Checks CP-27 (a)-(d) for one case; returns 0 on success, prints on failure. */
static int check_case(size_t c, size_t n, double w0, double t, int law, double *worst_a) {
  double w;
  int st = ncd_cpath_omega_law(c, n, w0, t, (ncd_cpath_law)law, &w);
  if (st != NCD_OK || !(w >= 0) || isinf(w)) {
    fprintf(stderr, "status %d w %g for c %zu n %zu w0 %g t %g\n", st, w, c, n, w0, t);
    return 1;
  }
  /* the reference needs a real extended long double (not so under valgrind, which
   * emulates it in double: then only status, sign and finiteness are checked) */
  if (!cpath_ld_extended()) return 0;
  long double s = ref_s(c, n, w0, t, law);
  long double lw = logl((long double)w0) + s;
  long double wref = expl(lw);
  double k = kappa(c, n, w0, t, (double)wref, law);
  if (wref < DBL_MIN) {
    if (k <= 1e3 && !(w <= DBL_MIN)) {
      fprintf(stderr, "(d) w %g ref %Lg\n", w, wref);
      return 1;
    }
    return 0;
  }
  double rel = (double)fabsl((long double)w / wref - 1);
  if (k <= 1e3) {
    if (rel > 1e-12) {
      fprintf(stderr, "(a) c %zu n %zu w0 %.17g t %.17g law %d: w %.17g ref %.20Lg rel %g\n",
              c, n, w0, t, law, w, wref, rel);
      return 1;
    }
    if (rel > *worst_a) *worst_a = rel;
  } else if (k <= 1e13 && rel > 1e-15 * k) {
    fprintf(stderr, "(b) w %.17g ref %.20Lg rel %g kappa %g\n", w, wref, rel, k);
    return 1;
  }
  if (w >= DBL_MIN) { /* (c) residual, evaluated in long double */
    refp p = {(long double)c, (long double)w0 * w0, (long double)t / n, law};
    long double sh = logl((long double)w) - logl((long double)w0), gp, absum;
    long double res = fabsl(G_ld(&p, sh, &gp, &absum) - p.tau);
    long double lwh = fabsl(logl((long double)w)), m = fabsl(sh);
    if (m < 1) m = 1;
    if (lwh > m) m = lwh;
    long double bound = 1e-15L * (fabsl(p.tau) + absum + gp * m);
    if (res > bound) {
      fprintf(stderr, "(c) w %.17g res %Lg bound %Lg\n", w, res, bound);
      return 1;
    }
  }
  return 0;
}

START_TEST(section9_vectors) {
  /* spec/central-path.md section 9, `ncd_cpath_omega` table */
  static const struct {
    size_t c, n;
    double w0, t, want, tol;
  } v[] = {
      {3, 4, 2, 1, 2.0101707298203012, 1e-12},
      {3, 4, 2, 1e6, 31.527771266156070, 1e-12},
      {3, 4, 2, -3, 1.9690833823507209, 1e-12},
      {10, 500, 0.5, 1000, 0.50960020726485652, 1e-12},
      {2, 1, 1e-300, 1, 1.2840254166877415e-300, 1e-12},
      {2, 1, 1e-300, 1e300, 1.4142135623730951e+75, 1e-12},
      {2, 1, 1, DBL_MAX, 1.6375474301492825e+77, 1e-12},
      {3, 4, 1e150, 1e300, 1e150, 1e-12},
      {3, 4, 1e60, 1e250, 3.1622776602474362e+62, 1e-12},
      {5, 7, 3, -10, 2.9780079788499107, 1e-12},
      {2, 3, 0.1, -1000, 6.4709398288529715e-38, 1e-12},
      {4, 2, 1, 1e-20, 1, 1e-12},
      {1000, 1000000, 1000, 1e12, 1000.0009980015040, 1e-12},
      {2, 1, 1e5, -2.4999e19, 7952.7467994233176, 3.1e-11}, /* CP-27(b) */
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    double w = -1;
    ck_assert_status(ncd_cpath_omega(v[i].c, v[i].n, v[i].w0, v[i].t, &w), NCD_OK);
    ck_assert_close(w, v[i].want, v[i].tol, 0);
  }
  double w = -1;
  ck_assert_status(ncd_cpath_omega(3, 4, 2, 0, &w), NCD_OK);
  ck_assert(w == 2); /* exact */
  ck_assert_status(ncd_cpath_omega(2, 1, 1, -1e300, &w), NCD_OK);
  ck_assert(w == 0); /* exact value 10^(-1.09e299) */
  ck_assert_status(ncd_cpath_omega(2, 1, DBL_TRUE_MIN, 1, &w), NCD_OK);
  ck_assert(w >= 0 && w <= DBL_MIN); /* CP-27(d): exact 6.34e-324, subnormal */
  ck_assert(w == DBL_TRUE_MIN);      /* 6.34e-324 rounds to the smallest subnormal */
}
END_TEST

START_TEST(contract_stress) {
  /* CP-27 on random cases against the long-double reference (64-bit mantissa:
   * its own error ~1e-19 kappa, far below the 1e-12 / 1e-15 kappa under test). */
  int lvl = ncd_test_level();
  size_t cases = lvl == 0 ? 300 : lvl == 1 ? 6000 : 100000;
  ncd_test_rng r;
  ncd_test_seed(&r, 27);
  double worst = 0;
  int fails = 0;
  for (size_t i = 0; i < cases; i++) {
    int law = (int)(i & 1), regime = (int)((i >> 1) % 3);
    size_t c = 2 + (size_t)(ncd_test_uniform(&r) * 99);
    size_t n = 1 + (size_t)(ncd_test_uniform(&r) * 1000);
    double w0, t, sg = ncd_test_uniform(&r) < 0.5 ? -1 : 1;
    if (regime == 0) { /* moderate: 1e-3 <= w0 <= 1e3, |t| <= 1e9 */
      w0 = pow(10, -3 + 6 * ncd_test_uniform(&r));
      t = sg * pow(10, -6 + 15 * ncd_test_uniform(&r));
    } else if (regime == 1) { /* wide: 1e-300 < w0 < 1e150, |t| up to 1e300 */
      w0 = pow(10, -300 + 450 * ncd_test_uniform(&r));
      t = sg * pow(10, -20 + 320 * ncd_test_uniform(&r));
    } else { /* backward flows near saturation: ill-conditioned */
      w0 = pow(10, -1 + 6 * ncd_test_uniform(&r));
      double x0 = w0 * w0, sat = (double)n * ((double)c * x0 + x0 * x0 / 4);
      t = -sat * (0.5 + ncd_test_uniform(&r));
    }
    fails += check_case(c, n, w0, t, law, &worst);
  }
  ck_assert_msg(fails == 0, "%d of %zu cases broke CP-27", fails, cases);
  ck_assert(worst <= 1e-12);
}
END_TEST

START_TEST(extremes_no_overflow) {
  /* omega0 in [DBL_TRUE_MIN, DBL_MAX], |t| <= DBL_MAX, c and n up to SIZE_MAX */
  double w0s[] = {DBL_TRUE_MIN, 1e-310, DBL_MIN, 1e-300, 1e-100, 1, 1e100, 1e150, 1e200, DBL_MAX};
  double ts[] = {-DBL_MAX, -1e300, -1e20, -1, -1e-300, 1e-300, 1, 1e20, 1e300, DBL_MAX};
  size_t cs[] = {2, 3, 1000, SIZE_MAX};
  size_t ns[] = {1, 7, SIZE_MAX};
  double worst = 0;
  int fails = 0;
  for (size_t a = 0; a < 10; a++)
    for (size_t b = 0; b < 10; b++)
      for (size_t ci = 0; ci < 4; ci++)
        for (size_t ni = 0; ni < 3; ni++)
          for (int law = 0; law < 2; law++)
            fails += check_case(cs[ci], ns[ni], w0s[a], ts[b], law, &worst);
  ck_assert_int_eq(fails, 0);
}
END_TEST

START_TEST(monotone_roundtrip_semigroup) {
  ncd_test_rng r;
  ncd_test_seed(&r, 5);
  for (int law = 0; law < 2; law++)
    for (int rep = 0; rep < 200; rep++) {
      size_t c = 2 + (size_t)(ncd_test_uniform(&r) * 20), n = 1 + (size_t)(ncd_test_uniform(&r) * 50);
      double w0 = pow(10, -2 + 4 * ncd_test_uniform(&r));
      double prev = 0;
      for (int i = -40; i <= 40; i++) { /* non-decreasing in t */
        double t = (i < 0 ? -1 : 1) * pow(10, fabs((double)i) / 5.0) * (i != 0), w;
        ck_assert_status(ncd_cpath_omega_law(c, n, w0, t, (ncd_cpath_law)law, &w), NCD_OK);
        ck_assert_msg(w >= prev, "not monotone at t = %g", t);
        prev = w;
      }
      /* round trip t(omega(t)) = t on forward times (kappa <= 1): the error of t
       * is bounded by N (C + w^2)^2 times the relative error of w, plus rounding of
       * the terms */
      double t = pow(10, -3 + 9 * ncd_test_uniform(&r)), w, tb;
      ck_assert_status(ncd_cpath_omega_law(c, n, w0, t, (ncd_cpath_law)law, &w), NCD_OK);
      ck_assert_status(ncd_cpath_time(c, n, w0, w, (ncd_cpath_law)law, &tb), NCD_OK);
      double cc = (double)c, gp = law == 0 ? (cc + w * w) * (cc + w * w) : cc * (cc + w * w);
      double scale = (double)n * gp * fmax(1.0, fabs(log(w / w0))) + fabs(t);
      ck_assert_msg(fabs(tb - t) <= 1e-12 * scale, "t %g back %g scale %g", t, tb, scale);
      /* semigroup: w(t2; w(t1; w0)) = w(t1 + t2; w0), kappa <= 1 forward */
      double t1 = t / 3, t2 = t - t1, w1, w12, wall;
      ck_assert_status(ncd_cpath_omega_law(c, n, w0, t1, (ncd_cpath_law)law, &w1), NCD_OK);
      ck_assert_status(ncd_cpath_omega_law(c, n, w1, t2, (ncd_cpath_law)law, &w12), NCD_OK);
      ck_assert_status(ncd_cpath_omega_law(c, n, w0, t1 + t2, (ncd_cpath_law)law, &wall), NCD_OK);
      ck_assert_close(w12, wall, 1e-13, 0);
    }
  double tb;
  ck_assert_status(ncd_cpath_time(3, 4, 2, 2, NCD_CPATH_ORTHOGONAL, &tb), NCD_OK);
  ck_assert(tb == 0);
  /* section 9 row t = 1e6 inverted: 31.527771266156070 -> 1e6 (rel 1e-12 * kappa
   * of the inverse, (C + w^2)^2 w dw / ... ~ 4 * ulp effects) */
  ck_assert_status(ncd_cpath_time(3, 4, 2, 31.527771266156070, NCD_CPATH_ORTHOGONAL, &tb), NCD_OK);
  ck_assert_close(tb, 1e6, 1e-13, 0);
  /* far apart, tiny values: only the log term counts, t = N C^2 ln(w/w0) */
  ck_assert_status(ncd_cpath_time(2, 1, 1e-300, 1e-200, NCD_CPATH_ORTHOGONAL, &tb), NCD_OK);
  ck_assert_close(tb, 4 * 100 * log(10.0), 1e-14, 0);
  /* huge values: the quartic term, t = N (w^4 - w0^4)/4 + ... without overflow */
  ck_assert_status(ncd_cpath_time(2, 1, 1, 1e77, NCD_CPATH_ORTHOGONAL, &tb), NCD_OK);
  ck_assert_close(tb, 0.25e308, 1e-13, 0);
  ck_assert_status(ncd_cpath_time(2, 1, 1, 1e78, NCD_CPATH_ORTHOGONAL, &tb), NCD_OK);
  ck_assert(tb == HUGE_VAL);
  ck_assert_status(ncd_cpath_time(2, 1, 1e78, 1, NCD_CPATH_ORTHOGONAL, &tb), NCD_OK);
  ck_assert(tb == -HUGE_VAL);
  ck_assert_status(ncd_cpath_time(2, 1, 1e150, 1.5e150, NCD_CPATH_RENORMALIZED, &tb), NCD_OK);
  ck_assert_close(tb, 1.25e300, 1e-13, 0); /* (C N/2)(w^2 - w0^2) */
}
END_TEST

START_TEST(asymptotes) {
  /* CP-28: omega = (t/c3)^(1/4) (1 - (C/2) sqrt(N/t) + O(ln t / t)) */
  double c = 3, n = 4, t = 1e16, w;
  ck_assert_status(ncd_cpath_omega(3, 4, 2, t, &w), NCD_OK);
  double lead = pow(t / (n / 4), 0.25);
  ck_assert_msg(fabs(w / lead - 1 + (c / 2) * sqrt(n / t)) <= 1e-13,
                "ratio - 1 = %g, predicted %g", w / lead - 1, -(c / 2) * sqrt(n / t));
  ck_assert_status(ncd_cpath_omega(3, 4, 2, 1e300, &w), NCD_OK);
  ck_assert_close(w, pow(1e300 / (n / 4), 0.25), 1e-13, 0);
  /* CP-21: omega ~ (2 t / (C N))^(1/2) */
  ck_assert_status(ncd_cpath_omega_law(3, 4, 2, 1e300, NCD_CPATH_RENORMALIZED, &w), NCD_OK);
  ck_assert_close(w, sqrt(2e300 / (c * n)), 1e-13, 0);
  /* log regime (w0, w << sqrt(C)): w = w0 exp(tau / C^2) to O(w^2/C) */
  ck_assert_status(ncd_cpath_omega(100, 1, 1e-8, 1e4, &w), NCD_OK);
  ck_assert_close(w, 1e-8 * exp(1.0), 1e-13, 0);
  /* t -> -infinity: ln w = ln w0 + (tau + C x0 + x0^2/4)/C^2 */
  ck_assert_status(ncd_cpath_omega(2, 1, 1, -1000, &w), NCD_OK);
  ck_assert_close(log(w), (-1000 + 2 + 0.25) / 4, 1e-13, 0);
  /* CP-29: max/min - 1 ~ (max a_j - min a_j)/(4 t) */
  double w1, w2, t2 = 1e12;
  ck_assert_status(ncd_cpath_omega(3, 4, 2, t2, &w1), NCD_OK);
  ck_assert_status(ncd_cpath_omega(3, 4, 5, t2, &w2), NCD_OK);
  double a1 = 9 * 4 * log(2.0) + 12 * 4 + 16, a2 = 9 * 4 * log(5.0) + 12 * 25 + 625;
  ck_assert_close(w2 / w1 - 1, (a2 - a1) / (4 * t2), 1e-4, 0);
}
END_TEST

START_TEST(flow_ode) {
  /* central differences, h = 1e-4 max(1, |t|): CP-19 dw/dt = w / (N (C + w^2)^2)
   * and CP-21 dw/dt = w / (C N (C + w^2)); tolerance 1e-6 (O(h^2) truncation plus
   * rounding eps w / h) */
  double ts[] = {-50, -1, 0, 0.5, 10, 1e3, 1e6};
  size_t cs[] = {2, 3, 10};
  double w0s[] = {0.1, 1, 2, 7};
  for (int law = 0; law < 2; law++)
    for (size_t a = 0; a < 3; a++)
      for (size_t b = 0; b < 4; b++)
        for (size_t i = 0; i < 7; i++) {
          size_t c = cs[a], n = 4;
          double t = ts[i], h = 1e-4 * fmax(1, fabs(t)), wp, wm, w;
          ck_assert_status(ncd_cpath_omega_law(c, n, w0s[b], t + h, (ncd_cpath_law)law, &wp), NCD_OK);
          ck_assert_status(ncd_cpath_omega_law(c, n, w0s[b], t - h, (ncd_cpath_law)law, &wm), NCD_OK);
          ck_assert_status(ncd_cpath_omega_law(c, n, w0s[b], t, (ncd_cpath_law)law, &w), NCD_OK);
          double cc = (double)c, x = w * w;
          double rhs = law == 0 ? w / (n * (cc + x) * (cc + x)) : w / (cc * n * (cc + x));
          ck_assert_close((wp - wm) / (2 * h), rhs, 1e-6, 0);
        }
}
END_TEST

START_TEST(bad_scalars) {
  double w = 42;
  ck_assert_status(ncd_cpath_omega(3, 4, 2, 1, NULL), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega(1, 4, 2, 1, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega(0, 4, 2, 1, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega(3, 0, 2, 1, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega(3, 4, 0, 1, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega(3, 4, -1, 1, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega(3, 4, INFINITY, 1, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega(3, 4, NAN, 1, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega(3, 4, 2, NAN, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega(3, 4, 2, INFINITY, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega(3, 4, 2, -INFINITY, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega_law(3, 4, 2, 1, (ncd_cpath_law)2, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega_law(3, 4, 2, 1, (ncd_cpath_law)-1, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_time(3, 4, 2, 0, NCD_CPATH_ORTHOGONAL, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_time(3, 4, 2, NAN, NCD_CPATH_ORTHOGONAL, &w), NCD_EINVAL);
  ck_assert_status(ncd_cpath_time(3, 4, 2, 1, NCD_CPATH_ORTHOGONAL, NULL), NCD_EINVAL);
  ck_assert(w == 42);
}
END_TEST

Suite *suite_cpath_omega(void) {
  Suite *s = suite_create("cpath_omega");
  TCase *tc = tcase_create("omega");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, section9_vectors);
  tcase_add_test(tc, contract_stress);
  tcase_add_test(tc, extremes_no_overflow);
  tcase_add_test(tc, monotone_roundtrip_semigroup);
  tcase_add_test(tc, asymptotes);
  tcase_add_test(tc, flow_ode);
  tcase_add_test(tc, bad_scalars);
  suite_add_tcase(s, tc);
  return s;
}

/*
 * ghost_testutil.h - independent test-side routines for the ghost suites
 * (spec/ghosts.md 2.6, 2.7): F(t) = sum_j exp(z_j + a_j t) in long double,
 * its zero count inside |t| < R by the argument principle along the FULL
 * circle (no symmetry used, plain unwrapping, adaptive steps), brute-force
 * Newton from a dense polar seed grid, and the Taylor coefficients of
 * log F from the cumulant recursion (2.7).
 */
#ifndef NCD_GHOST_TESTUTIL_H
#define NCD_GHOST_TESTUTIL_H

#include <math.h>
#include <stddef.h>

/* F and F' at t = x + iy divided by exp(max_j Re(z_j + a_j t)); *as = sum |terms| */
static inline void gt_eval(size_t k, const double *z, const double *a, long double x, long double y,
                    long double *f, long double *fp, long double *as) {
  long double mx = -INFINITY;
  for (size_t j = 0; j < k; j++) {
    long double e = z[j] + a[j] * x;
    if (e > mx) mx = e;
  }
  long double fr = 0, fi = 0, pr = 0, pi = 0, s = 0;
  for (size_t j = 0; j < k; j++) {
    long double w = expl(z[j] + a[j] * x - mx), ph = a[j] * y;
    long double tr = w * cosl(ph), ti = w * sinl(ph);
    fr += tr;
    fi += ti;
    pr += a[j] * tr;
    pi += a[j] * ti;
    s += w;
  }
  f[0] = fr;
  f[1] = fi;
  if (fp) {
    fp[0] = pr;
    fp[1] = pi;
  }
  *as = s;
}

static inline long double gt_arg(size_t k, const double *z, const double *a, long double R,
                          long double th) {
  long double f[2], as;
  gt_eval(k, z, a, R * cosl(th), R * sinl(th), f, NULL, &as);
  return atan2l(f[1], f[0]);
}

static inline long double gt_wrap(long double d) {
  while (d > M_PI) d -= 2 * (long double)M_PI;
  while (d < -M_PI) d += 2 * (long double)M_PI;
  return d;
}

/* zeros of F inside |t| < R (winding number of F around the full circle) */
static inline long gt_winding(size_t k, const double *z, const double *a, double R) {
  long double th = 0, h = 1e-3L, total = 0, a0 = gt_arg(k, z, a, R, 0), amax = 0;
  const long double end = 2 * (long double)M_PI;
  for (size_t j = 0; j < k; j++) amax = fabsl(a[j]) > amax ? fabsl(a[j]) : amax;
  /* no term's phase a_j Im t may turn by more than 0.25 rad in one step, so a
   * full turn can never alias between the step and its halves */
  const long double hmax = 0.25L / (amax * R);
  while (th < end) {
    if (h > hmax) h = hmax;
    if (h > end - th) h = end - th;
    long double am = gt_arg(k, z, a, R, th + h / 2), a1 = gt_arg(k, z, a, R, th + h);
    long double full = gt_wrap(a1 - a0), half = gt_wrap(am - a0) + gt_wrap(a1 - am);
    if (fabsl(full) < 0.2L && fabsl(full - half) < 1e-9L) {
      total += half;
      th += h;
      a0 = a1;
      h *= 1.5L;
    } else {
      h /= 2;
      if (h < 1e-18L) return -1000;
    }
  }
  return lroundl(total / (2 * (long double)M_PI));
}

/* Newton (long double) from t0; returns 1 with the root when, once the steps
 * stall below 1e-15 relative (valgrind runs long double as double, so not
 * lower), |F| < 1e-11 sum|terms| */
static inline int gt_newton(size_t k, const double *z, const double *a, long double x,
                            long double y, long double *root) {
  for (int it = 0; it < 200; it++) {
    long double f[2], fp[2], as;
    gt_eval(k, z, a, x, y, f, fp, &as);
    long double den = fp[0] * fp[0] + fp[1] * fp[1];
    if (!(den > 0)) return 0;
    long double dx = (f[0] * fp[0] + f[1] * fp[1]) / den;
    long double dy = (f[1] * fp[0] - f[0] * fp[1]) / den;
    long double len = hypotl(dx, dy), cap = 0.25L;
    if (len > cap) {
      dx *= cap / len;
      dy *= cap / len;
    }
    x -= dx;
    y -= dy;
    if (len < 1e-15L * (1 + hypotl(x, y)) || it == 199) {
      gt_eval(k, z, a, x, y, f, NULL, &as);
      if (hypotl(f[0], f[1]) < 1e-11L * as) {
        root[0] = x;
        root[1] = y;
        return 1;
      }
      return 0;
    }
  }
  return 0;
}

/* smallest |root| found by Newton from an nr x nth polar grid of radius Rmax
 * (+INFINITY if none) */
static inline double gt_brute(size_t k, const double *z, const double *a, double Rmax, int nr,
                       int nth) {
  long double best = INFINITY;
  for (int i = 1; i <= nr; i++)
    for (int j = 0; j < nth; j++) {
      long double r = Rmax * i / nr, th = 2 * (long double)M_PI * (j + 0.5L) / nth, root[2];
      if (gt_newton(k, z, a, r * cosl(th), r * sinl(th), root)) {
        long double m = hypotl(root[0], root[1]);
        if (m < best) best = m;
      }
    }
  return (double)best;
}

/* c[1..N] Taylor coefficients of log F(t) at 0 (c[0] unused): cumulants of
 * P(a = a_j) = softmax(z)_j with slopes centred and scaled (spec 2.7) */
static inline void gt_taylor(size_t k, const double *z, const double *a, int N, long double *c) {
  long double zm = -INFINITY, s = 0, mean = 0, lo = INFINITY, hi = -INFINITY;
  for (size_t j = 0; j < k; j++) {
    if (z[j] > zm) zm = z[j];
    if (a[j] < lo) lo = a[j];
    if (hi < a[j]) hi = a[j];
  }
  long double p[256], m[256], kap[256], sc = hi - lo;
  for (size_t j = 0; j < k; j++) s += expl(z[j] - zm);
  for (size_t j = 0; j < k; j++) {
    p[j] = expl(z[j] - zm) / s;
    mean += p[j] * a[j];
  }
  for (int n = 1; n <= N; n++) {
    long double mn = 0;
    for (size_t j = 0; j < k; j++) mn += p[j] * powl((a[j] - mean) / sc, n);
    m[n] = mn;
  }
  /* kappa_n = m_n - sum_{j=1}^{n-1} C(n-1, j-1) kappa_j m_{n-j}; with
   * kt_n = kappa_n/(n-1)!: kt_n = m_n/(n-1)! - sum_j kt_j m_{n-j}/(n-j)! */
  long double mt[256];
  for (int n = 1; n <= N; n++) {
    long double f = 1;
    for (int i = 2; i <= n; i++) f *= i;
    mt[n] = m[n] / f; /* m_n / n! */
  }
  for (int n = 1; n <= N; n++) {
    long double v = mt[n] * n;
    for (int j = 1; j < n; j++) v -= kap[j] * mt[n - j];
    kap[n] = v; /* kappa_n / (n-1)! */
  }
  for (int n = 1; n <= N; n++) c[n] = kap[n] / n * powl(sc, n);
  c[1] += mean; /* undo the centring: K(t) = mean t + K_c(t) */
}

#endif

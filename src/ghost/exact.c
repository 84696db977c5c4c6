/*
 * exact.c - the certified exact radius of one sample (spec/ghosts.md 2.6):
 * on the merged, rescaled row G(s) = sum_j exp(l_j + c_j s), c_j in [-1/2, 1/2]
 * (s = Delta t): closed form for two slopes (2.2), Newton from the seeds of the
 * upper envelope (step 5), argument-principle certification (step 6) and
 * bisection on the zero count (step 7). Every evaluation factors out the
 * largest |term| (overflow-safe for logits of any size).
 */
#include <float.h>
#include <math.h>

#include "ghost_internal.h"

/* G and G' at s = x + iy, both divided by exp(max_j(l_j + c_j x)); *abs_sum
 * receives sum_j |term_j| under the same scaling. */
static void eval_g(const ncd__ghost_row *r, double x, double y, double *g, double *gp,
                   double *abs_sum) {
  double mx = -INFINITY;
  for (size_t j = 0; j < r->m; j++) {
    double e = r->l[j] + r->c[j] * x;
    mx = e > mx ? e : mx;
  }
  double gr = 0, gi = 0, pr = 0, pi = 0, as = 0;
  for (size_t j = 0; j < r->m; j++) {
    double w = exp(r->l[j] + r->c[j] * x - mx), ph = r->c[j] * y;
    double tr = w * cos(ph), ti = w * sin(ph);
    gr += tr;
    gi += ti;
    pr += r->c[j] * tr;
    pi += r->c[j] * ti;
    as += w;
  }
  g[0] = gr;
  g[1] = gi;
  if (gp) {
    gp[0] = pr;
    gp[1] = pi;
  }
  *abs_sum = as;
}

/* Newton on G from s0; returns 1 and the root (Im >= 0) if it converged with
 * |G| < 1e-10 sum |terms|. */
static int newton(const ncd__ghost_row *r, double x, double y, double *root) {
  for (int it = 0; it < 80; it++) {
    double g[2], gp[2], as;
    eval_g(r, x, y, g, gp, &as);
    double den = gp[0] * gp[0] + gp[1] * gp[1];
    if (!(den > 0.0) || !isfinite(den)) return 0;
    double dx = (g[0] * gp[0] + g[1] * gp[1]) / den; /* G / G' */
    double dy = (g[1] * gp[0] - g[0] * gp[1]) / den;
    double len = hypot(dx, dy), cap = fmax(4.0, 0.5 * hypot(x, y));
    if (len > cap) {
      dx *= cap / len;
      dy *= cap / len;
    }
    x -= dx;
    y -= dy;
    if (!isfinite(x) || !isfinite(y)) return 0;
    if (len <= 1e-15 * hypot(x, y)) {
      eval_g(r, x, y, g, NULL, &as);
      if (hypot(g[0], g[1]) < 1e-10 * as) {
        root[0] = x;
        root[1] = fabs(y);
        return 1;
      }
      return 0;
    }
  }
  return 0;
}

/* Principal arg of H_J(s) = G(s) / exp(l_J + c_J s), s = R e^{i th};
 * *graze = 1 when |H_J| < 1e-14 sum |terms|. */
static double arg_h(const ncd__ghost_row *r, size_t J, double R, double th, int *graze) {
  double x = R * cos(th), y = R * sin(th), mx = 0.0;
  for (size_t j = 0; j < r->m; j++) {
    double e = r->l[j] - r->l[J] + (r->c[j] - r->c[J]) * x;
    mx = e > mx ? e : mx;
  }
  double hr = 0, hi = 0, as = 0;
  for (size_t j = 0; j < r->m; j++) {
    double w = exp(r->l[j] - r->l[J] + (r->c[j] - r->c[J]) * x - mx);
    double ph = (r->c[j] - r->c[J]) * y;
    hr += w * cos(ph);
    hi += w * sin(ph);
    as += w;
  }
  if (hypot(hr, hi) < 1e-14 * as) *graze = 1;
  return atan2(hi, hr);
}

static double wrap(double d) {
  while (d > M_PI) d -= 2 * M_PI;
  while (d < -M_PI) d += 2 * M_PI;
  return d;
}

/* Largest step h such that no term that can matter within the step turns by
 * more than 1.5 rad relative to term J (a full relative turn could otherwise
 * alias between a step and its halves). A term whose log-magnitude is more
 * than R h + 36 below J's at the step start stays below e^-36 of it. */
static double step_cap(const ncd__ghost_row *r, size_t J, double R, double x, double h) {
  for (int it = 0; it < 4; it++) {
    double e0 = r->l[J] + r->c[J] * x, dc = 0.0;
    for (size_t j = 0; j < r->m; j++)
      if (r->l[j] + r->c[j] * x - e0 >= -(R * h + 36.0)) dc = fmax(dc, fabs(r->c[j] - r->c[J]));
    if (dc * R * h <= 1.5) break;
    h = 1.5 / (dc * R);
  }
  return h;
}

long ncd__ghost_count_zeros(const ncd__ghost_row *r, double R) {
  /* arg G = c_J Im s + arg H_J with J the dominant term at the step's start:
   * the fast phase of the dominant term is exact, only H_J is unwrapped. */
  double th = 0.0, h = M_PI / 32, total = 0.0;
  int graze = 0;
  long steps = 0;
  while (th < M_PI) {
    /* the step cap keeps each step under ~1.5 rad of relative turn, so a
     * contour of radius R needs ~R / 1.5 steps per unit of slope spread that
     * matters: give up (not a count) past NCD__GHOST_MAX_STEPS */
    if (++steps > NCD__GHOST_MAX_STEPS) return -2;
    if (h > M_PI - th) h = M_PI - th;
    double x = R * cos(th), best = -INFINITY;
    size_t J = 0;
    for (size_t j = 0; j < r->m; j++) {
      double e = r->l[j] + r->c[j] * x;
      if (e > best) {
        best = e;
        J = j;
      }
    }
    double a0 = arg_h(r, J, R, th, &graze);
    h = step_cap(r, J, R, x, h);
    for (;;) {
      double t1 = th + h, tm = th + 0.5 * h;
      if (t1 > M_PI) t1 = M_PI;
      double am = arg_h(r, J, R, tm, &graze), a1 = arg_h(r, J, R, t1, &graze);
      if (graze) return -1;
      double full = wrap(a1 - a0), half = wrap(am - a0) + wrap(a1 - am);
      /* a step whose wrapped change hides a full turn cannot agree with
       * its halves to better than about 2 pi; 1e-3 leaves a wide margin */
      if (fabs(full) < M_PI / 6 && fabs(full - half) < 1e-3) {
        total += r->c[J] * R * (sin(t1) - sin(th)) + half;
        th = t1;
        h *= 2.0;
        break;
      }
      h *= 0.5;
      if (h < 1e-15) return -1;
    }
  }
  return lround(total / M_PI);
}

/* count with a nudge away from grazed contours: outward by 1e-14, 1e-13, ...
 * relative (spec 2.6 says about 1e-9, which would cost the bisection its
 * 1e-9 accuracy) */
static long count_nudged(const ncd__ghost_row *r, double *R) {
  double e = 1e-14;
  for (int t = 0; t < 8; t++) {
    long n = ncd__ghost_count_zeros(r, *R);
    if (n >= 0 || n == -2) return n;
    *R *= 1.0 + e;
    e *= 10.0;
  }
  return -1;
}

/* upper envelope of the lines l_j + c_j u (c ascending): hull indices */
static size_t envelope(const ncd__ghost_row *r) {
  size_t h = 0;
  for (size_t j = 0; j < r->m; j++) {
    while (h >= 2) {
      size_t p = r->hull[h - 2], q = r->hull[h - 1];
      /* q is useless if line j overtakes p no later than q does */
      double xq = (r->l[p] - r->l[q]) / (r->c[q] - r->c[p]);
      double xj = (r->l[p] - r->l[j]) / (r->c[j] - r->c[p]);
      if (xj <= xq) h--;
      else break;
    }
    r->hull[h++] = j;
  }
  return h;
}

static void try_pair(const ncd__ghost_row *r, size_t j, size_t k, double *best, double *g) {
  double dc = r->c[k] - r->c[j];
  if (dc == 0.0) return;
  double u = (r->l[j] - r->l[k]) / dc;
  for (int q = 0; q < 3; q++) {
    double root[2], y = M_PI * (2 * q + 1) / fabs(dc);
    if (!isfinite(u) || !isfinite(y)) return;
    if (newton(r, u, y, root)) {
      double m = hypot(root[0], root[1]);
      if (m < *best) {
        *best = m;
        g[0] = root[0];
        g[1] = root[1];
      }
    }
  }
}

/* Far-field certificate (logits so far apart that contours are unaffordable,
 * e.g. |l| ~ 1e300): at the crossing u of adjacent envelope lines p < q
 * (dc = c_q - c_p) the two-term sum T_p + T_q = T_p (1 - e^{dc (s - s0)})
 * vanishes at s0 = u + i pi / dc. If every other term stays below e^-40 of
 * T_p for |Re s - u| <= rr = 1e-6 / dc, Rouche on the disk |s - s0| <= rr
 * (|T_p + T_q| >= ~1e-6 |T_p| > sum of the others there) puts a zero of G in
 * that disk. Returns min |s0| + rr over such crossings (an upper bound on the
 * radius, s units) with *g = that s0; +INFINITY when no crossing qualifies. */
static double far_upper(const ncd__ghost_row *r, size_t h, double g[2]) {
  double best = INFINITY;
  for (size_t i = 0; i + 1 < h; i++) {
    size_t p = r->hull[i], q = r->hull[i + 1];
    double dc = r->c[q] - r->c[p], u = (r->l[p] - r->l[q]) / dc, rr = 1e-6 / dc;
    if (!(dc > 0.0) || !isfinite(u) || !isfinite(rr)) continue;
    int ok = 1;
    for (size_t j = 0; j < r->m && ok; j++) {
      if (j == p || j == q) continue;
      for (int sg = -1; sg <= 1; sg += 2) {
        double x = u + sg * rr;
        if (!(r->l[j] - r->l[p] + (r->c[j] - r->c[p]) * x < -40.0)) ok = 0;
      }
    }
    double m = hypot(u, M_PI / dc) + rr;
    if (ok && m < best) {
      best = m;
      g[0] = u;
      g[1] = M_PI / dc;
    }
  }
  return best;
}

/* locate the zero near the circle |s| = R: Newton from the 4 deepest local
 * minima of |G|/sum|terms| among 512 samples of the upper semicircle; the
 * root of least modulus <= R (1 + 1e-9) wins */
static int locate(const ncd__ghost_row *r, double R, double *root) {
  enum { NS = 512, NB = 4 };
  double bv[NB], bt[NB], prev2 = INFINITY, prev = INFINITY;
  for (int i = 0; i < NB; i++) bv[i] = INFINITY, bt[i] = 0.0;
  for (int i = 1; i <= NS; i++) {
    double v = INFINITY;
    if (i < NS) {
      double th = M_PI * i / NS, g[2], as;
      eval_g(r, R * cos(th), R * sin(th), g, NULL, &as);
      v = hypot(g[0], g[1]) / as;
    }
    if (prev < prev2 && prev <= v) { /* local minimum at i - 1 */
      int w = 0;
      for (int q = 1; q < NB; q++)
        if (bv[q] > bv[w]) w = q;
      if (prev < bv[w]) bv[w] = prev, bt[w] = M_PI * (i - 1) / NS;
    }
    prev2 = prev;
    prev = v;
  }
  int ok = 0;
  double best = INFINITY;
  for (int q = 0; q < NB; q++) {
    double t[2];
    if (bv[q] < INFINITY && newton(r, R * cos(bt[q]), R * sin(bt[q]), t)) {
      double m = hypot(t[0], t[1]);
      if (m <= R * (1.0 + 1e-9) && m < best) {
        best = m;
        root[0] = t[0];
        root[1] = t[1];
        ok = 1;
      }
    }
  }
  return ok;
}

int ncd__ghost_row_exact(const ncd__ghost_row *r, double *rho, double *ghost) {
  double gs[2] = {NAN, NAN};
  if (isinf(r->delta)) { /* slopes overflow: radius 0 to double precision */
    *rho = 0.0;
    if (ghost) ghost[0] = ghost[1] = 0.0;
    return NCD_OK;
  }
  if (r->m < 2) {
    *rho = INFINITY;
    if (ghost) ghost[0] = ghost[1] = INFINITY;
    return NCD_OK;
  }
  if (r->m == 2) { /* spec 2.2: s = (l_0 - l_1 + i pi) / (c_1 - c_0), c_1 - c_0 = 1 */
    double re = (r->l[0] - r->l[1]) / (r->c[1] - r->c[0]), im = M_PI / (r->c[1] - r->c[0]);
    *rho = hypot(re, im) / r->delta;
    if (ghost) {
      ghost[0] = re / r->delta;
      ghost[1] = im / r->delta;
    }
    return NCD_OK;
  }
  double L = ncd__ghost_row_tilt(r) * r->delta; /* >= pi, s units */
  double U = INFINITY;
  size_t h = envelope(r);
  /* huge logits: the far-field zero already meets the tilt lower bound to
   * 1e-10 relative, no contour needed (and none would be affordable) */
  double Uf = far_upper(r, h, gs);
  if (Uf - L <= 1e-10 * L) {
    *rho = fmax(L, fmin(Uf, hypot(gs[0], gs[1]))) / r->delta;
    if (ghost) {
      ghost[0] = gs[0] / r->delta;
      ghost[1] = gs[1] / r->delta;
    }
    return NCD_OK;
  }
  gs[0] = gs[1] = NAN;
  if (r->m <= 8) {
    for (size_t j = 0; j < r->m; j++)
      for (size_t k = j + 1; k < r->m; k++) try_pair(r, j, k, &U, gs);
  } else {
    for (size_t i = 0; i + 1 < h; i++) try_pair(r, r->hull[i], r->hull[i + 1], &U, gs);
  }
  if (U < INFINITY) {
    double Rc = U * (1.0 - 1e-10);
    long n = Rc > L ? count_nudged(r, &Rc) : 0;
    if (n == -2) return NCD_ENOCONV;
    if (n == 0) {
      *rho = fmax(U, L) / r->delta;
      if (ghost) {
        ghost[0] = gs[0] / r->delta;
        ghost[1] = gs[1] / r->delta;
      }
      return NCD_OK;
    }
  }
  /* step 7: bisection on N(R) > 0 over [L, hi]; every few halvings, once the
   * annulus is thin, try to polish a root near |s| = hi and certify it (this
   * replaces most of the ~45 contour counts of a full bisection) */
  double lo = L * (1.0 - 1e-12), hi = U < INFINITY ? U * (1.0 - 1e-10) : 2.0 * L;
  if (!(U < INFINITY)) {
    for (int t = 0; t < 200; t++) {
      double R = hi;
      long n = count_nudged(r, &R);
      if (n == -2) return NCD_ENOCONV;
      if (n > 0) break;
      lo = hi;
      hi *= 2.0;
    }
  }
  double root[2] = {NAN, NAN}, res = NAN;
  for (int it = 0; it < 200 && hi - lo > 1e-13 * hi; it++) {
    if (hi - lo < 1e-3 * hi && it % 4 == 0 && locate(r, hi, root)) {
      double m = hypot(root[0], root[1]), Rc = m * (1.0 - 1e-10);
      long n = m >= lo ? count_nudged(r, &Rc) : 1;
      if (n == -2) return NCD_ENOCONV;
      if (n == 0) {
        res = m;
        break;
      }
      root[0] = root[1] = NAN;
    }
    double R = 0.5 * (lo + hi);
    long n = count_nudged(r, &R);
    if (n == -2) return NCD_ENOCONV;
    if (n > 0) hi = R;
    else lo = R;
  }
  if (isnan(res)) {
    res = hi;
    if (locate(r, hi, root)) res = fmin(hi, hypot(root[0], root[1])); /* a zero: upper bound */
    else root[0] = root[1] = NAN;
  }
  gs[0] = root[0];
  gs[1] = root[1];
  *rho = fmax(res, L) / r->delta;
  if (ghost) {
    ghost[0] = gs[0] / r->delta;
    ghost[1] = gs[1] / r->delta;
  }
  return NCD_OK;
}

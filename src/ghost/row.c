/*
 * row.c - one sample of the ghost-radius problem: merging equal slopes and
 * rescaling (spec/ghosts.md 2.4 step 1, 2.6 steps 1-3), and the "majority
 * tilt" lower bound rho_tilt = sqrt(d^2 + (pi/Delta)^2) of spec 2.4, merged
 * (public) and unmerged (cheap pruning bound for the batch exact radius).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "ghost_internal.h"

int ncd__ghost_row_alloc(ncd__ghost_row *r, size_t k) {
  r->m = 0;
  r->delta = 0.0;
  r->c = ncd__malloc_array(k, sizeof(double));
  r->l = ncd__malloc_array(k, sizeof(double));
  r->tmp = ncd__malloc_array(k, 2 * sizeof(double));
  r->hull = ncd__malloc_array(k, sizeof(size_t));
  if (!r->c || !r->l || !r->tmp || !r->hull) {
    ncd__ghost_row_free(r);
    return NCD_ENOMEM;
  }
  return NCD_OK;
}

void ncd__ghost_row_free(ncd__ghost_row *r) {
  ncd__free(r->c);
  ncd__free(r->l);
  ncd__free(r->tmp);
  ncd__free(r->hull);
  r->c = r->l = r->tmp = NULL;
  r->hull = NULL;
}

static int cmp_slope(const void *p, const void *q) {
  double x = *(const double *)p, y = *(const double *)q;
  return (x > y) - (x < y);
}

void ncd__ghost_row_set(ncd__ghost_row *r, size_t k, const double *z, const double *a,
                        double sz, double sa) {
  double lo = sa * a[0], hi = lo;
  for (size_t j = 0; j < k; j++) {
    double b = sa * a[j];
    r->tmp[2 * j] = b;
    r->tmp[2 * j + 1] = sz * z[j];
    lo = b < lo ? b : lo;
    hi = b > hi ? b : hi;
  }
  r->delta = hi - lo;
  r->m = 0;
  if (!(r->delta > 0.0) || isinf(r->delta)) return;
  qsort(r->tmp, k, 2 * sizeof(double), cmp_slope);
  /* merge groups whose slopes lie within 1e-12 Delta of the group's first
   * slope: l = LSE of the group's logits (spec 2.6 step 2) */
  double tol = 1e-12 * r->delta, mid = 0.5 * lo + 0.5 * hi, lmax = -INFINITY;
  size_t m = 0;
  for (size_t s = 0; s < k;) {
    size_t e = s + 1;
    double mx = r->tmp[2 * s + 1];
    while (e < k && r->tmp[2 * e] - r->tmp[2 * s] <= tol) {
      mx = r->tmp[2 * e + 1] > mx ? r->tmp[2 * e + 1] : mx;
      e++;
    }
    double sum = 0.0;
    for (size_t j = s; j < e; j++) sum += exp(r->tmp[2 * j + 1] - mx);
    r->c[m] = (r->tmp[2 * s] - mid) / r->delta;
    r->l[m] = mx + log(sum);
    lmax = r->l[m] > lmax ? r->l[m] : lmax;
    m++;
    s = e;
  }
  for (size_t j = 0; j < m; j++) r->l[j] -= lmax;
  r->m = m;
}

/* g(u) = l_j + c_j u - LSE_{i != j}(l_i + c_i u) and its derivative. */
static double tilt_g(size_t m, const double *l, const double *c, size_t j, double u,
                     double *dg) {
  double mx = -INFINITY;
  for (size_t i = 0; i < m; i++)
    if (i != j) {
      double e = l[i] + c[i] * u;
      mx = e > mx ? e : mx;
    }
  double s = 0.0, sc = 0.0;
  for (size_t i = 0; i < m; i++)
    if (i != j) {
      double w = exp(l[i] + c[i] * u - mx);
      s += w;
      sc += w * c[i];
    }
  if (dg) *dg = c[j] - sc / s;
  return l[j] + c[j] * u - (mx + log(s));
}

/* Distance from 0 to the end of the interval {g_j > 0} in direction dir
 * (+1 or -1), as a certified lower bound: a point where g_j > 0 was seen.
 * `out` is a point with g_j(out) <= 0 (a crossing of line j with another). */
static double tilt_end(size_t m, const double *l, const double *c, size_t j, double out) {
  double in = 0.0, step = 0.0;
  /* Newton from the outside converges monotonically (g concave) */
  for (int it = 0; it < 100; it++) {
    double dg, g = tilt_g(m, l, c, j, out, &dg);
    if (!(g <= 0.0) || !(dg != 0.0) || !isfinite(dg)) break;
    double x = out - g / dg;
    if (!((x - in) * (out - x) >= 0.0)) break; /* left the bracket */
    step = fabs(out - x);
    out = x;
    if (step <= 1e-14 * fabs(out)) break;
  }
  double probe = out - copysign(4.0 * step + 8.0 * DBL_EPSILON * fabs(out), out);
  if (fabs(probe) < fabs(out) && probe * out > 0.0 &&
      tilt_g(m, l, c, j, probe, NULL) > 0.0)
    in = probe;
  /* bisection fallback until the bracket is tight */
  for (int it = 0; it < 200 && fabs(out - in) > 1e-14 * fabs(out); it++) {
    double x = 0.5 * (in + out);
    if (tilt_g(m, l, c, j, x, NULL) > 0.0) in = x;
    else out = x;
  }
  return fabs(in);
}

/* d of spec 2.4 for lines l_i + c_i u (any order, ties allowed). */
static double tilt_d(size_t m, const double *l, const double *c) {
  size_t j = 0;
  for (size_t i = 1; i < m; i++)
    if (l[i] > l[j]) j = i;
  if (tilt_g(m, l, c, j, 0.0, NULL) <= 0.0) return 0.0; /* p_max(0) <= 1/2 */
  double right = INFINITY, left = -INFINITY;
  for (size_t i = 0; i < m; i++) {
    if (c[i] == c[j]) continue;
    double u = (l[j] - l[i]) / (c[i] - c[j]); /* line i meets line j */
    if (c[i] > c[j]) right = u < right ? u : right;
    else left = u > left ? u : left;
  }
  double d = INFINITY;
  if (right < INFINITY) d = tilt_end(m, l, c, j, right);
  if (left > -INFINITY) {
    double e = tilt_end(m, l, c, j, left);
    d = e < d ? e : d;
  }
  return d;
}

double ncd__ghost_row_tilt(const ncd__ghost_row *r) {
  if (isinf(r->delta)) return 0.0;
  if (r->m < 2) return INFINITY;
  return hypot(tilt_d(r->m, r->l, r->c), M_PI) / r->delta;
}

double ncd__ghost_tilt_unmerged(ncd__ghost_row *r, size_t k, const double *z,
                                const double *a, double sz, double sa) {
  double *l = r->l, *c = r->c; /* scratch: overwritten by the next row_set */
  double lo = sa * a[0], hi = lo, zmax = sz * z[0];
  for (size_t j = 1; j < k; j++) {
    double b = sa * a[j];
    lo = b < lo ? b : lo;
    hi = b > hi ? b : hi;
    zmax = sz * z[j] > zmax ? sz * z[j] : zmax;
  }
  double delta = hi - lo;
  r->m = 0;
  if (!(delta > 0.0)) return INFINITY;
  if (isinf(delta)) return 0.0;
  double mid = 0.5 * lo + 0.5 * hi;
  for (size_t j = 0; j < k; j++) {
    c[j] = (sa * a[j] - mid) / delta;
    l[j] = sz * z[j] - zmax;
  }
  return hypot(tilt_d(k, l, c), M_PI) / delta;
}

/*
 * omega.c - closed-form dynamics of the SNR singular values on the central path
 * (spec/central-path.md CP-19 .. CP-28; Han, Papyan, Donoho Prop. 2, eq. 9):
 *   CP-20 (orthogonal projection):  C^2 N ln w + C N w^2 + (N/4) w^4 = a + t
 *   CP-21 (paper's Pi / "GD step, then renormalize"): C^2 N ln w + (C N/2) w^2 = a' + t
 * solved for w by the safeguarded, overflow-free Newton iteration of CP-23 ..
 * CP-26 in s = ln(w / w0) (accuracy contract CP-27), and the exact inverse
 * t(w) of CP-28.
 */
#include <float.h>
#include <math.h>

#include "cpath_internal.h"

/* Law coefficients in s: G(s) = C^2 s + alpha C x0 expm1(2s) + beta (x0^2/4) expm1(4s),
 * CP-20: alpha = 1, beta = 1;  CP-21: alpha = 1/2, beta = 0. */
typedef struct law_t {
  double cc, c2; /* C, C^2 */
  double alpha;  /* 1 or 1/2 */
  int quartic;   /* beta = 1 */
} law_t;

/* log of the ratio bound 1/2 ln(1 + v/(alpha C x0)) with the overflow-safe
 * forms of CP-24; v >= 0; sign = +1 for log1p(+r), -1 for -log1p(-r) (INF if r >= 1). */
static double term2_bound(const law_t *L, double v, double lw0, double w0, int sign) {
  double r = ((v / L->cc) / w0) / w0 / L->alpha; /* v / (alpha C x0), may be +inf */
  if (sign > 0) {
    if (r >= 1e300) return 0.5 * (log(v / L->cc) - log(L->alpha)) - lw0;
    return 0.5 * log1p(r);
  }
  if (r >= 1.0) return INFINITY;
  return -0.5 * log1p(-r);
}

static double term3_bound(double v, double lw0, double w0, int sign) {
  double r = 4.0 * ((((v / w0) / w0) / w0) / w0); /* 4v / x0^2, x0 = w0^2 */
  if (sign > 0) {
    if (r >= 1e300) return 0.25 * (log(v) + log(4.0)) - lw0;
    return 0.25 * log1p(r);
  }
  /* note 4((v/x0)/x0) >= 1 exactly when v >= x0^2/4 up to rounding */
  if (r >= 1.0) return INFINITY;
  return -0.25 * log1p(-r);
}

/* m(v) (sign +1) or q(v) (sign -1) of CP-24 */
static double mq(const law_t *L, double v, double lw0, double w0, int sign) {
  double b = v / L->c2;
  double b2 = term2_bound(L, v, lw0, w0, sign);
  if (b2 < b) b = b2;
  if (L->quartic) {
    double b3 = term3_bound(v, lw0, w0, sign);
    if (b3 < b) b = b3;
  }
  return b;
}

/* Newton ratio delta(s) = (G(s) - tau) / G'(s) without overflow (CP-25). For
 * CP-21, x and x0 are divided by the power of two `f` (1 or 2^256) so x never
 * overflows: delta = ((C^2 s - tau)/C/f)/(C/f + x/f) + ((dd/f)/(C/f + x/f))/2. */
static double newton_ratio(const law_t *L, double s, double tau, double lw0, double w0,
                           double lnf, double f) {
  double x = exp(2.0 * (lw0 + s) - lnf);
  double x0 = (w0 / sqrt(f)) * (w0 / sqrt(f));
  double dd = fabs(s) < 0.5 ? x0 * expm1(2.0 * s) : x - x0;
  double c = L->cc, num = L->c2 * s - tau;
  if (L->quartic) {
    double a = c + x;
    return (num / a) / a + (dd / a) * ((c + (x + x0) / 4.0) / a);
  }
  double a = c / f + x;
  return ((num / c) / f) / a + 0.5 * (dd / a);
}

static double finish(double w0, double lw0, double s) {
  if (fabs(s) <= 700.0) return w0 * exp(s);
  return exp(lw0 + s);
}

int ncd__cpath_solve(size_t c, size_t n, double omega0, double t, int law,
                     double *omega_t) {
  law_t L;
  L.cc = (double)c;
  L.c2 = L.cc * L.cc;
  L.quartic = law == NCD_CPATH_ORTHOGONAL;
  L.alpha = L.quartic ? 1.0 : 0.5;
  double tau = t / (double)n;
  /* CP-23 exits: |s| <= |tau| / w0^4 (CP-20), <= 2|tau| / (C w0^2) (CP-21) */
  if (tau == 0.0 || (L.quartic && omega0 > 1e100) || (!L.quartic && omega0 > 1e170)) {
    *omega_t = omega0;
    return NCD_OK;
  }
  double lw0 = log(omega0);
  double lnf = 0.0, f = 1.0;
  if (!L.quartic && (omega0 > 1e125 || fabs(tau) / L.cc > 1e250)) {
    f = ldexp(1.0, 256);
    lnf = 256.0 * log(2.0);
  }
  double lo, hi;
  double third = L.quartic ? 3.0 : 2.0; /* one term is at least |tau| / #terms */
  if (tau > 0.0) {
    lo = mq(&L, tau / third, lw0, omega0, +1);
    hi = mq(&L, tau, lw0, omega0, +1);
  } else {
    double a = -tau;
    lo = -mq(&L, a, lw0, omega0, -1);
    /* saturation: the exponential terms are > -(alpha C x0 + beta x0^2/4) */
    double sat = L.alpha * L.cc * omega0 * omega0;
    if (L.quartic) sat += 0.25 * (omega0 * omega0) * (omega0 * omega0);
    double h1 = mq(&L, a / third, lw0, omega0, -1), h2 = (a - sat) / L.c2;
    hi = -(h1 > h2 ? h1 : h2);
    if (lw0 + hi < -746.0) { /* CP-26 step 1: the whole bracket underflows */
      *omega_t = 0.0;
      return NCD_OK;
    }
  }
  if (!(lo <= hi)) { /* rounding in the bounds: widen to a valid bracket */
    double tmp = lo;
    lo = hi;
    hi = tmp;
  }
  double s = hi, dx = hi - lo, dxold = dx, olddx2 = dx;
  for (int it = 0; it < 200; it++) {
    if (tau < 0.0 && lw0 + hi < -746.0) {
      *omega_t = 0.0;
      return NCD_OK;
    }
    double delta = newton_ratio(&L, s, tau, lw0, omega0, lnf, f);
    if (delta > 0.0)
      hi = s;
    else if (delta < 0.0)
      lo = s;
    else {
      *omega_t = finish(omega0, lw0, s);
      return NCD_OK;
    }
    double sn = s - delta;
    if (!(sn >= lo && sn <= hi) || fabs(delta) > 0.5 * fabs(olddx2) || isnan(delta)) {
      double alo = fabs(lo), ahi = fabs(hi);
      double amin = alo < ahi ? alo : ahi, amax = alo < ahi ? ahi : alo;
      if (((lo > 0.0 && hi > 0.0) || (lo < 0.0 && hi < 0.0)) && amax > 2.0 * amin)
        sn = (hi > 0.0 ? 1.0 : -1.0) * sqrt(alo) * sqrt(ahi);
      else
        sn = 0.5 * lo + 0.5 * hi;
    }
    olddx2 = dxold;
    dxold = sn - s;
    double tol = 4.0 * DBL_EPSILON * fmax(1.0, fabs(sn));
    s = sn;
    if (fabs(dxold) <= tol || hi - lo <= tol) {
      *omega_t = finish(omega0, lw0, s);
      return NCD_OK;
    }
  }
  return NCD_ENOCONV;
}

static int check_law_args(size_t c, size_t n, double omega0, double t, int law,
                          const double *out) {
  NCD_TRY(ncd__check_ptr(out));
  if (c < 2 || n == 0) return NCD_EINVAL;
  if (law != NCD_CPATH_ORTHOGONAL && law != NCD_CPATH_RENORMALIZED) return NCD_EINVAL;
  NCD_TRY(ncd__check_scalar_positive(omega0));
  return ncd__check_scalar_finite(t);
}

NCD_API int ncd_cpath_omega(size_t c, size_t n_per_class, double omega0, double t,
                            double *omega_t) {
  NCD_TRY(check_law_args(c, n_per_class, omega0, t, NCD_CPATH_ORTHOGONAL, omega_t));
  return ncd__cpath_solve(c, n_per_class, omega0, t, NCD_CPATH_ORTHOGONAL, omega_t);
}

NCD_API int ncd_cpath_omega_law(size_t c, size_t n_per_class, double omega0, double t,
                                ncd_cpath_law law, double *omega_t) {
  NCD_TRY(check_law_args(c, n_per_class, omega0, t, (int)law, omega_t));
  return ncd__cpath_solve(c, n_per_class, omega0, t, (int)law, omega_t);
}

/* a * w^p (p = 2 or 4), through logarithms when the direct product overflows
 * or underflows */
static double power_term(double a, double w, int p) {
  double v = a * w * w;
  if (p == 4) v *= w * w;
  if (isfinite(v) && v != 0.0) return v;
  return exp(log(a) + (double)p * log(w));
}

/* a (w^p - w0^p) = a w0^p expm1(p s): by expm1 when w and w0 are close (no digits
 * lost), as a difference of powers otherwise (they differ by a factor >= e^{p/2}) */
static double diff_term(double a, double w0, double w, double s, int p) {
  if (fabs(s) >= 0.5) return power_term(a, w, p) - power_term(a, w0, p);
  double e = expm1((double)p * s);
  if (e == 0.0) return 0.0;
  double v = a * e;
  for (int i = 0; i < p; i++) v *= w0;
  if (isfinite(v) && v != 0.0) return v;
  return copysign(exp(log(a) + (double)p * log(w0) + log(fabs(e))), e);
}

/* CP-28: t(w) = N [C^2 s + alpha C (w^2 - w0^2) + beta (w^4 - w0^4)/4],
 * s = ln(w/w0), each term formed without intermediate overflow; a |t| beyond
 * DBL_MAX comes back as +-HUGE_VAL. */
NCD_API int ncd_cpath_time(size_t c, size_t n_per_class, double omega0, double omega,
                           ncd_cpath_law law, double *t) {
  NCD_TRY(check_law_args(c, n_per_class, omega0, 0.0, (int)law, t));
  NCD_TRY(ncd__check_scalar_positive(omega));
  double cc = (double)c, nn = (double)n_per_class;
  double s = log(omega) - log(omega0);
  if (fabs(s) < 0.5) s = log1p((omega - omega0) / omega0);
  double t1 = cc * cc * s;
  double alpha = law == NCD_CPATH_ORTHOGONAL ? 1.0 : 0.5;
  double t2 = diff_term(alpha * cc, omega0, omega, s, 2);
  double t3 = law == NCD_CPATH_ORTHOGONAL ? diff_term(0.25, omega0, omega, s, 4) : 0.0;
  *t = nn * (t1 + t2 + t3);
  return NCD_OK;
}

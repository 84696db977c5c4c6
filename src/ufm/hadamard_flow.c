/*
 * hadamard_flow.c - continuous-time reduced dynamics of the
 * Hadamard-initialized CE UFM (spec/init.md I-20: gradient flow
 * a' = c * b, b' = c * a) by the adaptive Dormand-Prince 5(4) pair, and the
 * equal-mode (ETF) closed form I-24 with its inverse:
 * 2t/sqrt(nc) = Ei(u) - Ei(u0) + (k-1) ln(u/u0).
 */
#include <math.h>
#include <string.h>

#include "hadamard_internal.h"
#include "init/init_internal.h"

#define MAX_STEPS 10000000UL
#define EI_MAX_U 700.0

/* f = (c * b, c * a) for state y = (a, b) of 2k values; ws: 5k doubles */
static void field(size_t k, double nc, const double *y, double *f, double *ws) {
  double *s = ws, *pi = ws + k, *od = ws + 2 * k, *work = ws + 3 * k;
  for (size_t m = 0; m < k; m++) s[m] = y[m] * y[k + m];
  ncd__walsh_spectrum(k, nc, s, pi, od, work);
  double scale = 2.0 / ((double)k * sqrt(nc));
  for (size_t m = 0; m < k; m++) {
    double c = m ? scale * od[m] : 0.0;
    f[m] = c * y[k + m];
    f[k + m] = c * y[m];
  }
}

/* Dormand-Prince 5(4); the field is autonomous, so the nodes c_i are unused */
static const double A[7][6] = {
    {0},
    {1.0 / 5},
    {3.0 / 40, 9.0 / 40},
    {44.0 / 45, -56.0 / 15, 32.0 / 9},
    {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
    {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
    {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}};
/* 5th minus 4th order weights */
static const double E[7] = {71.0 / 57600,      0, -71.0 / 16695, 71.0 / 1920,
                            -17253.0 / 339200, 22.0 / 525, -1.0 / 40};

static int dopri(size_t k, double nc, double t_end, double rtol, double *y, double *buf) {
  size_t n2 = 2 * k;
  double *kst[7], *yt = buf + 7 * n2, *ynew = yt + n2, *ws = ynew + n2;
  for (int i = 0; i < 7; i++) kst[i] = buf + (size_t)i * n2;
  double t = 0, h = fmin(t_end, 1e-2), atol = rtol;
  field(k, nc, y, kst[0], ws);
  for (unsigned long step = 0; t < t_end; step++) {
    if (step >= MAX_STEPS) return NCD_ENOCONV;
    if (t + h > t_end) h = t_end - t;
    for (int st = 1; st < 7; st++) {
      for (size_t i = 0; i < n2; i++) {
        double acc = 0;
        for (int j = 0; j < st; j++) acc += A[st][j] * kst[j][i];
        yt[i] = y[i] + h * acc;
      }
      field(k, nc, yt, kst[st], ws);
    }
    memcpy(ynew, yt, n2 * sizeof *ynew); /* stage 7 point = 5th-order solution */
    double err = 0;
    for (size_t i = 0; i < n2; i++) {
      double e = 0;
      for (int j = 0; j < 7; j++) e += E[j] * kst[j][i];
      double sc = atol + rtol * fmax(fabs(y[i]), fabs(ynew[i]));
      err += (h * e / sc) * (h * e / sc);
    }
    err = sqrt(err / (double)n2);
    if (!isfinite(err)) return NCD_ENOCONV;
    if (err <= 1.0) {
      t = (t_end - t <= h) ? t_end : t + h;
      memcpy(y, ynew, n2 * sizeof *y);
      memcpy(kst[0], kst[6], n2 * sizeof *y); /* FSAL */
    }
    double fac = err > 0 ? 0.9 * pow(err, -0.2) : 5.0;
    h *= fmin(5.0, fmax(0.2, fac));
    if (!(h > 0) || t + h == t) {
      if (t < t_end) return NCD_ENOCONV;
    }
  }
  return NCD_OK;
}

NCD_API int ncd_hadamard_flow(size_t k, size_t nc, double t, double rtol, double *sigma_w,
                              double *sigma_h) {
  NCD_TRY(ncd__check_ptr(sigma_w));
  NCD_TRY(ncd__check_ptr(sigma_h));
  if (k < 2 || nc == 0) return NCD_EINVAL;
  if (t < 0 || !(rtol >= 1e-15 && rtol <= 1e-2)) return NCD_EINVAL;
  if (k & (k - 1)) return NCD_ENOTSUP;
  if (!isfinite(t)) return NCD_ENONFINITE;
  NCD_TRY(ncd__scan_finite_vec(sigma_w, k));
  NCD_TRY(ncd__scan_finite_vec(sigma_h, k));
  size_t n2 = 2 * k;
  double *buf = ncd__malloc_array(10 * n2 + 5 * k, sizeof(double));
  if (!buf) return NCD_ENOMEM;
  double *state = buf + 9 * n2 + 5 * k;
  memcpy(state, sigma_w, k * sizeof *state);
  memcpy(state + k, sigma_h, k * sizeof *state);
  int st = t > 0 ? dopri(k, (double)nc, t, rtol, state, buf) : NCD_OK;
  if (st == NCD_OK) {
    memcpy(sigma_w, state, k * sizeof *state);
    memcpy(sigma_h, state + k, k * sizeof *state);
  }
  ncd__free(buf);
  return st;
}

/* Exponential integral Ei(x), x > 0 (spec/init.md 3.5): the positive series
 * for x <= 50, else the asymptotic series stopped at its smallest term. */
static double ei(double x) {
  if (x <= 50) {
    double term = 1, sum = 0;
    for (int j = 1; j < 500; j++) {
      term *= x / j; /* x^j / j! */
      double add = term / j;
      sum += add;
      if (add < 1e-17 * sum) break;
    }
    return 0.57721566490153286061 + log(x) + sum;
  }
  double term = 1, sum = 1;
  for (int j = 1; j < 100; j++) {
    double next = term * j / x;
    if (next >= term) break;
    term = next;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return exp(x) / x * sum;
}

static double flow_rhs(size_t k, double u0, double u) { /* = 2t/sqrt(nc) */
  return (ei(u) - ei(u0)) + (double)(k - 1) * log(u / u0);
}

static int check_etf_flow(size_t k, size_t nc, double u0) {
  if (k < 2 || nc == 0) return NCD_EINVAL;
  if (!(u0 > 0) || !(u0 <= EI_MAX_U)) return NCD_EINVAL;
  return NCD_OK;
}

NCD_API int ncd_etf_flow_time(size_t k, size_t nc, double u0, double u, double *t) {
  NCD_TRY(ncd__check_ptr(t));
  NCD_TRY(check_etf_flow(k, nc, u0));
  if (!(u > 0) || !(u <= EI_MAX_U)) return NCD_EINVAL;
  *t = 0.5 * sqrt((double)nc) * flow_rhs(k, u0, u);
  return NCD_OK;
}

NCD_API int ncd_etf_flow_u(size_t k, size_t nc, double u0, double t, double *u) {
  NCD_TRY(ncd__check_ptr(u));
  NCD_TRY(check_etf_flow(k, nc, u0));
  if (!(t >= 0) || !isfinite(t)) return NCD_EINVAL;
  double target = 2 * t / sqrt((double)nc);
  if (target == 0) {
    *u = u0;
    return NCD_OK;
  }
  if (flow_rhs(k, u0, EI_MAX_U) < target) return NCD_ENOTSUP;
  /* safeguarded Newton on F(v) = rhs(u0, u) - target in v = ln u (F increasing) */
  double lo = log(u0), hi = log(EI_MAX_U), v = lo;
  for (int it = 0; it < 400; it++) {
    double uu = exp(v), f = flow_rhs(k, u0, uu) - target;
    if (f < 0) lo = v;
    else hi = v;
    double dfdv = exp(uu) + (double)(k - 1); /* u dF/du = e^u + (k - 1) */
    double nv = v - f / dfdv;
    if (!(nv > lo && nv < hi)) nv = 0.5 * (lo + hi);
    if (fabs(nv - v) <= 1e-16 * fmax(1.0, fabs(v)) || hi - lo <= 1e-16 * fmax(1.0, fabs(v))) {
      *u = exp(nv);
      return NCD_OK;
    }
    v = nv;
  }
  *u = exp(v);
  return NCD_OK;
}

/*
 * rows.c - row kernels of the losses on logits (spec/ufm.md 2.1-2.2):
 * softmax U-1, log-softmax U-2, cross-entropy U-3 (max-subtracted, log1p, the
 * true-class gradient formed as -t/(1+t)), rescaled square loss U-4, and the
 * Neumaier row sum. Each row is read whole before it is overwritten, so the
 * output may alias the input (in place).
 */
#include <math.h>

#include "losses_internal.h"

void ncd__ksum_add(ncd__ksum *acc, double x) {
  double t = acc->s + x;
  if (fabs(acc->s) >= fabs(x))
    acc->c += (acc->s - t) + x;
  else
    acc->c += (x - t) + acc->s;
  acc->s = t;
}

/* An overflowed (infinite) sum makes the compensation NaN: report the sum. */
double ncd__ksum_value(const ncd__ksum *acc) {
  return isfinite(acc->s) ? acc->s + acc->c : acc->s;
}

/* First argmax of a row (ties to the lowest index). */
static size_t row_argmax(const double *r, size_t k) {
  size_t jm = 0;
  for (size_t j = 1; j < k; j++)
    if (r[j] > r[jm]) jm = j;
  return jm;
}

/* t = sum_{j != jm} exp(r_j - M); when e != NULL also e_j = exp(r_j - M)
 * (e_jm = 1). e may alias r: r_j is read before e_j is written. */
static double row_tail(const double *r, size_t k, size_t jm, double *e) {
  double mx = r[jm], t = 0.0;
  for (size_t j = 0; j < k; j++) {
    if (j == jm) {
      if (e) e[j] = 1.0;
      continue;
    }
    double x = exp(r[j] - mx);
    t += x;
    if (e) e[j] = x;
  }
  return t;
}

void ncd__softmax_rows(size_t n, size_t k, const double *z, size_t ldz, double *out,
                       size_t ldout, int log_out) {
  for (size_t i = 0; i < n; i++) {
    const double *r = z + i * ldz;
    double *o = out + i * ldout;
    size_t jm = row_argmax(r, k);
    double mx = r[jm];
    if (log_out) {
      double t = row_tail(r, k, jm, NULL);
      double l1p = log1p(t);
      for (size_t j = 0; j < k; j++) o[j] = (r[j] - mx) - l1p;
    } else {
      double t = row_tail(r, k, jm, o);
      double den = 1.0 + t;
      for (size_t j = 0; j < k; j++) o[j] = o[j] / den;
    }
  }
}

void ncd__ce_rows(size_t n, size_t k, const double *z, size_t ldz, const int32_t *y,
                  double gscale, ncd__ksum *acc, double *g, size_t ldg) {
  for (size_t i = 0; i < n; i++) {
    const double *r = z + i * ldz;
    size_t jm = row_argmax(r, k), yi = (size_t)y[i];
    double mx = r[jm], zy = r[yi];
    double *o = g ? g + i * ldg : NULL;
    double t = row_tail(r, k, jm, o);
    ncd__ksum_add(acc, (mx - zy) + log1p(t));
    if (!o) continue;
    double den = 1.0 + t;
    for (size_t j = 0; j < k; j++) o[j] = gscale * (o[j] / den);
    /* true class: p - 1, formed without cancellation when y is the argmax */
    if (yi == jm)
      o[yi] = gscale * (-t / den);
    else
      o[yi] = gscale * (exp(zy - mx) / den - 1.0);
  }
}

void ncd__mse_rows(size_t n, size_t k, const double *z, size_t ldz, const int32_t *y,
                   double alpha, double m, double gscale, ncd__ksum *acc, double *g,
                   size_t ldg) {
  for (size_t i = 0; i < n; i++) {
    const double *r = z + i * ldz;
    size_t yi = (size_t)y[i];
    double s = 0.0;
    for (size_t j = 0; j < k; j++)
      if (j != yi) s += r[j] * r[j];
    double ry = r[yi] - m;
    s += alpha * (ry * ry);
    ncd__ksum_add(acc, 0.5 * s);
    if (!g) continue;
    double *o = g + i * ldg;
    for (size_t j = 0; j < k; j++) o[j] = gscale * r[j];
    o[yi] = gscale * (alpha * ry);
  }
}

/*
 * walsh.c - the fast Walsh-Hadamard transform and the Walsh spectrum of the
 * softmax of Hadamard-initialized logits (spec/init.md 3.3): the
 * diagonalization identity (I-17), the cancellation-free positive butterfly
 * (I-18) and the loss (I-19). O(k log k).
 */
#include <math.h>
#include <string.h>

#include "init_internal.h"

void ncd__fwht(size_t k, double *x) {
  for (size_t h = 1; h < k; h <<= 1)
    for (size_t i = 0; i < k; i += 2 * h)
      for (size_t j = i; j < i + h; j++) {
        double u = x[j], v = x[j + h];
        x[j] = u + v;
        x[j + h] = u - v;
      }
}

double ncd__walsh_spectrum(size_t k, double nc, const double *s, double *pi,
                           double *od, double *work) {
  double *g = work, *ev = work + k;
  double rs = sqrt(nc);
  for (size_t x = 0; x < k; x++) g[x] = s[x] / rs;
  ncd__fwht(k, g);
  double mx = -INFINITY;
  for (size_t x = 0; x < k; x++) {
    g[x] /= (double)k;
    if (g[x] > mx) mx = g[x];
  }
  double rest = 0.0; /* sum over x != 0 of exp(g(x) - max) */
  for (size_t x = 0; x < k; x++) {
    pi[x] = exp(g[x] - mx);
    if (x) rest += pi[x];
  }
  double z = pi[0] + rest;
  double loss = (g[0] == mx) ? log1p(rest) : (mx + log(z)) - g[0]; /* I-19 */
  for (size_t x = 0; x < k; x++) pi[x] /= z;
  /* I-18: Ev = pi, Od = 0, positive butterfly */
  memcpy(ev, pi, k * sizeof *ev);
  memset(od, 0, k * sizeof *od);
  for (size_t h = 1; h < k; h <<= 1)
    for (size_t i = 0; i < k; i += 2 * h)
      for (size_t x = i; x < i + h; x++) {
        double e0 = ev[x], o0 = od[x], e1 = ev[x + h], o1 = od[x + h];
        ev[x] = e0 + e1;
        od[x] = o0 + o1;
        ev[x + h] = e0 + o1;
        od[x + h] = o0 + e1;
      }
  return loss;
}

NCD_API int ncd_walsh_softmax(size_t k, size_t nc, const double *s, double *lambda,
                              double *one_minus_lambda, double *pi, double *loss) {
  NCD_TRY(ncd__check_ptr(s));
  if (k < 2 || nc == 0) return NCD_EINVAL;
  if (k & (k - 1)) return NCD_ENOTSUP;
  NCD_TRY(ncd__scan_finite_vec(s, k));
  double *buf = ncd__malloc_array(k, 4 * sizeof(double));
  if (!buf) return NCD_ENOMEM;
  double *p = buf, *od = buf + k;
  double l = ncd__walsh_spectrum(k, (double)nc, s, p, od, buf + 2 * k);
  for (size_t m = 0; m < k; m++) {
    if (lambda) lambda[m] = 1.0 - 2.0 * od[m];
    if (one_minus_lambda) one_minus_lambda[m] = 2.0 * od[m];
    if (pi) pi[m] = p[m];
  }
  if (loss) *loss = l;
  ncd__free(buf);
  return NCD_OK;
}

/*
 * peers_cka.c - linear CKA (Kornblith et al. 2019; spec/metrics-peers.md P-15)
 * in the feature-space form ||Xc^T Zc||_F^2 / (||Xc^T Xc||_F ||Zc^T Zc||_F):
 * pass 1 the column means, pass 2 the centred co-moments accumulated by row
 * blocks with SYRK/GEMM (O(n (d1 + d2)^2), never the n x n Grams of MONAI's
 * HSIC route). Public ncd_linear_cka.
 */
#include <math.h>
#include <string.h>

#include "kernels/kernels_internal.h"
#include "metrics_internal.h"

static void col_mean(size_t n, size_t d, const double *x, size_t ld, double *mu) {
  memset(mu, 0, d * sizeof(double));
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) mu[j] += x[i * ld + j];
  for (size_t j = 0; j < d; j++) mu[j] /= (double)n;
}

static void centre_block(size_t nb, size_t d, const double *x, size_t ld, const double *mu,
                         double *out) {
  for (size_t r = 0; r < nb; r++)
    for (size_t j = 0; j < d; j++) out[r * d + j] = x[r * ld + j] - mu[j];
}

static double fro2(const double *a, size_t m) {
  double t = 0.0;
  for (size_t i = 0; i < m; i++) t += a[i] * a[i];
  return t;
}

double ncd__cka_from_moments(size_t d1, size_t d2, const double *cxx, const double *czz,
                             const double *cxz) {
  double den = sqrt(fro2(cxx, d1 * d1)) * sqrt(fro2(czz, d2 * d2));
  return den > 0.0 ? fro2(cxz, d1 * d2) / den : NAN;
}

NCD_API int ncd_linear_cka(size_t n, size_t d1, const double *x, size_t ldx, size_t d2,
                           const double *z, size_t ldz, double *cka) {
  if (!cka || n < 2) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(x, n, d1, ldx, sizeof(double)));
  NCD_TRY(ncd__check_matrix(z, n, d2, ldz, sizeof(double)));
  size_t t;
  if (ncd__mul_overflows(d1 + d2, d1 + d2, &t) || d1 + d2 < d1 ||
      ncd__mul_overflows(t, sizeof(double), &t))
    return NCD_EINVAL;
  NCD_TRY(ncd__scan_finite(x, n, d1, ldx));
  NCD_TRY(ncd__scan_finite(z, n, d2, ldz));
  size_t dd = d1 + d2, bs = ((size_t)1 << 20) / (8 * dd);
  if (bs < 16) bs = 16;
  if (bs > n) bs = n;
  double *mx = ncd__malloc_array(d1, sizeof(double));
  double *mz = ncd__malloc_array(d2, sizeof(double));
  double *bx = ncd__malloc_array(bs, d1 * sizeof(double));
  double *bz = ncd__malloc_array(bs, d2 * sizeof(double));
  double *cxx = ncd__malloc_array(d1, d1 * sizeof(double));
  double *czz = ncd__malloc_array(d2, d2 * sizeof(double));
  double *cxz = ncd__malloc_array(d1, d2 * sizeof(double));
  int st = mx && mz && bx && bz && cxx && czz && cxz ? NCD_OK : NCD_ENOMEM;
  if (st == NCD_OK) {
    col_mean(n, d1, x, ldx, mx);
    col_mean(n, d2, z, ldz, mz);
    for (size_t i0 = 0; i0 < n; i0 += bs) {
      size_t nb = n - i0 < bs ? n - i0 : bs;
      double beta = i0 ? 1.0 : 0.0;
      centre_block(nb, d1, x + i0 * ldx, ldx, mx, bx);
      centre_block(nb, d2, z + i0 * ldz, ldz, mz, bz);
      ncd__syrk_ata(nb, d1, 1.0, bx, d1, beta, cxx, d1);
      ncd__syrk_ata(nb, d2, 1.0, bz, d2, beta, czz, d2);
      ncd__gemm(NCD__TRANS, NCD__NOTRANS, d1, d2, nb, 1.0, bx, d1, bz, d2, beta, cxz, d2);
    }
    *cka = ncd__cka_from_moments(d1, d2, cxx, czz, cxz);
  }
  ncd__free(mx);
  ncd__free(mz);
  ncd__free(bx);
  ncd__free(bz);
  ncd__free(cxx);
  ncd__free(czz);
  ncd__free(cxz);
  return st;
}

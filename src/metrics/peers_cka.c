/*
 * peers_cka.c - linear CKA (Kornblith et al. 2019; spec/metrics-peers.md P-15)
 * in the feature-space form ||Xc^T Zc||_F^2 / (||Xc^T Xc||_F ||Zc^T Zc||_F):
 * pass 1 the column means, pass 2 the centred co-moments accumulated by row
 * blocks with SYRK/GEMM (O(n (d1 + d2)^2), never the n x n Grams of MONAI's
 * HSIC route); float32 input read through row sources block by block.
 * Public ncd_linear_cka, ncd_linear_cka_f32; ncd__cka_from_moments, the final
 * step shared with the streaming object (stream_cka.c).
 */
#include <math.h>
#include <string.h>

#include "kernels/kernels_internal.h"
#include "metrics_internal.h"

void ncd__src_col_mean(ncd__rowsrc *src, double *mu) {
  size_t n = src->rows, d = src->cols, bs = src->block_rows;
  memset(mu, 0, d * sizeof(double));
  for (size_t i0 = 0; i0 < n; i0 += bs) {
    size_t nb = n - i0 < bs ? n - i0 : bs, ld;
    const double *x = ncd__rowsrc_block(src, i0, nb, &ld);
    for (size_t i = 0; i < nb; i++)
      for (size_t j = 0; j < d; j++) mu[j] += x[i * ld + j];
  }
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

/* x, z: float64 (x64, z64) or float32 (x32, z32). */
static int cka_run(size_t n, size_t d1, const double *x64, const float *x32, size_t ldx,
                   size_t d2, const double *z64, const float *z32, size_t ldz, double *cka) {
  size_t el = x64 ? sizeof(double) : sizeof(float);
  const void *x = x64 ? (const void *)x64 : (const void *)x32;
  const void *z = z64 ? (const void *)z64 : (const void *)z32;
  if (!cka || n < 2) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(x, n, d1, ldx, el));
  NCD_TRY(ncd__check_matrix(z, n, d2, ldz, el));
  size_t t;
  if (ncd__mul_overflows(d1 + d2, d1 + d2, &t) || d1 + d2 < d1 ||
      ncd__mul_overflows(t, sizeof(double), &t))
    return NCD_EINVAL;
  NCD_TRY(ncd__peers_scan(x64, x32, n, d1, ldx));
  NCD_TRY(ncd__peers_scan(z64, z32, n, d2, ldz));
  size_t bs = ncd__block_rows(d1 + d2, ncd__nc_block_bytes(d1 + d2));
  if (bs > n) bs = n;
  ncd__rowsrc sx, sz;
  memset(&sx, 0, sizeof sx);
  memset(&sz, 0, sizeof sz);
  double *mx = ncd__malloc_array(d1, sizeof(double));
  double *mz = ncd__malloc_array(d2, sizeof(double));
  double *bx = ncd__malloc_array(bs, d1 * sizeof(double));
  double *bz = ncd__malloc_array(bs, d2 * sizeof(double));
  double *cxx = ncd__malloc_array(d1, d1 * sizeof(double));
  double *czz = ncd__malloc_array(d2, d2 * sizeof(double));
  double *cxz = ncd__malloc_array(d1, d2 * sizeof(double));
  int st = mx && mz && bx && bz && cxx && czz && cxz ? NCD_OK : NCD_ENOMEM;
  /* blocks of bs rows from both sources (float32: converted into their buffers) */
  if (st == NCD_OK) st = ncd__rowsrc_init(&sx, x64, x32, n, d1, ldx, bs * d1 * sizeof(double));
  if (st == NCD_OK) st = ncd__rowsrc_init(&sz, z64, z32, n, d2, ldz, bs * d2 * sizeof(double));
  if (st == NCD_OK) {
    ncd__src_col_mean(&sx, mx);
    ncd__src_col_mean(&sz, mz);
    for (size_t i0 = 0; i0 < n; i0 += bs) {
      size_t nb = n - i0 < bs ? n - i0 : bs, lx, lz;
      double beta = i0 ? 1.0 : 0.0;
      const double *xb = ncd__rowsrc_block(&sx, i0, nb, &lx);
      centre_block(nb, d1, xb, lx, mx, bx);
      const double *zb = ncd__rowsrc_block(&sz, i0, nb, &lz);
      centre_block(nb, d2, zb, lz, mz, bz);
      ncd__syrk_ata(nb, d1, 1.0, bx, d1, beta, cxx, d1);
      ncd__syrk_ata(nb, d2, 1.0, bz, d2, beta, czz, d2);
      ncd__gemm(NCD__TRANS, NCD__NOTRANS, d1, d2, nb, 1.0, bx, d1, bz, d2, beta, cxz, d2);
    }
    *cka = ncd__cka_from_moments(d1, d2, cxx, czz, cxz);
  }
  ncd__rowsrc_free(&sx);
  ncd__rowsrc_free(&sz);
  ncd__free(mx);
  ncd__free(mz);
  ncd__free(bx);
  ncd__free(bz);
  ncd__free(cxx);
  ncd__free(czz);
  ncd__free(cxz);
  return st;
}

NCD_API int ncd_linear_cka(size_t n, size_t d1, const double *x, size_t ldx, size_t d2,
                           const double *z, size_t ldz, double *cka) {
  if (!x || !z) return NCD_EINVAL;
  return cka_run(n, d1, x, NULL, ldx, d2, z, NULL, ldz, cka);
}

NCD_API int ncd_linear_cka_f32(size_t n, size_t d1, const float *x, size_t ldx, size_t d2,
                               const float *z, size_t ldz, double *cka) {
  if (!x || !z) return NCD_EINVAL;
  return cka_run(n, d1, NULL, x, ldx, d2, NULL, z, ldz, cka);
}

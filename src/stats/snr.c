/*
 * snr.c - the SNR spectrum of spec/central-path.md CP-14 (also metrics.md M-6,
 * NCD_SNR_MIN/MAX): singular values of Mbar Sigma_W^{-1/2}, computed on the
 * equilibrated within-class covariance with the ONE rank test that both the
 * central-path and metrics layers use, so they agree on NCD_ESINGULAR.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "stats_internal.h"

/* D = diag(sigma_w)^{-1/2} into dscale, R = D Sigma_W D into r (d x d),
 * eigen-decomposition of R (rows of r = eigenvectors), rank test. */
static int equilibrated_eigen(size_t n, size_t d, size_t k, const double *sw, size_t ldw,
                              double *dscale, double *r, double *lam) {
  if (n != 0 && n < k + d) return NCD_ESINGULAR; /* n - k < d */
  for (size_t j = 0; j < d; j++) {
    double v = sw[j * ldw + j];
    if (!(v > 0.0)) return NCD_ESINGULAR;
    dscale[j] = 1.0 / sqrt(v);
  }
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++) r[i * d + j] = dscale[i] * sw[i * ldw + j] * dscale[j];
  int st = ncd__syev(d, r, d, lam, 1);
  if (st != NCD_OK) return st;
  double lmax = lam[d - 1], lmin = lam[0];
  if (!(lmax > 0.0) || lmin <= (double)d * DBL_EPSILON * lmax) return NCD_ESINGULAR;
  return NCD_OK;
}

int ncd__sigma_w_rank_test(size_t n, size_t d, size_t k, const double *sigma_w,
                           size_t ldw) {
  double *dscale = ncd__malloc_array(d, sizeof(double));
  double *r = ncd__malloc_array(d, d * sizeof(double));
  double *lam = ncd__malloc_array(d, sizeof(double));
  int st = NCD_ENOMEM;
  if (dscale && r && lam) st = equilibrated_eigen(n, d, k, sigma_w, ldw, dscale, r, lam);
  ncd__free(dscale);
  ncd__free(r);
  ncd__free(lam);
  return st;
}

int ncd__snr_spectrum(size_t n, size_t d, size_t k, const double *sigma_w, size_t ldw,
                      const double *mbar, size_t ldm, double *omega, double *v,
                      size_t ldv) {
  double *dscale = ncd__malloc_array(d, sizeof(double));
  double *r = ncd__malloc_array(d, d * sizeof(double));
  double *lam = ncd__malloc_array(d, sizeof(double));
  double *md = ncd__malloc_array(k, d * sizeof(double));
  double *bmat = ncd__malloc_array(k, d * sizeof(double));
  int st = NCD_ENOMEM;
  if (!dscale || !r || !lam || !md || !bmat) goto done;
  st = equilibrated_eigen(n, d, k, sigma_w, ldw, dscale, r, lam);
  if (st != NCD_OK) goto done;
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) md[c * d + j] = mbar[c * ldm + j] * dscale[j];
  /* B = (Mbar D) Q with Q's columns = rows of r, then columns scaled by L^{-1/2} */
  ncd__gemm(NCD__NOTRANS, NCD__TRANS, k, d, d, 1.0, md, d, r, d, 0.0, bmat, d);
  for (size_t j = 0; j < d; j++) {
    double f = 1.0 / sqrt(lam[j]);
    for (size_t c = 0; c < k; c++) bmat[c * d + j] *= f;
  }
  st = ncd__svd(k, d, bmat, d, omega, v, ldv, NULL, 0);
done:
  ncd__free(dscale);
  ncd__free(r);
  ncd__free(lam);
  ncd__free(md);
  ncd__free(bmat);
  return st;
}

/*
 * snr_public.c - the public SNR spectrum of spec/central-path.md CP-14 from
 * features: class statistics and the within-class covariance from src/stats/,
 * then the shared ncd__snr_spectrum (one rank test, shared with the metrics
 * layer's NCD_SNR_MIN/MAX); and the renormalized features x = hbar Sigma_W^{-1/2}
 * of CP-13 / CP-14 step 5 (symmetric root from the eigendecomposition of
 * Sigma_W), the starting point of the flow CP-18.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "cpath_internal.h"

/* argument checks shared by the SNR and the renormalization: EINVAL, every
 * class present, then the NaN/Inf scan */
static int check_features(size_t n, size_t d, size_t k, const double *h, const float *hf,
                          size_t ldh, const int32_t *y) {
  NCD_TRY(ncd__check_matrix(h ? (const void *)h : (const void *)hf, n, d, ldh,
                            h ? sizeof(double) : sizeof(float)));
  if (k < 2) return NCD_EINVAL;
  /* the k x d class means must be addressable (k = SIZE_MAX: EINVAL, not ENOMEM) */
  NCD_TRY(ncd__check_matrix(h ? (const void *)h : (const void *)hf, k, d, d, sizeof(double)));
  NCD_TRY(ncd__check_labels(y, n, k));
  size_t *cnt = ncd__calloc(k, sizeof(size_t));
  if (!cnt) return NCD_ENOMEM;
  for (size_t i = 0; i < n; i++) cnt[y[i]]++;
  int empty = 0;
  for (size_t c = 0; c < k; c++) empty |= cnt[c] == 0;
  ncd__free(cnt);
  return empty ? NCD_EINVAL : NCD_OK;
}

/* Sigma_W^{-1/2} = Q L^{-1/2} Q^T (d x d, symmetric) from the eigendecomposition of
 * Sigma_W itself (CP-14 step 5); call after the rank test. */
static int sym_inv_sqrt(size_t d, const double *sw, double *root) {
  double *q = ncd__malloc_array(d, d * sizeof(double));
  double *lam = ncd__malloc_array(d, sizeof(double));
  int st = NCD_ENOMEM;
  if (!q || !lam) goto done;
  memcpy(q, sw, d * d * sizeof(double));
  st = ncd__syev(d, q, d, lam, 1); /* row i of q: eigenvector of lam[i] */
  if (st != NCD_OK) goto done;
  st = NCD_ESINGULAR;
  for (size_t i = 0; i < d; i++) {
    if (!(lam[i] > 0.0)) goto done;
    double f = 1.0 / sqrt(sqrt(lam[i])); /* rows scaled by lam^{-1/4}: root = q'^T q' */
    for (size_t j = 0; j < d; j++) q[i * d + j] *= f;
  }
  ncd__syrk_ata(d, d, 1.0, q, d, 0.0, root, d);
  st = NCD_OK;
done:
  ncd__free(q);
  ncd__free(lam);
  return st;
}

/* u = Sigma_W^{-1/2} Mbar^T v Omega^{-1} (d x m), columns of omega ~ 0 set to 0 */
static int right_vectors(const ncd__lsdata *ls, size_t m, const double *omega,
                         const double *v, size_t ldv, double *u, size_t ldu) {
  size_t d = ls->cs.d, k = ls->cs.k;
  double *root = ncd__malloc_array(d, d * sizeof(double));
  double *t = ncd__malloc_array(d, m * sizeof(double));
  int st = NCD_ENOMEM;
  if (!root || !t) goto done;
  st = sym_inv_sqrt(d, ls->sigma_w, root);
  if (st != NCD_OK) goto done;
  ncd__gemm(NCD__TRANS, NCD__NOTRANS, d, m, k, 1.0, ls->cs.mbar, d, v, ldv, 0.0, t, m);
  ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, d, m, d, 1.0, root, d, t, m, 0.0, u, ldu);
  double cut = (double)(k > d ? k : d) * DBL_EPSILON * omega[0];
  for (size_t j = 0; j < m; j++) {
    double f = omega[j] > cut ? 1.0 / omega[j] : 0.0;
    for (size_t i = 0; i < d; i++) u[i * ldu + j] *= f;
  }
done:
  ncd__free(root);
  ncd__free(t);
  return st;
}

static int snr_common(size_t n, size_t d, size_t k, const double *h, const float *hf,
                      size_t ldh, const int32_t *y, double *omega, double *v,
                      size_t ldv, double *u, size_t ldu) {
  size_t m = k < d ? k : d;
  NCD_TRY(ncd__check_ptr(omega));
  NCD_TRY(ncd__check_matrix_opt(v, k, m, ldv, sizeof(double)));
  NCD_TRY(ncd__check_matrix_opt(u, d, m, ldu, sizeof(double)));
  NCD_TRY(check_features(n, d, k, h, hf, ldh, y));
  NCD_TRY(h ? ncd__scan_finite(h, n, d, ldh) : ncd__scan_finite_f32(hf, n, d, ldh));
  if (n < k + d) return NCD_ESINGULAR; /* CP-14 step 1, before any O(n d^2) work */
  double *vbuf = NULL;
  if (u && !v) {
    vbuf = ncd__malloc_array(k, m * sizeof(double));
    if (!vbuf) return NCD_ENOMEM;
    v = vbuf;
    ldv = m;
  }
  ncd__lsdata ls;
  int st = ncd__lsdata_features(h, hf, n, d, ldh, k, y, &ls);
  if (st == NCD_OK) {
    st = ncd__snr_spectrum(n, d, k, ls.sigma_w, d, ls.cs.mbar, d, omega, v, ldv);
    if (st == NCD_OK && u) st = right_vectors(&ls, m, omega, v, ldv, u, ldu);
    ncd__lsdata_free(&ls);
  }
  ncd__free(vbuf);
  return st;
}

NCD_API int ncd_cpath_snr(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                          const int32_t *y, double *omega, double *v, size_t ldv, double *u,
                          size_t ldu) {
  NCD_TRY(ncd__check_ptr(h));
  return snr_common(n, d, k, h, NULL, ldh, y, omega, v, ldv, u, ldu);
}

NCD_API int ncd_cpath_snr_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                              const int32_t *y, double *omega, double *v, size_t ldv,
                              double *u, size_t ldu) {
  NCD_TRY(ncd__check_ptr(h));
  return snr_common(n, d, k, NULL, h, ldh, y, omega, v, ldv, u, ldu);
}

/* x = (h - mu_G) Q L^{-1/2} Q^T with Sigma_W = Q L Q^T, a block of rows at a time */
static int renorm_common(size_t n, size_t d, size_t k, const double *h, const float *hf,
                         size_t ldh, const int32_t *y, double *x, size_t ldx) {
  NCD_TRY(ncd__check_matrix(x, n, d, ldx, sizeof(double)));
  NCD_TRY(check_features(n, d, k, h, hf, ldh, y));
  NCD_TRY(h ? ncd__scan_finite(h, n, d, ldh) : ncd__scan_finite_f32(hf, n, d, ldh));
  if (n < k + d) return NCD_ESINGULAR;
  ncd__rowsrc src;
  NCD_TRY(ncd__rowsrc_init(&src, h, hf, n, d, ldh, NCD__CPATH_BLOCK_BYTES));
  ncd__lsdata ls;
  int st = ncd__lsdata_compute(&src, d, k, y, &ls);
  if (st != NCD_OK) {
    ncd__rowsrc_free(&src);
    return st;
  }
  double *root = ncd__malloc_array(d, d * sizeof(double));
  double *z = ncd__malloc_array(src.block_rows, d * sizeof(double));
  st = NCD_ENOMEM;
  if (!root || !z) goto done;
  st = ncd__sigma_w_rank_test(n, d, k, ls.sigma_w, d); /* CP-14's one test */
  if (st != NCD_OK) goto done;
  st = sym_inv_sqrt(d, ls.sigma_w, root);
  if (st != NCD_OK) goto done;
  for (size_t i0 = 0; i0 < n; i0 += src.block_rows) {
    size_t nb = n - i0 < src.block_rows ? n - i0 : src.block_rows, ld;
    const double *blk = ncd__rowsrc_block(&src, i0, nb, &ld);
    for (size_t r = 0; r < nb; r++)
      for (size_t j = 0; j < d; j++)
        z[r * d + j] = (blk[r * ld + j] - ls.cs.ref[j]) - ls.cs.mg[j];
    ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, nb, d, d, 1.0, z, d, root, d, 0.0, x + i0 * ldx, ldx);
  }
  st = NCD_OK;
done:
  ncd__free(root);
  ncd__free(z);
  ncd__lsdata_free(&ls);
  ncd__rowsrc_free(&src);
  return st;
}

NCD_API int ncd_cpath_renormalize(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                  const int32_t *y, double *x, size_t ldx) {
  NCD_TRY(ncd__check_ptr(h));
  return renorm_common(n, d, k, h, NULL, ldh, y, x, ldx);
}

NCD_API int ncd_cpath_renormalize_f32(size_t n, size_t d, size_t k, const float *h,
                                      size_t ldh, const int32_t *y, double *x, size_t ldx) {
  NCD_TRY(ncd__check_ptr(h));
  return renorm_common(n, d, k, NULL, h, ldh, y, x, ldx);
}

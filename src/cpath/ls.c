/*
 * ls.c - the least-squares classifier with weight decay (spec/central-path.md
 * CP-1, CP-2, CP-5 .. CP-8; Han, Papyan, Donoho Prop. 1, eq. 6) by the centred
 * normative route CP-7: class means (pass 1), within-class scatter by blocked
 * SYRK (pass 2), Sigma_T = Sigma_W + Mbar^T D_pi Mbar, then
 *   w A = R,  A = Sigma_T + lambda I + (lambda/(1+lambda)) mu_G mu_G^T,
 *   R = D_pi (M - (1+lambda)^{-1} 1 mu_G^T),  b = (pi - w mu_G)/(1+lambda),
 * solved by an equilibrated Cholesky with a dpocon rcond test (NCD_ESINGULAR),
 * never an explicit inverse and never a copy of h.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "cpath_internal.h"

void ncd__lsdata_free(ncd__lsdata *ls) {
  ncd__cstats_free(&ls->cs);
  ncd__free(ls->sigma_w);
  ncd__free(ls->sigma_t);
  ncd__free(ls->pi);
  ls->sigma_w = ls->sigma_t = ls->pi = NULL;
}

int ncd__lsdata_compute(ncd__rowsrc *src, size_t d, size_t k, const int32_t *y,
                        ncd__lsdata *ls) {
  memset(ls, 0, sizeof *ls);
  int st = ncd__cstats_alloc(d, k, &ls->cs);
  if (st != NCD_OK) return st;
  ls->sigma_w = ncd__malloc_array(d, d * sizeof(double));
  ls->sigma_t = ncd__malloc_array(d, d * sizeof(double));
  ls->pi = ncd__malloc_array(k, sizeof(double));
  double *sm = ncd__malloc_array(k, d * sizeof(double));
  st = NCD_ENOMEM;
  if (!ls->sigma_w || !ls->sigma_t || !ls->pi || !sm) goto fail;
  st = ncd__cstats_means(&ls->cs, src, y);
  if (st != NCD_OK) goto fail;
  st = ncd__cstats_scatter(&ls->cs, src, y, ls->sigma_w, d, NULL);
  if (st != NCD_OK) goto fail;
  size_t n = src->rows;
  double inv_n = 1.0 / (double)n;
  for (size_t i = 0; i < d * d; i++) ls->sigma_w[i] *= inv_n;
  /* CP-2: Sigma_T = Sigma_W + (D_pi^{1/2} Mbar)^T (D_pi^{1/2} Mbar), PSD + PSD */
  for (size_t c = 0; c < k; c++) {
    ls->pi[c] = (double)ls->cs.count[c] * inv_n;
    double r = sqrt(ls->pi[c]);
    for (size_t j = 0; j < d; j++) sm[c * d + j] = r * ls->cs.mbar[c * d + j];
  }
  memcpy(ls->sigma_t, ls->sigma_w, d * d * sizeof(double));
  ncd__syrk_ata(k, d, 1.0, sm, d, 1.0, ls->sigma_t, d);
  ncd__free(sm);
  return NCD_OK;
fail:
  ncd__free(sm);
  ncd__lsdata_free(ls);
  return st;
}

int ncd__ls_solve(const ncd__lsdata *ls, double lambda, double *w, size_t ldw, double *b) {
  const ncd__cstats *cs = &ls->cs;
  size_t d = cs->d, k = cs->k, n = cs->n;
  if (lambda == 0.0 && n < d + 1) return NCD_ESINGULAR; /* rank [h, 1] <= n < d + 1 */
  double *a = ncd__malloc_array(d, d * sizeof(double));
  double *dsc = ncd__malloc_array(d, sizeof(double));
  double *mug = ncd__malloc_array(d, sizeof(double));
  int st = NCD_ENOMEM;
  if (!a || !dsc || !mug) goto done;
  double g = lambda / (1.0 + lambda);
  for (size_t j = 0; j < d; j++) mug[j] = cs->ref[j] + cs->mg[j];
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      a[i * d + j] = ls->sigma_t[i * d + j] + g * mug[i] * mug[j] + (i == j ? lambda : 0.0);
  st = NCD_ESINGULAR;
  for (size_t j = 0; j < d; j++) {
    double v = a[j * d + j];
    if (!(v > 0.0) || !isfinite(v)) goto done;
    dsc[j] = 1.0 / sqrt(v);
  }
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++) a[i * d + j] *= dsc[i] * dsc[j];
  double anorm = ncd__sym_norm1(d, a, d), rcond = 0.0;
  st = ncd__chol(d, a, d);
  if (st != NCD_OK) goto done;
  st = ncd__chol_rcond(d, a, d, anorm, &rcond);
  if (st != NCD_OK) goto done;
  if (!(rcond >= DBL_EPSILON)) {
    st = NCD_ESINGULAR;
    goto done;
  }
  /* R D, row c: pi_c (mbar_c + g mu_G) (the lambda = 0 row is exactly pi_c mbar_c) */
  for (size_t c = 0; c < k; c++) {
    const double *mb = cs->mbar + c * d;
    double *wc = w + c * ldw;
    for (size_t j = 0; j < d; j++) wc[j] = ls->pi[c] * (mb[j] + g * mug[j]) * dsc[j];
  }
  ncd__chol_solve_right(k, d, a, d, w, ldw); /* (R D) A0^{-1} */
  for (size_t c = 0; c < k; c++) {
    double *wc = w + c * ldw, dot = 0.0;
    for (size_t j = 0; j < d; j++) wc[j] *= dsc[j];
    for (size_t j = 0; j < d; j++) dot += wc[j] * mug[j];
    b[c] = (ls->pi[c] - dot) / (1.0 + lambda);
    if (cs->count[c] == 0) { /* exactly zero, not rounding noise */
      memset(wc, 0, d * sizeof(double));
      b[c] = 0.0;
    }
  }
  st = NCD_OK;
done:
  ncd__free(a);
  ncd__free(dsc);
  ncd__free(mug);
  return st;
}

int ncd__lsdata_features(const double *h, const float *hf, size_t n, size_t d, size_t ldh,
                         size_t k, const int32_t *y, ncd__lsdata *ls) {
  ncd__rowsrc src;
  NCD_TRY(ncd__rowsrc_init(&src, h, hf, n, d, ldh, NCD__CPATH_BLOCK_BYTES));
  int st = ncd__lsdata_compute(&src, d, k, y, ls);
  ncd__rowsrc_free(&src);
  return st;
}

static int ls_common(size_t n, size_t d, size_t k, const double *h, const float *hf,
                     size_t ldh, const int32_t *y, double lambda, double *w, size_t ldw,
                     double *b) {
  NCD_TRY(ncd__check_matrix(h ? (const void *)h : (const void *)hf, n, d, ldh,
                            h ? sizeof(double) : sizeof(float)));
  NCD_TRY(ncd__check_size(k));
  NCD_TRY(ncd__check_matrix(w, k, d, ldw, sizeof(double)));
  NCD_TRY(ncd__check_ptr(b));
  NCD_TRY(ncd__check_labels(y, n, k));
  NCD_TRY(ncd__check_scalar_nonnegative(lambda));
  NCD_TRY(h ? ncd__scan_finite(h, n, d, ldh) : ncd__scan_finite_f32(hf, n, d, ldh));
  ncd__lsdata ls;
  NCD_TRY(ncd__lsdata_features(h, hf, n, d, ldh, k, y, &ls));
  int st = ncd__ls_solve(&ls, lambda, w, ldw, b);
  ncd__lsdata_free(&ls);
  return st;
}

NCD_API int ncd_ls_classifier(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                              const int32_t *y, double lambda, double *w, size_t ldw,
                              double *b) {
  NCD_TRY(ncd__check_ptr(h));
  return ls_common(n, d, k, h, NULL, ldh, y, lambda, w, ldw, b);
}

NCD_API int ncd_ls_classifier_f32(size_t n, size_t d, size_t k, const float *h,
                                  size_t ldh, const int32_t *y, double lambda, double *w,
                                  size_t ldw, double *b) {
  NCD_TRY(ncd__check_ptr(h));
  return ls_common(n, d, k, NULL, h, ldh, y, lambda, w, ldw, b);
}

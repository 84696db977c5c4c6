/*
 * peers_nrc.c - neural regression collapse (spec/metrics-peers.md section 9,
 * nc-toolbox regression.py / decomp.py): principal directions of H (P-12, from
 * the eigenvectors of the d x d Gram, sign-fixed as nc-toolbox), NRC1 and its
 * profile through V_perp (P-10), NRC2 through an orthonormal basis of the
 * head's row space, residual per row, NRC3 in the intended form of P-11
 * (symmetric root of the target covariance, golden-section minimisation over
 * [gamma_lo, gamma_hi]) or nc-toolbox's literal form behind NCD_NRC_NCTB.
 * Float32 features are read through core row sources block by block.
 * Public ncd_principal_decomp, ncd_nrc1_profile and their _f32 twins; the
 * NRC1 final step from the two Grams (ncd__nrc1_from_grams) is shared with
 * the streaming NRC object (stream_nrc.c).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "kernels/kernels_internal.h"
#include "metrics_internal.h"

#define NRC_BLOCK 256

/* Row source over h in blocks of NRC_BLOCK rows (float32 converted per block). */
int ncd__peers_nrc_src(ncd__rowsrc *src, size_t n, size_t d, const double *h64,
                       const float *h32, size_t ldh) {
  return ncd__rowsrc_init(src, h64, h32, n, d, ldh, (size_t)NRC_BLOCK * d * sizeof(double));
}

/* Gram G = X^T X of the rows of src (minus mean when mean != NULL; unit rows
 * when unit != 0), d x d. *zero set when a row is 0 (unit only). */
static int gram(ncd__rowsrc *src, const double *mean, int unit, double *g, int *zero) {
  size_t n = src->rows, d = src->cols, bs = src->block_rows;
  double *b = ncd__malloc_array(bs, d * sizeof(double));
  if (!b) return NCD_ENOMEM;
  for (size_t i0 = 0; i0 < n; i0 += bs) {
    size_t nb = n - i0 < bs ? n - i0 : bs, ldh;
    const double *h = ncd__rowsrc_block(src, i0, nb, &ldh);
    for (size_t r = 0; r < nb; r++) {
      const double *x = h + r * ldh;
      for (size_t j = 0; j < d; j++) b[r * d + j] = x[j] - (mean ? mean[j] : 0.0);
      if (unit) { /* a zero row becomes NaN and is flagged */
        double inv = ncd__unit_scale(d, b + r * d, NAN);
        if (isnan(inv)) *zero = 1;
        for (size_t j = 0; j < d; j++) b[r * d + j] *= inv;
      }
    }
    ncd__syrk_ata(nb, d, 1.0, b, d, i0 ? 1.0 : 0.0, g, d);
  }
  ncd__free(b);
  return NCD_OK;
}

/* V (d x d, row j = j-th principal direction, descending eigenvalue) and the
 * eigenvalues lam (descending) from the Gram g (destroyed); w: d doubles.
 * Rows are sign-fixed: largest-|.| entry positive (first index on ties). */
static int eig_sorted(size_t d, double *g, double *w, double *v, double *lam) {
  int st = ncd__syev(d, g, d, w, 1);
  for (size_t r = 0; st == NCD_OK && r < d; r++) {
    const double *e = g + (d - 1 - r) * d;
    size_t am = 0;
    for (size_t j = 1; j < d; j++)
      if (fabs(e[j]) > fabs(e[am])) am = j;
    double sg = e[am] < 0.0 ? -1.0 : 1.0;
    for (size_t j = 0; j < d; j++) v[r * d + j] = sg * e[j];
    lam[r] = w[d - 1 - r];
  }
  return st;
}

/* V and lam (as eig_sorted) of the Gram of the rows of src (centred on mean,
 * computed here, if centre). */
static int principal(ncd__rowsrc *src, int centre, double *v, double *lam, double *mean) {
  size_t d = src->cols;
  double *g = ncd__malloc_array(d, d * sizeof(double)), *w = ncd__malloc_array(d, sizeof(double));
  int st = g && w ? NCD_OK : NCD_ENOMEM, zero = 0;
  if (st == NCD_OK && centre) ncd__src_col_mean(src, mean);
  if (st == NCD_OK) st = gram(src, centre ? mean : NULL, 0, g, &zero);
  if (st == NCD_OK) st = eig_sorted(d, g, w, v, lam);
  ncd__free(g);
  ncd__free(w);
  return st;
}

/* t_l = v_l^T Ghat v_l (l = 0..d-1) with Ghat = gu / n, gu the plain Gram of the unit rows. */
static int nrc_terms(size_t n, size_t d, const double *gu, const double *v, double *t) {
  double *gv = ncd__malloc_array(d, d * sizeof(double));
  if (!gv) return NCD_ENOMEM;
  ncd__gemm(NCD__NOTRANS, NCD__TRANS, d, d, d, 1.0 / (double)n, v, d, gu, d, 0.0, gv, d);
  for (size_t l = 0; l < d; l++) {
    double s = 0.0;
    for (size_t j = 0; j < d; j++) s += gv[l * d + j] * v[l * d + j];
    t[l] = s;
  }
  ncd__free(gv);
  return NCD_OK;
}

static int check_h(size_t n, size_t d, const void *h, size_t ldh, size_t el) {
  if (!h) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(h, n, d, ldh, el));
  size_t t;
  if (ncd__mul_overflows(d, d, &t) || ncd__mul_overflows(t, 3 * sizeof(double), &t))
    return NCD_EINVAL;
  return NCD_OK;
}

static int decomp_run(size_t n, size_t d, const double *h64, const float *h32, size_t ldh,
                      int centre, double *p, size_t ldp, double *s, double *mean) {
  NCD_TRY(check_h(n, d, h64 ? (const void *)h64 : (const void *)h32, ldh,
                  h64 ? sizeof(double) : sizeof(float)));
  size_t r = n < d ? n : d;
  if (!p || ldp < d || (centre != 0 && centre != 1)) return NCD_EINVAL;
  NCD_TRY(ncd__peers_scan(h64, h32, n, d, ldh));
  ncd__rowsrc src;
  double *v = ncd__malloc_array(d, d * sizeof(double)), *lam = ncd__malloc_array(d, sizeof(double));
  double *mu = ncd__malloc_array(d, sizeof(double));
  int st = v && lam && mu ? ncd__peers_nrc_src(&src, n, d, h64, h32, ldh) : NCD_ENOMEM;
  if (st == NCD_OK) {
    st = principal(&src, centre, v, lam, mu);
    ncd__rowsrc_free(&src);
  }
  if (st == NCD_OK) {
    for (size_t i = 0; i < r; i++) {
      memcpy(p + i * ldp, v + i * d, d * sizeof(double));
      if (s) s[i] = lam[i] > 0.0 ? sqrt(lam[i]) : 0.0;
    }
    if (centre && mean) memcpy(mean, mu, d * sizeof(double));
  }
  ncd__free(v);
  ncd__free(lam);
  ncd__free(mu);
  return st;
}

NCD_API int ncd_principal_decomp(size_t n, size_t d, const double *h, size_t ldh, int centre,
                                 double *p, size_t ldp, double *s, double *mean) {
  return decomp_run(n, d, h, NULL, ldh, centre, p, ldp, s, mean);
}

NCD_API int ncd_principal_decomp_f32(size_t n, size_t d, const float *h, size_t ldh,
                                     int centre, double *p, size_t ldp, double *s,
                                     double *mean) {
  return decomp_run(n, d, NULL, h, ldh, centre, p, ldp, s, mean);
}

/* The final step shared with the streaming NRC object (stream_nrc.c): V from
 * the Gram g (destroyed), the terms from gu, the profile out[0..d-1]; all NaN
 * when a row was 0 (zero). */
int ncd__nrc1_from_grams(size_t n, size_t d, double *g, const double *gu, int zero,
                         double *out) {
  double *v = ncd__malloc_array(d, d * sizeof(double)), *lam = ncd__malloc_array(d, sizeof(double));
  double *t = ncd__malloc_array(d, sizeof(double)), *w = ncd__malloc_array(d, sizeof(double));
  int st = v && lam && t && w ? eig_sorted(d, g, w, v, lam) : NCD_ENOMEM;
  if (st == NCD_OK) st = nrc_terms(n, d, gu, v, t);
  if (st == NCD_OK) {
    double acc = 0.0;
    for (size_t j = d; j-- > 0;) { /* p_j (1-based j) = sum_{l > j} t_l */
      out[j] = zero ? NAN : acc;
      acc += t[j];
    }
  }
  ncd__free(v);
  ncd__free(lam);
  ncd__free(t);
  ncd__free(w);
  return st;
}

/* One-shot NRC1 profile of the rows of src: the Gram of the raw (centre 0) or
 * centred rows and the plain Gram of the unit rows, then the shared final step. */
int ncd__peers_nrc1_src(ncd__rowsrc *src, int centre, double *out) {
  size_t n = src->rows, d = src->cols;
  double *g = ncd__malloc_array(d, d * sizeof(double)), *gu = ncd__malloc_array(d, d * sizeof(double));
  double *mu = centre ? ncd__malloc_array(d, sizeof(double)) : NULL;
  int st = g && gu && (mu || !centre) ? NCD_OK : NCD_ENOMEM, zero = 0;
  if (st == NCD_OK && centre) ncd__src_col_mean(src, mu);
  if (st == NCD_OK) st = gram(src, mu, 0, g, &zero);
  if (st == NCD_OK) st = gram(src, NULL, 1, gu, &zero);
  if (st == NCD_OK) st = ncd__nrc1_from_grams(n, d, g, gu, zero, out);
  ncd__free(g);
  ncd__free(gu);
  ncd__free(mu);
  return st;
}

/* NRC1 profile of float64 or float32 rows, V from the raw (centre 0) or the
 * centred H; input validated and scanned by the caller. */
int ncd__peers_nrc1(size_t n, size_t d, const double *h64, const float *h32, size_t ldh,
                    int centre, double *out) {
  ncd__rowsrc src;
  int st = ncd__peers_nrc_src(&src, n, d, h64, h32, ldh);
  if (st == NCD_OK) st = ncd__peers_nrc1_src(&src, centre, out);
  ncd__rowsrc_free(&src);
  return st;
}

static int profile_run(size_t n, size_t d, const double *h64, const float *h32, size_t ldh,
                       double *out) {
  NCD_TRY(check_h(n, d, h64 ? (const void *)h64 : (const void *)h32, ldh,
                  h64 ? sizeof(double) : sizeof(float)));
  if (!out) return NCD_EINVAL;
  NCD_TRY(ncd__peers_scan(h64, h32, n, d, ldh));
  return ncd__peers_nrc1(n, d, h64, h32, ldh, 0, out);
}

NCD_API int ncd_nrc1_profile(size_t n, size_t d, const double *h, size_t ldh, double *out) {
  return profile_run(n, d, h, NULL, ldh, out);
}

NCD_API int ncd_nrc1_profile_f32(size_t n, size_t d, const float *h, size_t ldh, double *out) {
  return profile_run(n, d, NULL, h, ldh, out);
}

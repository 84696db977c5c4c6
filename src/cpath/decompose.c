/*
 * decompose.c - the MSE decomposition L = L_NC1 + L_NC2/3 + L_LS_perp of
 * spec/central-path.md CP-9 .. CP-12 (Han, Papyan, Donoho Thms. 1-2, App. B-C):
 * L directly from the data by a GEMM per row block (CP-3), the LS classifier
 * by CP-7 (ls.c), L_NC1 and L_NC2/3 by CP-11 and L_perp by the Sigma_T form of
 * CP-9, each term computed on its own (never as a difference of others).
 */
#include <math.h>
#include <string.h>

#include "cpath_internal.h"

/* sum over rows of ||h_i w^T + b - e_{y_i}||^2 (b may be NULL) */
static int direct_sse(ncd__rowsrc *src, size_t d, size_t k, const int32_t *y,
                      const double *w, size_t ldw, const double *b, double *sse) {
  size_t n = src->rows;
  double *z = ncd__malloc_array(src->block_rows, k * sizeof(double));
  if (!z) return NCD_ENOMEM;
  double acc = 0.0;
  for (size_t i0 = 0; i0 < n; i0 += src->block_rows) {
    size_t nb = n - i0 < src->block_rows ? n - i0 : src->block_rows, ld;
    const double *blk = ncd__rowsrc_block(src, i0, nb, &ld);
    ncd__gemm(NCD__NOTRANS, NCD__TRANS, nb, k, d, 1.0, blk, ld, w, ldw, 0.0, z, k);
    for (size_t r = 0; r < nb; r++) {
      double *zr = z + r * k, part = 0.0;
      for (size_t c = 0; c < k; c++) {
        double e = zr[c] + (b ? b[c] : 0.0) - (c == (size_t)y[i0 + r] ? 1.0 : 0.0);
        part += e * e;
      }
      acc += part;
    }
  }
  ncd__free(z);
  *sse = acc;
  return NCD_OK;
}

/* sum_c (x_c^T S x_c) over the k rows x_c of x (ld ldx), S d x d symmetric PSD */
static int quad_trace(size_t k, size_t d, const double *x, size_t ldx, const double *s,
                      double *out) {
  double *p = ncd__malloc_array(k, d * sizeof(double));
  if (!p) return NCD_ENOMEM;
  ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, k, d, d, 1.0, x, ldx, s, d, 0.0, p, d);
  double acc = 0.0;
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) acc += p[c * d + j] * x[c * ldx + j];
  ncd__free(p);
  *out = acc;
  return NCD_OK;
}

static double sumsq(const double *x, size_t rows, size_t cols, size_t ld) {
  double acc = 0.0;
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) acc += x[i * ld + j] * x[i * ld + j];
  return acc;
}

/* L_NC1, L_NC2/3 (CP-11) and L_perp (CP-9) from the statistics and (w, b). */
static int terms(const ncd__lsdata *ls, double lambda, const double *w, size_t ldw,
                 const double *b, double out[4]) {
  const ncd__cstats *cs = &ls->cs;
  size_t d = cs->d, k = cs->k;
  double *wl = ncd__malloc_array(k, d * sizeof(double));
  double *bl = ncd__malloc_array(k, sizeof(double));
  double *dw = ncd__malloc_array(k, d * sizeof(double));
  int st = NCD_ENOMEM;
  if (!wl || !bl || !dw) goto done;
  st = ncd__ls_solve(ls, lambda, wl, d, bl);
  if (st != NCD_OK) goto done;
  /* L_NC1 = 1/2 tr(w_LS (Sigma_W + lambda I) w_LS^T) + lambda/2 ||b_LS||^2 */
  double q;
  st = quad_trace(k, d, wl, d, ls->sigma_w, &q);
  if (st != NCD_OK) goto done;
  out[1] = 0.5 * q + 0.5 * lambda * (sumsq(wl, k, d, d) + sumsq(bl, k, 1, 1));
  /* L_NC2/3 = 1/2 sum_c pi_c ||w_LS mu_c + b_LS - e_c||^2 with
   * w_LS mu_c + b_LS = w_LS mbar_c + (pi - lambda b_LS)   (CP-7, last column) */
  double nc23 = 0.0;
  for (size_t c = 0; c < k; c++) {
    if (ls->pi[c] == 0.0) continue;
    const double *mb = cs->mbar + c * d;
    double part = 0.0;
    for (size_t r = 0; r < k; r++) {
      double v = 0.0;
      for (size_t j = 0; j < d; j++) v += wl[r * d + j] * mb[j];
      v += ls->pi[r] - lambda * bl[r] - (r == c ? 1.0 : 0.0);
      part += v * v;
    }
    nc23 += ls->pi[c] * part;
  }
  out[2] = 0.5 * nc23;
  /* L_perp = 1/2 [tr(dw Sigma_T dw^T) + ||dw mu_G + db||^2] + lambda/2 (||dw||^2 + ||db||^2) */
  double bias_sq = 0.0, db_sq = 0.0;
  for (size_t c = 0; c < k; c++) {
    for (size_t j = 0; j < d; j++) dw[c * d + j] = w[c * ldw + j] - wl[c * d + j];
    double db = (b ? b[c] : 0.0) - bl[c], s1 = 0.0, s2 = 0.0;
    for (size_t j = 0; j < d; j++) {
      s1 += dw[c * d + j] * cs->ref[j];
      s2 += dw[c * d + j] * cs->mg[j];
    }
    double v = (s1 + db) + s2;
    bias_sq += v * v;
    db_sq += db * db;
  }
  st = quad_trace(k, d, dw, d, ls->sigma_t, &q);
  if (st != NCD_OK) goto done;
  out[3] = 0.5 * (q + bias_sq) + 0.5 * lambda * (sumsq(dw, k, d, d) + db_sq);
done:
  ncd__free(wl);
  ncd__free(bl);
  ncd__free(dw);
  return st;
}

static int decompose_common(size_t n, size_t d, size_t k, const double *h,
                            const float *hf, size_t ldh, const int32_t *y, const double *w,
                            size_t ldw, const double *b, double lambda, double out[4]) {
  NCD_TRY(ncd__check_matrix(h ? (const void *)h : (const void *)hf, n, d, ldh,
                            h ? sizeof(double) : sizeof(float)));
  NCD_TRY(ncd__check_size(k));
  NCD_TRY(ncd__check_matrix(w, k, d, ldw, sizeof(double)));
  NCD_TRY(ncd__check_ptr(out));
  NCD_TRY(ncd__check_labels(y, n, k));
  NCD_TRY(ncd__check_scalar_nonnegative(lambda));
  if (n % k != 0) return NCD_EINVAL;
  size_t *cnt = ncd__calloc(k, sizeof(size_t));
  if (!cnt) return NCD_ENOMEM;
  for (size_t i = 0; i < n; i++) cnt[y[i]]++;
  int bal = 1;
  for (size_t c = 0; c < k; c++) bal &= cnt[c] == n / k;
  ncd__free(cnt);
  if (!bal) return NCD_EINVAL;
  NCD_TRY(h ? ncd__scan_finite(h, n, d, ldh) : ncd__scan_finite_f32(hf, n, d, ldh));
  NCD_TRY(ncd__scan_finite(w, k, d, ldw));
  if (b) NCD_TRY(ncd__scan_finite_vec(b, k));

  ncd__rowsrc src;
  NCD_TRY(ncd__rowsrc_init(&src, h, hf, n, d, ldh, NCD__CPATH_BLOCK_BYTES));
  double sse = 0.0;
  ncd__lsdata ls;
  int st = direct_sse(&src, d, k, y, w, ldw, b, &sse);
  if (st == NCD_OK) st = ncd__lsdata_compute(&src, d, k, y, &ls);
  ncd__rowsrc_free(&src);
  if (st != NCD_OK) return st;
  double reg = sumsq(w, k, d, ldw) + (b ? sumsq(b, k, 1, 1) : 0.0);
  out[0] = sse / (2.0 * (double)n) + 0.5 * lambda * reg;
  st = terms(&ls, lambda, w, ldw, b, out);
  ncd__lsdata_free(&ls);
  return st;
}

NCD_API int ncd_mse_decompose(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                              const int32_t *y, const double *w, size_t ldw,
                              const double *b, double lambda, double out[4]) {
  NCD_TRY(ncd__check_ptr(h));
  return decompose_common(n, d, k, h, NULL, ldh, y, w, ldw, b, lambda, out);
}

NCD_API int ncd_mse_decompose_f32(size_t n, size_t d, size_t k, const float *h,
                                  size_t ldh, const int32_t *y, const double *w,
                                  size_t ldw, const double *b, double lambda,
                                  double out[4]) {
  NCD_TRY(ncd__check_ptr(h));
  return decompose_common(n, d, k, NULL, h, ldh, y, w, ldw, b, lambda, out);
}

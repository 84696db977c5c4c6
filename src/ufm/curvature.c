/*
 * curvature.c - second-order information of the UFM objective along a step
 * (spec/ufm.md U-8) and the local smoothness bound L_hat (U-9) used to choose a
 * step size (spec section 7: lr <= 1/L_hat(theta_0)).
 *   U-8: d^2 f(theta + tau delta)/d tau^2 at 0 = (1/N) sum_i a_i^T C_i a_i
 *        + 2 <G, dH dW^T> + lambda_W ||dW||^2 + lambda_H ||dH||^2 + lambda_b ||db||^2,
 *        a = JVP (U-7), C_i = diag(p_i) - p_i p_i^T (CE) or diag(c_i.) (MSE).
 *   U-9: L_hat = c_max (||H||^2 + ||W||^2 + N)/N + ||G||_F + max(lambdas),
 *        c_max = 1/2 (CE) or max(alpha, 1) (MSE).
 * H is processed in the object's row blocks; logits, JVP and dH dW^T of a block
 * are GEMMs into a per-call buffer.
 */
#include <math.h>

#include "kernels/kernels_internal.h"
#include "losses/losses_internal.h"
#include "ufm_internal.h"

static double sq(const double *x, size_t rows, size_t cols, size_t ld) {
  double s = 0;
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) s += x[i * ld + j] * x[i * ld + j];
  return s;
}

/* z (rows x k, ld k) = H_b W^T + 1 b^T (b NULL: no bias) */
static void block_logits(const ncd_ufm *u, const double *w, size_t ldw, const double *hb,
                         size_t ldh, size_t rows, const double *b, double *z) {
  const size_t k = u->k;
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < k; j++) z[i * k + j] = b ? b[j] : 0.0;
  ncd__gemm(NCD__NOTRANS, NCD__TRANS, rows, k, u->d, 1.0, hb, ldh, w, ldw, 1.0, z, k);
}

static int check_point(const ncd_ufm *u, const double *w, size_t ldw, const double *h,
                       size_t ldh, const double *b, const double *out) {
  NCD_TRY(ncd__check_ptr(u));
  NCD_TRY(ncd__check_ptr(out));
  NCD_TRY(ncd__check_matrix(w, u->k, u->d, ldw, sizeof(double)));
  NCD_TRY(ncd__check_matrix(h, u->n, u->d, ldh, sizeof(double)));
  if (ncd__ufm_bias(u)) NCD_TRY(ncd__check_ptr(b));
  return NCD_OK;
}

static int scan_point(const ncd_ufm *u, const double *w, size_t ldw, const double *h,
                      size_t ldh, const double *b) {
  NCD_TRY(ncd__scan_finite(w, u->k, u->d, ldw));
  NCD_TRY(ncd__scan_finite(h, u->n, u->d, ldh));
  if (b) NCD_TRY(ncd__scan_finite_vec(b, u->k));
  return NCD_OK;
}

/* Per-row data term of U-8 for sample row i: a^T C a / N and <G_i, q_i>. */
static void row_terms(const ncd_ufm *u, const double *z, const double *a, const double *q,
                      int32_t yi, double *quad, double *gq) {
  const size_t k = u->k;
  const double inv_n = 1.0 / (double)u->n;
  if (u->param[NCD_UFM_LOSS] == NCD_LOSS_MSE) {
    const double alpha = u->param[NCD_UFM_ALPHA], m = u->param[NCD_UFM_M];
    double s = 0, t = 0;
    for (size_t j = 0; j < k; j++) {
      double c = (int32_t)j == yi ? alpha : 1.0;
      s += c * a[j] * a[j];
      t += c * (z[j] - ((int32_t)j == yi ? m : 0.0)) * q[j];
    }
    *quad = s * inv_n;
    *gq = t * inv_n;
    return;
  }
  /* CE: p = softmax(z) (z holds the probabilities already), a^T C a is the
   * p-weighted variance of a; <G_i, q_i> = (sum_j p_j q_j - q_y) / N */
  double abar = 0, pq = 0;
  for (size_t j = 0; j < k; j++) abar += z[j] * a[j], pq += z[j] * q[j];
  double var = 0;
  for (size_t j = 0; j < k; j++) var += z[j] * (a[j] - abar) * (a[j] - abar);
  *quad = var * inv_n;
  *gq = (pq - q[yi]) * inv_n;
}

NCD_API int ncd_ufm_curvature(ncd_ufm *u, const double *w, size_t ldw, const double *h,
                              size_t ldh, const double *b, const double *dw, size_t lddw,
                              const double *dh, size_t lddh, const double *db,
                              double *curv) {
  NCD_TRY(check_point(u, w, ldw, h, ldh, b, curv));
  NCD_TRY(ncd__check_matrix(dw, u->k, u->d, lddw, sizeof(double)));
  NCD_TRY(ncd__check_matrix(dh, u->n, u->d, lddh, sizeof(double)));
  const int bias = ncd__ufm_bias(u);
  if (bias) NCD_TRY(ncd__check_ptr(db));
  if (!bias) b = db = NULL;
  NCD_TRY(scan_point(u, w, ldw, h, ldh, b));
  NCD_TRY(ncd__scan_finite(dw, u->k, u->d, lddw));
  NCD_TRY(ncd__scan_finite(dh, u->n, u->d, lddh));
  if (db) NCD_TRY(ncd__scan_finite_vec(db, u->k));
  const size_t n = u->n, k = u->k, d = u->d, nb = u->nb;
  double *z = ncd__malloc_array(2 * nb * k, sizeof(double));
  if (!z) return NCD_ENOMEM;
  double *a = u->zbuf, *q = z + nb * k;
  const int ce = u->param[NCD_UFM_LOSS] == NCD_LOSS_CE;
  ncd__ksum quad = {0, 0}, gq = {0, 0};
  for (size_t i0 = 0; i0 < n; i0 += nb) {
    size_t rows = n - i0 < nb ? n - i0 : nb;
    const double *hb = h + i0 * ldh, *dhb = dh + i0 * lddh;
    block_logits(u, w, ldw, hb, ldh, rows, b, z);
    if (ce) ncd__softmax_rows(rows, k, z, k, z, k, 0);
    /* a_b = H_b dW^T + dH_b W^T + 1 db^T; q_b = dH_b dW^T */
    block_logits(u, dw, lddw, hb, ldh, rows, db, a);
    ncd__gemm(NCD__NOTRANS, NCD__TRANS, rows, k, d, 1.0, dhb, lddh, w, ldw, 1.0, a, k);
    ncd__gemm(NCD__NOTRANS, NCD__TRANS, rows, k, d, 1.0, dhb, lddh, dw, lddw, 0.0, q, k);
    for (size_t i = 0; i < rows; i++) {
      double t1, t2;
      row_terms(u, z + i * k, a + i * k, q + i * k, u->y[i0 + i], &t1, &t2);
      ncd__ksum_add(&quad, t1);
      ncd__ksum_add(&gq, t2);
    }
  }
  ncd__free(z);
  double c = ncd__ksum_value(&quad) + 2.0 * ncd__ksum_value(&gq) +
             u->param[NCD_UFM_LAMBDA_W] * sq(dw, k, d, lddw) +
             u->param[NCD_UFM_LAMBDA_H] * sq(dh, n, d, lddh);
  if (db) c += u->param[NCD_UFM_LAMBDA_B] * sq(db, 1, k, k);
  *curv = c;
  return NCD_OK;
}

NCD_API int ncd_ufm_smoothness(ncd_ufm *u, const double *w, size_t ldw, const double *h,
                               size_t ldh, const double *b, double *lhat) {
  NCD_TRY(check_point(u, w, ldw, h, ldh, b, lhat));
  if (!ncd__ufm_bias(u)) b = NULL;
  NCD_TRY(scan_point(u, w, ldw, h, ldh, b));
  const size_t n = u->n, k = u->k, d = u->d, nb = u->nb;
  const int mse = u->param[NCD_UFM_LOSS] == NCD_LOSS_MSE;
  const double alpha = u->param[NCD_UFM_ALPHA], m = u->param[NCD_UFM_M];
  double *z = u->zbuf;
  ncd__ksum g2 = {0, 0}, h2 = {0, 0}, dummy = {0, 0};
  for (size_t i0 = 0; i0 < n; i0 += nb) {
    size_t rows = n - i0 < nb ? n - i0 : nb;
    const double *hb = h + i0 * ldh;
    block_logits(u, w, ldw, hb, ldh, rows, b, z);
    if (mse)
      ncd__mse_rows(rows, k, z, k, u->y + i0, alpha, m, 1.0 / (double)n, &dummy, z, k);
    else
      ncd__ce_rows(rows, k, z, k, u->y + i0, 1.0 / (double)n, &dummy, z, k);
    ncd__ksum_add(&g2, sq(z, rows, k, k));
    ncd__ksum_add(&h2, sq(hb, rows, d, ldh));
  }
  double cmax = mse ? fmax(alpha, 1.0) : 0.5, nd = (double)n;
  double lam = fmax(u->param[NCD_UFM_LAMBDA_W], u->param[NCD_UFM_LAMBDA_H]);
  if (b) lam = fmax(lam, u->param[NCD_UFM_LAMBDA_B]);
  *lhat = cmax * (ncd__ksum_value(&h2) + sq(w, k, d, ldw) + nd) / nd +
          sqrt(ncd__ksum_value(&g2)) + lam;
  return NCD_OK;
}

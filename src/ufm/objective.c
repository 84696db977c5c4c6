/*
 * objective.c - the UFM objective and its gradients (spec/ufm.md U-5, U-6) and
 * the logit JVP along a step (U-7). H is processed in row blocks held in the
 * object's workspace, so one call allocates nothing and reads each block of H
 * from memory once: its squared norm (and NaN/Inf scan), the logits GEMM
 * Z_b = H_b W^T + 1 b^T, the loss gradient G_b in place, dW += G_b^T H_b and
 * dH_b = G_b W + lambda_H H_b (BLAS-3 throughout).
 */
#include <math.h>

#include "kernels/kernels_internal.h"
#include "losses/losses_internal.h"
#include "ufm_internal.h"

static double sumsq(const double *x, size_t rows, size_t cols, size_t ld) {
  double s0 = 0, s1 = 0;
  for (size_t i = 0; i < rows; i++) {
    const double *r = x + i * ld;
    size_t j = 0;
    for (; j + 1 < cols; j += 2) {
      s0 += r[j] * r[j];
      s1 += r[j + 1] * r[j + 1];
    }
    if (j < cols) s0 += r[j] * r[j];
  }
  return s0 + s1;
}

/* y += alpha * x over a rows x cols block */
static void axpy_block(size_t rows, size_t cols, double alpha, const double *x, size_t ldx,
                       double *y, size_t ldy) {
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) y[i * ldy + j] += alpha * x[i * ldx + j];
}

/* Rows of z (rows x k) set to b, or to 0 when b is NULL. */
static void fill_rows(size_t rows, size_t k, const double *b, double *z, size_t ldz) {
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < k; j++) z[i * ldz + j] = b ? b[j] : 0.0;
}

int ncd__ufm_eval(ncd_ufm *u, const double *w, size_t ldw, const double *h, size_t ldh,
                  const double *b, double *f, double *loss, double *gw, size_t ldgw,
                  double *gh, size_t ldgh, double *gb) {
  const size_t n = u->n, d = u->d, k = u->k, nb = u->nb;
  const double lw = u->param[NCD_UFM_LAMBDA_W], lh = u->param[NCD_UFM_LAMBDA_H];
  const double lb = u->param[NCD_UFM_LAMBDA_B];
  const int mse = u->param[NCD_UFM_LOSS] == NCD_LOSS_MSE;
  const double alpha = u->param[NCD_UFM_ALPHA], m = u->param[NCD_UFM_M];
  if (!ncd__ufm_bias(u)) b = NULL;
  NCD_TRY(ncd__scan_finite(w, k, d, ldw));
  if (b) NCD_TRY(ncd__scan_finite_vec(b, k));
  const int need_g = gw || gh || gb;
  double *z = u->zbuf;
  ncd__ksum lacc = {0, 0}, hacc = {0, 0};
  if (gb)
    for (size_t j = 0; j < k; j++) gb[j] = 0.0;
  for (size_t i0 = 0; i0 < n; i0 += nb) {
    size_t rows = n - i0 < nb ? n - i0 : nb;
    const double *hb = h + i0 * ldh;
    double s = sumsq(hb, rows, d, ldh);
    if (!isfinite(s)) NCD_TRY(ncd__scan_finite(hb, rows, d, ldh)); /* else overflow */
    ncd__ksum_add(&hacc, s);
    fill_rows(rows, k, b, z, k);
    ncd__gemm(NCD__NOTRANS, NCD__TRANS, rows, k, d, 1.0, hb, ldh, w, ldw, 1.0, z, k);
    if (mse)
      ncd__mse_rows(rows, k, z, k, u->y + i0, alpha, m, 1.0 / (double)n, &lacc,
                    need_g ? z : NULL, k);
    else
      ncd__ce_rows(rows, k, z, k, u->y + i0, 1.0 / (double)n, &lacc, need_g ? z : NULL, k);
    if (gw)
      ncd__gemm(NCD__TRANS, NCD__NOTRANS, k, d, rows, 1.0, z, k, hb, ldh,
                i0 == 0 ? 0.0 : 1.0, gw, ldgw);
    if (gh) {
      double *ghb = gh + i0 * ldgh;
      if (lh != 0.0)
        for (size_t i = 0; i < rows; i++)
          for (size_t j = 0; j < d; j++) ghb[i * ldgh + j] = lh * hb[i * ldh + j];
      ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, rows, d, k, 1.0, z, k, w, ldw,
                lh != 0.0 ? 1.0 : 0.0, ghb, ldgh);
    }
    if (gb)
      for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < k; j++) gb[j] += z[i * k + j];
  }
  double l = ncd__ksum_value(&lacc) / (double)n;
  double val = l;
  if (lw != 0.0) val += 0.5 * lw * sumsq(w, k, d, ldw);
  if (lh != 0.0) val += 0.5 * lh * ncd__ksum_value(&hacc);
  if (b && lb != 0.0) val += 0.5 * lb * sumsq(b, 1, k, k);
  if (gw && lw != 0.0) axpy_block(k, d, lw, w, ldw, gw, ldgw);
  if (gb && b && lb != 0.0) axpy_block(1, k, lb, b, k, gb, k);
  if (gb && !b)
    for (size_t j = 0; j < k; j++) gb[j] = 0.0;
  *f = val;
  if (loss) *loss = l;
  return NCD_OK;
}

void ncd__ufm_jvp(const ncd_ufm *u, const double *w, size_t ldw, const double *h,
                  size_t ldh, const double *dw, size_t lddw, const double *dh,
                  size_t lddh, const double *db, double *a, size_t lda) {
  const size_t n = u->n, d = u->d, k = u->k;
  if (!ncd__ufm_bias(u)) db = NULL;
  fill_rows(n, k, db, a, lda);
  if (dw) ncd__gemm(NCD__NOTRANS, NCD__TRANS, n, k, d, 1.0, h, ldh, dw, lddw, 1.0, a, lda);
  if (dh) ncd__gemm(NCD__NOTRANS, NCD__TRANS, n, k, d, 1.0, dh, lddh, w, ldw, 1.0, a, lda);
}

/* ---- public entry points ---------------------------------------------------- */

static int check_point(const ncd_ufm *u, const double *w, size_t ldw, const double *h,
                       size_t ldh, const double *b) {
  NCD_TRY(ncd__check_ptr(u));
  NCD_TRY(ncd__check_matrix(w, u->k, u->d, ldw, sizeof(double)));
  NCD_TRY(ncd__check_matrix(h, u->n, u->d, ldh, sizeof(double)));
  if (ncd__ufm_bias(u)) NCD_TRY(ncd__check_ptr(b));
  return NCD_OK;
}

NCD_API int ncd_ufm_objective(ncd_ufm *u, const double *w, size_t ldw, const double *h,
                              size_t ldh, const double *b, double *f, double *gw,
                              size_t ldgw, double *gh, size_t ldgh, double *gb) {
  NCD_TRY(check_point(u, w, ldw, h, ldh, b));
  NCD_TRY(ncd__check_ptr(f));
  NCD_TRY(ncd__check_matrix_opt(gw, u->k, u->d, ldgw, sizeof(double)));
  NCD_TRY(ncd__check_matrix_opt(gh, u->n, u->d, ldgh, sizeof(double)));
  return ncd__ufm_eval(u, w, ldw, h, ldh, b, f, NULL, gw, ldgw, gh, ldgh, gb);
}

NCD_API int ncd_ufm_jvp(const ncd_ufm *u, const double *w, size_t ldw, const double *h,
                        size_t ldh, const double *dw, size_t lddw, const double *dh,
                        size_t lddh, const double *db, double *a, size_t lda) {
  NCD_TRY(ncd__check_ptr(u));
  NCD_TRY(ncd__check_matrix(w, u->k, u->d, ldw, sizeof(double)));
  NCD_TRY(ncd__check_matrix(h, u->n, u->d, ldh, sizeof(double)));
  NCD_TRY(ncd__check_matrix_opt(dw, u->k, u->d, lddw, sizeof(double)));
  NCD_TRY(ncd__check_matrix_opt(dh, u->n, u->d, lddh, sizeof(double)));
  NCD_TRY(ncd__check_matrix(a, u->n, u->k, lda, sizeof(double)));
  NCD_TRY(ncd__scan_finite(w, u->k, u->d, ldw));
  NCD_TRY(ncd__scan_finite(h, u->n, u->d, ldh));
  if (dw) NCD_TRY(ncd__scan_finite(dw, u->k, u->d, lddw));
  if (dh) NCD_TRY(ncd__scan_finite(dh, u->n, u->d, lddh));
  if (db && ncd__ufm_bias(u)) NCD_TRY(ncd__scan_finite_vec(db, u->k));
  ncd__ufm_jvp(u, w, ldw, h, ldh, dw, lddw, dh, lddh, db, a, lda);
  return NCD_OK;
}

/*
 * losses.c - public losses on logits, float64 (spec/ufm.md 2.1-2.2, api.md
 * "Losses on logits"): ncd_softmax (U-1), ncd_log_softmax (U-2), ncd_ce_loss
 * (U-3), ncd_mse_loss (U-4). Validation, then the NaN/Inf scan, then the row
 * kernels of rows.c.
 */
#include <math.h>

#include "losses_internal.h"

static int check_logits(size_t n, size_t k, const double *z, size_t ldz) {
  NCD_TRY(ncd__check_matrix(z, n, k, ldz, sizeof(double)));
  return NCD_OK;
}

static int softmax_common(size_t n, size_t k, const double *z, size_t ldz, double *out,
                          size_t ldout, int log_out) {
  NCD_TRY(check_logits(n, k, z, ldz));
  NCD_TRY(ncd__check_matrix(out, n, k, ldout, sizeof(double)));
  NCD_TRY(ncd__scan_finite(z, n, k, ldz));
  ncd__softmax_rows(n, k, z, ldz, out, ldout, log_out);
  return NCD_OK;
}

NCD_API int ncd_softmax(size_t n, size_t k, const double *z, size_t ldz, double *p,
                        size_t ldp) {
  return softmax_common(n, k, z, ldz, p, ldp, 0);
}

NCD_API int ncd_log_softmax(size_t n, size_t k, const double *z, size_t ldz, double *lp,
                            size_t ldlp) {
  return softmax_common(n, k, z, ldz, lp, ldlp, 1);
}

/* Shared argument checks of the CE / MSE entry points (float64 and float32). */
int ncd__loss_check_args(size_t n, size_t k, const void *z, size_t ldz, size_t zelem,
                         const int32_t *y, const double *loss, const void *g,
                         size_t ldg) {
  NCD_TRY(ncd__check_ptr(loss));
  NCD_TRY(ncd__check_matrix(z, n, k, ldz, zelem));
  NCD_TRY(ncd__check_matrix_opt(g, n, k, ldg, zelem));
  NCD_TRY(ncd__check_labels(y, n, k));
  return NCD_OK;
}

int ncd__mse_check_params(double alpha, double m) {
  if (!(alpha > 0) || !isfinite(alpha) || !(m > 0) || !isfinite(m)) return NCD_EINVAL;
  return NCD_OK;
}

NCD_API int ncd_ce_loss(size_t n, size_t k, const double *z, size_t ldz,
                        const int32_t *y, double *loss, double *g, size_t ldg) {
  NCD_TRY(ncd__loss_check_args(n, k, z, ldz, sizeof(double), y, loss, g, ldg));
  NCD_TRY(ncd__scan_finite(z, n, k, ldz));
  ncd__ksum acc = {0.0, 0.0};
  ncd__ce_rows(n, k, z, ldz, y, 1.0 / (double)n, &acc, g, ldg);
  *loss = ncd__ksum_value(&acc) / (double)n;
  return NCD_OK;
}

NCD_API int ncd_mse_loss(size_t n, size_t k, const double *z, size_t ldz,
                         const int32_t *y, double alpha, double m, double *loss,
                         double *g, size_t ldg) {
  NCD_TRY(ncd__loss_check_args(n, k, z, ldz, sizeof(double), y, loss, g, ldg));
  NCD_TRY(ncd__mse_check_params(alpha, m));
  NCD_TRY(ncd__scan_finite(z, n, k, ldz));
  ncd__ksum acc = {0.0, 0.0};
  ncd__mse_rows(n, k, z, ldz, y, alpha, m, 1.0 / (double)n, &acc, g, ldg);
  *loss = ncd__ksum_value(&acc) / (double)n;
  return NCD_OK;
}

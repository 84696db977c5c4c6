/*
 * losses_f32.c - float32 twins of the losses on logits (spec/ufm.md 2.2
 * "float32"): the logits are converted to double block by block (never whole),
 * computed by the float64 row kernels of rows.c (U-1 .. U-4) with all
 * accumulation in double, and each output rounded to float once.
 */
#include <math.h>

#include "losses_internal.h"

enum { KIND_SOFTMAX, KIND_LOG_SOFTMAX, KIND_CE, KIND_MSE };

typedef struct job {
  int kind;
  const int32_t *y;
  double alpha, m, gscale;
  ncd__ksum acc;
} job;

/* Runs the kind's kernel over z (n x k floats) in row blocks; out (optional
 * for CE/MSE) receives the float outputs. z == out is allowed: a block is
 * converted before any of its rows is written. */
static int run_blocks(job *jb, size_t n, size_t k, const float *z, size_t ldz, float *out,
                      size_t ldout) {
  size_t nb = ncd__block_rows(k, (size_t)1 << 16);
  if (nb > n) nb = n;
  double *buf = ncd__malloc_array(nb * k, sizeof(double));
  if (!buf) return NCD_ENOMEM;
  for (size_t i0 = 0; i0 < n; i0 += nb) {
    size_t rows = n - i0 < nb ? n - i0 : nb;
    int st = ncd__f32_block_to_f64(z + i0 * ldz, ldz, rows, k, buf, k);
    if (st != NCD_OK) {
      ncd__free(buf);
      return st;
    }
    double *g = out ? buf : NULL;
    switch (jb->kind) {
      case KIND_SOFTMAX: ncd__softmax_rows(rows, k, buf, k, buf, k, 0); break;
      case KIND_LOG_SOFTMAX: ncd__softmax_rows(rows, k, buf, k, buf, k, 1); break;
      case KIND_CE: ncd__ce_rows(rows, k, buf, k, jb->y + i0, jb->gscale, &jb->acc, g, k); break;
      default:
        ncd__mse_rows(rows, k, buf, k, jb->y + i0, jb->alpha, jb->m, jb->gscale, &jb->acc,
                      g, k);
        break;
    }
    if (out)
      for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < k; j++) out[(i0 + i) * ldout + j] = (float)buf[i * k + j];
  }
  ncd__free(buf);
  return NCD_OK;
}

static int softmax_f32(size_t n, size_t k, const float *z, size_t ldz, float *p, size_t ldp,
                       int kind) {
  NCD_TRY(ncd__check_matrix(z, n, k, ldz, sizeof(float)));
  NCD_TRY(ncd__check_matrix(p, n, k, ldp, sizeof(float)));
  NCD_TRY(ncd__scan_finite_f32(z, n, k, ldz));
  job jb = {kind, NULL, 1.0, 1.0, 1.0, {0.0, 0.0}};
  return run_blocks(&jb, n, k, z, ldz, p, ldp);
}

NCD_API int ncd_softmax_f32(size_t n, size_t k, const float *z, size_t ldz, float *p,
                            size_t ldp) {
  return softmax_f32(n, k, z, ldz, p, ldp, KIND_SOFTMAX);
}

NCD_API int ncd_log_softmax_f32(size_t n, size_t k, const float *z, size_t ldz, float *lp,
                                size_t ldlp) {
  return softmax_f32(n, k, z, ldz, lp, ldlp, KIND_LOG_SOFTMAX);
}

static int loss_f32(job *jb, size_t n, size_t k, const float *z, size_t ldz, double *loss,
                    float *g, size_t ldg) {
  NCD_TRY(ncd__scan_finite_f32(z, n, k, ldz));
  jb->gscale = 1.0 / (double)n;
  NCD_TRY(run_blocks(jb, n, k, z, ldz, g, ldg));
  *loss = ncd__ksum_value(&jb->acc) / (double)n;
  return NCD_OK;
}

NCD_API int ncd_ce_loss_f32(size_t n, size_t k, const float *z, size_t ldz,
                            const int32_t *y, double *loss, float *g, size_t ldg) {
  NCD_TRY(ncd__loss_check_args(n, k, z, ldz, sizeof(float), y, loss, g, ldg));
  job jb = {KIND_CE, y, 1.0, 1.0, 1.0, {0.0, 0.0}};
  return loss_f32(&jb, n, k, z, ldz, loss, g, ldg);
}

NCD_API int ncd_mse_loss_f32(size_t n, size_t k, const float *z, size_t ldz,
                             const int32_t *y, double alpha, double m, double *loss,
                             float *g, size_t ldg) {
  NCD_TRY(ncd__loss_check_args(n, k, z, ldz, sizeof(float), y, loss, g, ldg));
  NCD_TRY(ncd__mse_check_params(alpha, m));
  job jb = {KIND_MSE, y, alpha, m, 1.0, {0.0, 0.0}};
  return loss_f32(&jb, n, k, z, ldz, loss, g, ldg);
}

/*
 * losses_internal.h - internal interface of the losses layer (spec/ufm.md
 * section 2, U-1 .. U-4): row kernels of softmax, log-softmax, cross-entropy
 * and the rescaled square loss, and the compensated row sum. The UFM layer
 * runs these kernels on its logit blocks in place (g == z).
 */
#ifndef NCD_LOSSES_INTERNAL_H
#define NCD_LOSSES_INTERNAL_H

#include "core/core_internal.h"

/* Neumaier compensated sum (spec/ufm.md 2.2: sums over rows compensated). */
typedef struct ncd__ksum {
  double s, c;
} ncd__ksum;
void ncd__ksum_add(ncd__ksum *acc, double x);
double ncd__ksum_value(const ncd__ksum *acc);

/* Row-wise softmax (U-1, log_out == 0) or log-softmax (U-2, log_out != 0) of
 * n x k logits into out; out == z with equal ld is allowed. No validation. */
void ncd__softmax_rows(size_t n, size_t k, const double *z, size_t ldz, double *out,
                       size_t ldout, int log_out);

/* Cross-entropy rows (U-3): adds each row's loss (logsumexp - z_{i,y_i}) to
 * *acc; when g != NULL writes gscale * (softmax - onehot) into g (n x k).
 * g == z with equal ld is allowed. No validation. */
void ncd__ce_rows(size_t n, size_t k, const double *z, size_t ldz, const int32_t *y,
                  double gscale, ncd__ksum *acc, double *g, size_t ldg);

/* Rescaled square-loss rows (U-4): adds (1/2) sum_j c_ij (z_ij - m[j==y_i])^2
 * per row to *acc; when g != NULL writes gscale * c_ij (z_ij - m[j==y_i]).
 * g == z with equal ld is allowed. No validation. */
void ncd__mse_rows(size_t n, size_t k, const double *z, size_t ldz, const int32_t *y,
                   double alpha, double m, double gscale, ncd__ksum *acc, double *g,
                   size_t ldg);

/* Argument checks shared by the CE / MSE entry points (float64 and float32,
 * zelem = sizeof the element of z and g): loss non-NULL, z an n x k matrix, g
 * optional n x k, labels in [0, k). */
int ncd__loss_check_args(size_t n, size_t k, const void *z, size_t ldz, size_t zelem,
                         const int32_t *y, const double *loss, const void *g,
                         size_t ldg);
/* alpha and m of U-4: finite and > 0, else NCD_EINVAL. */
int ncd__mse_check_params(double alpha, double m);

#endif /* NCD_LOSSES_INTERNAL_H */

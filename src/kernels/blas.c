/*
 * blas.c - BLAS-level kernels on BLIS's typed API with general strides
 * (design.md "Matrices travel as (pointer, rows, cols, leading dimension)"):
 * row-major data is described by its row stride and a column stride of 1, never
 * copied. BLIS threading is left to the environment.
 */
#include <blis.h>

#include "kernels_internal.h"

static trans_t blis_trans(ncd__trans t) {
  return t == NCD__TRANS ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE;
}

void ncd__gemm_strided(ncd__trans ta, ncd__trans tb, size_t m, size_t n, size_t k,
                       double alpha, const double *a, ptrdiff_t rsa, ptrdiff_t csa,
                       const double *b, ptrdiff_t rsb, ptrdiff_t csb, double beta,
                       double *c, ptrdiff_t rsc, ptrdiff_t csc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (size_t i = 0; i < m; i++)
      for (size_t j = 0; j < n; j++) {
        double *cij = c + (ptrdiff_t)i * rsc + (ptrdiff_t)j * csc;
        *cij = beta == 0.0 ? 0.0 : beta * *cij;
      }
    return;
  }
  bli_dgemm(blis_trans(ta), blis_trans(tb), (dim_t)m, (dim_t)n, (dim_t)k, &alpha,
            (double *)a, (inc_t)rsa, (inc_t)csa, (double *)b, (inc_t)rsb, (inc_t)csb,
            &beta, c, (inc_t)rsc, (inc_t)csc);
}

void ncd__gemm(ncd__trans ta, ncd__trans tb, size_t m, size_t n, size_t k,
               double alpha, const double *a, size_t lda, const double *b,
               size_t ldb, double beta, double *c, size_t ldc) {
  ncd__gemm_strided(ta, tb, m, n, k, alpha, a, (ptrdiff_t)lda, 1, b, (ptrdiff_t)ldb,
                    1, beta, c, (ptrdiff_t)ldc, 1);
}

void ncd__symmetrize_lower(size_t n, double *c, size_t ldc) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) c[i * ldc + j] = c[j * ldc + i];
}

/* C = alpha * op(A) op(A)^T + beta C on the lower triangle, then mirrored.
 * BLIS's syrk computes C = alpha * op(A) op(A)^T with op(A) n x k. */
static void syrk_lower(trans_t t, size_t nc, size_t kk, double alpha,
                       const double *a, size_t lda, double beta, double *c,
                       size_t ldc) {
  if (nc == 0) return;
  if (kk == 0) {
    for (size_t i = 0; i < nc; i++)
      for (size_t j = 0; j < nc; j++)
        c[i * ldc + j] = beta == 0.0 ? 0.0 : beta * c[i * ldc + j];
    return;
  }
  bli_dsyrk(BLIS_LOWER, t, (dim_t)nc, (dim_t)kk, &alpha, (double *)a, (inc_t)lda, 1,
            &beta, c, (inc_t)ldc, 1);
  ncd__symmetrize_lower(nc, c, ldc);
}

void ncd__syrk_ata(size_t m, size_t n, double alpha, const double *a, size_t lda,
                   double beta, double *c, size_t ldc) {
  syrk_lower(BLIS_TRANSPOSE, n, m, alpha, a, lda, beta, c, ldc);
}

void ncd__syrk_aat(size_t m, size_t n, double alpha, const double *a, size_t lda,
                   double beta, double *c, size_t ldc) {
  syrk_lower(BLIS_NO_TRANSPOSE, m, n, alpha, a, lda, beta, c, ldc);
}

void ncd__gemv(ncd__trans ta, size_t m, size_t n, double alpha, const double *a,
               size_t lda, const double *x, double beta, double *y) {
  size_t ylen = ta == NCD__TRANS ? n : m, xlen = ta == NCD__TRANS ? m : n;
  if (ylen == 0) return;
  if (xlen == 0) {
    for (size_t i = 0; i < ylen; i++) y[i] = beta == 0.0 ? 0.0 : beta * y[i];
    return;
  }
  bli_dgemv(blis_trans(ta), BLIS_NO_CONJUGATE, (dim_t)m, (dim_t)n, &alpha,
            (double *)a, (inc_t)lda, 1, (double *)x, 1, &beta, y, 1);
}

void ncd__trsm_lower_left(ncd__trans tl, size_t n, size_t m, double alpha,
                          const double *l, size_t ldl, double *b, size_t ldb) {
  if (n == 0 || m == 0) return;
  bli_dtrsm(BLIS_LEFT, BLIS_LOWER, blis_trans(tl), BLIS_NONUNIT_DIAG, (dim_t)n,
            (dim_t)m, &alpha, (double *)l, (inc_t)ldl, 1, b, (inc_t)ldb, 1);
}

void ncd__trsm_lower_right(ncd__trans tl, size_t m, size_t n, double alpha,
                           const double *l, size_t ldl, double *b, size_t ldb) {
  if (n == 0 || m == 0) return;
  bli_dtrsm(BLIS_RIGHT, BLIS_LOWER, blis_trans(tl), BLIS_NONUNIT_DIAG, (dim_t)m,
            (dim_t)n, &alpha, (double *)l, (inc_t)ldl, 1, b, (inc_t)ldb, 1);
}

/*
 * kernels_internal.h - the matrix-kernel layer: the only code that calls BLIS
 * (typed API, general strides) and reference LAPACK. Row-major caller data is
 * passed by its strides, never copied or transposed. Every wrapper validates
 * what BLIS/LAPACK would reject (they print and abort: XERBLA), so they never
 * see a bad argument; LAPACK's info maps to NCD_ESINGULAR / NCD_ENOCONV.
 *
 * Threading: BLIS's own (environment: BLIS_NUM_THREADS / OMP_NUM_THREADS);
 * this layer never calls BLIS's global thread setter.
 */
#ifndef NCD_KERNELS_INTERNAL_H
#define NCD_KERNELS_INTERNAL_H

#include <stddef.h>

#include "core/core_internal.h"

typedef enum ncd__trans { NCD__NOTRANS = 0, NCD__TRANS = 1 } ncd__trans;

/* ---- BLAS-1/2/3 on BLIS (blas.c) ---------------------------------------------
 * Sizes may be 0 (then nothing happens, or C is scaled by beta when k == 0).
 * The caller guarantees valid pointers and strides (public functions validate
 * first); these cannot fail. */

/* General strides: element (i, j) of A is a[i*rsa + j*csa]. C (m x n) =
 * alpha * op(A) * op(B) + beta * C with op(A) m x k, op(B) k x n. */
void ncd__gemm_strided(ncd__trans ta, ncd__trans tb, size_t m, size_t n, size_t k,
                       double alpha, const double *a, ptrdiff_t rsa, ptrdiff_t csa,
                       const double *b, ptrdiff_t rsb, ptrdiff_t csb, double beta,
                       double *c, ptrdiff_t rsc, ptrdiff_t csc);
/* Row-major with leading dimensions (column stride 1). */
void ncd__gemm(ncd__trans ta, ncd__trans tb, size_t m, size_t n, size_t k,
               double alpha, const double *a, size_t lda, const double *b,
               size_t ldb, double beta, double *c, size_t ldc);
/* C (n x n, BOTH triangles written) = alpha * A^T A + beta * C, A m x n
 * row-major: the Gram/scatter of the rows of A (features n x d -> d x d). */
void ncd__syrk_ata(size_t m, size_t n, double alpha, const double *a, size_t lda,
                   double beta, double *c, size_t ldc);
/* C (m x m, both triangles) = alpha * A A^T + beta * C, A m x n row-major. */
void ncd__syrk_aat(size_t m, size_t n, double alpha, const double *a, size_t lda,
                   double beta, double *c, size_t ldc);
/* Copy the lower triangle of the n x n row-major C into its upper triangle. */
void ncd__symmetrize_lower(size_t n, double *c, size_t ldc);

/* y (len m or n) = alpha * op(A) x + beta * y, A m x n row-major, unit strides
 * for x and y. */
void ncd__gemv(ncd__trans ta, size_t m, size_t n, double alpha, const double *a,
               size_t lda, const double *x, double beta, double *y);

/* Triangular solves with a lower-triangular row-major L (n x n):
 * left:  op(L) X = alpha B, B n x m;   right: X op(L) = alpha B, B m x n. */
void ncd__trsm_lower_left(ncd__trans tl, size_t n, size_t m, double alpha,
                          const double *l, size_t ldl, double *b, size_t ldb);
void ncd__trsm_lower_right(ncd__trans tl, size_t m, size_t n, double alpha,
                           const double *l, size_t ldl, double *b, size_t ldb);

/* ---- reference LAPACK (lapack.c) ----------------------------------------------
 * Sizes must fit LAPACK's 32-bit INTEGER, else NCD_ENOTSUP; matrices are
 * scanned for NaN/Inf first (NCD_ENONFINITE), which is cheap beside O(n^3). */

/* Symmetric eigen-decomposition (dsyevd) of the n x n row-major A (both
 * triangles read as symmetric; the lower is used). w receives the eigenvalues
 * in ascending order. With want_vectors, on return ROW i of A is the unit
 * eigenvector of w[i]; otherwise A is destroyed. Workspace: query once with
 * ncd__syev_query (sizes in doubles / ints), then pass it; or call ncd__syev,
 * which allocates. Statuses: NCD_OK, NCD_ENOCONV, NCD_ENOMEM, NCD_ENOTSUP,
 * NCD_ENONFINITE. */
int ncd__syev_query(size_t n, int want_vectors, size_t *lwork, size_t *liwork);
int ncd__syev_ws(size_t n, double *a, size_t lda, double *w, int want_vectors,
                 double *work, size_t lwork, int *iwork, size_t liwork);
int ncd__syev(size_t n, double *a, size_t lda, double *w, int want_vectors);

/* Thin SVD (dgesdd) of the m x n row-major A = U diag(s) V^T, r = min(m, n):
 * s (r values, descending), U m x r (ldu >= r) and VT r x n (ldvt >= n), each
 * optional (NULL). A is destroyed. Allocates its workspace. NCD_ENOCONV when
 * LAPACK's iteration fails. */
int ncd__svd(size_t m, size_t n, double *a, size_t lda, double *s, double *u,
             size_t ldu, double *vt, size_t ldvt);

/* Cholesky (dpotrf) of the symmetric positive definite n x n row-major A
 * (lower triangle read): on return the lower triangle holds L, A = L L^T, and
 * the strict upper triangle is left untouched. NCD_ESINGULAR when A is not
 * numerically positive definite. */
int ncd__chol(size_t n, double *a, size_t lda);
/* Solve A X = B given the factor L of ncd__chol; B n x nrhs row-major,
 * overwritten by X. */
void ncd__chol_solve(size_t n, size_t nrhs, const double *l, size_t ldl, double *b,
                     size_t ldb);
/* Solve X A = B (rows of B against A), B m x n row-major, overwritten by X. */
void ncd__chol_solve_right(size_t m, size_t n, const double *l, size_t ldl,
                           double *b, size_t ldb);
/* Reciprocal condition number (1-norm, dpocon) of A from its factor L and
 * anorm = ||A||_1 computed before factoring. */
int ncd__chol_rcond(size_t n, const double *l, size_t ldl, double anorm,
                    double *rcond);
/* ||A||_1 of a symmetric n x n row-major A (lower triangle read). */
double ncd__sym_norm1(size_t n, const double *a, size_t lda);

/* SIMD variants of the hand-written kernels (stats_simd.c, metrics_simd.c),
 * shared by the stats and metrics layers. */
enum { NCD__SIMD_PORTABLE = 0, NCD__SIMD_AVX2 = 1, NCD__SIMD_AVX512 = 2 };
/* 1 when variant v can run here (cpuid via __builtin_cpu_supports, OS state
 * included; AVX-512 never under valgrind); PORTABLE (the caller's portable
 * route: BLIS or a plain loop) always. Thread-safe, no state of ours. */
int ncd__simd_supported(int v);
/* The widest supported variant: AVX512, else AVX2, else PORTABLE. */
int ncd__simd_best(void);

/* ---- additions for the stats layer (src/kernels/stats_simd.c) ---- */
/* Pass-1 class sums (stats_simd.c): for the nb rows h_i (float64 b64 or
 * float32 b32, the other NULL; leading dimension ld) with labels y,
 * acc[y_i] += h_i - base[y_i] (acc and base k x d, ld d), with variant v
 * (AVX2 or AVX512, supported: see ncd__simd_supported below). Rows are
 * grouped by class in blocks of 64 and summed in registers first, so the
 * result equals the row-by-row loop up to rounding (same error bound). */
void ncd__class_sums_simd(int v, size_t d, size_t nb, const double *b64, const float *b32,
                          size_t ld, const int32_t *y, const double *base, double *acc);

/* ---- end stats additions ---- */


/* ---- additions for the losses layer (src/kernels/losses_kernels.c) ---- */

/* ---- end losses additions ---- */


/* ---- additions for the init layer (src/kernels/init_kernels.c) ---- */

/* ---- end init additions ---- */


/* ---- additions for the cpath layer (src/kernels/cpath_kernels.c) ---- */

/* ---- end cpath additions ---- */


/* ---- additions for the ghost layer (src/kernels/ghost_kernels.c) ---- */

/* ---- end ghost additions ---- */


/* ---- additions for the metrics layer (src/kernels/metrics_kernels.c) ---- */
/* Rows per micro-tile (MR) of BLIS's dgemm kernel in the running context:
 * GEMMs whose row count is MR q + 1 pad the last row to a whole tile. */
size_t ncd__dgemm_mr(void);

/* Fused NC1 projection kernels (metrics_simd.c; hand-written because Debian's
 * BLIS runs generic kernels on CPUs it does not know, e.g. AMD Zen4). */
/* Leading dimension of the kernel's P^T and class shifts: d rounded up to 8
 * doubles, plus 8 (rows 4 KiB apart would compete for the same L1 sets). */
size_t ncd__simd_ldp(size_t d);
/* With variant v (AVX2 or AVX512, supported), rows h_i (float64 h64 or
 * float32 h32, the other NULL; nb rows, leading dimension ld), labels y,
 * ref (d), class shifts m (k x d, ld ldm) and pt = P^T (r x ldp, zero past
 * column d): returns sum_i ||((h_i - ref) - m_{y_i}) P||^2 and, when q is not
 * NULL, adds ||(h_i - ref) - m_{y_i}||^2 to q[y_i]. Nothing is written
 * but q. */
double ncd__nc1_proj(int v, size_t d, size_t r, const double *pt, size_t ldp,
                     const double *h64, const float *h32, size_t ld, size_t nb,
                     const int32_t *y, const double *ref, const double *m, size_t ldm,
                     double *q);

/* ---- end metrics additions ---- */


/* ---- additions for the ufm layer (src/kernels/ufm_kernels.c) ---- */

/* ---- end ufm additions ---- */


/* ---- lifetime (finalize.c) ---------------------------------------------------
 * Releases BLIS's internal memory pools; for leak checkers only (tests call it
 * at exit). Not needed in normal use. */
void ncd__finalize(void);

#endif /* NCD_KERNELS_INTERNAL_H */

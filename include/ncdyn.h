/*
 * ncdyn.h - the one public header of libncdyn, the mathematics of classifier
 * training: losses, initializers, closed-form dynamics, step-size safety and
 * neural-collapse measurements.
 *
 * This header is the reference manual. It is sectioned by layer, lowest first:
 *   1. library information and status codes
 *   2. losses on logits
 *   3. initializers
 *   4. central path
 *   5. ghost radius
 *   6. neural-collapse metrics
 *   7. the unconstrained-features model (UFM)
 *
 * Conventions (all functions; see docs/guide.md):
 * - Every fallible function returns an int holding an ncd_status: NCD_OK (0) or a
 *   distinct positive error. Results come back through pointer arguments; optional
 *   outputs may be NULL and are then not computed.
 * - Matrices are dense, row-major with a leading dimension (row stride, in
 *   elements): element (i, j) of x is x[i*ldx + j], ldx >= number of columns.
 *   Features h are n x d (one sample per row), classifiers w are k x d (one class
 *   per row), logits z are n x k, labels y are int32 in [0, k).
 * - Argument errors (NCD_EINVAL) are detected before data scans (NCD_ENONFINITE).
 *   On error, opaque objects are left exactly as they were.
 * - Thread safety: every function is safe to call concurrently on distinct output
 *   objects. The library has no global mutable state, never prints, never exits.
 * - BLAS threading: libncdyn calls BLIS for its matrix products and never changes
 *   BLIS's global threading. Set BLIS_NUM_THREADS (or OMP_NUM_THREADS with the
 *   OpenMP build of BLIS) in the environment, or call BLIS's own API, to choose how
 *   many threads one call may use.
 *
 * The header compiles as C99, C11 and C++ (extern "C").
 */
#ifndef NCDYN_H
#define NCDYN_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(NCD_BUILDING_LIBRARY)
#define NCD_API __declspec(dllexport)
#elif defined(__GNUC__) && defined(NCD_BUILDING_LIBRARY)
#define NCD_API __attribute__((visibility("default")))
#else
#define NCD_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ==== section 1: library information and status codes ==================== */

/** Major version: bumped only on an ABI-breaking change (it is the soname). */
#define NCD_VERSION_MAJOR 0
/** Minor version: bumped when functions, enum values or options are added. */
#define NCD_VERSION_MINOR 1
/** Patch version: bumped for fixes that change no interface. */
#define NCD_VERSION_PATCH 0
/** The version as one integer, MAJOR*10000 + MINOR*100 + PATCH, for #if tests. */
#define NCD_VERSION_NUMBER \
  (NCD_VERSION_MAJOR * 10000 + NCD_VERSION_MINOR * 100 + NCD_VERSION_PATCH)

/**
 * Status codes returned (as int) by every fallible function. NCD_OK is 0 and each
 * error is a distinct positive value. New codes are only ever appended.
 */
typedef enum ncd_status {
  NCD_OK = 0,         /**< success */
  NCD_EINVAL = 1,     /**< invalid argument: NULL, zero or overflowing size, leading
                           dimension too small, label out of range, bad scalar */
  NCD_ENONFINITE = 2, /**< NaN or infinity in input array data */
  NCD_ENOMEM = 3,     /**< memory allocation failed */
  NCD_ESINGULAR = 4,  /**< the mathematics cannot solve the problem: singular or
                           rank-deficient matrix, too few samples */
  NCD_ENOTSUP = 5,    /**< a case the library does not support (e.g. Hadamard order) */
  NCD_ENOCONV = 6,    /**< an iteration did not converge */
  NCD_EIO = 7,        /**< reading or writing a file failed */
  NCD_EFORMAT = 8     /**< malformed, truncated or corrupt serialized data */
} ncd_status;

/**
 * The library's version as "MAJOR.MINOR.PATCH"; equals the NCD_VERSION_* macros of
 * the header the library was built with. Never NULL; static storage.
 */
NCD_API const char *ncd_version_string(void);

/**
 * A one-line English explanation of a status code. Never NULL, also for unknown
 * codes (which give "unknown status code"); static storage, thread-safe.
 */
NCD_API const char *ncd_strerror(int status);

/* ==== end section 1 ======================================================== */


/* ==== section 2: losses on logits ========================================== */
/*
 * Row-wise losses on n x k logits z (one sample per row, row-major, ldz >= k),
 * spec/ufm.md section 2. Every function is exact for any finite logits: the row
 * maximum is subtracted before exp and log1p is used, so logit differences up to
 * DBL_MAX never overflow (a difference beyond DBL_MAX gives -inf / +inf, NCD_OK).
 * Statuses: NCD_EINVAL for a NULL required pointer, n or k == 0, a leading
 * dimension < k, a size overflow, a label outside [0, k) or a bad scalar;
 * then NCD_ENONFINITE for NaN/Inf in z; the float32 twins may also return
 * NCD_ENOMEM (they convert in blocks). Row sums are compensated (Neumaier).
 */

/**
 * Softmax of every row: p_ij = exp(z_ij - M_i) / sum_l exp(z_il - M_i), M_i the
 * row maximum (spec U-1). z and p are n x k with leading dimensions ldz, ldp;
 * p == z with ldp == ldz (in place) is allowed. Relative error of each p_ij
 * (> 1e-290) at most eps (k + max_j |z_ij - M_i|).
 * Returns NCD_OK, NCD_EINVAL, NCD_ENONFINITE.
 */
NCD_API int ncd_softmax(size_t n, size_t k, const double *z, size_t ldz, double *p,
                        size_t ldp);

/**
 * Log-softmax of every row: lp_ij = (z_ij - M_i) - log1p(sum_{j != j*} exp(z_ij -
 * M_i)) (spec U-2). Layouts and in-place rule as ncd_softmax.
 * Returns NCD_OK, NCD_EINVAL, NCD_ENONFINITE.
 */
NCD_API int ncd_log_softmax(size_t n, size_t k, const double *z, size_t ldz, double *lp,
                            size_t ldlp);

/**
 * Mean cross-entropy (spec U-3): *loss = (1/n) sum_i [logsumexp(z_i) - z_{i,y_i}];
 * g (n x k, ldg; optional, NULL = not computed) = (softmax(z) - onehot(y)) / n,
 * the gradient of *loss with respect to z. y: n labels in [0, k). loss is
 * required. Returns NCD_OK, NCD_EINVAL, NCD_ENONFINITE.
 */
NCD_API int ncd_ce_loss(size_t n, size_t k, const double *z, size_t ldz,
                        const int32_t *y, double *loss, double *g, size_t ldg);

/**
 * Rescaled square loss in Zhou et al.'s normalization (their eq. 4; Hui &
 * Belkin's (k, M) parametrization, whose loss is 2/k times this one; spec U-4):
 * *loss = (1/(2n)) sum_i sum_j c_ij (z_ij - m [j == y_i])^2, c_ij = alpha when
 * j == y_i, else 1; g (optional) = d loss / d z = c (z - m Y) / n. alpha = m = 1
 * is the vanilla MSE. alpha and m must be finite and > 0 (else NCD_EINVAL).
 * |z| beyond ~1e154 may give +inf (NCD_OK). Returns NCD_OK, NCD_EINVAL,
 * NCD_ENONFINITE.
 */
NCD_API int ncd_mse_loss(size_t n, size_t k, const double *z, size_t ldz,
                         const int32_t *y, double alpha, double m, double *loss,
                         double *g, size_t ldg);

/** float32 twin of ncd_softmax: computed in double, each p_ij rounded once
 *  (<= 0.5 float ulp beyond the double error); in place allowed.
 *  Returns NCD_OK, NCD_EINVAL, NCD_ENONFINITE, NCD_ENOMEM. */
NCD_API int ncd_softmax_f32(size_t n, size_t k, const float *z, size_t ldz, float *p,
                            size_t ldp);

/** float32 twin of ncd_log_softmax (double internally, rounded once); in place
 *  allowed. Returns NCD_OK, NCD_EINVAL, NCD_ENONFINITE, NCD_ENOMEM. */
NCD_API int ncd_log_softmax_f32(size_t n, size_t k, const float *z, size_t ldz,
                                float *lp, size_t ldlp);

/** float32 twin of ncd_ce_loss: float logits and gradient, the loss (double)
 *  accumulated in double. Returns NCD_OK, NCD_EINVAL, NCD_ENONFINITE, NCD_ENOMEM. */
NCD_API int ncd_ce_loss_f32(size_t n, size_t k, const float *z, size_t ldz,
                            const int32_t *y, double *loss, float *g, size_t ldg);

/** float32 twin of ncd_mse_loss: float logits and gradient, the loss (double)
 *  accumulated in double. Returns NCD_OK, NCD_EINVAL, NCD_ENONFINITE, NCD_ENOMEM. */
NCD_API int ncd_mse_loss_f32(size_t n, size_t k, const float *z, size_t ldz,
                             const int32_t *y, double alpha, double m, double *loss,
                             float *g, size_t ldg);

/* ==== end section 2 ======================================================== */


/* ==== section 3: initializers ============================================== */

/* ==== end section 3 ======================================================== */


/* ==== section 4: central path ============================================== */

/* ==== end section 4 ======================================================== */


/* ==== section 5: ghost radius ============================================== */
/*
 * Sao, "Ghosts of Softmax" (spec/ghosts.md). `a` is the n x k matrix of
 * directional logit derivatives a_ik = d z_ik / d tau along a proposed step (one
 * Jacobian-vector product), one row per sample.
 */

/**
 * Cheap lower bound on the radius of convergence of the cross-entropy's Taylor
 * series along a step: *rho = pi / max_i (max_j a_ij - min_j a_ij) (ghosts.md 2.2).
 * *rho = +INFINITY when every spread is 0. `argmax` (optional) receives the
 * bottleneck sample (lowest index on ties; 0 when every spread is 0).
 * Requires n >= 1, k >= 2, lda >= k. NaN/Inf in `a` gives NCD_ENONFINITE.
 * One streaming pass over `a`.
 */
NCD_API int ncd_ghost_radius_bound(size_t n, size_t k, const double *a, size_t lda,
                                   double *rho, size_t *argmax);

/** float32 twin of ncd_ghost_radius_bound (spreads computed exactly in float,
 *  the division in double). */
NCD_API int ncd_ghost_radius_bound_f32(size_t n, size_t k, const float *a, size_t lda,
                                       double *rho, size_t *argmax);

/* ==== end section 5 ======================================================== */


/* ==== section 6: neural-collapse metrics =================================== */

/* ==== end section 6 ======================================================== */


/* ==== section 7: the unconstrained-features model (UFM) ==================== */

/* ---- 7a: objective, gradients, JVP, training ---- */

/* ---- end 7a ---- */


/* ---- 7b: UFM starts (Hadamard / ETF initialization) and reduced dynamics ---- */

/* ---- end 7b ---- */

/* ==== end section 7 ======================================================== */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NCDYN_H */

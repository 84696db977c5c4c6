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

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

/**
 * Exact radius of convergence, under logit linearization, of the Taylor series
 * in tau of the mean cross-entropy along the step (ghosts.md 2.1, 2.6):
 * *rho = min_i over samples of the modulus of the nearest complex zero of
 * F_i(t) = sum_j exp(z_ij + a_ij t). `z` is the n x k row-major logit matrix
 * (leading dimension ldz >= k), `a` the n x k JVP matrix (lda >= k), n >= 1,
 * k >= 2. Per sample: equal slopes merged, closed form for two slopes, Newton
 * from the upper-envelope seeds, argument-principle certification, bisection
 * on the zero count as fallback; samples are pruned by branch and bound on
 * pi/Delta_i and the tilt bound. Overflow-safe for logits of any finite size.
 * Relative accuracy 1e-9 where the nearest zero is simple; always >= the
 * bound of ncd_ghost_radius_bound; +INFINITY when every spread is 0.
 * Returns NCD_OK, NCD_EINVAL (NULL, n = 0, k < 2, ld too small, overflowing
 * sizes), NCD_ENONFINITE (NaN/Inf in z or a), NCD_ENOMEM.
 */
NCD_API int ncd_ghost_radius_exact(size_t n, size_t k, const double *z, size_t ldz,
                                   const double *a, size_t lda, double *rho);

/**
 * ncd_ghost_radius_exact with a softmax temperature T > 0 (logits z/T, so the
 * JVP is a/T: ghosts.md 2.8) and optional outputs: `argmin` receives the
 * sample whose ghost is nearest (lowest index on ties, 0 when *rho is
 * +INFINITY), `ghost` (2 doubles) its location t = ghost[0] + i ghost[1] with
 * ghost[1] > 0 (the conjugate is a zero too; +INFINITY twice when *rho is
 * +INFINITY; NaN twice in the rare case the bisection fallback could not
 * polish a root, *rho is still certified). Statuses as
 * ncd_ghost_radius_exact, plus NCD_EINVAL for T not finite and > 0 or when
 * z/T or a/T overflows (checked after the NaN/Inf scan).
 */
NCD_API int ncd_ghost_radius_exact_ex(size_t n, size_t k, const double *z, size_t ldz,
                                      const double *a, size_t lda, double temperature,
                                      double *rho, size_t *argmin, double *ghost);

/**
 * Exact radius of one sample (ghosts.md 4 item 5, `ghost_rho_exact`): *rho =
 * min |t| over the zeros of sum_j exp(z_j + a_j t), j < k (k >= 2, vectors of
 * length k), and optionally the ghost location ghost[0] + i ghost[1]
 * (ghost[1] > 0; may be NULL). Accuracy and statuses as
 * ncd_ghost_radius_exact.
 */
NCD_API int ncd_ghost_rho_exact(size_t k, const double *z, const double *a, double *rho,
                                double *ghost);

/**
 * The "majority-tilt" lower bound of ghosts.md 2.4, min over samples:
 * rho_tilt,i = sqrt(d_i^2 + (pi/Delta_i)^2) with d_i the distance from 0 to
 * the set where no class has tilted probability above 1/2, equal slopes
 * merged first. pi/max Delta_i <= *rho <= the exact radius; equal to it for
 * two distinct slopes. Layouts as ncd_ghost_radius_exact; `argmin` optional.
 * Statuses: NCD_OK, NCD_EINVAL, NCD_ENONFINITE, NCD_ENOMEM.
 */
NCD_API int ncd_ghost_radius_tilt(size_t n, size_t k, const double *z, size_t ldz,
                                  const double *a, size_t lda, double *rho,
                                  size_t *argmin);

/**
 * Binary exact radius (ghosts.md 2.2): with delta = z_1 - z_2 and
 * da = a_1 - a_2, *rho = sqrt(delta^2 + pi^2) / |da| and (optional, 2
 * doubles) the ghost t = (-delta + i pi)/da taken with Im > 0:
 * ghost = (-delta/da, pi/|da|). da = 0 gives +INFINITY (ghost +INFINITY
 * twice). NCD_EINVAL for a NULL rho or non-finite delta or da.
 */
NCD_API int ncd_ghost_rho_binary(double delta, double da, double *rho, double *ghost);

/**
 * Temperature bound (ghosts.md 2.8): the bound for logits z/T when `a` is the
 * JVP of the raw logits: *rho = pi T / max_i Delta_i. Layout, argmax and
 * statuses as ncd_ghost_radius_bound, plus NCD_EINVAL unless T is finite
 * and > 0.
 */
NCD_API int ncd_ghost_radius_bound_temp(size_t n, size_t k, const double *a, size_t lda,
                                        double temperature, double *rho, size_t *argmax);

/** Activation kinds for ncd_ghost_activation_radius (ghosts.md 2.8). */
typedef enum ncd_ghost_activation {
  NCD_GHOST_RELU = 0,    /**< rho_j = |h_j| / |hdot_j| (the kink at 0)        */
  NCD_GHOST_SIGMOID = 1, /**< also SiLU and softplus: sqrt(h^2 + pi^2)/|hdot|  */
  NCD_GHOST_TANH = 2     /**< sqrt(h^2 + pi^2/4) / |hdot|                      */
} ncd_ghost_activation;

/**
 * Activation radius (ghosts.md 2.8, S1 App. 2 eq. 21): *rho = min_j over the
 * n neurons with hdot_j != 0 of the distance from the pre-activation h_j to
 * the nearest singularity of the activation, divided by |hdot_j| (hdot = the
 * pre-activation's derivative along the step). +INFINITY when every hdot_j
 * is 0; `argmin` (optional) receives the binding neuron. The combined
 * conservative bound is min(*rho, the logit bound). Statuses: NCD_EINVAL
 * (NULL, n = 0, unknown activation), NCD_ENONFINITE (NaN/Inf in h or hdot).
 */
NCD_API int ncd_ghost_activation_radius(int activation, size_t n, const double *h,
                                        const double *hdot, double *rho, size_t *argmin);

/**
 * Normalized step (ghosts.md 1, S1 eq. 17): *r = tau / rho for a step of
 * length tau >= 0 and a radius rho > 0 (+INFINITY allowed, giving 0).
 * NCD_EINVAL otherwise.
 */
NCD_API int ncd_ghost_normalized_step(double tau, double rho, double *r);

/**
 * Learning rate of the rho controller (ghosts.md 3.1, 4 item 8). u is the
 * optimizer's unit-LR proposal with norm unit_norm, rho the radius along it
 * (per unit step length), r_target > 0 (the paper's 1). Capped mode
 * (set_mode = 0, NCD_STEP_GHOST): *lr_eff = min(lr, r_target rho / unit_norm);
 * set mode (set_mode = 1, NCD_STEP_GHOST_SET): *lr_eff = r_target rho /
 * unit_norm. When unit_norm < 1e-12 or rho = +INFINITY the plain step
 * *lr_eff = lr is taken. NCD_EINVAL for lr or r_target not finite and > 0,
 * unit_norm not finite and >= 0, rho not > 0, set_mode not 0 or 1.
 */
NCD_API int ncd_ghost_step_scale(double lr, double unit_norm, double rho, double r_target,
                                 int set_mode, double *lr_eff);

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

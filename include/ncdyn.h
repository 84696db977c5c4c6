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
/*
 * Features H (n x d, one row per sample, ldh >= d), classifier W (k x d,
 * ldw >= d), bias b (k values), labels y (n values in [0, k)); logits
 * Z = H W^T + 1 b^T (n x k). Objective (spec/ufm.md U-5, Zhou et al.'s
 * normalization, n = total sample count):
 *   f = loss(Z, y) + (lambda_W/2)||W||_F^2 + (lambda_H/2)||H||_F^2
 *       + (lambda_b/2)||b||^2,
 * loss = ncd_ce_loss or ncd_mse_loss (alpha, m) of section 2.
 */

/** Opaque UFM object: labels, parameters, statistics of the last training step
 *  and the objective's workspace. Not thread-safe across concurrent calls on the
 *  same object; distinct objects are independent. */
typedef struct ncd_ufm ncd_ufm;

/** Data term of the UFM objective. */
typedef enum ncd_loss {
  NCD_LOSS_CE = 0, /**< mean cross-entropy (ncd_ce_loss) */
  NCD_LOSS_MSE = 1 /**< rescaled square loss (ncd_mse_loss with NCD_UFM_ALPHA, NCD_UFM_M) */
} ncd_loss;

/** How ncd_ufm_train turns the momentum buffer u into the applied step. */
typedef enum ncd_step_policy {
  NCD_STEP_FIXED = 0,    /**< lr as set */
  NCD_STEP_CLIP = 1,     /**< gradient clipped to norm NCD_UFM_CLIP before momentum */
  NCD_STEP_GHOST = 2,    /**< capped: lr_eff = min(lr, r_target rho / ||u||) (ghosts.md 3.1) */
  NCD_STEP_GHOST_SET = 3 /**< set: lr_eff = r_target rho / ||u|| */
} ncd_step_policy;

/** Parameters of an ncd_ufm (ncd_ufm_set / ncd_ufm_get). Grows; never reordered. */
typedef enum ncd_ufm_param {
  NCD_UFM_LOSS = 0,    /**< an ncd_loss; default NCD_LOSS_CE */
  NCD_UFM_LAMBDA_W,    /**< >= 0, default 0 */
  NCD_UFM_LAMBDA_H,    /**< >= 0, default 0 */
  NCD_UFM_LAMBDA_B,    /**< >= 0, default 0 */
  NCD_UFM_ALPHA,       /**< rescaled-MSE weight, > 0, default 1 */
  NCD_UFM_M,           /**< rescaled-MSE target scale, > 0, default 1 */
  NCD_UFM_BIAS,        /**< 1: train b; 0: b is fixed at zero and may be NULL; default 1 */
  NCD_UFM_LR,          /**< learning rate, > 0, default 0.1 */
  NCD_UFM_MOMENTUM,    /**< heavy-ball coefficient in [0, 1), default 0 */
  NCD_UFM_STEP_POLICY, /**< an ncd_step_policy; default NCD_STEP_FIXED */
  NCD_UFM_CLIP,        /**< max gradient norm for NCD_STEP_CLIP, > 0, default 1 */
  NCD_UFM_R_TARGET     /**< r = tau / rho target of the ghost policies, > 0, default 1 */
} ncd_ufm_param;

/** What the last training step measured (ncd_ufm_get_stat). Grows; never
 *  reordered. Before any step all but NCD_STAT_STEP (0) are NaN. */
typedef enum ncd_ufm_stat {
  NCD_STAT_STEP = 0,   /**< steps done in the current (or last) ncd_ufm_train call */
  NCD_STAT_OBJECTIVE,  /**< f at the iterate before the step */
  NCD_STAT_LOSS,       /**< its data term */
  NCD_STAT_GRAD_NORM,  /**< ||grad f|| over all blocks, before the step (before clipping) */
  NCD_STAT_STEP_NORM,  /**< ||applied step|| over all blocks */
  NCD_STAT_LR_EFF,     /**< learning rate actually applied */
  NCD_STAT_RHO,        /**< ghost-radius bound along the step, in parameter-norm units
                            (NaN if not computed) */
  NCD_STAT_R           /**< normalized step ||step|| / rho (NaN if not computed) */
} ncd_ufm_stat;

/** Called by ncd_ufm_train after every step with the object and the new iterate
 *  (b is NULL when the bias is off). ncd_ufm_get_stat reads what the step
 *  measured; ncd_ufm_set may change parameters for the next step. A nonzero
 *  return stops training (ncd_ufm_train then returns NCD_OK). */
typedef int (*ncd_ufm_callback)(ncd_ufm *u, const double *w, const double *h,
                                const double *b, void *ctx);

/**
 * Create a UFM object for n samples, feature dimension d and k classes with
 * labels y (copied; any order; every class needs at least one sample).
 * Parameters take the defaults of ncd_ufm_param. Allocates the objective's
 * workspace (a block of rows x k logits) once.
 * Returns NCD_OK, NCD_EINVAL (NULL, zero size, size overflow, label outside
 * [0, k), an empty class), NCD_ENOMEM.
 */
NCD_API int ncd_ufm_create(size_t n, size_t d, size_t k, const int32_t *y, ncd_ufm **u);

/** Release a UFM object; NULL is a no-op. */
NCD_API void ncd_ufm_free(ncd_ufm *u);

/**
 * Set parameter p. Returns NCD_EINVAL, leaving the object unchanged, for an
 * unknown p, a value out of range (see ncd_ufm_param), NaN or infinity, or a
 * non-integral value for an integer parameter (LOSS, BIAS, STEP_POLICY).
 */
NCD_API int ncd_ufm_set(ncd_ufm *u, ncd_ufm_param p, double value);

/** Read parameter p into *value. Returns NCD_OK or NCD_EINVAL (NULL, unknown p). */
NCD_API int ncd_ufm_get(const ncd_ufm *u, ncd_ufm_param p, double *value);

/** Read statistic s of the last training step into *value. Returns NCD_OK or
 *  NCD_EINVAL (NULL, unknown s). */
NCD_API int ncd_ufm_get_stat(const ncd_ufm *u, ncd_ufm_stat s, double *value);

/**
 * The objective f at (W, H, b) (required output) and, where the pointers are
 * not NULL, its exact gradients (spec U-6): gw = G^T H + lambda_W W (k x d,
 * ldgw), gh = G W + lambda_H H (n x d, ldgh), gb = G^T 1 + lambda_b b (k), with
 * G = d loss / d Z. With NCD_UFM_BIAS = 0, b is ignored (may be NULL) and gb,
 * if given, receives zeros. Outputs must not alias inputs. H is processed in
 * row blocks (one GEMM per block for the logits, dW and dH) in the object's
 * workspace: no allocation per call.
 * Returns NCD_OK, NCD_EINVAL (NULL u/w/h/f, b NULL with the bias on, ld too
 * small), NCD_ENONFINITE (NaN/Inf in w, h or b).
 */
NCD_API int ncd_ufm_objective(ncd_ufm *u, const double *w, size_t ldw, const double *h,
                              size_t ldh, const double *b, double *f, double *gw,
                              size_t ldgw, double *gh, size_t ldgh, double *gb);

/**
 * Directional derivative of the logits along a step (dW, dH, db) (spec U-7):
 * a = H dW^T + dH W^T + 1 db^T (n x k, lda >= k). dw (k x d), dh (n x d) and db
 * (k) may each be NULL (a zero block); db is ignored when the bias is off.
 * The logits along the step are exactly Z + tau a + tau^2 dH dW^T. Two GEMMs,
 * no allocation. Returns NCD_OK, NCD_EINVAL, NCD_ENONFINITE.
 */
NCD_API int ncd_ufm_jvp(const ncd_ufm *u, const double *w, size_t ldw, const double *h,
                        size_t ldh, const double *dw, size_t lddw, const double *dh,
                        size_t lddh, const double *db, double *a, size_t lda);

/**
 * Second derivative of f along the step delta = (dW, dH, db) at (W, H, b)
 * (spec/ufm.md U-8): *curv = d^2 f(theta + tau delta)/d tau^2 at tau = 0
 *   = (1/n) sum_i a_i^T C_i a_i + 2 <G, dH dW^T> + lambda_W ||dW||^2
 *     + lambda_H ||dH||^2 + lambda_b ||db||^2,
 * a = the JVP of ncd_ufm_jvp, C_i = diag(p_i) - p_i p_i^T (CE) or diag(c_i.)
 * (MSE). With power iteration on Hessian-vector products by differences this
 * gives the local curvature. dw (k x d) and dh (n x d) are required; db (k) is
 * required with the bias on and ignored with it off. Allocates two row blocks.
 * Returns NCD_OK, NCD_EINVAL, NCD_ENONFINITE, NCD_ENOMEM.
 */
NCD_API int ncd_ufm_curvature(ncd_ufm *u, const double *w, size_t ldw, const double *h,
                              size_t ldh, const double *b, const double *dw, size_t lddw,
                              const double *dh, size_t lddh, const double *db,
                              double *curv);

/**
 * Local smoothness bound (spec/ufm.md U-9): |d^2 f / d tau^2| <= L_hat ||delta||^2
 * at (W, H, b) for every step direction, with
 * L_hat = c_max (||H||^2 + ||W||^2 + n)/n + ||G||_F + max(lambda_W, lambda_H,
 * lambda_b), c_max = 1/2 (CE) or max(alpha, 1) (MSE), G = d loss / dZ (lambda_b
 * only with the bias on). Spec section 7: a learning rate <= 1/L_hat(theta_0)
 * (or (1 - momentum)/L_hat) decreased f in every observed run. No allocation.
 * Returns NCD_OK, NCD_EINVAL, NCD_ENONFINITE.
 */
NCD_API int ncd_ufm_smoothness(ncd_ufm *u, const double *w, size_t ldw, const double *h,
                               size_t ldh, const double *b, double *lhat);

/**
 * Run `steps` simultaneous gradient steps in place on W, H, b (spec U-27):
 * heavy ball v <- momentum v + g from v = 0 at each call (g clipped to norm
 * NCD_UFM_CLIP first under NCD_STEP_CLIP), then theta <- theta - lr_eff v with
 * lr_eff from the step policy. The ghost policies compute
 * rho = ||v|| pi / max_i spread(a_i), a the JVP of v (ncd_ufm_jvp,
 * ncd_ghost_radius_bound), and apply lr_eff = min(lr, r_target rho / ||v||)
 * (GHOST) or r_target rho / ||v|| (GHOST_SET; lr when rho is infinite); when
 * ||v|| < 1e-12 they take the plain step. cb (may be NULL) is called after every
 * step; a nonzero return stops with NCD_OK. Allocates its gradient, velocity
 * and JVP buffers once per call.
 * Returns NCD_OK; NCD_EINVAL (bad arguments, or a ghost policy without
 * NCD_LOSS_CE and k >= 2, also when the callback switches the loss); NCD_ENONFINITE (a
 * non-finite input, or a step that would make the iterate non-finite: W, H, b
 * then hold the last finite iterate and NCD_STAT_STEP the steps done);
 * NCD_ENOMEM.
 */
NCD_API int ncd_ufm_train(ncd_ufm *u, size_t steps, double *w, size_t ldw, double *h,
                          size_t ldh, double *b, ncd_ufm_callback cb, void *ctx);

/**
 * Deterministic Gaussian initial state (spec/ufm.md section 7, start 1):
 * W_ij ~ N(0, sigma_w^2), then H_ij ~ N(0, sigma_h^2), then b_j ~ N(0,
 * sigma_b^2) (b optional, NULL = not written), filled row-major in that order
 * from the library's portable normal generator seeded with `seed` (spec/init.md
 * 2.3): the same seed gives the same numbers on every platform. Sizes from u.
 * Returns NCD_OK, NCD_EINVAL (NULL, ld too small, sigma negative or not finite).
 */
NCD_API int ncd_ufm_init_gaussian(const ncd_ufm *u, uint64_t seed, double sigma_w,
                                  double sigma_h, double sigma_b, double *w, size_t ldw,
                                  double *h, size_t ldh, double *b);

/* ---- end 7a ---- */


/* ---- 7b: UFM starts (Hadamard / ETF initialization) and reduced dynamics ---- */

/* ---- end 7b ---- */

/* ==== end section 7 ======================================================== */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NCDYN_H */

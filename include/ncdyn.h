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
/*
 * Han, Papyan, Donoho, "Neural collapse under MSE loss: proximity to and dynamics
 * on the central path" (ICLR 2022); formulas and equation numbers CP-n are those
 * of spec/central-path.md (docs/cpath.md). Features h are n x d rows, classifiers
 * w are k x d, biases b have k entries, labels y are int32 in [0, k). The MSE loss
 * with weight decay is L(w, b) = (1/(2n)) sum_i ||w h_i + b - e_{y_i}||^2
 * + (lambda/2)(||w||_F^2 + ||b||^2) (CP-3). The closed-form dynamics describe the
 * renormalized gradient flow on the central path (balanced classes, lambda = 0);
 * t is flow time of that loss.
 */

/**
 * Which renormalized flow a closed-form law describes (spec/central-path.md
 * CP-17 .. CP-21). NCD_CPATH_ORTHOGONAL: the flow with the Frobenius-orthogonal
 * projection onto the manifold Sigma_W = I, Proposition 2 of the paper (CP-20):
 * c1 ln w + c2 w^2 + c3 w^4 = a + t, c1 = C^2 N, c2 = C N, c3 = N/4.
 * NCD_CPATH_RENORMALIZED: the paper's oblique projection Pi of Prop. 4, which is
 * also the small-step limit of "gradient step, then renormalize" (App. D.1):
 * C^2 N ln w + (C N/2) w^2 = a' + t (CP-21, an erratum of the paper).
 */
typedef enum ncd_cpath_law {
  NCD_CPATH_ORTHOGONAL = 0,  /**< CP-20, Proposition 2 as stated */
  NCD_CPATH_RENORMALIZED = 1 /**< CP-21, paper's Pi / GD step then renormalize */
} ncd_cpath_law;

/**
 * omega(t) of Proposition 2 (CP-20, the flow with the orthogonal projection):
 * the w > 0 with c1 ln w + c2 w^2 + c3 w^4 = a + t, c1 = C^2 N, c2 = C N,
 * c3 = N/4, a fixed by w(0) = omega0. c = number of classes C >= 2,
 * n_per_class = samples per class N >= 1 (not the total), omega0 > 0 finite, t
 * any finite value (t < 0 runs the flow backwards). Solved by safeguarded,
 * overflow-free Newton in s = ln(w/omega0) (CP-23 .. CP-26). Accuracy (CP-27),
 * with kappa = ((C + omega0^2)^2 + |t|/N) / (C + w^2)^2: relative error <= 1e-12
 * for every t >= 0 and whenever kappa <= 1e3; <= 1e-15 kappa up to kappa = 1e13;
 * the residual bound CP-27(c) always. An omega(t) below DBL_MIN may come back as
 * 0 or a subnormal with NCD_OK. Never overflows (omega0 up to DBL_MAX, |t| up to
 * DBL_MAX). Statuses: NCD_OK; NCD_EINVAL (omega_t NULL, c < 2, n_per_class 0,
 * omega0 <= 0 or not finite, t not finite); NCD_ENOCONV past 200 iterations
 * (never observed). O(1), about 3 iterations, no allocation.
 */
NCD_API int ncd_cpath_omega(size_t c, size_t n_per_class, double omega0, double t,
                            double *omega_t);

/**
 * omega(t) under either law (ncd_cpath_law): NCD_CPATH_ORTHOGONAL is exactly
 * ncd_cpath_omega; NCD_CPATH_RENORMALIZED solves C^2 N ln w + (C N/2) w^2 =
 * a' + t (CP-21) by the same safeguarded Newton with the same accuracy contract
 * (kappa = (C (C + omega0^2) + |t|/N) / (C (C + w^2)) there). Statuses as
 * ncd_cpath_omega, plus NCD_EINVAL for an unknown law.
 */
NCD_API int ncd_cpath_omega_law(size_t c, size_t n_per_class, double omega0, double t,
                                ncd_cpath_law law, double *omega_t);

/**
 * The inverse map (CP-28): the flow time t at which the singular value that
 * started at omega0 reaches omega, t = N [C^2 ln(w/w0) + alpha C (w^2 - w0^2)
 * + beta (w^4 - w0^4)/4] with (alpha, beta) = (1, 1) for NCD_CPATH_ORTHOGONAL and
 * (1/2, 0) for NCD_CPATH_RENORMALIZED, evaluated in s = ln(w/w0) with expm1 so
 * that nearby w, w0 lose no digits. |t| beyond DBL_MAX comes back as +-HUGE_VAL.
 * Statuses: NCD_OK; NCD_EINVAL (t NULL, c < 2, n_per_class 0, omega0 or omega
 * not finite and > 0, unknown law).
 */
NCD_API int ncd_cpath_time(size_t c, size_t n_per_class, double omega0, double omega,
                           ncd_cpath_law law, double *t);

/**
 * Spectral form of the loss on the central path (CP-15, CP-16; lambda = 0,
 * balanced classes, c = C classes): from m SNR singular values omega (zeros are
 * skipped: they are the null direction), out[0] = L_LS = 1/2 sum 1/(w^2 + C),
 * out[1] = L_NC1 = 1/2 sum w^2/(C + w^2)^2, out[2] = L_NC2/3 = 1/2 sum
 * C/(C + w^2)^2, out[3] = sum w^-2 (the whitened NC1, a lower bound of NCD_NC1,
 * +INFINITY if every w is 0). Statuses: NCD_OK; NCD_EINVAL (NULL, c < 2, m = 0,
 * a negative omega); NCD_ENONFINITE (NaN/Inf in omega). O(m).
 */
NCD_API int ncd_cpath_spectral(size_t c, size_t m, const double *omega, double out[4]);

/**
 * Predicted trajectory: for each of nt times t[i] and each of m initial SNR
 * singular values omega0[j] (e.g. from ncd_cpath_snr), omega_out[i*ldo + j] =
 * omega_j(t[i]) under `law` (ncd_cpath_omega_law; an omega0[j] of 0 stays 0), and,
 * if spec_out (nt x 4, row-major, optional) is not NULL, row i = the four values
 * of ncd_cpath_spectral at omega(t[i]) (L_LS, L_NC1, L_NC2/3, sum w^-2), so a
 * measured run can be overlaid on the theory. Statuses: NCD_OK; NCD_EINVAL
 * (NULL, c < 2, n_per_class, m or nt 0, ldo < m, a negative omega0, a non-finite
 * t[i], unknown law); NCD_ENONFINITE (NaN/Inf in omega0); NCD_ENOCONV as
 * ncd_cpath_omega. O(nt m).
 */
NCD_API int ncd_cpath_trajectory(size_t c, size_t n_per_class, ncd_cpath_law law,
                                 size_t m, const double *omega0, size_t nt,
                                 const double *t, double *omega_out, size_t ldo,
                                 double *spec_out);

/**
 * The least-squares classifier with weight decay (Prop. 1, CP-5 .. CP-8): the
 * minimizer (w, b) of (1/(2n)) sum_i ||w h_i + b - e_{y_i}||^2 + (lambda/2)
 * (||w||_F^2 + ||b||^2), for any labels (balanced or not), lambda >= 0 finite.
 * Layouts: h n x d (ldh >= d), w k x d output (ldw >= d), b k outputs. Computed
 * by the centred route CP-7: class means, Sigma_W by one blocked SYRK over
 * class-centred rows, Sigma_T = Sigma_W + Mbar^T D_pi Mbar, then w A = R with
 * A = Sigma_T + lambda I + (lambda/(1+lambda)) mu_G mu_G^T, b = (pi - w mu_G) /
 * (1 + lambda), by an equilibrated Cholesky (no inverse, no copy of h). A large
 * feature mean does not hurt: shifting h by 1e7 changes w only by about
 * eps |mu_G| / spread. An empty class gets w_c = 0, b_c = 0. Statuses: NCD_OK;
 * NCD_EINVAL (NULL, a zero size, ld too small, a label outside [0, k), lambda
 * negative or not finite); NCD_ENONFINITE (NaN/Inf in h); NCD_ESINGULAR when the
 * centred, equilibrated A is numerically singular (Cholesky fails or its 1-norm
 * rcond < DBL_EPSILON): for lambda = 0 this is [h, 1] rank-deficient, e.g. a
 * duplicated or constant feature column or n <= d; NCD_ENOMEM. Cost: one SYRK
 * O(n d^2), O(n k d), d^3/3.
 */
NCD_API int ncd_ls_classifier(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                              const int32_t *y, double lambda, double *w, size_t ldw,
                              double *b);

/** float32 twin of ncd_ls_classifier: h is float (converted to double a block of
 *  rows at a time, never whole); results and statuses as the double version. */
NCD_API int ncd_ls_classifier_f32(size_t n, size_t d, size_t k, const float *h,
                                  size_t ldh, const int32_t *y, double lambda, double *w,
                                  size_t ldw, double *b);

/**
 * The MSE decomposition of Theorems 1-2 (CP-9 .. CP-11) for the classifier
 * (w, b) (w k x d, ldw >= d; b k values or NULL for a zero bias) on features h
 * (n x d): out = { L, L_NC1, L_NC2/3, L_LS_perp } with L the loss above computed
 * directly from the data (one GEMM per row block), L_NC1 = 1/2 tr(w_LS (Sigma_W +
 * lambda I) w_LS^T) + (lambda/2)||b_LS||^2, L_NC2/3 = 1/2 sum_c pi_c ||w_LS mu_c
 * + b_LS - e_c||^2 and L_LS_perp = 1/2 [tr(dw Sigma_T dw^T) + ||dw mu_G + db||^2]
 * + (lambda/2)(||dw||^2 + ||db||^2) with (dw, db) = (w, b) - (w_LS, b_LS); each
 * term is computed on its own, so L = L_NC1 + L_NC2/3 + L_LS_perp holds to
 * rounding and is a real check. Statuses: NCD_OK; NCD_EINVAL (NULL h, w, y or
 * out, a zero size, ld too small, a label outside [0, k), unbalanced classes,
 * lambda negative or not finite); NCD_ENONFINITE (NaN/Inf in h, w or b);
 * NCD_ESINGULAR when the LS classifier does (lambda == 0 with a singular total
 * covariance, CP-7's test); NCD_ENOMEM. Cost as ncd_ls_classifier plus O(n k d).
 */
NCD_API int ncd_mse_decompose(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                              const int32_t *y, const double *w, size_t ldw,
                              const double *b, double lambda, double out[4]);

/** float32 twin of ncd_mse_decompose (features float, converted a block of rows at
 *  a time; w, b, out double); statuses as the double version. */
NCD_API int ncd_mse_decompose_f32(size_t n, size_t d, size_t k, const float *h,
                                  size_t ldh, const int32_t *y, const double *w,
                                  size_t ldw, const double *b, double lambda,
                                  double out[4]);

/**
 * The SNR spectrum (CP-14): the min(k, d) singular values, descending, of
 * S = Mbar Sigma_W^{-1/2} (k x d, the transpose of the paper's
 * Sigma_W^{-1/2} Mbar), computed on the equilibrated Sigma_W with one rank test
 * (shared with NCD_SNR_MIN/MAX of ncd_nc_metrics). With balanced labels the last
 * one is 0 (up to rounding) and the others are sqrt(k eig(Sigma_B, Sigma_W)).
 * omega: min(k, d) outputs. v (optional, k x min(k, d), ldv >= min(k, d)): the
 * left singular vectors (paper's V). u (optional, d x min(k, d), ldu >= min(k, d)):
 * the paper's U = Sigma_W^{-1/2} Mbar^T V Omega^{-1} (CP-14 step 5, symmetric root
 * of Sigma_W), a column of zeros where omega_j <= max(k, d) eps omega_1 (the null
 * direction, whose vector is arbitrary). Every class needs a sample. Statuses:
 * NCD_OK; NCD_EINVAL (NULL, zero size, ld too small, labels outside [0, k), k < 2,
 * an empty class); NCD_ENONFINITE; NCD_ESINGULAR when n - k < d or the
 * equilibrated Sigma_W has lambda_min <= d eps lambda_max; NCD_ENOMEM;
 * NCD_ENOCONV (LAPACK). Cost O(n d^2 + d^3).
 */
NCD_API int ncd_cpath_snr(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                          const int32_t *y, double *omega, double *v, size_t ldv, double *u,
                          size_t ldu);

/** float32 twin of ncd_cpath_snr (features converted a block of rows at a time). */
NCD_API int ncd_cpath_snr_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                              const int32_t *y, double *omega, double *v, size_t ldv,
                              double *u, size_t ldu);

/**
 * The renormalized features of CP-13 / CP-14 step 5: x = (h - 1 mu_G^T)
 * Sigma_W^{-1/2} (n x d, ldx >= d), with the symmetric root of Sigma_W from its
 * eigendecomposition, so Sigma_W(x) = I and mu_G(x) = 0; the least-squares
 * predictions at lambda = 0 and the SNR spectrum are unchanged (CP-13), and x is
 * the starting point of the renormalized flow (CP-18, CP-22). x must not overlap
 * h. Every class needs a sample. Statuses: NCD_OK; NCD_EINVAL (NULL, zero size,
 * ld too small, labels outside [0, k), k < 2, an empty class); NCD_ENONFINITE;
 * NCD_ESINGULAR by CP-14's rank test (n - k < d or the equilibrated Sigma_W
 * numerically singular); NCD_ENOMEM; NCD_ENOCONV (LAPACK). Cost O(n d^2 + d^3).
 */
NCD_API int ncd_cpath_renormalize(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                  const int32_t *y, double *x, size_t ldx);

/** float32 twin of ncd_cpath_renormalize (h float, converted a block of rows at a
 *  time; x double). */
NCD_API int ncd_cpath_renormalize_f32(size_t n, size_t d, size_t k, const float *h,
                                      size_t ldh, const int32_t *y, double *x, size_t ldx);

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

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
/*
 * Hadamard matrices, simplex equiangular tight frames (ETFs), random
 * orthonormal rows, frames for more classes than dimensions, and the Walsh
 * spectrum of the softmax (spec/init.md; docs/init.md).
 */

/**
 * Constructions of the Hadamard family (spec/init.md 1.5, I-7), as reported by
 * ncd_hadamard_supported: Sylvester 2^a (I-2), Paley I of GF(q) with
 * q = 3 mod 4 (I-4), Paley II with q = 1 mod 4 (I-5), or a Kronecker product
 * canon(n/c) x canon(c) (I-6). 0 means unreachable.
 */
typedef enum ncd_hadamard_kind {
  NCD_HADAMARD_NONE = 0,      /**< not in the library's family */
  NCD_HADAMARD_SYLVESTER = 1, /**< n = 2^a, H[i][j] = (-1)^popcount(i AND j) */
  NCD_HADAMARD_PALEY1 = 2,    /**< n = q + 1, q = 3 mod 4 a prime power */
  NCD_HADAMARD_PALEY2 = 3,    /**< n = 2(q + 1), q = 1 mod 4 a prime power */
  NCD_HADAMARD_KRONECKER = 4  /**< product of a smaller canonical matrix and a core */
} ncd_hadamard_kind;

/**
 * Writes the canonical Hadamard matrix of order n (spec/init.md I-7) into the
 * n x n row-major `out` (leading dimension ldo >= n): entries exactly +1.0/-1.0,
 * out * out^T = n I exactly, row 0 and column 0 all +1 (normalized form I-1).
 * Sylvester for n = 2^a, else Paley I, Paley II over GF(q) (q = p^m, real
 * finite-field arithmetic), else a Kronecker product; integer arithmetic only,
 * so the output is bit-identical on every platform.
 * Statuses: NCD_EINVAL for out == NULL, n == 0, n >= 2^32 or ldo < n;
 * NCD_ENOTSUP when n is not 1, 2 or a multiple of 4, or the family cannot reach
 * n (55 multiples of 4 up to 1000, e.g. 92, 116, 156; spec/init.md 1.5);
 * NCD_ENOMEM. Cost O(n^2) time, n^2 bytes of scratch.
 */
NCD_API int ncd_hadamard(size_t n, double *out, size_t ldo);

/** float32 twin of ncd_hadamard (entries exactly +1.0f/-1.0f); same statuses. */
NCD_API int ncd_hadamard_f32(size_t n, float *out, size_t ldo);

/**
 * Says whether ncd_hadamard(n) succeeds, without building anything: NCD_OK if
 * the order is reachable, NCD_ENOTSUP if not (also every n > 2 that is not a
 * multiple of 4), NCD_EINVAL for n == 0 or n >= 2^32. `construction`
 * (optional, may be NULL) receives the ncd_hadamard_kind of the canonical
 * choice (NCD_HADAMARD_NONE when unsupported). Cost O(sqrt(n) * divisors).
 */
NCD_API int ncd_hadamard_supported(size_t n, int *construction);

/**
 * A normalized Paley matrix for a given prime power q, also where it is not the
 * canonical choice (spec/init.md I-4, I-5): kind 1 (Paley I, needs q = 3 mod 4,
 * order n = q + 1) or kind 2 (Paley II, needs q = 1 mod 4, order n = 2(q + 1)),
 * written n x n row-major into `out` (ldo >= n), entries +-1.0, row and column
 * 0 all +1. Statuses: NCD_EINVAL for a bad kind, q not a prime power of the
 * right residue, q >= 2^31, out == NULL or ldo < n; NCD_ENOMEM.
 */
NCD_API int ncd_hadamard_paley(uint64_t q, int kind, double *out, size_t ldo);

/**
 * Writes k x d rows m_1..m_k (row-major, ldm >= d) of a simplex ETF:
 * ||m_i|| = 1, sum_i m_i = 0, <m_i, m_j> = -1/(k-1) for i != j, i.e.
 * M M^T = (k/(k-1))(I - 11^T/k). seed == 0 gives the canonical scaled Helmert
 * frame of spec/init.md I-8 (columns k-1..d-1 zero, computed from exact
 * integers, bit-identical everywhere); any other seed gives M0 * O with O the
 * (k-1) x d Haar-random orthonormal rows of ncd_stiefel(k-1, d, seed) (I-14):
 * same seed, bit-identical output on every IEEE-754 platform.
 * Statuses: NCD_EINVAL for m == NULL, k < 2, d < k - 1, k > 2^21, ldm < d;
 * NCD_ESINGULAR (probability 0, see ncd_stiefel); NCD_ENOMEM.
 * Cost O(kd) for seed 0, about 4 d k^2 flops otherwise (no BLAS, by design).
 */
NCD_API int ncd_simplex_etf(size_t k, size_t d, uint64_t seed, double *m, size_t ldm);

/** float32 twin of ncd_simplex_etf: computed in double, rounded once; same
 *  statuses. */
NCD_API int ncd_simplex_etf_f32(size_t k, size_t d, uint64_t seed, float *m, size_t ldm);

/**
 * Writes r x d orthonormal rows (row-major, ldo >= d; r <= d) into `o`
 * (spec/init.md I-13): seed 0 gives e_0..e_{r-1}; any other seed draws r
 * Gaussian vectors from the portable generator (I-9..I-12) and orthonormalizes
 * them by classical Gram-Schmidt applied twice in a fixed order (the first r
 * rows of a Haar-distributed orthogonal matrix), bit-identical on every
 * IEEE-754 platform. Statuses: NCD_EINVAL for o == NULL, r == 0, d < r,
 * ldo < d; NCD_ESINGULAR if a drawn vector is exactly dependent (probability
 * 0); NCD_ENOMEM. Cost about 4 d r^2 flops.
 */
NCD_API int ncd_stiefel(size_t r, size_t d, uint64_t seed, double *o, size_t ldo);

/** float32 twin of ncd_stiefel: computed in double, rounded once. */
NCD_API int ncd_stiefel_f32(size_t r, size_t d, uint64_t seed, float *o, size_t ldo);

/**
 * Faster, platform-bound twin of ncd_stiefel: the same Gaussian draws of the
 * portable generator, orthonormalized by Cholesky QR applied twice with BLAS-3
 * (spec/init.md I-13). Mathematically the same r x d rows as ncd_stiefel
 * (equal up to rounding, about 1e-13 for well-conditioned draws), but not
 * bit-identical across platforms or BLIS builds; falls back to the portable
 * route if a Cholesky factorization fails. Statuses as ncd_stiefel.
 */
NCD_API int ncd_stiefel_fast(size_t r, size_t d, uint64_t seed, double *o, size_t ldo);

/**
 * Faster, platform-bound twin of ncd_simplex_etf for seed != 0: M0 times the
 * rows of ncd_stiefel_fast(k-1, d, seed) (spec/init.md I-14). Same frame as
 * ncd_simplex_etf up to rounding; seed 0 gives the canonical frame bitwise.
 * Statuses as ncd_simplex_etf. Cost dominated by two k x k x d BLAS-3 passes.
 */
NCD_API int ncd_simplex_etf_fast(size_t k, size_t d, uint64_t seed, double *m, size_t ldm);

/** Objective of ncd_frame_packing. */
typedef enum ncd_frame_mode {
  NCD_FRAME_SEPARATION = 0, /**< minimize max_{i!=j} <m_i, m_j> (spherical code) */
  NCD_FRAME_COHERENCE = 1   /**< minimize max_{i!=j} |<m_i, m_j>| */
} ncd_frame_mode;

/**
 * Unit rows m_1..m_k in R^d (k x d row-major, ldm >= d) with a small maximal
 * inner product, for any k >= 2, d >= 1 (spec/init.md 2.4): separation mode
 * returns ncd_simplex_etf(k, d, seed) when k <= d + 1 (the exact optimum);
 * coherence mode returns ncd_stiefel(k, d, seed) when k <= d (coherence 0) and
 * the simplex when k = d + 1. Otherwise it starts from k x d Gaussian rows of
 * `seed` and runs the 12-stage p-norm descent (I-15, 2400 iterations).
 * `achieved` (optional) receives the final max_{i!=j} <m_i, m_j> (separation)
 * or max_{i!=j} |<m_i, m_j>| (coherence). Deterministic for a given build, not
 * bit-identical across platforms (BLAS is used) when k > d + 1.
 * Statuses: NCD_EINVAL for m == NULL, k < 2, d == 0, ldm < d, a bad mode;
 * NCD_ENOMEM. Cost about 2400 * 4 k^2 d flops when k > d + 1.
 */
NCD_API int ncd_frame_packing(size_t k, size_t d, uint64_t seed, int mode, double *m,
                              size_t ldm, double *achieved);

/**
 * The Walsh spectrum of the softmax of the Hadamard-initialized UFM
 * (spec/init.md I-17..I-19), k = 2^a classes, nc samples per class, mode
 * strengths s (k values; logits Q diag(s/sqrt(nc)) Q^T, Q = Hd/sqrt(k)):
 * softmax rows = Q diag(lambda) Q^T with lambda = Hd pi, pi = softmax(g),
 * g = Hd s / (k sqrt(nc)). Outputs (each optional, k values): lambda,
 * one_minus_lambda (1 - lambda_m computed without cancellation by the positive
 * butterfly I-18; 0 for m = 0), pi, and *loss = the mean cross-entropy (I-19).
 * Statuses: NCD_EINVAL for s == NULL, k < 2, nc == 0; NCD_ENOTSUP when k is
 * not a power of 2; NCD_ENONFINITE for NaN/Inf in s; NCD_ENOMEM.
 * Cost O(k log k).
 */
NCD_API int ncd_walsh_softmax(size_t k, size_t nc, const double *s, double *lambda,
                              double *one_minus_lambda, double *pi, double *loss);

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
 * Logits so far apart that the zero-counting contour would be unaffordable
 * (|z| ~ 1e300) are certified by the two-term far-field zero meeting the tilt
 * bound; a contour count past a fixed work cap (200000 steps) gives
 * NCD_ENOCONV instead of running on (never a hang).
 * Returns NCD_OK, NCD_EINVAL (NULL, n = 0, k < 2, ld too small, overflowing
 * sizes), NCD_ENONFINITE (NaN/Inf in z or a), NCD_ENOMEM, NCD_ENOCONV (work
 * cap; *rho untouched).
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
/*
 * Neural-collapse measurements of features h (n x d, one sample per row) with
 * labels y in [0, k) and an optional linear classifier w (k x d, one class per
 * row) with bias b (k). Notation (spec/metrics.md section 1): mu_c the class
 * means, mu_G the mean of all n samples, Mbar (k x d) the centred class means
 * (row c = mu_c - mu_G), Sigma_W = (1/n) sum_i (h_i - mu_{y_i})(h_i - mu_{y_i})^T,
 * Sigma_B = Mbar^T Mbar / k, v_c = mean over class c of ||h_i - mu_c||^2.
 * Exact definitions, peer variants and numerics: docs/metrics.md.
 */

/**
 * The metrics computed by ncd_nc_metrics, in output order. Values are fixed by
 * the API contract; new metrics are only ever appended before NCD_METRIC_COUNT.
 */
typedef enum ncd_metric {
  NCD_NC1 = 0,        /**< tr(Sigma_W Sigma_B^+) / K                                    */
  NCD_NC2_EQUINORM_H, /**< std/mean over classes of ||mu_c - mu_G||                       */
  NCD_NC2_EQUINORM_W, /**< std/mean over classes of ||w_c||                               */
  NCD_NC2_EQUIANGLE_H,/**< std over c != c' of cos(mu_c - mu_G, mu_c' - mu_G)             */
  NCD_NC2_MAXANGLE_H, /**< mean over c != c' of |cos(mu_c - mu_G, mu_c' - mu_G) + 1/(K-1)| */
  NCD_NC2_ETF_H,      /**< || G/||G||_F - (I - 11^T/K)/sqrt(K-1) ||_F, G = Mbar Mbar^T     */
  NCD_NC2_ETF_W,      /**< same with G = W W^T                                           */
  NCD_NC3,            /**< same with G = W Mbar^T (Zhu et al. / Zhou et al. eq. 8)        */
  NCD_NC3_DUALITY,    /**< || W/||W||_F - Mbar/||Mbar||_F ||_F^2 (Papyan et al.)           */
  NCD_NC4,            /**< fraction of samples where argmax_c(W h + b) != argmin_c ||h - mu_c|| */
  NCD_ACCURACY,       /**< fraction of samples where argmax_c(W h + b) == y                */
  NCD_NC1_TRACE_RATIO,/**< tr(Sigma_W) / tr(Sigma_B)                      (metrics.md §3)  */
  NCD_NC1_CDNV,       /**< mean over pairs c < c' of (v_c + v_c') / (2 ||mu_c - mu_c'||^2) */
  NCD_NC1_PINV_RANK,  /**< number of singular values of Sigma_B kept by the pseudo-inverse */
  NCD_COSMARGIN_MEAN, /**< mean over samples of the cosine margin (Zhou et al. §4)         */
  NCD_COSMARGIN_MIN,  /**< minimum over samples of the cosine margin                       */
  NCD_NUMRANK_H,      /**< mean over classes of ||H_c||_*^2 / ||H_c||_F^2                   */
  NCD_SNR_MIN,        /**< smallest of the min(k-1, d) largest singular values of           */
  NCD_SNR_MAX,        /**<   Sigma_W^{-1/2} Mbar^T, and the largest (NaN if Sigma_W singular) */
  /* appended by the peer-parity layer (spec/metrics-peers.md section 11; docs/peers.md) */
  NCD_NC1_WEAK,       /**< tr Sigma_W / (tr Sigma_W + tr Sigma_B) = t/(1+t), t the trace ratio (P-3) */
  NCD_UNC3_VAR,       /**< variance (divisor K-1) over classes of w_c . mbar_c (P-7)       */
  NCD_GNC2_DIST_VAR,  /**< population variance over pairs of ||u_c - u_c'||, u_c = mbar_c/||mbar_c|| (P-5) */
  NCD_GNC2_LOG_MEAN,  /**< mean over pairs of log(1 / ||u_c - u_c'||) (P-5)                 */
  NCD_GNC2_LOG_VAR,   /**< population variance over pairs of log(1 / ||u_c - u_c'||) (P-5)  */
  NCD_CENTROID_COS,   /**< mean over pairs of cos(mu_c, mu_c'), raw (uncentred) means (P-13) */
  NCD_NC4_CLASSAVG,   /**< (1/K) sum_c fraction of class c with argmax(W h + b) != NCC (P-8) */
  NCD_SILHOUETTE_COS, /**< mean cosine silhouette of the samples (Rousseeuw; P-16)          */
  NCD_ERANK,          /**< effective rank (Roy-Vetterli) of the sample-centred features (P-14) */
  NCD_METRIC_COUNT    /**< grows as metrics are added; never reorder the ones above      */
} ncd_metric;

/**
 * All neural-collapse metrics of features h (n x d, row-major, leading dimension
 * ldh >= d) with labels y (n values in [0, k)), classifier w (k x d, ldw >= d,
 * or NULL) and bias b (k values, or NULL for no bias). out[i] receives metric i
 * (enum ncd_metric) for i < nout; indices >= NCD_METRIC_COUNT receive NaN.
 * Metrics that need w are NaN when w is NULL; a metric whose formula divides by
 * zero is NaN (status NCD_OK). The pseudo-inverse of Sigma_B keeps the singular
 * values sigma_i > max(k, d) * DBL_EPSILON * sigma_1; if Sigma_B = 0, NC1 = 0.
 * Ties in argmax/argmin go to the lowest class index, judged on double scores.
 * Cost: metrics below NCD_NC1_TRACE_RATIO use at most two passes over h and no
 * d x d matrix (NC1 through the thin SVD of Mbar); NCD_NUMRANK_H (nout > 16)
 * adds one pass and k d x d eigenproblems, NCD_SNR_* (nout > 17) a SYRK; the
 * peer metrics NCD_SILHOUETTE_COS (nout > 26) two O(n d k) passes and
 * NCD_ERANK (nout > 27) a SYRK and a d x d eigenproblem (docs/peers.md;
 * ncd_nc_metrics_select computes a chosen subset only).
 * Statuses: NCD_EINVAL (NULL h or y, n or d = 0, k < 2, ld too small, label out
 * of range, a class without samples, out NULL with nout > 0), NCD_ENONFINITE
 * (NaN/Inf in h, w or b; the scan of h is fused into the first pass, so class
 * sums of finite features beyond the double range also give it), NCD_ENOMEM,
 * NCD_ENOCONV (LAPACK failed). out is untouched on error.
 */
NCD_API int ncd_nc_metrics(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                           const int32_t *y, const double *w, size_t ldw, const double *b,
                           double *out, size_t nout);

/** float32 twin of ncd_nc_metrics: h is float (n x d, ldh); it is converted to
 *  double block by block (never whole), all arithmetic in double; the result
 *  equals ncd_nc_metrics on the converted array. Same statuses. */
NCD_API int ncd_nc_metrics_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                               const int32_t *y, const double *w, size_t ldw,
                               const double *b, double *out, size_t nout);

/** int64-label twin of ncd_nc_metrics (torch's default label type); labels must
 *  lie in [0, k). Same statuses. */
NCD_API int ncd_nc_metrics_i64(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                               const int64_t *y, const double *w, size_t ldw,
                               const double *b, double *out, size_t nout);

/** float32 features with int64 labels: ncd_nc_metrics_f32 and
 *  ncd_nc_metrics_i64 combined. Same statuses. */
NCD_API int ncd_nc_metrics_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                   size_t ldh, const int64_t *y, const double *w,
                                   size_t ldw, const double *b, double *out, size_t nout);

/**
 * Options of the one-shot calls ending in _ex and of the vector calls. A
 * zero-initialised struct (or a NULL pointer) gives the api.md defaults.
 */
typedef struct ncd_nc_options {
  /** Relative cut of the pseudo-inverse of Sigma_B: keep sigma_i > pinv_rtol *
   *  sigma_1. 0 selects the default max(k, d) * DBL_EPSILON; must be in [0, 1). */
  double pinv_rtol;
  /** 0 (default): mu_G is the mean of all samples (Papyan et al., api.md);
   *  1: mu_G is the unweighted mean of the class means, as rhubarbwu/
   *  neural-collapse and the Han-Papyan-Donoho notebook compute it (equal for
   *  balanced classes); 2: mu_G = 0, the raw means (MONAI, rhubarbwu without
   *  m_G). The values are those of enum ncd_centre. Affects every metric that
   *  uses Mbar or mu_G (not NCD_CENTROID_COS, NCD_NC4_CLASSAVG,
   *  NCD_SILHOUETTE_COS, NCD_ERANK, which have fixed centres). */
  int unweighted_centre;
} ncd_nc_options;

/** ncd_nc_metrics with options (opt NULL: defaults). NCD_EINVAL also for an
 *  option out of range. Otherwise identical, same statuses. */
NCD_API int ncd_nc_metrics_ex(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                              const int32_t *y, const double *w, size_t ldw,
                              const double *b, const ncd_nc_options *opt, double *out,
                              size_t nout);

/**
 * Spectrum of the centred class means: s receives the min(k, d) singular values
 * of Mbar (k x d) in descending order, *rank the number kept by the NC1
 * pseudo-inverse (NCD_NC1_PINV_RANK): s_i > sqrt(rtol) * s_1 with rtol as in
 * ncd_nc_options. Arguments as ncd_nc_metrics. Statuses: NCD_EINVAL (also s or
 * rank NULL), NCD_ENONFINITE, NCD_ENOMEM, NCD_ENOCONV.
 */
NCD_API int ncd_nc_spectrum(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                            const int32_t *y, const ncd_nc_options *opt, double *s,
                            size_t *rank);

/**
 * SNR singular values (Han et al. eq. 8): omega receives the m = min(k-1, d)
 * largest singular values of Sigma_W^{-1/2} Mbar^T, descending
 * (NCD_SNR_MAX = omega[0], NCD_SNR_MIN = omega[m-1]). NCD_ESINGULAR when
 * Sigma_W is not positive definite by the rank test shared with the central-path
 * layer (n - k < d, or an equilibrated eigenvalue at or below d * DBL_EPSILON
 * times the largest); omega is then unspecified. Other statuses as
 * ncd_nc_spectrum. One SYRK and O(d^3).
 */
NCD_API int ncd_nc_snr(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                       const int32_t *y, const ncd_nc_options *opt, double *omega);

/**
 * Per-class numerical rank: rho[c] = ||H_(c)||_*^2 / ||H_(c)||_F^2 of the raw
 * n_c x d block of class c (NaN for an all-zero block); NCD_NUMRANK_H is their
 * mean. Computed from the class mean and centred scatter (spec M-11), never from
 * the square roots of the raw Gram's eigenvalues. Statuses as ncd_nc_spectrum
 * (rho NULL: NCD_EINVAL).
 */
NCD_API int ncd_nc_numrank(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                           const int32_t *y, double *rho);

/**
 * Per-sample cosine margins (Zhou et al. 2022 §4): cm[i] = cos(w_{y_i} - w_G,
 * h_i - mu_G) - max_{c != y_i} cos(w_c - w_G, h_i - mu_G), w_G the mean row of
 * w (k x d, ldw, required). A cosine with h_i = mu_G counts as 0; every cm[i] is
 * NaN if some w_c = w_G. NCD_COSMARGIN_MEAN/MIN are their mean and minimum.
 * Statuses as ncd_nc_spectrum (w or cm NULL: NCD_EINVAL).
 */
NCD_API int ncd_nc_cosine_margin(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                 const int32_t *y, const double *w, size_t ldw,
                                 const ncd_nc_options *opt, double *cm);


/*
 * Streaming, mergeable, serializable accumulation (spec/metrics.md 4b, 4e). For
 * data that does not fit in memory or is spread over processes: the result
 * equals ncd_nc_metrics on all the data at once to 1e-10 relative (1e-12
 * absolute near 0) whatever the batch split, merge order or labels per batch,
 * for data whose decisions are not ties to rounding and whose Sigma_B singular
 * values do not sit at the pseudo-inverse cut. The state's size does not grow
 * with the number of samples. Batches are centred by their own class means and
 * merged by the Chan-Golub-LeVeque update, never by "sum of squares minus
 * squared mean". An object is not safe to use from several threads at once.
 */

/** Opaque accumulator state (counts, class means against a reference point,
 *  per-class squared deviations, optional scatters, classifier, pass-2 sums). */
typedef struct ncd_nc_acc ncd_nc_acc;

/** Accumulator flags of ncd_nc_acc_create. NCD_ACC_SCATTER keeps the pooled
 *  d x d within-class scatter (NC1 and SNR in one pass, O(d^2) per sample);
 *  NCD_ACC_CLASS_SCATTER keeps k per-class d x d scatters (NCD_NUMRANK_H). */
enum { NCD_ACC_SCATTER = 1, NCD_ACC_CLASS_SCATTER = 2 };

/**
 * Create an empty accumulator for d features and k classes. flags: 0 (two-pass
 * mode: O(k d) state, never a d x d matrix), NCD_ACC_SCATTER,
 * NCD_ACC_CLASS_SCATTER, or both, each optionally with NCD_ACC_SILHOUETTE
 * and/or NCD_ACC_NC4_CLASS (below, in the peer calls on an accumulator). Statuses: NCD_EINVAL (acc NULL, d = 0, k < 2,
 * unknown flag bits, sizes that overflow), NCD_ENOMEM. *acc is set only on
 * success; release it with ncd_nc_acc_free.
 */
NCD_API int ncd_nc_acc_create(size_t d, size_t k, unsigned flags, ncd_nc_acc **acc);

/** Release an accumulator; NULL is a no-op. */
NCD_API void ncd_nc_acc_free(ncd_nc_acc *acc);

/**
 * Copy the classifier W (k x d, row-major, ldw >= d) and bias b (k values, NULL:
 * zero bias) into the state. Called before the first update, the first pass
 * counts NCD_ACCURACY; set later (up to ncd_nc_acc_begin_pass2, e.g. on a merged
 * first-pass state) the second pass counts it. Setting the same classifier
 * again (bitwise) is a no-op. Statuses: NCD_EINVAL (NULL acc or w, ldw < d, a
 * different classifier already set, called after begin_pass2), NCD_ENONFINITE
 * (NaN/Inf in w or b; the state is unchanged), NCD_ENOMEM.
 */
NCD_API int ncd_nc_acc_set_classifier(ncd_nc_acc *acc, const double *w, size_t ldw,
                                      const double *b);

/**
 * Add a batch of n >= 1 samples h (n x d, ldh >= d) with labels y in [0, k);
 * classes may be missing from a batch. Before ncd_nc_acc_begin_pass2 this is the
 * first pass (means, q_c, scatters, accuracy if the classifier was set first);
 * after it, the second pass, which must see the same samples again (any order,
 * any batches). A batch rejected for any reason leaves the accumulator exactly
 * as it was. Statuses: NCD_EINVAL (NULL, n = 0, ldh < d, label out of range, a
 * second-pass batch with more samples of a class than the first pass had),
 * NCD_ENONFINITE (NaN/Inf in h; in the first pass found through the batch's
 * class means, so finite features whose class sum overflows are refused too),
 * NCD_ENOMEM.
 */
NCD_API int ncd_nc_acc_update(ncd_nc_acc *acc, size_t n, const double *h, size_t ldh,
                              const int32_t *y);

/** float32 twin of ncd_nc_acc_update (converted block by block, arithmetic in
 *  double). Same statuses. */
NCD_API int ncd_nc_acc_update_f32(ncd_nc_acc *acc, size_t n, const float *h, size_t ldh,
                                  const int32_t *y);

/** int64-label twin of ncd_nc_acc_update. Same statuses. */
NCD_API int ncd_nc_acc_update_i64(ncd_nc_acc *acc, size_t n, const double *h, size_t ldh,
                                  const int64_t *y);

/** float32 features with int64 labels. Same statuses as ncd_nc_acc_update. */
NCD_API int ncd_nc_acc_update_f32_i64(ncd_nc_acc *acc, size_t n, const float *h,
                                      size_t ldh, const int64_t *y);

/**
 * Add src into dst (Chan-Golub-LeVeque update of counts, means, q_c and
 * scatters; pass-2 sums added). Both must have the same d, k, flags, classifier
 * (bitwise) and pass, and second-pass states the same first pass (bitwise equal
 * reference point, counts and means) with at most the first pass's samples in
 * total; dst == src is rejected. Statuses: NCD_EINVAL (any of these, NULL),
 * NCD_ENOMEM. On error dst is unchanged.
 */
NCD_API int ncd_nc_acc_merge(ncd_nc_acc *dst, const ncd_nc_acc *src);

/**
 * Freeze the first-pass statistics (class means, SVD of Mbar) and start the
 * second pass. Metrics that need the final means before a sample is scored (NC1
 * without NCD_ACC_SCATTER, NC4, the cosine margins, accuracy when the classifier
 * came late) come from the second pass and are NaN until it has seen as many
 * samples of every class as the first. Statuses: NCD_EINVAL (NULL, already in
 * pass 2, a class without samples), NCD_ENOMEM, NCD_ENOCONV.
 */
NCD_API int ncd_nc_acc_begin_pass2(ncd_nc_acc *acc);

/**
 * Options of the state's metrics (ncd_nc_options: pseudo-inverse cut, unweighted
 * centre; NULL restores the defaults). They apply to ncd_nc_acc_metrics and are
 * frozen by ncd_nc_acc_begin_pass2 for the second pass. Non-default options are
 * saved (byte format v1.1) and restored by ncd_nc_acc_load; second-pass states
 * merge only with equal options. Statuses: NCD_EINVAL (acc NULL, an option out of range, different
 * options after begin_pass2).
 */
NCD_API int ncd_nc_acc_set_options(ncd_nc_acc *acc, const ncd_nc_options *opt);

/**
 * Fill out[0 .. nout) like ncd_nc_metrics from the state; NaN where the state
 * cannot determine a metric (no classifier, pass 2 incomplete, flag not set, a
 * class without samples). Statuses: NCD_EINVAL (acc NULL, out NULL with
 * nout > 0), NCD_ENOMEM, NCD_ENOCONV.
 */
NCD_API int ncd_nc_acc_metrics(const ncd_nc_acc *acc, double *out, size_t nout);

/**
 * Serialize the state in the portable byte format v1.0 of spec/metrics.md 4e
 * (little-endian, CRC-32 protected; the size depends on d, k and the flags,
 * never on the number of samples), or its minor version v1.1 (docs/metrics.md)
 * when the state was created with NCD_ACC_SILHOUETTE or NCD_ACC_NC4_CLASS or
 * holds non-default options; any other state gives exactly the v1.0 bytes. *len receives the size; with buf NULL
 * only the size is returned (NCD_OK). Statuses: NCD_EINVAL (acc or len NULL,
 * cap smaller than the size with buf not NULL), NCD_ENOTSUP (size beyond 2^58).
 */
NCD_API int ncd_nc_acc_save(const ncd_nc_acc *acc, void *buf, size_t cap, size_t *len);

/**
 * Rebuild a state saved by ncd_nc_acc_save on any machine (v1.0 or v1.1
 * bytes). Statuses: NCD_EINVAL (buf or acc NULL), NCD_EFORMAT (bad magic,
 * unknown major version, minor version > 1, unknown flag bits, size or CRC
 * mismatch, non-finite reals, inconsistent counts or classifier fingerprint;
 * nothing is allocated), NCD_ENOMEM, NCD_ENOCONV. *acc is set only on success.
 */
NCD_API int ncd_nc_acc_load(const void *buf, size_t len, ncd_nc_acc **acc);

/*
 * Peer parity (spec/metrics-peers.md; docs/peers.md maps every function of
 * rhubarbwu/neural-collapse, felixsh/nc-toolbox and MONAI's
 * EmbeddingCollapseMetric to the call here that reproduces it).
 */

/** Centre c0 of the class means (P-1), the value of
 *  ncd_nc_options.unweighted_centre: the sample mean (api.md default), the
 *  unweighted mean of the class means (rhubarbwu), or 0 (raw means, MONAI). */
typedef enum ncd_centre {
  NCD_CENTRE_SAMPLE = 0, /**< c0 = (1/n) sum_i h_i                 */
  NCD_CENTRE_CLASS = 1,  /**< c0 = (1/K) sum_c mu_c                */
  NCD_CENTRE_NONE = 2    /**< c0 = 0                               */
} ncd_centre;

/**
 * ncd_nc_metrics_ex computing only the metrics whose bit (1 << metric) is set
 * in select; the other out[i] are NaN. The work follows the selection: NC1 and
 * the cosine margins need the second pass, NCD_NUMRANK_H k d x d
 * eigenproblems, NCD_SNR_* and NCD_ERANK a SYRK (O(n d^2)) and O(d^3),
 * NCD_SILHOUETTE_COS two O(n d k) passes; the pair statistics (indices 12,
 * 19 to 24) cost O(k^2 d) beyond the pass over h they share. select = 0
 * computes nothing (out all NaN). Statuses as ncd_nc_metrics_ex.
 */
NCD_API int ncd_nc_metrics_select(size_t n, size_t d, size_t k, const double *h,
                                  size_t ldh, const int32_t *y, const double *w,
                                  size_t ldw, const double *b, const ncd_nc_options *opt,
                                  uint64_t select, double *out, size_t nout);

/** Pair statistics of ncd_nc_pairs: x_cc' over the pairs c < c' in row order
 *  (numpy triu_indices order), spec/metrics-peers.md P-4 to P-6. */
typedef enum ncd_pair {
  NCD_PAIR_CDNV = 0,      /**< (v_c + v_c') / (2 ||mu_c - mu_c'||^(2p)), v_c = q_c / n_c (rhubarbwu) */
  NCD_PAIR_CDNV_UNBIASED, /**< same with v_c = q_c / (n_c - 1) (nc-toolbox)               */
  NCD_PAIR_DIST,          /**< ||u_c - u_c'||, u_c = mbar_c / ||mbar_c||                   */
  NCD_PAIR_LOG,           /**< p log ||u_c - u_c'|| (p = -1: log kernel of GNC2)           */
  NCD_PAIR_RIESZ,         /**< sgn(p) ||u_c - u_c'||^(-p), sgn(0) = +1 (rhubarbwu: p = d - 2) */
  NCD_PAIR_LOGNORM_DIFF,  /**< log||mbar_c|| - log||mbar_c'|| (nc-toolbox nc2_equinormness)   */
  NCD_PAIR_COS_SHIFTED,   /**< cos(mbar_c, mbar_c') + 1/(K-1) (nc2_equiangularity)          */
  NCD_PAIR_WCOS_UPPER     /**< cos(w_c, mbar_c') (nc-toolbox unc3_uniform_duality)          */
} ncd_pair;

/**
 * One pair statistic (enum ncd_pair) of features h (n x d, ldh) with labels y
 * in [0, k) and, for NCD_PAIR_WCOS_UPPER only, the classifier w (k x d, ldw;
 * otherwise it may be NULL). Centred means mbar_c = mu_c - c0 with the centre
 * given (the CDNV pairs use mu_c - mu_c' and ignore it); p is the distance
 * exponent (CDNV, default 1), the log factor e (LOG) or the Riesz exponent s
 * (RIESZ), ignored otherwise. Outputs (each may be NULL): *mean and *var (the
 * population variance; nc-toolbox's "cov" reduction is sqrt(var)/mean) over the
 * P = k(k-1)/2 pairs, vals the P values in row order. Division by zero gives
 * +Inf (CDNV, LOG, RIESZ at a zero distance) or NaN (a zero mbar_c or w_c;
 * n_c = 1 with NCD_PAIR_CDNV_UNBIASED); a mean containing +Inf has var NaN.
 * Statuses: NCD_EINVAL (as ncd_nc_metrics; also an unknown which or centre, p
 * not finite, w NULL for NCD_PAIR_WCOS_UPPER), NCD_ENONFINITE, NCD_ENOMEM.
 */
NCD_API int ncd_nc_pairs(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                         const int32_t *y, const double *w, size_t ldw, ncd_centre centre,
                         ncd_pair which, double p, double *mean, double *var, double *vals);

/**
 * Effective rank (Roy and Vetterli 2007; spec P-14): erank(X) = exp(-sum_i
 * pi_i log pi_i), pi_i = sigma_i / sum sigma over the singular values of X.
 * *erank (may be NULL) is that of the sample-centred features H - 1 mu_G^T
 * (NCD_ERANK); erank_class (k values, may be NULL) that of each class block
 * H_(c) - 1 mu_c^T (NaN for n_c < 2 or an all-equal block). sigma_i are the
 * square roots of the scatter's eigenvalues, those at or below
 * d * DBL_EPSILON * lambda_max set to 0 (spec P-14). MONAI's
 * effective_rank_score is 1 - erank / min(n - 1, d). Cost O(n d^2 + d^3) (per
 * class: k times). Statuses: NCD_EINVAL (as ncd_nc_metrics), NCD_ENONFINITE,
 * NCD_ENOMEM, NCD_ENOCONV.
 */
NCD_API int ncd_nc_erank(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                         const int32_t *y, double *erank, double *erank_class);

/**
 * Cosine silhouette (Rousseeuw 1987, distance 1 - cos; spec P-16) by the
 * O(n d k) route through the class sums of the normalised rows: per_sample (n
 * values, may be NULL) s_i = (b_i - a_i) / max(a_i, b_i) (0 for a singleton
 * class), *mean (may be NULL) their mean = NCD_SILHOUETTE_COS, equal to
 * sklearn's silhouette_score(metric="cosine"); a zero row has distance 1 to
 * everything. MONAI's separation is (1 - mean)/2. Statuses: NCD_EINVAL (as
 * ncd_nc_metrics), NCD_ENONFINITE, NCD_ENOMEM.
 */
NCD_API int ncd_nc_silhouette_cos(size_t n, size_t d, size_t k, const double *h,
                                  size_t ldh, const int32_t *y, double *mean,
                                  double *per_sample);

/**
 * Linear CKA (Kornblith et al. 2019; spec P-15) of paired representations x
 * (n x d1, ldx) and z (n x d2, ldz), rows paired:
 * ||Xc^T Zc||_F^2 / (||Xc^T Xc||_F ||Zc^T Zc||_F), Xc, Zc column-centred, in
 * the feature-space form (O(n (d1 + d2)^2): column means, then the centred
 * co-moments by row blocks, never an n x n Gram). NaN if either representation is constant. Equals
 * MONAI's domain_shift for equal n. Statuses: NCD_EINVAL (NULL, n < 2, a
 * dimension 0, ld too small, cka NULL), NCD_ENONFINITE, NCD_ENOMEM.
 */
NCD_API int ncd_linear_cka(size_t n, size_t d1, const double *x, size_t ldx, size_t d2,
                           const double *z, size_t ldz, double *cka);

/**
 * Agreement of the classifier with the nearest-mean rule against class means
 * m (k x d, ldm) given by the caller (spec P-8, rhubarbwu clf_ncc_agreement):
 * samples h (n x d, ldh) with labels y in [0, k) (classes may be missing, e.g.
 * held-out data scored against training means), w (k x d, ldw, required), b
 * (k, NULL: no bias). lin_i = argmax_c w_c . h_i + b_c, ncc_i = argmin_c
 * ||h_i - m_c||^2 (centred scores, ties to the lowest index); a_c the fraction
 * of class c with lin_i = ncc_i (0 for a class without samples). Outputs (any
 * may be NULL, not all): *weighted = sum_c n_c a_c / n, *classavg = (1/k)
 * sum_c a_c, per_class = a (k values). With m = the data's class means and b =
 * NULL, weighted = 1 - NCD_NC4 and classavg = 1 - NCD_NC4_CLASSAVG. Statuses:
 * NCD_EINVAL (NULL, sizes, ld, labels), NCD_ENONFINITE, NCD_ENOMEM.
 */
NCD_API int ncd_nc_agreement(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                             const int32_t *y, const double *m, size_t ldm, const double *w,
                             size_t ldw, const double *b, double *weighted, double *classavg,
                             double *per_class);

/**
 * OOD orthogonality deviation NC5 (spec P-9, rhubarbwu orthogonality_deviation;
 * Ammar et al. 2024): (1/k) sum_c |cos(mu_c - c0, g - c0)| with g the mean of
 * the n_ood out-of-distribution features h_ood (n_ood x d, ldo) and c0 the
 * centre given (rhubarbwu's README call is NCD_CENTRE_NONE; NCD_CENTRE_SAMPLE
 * is the translation-invariant variant). NaN if some mu_c = c0 or g = c0 to
 * the rounding of the mean (||g - c0|| <= (n_ood + 2) eps s, s the 1-norm of
 * the mean absolute row plus that of c0, both relative to an internal point).
 * Statuses: NCD_EINVAL (as ncd_nc_metrics; also h_ood NULL, n_ood = 0, ldo < d,
 * out NULL, unknown centre), NCD_ENONFINITE, NCD_ENOMEM.
 */
NCD_API int ncd_nc_ood_orthodev(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                const int32_t *y, size_t n_ood, const double *h_ood,
                                size_t ldo, ncd_centre centre, double *out);

/**
 * Principal directions of features h (n x d, ldh; spec P-12, nc-toolbox
 * principal_decomp): p receives r = min(n, d) rows (ldp >= d), row j the j-th
 * right singular vector of H (centre = 0) or of H - 1 hbar^T (centre = 1),
 * multiplied by the sign of its largest-|.| entry (first index on ties); s (r
 * values, may be NULL) the singular values, descending; mean (d values, may be
 * NULL) hbar when centred. Computed from the eigenvectors of the d x d Gram
 * (never a copy of h): rows for repeated or zero singular values are not
 * unique. Statuses: NCD_EINVAL (NULL h or p, n or d = 0, ld too small, centre
 * not 0 or 1), NCD_ENONFINITE, NCD_ENOMEM, NCD_ENOCONV.
 */
NCD_API int ncd_principal_decomp(size_t n, size_t d, const double *h, size_t ldh, int centre,
                                 double *p, size_t ldp, double *s, double *mean);

/**
 * NRC1 profile (spec P-10, nc-toolbox nrc1_collapse_all): out[j-1] = (1/n)
 * sum_i ||u_i - V_j V_j^T u_i||^2 for j = 1..d, u_i = h_i/||h_i|| (raw rows),
 * V_j the first j right singular vectors of the uncentred H; out[d-1] = 0.
 * NaN if a row is 0. Statuses: NCD_EINVAL (NULL, n or d = 0, ld too small),
 * NCD_ENONFINITE, NCD_ENOMEM, NCD_ENOCONV.
 */
NCD_API int ncd_nrc1_profile(size_t n, size_t d, const double *h, size_t ldh, double *out);

/** ncd_nrc_metrics flags: nc-toolbox's literal nrc3_structure (spec P-11); V of
 *  NRC1 from the centred H (sklearn PCA style). */
enum { NCD_NRC_NCTB = 1, NCD_NRC_PCA_CENTRED = 2 };

/**
 * Neural regression collapse (spec P-10, P-11; Andriopoulos et al. 2024) of
 * features h (n x d, ldh), m-dimensional targets t (n x m, ldt, may be NULL)
 * and regression head wr (m x d, ldwr, may be NULL): out[0] = NRC1 =
 * ncd_nrc1_profile's value at j = m; out[1] = NRC2 = (1/n) sum_i ||u_i -
 * P_W u_i||^2, P_W the projector on the row space of wr (NaN without wr);
 * out[2] = NRC3 = min over gamma in [gamma_lo, gamma_hi] of ||A - X/||X||_F||_F^2,
 * A = wr wr^T/||wr wr^T||_F, X = Sigma^(1/2) - sqrt(gamma) I with Sigma the
 * sample-centred target covariance (/n) and its symmetric root (flag
 * NCD_NRC_NCTB: nc-toolbox's literal vector form), out[3] = the minimising
 * gamma (golden-section search to 1e-12; gamma_lo == gamma_hi evaluates there);
 * NaN without t or wr. Statuses: NCD_EINVAL (NULL h or out, m = 0 or m >
 * min(n, d), ld too small, gamma_lo < 0, gamma_lo > gamma_hi, a non-finite
 * bound, unknown flags), NCD_ENONFINITE, NCD_ENOMEM, NCD_ENOCONV.
 */
NCD_API int ncd_nrc_metrics(size_t n, size_t d, const double *h, size_t ldh, size_t m,
                            const double *t, size_t ldt, const double *wr, size_t ldwr,
                            double gamma_lo, double gamma_hi, unsigned flags, double out[4]);

/**
 * Per-class vectors of rhubarbwu's measure.py (spec P-7) with centred means
 * mbar_c = mu_c - c0 (centre as given; rhubarbwu's README uses
 * NCD_CENTRE_CLASS): norms[c] = ||mbar_c|| (mean_norms), dots[c] = w_c . mbar_c
 * (similarities), cosines[c] = cos(w_c, mbar_c) (similarities(cos=True); NaN
 * for a zero vector where torch gives 0), dual_dist[c] = ||w_c/||w_c|| -
 * mbar_c/||mbar_c|| || (distance_norms(norm=True)), gram = Mbar Mbar^T (k x k,
 * ldg >= k; interference_grid). Each output may be NULL (not all); w (k x d,
 * ldw) is required for dots, cosines and dual_dist. NCD_UNC3_VAR is the
 * variance (divisor k - 1) of dots. Statuses: NCD_EINVAL (as ncd_nc_metrics;
 * also unknown centre, w missing, ldg < k), NCD_ENONFINITE, NCD_ENOMEM.
 */
NCD_API int ncd_nc_class_vectors(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                 const int32_t *y, const double *w, size_t ldw,
                                 ncd_centre centre, double *norms, double *dots,
                                 double *cosines, double *dual_dist, double *gram, size_t ldg);

/* -- Peer calls: float32 / int64-label twins and pair grids -- */
/*
 * Twins of the peer calls (docs/peers.md): _f32 takes the features as float
 * (same layout and leading dimension), converted to double block by block
 * (never whole; all arithmetic in double), so the result equals the float64
 * call on the converted array; _i64 takes int64 labels (torch's default), which
 * must lie in [0, k) (negative or >= k, including values >= 2^31: NCD_EINVAL)
 * and gives results bitwise equal to the int32 call; _f32_i64 both. Caller-given
 * small matrices (w, b, m, regression targets and head) stay double. Validation
 * order and statuses are those of the original call; NaN/Inf in float32 data
 * gives NCD_ENONFINITE.
 */

/** float32 twin of ncd_nc_metrics_select (h float, n x d, ldh). Same statuses. */
NCD_API int ncd_nc_metrics_select_f32(size_t n, size_t d, size_t k, const float *h,
                                      size_t ldh, const int32_t *y, const double *w,
                                      size_t ldw, const double *b, const ncd_nc_options *opt,
                                      uint64_t select, double *out, size_t nout);
/** int64-label twin of ncd_nc_metrics_select. Same statuses. */
NCD_API int ncd_nc_metrics_select_i64(size_t n, size_t d, size_t k, const double *h,
                                      size_t ldh, const int64_t *y, const double *w,
                                      size_t ldw, const double *b, const ncd_nc_options *opt,
                                      uint64_t select, double *out, size_t nout);
/** float32 features, int64 labels: ncd_nc_metrics_select. Same statuses. */
NCD_API int ncd_nc_metrics_select_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                          size_t ldh, const int64_t *y, const double *w,
                                          size_t ldw, const double *b,
                                          const ncd_nc_options *opt, uint64_t select,
                                          double *out, size_t nout);

/** float32 twin of ncd_nc_pairs (h float; w double). Same statuses. */
NCD_API int ncd_nc_pairs_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                             const int32_t *y, const double *w, size_t ldw, ncd_centre centre,
                             ncd_pair which, double p, double *mean, double *var, double *vals);
/** int64-label twin of ncd_nc_pairs. Same statuses. */
NCD_API int ncd_nc_pairs_i64(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                             const int64_t *y, const double *w, size_t ldw, ncd_centre centre,
                             ncd_pair which, double p, double *mean, double *var, double *vals);
/** float32 features, int64 labels: ncd_nc_pairs. Same statuses. */
NCD_API int ncd_nc_pairs_f32_i64(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                                 const int64_t *y, const double *w, size_t ldw,
                                 ncd_centre centre, ncd_pair which, double p, double *mean,
                                 double *var, double *vals);

/**
 * The full k x k grid x_cc' of an ncd_nc_pairs statistic (row-major, ldg >= k;
 * rhubarbwu's kernel grids and class_dist_norm_vars): grid[c][c'] for c < c'
 * equals the ncd_nc_pairs value of the pair (c, c') bitwise (vals in triu
 * order = the strict upper triangle read row by row). The lower triangle is
 * the mirror for the symmetric statistics (CDNV, CDNV_UNBIASED, DIST, LOG,
 * RIESZ, COS_SHIFTED), the negated mirror for NCD_PAIR_LOGNORM_DIFF
 * (antisymmetric), and cos(w_c, mbar_c') for every c, c' for
 * NCD_PAIR_WCOS_UPPER (not symmetric). The diagonal is the statistic's formula
 * at c' = c, as rhubarbwu's grids evaluate their kernels on the whole tile:
 * CDNV and CDNV_UNBIASED v_c / 0^p: +Inf for p > 0 (NaN if v_c = 0), v_c for p
 * = 0, 0 for p < 0; DIST 0; LOG p log 0: +Inf for p < 0, -Inf for p > 0, NaN
 * for p = 0; RIESZ sgn(p) 0^(-p): +Inf for p > 0, 1 for p = 0, -0 for p < 0;
 * LOGNORM_DIFF 0; COS_SHIFTED cos(mbar_c, mbar_c) + 1/(k-1) = k/(k-1) up to
 * rounding; WCOS_UPPER cos(w_c, mbar_c) (the self-duality of rhubarbwu's
 * similarities(cos=True), P-7). A zero mbar_c (or w_c) gives NaN in its row and
 * column as in ncd_nc_pairs (CDNV excepted). Cost O(k^2 d) after one pass over
 * h (two for CDNV). Statuses: those of ncd_nc_pairs, and NCD_EINVAL for grid
 * NULL or ldg < k. grid is untouched on error.
 */
NCD_API int ncd_nc_pair_grid(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                             const int32_t *y, const double *w, size_t ldw, ncd_centre centre,
                             ncd_pair which, double p, double *grid, size_t ldg);
/** float32 twin of ncd_nc_pair_grid (h float; w, grid double). Same statuses. */
NCD_API int ncd_nc_pair_grid_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                                 const int32_t *y, const double *w, size_t ldw,
                                 ncd_centre centre, ncd_pair which, double p, double *grid,
                                 size_t ldg);
/** int64-label twin of ncd_nc_pair_grid. Same statuses. */
NCD_API int ncd_nc_pair_grid_i64(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                 const int64_t *y, const double *w, size_t ldw,
                                 ncd_centre centre, ncd_pair which, double p, double *grid,
                                 size_t ldg);
/** float32 features, int64 labels: ncd_nc_pair_grid. Same statuses. */
NCD_API int ncd_nc_pair_grid_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                     size_t ldh, const int64_t *y, const double *w, size_t ldw,
                                     ncd_centre centre, ncd_pair which, double p,
                                     double *grid, size_t ldg);

/** float32 twin of ncd_nc_erank (h float). Same statuses. */
NCD_API int ncd_nc_erank_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                             const int32_t *y, double *erank, double *erank_class);
/** int64-label twin of ncd_nc_erank. Same statuses. */
NCD_API int ncd_nc_erank_i64(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                             const int64_t *y, double *erank, double *erank_class);
/** float32 features, int64 labels: ncd_nc_erank. Same statuses. */
NCD_API int ncd_nc_erank_f32_i64(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                                 const int64_t *y, double *erank, double *erank_class);

/** float32 twin of ncd_nc_silhouette_cos (h float). Same statuses. */
NCD_API int ncd_nc_silhouette_cos_f32(size_t n, size_t d, size_t k, const float *h,
                                      size_t ldh, const int32_t *y, double *mean,
                                      double *per_sample);
/** int64-label twin of ncd_nc_silhouette_cos. Same statuses. */
NCD_API int ncd_nc_silhouette_cos_i64(size_t n, size_t d, size_t k, const double *h,
                                      size_t ldh, const int64_t *y, double *mean,
                                      double *per_sample);
/** float32 features, int64 labels: ncd_nc_silhouette_cos. Same statuses. */
NCD_API int ncd_nc_silhouette_cos_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                          size_t ldh, const int64_t *y, double *mean,
                                          double *per_sample);

/** float32 twin of ncd_nc_agreement (h float; m, w, b double). Same statuses. */
NCD_API int ncd_nc_agreement_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                                 const int32_t *y, const double *m, size_t ldm,
                                 const double *w, size_t ldw, const double *b,
                                 double *weighted, double *classavg, double *per_class);
/** int64-label twin of ncd_nc_agreement. Same statuses. */
NCD_API int ncd_nc_agreement_i64(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                 const int64_t *y, const double *m, size_t ldm,
                                 const double *w, size_t ldw, const double *b,
                                 double *weighted, double *classavg, double *per_class);
/** float32 features, int64 labels: ncd_nc_agreement. Same statuses. */
NCD_API int ncd_nc_agreement_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                     size_t ldh, const int64_t *y, const double *m,
                                     size_t ldm, const double *w, size_t ldw,
                                     const double *b, double *weighted, double *classavg,
                                     double *per_class);

/** float32 twin of ncd_nc_ood_orthodev: h and h_ood both float (n x d, ldh;
 *  n_ood x d, ldo). Same statuses. */
NCD_API int ncd_nc_ood_orthodev_f32(size_t n, size_t d, size_t k, const float *h,
                                    size_t ldh, const int32_t *y, size_t n_ood,
                                    const float *h_ood, size_t ldo, ncd_centre centre,
                                    double *out);
/** int64-label twin of ncd_nc_ood_orthodev (h, h_ood double). Same statuses. */
NCD_API int ncd_nc_ood_orthodev_i64(size_t n, size_t d, size_t k, const double *h,
                                    size_t ldh, const int64_t *y, size_t n_ood,
                                    const double *h_ood, size_t ldo, ncd_centre centre,
                                    double *out);
/** float32 features (h and h_ood), int64 labels: ncd_nc_ood_orthodev. Same statuses. */
NCD_API int ncd_nc_ood_orthodev_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                        size_t ldh, const int64_t *y, size_t n_ood,
                                        const float *h_ood, size_t ldo, ncd_centre centre,
                                        double *out);

/** float32 twin of ncd_nc_class_vectors (h float; w and the outputs double).
 *  Same statuses. */
NCD_API int ncd_nc_class_vectors_f32(size_t n, size_t d, size_t k, const float *h,
                                     size_t ldh, const int32_t *y, const double *w,
                                     size_t ldw, ncd_centre centre, double *norms,
                                     double *dots, double *cosines, double *dual_dist,
                                     double *gram, size_t ldg);
/** int64-label twin of ncd_nc_class_vectors. Same statuses. */
NCD_API int ncd_nc_class_vectors_i64(size_t n, size_t d, size_t k, const double *h,
                                     size_t ldh, const int64_t *y, const double *w,
                                     size_t ldw, ncd_centre centre, double *norms,
                                     double *dots, double *cosines, double *dual_dist,
                                     double *gram, size_t ldg);
/** float32 features, int64 labels: ncd_nc_class_vectors. Same statuses. */
NCD_API int ncd_nc_class_vectors_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                         size_t ldh, const int64_t *y, const double *w,
                                         size_t ldw, ncd_centre centre, double *norms,
                                         double *dots, double *cosines, double *dual_dist,
                                         double *gram, size_t ldg);

/** float32 twin of ncd_linear_cka: x (n x d1, ldx) and z (n x d2, ldz) both
 *  float, read block by block. Same statuses. */
NCD_API int ncd_linear_cka_f32(size_t n, size_t d1, const float *x, size_t ldx, size_t d2,
                               const float *z, size_t ldz, double *cka);

/** float32 twin of ncd_principal_decomp (h float; p, s, mean double). Same
 *  statuses. */
NCD_API int ncd_principal_decomp_f32(size_t n, size_t d, const float *h, size_t ldh,
                                     int centre, double *p, size_t ldp, double *s,
                                     double *mean);

/** float32 twin of ncd_nrc1_profile (h float). Same statuses. */
NCD_API int ncd_nrc1_profile_f32(size_t n, size_t d, const float *h, size_t ldh, double *out);

/** float32 twin of ncd_nrc_metrics: only the features h are float (n x d,
 *  ldh); the targets t (n x m, ldt) and the regression head wr (m x d, ldwr)
 *  stay double. Same statuses. */
NCD_API int ncd_nrc_metrics_f32(size_t n, size_t d, const float *h, size_t ldh, size_t m,
                                const double *t, size_t ldt, const double *wr, size_t ldwr,
                                double gamma_lo, double gamma_hi, unsigned flags,
                                double out[4]);
/* -- Peer metrics of the streaming accumulator -- */
/*
 * The peer metrics of a streaming accumulator (spec/metrics-peers.md; docs/metrics.md
 * "Streaming peer metrics"): every value equals the one-shot call on all the data
 * (same tolerance as ncd_nc_acc_metrics) whatever the batch split or merge tree.
 * NCD_NC4_CLASSAVG comes from the second pass of a state created with
 * NCD_ACC_NC4_CLASS and given a classifier (per-class mismatch counts, merged
 * by addition).
 */

/** Extra flags of ncd_nc_acc_create (combinable with NCD_ACC_SCATTER and
 *  NCD_ACC_CLASS_SCATTER). NCD_ACC_SILHOUETTE: keep the k x d class sums of
 *  the unit-length rows (plain sums, spec P-16) in the first pass and the sum
 *  of the silhouettes s_i in the second, so that ncd_nc_acc_metrics gives
 *  NCD_SILHOUETTE_COS once the second pass is complete (O(k d) state, O(d k)
 *  per sample). NCD_ACC_NC4_CLASS: count the second pass's nearest-mean
 *  mismatches per class (needs a classifier), so that ncd_nc_acc_metrics
 *  gives NCD_NC4_CLASSAVG (O(k) state). Both are opt-in because their state
 *  is saved in the v1.1 byte format; without them every state saves as the
 *  v1.0 bytes of spec/metrics.md 4e, as api.md fixes. */
enum { NCD_ACC_SILHOUETTE = 4, NCD_ACC_NC4_CLASS = 8 };

/**
 * ncd_nc_pairs from an accumulator's first-pass state (counts, class means,
 * q_c, and for NCD_PAIR_WCOS_UPPER the classifier set on it): same centre,
 * which, p and outputs (*mean, *var, vals of k(k-1)/2 values in row order;
 * each may be NULL). Works in either pass (the second pass does not change
 * the first-pass state). Statuses: NCD_EINVAL (acc NULL, unknown centre or
 * which, p not finite, a class without samples, NCD_PAIR_WCOS_UPPER without a
 * classifier), NCD_ENOMEM.
 */
NCD_API int ncd_nc_acc_pairs(const ncd_nc_acc *acc, ncd_centre centre, ncd_pair which,
                             double p, double *mean, double *var, double *vals);

/**
 * ncd_nc_class_vectors from an accumulator's first-pass state: norms, dots,
 * cosines, dual_dist (k values each) and gram (k x k, ldg >= k), each may be
 * NULL but not all; dots, cosines and dual_dist need the classifier set on
 * the state. Statuses: NCD_EINVAL (acc NULL, unknown centre, all outputs NULL,
 * a classifier output without a classifier, ldg < k with gram, a class
 * without samples), NCD_ENOMEM.
 */
NCD_API int ncd_nc_acc_class_vectors(const ncd_nc_acc *acc, ncd_centre centre,
                                     double *norms, double *dots, double *cosines,
                                     double *dual_dist, double *gram, size_t ldg);

/**
 * ncd_nc_erank from an accumulator: *erank (NCD_ERANK, needs NCD_ACC_SCATTER:
 * eigenvalues of S_W + Mbar^T diag(n_c) Mbar) and erank_class (k values, needs
 * NCD_ACC_CLASS_SCATTER: eigenvalues of each S_c; NaN for n_c < 2), with the
 * d * DBL_EPSILON * lambda_max cut of spec P-14. Either output may be NULL, not
 * both. Statuses: NCD_EINVAL (acc NULL, both outputs NULL, an output whose
 * flag the state was created without, a class without samples), NCD_ENOMEM,
 * NCD_ENOCONV. Cost O(d^3) (per class: k times).
 */
NCD_API int ncd_nc_acc_erank(const ncd_nc_acc *acc, double *erank, double *erank_class);

/**
 * OOD orthogonality deviation NC5 (ncd_nc_ood_orthodev, spec P-9) of the class
 * means of acc against the mean g of out-of-distribution data, given either as
 * a second accumulator ood (fed with the OOD features under any labels in
 * [0, ood's k), e.g. all 0; its sample mean is the running mean g, so the OOD
 * stream can be batched and merged like the in-distribution one) or as the
 * mean vector g_mean (d values) computed by the caller; exactly one of ood and
 * g_mean must be non-NULL. *out = (1/k) sum_c |cos(mu_c - c0, g - c0)|, NaN if
 * some mu_c = c0 or g = c0 up to the rounding of the means (as
 * ncd_nc_ood_orthodev, with n_ood the OOD state's sample count, 1 for g_mean). Statuses: NCD_EINVAL (acc or out NULL, both or
 * neither of ood and g_mean, ood with another d or without samples, unknown
 * centre, a class of acc without samples), NCD_ENONFINITE (NaN/Inf in g_mean),
 * NCD_ENOMEM.
 */
NCD_API int ncd_nc_acc_ood_orthodev(const ncd_nc_acc *acc, const ncd_nc_acc *ood,
                                    const double *g_mean, ncd_centre centre, double *out);
/* -- Streaming linear CKA and neural regression collapse objects -- */
/*
 * Streaming, mergeable linear CKA and neural regression collapse (spec P-15,
 * P-10, P-11 "Streaming"; docs/peers.md "Streaming objects"). Opaque states in
 * the style of ncd_nc_acc: create, update by batches of rows (any split), merge
 * shards, read the value, save/load in a portable byte format (little-endian,
 * CRC-32) whose size depends on the dimensions only, never on the number of
 * rows. A rejected call leaves the state exactly as it was. An object is not
 * safe to use from several threads at once.
 */

/** Opaque streaming linear-CKA state: row count, column means of x and z
 *  (relative to their first rows) and the centred co-moments Cxx, Czz, Cxz. */
typedef struct ncd_cka_acc ncd_cka_acc;

/**
 * Create an empty CKA state for paired representations with d1 and d2
 * columns (state: O((d1 + d2)^2) doubles). Statuses: NCD_EINVAL (acc NULL, d1
 * or d2 = 0, sizes that overflow), NCD_ENOMEM. *acc is set only on success;
 * release it with ncd_cka_acc_free.
 */
NCD_API int ncd_cka_acc_create(size_t d1, size_t d2, ncd_cka_acc **acc);

/** Release a CKA state; NULL is a no-op. */
NCD_API void ncd_cka_acc_free(ncd_cka_acc *acc);

/**
 * Add n >= 1 paired rows x (n x d1, ldx >= d1) and z (n x d2, ldz >= d2): the
 * batch is centred by its own means, its co-moments are added by SYRK/GEMM in
 * blocks of rows and merged with the Chan update C = C_a + C_b + (n_a n_b / n)
 * dx dz^T (no "sum of squares minus squared mean"). Statuses: NCD_EINVAL (NULL,
 * n = 0, ld too small), NCD_ENONFINITE, NCD_ENOMEM; the state is unchanged on
 * error.
 */
NCD_API int ncd_cka_acc_update(ncd_cka_acc *acc, size_t n, const double *x, size_t ldx,
                               const double *z, size_t ldz);

/** float32 twin of ncd_cka_acc_update (rows converted element by element,
 *  arithmetic in double). Same statuses. */
NCD_API int ncd_cka_acc_update_f32(ncd_cka_acc *acc, size_t n, const float *x, size_t ldx,
                                   const float *z, size_t ldz);

/**
 * Add the state src into dst (Chan co-moment merge, elementwise in a fixed
 * order: the same merge tree gives the same bytes). Statuses: NCD_EINVAL
 * (NULL, dst == src, different d1 or d2), NCD_ENOMEM; dst unchanged on error.
 */
NCD_API int ncd_cka_acc_merge(ncd_cka_acc *dst, const ncd_cka_acc *src);

/**
 * *cka = ||Cxz||_F^2 / (||Cxx||_F ||Czz||_F), ncd_linear_cka of all rows seen;
 * NaN when either representation is constant (including fewer than 2 rows).
 * Statuses: NCD_EINVAL (acc or cka NULL).
 */
NCD_API int ncd_cka_acc_value(const ncd_cka_acc *acc, double *cka);

/**
 * Serialize the state in the "NCDK" byte format v1.0 (docs/peers.md: 64-byte
 * little-endian header, reals IEEE-754 binary64, CRC-32 trailer; size
 * 68 + 8 (2 (d1 + d2) + d1 (d1 + 1)/2 + d2 (d2 + 1)/2 + d1 d2) bytes). *len
 * receives the size; with buf NULL only the size is returned. Statuses:
 * NCD_EINVAL (acc or len NULL, cap smaller than the size with buf not NULL).
 */
NCD_API int ncd_cka_acc_save(const ncd_cka_acc *acc, void *buf, size_t cap, size_t *len);

/**
 * Rebuild a CKA state saved by ncd_cka_acc_save on any machine. Statuses:
 * NCD_EINVAL (buf or acc NULL), NCD_EFORMAT (bad magic, unknown major version,
 * size or CRC mismatch, non-finite reals, an inconsistent state), NCD_ENOMEM.
 * *acc is set only on success.
 */
NCD_API int ncd_cka_acc_load(const void *buf, size_t len, ncd_cka_acc **acc);

/** Opaque streaming NRC state: row count, plain-sum Grams of H and of its unit
 *  rows, optionally the centred moments of H and the target moments. */
typedef struct ncd_nrc_acc ncd_nrc_acc;

/** ncd_nrc_acc_create flag (with NCD_NRC_PCA_CENTRED): keep the target moments
 *  (NRC3, both the intended and the NCD_NRC_NCTB form). */
enum { NCD_NRC_ACC_TARGETS = 4 };

/**
 * Create an empty NRC state for d features and m regression outputs (1 <= m <=
 * d). flags: NCD_NRC_PCA_CENTRED also keeps the column means and centred Gram
 * of H (Chan merge) so ncd_nrc_acc_metrics accepts that flag; NCD_NRC_ACC_TARGETS
 * keeps the m-dimensional target moments (updates then need t). State: 2 d^2
 * doubles, + d^2 (centred), + 2 m^2 (targets). Statuses: NCD_EINVAL (acc NULL, d
 * or m = 0, m > d, unknown flags, sizes that overflow), NCD_ENOMEM.
 */
NCD_API int ncd_nrc_acc_create(size_t d, size_t m, unsigned flags, ncd_nrc_acc **acc);

/** Release an NRC state; NULL is a no-op. */
NCD_API void ncd_nrc_acc_free(ncd_nrc_acc *acc);

/**
 * Add n >= 1 rows of features h (n x d, ldh >= d) and, for a state created with
 * NCD_NRC_ACC_TARGETS, targets t (n x m, ldt >= m; otherwise t must be NULL).
 * Gram sums by SYRK in blocks of rows. Statuses: NCD_EINVAL (NULL acc or h, t
 * NULL with targets or given without, n = 0, ld too small), NCD_ENONFINITE,
 * NCD_ENOMEM; the state is unchanged on error.
 */
NCD_API int ncd_nrc_acc_update(ncd_nrc_acc *acc, size_t n, const double *h, size_t ldh,
                               const double *t, size_t ldt);

/** float32 twin of ncd_nrc_acc_update (features and targets float32, converted
 *  block by block, arithmetic in double). Same statuses. */
NCD_API int ncd_nrc_acc_update_f32(ncd_nrc_acc *acc, size_t n, const float *h, size_t ldh,
                                   const float *t, size_t ldt);

/**
 * Add the state src into dst (plain sums added, centred moments by the Chan
 * merge, elementwise). Statuses: NCD_EINVAL (NULL, dst == src, different d, m
 * or flags), NCD_ENOMEM; dst unchanged on error.
 */
NCD_API int ncd_nrc_acc_merge(ncd_nrc_acc *dst, const ncd_nrc_acc *src);

/**
 * ncd_nrc_metrics of all rows seen, from the state: out[0] = NRC1, out[1] =
 * NRC2 = tr(Q_perp^T Gu Q_perp)/n (NaN without wr), out[2] = NRC3 and out[3]
 * its gamma (NaN without wr or without NCD_NRC_ACC_TARGETS); wr (m x d, ldwr,
 * may be NULL), gamma_lo, gamma_hi and flags (NCD_NRC_NCTB, NCD_NRC_PCA_CENTRED)
 * as in ncd_nrc_metrics. Statuses: NCD_EINVAL (acc or out NULL, fewer than m
 * rows seen, ldwr < d, gamma bounds as ncd_nrc_metrics, unknown flags,
 * NCD_NRC_PCA_CENTRED on a state created without it), NCD_ENONFINITE (wr),
 * NCD_ENOMEM, NCD_ENOCONV.
 */
NCD_API int ncd_nrc_acc_metrics(const ncd_nrc_acc *acc, const double *wr, size_t ldwr,
                                double gamma_lo, double gamma_hi, unsigned flags,
                                double out[4]);

/**
 * ncd_nrc1_profile of all rows seen (out: d values, V from the uncentred Gram).
 * Statuses: NCD_EINVAL (acc or out NULL, no rows seen), NCD_ENOMEM, NCD_ENOCONV.
 */
NCD_API int ncd_nrc_acc_profile(const ncd_nrc_acc *acc, double *out);

/**
 * Serialize the state in the "NCDR" byte format v1.0 (docs/peers.md; size
 * independent of the row count). *len receives the size; with buf NULL only
 * the size is returned. Statuses: NCD_EINVAL (acc or len NULL, cap smaller than
 * the size with buf not NULL).
 */
NCD_API int ncd_nrc_acc_save(const ncd_nrc_acc *acc, void *buf, size_t cap, size_t *len);

/**
 * Rebuild an NRC state saved by ncd_nrc_acc_save. Statuses: NCD_EINVAL (buf or
 * acc NULL), NCD_EFORMAT (bad magic, unknown major version, unknown flags, size
 * or CRC mismatch, non-finite reals, an inconsistent state), NCD_ENOMEM. *acc
 * is set only on success.
 */
NCD_API int ncd_nrc_acc_load(const void *buf, size_t len, ncd_nrc_acc **acc);
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
/*
 * Starts of the cross-entropy UFM whose gradient dynamics stay diagonal
 * (spec/init.md section 3). Layout as everywhere: classifier w is k x d (one
 * class per row), features h are n x d (one sample per row); labels y are
 * balanced (n/k samples per class, any order). The singular values of w and h
 * along mode m (column m of the Sylvester matrix Hd) are sigma_w[m] and
 * sigma_h[m] (signed, unsorted); the logits h w^T have mode strengths
 * s = sigma_w * sigma_h.
 */

/**
 * Hadamard initialization of the UFM (spec/init.md I-16), k = 2^a classes:
 * with Q = Hd/sqrt(k), S = {m : (sigma_w[m], sigma_h[m]) != (0, 0)} ascending,
 * r = |S| and O = ncd_stiefel(r, d, seed) (rows o_j), writes
 * w[c] = sum_j Q[c][S_j] sigma_w[S_j] o_j and
 * h[i] = sum_j Q[y_i][S_j] sigma_h[S_j] o_j / sqrt(n/k).
 * Gradient descent/flow on the mean CE from this point keeps Q, O and the
 * label one-hot basis frozen and moves only the singular values
 * (ncd_hadamard_gd). Mode 0 shifts every logit of a sample equally and never
 * moves; the usual call has sigma_w[0] = sigma_h[0] = 0 and d >= k - 1; d < k - 1
 * works with at most d active modes (spec 3.8). sigma_w, sigma_h have k values.
 * Statuses: NCD_EINVAL for NULL pointers, k < 2, n == 0, d == 0, ldw or ldh < d,
 * labels outside [0, k), unbalanced labels, r > d; NCD_ENOTSUP when k is not a
 * power of 2 (use ncd_etf_ufm_init); NCD_ENONFINITE for NaN/Inf in sigma_w or
 * sigma_h; NCD_ENOMEM. Cost O((n + k) d r).
 */
NCD_API int ncd_hadamard_ufm_init(size_t n, size_t d, size_t k, const int32_t *y,
                                  const double *sigma_w, const double *sigma_h,
                                  uint64_t seed, double *w, size_t ldw, double *h,
                                  size_t ldh);

/** float32 twin of ncd_hadamard_ufm_init (computed in double, rounded once);
 *  same statuses. */
NCD_API int ncd_hadamard_ufm_init_f32(size_t n, size_t d, size_t k, const int32_t *y,
                                      const double *sigma_w, const double *sigma_h,
                                      uint64_t seed, float *w, size_t ldw, float *h,
                                      size_t ldh);

/**
 * ETF-symmetric initialization of the UFM for any k >= 2 (spec/init.md I-27):
 * with M = ncd_simplex_etf(k, d, seed) and zeta = sqrt((k-1)/k), writes
 * w = sigma_w zeta M and h[i] = sigma_h zeta m_{y_i} / sqrt(n/k): all k - 1
 * non-trivial modes equal, so gradient dynamics keep every mode equal and the
 * iterate collapsed at every step (spec 3.5). Requires d >= k - 1.
 * Statuses: NCD_EINVAL for NULL pointers, k < 2, d < k - 1, n == 0, ldw or
 * ldh < d, bad or unbalanced labels, non-finite sigma_w or sigma_h; NCD_ENOMEM.
 * Cost O((n + k) d), plus 4 d k^2 flops for seed != 0.
 */
NCD_API int ncd_etf_ufm_init(size_t n, size_t d, size_t k, const int32_t *y,
                             double sigma_w, double sigma_h, uint64_t seed, double *w,
                             size_t ldw, double *h, size_t ldh);

/**
 * Reduced gradient descent on the singular values of the Hadamard-initialized
 * CE UFM (spec/init.md I-20, I-21), in place on sigma_w and sigma_h (k values
 * each, k = 2^a, nc samples per class): `steps` times,
 * c_m = (1 - lambda_m(s / sqrt(nc))) / (k sqrt(nc)) (c_0 = 0) with s =
 * sigma_w * sigma_h and lambda of ncd_walsh_softmax, then simultaneously
 * sigma_w += eta (c * sigma_h - lambda_w sigma_w),
 * sigma_h += eta (c * sigma_w - lambda_h sigma_h).
 * This is exactly full GD with step eta on the mean CE plus
 * (lambda_w/2)||w||^2 + (lambda_h/2)||h||^2 started at ncd_hadamard_ufm_init,
 * at O(k log k) per step instead of O(n k d). `loss_trace` (optional, steps + 1
 * values) receives the mean CE at every iterate, the start included.
 * Statuses: NCD_EINVAL for NULL sigma_w/sigma_h, k < 2, nc == 0, eta < 0,
 * lambda_w < 0, lambda_h < 0; NCD_ENOTSUP when k is not a power of 2;
 * NCD_ENONFINITE for NaN/Inf in sigma_w, sigma_h, eta, lambda_w, lambda_h;
 * NCD_ENOMEM.
 */
NCD_API int ncd_hadamard_gd(size_t k, size_t nc, double eta, double lambda_w,
                            double lambda_h, size_t steps, double *sigma_w,
                            double *sigma_h, double *loss_trace);

/**
 * Reduced gradient flow of the Hadamard-initialized CE UFM (spec/init.md
 * I-20): integrates sigma_w' = c * sigma_h, sigma_h' = c * sigma_w (c as in
 * ncd_hadamard_gd, no weight decay) from time 0 to t >= 0, in place on the k
 * values of sigma_w and sigma_h (k = 2^a, nc samples per class), with the
 * adaptive Dormand-Prince 5(4) pair at relative (and absolute) tolerance rtol
 * in [1e-15, 1e-2]. This is the eta -> 0 limit of full GD from
 * ncd_hadamard_ufm_init. Statuses: NCD_EINVAL for NULL arrays, k < 2,
 * nc == 0, t < 0, rtol out of range; NCD_ENOTSUP for k not a power of 2;
 * NCD_ENONFINITE for NaN/Inf in t, sigma_w, sigma_h; NCD_ENOCONV past 1e7
 * steps or on a non-finite error estimate (arrays then unchanged); NCD_ENOMEM.
 * Cost O(k log k) per stage, 6 stages per step.
 */
NCD_API int ncd_hadamard_flow(size_t k, size_t nc, double t, double rtol, double *sigma_w,
                              double *sigma_h);

/**
 * Time the equal-mode (ETF) gradient flow takes from u0 to u (spec/init.md
 * I-24), u = sigma^2/sqrt(nc) the common logit margin of the start with all
 * k - 1 modes equal to sigma (ncd_etf_ufm_init with sigma_w = sigma_h = sigma):
 * *t = (sqrt(nc)/2) (Ei(u) - Ei(u0) + (k - 1) ln(u/u0)), negative when u < u0.
 * Statuses: NCD_EINVAL for t == NULL, k < 2, nc == 0, u0 or u not in (0, 700].
 * Relative accuracy about 1e-14 (Ei by series, spec 3.5).
 */
NCD_API int ncd_etf_flow_time(size_t k, size_t nc, double u0, double u, double *t);

/**
 * Inverse of ncd_etf_flow_time: the margin *u reached at time t >= 0 from u0
 * (spec/init.md I-24, safeguarded Newton in ln u). Statuses: NCD_EINVAL for
 * u == NULL, k < 2, nc == 0, u0 not in (0, 700], t < 0 or not finite;
 * NCD_ENOTSUP when u would exceed 700 (t beyond about 1e301).
 */
NCD_API int ncd_etf_flow_u(size_t k, size_t nc, double u0, double t, double *u);

/* ---- end 7b ---- */

/* ==== end section 7 ======================================================== */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NCDYN_H */

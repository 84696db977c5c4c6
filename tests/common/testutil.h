/*
 * testutil.h - shared helpers for the Check suites: tolerant comparisons that
 * report both values, deterministic random data, naive O(n^3) reference
 * routines (independent of BLIS/LAPACK), and the suite runner.
 *
 * Test levels: NCD_TEST_LEVEL=quick (valgrind tier), default, full.
 */
#ifndef NCD_TESTUTIL_H
#define NCD_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "ncdyn.h"

/* Relative closeness |a-b| <= rtol*max(|a|,|b|) + atol, NaN only equals NaN. */
int ncd_test_close(double a, double b, double rtol, double atol);

#define ck_assert_close(a, b, rtol, atol)                                        \
  do {                                                                         \
    double ncd_a_ = (a), ncd_b_ = (b);                                         \
    ck_assert_msg(ncd_test_close(ncd_a_, ncd_b_, (rtol), (atol)),              \
                  "%s = %.17g vs %s = %.17g (rtol %g, atol %g)", #a, ncd_a_,   \
                  #b, ncd_b_, (double)(rtol), (double)(atol));                 \
  } while (0)

#define ck_assert_status(expr, want)                                           \
  do {                                                                         \
    int ncd_s_ = (expr);                                                       \
    ck_assert_msg(ncd_s_ == (want), "%s returned %d (%s), expected %d (%s)",   \
                  #expr, ncd_s_, ncd_strerror(ncd_s_), (int)(want),            \
                  ncd_strerror(want));                                         \
  } while (0)

/* Max |a_ij - b_ij| over an r x c pair of row-major matrices. */
double ncd_test_maxdiff(const double *a, size_t lda, const double *b, size_t ldb,
                        size_t r, size_t c);
/* Max |a_ij| */
double ncd_test_maxabs(const double *a, size_t lda, size_t r, size_t c);

/* Deterministic test randomness (its own SplitMix64, independent of the
 * library's RNG under test). */
typedef struct { uint64_t x; } ncd_test_rng;
void ncd_test_seed(ncd_test_rng *r, uint64_t seed);
double ncd_test_uniform(ncd_test_rng *r);           /* [0, 1) */
double ncd_test_normal(ncd_test_rng *r);            /* Box-Muller */
void ncd_test_fill_normal(ncd_test_rng *r, double *a, size_t rows, size_t cols, size_t ld);
/* Labels 0..k-1 cycled then shuffled (every class present when n >= k). */
void ncd_test_labels(ncd_test_rng *r, int32_t *y, size_t n, size_t k);

/* Naive reference routines, row-major, plain loops (long double accumulation). */
void ncd_test_naive_gemm(int ta, int tb, size_t m, size_t n, size_t k, double alpha,
                         const double *a, size_t lda, const double *b, size_t ldb,
                         double beta, double *c, size_t ldc);
/* Solve A x = b for symmetric positive definite A by naive Gaussian elimination
 * with partial pivoting (long double); B n x nrhs overwritten. Returns 0 ok. */
int ncd_test_naive_solve(size_t n, size_t nrhs, const double *a, size_t lda, double *b,
                         size_t ldb);
/* Symmetric eigenvalues by the cyclic Jacobi method (ascending). */
void ncd_test_jacobi_eigvals(size_t n, const double *a, size_t lda, double *w);

/* The test level: 0 quick, 1 default, 2 full. */
int ncd_test_level(void);

/* Run all suites, print Check's summary, release BLIS's pools; exit status. */
int ncd_test_run(SRunner *sr, const char *name);

#endif

/*
 * core_internal.h - internal interface of the core layer (lowest layer): the one
 * allocation path with its test hooks, argument validation shared by every public
 * function, the portable RNG of spec/init.md section 2.3 (I-9 .. I-12), and float32
 * row-block conversion. Never included by the public header.
 *
 * Internal cross-file names start with "ncd__" (two underscores): they are hidden
 * in the shared library (-fvisibility=hidden) and stay out of the public "ncd_"
 * name space in the static archive.
 */
#ifndef NCD_CORE_INTERNAL_H
#define NCD_CORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ncdyn.h"

/* Propagate a non-OK status: NCD_TRY(ncd__check_ptr(p)); */
#define NCD_TRY(expr)                                                          \
  do {                                                                         \
    int ncd__try_status_ = (expr);                                             \
    if (ncd__try_status_ != NCD_OK) return ncd__try_status_;                   \
  } while (0)

/* ---- allocation (alloc.c) ---------------------------------------------------
 * Every allocation of the library goes through these. Blocks are 64-byte
 * aligned. ncd__malloc(0) returns a valid unique block. Failures (real or
 * injected) return NULL; callers map that to NCD_ENOMEM. */
void *ncd__malloc(size_t nbytes);
/* count * size bytes, zeroed; NULL on overflow of the product. */
void *ncd__calloc(size_t count, size_t size);
/* count * size bytes, uninitialised; NULL on overflow of the product. */
void *ncd__malloc_array(size_t count, size_t size);
void ncd__free(void *p); /* NULL is a no-op */

/* Test hooks (per thread, so concurrent tests do not interfere).
 * ncd__alloc_fail_at(k): the k-th allocation from now on (1-based) on this
 * thread fails, and so does every later one while `sticky` is nonzero;
 * k == 0 disables injection. */
typedef struct ncd__alloc_counters {
  uint64_t calls;       /* allocation calls since the last reset          */
  uint64_t failures;    /* of which failed (injected or real)             */
  size_t largest;       /* largest single request in bytes                */
  size_t live_bytes;    /* bytes allocated and not yet freed              */
  size_t peak_bytes;    /* maximum of live_bytes since the last reset     */
} ncd__alloc_counters;
void ncd__alloc_fail_at(uint64_t k, int sticky);
void ncd__alloc_reset_counters(void);
void ncd__alloc_get_counters(ncd__alloc_counters *out);

/* ---- validation (validate.c) ------------------------------------------------
 * Every public function validates through these, in this order: pointers and
 * sizes (NCD_EINVAL), then data scans (NCD_ENONFINITE). */

/* a*b without overflow: returns 0 and stores the product, or returns 1. */
int ncd__mul_overflows(size_t a, size_t b, size_t *out);
/* NULL -> NCD_EINVAL */
int ncd__check_ptr(const void *p);
/* n == 0 -> NCD_EINVAL */
int ncd__check_size(size_t n);
/* A rows x cols matrix of elements of `elem` bytes with leading dimension ld:
 * p non-NULL, rows, cols >= 1, ld >= cols, and the span (rows-1)*ld + cols
 * elements addressable (at most PTRDIFF_MAX bytes) without size_t overflow. */
int ncd__check_matrix(const void *p, size_t rows, size_t cols, size_t ld, size_t elem);
/* Same for an optional output: NULL is fine (returns NCD_OK). */
int ncd__check_matrix_opt(const void *p, size_t rows, size_t cols, size_t ld, size_t elem);
/* n labels, each in [0, k). */
int ncd__check_labels(const int32_t *y, size_t n, size_t k);
int ncd__check_labels_i64(const int64_t *y, size_t n, size_t k);
/* Scalars: NaN/Inf -> NCD_EINVAL; then range checks. */
int ncd__check_scalar_finite(double v);
int ncd__check_scalar_positive(double v);    /* finite and > 0  */
int ncd__check_scalar_nonnegative(double v); /* finite and >= 0 */
/* Data scans: any NaN/Inf -> NCD_ENONFINITE. */
int ncd__scan_finite(const double *x, size_t rows, size_t cols, size_t ld);
int ncd__scan_finite_f32(const float *x, size_t rows, size_t cols, size_t ld);
int ncd__scan_finite_vec(const double *x, size_t n);

/* ---- portable RNG (rng.c): spec/init.md I-9 .. I-12 --------------------------
 * Bit-identical on every IEEE-754 binary64 platform (compiled with
 * -ffp-contract=off; FLT_EVAL_METHOD == 0 is asserted). */
typedef struct ncd__rng {
  uint64_t s[4];      /* xoshiro256** state                                  */
  double spare;       /* second normal of the last Marsaglia pair            */
  int has_spare;
} ncd__rng;
uint64_t ncd__splitmix64(uint64_t *x);          /* I-9, advances *x           */
void ncd__rng_seed(ncd__rng *r, uint64_t seed); /* I-10 seeding               */
uint64_t ncd__rng_next(ncd__rng *r);            /* I-10 xoshiro256**          */
double ncd__rng_uniform(ncd__rng *r);           /* [0, 1), 53 random bits     */
double ncd__rng_normal(ncd__rng *r);            /* I-12 Marsaglia polar       */
double ncd__portable_log(double x);             /* I-11, x > 0 finite         */

/* ---- float32 row blocks (f32.c) ---------------------------------------------
 * Convert rows x cols floats (leading dimension lds) into doubles (ldd).
 * Returns NCD_ENONFINITE (dst contents unspecified) on NaN/Inf. Callers use it
 * on blocks of rows so a float32 matrix is never converted whole. */
int ncd__f32_block_to_f64(const float *src, size_t lds, size_t rows, size_t cols,
                          double *dst, size_t ldd);
/* Rows per block so that a rows x cols double buffer holds about `bytes`. */
size_t ncd__block_rows(size_t cols, size_t bytes);

/* ---- row sources (rowsrc.c) --------------------------------------------------
 * A feature matrix given as float64 or float32, read block by block as doubles:
 * float64 rows are returned in place (no copy), float32 rows are converted into
 * a small buffer, so no routine ever converts a whole float32 matrix. Public
 * functions scan float32 input for NaN/Inf before reading it through this. */
typedef struct ncd__rowsrc {
  const double *f64;  /* exactly one of f64 / f32 is non-NULL */
  const float *f32;
  size_t rows, cols, ld;
  double *buf;        /* f32 only: block buffer of block_rows x cols */
  size_t block_rows;  /* rows per block handed out */
} ncd__rowsrc;
/* block_bytes: target buffer size (e.g. 1 << 20). NCD_ENOMEM possible. */
int ncd__rowsrc_init(ncd__rowsrc *s, const double *f64, const float *f32, size_t rows,
                     size_t cols, size_t ld, size_t block_bytes);
/* Rows [i0, i0 + nb) as doubles, nb <= s->block_rows; *ld_out receives the
 * leading dimension of the returned block. */
const double *ncd__rowsrc_block(ncd__rowsrc *s, size_t i0, size_t nb, size_t *ld_out);
void ncd__rowsrc_free(ncd__rowsrc *s);

#endif /* NCD_CORE_INTERNAL_H */

/*
 * rowops.c - the per-row loops of the passes over the features (spec/metrics.md
 * M-9 centring, section 5 cost): class sums against a per-class shift and the
 * centring x = (h - ref) - v, reading a float64 row in place or a float32 row
 * converted element by element (no block copy: the float32 route reads its
 * input once per pass, like the float64 one). The bodies are unrolled by four
 * with restrict pointers so that the compiler's straight-line vectoriser
 * packs them at -O2; the arithmetic and its order per element are exactly
 * those of the plain loops (no reassociation, no fused operations).
 */
#include <string.h>

#include "stats_internal.h"

void ncd__row_load(size_t d, const double *r64, const float *r32, double *out) {
  if (r64) {
    memcpy(out, r64, d * sizeof(double));
    return;
  }
  for (size_t j = 0; j < d; j++) out[j] = (double)r32[j];
}

#define UNROLL4(J, BODY) \
  for (; J + 4 <= d; J += 4) {  \
    BODY(J);                     \
    BODY(J + 1);                 \
    BODY(J + 2);                 \
    BODY(J + 3);                 \
  }                              \
  for (; J < d; J++) BODY(J)

static void add_diff64(size_t d, const double *restrict row, const double *restrict base,
                       double *restrict acc) {
  size_t j = 0;
#define ADD64(i) acc[i] += row[i] - base[i]
  UNROLL4(j, ADD64);
#undef ADD64
}

static void add_diff32(size_t d, const float *restrict row, const double *restrict base,
                       double *restrict acc) {
  size_t j = 0;
#define ADD32(i) acc[i] += (double)row[i] - base[i]
  UNROLL4(j, ADD32);
#undef ADD32
}

void ncd__row_add_diff(size_t d, const double *r64, const float *r32, const double *base,
                       double *acc) {
  if (r64) add_diff64(d, r64, base, acc);
  else add_diff32(d, r32, base, acc);
}

void ncd__class_sums(const ncd__rowsrc *src, const int32_t *y, size_t *count,
                     double *first, double *sum) {
  ncd__class_sums_v(ncd__simd_best(), src, y, count, first, sum);
}

void ncd__class_sums_v(int v, const ncd__rowsrc *src, const int32_t *y, size_t *count,
                       double *first, double *sum) {
  size_t n = src->rows, d = src->cols, bs = 256;
  for (size_t i0 = 0; i0 < n; i0 += bs) {
    size_t nb = n - i0 < bs ? n - i0 : bs;
    const double *r64;
    const float *r32;
    for (size_t i = i0; i < i0 + nb; i++) { /* first the block's new shifts r_c */
      size_t c = (size_t)y[i];
      if (count[c]++ == 0) {
        ncd__rowsrc_row(src, i, &r64, &r32);
        ncd__row_load(d, r64, r32, first + c * d);
      }
    }
    if (v != NCD__SIMD_PORTABLE) {
      ncd__rowsrc_row(src, i0, &r64, &r32);
      ncd__class_sums_simd(v, d, nb, r64, r32, src->ld, y + i0, first, sum);
      continue;
    }
    for (size_t i = i0; i < i0 + nb; i++) { /* a first row adds h - h = 0 exactly */
      size_t c = (size_t)y[i];
      ncd__rowsrc_row(src, i, &r64, &r32);
      ncd__row_add_diff(d, r64, r32, first + c * d, sum + c * d);
    }
  }
}

static void centre64(size_t d, const double *restrict row, const double *restrict ref,
                     const double *restrict v, double *restrict out) {
  size_t j = 0;
#define CEN64(i) out[i] = (row[i] - ref[i]) - v[i]
  UNROLL4(j, CEN64);
#undef CEN64
}

static void centre32(size_t d, const float *restrict row, const double *restrict ref,
                     const double *restrict v, double *restrict out) {
  size_t j = 0;
#define CEN32(i) out[i] = ((double)row[i] - ref[i]) - v[i]
  UNROLL4(j, CEN32);
#undef CEN32
}

void ncd__row_centre(size_t d, const double *r64, const float *r32, const double *ref,
                     const double *v, double *out) {
  if (r64) centre64(d, r64, ref, v, out);
  else centre32(d, r32, ref, v, out);
}

double ncd__row_sumsq(size_t d, const double *x) {
  double t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0;
  size_t j = 0;
  for (; j + 4 <= d; j += 4) {
    t0 += x[j] * x[j];
    t1 += x[j + 1] * x[j + 1];
    t2 += x[j + 2] * x[j + 2];
    t3 += x[j + 3] * x[j + 3];
  }
  for (; j < d; j++) t0 += x[j] * x[j];
  return (t0 + t1) + (t2 + t3);
}

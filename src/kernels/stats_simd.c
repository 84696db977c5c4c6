/*
 * stats_simd.c - hand-written SIMD variant of the class-sum loop of pass 1
 * (spec/metrics.md M-9: T_c += h_i - r_c, the sums of each class against its
 * first row r_c), float64 rows or float32 rows converted in registers.
 *
 * The portable loop adds each row into T_c in memory (three loads and a
 * store per element). Here a block of up to 64 rows is grouped by class
 * (a stable insertion sort of its indices), and for each class present the
 * differences h_i - r_c of its rows are summed in 8 vector registers, 8
 * vectors of columns at a time, before one add into T_c: two loads per
 * element and no store, close to one streaming read. The sums are the same
 * differences, associated per block (a block partial, then T_c += partial),
 * so the result differs from the row-by-row loop in the last bits only, with
 * the same error bound. Hand-written for the same reason as metrics_simd.c
 * (the library is built for baseline x86-64; no Debian library offers this
 * operation). Variant choice: ncd__simd_best().
 */
#include <stdint.h>

#include "kernels_internal.h"

#define CS_BLOCK 64 /* rows grouped at a time */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* idx[0 .. m) = 0 .. m-1 stably sorted by y[idx]. */
static void sort_by_class(size_t m, const int32_t *y, uint8_t *idx) {
  for (size_t t = 0; t < m; t++) {
    size_t u = t;
    while (u > 0 && y[idx[u - 1]] > y[t]) {
      idx[u] = idx[u - 1];
      u--;
    }
    idx[u] = (uint8_t)t;
  }
}

/* rows t in [g, e) of the sorted block, all of class c */
#define CS_ROW(t) (b64 ? (const void *)(b64 + idx[t] * ld) : (const void *)(b32 + idx[t] * ld))
#define CLASS_SUMS(SFX, TGT, V, VW, ZERO, LOAD, LOADF, SUB, ADD, STORE)                       \
  TGT static void group_##SFX(size_t d, const double *b64, const float *b32, size_t ld,      \
                              const uint8_t *idx, size_t g, size_t e, const double *bc,      \
                              double *ac) {                                                  \
    size_t j = 0;                                                                            \
    for (; j + 8 * VW <= d; j += 8 * VW) {                                                   \
      V a[8];                                                                                \
      _Pragma("GCC unroll 8") for (int u = 0; u < 8; u++) a[u] = ZERO();                      \
      for (size_t t = g; t < e; t++) {                                                       \
        const void *row = CS_ROW(t);                                                         \
        _Pragma("GCC unroll 8") for (int u = 0; u < 8; u++) {                                 \
          size_t o = j + (size_t)u * VW;                                                     \
          V h = b64 ? LOAD((const double *)row + o) : LOADF((const float *)row + o);         \
          a[u] = ADD(a[u], SUB(h, LOAD(bc + o)));                                            \
        }                                                                                    \
      }                                                                                      \
      _Pragma("GCC unroll 8") for (int u = 0; u < 8; u++) {                                   \
        size_t o = j + (size_t)u * VW;                                                       \
        STORE(ac + o, ADD(LOAD(ac + o), a[u]));                                              \
      }                                                                                      \
    }                                                                                        \
    for (; j + VW <= d; j += VW) {                                                           \
      V a = ZERO();                                                                          \
      for (size_t t = g; t < e; t++) {                                                       \
        const void *row = CS_ROW(t);                                                         \
        V h = b64 ? LOAD((const double *)row + j) : LOADF((const float *)row + j);           \
        a = ADD(a, SUB(h, LOAD(bc + j)));                                                    \
      }                                                                                      \
      STORE(ac + j, ADD(LOAD(ac + j), a));                                                   \
    }                                                                                        \
    for (; j < d; j++) {                                                                     \
      double a = 0.0;                                                                        \
      for (size_t t = g; t < e; t++)                                                         \
        a += (b64 ? ((const double *)CS_ROW(t))[j] : (double)((const float *)CS_ROW(t))[j]) - \
             bc[j];                                                                          \
      ac[j] += a;                                                                            \
    }                                                                                        \
  }

#define LOADF512(p) _mm512_cvtps_pd(_mm256_loadu_ps(p))
#define LOADF256(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
CLASS_SUMS(avx512, __attribute__((target("avx512f"))), __m512d, 8, _mm512_setzero_pd,
           _mm512_loadu_pd, LOADF512, _mm512_sub_pd, _mm512_add_pd, _mm512_storeu_pd)
CLASS_SUMS(avx2, __attribute__((target("avx2"))), __m256d, 4, _mm256_setzero_pd,
           _mm256_loadu_pd, LOADF256, _mm256_sub_pd, _mm256_add_pd, _mm256_storeu_pd)

void ncd__class_sums_simd(int v, size_t d, size_t nb, const double *b64, const float *b32,
                          size_t ld, const int32_t *y, const double *base, double *acc) {
  uint8_t idx[CS_BLOCK];
  for (size_t s0 = 0; s0 < nb; s0 += CS_BLOCK) {
    size_t m = nb - s0 < CS_BLOCK ? nb - s0 : CS_BLOCK;
    const double *r64 = b64 ? b64 + s0 * ld : NULL;
    const float *r32 = b64 ? NULL : b32 + s0 * ld;
    sort_by_class(m, y + s0, idx);
    for (size_t g = 0, e; g < m; g = e) {
      size_t c = (size_t)y[s0 + idx[g]];
      for (e = g + 1; e < m && (size_t)y[s0 + idx[e]] == c; e++) {
      }
      if (v == NCD__SIMD_AVX512)
        group_avx512(d, r64, r32, ld, idx, g, e, base + c * d, acc + c * d);
      else
        group_avx2(d, r64, r32, ld, idx, g, e, base + c * d, acc + c * d);
    }
  }
}

#else

void ncd__class_sums_simd(int v, size_t d, size_t nb, const double *b64, const float *b32,
                          size_t ld, const int32_t *y, const double *base, double *acc) {
  (void)v, (void)d, (void)nb, (void)b64, (void)b32, (void)ld, (void)y, (void)base, (void)acc;
  /* never called: ncd__simd_best() is NCD__SIMD_PORTABLE here, and
   * ncd__class_sums_v takes its portable loop */
}

#endif

/*
 * stats_simd.c - hand-written SIMD variants of the class-sum loop of pass 1
 * (spec/metrics.md M-9: T_c += h_i - r_c, the sums of a class against its
 * first row), for float64 rows and float32 rows converted in registers.
 * Elementwise subtract-then-add in the same order as the portable loop of
 * stats/rowops.c, without fused operations: the results are bit-identical to
 * it, only wider (8 or 4 doubles per instruction instead of the 2 of the
 * baseline x86-64 SSE2 that -O2 vectorises to). Hand-written for the same
 * reason as metrics_simd.c: the library is built for baseline x86-64, and no
 * Debian library offers this operation. Variant choice: ncd__simd_best().
 */
#include "kernels_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define ADD_DIFF(SFX, TGT, V, VW, LOAD, LOADF, SUB, ADD, STORE)                           \
  TGT static void add_diff_##SFX(size_t d, const double *r64, const float *r32,             \
                                 const double *base, double *acc) {                        \
    size_t j = 0;                                                                          \
    if (r64)                                                                               \
      for (; j + VW <= d; j += VW)                                                         \
        STORE(acc + j, ADD(LOAD(acc + j), SUB(LOAD(r64 + j), LOAD(base + j))));            \
    else                                                                                   \
      for (; j + VW <= d; j += VW)                                                         \
        STORE(acc + j, ADD(LOAD(acc + j), SUB(LOADF(r32 + j), LOAD(base + j))));          \
    for (; j < d; j++) acc[j] += (r64 ? r64[j] : (double)r32[j]) - base[j];                \
  }

#define LOADF512(p) _mm512_cvtps_pd(_mm256_loadu_ps(p))
#define LOADF256(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
ADD_DIFF(avx512, __attribute__((target("avx512f"))), __m512d, 8, _mm512_loadu_pd, LOADF512,
         _mm512_sub_pd, _mm512_add_pd, _mm512_storeu_pd)
ADD_DIFF(avx2, __attribute__((target("avx2"))), __m256d, 4, _mm256_loadu_pd, LOADF256,
         _mm256_sub_pd, _mm256_add_pd, _mm256_storeu_pd)

void ncd__add_diff_simd(int v, size_t d, const double *r64, const float *r32,
                        const double *base, double *acc) {
  if (v == NCD__SIMD_AVX512) add_diff_avx512(d, r64, r32, base, acc);
  else add_diff_avx2(d, r64, r32, base, acc);
}

#else

void ncd__add_diff_simd(int v, size_t d, const double *r64, const float *r32,
                        const double *base, double *acc) {
  (void)v;
  for (size_t j = 0; j < d; j++) acc[j] += (r64 ? r64[j] : (double)r32[j]) - base[j];
}

#endif

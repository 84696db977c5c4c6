/*
 * metrics_simd.c - hand-written SIMD kernels of the metrics layer: the fused
 * NC1 projection of spec/metrics.md M-7, sum_i ||((h_i - ref) - m_{y_i}) P||^2
 * with P = V_r S_r^{-1} (d x r, r small), for a block of float64 or float32
 * rows (read in place, float32 converted in registers), without writing the
 * n x r projections anywhere (section 5 cost: one read of H plus 2 n d r
 * flops).
 *
 * Why hand-written: the portable route is one BLIS dgemm per block, and
 * Debian's BLIS 0.9 does not recognise AMD Zen4 (its cpuid knows zen..zen3)
 * and runs its generic reference kernels there (~15-18 GF/s); the zen3 /
 * haswell / skx contexts inside libblis are not exported, and BLIS_ARCH_TYPE
 * is the user's environment knob, not something a library may set. No other
 * Debian library offers this fused "centre, project, square, sum" operation.
 *
 * Variants: AVX-512F (2 rows x up to 9 columns of zmm accumulators) and
 * AVX2+FMA (2 rows x 6 columns of ymm accumulators), chosen at run time by
 * the caller with ncd__simd_supported (__builtin_cpu_supports; no state of our
 * own). The FMAs are explicit intrinsics and the sums run in another order
 * than BLIS's, so the variants agree with the portable route to rounding
 * (about 1e-15 relative), not bit for bit, as two BLAS builds do.
 *
 * Valgrind's virtual CPU reports no AVX-512 (memcheck cannot run it), so the
 * dispatcher already picks AVX2 there; when <valgrind/valgrind.h> exists,
 * RUNNING_ON_VALGRIND is also checked, so a valgrind that advertised AVX-512
 * without full support would still get AVX2 (a client request: a no-op
 * instruction sequence natively).
 */
#include <string.h>

#include "kernels_internal.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define P8_ON_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef P8_ON_VALGRIND
#define P8_ON_VALGRIND() 0
#endif

/* One spare cache line per row: rows 4 KiB apart would share L1 sets. */
size_t ncd__simd_ldp(size_t d) { return (d + 7) / 8 * 8 + 8; }

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

int ncd__simd_supported(int v) {
  __builtin_cpu_init(); /* idempotent; libgcc's own, not state of ours */
  switch (v) {
    case NCD__SIMD_PORTABLE:
      return 1;
    case NCD__SIMD_AVX2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case NCD__SIMD_AVX512:
      return __builtin_cpu_supports("avx512f") &&
             !P8_ON_VALGRIND();
    default:
      return 0;
  }
}

int ncd__simd_best(void) {
  if (ncd__simd_supported(NCD__SIMD_AVX512)) return NCD__SIMD_AVX512;
  if (ncd__simd_supported(NCD__SIMD_AVX2)) return NCD__SIMD_AVX2;
  return NCD__SIMD_PORTABLE;
}

/* Software prefetch of the rows PF_DIST groups ahead (the projection reads
 * a few rows at a time, page by page, which the hardware prefetchers follow
 * poorly: measured below half the streaming bandwidth without it). */
#ifndef PF_DIST
#define PF_DIST 4
#endif
#ifndef PF_HINT
#define PF_HINT _MM_HINT_T2 /* into L2: the L1 holds P^T and the class means */
#endif

/* ---- AVX-512F ---- */
#define V __m512d
#define VW 8
#define VZERO _mm512_setzero_pd
#define VLOAD _mm512_loadu_pd
#define VLOADF(p) _mm512_cvtps_pd(_mm256_loadu_ps(p))
#define VSUB _mm512_sub_pd
#define VFMA _mm512_fmadd_pd
#define VSUM _mm512_reduce_add_pd
#define ROWS 2
#define CHMAX 9
#define TGT __attribute__((target("avx512f")))
#define SFX avx512
#include "metrics_simd_body.h"
#undef V
#undef VW
#undef VZERO
#undef VLOAD
#undef VLOADF
#undef VSUB
#undef VFMA
#undef VSUM
#undef ROWS
#undef CHMAX
#undef TGT
#undef SFX

/* ---- AVX2 + FMA ---- */
__attribute__((target("avx2,fma"), always_inline)) static inline double hsum256(__m256d v) {
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
#define V __m256d
#define VW 4
#define VZERO _mm256_setzero_pd
#define VLOAD _mm256_loadu_pd
#define VLOADF(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#define VSUB _mm256_sub_pd
#define VFMA _mm256_fmadd_pd
#define VSUM hsum256
#define ROWS 2
#define CHMAX 6
#define TGT __attribute__((target("avx2,fma")))
#define SFX avx2
#include "metrics_simd_body.h"

double ncd__nc1_proj(int v, size_t d, size_t r, const double *pt, size_t ldp,
                     const double *h64, const float *h32, size_t ld, size_t nb,
                     const int32_t *y, const double *ref, const double *m, size_t ldm,
                     double *q) {
  if (v == NCD__SIMD_AVX512)
    return nc1_proj_avx512(d, r, pt, ldp, h64, h32, ld, nb, y, ref, m, ldm, q);
  return nc1_proj_avx2(d, r, pt, ldp, h64, h32, ld, nb, y, ref, m, ldm, q);
}

#else /* not x86-64 GCC/Clang: the portable (BLIS) route only */

int ncd__simd_supported(int v) { return v == NCD__SIMD_PORTABLE; }

int ncd__simd_best(void) { return NCD__SIMD_PORTABLE; }

double ncd__nc1_proj(int v, size_t d, size_t r, const double *pt, size_t ldp,
                     const double *h64, const float *h32, size_t ld, size_t nb,
                     const int32_t *y, const double *ref, const double *m, size_t ldm,
                     double *q) {
  (void)v, (void)d, (void)r, (void)pt, (void)ldp, (void)h64, (void)h32, (void)ld;
  (void)nb, (void)y, (void)ref, (void)m, (void)ldm, (void)q;
  return 0.0; /* never called: ncd__simd_supported says no */
}

#endif

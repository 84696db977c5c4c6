/*
 * test_nc1_simd.c - the hand-written SIMD kernels of the NC1 route
 * (src/kernels/metrics_simd.c, stats_simd.c; spec/metrics.md M-7, M-9):
 * every variant this CPU runs (AVX-512F, AVX2+FMA) is forced in turn and
 * compared
 *   - with a naive long-double evaluation of sum_i ||((h_i - ref) - m_{y_i}) P||^2
 *     and of q_c, to 1e-12 relative (the kernels sum d products per projection
 *     in double: error ~ d eps ~ 1e-13 at d = 513), float64 and float32 rows,
 *     r = 1 .. 17 (tile remainders), d = 1, 3, 7, 9, 31, 513 (vector
 *     remainders), ld > d, unbalanced classes, blocks of 1 .. 37 rows;
 *   - with the portable route (one BLIS GEMM per block) through the frozen
 *     first pass ncd__ncf_score, to 1e-12 relative, whole blocks and
 *     single-row blocks;
 * and the pass-1 class sums of each variant (rows grouped by class in
 * registers) match a naive long-double sum. Under CI=true on an x86-64 machine whose /proc/cpuinfo lists avx512f
 * (outside valgrind, whose virtual CPU has no AVX-512), every variant must
 * run: a dispatcher that silently falls back fails here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "metrics/metrics_internal.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define ON_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef ON_VALGRIND
#define ON_VALGRIND() 0
#endif

static const size_t dims[] = {1, 3, 7, 9, 31, 513};
#define NDIMS (sizeof dims / sizeof dims[0])
static const int variants[] = {NCD__SIMD_AVX2, NCD__SIMD_AVX512};

/* naive: returns the NC1 sum, adds q_c in long double */
static long double naive(size_t n, size_t d, size_t r, const double *h64, const float *h32,
                         size_t ld, const int32_t *y, const double *ref, const double *m,
                         size_t ldm, const double *p, long double *q) {
  long double t = 0.0L;
  for (size_t i = 0; i < n; i++) {
    const double *mc = m + (size_t)y[i] * ldm;
    for (size_t c = 0; c < r; c++) {
      long double o = 0.0L;
      for (size_t j = 0; j < d; j++) {
        long double h = h64 ? (long double)h64[i * ld + j] : (long double)h32[i * ld + j];
        o += ((h - ref[j]) - mc[j]) * (long double)p[j * r + c];
      }
      t += o * o;
    }
    for (size_t j = 0; j < d; j++) {
      long double h = h64 ? (long double)h64[i * ld + j] : (long double)h32[i * ld + j];
      long double x = (h - ref[j]) - mc[j];
      q[y[i]] += x * x;
    }
  }
  return t;
}

#if defined(__x86_64__)
static int cpuinfo_has(const char *flag) {
  FILE *fp = fopen("/proc/cpuinfo", "r");
  char line[8192];
  int found = 0;
  if (!fp) return 0;
  size_t fl = strlen(flag);
  while (!found && fgets(line, sizeof line, fp)) {
    if (strncmp(line, "flags", 5)) continue;
    for (char *s = strstr(line, flag); s && !found; s = strstr(s + 1, flag))
      found = (s == line || s[-1] == ' ') && (s[fl] == ' ' || s[fl] == '\n' || !s[fl]);
  }
  fclose(fp);
  return found;
}
#endif

/* Direct kernel calls against the naive route. */
static void kernel_case(size_t d, size_t r, size_t n, int f32, ncd_test_rng *g) {
  size_t k = 3, ld = d + 3, ldp = ncd__simd_ldp(d);
  double *h = malloc(n * ld * sizeof *h), *p = malloc(d * r * sizeof *p);
  float *hf = malloc(n * ld * sizeof *hf);
  double *pt = calloc(r * ldp, sizeof *pt), *m = calloc(k * ldp, sizeof *m);
  double *ref = malloc(d * sizeof *ref), q[3];
  long double qn[3] = {0, 0, 0};
  int32_t *y = malloc(n * sizeof *y);
  ncd_test_fill_normal(g, h, n, ld, ld);
  for (size_t i = 0; i < n * ld; i++) hf[i] = (float)h[i];
  ncd_test_fill_normal(g, p, d, r, r);
  ncd_test_fill_normal(g, ref, 1, d, d);
  ncd_test_fill_normal(g, m, k, d, ldp);
  for (size_t i = 0; i < n; i++) /* unbalanced: class 0 most, class 2 rare */
    y[i] = i % 7 == 3 ? 2 : i % 3 == 1 ? 1 : 0;
  for (size_t j = 0; j < d; j++)
    for (size_t c = 0; c < r; c++) pt[c * ldp + j] = p[j * r + c];
  long double want = naive(n, d, r, f32 ? NULL : h, f32 ? hf : NULL, ld, y, ref, m, ldp, p, qn);
  for (size_t vi = 0; vi < 2; vi++) {
    int v = variants[vi];
    if (!ncd__simd_supported(v)) continue;
    /* the m stride: padded (as the library passes it) and plain ld = d */
    for (int plain = 0; plain < 2; plain++) {
      double *mm = m;
      size_t ldm = ldp;
      if (plain) {
        mm = malloc(k * d * sizeof *mm);
        for (size_t c = 0; c < k; c++) memcpy(mm + c * d, m + c * ldp, d * sizeof *mm);
        ldm = d;
      }
      memset(q, 0, sizeof q);
      double got = ncd__nc1_proj(v, d, r, pt, ldp, f32 ? NULL : h, f32 ? hf : NULL, ld, n, y,
                                 ref, mm, ldm, q);
      ck_assert_msg(ncd_test_close(got, (double)want, 1e-12, 0.0),
                    "variant %d d=%zu r=%zu n=%zu f32=%d: %.17g vs %.17g", v, d, r, n, f32,
                    got, (double)want);
      for (size_t c = 0; c < k; c++) ck_assert_close(q[c], (double)qn[c], 1e-12, 0.0);
      /* the same rows one at a time (single-row blocks) */
      double t1 = 0.0;
      for (size_t i = 0; i < n; i++)
        t1 += ncd__nc1_proj(v, d, r, pt, ldp, f32 ? NULL : h + i * ld, f32 ? hf + i * ld : NULL,
                            ld, 1, y + i, ref, mm, ldm, NULL);
      ck_assert_close(t1, (double)want, 1e-12, 0.0);
      if (plain) free(mm);
    }
  }
  free(h), free(p), free(hf), free(pt), free(m), free(ref), free(y);
}

START_TEST(kernel_against_naive) {
  ncd_test_rng g;
  ncd_test_seed(&g, 808);
  static const size_t ns[] = {1, 3, 37, 2, 5};
  int quick = ncd_test_level() == 0; /* valgrind tier: fewer cases, same remainders */
  for (size_t di = 0; di < NDIMS; di++)
    for (size_t r = 1; r <= 17; r += quick && r > 2 ? 3 : 1) /* quick: 1 2 3 6 9 12 15 */
      for (size_t ni = 0; ni < (quick ? 3u : 5u); ni++)
        for (int f32 = 0; f32 < 2; f32++) kernel_case(dims[di], r, ns[ni], f32, &g);
}
END_TEST

/* The frozen first pass of real data: each variant against the BLIS route. */
static void frozen_case(size_t n, size_t d, size_t k, int f32, ncd_test_rng *g) {
  size_t ld = d + 5;
  double *h = malloc(n * ld * sizeof *h);
  float *hf = malloc(n * ld * sizeof *hf);
  int32_t *y = malloc(n * sizeof *y);
  ncd_test_fill_normal(g, h, n, ld, ld);
  for (size_t i = 0; i < n; i++) {
    y[i] = (int32_t)(i < k ? i : (i * i) % (k > 2 ? k - 1 : k)); /* unbalanced, all present */
    for (size_t j = 0; j < d; j++) h[i * ld + j] += 3.0 * (double)((y[i] * 7 + (int)j) % 5);
  }
  for (size_t i = 0; i < n * ld; i++) hf[i] = (float)h[i];
  ncd__cstats s;
  ncd__rowsrc src;
  ncd__ncf f;
  ck_assert_status(ncd__cstats_alloc(d, k, &s), NCD_OK);
  ck_assert_status(ncd__rowsrc_init(&src, f32 ? NULL : h, f32 ? hf : NULL, n, d, ld, 1 << 16),
                   NCD_OK);
  ck_assert_status(ncd__cstats_means(&s, &src, y), NCD_OK);
  ck_assert_status(ncd__ncf_build(&f, n, d, k, s.count, s.ref, s.m, NULL, 0, NULL, NULL), NCD_OK);
  ck_assert_int_eq(f.simd, ncd__simd_best());
  double *work = malloc(ncd__ncf_work(&f, n) * sizeof *work);
  double base = 0, qb[32] = {0};
  for (int v = NCD__SIMD_PORTABLE; v <= NCD__SIMD_AVX512; v++) {
    if (ncd__ncf_force_simd(&f, v) != NCD_OK) {
      ck_assert(!ncd__simd_supported(v));
      continue;
    }
    for (int single = 0; single < 2; single++) {
      double q[32] = {0};
      ncd__ncsums sm = {0, NULL, 0.0, 0, 0, 0.0, 2.0, q, NULL, NULL};
      size_t bs = single ? 1 : n;
      for (size_t i0 = 0; i0 < n; i0 += bs)
        ncd__ncf_score(&f, f32 ? NULL : h + i0 * ld, f32 ? hf + i0 * ld : NULL, ld,
                       n - i0 < bs ? n - i0 : bs, y + i0, i0, NCD__SC_NC1 | NCD__SC_Q, &sm,
                       work);
      ck_assert_uint_eq(sm.n2, n);
      if (v == NCD__SIMD_PORTABLE && !single) {
        base = sm.nc1;
        memcpy(qb, q, sizeof q);
        ck_assert(base > 0.0);
      }
      ck_assert_msg(ncd_test_close(sm.nc1, base, 1e-12, 0.0),
                    "variant %d (single %d) n=%zu d=%zu k=%zu r=%zu: %.17g vs %.17g", v, single,
                    n, d, k, f.r, sm.nc1, base);
      for (size_t c = 0; c < k; c++) ck_assert_close(q[c], qb[c], 1e-12, 0.0);
    }
  }
  free(work);
  ncd__ncf_free(&f);
  ncd__rowsrc_free(&src);
  ncd__cstats_free(&s);
  free(h), free(hf), free(y);
}

START_TEST(frozen_against_portable) {
  ncd_test_rng g;
  ncd_test_seed(&g, 809);
  size_t step = ncd_test_level() == 0 ? 3 : 1; /* quick: k = 2 5 8 11 14 17 */
  for (size_t di = 0; di < NDIMS; di++)
    for (size_t k = 2; k <= 18; k += step)
      for (int f32 = 0; f32 < 2; f32++) frozen_case(3 * k + 4, dims[di], k, f32, &g);
}
END_TEST

/* Pass-1 class sums: every variant against a naive long-double sum, to
 * 1e-13 of the sum of the magnitudes of the terms (the kernels add at most
 * 64 terms per block partial, then the partials: error < n eps sum|terms|). */
static void sums_case(size_t n, size_t d, size_t k, int f32, ncd_test_rng *g) {
  size_t ld = d + 2;
  double *h = malloc(n * ld * sizeof *h), *base = malloc(k * d * sizeof *base);
  float *hf = malloc(n * ld * sizeof *hf);
  double *acc = malloc(k * d * sizeof *acc), *acc0 = malloc(k * d * sizeof *acc0);
  long double *want = malloc(k * d * sizeof *want), *mag = malloc(k * d * sizeof *mag);
  int32_t *y = malloc(n * sizeof *y);
  ncd_test_fill_normal(g, h, n, ld, ld);
  for (size_t i = 0; i < n * ld; i++) hf[i] = (float)h[i];
  ncd_test_fill_normal(g, base, k, d, d);
  ncd_test_fill_normal(g, acc0, k, d, d);
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)((i * i + 3 * i) % k); /* unbalanced */
  for (size_t t = 0; t < k * d; t++) want[t] = acc0[t], mag[t] = fabsl(want[t]);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) {
      long double x = (f32 ? (long double)hf[i * ld + j] : (long double)h[i * ld + j]) -
                      base[y[i] * d + j];
      want[y[i] * d + j] += x;
      mag[y[i] * d + j] += fabsl(x);
    }
  for (int v = NCD__SIMD_AVX2; v <= NCD__SIMD_AVX512; v++) {
    if (!ncd__simd_supported(v)) continue;
    memcpy(acc, acc0, k * d * sizeof *acc);
    ncd__class_sums_simd(v, d, n, f32 ? NULL : h, f32 ? hf : NULL, ld, y, base, acc);
    for (size_t t = 0; t < k * d; t++)
      ck_assert_msg(fabsl(acc[t] - want[t]) <= 1e-13L * mag[t],
                    "variant %d n=%zu d=%zu k=%zu f32=%d at %zu: %.17g vs %.17Lg", v, n, d, k,
                    f32, t, acc[t], want[t]);
  }
  free(h), free(base), free(hf), free(acc), free(acc0), free(want), free(mag), free(y);
}

/* ncd__class_sums_v over a row source: the portable row-by-row loop and every
 * SIMD variant the CPU runs give the same counts and shifts (the first row of
 * each class) and sums within 1e-13 of sum|terms| of a naive long-double sum
 * (the portable loop is otherwise never taken on a machine with AVX2). */
static void rowsrc_sums_case(size_t n, size_t d, size_t k, int f32, ncd_test_rng *g) {
  size_t ld = d + 3;
  double *h = malloc(n * ld * sizeof *h), *first = malloc(k * d * sizeof *first);
  float *hf = malloc(n * ld * sizeof *hf);
  double *sum = malloc(k * d * sizeof *sum);
  long double *want = calloc(k * d, sizeof *want), *mag = calloc(k * d, sizeof *mag);
  size_t *count = malloc(k * sizeof *count), *nc = calloc(k, sizeof *nc), *i0 = malloc(k * sizeof *i0);
  int32_t *y = malloc(n * sizeof *y);
  ncd_test_fill_normal(g, h, n, ld, ld);
  for (size_t i = 0; i < n * ld; i++) hf[i] = (float)h[i];
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)((i * 7 + i / 3) % k);
#define H(i, j) (f32 ? (long double)hf[(i) * ld + (j)] : (long double)h[(i) * ld + (j)])
  for (size_t i = 0; i < n; i++) { /* naive: one pass, shifts = each class's first row */
    size_t c = (size_t)y[i];
    if (nc[c]++ == 0) i0[c] = i;
    for (size_t j = 0; j < d; j++) {
      long double x = H(i, j) - H(i0[c], j);
      want[c * d + j] += x, mag[c * d + j] += fabsl(x);
    }
  }
  for (int v = NCD__SIMD_PORTABLE; v <= NCD__SIMD_AVX512; v++) {
    if (!ncd__simd_supported(v)) continue;
    ncd__rowsrc src;
    ck_assert_status(ncd__rowsrc_init(&src, f32 ? NULL : h, f32 ? hf : NULL, n, d, ld, 1 << 14),
                     NCD_OK);
    memset(count, 0, k * sizeof *count);
    memset(sum, 0, k * d * sizeof *sum);
    ncd__class_sums_v(v, &src, y, count, first, sum);
    ncd__rowsrc_free(&src);
    for (size_t c = 0; c < k; c++) {
      ck_assert_uint_eq(count[c], nc[c]);
      for (size_t j = 0; nc[c] && j < d; j++) {
        ck_assert(first[c * d + j] == (double)H(i0[c], j));
        ck_assert_msg(fabsl(sum[c * d + j] - want[c * d + j]) <= 1e-13L * mag[c * d + j],
                      "variant %d n=%zu d=%zu k=%zu f32=%d: %.17g vs %.17Lg", v, n, d, k, f32,
                      sum[c * d + j], want[c * d + j]);
      }
    }
  }
#undef H
  free(h), free(first), free(hf), free(sum), free(want), free(mag), free(count), free(nc);
  free(i0), free(y);
}

START_TEST(class_sums_against_naive) {
  ncd_test_rng g;
  ncd_test_seed(&g, 810);
  static const size_t ns[] = {1, 65, 5, 64, 200}, ks[] = {3, 70, 1};
  int quick = ncd_test_level() == 0; /* valgrind tier: 1 and 65 rows, k = 3 and 70 */
  for (size_t di = 0; di < NDIMS; di++)
    for (size_t ni = 0; ni < (quick ? 2u : 5u); ni++)
      for (size_t ki = 0; ki < (quick ? 2u : 3u); ki++)
        for (int f32 = 0; f32 < 2; f32++) {
          sums_case(ns[ni], dims[di], ks[ki], f32, &g);
          rowsrc_sums_case(ns[ni] + 70, dims[di], ks[ki] + 1, f32, &g); /* several blocks */
        }
}
END_TEST

START_TEST(dispatch_runs_every_variant) {
  ck_assert(ncd__simd_supported(NCD__SIMD_PORTABLE));
  ck_assert(!ncd__simd_supported(99));
  int best = ncd__simd_best();
  ck_assert(ncd__simd_supported(best));
  if (ncd__simd_supported(NCD__SIMD_AVX512)) ck_assert_int_eq(best, NCD__SIMD_AVX512);
  else if (ncd__simd_supported(NCD__SIMD_AVX2)) ck_assert_int_eq(best, NCD__SIMD_AVX2);
  ck_assert_str_eq(ncd__nc_simd_name(best), best == NCD__SIMD_AVX512 ? "avx512"
                                            : best == NCD__SIMD_AVX2 ? "avx2" : "portable");
  /* valgrind's virtual CPU has no AVX-512: the dispatcher must not pick it */
  if (ON_VALGRIND()) ck_assert(!ncd__simd_supported(NCD__SIMD_AVX512));
  const char *ci = getenv("CI");
#if defined(__x86_64__)
  if (ci && !strcmp(ci, "true") && !ON_VALGRIND() && cpuinfo_has("avx512f")) {
    ck_assert_msg(ncd__simd_supported(NCD__SIMD_AVX512), "CI: avx512f listed but not run");
    ck_assert_msg(ncd__simd_supported(NCD__SIMD_AVX2), "CI: AVX2 variant not run");
  }
  if (!ON_VALGRIND() && cpuinfo_has("avx2") && cpuinfo_has("fma"))
    ck_assert(ncd__simd_supported(NCD__SIMD_AVX2));
#else
  (void)ci;
#endif
}
END_TEST

Suite *suite_metrics_nc1_simd(void) {
  Suite *s = suite_create("metrics_nc1_simd");
  TCase *tc = tcase_create("nc1_simd_dispatch");
  tcase_add_test(tc, dispatch_runs_every_variant);
  suite_add_tcase(s, tc);
  tc = tcase_create("nc1_simd_kernel");
  tcase_add_test(tc, kernel_against_naive);
  suite_add_tcase(s, tc);
  tc = tcase_create("nc1_simd_frozen");
  tcase_add_test(tc, frozen_against_portable);
  suite_add_tcase(s, tc);
  tc = tcase_create("nc1_simd_sums");
  tcase_add_test(tc, class_sums_against_naive);
  suite_add_tcase(s, tc);
  return s;
}

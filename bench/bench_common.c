/*
 * bench_common.c - timing, peak measurement and output for `make bench`.
 */
#include "bench_common.h"

#include <blis.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double ncd_bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double ncd_bench_best(void (*fn)(void *), void *ctx, int reps, double max_s) {
  double best = INFINITY, start = ncd_bench_now();
  for (int r = 0; r < reps || r == 0; r++) {
    double t0 = ncd_bench_now();
    fn(ctx);
    double t = ncd_bench_now() - t0;
    if (t < best) best = t;
    if (ncd_bench_now() - start > max_s && r >= 0) break;
  }
  return best;
}

double *ncd_bench_randn(size_t count, unsigned long long seed) {
  double *x = malloc(count * sizeof *x);
  if (!x) { fprintf(stderr, "bench: out of memory\n"); exit(1); }
  unsigned long long s = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (size_t i = 0; i < count; i++) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    double u = (double)(s >> 11) * 0x1.0p-53;
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    double v = (double)(s >> 11) * 0x1.0p-53;
    x[i] = (u + v - 1.0) * 1.7320508075688772; /* triangular, unit variance-ish */
  }
  return x;
}

double ncd_bench_stream_read(const double *x, size_t count) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= count; i += 4) { s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3]; }
  for (; i < count; i++) s0 += x[i];
  return s0 + s1 + s2 + s3;
}

typedef struct { size_t n; double *a, *b, *c; } gemm_ctx;
static void run_gemm(void *p) {
  gemm_ctx *g = p;
  double one = 1, zero = 0;
  bli_dgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, (dim_t)g->n, (dim_t)g->n, (dim_t)g->n, &one,
            g->a, (inc_t)g->n, 1, g->b, (inc_t)g->n, 1, &zero, g->c, (inc_t)g->n, 1);
}
typedef struct { const double *x; size_t n; double sink; } read_ctx;
static void run_read(void *p) {
  read_ctx *r = p;
  r->sink += ncd_bench_stream_read(r->x, r->n);
}

void ncd_bench_measure_peak(ncd_bench_peak *p) {
  gemm_ctx g = {1000, NULL, NULL, NULL};
  g.a = ncd_bench_randn(g.n * g.n, 1);
  g.b = ncd_bench_randn(g.n * g.n, 2);
  g.c = ncd_bench_randn(g.n * g.n, 3);
  double t = ncd_bench_best(run_gemm, &g, 5, 3.0);
  p->gemm_gflops = 2.0 * 1e-9 * (double)g.n * (double)g.n * (double)g.n / t;
  free(g.a); free(g.b); free(g.c);
  read_ctx r = {NULL, (size_t)32 << 20, 0}; /* 256 MiB */
  double *x = ncd_bench_randn(r.n, 4);
  r.x = x;
  t = ncd_bench_best(run_read, &r, 5, 3.0);
  p->read_gbs = 8e-9 * (double)r.n / t;
  free(x);
}

void ncd_bench_get_peak(ncd_bench_peak *p) {
  const char *f = getenv("NCD_BENCH_PEAK");
  FILE *fp = f ? fopen(f, "r") : NULL;
  if (fp && fscanf(fp, "%lf %lf", &p->gemm_gflops, &p->read_gbs) == 2) {
    fclose(fp);
    return;
  }
  if (fp) fclose(fp);
  ncd_bench_measure_peak(p);
}

void ncd_bench_header(const char *title, const ncd_bench_peak *p) {
  printf("\n== %s  [machine peak: dgemm %.1f GF/s, read %.1f GB/s]\n", title, p->gemm_gflops,
         p->read_gbs);
  printf("%-34s %-22s %10s %10s %10s %8s\n", "routine", "size", "time", "GF/s", "GB/s",
         "%peak");
}

void ncd_bench_row(const char *routine, const char *size, double s, double flops,
                   double bytes, const ncd_bench_peak *p) {
  char gf[32] = "-", gb[32] = "-", pk[32] = "-";
  double frac = 0;
  if (flops > 0) {
    snprintf(gf, sizeof gf, "%.2f", 1e-9 * flops / s);
    frac = 1e-9 * flops / s / p->gemm_gflops;
  }
  if (bytes > 0) {
    snprintf(gb, sizeof gb, "%.2f", 1e-9 * bytes / s);
    double fb = 1e-9 * bytes / s / p->read_gbs;
    if (fb > frac) frac = fb;
  }
  if (frac > 0) snprintf(pk, sizeof pk, "%.0f%%", 100 * frac);
  printf("%-34s %-22s %9.3gms %10s %10s %8s\n", routine, size, 1e3 * s, gf, gb, pk);
}

void ncd_bench_ratio(const char *what, double ours, double reference) {
  printf("  ratio %-40s %8.2fx  (%.3g ms vs %.3g ms)\n", what, reference / ours, 1e3 * ours,
         1e3 * reference);
}

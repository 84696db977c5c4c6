/*
 * bench_ghost.c - the ghost-radius layer (spec/ghosts.md):
 *   1. ncd_ghost_radius_bound (and _f32) on n = 10000, k = 1000 in GB/s beside a
 *      plain streaming read of the same matrix (the bound is one pass);
 *   2. ncd_ghost_radius_exact on a batch against the bound and against the naive
 *      per-sample exact radius (ncd_ghost_rho_exact on every row, then the min):
 *      branch and bound over samples must win by >= 5x on typical batches.
 *      "Typical": logits of a partly trained classifier (a confident class with
 *      margin 4 on most samples) and a JVP whose scale varies by sample
 *      (lognormal, sigma 0.5, as feature norms do). The worst case for pruning,
 *      i.i.d. logits and slopes of one scale, is reported too.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "ncdyn.h"

typedef struct {
  size_t n, k;
  double *z, *a;
  float *af;
  double rho, sink;
} ctx_t;

static void run_bound(void *p) {
  ctx_t *c = p;
  ncd_ghost_radius_bound(c->n, c->k, c->a, c->k, &c->rho, NULL);
}
static void run_bound_f32(void *p) {
  ctx_t *c = p;
  ncd_ghost_radius_bound_f32(c->n, c->k, c->af, c->k, &c->rho, NULL);
}
static void run_read(void *p) {
  ctx_t *c = p;
  c->sink += ncd_bench_stream_read(c->a, c->n * c->k);
}
static void run_exact(void *p) {
  ctx_t *c = p;
  ncd_ghost_radius_exact(c->n, c->k, c->z, c->k, c->a, c->k, &c->rho);
}
static void run_naive(void *p) {
  ctx_t *c = p;
  double best = INFINITY, r;
  for (size_t i = 0; i < c->n; i++) {
    ncd_ghost_rho_exact(c->k, c->z + i * c->k, c->a + i * c->k, &r, NULL);
    best = r < best ? r : best;
  }
  c->rho = best;
}

static void batch(const char *label, size_t n, size_t k, int typical, const ncd_bench_peak *pk) {
  ctx_t c = {n, k, NULL, NULL, NULL, 0, 0};
  c.z = ncd_bench_randn(n * k, 11);
  c.a = ncd_bench_randn(n * k, 12);
  double *s = ncd_bench_randn(n, 13);
  if (typical)
    for (size_t i = 0; i < n; i++) {
      double sc = exp(0.5 * s[i]);
      for (size_t j = 0; j < k; j++) c.a[i * k + j] *= sc;
      c.z[i * k + (i * 7919) % k] += 4.0;
    }
  char size[64];
  snprintf(size, sizeof size, "n=%zu k=%zu", n, k);
  double tb = ncd_bench_best(run_bound, &c, 5, 2);
  double te = ncd_bench_best(run_exact, &c, 3, 10);
  double re = c.rho;
  double tn = ncd_bench_best(run_naive, &c, 1, 60);
  printf("  %s: exact %.12g, naive %.12g\n", label, re, c.rho);
  ncd_bench_row("ghost_radius_exact (branch and bound)", size, te, 0, 0, pk);
  ncd_bench_row("naive per-sample exact + min", size, tn, 0, 0, pk);
  ncd_bench_ratio("exact B&B vs naive per-sample", te, tn);
  ncd_bench_ratio("exact B&B vs bound (cost multiple)", tb, te);
  free(c.z);
  free(c.a);
  free(s);
}

int main(void) {
  ncd_bench_peak peak;
  ncd_bench_get_peak(&peak);
  ncd_bench_header("ghost", &peak);
  ctx_t c = {10000, 1000, NULL, NULL, NULL, 0, 0};
  size_t cnt = c.n * c.k;
  c.a = ncd_bench_randn(cnt, 7);
  c.af = malloc(cnt * sizeof *c.af);
  for (size_t i = 0; i < cnt; i++) c.af[i] = (float)c.a[i];
  double bytes = 8.0 * (double)cnt;
  double tb = ncd_bench_best(run_bound, &c, 5, 5);
  double tf = ncd_bench_best(run_bound_f32, &c, 5, 5);
  double tr = ncd_bench_best(run_read, &c, 5, 5);
  ncd_bench_row("ghost_radius_bound", "n=10000 k=1000", tb, 0, bytes, &peak);
  ncd_bench_row("ghost_radius_bound_f32", "n=10000 k=1000", tf, 0, bytes / 2, &peak);
  ncd_bench_row("streaming read (same matrix)", "n=10000 k=1000", tr, 0, bytes, &peak);
  ncd_bench_ratio("bound vs streaming read", tb, tr);
  free(c.a);
  free(c.af);
  batch("typical batch", 1000, 100, 1, &peak);
  if (!getenv("NCD_BENCH_QUICK")) batch("typical batch", 256, 1000, 1, &peak);
  if (!getenv("NCD_BENCH_QUICK")) batch("worst case (iid)", 1000, 100, 0, &peak);
  return 0;
}

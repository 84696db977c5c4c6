/*
 * bench_init.c - the initializers against one BLIS dgemm of the same size:
 * ncd_hadamard(4096), the canonical ETF k = d = 4096, the seeded (portable,
 * BLAS-free CGS2) ETF at k = d = 1024 (4096 only if the estimate is < 30 s),
 * and the reduced Hadamard dynamics per step at k = 1024 against one full GD
 * step of the CE UFM with n = 10 per class, d = k (three GEMMs + softmax).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "kernels/kernels_internal.h"

typedef struct {
  size_t n, d, k, nc;
  double *a, *b, *c;      /* gemm operands / outputs */
  double *w, *h, *z, *dw, *dh;
  int32_t *y;
  double *sw, *sh;
  uint64_t seed;
} ctx_t;

static void run_gemm(void *p) {
  ctx_t *c = p;
  ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, c->n, c->n, c->n, 1.0, c->a, c->n, c->b, c->n, 0.0,
            c->c, c->n);
}
static void run_hadamard(void *p) {
  ctx_t *c = p;
  if (ncd_hadamard(c->n, c->c, c->n) != NCD_OK) abort();
}
static void run_etf(void *p) {
  ctx_t *c = p;
  if (ncd_simplex_etf(c->k, c->d, c->seed, c->c, c->d) != NCD_OK) abort();
}
static void run_etf_fast(void *p) {
  ctx_t *c = p;
  if (ncd_simplex_etf_fast(c->k, c->d, c->seed, c->c, c->d) != NCD_OK) abort();
}
static void run_reduced(void *p) {
  ctx_t *c = p;
  if (ncd_hadamard_gd(c->k, c->nc, 0.1, 0, 0, 100, c->sw, c->sh, NULL) != NCD_OK) abort();
}
/* one full GD step on the mean CE: Z = h w^T, G = (softmax(Z) - Y)/n,
 * dW = G^T h, dH = G w, then the update */
static void run_full(void *p) {
  ctx_t *c = p;
  size_t n = c->n, k = c->k, d = c->d;
  ncd__gemm(NCD__NOTRANS, NCD__TRANS, n, k, d, 1.0, c->h, d, c->w, d, 0.0, c->z, k);
  for (size_t i = 0; i < n; i++) {
    double *z = c->z + i * k, mx = z[0], s = 0;
    for (size_t j = 1; j < k; j++) mx = z[j] > mx ? z[j] : mx;
    for (size_t j = 0; j < k; j++) s += (z[j] = exp(z[j] - mx));
    for (size_t j = 0; j < k; j++) z[j] = (z[j] / s - (j == (size_t)c->y[i])) / (double)n;
  }
  ncd__gemm(NCD__TRANS, NCD__NOTRANS, k, d, n, 1.0, c->z, k, c->h, d, 0.0, c->dw, d);
  ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, n, d, k, 1.0, c->z, k, c->w, d, 0.0, c->dh, d);
  for (size_t i = 0; i < k * d; i++) c->w[i] -= 0.1 * c->dw[i];
  for (size_t i = 0; i < n * d; i++) c->h[i] -= 0.1 * c->dh[i];
}

int main(void) {
  ncd_bench_peak peak;
  ncd_bench_get_peak(&peak);
  ncd_bench_header("init", &peak);
  ctx_t c = {0};
  char size[64];

  /* 1. Hadamard 4096 and canonical ETF 4096 vs one dgemm 4096 */
  c.n = 4096;
  c.a = ncd_bench_randn(c.n * c.n, 1);
  c.b = ncd_bench_randn(c.n * c.n, 2);
  c.c = malloc(c.n * c.n * sizeof *c.c);
  double nn = (double)c.n;
  double t_gemm = ncd_bench_best(run_gemm, &c, 1, 30);
  ncd_bench_row("dgemm (reference)", "n=4096", t_gemm, 2 * nn * nn * nn, 0, &peak);
  double t_had = ncd_bench_best(run_hadamard, &c, 3, 10);
  ncd_bench_row("ncd_hadamard", "n=4096", t_had, 0, 8 * nn * nn, &peak);
  ncd_bench_ratio("ncd_hadamard(4096) speed-up over dgemm", t_had, t_gemm);
  c.k = c.d = 4096;
  c.seed = 0;
  double t_etf0 = ncd_bench_best(run_etf, &c, 3, 10);
  ncd_bench_row("ncd_simplex_etf seed 0", "k=d=4096", t_etf0, 0, 8 * nn * nn, &peak);
  ncd_bench_ratio("canonical ETF(4096) speed-up over dgemm", t_etf0, t_gemm);

  /* 2. seeded ETF (portable CGS2, about 4 d k^2 flops) */
  c.k = c.d = 1024;
  c.seed = 12345;
  double kk = 1024.0;
  double t_etf1 = ncd_bench_best(run_etf, &c, 1, 30);
  ncd_bench_row("ncd_simplex_etf seeded", "k=d=1024", t_etf1, 4 * kk * kk * kk, 0, &peak);
  double t_etff = ncd_bench_best(run_etf_fast, &c, 1, 30);
  ncd_bench_row("ncd_simplex_etf_fast (BLAS-3)", "k=d=1024", t_etff, 4 * kk * kk * kk, 0, &peak);
  ncd_bench_ratio("BLAS-3 seeded ETF speed-up over portable", t_etff, t_etf1);
  double est = t_etf1 * 64;
  if (est < 30) {
    c.k = c.d = 4096;
    double t4 = ncd_bench_best(run_etf, &c, 1, 60);
    ncd_bench_row("ncd_simplex_etf seeded", "k=d=4096", t4, 4 * nn * nn * nn, 0, &peak);
  } else {
    printf("ncd_simplex_etf seeded k=d=4096: skipped (estimated %.0f s from k=1024)\n", est);
  }
  free(c.a); free(c.b); free(c.c);

  /* 3. reduced dynamics vs one full GD step, k = 1024, nc = 10, d = k */
  ctx_t u = {0};
  u.k = u.d = 1024;
  u.nc = 10;
  u.n = u.k * u.nc;
  u.y = malloc(u.n * sizeof *u.y);
  for (size_t i = 0; i < u.n; i++) u.y[i] = (int32_t)(i % u.k);
  u.sw = calloc(u.k, sizeof *u.sw);
  u.sh = calloc(u.k, sizeof *u.sh);
  for (size_t m = 1; m < u.k; m++) u.sw[m] = u.sh[m] = 0.5;
  u.w = malloc(u.k * u.d * sizeof *u.w);
  u.h = malloc(u.n * u.d * sizeof *u.h);
  u.z = malloc(u.n * u.k * sizeof *u.z);
  u.dw = malloc(u.k * u.d * sizeof *u.dw);
  u.dh = malloc(u.n * u.d * sizeof *u.dh);
  if (ncd_hadamard_ufm_init(u.n, u.d, u.k, u.y, u.sw, u.sh, 0, u.w, u.d, u.h, u.d) != NCD_OK)
    abort();
  double t_full = ncd_bench_best(run_full, &u, 3, 20);
  snprintf(size, sizeof size, "k=d=1024 n=%zu", u.n);
  double fl = 3 * 2.0 * (double)u.n * (double)u.k * (double)u.d;
  ncd_bench_row("full CE UFM GD step", size, t_full, fl, 0, &peak);
  double t_red = ncd_bench_best(run_reduced, &u, 5, 5) / 100;
  ncd_bench_row("ncd_hadamard_gd per step", "k=1024", t_red, 0, 0, &peak);
  ncd_bench_ratio("reduced step speed-up, full GD (goal >= 100x)", t_red, t_full);
  free(u.y); free(u.sw); free(u.sh); free(u.w); free(u.h); free(u.z); free(u.dw); free(u.dh);
  return 0;
}

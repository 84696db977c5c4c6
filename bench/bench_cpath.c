/*
 * bench_cpath.c - the central-path layer (spec/central-path.md):
 *   - ncd_cpath_omega: average time per call over a mix of moderate and extreme
 *     (omega0, t) (goal: under 1 microsecond);
 *   - ncd_ls_classifier at n = 100000, d = 512, k = 10 against one SYRK of the
 *     features (the route CP-7 is one SYRK + O(n k d) + d^3/3; goal within 1.3x);
 *   - ncd_mse_decompose at the same size, for reference.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "kernels/kernels_internal.h"

enum { NOMEGA = 100000 };
typedef struct {
  double w0[NOMEGA], t[NOMEGA];
  size_t c[NOMEGA], n[NOMEGA];
  double sink;
} omega_ctx;

static void run_omega(void *p) {
  omega_ctx *o = p;
  double acc = 0, w;
  for (size_t i = 0; i < NOMEGA; i++) {
    if (ncd_cpath_omega(o->c[i], o->n[i], o->w0[i], o->t[i], &w) == NCD_OK) acc += w;
  }
  o->sink += acc;
}

typedef struct {
  size_t n, d, k;
  double *h, *w, *b, *c;
  int32_t *y;
  int status;
} ls_ctx;
static void run_ls(void *p) {
  ls_ctx *c = p;
  c->status = ncd_ls_classifier(c->n, c->d, c->k, c->h, c->d, c->y, 1e-3, c->w, c->d, c->b);
}
static void run_syrk(void *p) {
  ls_ctx *c = p;
  ncd__syrk_ata(c->n, c->d, 1.0, c->h, c->d, 0.0, c->c, c->d);
}
static void run_decompose(void *p) {
  ls_ctx *c = p;
  double out[4];
  c->status = ncd_mse_decompose(c->n, c->d, c->k, c->h, c->d, c->y, c->w, c->d, c->b, 1e-3, out);
}

int main(void) {
  ncd_bench_peak peak;
  ncd_bench_get_peak(&peak);
  ncd_bench_header("cpath", &peak);

  omega_ctx *o = malloc(sizeof *o);
  uint64_t s = 12345;
  for (size_t i = 0; i < NOMEGA; i++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    double u1 = (double)(s >> 11) / 9007199254740992.0;
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    double u2 = (double)(s >> 11) / 9007199254740992.0;
    int wide = (i % 4) == 3; /* 3/4 moderate (C <= 100, 1e-3..1e3, |t| <= 1e9) */
    o->c[i] = 2 + i % 99;
    o->n[i] = 1 + i % 500;
    o->w0[i] = wide ? pow(10, -300 + 450 * u1) : pow(10, -3 + 6 * u1);
    double mag = wide ? pow(10, -20 + 320 * u2) : pow(10, -3 + 12 * u2);
    o->t[i] = (i & 1) ? mag : -mag;
  }
  o->sink = 0;
  double t_om = ncd_bench_best(run_omega, o, 5, 5);
  char buf[64];
  snprintf(buf, sizeof buf, "%d calls", NOMEGA);
  ncd_bench_row("ncd_cpath_omega (mixed inputs)", buf, t_om, 0, 0, &peak);
  printf("ncd_cpath_omega: %.1f ns per call (goal < 1000 ns)\n", 1e9 * t_om / NOMEGA);

  ls_ctx c = {100000, 512, 10, NULL, NULL, NULL, NULL, NULL, 0};
  c.h = ncd_bench_randn(c.n * c.d, 7);
  c.w = malloc(c.k * c.d * sizeof *c.w);
  c.b = malloc(c.k * sizeof *c.b);
  c.c = malloc(c.d * c.d * sizeof *c.c);
  c.y = malloc(c.n * sizeof *c.y);
  for (size_t i = 0; i < c.n; i++) c.y[i] = (int32_t)(i % c.k);
  double flops = (double)c.n * (double)c.d * (double)(c.d + 1);
  double t_syrk = ncd_bench_best(run_syrk, &c, 3, 10);
  double t_ls = ncd_bench_best(run_ls, &c, 3, 20);
  double t_dec = ncd_bench_best(run_decompose, &c, 2, 20);
  ncd_bench_row("ncd__syrk_ata (H^T H)", "n=100000 d=512", t_syrk, flops, 8.0 * c.n * c.d, &peak);
  ncd_bench_row("ncd_ls_classifier", "n=100000 d=512 k=10", t_ls, flops, 8.0 * c.n * c.d, &peak);
  ncd_bench_row("ncd_mse_decompose", "n=100000 d=512 k=10", t_dec, flops, 8.0 * c.n * c.d, &peak);
  ncd_bench_ratio("one SYRK vs ncd_ls_classifier", t_ls, t_syrk);
  ncd_bench_ratio("one SYRK vs ncd_mse_decompose", t_dec, t_syrk);
  printf("ncd_ls_classifier takes %.2fx one SYRK (goal <= 1.3x); ncd_mse_decompose %.2fx\n",
         t_ls / t_syrk, t_dec / t_syrk);
  if (c.status != NCD_OK) printf("warning: status %d\n", c.status);
  free(c.h); free(c.w); free(c.b); free(c.c); free(c.y); free(o);
  return 0;
}

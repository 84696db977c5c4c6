/*
 * bench_ufm.c - one UFM objective + all three gradients (ncd_ufm_objective,
 * spec/ufm.md U-5, U-6; CE, all lambdas nonzero) at n = 10000, d = 512,
 * k = 10 against its three GEMMs called directly on the whole matrices
 * (Z = H W^T, dW = G^T H, dH = G W). Target: within 1.3x.
 */
#include <blis.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "ncdyn.h"

typedef struct ctx {
  size_t n, d, k;
  ncd_ufm *u;
  double *h, *w, *b, *z, *gw, *gh, gb[16], f;
} ctx;

static void ours(void *p) {
  ctx *c = p;
  ncd_ufm_objective(c->u, c->w, c->d, c->h, c->d, c->b, &c->f, c->gw, c->d, c->gh, c->d,
                    c->gb);
}

static void three_gemms(void *p) {
  ctx *c = p;
  double one = 1, zero = 0;
  dim_t n = (dim_t)c->n, d = (dim_t)c->d, k = (dim_t)c->k;
  /* Z (n x k) = H W^T */
  bli_dgemm(BLIS_NO_TRANSPOSE, BLIS_TRANSPOSE, n, k, d, &one, c->h, d, 1, c->w, d, 1, &zero,
            c->z, k, 1);
  /* dW (k x d) = Z^T H   (Z standing in for G) */
  bli_dgemm(BLIS_TRANSPOSE, BLIS_NO_TRANSPOSE, k, d, n, &one, c->z, k, 1, c->h, d, 1, &zero,
            c->gw, d, 1);
  /* dH (n x d) = Z W */
  bli_dgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, n, d, k, &one, c->z, k, 1, c->w, d, 1,
            &zero, c->gh, d, 1);
}

int main(void) {
  ncd_bench_peak peak;
  ncd_bench_get_peak(&peak);
  ncd_bench_header("ufm", &peak);
  ctx c = {10000, 512, 10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, {0}, 0};
  int32_t *y = malloc(c.n * sizeof *y);
  for (size_t i = 0; i < c.n; i++) y[i] = (int32_t)(i % c.k);
  if (ncd_ufm_create(c.n, c.d, c.k, y, &c.u) != NCD_OK) return 1;
  ncd_ufm_set(c.u, NCD_UFM_LAMBDA_W, 5e-4);
  ncd_ufm_set(c.u, NCD_UFM_LAMBDA_H, 5e-4);
  ncd_ufm_set(c.u, NCD_UFM_LAMBDA_B, 5e-4);
  c.h = ncd_bench_randn(c.n * c.d, 1);
  c.w = ncd_bench_randn(c.k * c.d, 2);
  c.b = ncd_bench_randn(c.k, 3);
  c.z = malloc(c.n * c.k * sizeof *c.z);
  c.gw = malloc(c.k * c.d * sizeof *c.gw);
  c.gh = malloc(c.n * c.d * sizeof *c.gh);
  double flops = 3 * 2.0 * (double)c.n * (double)c.d * (double)c.k;
  double bytes = 8.0 * 3 * (double)c.n * (double)c.d; /* H read twice, dH written */
  double t_ours = ncd_bench_best(ours, &c, 20, 5);
  double t_ref = ncd_bench_best(three_gemms, &c, 20, 5);
  ncd_bench_row("ncd_ufm_objective (f, dW, dH, db)", "n=10000 d=512 k=10", t_ours, flops,
                bytes, &peak);
  ncd_bench_row("3 x bli_dgemm direct", "n=10000 d=512 k=10", t_ref, flops, bytes, &peak);
  /* printed as reference / ours: >= 1/1.3 = 0.77 meets the target */
  ncd_bench_ratio("three GEMMs / ncd_ufm_objective", t_ours, t_ref);
  ncd_ufm_free(c.u);
  free(y); free(c.h); free(c.w); free(c.b); free(c.z); free(c.gw); free(c.gh);
  return 0;
}

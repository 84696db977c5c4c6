/*
 * bench_kernels.c - the kernel layer against BLIS called directly: our GEMM
 * and SYRK wrappers must cost nothing over the raw typed API.
 */
#include <blis.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "kernels/kernels_internal.h"

typedef struct { size_t n, d; double *h, *c; } ctx_t;
static void syrk_ours(void *p) {
  ctx_t *c = p;
  ncd__syrk_ata(c->n, c->d, 1.0, c->h, c->d, 0.0, c->c, c->d);
}
static void syrk_raw(void *p) {
  ctx_t *c = p;
  double one = 1, zero = 0;
  bli_dsyrk(BLIS_LOWER, BLIS_TRANSPOSE, (dim_t)c->d, (dim_t)c->n, &one, c->h, (inc_t)c->d, 1,
            &zero, c->c, (inc_t)c->d, 1);
}

int main(void) {
  ncd_bench_peak peak;
  ncd_bench_get_peak(&peak);
  ncd_bench_header("kernels", &peak);
  ctx_t c = {100000, 512, NULL, NULL};
  c.h = ncd_bench_randn(c.n * c.d, 7);
  c.c = malloc(c.d * c.d * sizeof *c.c);
  double flops = (double)c.n * (double)c.d * (double)(c.d + 1);
  double t_ours = ncd_bench_best(syrk_ours, &c, 3, 10);
  double t_raw = ncd_bench_best(syrk_raw, &c, 3, 10);
  ncd_bench_row("ncd__syrk_ata (H^T H)", "n=100000 d=512", t_ours, flops, 8.0 * c.n * c.d, &peak);
  ncd_bench_row("bli_dsyrk direct", "n=100000 d=512", t_raw, flops, 8.0 * c.n * c.d, &peak);
  ncd_bench_ratio("raw bli_dsyrk / ncd__syrk_ata", t_ours, t_raw);
  free(c.h);
  free(c.c);
  return 0;
}

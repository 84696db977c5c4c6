/*
 * bench_stream_objs.c - the streaming CKA and NRC objects (docs/peers.md
 * "Streaming objects") against the one-shot calls on the same rows, n = 100000,
 * d = 512 (CKA: d2 = 64; NRC: m = 10, targets kept), batches of 1024 rows;
 * plus merge and save/load of the states (cost independent of n).
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "ncdyn.h"

typedef struct {
  size_t n, d, d2, m, bs;
  double *h, *z, *wr;
  double sink;
} ctx;

static void cka_once(void *p) {
  ctx *c = p;
  double v;
  ncd_linear_cka(c->n, c->d, c->h, c->d, c->d2, c->z, c->d2, &v);
  c->sink += v;
}
static void cka_stream(void *p) {
  ctx *c = p;
  ncd_cka_acc *a = NULL;
  double v;
  ncd_cka_acc_create(c->d, c->d2, &a);
  for (size_t i = 0; i < c->n; i += c->bs) {
    size_t b = c->n - i < c->bs ? c->n - i : c->bs;
    ncd_cka_acc_update(a, b, c->h + i * c->d, c->d, c->z + i * c->d2, c->d2);
  }
  ncd_cka_acc_value(a, &v);
  c->sink += v;
  ncd_cka_acc_free(a);
}
static void nrc_once(void *p) {
  ctx *c = p;
  double out[4];
  ncd_nrc_metrics(c->n, c->d, c->h, c->d, c->m, c->z, c->d2, c->wr, c->d, 0.0, 1.0, 0, out);
  c->sink += out[0];
}
static void nrc_stream(void *p) {
  ctx *c = p;
  ncd_nrc_acc *a = NULL;
  double out[4];
  ncd_nrc_acc_create(c->d, c->m, NCD_NRC_ACC_TARGETS, &a);
  for (size_t i = 0; i < c->n; i += c->bs) {
    size_t b = c->n - i < c->bs ? c->n - i : c->bs;
    ncd_nrc_acc_update(a, b, c->h + i * c->d, c->d, c->z + i * c->d2, c->d2);
  }
  ncd_nrc_acc_metrics(a, c->wr, c->d, 0.0, 1.0, 0, out);
  c->sink += out[0];
  ncd_nrc_acc_free(a);
}

int main(void) {
  ncd_bench_peak peak;
  ncd_bench_get_peak(&peak);
  ncd_bench_header("streaming CKA / NRC objects vs one-shot, n = 100000, d = 512", &peak);
  ctx c = {100000, 512, 64, 10, 1024, NULL, NULL, NULL, 0};
  c.h = ncd_bench_randn(c.n * c.d, 31);
  c.z = ncd_bench_randn(c.n * c.d2, 32);
  c.wr = ncd_bench_randn(c.m * c.d, 33);
  double n = (double)c.n, d = (double)c.d, dd = d + 64;
  double t1 = ncd_bench_best(cka_once, &c, 1, 20), t1s = ncd_bench_best(cka_stream, &c, 1, 20);
  double t2 = ncd_bench_best(nrc_once, &c, 1, 20), t2s = ncd_bench_best(nrc_stream, &c, 1, 20);
  /* merge and save/load of full states */
  ncd_cka_acc *a = NULL, *b = NULL, *l = NULL;
  ncd_cka_acc_create(c.d, c.d2, &a);
  ncd_cka_acc_create(c.d, c.d2, &b);
  ncd_cka_acc_update(a, 2048, c.h, c.d, c.z, c.d2);
  ncd_cka_acc_update(b, 2048, c.h + 2048 * c.d, c.d, c.z + 2048 * c.d2, c.d2);
  size_t len = 0;
  ncd_cka_acc_save(a, NULL, 0, &len);
  unsigned char *buf = malloc(len);
  double t0 = ncd_bench_now();
  ncd_cka_acc_merge(a, b);
  double tm = ncd_bench_now() - t0;
  t0 = ncd_bench_now();
  ncd_cka_acc_save(a, buf, len, &len);
  ncd_cka_acc_load(buf, len, &l);
  double tsl = ncd_bench_now() - t0;
  char size[64];
  snprintf(size, sizeof size, "100000x(512+64)");
  ncd_bench_row("ncd_linear_cka (one-shot)", size, t1, n * dd * dd, 0, &peak);
  ncd_bench_row("ncd_cka_acc (batches of 1024)", size, t1s, n * dd * dd, 0, &peak);
  ncd_bench_row("ncd_nrc_metrics (one-shot, m 10)", "100000x512", t2, 2 * n * d * d, 0, &peak);
  ncd_bench_row("ncd_nrc_acc (batches, targets)", "100000x512", t2s, 2 * n * d * d, 0, &peak);
  ncd_bench_row("ncd_cka_acc_merge", "576^2 state", tm, 0, 8.0 * dd * dd, &peak);
  ncd_bench_row("ncd_cka_acc save + load", "576^2 state", tsl, 0, 2.0 * (double)len, &peak);
  ncd_bench_ratio("CKA: streamed / one-shot", t1s, t1);
  ncd_bench_ratio("NRC: streamed / one-shot", t2s, t2);
  if (c.sink == 12345.678) puts("");
  ncd_cka_acc_free(a), ncd_cka_acc_free(b), ncd_cka_acc_free(l);
  free(buf), free(c.h), free(c.z), free(c.wr);
  return 0;
}

/*
 * bench_peers.c - the peer-parity metrics (spec/metrics-peers.md) at n =
 * 100000, d = 512, k = 10 against the peers' routes on the same BLIS:
 * the pass-1 pair metrics (ncd_nc_metrics_select of indices 19-24) against a
 * SYRK of the centred features (nc-toolbox forms Sigma_W for nc1_weak); the
 * cosine silhouette by the O(n d k) route against sklearn's O(n^2 d) pairwise
 * distances (GEMM blocks) on a subsample, extrapolated by (n / n_s)^2; the
 * effective rank through the d x d scatter against MONAI's thin SVD of the
 * centred n x d block (subsample, extrapolated linearly in n); linear CKA in
 * feature space against the n x n centred Grams (subsample, (n / n_s)^2).
 * Run once; figures are noisy on a shared machine.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "kernels/kernels_internal.h"

typedef struct ctx {
  size_t n, d, k, ns, d2;
  double *h, *w, *z, out[NCD_METRIC_COUNT], sink;
  int32_t *y;
} ctx;

static void pairs_ours(void *p) {
  ctx *c = p;
  uint64_t sel = 0;
  for (int i = NCD_NC1_WEAK; i <= NCD_CENTROID_COS; i++) sel |= (uint64_t)1 << i;
  ncd_nc_metrics_select(c->n, c->d, c->k, c->h, c->d, c->y, c->w, c->d, NULL, NULL, sel, c->out,
                        NCD_METRIC_COUNT);
}
static void syrk_peer(void *p) { /* Sigma_W by SYRK of row blocks (means subtracted) */
  ctx *c = p;
  size_t d = c->d, bs = 2048;
  double *s = malloc(d * d * sizeof(double)), *blk = malloc(bs * d * sizeof(double));
  for (size_t i0 = 0; i0 < c->n; i0 += bs) {
    size_t nb = c->n - i0 < bs ? c->n - i0 : bs;
    memcpy(blk, c->h + i0 * d, nb * d * sizeof(double));
    ncd__syrk_ata(nb, d, 1.0, blk, d, i0 ? 1.0 : 0.0, s, d);
  }
  c->sink += s[0];
  free(s), free(blk);
}
static void sil_ours(void *p) {
  ctx *c = p;
  double m;
  ncd_nc_silhouette_cos(c->n, c->d, c->k, c->h, c->d, c->y, &m, NULL);
  c->sink += m;
}
static void sil_peer(void *p) { /* all ns^2 cosine distances by GEMM blocks + reductions */
  ctx *c = p;
  size_t ns = c->ns, d = c->d, k = c->k, bs = 256;
  double *u = malloc(ns * d * sizeof(double)), *g = malloc(bs * ns * sizeof(double));
  for (size_t i = 0; i < ns; i++) {
    double t = 0;
    for (size_t j = 0; j < d; j++) t += c->h[i * d + j] * c->h[i * d + j];
    for (size_t j = 0; j < d; j++) u[i * d + j] = c->h[i * d + j] / sqrt(t);
  }
  double tot = 0, sums[64];
  for (size_t i0 = 0; i0 < ns; i0 += bs) {
    size_t nb = ns - i0 < bs ? ns - i0 : bs;
    ncd__gemm(NCD__NOTRANS, NCD__TRANS, nb, ns, d, 1.0, u + i0 * d, d, u, d, 0.0, g, ns);
    for (size_t r = 0; r < nb; r++) {
      memset(sums, 0, sizeof sums);
      for (size_t j = 0; j < ns; j++) sums[c->y[j]] += 1 - g[r * ns + j];
      tot += sums[0] + sums[k - 1];
    }
  }
  c->sink += tot;
  free(u), free(g);
}
static void erank_ours(void *p) {
  ctx *c = p;
  double e;
  ncd_nc_erank(c->n, c->d, c->k, c->h, c->d, c->y, &e, NULL);
  c->sink += e;
}
static void erank_peer(void *p) { /* thin SVD of the centred ns x d block */
  ctx *c = p;
  size_t ns = c->ns * 5, d = c->d;
  double *x = malloc(ns * d * sizeof(double)), *s = malloc(d * sizeof(double)), mu[1024] = {0};
  for (size_t i = 0; i < ns; i++)
    for (size_t j = 0; j < d; j++) mu[j] += c->h[i * d + j] / (double)ns;
  for (size_t i = 0; i < ns; i++)
    for (size_t j = 0; j < d; j++) x[i * d + j] = c->h[i * d + j] - mu[j];
  ncd__svd(ns, d, x, d, s, NULL, 0, NULL, 0);
  c->sink += s[0];
  free(x), free(s);
}
static void cka_ours(void *p) {
  ctx *c = p;
  double v;
  ncd_linear_cka(c->n, c->d, c->h, c->d, c->d2, c->z, c->d2, &v);
  c->sink += v;
}
static void cka_peer(void *p) { /* n_s x n_s Grams of centred x and z, then traces */
  ctx *c = p;
  size_t ns = c->ns, d = c->d, d2 = c->d2;
  double *kx = malloc(ns * ns * sizeof(double)), *kz = malloc(ns * ns * sizeof(double));
  ncd__syrk_aat(ns, d, 1.0, c->h, d, 0.0, kx, ns);
  ncd__syrk_aat(ns, d2, 1.0, c->z, d2, 0.0, kz, ns);
  double t = 0;
  for (size_t i = 0; i < ns * ns; i++) t += kx[i] * kz[i];
  c->sink += t;
  free(kx), free(kz);
}

int main(void) {
  ncd_bench_peak peak;
  ncd_bench_get_peak(&peak);
  ncd_bench_header("peer-parity metrics (spec/metrics-peers.md), n = 100000, d = 512, k = 10", &peak);
  ctx c = {100000, 512, 10, 4000, 64, NULL, NULL, NULL, {0}, 0, NULL};
  c.h = ncd_bench_randn(c.n * c.d, 21);
  c.w = ncd_bench_randn(c.k * c.d, 22);
  c.z = ncd_bench_randn(c.n * c.d2, 23);
  c.y = malloc(c.n * sizeof(int32_t));
  for (size_t i = 0; i < c.n; i++) {
    c.y[i] = (int32_t)(i % c.k);
    c.h[i * c.d + (size_t)c.y[i]] += 3.0;
  }
  double n = (double)c.n, d = (double)c.d, k = (double)c.k, ns = (double)c.ns;
  double f2 = (n / ns) * (n / ns);
  double t1 = ncd_bench_best(pairs_ours, &c, 2, 10), t1p = ncd_bench_best(syrk_peer, &c, 1, 20);
  double t2 = ncd_bench_best(sil_ours, &c, 2, 10), t2p = ncd_bench_best(sil_peer, &c, 1, 30) * f2;
  double t3 = ncd_bench_best(erank_ours, &c, 1, 20), t3p = ncd_bench_best(erank_peer, &c, 1, 30) * (n / (5 * ns));
  double t4 = ncd_bench_best(cka_ours, &c, 1, 20), t4p = ncd_bench_best(cka_peer, &c, 1, 30) * f2;
  const char *size = "100000x512 k10";
  ncd_bench_row("select 19-24 (pair metrics)", size, t1, 0, 8 * n * d, &peak);
  ncd_bench_row("peer: SYRK Sigma_W (nc1_weak)", size, t1p, n * d * (d + 1), 8 * n * d, &peak);
  ncd_bench_row("ncd_nc_silhouette_cos O(ndk)", size, t2, 4 * n * d * k, 16 * n * d, &peak);
  ncd_bench_row("peer: n^2 d distances (extrap)", size, t2p, 2 * n * n * d, 0, &peak);
  ncd_bench_row("ncd_nc_erank (scatter + syev)", size, t3, n * d * (d + 1), 16 * n * d, &peak);
  ncd_bench_row("peer: thin SVD (extrap)", size, t3p, 0, 0, &peak);
  ncd_bench_row("ncd_linear_cka feature space", size, t4, n * (d + 64) * (d + 64), 0, &peak);
  ncd_bench_row("peer: n x n Grams (extrap)", size, t4p, n * n * (d + 64), 0, &peak);
  ncd_bench_ratio("pair metrics: peer SYRK / ours", t1, t1p);
  ncd_bench_ratio("silhouette: O(n^2 d) / O(n d k)", t2, t2p);
  ncd_bench_ratio("erank: thin SVD / scatter", t3, t3p);
  ncd_bench_ratio("CKA: n x n Grams / feature space", t4, t4p);
  if (c.sink == 12345.678) puts("");
  free(c.h), free(c.w), free(c.z), free(c.y);
  return 0;
}

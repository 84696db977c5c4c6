/*
 * bench_metrics.c - NC1 at n = 100000, d = 512, k = 10 (spec/metrics.md
 * section 5): the two-pass route of ncd_nc_metrics (nout = 1: class means,
 * thin SVD of Mbar, one GEMM with V_r S_r^{-1}) against the peers' route
 * (Sigma_W by SYRK of the centred features, Sigma_B, pseudo-inverse by a d x d
 * eigendecomposition, trace) on the same BLIS, and against two streaming reads
 * of the features measured in the same run. Also: float32 input, the streaming
 * accumulator (two passes), the one-pass state, and the full metric set.
 * The limit of the portable route (one read + 2 n d r flops at the measured
 * BLIS dgemm peak: at r = 9 that is 2.25 flop per byte) is printed beside
 * them; the SIMD kernels are not bound by BLIS's peak.
 * Where the time goes: pass 1 alone (class counts and sums), pass 2 alone
 * (the NC1 projection of the frozen first pass) with each SIMD variant this
 * CPU runs (AVX-512F, AVX2+FMA, portable = one BLIS GEMM per block), and
 * which variant the dispatcher picked.
 * Figures are noisy on a shared machine.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "metrics/metrics_internal.h"

typedef struct ctx {
  size_t n, d, k;
  double *h, *w, *b, out[NCD_METRIC_COUNT], sink;
  float *hf;
  int32_t *y;
  size_t nout;
  ncd__cstats st;  /* pass 1 result (for the pass-1 / pass-2 split) */
  ncd__ncf fz;     /* frozen first pass                              */
  double *work;
} ctx;

static void pass1(void *p) {
  ctx *c = p;
  ncd__rowsrc src;
  ncd__rowsrc_init(&src, c->h, NULL, c->n, c->d, c->d, ncd__nc_block_bytes(c->d));
  ncd__cstats_means(&c->st, &src, c->y);
  ncd__rowsrc_free(&src);
}
static void pass2(void *p) {
  ctx *c = p;
  size_t nb0 = ncd__block_rows(c->d, ncd__nc_block_bytes(c->d));
  ncd__ncsums s = {0, NULL, 0.0, 0, 0, 0.0, 2.0, NULL, NULL, NULL};
  for (size_t i0 = 0; i0 < c->n; i0 += nb0) {
    size_t nb = c->n - i0 < nb0 ? c->n - i0 : nb0;
    ncd__ncf_score(&c->fz, c->h + i0 * c->d, NULL, c->d, nb, c->y + i0, i0, NCD__SC_NC1, &s,
                   c->work);
  }
  c->out[2] = s.nc1 / (double)c->n;
}

static void ours(void *p) {
  ctx *c = p;
  ncd_nc_metrics(c->n, c->d, c->k, c->h, c->d, c->y, c->w, c->d, c->b, c->out, c->nout);
}
static void ours_f32(void *p) {
  ctx *c = p;
  ncd_nc_metrics_f32(c->n, c->d, c->k, c->hf, c->d, c->y, c->w, c->d, c->b, c->out, c->nout);
}
static void two_reads(void *p) {
  ctx *c = p;
  c->sink += ncd_bench_stream_read(c->h, c->n * c->d);
  c->sink += ncd_bench_stream_read(c->h, c->n * c->d);
}
static void acc_two_pass(void *p) {
  ctx *c = p;
  ncd_nc_acc *a;
  size_t bs = 10000;
  ncd_nc_acc_create(c->d, c->k, 0, &a);
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < c->n; i += bs) ncd_nc_acc_update(a, bs, c->h + i * c->d, c->d, c->y + i);
    if (pass == 0) ncd_nc_acc_begin_pass2(a);
  }
  ncd_nc_acc_metrics(a, c->out, 1);
  ncd_nc_acc_free(a);
}
static void acc_one_pass(void *p) {
  ctx *c = p;
  ncd_nc_acc *a;
  size_t bs = 10000;
  ncd_nc_acc_create(c->d, c->k, NCD_ACC_SCATTER, &a);
  for (size_t i = 0; i < c->n; i += bs) ncd_nc_acc_update(a, bs, c->h + i * c->d, c->d, c->y + i);
  ncd_nc_acc_metrics(a, c->out, 1);
  ncd_nc_acc_free(a);
}

/* The peers' route (rhubarbwu/neural-collapse, tding1, nc-toolbox): class
 * means, Sigma_W = Hc^T Hc / n by SYRK over centred row blocks, Sigma_B =
 * Mbar^T Mbar / k, pinv(Sigma_B) by a d x d eigendecomposition with the same
 * cut, NC1 = tr(Sigma_W pinv(Sigma_B)) / k. Same BLIS/LAPACK as ours. */
static void peer(void *p) {
  ctx *c = p;
  size_t n = c->n, d = c->d, k = c->k, bs = 256;
  double *mu = calloc(k * d, sizeof *mu), *mg = calloc(d, sizeof *mg), *sw = malloc(d * d * sizeof *sw);
  double *sb = malloc(d * d * sizeof *sb), *lam = malloc(d * sizeof *lam), *z = malloc(bs * d * sizeof *z);
  double *t = malloc(d * d * sizeof *t);
  size_t *cnt = calloc(k, sizeof *cnt);
  for (size_t i = 0; i < n; i++) {
    cnt[c->y[i]]++;
    for (size_t j = 0; j < d; j++) mu[c->y[i] * d + j] += c->h[i * d + j];
  }
  for (size_t q = 0; q < k; q++)
    for (size_t j = 0; j < d; j++) mg[j] += mu[q * d + j] / (double)n, mu[q * d + j] /= (double)cnt[q];
  for (size_t i0 = 0; i0 < n; i0 += bs) {
    size_t nb = n - i0 < bs ? n - i0 : bs;
    for (size_t r = 0; r < nb; r++)
      for (size_t j = 0; j < d; j++) z[r * d + j] = c->h[(i0 + r) * d + j] - mu[c->y[i0 + r] * d + j];
    ncd__syrk_ata(nb, d, 1.0 / (double)n, z, d, i0 ? 1.0 : 0.0, sw, d);
  }
  for (size_t q = 0; q < k; q++)
    for (size_t j = 0; j < d; j++) mu[q * d + j] -= mg[j];
  ncd__syrk_ata(k, d, 1.0 / (double)k, mu, d, 0.0, sb, d);
  ncd__syev(d, sb, d, lam, 1); /* rows of sb: eigenvectors */
  double cut = (double)(k > d ? k : d) * DBL_EPSILON * lam[d - 1], nc1 = 0;
  ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, d, d, d, 1.0, sb, d, sw, d, 0.0, t, d); /* V^T Sw */
  for (size_t i = 0; i < d; i++) {
    if (!(lam[i] > cut)) continue;
    double v = 0;
    for (size_t j = 0; j < d; j++) v += t[i * d + j] * sb[i * d + j];
    nc1 += v / lam[i];
  }
  c->out[1] = nc1 / (double)k;
  free(mu), free(mg), free(sw), free(sb), free(lam), free(z), free(t), free(cnt);
}

int main(void) {
  ncd_bench_peak peak;
  ncd_bench_get_peak(&peak);
  ncd_bench_header("neural-collapse metrics (NC1 route, spec/metrics.md section 5)", &peak);
  ctx c;
  memset(&c, 0, sizeof c);
  c.n = 100000, c.d = 512, c.k = 10, c.nout = 1;
  const char *q = getenv("NCD_BENCH_QUICK");
  if (q && *q && *q != '0') c.n = 20000;
  size_t n = c.n, d = c.d, k = c.k;
  c.h = ncd_bench_randn(n * d, 11);
  c.w = ncd_bench_randn(k * d, 12);
  c.b = calloc(k, sizeof *c.b);
  c.y = malloc(n * sizeof *c.y);
  c.hf = malloc(n * d * sizeof *c.hf);
  double *cen = ncd_bench_randn(k * d, 13);
  for (size_t i = 0; i < n; i++) {
    c.y[i] = (int32_t)((i * 7919) % k);
    for (size_t j = 0; j < d; j++) c.h[i * d + j] += 2.0 * cen[c.y[i] * d + j];
  }
  for (size_t i = 0; i < n * d; i++) c.hf[i] = (float)c.h[i];
  char size[64];
  snprintf(size, sizeof size, "n=%zu d=%zu k=%zu", n, d, k);
  double bytes = 8.0 * (double)n * (double)d;

  double t_read = ncd_bench_best(two_reads, &c, 3, 10);
  double t_ours = ncd_bench_best(ours, &c, 3, 10);
  double nc1 = c.out[0];
  double t_peer = ncd_bench_best(peer, &c, 2, 20);
  double nc1_peer = c.out[1];
  double t_f32 = ncd_bench_best(ours_f32, &c, 3, 10);
  double nc1_f32 = c.out[0];
  double t_acc2 = ncd_bench_best(acc_two_pass, &c, 2, 10);
  double nc1_acc = c.out[0];
  double t_acc1 = ncd_bench_best(acc_one_pass, &c, 1, 10);
  c.nout = NCD_NC1_TRACE_RATIO;
  double t_eleven = ncd_bench_best(ours, &c, 2, 10);
  c.nout = 1;
  /* the split: pass 1 alone, then pass 2 alone with each variant */
  ncd__cstats_alloc(d, k, &c.st);
  double t_p1 = ncd_bench_best(pass1, &c, 3, 10);
  ncd__ncf_build(&c.fz, n, d, k, c.st.count, c.st.ref, c.st.m, NULL, 0, NULL, NULL);
  c.work = malloc(ncd__ncf_work(&c.fz, ncd__block_rows(d, ncd__nc_block_bytes(d))) * sizeof(double));
  int picked = c.fz.simd;
  double t_p2[3] = {0, 0, 0}, nc1_v[3] = {0, 0, 0};
  for (int v = NCD__SIMD_PORTABLE; v <= NCD__SIMD_AVX512; v++)
    if (ncd__ncf_force_simd(&c.fz, v) == NCD_OK) {
      t_p2[v] = ncd_bench_best(pass2, &c, 3, 10);
      nc1_v[v] = c.out[2];
    }

  double r = 2.0 * (double)n * (double)d * 9.0; /* GEMM flops at rank 9 */
  ncd_bench_row("two streaming reads of h", size, t_read, 0, 2 * bytes, &peak);
  ncd_bench_row("ncd_nc_metrics nout=1 (NC1)", size, t_ours, r, 2 * bytes, &peak);
  ncd_bench_row("peer: SYRK + d x d pinv", size, t_peer, (double)n * (double)d * (double)(d + 1), bytes, &peak);
  ncd_bench_row("ncd_nc_metrics_f32 nout=1", size, t_f32, r, bytes, &peak);
  ncd_bench_row("acc two-pass, 10 batches", size, t_acc2, r, 2 * bytes, &peak);
  ncd_bench_row("acc one-pass NCD_ACC_SCATTER", size, t_acc1, (double)n * d * (d + 1), bytes, &peak);
  ncd_bench_row("ncd_nc_metrics nout=11 (NC1..ACC)", size, t_eleven, 0, 2 * bytes, &peak);
  ncd_bench_row("pass 1 alone (counts, class sums)", size, t_p1, 0, bytes, &peak);
  static const char *vname[3] = {"pass 2 alone, portable (BLIS)", "pass 2 alone, avx2+fma",
                                 "pass 2 alone, avx512f"};
  for (int v = 0; v < 3; v++)
    if (t_p2[v] > 0) ncd_bench_row(vname[v], size, t_p2[v], r, bytes, &peak);
  ncd_bench_ratio("peer route / ours (goal >= 20x)", t_ours, t_peer);
  ncd_bench_ratio("two reads / ours (goal >= 0.5x)", t_ours, t_read);
  ncd_bench_ratio("peer route / ours float32", t_f32, t_peer);
  ncd_bench_ratio("peer route / acc two-pass", t_acc2, t_peer);
  ncd_bench_ratio("one read / pass 1 (goal ~1x)", t_p1, 0.5 * t_read);
  ncd_bench_ratio("one read / pass 2 (picked variant)", t_p2[picked], 0.5 * t_read);
  printf("  SIMD variant picked by the dispatcher: %s (AVX-512 %s, AVX2 %s)\n",
         ncd__nc_simd_name(picked), ncd__simd_supported(NCD__SIMD_AVX512) ? "runs" : "absent",
         ncd__simd_supported(NCD__SIMD_AVX2) ? "runs" : "absent");
  printf("  split: pass 1 %.1f ms + pass 2 %.1f ms = %.1f ms (the call: %.1f ms); two reads %.1f ms\n",
         1e3 * t_p1, 1e3 * t_p2[picked], 1e3 * (t_p1 + t_p2[picked]), 1e3 * t_ours, 1e3 * t_read);
  printf("  pass-2 NC1 by variant: portable %.15g  avx2 %.15g  avx512 %.15g\n", nc1_v[0],
         nc1_v[1], nc1_v[2]);
  /* the limit of the portable route: one read (pass 1) + the projection
   * flops at BLIS's dgemm peak (the SIMD kernels are not bound by it) */
  double t_bound = 0.5 * t_read + r / (peak.gemm_gflops * 1e9);
  printf("  limit of the portable (BLIS) route here: %.1f ms = one read %.1f ms + 2ndr = %.2f GF at "
         "dgemm peak %.1f GF/s (%.1f ms)\n", 1e3 * t_bound, 0.5e3 * t_read, r * 1e-9,
         peak.gemm_gflops, 1e3 * r / (peak.gemm_gflops * 1e9));
  ncd_bench_ratio("portable limit / ours", t_ours, t_bound);
  printf("  NC1: ours %.15g  peer %.15g  float32 %.15g  acc %.15g\n", nc1, nc1_peer, nc1_f32, nc1_acc);
  printf("  relative difference ours vs peer: %.2e (sink %g)\n", fabs(nc1 - nc1_peer) / nc1, c.sink);
  ncd__ncf_free(&c.fz);
  ncd__cstats_free(&c.st);
  free(c.work);
  free(c.h), free(c.w), free(c.b), free(c.y), free(c.hf), free(cen);
  return 0;
}

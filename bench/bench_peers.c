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
 * Second table (issue 12): ncd_nrc_metrics (m = 10, random head wr and
 * targets) against nc-toolbox's route (thin SVD of H for V, normalised rows,
 * d x d projectors V_m V_m^T and P_W = Wr^T pinv(Wr^T) applied to every row by
 * GEMM: O(n d^2)) and ncd_nrc1_profile against SVD + Z = H^ V (suffix sums),
 * both on n_s2 = 20000 rows extrapolated linearly in n; ncd_principal_decomp
 * against the thin SVD of H with V^T (n_s2 rows, linearly); ncd_nc_agreement
 * against rhubarbwu's torch route (cdist of every row to every mean as
 * ||h||^2 + ||m||^2 - 2 h.m by GEMM blocks, argmin; W h by GEMM, argmax);
 * ncd_nc_ood_orthodev (n_ood = 10000) against a class-mean pass, the OOD mean
 * and k cosines; ncd_nc_pairs / ncd_nc_pair_grid (CDNV, p = 1) against
 * class_dist_norm_vars (a means pass, a variance pass, the k x k grid);
 * ncd_nc_class_vectors against a means pass and the k-vector loops; the
 * float32 twins of silhouette, erank, CKA and NRC as a ratio to the float64
 * call (full n, no subsample). The peer routes are full n unless said.
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
  size_t m, ns2, nood;      /* NRC targets, SVD subsample, OOD rows */
  double *t, *wr, *hood, *mu, *grid;
  float *h32, *z32;
  int bad;                  /* OR of the statuses of the calls below */
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

/* ---- issue 12, second table ---- */

/* peer helper: class means by a scatter-add pass (rhubarbwu MeanAccumulator) */
static double *peer_means(const ctx *c, size_t *cnt) {
  size_t d = c->d, k = c->k;
  double *mu = calloc(k * d, sizeof(double));
  for (size_t j = 0; j < k; j++) cnt[j] = 0;
  for (size_t i = 0; i < c->n; i++) {
    double *r = mu + (size_t)c->y[i] * d;
    const double *x = c->h + i * d;
    cnt[c->y[i]]++;
    for (size_t j = 0; j < d; j++) r[j] += x[j];
  }
  for (size_t q = 0; q < k; q++)
    for (size_t j = 0; j < d; j++) mu[q * d + j] /= (double)cnt[q];
  return mu;
}
/* peer helper: the first ns2 rows copied (numpy SVD works on its own copy) */
static double *peer_copy(const ctx *c) {
  double *x = malloc(c->ns2 * c->d * sizeof(double));
  memcpy(x, c->h, c->ns2 * c->d * sizeof(double));
  return x;
}
/* peer helper: rows normalised, u = h / ||h|| (ns2 x d) */
static double *peer_unit(const ctx *c) {
  size_t d = c->d;
  double *u = peer_copy(c);
  for (size_t i = 0; i < c->ns2; i++) {
    double t = 0;
    for (size_t j = 0; j < d; j++) t += u[i * d + j] * u[i * d + j];
    for (size_t j = 0; j < d; j++) u[i * d + j] /= sqrt(t);
  }
  return u;
}
/* peer helper: (1/ns2) sum_i ||u_i - u_i P||^2 by one ns2 x d x d GEMM per block */
static double peer_residual(const ctx *c, const double *u, const double *proj) {
  size_t d = c->d, bs = 2048;
  double *r = malloc(bs * d * sizeof(double)), t = 0;
  for (size_t i0 = 0; i0 < c->ns2; i0 += bs) {
    size_t nb = c->ns2 - i0 < bs ? c->ns2 - i0 : bs;
    memcpy(r, u + i0 * d, nb * d * sizeof(double));
    ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, nb, d, d, -1.0, u + i0 * d, d, proj, d, 1.0, r, d);
    for (size_t j = 0; j < nb * d; j++) t += r[j] * r[j];
  }
  free(r);
  return t / (double)c->ns2;
}
static void nrc_ours(void *p) {
  ctx *c = p;
  double o[4];
  c->bad |= ncd_nrc_metrics(c->n, c->d, c->h, c->d, c->m, c->t, c->m, c->wr, c->d, 0, 1, 0, o);
  c->sink += o[0];
}
static void nrc_f32(void *p) {
  ctx *c = p;
  double o[4];
  c->bad |=
      ncd_nrc_metrics_f32(c->n, c->d, c->h32, c->d, c->m, c->t, c->m, c->wr, c->d, 0, 1, 0, o);
  c->sink += o[0];
}
static void nrc_peer(void *p) { /* nc-toolbox: SVD(H), H^, V_m V_m^T, P_W, two GEMMs */
  ctx *c = p;
  size_t d = c->d, m = c->m;
  double *x = peer_copy(c), *s = malloc(d * sizeof(double)), *vt = malloc(d * d * sizeof(double));
  double *p1 = malloc(d * d * sizeof(double)), *pw = malloc(d * d * sizeof(double));
  double *wt = malloc(d * m * sizeof(double)), *uw = malloc(d * m * sizeof(double)), sw[64];
  ncd__svd(c->ns2, d, x, d, s, NULL, 0, vt, d);
  ncd__gemm(NCD__TRANS, NCD__NOTRANS, d, d, m, 1.0, vt, d, vt, d, 0.0, p1, d);
  for (size_t i = 0; i < m; i++) /* pinv(Wr^T) through the SVD of Wr^T (d x m) */
    for (size_t j = 0; j < d; j++) wt[j * m + i] = c->wr[i * d + j];
  ncd__svd(d, m, wt, m, sw, uw, m, NULL, 0);
  ncd__gemm(NCD__NOTRANS, NCD__TRANS, d, d, m, 1.0, uw, m, uw, m, 0.0, pw, d); /* = Wr^T pinv */
  double *u = peer_unit(c);
  c->sink += peer_residual(c, u, p1) + peer_residual(c, u, pw);
  double cov[64 * 64] = {0}; /* NRC3: target covariance, O(n m^2) */
  for (size_t i = 0; i < c->n; i++)
    for (size_t a = 0; a < m; a++)
      for (size_t b = 0; b < m; b++) cov[a * m + b] += c->t[i * m + a] * c->t[i * m + b];
  c->sink += cov[1];
  free(x), free(s), free(vt), free(p1), free(pw), free(wt), free(uw), free(u);
}
static void prof_ours(void *p) {
  ctx *c = p;
  double *o = malloc(c->d * sizeof(double));
  c->bad |= ncd_nrc1_profile(c->n, c->d, c->h, c->d, o);
  c->sink += o[0];
  free(o);
}
static void prof_peer(void *p) { /* SVD(H), Z = H^ V by GEMM, suffix sums of z^2 */
  ctx *c = p;
  size_t d = c->d, bs = 2048;
  double *x = peer_copy(c), *s = malloc(d * sizeof(double)), *vt = malloc(d * d * sizeof(double));
  ncd__svd(c->ns2, d, x, d, s, NULL, 0, vt, d);
  double *u = peer_unit(c), *z = malloc(bs * d * sizeof(double)), *col = calloc(d, sizeof(double));
  for (size_t i0 = 0; i0 < c->ns2; i0 += bs) {
    size_t nb = c->ns2 - i0 < bs ? c->ns2 - i0 : bs;
    ncd__gemm(NCD__NOTRANS, NCD__TRANS, nb, d, d, 1.0, u + i0 * d, d, vt, d, 0.0, z, d);
    for (size_t i = 0; i < nb; i++)
      for (size_t j = 0; j < d; j++) col[j] += z[i * d + j] * z[i * d + j];
  }
  for (size_t j = d - 1; j > 0; j--) col[j - 1] += col[j];
  c->sink += col[0];
  free(x), free(s), free(vt), free(u), free(z), free(col);
}
static void pdec_ours(void *p) {
  ctx *c = p;
  double *pp = malloc(c->d * c->d * sizeof(double)), *s = malloc(c->d * sizeof(double));
  c->bad |= ncd_principal_decomp(c->n, c->d, c->h, c->d, 0, pp, c->d, s, NULL);
  c->sink += s[0];
  free(pp), free(s);
}
static void pdec_peer(void *p) { /* thin SVD of H with V^T, then the sign flips */
  ctx *c = p;
  size_t d = c->d;
  double *x = peer_copy(c), *s = malloc(d * sizeof(double)), *vt = malloc(d * d * sizeof(double));
  ncd__svd(c->ns2, d, x, d, s, NULL, 0, vt, d);
  for (size_t r = 0; r < d; r++) {
    size_t a = 0;
    for (size_t j = 1; j < d; j++)
      if (fabs(vt[r * d + j]) > fabs(vt[r * d + a])) a = j;
    if (vt[r * d + a] < 0)
      for (size_t j = 0; j < d; j++) vt[r * d + j] = -vt[r * d + j];
  }
  c->sink += s[0] + vt[0];
  free(x), free(s), free(vt);
}
static void agr_ours(void *p) {
  ctx *c = p;
  double wgt;
  c->bad |= ncd_nc_agreement(c->n, c->d, c->k, c->h, c->d, c->y, c->mu, c->d, c->w, c->d, NULL,
                             &wgt, NULL, NULL);
  c->sink += wgt;
}
static void agr_peer(void *p) { /* torch: cdist to the means (argmin), W h (argmax) */
  ctx *c = p;
  size_t d = c->d, k = c->k, bs = 2048;
  double *g = malloc(bs * k * sizeof(double)), *l = malloc(bs * k * sizeof(double)), mn[64];
  size_t hit[64] = {0}, cnt[64] = {0};
  for (size_t q = 0; q < k; q++) {
    mn[q] = 0;
    for (size_t j = 0; j < d; j++) mn[q] += c->mu[q * d + j] * c->mu[q * d + j];
  }
  for (size_t i0 = 0; i0 < c->n; i0 += bs) {
    size_t nb = c->n - i0 < bs ? c->n - i0 : bs;
    ncd__gemm(NCD__NOTRANS, NCD__TRANS, nb, k, d, 1.0, c->h + i0 * d, d, c->mu, d, 0.0, g, k);
    ncd__gemm(NCD__NOTRANS, NCD__TRANS, nb, k, d, 1.0, c->h + i0 * d, d, c->w, d, 0.0, l, k);
    for (size_t i = 0; i < nb; i++) {
      const double *x = c->h + (i0 + i) * d;
      double hn = 0;
      for (size_t j = 0; j < d; j++) hn += x[j] * x[j];
      size_t a = 0, b = 0;
      double best = INFINITY;
      for (size_t q = 0; q < k; q++) {
        double dist = sqrt(fmax(hn + mn[q] - 2 * g[i * k + q], 0));
        if (dist < best) best = dist, a = q;
        if (l[i * k + q] > l[i * k + b]) b = q;
      }
      cnt[c->y[i0 + i]]++, hit[c->y[i0 + i]] += a == b;
    }
  }
  c->sink += (double)hit[0] / (double)cnt[0];
  free(g), free(l);
}
static void ood_ours(void *p) {
  ctx *c = p;
  double v;
  c->bad |= ncd_nc_ood_orthodev(c->n, c->d, c->k, c->h, c->d, c->y, c->nood, c->hood, c->d,
                      NCD_CENTRE_NONE, &v);
  c->sink += v;
}
static void ood_peer(void *p) { /* class means, OOD mean, k |cosines| */
  ctx *c = p;
  size_t d = c->d, cnt[64];
  double *mu = peer_means(c, cnt), *g = calloc(d, sizeof(double)), v = 0;
  for (size_t i = 0; i < c->nood; i++)
    for (size_t j = 0; j < d; j++) g[j] += c->hood[i * d + j];
  for (size_t q = 0; q < c->k; q++) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t j = 0; j < d; j++) {
      double gj = g[j] / (double)c->nood;
      ab += mu[q * d + j] * gj, aa += mu[q * d + j] * mu[q * d + j], bb += gj * gj;
    }
    v += fabs(ab / sqrt(aa * bb)) / (double)c->k;
  }
  c->sink += v;
  free(mu), free(g);
}
static void pairs_cdnv(void *p) {
  ctx *c = p;
  double mean, var;
  c->bad |= ncd_nc_pairs(c->n, c->d, c->k, c->h, c->d, c->y, NULL, 0, NCD_CENTRE_SAMPLE,
                         NCD_PAIR_CDNV, 1.0, &mean, &var, NULL);
  c->sink += mean;
}
static void grid_cdnv(void *p) {
  ctx *c = p;
  c->bad |= ncd_nc_pair_grid(c->n, c->d, c->k, c->h, c->d, c->y, NULL, 0, NCD_CENTRE_SAMPLE,
                             NCD_PAIR_CDNV, 1.0, c->grid, c->k);
  c->sink += c->grid[1];
}
static void cdnv_peer(void *p) { /* class_dist_norm_vars: means pass, variance pass, grid */
  ctx *c = p;
  size_t d = c->d, k = c->k, cnt[64];
  double *mu = peer_means(c, cnt), v[64] = {0};
  for (size_t i = 0; i < c->n; i++) {
    const double *x = c->h + i * d, *r = mu + (size_t)c->y[i] * d;
    double t = 0;
    for (size_t j = 0; j < d; j++) t += (x[j] - r[j]) * (x[j] - r[j]);
    v[c->y[i]] += t;
  }
  for (size_t a = 0; a < k; a++)
    for (size_t b = 0; b < k; b++) {
      double t = 0;
      for (size_t j = 0; j < d; j++) {
        double e = mu[a * d + j] - mu[b * d + j];
        t += e * e;
      }
      c->grid[a * k + b] = (v[a] / (double)cnt[a] + v[b] / (double)cnt[b]) / (2 * t);
    }
  c->sink += c->grid[1];
  free(mu);
}
static void cvec_ours(void *p) {
  ctx *c = p;
  double nrm[64], dots[64], cs[64], dd[64];
  c->bad |= ncd_nc_class_vectors(c->n, c->d, c->k, c->h, c->d, c->y, c->w, c->d,
                                 NCD_CENTRE_SAMPLE, nrm, dots, cs, dd, c->grid, c->k);
  c->sink += nrm[0];
}
static void cvec_peer(void *p) { /* means, m_G, norms, w.mbar, cos, ||w^ - u^||, Gram */
  ctx *c = p;
  size_t d = c->d, k = c->k, cnt[64];
  double *mu = peer_means(c, cnt), *g = calloc(d, sizeof(double)), t = 0;
  for (size_t q = 0; q < k; q++) /* m_G from the class means (no second pass) */
    for (size_t j = 0; j < d; j++) g[j] += (double)cnt[q] * mu[q * d + j] / (double)c->n;
  for (size_t q = 0; q < k * d; q++) mu[q] -= g[q % d];
  for (size_t a = 0; a < k; a++) {
    double mm = 0, ww = 0, wm = 0, dd = 0;
    for (size_t j = 0; j < d; j++)
      mm += mu[a * d + j] * mu[a * d + j], ww += c->w[a * d + j] * c->w[a * d + j],
          wm += c->w[a * d + j] * mu[a * d + j];
    for (size_t j = 0; j < d; j++) {
      double e = c->w[a * d + j] / sqrt(ww) - mu[a * d + j] / sqrt(mm);
      dd += e * e;
    }
    t += sqrt(mm) + wm + wm / sqrt(mm * ww) + sqrt(dd);
  }
  ncd__gemm(NCD__NOTRANS, NCD__TRANS, k, k, d, 1.0, mu, d, mu, d, 0.0, c->grid, k);
  c->sink += t + c->grid[0];
  free(mu), free(g);
}
static void sil_f32(void *p) {
  ctx *c = p;
  double m;
  c->bad |= ncd_nc_silhouette_cos_f32(c->n, c->d, c->k, c->h32, c->d, c->y, &m, NULL);
  c->sink += m;
}
static void erank_f32(void *p) {
  ctx *c = p;
  double e;
  c->bad |= ncd_nc_erank_f32(c->n, c->d, c->k, c->h32, c->d, c->y, &e, NULL);
  c->sink += e;
}
static void cka_f32(void *p) {
  ctx *c = p;
  double v;
  c->bad |= ncd_linear_cka_f32(c->n, c->d, c->h32, c->d, c->d2, c->z32, c->d2, &v);
  c->sink += v;
}

/* issue 12's remaining calls; t_sil, t_erank, t_cka: the float64 times above */
static void second_table(ctx *c, const ncd_bench_peak *peak, double t_sil, double t_erank,
                         double t_cka) {
  size_t n = c->n, d = c->d, k = c->k;
  double fn = (double)n, fd = (double)d, lin = fn / (double)c->ns2, cnt[64] = {0};
  c->t = ncd_bench_randn(n * c->m, 24);
  c->wr = ncd_bench_randn(c->m * d, 25);
  c->hood = ncd_bench_randn(c->nood * d, 26);
  c->mu = calloc(k * d, sizeof(double));
  c->grid = malloc(k * k * sizeof(double));
  c->h32 = malloc(n * d * sizeof(float));
  c->z32 = malloc(n * c->d2 * sizeof(float));
  for (size_t i = 0; i < n * d; i++) c->h32[i] = (float)c->h[i];
  for (size_t i = 0; i < n * c->d2; i++) c->z32[i] = (float)c->z[i];
  for (size_t i = 0; i < n; i++) { /* the data's class means (agreement's m) */
    cnt[c->y[i]] += 1;
    for (size_t j = 0; j < d; j++) c->mu[(size_t)c->y[i] * d + j] += c->h[i * d + j];
  }
  for (size_t q = 0; q < k * d; q++) c->mu[q] /= cnt[q / d];
  double a1 = ncd_bench_best(nrc_ours, c, 1, 20), a1p = ncd_bench_best(nrc_peer, c, 1, 30) * lin;
  double a2 = ncd_bench_best(prof_ours, c, 1, 20), a2p = ncd_bench_best(prof_peer, c, 1, 30) * lin;
  double a3 = ncd_bench_best(pdec_ours, c, 1, 20), a3p = ncd_bench_best(pdec_peer, c, 1, 30) * lin;
  double a4 = ncd_bench_best(agr_ours, c, 2, 10), a4p = ncd_bench_best(agr_peer, c, 2, 10);
  double a5 = ncd_bench_best(ood_ours, c, 2, 10), a5p = ncd_bench_best(ood_peer, c, 2, 10);
  double a6 = ncd_bench_best(pairs_cdnv, c, 2, 10), a7 = ncd_bench_best(grid_cdnv, c, 2, 10);
  double a6p = ncd_bench_best(cdnv_peer, c, 2, 10);
  double a8 = ncd_bench_best(cvec_ours, c, 2, 10), a8p = ncd_bench_best(cvec_peer, c, 2, 10);
  double f1 = ncd_bench_best(sil_f32, c, 2, 10), f2 = ncd_bench_best(erank_f32, c, 1, 20);
  double f3 = ncd_bench_best(cka_f32, c, 1, 20), f4 = ncd_bench_best(nrc_f32, c, 1, 20);
  const char *size = "100000x512 k10";
  puts("");
  ncd_bench_row("ncd_nrc_metrics (m = 10)", size, a1, 0, 8 * fn * fd, peak);
  ncd_bench_row("peer: SVD + d x d projectors (ex)", size, a1p, 0, 0, peak);
  ncd_bench_row("ncd_nrc1_profile", size, a2, 0, 8 * fn * fd, peak);
  ncd_bench_row("peer: SVD + H^ V GEMM (extrap)", size, a2p, 0, 0, peak);
  ncd_bench_row("ncd_principal_decomp (Gram eig)", size, a3, fn * fd * (fd + 1), 8 * fn * fd, peak);
  ncd_bench_row("peer: thin SVD with V^T (extrap)", size, a3p, 0, 0, peak);
  ncd_bench_row("ncd_nc_agreement", size, a4, 0, 8 * fn * fd, peak);
  ncd_bench_row("peer: cdist + W h (GEMM blocks)", size, a4p, 4 * fn * fd * (double)k, 8 * fn * fd,
                peak);
  ncd_bench_row("ncd_nc_ood_orthodev (n_ood 1e4)", size, a5, 0, 8 * (fn + 1e4) * fd, peak);
  ncd_bench_row("peer: means pass + OOD mean", size, a5p, 0, 8 * (fn + 1e4) * fd, peak);
  ncd_bench_row("ncd_nc_pairs CDNV p = 1", size, a6, 0, 8 * fn * fd, peak);
  ncd_bench_row("ncd_nc_pair_grid CDNV p = 1", size, a7, 0, 8 * fn * fd, peak);
  ncd_bench_row("peer: class_dist_norm_vars", size, a6p, 0, 16 * fn * fd, peak);
  ncd_bench_row("ncd_nc_class_vectors", size, a8, 0, 8 * fn * fd, peak);
  ncd_bench_row("peer: means pass + k-vector loops", size, a8p, 0, 16 * fn * fd, peak);
  ncd_bench_row("ncd_nc_silhouette_cos_f32", size, f1, 4 * fn * fd * (double)k, 12 * fn * fd, peak);
  ncd_bench_row("ncd_nc_erank_f32", size, f2, fn * fd * (fd + 1), 4 * fn * fd, peak);
  ncd_bench_row("ncd_linear_cka_f32", size, f3, 0, 4 * fn * (fd + 64), peak);
  ncd_bench_row("ncd_nrc_metrics_f32", size, f4, 0, 4 * fn * fd, peak);
  ncd_bench_ratio("NRC: nc-toolbox route / ours", a1, a1p);
  ncd_bench_ratio("NRC1 profile: SVD route / ours", a2, a2p);
  ncd_bench_ratio("principal_decomp: SVD / Gram eig", a3, a3p);
  ncd_bench_ratio("agreement: cdist route / ours", a4, a4p);
  ncd_bench_ratio("OOD orthodev: peer / ours", a5, a5p);
  ncd_bench_ratio("CDNV pairs: class_dist_norm_vars / ours", a6, a6p);
  ncd_bench_ratio("CDNV grid: class_dist_norm_vars / ours", a7, a6p);
  ncd_bench_ratio("class vectors: peer / ours", a8, a8p);
  ncd_bench_ratio("silhouette: f64 / f32", f1, t_sil);
  ncd_bench_ratio("erank: f64 / f32", f2, t_erank);
  ncd_bench_ratio("CKA: f64 / f32", f3, t_cka);
  ncd_bench_ratio("NRC: f64 / f32", f4, a1);
  if (c->bad) puts("  WARNING: a library call above returned an error status");
  free(c->t), free(c->wr), free(c->hood), free(c->mu), free(c->grid), free(c->h32), free(c->z32);
}

int main(void) {
  ncd_bench_peak peak;
  ncd_bench_get_peak(&peak);
  ncd_bench_header("peer-parity metrics (spec/metrics-peers.md), n = 100000, d = 512, k = 10", &peak);
  ctx c = {100000, 512, 10, 4000, 64, NULL, NULL, NULL, {0}, 0, NULL,
           10, 20000, 10000, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0};
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
  second_table(&c, &peak, t2, t3, t4);
  if (c.sink == 12345.678) puts("");
  free(c.h), free(c.w), free(c.z), free(c.y);
  return 0;
}

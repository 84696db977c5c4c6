/*
 * peers_sil.c - sample-level peer metrics (spec/metrics-peers.md): the cosine
 * silhouette by the O(n d k) route through class sums of normalised rows
 * (P-16, equal to sklearn's silhouette_score(metric="cosine")) and the
 * effective rank of Roy and Vetterli (P-14) of the sample-centred features and
 * of each class block, from the eigenvalues of the scatters with the
 * d * eps * lambda_max cut of P-14. Public ncd_nc_silhouette_cos, ncd_nc_erank
 * and their _f32 / _i64 / _f32_i64 twins.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "kernels/kernels_internal.h"
#include "metrics_internal.h"

/* u = rows of blk normalised to unit length (a zero row stays 0). */
static void normalise(const double *blk, size_t ld, size_t nb, size_t d, double *u) {
  for (size_t r = 0; r < nb; r++) {
    const double *x = blk + r * ld;
    double t = 0.0;
    for (size_t j = 0; j < d; j++) t += x[j] * x[j];
    double inv = t > 0.0 ? 1.0 / sqrt(t) : 0.0;
    for (size_t j = 0; j < d; j++) u[r * d + j] = x[j] * inv;
  }
}

int ncd__peers_silhouette(size_t k, const size_t *count, ncd__rowsrc *src,
                          const int32_t *y, double *mean, double *per_sample) {
  size_t n = src->rows, d = src->cols, bs = src->block_rows;
  double *sc = ncd__calloc(k * d, sizeof(double));
  double *u = ncd__malloc_array(bs, d * sizeof(double));
  double *g = ncd__malloc_array(bs, k * sizeof(double));
  int st = sc && u && g ? NCD_OK : NCD_ENOMEM;
  double tot = 0.0;
  for (size_t i0 = 0; i0 < n && st == NCD_OK; i0 += bs) { /* pass 1: S_c */
    size_t nb = n - i0 < bs ? n - i0 : bs, ld;
    const double *blk = ncd__rowsrc_block(src, i0, nb, &ld);
    normalise(blk, ld, nb, d, u);
    for (size_t r = 0; r < nb; r++) {
      double *s = sc + (size_t)y[i0 + r] * d;
      for (size_t j = 0; j < d; j++) s[j] += u[r * d + j];
    }
  }
  for (size_t i0 = 0; i0 < n && st == NCD_OK; i0 += bs) { /* pass 2: s_i */
    size_t nb = n - i0 < bs ? n - i0 : bs, ld;
    const double *blk = ncd__rowsrc_block(src, i0, nb, &ld);
    normalise(blk, ld, nb, d, u);
    ncd__gemm(NCD__NOTRANS, NCD__TRANS, nb, k, d, 1.0, u, d, sc, d, 0.0, g, k);
    for (size_t r = 0; r < nb; r++) {
      size_t yc = (size_t)y[i0 + r];
      double si = 0.0;
      if (count[yc] > 1) { /* a singleton class has s_i = 0 (sklearn) */
        double uu = 0.0, nm = (double)(count[yc] - 1), bmin = INFINITY;
        for (size_t j = 0; j < d; j++) uu += u[r * d + j] * u[r * d + j];
        double a = (nm - g[r * k + yc] + uu) / nm;
        for (size_t c = 0; c < k; c++)
          if (c != yc) {
            double b = ((double)count[c] - g[r * k + c]) / (double)count[c];
            if (b < bmin) bmin = b;
          }
        si = (bmin - a) / (a > bmin ? a : bmin);
        if (isnan(si)) si = 0.0;
      }
      if (per_sample) per_sample[i0 + r] = si;
      tot += si;
    }
  }
  if (st == NCD_OK && mean) *mean = tot / (double)n;
  ncd__free(sc);
  ncd__free(u);
  ncd__free(g);
  return st;
}

int ncd__peers_erank_scatter(size_t d, double *s, double *erank) {
  double *lam = ncd__malloc_array(d, sizeof(double));
  if (!lam) return NCD_ENOMEM;
  int st = ncd__syev(d, s, d, lam, 0);
  if (st == NCD_OK) {
    double cut = (double)d * DBL_EPSILON * lam[d - 1], tot = 0.0, ent = 0.0;
    for (size_t i = 0; i < d; i++) {
      lam[i] = lam[i] > cut ? sqrt(lam[i]) : 0.0;
      tot += lam[i];
    }
    for (size_t i = 0; i < d; i++)
      if (lam[i] > 0.0) {
        double pi = lam[i] / tot;
        ent -= pi * log(pi);
      }
    *erank = tot > 0.0 ? exp(ent) : NAN;
  }
  ncd__free(lam);
  return st;
}

int ncd__peers_erank_total(size_t d, size_t k, const size_t *count, const double *m,
                           double *sw, double *erank) {
  double *mb = ncd__malloc_array(k, d * sizeof(double));
  double *mg = ncd__malloc_array(d, sizeof(double));
  int st = mb && mg ? NCD_OK : NCD_ENOMEM;
  if (st == NCD_OK) { /* S_T = S_W + Mbar^T diag(n_c) Mbar (M-3, centre S) */
    ncd__centre_means(d, k, count, m, 0, mg, mb);
    for (size_t c = 0; c < k; c++) {
      double r = sqrt((double)count[c]);
      for (size_t j = 0; j < d; j++) mb[c * d + j] *= r;
    }
    ncd__syrk_ata(k, d, 1.0, mb, d, 1.0, sw, d);
    st = ncd__peers_erank_scatter(d, sw, erank);
  }
  ncd__free(mb);
  ncd__free(mg);
  return st;
}

int ncd__peers_erank(const ncd__cstats *s, ncd__rowsrc *src, const int32_t *y,
                     double *erank, double *erank_class) {
  size_t d = s->d, k = s->k;
  double *sc = ncd__malloc_array(d, d * sizeof(double));
  int st = sc ? NCD_OK : NCD_ENOMEM;
  if (st == NCD_OK && erank) {
    st = ncd__cstats_scatter(s, src, y, sc, d, NULL);
    if (st == NCD_OK) st = ncd__peers_erank_total(d, k, s->count, s->m, sc, erank);
  }
  for (size_t c = 0; erank_class && c < k && st == NCD_OK; c++) {
    erank_class[c] = NAN;
    if (s->count[c] < 2) continue;
    st = ncd__cstats_class_scatter(s, src, y, c, sc, d);
    if (st == NCD_OK) st = ncd__peers_erank_scatter(d, sc, erank_class + c);
  }
  ncd__free(sc);
  return st;
}

/* Validation, pass 1 (class means and the NaN scan), then the erank and/or
 * the silhouette, for float64/float32 features and int32/int64 labels. */
static int with_stats(const ncd__pin *a, double *e, double *ec, double *mean, double *ps) {
  int32_t *ybuf;
  const int32_t *y;
  NCD_TRY(ncd__peers_begin(a, &ybuf, &y));
  ncd__cstats s;
  ncd__rowsrc src;
  int st = ncd__peers_pass1_src(a, y, &s, &src);
  if (st == NCD_OK) {
    if (e || ec) st = ncd__peers_erank(&s, &src, y, e, ec);
    if (st == NCD_OK && (mean || ps))
      st = ncd__peers_silhouette(a->k, s.count, &src, y, mean, ps);
    ncd__rowsrc_free(&src);
    ncd__cstats_free(&s);
  }
  ncd__free(ybuf);
  return st;
}

static int erank_run(const ncd__pin *a, double *erank, double *erank_class) {
  size_t k = a->k;
  if (!erank && !erank_class) return NCD_EINVAL;
  double e = NAN, *ec = NULL;
  if (erank_class && !(ec = ncd__malloc_array(k < 2 ? 1 : k, sizeof(double)))) {
    int st = ncd__peers_check_in(a);
    return st != NCD_OK ? st : NCD_ENOMEM;
  }
  int st = with_stats(a, erank ? &e : NULL, ec, NULL, NULL);
  if (st == NCD_OK) {
    if (erank) *erank = e;
    if (ec) memcpy(erank_class, ec, k * sizeof(double));
  }
  ncd__free(ec);
  return st;
}

static int sil_run(const ncd__pin *a, double *mean, double *per_sample) {
  if (!mean && !per_sample) return NCD_EINVAL;
  double m = NAN;
  int st = with_stats(a, NULL, NULL, &m, per_sample);
  if (st == NCD_OK && mean) *mean = m;
  return st;
}

#define PIN(h64_, h32_, y32_, y64_) {n, d, k, ldh, h64_, h32_, y32_, y64_}

NCD_API int ncd_nc_erank(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                         const int32_t *y, double *erank, double *erank_class) {
  ncd__pin a = PIN(h, NULL, y, NULL);
  return erank_run(&a, erank, erank_class);
}

NCD_API int ncd_nc_erank_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                             const int32_t *y, double *erank, double *erank_class) {
  ncd__pin a = PIN(NULL, h, y, NULL);
  return h ? erank_run(&a, erank, erank_class) : NCD_EINVAL;
}

NCD_API int ncd_nc_erank_i64(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                             const int64_t *y, double *erank, double *erank_class) {
  ncd__pin a = PIN(h, NULL, NULL, y);
  return y ? erank_run(&a, erank, erank_class) : NCD_EINVAL;
}

NCD_API int ncd_nc_erank_f32_i64(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                                 const int64_t *y, double *erank, double *erank_class) {
  ncd__pin a = PIN(NULL, h, NULL, y);
  return h && y ? erank_run(&a, erank, erank_class) : NCD_EINVAL;
}

NCD_API int ncd_nc_silhouette_cos(size_t n, size_t d, size_t k, const double *h,
                                  size_t ldh, const int32_t *y, double *mean,
                                  double *per_sample) {
  ncd__pin a = PIN(h, NULL, y, NULL);
  return sil_run(&a, mean, per_sample);
}

NCD_API int ncd_nc_silhouette_cos_f32(size_t n, size_t d, size_t k, const float *h,
                                      size_t ldh, const int32_t *y, double *mean,
                                      double *per_sample) {
  ncd__pin a = PIN(NULL, h, y, NULL);
  return h ? sil_run(&a, mean, per_sample) : NCD_EINVAL;
}

NCD_API int ncd_nc_silhouette_cos_i64(size_t n, size_t d, size_t k, const double *h,
                                      size_t ldh, const int64_t *y, double *mean,
                                      double *per_sample) {
  ncd__pin a = PIN(h, NULL, NULL, y);
  return y ? sil_run(&a, mean, per_sample) : NCD_EINVAL;
}

NCD_API int ncd_nc_silhouette_cos_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                          size_t ldh, const int64_t *y, double *mean,
                                          double *per_sample) {
  ncd__pin a = PIN(NULL, h, NULL, y);
  return h && y ? sil_run(&a, mean, per_sample) : NCD_EINVAL;
}

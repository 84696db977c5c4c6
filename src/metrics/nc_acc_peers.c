/*
 * nc_acc_peers.c - the peer metrics of the streaming accumulator
 * (spec/metrics-peers.md, docs/metrics.md "Streaming peer metrics"): the two
 * passes of the cosine silhouette of P-16 shared with the one-shot route
 * (pass 1: plain class sums S_c of the unit-length rows, mergeable by
 * addition; pass 2: s_i against the frozen S_c by one GEMM per block), and the vector calls on a state: pair statistics (P-4 to P-6), the
 * per-class vectors (P-7), the effective ranks (P-14, from the pooled or the
 * per-class scatters) and the OOD orthogonality deviation (P-9) against a
 * second accumulator's running mean or a given mean vector.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "kernels/kernels_internal.h"
#include "metrics_internal.h"

/* u = rows of blk scaled to unit length (a zero row stays 0), P-16. */
static void unit_rows(const double *blk, size_t ld, size_t nb, size_t d, double *u) {
  for (size_t r = 0; r < nb; r++) {
    const double *x = blk + r * ld;
    double inv = ncd__unit_scale(d, x, 0.0);
    for (size_t j = 0; j < d; j++) u[r * d + j] = x[j] * inv;
  }
}

void ncd__sil_sums(ncd__rowsrc *src, const int32_t *y, double *sums) {
  size_t n = src->rows, d = src->cols, bs = src->block_rows;
  for (size_t i0 = 0; i0 < n; i0 += bs) { /* float32 blocks converted by the source */
    size_t nb = n - i0 < bs ? n - i0 : bs, ld;
    const double *blk = ncd__rowsrc_block(src, i0, nb, &ld);
    for (size_t r = 0; r < nb; r++) {
      const double *x = blk + r * ld;
      double *s = sums + (size_t)y[i0 + r] * d, inv = ncd__unit_scale(d, x, 0.0);
      for (size_t j = 0; j < d; j++) s[j] += x[j] * inv;
    }
  }
}

int ncd__sil_score(ncd__rowsrc *src, const int32_t *y, size_t k, const size_t *count,
                   const double *sil, double *per_sample, double *tot) {
  size_t n = src->rows, d = src->cols, bs = src->block_rows;
  double *u = ncd__malloc_array(bs, d * sizeof(double));
  double *g = ncd__malloc_array(bs, k * sizeof(double));
  if (!u || !g) {
    ncd__free(u);
    ncd__free(g);
    return NCD_ENOMEM;
  }
  double sum = 0.0;
  for (size_t i0 = 0; i0 < n; i0 += bs) {
    size_t nb = n - i0 < bs ? n - i0 : bs, ld;
    const double *blk = ncd__rowsrc_block(src, i0, nb, &ld);
    unit_rows(blk, ld, nb, d, u);
    ncd__gemm(NCD__NOTRANS, NCD__TRANS, nb, k, d, 1.0, u, d, sil, d, 0.0, g, k);
    for (size_t r = 0; r < nb; r++) {
      size_t yc = (size_t)y[i0 + r];
      if (per_sample) per_sample[i0 + r] = 0.0;
      if (count[yc] < 2) continue; /* a singleton class has s_i = 0 (sklearn) */
      double uu = 0.0, nm = (double)(count[yc] - 1), bmin = INFINITY;
      for (size_t j = 0; j < d; j++) uu += u[r * d + j] * u[r * d + j];
      double a = (nm - g[r * k + yc] + uu) / nm;
      for (size_t c = 0; c < k; c++)
        if (c != yc) {
          double b = ((double)count[c] - g[r * k + c]) / (double)count[c];
          if (b < bmin) bmin = b;
        }
      double si = (bmin - a) / (a > bmin ? a : bmin);
      if (isnan(si)) si = 0.0;
      if (per_sample) per_sample[i0 + r] = si;
      sum += si;
    }
  }
  ncd__free(u);
  ncd__free(g);
  *tot = sum;
  return NCD_OK;
}

/* Common checks of the vector calls: a state whose every class has samples. */
static int state_ok(const ncd_nc_acc *a) {
  NCD_TRY(ncd__check_ptr(a));
  for (size_t c = 0; c < a->k; c++)
    if (a->mom.count[c] == 0) return NCD_EINVAL;
  return NCD_OK;
}

static int centre_ok(ncd_centre c) { return (int)c >= 0 && (int)c <= 2; }

/* mg (d) and mbar (k x d) of the state for centre c, allocated together. */
static double *centred(const ncd_nc_acc *a, int c, double **mbar) {
  size_t d = a->d, k = a->k;
  double *mg = ncd__malloc_array(k + 1, d * sizeof(double));
  if (!mg) return NULL;
  *mbar = mg + d;
  ncd__peers_centre(d, k, a->mom.count, a->mom.ref, a->mom.m, c, mg, *mbar);
  return mg;
}

NCD_API int ncd_nc_acc_pairs(const ncd_nc_acc *acc, ncd_centre centre, ncd_pair which,
                             double p, double *mean, double *var, double *vals) {
  NCD_TRY(state_ok(acc));
  if (!centre_ok(centre) || (int)which < 0 || (int)which > NCD_PAIR_WCOS_UPPER ||
      !isfinite(p) || (which == NCD_PAIR_WCOS_UPPER && !acc->has_clf))
    return NCD_EINVAL;
  double *mbar, *mg = centred(acc, (int)centre, &mbar);
  if (!mg) return NCD_ENOMEM;
  int st = ncd__peers_pair_stats(acc->d, acc->k, acc->mom.count, acc->mom.m, mbar, acc->mom.q,
                                 which == NCD_PAIR_WCOS_UPPER ? acc->w : NULL, acc->d, which,
                                 p, mean, var, vals);
  ncd__free(mg);
  return st;
}

NCD_API int ncd_nc_acc_class_vectors(const ncd_nc_acc *acc, ncd_centre centre,
                                     double *norms, double *dots, double *cosines,
                                     double *dual_dist, double *gram, size_t ldg) {
  NCD_TRY(state_ok(acc));
  size_t k = acc->k, d = acc->d;
  if (!centre_ok(centre) || (!norms && !dots && !cosines && !dual_dist && !gram) ||
      (!acc->has_clf && (dots || cosines || dual_dist)) || (gram && ldg < k))
    return NCD_EINVAL;
  double *mbar, *mg = centred(acc, (int)centre, &mbar);
  if (!mg) return NCD_ENOMEM;
  ncd__peers_class_vectors(d, k, mbar, acc->has_clf ? acc->w : NULL, d, norms, dots, cosines,
                           dual_dist);
  if (gram) ncd__syrk_aat(k, d, 1.0, mbar, d, 0.0, gram, ldg);
  ncd__free(mg);
  return NCD_OK;
}

NCD_API int ncd_nc_acc_erank(const ncd_nc_acc *acc, double *erank, double *erank_class) {
  NCD_TRY(state_ok(acc));
  size_t k = acc->k, d = acc->d;
  if ((!erank && !erank_class) || (erank && !(acc->flags & NCD_ACC_SCATTER)) ||
      (erank_class && !(acc->flags & NCD_ACC_CLASS_SCATTER)))
    return NCD_EINVAL;
  double e = NAN;
  double *ec = erank_class ? ncd__malloc_array(k, sizeof(double)) : NULL;
  double *s = ncd__malloc_array(d, d * sizeof(double));
  int st = s && (ec || !erank_class) ? NCD_OK : NCD_ENOMEM;
  if (st == NCD_OK && erank) {
    memcpy(s, acc->mom.s, d * d * sizeof(double));
    st = ncd__peers_erank_total(d, k, acc->mom.count, acc->mom.m, s, &e);
  }
  for (size_t c = 0; ec && c < k && st == NCD_OK; c++) {
    ec[c] = NAN;
    if (acc->mom.count[c] < 2) continue;
    memcpy(s, acc->mom.sc + c * d * d, d * d * sizeof(double));
    st = ncd__peers_erank_scatter(d, s, ec + c);
  }
  if (st == NCD_OK) { /* outputs written only on success */
    if (erank) *erank = e;
    if (ec) memcpy(erank_class, ec, k * sizeof(double));
  }
  ncd__free(ec);
  ncd__free(s);
  return st;
}

NCD_API int ncd_nc_acc_ood_orthodev(const ncd_nc_acc *acc, const ncd_nc_acc *ood,
                                    const double *g_mean, ncd_centre centre, double *out) {
  NCD_TRY(state_ok(acc));
  size_t k = acc->k, d = acc->d;
  if (!out || !centre_ok(centre) || !ood == !g_mean) return NCD_EINVAL;
  if (ood && (ood->d != d || ood->mom.n == 0)) return NCD_EINVAL;
  if (g_mean) NCD_TRY(ncd__scan_finite_vec(g_mean, d));
  double *mbar, *mg = centred(acc, (int)centre, &mbar);
  double *g = ncd__calloc(d, sizeof(double));
  if (!mg || !g) {
    ncd__free(mg);
    ncd__free(g);
    return NCD_ENOMEM;
  }
  /* g - c0 relative to acc's ref: (g - ref) - (c0 - ref); scale: the 1-norm
   * of the terms, for the rounding test below */
  double scale = 0.0, no = ood ? (double)ood->mom.n : 1.0;
  if (ood) {
    for (size_t c = 0; c < ood->k; c++)
      for (size_t j = 0; j < d; j++) {
        double t = (double)ood->mom.count[c] * ood->mom.m[c * d + j] / no;
        g[j] += t;
        scale += fabs(t);
      }
    for (size_t j = 0; j < d; j++) {
      g[j] += ood->mom.ref[j] - acc->mom.ref[j];
      scale += fabs(ood->mom.ref[j] - acc->mom.ref[j]);
    }
  } else {
    for (size_t j = 0; j < d; j++) g[j] = g_mean[j] - acc->mom.ref[j], scale += fabs(g[j]);
  }
  *out = ncd__ood_dev(d, k, g, mg, mbar, no, scale);
  ncd__free(mg);
  ncd__free(g);
  return NCD_OK;
}

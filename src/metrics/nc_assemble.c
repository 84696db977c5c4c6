/*
 * nc_assemble.c - the scalar neural-collapse metrics from the frozen class
 * statistics (spec/metrics.md sections 2 and 3): NC2 equinorm/equiangle/
 * max-angle, the ETF errors E(G) of M-4 on Mbar Mbar^T, W W^T and W Mbar^T,
 * the duality distance, the trace ratio and CDNV from q_c, the pinv rank
 * (M-8); NC1 from a pooled scatter (M-7 with Sigma_W = S/n), the numerical
 * rank of a class block from its mergeable moments (M-11), and the SNR
 * spectrum (M-6) through the shared CP-14 routine.
 */
#include <math.h>
#include <string.h>

#include "metrics_internal.h"

/* std/mean of v (population std); NaN when the mean is 0. */
static double cov(const double *v, size_t k) {
  double mean = 0.0, var = 0.0;
  for (size_t c = 0; c < k; c++) mean += v[c];
  mean /= (double)k;
  for (size_t c = 0; c < k; c++) var += (v[c] - mean) * (v[c] - mean);
  return mean > 0.0 ? sqrt(var / (double)k) / mean : NAN;
}

/* E(G) = || G/||G||_F - (I - 11^T/k)/sqrt(k-1) ||_F (M-4); NaN if G = 0. */
static double etf_error(const double *g, size_t k) {
  double nf = 0.0, e = 0.0;
  for (size_t i = 0; i < k * k; i++) nf += g[i] * g[i];
  nf = sqrt(nf);
  if (!(nf > 0.0)) return NAN;
  double sk = sqrt((double)(k - 1));
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < k; j++) {
      double jij = ((i == j ? 1.0 : 0.0) - 1.0 / (double)k) / sk;
      double t = g[i * k + j] / nf - jij;
      e += t * t;
    }
  return sqrt(e);
}

/* NC2_EQUIANGLE_H (std) and NC2_MAXANGLE_H (mean |cos + 1/(k-1)|) over pairs. */
static void angles(const double *g, const double *mbn, size_t k, double *eq, double *mx) {
  for (size_t c = 0; c < k; c++)
    if (!(mbn[c] > 0.0)) {
      *eq = *mx = NAN;
      return;
    }
  double np = (double)k * (double)(k - 1) / 2.0, sum = 0.0, sum2 = 0.0, am = 0.0;
  for (size_t c = 0; c < k; c++)
    for (size_t e = c + 1; e < k; e++) {
      double cs = g[c * k + e] / sqrt(mbn[c] * mbn[e]);
      sum += cs;
      am += fabs(cs + 1.0 / (double)(k - 1));
    }
  double mean = sum / np;
  for (size_t c = 0; c < k; c++)
    for (size_t e = c + 1; e < k; e++) {
      double t = g[c * k + e] / sqrt(mbn[c] * mbn[e]) - mean;
      sum2 += t * t;
    }
  *eq = sqrt(sum2 / np);
  *mx = am / np;
}

static double cdnv(const ncd__ncf *f, const double *q) {
  size_t k = f->k, d = f->d;
  double t = 0.0;
  for (size_t c = 0; c < k; c++)
    for (size_t e = c + 1; e < k; e++) {
      double dist = 0.0;
      for (size_t j = 0; j < d; j++) {
        double u = f->m[c * d + j] - f->m[e * d + j];
        dist += u * u;
      }
      if (!(dist > 0.0)) return NAN;
      t += (q[c] / (double)f->count[c] + q[e] / (double)f->count[e]) / (2.0 * dist);
    }
  return t * 2.0 / ((double)k * (double)(k - 1));
}

/* The metrics that need the k x k Grams (indices 1..8). */
static int gram_metrics(const ncd__ncf *f, double *v, size_t nout) {
  size_t k = f->k, d = f->d;
  double *g = ncd__malloc_array(k, k * sizeof(double));
  double *nw = ncd__malloc_array(k, sizeof(double));
  if (!g || !nw) {
    ncd__free(g);
    ncd__free(nw);
    return NCD_ENOMEM;
  }
  double *nh = nw; /* reuse for ||mbar_c|| first */
  for (size_t c = 0; c < k; c++) nh[c] = sqrt(f->mbn[c]);
  v[1] = cov(nh, k);
  ncd__syrk_aat(k, d, 1.0, f->mbar, d, 0.0, g, k);
  angles(g, f->mbn, k, &v[3], &v[4]);
  v[5] = etf_error(g, k);
  if (f->w && nout > 2) {
    const double *w = f->w;
    size_t ldw = f->ldw;
    for (size_t c = 0; c < k; c++) {
      double t = 0.0;
      for (size_t j = 0; j < d; j++) t += w[c * ldw + j] * w[c * ldw + j];
      nw[c] = sqrt(t);
    }
    v[2] = cov(nw, k);
    ncd__syrk_aat(k, d, 1.0, w, ldw, 0.0, g, k);
    v[6] = etf_error(g, k);
    ncd__gemm(NCD__NOTRANS, NCD__TRANS, k, k, d, 1.0, w, ldw, f->mbar, d, 0.0, g, k);
    v[7] = etf_error(g, k);
    double fw = 0.0, fm = 0.0, dual = 0.0;
    for (size_t c = 0; c < k; c++) fw += nw[c] * nw[c], fm += f->mbn[c];
    fw = sqrt(fw);
    fm = sqrt(fm);
    if (fw > 0.0 && fm > 0.0) {
      for (size_t c = 0; c < k; c++)
        for (size_t j = 0; j < d; j++) {
          double t = w[c * ldw + j] / fw - f->mbar[c * d + j] / fm;
          dual += t * t;
        }
      v[8] = dual;
    }
  }
  ncd__free(g);
  ncd__free(nw);
  return NCD_OK;
}

int ncd__nc_assemble(const ncd__ncf *f, const ncd__ncparts *pt, double *out, size_t nout) {
  double v[NCD_METRIC_COUNT];
  size_t k = f->k;
  for (size_t i = 0; i < NCD_METRIC_COUNT; i++) v[i] = NAN;
  v[NCD_NC1] = f->r == 0 ? 0.0 : pt->nc1;
  if (nout > NCD_NC1) {
    int st = gram_metrics(f, v, nout);
    if (st != NCD_OK) return st;
  }
  v[NCD_NC4] = pt->nc4;
  v[NCD_ACCURACY] = pt->acc;
  if (pt->q) {
    double sq = 0.0, fm = 0.0;
    for (size_t c = 0; c < k; c++) sq += pt->q[c], fm += f->mbn[c];
    if (fm > 0.0) v[NCD_NC1_TRACE_RATIO] = (double)k * sq / ((double)f->n * fm);
    if (nout > NCD_NC1_CDNV) v[NCD_NC1_CDNV] = cdnv(f, pt->q);
  }
  v[NCD_NC1_PINV_RANK] = (double)f->r;
  v[NCD_COSMARGIN_MEAN] = pt->cm_mean;
  v[NCD_COSMARGIN_MIN] = pt->cm_min;
  if (pt->rho) {
    double t = 0.0;
    for (size_t c = 0; c < k; c++) t += pt->rho[c];
    v[NCD_NUMRANK_H] = t / (double)k;
  }
  if (nout > NCD_NC1_WEAK) {
    int st = ncd__peers_assemble(f, pt->q, v);
    if (st != NCD_OK) return st;
  }
  v[NCD_SNR_MIN] = pt->snr_min;
  v[NCD_SNR_MAX] = pt->snr_max;
  for (size_t i = 0; i < nout; i++) out[i] = i < NCD_METRIC_COUNT ? v[i] : NAN;
  return NCD_OK;
}

int ncd__nc1_from_scatter(const ncd__ncf *f, const double *s, double *nc1) {
  size_t d = f->d, r = f->r;
  if (r == 0) {
    *nc1 = 0.0;
    return NCD_OK;
  }
  double *g = ncd__malloc_array(d, r * sizeof(double));
  if (!g) return NCD_ENOMEM;
  ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, d, r, d, 1.0, s, d, f->proj, r, 0.0, g, r);
  double t = 0.0;
  for (size_t i = 0; i < d * r; i++) t += g[i] * f->proj[i];
  *nc1 = t / (double)f->n;
  ncd__free(g);
  return NCD_OK;
}

int ncd__numrank_from_scatter(size_t d, size_t nc, const double *mu, const double *sc,
                              double *rho) {
  if (nc == 0) {
    *rho = NAN;
    return NCD_OK;
  }
  double *a = ncd__malloc_array(d, d * sizeof(double));
  double *lam = ncd__malloc_array(d, sizeof(double));
  double *fm = ncd__malloc_array(d + 1, d * sizeof(double));
  double *sv = ncd__malloc_array(d, sizeof(double));
  int st = NCD_ENOMEM;
  if (!a || !lam || !fm || !sv) goto done;
  memcpy(a, sc, d * d * sizeof(double));
  st = ncd__syev(d, a, d, lam, 1);
  if (st != NCD_OK) goto done;
  /* F = [sqrt(n_c) mu^T ; Lambda^{1/2} Q^T]: F^T F = n_c mu mu^T + S_c (M-11) */
  double sn = sqrt((double)nc);
  for (size_t j = 0; j < d; j++) fm[j] = sn * mu[j];
  /* rank S_c <= n_c - 1: the other eigenvalues are 0 in exact arithmetic, and
   * their rounding (~eps ||S_c||) would enter the nuclear norm as sqrt(eps) */
  size_t zero = nc - 1 < d ? d - (nc - 1) : 0;
  for (size_t i = 0; i < d; i++) {
    double sl = i >= zero && lam[i] > 0.0 ? sqrt(lam[i]) : 0.0;
    for (size_t j = 0; j < d; j++) fm[(i + 1) * d + j] = sl * a[i * d + j];
  }
  st = ncd__svd(d + 1, d, fm, d, sv, NULL, 1, NULL, 1);
  if (st != NCD_OK) goto done;
  double s1 = 0.0, s2 = 0.0;
  for (size_t i = 0; i < d; i++) s1 += sv[i], s2 += sv[i] * sv[i];
  *rho = s2 > 0.0 ? s1 * s1 / s2 : NAN;
done:
  ncd__free(a);
  ncd__free(lam);
  ncd__free(fm);
  ncd__free(sv);
  return st;
}

int ncd__nc_snr(const ncd__ncf *f, const double *s, double *omega) {
  size_t d = f->d;
  double *sw = ncd__malloc_array(d, d * sizeof(double));
  if (!sw) return NCD_ENOMEM;
  for (size_t i = 0; i < d * d; i++) sw[i] = s[i] / (double)f->n;
  int st = ncd__snr_spectrum(f->n, d, f->k, sw, d, f->mbar, d, omega, NULL, 0);
  ncd__free(sw);
  return st;
}

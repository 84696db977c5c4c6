/*
 * peers_nrc3.c - ncd_nrc_metrics (spec/metrics-peers.md P-10, P-11): NRC1(m)
 * from ncd_nrc1_profile, NRC2 = mean squared residual of the unit rows off the
 * row space of the regression head W_r (orthonormal basis from its SVD, cut as
 * numpy pinv's rcond 1e-15, residual formed per row), NRC3 intended (symmetric
 * root of the sample-centred target covariance) or nc-toolbox's literal form
 * (NCD_NRC_NCTB), minimised over [gamma_lo, gamma_hi] by golden-section search.
 * ncd_nrc_metrics_f32: float32 features read block by block (t, wr double).
 * The head basis and NRC3 from the target second moment (ncd__nrc_head_basis,
 * ncd__nrc3_from_cov) are shared with the streaming NRC object (stream_nrc.c).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "kernels/kernels_internal.h"
#include "metrics_internal.h"

/* f(gamma) = || A - X / ||X||_F ||_F^2, X_ij = S_ij - sqrt(gamma) delta_ij
 * (literal: S_ij = sig_j, a broadcast vector). NaN when X = 0. */
static double nrc3_f(size_t m, const double *a, const double *s, int vec, double gamma) {
  double nx = 0.0, f = 0.0, sg = sqrt(gamma);
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < m; j++) {
      double x = (vec ? s[j] : s[i * m + j]) - (i == j ? sg : 0.0);
      nx += x * x;
    }
  nx = sqrt(nx);
  if (!(nx > 0.0)) return NAN;
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < m; j++) {
      double x = (vec ? s[j] : s[i * m + j]) - (i == j ? sg : 0.0);
      double e = a[i * m + j] - x / nx;
      f += e * e;
    }
  return f;
}

/* Golden-section minimum of nrc3_f on [lo, hi] (xtol 1e-12), endpoints checked. */
static void minimise(size_t m, const double *a, const double *s, int vec, double lo, double hi,
                     double *fmin, double *gmin) {
  const double r = (sqrt(5.0) - 1.0) / 2.0, a0 = lo, b0 = hi;
  double x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo);
  double f1 = nrc3_f(m, a, s, vec, x1), f2 = nrc3_f(m, a, s, vec, x2);
  while (hi - lo > 1e-12) {
    if (f1 <= f2) {
      hi = x2, x2 = x1, f2 = f1;
      x1 = hi - r * (hi - lo);
      f1 = nrc3_f(m, a, s, vec, x1);
    } else {
      lo = x1, x1 = x2, f1 = f2;
      x2 = lo + r * (hi - lo);
      f2 = nrc3_f(m, a, s, vec, x2);
    }
  }
  *gmin = f1 <= f2 ? x1 : x2;
  *fmin = f1 <= f2 ? f1 : f2;
  /* f depends on sqrt(gamma): a minimum on a bound is only approached to
   * sqrt(xtol) by the search, so the bounds are compared exactly */
  double fa = nrc3_f(m, a, s, vec, a0), fb = nrc3_f(m, a, s, vec, b0);
  if (fa <= *fmin) *fmin = fa, *gmin = a0;
  if (fb < *fmin) *fmin = fb, *gmin = b0;
}

/* NRC3 and gamma* from targets t (n x m) and head wr (m x d). */
static int nrc3(size_t n, size_t m, size_t d, const double *t, size_t ldt, const double *wr,
                size_t ldwr, double lo, double hi, unsigned flags, double *out) {
  double *c = ncd__calloc(m * m, sizeof(double)), *mu = ncd__calloc(m, sizeof(double));
  int st = c && mu ? NCD_OK : NCD_ENOMEM, lit = (flags & NCD_NRC_NCTB) != 0;
  if (st == NCD_OK) {
    /* intended: C = (1/n) sum (t_i - tbar)(t_i - tbar)^T; literal: Yc^T Yc with rows centred
     * across their m targets */
    if (!lit) { /* float64 rows: the source only points into t, cannot fail */
      ncd__rowsrc ts;
      (void)ncd__rowsrc_init(&ts, t, NULL, n, m, ldt, ncd__nc_block_bytes(m));
      ncd__src_col_mean(&ts, mu);
      ncd__rowsrc_free(&ts);
    }
    for (size_t i = 0; i < n; i++) {
      double rm = 0.0;
      if (lit) {
        for (size_t j = 0; j < m; j++) rm += t[i * ldt + j] / (double)m;
      }
      for (size_t j = 0; j < m; j++)
        for (size_t l = 0; l < m; l++)
          c[j * m + l] += (t[i * ldt + j] - (lit ? rm : mu[j])) * (t[i * ldt + l] - (lit ? rm : mu[l]));
    }
    if (!lit)
      for (size_t i = 0; i < m * m; i++) c[i] /= (double)n;
    st = ncd__nrc3_from_cov(n, m, d, c, wr, ldwr, lo, hi, flags, out);
  }
  ncd__free(c);
  ncd__free(mu);
  return st;
}

int ncd__nrc3_from_cov(size_t n, size_t m, size_t d, double *c, const double *wr,
                       size_t ldwr, double lo, double hi, unsigned flags, double *out) {
  double *e = ncd__malloc_array(m, sizeof(double)), *s = ncd__calloc(m * m, sizeof(double));
  double *a = ncd__malloc_array(m, m * sizeof(double)), *mu = ncd__calloc(m, sizeof(double));
  int st = e && s && a && mu ? NCD_OK : NCD_ENOMEM, lit = (flags & NCD_NRC_NCTB) != 0;
  if (st == NCD_OK) {
    /* A = W W^T / ||W W^T||_F */
    ncd__syrk_aat(m, d, 1.0, wr, ldwr, 0.0, a, m);
    double na = 0.0;
    for (size_t i = 0; i < m * m; i++) na += a[i] * a[i];
    na = sqrt(na);
    for (size_t i = 0; i < m * m; i++) a[i] /= na;
    st = ncd__syev(m, c, m, e, 1); /* row i of c: eigenvector of e[i], ascending */
  }
  if (st == NCD_OK) {
    if (!lit) { /* Sigma^(1/2) = E Lambda^(1/2) E^T */
      for (size_t q = 0; q < m; q++) {
        double r = e[q] > 0.0 ? sqrt(e[q]) : 0.0;
        for (size_t i = 0; i < m; i++)
          for (size_t j = 0; j < m; j++) s[i * m + j] += r * c[q * m + i] * c[q * m + j];
      }
    } else { /* sig = U (U s) / sqrt(n), U columns sign-fixed (svd_flip), s descending */
      double *us = mu;
      memset(us, 0, m * sizeof(double));
      for (size_t q = 0; q < m; q++) { /* column q of U = eigenvector of the q-th largest */
        double *u = c + (m - 1 - q) * m;
        size_t am = 0;
        for (size_t i = 1; i < m; i++)
          if (fabs(u[i]) > fabs(u[am])) am = i;
        if (u[am] < 0.0) /* sign fixed once, in place (exact) */
          for (size_t i = 0; i < m; i++) u[i] = -u[i];
        double sv = e[m - 1 - q] > 0.0 ? sqrt(e[m - 1 - q]) : 0.0;
        for (size_t i = 0; i < m; i++) us[i] += u[i] * sv;
      }
      for (size_t i = 0; i < m; i++) {
        double v = 0.0;
        for (size_t q = 0; q < m; q++) v += c[(m - 1 - q) * m + i] * us[q];
        s[i] = v / sqrt((double)n);
      }
    }
    if (lo == hi) {
      out[0] = nrc3_f(m, a, s, lit, lo);
      out[1] = lo;
    } else {
      minimise(m, a, s, lit, lo, hi, out, out + 1);
    }
  }
  ncd__free(e);
  ncd__free(s);
  ncd__free(a);
  ncd__free(mu);
  return st;
}

int ncd__nrc_head_basis(size_t m, size_t d, const double *wr, size_t ldwr, double *vt,
                        size_t *r) {
  double *wc = ncd__malloc_array(m, d * sizeof(double)), *sv = ncd__malloc_array(m, sizeof(double));
  int st = wc && sv ? NCD_OK : NCD_ENOMEM;
  for (size_t i = 0; st == NCD_OK && i < m; i++) memcpy(wc + i * d, wr + i * ldwr, d * sizeof(double));
  if (st == NCD_OK) st = ncd__svd(m, d, wc, d, sv, NULL, 0, vt, d);
  if (st == NCD_OK) {
    *r = 0;
    while (*r < m && sv[*r] > 1e-15 * sv[0]) ++*r;
  }
  ncd__free(wc);
  ncd__free(sv);
  return st;
}

/* NRC2 = (1/n) sum_i ||u_i - Q Q^T u_i||^2, Q an orthonormal basis of the rows of wr. */
static int nrc2(ncd__rowsrc *src, size_t m, const double *wr, size_t ldwr, double *out) {
  size_t n = src->rows, d = src->cols;
  double *vt = ncd__malloc_array(m, d * sizeof(double)), *u = ncd__malloc_array(d, sizeof(double));
  size_t r = 0;
  int st = vt && u ? ncd__nrc_head_basis(m, d, wr, ldwr, vt, &r) : NCD_ENOMEM;
  if (st == NCD_OK) {
    double tot = 0.0;
    for (size_t i0 = 0; i0 < n && !isnan(tot); i0 += src->block_rows) {
      size_t nb = n - i0 < src->block_rows ? n - i0 : src->block_rows, ldh;
      const double *h = ncd__rowsrc_block(src, i0, nb, &ldh);
      for (size_t i = 0; i < nb; i++) {
        double inv = ncd__unit_scale(d, h + i * ldh, NAN);
        if (isnan(inv)) { /* a zero row: NRC2 undefined */
          tot = NAN;
          break;
        }
        for (size_t j = 0; j < d; j++) u[j] = h[i * ldh + j] * inv;
        for (size_t q = 0; q < r; q++) {
          double c = 0.0;
          for (size_t j = 0; j < d; j++) c += vt[q * d + j] * u[j];
          for (size_t j = 0; j < d; j++) u[j] -= c * vt[q * d + j];
        }
        for (size_t j = 0; j < d; j++) tot += u[j] * u[j];
      }
    }
    *out = tot / (double)n;
  }
  ncd__free(vt);
  ncd__free(u);
  return st;
}

static int nrc_run(size_t n, size_t d, const double *h64, const float *h32, size_t ldh,
                   size_t m, const double *t, size_t ldt, const double *wr, size_t ldwr,
                   double gamma_lo, double gamma_hi, unsigned flags, double out[4]) {
  const void *h = h64 ? (const void *)h64 : (const void *)h32;
  if (!h || !out || m < 1 || m > n || m > d || (flags & ~3u)) return NCD_EINVAL;
  if (!(gamma_lo >= 0.0 && gamma_lo <= gamma_hi && isfinite(gamma_hi))) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(h, n, d, ldh, h64 ? sizeof(double) : sizeof(float)));
  size_t sz;
  if (ncd__mul_overflows(d, d, &sz) || ncd__mul_overflows(sz, 3 * sizeof(double), &sz))
    return NCD_EINVAL;
  if (t) NCD_TRY(ncd__check_matrix(t, n, m, ldt, sizeof(double)));
  if (wr) NCD_TRY(ncd__check_matrix(wr, m, d, ldwr, sizeof(double)));
  NCD_TRY(ncd__peers_scan(h64, h32, n, d, ldh));
  if (t) NCD_TRY(ncd__scan_finite(t, n, m, ldt));
  if (wr) NCD_TRY(ncd__scan_finite(wr, m, d, ldwr));
  double res[4] = {NAN, NAN, NAN, NAN};
  ncd__rowsrc src;
  double *prof = ncd__malloc_array(d, sizeof(double));
  int st = prof ? ncd__peers_nrc_src(&src, n, d, h64, h32, ldh) : NCD_ENOMEM;
  if (st != NCD_OK) {
    ncd__free(prof);
    return st;
  }
  /* V from the raw H, or the centred H (NCD_NRC_PCA_CENTRED), then the NRC1 terms */
  st = ncd__peers_nrc1_src(&src, (flags & NCD_NRC_PCA_CENTRED) != 0, prof);
  if (st == NCD_OK) res[0] = prof[m - 1];
  if (st == NCD_OK && wr) st = nrc2(&src, m, wr, ldwr, res + 1);
  if (st == NCD_OK && wr && t) st = nrc3(n, m, d, t, ldt, wr, ldwr, gamma_lo, gamma_hi, flags, res + 2);
  if (st == NCD_OK) memcpy(out, res, sizeof res);
  ncd__rowsrc_free(&src);
  ncd__free(prof);
  return st;
}

NCD_API int ncd_nrc_metrics(size_t n, size_t d, const double *h, size_t ldh, size_t m,
                            const double *t, size_t ldt, const double *wr, size_t ldwr,
                            double gamma_lo, double gamma_hi, unsigned flags, double out[4]) {
  return nrc_run(n, d, h, NULL, ldh, m, t, ldt, wr, ldwr, gamma_lo, gamma_hi, flags, out);
}

NCD_API int ncd_nrc_metrics_f32(size_t n, size_t d, const float *h, size_t ldh, size_t m,
                                const double *t, size_t ldt, const double *wr, size_t ldwr,
                                double gamma_lo, double gamma_hi, unsigned flags,
                                double out[4]) {
  return nrc_run(n, d, NULL, h, ldh, m, t, ldt, wr, ldwr, gamma_lo, gamma_hi, flags, out);
}

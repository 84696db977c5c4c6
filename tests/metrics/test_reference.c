/*
 * test_reference.c - every metric of ncd_nc_metrics against a direct O(d^3)
 * reference computed here with naive long-double loops: Sigma_W and Sigma_B
 * as d x d matrices, the pseudo-inverse by a Jacobi eigendecomposition with
 * the api.md cut, uncentred distances and logits for NC4, the SNR by
 * elimination and Jacobi, the numerical rank from the smaller Gram of each raw
 * class block. Random data, balanced and unbalanced, d < k-1, d = k-1, d > k,
 * k > d. Exact simplex-ETF collapse (NC1 = 0, NC2/NC3 < 1e-13), the k = 2
 * closed forms and the unweighted-centre option; invariances.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"

typedef long double ld;

/* Cyclic Jacobi with vectors: a (n x n, symmetric) -> eigenvalues w, columns
 * of v the eigenvectors. */
static void jacobi(size_t n, const ld *a, ld *w, ld *v) {
  ld *m = malloc(n * n * sizeof *m);
  memcpy(m, a, n * n * sizeof *m);
  for (size_t i = 0; i < n * n; i++) v[i] = 0;
  for (size_t i = 0; i < n; i++) v[i * n + i] = 1;
  for (int sweep = 0; sweep < 100; sweep++) {
    ld off = 0, tot = 0;
    for (size_t p = 0; p < n; p++)
      for (size_t q = 0; q < n; q++) *(p == q ? &tot : &off) += m[p * n + q] * m[p * n + q];
    if (off <= 1e-38L * tot) break;
    for (size_t p = 0; p < n; p++)
      for (size_t q = p + 1; q < n; q++) {
        if (m[p * n + q] == 0) continue;
        ld th = (m[q * n + q] - m[p * n + p]) / (2 * m[p * n + q]);
        ld t = (th >= 0 ? 1 : -1) / (fabsl(th) + sqrtl(th * th + 1));
        ld c = 1 / sqrtl(t * t + 1), s = t * c;
        for (size_t r = 0; r < n; r++) {
          ld x = m[r * n + p], y = m[r * n + q];
          m[r * n + p] = c * x - s * y, m[r * n + q] = s * x + c * y;
        }
        for (size_t r = 0; r < n; r++) {
          ld x = m[p * n + r], y = m[q * n + r];
          m[p * n + r] = c * x - s * y, m[q * n + r] = s * x + c * y;
        }
        for (size_t r = 0; r < n; r++) {
          ld x = v[r * n + p], y = v[r * n + q];
          v[r * n + p] = c * x - s * y, v[r * n + q] = s * x + c * y;
        }
      }
  }
  for (size_t i = 0; i < n; i++) w[i] = m[i * n + i];
  free(m);
}

static ld etf(const ld *g, size_t k) {
  ld nf = 0, e = 0;
  for (size_t i = 0; i < k * k; i++) nf += g[i] * g[i];
  nf = sqrtl(nf);
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < k; j++) {
      ld t = g[i * k + j] / nf - ((i == j) - 1.0L / k) / sqrtl(k - 1.0L);
      e += t * t;
    }
  return sqrtl(e);
}

/* The direct reference of every metric (spec section 2/3 definitions). */
static void reference(size_t n, size_t d, size_t k, const double *h, const int32_t *y,
                      const double *w, const double *b, double rtol, double *out) {
  ld *mu = calloc(k * d, sizeof *mu), *mg = calloc(d, sizeof *mg), *mb = calloc(k * d, sizeof *mb);
  ld *sw = calloc(d * d, sizeof *sw), *sb = calloc(d * d, sizeof *sb), *v = malloc(d * d * sizeof *v);
  ld *ev = malloc(d * sizeof *ev), *g = malloc(k * k * sizeof *g);
  size_t *cnt = calloc(k, sizeof *cnt);
  for (size_t i = 0; i < n; i++) {
    cnt[y[i]]++;
    for (size_t j = 0; j < d; j++) mu[y[i] * d + j] += h[i * d + j], mg[j] += h[i * d + j];
  }
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) mu[c * d + j] /= cnt[c];
  for (size_t j = 0; j < d; j++) mg[j] /= n;
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) mb[c * d + j] = mu[c * d + j] - mg[j];
  ld *q = calloc(k, sizeof *q);
  for (size_t i = 0; i < n; i++)
    for (size_t a = 0; a < d; a++) {
      ld za = h[i * d + a] - mu[y[i] * d + a];
      q[y[i]] += za * za;
      for (size_t e = 0; e < d; e++) sw[a * d + e] += za * (h[i * d + e] - mu[y[i] * d + e]) / n;
    }
  for (size_t a = 0; a < d; a++)
    for (size_t e = 0; e < d; e++)
      for (size_t c = 0; c < k; c++) sb[a * d + e] += mb[c * d + a] * mb[c * d + e] / k;
  /* pinv of Sigma_B by eigendecomposition, cut max(k,d) eps sigma_1 */
  jacobi(d, sb, ev, v);
  ld emax = 0;
  for (size_t i = 0; i < d; i++) emax = fabsl(ev[i]) > emax ? fabsl(ev[i]) : emax;
  ld cut = (rtol > 0 ? (ld)rtol : (k > d ? k : d) * (ld)DBL_EPSILON) * emax, nc1 = 0;
  size_t rank = 0;
  for (size_t i = 0; i < d; i++) {
    ck_assert_msg(fabsl(ev[i] - cut) > 1e-6L * cut, "test data sits at the pinv cut");
    if (!(ev[i] > cut)) continue;
    if (rtol == 0) ck_assert_msg(ev[i] > 100 * cut, "test data near the pinv cut");
    rank++;
    ld t = 0; /* v_i^T Sw v_i / lambda_i */
    for (size_t a = 0; a < d; a++)
      for (size_t e = 0; e < d; e++) t += v[a * d + i] * sw[a * d + e] * v[e * d + i];
    nc1 += t / ev[i];
  }
  for (size_t i = 0; i < NCD_METRIC_COUNT; i++) out[i] = NAN;
  out[NCD_NC1] = (double)(nc1 / k);
  out[NCD_NC1_PINV_RANK] = (double)rank;
  ld nrm[64], mean = 0, var = 0;
  for (size_t c = 0; c < k; c++) {
    nrm[c] = 0;
    for (size_t j = 0; j < d; j++) nrm[c] += mb[c * d + j] * mb[c * d + j];
    nrm[c] = sqrtl(nrm[c]);
    mean += nrm[c] / k;
  }
  for (size_t c = 0; c < k; c++) var += (nrm[c] - mean) * (nrm[c] - mean) / k;
  out[NCD_NC2_EQUINORM_H] = (double)(sqrtl(var) / mean);
  ld cs[64 * 64], cm = 0, cv = 0, ca = 0, np = k * (k - 1) / 2.0L;
  for (size_t c = 0; c < k; c++)
    for (size_t e = 0; e < k; e++) {
      ld t = 0;
      for (size_t j = 0; j < d; j++) t += mb[c * d + j] * mb[e * d + j];
      g[c * k + e] = t;
      cs[c * k + e] = t / (nrm[c] * nrm[e]);
    }
  for (size_t c = 0; c < k; c++)
    for (size_t e = c + 1; e < k; e++) cm += cs[c * k + e] / np, ca += fabsl(cs[c * k + e] + 1.0L / (k - 1)) / np;
  for (size_t c = 0; c < k; c++)
    for (size_t e = c + 1; e < k; e++) cv += (cs[c * k + e] - cm) * (cs[c * k + e] - cm) / np;
  out[NCD_NC2_EQUIANGLE_H] = (double)sqrtl(cv);
  out[NCD_NC2_MAXANGLE_H] = (double)ca;
  out[NCD_NC2_ETF_H] = (double)etf(g, k);
  ld trw = 0, trb = 0;
  for (size_t a = 0; a < d; a++) trw += sw[a * d + a], trb += sb[a * d + a];
  out[NCD_NC1_TRACE_RATIO] = (double)(trw / trb);
  ld cd = 0;
  for (size_t c = 0; c < k; c++)
    for (size_t e = c + 1; e < k; e++) {
      ld dist = 0;
      for (size_t j = 0; j < d; j++) dist += (mu[c * d + j] - mu[e * d + j]) * (mu[c * d + j] - mu[e * d + j]);
      cd += (q[c] / cnt[c] + q[e] / cnt[e]) / (2 * dist) / np;
    }
  out[NCD_NC1_CDNV] = (double)cd;
  if (w) {
    ld wn[64], wm = 0, wv = 0, fw = 0, fm = 0, du = 0, wg[64] = {0};
    for (size_t c = 0; c < k; c++) {
      wn[c] = 0;
      for (size_t j = 0; j < d; j++) wn[c] += (ld)w[c * d + j] * w[c * d + j], wg[j] += (ld)w[c * d + j] / k;
      fw += wn[c], fm += nrm[c] * nrm[c];
      wn[c] = sqrtl(wn[c]);
      wm += wn[c] / k;
    }
    for (size_t c = 0; c < k; c++) wv += (wn[c] - wm) * (wn[c] - wm) / k;
    out[NCD_NC2_EQUINORM_W] = (double)(sqrtl(wv) / wm);
    for (size_t c = 0; c < k; c++)
      for (size_t e = 0; e < k; e++) {
        ld t = 0;
        for (size_t j = 0; j < d; j++) t += (ld)w[c * d + j] * w[e * d + j];
        g[c * k + e] = t;
      }
    out[NCD_NC2_ETF_W] = (double)etf(g, k);
    for (size_t c = 0; c < k; c++)
      for (size_t e = 0; e < k; e++) {
        ld t = 0;
        for (size_t j = 0; j < d; j++) t += w[c * d + j] * mb[e * d + j];
        g[c * k + e] = t;
      }
    out[NCD_NC3] = (double)etf(g, k);
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++) {
        ld t = w[c * d + j] / sqrtl(fw) - mb[c * d + j] / sqrtl(fm);
        du += t * t;
      }
    out[NCD_NC3_DUALITY] = (double)du;
    size_t mism = 0, corr = 0;
    ld cmsum = 0, cmmin = 10;
    for (size_t i = 0; i < n; i++) {
      size_t am = 0, an = 0;
      ld best = -1e300L, near = 1e300L, own = 0, oth = -10, xn = 0;
      for (size_t j = 0; j < d; j++) xn += (h[i * d + j] - mg[j]) * (h[i * d + j] - mg[j]);
      for (size_t c = 0; c < k; c++) {
        ld z = b ? b[c] : 0, dd = 0, dot = 0, wcn = 0;
        for (size_t j = 0; j < d; j++) {
          z += (ld)w[c * d + j] * h[i * d + j];
          dd += (h[i * d + j] - mu[c * d + j]) * (h[i * d + j] - mu[c * d + j]);
          dot += (w[c * d + j] - wg[j]) * (h[i * d + j] - mg[j]);
          wcn += (w[c * d + j] - wg[j]) * (w[c * d + j] - wg[j]);
        }
        if (z > best) best = z, am = c;
        if (dd < near) near = dd, an = c;
        ld cosv = dot / sqrtl(wcn * xn);
        if (c == (size_t)y[i]) own = cosv;
        else if (cosv > oth) oth = cosv;
      }
      mism += am != an, corr += am == (size_t)y[i];
      cmsum += own - oth;
      if (own - oth < cmmin) cmmin = own - oth;
    }
    out[NCD_NC4] = (double)mism / n;
    out[NCD_ACCURACY] = (double)corr / n;
    out[NCD_COSMARGIN_MEAN] = (double)(cmsum / n);
    out[NCD_COSMARGIN_MIN] = (double)cmmin;
  }
  /* numerical rank from the smaller Gram of each raw class block */
  ld rho = 0;
  for (size_t c = 0; c < k; c++) {
    size_t m = cnt[c] < d ? cnt[c] : d, *idx = malloc(cnt[c] * sizeof *idx), t = 0;
    for (size_t i = 0; i < n; i++)
      if ((size_t)y[i] == c) idx[t++] = i;
    ld *gm = calloc(m * m, sizeof *gm), *gw = malloc(m * sizeof *gw), *gv = malloc(m * m * sizeof *gv);
    for (size_t p = 0; p < m; p++)
      for (size_t r = 0; r < m; r++)
        for (size_t s = 0; s < (cnt[c] < d ? d : cnt[c]); s++)
          gm[p * m + r] += cnt[c] < d ? (ld)h[idx[p] * d + s] * h[idx[r] * d + s]
                                      : (ld)h[idx[s] * d + p] * h[idx[s] * d + r];
    jacobi(m, gm, gw, gv);
    ld s1 = 0, s2 = 0;
    for (size_t p = 0; p < m; p++) s1 += sqrtl(fabsl(gw[p])), s2 += gw[p];
    rho += s1 * s1 / s2 / k;
    free(idx), free(gm), free(gw), free(gv);
  }
  out[NCD_NUMRANK_H] = (double)rho;
  /* SNR: omega^2 = eig(Mbar Sw^-1 Mbar^T), when n - k >= d */
  if (n >= k + d) {
    double *swd = malloc(d * d * sizeof *swd), *x = malloc(d * k * sizeof *x), *gg = malloc(k * k * sizeof *gg);
    double *mbd = malloc(k * d * sizeof *mbd), *om = malloc(k * sizeof *om);
    for (size_t a = 0; a < d * d; a++) swd[a] = (double)sw[a];
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++) mbd[c * d + j] = (double)mb[c * d + j], x[j * k + c] = (double)mb[c * d + j];
    ncd_test_naive_solve(d, k, swd, d, x, k);
    ncd_test_naive_gemm(0, 0, k, k, d, 1.0, mbd, d, x, k, 0.0, gg, k);
    ncd_test_jacobi_eigvals(k, gg, k, om);
    size_t mm = k - 1 < d ? k - 1 : d;
    out[NCD_SNR_MAX] = sqrt(om[k - 1]);
    out[NCD_SNR_MIN] = sqrt(om[k - mm]);
    free(swd), free(x), free(gg), free(mbd), free(om);
  }
  free(mu), free(mg), free(mb), free(sw), free(sb), free(v), free(ev), free(g), free(cnt), free(q);
}

/* Random case: class centres 2.5 sigma apart, optional offset, unbalanced
 * counts (class c has about (c+1) shares). */
static void make_case(size_t n, size_t d, size_t k, int unbalanced, uint64_t seed, double *h,
                      int32_t *y, double *w, double *b) {
  ncd_test_rng r;
  ncd_test_seed(&r, seed);
  double *cen = malloc(k * d * sizeof *cen);
  ncd_test_fill_normal(&r, cen, k, d, d);
  ncd_test_labels(&r, y, n, k);
  if (unbalanced)
    for (size_t i = 0; i < n; i++)
      if (ncd_test_uniform(&r) < 0.4) y[i] = (int32_t)(k - 1 - (size_t)(ncd_test_uniform(&r) * 2));
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) h[i * d + j] = 3.0 + 2.5 * cen[y[i] * d + j] + ncd_test_normal(&r);
  ncd_test_fill_normal(&r, w, k, d, d);
  for (size_t c = 0; c < k; c++) b[c] = 0.3 * ncd_test_normal(&r);
  free(cen);
}

/* 1e-10 relative: the reference is long double; ours carries O(eps * cond)
 * from the SVD and the centring (measured <= 1e-13 here). NC4/ACCURACY are
 * exact ratios of counts. */
static void compare(size_t n, size_t d, size_t k, int unbalanced, uint64_t seed) {
  double *h = malloc(n * d * sizeof *h), *w = malloc(k * d * sizeof *w), b[64];
  int32_t *y = malloc(n * sizeof *y);
  make_case(n, d, k, unbalanced, seed, h, y, w, b);
  double want[NCD_METRIC_COUNT], got[NCD_METRIC_COUNT];
  reference(n, d, k, h, y, w, b, 0.0, want);
  ck_assert_status(ncd_nc_metrics(n, d, k, h, d, y, w, d, b, got, NCD_METRIC_COUNT), NCD_OK);
  for (int i = 0; i <= NCD_SNR_MAX; i++) /* the contract's metrics; peers: test_peers_*.c */
    ck_assert_msg(ncd_test_close(got[i], want[i], 1e-10, 1e-13),
                  "n=%zu d=%zu k=%zu unb=%d metric %d: %.17g vs reference %.17g", n, d, k,
                  unbalanced, i, got[i], want[i]);
  /* small nout computes the same leading values */
  double few[3];
  ck_assert_status(ncd_nc_metrics(n, d, k, h, d, y, w, d, b, few, 3), NCD_OK);
  for (int i = 0; i < 3; i++) ck_assert_close(few[i], got[i], 1e-14, 0);
  /* w = NULL: classifier metrics NaN, the others unchanged */
  ck_assert_status(ncd_nc_metrics(n, d, k, h, d, y, NULL, 0, b, got, NCD_METRIC_COUNT), NCD_OK);
  ck_assert(isnan(got[NCD_NC2_EQUINORM_W]) && isnan(got[NCD_NC3]) && isnan(got[NCD_NC4]) &&
            isnan(got[NCD_ACCURACY]) && isnan(got[NCD_COSMARGIN_MEAN]));
  ck_assert_close(got[NCD_NC1], want[NCD_NC1], 1e-10, 1e-13);
  free(h), free(w), free(y);
}

START_TEST(random_shapes) {
  static const size_t shapes[][3] = {
      {80, 3, 6},   /* d < k - 1 */
      {90, 5, 6},   /* d = k - 1 */
      {120, 12, 5}, /* d > k     */
      {100, 4, 10}, /* k > d     */
      {60, 20, 3},  /* d > k, SNR singular case when n - k < d does not apply */
      {40, 30, 4},  /* n - k < d: SNR NaN */
      {50, 1, 3},   /* d = 1 */
      {30, 2, 2},   /* k = 2 */
      {200, 16, 10}, /* r = 9 = 2 MR + 1 (MR = 4 here): GEMM of 8 rows + GEMV */
  };
  for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
    for (int unb = 0; unb < 2; unb++)
      compare(shapes[s][0], shapes[s][1], shapes[s][2], unb, 100 + s * 2 + (size_t)unb);
}
END_TEST

/* Simplex ETF of k classes in d >= k-1 dimensions: orthonormal basis of 1^perp
 * (k x (k-1)) times orthonormal rows ((k-1) x d), both by Gram-Schmidt. */
static void simplex(size_t k, size_t d, uint64_t seed, double *m) {
  ncd_test_rng r;
  ncd_test_seed(&r, seed);
  size_t p = k - 1;
  double *bs = malloc(k * p * sizeof *bs), *rt = malloc(p * d * sizeof *rt);
  for (size_t j = 0; j < p; j++) { /* columns: e_j - 1/k, orthonormalised */
    for (size_t i = 0; i < k; i++) bs[i * p + j] = (i == j) - 1.0 / (double)k;
    for (size_t e = 0; e < j; e++) {
      double t = 0;
      for (size_t i = 0; i < k; i++) t += bs[i * p + j] * bs[i * p + e];
      for (size_t i = 0; i < k; i++) bs[i * p + j] -= t * bs[i * p + e];
    }
    double t = 0;
    for (size_t i = 0; i < k; i++) t += bs[i * p + j] * bs[i * p + j];
    for (size_t i = 0; i < k; i++) bs[i * p + j] /= sqrt(t);
  }
  ncd_test_fill_normal(&r, rt, p, d, d);
  for (size_t j = 0; j < p; j++) {
    for (int again = 0; again < 2; again++)
      for (size_t e = 0; e < j; e++) {
        double t = 0;
        for (size_t i = 0; i < d; i++) t += rt[j * d + i] * rt[e * d + i];
        for (size_t i = 0; i < d; i++) rt[j * d + i] -= t * rt[e * d + i];
      }
    double t = 0;
    for (size_t i = 0; i < d; i++) t += rt[j * d + i] * rt[j * d + i];
    for (size_t i = 0; i < d; i++) rt[j * d + i] /= sqrt(t);
  }
  ncd_test_naive_gemm(0, 0, k, d, p, 1.0, bs, p, rt, d, 0.0, m, d);
  free(bs), free(rt);
}

/* spec section 6 "Collapse": identical rows per class at a simplex ETF,
 * balanced, translated by t, W proportional to Mbar, b = -W t. */
START_TEST(etf_collapse) {
  static const size_t kd[][2] = {{4, 4}, {10, 16}, {7, 6}, {3, 2}};
  for (size_t t = 0; t < sizeof kd / sizeof *kd; t++) {
    size_t k = kd[t][0], d = kd[t][1], per = 3, n = k * per;
    double *m = malloc(k * d * sizeof *m), *h = malloc(n * d * sizeof *h), *w = malloc(k * d * sizeof *w);
    int32_t *y = malloc(n * sizeof *y);
    simplex(k, d, 7 + t, m);
    for (size_t i = 0; i < n; i++) {
      y[i] = (int32_t)((i * 11 + 1) % k); /* interleaved, each class `per` times */
      for (size_t j = 0; j < d; j++) h[i * d + j] = 4.0 * m[y[i] * d + j] + 100.25 + (double)j;
    }
    double b[16], out[NCD_METRIC_COUNT];
    for (size_t a = 0; a < k * d; a++) w[a] = 0.5 * m[a];
    for (size_t c = 0; c < k; c++) { /* b = -W t undoes the translation's logit shift */
      b[c] = 0;
      for (size_t j = 0; j < d; j++) b[c] -= w[c * d + j] * (100.25 + (double)j);
    }
    ck_assert_status(ncd_nc_metrics(n, d, k, h, d, y, w, d, b, out, NCD_METRIC_COUNT - 2), NCD_OK);
    ck_assert_msg(out[NCD_NC1] == 0.0, "NC1 at collapse %.17g", out[NCD_NC1]); /* exact (M-9) */
    /* 1e-13: rounding of the simplex construction and the SVD, measured ~1e-15 */
    for (int i = NCD_NC2_EQUINORM_H; i <= NCD_NC3_DUALITY; i++)
      ck_assert_msg(fabs(out[i]) < 1e-13, "k=%zu d=%zu metric %d = %g", k, d, i, out[i]);
    ck_assert(out[NCD_NC4] == 0.0 && out[NCD_ACCURACY] == 1.0);
    ck_assert(out[NCD_NC1_PINV_RANK] == (double)(k - 1));
    ck_assert(out[NCD_NC1_TRACE_RATIO] == 0.0 && out[NCD_NC1_CDNV] == 0.0);
    ck_assert_close(out[NCD_COSMARGIN_MEAN], (double)k / (double)(k - 1), 1e-13, 0);
    ck_assert_close(out[NCD_COSMARGIN_MIN], (double)k / (double)(k - 1), 1e-13, 0);
    ck_assert_close(out[NCD_NUMRANK_H], 1.0, 1e-13, 0); /* rank-1 class blocks */
    free(m), free(h), free(w), free(y);
  }
}
END_TEST

/* k = 2 closed forms of spec section 1: NC2_ETF_H = |n1-n2|/sqrt(n1^2+n2^2),
 * NC2_EQUINORM_H = |n1-n2|/(n1+n2), equiangle 0; and the unweighted centre
 * option removes the imbalance effect at an exact ETF (counts 2,4,6,8). */
START_TEST(closed_forms_and_centre) {
  ncd_test_rng r;
  ncd_test_seed(&r, 5);
  size_t n = 13, d = 3, n1 = 4;
  double h[13 * 3], out[NCD_METRIC_COUNT];
  int32_t y[13];
  ncd_test_fill_normal(&r, h, n, d, d);
  for (size_t i = 0; i < n; i++) y[i] = i < n1 ? 0 : 1;
  ck_assert_status(ncd_nc_metrics(n, d, 2, h, d, y, NULL, 0, NULL, out, 6), NCD_OK);
  double a = (double)n1, c = (double)(n - n1);
  ck_assert_close(out[NCD_NC2_ETF_H], fabs(a - c) / sqrt(a * a + c * c), 1e-14, 0);
  ck_assert_close(out[NCD_NC2_EQUINORM_H], fabs(a - c) / (a + c), 1e-14, 0);
  ck_assert(out[NCD_NC2_EQUIANGLE_H] == 0.0 && out[NCD_NC2_MAXANGLE_H] <= 1e-15);

  size_t k = 4, cnt[4] = {2, 4, 6, 8}, nn = 20, dd = 4;
  double m[16], hh[20 * 4], w[16];
  int32_t yy[20];
  simplex(k, dd, 3, m);
  for (size_t i = 0, cl = 0, u = 0; i < nn; i++, u++) {
    if (u == cnt[cl]) cl++, u = 0;
    yy[i] = (int32_t)cl;
    for (size_t j = 0; j < dd; j++) hh[i * dd + j] = m[cl * dd + j] - 7.0;
  }
  for (size_t t = 0; t < 16; t++) w[t] = m[t];
  ck_assert_status(ncd_nc_metrics(nn, dd, k, hh, dd, yy, w, dd, NULL, out, 8), NCD_OK);
  ck_assert_close(out[NCD_NC2_ETF_H], 0.363705, 0, 5e-7); /* spec section 1, 6 digits */
  ck_assert_close(out[NCD_NC2_EQUINORM_H], 0.143846, 0, 5e-7);
  ck_assert_close(out[NCD_NC3], 0.252009, 0, 5e-7);
  ncd_nc_options opt = {0.0, 1};
  ck_assert_status(ncd_nc_metrics_ex(nn, dd, k, hh, dd, yy, w, dd, NULL, &opt, out, 8), NCD_OK);
  ck_assert(fabs(out[NCD_NC2_ETF_H]) < 1e-14 && fabs(out[NCD_NC3]) < 1e-14);
  ck_assert(fabs(out[NCD_NC2_EQUINORM_H]) < 1e-14);
}
END_TEST

/* Permutation of samples, relabelling, translation with b -> b - W t, scale,
 * rotation: all metrics unchanged (1e-11 relative; spec section 6). */
START_TEST(invariances) {
  size_t n = 90, d = 6, k = 5;
  double *h = malloc(n * d * sizeof *h), *h2 = malloc(n * d * sizeof *h2), *w = malloc(k * d * sizeof *w);
  double *w2 = malloc(k * d * sizeof *w2), b[5], b2[5], o0[NCD_METRIC_COUNT], o1[NCD_METRIC_COUNT];
  int32_t *y = malloc(n * sizeof *y), *y2 = malloc(n * sizeof *y2);
  make_case(n, d, k, 1, 77, h, y, w, b);
  ck_assert_status(ncd_nc_metrics(n, d, k, h, d, y, w, d, b, o0, NCD_METRIC_COUNT), NCD_OK);
  /* reverse sample order + relabel c -> k-1-c */
  for (size_t i = 0; i < n; i++) {
    memcpy(h2 + i * d, h + (n - 1 - i) * d, d * sizeof *h);
    y2[i] = (int32_t)(k - 1) - y[n - 1 - i];
  }
  for (size_t c = 0; c < k; c++) memcpy(w2 + c * d, w + (k - 1 - c) * d, d * sizeof *w), b2[c] = b[k - 1 - c];
  ck_assert_status(ncd_nc_metrics(n, d, k, h2, d, y2, w2, d, b2, o1, NCD_METRIC_COUNT), NCD_OK);
  for (int i = 0; i <= NCD_SNR_MAX; i++) ck_assert_close(o1[i], o0[i], 1e-11, 1e-14);
  /* translation by t with b -> b - W t: all but NUMRANK_H */
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) h2[i * d + j] = h[i * d + j] + 10.0 * (double)j - 20.0;
  for (size_t c = 0; c < k; c++) {
    b2[c] = b[c];
    for (size_t j = 0; j < d; j++) b2[c] -= w[c * d + j] * (10.0 * (double)j - 20.0);
  }
  ck_assert_status(ncd_nc_metrics(n, d, k, h2, d, y, w, d, b2, o1, NCD_METRIC_COUNT), NCD_OK);
  for (int i = 0; i <= NCD_SNR_MAX; i++)
    if (i != NCD_NUMRANK_H) ck_assert_close(o1[i], o0[i], 1e-11, 1e-14);
  /* scale h by 2, w by 3, b by 6 */
  for (size_t i = 0; i < n * d; i++) h2[i] = 2 * h[i];
  for (size_t i = 0; i < k * d; i++) w2[i] = 3 * w[i];
  for (size_t c = 0; c < k; c++) b2[c] = 6 * b[c];
  ck_assert_status(ncd_nc_metrics(n, d, k, h2, d, y, w2, d, b2, o1, NCD_METRIC_COUNT), NCD_OK);
  for (int i = 0; i <= NCD_SNR_MAX; i++) ck_assert_close(o1[i], o0[i], 1e-11, 1e-14);
  free(h), free(h2), free(w), free(w2), free(y), free(y2);
}
END_TEST

/* The pinv tolerance option: a coarse cut drops directions of Sigma_B, NC1
 * and the rank follow the reference with the same cut (1e-10 relative). */
START_TEST(pinv_tolerance) {
  size_t n = 150, d = 8, k = 6;
  double *h = malloc(n * d * sizeof *h), *w = malloc(k * d * sizeof *w), b[6];
  int32_t *y = malloc(n * sizeof *y);
  make_case(n, d, k, 0, 901, h, y, w, b);
  double s[6], want[NCD_METRIC_COUNT], got[NCD_METRIC_COUNT];
  size_t r0, r1;
  ck_assert_status(ncd_nc_spectrum(n, d, k, h, d, y, NULL, s, &r0), NCD_OK);
  ck_assert_uint_eq(r0, k - 1);
  /* cut between the 3rd and 4th eigenvalue of Sigma_B: (s_i/s_1)^2 */
  double rt = 0.5 * (s[2] * s[2] + s[3] * s[3]) / (s[0] * s[0]);
  ncd_nc_options opt = {rt, 0};
  ck_assert_status(ncd_nc_spectrum(n, d, k, h, d, y, &opt, s, &r1), NCD_OK);
  ck_assert_uint_eq(r1, 3);
  reference(n, d, k, h, y, w, b, rt, want);
  ck_assert_status(ncd_nc_metrics_ex(n, d, k, h, d, y, w, d, b, &opt, got, 14), NCD_OK);
  ck_assert(got[NCD_NC1_PINV_RANK] == 3 && want[NCD_NC1_PINV_RANK] == 3);
  ck_assert_close(got[NCD_NC1], want[NCD_NC1], 1e-10, 0);
  for (int i = 1; i < 14; i++) ck_assert_close(got[i], want[i], 1e-10, 1e-13); /* cut-independent */
  free(h), free(w), free(y);
}
END_TEST

/* Equal class means: Sigma_B = 0 -> NC1 = 0, rank 0, ratios NaN, OK. */
START_TEST(degenerate) {
  double h[8] = {1, 2, 3, 4, 3, 4, 1, 2}, out[NCD_METRIC_COUNT];
  int32_t y[4] = {0, 0, 1, 1};
  ck_assert_status(ncd_nc_metrics(4, 2, 2, h, 2, y, NULL, 0, NULL, out, NCD_METRIC_COUNT), NCD_OK);
  ck_assert(out[NCD_NC1] == 0.0 && out[NCD_NC1_PINV_RANK] == 0.0);
  ck_assert(isnan(out[NCD_NC2_EQUINORM_H]) && isnan(out[NCD_NC2_ETF_H]) &&
            isnan(out[NCD_NC1_TRACE_RATIO]) && isnan(out[NCD_NC1_CDNV]));
  ck_assert(isnan(out[NCD_SNR_MIN])); /* n - k < d */
  /* W with all rows equal: cosine margins NaN, status OK */
  double w[4] = {1, 1, 1, 1};
  ck_assert_status(ncd_nc_metrics(4, 2, 2, h, 2, y, w, 2, NULL, out, NCD_METRIC_COUNT), NCD_OK);
  ck_assert(isnan(out[NCD_COSMARGIN_MEAN]) && isnan(out[NCD_COSMARGIN_MIN]) &&
            isnan(out[NCD_NC2_EQUINORM_W]) == 0);
}
END_TEST

Suite *suite_metrics_reference(void) {
  Suite *s = suite_create("metrics_reference");
  TCase *tc = tcase_create("reference");
  tcase_add_test(tc, random_shapes);
  tcase_add_test(tc, etf_collapse);
  tcase_add_test(tc, closed_forms_and_centre);
  tcase_add_test(tc, invariances);
  tcase_add_test(tc, pinv_tolerance);
  tcase_add_test(tc, degenerate);
  suite_add_tcase(s, tc);
  return s;
}

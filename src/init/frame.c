/*
 * frame.c - unit frames with k > d + 1 rows (spec/init.md 2.4): the
 * 12-stage p-norm descent (I-15) on max inner product (separation, spherical
 * codes) or max absolute inner product (coherence), and the exact answers for
 * k <= d + 1 (the simplex ETF, or orthonormal rows). Uses BLAS through the
 * kernels layer, so it is deterministic per build, not bit-identical across
 * platforms.
 */
#include <math.h>

#include "init_internal.h"
#include "kernels/kernels_internal.h"

#define STAGES 12
#define ITERS 200

/* max_{i != l} G_il (coherence: |G_il|) of the k x k Gram g */
static double gram_max(size_t k, const double *g, int coh) {
  double mu = -INFINITY;
  for (size_t i = 0; i < k; i++)
    for (size_t l = 0; l < k; l++) {
      if (i == l) continue;
      double v = coh ? fabs(g[i * k + l]) : g[i * k + l];
      if (v > mu) mu = v;
    }
  return mu;
}

static void normalize_rows(size_t k, size_t d, double *x, size_t ldx) {
  for (size_t i = 0; i < k; i++) {
    double *r = x + i * ldx, s = 0.0;
    for (size_t j = 0; j < d; j++) s += r[j] * r[j];
    s = sqrt(s);
    for (size_t j = 0; j < d; j++) r[j] /= s;
  }
}

/* One descent iteration of stage p (I-15); returns 0 when nu = 0 (stage ends). */
static int step(size_t k, size_t d, double *x, size_t ldx, int coh, unsigned stage,
                double *g, double *w, double *y, double *dd) {
  double p = ldexp(1.0, (int)stage);
  ncd__syrk_aat(k, d, 1.0, x, ldx, 0.0, g, k);
  double mu = gram_max(k, g, coh);
  if (coh && !(mu > 0.0)) return 0; /* already orthogonal: nothing to do */
  double sigma = coh ? mu : 1.0 + mu;
  for (size_t i = 0; i < k * k; i++) {
    double r = coh ? g[i] / mu : (1.0 + g[i]) / (1.0 + mu);
    y[i] = r;
    w[i] = r;
  }
  for (size_t i = 0; i < k; i++) y[i * k + i] = w[i * k + i] = 0.0;
  for (unsigned t = 1; t < stage; t++)
    for (size_t i = 0; i < k * k; i++) {
      y[i] = y[i] * y[i];
      w[i] = w[i] * y[i];
    }
  ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, k, d, k, 1.0, w, k, x, ldx, 0.0, dd, d);
  double nu = 0.0;
  for (size_t i = 0; i < k; i++) {
    double *di = dd + i * d;
    const double *xi = x + i * ldx;
    double c = 0.0, nn = 0.0;
    for (size_t j = 0; j < d; j++) c += di[j] * xi[j];
    for (size_t j = 0; j < d; j++) {
      di[j] -= c * xi[j];
      nn += di[j] * di[j];
    }
    nn = sqrt(nn);
    if (nn > nu) nu = nn;
  }
  if (!(nu > 0.0)) return 0;
  double scale = 0.5 * sigma / (p * nu);
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < d; j++) x[i * ldx + j] -= scale * dd[i * d + j];
  normalize_rows(k, d, x, ldx);
  return 1;
}

static int descend(size_t k, size_t d, uint64_t seed, int coh, double *x, size_t ldx) {
  double *buf = ncd__malloc_array(3 * k * k + k * d, sizeof(double));
  if (!buf) return NCD_ENOMEM;
  ncd__rng rng;
  ncd__rng_seed(&rng, seed);
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < d; j++) x[i * ldx + j] = ncd__rng_normal(&rng);
  normalize_rows(k, d, x, ldx);
  double *g = buf, *w = g + k * k, *y = w + k * k, *dd = y + k * k;
  for (unsigned stage = 1; stage <= STAGES; stage++)
    for (unsigned it = 0; it < ITERS; it++)
      if (!step(k, d, x, ldx, coh, stage, g, w, y, dd)) break;
  ncd__free(buf);
  return NCD_OK;
}

NCD_API int ncd_frame_packing(size_t k, size_t d, uint64_t seed, int mode, double *m,
                              size_t ldm, double *achieved) {
  if (k < 2 || d == 0) return NCD_EINVAL;
  if (mode != NCD_FRAME_SEPARATION && mode != NCD_FRAME_COHERENCE) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(m, k, d, ldm, sizeof(double)));
  size_t kk;
  if (ncd__mul_overflows(k, k, &kk) || ncd__mul_overflows(kk, 4, &kk)) return NCD_EINVAL;
  int coh = mode == NCD_FRAME_COHERENCE, st;
  if (k <= d + 1 && (!coh || k == d + 1))
    st = k > ((size_t)1 << 21) ? NCD_EINVAL : ncd__simplex_etf(k, d, seed, m, ldm);
  else if (coh && k <= d)
    st = ncd__stiefel(k, d, seed, m, ldm);
  else
    st = descend(k, d, seed, coh, m, ldm);
  if (st != NCD_OK || !achieved) return st;
  double *g = ncd__malloc_array(k * k, sizeof(double));
  if (!g) return NCD_ENOMEM;
  ncd__syrk_aat(k, d, 1.0, m, ldm, 0.0, g, k);
  *achieved = gram_max(k, g, coh);
  ncd__free(g);
  return NCD_OK;
}

/*
 * etf.c - simplex ETFs and random orthonormal rows (spec/init.md section 2):
 * the canonical scaled Helmert frame (I-8), the Stiefel generator by CGS2 in a
 * fixed order (I-13) and the seeded ETF M0 * O in O(kd) (I-14), with float32
 * twins. No BLAS: every sum has a fixed order, so with -ffp-contract=off the
 * output is bit-identical on every IEEE-754 platform.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "init_internal.h"

_Static_assert(FLT_EVAL_METHOD == 0, "the portable ETF needs FLT_EVAL_METHOD == 0");

#define MAX_K ((size_t)1 << 21) /* (k-1)(j+1)(j+2) stays below 2^63 */

double ncd__helmert_beta(size_t k, size_t j) {
  uint64_t num = (uint64_t)k, den = (uint64_t)(k - 1) * (j + 1) * (j + 2);
  return sqrt((double)num / (double)den);
}

double ncd__helmert_gamma(size_t k, size_t j) {
  uint64_t num = (uint64_t)k * (j + 1), den = (uint64_t)(k - 1) * (j + 2);
  return -sqrt((double)num / (double)den);
}

/* coef[l] = <q_l, v> for l < j, each a sequential sum from 0.0 with i
 * ascending (I-13). Four rows at a time with four independent accumulators:
 * the same bits as one row at a time, without the add-latency chain. */
static void dots(size_t j, size_t d, const double *o, size_t ldo, const double *v,
                 double *coef) {
  size_t l = 0;
  for (; l + 4 <= j; l += 4) {
    const double *q0 = o + l * ldo, *q1 = q0 + ldo, *q2 = q1 + ldo, *q3 = q2 + ldo;
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    for (size_t i = 0; i < d; i++) {
      s0 += q0[i] * v[i];
      s1 += q1[i] * v[i];
      s2 += q2[i] * v[i];
      s3 += q3[i] * v[i];
    }
    coef[l] = s0;
    coef[l + 1] = s1;
    coef[l + 2] = s2;
    coef[l + 3] = s3;
  }
  for (; l < j; l++) {
    const double *q = o + l * ldo;
    double s = 0.0;
    for (size_t i = 0; i < d; i++) s += q[i] * v[i];
    coef[l] = s;
  }
}

int ncd__stiefel(size_t r, size_t d, uint64_t seed, double *o, size_t ldo) {
  if (seed == 0) {
    for (size_t j = 0; j < r; j++) {
      double *q = o + j * ldo;
      memset(q, 0, d * sizeof *q);
      q[j] = 1.0;
    }
    return NCD_OK;
  }
  double *acc = ncd__malloc_array(d + r, sizeof(double));
  if (!acc) return NCD_ENOMEM;
  double *coef = acc + d;
  ncd__rng rng;
  ncd__rng_seed(&rng, seed);
  int st = NCD_OK;
  for (size_t j = 0; j < r; j++) {
    double *v = o + j * ldo; /* row j is the working vector */
    for (size_t i = 0; i < d; i++) v[i] = ncd__rng_normal(&rng);
    for (int pass = 0; j > 0 && pass < 2; pass++) {
      dots(j, d, o, ldo, v, coef);
      /* acc[i] = sum_{l<j} q_l[i] r_l with l ascending (one accumulator per i,
       * so the loop order over i does not change the bits) */
      for (size_t i = 0; i < d; i++) acc[i] = 0.0;
      size_t l = 0;
      for (; l + 4 <= j; l += 4) { /* same per-i order, four rows per sweep */
        const double *q0 = o + l * ldo, *q1 = q0 + ldo, *q2 = q1 + ldo, *q3 = q2 + ldo;
        double c0 = coef[l], c1 = coef[l + 1], c2 = coef[l + 2], c3 = coef[l + 3];
        for (size_t i = 0; i < d; i++) {
          double t = acc[i] + q0[i] * c0;
          t = t + q1[i] * c1;
          t = t + q2[i] * c2;
          acc[i] = t + q3[i] * c3;
        }
      }
      for (; l < j; l++) {
        const double *q = o + l * ldo;
        double c = coef[l];
        for (size_t i = 0; i < d; i++) acc[i] += q[i] * c;
      }
      for (size_t i = 0; i < d; i++) v[i] = v[i] - acc[i];
    }
    double nu = 0.0;
    for (size_t i = 0; i < d; i++) nu += v[i] * v[i];
    nu = sqrt(nu);
    if (!(nu > 0.0)) {
      st = NCD_ESINGULAR;
      break;
    }
    for (size_t i = 0; i < d; i++) v[i] = v[i] / nu;
  }
  ncd__free(acc);
  return st;
}

/* I-8 row by row (contiguous writes): row 0 holds beta_0..beta_{k-2}; row i
 * is zero before column i-1, gamma_{i-1} at i-1, then beta_i.. copied from
 * row 0; columns k-1..d-1 are zero. */
static void canonical(size_t k, size_t d, double *m, size_t ldm) {
  for (size_t j = 0; j + 1 < k; j++) m[j] = ncd__helmert_beta(k, j);
  memset(m + (k - 1), 0, (d - (k - 1)) * sizeof *m);
  for (size_t i = 1; i < k; i++) {
    double *r = m + i * ldm;
    if (i > 1) memset(r, 0, (i - 1) * sizeof *r);
    r[i - 1] = ncd__helmert_gamma(k, i - 1);
    memcpy(r + i, m + i, (d - i) * sizeof *r);
  }
}

void ncd__etf_rotate(size_t k, size_t d, double *m, size_t ldm, double *t) {
  /* I-14 from the bottom: T holds T_i; row i (q_{i-1}) is read for both
   * m_i = T_i + gamma_{i-1} q_{i-1} and T_{i-1} = T_i + beta_{i-1} q_{i-1}
   * before it is overwritten. T_{k-1} = 0. */
  for (size_t i = k - 1; i >= 1; i--) {
    double *row = m + i * ldm;
    double be = ncd__helmert_beta(k, i - 1), ga = ncd__helmert_gamma(k, i - 1);
    for (size_t x = 0; x < d; x++) {
      double q = row[x];
      row[x] = t[x] + ga * q;
      t[x] = t[x] + be * q;
    }
  }
  memcpy(m, t, d * sizeof *m);
}

int ncd__simplex_etf_with(size_t k, size_t d, uint64_t seed, double *m, size_t ldm,
                          ncd__stiefel_fn stiefel) {
  if (seed == 0) {
    canonical(k, d, m, ldm);
    return NCD_OK;
  }
  /* O = stiefel(k-1, d) in rows 1..k-1 of m (row i holds q_{i-1}) */
  double *t = ncd__calloc(d, sizeof(double));
  if (!t) return NCD_ENOMEM;
  int st = stiefel(k - 1, d, seed, m + ldm, ldm);
  if (st == NCD_OK) ncd__etf_rotate(k, d, m, ldm, t);
  ncd__free(t);
  return st;
}

int ncd__simplex_etf(size_t k, size_t d, uint64_t seed, double *m, size_t ldm) {
  return ncd__simplex_etf_with(k, d, seed, m, ldm, ncd__stiefel);
}

int ncd__check_etf(size_t k, size_t d, const void *m, size_t ldm, size_t elem) {
  if (k < 2 || k > MAX_K || d + 1 < k) return NCD_EINVAL;
  return ncd__check_matrix(m, k, d, ldm, elem);
}

NCD_API int ncd_simplex_etf(size_t k, size_t d, uint64_t seed, double *m, size_t ldm) {
  NCD_TRY(ncd__check_etf(k, d, m, ldm, sizeof(double)));
  return ncd__simplex_etf(k, d, seed, m, ldm);
}

/* Runs a double-output builder into a scratch k x d matrix and rounds once. */
static int round_f32(size_t k, size_t d, float *out, size_t ldo, double *tmp, int st) {
  if (st == NCD_OK)
    for (size_t i = 0; i < k; i++)
      for (size_t j = 0; j < d; j++) out[i * ldo + j] = (float)tmp[i * d + j];
  ncd__free(tmp);
  return st;
}

NCD_API int ncd_simplex_etf_f32(size_t k, size_t d, uint64_t seed, float *m, size_t ldm) {
  NCD_TRY(ncd__check_etf(k, d, m, ldm, sizeof(float)));
  double *tmp = ncd__malloc_array(k * d, sizeof(double));
  if (!tmp) return NCD_ENOMEM;
  return round_f32(k, d, m, ldm, tmp, ncd__simplex_etf(k, d, seed, tmp, d));
}

static int check_stiefel(size_t r, size_t d, const void *o, size_t ldo, size_t elem) {
  if (r == 0 || d < r) return NCD_EINVAL;
  return ncd__check_matrix(o, r, d, ldo, elem);
}

NCD_API int ncd_stiefel(size_t r, size_t d, uint64_t seed, double *o, size_t ldo) {
  NCD_TRY(check_stiefel(r, d, o, ldo, sizeof(double)));
  return ncd__stiefel(r, d, seed, o, ldo);
}

NCD_API int ncd_stiefel_f32(size_t r, size_t d, uint64_t seed, float *o, size_t ldo) {
  NCD_TRY(check_stiefel(r, d, o, ldo, sizeof(float)));
  double *tmp = ncd__malloc_array(r * d, sizeof(double));
  if (!tmp) return NCD_ENOMEM;
  return round_f32(r, d, o, ldo, tmp, ncd__stiefel(r, d, seed, tmp, d));
}

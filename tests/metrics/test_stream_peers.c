/*
 * test_stream_peers.c - the streaming CKA and NRC objects (spec/metrics-peers.md
 * P-15, P-10/P-11 "Streaming"): any batch split (one batch, 1-row batches,
 * random splits), merge trees of shards and save/load round trips give the
 * one-shot calls' values to 1e-12 relative (the state and the one-shot route
 * sum the same co-moments in other orders: a few ulps per term); NRC3's
 * golden-section minimum to 1e-10 (the objective is flat at the minimum, the
 * search stops at xtol 1e-12 in gamma) and gamma* to 1e-5; CKA invariance on
 * the streamed value; the collapse regime (means 1e4, spread 1e-3) against a
 * long-double two-pass reference, where the naive sum-of-squares route loses
 * digits; every single-byte flip of a saved state is NCD_EFORMAT; the state
 * size does not depend on n.
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "metrics/peers_case.h"

static const double WR2[2 * PD] = {-0.08, -0.43, 0.59, -0.12, -1.17, 0.81, -0.04, -0.07, -0.29, 0.01};

/* Split [0, n) into batches: mode 0 one batch, 1 rows one by one, 2 random. */
static size_t next_batch(int mode, size_t left, ncd_test_rng *r) {
  if (mode == 0) return left;
  if (mode == 1) return 1;
  size_t b = 1 + (size_t)(ncd_test_uniform(r) * 17.0);
  return b < left ? b : left;
}

/* ---- CKA ---- */
static ncd_cka_acc *cka_stream(size_t i0, size_t n, size_t d1, const double *x, size_t d2,
                               const double *z, int mode, ncd_test_rng *r) {
  ncd_cka_acc *a = NULL;
  ck_assert_status(ncd_cka_acc_create(d1, d2, &a), NCD_OK);
  for (size_t i = i0; i < i0 + n;) {
    size_t b = next_batch(mode, i0 + n - i, r);
    ck_assert_status(ncd_cka_acc_update(a, b, x + i * d1, d1, z + i * d2, d2), NCD_OK);
    i += b;
  }
  return a;
}

/* Save, load, check the loaded state saves to the same bytes and gives the
 * same value bitwise; returns the loaded copy (a is freed). */
static ncd_cka_acc *cka_roundtrip(ncd_cka_acc *a) {
  size_t len = 0, len2 = 0;
  ck_assert_status(ncd_cka_acc_save(a, NULL, 0, &len), NCD_OK);
  unsigned char *b1 = malloc(len), *b2 = malloc(len);
  ck_assert_status(ncd_cka_acc_save(a, b1, len - 1, &len2), NCD_EINVAL); /* cap too small: */
  ck_assert_uint_eq(len2, len);                                            /* the size needed */
  ck_assert_status(ncd_cka_acc_save(a, b1, len, &len2), NCD_OK);
  ck_assert_uint_eq(len, len2);
  ncd_cka_acc *c = NULL;
  ck_assert_status(ncd_cka_acc_load(b1, len, &c), NCD_OK);
  ck_assert_status(ncd_cka_acc_save(c, b2, len, &len2), NCD_OK);
  ck_assert(memcmp(b1, b2, len) == 0);
  double v1, v2;
  ck_assert_status(ncd_cka_acc_value(a, &v1), NCD_OK);
  ck_assert_status(ncd_cka_acc_value(c, &v2), NCD_OK);
  ck_assert(memcmp(&v1, &v2, sizeof v1) == 0 || (isnan(v1) && isnan(v2)));
  free(b1);
  free(b2);
  ncd_cka_acc_free(a);
  return c;
}

static void fill(ncd_test_rng *r, double *a, size_t n, size_t d, double mean, double sd) {
  for (size_t i = 0; i < n * d; i++) a[i] = mean * (double)(1 + i % d) + sd * ncd_test_normal(r);
}

START_TEST(cka_any_split_merge_roundtrip) {
  enum { N = 157, D1 = 7, D2 = 5 };
  ncd_test_rng r;
  ncd_test_seed(&r, 11);
  double *x = malloc(sizeof(double) * N * D1), *z = malloc(sizeof(double) * N * D2);
  fill(&r, x, N, D1, 3.0, 1.0);
  for (size_t i = 0; i < N; i++) /* z related to x, plus noise */
    for (size_t j = 0; j < D2; j++) z[i * D2 + j] = x[i * D1 + j] - 0.5 * x[i * D1 + j + 1] + ncd_test_normal(&r);
  double ref, v;
  ck_assert_status(ncd_linear_cka(N, D1, x, D1, D2, z, D2, &ref), NCD_OK);
  ck_assert(ref > 0.05 && ref < 0.99);
  for (int mode = 0; mode < 3; mode++) {
    ncd_cka_acc *a = cka_stream(0, N, D1, x, D2, z, mode, &r);
    ck_assert_status(ncd_cka_acc_value(a, &v), NCD_OK);
    ck_assert_close(v, ref, 1e-12, 0);
    ncd_cka_acc_free(a);
  }
  /* merge trees of 4 shards of random sizes, each with random batches and a
   * save/load round trip: ((a + b) + (c + d)) and (((a + b) + c) + d) */
  for (int rep = 0; rep < 5; rep++) {
    size_t cut[5] = {0, 0, 0, 0, N};
    for (int q = 1; q < 4; q++) cut[q] = cut[q - 1] + 1 + (size_t)(ncd_test_uniform(&r) * (N / 4));
    ncd_cka_acc *s[4], *t[4];
    for (int q = 0; q < 4; q++) {
      s[q] = cka_roundtrip(cka_stream(cut[q], cut[q + 1] - cut[q], D1, x, D2, z, 2, &r));
      t[q] = cka_stream(cut[q], cut[q + 1] - cut[q], D1, x, D2, z, 2, &r);
    }
    ck_assert_status(ncd_cka_acc_merge(s[0], s[1]), NCD_OK);
    ck_assert_status(ncd_cka_acc_merge(s[2], s[3]), NCD_OK);
    ck_assert_status(ncd_cka_acc_merge(s[0], s[2]), NCD_OK);
    for (int q = 1; q < 4; q++) ck_assert_status(ncd_cka_acc_merge(t[0], t[q]), NCD_OK);
    double v1, v2;
    ck_assert_status(ncd_cka_acc_value(s[0], &v1), NCD_OK);
    ck_assert_status(ncd_cka_acc_value(t[0], &v2), NCD_OK);
    ck_assert_close(v1, ref, 1e-12, 0);
    ck_assert_close(v2, ref, 1e-12, 0);
    ncd_cka_acc_free(cka_roundtrip(s[0]));
    for (int q = 1; q < 4; q++) ncd_cka_acc_free(s[q]);
    for (int q = 0; q < 4; q++) ncd_cka_acc_free(t[q]);
  }
  /* merging into an empty state and merging an empty state change nothing */
  ncd_cka_acc *e = NULL, *a = cka_stream(0, N, D1, x, D2, z, 0, &r);
  ck_assert_status(ncd_cka_acc_create(D1, D2, &e), NCD_OK);
  ck_assert_status(ncd_cka_acc_merge(a, e), NCD_OK);
  ck_assert_status(ncd_cka_acc_merge(e, a), NCD_OK);
  double va, ve;
  ck_assert_status(ncd_cka_acc_value(a, &va), NCD_OK);
  ck_assert_status(ncd_cka_acc_value(e, &ve), NCD_OK);
  ck_assert(va == ve);
  ncd_cka_acc_free(a);
  ncd_cka_acc_free(e);
  /* float32: the same numbers as the one-shot call on the widened data */
  float *xf = malloc(sizeof(float) * N * D1), *zf = malloc(sizeof(float) * N * D2);
  for (size_t i = 0; i < N * D1; i++) xf[i] = (float)x[i], x[i] = (double)xf[i];
  for (size_t i = 0; i < N * D2; i++) zf[i] = (float)z[i], z[i] = (double)zf[i];
  ck_assert_status(ncd_linear_cka(N, D1, x, D1, D2, z, D2, &ref), NCD_OK);
  ck_assert_status(ncd_cka_acc_create(D1, D2, &a), NCD_OK);
  for (size_t i = 0; i < N;) {
    size_t b = next_batch(2, N - i, &r);
    ck_assert_status(ncd_cka_acc_update_f32(a, b, xf + i * D1, D1, zf + i * D2, D2), NCD_OK);
    i += b;
  }
  ck_assert_status(ncd_cka_acc_value(a, &v), NCD_OK);
  ck_assert_close(v, ref, 1e-12, 0);
  ncd_cka_acc_free(a);
  free(xf);
  free(zf);
  free(x);
  free(z);
}
END_TEST

START_TEST(cka_spec_vector) {
  /* spec/metrics-peers.md section 12: MONAI domain_shift (CKA of h and t) in float64 */
  ncd_test_rng r;
  ncd_test_seed(&r, 12);
  for (int mode = 0; mode < 3; mode++) {
    double v;
    ncd_cka_acc *a = cka_roundtrip(cka_stream(0, PN, PD, PH, 2, PT, mode, &r));
    ck_assert_status(ncd_cka_acc_value(a, &v), NCD_OK);
    ck_assert_close(v, 0.72880154852994883, 1e-12, 0);
    ncd_cka_acc_free(a);
  }
}
END_TEST

START_TEST(cka_invariance_streamed) {
  enum { N = 120, D1 = 6, D2 = 4 };
  ncd_test_rng r;
  ncd_test_seed(&r, 5);
  double x[N * D1], z[N * D2], xq[N * D1], xs[N * D1], q[D1 * D1];
  fill(&r, x, N, D1, 1.0, 1.0);
  for (size_t i = 0; i < N; i++)
    for (size_t j = 0; j < D2; j++) z[i * D2 + j] = x[i * D1 + j] * x[i * D1 + j + 1] + 0.3 * ncd_test_normal(&r);
  /* Q orthogonal: modified Gram-Schmidt on a Gaussian matrix */
  ncd_test_fill_normal(&r, q, D1, D1, D1);
  for (size_t c = 0; c < D1; c++) {
    for (size_t p = 0; p < c; p++) {
      double dp = 0;
      for (size_t i = 0; i < D1; i++) dp += q[i * D1 + c] * q[i * D1 + p];
      for (size_t i = 0; i < D1; i++) q[i * D1 + c] -= dp * q[i * D1 + p];
    }
    double nn = 0;
    for (size_t i = 0; i < D1; i++) nn += q[i * D1 + c] * q[i * D1 + c];
    for (size_t i = 0; i < D1; i++) q[i * D1 + c] /= sqrt(nn);
  }
  ncd_test_naive_gemm(0, 0, N, D1, D1, 1.0, x, D1, q, D1, 0.0, xq, D1);
  for (size_t i = 0; i < N * D1; i++) xs[i] = 3.7 * x[i] + 11.0; /* scale and shift */
  double v0, v1, v2, ref;
  ncd_cka_acc *a = cka_stream(0, N, D1, x, D2, z, 2, &r), *b = cka_stream(0, N, D1, xq, D2, z, 2, &r);
  ncd_cka_acc *c = cka_stream(0, N, D1, xs, D2, z, 1, &r);
  ck_assert_status(ncd_cka_acc_value(a, &v0), NCD_OK);
  ck_assert_status(ncd_cka_acc_value(b, &v1), NCD_OK);
  ck_assert_status(ncd_cka_acc_value(c, &v2), NCD_OK);
  ck_assert_status(ncd_linear_cka(N, D1, x, D1, D2, z, D2, &ref), NCD_OK);
  ck_assert(v0 > 0.01 && v0 < 0.99);
  ck_assert_close(v0, ref, 1e-12, 0);
  ck_assert_close(v1, v0, 1e-12, 0); /* orthogonal transform */
  ck_assert_close(v2, v0, 1e-12, 0); /* isotropic scaling (and a shift) */
  /* a constant representation: NaN, like the one-shot call */
  double zc[N * D2];
  for (size_t i = 0; i < N * D2; i++) zc[i] = 2.5;
  ncd_cka_acc *k = cka_stream(0, N, D1, x, D2, zc, 2, &r);
  ck_assert_status(ncd_cka_acc_value(k, &v0), NCD_OK);
  ck_assert(isnan(v0));
  ncd_cka_acc_free(a);
  ncd_cka_acc_free(b);
  ncd_cka_acc_free(c);
  ncd_cka_acc_free(k);
}
END_TEST

/* Long-double two-pass reference of linear CKA. */
static double cka_ld(size_t n, size_t d1, const double *x, size_t d2, const double *z) {
  long double mx[8] = {0}, mz[8] = {0}, sxx = 0, szz = 0, sxz = 0;
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < d1; j++) mx[j] += x[i * d1 + j];
    for (size_t j = 0; j < d2; j++) mz[j] += z[i * d2 + j];
  }
  for (size_t j = 0; j < d1; j++) mx[j] /= n;
  for (size_t j = 0; j < d2; j++) mz[j] /= n;
  long double cxx[64] = {0}, czz[64] = {0}, cxz[64] = {0};
  for (size_t i = 0; i < n; i++)
    for (size_t a = 0; a < d1 + d2; a++)
      for (size_t b = 0; b < d1 + d2; b++) {
        long double u = a < d1 ? x[i * d1 + a] - mx[a] : z[i * d2 + a - d1] - mz[a - d1];
        long double w = b < d1 ? x[i * d1 + b] - mx[b] : z[i * d2 + b - d1] - mz[b - d1];
        if (a < d1 && b < d1) cxx[a * d1 + b] += u * w;
        else if (a >= d1 && b >= d1) czz[(a - d1) * d2 + b - d1] += u * w;
        else if (a < d1) cxz[a * d2 + b - d1] += u * w;
      }
  for (size_t i = 0; i < 64; i++) sxx += cxx[i] * cxx[i], szz += czz[i] * czz[i], sxz += cxz[i] * cxz[i];
  return (double)(sxz / (sqrtl(sxx) * sqrtl(szz)));
}

START_TEST(cka_collapse_regime) {
  enum { N = 400, D1 = 4, D2 = 3 };
  ncd_test_rng r;
  ncd_test_seed(&r, 99);
  double *x = malloc(sizeof(double) * N * D1), *z = malloc(sizeof(double) * N * D2);
  double *e = malloc(sizeof(double) * N * D1);
  for (size_t i = 0; i < N * D1; i++) e[i] = 1e-3 * ncd_test_normal(&r);
  for (size_t i = 0; i < N; i++) {
    for (size_t j = 0; j < D1; j++) x[i * D1 + j] = 1e4 * (double)(j + 1) + e[i * D1 + j];
    for (size_t j = 0; j < D2; j++)
      z[i * D2 + j] = -2e4 * (double)(j + 1) + e[i * D1 + j] + 0.5 * e[i * D1 + j + 1] +
                      5e-4 * ncd_test_normal(&r);
  }
  double ref, v, tru = cka_ld(N, D1, x, D2, z);
  ck_assert_status(ncd_linear_cka(N, D1, x, D1, D2, z, D2, &ref), NCD_OK);
  ck_assert_close(ref, tru, 1e-10, 0);
  for (int mode = 1; mode < 3; mode++) {
    ncd_cka_acc *s[3];
    size_t cut[4] = {0, N / 3, N / 2 + 7, N};
    for (int q = 0; q < 3; q++) s[q] = cka_stream(cut[q], cut[q + 1] - cut[q], D1, x, D2, z, mode, &r);
    ck_assert_status(ncd_cka_acc_merge(s[2], s[0]), NCD_OK);
    ck_assert_status(ncd_cka_acc_merge(s[2], s[1]), NCD_OK);
    ck_assert_status(ncd_cka_acc_value(s[2], &v), NCD_OK);
    ck_assert_close(v, ref, 1e-10, 0);
    ck_assert_close(v, tru, 1e-10, 0);
    for (int q = 0; q < 3; q++) ncd_cka_acc_free(s[q]);
  }
  /* the route the state avoids: plain sums minus n mean mean^T in double */
  double sx[D1] = {0}, sz[D2] = {0}, pxx[D1 * D1] = {0}, pzz[D2 * D2] = {0}, pxz[D1 * D2] = {0};
  for (size_t i = 0; i < N; i++) {
    for (size_t a = 0; a < D1; a++) {
      sx[a] += x[i * D1 + a];
      for (size_t b = 0; b < D1; b++) pxx[a * D1 + b] += x[i * D1 + a] * x[i * D1 + b];
      for (size_t b = 0; b < D2; b++) pxz[a * D2 + b] += x[i * D1 + a] * z[i * D2 + b];
    }
    for (size_t a = 0; a < D2; a++) {
      sz[a] += z[i * D2 + a];
      for (size_t b = 0; b < D2; b++) pzz[a * D2 + b] += z[i * D2 + a] * z[i * D2 + b];
    }
  }
  double fxx = 0, fzz = 0, fxz = 0;
  for (size_t a = 0; a < D1; a++)
    for (size_t b = 0; b < D1; b++) {
      double c = pxx[a * D1 + b] - sx[a] * sx[b] / N;
      fxx += c * c;
    }
  for (size_t a = 0; a < D2; a++)
    for (size_t b = 0; b < D2; b++) {
      double c = pzz[a * D2 + b] - sz[a] * sz[b] / N;
      fzz += c * c;
    }
  for (size_t a = 0; a < D1; a++)
    for (size_t b = 0; b < D2; b++) {
      double c = pxz[a * D2 + b] - sx[a] * sz[b] / N;
      fxz += c * c;
    }
  double naive = fxz / (sqrt(fxx) * sqrt(fzz));
  ck_assert_msg(!(fabs(naive - tru) < 1e-6 * fabs(tru)), "naive route %.17g vs %.17g", naive, tru);
  free(x);
  free(z);
  free(e);
}
END_TEST

/* Every single-byte change of a saved state is rejected; so are truncation
 * and extension. check(buf, len) -> status of the load. */
static void flip_all(unsigned char *b, size_t len, int (*load)(const unsigned char *, size_t)) {
  for (size_t i = 0; i < len; i++) {
    unsigned char o = b[i];
    for (int f = 0; f < 3; f++) {
      b[i] = (unsigned char)(o ^ (f == 0 ? 0x01 : f == 1 ? 0x80 : 0xFF));
      ck_assert_msg(load(b, len) == NCD_EFORMAT, "byte %zu flip %d accepted", i, f);
    }
    b[i] = o;
  }
  ck_assert_status(load(b, len), NCD_OK);
  ck_assert_status(load(b, len - 1), NCD_EFORMAT);
  ck_assert_status(load(b, 67), NCD_EFORMAT);
  ck_assert_status(load(b, 0), NCD_EFORMAT);
}

static int load_cka(const unsigned char *b, size_t len) {
  ncd_cka_acc *a = NULL;
  int st = ncd_cka_acc_load(b, len, &a);
  ncd_cka_acc_free(a);
  return st;
}

static int load_nrc(const unsigned char *b, size_t len) {
  ncd_nrc_acc *a = NULL;
  int st = ncd_nrc_acc_load(b, len, &a);
  ncd_nrc_acc_free(a);
  return st;
}

START_TEST(cka_bytes_size_and_corruption) {
  ncd_test_rng r;
  ncd_test_seed(&r, 3);
  double x[200 * 3], z[200 * 2];
  fill(&r, x, 200, 3, 1.0, 1.0);
  fill(&r, z, 200, 2, -1.0, 1.0);
  size_t l10 = 0, l200 = 0, l0 = 0;
  ncd_cka_acc *a = cka_stream(0, 10, 3, x, 2, z, 2, &r), *b = cka_stream(0, 200, 3, x, 2, z, 2, &r);
  ncd_cka_acc *e = NULL;
  ck_assert_status(ncd_cka_acc_create(3, 2, &e), NCD_OK);
  ck_assert_status(ncd_cka_acc_save(a, NULL, 0, &l10), NCD_OK);
  ck_assert_status(ncd_cka_acc_save(b, NULL, 0, &l200), NCD_OK);
  ck_assert_status(ncd_cka_acc_save(e, NULL, 0, &l0), NCD_OK);
  /* 68 + 8 (2 (d1 + d2) + d1 (d1 + 1)/2 + d2 (d2 + 1)/2 + d1 d2) */
  ck_assert_uint_eq(l10, 68 + 8 * (10 + 6 + 3 + 6));
  ck_assert_uint_eq(l200, l10);
  ck_assert_uint_eq(l0, l10);
  unsigned char *buf = malloc(l200);
  ck_assert_status(ncd_cka_acc_save(b, buf, l200, &l200), NCD_OK);
  ck_assert(memcmp(buf, "NCDK", 4) == 0 && buf[4] == 1 && buf[12] == 64);
  flip_all(buf, l200, load_cka);
  ck_assert_status(ncd_cka_acc_save(e, buf, l0, &l0), NCD_OK); /* empty state too */
  flip_all(buf, l0, load_cka);
  free(buf);
  ncd_cka_acc_free(a);
  ncd_cka_acc_free(b);
  ncd_cka_acc_free(e);
}
END_TEST

/* ---- NRC ---- */
static ncd_nrc_acc *nrc_stream(size_t i0, size_t n, size_t d, const double *h, size_t m,
                               const double *t, unsigned flags, int mode, ncd_test_rng *r) {
  ncd_nrc_acc *a = NULL;
  ck_assert_status(ncd_nrc_acc_create(d, m, flags, &a), NCD_OK);
  for (size_t i = i0; i < i0 + n;) {
    size_t b = next_batch(mode, i0 + n - i, r);
    ck_assert_status(ncd_nrc_acc_update(a, b, h + i * d, d, t ? t + i * m : NULL, m), NCD_OK);
    i += b;
  }
  return a;
}

static ncd_nrc_acc *nrc_roundtrip(ncd_nrc_acc *a) {
  size_t len = 0, len2 = 0;
  ck_assert_status(ncd_nrc_acc_save(a, NULL, 0, &len), NCD_OK);
  unsigned char *b1 = malloc(len), *b2 = malloc(len);
  ck_assert_status(ncd_nrc_acc_save(a, b1, len - 1, &len2), NCD_EINVAL); /* cap too small: */
  ck_assert_uint_eq(len2, len);                                            /* the size needed */
  ck_assert_status(ncd_nrc_acc_save(a, b1, len, &len2), NCD_OK);
  ncd_nrc_acc *c = NULL;
  ck_assert_status(ncd_nrc_acc_load(b1, len, &c), NCD_OK);
  ck_assert_status(ncd_nrc_acc_save(c, b2, len, &len2), NCD_OK);
  ck_assert(memcmp(b1, b2, len) == 0);
  free(b1);
  free(b2);
  ncd_nrc_acc_free(a);
  return c;
}

/* Compare a state with the one-shot calls on all rows, every flag set. */
static void nrc_compare(const ncd_nrc_acc *a, size_t n, size_t d, const double *h, size_t m,
                        const double *t, const double *wr, int centred) {
  double ps[64], po[64], os[4], oo[4];
  ck_assert_status(ncd_nrc_acc_profile(a, ps), NCD_OK);
  ck_assert_status(ncd_nrc1_profile(n, d, h, d, po), NCD_OK);
  for (size_t j = 0; j < d; j++) ck_assert_close(ps[j], po[j], 1e-12, 1e-15);
  const double g[3][2] = {{0.0, 0.0}, {0.5, 0.5}, {0.0, 1.0}};
  for (unsigned fl = 0; fl < (centred ? 4u : 2u); fl++)
    for (int q = 0; q < 3; q++) {
      ck_assert_status(ncd_nrc_acc_metrics(a, wr, d, g[q][0], g[q][1], fl, os), NCD_OK);
      ck_assert_status(ncd_nrc_metrics(n, d, h, d, m, t, m, wr, d, g[q][0], g[q][1], fl, oo), NCD_OK);
      ck_assert_close(os[0], oo[0], 1e-12, 1e-15);
      ck_assert_close(os[1], oo[1], 1e-12, 1e-15);
      /* the literal form (NCD_NRC_NCTB) takes the square root of the zero
       * eigenvalue of the row-centred moment (1 is in its null space), which
       * any summation order computes as ~eps lambda_max: ~sqrt(eps) noise */
      double tol3 = (fl & NCD_NRC_NCTB) ? 1e-7 : q == 2 ? 1e-10 : 1e-12;
      ck_assert_close(os[2], oo[2], tol3, 1e-15);
      ck_assert_close(os[3], oo[3], q == 2 ? 1e-5 : 0, q == 2 ? 1e-5 : 0);
    }
}

START_TEST(nrc_spec_vectors_any_split) {
  ncd_test_rng r;
  ncd_test_seed(&r, 7);
  unsigned fl = NCD_NRC_ACC_TARGETS | NCD_NRC_PCA_CENTRED;
  for (int mode = 0; mode < 3; mode++) {
    ncd_nrc_acc *a = nrc_stream(0, PN, PD, PH, 2, PT, fl, mode, &r);
    nrc_compare(a, PN, PD, PH, 2, PT, WR2, 1);
    /* and the spec's section 12 numbers (nc-toolbox's outputs; intended NRC3 1e-9) */
    double out[4];
    ck_assert_status(ncd_nrc_acc_metrics(a, WR2, PD, 0.0, 1.0, 0, out), NCD_OK);
    ck_assert_close(out[0], 0.27369998340526225, 1e-12, 0);
    ck_assert_close(out[1], 0.59516333572450286, 1e-12, 0);
    ck_assert_close(out[2], 2.6827031596832192e-05, 1e-9, 0);
    ck_assert_status(ncd_nrc_acc_metrics(a, WR2, PD, 0.5, 0.5, NCD_NRC_NCTB, out), NCD_OK);
    ck_assert_close(out[2], 2.8964350419889753, 1e-12, 0);
    ncd_nrc_acc_free(a);
  }
  /* shards, save/load, merge tree */
  ncd_nrc_acc *s[3];
  size_t cut[4] = {0, 5, 13, PN};
  for (int q = 0; q < 3; q++)
    s[q] = nrc_roundtrip(nrc_stream(cut[q], cut[q + 1] - cut[q], PD, PH, 2, PT, fl, 2, &r));
  ck_assert_status(ncd_nrc_acc_merge(s[1], s[2]), NCD_OK);
  ck_assert_status(ncd_nrc_acc_merge(s[0], s[1]), NCD_OK);
  s[0] = nrc_roundtrip(s[0]);
  nrc_compare(s[0], PN, PD, PH, 2, PT, WR2, 1);
  for (int q = 0; q < 3; q++) ncd_nrc_acc_free(s[q]);
  /* without targets / head: NaN where the one-shot gives NaN */
  ncd_nrc_acc *b = nrc_stream(0, PN, PD, PH, 2, NULL, 0, 2, &r);
  double out[4], oo[4];
  ck_assert_status(ncd_nrc_acc_metrics(b, WR2, PD, 0, 1, 0, out), NCD_OK);
  ck_assert_status(ncd_nrc_metrics(PN, PD, PH, PD, 2, NULL, 0, WR2, PD, 0, 1, 0, oo), NCD_OK);
  ck_assert_close(out[1], oo[1], 1e-12, 0);
  ck_assert(isnan(out[2]) && isnan(out[3]));
  ck_assert_status(ncd_nrc_acc_metrics(b, NULL, 0, 0, 1, 0, out), NCD_OK);
  ck_assert(!isnan(out[0]) && isnan(out[1]) && isnan(out[2]));
  ck_assert_status(ncd_nrc_acc_metrics(b, NULL, 0, 0, 1, NCD_NRC_PCA_CENTRED, out), NCD_EINVAL);
  ncd_nrc_acc_free(b);
}
END_TEST

START_TEST(nrc_random_splits_f32_zero_rows) {
  enum { N = 230, D = 9, M = 3 };
  ncd_test_rng r;
  ncd_test_seed(&r, 21);
  double *h = malloc(sizeof(double) * N * D), *t = malloc(sizeof(double) * N * M), wr[M * D];
  fill(&r, h, N, D, 0.7, 1.0);
  ncd_test_fill_normal(&r, wr, M, D, D);
  for (size_t i = 0; i < N; i++)
    for (size_t j = 0; j < M; j++) t[i * M + j] = h[i * D + 2 * j] + 0.4 * h[i * D + j + 1] + 0.1 * ncd_test_normal(&r);
  unsigned fl = NCD_NRC_ACC_TARGETS | NCD_NRC_PCA_CENTRED;
  int reps = ncd_test_level() == 0 ? 2 : 6;
  for (int rep = 0; rep < reps; rep++) {
    size_t c1 = 1 + (size_t)(ncd_test_uniform(&r) * (N - 2));
    ncd_nrc_acc *a = nrc_stream(0, c1, D, h, M, t, fl, 2, &r);
    ncd_nrc_acc *b = nrc_roundtrip(nrc_stream(c1, N - c1, D, h, M, t, fl, rep == 0 ? 1 : 2, &r));
    ck_assert_status(ncd_nrc_acc_merge(b, a), NCD_OK);
    nrc_compare(b, N, D, h, M, t, wr, 1);
    ncd_nrc_acc_free(a);
    ncd_nrc_acc_free(b);
  }
  /* float32 features and targets: the one-shot call on the widened data */
  float *hf = malloc(sizeof(float) * N * D), *tf = malloc(sizeof(float) * N * M);
  for (size_t i = 0; i < N * D; i++) hf[i] = (float)h[i], h[i] = (double)hf[i];
  for (size_t i = 0; i < N * M; i++) tf[i] = (float)t[i], t[i] = (double)tf[i];
  ncd_nrc_acc *f = NULL;
  ck_assert_status(ncd_nrc_acc_create(D, M, fl, &f), NCD_OK);
  for (size_t i = 0; i < N;) {
    size_t b = next_batch(2, N - i, &r);
    ck_assert_status(ncd_nrc_acc_update_f32(f, b, hf + i * D, D, tf + i * M, M), NCD_OK);
    i += b;
  }
  nrc_compare(f, N, D, h, M, t, wr, 1);
  ncd_nrc_acc_free(f);
  /* a zero row: NRC1 and NRC2 NaN as in the one-shot call, state still saves */
  for (size_t j = 0; j < D; j++) h[17 * D + j] = 0.0;
  ncd_nrc_acc *z = nrc_roundtrip(nrc_stream(0, N, D, h, M, t, fl, 2, &r));
  double os[4], oo[4];
  ck_assert_status(ncd_nrc_acc_metrics(z, wr, D, 0, 1, 0, os), NCD_OK);
  ck_assert_status(ncd_nrc_metrics(N, D, h, D, M, t, M, wr, D, 0, 1, 0, oo), NCD_OK);
  ck_assert(isnan(os[0]) && isnan(oo[0]) && isnan(os[1]) && isnan(oo[1]));
  ck_assert_close(os[2], oo[2], 1e-10, 0);
  ncd_nrc_acc_free(z);
  free(hf);
  free(tf);
  free(h);
  free(t);
}
END_TEST

START_TEST(nrc_centred_offset_data) {
  /* PCA_CENTRED with a large common offset (1e3 times the spread): the Chan
   * state keeps the centred Gram; the one-shot call centres with its mean. */
  enum { N = 150, D = 6, M = 2 };
  ncd_test_rng r;
  ncd_test_seed(&r, 8);
  double h[N * D], t[N * M], wr[M * D];
  fill(&r, h, N, D, 1e3, 1.0);
  fill(&r, t, N, M, 5e2, 1.0);
  ncd_test_fill_normal(&r, wr, M, D, D);
  ncd_nrc_acc *a = nrc_stream(0, N / 2, D, h, M, t, NCD_NRC_PCA_CENTRED | NCD_NRC_ACC_TARGETS, 1, &r);
  ncd_nrc_acc *b = nrc_stream(N / 2, N - N / 2, D, h, M, t, NCD_NRC_PCA_CENTRED | NCD_NRC_ACC_TARGETS, 2, &r);
  ck_assert_status(ncd_nrc_acc_merge(a, b), NCD_OK);
  nrc_compare(a, N, D, h, M, t, wr, 1);
  ncd_nrc_acc_free(a);
  ncd_nrc_acc_free(b);
}
END_TEST

START_TEST(nrc_bytes_size_and_corruption) {
  ncd_test_rng r;
  ncd_test_seed(&r, 4);
  unsigned fls[4] = {0, NCD_NRC_PCA_CENTRED, NCD_NRC_ACC_TARGETS, NCD_NRC_PCA_CENTRED | NCD_NRC_ACC_TARGETS};
  for (int f = 0; f < 4; f++) {
    size_t d = 3, m = 2, l1 = 0, l2 = 0;
    const double *t = (fls[f] & NCD_NRC_ACC_TARGETS) ? PT : NULL;
    ncd_nrc_acc *a = nrc_stream(0, 4, PD, PH, m, t, fls[f], 2, &r);
    ncd_nrc_acc *b = nrc_stream(0, PN, PD, PH, m, t, fls[f], 2, &r);
    ck_assert_status(ncd_nrc_acc_save(a, NULL, 0, &l1), NCD_OK);
    ck_assert_status(ncd_nrc_acc_save(b, NULL, 0, &l2), NCD_OK);
    ck_assert_uint_eq(l1, l2);
    d = PD;
    size_t want = 68 + 8 * d * (d + 1);
    if (fls[f] & NCD_NRC_PCA_CENTRED) want += 8 * (2 * d + d * (d + 1) / 2);
    if (fls[f] & NCD_NRC_ACC_TARGETS) want += 8 * (2 * m + m * (m + 1));
    ck_assert_uint_eq(l1, want);
    unsigned char *buf = malloc(l2);
    ck_assert_status(ncd_nrc_acc_save(b, buf, l2, &l2), NCD_OK);
    ck_assert(memcmp(buf, "NCDR", 4) == 0);
    if (f == 3 || ncd_test_level() > 0) flip_all(buf, l2, load_nrc);
    free(buf);
    ncd_nrc_acc_free(a);
    ncd_nrc_acc_free(b);
  }
}
END_TEST

Suite *suite_metrics_stream_peers(void) {
  Suite *s = suite_create("metrics_stream_peers");
  TCase *tc = tcase_create("streaming CKA and NRC");
  tcase_add_test(tc, cka_any_split_merge_roundtrip);
  tcase_add_test(tc, cka_spec_vector);
  tcase_add_test(tc, cka_invariance_streamed);
  tcase_add_test(tc, cka_collapse_regime);
  tcase_add_test(tc, cka_bytes_size_and_corruption);
  tcase_add_test(tc, nrc_spec_vectors_any_split);
  tcase_add_test(tc, nrc_random_splits_f32_zero_rows);
  tcase_add_test(tc, nrc_centred_offset_data);
  tcase_add_test(tc, nrc_bytes_size_and_corruption);
  suite_add_tcase(s, tc);
  return s;
}

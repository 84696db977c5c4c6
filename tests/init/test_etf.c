/*
 * test_etf.c - ncd_simplex_etf, ncd_stiefel, ncd_frame_packing (spec/init.md
 * section 2, 4, 5.2): the spec's vectors bitwise and its checksums to 1e-13,
 * the Helmert formula I-8 bitwise, Gram error and row sums <= 1e-14 (a few ulp
 * of O(1) entries summed over <= 2K terms), orthonormal Stiefel rows to 1e-14,
 * reproducibility, float32 twins, frames for k > d against the spec's table,
 * bad input and allocation failure.
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "core/core_internal.h"

static void expect_bits(const double *m, size_t ldm, const double *want, size_t k, size_t d) {
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < d; j++)
      ck_assert_msg(m[i * ldm + j] == want[i * d + j], "(%zu,%zu): %.17g vs %.17g", i, j,
                    m[i * ldm + j], want[i * d + j]);
}

START_TEST(spec_vectors_bitwise) {
  double m[4 * 6];
  static const double c43[] = {0.816496580927726, 0.4714045207910317, 0.3333333333333333,
                               -0.816496580927726, 0.4714045207910317, 0.3333333333333333,
                               0, -0.9428090415820634, 0.3333333333333333, 0, 0, -1};
  ck_assert_status(ncd_simplex_etf(4, 3, 0, m, 3), NCD_OK);
  expect_bits(m, 3, c43, 4, 3);
  static const double c35[] = {0.8660254037844386, 0.5, 0, 0, 0, -0.8660254037844386, 0.5,
                               0, 0, 0, 0, -1, 0, 0, 0};
  ck_assert_status(ncd_simplex_etf(3, 5, 0, m, 6), NCD_OK);
  expect_bits(m, 6, c35, 3, 5);
  static const double s33[] = {0.5166470415696822, 0.4762310992398918, 0.7115333966540567,
                               -0.9034466512238162, 0.3332109292295522, -0.26973065275279795,
                               0.386799609654134, -0.809442028469444, -0.44180274390125873};
  ck_assert_status(ncd_simplex_etf(3, 3, 1, m, 3), NCD_OK);
  expect_bits(m, 3, s33, 3, 3);
  static const double s45[] = {
      -0.2813150067258629, -0.03611570971629327, 0.3835959727441337, 0.8356132622421365,
      0.27232724461950686, 0.8443698390218424, 0.29125265308523807, 0.04006699723513066,
      0.025284622163609716, -0.44717646476043615, 0.12209310515641102, -0.7335982814591615,
      -0.18989501377332246, -0.4508346897505633, 0.45564767241254894, -0.6851479374523906,
      0.47846133809021674, -0.23376795620594187, -0.410063194655183, -0.2807984522716196};
  ck_assert_status(ncd_simplex_etf(4, 5, 42, m, 6), NCD_OK);
  expect_bits(m, 6, s45, 4, 5);
}
END_TEST

START_TEST(spec_checksums) {
  static const struct { size_t k, d; uint64_t seed; double sum, m00; } t[] = {
      {10, 12, 7, 19.078901179081644, 0.2347081279352658},
      {10, 9, UINT64_MAX, 67.01234806683173, 0.10645072541337666},
      {32, 40, 123456789, 819.176168512247, 0.11752936619348289}};
  for (size_t c = 0; c < 3; c++) {
    double *m = malloc(t[c].k * t[c].d * sizeof *m);
    ck_assert_status(ncd_simplex_etf(t[c].k, t[c].d, t[c].seed, m, t[c].d), NCD_OK);
    double s = 0;
    for (size_t i = 0; i < t[c].k; i++)
      for (size_t j = 0; j < t[c].d; j++) s += (double)((i + 1) * (j + 1)) * m[i * t[c].d + j];
    ck_assert_close(s, t[c].sum, 1e-13, 0); /* 5.2: summation order moves the last bits */
    ck_assert(m[0] == t[c].m00);            /* an entry: bitwise */
    free(m);
  }
}
END_TEST

START_TEST(canonical_is_helmert) {
  size_t k = 9, d = 11;
  double m[9 * 11];
  ck_assert_status(ncd_simplex_etf(k, d, 0, m, d), NCD_OK);
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < d; j++) {
      double want = 0.0;
      if (j + 1 < k && i <= j)
        want = sqrt((double)k / (double)((k - 1) * (j + 1) * (j + 2)));
      else if (j + 1 < k && i == j + 1)
        want = -sqrt((double)(k * (j + 1)) / (double)((k - 1) * (j + 2)));
      ck_assert(m[i * d + j] == want);
    }
}
END_TEST

/* max |M M^T - (k/(k-1))(I - 11^T/k)| and max |sum of rows|, long double */
static void etf_errors(size_t k, size_t d, const double *m, size_t ldm, double *gram,
                       double *rows) {
  double g = 0, r = 0;
  for (size_t i = 0; i < k; i++)
    for (size_t l = 0; l < k; l++) {
      long double s = 0;
      for (size_t j = 0; j < d; j++) s += (long double)m[i * ldm + j] * m[l * ldm + j];
      double want = i == l ? 1.0 : -1.0 / (double)(k - 1);
      double e = fabs((double)s - want);
      if (e > g) g = e;
    }
  for (size_t j = 0; j < d; j++) {
    long double s = 0;
    for (size_t i = 0; i < k; i++) s += m[i * ldm + j];
    if (fabs((double)s) > r) r = fabs((double)s);
  }
  *gram = g;
  *rows = r;
}

START_TEST(gram_and_sums) {
  static const uint64_t seeds[] = {0, 1, 2, 12345, UINT64_MAX};
  size_t kmax = ncd_test_level() == 0 ? 20 : 100;
  for (size_t k = 2; k <= kmax; k += (k < 10 ? 1 : 17)) {
    size_t ds[4] = {k - 1, k, k + 3, 2 * k};
    for (size_t a = 0; a < 4; a++)
      for (size_t s = 0; s < 5; s++) {
        size_t d = ds[a], ld = d + 1;
        double *m = malloc(k * ld * sizeof *m), g, r;
        ck_assert_status(ncd_simplex_etf(k, d, seeds[s], m, ld), NCD_OK);
        etf_errors(k, d, m, ld, &g, &r);
        ck_assert_msg(g < 1e-14 && r < 1e-14, "k %zu d %zu seed %zu: %g %g", k, d, s, g, r);
        free(m);
      }
  }
}
END_TEST

START_TEST(reproducible) {
  size_t k = 17, d = 20;
  double *a = malloc(k * d * sizeof *a), *b = malloc(k * d * sizeof *b);
  ck_assert_status(ncd_simplex_etf(k, d, 99, a, d), NCD_OK);
  ck_assert_status(ncd_simplex_etf(k, d, 99, b, d), NCD_OK);
  ck_assert(memcmp(a, b, k * d * sizeof *a) == 0);
  ck_assert_status(ncd_simplex_etf(k, d, 100, b, d), NCD_OK);
  size_t differ = 0;
  for (size_t i = 0; i < k * d; i++) differ += a[i] != b[i];
  ck_assert_uint_eq(differ, k * d); /* a different rotation changes every entry */
  float *f = malloc(k * d * sizeof *f);
  ck_assert_status(ncd_simplex_etf_f32(k, d, 99, f, d), NCD_OK);
  for (size_t i = 0; i < k * d; i++) ck_assert(f[i] == (float)a[i]);
  free(a); free(b); free(f);
}
END_TEST

START_TEST(stiefel) {
  size_t r = 12, d = 30, ld = 31;
  double *o = malloc(r * ld * sizeof *o);
  ck_assert_status(ncd_stiefel(r, d, 0, o, ld), NCD_OK);
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < d; j++) ck_assert(o[i * ld + j] == (i == j ? 1.0 : 0.0));
  static const uint64_t seeds[] = {1, 7, UINT64_MAX};
  for (size_t s = 0; s < 3; s++) {
    ck_assert_status(ncd_stiefel(r, d, seeds[s], o, ld), NCD_OK);
    double e = 0;
    for (size_t i = 0; i < r; i++)
      for (size_t l = 0; l < r; l++) {
        long double t = 0;
        for (size_t j = 0; j < d; j++) t += (long double)o[i * ld + j] * o[l * ld + j];
        double err = fabs((double)t - (i == l));
        if (err > e) e = err;
      }
    ck_assert_msg(e < 1e-14, "O O^T error %g", e);
  }
  /* square: a full orthogonal matrix; float twin rounds the double */
  double q[6 * 6];
  float f[6 * 6];
  ck_assert_status(ncd_stiefel(6, 6, 3, q, 6), NCD_OK);
  ck_assert_status(ncd_stiefel_f32(6, 6, 3, f, 6), NCD_OK);
  for (size_t i = 0; i < 36; i++) ck_assert(f[i] == (float)q[i]);
  /* the seeded ETF is M0 * stiefel(k-1, d, seed) (I-14), to rounding */
  size_t k = 6, dd = 8;
  double m0[6 * 8], m[6 * 8], os[5 * 8];
  ck_assert_status(ncd_simplex_etf(k, dd, 0, m0, dd), NCD_OK);
  ck_assert_status(ncd_simplex_etf(k, dd, 5, m, dd), NCD_OK);
  ck_assert_status(ncd_stiefel(k - 1, dd, 5, os, dd), NCD_OK);
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < dd; j++) {
      long double t = 0;
      for (size_t l = 0; l + 1 < k; l++) t += (long double)m0[i * dd + l] * os[l * dd + j];
      ck_assert_close(m[i * dd + j], (double)t, 0, 1e-15);
    }
  free(o);
}
END_TEST

START_TEST(frames) {
  static const struct { size_t k, d; double sep, coh; } t[] = {
      {5, 2, 0.30911, 0.80905}, {7, 3, 0.21034, 0.57742},  {12, 3, 0.44741, 0.74452},
      {8, 4, 0.00016, 0.42156}, {16, 6, 0.17135, 0.38320}, {28, 7, 0.25027, 0.33336},
      {300, 30, 0.18557, 0.24103}};
  size_t nt = ncd_test_level() == 0 ? 2 : ncd_test_level() == 1 ? 6 : 7;
  for (size_t c = 0; c < nt; c++)
    for (int mode = 0; mode < 2; mode++) {
      size_t k = t[c].k, d = t[c].d;
      double *m = malloc(k * d * sizeof *m), ach = -9;
      ck_assert_status(ncd_frame_packing(k, d, 1, mode, m, d, &ach), NCD_OK);
      double mx = -2;
      for (size_t i = 0; i < k; i++) {
        double nn = 0;
        for (size_t j = 0; j < d; j++) nn += m[i * d + j] * m[i * d + j];
        ck_assert_close(sqrt(nn), 1.0, 0, 2e-15); /* unit rows */
        for (size_t l = 0; l < k; l++) {
          if (l == i) continue;
          double s = 0;
          for (size_t j = 0; j < d; j++) s += m[i * d + j] * m[l * d + j];
          s = mode ? fabs(s) : s;
          if (s > mx) mx = s;
        }
      }
      ck_assert_close(ach, mx, 0, 1e-13); /* reported = measured */
      double want = mode ? t[c].coh : t[c].sep;
      ck_assert_msg(ach <= want + 5e-3, "k %zu d %zu mode %d: %.6f > %.6f", k, d, mode, ach,
                    want);
      free(m);
    }
  /* k <= d + 1: the simplex (separation) / orthonormal rows (coherence) */
  double m[5 * 6], e[5 * 6], ach;
  ck_assert_status(ncd_frame_packing(5, 4, 3, NCD_FRAME_SEPARATION, m, 6, &ach), NCD_OK);
  ck_assert_status(ncd_simplex_etf(5, 4, 3, e, 6), NCD_OK);
  for (size_t i = 0; i < 5; i++) ck_assert(memcmp(m + 6 * i, e + 6 * i, 4 * sizeof *m) == 0);
  ck_assert_close(ach, -0.25, 0, 1e-15);
  ck_assert_status(ncd_frame_packing(5, 6, 3, NCD_FRAME_COHERENCE, m, 6, &ach), NCD_OK);
  ck_assert(ach < 1e-15);
  ck_assert_status(ncd_frame_packing(5, 4, 3, NCD_FRAME_COHERENCE, m, 6, &ach), NCD_OK);
  ck_assert_close(ach, 0.25, 0, 1e-15); /* Welch bound 1/d for k = d + 1 */
}
END_TEST

START_TEST(fast_variants) {
  /* Cholesky-QR2 twins: same Haar sample as the portable CGS2 route, up to
   * rounding amplified by the draw's condition number (1e-12 is ample for
   * Gaussian r x d with r <= d <= 60: cond < 1e3) */
  static const size_t rd[3][2] = {{40, 50}, {60, 60}, {5, 9}};
  for (size_t c = 0; c < 3; c++) {
    size_t r = rd[c][0], d = rd[c][1];
    double *a = malloc(r * d * sizeof *a), *b = malloc(r * d * sizeof *b);
    ck_assert_status(ncd_stiefel(r, d, 77, a, d), NCD_OK);
    ck_assert_status(ncd_stiefel_fast(r, d, 77, b, d), NCD_OK);
    ck_assert(ncd_test_maxdiff(a, d, b, d, r, d) < 1e-12);
    ck_assert_status(ncd_simplex_etf(r, d, 78, a, d), NCD_OK);
    ck_assert_status(ncd_simplex_etf_fast(r, d, 78, b, d), NCD_OK);
    ck_assert(ncd_test_maxdiff(a, d, b, d, r, d) < 1e-12);
    double g, rows;
    etf_errors(r, d, b, d, &g, &rows);
    ck_assert_msg(g < 1e-14 && rows < 1e-14, "fast ETF: %g %g", g, rows);
    ck_assert_status(ncd_simplex_etf_fast(r, d, 0, b, d), NCD_OK); /* canonical, bitwise */
    ck_assert_status(ncd_simplex_etf(r, d, 0, a, d), NCD_OK);
    ck_assert(memcmp(a, b, r * d * sizeof *a) == 0);
    free(a);
    free(b);
  }
  double m[16];
  ck_assert_status(ncd_stiefel_fast(4, 3, 1, m, 3), NCD_EINVAL);
  ck_assert_status(ncd_stiefel_fast(2, 3, 1, NULL, 3), NCD_EINVAL);
  ck_assert_status(ncd_simplex_etf_fast(4, 2, 1, m, 3), NCD_EINVAL);
  ck_assert_status(ncd_simplex_etf_fast(1, 2, 1, m, 3), NCD_EINVAL);
  ck_assert_status(ncd_simplex_etf_fast(3, 3, 1, m, 2), NCD_EINVAL);
}
END_TEST

START_TEST(bad_input) {
  double m[16];
  float f[16];
  ck_assert_status(ncd_simplex_etf(1, 3, 0, m, 3), NCD_EINVAL);
  ck_assert_status(ncd_simplex_etf(4, 2, 0, m, 3), NCD_EINVAL); /* d < k - 1 */
  ck_assert_status(ncd_simplex_etf(4, 3, 0, NULL, 3), NCD_EINVAL);
  ck_assert_status(ncd_simplex_etf(4, 3, 0, m, 2), NCD_EINVAL);
  ck_assert_status(ncd_simplex_etf(SIZE_MAX, SIZE_MAX, 1, m, SIZE_MAX), NCD_EINVAL);
  ck_assert_status(ncd_simplex_etf_f32(4, 3, 1, f, 2), NCD_EINVAL);
  ck_assert_status(ncd_simplex_etf_f32(4, 2, 1, f, 2), NCD_EINVAL);
  ck_assert_status(ncd_stiefel(0, 3, 1, m, 3), NCD_EINVAL);
  ck_assert_status(ncd_stiefel(4, 3, 1, m, 3), NCD_EINVAL);
  ck_assert_status(ncd_stiefel(2, 3, 1, NULL, 3), NCD_EINVAL);
  ck_assert_status(ncd_stiefel(2, 3, 1, m, 2), NCD_EINVAL);
  ck_assert_status(ncd_stiefel_f32(2, 3, 1, f, 2), NCD_EINVAL);
  ck_assert_status(ncd_frame_packing(1, 3, 1, 0, m, 3, NULL), NCD_EINVAL);
  ck_assert_status(ncd_frame_packing(4, 0, 1, 0, m, 3, NULL), NCD_EINVAL);
  ck_assert_status(ncd_frame_packing(4, 3, 1, 2, m, 3, NULL), NCD_EINVAL);
  ck_assert_status(ncd_frame_packing(4, 3, 1, 0, NULL, 3, NULL), NCD_EINVAL);
  ck_assert_status(ncd_frame_packing(4, 3, 1, 0, m, 2, NULL), NCD_EINVAL);
}
END_TEST

START_TEST(out_of_memory) {
  double m[8 * 8];
  float f[8 * 8];
  for (uint64_t k = 1; k <= 3; k++) {
    ncd__alloc_fail_at(k, 1);
    int s1 = ncd_simplex_etf(8, 8, 3, m, 8), s2 = ncd_stiefel(4, 8, 3, m, 8);
    int s3 = ncd_simplex_etf_f32(8, 8, 3, f, 8);
    int s4 = ncd_frame_packing(8, 3, 3, 0, m, 8, NULL);
    int s5 = ncd_hadamard(12, m, 12);
    ncd__alloc_fail_at(0, 0);
    ck_assert(s1 == NCD_ENOMEM || (k > 1 && s1 == NCD_OK));
    ck_assert(s2 == NCD_ENOMEM || (k > 1 && s2 == NCD_OK));
    ck_assert(s3 == NCD_ENOMEM || (k > 1 && s3 == NCD_OK));
    ck_assert(s4 == NCD_ENOMEM || (k > 1 && s4 == NCD_OK));
    ck_assert(s5 == NCD_ENOMEM || (k > 1 && s5 == NCD_OK));
  }
  ncd__alloc_counters c;
  ncd__alloc_get_counters(&c);
  ck_assert_uint_eq(c.live_bytes, 0);
}
END_TEST

Suite *suite_init_etf(void) {
  Suite *s = suite_create("init_etf");
  TCase *tc = tcase_create("etf");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, spec_vectors_bitwise);
  tcase_add_test(tc, spec_checksums);
  tcase_add_test(tc, canonical_is_helmert);
  tcase_add_test(tc, gram_and_sums);
  tcase_add_test(tc, reproducible);
  tcase_add_test(tc, stiefel);
  tcase_add_test(tc, frames);
  tcase_add_test(tc, fast_variants);
  tcase_add_test(tc, bad_input);
  tcase_add_test(tc, out_of_memory);
  suite_add_tcase(s, tc);
  return s;
}

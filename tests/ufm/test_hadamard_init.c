/*
 * test_hadamard_init.c - ncd_hadamard_ufm_init and ncd_etf_ufm_init
 * (spec/init.md I-16, I-27, 5.3 V4): the spec's vector to 1e-13; the
 * structure w = Q_S diag(sigma_w) O, h = V_S diag(sigma_h) O checked entry by
 * entry against the public Sylvester matrix and Stiefel rows (1e-14: one
 * rounded product per term); logits h w^T = row y_i of Q diag(s/sqrt(nc)) Q^T;
 * CE of the start = the Walsh loss (I-19) to 1e-14; d < k - 1 with few modes;
 * ETF start (collapsed, self-dual); float32 twin; bad input.
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"

/* mean CE of logits h w^T (long double), independent route */
static double ce_of(size_t n, size_t d, size_t k, const int32_t *y, const double *w,
                    const double *h) {
  long double tot = 0;
  long double *z = malloc(k * sizeof *z);
  for (size_t i = 0; i < n; i++) {
    long double mx = -1e300L, s = 0;
    for (size_t c = 0; c < k; c++) {
      long double t = 0;
      for (size_t j = 0; j < d; j++) t += (long double)h[i * d + j] * w[c * d + j];
      z[c] = t;
      if (t > mx) mx = t;
    }
    for (size_t c = 0; c < k; c++) s += expl(z[c] - mx);
    tot += logl(s) + mx - z[y[i]];
  }
  free(z);
  return (double)(tot / (long double)n);
}

START_TEST(spec_v4) {
  const int32_t y[8] = {2, 0, 1, 3, 3, 1, 0, 2};
  const double a[4] = {0, .25, .5, .75};
  const double w_want[12] = {0.125, 0.25, 0.375, -0.125, 0.25, -0.375,
                             0.125, -0.25, -0.375, -0.125, -0.25, 0.375};
  double w[12], h[24];
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 4, y, a, a, 0, w, 3, h, 3), NCD_OK);
  for (int i = 0; i < 12; i++) ck_assert_close(w[i], w_want[i], 1e-13, 0);
  ck_assert_close(h[0], 0.08838834764831843, 1e-13, 0);
  ck_assert_close(h[1], -0.1767766952966369, 1e-13, 0);
  ck_assert_close(h[2], -0.2651650429449553, 1e-13, 0);
  ck_assert_close(ce_of(8, 3, 4, y, w, h), 1.237636112442587, 1e-13, 0);
}
END_TEST

START_TEST(structure) {
  ncd_test_rng r;
  ncd_test_seed(&r, 21);
  static const size_t ks[] = {2, 4, 8, 16}, ds[] = {1, 3, 7, 20};
  for (size_t a = 0; a < 4; a++) {
    size_t k = ks[a], nc = 3, n = k * nc, d = ds[a] >= k - 1 ? ds[a] : k + 2;
    int32_t *y = malloc(n * sizeof *y);
    ncd_test_labels(&r, y, n, k);
    double *sw = calloc(k, sizeof *sw), *sh = calloc(k, sizeof *sh);
    for (size_t m = 1; m < k; m++) {
      sw[m] = ncd_test_normal(&r);
      sh[m] = ncd_test_normal(&r);
    }
    double *w = malloc(k * (d + 1) * sizeof *w), *h = malloc(n * (d + 2) * sizeof *h);
    double *hd = malloc(k * k * sizeof *hd), *o = malloc(k * d * sizeof *o);
    ck_assert_status(ncd_hadamard_ufm_init(n, d, k, y, sw, sh, 9, w, d + 1, h, d + 2), NCD_OK);
    ck_assert_status(ncd_hadamard(k, hd, k), NCD_OK);
    ck_assert_status(ncd_stiefel(k - 1, d, 9, o, d), NCD_OK);
    double rk = sqrt((double)k), rn = sqrt((double)nc);
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++) {
        long double t = 0;
        for (size_t m = 1; m < k; m++) t += hd[c * k + m] / rk * sw[m] * o[(m - 1) * d + j];
        ck_assert_close(w[c * (d + 1) + j], (double)t, 0, 1e-14);
      }
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < d; j++) {
        long double t = 0;
        for (size_t m = 1; m < k; m++)
          t += hd[(size_t)y[i] * k + m] / rk * sh[m] / rn * o[(m - 1) * d + j];
        ck_assert_close(h[i * (d + 2) + j], (double)t, 0, 1e-14);
      }
    /* loss identity: CE(h w^T) = Walsh loss of s = sw * sh */
    double *s = malloc(k * sizeof *s), *wc = malloc(k * d * sizeof *wc);
    double *hc = malloc(n * d * sizeof *hc), loss;
    for (size_t m = 0; m < k; m++) s[m] = sw[m] * sh[m];
    for (size_t c = 0; c < k; c++) memcpy(wc + c * d, w + c * (d + 1), d * sizeof *wc);
    for (size_t i = 0; i < n; i++) memcpy(hc + i * d, h + i * (d + 2), d * sizeof *hc);
    ck_assert_status(ncd_walsh_softmax(k, nc, s, NULL, NULL, NULL, &loss), NCD_OK);
    ck_assert_close(ce_of(n, d, k, y, wc, hc), loss, 1e-14, 1e-16);
    /* float32 twin rounds the double result */
    float *fw = malloc(k * d * sizeof *fw), *fh = malloc(n * d * sizeof *fh);
    ck_assert_status(ncd_hadamard_ufm_init_f32(n, d, k, y, sw, sh, 9, fw, d, fh, d), NCD_OK);
    for (size_t i = 0; i < k * d; i++) ck_assert(fw[i] == (float)wc[i]);
    for (size_t i = 0; i < n * d; i++) ck_assert(fh[i] == (float)hc[i]);
    free(y); free(sw); free(sh); free(w); free(h); free(hd); free(o);
    free(s); free(wc); free(hc); free(fw); free(fh);
  }
}
END_TEST

START_TEST(few_modes_small_d) {
  /* spec 3.8: k = 8, d = 3, modes {1, 2, 4} active: orthogonal directions */
  int32_t y[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  double sw[8] = {0, 1, 2, 0, 3, 0, 0, 0}, w[8 * 3], h[8 * 3];
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 8, y, sw, sw, 4, w, 3, h, 3), NCD_OK);
  /* w^T w = sum_j sw_{S_j}^2 o_j o_j^T: trace = 1 + 4 + 9 */
  double tr = 0;
  for (int i = 0; i < 24; i++) tr += w[i] * w[i];
  ck_assert_close(tr, 14.0, 1e-14, 0);
  sw[3] = 1; /* four active modes in d = 3 */
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 8, y, sw, sw, 4, w, 3, h, 3), NCD_EINVAL);
}
END_TEST

START_TEST(etf_start) {
  ncd_test_rng r;
  ncd_test_seed(&r, 2);
  size_t k = 6, nc = 2, n = k * nc, d = 7;
  int32_t y[12];
  ncd_test_labels(&r, y, n, k);
  double w[6 * 7], h[12 * 7], m[6 * 7];
  ck_assert_status(ncd_etf_ufm_init(n, d, k, y, 1.5, 0.5, 3, w, d, h, d), NCD_OK);
  ck_assert_status(ncd_simplex_etf(k, d, 3, m, d), NCD_OK);
  double z = sqrt(5.0 / 6.0);
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) ck_assert_close(w[c * d + j], 1.5 * z * m[c * d + j], 1e-15, 1e-16);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++)
      ck_assert_close(h[i * d + j], 0.5 * z * m[(size_t)y[i] * d + j] / sqrt(2.0), 1e-15, 1e-16);
  /* w w^T = sigma_w^2 (I - 11^T/k): singular values sigma_w on the k - 1 modes */
  for (size_t c = 0; c < k; c++)
    for (size_t l = 0; l < k; l++) {
      double s = 0;
      for (size_t j = 0; j < d; j++) s += w[c * d + j] * w[l * d + j];
      ck_assert_close(s, 2.25 * ((c == l) - 1.0 / 6.0), 0, 1e-14);
    }
}
END_TEST

START_TEST(bad_input) {
  int32_t y[8] = {0, 1, 2, 3, 0, 1, 2, 3};
  double a[8] = {0, 1, 1, 1, 0, 0, 0, 0}, w[64], h[64];
  float f[64];
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 4, NULL, a, a, 0, w, 3, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 4, y, NULL, a, 0, w, 3, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 4, y, a, NULL, 0, w, 3, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 4, y, a, a, 0, NULL, 3, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 4, y, a, a, 0, w, 2, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 4, y, a, a, 0, w, 3, h, 2), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_ufm_init(8, 0, 4, y, a, a, 0, w, 3, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_ufm_init(0, 3, 4, y, a, a, 0, w, 3, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 1, y, a, a, 0, w, 3, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_ufm_init(6, 3, 4, y, a, a, 0, w, 3, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_ufm_init(8, 2, 4, y, a, a, 0, w, 3, h, 3), NCD_EINVAL);
  y[4] = 1; /* unbalanced */
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 4, y, a, a, 0, w, 3, h, 3), NCD_EINVAL);
  y[4] = 4; /* label == k */
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 4, y, a, a, 0, w, 3, h, 3), NCD_EINVAL);
  y[4] = -1;
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 4, y, a, a, 0, w, 3, h, 3), NCD_EINVAL);
  y[4] = 0;
  ck_assert_status(ncd_etf_ufm_init(8, 3, 4, y, 1, 1, 0, w, 3, h, 3), NCD_OK);
  int32_t y6[6] = {0, 1, 2, 0, 1, 2};
  ck_assert_status(ncd_hadamard_ufm_init(6, 3, 3, y6, a, a, 0, w, 3, h, 3), NCD_ENOTSUP);
  ck_assert_status(ncd_etf_ufm_init(6, 2, 3, y6, 1, 1, 0, w, 3, h, 3), NCD_OK);
  ck_assert_status(ncd_etf_ufm_init(6, 1, 3, y6, 1, 1, 0, w, 3, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_etf_ufm_init(6, 2, 3, y6, NAN, 1, 0, w, 3, h, 3), NCD_EINVAL);
  ck_assert_status(ncd_etf_ufm_init(6, 2, 3, y6, 1, INFINITY, 0, w, 3, h, 3), NCD_EINVAL);
  a[2] = NAN;
  ck_assert_status(ncd_hadamard_ufm_init(8, 3, 4, y, a, a, 0, w, 3, h, 3), NCD_ENONFINITE);
  ck_assert_status(ncd_hadamard_ufm_init_f32(8, 3, 4, y, a, a, 0, f, 3, f + 32, 3),
                   NCD_ENONFINITE);
  ck_assert_status(ncd_hadamard_ufm_init_f32(8, 3, 4, y, a, a, 0, f, 2, f + 32, 3),
                   NCD_EINVAL);
}
END_TEST

Suite *suite_ufm_hadamard_init(void) {
  Suite *s = suite_create("ufm_hadamard_init");
  TCase *tc = tcase_create("hadamard_init");
  tcase_add_test(tc, spec_v4);
  tcase_add_test(tc, structure);
  tcase_add_test(tc, few_modes_small_d);
  tcase_add_test(tc, etf_start);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}

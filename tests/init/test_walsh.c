/*
 * test_walsh.c - ncd_walsh_softmax (spec/init.md I-17..I-19, 5.3 V1): the
 * spec's vector to 1e-13 relative; the diagonalization identity against a
 * direct softmax of Q diag(s) Q^T (long double, 1e-13); the butterfly against
 * the direct O(k^2) sums (1e-13 relative); dL/ds by central differences
 * (h = 1e-6, 1e-9: the O(h^2) truncation plus rounding ~1e-10); extreme s;
 * bad input.
 */
#include <stdlib.h>

#include "common/testutil.h"

static int parity(size_t x) {
  int p = 0;
  while (x) { p ^= (int)(x & 1); x >>= 1; }
  return p;
}

START_TEST(spec_v1) {
  const double s[8] = {0, 1.5, -0.5, 2, 0.25, -1, 3, 0.75};
  const double lam[8] = {1, 0.201702249394744, -0.01775933475782843, 0.1926898615142878,
                         0.02158692278095842, -0.03666315290036648, 0.3460467784094161,
                         0.1623559918559571};
  const double pi[8] = {0.233744914537146, 0.1037236770709904, 0.06291159028168798,
                        0.1104132795006548, 0.1104132795006548, 0.04323846151229448,
                        0.1937813403778832, 0.1417734572186883};
  double l[8], oml[8], p[8], loss;
  ck_assert_status(ncd_walsh_softmax(8, 1, s, l, oml, p, &loss), NCD_OK);
  for (int m = 0; m < 8; m++) {
    ck_assert_close(l[m], lam[m], 1e-13, 0);
    ck_assert_close(p[m], pi[m], 1e-13, 0);
    ck_assert_close(oml[m], 1 - lam[m], 1e-13, 1e-16);
  }
  ck_assert(l[0] == 1.0 && oml[0] == 0.0);
  ck_assert_close(loss, 1.4535248670408247, 1e-13, 0);
  ck_assert_status(ncd_walsh_softmax(8, 4, s, NULL, NULL, NULL, &loss), NCD_OK);
  ck_assert_close(loss, 1.7367612708588438, 1e-13, 0);
}
END_TEST

/* Direct route: P = softmax rows of Q diag(s/sqrt(nc)) Q^T (long double), then
 * checks P = Q diag(lambda) Q^T, P[i][j] = pi(i xor j), the loss = mean CE. */
START_TEST(identity_and_butterfly) {
  ncd_test_rng r;
  ncd_test_seed(&r, 11);
  size_t kmax = ncd_test_level() == 0 ? 32 : 128;
  for (size_t k = 2; k <= kmax; k *= 2)
    for (size_t nc = 1; nc <= 3; nc += 2) {
      double *s = malloc(k * sizeof *s), *lam = malloc(k * sizeof *lam);
      double *oml = malloc(k * sizeof *oml), *pi = malloc(k * sizeof *pi), loss;
      for (size_t m = 0; m < k; m++) s[m] = 20 * (ncd_test_uniform(&r) - 0.5);
      ck_assert_status(ncd_walsh_softmax(k, nc, s, lam, oml, pi, &loss), NCD_OK);
      long double ce = 0, sq = sqrtl((long double)nc);
      double res = 0;
      for (size_t i = 0; i < k; i++) {
        long double *z = malloc(k * sizeof *z), mx = -1e300L, tot = 0;
        for (size_t j = 0; j < k; j++) {
          long double t = 0;
          for (size_t m = 0; m < k; m++)
            t += (parity(i & m) ^ parity(j & m) ? -1.0L : 1.0L) * s[m] / sq;
          z[j] = t / (long double)k;
          if (z[j] > mx) mx = z[j];
        }
        for (size_t j = 0; j < k; j++) tot += expl(z[j] - mx);
        ce += logl(tot) + mx - z[i];
        for (size_t j = 0; j < k; j++) {
          long double p = expl(z[j] - mx) / tot, q = 0;
          for (size_t m = 0; m < k; m++)
            q += (parity(i & m) ^ parity(j & m) ? -1.0L : 1.0L) * lam[m];
          q /= (long double)k;
          double e1 = fabs((double)(p - q)), e2 = fabs((double)(p - pi[i ^ j]));
          if (e1 > res) res = e1;
          if (e2 > res) res = e2;
        }
        free(z);
      }
      ck_assert_msg(res < 1e-13, "k %zu: identity residual %g", k, res);
      ck_assert_close(loss, (double)(ce / (long double)k), 1e-13, 1e-16);
      for (size_t m = 0; m < k; m++) { /* butterfly vs direct odd sums */
        long double od = 0;
        for (size_t x = 0; x < k; x++)
          if (parity(x & m)) od += pi[x];
        ck_assert_close(oml[m], (double)(2 * od), 1e-13, 0);
        ck_assert(oml[m] >= 0 && oml[m] <= 2);
      }
      free(s); free(lam); free(oml); free(pi);
    }
}
END_TEST

START_TEST(gradient_by_differences) {
  /* I-19: dL/ds_m = (lambda_m - 1)/(k sqrt(nc)) */
  size_t k = 16, nc = 3;
  ncd_test_rng r;
  ncd_test_seed(&r, 5);
  double s[16], oml[16], lp, lm, hstep = 1e-6;
  for (size_t m = 0; m < k; m++) s[m] = 4 * ncd_test_normal(&r);
  ck_assert_status(ncd_walsh_softmax(k, nc, s, NULL, oml, NULL, NULL), NCD_OK);
  for (size_t m = 0; m < k; m++) {
    double sv = s[m];
    s[m] = sv + hstep;
    ck_assert_status(ncd_walsh_softmax(k, nc, s, NULL, NULL, NULL, &lp), NCD_OK);
    s[m] = sv - hstep;
    ck_assert_status(ncd_walsh_softmax(k, nc, s, NULL, NULL, NULL, &lm), NCD_OK);
    s[m] = sv;
    double fd = (lp - lm) / (2 * hstep), an = -oml[m] / ((double)k * sqrt((double)nc));
    ck_assert_close(fd, an, 0, 1e-9);
  }
}
END_TEST

START_TEST(no_cancellation) {
  /* I-18: s_1 = 300, k = 2: 1 - lambda_1 = 2 pi(1) = 2/(1+e^{300}) (~1e-130),
   * which 1 - (Hd pi)_1 would round to 0. */
  double s[2] = {0, 300}, oml[2], loss;
  ck_assert_status(ncd_walsh_softmax(2, 1, s, NULL, oml, NULL, &loss), NCD_OK);
  ck_assert_close(oml[1], 2 * exp(-300.0), 1e-14, 0);
  ck_assert_close(loss, exp(-300.0), 1e-14, 0); /* log1p(e^-300) */
  s[1] = -300; /* the true class is not the max: logsumexp branch */
  ck_assert_status(ncd_walsh_softmax(2, 1, s, NULL, oml, NULL, &loss), NCD_OK);
  ck_assert_close(loss, 300.0, 1e-15, 0);
}
END_TEST

START_TEST(bad_input) {
  double s[6] = {0, 1, 2, 3, 4, 5}, l[6];
  ck_assert_status(ncd_walsh_softmax(4, 1, NULL, l, NULL, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_walsh_softmax(1, 1, s, l, NULL, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_walsh_softmax(4, 0, s, l, NULL, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_walsh_softmax(6, 1, s, l, NULL, NULL, NULL), NCD_ENOTSUP);
  ck_assert_status(ncd_walsh_softmax(SIZE_MAX, 1, s, l, NULL, NULL, NULL), NCD_ENOTSUP);
  s[3] = NAN;
  ck_assert_status(ncd_walsh_softmax(4, 1, s, l, NULL, NULL, NULL), NCD_ENONFINITE);
  s[3] = INFINITY;
  ck_assert_status(ncd_walsh_softmax(4, 1, s, l, NULL, NULL, NULL), NCD_ENONFINITE);
}
END_TEST

Suite *suite_init_walsh(void) {
  Suite *s = suite_create("init_walsh");
  TCase *tc = tcase_create("walsh");
  tcase_add_test(tc, spec_v1);
  tcase_add_test(tc, identity_and_butterfly);
  tcase_add_test(tc, gradient_by_differences);
  tcase_add_test(tc, no_cancellation);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}

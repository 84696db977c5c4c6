/*
 * test_ls.c - ncd_ls_classifier (spec/central-path.md CP-5 .. CP-8, route
 * CP-7): the section 9 vectors, the normal equations CP-5 in long double, a
 * naive long-double least-squares solve, shift invariance at lambda = 0
 * (features shifted by 1e7), NCD_ESINGULAR cases, collapsed features with
 * lambda > 0, empty classes, the float32 twin, bad input, allocation failures.
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/testutil.h"
#include "core/core_internal.h"
#include "cpath/cpath_data.h"

/* max over rows of |[w_c, b_c] - ref_c| relative to max |ref| */
static double rel_diff_wt(size_t k, size_t d, const double *w, size_t ldw, const double *b,
                          const double *wt) {
  double md = 0, mx = 0;
  for (size_t c = 0; c < k; c++)
    for (size_t p = 0; p <= d; p++) {
      double v = p < d ? w[c * ldw + p] : b[c], r = wt[c * (d + 1) + p];
      md = fmax(md, fabs(v - r));
      mx = fmax(mx, fabs(r));
    }
  return md / mx;
}

/* CP-5 residual || W~ (G~ + lambda I) - D_pi M~ ||_max in long double, relative to
 * max|W~| * max row-sum of (G~ + lambda I) + max |D_pi M~| */
static double cp5_residual(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                           const int32_t *y, double lambda, const double *w, size_t ldw,
                           const double *b) {
  size_t m = d + 1;
  long double *g = calloc(m * m, sizeof(long double)), *rhs = calloc(k * m, sizeof(long double));
  for (size_t i = 0; i < n; i++)
    for (size_t p = 0; p < m; p++) {
      long double hp = p < d ? h[i * ldh + p] : 1.0L;
      for (size_t q = 0; q < m; q++) g[p * m + q] += hp * (q < d ? h[i * ldh + q] : 1.0L) / n;
      rhs[(size_t)y[i] * m + p] += hp / n;
    }
  long double res = 0, gs = 0, ws = 0, rs = 0;
  for (size_t p = 0; p < m; p++) {
    g[p * m + p] += lambda;
    long double row = 0;
    for (size_t q = 0; q < m; q++) row += fabsl(g[p * m + q]);
    if (row > gs) gs = row;
  }
  for (size_t c = 0; c < k; c++)
    for (size_t q = 0; q < m; q++) {
      long double v = 0;
      for (size_t p = 0; p < m; p++) v += (long double)(p < d ? w[c * ldw + p] : b[c]) * g[p * m + q];
      v -= rhs[c * m + q];
      if (fabsl(v) > res) res = fabsl(v);
      if (fabsl(rhs[c * m + q]) > rs) rs = fabsl(rhs[c * m + q]);
      long double wv = fabsl((long double)(q < d ? w[c * ldw + q] : b[c]));
      if (wv > ws) ws = wv;
    }
  free(g);
  free(rhs);
  return (double)(res / (ws * gs + rs));
}

START_TEST(section9_vectors) {
  /* spec section 9, `ncd_ls_classifier`: tolerance 1e-13 relative to max|W~| */
  static const double want[4][3][5] = {
      {{0.24470082374880732, 0.083231308654095948, -0.21582937611662353, 0.092024965916512163, 0.11203035451354214},
       {-0.16875879751799535, 0.24002167494535023, 0.084562731095413559, 0.058404566945548968, 0.15833840009543079},
       {-0.077120130653604111, -0.22166267219991588, 0.091600756068115617, 0.13260633323318553, 0.044422824967428643}},
      {{0.27264933752724852, 0.071721124630065323, -0.28622237298351294, 0.054348476789858605, 0.24882990695759784},
       {-0.18322153554524289, 0.20215606676207676, 0.16106960921859733, -0.12707512729963468, 0.57162023333002426},
       {-0.089427801982005629, -0.27387719139214208, 0.12515276376491562, 0.072726650509776075, 0.17954985971237790}},
      {{0.029677041217744422, 0.081400645982956519, -0.15876789456719259, 0.094542431529585175, 0.28393379608587918},
       {0.0058313358874640822, -0.085842116789639221, 0.19169556951130664, 0.10034412963030847, 0.020030535457587540},
       {-0.036686481528000644, 0.10603178220621300, -0.072593563897208402, 0.088149304935353011, 0.010827248032934842}},
      {{0.047625225540681189, -0.058386749986144758, -0.11267502187852317, -0.28265975866110707, 1.1609425095693360},
       {0.041781016868757802, -0.11088162351577999, 0.30185432573092771, 0.029730528129251188, 0.11087580853557841},
       {-0.089406242409438991, 0.16926837350192475, -0.18917930385240454, 0.25292923053185588, -0.27181831810491438}}};
  const int32_t *ys[4] = {s9_y, s9_y, s9_yu, s9_yu};
  double lams[4] = {0.25, 0, 0.25, 0};
  for (int cse = 0; cse < 4; cse++) {
    double w[3 * 6], b[3];
    ck_assert_status(ncd_ls_classifier(12, 4, 3, s9_h, 4, ys[cse], lams[cse], w, 6, b), NCD_OK);
    double wt[15];
    for (int c = 0; c < 3; c++)
      for (int p = 0; p < 5; p++) wt[c * 5 + p] = want[cse][c][p];
    double rd = rel_diff_wt(3, 4, w, 6, b, wt);
    ck_assert_msg(rd <= 1e-13, "case %d: rel diff %g", cse, rd);
    /* the same through float32 input: section 9 entries are exact in float */
    float hf[48];
    for (int i = 0; i < 48; i++) hf[i] = (float)s9_h[i];
    double wf[12], bf[3];
    ck_assert_status(ncd_ls_classifier_f32(12, 4, 3, hf, 4, ys[cse], lams[cse], wf, 4, bf), NCD_OK);
    ck_assert(rel_diff_wt(3, 4, wf, 4, bf, wt) <= 1e-13);
  }
}
END_TEST

START_TEST(normal_equations_and_naive) {
  ncd_test_rng r;
  ncd_test_seed(&r, 7);
  size_t sizes[][3] = {{200, 10, 5}, {57, 3, 7}, {400, 30, 10}, {31, 30, 2}};
  for (size_t sz = 0; sz < 4; sz++) {
    size_t n = sizes[sz][0], d = sizes[sz][1], k = sizes[sz][2], ldh = d + 3;
    double *h = malloc(n * ldh * sizeof *h), *w = malloc(k * d * sizeof *w), b[10];
    double *wt = malloc(k * (d + 1) * sizeof *wt);
    int32_t *y = malloc(n * sizeof *y);
    ncd_test_fill_normal(&r, h, n, d, ldh);
    for (size_t i = 0; i < n; i++) { /* unbalanced: skewed labels, class-dependent offsets */
      double u = ncd_test_uniform(&r);
      y[i] = (int32_t)(u * u * (double)k);
      for (size_t j = 0; j < d; j++) h[i * ldh + j] += 0.7 * (double)((y[i] * 3 + (int32_t)j) % 5) + 2.0;
    }
    double lams[] = {0, 1e-3, 0.5};
    for (int li = 0; li < 3; li++) {
      ck_assert_status(ncd_ls_classifier(n, d, k, h, ldh, y, lams[li], w, d, b), NCD_OK);
      /* CP-5 in long double: rounding of a backward-stable solve, 1e-12 */
      double res = cp5_residual(n, d, k, h, ldh, y, lams[li], w, d, b);
      ck_assert_msg(res <= 1e-12, "size %zu lambda %g: CP-5 residual %g", sz, lams[li], res);
      /* naive long-double solve: forward error <= cond * eps, cond of these sets
       * (raw Gram with mean 2..4) is below 1e3 -> 1e-12 (1e-10 when long double is
       * only double, as under valgrind: the reference then has errors cond * eps) */
      ck_assert(ref_ls(n, d, k, h, ldh, y, lams[li], wt) == 0);
      double rd = rel_diff_wt(k, d, w, d, b, wt);
      ck_assert_msg(rd <= (cpath_ld_extended() ? 1e-12 : 1e-10), "size %zu lambda %g: vs naive %g", sz, lams[li], rd);
    }
    free(h); free(w); free(wt); free(y);
  }
}
END_TEST

START_TEST(shift_invariance) {
  /* lambda = 0: a shift of the features changes (w, b) only by eps |mu_G| / spread
   * (spec section 3: 1.9e-9 for the shift (3e7, -2e7, 5e7, 1e7) of the section 9
   * data); never NCD_ESINGULAR. Tolerance 1e-8 on w, predictions to 1e-8. */
  double shift[4] = {3e7, -2e7, 5e7, 1e7};
  double hs[48], w0[12], b0[3], w1[12], b1[3];
  for (int i = 0; i < 12; i++)
    for (int j = 0; j < 4; j++) hs[i * 4 + j] = s9_h[i * 4 + j] + shift[j];
  const int32_t *ys[2] = {s9_y, s9_yu};
  for (int cse = 0; cse < 2; cse++) {
    ck_assert_status(ncd_ls_classifier(12, 4, 3, s9_h, 4, ys[cse], 0, w0, 4, b0), NCD_OK);
    ck_assert_status(ncd_ls_classifier(12, 4, 3, hs, 4, ys[cse], 0, w1, 4, b1), NCD_OK);
    double mw = ncd_test_maxabs(w0, 4, 3, 4);
    ck_assert_msg(ncd_test_maxdiff(w0, 4, w1, 4, 3, 4) <= 1e-8 * mw, "w moved by %g",
                  ncd_test_maxdiff(w0, 4, w1, 4, 3, 4));
    for (int i = 0; i < 12; i++) /* predictions w h + b, original vs shifted */
      for (int c = 0; c < 3; c++) {
        double p0 = b0[c], p1 = b1[c];
        for (int j = 0; j < 4; j++) {
          p0 += w0[c * 4 + j] * s9_h[i * 4 + j];
          p1 += w1[c * 4 + j] * hs[i * 4 + j];
        }
        ck_assert_close(p1, p0, 0, 1e-8 * 5e7 * mw); /* rounding of w1 . hs */
      }
  }
  /* uniform shift 1e7 on random data, still not singular, lambda > 0 tiny too */
  ncd_test_rng r;
  ncd_test_seed(&r, 11);
  size_t n = 300, d = 12, k = 4;
  double *h = malloc(n * d * sizeof *h), *hh = malloc(n * d * sizeof *h), w[48], b[4], ws[48], bs[4];
  int32_t *y = malloc(n * sizeof *y);
  ncd_test_fill_normal(&r, h, n, d, d);
  ncd_test_labels(&r, y, n, k);
  for (size_t i = 0; i < n * d; i++) hh[i] = h[i] + 1e7;
  ck_assert_status(ncd_ls_classifier(n, d, k, h, d, y, 0, w, d, b), NCD_OK);
  ck_assert_status(ncd_ls_classifier(n, d, k, hh, d, y, 0, ws, d, bs), NCD_OK);
  ck_assert(ncd_test_maxdiff(w, d, ws, d, k, d) <= 1e-8 * ncd_test_maxabs(w, d, k, d));
  ck_assert_status(ncd_ls_classifier(n, d, k, hh, d, y, 1e-12, ws, d, bs), NCD_OK);
  free(h); free(hh); free(y);
}
END_TEST

START_TEST(singular_and_collapsed) {
  ncd_test_rng r;
  ncd_test_seed(&r, 13);
  size_t n = 60, d = 6, k = 3;
  double *h = malloc(n * d * sizeof *h), w[18], b[3], *wt = malloc(k * (d + 1) * sizeof *wt);
  int32_t *y = malloc(n * sizeof *y);
  ncd_test_fill_normal(&r, h, n, d, d);
  ncd_test_labels(&r, y, n, k);
  for (size_t i = 0; i < n; i++) h[i * d + 4] = h[i * d + 1]; /* duplicated column */
  ck_assert_status(ncd_ls_classifier(n, d, k, h, d, y, 0, w, d, b), NCD_ESINGULAR);
  ck_assert_status(ncd_ls_classifier(n, d, k, h, d, y, 0.1, w, d, b), NCD_OK);
  for (size_t i = 0; i < n; i++) h[i * d + 4] = 3.25; /* constant column */
  ck_assert_status(ncd_ls_classifier(n, d, k, h, d, y, 0, w, d, b), NCD_ESINGULAR);
  ncd_test_fill_normal(&r, h, n, d, d);
  ck_assert_status(ncd_ls_classifier(d, d, k, h, d, y, 0, w, d, b), NCD_ESINGULAR); /* n = d */
  ck_assert_status(ncd_ls_classifier(3, d, k, h, d, y, 0, w, d, b), NCD_ESINGULAR);  /* n < d */
  ck_assert_status(ncd_ls_classifier(d + 1, d, k, h, d, y, 0, w, d, b), NCD_OK);
  /* collapsed features: every sample at its class mean (rank k - 1 + 1 < d + 1);
   * lambda = 0 is singular, lambda > 0 works and matches the naive solve */
  double means[3 * 6];
  ncd_test_fill_normal(&r, means, k, d, d);
  for (size_t i = 0; i < n; i++) memcpy(h + i * d, means + (size_t)y[i] * d, d * sizeof(double));
  ck_assert_status(ncd_ls_classifier(n, d, k, h, d, y, 0, w, d, b), NCD_ESINGULAR);
  double lams[] = {1e-6, 1e-2, 1};
  for (int li = 0; li < 3; li++) {
    ck_assert_status(ncd_ls_classifier(n, d, k, h, d, y, lams[li], w, d, b), NCD_OK);
    ck_assert(ref_ls(n, d, k, h, d, y, lams[li], wt) == 0);
    /* cond(G + lambda I) <= ~1/lambda: 1e-16 / 1e-6 * slack -> 1e-9 */
    ck_assert_msg(rel_diff_wt(k, d, w, d, b, wt) <= (li == 0 ? 1e-9 : 1e-12), "lambda %g: %g",
                  lams[li], rel_diff_wt(k, d, w, d, b, wt));
    ck_assert(cp5_residual(n, d, k, h, d, y, lams[li], w, d, b) <= 1e-12);
  }
  free(h); free(y); free(wt);
}
END_TEST

START_TEST(empty_class) {
  /* class 3 has no sample: w_3 = 0, b_3 = 0, the others equal the k = 3 solution */
  double w3[12], b3[3], w4[16], b4[4];
  for (int lam = 0; lam < 2; lam++) {
    ck_assert_status(ncd_ls_classifier(12, 4, 3, s9_h, 4, s9_y, 0.5 * lam, w3, 4, b3), NCD_OK);
    ck_assert_status(ncd_ls_classifier(12, 4, 4, s9_h, 4, s9_y, 0.5 * lam, w4, 4, b4), NCD_OK);
    ck_assert(ncd_test_maxdiff(w3, 4, w4, 4, 3, 4) <= 1e-15);
    for (int c = 0; c < 3; c++) ck_assert_close(b4[c], b3[c], 1e-14, 1e-15);
    for (int j = 0; j < 4; j++) ck_assert(w4[12 + j] == 0);
    ck_assert(b4[3] == 0);
  }
}
END_TEST

START_TEST(bad_input) {
  double w[12], b[3], h[48];
  memcpy(h, s9_h, sizeof h);
  int32_t y[12];
  memcpy(y, s9_y, sizeof y);
  ck_assert_status(ncd_ls_classifier(12, 4, 3, NULL, 4, y, 0, w, 4, b), NCD_EINVAL);
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 4, NULL, 0, w, 4, b), NCD_EINVAL);
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 4, y, 0, NULL, 4, b), NCD_EINVAL);
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 4, y, 0, w, 4, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ls_classifier(0, 4, 3, h, 4, y, 0, w, 4, b), NCD_EINVAL);
  ck_assert_status(ncd_ls_classifier(12, 0, 3, h, 4, y, 0, w, 4, b), NCD_EINVAL);
  ck_assert_status(ncd_ls_classifier(12, 4, 0, h, 4, y, 0, w, 4, b), NCD_EINVAL);
  ck_assert_status(ncd_ls_classifier(SIZE_MAX, 4, 3, h, 4, y, 0, w, 4, b), NCD_EINVAL);
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 3, y, 0, w, 4, b), NCD_EINVAL);
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 4, y, 0, w, 3, b), NCD_EINVAL);
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 4, y, -1e-300, w, 4, b), NCD_EINVAL);
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 4, y, NAN, w, 4, b), NCD_EINVAL);
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 4, y, INFINITY, w, 4, b), NCD_EINVAL);
  y[5] = 3;
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 4, y, 0, w, 4, b), NCD_EINVAL);
  y[5] = -1;
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 4, y, 0, w, 4, b), NCD_EINVAL);
  y[5] = 2;
  h[17] = NAN;
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 4, y, 0, w, 4, b), NCD_ENONFINITE);
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 4, y, -1, w, 4, b), NCD_EINVAL); /* order */
  h[17] = -INFINITY;
  ck_assert_status(ncd_ls_classifier(12, 4, 3, h, 4, y, 0, w, 4, b), NCD_ENONFINITE);
  float hf[48];
  for (int i = 0; i < 48; i++) hf[i] = (float)s9_h[i];
  hf[40] = NAN;
  ck_assert_status(ncd_ls_classifier_f32(12, 4, 3, hf, 4, y, 0, w, 4, b), NCD_ENONFINITE);
  ck_assert_status(ncd_ls_classifier_f32(12, 4, 3, NULL, 4, y, 0, w, 4, b), NCD_EINVAL);
}
END_TEST

START_TEST(alloc_failures) {
  double w[12], b[3];
  float hf[48];
  for (int i = 0; i < 48; i++) hf[i] = (float)s9_h[i];
  for (int f32 = 0; f32 < 2; f32++) {
    int ok = 0;
    for (uint64_t kf = 1; kf < 200 && !ok; kf++) {
      ncd__alloc_fail_at(kf, 0);
      int st = f32 ? ncd_ls_classifier_f32(12, 4, 3, hf, 4, s9_y, 0.25, w, 4, b)
                   : ncd_ls_classifier(12, 4, 3, s9_h, 4, s9_y, 0.25, w, 4, b);
      ncd__alloc_fail_at(0, 0);
      if (st == NCD_OK) ok = 1;
      else ck_assert_status(st, NCD_ENOMEM);
    }
    ck_assert(ok);
  }
  ncd__alloc_counters ct;
  ncd__alloc_reset_counters();
  ck_assert_status(ncd_ls_classifier(12, 4, 3, s9_h, 4, s9_y, 0.25, w, 4, b), NCD_OK);
  ncd__alloc_get_counters(&ct);
  ck_assert_uint_eq(ct.live_bytes, 0);
}
END_TEST

Suite *suite_cpath_ls(void) {
  Suite *s = suite_create("cpath_ls");
  TCase *tc = tcase_create("ls");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, section9_vectors);
  tcase_add_test(tc, normal_equations_and_naive);
  tcase_add_test(tc, shift_invariance);
  tcase_add_test(tc, singular_and_collapsed);
  tcase_add_test(tc, empty_class);
  tcase_add_test(tc, bad_input);
  tcase_add_test(tc, alloc_failures);
  suite_add_tcase(s, tc);
  return s;
}

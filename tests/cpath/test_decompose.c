/*
 * test_decompose.c - ncd_mse_decompose (spec/central-path.md CP-9 .. CP-12):
 * the section 9 vectors, the identity L = L_NC1 + L_NC2/3 + L_perp against the
 * directly computed loss (long double here), L_perp ~ 0 exactly at the LS
 * classifier and > 0 elsewhere, CP-15 at CP-14's omega (lambda = 0), statuses,
 * the float32 twin, allocation failures.
 */
#include <float.h>
#include <stdlib.h>

#include "common/testutil.h"
#include "core/core_internal.h"
#include "cpath/cpath_data.h"

/* CP-3 in long double */
static double direct_loss(size_t n, size_t d, size_t k, const double *h, const int32_t *y,
                          const double *w, const double *b, double lambda) {
  long double acc = 0, reg = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t c = 0; c < k; c++) {
      long double z = b ? b[c] : 0;
      for (size_t j = 0; j < d; j++) z += (long double)w[c * d + j] * h[i * d + j];
      z -= (size_t)y[i] == c;
      acc += z * z;
    }
  for (size_t i = 0; i < k * d; i++) reg += (long double)w[i] * w[i];
  if (b)
    for (size_t c = 0; c < k; c++) reg += (long double)b[c] * b[c];
  return (double)(acc / (2.0L * n) + lambda / 2.0L * reg);
}

START_TEST(section9_vectors) {
  /* spec section 9, `ncd_mse_decompose`: tolerance 1e-13 relative */
  static const double want[3][4] = {
      {4.3623383839925130, 0.071261995361911769, 0.023284032100509414, 4.2677923565300918},
      {3.8393891652425130, 0.033432871158933545, 0.0060907113663629261, 3.7998655827172165},
      {3.2656586964925130, 0.071261995361911769, 0.023284032100509414, 3.1711126690300918}};
  const double *bs[3] = {s9_b, s9_b, NULL};
  double lams[3] = {0.25, 0, 0.25};
  float hf[48];
  for (int i = 0; i < 48; i++) hf[i] = (float)s9_h[i];
  for (int cse = 0; cse < 3; cse++) {
    double out[4], outf[4];
    ck_assert_status(ncd_mse_decompose(12, 4, 3, s9_h, 4, s9_y, s9_w, 4, bs[cse], lams[cse], out), NCD_OK);
    ck_assert_status(ncd_mse_decompose_f32(12, 4, 3, hf, 4, s9_y, s9_w, 4, bs[cse], lams[cse], outf), NCD_OK);
    for (int j = 0; j < 4; j++) {
      ck_assert_close(out[j], want[cse][j], 1e-13, 0);
      ck_assert_close(outf[j], want[cse][j], 1e-13, 0);
    }
  }
  /* L_LS = L_NC1 + L_NC2/3 (section 9): 0.094546027462421183 and 0.039523582525296472 */
  double w[12], b[3], out[4];
  ck_assert_status(ncd_ls_classifier(12, 4, 3, s9_h, 4, s9_y, 0.25, w, 4, b), NCD_OK);
  ck_assert_status(ncd_mse_decompose(12, 4, 3, s9_h, 4, s9_y, w, 4, b, 0.25, out), NCD_OK);
  ck_assert_close(out[0], 0.094546027462421183, 1e-13, 0);
  ck_assert_close(out[1] + out[2], 0.094546027462421183, 1e-13, 0);
  ck_assert_status(ncd_ls_classifier(12, 4, 3, s9_h, 4, s9_y, 0, w, 4, b), NCD_OK);
  ck_assert_status(ncd_mse_decompose(12, 4, 3, s9_h, 4, s9_y, w, 4, b, 0, out), NCD_OK);
  ck_assert_close(out[0], 0.039523582525296472, 1e-13, 0);
}
END_TEST

START_TEST(identity_and_perp) {
  ncd_test_rng r;
  ncd_test_seed(&r, 17);
  size_t dims[][3] = {{120, 8, 4}, {60, 3, 6}, {300, 20, 10}};
  for (size_t sz = 0; sz < 3; sz++) {
    size_t n = dims[sz][0], d = dims[sz][1], k = dims[sz][2];
    double *h = malloc(n * d * sizeof *h), *w = malloc(k * d * sizeof *w), b[10], out[4];
    double *wl = malloc(k * d * sizeof *w), bl[10];
    int32_t *y = malloc(n * sizeof *y);
    ncd_test_fill_normal(&r, h, n, d, d);
    ncd_test_labels(&r, y, n, k); /* balanced: n multiple of k */
    for (size_t i = 0; i < n; i++) h[i * d + (size_t)y[i] % d] += 3.0; /* class signal */
    double lams[] = {0, 0.3};
    for (int li = 0; li < 2; li++) {
      double lam = lams[li];
      ncd_test_fill_normal(&r, w, k, d, d);
      ncd_test_fill_normal(&r, b, 1, k, k);
      ck_assert_status(ncd_mse_decompose(n, d, k, h, d, y, w, d, b, lam, out), NCD_OK);
      /* the direct loss, and the three independent terms summing to it: 1e-12 */
      ck_assert_close(out[0], direct_loss(n, d, k, h, y, w, b, lam), 1e-13, 0);
      ck_assert_msg(fabs(out[0] - (out[1] + out[2] + out[3])) <= 1e-12 * fmax(out[0], 1),
                    "L %.17g vs sum %.17g", out[0], out[1] + out[2] + out[3]);
      ck_assert(out[1] > 0 && out[2] > 0 && out[3] > 0);
      /* at the LS classifier L_perp <= 1e-14 L (here exactly 0: same route) */
      ck_assert_status(ncd_ls_classifier(n, d, k, h, d, y, lam, wl, d, bl), NCD_OK);
      ck_assert_status(ncd_mse_decompose(n, d, k, h, d, y, wl, d, bl, lam, out), NCD_OK);
      ck_assert(out[3] >= 0 && out[3] <= 1e-14 * out[0]);
      ck_assert_msg(fabs(out[0] - (out[1] + out[2] + out[3])) <= 1e-12 * fmax(out[0], 1),
                    "at LS: L %.17g vs sum %.17g", out[0], out[1] + out[2] + out[3]);
      /* and > 0 for a perturbation of one entry (second-order: ~ (1e-4)^2 Sigma_T) */
      wl[1] += 1e-4;
      ck_assert_status(ncd_mse_decompose(n, d, k, h, d, y, wl, d, bl, lam, out), NCD_OK);
      ck_assert(out[3] > 0);
      ck_assert_close(out[0], out[1] + out[2] + out[3], 1e-12, 0);
    }
    free(h); free(w); free(wl); free(y);
  }
}
END_TEST

START_TEST(spectral_at_lambda0) {
  /* CP-15 at CP-14's omega (lambda = 0, balanced, on the central path): 1e-13 */
  double om[3], sp[4], out[4], w[12], b[3];
  ck_assert_status(ncd_cpath_snr(12, 4, 3, s9_h, 4, s9_y, om, NULL, 0, NULL, 0), NCD_OK);
  ck_assert_status(ncd_cpath_spectral(3, 2, om, sp), NCD_OK);
  ck_assert_status(ncd_ls_classifier(12, 4, 3, s9_h, 4, s9_y, 0, w, 4, b), NCD_OK);
  ck_assert_status(ncd_mse_decompose(12, 4, 3, s9_h, 4, s9_y, w, 4, b, 0, out), NCD_OK);
  ck_assert_close(out[1], sp[1], 1e-13, 0);
  ck_assert_close(out[2], sp[2], 1e-13, 0);
  ck_assert_close(out[0], sp[0], 1e-13, 0);
  /* random balanced data, d >= k - 1 */
  ncd_test_rng r;
  ncd_test_seed(&r, 19);
  size_t n = 200, d = 7, k = 5;
  double *h = malloc(n * d * sizeof *h), w2[35], b2[5], om2[5], sp2[4];
  int32_t *y = malloc(n * sizeof *y);
  ncd_test_fill_normal(&r, h, n, d, d);
  ncd_test_labels(&r, y, n, k);
  for (size_t i = 0; i < n; i++) h[i * d + (size_t)y[i]] += 1.5;
  ck_assert_status(ncd_cpath_snr(n, d, k, h, d, y, om2, NULL, 0, NULL, 0), NCD_OK);
  ck_assert_status(ncd_cpath_spectral(k, k - 1, om2, sp2), NCD_OK);
  ck_assert_status(ncd_ls_classifier(n, d, k, h, d, y, 0, w2, d, b2), NCD_OK);
  ck_assert_status(ncd_mse_decompose(n, d, k, h, d, y, w2, d, b2, 0, out), NCD_OK);
  ck_assert_close(out[1], sp2[1], 1e-13, 0);
  ck_assert_close(out[2], sp2[2], 1e-13, 0);
  free(h); free(y);
}
END_TEST

START_TEST(statuses) {
  double out[4], h[48], w[12];
  memcpy(h, s9_h, sizeof h);
  memcpy(w, s9_w, sizeof w);
  ck_assert_status(ncd_mse_decompose(12, 4, 3, h, 4, s9_yu, w, 4, s9_b, 0.25, out), NCD_EINVAL);
  ck_assert_status(ncd_mse_decompose(11, 4, 3, h, 4, s9_y, w, 4, s9_b, 0.25, out), NCD_EINVAL);
  ck_assert_status(ncd_mse_decompose(12, 4, 3, h, 4, s9_y, w, 4, s9_b, -0.5, out), NCD_EINVAL);
  ck_assert_status(ncd_mse_decompose(12, 4, 3, h, 4, s9_y, w, 4, s9_b, NAN, out), NCD_EINVAL);
  ck_assert_status(ncd_mse_decompose(12, 4, 3, h, 4, s9_y, NULL, 4, s9_b, 0, out), NCD_EINVAL);
  ck_assert_status(ncd_mse_decompose(12, 4, 3, h, 4, s9_y, w, 4, s9_b, 0, NULL), NCD_EINVAL);
  ck_assert_status(ncd_mse_decompose(12, 4, 3, h, 4, NULL, w, 4, s9_b, 0, out), NCD_EINVAL);
  ck_assert_status(ncd_mse_decompose(12, 4, 3, NULL, 4, s9_y, w, 4, s9_b, 0, out), NCD_EINVAL);
  ck_assert_status(ncd_mse_decompose(12, 4, 3, h, 4, s9_y, w, 3, s9_b, 0, out), NCD_EINVAL);
  ck_assert_status(ncd_mse_decompose(12, 4, 0, h, 4, s9_y, w, 4, s9_b, 0, out), NCD_EINVAL);
  w[5] = NAN;
  ck_assert_status(ncd_mse_decompose(12, 4, 3, h, 4, s9_y, w, 4, s9_b, 0, out), NCD_ENONFINITE);
  w[5] = s9_w[5];
  double bb[3] = {0, INFINITY, 0};
  ck_assert_status(ncd_mse_decompose(12, 4, 3, h, 4, s9_y, w, 4, bb, 0, out), NCD_ENONFINITE);
  h[3] = NAN;
  ck_assert_status(ncd_mse_decompose(12, 4, 3, h, 4, s9_y, w, 4, s9_b, 0, out), NCD_ENONFINITE);
  /* lambda = 0 with singular Sigma_T: a constant column */
  memcpy(h, s9_h, sizeof h);
  for (int i = 0; i < 12; i++) h[i * 4 + 2] = 0.5;
  ck_assert_status(ncd_mse_decompose(12, 4, 3, h, 4, s9_y, w, 4, s9_b, 0, out), NCD_ESINGULAR);
  ck_assert_status(ncd_mse_decompose(12, 4, 3, h, 4, s9_y, w, 4, s9_b, 0.1, out), NCD_OK);
  ck_assert_close(out[0], out[1] + out[2] + out[3], 1e-12, 0);
  /* allocation failures: NCD_ENOMEM until enough succeed, nothing leaked */
  int ok = 0;
  for (uint64_t kf = 1; kf < 200 && !ok; kf++) {
    ncd__alloc_fail_at(kf, 0);
    int st = ncd_mse_decompose(12, 4, 3, s9_h, 4, s9_y, s9_w, 4, s9_b, 0.25, out);
    ncd__alloc_fail_at(0, 0);
    if (st == NCD_OK) ok = 1;
    else ck_assert_status(st, NCD_ENOMEM);
  }
  ck_assert(ok);
}
END_TEST

Suite *suite_cpath_decompose(void) {
  Suite *s = suite_create("cpath_decompose");
  TCase *tc = tcase_create("decompose");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, section9_vectors);
  tcase_add_test(tc, identity_and_perp);
  tcase_add_test(tc, spectral_at_lambda0);
  tcase_add_test(tc, statuses);
  suite_add_tcase(s, tc);
  return s;
}

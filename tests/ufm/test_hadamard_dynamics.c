/*
 * test_hadamard_dynamics.c - ncd_hadamard_gd (spec/init.md I-20..I-23, 5.3
 * V2, V3) against an independent route: full gradient descent on the CE UFM
 * (ufm.md U-5/U-6: Z = h w^T, G = (softmax(Z) - Y)/n, dW = G^T h + lambda_W w,
 * dH = G w + lambda_H h) written here with plain loops, started at
 * ncd_hadamard_ufm_init. After every step the singular vectors stay frozen
 * (off-diagonal and out-of-span residuals < 1e-12 relative) and the diagonal
 * equals the reduced iterate to 1e-12 relative to max(1, |a|, |b|) (spec 4;
 * observed ~1e-15, rounding of O(n k d) sums growing slowly over the steps).
 * Also: the spec's vectors to 1e-13, the invariant recursion I-22, mode 0
 * bitwise, equal modes (I-23) and the ETF start for k not a power of 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"

typedef struct {
  size_t n, d, k, nc, r;
  int32_t *y;
  double *w, *h, *o, *q; /* q: Q = Hd/sqrt(k) (k x k) */
} ufm;

/* One full GD step (simultaneous), independent of the library. */
static void full_step(ufm *u, double eta, double lw, double lh) {
  size_t n = u->n, d = u->d, k = u->k;
  double *g = calloc(n * k, sizeof *g), *dw = calloc(k * d, sizeof *dw);
  double *dh = calloc(n * d, sizeof *dh);
  for (size_t i = 0; i < n; i++) {
    double mx = -1e300, s = 0;
    for (size_t c = 0; c < k; c++) {
      double z = 0;
      for (size_t j = 0; j < d; j++) z += u->h[i * d + j] * u->w[c * d + j];
      g[i * k + c] = z;
      if (z > mx) mx = z;
    }
    for (size_t c = 0; c < k; c++) s += (g[i * k + c] = exp(g[i * k + c] - mx));
    for (size_t c = 0; c < k; c++)
      g[i * k + c] = (g[i * k + c] / s - (c == (size_t)u->y[i])) / (double)n;
  }
  for (size_t i = 0; i < n; i++)
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++) {
        dw[c * d + j] += g[i * k + c] * u->h[i * d + j];
        dh[i * d + j] += g[i * k + c] * u->w[c * d + j];
      }
  for (size_t i = 0; i < k * d; i++) u->w[i] -= eta * (dw[i] + lw * u->w[i]);
  for (size_t i = 0; i < n * d; i++) u->h[i] -= eta * (dh[i] + lh * u->h[i]);
  free(g); free(dw); free(dh);
}

/* Max residuals of the frozen-basis claim, relative to scale:
 * diag = max |A[S_j][j] - a_{S_j}|, |B[S_j][j] - b_{S_j}|;
 * off = other entries of A, B and the out-of-span parts w - w O^T O,
 * h - V V^T h O^T O. Modes S = {1..k-1}. */
static void residuals(const ufm *u, const double *a, const double *b, double *diag,
                      double *off) {
  size_t n = u->n, d = u->d, k = u->k, r = u->r;
  double rn = sqrt((double)u->nc), dg = 0, of = 0;
  double *wo = calloc(k * r, sizeof *wo), *ho = calloc(n * r, sizeof *ho);
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < r; j++)
      for (size_t x = 0; x < d; x++) wo[c * r + j] += u->w[c * d + x] * u->o[j * d + x];
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < r; j++)
      for (size_t x = 0; x < d; x++) ho[i * r + j] += u->h[i * d + x] * u->o[j * d + x];
  for (size_t m = 0; m < k; m++)
    for (size_t j = 0; j < r; j++) {
      double am = 0, bm = 0;
      for (size_t c = 0; c < k; c++) am += u->q[c * k + m] * wo[c * r + j];
      for (size_t i = 0; i < n; i++) bm += u->q[(size_t)u->y[i] * k + m] / rn * ho[i * r + j];
      if (m == j + 1) {
        dg = fmax(dg, fmax(fabs(am - a[m]), fabs(bm - b[m])));
      } else {
        of = fmax(of, fmax(fabs(am), fabs(bm)));
      }
    }
  /* out of span: w - (w O^T) O and h - P_class (h O^T) O */
  for (size_t c = 0; c < k; c++)
    for (size_t x = 0; x < d; x++) {
      double t = u->w[c * d + x];
      for (size_t j = 0; j < r; j++) t -= wo[c * r + j] * u->o[j * d + x];
      of = fmax(of, fabs(t));
    }
  for (size_t i = 0; i < n; i++)
    for (size_t x = 0; x < d; x++) {
      double t = u->h[i * d + x];
      for (size_t j = 0; j < r; j++) {
        double mean = 0; /* class mean of column j of h O^T */
        for (size_t l = 0; l < n; l++)
          if (u->y[l] == u->y[i]) mean += ho[l * r + j];
        t -= mean / (double)u->nc * u->o[j * d + x];
      }
      of = fmax(of, fabs(t));
    }
  free(wo); free(ho);
  *diag = dg;
  *off = of;
}

static void run_full_vs_reduced(size_t k, size_t nc, size_t d, uint64_t seed, double eta,
                                double lw, double lh, size_t steps) {
  ncd_test_rng rg;
  ncd_test_seed(&rg, seed + 100);
  ufm u = {.n = k * nc, .d = d, .k = k, .nc = nc, .r = k - 1};
  u.y = malloc(u.n * sizeof *u.y);
  ncd_test_labels(&rg, u.y, u.n, k);
  u.w = malloc(k * d * sizeof *u.w);
  u.h = malloc(u.n * d * sizeof *u.h);
  u.o = malloc(u.r * d * sizeof *u.o);
  u.q = malloc(k * k * sizeof *u.q);
  double *a = calloc(k, sizeof *a), *b = calloc(k, sizeof *b);
  for (size_t m = 1; m < k; m++) {
    a[m] = 0.5 * ncd_test_normal(&rg);
    b[m] = 0.5 * ncd_test_normal(&rg);
  }
  ck_assert_status(ncd_hadamard_ufm_init(u.n, d, k, u.y, a, b, seed, u.w, d, u.h, d), NCD_OK);
  ck_assert_status(ncd_stiefel(u.r, d, seed, u.o, d), NCD_OK);
  ck_assert_status(ncd_hadamard(k, u.q, k), NCD_OK);
  for (size_t i = 0; i < k * k; i++) u.q[i] /= sqrt((double)k);
  double worst_d = 0, worst_o = 0;
  for (size_t t = 1; t <= steps; t++) {
    full_step(&u, eta, lw, lh);
    ck_assert_status(ncd_hadamard_gd(k, nc, eta, lw, lh, 1, a, b, NULL), NCD_OK);
    double scale = 1, dg, of;
    for (size_t m = 0; m < k; m++) scale = fmax(scale, fmax(fabs(a[m]), fabs(b[m])));
    residuals(&u, a, b, &dg, &of);
    worst_d = fmax(worst_d, dg / scale);
    worst_o = fmax(worst_o, of / scale);
    ck_assert_msg(dg <= 1e-12 * scale && of <= 1e-12 * scale,
                  "k %zu step %zu: diag %g off %g (scale %g)", k, t, dg, of, scale);
  }
  if (getenv("NCD_TEST_VERBOSE")) fprintf(stderr, "k %zu: worst diag %.3g off %.3g\n", k, worst_d, worst_o);
  free(u.y); free(u.w); free(u.h); free(u.o); free(u.q); free(a); free(b);
}

START_TEST(full_gd_matches_reduced) {
  size_t steps = ncd_test_level() == 0 ? 60 : 1000;
  run_full_vs_reduced(8, 2, 9, 3, 0.5, 0, 0, steps);       /* d > k - 1 */
  run_full_vs_reduced(4, 3, 3, 7, 1.0, 1e-2, 5e-3, steps); /* d = k - 1, decay */
  if (ncd_test_level() >= 1) run_full_vs_reduced(16, 1, 15, 5, 1.0, 0, 0, 300);
}
END_TEST

START_TEST(spec_v2_v3) {
  double a[4] = {0, .3, .2, .1}, b[4] = {0, .1, .25, .4};
  ck_assert_status(ncd_hadamard_gd(4, 1, 0.5, 0, 0, 1, a, b, NULL), NCD_OK);
  const double a1[3] = {0.3124046894805709, 0.2308570520841956, 0.1494953299710883};
  const double b1[3] = {0.1372140684417127, 0.2746856416673565, 0.4123738324927721};
  for (int m = 0; m < 3; m++) {
    ck_assert_close(a[m + 1], a1[m], 1e-13, 0);
    ck_assert_close(b[m + 1], b1[m], 1e-13, 0);
  }
  ck_assert_status(ncd_hadamard_gd(4, 1, 0.5, 0, 0, 4, a, b, NULL), NCD_OK);
  const double a5[3] = {0.409129667693738, 0.3876118329991601, 0.3665726652117397};
  const double b5[3] = {0.3053869049570825, 0.4136538090517634, 0.5229886653657524};
  for (int m = 0; m < 3; m++) {
    ck_assert_close(a[m + 1], a5[m], 1e-13, 0);
    ck_assert_close(b[m + 1], b5[m], 1e-13, 0);
  }
  ck_assert_status(ncd_hadamard_gd(4, 1, 0.5, 0, 0, 95, a, b, NULL), NCD_OK);
  const double a100[3] = {2.3801510737982, 2.453174140623546, 2.49583075169413};
  const double b100[3] = {2.36675761256308, 2.45685103505476, 2.520051664950204};
  for (int m = 0; m < 3; m++) {
    ck_assert_close(a[m + 1], a100[m], 1e-13, 0);
    ck_assert_close(b[m + 1], b100[m], 1e-13, 0);
  }
  ck_assert(a[0] == 0 && b[0] == 0);
  /* V3 */
  double a8[8], b8[8] = {0, .3, .25, .2, .15, .1, .05, 0}, trace[51];
  for (int m = 0; m < 8; m++) a8[m] = 0.05 * m;
  ck_assert_status(ncd_hadamard_gd(8, 2, 1.0, 0, 0, 3, a8, b8, NULL), NCD_OK);
  const double v3[7] = {0.1307555905643999, 0.168604990856087, 0.2064929478683575,
                        0.2444073675855118, 0.2823360055552706, 0.3202665726947658,
                        0.3581869696853049};
  for (int m = 0; m < 7; m++) ck_assert_close(a8[m + 1], v3[m], 1e-13, 0);
  ck_assert_close(b8[7], 0.09295731958274284, 1e-13, 0);
  ck_assert_status(ncd_hadamard_gd(8, 2, 1.0, 0, 0, 47, a8, b8, trace), NCD_OK);
  ck_assert_close(a8[1], 2.54279749297936, 1e-13, 0);
  ck_assert_close(a8[7], 2.560502160619485, 1e-13, 0);
  ck_assert_close(b8[7], 2.540961831254611, 1e-13, 0);
  ck_assert_close(trace[47], 0.068261198493131892, 1e-13, 0);
}
END_TEST

START_TEST(invariants) {
  /* I-22: delta_m' = delta_m (1 - eta^2 c_m^2); mode 0 unchanged bitwise */
  size_t k = 16, nc = 3;
  double eta = 0.8, a[16], b[16], s[16], oml[16];
  ncd_test_rng r;
  ncd_test_seed(&r, 8);
  for (size_t m = 0; m < k; m++) { a[m] = ncd_test_normal(&r); b[m] = ncd_test_normal(&r); }
  double a0 = a[0], b0 = b[0];
  for (int t = 0; t < 200; t++) {
    for (size_t m = 0; m < k; m++) s[m] = a[m] * b[m];
    ck_assert_status(ncd_walsh_softmax(k, nc, s, NULL, oml, NULL, NULL), NCD_OK);
    double delta[16];
    for (size_t m = 0; m < k; m++) delta[m] = a[m] * a[m] - b[m] * b[m];
    ck_assert_status(ncd_hadamard_gd(k, nc, eta, 0, 0, 1, a, b, NULL), NCD_OK);
    for (size_t m = 1; m < k; m++) {
      double c = oml[m] / ((double)k * sqrt((double)nc));
      double want = delta[m] * (1 - eta * eta * c * c), got = a[m] * a[m] - b[m] * b[m];
      ck_assert_close(got, want, 0, 1e-12 * fmax(1, a[m] * a[m] + b[m] * b[m]));
    }
  }
  ck_assert(a[0] == a0 && b[0] == b0);
  /* I-23: equal modes stay equal and follow sigma' = sigma (1 + eta c),
   * c = 1/((e^u + k - 1) sqrt(nc)), u = sigma^2/sqrt(nc) */
  double e[8] = {0}, f[8] = {0}, sig = 0.3, trace[2];
  for (int m = 1; m < 8; m++) e[m] = f[m] = sig;
  for (int t = 0; t < 300; t++) {
    double u = sig * sig / sqrt(2.0);
    sig = sig * (1 + 0.5 / ((exp(u) + 7) * sqrt(2.0)));
    ck_assert_status(ncd_hadamard_gd(8, 2, 0.5, 0, 0, 1, e, f, trace), NCD_OK);
    ck_assert_close(trace[0], log(1 + 7 * exp(-u)), 1e-13, 0); /* I-23 loss */
    for (int m = 1; m < 8; m++) {
      ck_assert_close(e[m], sig, 1e-12, 0);
      ck_assert_close(f[m], sig, 1e-12, 0);
    }
  }
}
END_TEST

START_TEST(etf_start_stays_collapsed) {
  /* I-27, k = 6 (not a power of 2): full GD keeps w = alpha zeta M and
   * h_i = beta zeta m_{y_i}/sqrt(nc), with alpha = beta following the
   * equal-mode recursion of I-23. */
  ncd_test_rng r;
  ncd_test_seed(&r, 4);
  size_t k = 6, nc = 2, n = 12, d = 8;
  ufm u = {.n = n, .d = d, .k = k, .nc = nc};
  int32_t y[12];
  ncd_test_labels(&r, y, n, k);
  u.y = y;
  double w[6 * 8], h[12 * 8], m[6 * 8], sig = 0.4, zeta = sqrt(5.0 / 6.0);
  u.w = w;
  u.h = h;
  ck_assert_status(ncd_etf_ufm_init(n, d, k, y, sig, sig, 11, w, d, h, d), NCD_OK);
  ck_assert_status(ncd_simplex_etf(k, d, 11, m, d), NCD_OK);
  size_t steps = ncd_test_level() == 0 ? 50 : 500;
  for (size_t t = 0; t < steps; t++) {
    double uu = sig * sig / sqrt((double)nc);
    sig = sig * (1 + 1.0 / ((exp(uu) + (double)k - 1) * sqrt((double)nc)));
    full_step(&u, 1.0, 0, 0);
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++)
        ck_assert_close(w[c * d + j], sig * zeta * m[c * d + j], 0, 1e-12 * fmax(1, sig));
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < d; j++)
        ck_assert_close(h[i * d + j], sig * zeta * m[(size_t)y[i] * d + j] / sqrt(2.0), 0,
                        1e-12 * fmax(1, sig));
  }
}
END_TEST

START_TEST(bad_input) {
  double a[6] = {0, 1, 1, 1, 0, 0}, b[6] = {0, 1, 1, 1, 0, 0}, tr[3];
  ck_assert_status(ncd_hadamard_gd(4, 1, 0.1, 0, 0, 2, NULL, b, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(4, 1, 0.1, 0, 0, 2, a, NULL, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(1, 1, 0.1, 0, 0, 2, a, b, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(4, 0, 0.1, 0, 0, 2, a, b, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(4, 1, -0.1, 0, 0, 2, a, b, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(4, 1, 0.1, -1, 0, 2, a, b, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(4, 1, 0.1, 0, -1, 2, a, b, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(4, 1, 0.1, 0, 0, SIZE_MAX, a, b, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(6, 1, 0.1, 0, 0, 2, a, b, tr), NCD_ENOTSUP);
  ck_assert_status(ncd_hadamard_gd(4, 1, NAN, 0, 0, 2, a, b, tr), NCD_ENONFINITE);
  ck_assert_status(ncd_hadamard_gd(4, 1, INFINITY, 0, 0, 2, a, b, tr), NCD_ENONFINITE);
  b[2] = NAN;
  ck_assert_status(ncd_hadamard_gd(4, 1, 0.1, 0, 0, 2, a, b, tr), NCD_ENONFINITE);
  ck_assert(a[1] == 1 && a[2] == 1); /* untouched on error */
  b[2] = 1;
  ck_assert_status(ncd_hadamard_gd(4, 1, 0.1, 0, 0, 0, a, b, tr), NCD_OK); /* 0 steps */
  ck_assert(a[1] == 1);
}
END_TEST

Suite *suite_ufm_hadamard_dynamics(void) {
  Suite *s = suite_create("ufm_hadamard_dynamics");
  TCase *tc = tcase_create("hadamard_dynamics");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, full_gd_matches_reduced);
  tcase_add_test(tc, spec_v2_v3);
  tcase_add_test(tc, invariants);
  tcase_add_test(tc, etf_start_stays_collapsed);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}

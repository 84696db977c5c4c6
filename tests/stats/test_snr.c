/*
 * test_snr.c - the SNR spectrum (central-path.md CP-14) against the spec's
 * section 9 vector (1e-13 relative), against an independent route
 * (eigenvalues of Mbar Sigma_W^{-1} Mbar^T by long-double elimination and
 * Jacobi, 1e-12), its invariance under affine maps and column scalings, and
 * the one rank test (n - k < d, duplicated or constant columns).
 */
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "stats/stats_internal.h"

static const double H9[12][4] = {
    {-0.5625, -1.1875, 0.625, 2.375}, {1.0625, 0.1875, -1.125, 1.0625}, {0.125, 2.125, 1, 1.5},
    {-0.6875, 0.6875, -0.25, 1.5},    {1.4375, 1, -0.5, 2.75},         {1.5625, -1.8125, 1.625, 3.5625},
    {2.1875, 0.125, -0.3125, 1.3125}, {-0.4375, -1.3125, 1.4375, 2.9375},
    {-0.4375, 1.875, 1.375, 2.0625},  {-1.0625, 1.375, 0.9375, 1.1875}, {-0.0625, -2.0625, 0.75, 3.25},
    {1.5, 0.5, 0.625, 2.5625}};
static const int32_t Y9[12] = {2, 0, 1, 1, 0, 2, 0, 2, 1, 1, 2, 0};

/* omega of features h (n x d) through the library's stats route */
static int snr_of(size_t n, size_t d, size_t k, const double *h, const int32_t *y, double *omega,
                  double *sigma_w, double *mbar) {
  ncd__cstats s;
  ncd__rowsrc src;
  ncd__cstats_alloc(d, k, &s);
  ncd__rowsrc_init(&src, h, NULL, n, d, d, 1 << 20);
  ncd__cstats_means(&s, &src, y);
  double *sw = malloc(d * d * sizeof *sw);
  ncd__cstats_scatter(&s, &src, y, sw, d, NULL);
  for (size_t a = 0; a < d * d; a++) sw[a] /= (double)n;
  int st = ncd__snr_spectrum(n, d, k, sw, d, s.mbar, d, omega, NULL, 0);
  if (sigma_w) memcpy(sigma_w, sw, d * d * sizeof *sw);
  if (mbar) memcpy(mbar, s.mbar, k * d * sizeof(double));
  free(sw);
  ncd__cstats_free(&s);
  return st;
}

START_TEST(spec_vector) {
  double omega[3], sw[16], mbar[12];
  ck_assert_status(snr_of(12, 4, 3, &H9[0][0], Y9, omega, sw, mbar), NCD_OK);
  ck_assert_close(omega[0], 7.2735969692843900, 1e-13, 0);
  ck_assert_close(omega[1], 3.6538505673316280, 1e-13, 0);
  ck_assert(fabs(omega[2]) <= 1e-13 * omega[0]);
  ck_assert_close(1 / (omega[0] * omega[0]) + 1 / (omega[1] * omega[1]), 0.093804595209077860,
                  1e-13, 0);
  /* independent route: eig(Mbar Sigma_W^{-1} Mbar^T) = omega^2 */
  double x[4 * 3];
  for (int j = 0; j < 4; j++)
    for (int c = 0; c < 3; c++) x[j * 3 + c] = mbar[c * 4 + j];
  ncd_test_naive_solve(4, 3, sw, 4, x, 3);
  double g[9], ev[3];
  ncd_test_naive_gemm(0, 0, 3, 3, 4, 1.0, mbar, 4, x, 3, 0.0, g, 3);
  ncd_test_jacobi_eigvals(3, g, 3, ev);
  ck_assert_close(sqrt(ev[2]), omega[0], 1e-12, 0);
  ck_assert_close(sqrt(ev[1]), omega[1], 1e-12, 0);
}
END_TEST

START_TEST(affine_and_unit_invariance) {
  double omega0[3], omega[3], h[12 * 4];
  snr_of(12, 4, 3, &H9[0][0], Y9, omega0, NULL, NULL);
  /* CP-14: rescaling columns by (1e-9, 1, 1e6, 3) leaves omega unchanged */
  const double sc[4] = {1e-9, 1, 1e6, 3};
  for (int i = 0; i < 12; i++)
    for (int j = 0; j < 4; j++) h[i * 4 + j] = H9[i][j] * sc[j];
  ck_assert_status(snr_of(12, 4, 3, h, Y9, omega, NULL, NULL), NCD_OK);
  for (int c = 0; c < 2; c++) ck_assert_close(omega[c], omega0[c], 1e-12, 0);
  /* h -> h A^T + 1 c^T with a well-conditioned A */
  const double A[4][4] = {{2, 1, 0, 0}, {0, 1, -1, 0}, {1, 0, 3, 1}, {0, 0, 1, -2}};
  const double shift[4] = {1e3, -5, 7, 2e2};
  for (int i = 0; i < 12; i++)
    for (int a = 0; a < 4; a++) {
      double t = shift[a];
      for (int j = 0; j < 4; j++) t += A[a][j] * H9[i][j];
      h[i * 4 + a] = t;
    }
  ck_assert_status(snr_of(12, 4, 3, h, Y9, omega, NULL, NULL), NCD_OK);
  for (int c = 0; c < 2; c++) ck_assert_close(omega[c], omega0[c], 1e-11, 0);
}
END_TEST

START_TEST(rank_test) {
  double omega[3], h[12 * 4];
  /* n - k < d: 6 samples, 3 classes, d = 4 */
  ck_assert_status(snr_of(6, 4, 3, &H9[0][0], Y9, omega, NULL, NULL), NCD_ESINGULAR);
  /* duplicated column */
  for (int i = 0; i < 12; i++) {
    memcpy(h + i * 4, H9[i], sizeof H9[i]);
    h[i * 4 + 3] = h[i * 4 + 1];
  }
  ck_assert_status(snr_of(12, 4, 3, h, Y9, omega, NULL, NULL), NCD_ESINGULAR);
  /* constant column: zero diagonal */
  for (int i = 0; i < 12; i++) h[i * 4 + 3] = 5.0;
  ck_assert_status(snr_of(12, 4, 3, h, Y9, omega, NULL, NULL), NCD_ESINGULAR);
  /* equilibration makes the test unit-free: a diagonal Sigma_W is never singular */
  double sw[4] = {1, 0, 0, 1e-30};
  ck_assert_status(ncd__sigma_w_rank_test(0, 2, 2, sw, 2), NCD_OK);
  /* nearly collinear columns: lambda_min(R) ~ 5e-16 <= 2 eps lambda_max */
  double col[4] = {1, 1, 1, 1 + 1e-15};
  ck_assert_status(ncd__sigma_w_rank_test(0, 2, 2, col, 2), NCD_ESINGULAR);
  col[3] = 1 + 1e-12;
  ck_assert_status(ncd__sigma_w_rank_test(0, 2, 2, col, 2), NCD_OK);
}
END_TEST

Suite *suite_stats_snr(void) {
  Suite *s = suite_create("stats_snr");
  TCase *tc = tcase_create("snr");
  tcase_add_test(tc, spec_vector);
  tcase_add_test(tc, affine_and_unit_invariance);
  tcase_add_test(tc, rank_test);
  suite_add_tcase(s, tc);
  return s;
}

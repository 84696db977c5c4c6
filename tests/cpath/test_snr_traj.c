/*
 * test_snr_traj.c - ncd_cpath_snr (CP-14), ncd_cpath_spectral (CP-15/16) and
 * ncd_cpath_trajectory (CP-20 + CP-15): the section 9 SNR and trajectory
 * vectors, omega_k ~ 0 for balanced labels, affine invariance, agreement with
 * sqrt(k eig(Sigma_B, Sigma_W)) computed naively, singular cases, float32.
 */
#include <float.h>
#include <stdlib.h>

#include "common/testutil.h"
#include "cpath/cpath_data.h"

START_TEST(section9_snr) {
  /* spec section 9, SNR: omega = {7.2735969692843900, 3.6538505673316280, 0};
   * the double route is within 8.5e-16 -> 1e-14; omega_3 <= 1e-13 omega_1 */
  double om[3], v[9], omf[3];
  ck_assert_status(ncd_cpath_snr(12, 4, 3, s9_h, 4, s9_y, om, v, 3, NULL, 0), NCD_OK);
  ck_assert_close(om[0], 7.2735969692843900, 1e-14, 0);
  ck_assert_close(om[1], 3.6538505673316280, 1e-14, 0);
  ck_assert(om[2] >= 0 && om[2] <= 1e-13 * om[0]);
  /* left vectors: orthonormal, and those of nonzero omega orthogonal to 1_k */
  for (int a = 0; a < 3; a++)
    for (int c = 0; c < 3; c++) {
      double s = 0;
      for (int r = 0; r < 3; r++) s += v[r * 3 + a] * v[r * 3 + c];
      ck_assert_close(s, a == c, 0, 1e-14);
    }
  for (int a = 0; a < 2; a++) ck_assert_close(v[a] + v[3 + a] + v[6 + a], 0, 0, 1e-14);
  /* right vectors (paper's U): U^T U = I on the nonzero omega, null column 0, and
   * Mbar(x) U = V Omega with x the renormalized features (Mbar(x) = Mbar Sigma_W^{-1/2}) */
  double u[12], v2[9], om2[3], x[48];
  ck_assert_status(ncd_cpath_snr(12, 4, 3, s9_h, 4, s9_y, om2, v2, 3, u, 3), NCD_OK);
  ck_assert(ncd_test_maxdiff(v, 3, v2, 3, 3, 3) == 0 && om2[0] == om[0]);
  for (int a = 0; a < 2; a++)
    for (int c = 0; c < 2; c++) {
      double s = 0;
      for (int r = 0; r < 4; r++) s += u[r * 3 + a] * u[r * 3 + c];
      ck_assert_close(s, a == c, 0, 1e-13);
    }
  for (int r = 0; r < 4; r++) ck_assert(u[r * 3 + 2] == 0);
  ck_assert_status(ncd_cpath_renormalize(12, 4, 3, s9_h, 4, s9_y, x, 4), NCD_OK);
  double mb[3][4] = {{0}};
  for (int i = 0; i < 12; i++)
    for (int j = 0; j < 4; j++) mb[s9_y[i]][j] += x[i * 4 + j] / 4; /* mu_G(x) = 0 */
  for (int c = 0; c < 3; c++)
    for (int a = 0; a < 2; a++) {
      double s = 0;
      for (int j = 0; j < 4; j++) s += mb[c][j] * u[j * 3 + a];
      ck_assert_close(s, v[c * 3 + a] * om[a], 0, 1e-13 * om[0]);
    }
  double u1[12]; /* u without v */
  ck_assert_status(ncd_cpath_snr(12, 4, 3, s9_h, 4, s9_y, om2, NULL, 0, u1, 3), NCD_OK);
  ck_assert(ncd_test_maxdiff(u, 3, u1, 3, 4, 3) == 0);
  ck_assert_status(ncd_cpath_snr(12, 4, 3, s9_h, 4, s9_y, om2, NULL, 0, u1, 2), NCD_EINVAL);
  float hf[48];
  for (int i = 0; i < 48; i++) hf[i] = (float)s9_h[i];
  ck_assert_status(ncd_cpath_snr_f32(12, 4, 3, hf, 4, s9_y, omf, NULL, 0, NULL, 0), NCD_OK);
  ck_assert_close(omf[0], om[0], 1e-15, 0);
  ck_assert_close(omf[1], om[1], 1e-15, 0);
  /* CP-15 check and sum omega^-2 (section 9) */
  double sp[4];
  ck_assert_status(ncd_cpath_spectral(3, 2, om, sp), NCD_OK);
  ck_assert_close(sp[0], 0.039523582525296472, 1e-14, 0);
  ck_assert_close(sp[3], 0.093804595209077860, 1e-14, 0);
  ck_assert_close(sp[0], sp[1] + sp[2], 1e-15, 0); /* L_LS = L_NC1 + L_NC2/3 */
  /* zeros are skipped: passing all three values changes nothing */
  double sp3[4], z3[3] = {om[0], om[1], 0};
  ck_assert_status(ncd_cpath_spectral(3, 3, z3, sp3), NCD_OK);
  ck_assert_close(sp3[0], sp[0], 1e-15, 0);
}
END_TEST

/* sqrt(k eig(Sigma_B, Sigma_W)) in long double: Cholesky of Sigma_W, then the
 * Jacobi eigenvalues of L^{-1} Sigma_B L^{-T} (descending into ev). */
static void naive_gen_eig(size_t n, size_t d, size_t k, const double *h, const int32_t *y,
                          double *ev) {
  long double mu[8][8] = {{0}}, mg[8] = {0}, sw[8][8] = {{0}}, L[8][8] = {{0}};
  size_t cnt[8] = {0};
  for (size_t i = 0; i < n; i++) {
    cnt[y[i]]++;
    for (size_t j = 0; j < d; j++) {
      mu[y[i]][j] += h[i * d + j];
      mg[j] += h[i * d + j] / n;
    }
  }
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) mu[c][j] /= cnt[c];
  for (size_t i = 0; i < n; i++)
    for (size_t p = 0; p < d; p++)
      for (size_t q = 0; q < d; q++)
        sw[p][q] += (h[i * d + p] - mu[y[i]][p]) * (h[i * d + q] - mu[y[i]][q]) / n;
  for (size_t p = 0; p < d; p++) { /* Cholesky */
    for (size_t q = 0; q <= p; q++) {
      long double s = sw[p][q];
      for (size_t r = 0; r < q; r++) s -= L[p][r] * L[q][r];
      L[p][q] = p == q ? sqrtl(s) : s / L[q][q];
    }
  }
  /* Z = L^{-1} Mbar^T (d x k), then B = Z Z^T / k = L^{-1} Sigma_B L^{-T} */
  long double z[8][8];
  for (size_t c = 0; c < k; c++)
    for (size_t p = 0; p < d; p++) {
      long double s = mu[c][p] - mg[p];
      for (size_t r = 0; r < p; r++) s -= L[p][r] * z[r][c];
      z[p][c] = s / L[p][p];
    }
  double bm[64];
  for (size_t p = 0; p < d; p++)
    for (size_t q = 0; q < d; q++) {
      long double s = 0;
      for (size_t c = 0; c < k; c++) s += z[p][c] * z[q][c];
      bm[p * d + q] = (double)(s / k);
    }
  double w[8];
  ncd_test_jacobi_eigvals(d, bm, d, w);
  for (size_t j = 0; j < d; j++) ev[j] = sqrt(fmax(0, (double)k * w[d - 1 - j]));
}

START_TEST(invariance_and_generalized_eig) {
  ncd_test_rng r;
  ncd_test_seed(&r, 23);
  size_t n = 60, d = 5, k = 4;
  double h[300], g[300], om[4], om2[4], ev[8];
  int32_t y[60];
  ncd_test_fill_normal(&r, h, n, d, d);
  ncd_test_labels(&r, y, n, k);
  for (size_t i = 0; i < n; i++) h[i * d + (size_t)y[i]] += 2.0;
  ck_assert_status(ncd_cpath_snr(n, d, k, h, d, y, om, NULL, 0, NULL, 0), NCD_OK);
  naive_gen_eig(n, d, k, h, y, ev);
  for (size_t j = 0; j < k - 1; j++) ck_assert_close(om[j], ev[j], 1e-12, 0);
  ck_assert(om[k - 1] <= 1e-13 * om[0]);
  /* h -> h A^T + 1 c^T with a random (invertible) A and huge c: omega unchanged */
  double a[25], cvec[5] = {1e6, -3e5, 7, 2e4, -1e6};
  ncd_test_fill_normal(&r, a, d, d, d);
  for (size_t i = 0; i < n; i++)
    for (size_t p = 0; p < d; p++) {
      double s = cvec[p];
      for (size_t q = 0; q < d; q++) s += a[p * d + q] * h[i * d + q];
      g[i * d + p] = s;
    }
  ck_assert_status(ncd_cpath_snr(n, d, k, g, d, y, om2, NULL, 0, NULL, 0), NCD_OK);
  /* the shift 1e6 costs eps |c| / spread ~ 1e-10 of relative accuracy */
  for (size_t j = 0; j < k - 1; j++) ck_assert_close(om2[j], om[j], 1e-9, 0);
  /* column scaling by 1e-9 .. 1e6: equilibration makes it harmless (1e-12) */
  double sc[5] = {1e-9, 1, 1e6, 3, 0.5};
  for (size_t i = 0; i < n; i++)
    for (size_t p = 0; p < d; p++) g[i * d + p] = h[i * d + p] * sc[p];
  ck_assert_status(ncd_cpath_snr(n, d, k, g, d, y, om2, NULL, 0, NULL, 0), NCD_OK);
  for (size_t j = 0; j < k - 1; j++) ck_assert_close(om2[j], om[j], 1e-12, 0);
}
END_TEST

START_TEST(snr_statuses) {
  double om[4], h[48];
  memcpy(h, s9_h, sizeof h);
  int32_t y[12];
  memcpy(y, s9_y, sizeof y);
  /* n - k < d */
  ck_assert_status(ncd_cpath_snr(6, 4, 3, h, 4, y, om, NULL, 0, NULL, 0), NCD_ESINGULAR);
  /* duplicated column -> singular Sigma_W */
  for (int i = 0; i < 12; i++) h[i * 4 + 3] = h[i * 4 + 0];
  ck_assert_status(ncd_cpath_snr(12, 4, 3, h, 4, y, om, NULL, 0, NULL, 0), NCD_ESINGULAR);
  memcpy(h, s9_h, sizeof h);
  ck_assert_status(ncd_cpath_snr(12, 4, 1, h, 4, y, om, NULL, 0, NULL, 0), NCD_EINVAL);
  ck_assert_status(ncd_cpath_snr(12, 4, 4, h, 4, y, om, NULL, 0, NULL, 0), NCD_EINVAL); /* empty class */
  ck_assert_status(ncd_cpath_snr(12, 4, 3, h, 3, y, om, NULL, 0, NULL, 0), NCD_EINVAL);
  ck_assert_status(ncd_cpath_snr(12, 4, 3, h, 4, y, NULL, NULL, 0, NULL, 0), NCD_EINVAL);
  ck_assert_status(ncd_cpath_snr(12, 4, 3, h, 4, y, om, om, 2, NULL, 0), NCD_EINVAL); /* ldv < 3 */
  ck_assert_status(ncd_cpath_snr(12, 4, 3, NULL, 4, y, om, NULL, 0, NULL, 0), NCD_EINVAL);
  y[0] = 3;
  ck_assert_status(ncd_cpath_snr(12, 4, 3, h, 4, y, om, NULL, 0, NULL, 0), NCD_EINVAL);
  y[0] = 2;
  h[7] = INFINITY;
  ck_assert_status(ncd_cpath_snr(12, 4, 3, h, 4, y, om, NULL, 0, NULL, 0), NCD_ENONFINITE);
  double sp[4], bad[2] = {1, -1}, nan2[2] = {1, NAN};
  ck_assert_status(ncd_cpath_spectral(3, 2, bad, sp), NCD_EINVAL);
  ck_assert_status(ncd_cpath_spectral(3, 2, nan2, sp), NCD_ENONFINITE);
  ck_assert_status(ncd_cpath_spectral(1, 2, om, sp), NCD_EINVAL);
  ck_assert_status(ncd_cpath_spectral(3, 0, om, sp), NCD_EINVAL);
  ck_assert_status(ncd_cpath_spectral(3, 2, NULL, sp), NCD_EINVAL);
  double zz[2] = {0, 0};
  ck_assert_status(ncd_cpath_spectral(3, 2, zz, sp), NCD_OK);
  ck_assert(isinf(sp[3]) && sp[0] == 0);
}
END_TEST

START_TEST(section9_trajectory) {
  /* spec section 9 trajectory table (C = 3, N = 4): omega to 1e-12 (kappa <= 1),
   * L_LS and sum omega^-2 to 1e-12 */
  double w0[3] = {7.2735969692843900, 3.6538505673316280, 0};
  double ts[4] = {1, 100, 1e4, 1e8};
  static const double want[4][4] = {
      {7.2741787191022128, 3.6572637729361071, 0.039475628886501415, 0.093661828422690715},
      {7.3311411746815755, 3.9641313899949980, 0.035528734116087643, 0.082242316776570485},
      {10.488221642132384, 9.7816591586991520, 0.0094915082955795573, 0.019542089777144250},
      {99.970839611615142, 99.970059347605362, 0.00010002910077910095, 0.00020011825450534852}};
  double om[4 * 5], spec[16];
  ck_assert_status(ncd_cpath_trajectory(3, 4, NCD_CPATH_ORTHOGONAL, 3, w0, 4, ts, om, 5, spec),
                   NCD_OK);
  for (int i = 0; i < 4; i++) {
    ck_assert_close(om[i * 5 + 0], want[i][0], 1e-12, 0);
    ck_assert_close(om[i * 5 + 1], want[i][1], 1e-12, 0);
    ck_assert(om[i * 5 + 2] == 0);
    ck_assert_close(spec[i * 4 + 0], want[i][2], 1e-12, 0);
    ck_assert_close(spec[i * 4 + 3], want[i][3], 1e-12, 0);
    ck_assert_close(spec[i * 4 + 1] + spec[i * 4 + 2], spec[i * 4 + 0], 1e-14, 0);
  }
  /* CP-29: sum omega^-2 ~ (C-1) sqrt(N/(4t)), L_LS ~ ((C-1)/2) sqrt(N/(4t)) at t = 1e10
   * (measured deviation of the leading terms below 7e-5) */
  double t10 = 1e10, o2[3];
  ck_assert_status(ncd_cpath_trajectory(3, 4, NCD_CPATH_ORTHOGONAL, 3, w0, 1, &t10, o2, 3, spec),
                   NCD_OK);
  ck_assert_close(spec[3], 2 * sqrt(4 / (4 * t10)), 7e-5, 0);
  ck_assert_close(spec[0], 1 * sqrt(4 / (4 * t10)), 7e-5, 0);
  /* the renormalized law agrees with ncd_cpath_omega_law */
  double wr;
  ck_assert_status(ncd_cpath_trajectory(3, 4, NCD_CPATH_RENORMALIZED, 3, w0, 4, ts, om, 5, NULL),
                   NCD_OK);
  ck_assert_status(ncd_cpath_omega_law(3, 4, w0[1], 1e4, NCD_CPATH_RENORMALIZED, &wr), NCD_OK);
  ck_assert(om[2 * 5 + 1] == wr);
  /* statuses */
  ck_assert_status(ncd_cpath_trajectory(3, 4, NCD_CPATH_ORTHOGONAL, 3, w0, 4, ts, om, 2, NULL),
                   NCD_EINVAL);
  ck_assert_status(ncd_cpath_trajectory(1, 4, NCD_CPATH_ORTHOGONAL, 3, w0, 4, ts, om, 5, NULL),
                   NCD_EINVAL);
  ck_assert_status(ncd_cpath_trajectory(3, 0, NCD_CPATH_ORTHOGONAL, 3, w0, 4, ts, om, 5, NULL),
                   NCD_EINVAL);
  ck_assert_status(ncd_cpath_trajectory(3, 4, (ncd_cpath_law)7, 3, w0, 4, ts, om, 5, NULL),
                   NCD_EINVAL);
  double tbad[2] = {1, NAN}, wbad[2] = {1, INFINITY};
  ck_assert_status(ncd_cpath_trajectory(3, 4, NCD_CPATH_ORTHOGONAL, 2, w0, 2, tbad, om, 5, NULL),
                   NCD_EINVAL);
  ck_assert_status(ncd_cpath_trajectory(3, 4, NCD_CPATH_ORTHOGONAL, 2, wbad, 2, ts, om, 5, NULL),
                   NCD_ENONFINITE);
}
END_TEST

START_TEST(renormalize) {
  /* CP-13 / CP-14 step 5: Sigma_W(x) = I, mu_G(x) = 0, omega(x) = omega(h), the map
   * hbar -> x is the symmetric Sigma_W^{-1/2}, LS predictions unchanged (lambda = 0) */
  ncd_test_rng r;
  ncd_test_seed(&r, 29);
  size_t n = 40, d = 4, k = 3;
  double h[160], x[40 * 6], om[3], omx[3];
  int32_t y[40];
  ncd_test_fill_normal(&r, h, n, d, d);
  ncd_test_labels(&r, y, n, k);
  for (size_t i = 0; i < n; i++) {
    h[i * d + (size_t)y[i]] += 1.0;
    h[i * d + 3] = 1e3 + 50 * h[i * d + 3]; /* offset and scale in one column */
  }
  ck_assert_status(ncd_cpath_renormalize(n, d, k, h, d, y, x, 6), NCD_OK);
  long double mu[3][4] = {{0}}, mg[4] = {0};
  size_t cnt[3] = {0};
  for (size_t i = 0; i < n; i++) {
    cnt[y[i]]++;
    for (size_t j = 0; j < d; j++) {
      mu[y[i]][j] += x[i * 6 + j];
      mg[j] += x[i * 6 + j] / n;
    }
  }
  for (size_t j = 0; j < d; j++) ck_assert(fabsl(mg[j]) <= 1e-13L);
  for (size_t p = 0; p < d; p++)
    for (size_t q = 0; q < d; q++) {
      long double s = 0;
      for (size_t i = 0; i < n; i++)
        s += (x[i * 6 + p] - mu[y[i]][p] / cnt[y[i]]) * (x[i * 6 + q] - mu[y[i]][q] / cnt[y[i]]);
      ck_assert_close((double)(s / n), p == q, 0, 1e-12);
    }
  ck_assert_status(ncd_cpath_snr(n, d, k, h, d, y, om, NULL, 0, NULL, 0), NCD_OK);
  ck_assert_status(ncd_cpath_snr(n, d, k, x, 6, y, omx, NULL, 0, NULL, 0), NCD_OK);
  for (int j = 0; j < 2; j++) ck_assert_close(omx[j], om[j], 1e-12, 0);
  /* symmetric map: S = (hbar^T hbar)^{-1} hbar^T x must be symmetric */
  double gm[16] = {0}, rhs[16] = {0}, mgh[4] = {0};
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) mgh[j] += h[i * d + j] / n;
  for (size_t i = 0; i < n; i++)
    for (size_t p = 0; p < d; p++)
      for (size_t q = 0; q < d; q++) {
        gm[p * d + q] += (h[i * d + p] - mgh[p]) * (h[i * d + q] - mgh[q]);
        rhs[p * d + q] += (h[i * d + p] - mgh[p]) * x[i * 6 + q];
      }
  ck_assert(ncd_test_naive_solve(d, d, gm, d, rhs, d) == 0);
  double smax = ncd_test_maxabs(rhs, d, d, d);
  for (size_t p = 0; p < d; p++)
    for (size_t q = 0; q < p; q++) ck_assert_close(rhs[p * d + q], rhs[q * d + p], 0, 1e-10 * smax);
  /* LS predictions invariant (CP-13), 1e-12 */
  double w[12], b[3], wx[12], bx[3];
  ck_assert_status(ncd_ls_classifier(n, d, k, h, d, y, 0, w, d, b), NCD_OK);
  ck_assert_status(ncd_ls_classifier(n, d, k, x, 6, y, 0, wx, d, bx), NCD_OK);
  for (size_t i = 0; i < n; i++)
    for (size_t c = 0; c < k; c++) {
      double p0 = b[c], p1 = bx[c];
      for (size_t j = 0; j < d; j++) {
        p0 += w[c * d + j] * h[i * d + j];
        p1 += wx[c * d + j] * x[i * 6 + j];
      }
      ck_assert_close(p1, p0, 0, 1e-12);
    }
  /* float32 twin on exactly representable data (section 9) */
  float hf[48];
  double x1[48], x2[48];
  for (int i = 0; i < 48; i++) hf[i] = (float)s9_h[i];
  ck_assert_status(ncd_cpath_renormalize(12, 4, 3, s9_h, 4, s9_y, x1, 4), NCD_OK);
  ck_assert_status(ncd_cpath_renormalize_f32(12, 4, 3, hf, 4, s9_y, x2, 4), NCD_OK);
  ck_assert(ncd_test_maxdiff(x1, 4, x2, 4, 12, 4) <= 1e-14);
  /* statuses */
  ck_assert_status(ncd_cpath_renormalize(6, 4, 3, s9_h, 4, s9_y, x1, 4), NCD_ESINGULAR);
  ck_assert_status(ncd_cpath_renormalize(12, 4, 3, s9_h, 4, s9_y, x1, 3), NCD_EINVAL);
  ck_assert_status(ncd_cpath_renormalize(12, 4, 3, s9_h, 4, s9_y, NULL, 4), NCD_EINVAL);
  ck_assert_status(ncd_cpath_renormalize(12, 4, 4, s9_h, 4, s9_y, x1, 4), NCD_EINVAL);
  hf[3] = NAN;
  ck_assert_status(ncd_cpath_renormalize_f32(12, 4, 3, hf, 4, s9_y, x2, 4), NCD_ENONFINITE);
}
END_TEST

Suite *suite_cpath_snr_traj(void) {
  Suite *s = suite_create("cpath_snr_traj");
  TCase *tc = tcase_create("snr_traj");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, section9_snr);
  tcase_add_test(tc, invariance_and_generalized_eig);
  tcase_add_test(tc, snr_statuses);
  tcase_add_test(tc, section9_trajectory);
  tcase_add_test(tc, renormalize);
  suite_add_tcase(s, tc);
  return s;
}

/*
 * spectral.c - predictions along the central path (spec/central-path.md CP-15,
 * CP-16, CP-20/21, CP-29): the spectral form of L_LS, L_NC1, L_NC2/3 and the
 * whitened NC1 sum w^-2 from SNR singular values (Lemma 1, App. D.2), and the
 * trajectory omega_j(t) of every singular value with those quantities.
 */
#include <math.h>

#include "cpath_internal.h"

/* CP-15 / CP-16 terms; omega validated (finite, >= 0). */
static void spectral(double cc, size_t m, const double *omega, size_t stride,
                     double out[4]) {
  double lls = 0.0, nc1 = 0.0, nc23 = 0.0, inv = 0.0;
  int any = 0;
  for (size_t j = 0; j < m; j++) {
    double w = omega[j * stride];
    if (w == 0.0) continue;
    any = 1;
    double x = w * w, a = cc + x;
    lls += 1.0 / a;
    nc1 += (x / a) / a;
    nc23 += (cc / a) / a;
    inv += (1.0 / w) / w;
  }
  out[0] = 0.5 * lls;
  out[1] = 0.5 * nc1;
  out[2] = 0.5 * nc23;
  out[3] = any ? inv : INFINITY;
}

/* NaN/Inf first (NCD_ENONFINITE, also for -Inf), then a negative omega */
static int check_omegas(size_t m, const double *omega) {
  NCD_TRY(ncd__scan_finite_vec(omega, m));
  for (size_t j = 0; j < m; j++)
    if (omega[j] < 0.0) return NCD_EINVAL;
  return NCD_OK;
}

NCD_API int ncd_cpath_spectral(size_t c, size_t m, const double *omega, double out[4]) {
  NCD_TRY(ncd__check_ptr(omega));
  NCD_TRY(ncd__check_ptr(out));
  NCD_TRY(ncd__check_size(m));
  if (c < 2) return NCD_EINVAL;
  NCD_TRY(check_omegas(m, omega));
  spectral((double)c, m, omega, 1, out);
  return NCD_OK;
}

NCD_API int ncd_cpath_trajectory(size_t c, size_t n_per_class, ncd_cpath_law law,
                                 size_t m, const double *omega0, size_t nt,
                                 const double *t, double *omega_out, size_t ldo,
                                 double *spec_out) {
  NCD_TRY(ncd__check_ptr(omega0));
  NCD_TRY(ncd__check_ptr(t));
  NCD_TRY(ncd__check_matrix(omega_out, nt, m, ldo, sizeof(double)));
  if (c < 2 || n_per_class == 0) return NCD_EINVAL;
  if (law != NCD_CPATH_ORTHOGONAL && law != NCD_CPATH_RENORMALIZED) return NCD_EINVAL;
  for (size_t i = 0; i < nt; i++) NCD_TRY(ncd__check_scalar_finite(t[i]));
  NCD_TRY(check_omegas(m, omega0));
  for (size_t i = 0; i < nt; i++) {
    double *row = omega_out + i * ldo;
    for (size_t j = 0; j < m; j++) {
      if (omega0[j] == 0.0) {
        row[j] = 0.0; /* the null direction is a fixed point of CP-19 */
        continue;
      }
      NCD_TRY(ncd__cpath_solve(c, n_per_class, omega0[j], t[i], (int)law, row + j));
    }
    if (spec_out) spectral((double)c, m, row, 1, spec_out + 4 * i);
  }
  return NCD_OK;
}

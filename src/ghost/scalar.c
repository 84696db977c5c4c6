/*
 * scalar.c - closed-form ghost radii and the controller arithmetic
 * (spec/ghosts.md): the binary radius and ghost location (2.2), the
 * temperature bound pi T / Delta (2.8), activation radii (2.8, S1 App. 2
 * eq. 21), the normalized step r = tau / rho (1, S1 eq. 17) and the step
 * scale of the rho controller (3.1, spec 4 item 8).
 */
#include <math.h>

#include "ghost_internal.h"

NCD_API int ncd_ghost_rho_binary(double delta, double da, double *rho, double *ghost) {
  NCD_TRY(ncd__check_ptr(rho));
  NCD_TRY(ncd__check_scalar_finite(delta));
  NCD_TRY(ncd__check_scalar_finite(da));
  if (da == 0.0) {
    *rho = INFINITY;
    if (ghost) ghost[0] = ghost[1] = INFINITY;
    return NCD_OK;
  }
  /* t = (-delta + i pi) / da with the sign of Im chosen positive */
  double ada = fabs(da);
  *rho = hypot(delta, M_PI) / ada;
  if (ghost) {
    ghost[0] = -delta / da;
    ghost[1] = M_PI / ada;
  }
  return NCD_OK;
}

NCD_API int ncd_ghost_radius_bound_temp(size_t n, size_t k, const double *a, size_t lda,
                                        double temperature, double *rho, size_t *argmax) {
  NCD_TRY(ncd__check_scalar_positive(temperature));
  double r;
  size_t arg;
  NCD_TRY(ncd_ghost_radius_bound(n, k, a, lda, rho ? &r : NULL, &arg));
  *rho = r * temperature; /* pi T / Delta; Inf stays Inf */
  if (argmax) *argmax = arg;
  return NCD_OK;
}

NCD_API int ncd_ghost_activation_radius(int activation, size_t n, const double *h,
                                        const double *hdot, double *rho, size_t *argmin) {
  NCD_TRY(ncd__check_ptr(rho));
  if (activation < NCD_GHOST_RELU || activation > NCD_GHOST_TANH) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(h, 1, n, n, sizeof(double)));
  NCD_TRY(ncd__check_matrix(hdot, 1, n, n, sizeof(double)));
  NCD_TRY(ncd__scan_finite_vec(h, n));
  NCD_TRY(ncd__scan_finite_vec(hdot, n));
  /* distance from h to the nearest singularity of the activation's analytic
   * continuation: ReLU's kink at 0, sigmoid's poles at +-i pi (2q+1),
   * tanh's at +-i pi/2 (2q+1) */
  double im = activation == NCD_GHOST_SIGMOID ? M_PI : M_PI / 2;
  double best = INFINITY;
  size_t arg = 0;
  for (size_t j = 0; j < n; j++) {
    if (hdot[j] == 0.0) continue;
    double d = activation == NCD_GHOST_RELU ? fabs(h[j]) : hypot(h[j], im);
    double r = d / fabs(hdot[j]);
    if (r < best) {
      best = r;
      arg = j;
    }
  }
  *rho = best;
  if (argmin) *argmin = arg;
  return NCD_OK;
}

NCD_API int ncd_ghost_normalized_step(double tau, double rho, double *r) {
  NCD_TRY(ncd__check_ptr(r));
  NCD_TRY(ncd__check_scalar_nonnegative(tau));
  if (!(rho > 0.0)) return NCD_EINVAL; /* NaN, 0, negative; +Inf allowed */
  *r = tau / rho;
  return NCD_OK;
}

NCD_API int ncd_ghost_step_scale(double lr, double unit_norm, double rho, double r_target,
                                 int set_mode, double *lr_eff) {
  NCD_TRY(ncd__check_ptr(lr_eff));
  NCD_TRY(ncd__check_scalar_positive(lr));
  NCD_TRY(ncd__check_scalar_nonnegative(unit_norm));
  NCD_TRY(ncd__check_scalar_positive(r_target));
  if (!(rho > 0.0)) return NCD_EINVAL;
  if (set_mode != 0 && set_mode != 1) return NCD_EINVAL;
  if (unit_norm < 1e-12 || isinf(rho)) { /* spec 3.1: take the plain step */
    *lr_eff = lr;
    return NCD_OK;
  }
  double cap = r_target * rho / unit_norm;
  *lr_eff = set_mode ? cap : (cap < lr ? cap : lr);
  return NCD_OK;
}

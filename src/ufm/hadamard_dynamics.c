/*
 * hadamard_dynamics.c - the reduced singular-value dynamics of the
 * Hadamard-initialized CE UFM (spec/init.md 3.4): c_m of I-20 from the
 * positive butterfly (I-18) and the GD recursion I-21 with optional weight
 * decay, O(k log k) per step.
 */
#include <math.h>

#include "hadamard_internal.h"
#include "init/init_internal.h"

NCD_API int ncd_hadamard_gd(size_t k, size_t nc, double eta, double lambda_w,
                            double lambda_h, size_t steps, double *sigma_w,
                            double *sigma_h, double *loss_trace) {
  NCD_TRY(ncd__check_ptr(sigma_w));
  NCD_TRY(ncd__check_ptr(sigma_h));
  if (k < 2 || nc == 0) return NCD_EINVAL;
  if (eta < 0 || lambda_w < 0 || lambda_h < 0) return NCD_EINVAL;
  if (steps == SIZE_MAX && loss_trace) return NCD_EINVAL; /* steps + 1 overflows */
  if (k & (k - 1)) return NCD_ENOTSUP;
  if (!isfinite(eta) || !isfinite(lambda_w) || !isfinite(lambda_h)) return NCD_ENONFINITE;
  NCD_TRY(ncd__scan_finite_vec(sigma_w, k));
  NCD_TRY(ncd__scan_finite_vec(sigma_h, k));
  double *buf = ncd__malloc_array(k, 5 * sizeof(double));
  if (!buf) return NCD_ENOMEM;
  double *s = buf, *pi = buf + k, *od = buf + 2 * k, *work = buf + 3 * k;
  double scale = 2.0 / ((double)k * sqrt((double)nc)); /* c_m = scale * Od_m */
  for (size_t t = 0;; t++) {
    for (size_t m = 0; m < k; m++) s[m] = sigma_w[m] * sigma_h[m];
    double loss = ncd__walsh_spectrum(k, (double)nc, s, pi, od, work);
    if (loss_trace) loss_trace[t] = loss;
    if (t == steps) break;
    for (size_t m = 0; m < k; m++) {
      double c = m ? scale * od[m] : 0.0, a = sigma_w[m], b = sigma_h[m];
      double ga = c * b, gb = c * a;
      if (lambda_w != 0.0) ga -= lambda_w * a;
      if (lambda_h != 0.0) gb -= lambda_h * b;
      sigma_w[m] = a + eta * ga;
      sigma_h[m] = b + eta * gb;
    }
  }
  ncd__free(buf);
  return NCD_OK;
}

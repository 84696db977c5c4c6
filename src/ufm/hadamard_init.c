/*
 * hadamard_init.c - the Hadamard initialization of the UFM (spec/init.md
 * I-16) for k = 2^a classes and the ETF-symmetric initialization for any k
 * (I-27), built from the init layer's Sylvester signs, Stiefel rows and simplex
 * ETF; float32 twin. w = Q_S diag(sigma_w) O, h = V_S diag(sigma_h) O with
 * V = E Q / sqrt(nc).
 */
#include <math.h>
#include <string.h>

#include "hadamard_internal.h"
#include "init/init_internal.h"
#include "kernels/kernels_internal.h"

int ncd__ufm_check_start(size_t n, size_t d, size_t k, const int32_t *y, const void *w,
                         size_t ldw, const void *h, size_t ldh, size_t elem) {
  if (k < 2 || n == 0 || d == 0) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(w, k, d, ldw, elem));
  NCD_TRY(ncd__check_matrix(h, n, d, ldh, elem));
  NCD_TRY(ncd__check_labels(y, n, k));
  if (n % k != 0) return NCD_EINVAL;
  size_t *cnt = ncd__calloc(k, sizeof *cnt);
  if (!cnt) return NCD_ENOMEM;
  for (size_t i = 0; i < n; i++) cnt[y[i]]++;
  int st = NCD_OK;
  for (size_t c = 0; c < k; c++)
    if (cnt[c] != n / k) st = NCD_EINVAL;
  ncd__free(cnt);
  return st;
}

static double walsh_sign(size_t c, size_t m) {
  return (__builtin_popcountll((unsigned long long)(c & m)) & 1) ? -1.0 : 1.0;
}

/* Validation of I-16 up to the data scan; *r = number of active modes. */
static int check_hadamard_start(size_t n, size_t d, size_t k, const int32_t *y,
                                const double *sw, const double *sh, const void *w,
                                size_t ldw, const void *h, size_t ldh, size_t elem,
                                size_t *r) {
  NCD_TRY(ncd__check_ptr(sw));
  NCD_TRY(ncd__check_ptr(sh));
  NCD_TRY(ncd__ufm_check_start(n, d, k, y, w, ldw, h, ldh, elem));
  size_t act = 0;
  for (size_t m = 0; m < k; m++) act += (sw[m] != 0.0 || sh[m] != 0.0);
  if (act > d) return NCD_EINVAL;
  if (k & (k - 1)) return NCD_ENOTSUP;
  NCD_TRY(ncd__scan_finite_vec(sw, k));
  NCD_TRY(ncd__scan_finite_vec(sh, k));
  *r = act;
  return NCD_OK;
}

/* I-16 into double w (k x d) and h (n x d); arguments valid. */
static int hadamard_start(size_t n, size_t d, size_t k, const int32_t *y, const double *sw,
                          const double *sh, size_t r, uint64_t seed, double *w, size_t ldw,
                          double *h, size_t ldh) {
  for (size_t c = 0; c < k; c++) memset(w + c * ldw, 0, d * sizeof *w);
  for (size_t i = 0; i < n; i++) memset(h + i * ldh, 0, d * sizeof *h);
  if (r == 0) return NCD_OK;
  double *o = ncd__malloc_array(r * d + 2 * k * r + k * d, sizeof(double));
  size_t *act = ncd__malloc_array(r, sizeof *act);
  int st = (o && act) ? NCD_OK : NCD_ENOMEM;
  if (st == NCD_OK) st = ncd__stiefel(r, d, seed, o, d);
  if (st == NCD_OK) {
    double *cw = o + r * d, *ch = cw + k * r, *hb = ch + k * r;
    double rk = sqrt((double)k), rn = sqrt((double)(n / k));
    for (size_t m = 0, j = 0; m < k; m++)
      if (sw[m] != 0.0 || sh[m] != 0.0) act[j++] = m;
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < r; j++) {
        double q = walsh_sign(c, act[j]) / rk; /* Q[c][S_j] */
        cw[c * r + j] = q * sw[act[j]];
        ch[c * r + j] = q * sh[act[j]] / rn;
      }
    ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, k, d, r, 1.0, cw, r, o, d, 0.0, w, ldw);
    ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, k, d, r, 1.0, ch, r, o, d, 0.0, hb, d);
    for (size_t i = 0; i < n; i++) memcpy(h + i * ldh, hb + (size_t)y[i] * d, d * sizeof *h);
  }
  ncd__free(o);
  ncd__free(act);
  return st;
}

NCD_API int ncd_hadamard_ufm_init(size_t n, size_t d, size_t k, const int32_t *y,
                                  const double *sigma_w, const double *sigma_h,
                                  uint64_t seed, double *w, size_t ldw, double *h,
                                  size_t ldh) {
  size_t r;
  NCD_TRY(check_hadamard_start(n, d, k, y, sigma_w, sigma_h, w, ldw, h, ldh,
                               sizeof(double), &r));
  return hadamard_start(n, d, k, y, sigma_w, sigma_h, r, seed, w, ldw, h, ldh);
}

NCD_API int ncd_hadamard_ufm_init_f32(size_t n, size_t d, size_t k, const int32_t *y,
                                      const double *sigma_w, const double *sigma_h,
                                      uint64_t seed, float *w, size_t ldw, float *h,
                                      size_t ldh) {
  size_t r;
  NCD_TRY(check_hadamard_start(n, d, k, y, sigma_w, sigma_h, w, ldw, h, ldh,
                               sizeof(float), &r));
  double *tw = ncd__malloc_array((k + n) * d, sizeof(double));
  if (!tw) return NCD_ENOMEM;
  double *th = tw + k * d;
  int st = hadamard_start(n, d, k, y, sigma_w, sigma_h, r, seed, tw, d, th, d);
  if (st == NCD_OK) {
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++) w[c * ldw + j] = (float)tw[c * d + j];
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < d; j++) h[i * ldh + j] = (float)th[i * d + j];
  }
  ncd__free(tw);
  return st;
}

NCD_API int ncd_etf_ufm_init(size_t n, size_t d, size_t k, const int32_t *y,
                             double sigma_w, double sigma_h, uint64_t seed, double *w,
                             size_t ldw, double *h, size_t ldh) {
  NCD_TRY(ncd__ufm_check_start(n, d, k, y, w, ldw, h, ldh, sizeof(double)));
  if (d + 1 < k || k > ((size_t)1 << 21)) return NCD_EINVAL;
  NCD_TRY(ncd__check_scalar_finite(sigma_w));
  NCD_TRY(ncd__check_scalar_finite(sigma_h));
  NCD_TRY(ncd__simplex_etf(k, d, seed, w, ldw)); /* M into w */
  double zeta = sqrt((double)(k - 1) / (double)k);
  double fh = sigma_h * zeta / sqrt((double)(n / k)), fw = sigma_w * zeta;
  for (size_t i = 0; i < n; i++) {
    const double *mi = w + (size_t)y[i] * ldw;
    for (size_t j = 0; j < d; j++) h[i * ldh + j] = fh * mi[j];
  }
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) w[c * ldw + j] *= fw;
  return NCD_OK;
}

/*
 * snr_public.c - the public SNR spectrum of spec/central-path.md CP-14 from
 * features: class statistics and the within-class covariance from src/stats/,
 * then the shared ncd__snr_spectrum (one rank test, shared with the metrics
 * layer's NCD_SNR_MIN/MAX).
 */
#include <string.h>

#include "cpath_internal.h"

static int snr_common(size_t n, size_t d, size_t k, const double *h, const float *hf,
                      size_t ldh, const int32_t *y, double *omega, double *v,
                      size_t ldv) {
  size_t m = k < d ? k : d;
  NCD_TRY(ncd__check_matrix(h ? (const void *)h : (const void *)hf, n, d, ldh,
                            h ? sizeof(double) : sizeof(float)));
  if (k < 2) return NCD_EINVAL;
  NCD_TRY(ncd__check_ptr(omega));
  NCD_TRY(ncd__check_matrix_opt(v, k, m, ldv, sizeof(double)));
  NCD_TRY(ncd__check_labels(y, n, k));
  size_t *cnt = ncd__calloc(k, sizeof(size_t));
  if (!cnt) return NCD_ENOMEM;
  for (size_t i = 0; i < n; i++) cnt[y[i]]++;
  int empty = 0;
  for (size_t c = 0; c < k; c++) empty |= cnt[c] == 0;
  ncd__free(cnt);
  if (empty) return NCD_EINVAL;
  NCD_TRY(h ? ncd__scan_finite(h, n, d, ldh) : ncd__scan_finite_f32(hf, n, d, ldh));
  if (n < k + d) return NCD_ESINGULAR; /* CP-14 step 1, before any O(n d^2) work */
  ncd__rowsrc src;
  NCD_TRY(ncd__rowsrc_init(&src, h, hf, n, d, ldh, (size_t)1 << 20));
  ncd__lsdata ls;
  int st = ncd__lsdata_compute(&src, d, k, y, &ls);
  ncd__rowsrc_free(&src);
  if (st != NCD_OK) return st;
  st = ncd__snr_spectrum(n, d, k, ls.sigma_w, d, ls.cs.mbar, d, omega, v, ldv);
  ncd__lsdata_free(&ls);
  return st;
}

NCD_API int ncd_cpath_snr(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                          const int32_t *y, double *omega, double *v, size_t ldv) {
  NCD_TRY(ncd__check_ptr(h));
  return snr_common(n, d, k, h, NULL, ldh, y, omega, v, ldv);
}

NCD_API int ncd_cpath_snr_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                              const int32_t *y, double *omega, double *v, size_t ldv) {
  NCD_TRY(ncd__check_ptr(h));
  return snr_common(n, d, k, NULL, h, ldh, y, omega, v, ldv);
}

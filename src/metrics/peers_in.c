/*
 * peers_in.c - the input side shared by the peer calls and their twins
 * (spec/metrics-peers.md section 11; design.md "float32 blocks"): features as
 * float64 or float32 (read through core's row source, float32 block by block),
 * labels as int32 or int64 (range-checked like ncd__check_labels_i64, then
 * narrowed to int32 for the shared path), the validation of (n, d, k, h, ldh,
 * y) and pass 1 (class means with the fused NaN/Inf scan).
 */
#include <stdint.h>
#include <string.h>

#include "metrics_internal.h"

int ncd__peers_labels(size_t n, size_t k, const int32_t *y32, const int64_t *y64) {
  if (!y32 && !y64) return NCD_EINVAL;
  if (!y64) return ncd__check_labels(y32, n, k);
  NCD_TRY(ncd__check_labels_i64(y64, n, k));
  for (size_t i = 0; i < n; i++) /* narrowed to int32 below (k > 2^31 only) */
    if (y64[i] > INT32_MAX) return NCD_EINVAL;
  return NCD_OK;
}

int ncd__peers_y32(size_t n, const int32_t *y32, const int64_t *y64, int32_t **buf,
                   const int32_t **y) {
  *buf = NULL;
  *y = y32;
  if (!y64) return NCD_OK;
  *buf = ncd__malloc_array(n, sizeof(int32_t));
  if (!*buf) return NCD_ENOMEM;
  for (size_t i = 0; i < n; i++) (*buf)[i] = (int32_t)y64[i];
  *y = *buf;
  return NCD_OK;
}

int ncd__peers_scan(const double *h64, const float *h32, size_t n, size_t d, size_t ld) {
  return h64 ? ncd__scan_finite(h64, n, d, ld) : ncd__scan_finite_f32(h32, n, d, ld);
}

int ncd__peers_check_in(const ncd__pin *a) {
  const void *h = a->h64 ? (const void *)a->h64 : (const void *)a->h32;
  if (!h || a->k < 2) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(h, a->n, a->d, a->ldh, a->h64 ? sizeof(double) : sizeof(float)));
  size_t kd;
  if (ncd__mul_overflows(a->k, a->d, &kd) || ncd__mul_overflows(kd, 3 * sizeof(double), &kd))
    return NCD_EINVAL;
  NCD_TRY(ncd__peers_labels(a->n, a->k, a->y32, a->y64));
  size_t *cnt = ncd__calloc(a->k, sizeof(size_t));
  if (!cnt) return NCD_ENOMEM;
  for (size_t i = 0; i < a->n; i++) cnt[a->y64 ? (size_t)a->y64[i] : (size_t)a->y32[i]]++;
  int st = NCD_OK;
  for (size_t c = 0; c < a->k; c++)
    if (!cnt[c]) st = NCD_EINVAL;
  ncd__free(cnt);
  return st;
}

int ncd__peers_pass1_src(const ncd__pin *a, const int32_t *y, ncd__cstats *s,
                         ncd__rowsrc *src) {
  memset(src, 0, sizeof *src);
  int st = ncd__cstats_alloc(a->d, a->k, s);
  if (st != NCD_OK) return st;
  st = ncd__rowsrc_init(src, a->h64, a->h32, a->n, a->d, a->ldh, ncd__nc_block_bytes(a->d));
  if (st == NCD_OK) st = ncd__cstats_means(s, src, y);
  /* NaN/Inf anywhere in a row of class c (float64 or float32) makes m_c non-finite */
  if (st == NCD_OK) st = ncd__scan_finite(s->m, a->k, a->d, a->d);
  if (st != NCD_OK) {
    ncd__rowsrc_free(src);
    ncd__cstats_free(s);
  }
  return st;
}

int ncd__peers_begin(const ncd__pin *a, int32_t **ybuf, const int32_t **y) {
  *ybuf = NULL;
  NCD_TRY(ncd__peers_check_in(a));
  return ncd__peers_y32(a->n, a->y32, a->y64, ybuf, y);
}

/*
 * stream_cka.c - the streaming, mergeable linear CKA object (spec/metrics-peers.md
 * P-15, feature-space form): the state is n, the column means of x and z
 * relative to their first rows, and the centred co-moments Cxx (d1 x d1), Czz
 * (d2 x d2), Cxz (d1 x d2), merged by the Chan update
 * C = C_a + C_b + (n_a n_b / n) dx dz^T (stream_mom.c); the value is
 * ||Cxz||_F^2 / (||Cxx||_F ||Czz||_F), the final step of ncd_linear_cka.
 * Byte format "NCDK" v1.0 (docs/peers.md "Streaming"). Public ncd_cka_acc_*.
 */
#include <math.h>
#include <string.h>

#include "metrics_internal.h"

struct ncd_cka_acc {
  size_t d1, d2;
  ncd__pmom mom; /* a = x, b = z; C_aa, C_bb, C_ab */
};

static const char cka_magic[4] = {'N', 'C', 'D', 'K'};

/* Sizes whose state (and a block buffer) fits size_t byte counts. */
static int cka_sizes_ok(size_t d1, size_t d2) {
  size_t t;
  if (d1 == 0 || d2 == 0 || d1 + d2 < d1) return 0;
  if (ncd__mul_overflows(d1 + d2, d1 + d2, &t) || ncd__mul_overflows(t, 16, &t)) return 0;
  return t < ((size_t)1 << 58);
}

static int cka_new(size_t d1, size_t d2, ncd_cka_acc **out) {
  ncd_cka_acc *a = ncd__calloc(1, sizeof *a);
  if (!a) return NCD_ENOMEM;
  a->d1 = d1;
  a->d2 = d2;
  if (ncd__pmom_alloc(d1, d2, NCD__PM_AA | NCD__PM_BB | NCD__PM_AB, &a->mom) != NCD_OK) {
    ncd__free(a);
    return NCD_ENOMEM;
  }
  *out = a;
  return NCD_OK;
}

NCD_API int ncd_cka_acc_create(size_t d1, size_t d2, ncd_cka_acc **acc) {
  NCD_TRY(ncd__check_ptr(acc));
  if (!cka_sizes_ok(d1, d2)) return NCD_EINVAL;
  return cka_new(d1, d2, acc);
}

NCD_API void ncd_cka_acc_free(ncd_cka_acc *acc) {
  if (!acc) return;
  ncd__pmom_free(&acc->mom);
  ncd__free(acc);
}

static int cka_update(ncd_cka_acc *acc, size_t n, const ncd__srows *x, const ncd__srows *z) {
  size_t d1 = acc->d1, d2 = acc->d2;
  size_t bs = ncd__block_rows(d1 + d2, ncd__nc_block_bytes(d1 + d2));
  if (bs > n) bs = n;
  double *work = ncd__malloc_array(ncd__pmom_work(&acc->mom, bs), sizeof(double));
  if (!work) return NCD_ENOMEM;
  ncd__pmom_update(&acc->mom, n, x, z, bs, work);
  ncd__free(work);
  return NCD_OK;
}

/* Validation shared by the two update twins (elem: sizeof an element). */
static int cka_check(const ncd_cka_acc *acc, size_t n, const void *x, size_t ldx, const void *z,
                     size_t ldz, size_t elem) {
  NCD_TRY(ncd__check_ptr(acc));
  NCD_TRY(ncd__check_size(n));
  NCD_TRY(ncd__check_matrix(x, n, acc->d1, ldx, elem));
  return ncd__check_matrix(z, n, acc->d2, ldz, elem);
}

NCD_API int ncd_cka_acc_update(ncd_cka_acc *acc, size_t n, const double *x, size_t ldx,
                               const double *z, size_t ldz) {
  NCD_TRY(cka_check(acc, n, x, ldx, z, ldz, sizeof(double)));
  NCD_TRY(ncd__scan_finite(x, n, acc->d1, ldx));
  NCD_TRY(ncd__scan_finite(z, n, acc->d2, ldz));
  ncd__srows rx = {x, NULL, ldx}, rz = {z, NULL, ldz};
  return cka_update(acc, n, &rx, &rz);
}

NCD_API int ncd_cka_acc_update_f32(ncd_cka_acc *acc, size_t n, const float *x, size_t ldx,
                                   const float *z, size_t ldz) {
  NCD_TRY(cka_check(acc, n, x, ldx, z, ldz, sizeof(float)));
  NCD_TRY(ncd__scan_finite_f32(x, n, acc->d1, ldx));
  NCD_TRY(ncd__scan_finite_f32(z, n, acc->d2, ldz));
  ncd__srows rx = {NULL, x, ldx}, rz = {NULL, z, ldz};
  return cka_update(acc, n, &rx, &rz);
}

NCD_API int ncd_cka_acc_merge(ncd_cka_acc *dst, const ncd_cka_acc *src) {
  if (!dst || !src || dst == src || dst->d1 != src->d1 || dst->d2 != src->d2)
    return NCD_EINVAL;
  double *work = ncd__malloc_array(dst->d1 + dst->d2, sizeof(double));
  if (!work) return NCD_ENOMEM;
  ncd__pmom_merge(&dst->mom, &src->mom, work);
  ncd__free(work);
  return NCD_OK;
}

NCD_API int ncd_cka_acc_value(const ncd_cka_acc *acc, double *cka) {
  if (!acc || !cka) return NCD_EINVAL;
  *cka = ncd__cka_from_moments(acc->d1, acc->d2, acc->mom.caa, acc->mom.cbb, acc->mom.cab);
  return NCD_OK;
}

NCD_API int ncd_cka_acc_save(const ncd_cka_acc *acc, void *buf, size_t cap, size_t *len) {
  if (!acc || !len) return NCD_EINVAL;
  size_t p = ncd__pmom_bytes(&acc->mom), total = ncd__sf_size(p);
  *len = total; /* also when cap is too small (api.md: the size needed) */
  if (buf && cap < total) return NCD_EINVAL;
  if (!buf) return NCD_OK;
  unsigned char *b = buf;
  ncd__sf_header(b, cka_magic, 0, acc->d1, acc->d2, acc->mom.n, 0, p);
  ncd__pmom_put(&acc->mom, b + NCD__SF_HDR);
  ncd__sf_seal(b, p);
  return NCD_OK;
}

NCD_API int ncd_cka_acc_load(const void *buf, size_t len, ncd_cka_acc **acc) {
  if (!buf || !acc) return NCD_EINVAL;
  const unsigned char *b = buf;
  ncd__sfhdr h = {0};
  NCD_TRY(ncd__sf_parse(b, len, cka_magic, &h));
  if (h.flags != 0 || h.extra != 0 || h.s1 > SIZE_MAX || h.s2 > SIZE_MAX ||
      !cka_sizes_ok((size_t)h.s1, (size_t)h.s2))
    return NCD_EFORMAT;
  size_t d1 = (size_t)h.s1, d2 = (size_t)h.s2;
  uint64_t p = 8 * ((uint64_t)2 * (d1 + d2) + (uint64_t)d1 * (d1 + 1) / 2 +
                    (uint64_t)d2 * (d2 + 1) / 2 + (uint64_t)d1 * d2);
  if (h.payload != p) return NCD_EFORMAT;
  ncd_cka_acc *a = NULL;
  NCD_TRY(cka_new(d1, d2, &a));
  int bad = 0;
  a->mom.n = h.n;
  ncd__pmom_get(&a->mom, b + NCD__SF_HDR, &bad);
  if (bad || !ncd__pmom_consistent(&a->mom)) {
    ncd_cka_acc_free(a);
    return NCD_EFORMAT;
  }
  *acc = a;
  return NCD_OK;
}

/*
 * object.c - the ncd_ufm object (api.md "The unconstrained features model"):
 * creation with a copy of the labels and the objective's workspace, the
 * zstd-style parameter setters/getters with validation, and the statistics of
 * the last training step.
 */
#include <math.h>
#include <string.h>

#include "ufm_internal.h"

static const double default_param[NCD__UFM_NPARAM] = {
    NCD_LOSS_CE, /* LOSS */
    0.0,         /* LAMBDA_W */
    0.0,         /* LAMBDA_H */
    0.0,         /* LAMBDA_B */
    1.0,         /* ALPHA */
    1.0,         /* M */
    1.0,         /* BIAS */
    0.1,         /* LR */
    0.0,         /* MOMENTUM */
    NCD_STEP_FIXED, /* STEP_POLICY */
    1.0,         /* CLIP */
    1.0          /* R_TARGET */
};

NCD_API int ncd_ufm_create(size_t n, size_t d, size_t k, const int32_t *y, ncd_ufm **u) {
  NCD_TRY(ncd__check_ptr(u));
  NCD_TRY(ncd__check_size(n));
  NCD_TRY(ncd__check_size(d));
  NCD_TRY(ncd__check_size(k));
  size_t nd, nk, kd;
  if (ncd__mul_overflows(n, d, &nd) || ncd__mul_overflows(n, k, &nk) ||
      ncd__mul_overflows(k, d, &kd) || nd > PTRDIFF_MAX / sizeof(double) ||
      nk > PTRDIFF_MAX / sizeof(double) || kd > PTRDIFF_MAX / sizeof(double))
    return NCD_EINVAL;
  NCD_TRY(ncd__check_labels(y, n, k));
  if (n < k) return NCD_EINVAL;
  size_t *count = ncd__calloc(k, sizeof *count);
  if (!count) return NCD_ENOMEM;
  for (size_t i = 0; i < n; i++) count[y[i]]++;
  int empty = 0;
  for (size_t c = 0; c < k; c++) empty |= count[c] == 0;
  ncd__free(count);
  if (empty) return NCD_EINVAL;

  ncd_ufm *o = ncd__calloc(1, sizeof *o);
  if (!o) return NCD_ENOMEM;
  o->n = n;
  o->d = d;
  o->k = k;
  o->nb = ncd__block_rows(d, NCD__UFM_BLOCK_BYTES);
  if (o->nb > n) o->nb = n;
  o->y = ncd__malloc_array(n, sizeof *o->y);
  o->zbuf = ncd__malloc_array(o->nb * k, sizeof(double));
  if (!o->y || !o->zbuf) {
    ncd_ufm_free(o);
    return NCD_ENOMEM;
  }
  memcpy(o->y, y, n * sizeof *y);
  memcpy(o->param, default_param, sizeof default_param);
  for (size_t s = 0; s < NCD__UFM_NSTAT; s++) o->stat[s] = NAN;
  o->stat[NCD_STAT_STEP] = 0.0;
  *u = o;
  return NCD_OK;
}

NCD_API void ncd_ufm_free(ncd_ufm *u) {
  if (!u) return;
  ncd__free(u->y);
  ncd__free(u->zbuf);
  ncd__free(u);
}

static int is_int_in(double v, double lo, double hi) {
  return v >= lo && v <= hi && v == floor(v);
}

static int param_ok(ncd_ufm_param p, double v) {
  switch (p) {
    case NCD_UFM_LOSS: return is_int_in(v, 0, 1);
    case NCD_UFM_LAMBDA_W:
    case NCD_UFM_LAMBDA_H:
    case NCD_UFM_LAMBDA_B: return ncd__check_scalar_nonnegative(v) == NCD_OK;
    case NCD_UFM_ALPHA:
    case NCD_UFM_M:
    case NCD_UFM_LR:
    case NCD_UFM_CLIP:
    case NCD_UFM_R_TARGET: return ncd__check_scalar_positive(v) == NCD_OK;
    case NCD_UFM_BIAS: return is_int_in(v, 0, 1);
    case NCD_UFM_MOMENTUM: return v >= 0.0 && v < 1.0;
    case NCD_UFM_STEP_POLICY: return is_int_in(v, 0, 3);
    default: return 0;
  }
}

NCD_API int ncd_ufm_set(ncd_ufm *u, ncd_ufm_param p, double value) {
  NCD_TRY(ncd__check_ptr(u));
  if ((int)p < 0 || (int)p >= NCD__UFM_NPARAM || !param_ok(p, value)) return NCD_EINVAL;
  u->param[p] = value;
  return NCD_OK;
}

NCD_API int ncd_ufm_get(const ncd_ufm *u, ncd_ufm_param p, double *value) {
  NCD_TRY(ncd__check_ptr(u));
  NCD_TRY(ncd__check_ptr(value));
  if ((int)p < 0 || (int)p >= NCD__UFM_NPARAM) return NCD_EINVAL;
  *value = u->param[p];
  return NCD_OK;
}

NCD_API int ncd_ufm_get_stat(const ncd_ufm *u, ncd_ufm_stat s, double *value) {
  NCD_TRY(ncd__check_ptr(u));
  NCD_TRY(ncd__check_ptr(value));
  if ((int)s < 0 || (int)s >= NCD__UFM_NSTAT) return NCD_EINVAL;
  *value = u->stat[s];
  return NCD_OK;
}

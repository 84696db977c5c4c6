/*
 * hadamard.c - the public Hadamard functions (api.md ncd_hadamard;
 * spec/init.md 1.1-1.5 and section 4): the canonical normalized matrix of
 * order n in double or float, the support query, and the non-canonical Paley
 * matrices. Entries are exactly +-1, built with integer arithmetic.
 */
#include "init_internal.h"

/* Orders whose n*n overflows 64 bits cannot be stored: refused up front so the
 * divisor search stays bounded. */
#define MAX_ORDER ((size_t)1 << 32)

static int check_order(size_t n) {
  if (n == 0 || n >= MAX_ORDER) return NCD_EINVAL;
  return NCD_OK;
}

static int supported(size_t n) {
  if (n > 2 && n % 4 != 0) return NCD_ENOTSUP;
  size_t c;
  return ncd__hadamard_canon(n, &c) == NCD__HAD_NONE ? NCD_ENOTSUP : NCD_OK;
}

NCD_API int ncd_hadamard_supported(size_t n, int *construction) {
  NCD_TRY(check_order(n));
  size_t c;
  ncd__had_kind kind = (n > 2 && n % 4 != 0) ? NCD__HAD_NONE : ncd__hadamard_canon(n, &c);
  if (construction) *construction = (int)kind;
  return kind == NCD__HAD_NONE ? NCD_ENOTSUP : NCD_OK;
}

/* Builds the int8 matrix and widens it into a double (f64 != NULL) or float
 * output. */
static int emit(size_t n, const int8_t *h, size_t ldh, double *f64, float *f32,
                size_t ldo) {
  for (size_t i = 0; i < n; i++) {
    const int8_t *r = h + i * ldh;
    if (f64)
      for (size_t j = 0; j < n; j++) f64[i * ldo + j] = (double)r[j];
    else
      for (size_t j = 0; j < n; j++) f32[i * ldo + j] = (float)r[j];
  }
  return NCD_OK;
}

static int hadamard_any(size_t n, double *f64, float *f32, size_t ldo) {
  NCD_TRY(check_order(n));
  NCD_TRY(f64 ? ncd__check_matrix(f64, n, n, ldo, sizeof(double))
              : ncd__check_matrix(f32, n, n, ldo, sizeof(float)));
  NCD_TRY(supported(n));
  if ((n & (n - 1)) == 0) { /* Sylvester (I-2) straight into the output */
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < n; j++) {
        int neg = __builtin_parityll((unsigned long long)(i & j));
        if (f64) f64[i * ldo + j] = neg ? -1.0 : 1.0;
        else f32[i * ldo + j] = neg ? -1.0f : 1.0f;
      }
    return NCD_OK;
  }
  int8_t *h = ncd__malloc_array(n, n);
  if (!h) return NCD_ENOMEM;
  int st = ncd__hadamard_build_i8(n, h, n);
  if (st == NCD_OK) emit(n, h, n, f64, f32, ldo);
  ncd__free(h);
  return st;
}

NCD_API int ncd_hadamard(size_t n, double *out, size_t ldo) {
  return hadamard_any(n, out, NULL, ldo);
}

NCD_API int ncd_hadamard_f32(size_t n, float *out, size_t ldo) {
  if (!out) return NCD_EINVAL;
  return hadamard_any(n, NULL, out, ldo);
}

NCD_API int ncd_hadamard_paley(uint64_t q, int kind, double *out, size_t ldo) {
  uint64_t p;
  unsigned m;
  if (kind != 1 && kind != 2) return NCD_EINVAL;
  if (q < 3 || q >= MAX_ORDER / 2 || !ncd__prime_power(q, &p, &m) ||
      q % 4 != (kind == 1 ? 3u : 1u))
    return NCD_EINVAL;
  size_t n = kind == 1 ? (size_t)q + 1 : 2 * ((size_t)q + 1);
  NCD_TRY(ncd__check_matrix(out, n, n, ldo, sizeof(double)));
  int8_t *h = ncd__malloc_array(n, n);
  if (!h) return NCD_ENOMEM;
  int st = ncd__paley_i8(q, kind, h, n);
  if (st == NCD_OK) emit(n, h, n, out, NULL, ldo);
  ncd__free(h);
  return st;
}

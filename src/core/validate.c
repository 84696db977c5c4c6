/*
 * validate.c - argument validation shared by every public function
 * (api.md "Conventions"): pointer and size checks give NCD_EINVAL, data scans
 * give NCD_ENONFINITE, always in that order.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "core_internal.h"

int ncd__mul_overflows(size_t a, size_t b, size_t *out) {
  if (a != 0 && b > SIZE_MAX / a) return 1;
  *out = a * b;
  return 0;
}

int ncd__check_ptr(const void *p) { return p ? NCD_OK : NCD_EINVAL; }

int ncd__check_size(size_t n) { return n ? NCD_OK : NCD_EINVAL; }

int ncd__check_matrix(const void *p, size_t rows, size_t cols, size_t ld, size_t elem) {
  if (!p || rows == 0 || cols == 0 || ld < cols) return NCD_EINVAL;
  size_t span;
  if (ncd__mul_overflows(rows - 1, ld, &span)) return NCD_EINVAL;
  if (span > SIZE_MAX - cols) return NCD_EINVAL;
  span += cols;
  size_t bytes;
  if (ncd__mul_overflows(span, elem, &bytes) || bytes > (size_t)PTRDIFF_MAX) return NCD_EINVAL;
  /* Also keep rows*cols elements addressable (workspace sizes derive from it). */
  if (ncd__mul_overflows(rows, cols, &span) || ncd__mul_overflows(span, elem, &bytes))
    return NCD_EINVAL;
  return NCD_OK;
}

int ncd__check_matrix_opt(const void *p, size_t rows, size_t cols, size_t ld, size_t elem) {
  return p ? ncd__check_matrix(p, rows, cols, ld, elem) : NCD_OK;
}

int ncd__check_labels(const int32_t *y, size_t n, size_t k) {
  if (!y || n == 0 || k == 0) return NCD_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (y[i] < 0 || (uint64_t)y[i] >= (uint64_t)k) return NCD_EINVAL;
  return NCD_OK;
}

int ncd__check_labels_i64(const int64_t *y, size_t n, size_t k) {
  if (!y || n == 0 || k == 0) return NCD_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (y[i] < 0 || (uint64_t)y[i] >= (uint64_t)k) return NCD_EINVAL;
  return NCD_OK;
}

int ncd__check_scalar_finite(double v) { return isfinite(v) ? NCD_OK : NCD_EINVAL; }

int ncd__check_scalar_positive(double v) {
  return isfinite(v) && v > 0 ? NCD_OK : NCD_EINVAL;
}

int ncd__check_scalar_nonnegative(double v) {
  return isfinite(v) && v >= 0 ? NCD_OK : NCD_EINVAL;
}

/* x - x is 0 for finite x and NaN for NaN/Inf: one branch per row, and the
 * loop vectorises. */
int ncd__scan_finite(const double *x, size_t rows, size_t cols, size_t ld) {
  for (size_t i = 0; i < rows; i++) {
    const double *r = x + i * ld;
    double acc = 0.0;
    for (size_t j = 0; j < cols; j++) acc += r[j] - r[j];
    if (acc != 0.0 || acc != acc) return NCD_ENONFINITE;
  }
  return NCD_OK;
}

int ncd__scan_finite_f32(const float *x, size_t rows, size_t cols, size_t ld) {
  for (size_t i = 0; i < rows; i++) {
    const float *r = x + i * ld;
    float acc = 0.0f;
    for (size_t j = 0; j < cols; j++) acc += r[j] - r[j];
    if (acc != 0.0f || acc != acc) return NCD_ENONFINITE;
  }
  return NCD_OK;
}

int ncd__scan_finite_vec(const double *x, size_t n) {
  return ncd__scan_finite(x, 1, n, n);
}

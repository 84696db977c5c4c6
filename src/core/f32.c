/*
 * f32.c - float32 input support: convert a block of rows to doubles so that a
 * float32 feature matrix is never converted whole (design.md, "float32 blocks").
 */
#include "core_internal.h"

int ncd__f32_block_to_f64(const float *src, size_t lds, size_t rows, size_t cols,
                          double *dst, size_t ldd) {
  double bad = 0.0;
  for (size_t i = 0; i < rows; i++) {
    const float *s = src + i * lds;
    double *d = dst + i * ldd;
    for (size_t j = 0; j < cols; j++) {
      d[j] = (double)s[j];
      bad += d[j] - d[j];
    }
  }
  return bad == 0.0 ? NCD_OK : NCD_ENONFINITE;
}

size_t ncd__block_rows(size_t cols, size_t bytes) {
  size_t per_row = cols ? cols * sizeof(double) : 1;
  size_t r = bytes / per_row;
  return r ? r : 1;
}

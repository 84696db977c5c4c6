/*
 * rowsrc.c - row sources: read a float64 or float32 feature matrix block by
 * block as doubles (design.md "float32 blocks"; metrics.md 4d). float64 blocks
 * are pointers into the caller's matrix; float32 blocks are converted into one
 * small buffer, exactly (every float is a double).
 */
#include "core_internal.h"

int ncd__rowsrc_init(ncd__rowsrc *s, const double *f64, const float *f32, size_t rows,
                     size_t cols, size_t ld, size_t block_bytes) {
  s->f64 = f64;
  s->f32 = f32;
  s->rows = rows;
  s->cols = cols;
  s->ld = ld;
  s->buf = NULL;
  s->block_rows = ncd__block_rows(cols, block_bytes);
  if (s->block_rows > rows) s->block_rows = rows ? rows : 1;
  if (f32) {
    s->buf = ncd__malloc_array(s->block_rows, cols * sizeof(double));
    if (!s->buf) return NCD_ENOMEM;
  }
  return NCD_OK;
}

const double *ncd__rowsrc_block(ncd__rowsrc *s, size_t i0, size_t nb, size_t *ld_out) {
  if (s->f64) {
    *ld_out = s->ld;
    return s->f64 + i0 * s->ld;
  }
  /* input was scanned for NaN/Inf by the caller: conversion cannot fail */
  (void)ncd__f32_block_to_f64(s->f32 + i0 * s->ld, s->ld, nb, s->cols, s->buf, s->cols);
  *ld_out = s->cols;
  return s->buf;
}

void ncd__rowsrc_free(ncd__rowsrc *s) {
  ncd__free(s->buf);
  s->buf = NULL;
}

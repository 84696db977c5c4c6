/*
 * class_stats.c - one-shot class statistics (spec/metrics.md M-1, M-2, M-9;
 * spec/central-path.md CP-1, CP-2 numerics): counts, class means relative to
 * a reference point with per-class shifts, centred class means re-centred
 * once, and the within-class scatter by SYRK over class-centred row blocks
 * (never sum-of-squares minus squared mean).
 */
#include <string.h>

#include "stats_internal.h"

int ncd__cstats_alloc(size_t d, size_t k, ncd__cstats *s) {
  memset(s, 0, sizeof *s);
  s->d = d;
  s->k = k;
  s->count = ncd__calloc(k, sizeof(size_t));
  s->ref = ncd__calloc(d, sizeof(double));
  s->m = ncd__malloc_array(k, d * sizeof(double));
  s->mg = ncd__calloc(d, sizeof(double));
  s->mbar = ncd__malloc_array(k, d * sizeof(double));
  if (!s->count || !s->ref || !s->m || !s->mg || !s->mbar) {
    ncd__cstats_free(s);
    return NCD_ENOMEM;
  }
  return NCD_OK;
}

void ncd__cstats_free(ncd__cstats *s) {
  ncd__free(s->count);
  ncd__free(s->ref);
  ncd__free(s->m);
  ncd__free(s->mg);
  ncd__free(s->mbar);
  memset(s, 0, sizeof *s);
}

size_t ncd__cstats_empty_classes(const ncd__cstats *s) {
  size_t e = 0;
  for (size_t c = 0; c < s->k; c++) e += s->count[c] == 0;
  return e;
}

int ncd__cstats_means(ncd__cstats *s, ncd__rowsrc *src, const int32_t *y) {
  size_t n = src->rows, d = s->d, k = s->k;
  double *first = ncd__malloc_array(k, d * sizeof(double)); /* r_c */
  double *sum = ncd__calloc(k * d, sizeof(double));         /* T_c */
  if (!first || !sum) {
    ncd__free(first);
    ncd__free(sum);
    return NCD_ENOMEM;
  }
  memset(s->count, 0, k * sizeof(size_t));
  /* rows are read in place (float32 converted in registers, no block copy) */
  if (n) {
    const double *r64;
    const float *r32;
    ncd__rowsrc_row(src, 0, &r64, &r32);
    ncd__row_load(d, r64, r32, s->ref);
  }
  ncd__class_sums(src, y, s->count, first, sum);
  s->n = n;
  memset(s->mg, 0, d * sizeof(double));
  for (size_t c = 0; c < k; c++) {
    size_t nc = s->count[c];
    if (!nc) continue;
    double *mc = s->m + c * d;
    const double *rc = first + c * d, *tc = sum + c * d;
    for (size_t j = 0; j < d; j++) mc[j] = (rc[j] - s->ref[j]) + tc[j] / (double)nc;
    for (size_t j = 0; j < d; j++) s->mg[j] += (double)nc * mc[j];
  }
  for (size_t j = 0; j < d; j++) s->mg[j] /= (double)n;
  /* Mbar = m - 1 mg^T, then re-centre once: Mbar -= 1 (nu^T Mbar) / n */
  double *corr = sum; /* reuse: d values */
  memset(corr, 0, d * sizeof(double));
  for (size_t c = 0; c < k; c++) {
    double *mc = s->m + c * d, *bc = s->mbar + c * d;
    if (!s->count[c]) memcpy(mc, s->mg, d * sizeof(double));
    for (size_t j = 0; j < d; j++) bc[j] = mc[j] - s->mg[j];
    for (size_t j = 0; j < d; j++) corr[j] += (double)s->count[c] * bc[j];
  }
  for (size_t c = 0; c < k; c++) {
    double *bc = s->mbar + c * d;
    if (!s->count[c]) {
      memset(bc, 0, d * sizeof(double));
      continue;
    }
    for (size_t j = 0; j < d; j++) bc[j] -= corr[j] / (double)n;
  }
  ncd__free(first);
  ncd__free(sum);
  return NCD_OK;
}

int ncd__cstats_scatter(const ncd__cstats *s, ncd__rowsrc *src, const int32_t *y,
                        double *scatter, size_t lds, double *q) {
  size_t n = src->rows, d = s->d;
  double *z = ncd__malloc_array(src->block_rows, d * sizeof(double));
  if (!z) return NCD_ENOMEM;
  if (q) memset(q, 0, s->k * sizeof(double));
  int first = 1;
  for (size_t i0 = 0; i0 < n; i0 += src->block_rows) {
    size_t nb = n - i0 < src->block_rows ? n - i0 : src->block_rows, ld;
    const double *blk = ncd__rowsrc_block(src, i0, nb, &ld);
    for (size_t r = 0; r < nb; r++) {
      size_t c = (size_t)y[i0 + r];
      const double *row = blk + r * ld, *mc = s->m + c * d;
      double *zr = z + r * d, qq = 0.0;
      for (size_t j = 0; j < d; j++) {
        zr[j] = (row[j] - s->ref[j]) - mc[j];
        qq += zr[j] * zr[j];
      }
      if (q) q[c] += qq;
    }
    if (scatter) ncd__syrk_ata(nb, d, 1.0, z, d, first ? 0.0 : 1.0, scatter, lds);
    first = 0;
  }
  ncd__free(z);
  return NCD_OK;
}

/*
 * moments.c - mergeable class moments (spec/metrics.md M-9, M-10, sections 4b
 * and 4e): batch moments centred by the batch's own class means, the
 * Chan-Golub-LeVeque / Schubert-Gertz pairwise merge of counts, means, q_c,
 * the pooled scatter S and the per-class scatters S_c, the centring of class
 * means (sample-weighted or unweighted centre), and the scatter of one class.
 */
#include <string.h>

#include "stats_internal.h"

int ncd__cmom_alloc(size_t d, size_t k, unsigned flags, ncd__cmom *a) {
  memset(a, 0, sizeof *a);
  a->d = d;
  a->k = k;
  a->flags = flags;
  a->count = ncd__calloc(k, sizeof(size_t));
  a->ref = ncd__calloc(d, sizeof(double));
  a->m = ncd__calloc(k, d * sizeof(double)); /* overflow of k*d*8 -> NULL */
  a->lo = ncd__calloc(k, d * sizeof(double));
  a->q = ncd__calloc(k, sizeof(double));
  int bad = !a->count || !a->ref || !a->m || !a->lo || !a->q || ncd__mul_overflows(k, d, &(size_t){0});
  size_t dd;
  if (ncd__mul_overflows(d, d, &dd)) bad = 1;
  if (!bad && (flags & NCD__MOM_SCATTER)) bad = !(a->s = ncd__calloc(dd, sizeof(double)));
  if (!bad && (flags & NCD__MOM_CLASS_SCATTER)) {
    size_t kdd;
    bad = ncd__mul_overflows(k, dd, &kdd) || !(a->sc = ncd__calloc(kdd, sizeof(double)));
  }
  if (bad) {
    ncd__cmom_free(a);
    return NCD_ENOMEM;
  }
  return NCD_OK;
}

void ncd__cmom_free(ncd__cmom *a) {
  ncd__free(a->count);
  ncd__free(a->ref);
  ncd__free(a->m);
  ncd__free(a->lo);
  ncd__free(a->q);
  ncd__free(a->s);
  ncd__free(a->sc);
  memset(a, 0, sizeof *a);
}

void ncd__cmom_copy(ncd__cmom *dst, const ncd__cmom *src) {
  size_t d = src->d, k = src->k;
  dst->n = src->n;
  memcpy(dst->count, src->count, k * sizeof(size_t));
  memcpy(dst->ref, src->ref, d * sizeof(double));
  memcpy(dst->m, src->m, k * d * sizeof(double));
  memcpy(dst->lo, src->lo, k * d * sizeof(double));
  memcpy(dst->q, src->q, k * sizeof(double));
  if (src->s && dst->s) memcpy(dst->s, src->s, d * d * sizeof(double));
  if (src->sc && dst->sc) memcpy(dst->sc, src->sc, k * d * d * sizeof(double));
}

/* s = fl(a + b) and the exact rounding error *err = (a + b) - s (Knuth's
 * TwoSum; exact in binary64 without FMA contraction). */
static double two_sum(double a, double b, double *err) {
  double s = a + b, bb = s - a;
  *err = (a - (s - bb)) + (b - bb);
  return s;
}

/* Centred rows of one block, grouped by class when per-class scatters are
 * kept: z_i = (h_i - r_c) - t_c with r_c the class's first row of the batch and
 * t_c = T_c / n_c. h_i - r_c is a difference of two rows of the same class
 * (exact when they are within a factor 2: Sterbenz), so z keeps the spread's
 * own precision even when the means are 1e10 times larger (4b table). */
static void centre_block(ncd__cmom *b, const ncd__rowsrc *src, size_t i0, size_t nb,
                         const int32_t *y, const double *first, const double *t,
                         double *z, size_t *pos) {
  size_t d = b->d, k = b->k;
  if (b->sc) { /* class c's rows go to z[pos[c] ..) */
    memset(pos, 0, (k + 1) * sizeof(size_t));
    for (size_t r = 0; r < nb; r++) pos[(size_t)y[r] + 1]++;
    for (size_t c = 0; c < k; c++) pos[c + 1] += pos[c];
  }
  for (size_t r = 0; r < nb; r++) {
    size_t c = (size_t)y[r], at = b->sc ? pos[c]++ : r;
    const double *r64;
    const float *r32;
    double *zr = z + at * d;
    ncd__rowsrc_row(src, i0 + r, &r64, &r32);
    ncd__row_centre(d, r64, r32, first + c * d, t + c * d, zr);
    b->q[c] += ncd__row_sumsq(d, zr);
  }
}

int ncd__cmom_batch(ncd__cmom *b, const double *ref, ncd__rowsrc *src, const int32_t *y) {
  size_t n = src->rows, d = b->d, k = b->k, bs = src->block_rows;
  double *first = ncd__malloc_array(k, d * sizeof(double)); /* r_c */
  double *sum = ncd__calloc(k * d, sizeof(double));         /* T_c, then t_c */
  double *z = ncd__malloc_array(bs, d * sizeof(double));
  size_t *pos = ncd__malloc_array(k + 1, sizeof(size_t));
  if (!first || !sum || !z || !pos) {
    ncd__free(first);
    ncd__free(sum);
    ncd__free(z);
    ncd__free(pos);
    return NCD_ENOMEM;
  }
  memset(b->count, 0, k * sizeof(size_t));
  if (ref) memcpy(b->ref, ref, d * sizeof(double));
  else if (n) { /* rows in place, float32 converted in registers */
    const double *r64;
    const float *r32;
    ncd__rowsrc_row(src, 0, &r64, &r32);
    ncd__row_load(d, r64, r32, b->ref);
  }
  ncd__class_sums(src, y, b->count, first, sum);
  b->n = n;
  for (size_t c = 0; c < k; c++) {
    size_t nc = b->count[c];
    double *mc = b->m + c * d, *tc = sum + c * d;
    const double *rc = first + c * d;
    double *lc = b->lo + c * d;
    for (size_t j = 0; j < d; j++) { /* m + lo = (r_c - ref) + t_c, error-free */
      double e1, e2, x;
      tc[j] = nc ? tc[j] / (double)nc : 0.0;
      x = two_sum(nc ? rc[j] : 0.0, nc ? -b->ref[j] : 0.0, &e1);
      mc[j] = two_sum(x, tc[j], &e2);
      lc[j] = e1 + e2;
    }
  }
  memset(b->q, 0, k * sizeof(double));
  for (size_t i0 = 0; i0 < n; i0 += bs) {
    size_t nb = n - i0 < bs ? n - i0 : bs;
    centre_block(b, src, i0, nb, y + i0, first, sum, z, pos);
    double beta = i0 == 0 ? 0.0 : 1.0;
    if (b->s) ncd__syrk_ata(nb, d, 1.0, z, d, beta, b->s, d);
    if (b->sc) /* pos[c] is now the end of class c's rows, pos[c-1] its start */
      for (size_t c = 0, at = 0; c < k; at = pos[c], c++)
        if (i0 == 0 || pos[c] > at)
          ncd__syrk_ata(pos[c] - at, d, 1.0, z + at * d, d, beta, b->sc + c * d * d, d);
  }
  ncd__free(first);
  ncd__free(sum);
  ncd__free(z);
  ncd__free(pos);
  return NCD_OK;
}

/* a += b + f * delta delta^T over a full d x d block */
static void add_rank1(size_t d, double *a, const double *b, double f, const double *delta) {
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++) a[i * d + j] += b[i * d + j] + f * delta[i] * delta[j];
}

/* delta = (src mean) - (dst mean) for one coordinate, both relative to dst's
 * ref; compensated: with the low parts, through error-free sums. */
static double mean_delta(double ma, double la, double mb, double lb, double shift,
                         int compensated) {
  if (!compensated) return (mb + shift) - ma;
  double e, y = two_sum(mb, -ma, &e); /* shift is 0 when absorbing a batch */
  return y + ((e + lb) - la);
}

void ncd__cmom_merge(ncd__cmom *dst, const ncd__cmom *src, double *work, int compensated) {
  size_t d = dst->d, k = dst->k;
  if (!compensated) memset(dst->lo, 0, k * d * sizeof(double));
  if (src->n == 0) return;
  if (dst->n == 0) {
    ncd__cmom_copy(dst, src);
    if (!compensated) memset(dst->lo, 0, k * d * sizeof(double));
    return;
  }
  double *delta = work, *f = work + k * d; /* k x d deltas, k weights */
  for (size_t c = 0; c < k; c++) {
    size_t na = dst->count[c], nb = src->count[c];
    double *ma = dst->m + c * d, *la = dst->lo + c * d, *dc = delta + c * d;
    const double *mb = src->m + c * d, *lb = src->lo + c * d;
    f[c] = 0.0;
    memset(dc, 0, d * sizeof(double));
    if (nb == 0) continue;
    if (na == 0) { /* class absent here: copy, moved to this ref */
      for (size_t j = 0; j < d; j++) {
        ma[j] = mb[j] + (src->ref[j] - dst->ref[j]);
        la[j] = compensated ? lb[j] : 0.0;
      }
      dst->q[c] = src->q[c];
      if (dst->sc) memcpy(dst->sc + c * d * d, src->sc + c * d * d, d * d * sizeof(double));
      dst->count[c] = nb;
      continue;
    }
    double nc = (double)na + (double)nb, dd = 0.0;
    for (size_t j = 0; j < d; j++) {
      dc[j] = mean_delta(ma[j], la[j], mb[j], lb[j], src->ref[j] - dst->ref[j], compensated);
      dd += dc[j] * dc[j];
    }
    f[c] = (double)na * (double)nb / nc;
    for (size_t j = 0; j < d; j++) {
      double e;
      ma[j] = two_sum(ma[j], dc[j] * ((double)nb / nc), &e);
      if (compensated) la[j] += e;
    }
    dst->q[c] += src->q[c] + f[c] * dd;
    if (dst->sc) add_rank1(d, dst->sc + c * d * d, src->sc + c * d * d, f[c], dc);
    dst->count[c] = na + nb;
  }
  if (dst->s) {
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++) {
        double t = src->s[i * d + j];
        for (size_t c = 0; c < k; c++)
          if (f[c] != 0.0) t += f[c] * delta[c * d + i] * delta[c * d + j];
        dst->s[i * d + j] += t;
      }
  }
  dst->n += src->n;
}

void ncd__centre_means(size_t d, size_t k, const size_t *count, const double *m,
                       int unweighted, double *mg, double *mbar) {
  double tot = 0.0;
  memset(mg, 0, d * sizeof(double));
  for (size_t c = 0; c < k; c++) {
    if (!count[c]) continue;
    double wc = unweighted ? 1.0 : (double)count[c];
    tot += wc;
    for (size_t j = 0; j < d; j++) mg[j] += wc * m[c * d + j];
  }
  for (size_t j = 0; j < d; j++) mg[j] /= tot;
  /* Mbar = m - 1 mg^T, then re-centre once with the same weights */
  double corr_scale = 1.0 / tot;
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) mbar[c * d + j] = count[c] ? m[c * d + j] - mg[j] : 0.0;
  for (size_t j = 0; j < d; j++) {
    double corr = 0.0;
    for (size_t c = 0; c < k; c++)
      if (count[c]) corr += (unweighted ? 1.0 : (double)count[c]) * mbar[c * d + j];
    corr *= corr_scale;
    for (size_t c = 0; c < k; c++)
      if (count[c]) mbar[c * d + j] -= corr;
  }
}

int ncd__cstats_class_scatter(const ncd__cstats *s, ncd__rowsrc *src, const int32_t *y,
                              size_t c, double *sc, size_t lds) {
  size_t n = src->rows, d = s->d, bs = src->block_rows, fill = 0;
  double *z = ncd__malloc_array(bs, d * sizeof(double));
  if (!z) return NCD_ENOMEM;
  int first = 1;
  const double *mc = s->m + c * d;
  for (size_t i0 = 0; i0 < n; i0 += bs) {
    size_t nb = n - i0 < bs ? n - i0 : bs, ld;
    size_t hits = 0;
    for (size_t r = 0; r < nb; r++) hits += (size_t)y[i0 + r] == c;
    if (!hits) continue;
    const double *blk = ncd__rowsrc_block(src, i0, nb, &ld);
    for (size_t r = 0; r < nb; r++) {
      if ((size_t)y[i0 + r] != c) continue;
      const double *row = blk + r * ld;
      double *zr = z + fill * d;
      for (size_t j = 0; j < d; j++) zr[j] = (row[j] - s->ref[j]) - mc[j];
      if (++fill == bs) {
        ncd__syrk_ata(fill, d, 1.0, z, d, first ? 0.0 : 1.0, sc, lds);
        first = 0;
        fill = 0;
      }
    }
  }
  if (fill || first) ncd__syrk_ata(fill, d, 1.0, z, d, first ? 0.0 : 1.0, sc, lds);
  ncd__free(z);
  return NCD_OK;
}

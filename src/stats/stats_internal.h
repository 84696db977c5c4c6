/*
 * stats_internal.h - class statistics shared by the central-path and metrics
 * layers (design.md): counts, class means against a reference point (M-9 of
 * spec/metrics.md, CP-1 of spec/central-path.md), the within-class scatter by
 * blocked SYRK over class-centred rows (CP-2 numerics), and the SNR spectrum
 * with the ONE rank test of central-path.md CP-14 (both modules use it, so they
 * agree on NCD_ESINGULAR).
 */
#ifndef NCD_STATS_INTERNAL_H
#define NCD_STATS_INTERNAL_H

#include "kernels/kernels_internal.h"

/* Class means of n samples, kept relative to a reference point (M-9): with
 * ref = h_0 and r_c = the first sample of class c,
 *   m_c = (r_c - ref) + sum_{y_i = c} (h_i - r_c) / n_c,
 *   m_G = sum_c n_c m_c / n,  mbar_c = m_c - m_G, then re-centred once:
 *   Mbar <- Mbar - 1 (nu^T Mbar) / n.
 * Identical rows centre to exactly 0 and a common offset cancels. An empty
 * class (count 0) gets m_c = m_G and mbar_c = 0; callers that need every class
 * present check `count`. mu_c = ref + m_c, mu_G = ref + mg. */
typedef struct ncd__cstats {
  size_t n, d, k;
  size_t *count; /* k                                       */
  double *ref;   /* d: the reference point (first sample)   */
  double *m;     /* k x d (ld d): class means minus ref     */
  double *mg;    /* d: global mean minus ref                */
  double *mbar;  /* k x d (ld d): centred class means       */
} ncd__cstats;

/* Allocate (zeroed) for d, k. NCD_ENOMEM; on error nothing is left allocated. */
int ncd__cstats_alloc(size_t d, size_t k, ncd__cstats *s);
void ncd__cstats_free(ncd__cstats *s); /* safe on a zeroed struct */

/* Pass 1 over all rows of src (labels validated by the caller). */
int ncd__cstats_means(ncd__cstats *s, ncd__rowsrc *src, const int32_t *y);

/* Number of classes with count 0. */
size_t ncd__cstats_empty_classes(const ncd__cstats *s);

/* Pass 2: within-class scatter S = sum_i z_i z_i^T with z_i = h_i - mu_{y_i}
 * (d x d, both triangles, NOT divided by n; scatter may be NULL) and
 * q_c = sum_{y_i = c} ||z_i||^2 (k values; q may be NULL). Rows are centred as
 * (h_i - ref) - m_{y_i} in a block buffer, then one SYRK per block. */
int ncd__cstats_scatter(const ncd__cstats *s, ncd__rowsrc *src, const int32_t *y,
                        double *scatter, size_t lds, double *q);

/* SNR spectrum (CP-14): the singular values omega of S = Mbar Sigma_W^{-1/2}
 * (Mbar k x d, Sigma_W d x d symmetric), descending, min(k, d) values written to
 * omega. With D = diag(Sigma_W)^{-1/2}, R = D Sigma_W D = Q L Q^T:
 * NCD_ESINGULAR if n - k < d (pass n = 0 to skip that test), a zero diagonal,
 * or lambda_min(R) <= d * DBL_EPSILON * lambda_max(R) (the one rank test);
 * then omega = singular values of B = Mbar D Q L^{-1/2}. v (k x min(k,d),
 * optional) receives the left singular vectors. */
int ncd__snr_spectrum(size_t n, size_t d, size_t k, const double *sigma_w, size_t ldw,
                      const double *mbar, size_t ldm, double *omega, double *v,
                      size_t ldv);

/* The one rank test alone (CP-14 steps 1-3) on Sigma_W: NCD_OK or NCD_ESINGULAR. */
int ncd__sigma_w_rank_test(size_t n, size_t d, size_t k, const double *sigma_w, size_t ldw);

/* ---- mergeable class moments (moments.c): metrics.md M-9, M-10, 4b, 4e ----
 * The state of one stream of samples: counts, class means relative to a
 * reference point ref, per-class sums of squared deviations q_c and, on
 * request, the pooled within-class scatter S and the per-class scatters S_c
 * (NOT divided by n). Batches are centred by their own class means and merged
 * by the Chan-Golub-LeVeque update (M-10), never by "sum of squares minus
 * squared mean". Empty classes have m_c = 0, q_c = 0, S_c = 0. */
enum { NCD__MOM_SCATTER = 1, NCD__MOM_CLASS_SCATTER = 2 };
typedef struct ncd__cmom {
  size_t d, k, n;   /* n = sum of counts                               */
  unsigned flags;   /* NCD__MOM_* bits                                 */
  size_t *count;    /* k                                               */
  double *ref;      /* d (meaningful once n > 0)                       */
  double *m;        /* k x d (ld d): class means minus ref             */
  double *lo;       /* k x d: low parts, mean - ref = m + lo (in memory
                       only: kept by batch updates, 0 after a state merge
                       or a load, never serialised)                   */
  double *q;        /* k: sum over the class of ||h_i - mu_c||^2       */
  double *s;        /* d x d both triangles (flag SCATTER) or NULL     */
  double *sc;       /* k blocks of d x d (flag CLASS_SCATTER) or NULL  */
} ncd__cmom;

/* Allocate a zero state. NCD_ENOMEM; nothing left allocated on error. */
int ncd__cmom_alloc(size_t d, size_t k, unsigned flags, ncd__cmom *a);
void ncd__cmom_free(ncd__cmom *a); /* safe on a zeroed struct */
/* Copy every field of src into dst (same d, k, flags). */
void ncd__cmom_copy(ncd__cmom *dst, const ncd__cmom *src);
/* The moments of all rows of src (labels validated by the caller) into b,
 * which is overwritten: means relative to `ref` (NULL: the first row), with
 * per-class shifts by each class's first row r_c (M-9); then q, S, S_c of the
 * rows centred as (h_i - r_c) - (batch mean - r_c), one SYRK per block (S) and
 * per class segment of the block (S_c). */
int ncd__cmom_batch(ncd__cmom *b, const double *ref, ncd__rowsrc *src, const int32_t *y);
/* M-10: dst <- dst (+) src, class by class, elementwise in a fixed order (no
 * BLAS: the same merge tree gives the same bytes everywhere). src's means are
 * moved to dst's ref first. work: k * (d + 1) doubles. Cannot fail.
 * compensated = 0 (merging two states): only the serialised fields are read,
 * dst's low parts are reset, so merging loaded states is bit-identical to
 * merging them in memory. compensated = 1 (absorbing a batch): the mean
 * difference delta is formed with error-free sums of the means and their low
 * parts, so its error is eps |delta| instead of eps |mean - ref|: in the
 * collapse regime (means 1e10 times the spread) the latter would enter the
 * scatter linearly at ~1e-8 relative (measured). */
void ncd__cmom_merge(ncd__cmom *dst, const ncd__cmom *src, double *work, int compensated);

/* Centring of class means m (k x d, relative to any ref) with counts:
 * m_G = sum_c n_c m_c / n (unweighted != 0: the mean of the class means of the
 * non-empty classes), mbar_c = m_c - m_G, then re-centred once with the same
 * weights (M-9). Empty classes get mbar_c = 0. */
void ncd__centre_means(size_t d, size_t k, const size_t *count, const double *m,
                       int unweighted, double *mg, double *mbar);

/* Scatter of one class c alone: S_c = sum_{y_i = c} z_i z_i^T with
 * z_i = (h_i - ref) - m_c (d x d, both triangles, overwritten). */
int ncd__cstats_class_scatter(const ncd__cstats *s, ncd__rowsrc *src, const int32_t *y,
                              size_t c, double *sc, size_t lds);

/* ---- per-row loops (rowops.c): a row is float64 (r64) or float32 (r32, the
 * other NULL), converted element by element, so passes over float32 input
 * need no block copy. Same arithmetic per element as the plain loops. ---- */
/* out = row as doubles (d) */
void ncd__row_load(size_t d, const double *r64, const float *r32, double *out);
/* acc += row - base (class sums against a per-class shift, M-9) */
void ncd__row_add_diff(size_t d, const double *r64, const float *r32, const double *base,
                       double *acc);
/* out = (row - ref) - v (M-9 centring, formed first: identical rows give 0) */
void ncd__row_centre(size_t d, const double *r64, const float *r32, const double *ref,
                     const double *v, double *out);
/* sum of x_j^2 (four interleaved partial sums) */
double ncd__row_sumsq(size_t d, const double *x);
/* Pass 1 over all rows of src (labels valid): count[c] += rows of class c;
 * the first row of a class seen for the first time (count 0 on entry) is
 * copied to first + c d (its shift r_c, M-9); sum + c d (zero on entry for a
 * new class) += h_i - r_c. k x d arrays with ld d. Uses the widest SIMD
 * variant (ncd__simd_best; rows grouped by class per block, equal to the
 * row-by-row loop up to rounding). ncd__class_sums_v takes the variant v
 * (NCD__SIMD_PORTABLE: the row-by-row loop), for tests. */
void ncd__class_sums_v(int v, const ncd__rowsrc *src, const int32_t *y, size_t *count,
                       double *first, double *sum);
/* ncd__class_sums_v with the variant ncd__simd_best(). */
void ncd__class_sums(const ncd__rowsrc *src, const int32_t *y, size_t *count,
                     double *first, double *sum);
/* Row i of a row source, without conversion: *r64 or *r32 set, the other NULL. */
static inline void ncd__rowsrc_row(const ncd__rowsrc *s, size_t i, const double **r64,
                                   const float **r32) {
  *r64 = s->f64 ? s->f64 + i * s->ld : NULL;
  *r32 = s->f64 ? NULL : s->f32 + i * s->ld;
}

#endif /* NCD_STATS_INTERNAL_H */

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

#endif /* NCD_STATS_INTERNAL_H */

/*
 * ghost_internal.h - internal interface of the ghost-radius layer
 * (spec/ghosts.md): per-sample spreads and the batch bound (2.3), the merged
 * per-sample "row" (2.4 step 1, 2.6 steps 2-3), the tilt bound (2.4) and the
 * certified exact radius (2.6).
 */
#ifndef NCD_GHOST_INTERNAL_H
#define NCD_GHOST_INTERNAL_H

#include "core/core_internal.h"

/* One sample after spec 2.6 steps 1-3: m groups of distinct slopes, sorted by
 * slope, c_j = (b_j - mid)/Delta in [-1/2, 1/2] and l_j = LSE of the group's
 * logits minus the largest of them (so max l_j = 0). Work arrays of k entries
 * are owned by the caller (ncd__ghost_row_alloc). */
typedef struct ncd__ghost_row {
  size_t m;       /* number of groups (0 when Delta = 0 or Delta = Inf)     */
  double delta;   /* spread of the (scaled) slopes, may be 0 or +Inf       */
  double *c, *l;  /* m scaled slopes (ascending) and shifted log-weights   */
  double *tmp;    /* 2k scratch doubles for sorting                        */
  size_t *hull;   /* k scratch indices for the upper envelope              */
} ncd__ghost_row;

/* Allocate (NCD_ENOMEM) / free the work arrays of a row for k classes. */
int ncd__ghost_row_alloc(ncd__ghost_row *r, size_t k);
void ncd__ghost_row_free(ncd__ghost_row *r);

/* Fill r from logits sz*z_j and slopes sa*a_j (j < k); sz, sa > 0. */
void ncd__ghost_row_set(ncd__ghost_row *r, size_t k, const double *z, const double *a,
                        double sz, double sa);

/* Tilt bound of spec 2.4 on the merged row, in units of t (>= pi/Delta).
 * +Inf when m < 2 and Delta = 0; 0 when Delta = +Inf. */
double ncd__ghost_row_tilt(const ncd__ghost_row *r);

/* The tilt bound on the unmerged row (valid but weaker when slopes tie),
 * O(k) with no sorting: used for pruning in the batch exact radius. Uses
 * r's arrays as scratch (r->m = 0 afterwards). */
double ncd__ghost_tilt_unmerged(ncd__ghost_row *r, size_t k, const double *z,
                                const double *a, double sz, double sa);

/* Exact radius of spec 2.6 in units of t. ghost (optional) receives the
 * nearest zero with Im > 0 (re, im). Returns NCD_OK, or NCD_ENOCONV when a
 * contour count needed would exceed NCD__GHOST_MAX_STEPS (*rho untouched). */
int ncd__ghost_row_exact(const ncd__ghost_row *r, double *rho, double *ghost);

/* Work cap of one contour count (steps of the argument principle). */
#define NCD__GHOST_MAX_STEPS 200000L

/* Number of zeros of G(s) = sum_j exp(l_j + c_j s) inside |s| < R (from the
 * argument principle on the upper semicircle, spec 2.6 step 6). Returns -1
 * when the contour grazes a zero (|G| < 1e-12 sum |terms|), -2 when the
 * contour would need more than NCD__GHOST_MAX_STEPS steps. */
long ncd__ghost_count_zeros(const ncd__ghost_row *r, double R);

#endif

/*
 * ghost_internal.h - internal interface of the ghost-radius layer
 * (spec/ghosts.md): per-sample spreads and the batch bound.
 */
#ifndef NCD_GHOST_INTERNAL_H
#define NCD_GHOST_INTERNAL_H

#include "core/core_internal.h"

/* Largest spread max_j a_ij - min_j a_ij over the rows of a (n x k, ld), with
 * the first row attaining it. No validation (callers validate). A NaN in a row
 * makes that row's spread NaN, which is reported as *max_spread = NaN. */
void ncd__ghost_max_spread(size_t n, size_t k, const double *a, size_t lda,
                           double *max_spread, size_t *argmax);

#endif

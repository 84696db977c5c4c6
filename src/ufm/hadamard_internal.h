/*
 * hadamard_internal.h - cross-file internals of the Hadamard/ETF starts of the
 * UFM (spec/init.md section 3): validation shared by the initializers.
 */
#ifndef NCD_UFM_HADAMARD_INTERNAL_H
#define NCD_UFM_HADAMARD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/core_internal.h"

/* Pointers, sizes, leading dimensions, labels in [0, k) and balanced (n/k per
 * class): NCD_OK or NCD_EINVAL (NCD_ENOMEM for the count buffer). elem is the
 * byte size of the w/h entries. */
int ncd__ufm_check_start(size_t n, size_t d, size_t k, const int32_t *y, const void *w,
                         size_t ldw, const void *h, size_t ldh, size_t elem);

#endif /* NCD_UFM_HADAMARD_INTERNAL_H */

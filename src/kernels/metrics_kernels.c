/*
 * metrics_kernels.c - BLIS queries for the metrics layer (spec/metrics.md
 * section 5): the dgemm micro-tile height MR, so that the NC1 projection of
 * r = MR q + 1 directions runs as a GEMM of MR q rows plus one GEMV instead of
 * a GEMM padded to MR (q + 1) rows.
 */
#include <blis.h>

#include "kernels_internal.h"

size_t ncd__dgemm_mr(void) {
  cntx_t *cntx = (cntx_t *)bli_gks_query_cntx();
  dim_t mr = cntx ? bli_cntx_get_blksz_def_dt(BLIS_DOUBLE, BLIS_MR, cntx) : 0;
  return mr > 0 ? (size_t)mr : 1;
}

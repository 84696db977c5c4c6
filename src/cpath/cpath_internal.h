/*
 * cpath_internal.h - internal interface of the central-path layer
 * (spec/central-path.md): the omega(t) solver shared by the public laws, and the
 * centred least-squares route of CP-7 shared by ncd_ls_classifier and
 * ncd_mse_decompose.
 */
#ifndef NCD_CPATH_INTERNAL_H
#define NCD_CPATH_INTERNAL_H

#include "stats/stats_internal.h"

/* Target size of the row-block buffer of the feature passes (class-centred rows
 * for the SYRK, float32 conversion, logits): large enough that each SYRK call
 * has a long inner dimension and the d x d accumulator is revisited rarely. */
#ifndef NCD__CPATH_BLOCK_BYTES
#define NCD__CPATH_BLOCK_BYTES ((size_t)8 << 20)
#endif

/* CP-23 .. CP-26 for law NCD_CPATH_ORTHOGONAL (CP-20) or NCD_CPATH_RENORMALIZED
 * (CP-21); arguments already validated. NCD_OK or NCD_ENOCONV. */
int ncd__cpath_solve(size_t c, size_t n, double omega0, double t, int law,
                     double *omega_t);

/* Statistics of one feature matrix for the LS route (CP-1, CP-2): class stats
 * (means relative to ref), Sigma_W and Sigma_T (d x d, ld d), pi (k). */
typedef struct ncd__lsdata {
  ncd__cstats cs;
  double *sigma_w; /* d x d */
  double *sigma_t; /* d x d */
  double *pi;      /* k */
} ncd__lsdata;

/* Two passes over src (labels validated): means, then the scatter; Sigma_T by
 * CP-2. NCD_ENOMEM; on error nothing stays allocated. */
int ncd__lsdata_compute(ncd__rowsrc *src, size_t d, size_t k, const int32_t *y,
                        ncd__lsdata *ls);
void ncd__lsdata_free(ncd__lsdata *ls);
/* The same from a float64 (h) or float32 (hf) feature matrix, validated. */
int ncd__lsdata_features(const double *h, const float *hf, size_t n, size_t d, size_t ldh,
                         size_t k, const int32_t *y, ncd__lsdata *ls);

/* CP-7 steps 4-6 on computed statistics: w (k x d, ldw), b (k). The solution
 * is for features measured from ref (mu_G - ref = cs.mg): the bias returned is
 * for the ORIGINAL features (the ref shift is folded back in).
 * NCD_ESINGULAR per CP-7, NCD_ENOMEM. */
int ncd__ls_solve(const ncd__lsdata *ls, double lambda, double *w, size_t ldw, double *b);

#endif /* NCD_CPATH_INTERNAL_H */

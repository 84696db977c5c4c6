/*
 * ufm_internal.h - internal interface of the UFM layer (spec/ufm.md section 3
 * and 7): the ncd_ufm object (parameters, statistics, workspace), the
 * unvalidated objective/gradient evaluation and JVP shared by the public entry
 * points and the GD driver.
 */
#ifndef NCD_UFM_INTERNAL_H
#define NCD_UFM_INTERNAL_H

#include "core/core_internal.h"

/* Number of parameters / statistics of the contract's enums (they only grow). */
#define NCD__UFM_NPARAM 12
#define NCD__UFM_NSTAT 8
/* Target size in bytes of one row block of H in the objective (each block is
 * read from memory once: its norm, logits, dW and dH contributions). */
#ifndef NCD__UFM_BLOCK_BYTES
#define NCD__UFM_BLOCK_BYTES ((size_t)1 << 21)
#endif

struct ncd_ufm {
  size_t n, d, k;
  int32_t *y;                      /* copy of the labels                    */
  double param[NCD__UFM_NPARAM];   /* indexed by ncd_ufm_param              */
  double stat[NCD__UFM_NSTAT];     /* indexed by ncd_ufm_stat               */
  size_t nb;                       /* rows per block                        */
  double *zbuf;                    /* nb x k logits / loss-gradient block   */
};

/* f and its data term at (w, h, b), and where not NULL the gradients (U-5,
 * U-6). b is ignored (taken as 0) when the bias is off; gb then receives
 * zeros. Arguments are not validated except the NaN/Inf scan of w, h, b
 * (NCD_ENONFINITE, done block by block as H is read). No allocation. */
int ncd__ufm_eval(ncd_ufm *u, const double *w, size_t ldw, const double *h, size_t ldh,
                  const double *b, double *f, double *loss, double *gw, size_t ldgw,
                  double *gh, size_t ldgh, double *gb);

/* a = H dW^T + dH W^T + 1 db^T (U-7); dw, dh, db may be NULL (zero). No
 * validation, no scan, no allocation. */
void ncd__ufm_jvp(const ncd_ufm *u, const double *w, size_t ldw, const double *h,
                  size_t ldh, const double *dw, size_t lddw, const double *dh,
                  size_t lddh, const double *db, double *a, size_t lda);

/* Parameter accessors for the other files of the layer. */
static inline int ncd__ufm_bias(const ncd_ufm *u) { return u->param[NCD_UFM_BIAS] != 0.0; }

#endif /* NCD_UFM_INTERNAL_H */

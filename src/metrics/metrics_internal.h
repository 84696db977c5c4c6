/*
 * metrics_internal.h - internal interface of the neural-collapse metrics layer
 * (spec/metrics.md): the "frozen" first-pass result (centred means, thin SVD
 * of Mbar with the pinv rank of M-8, the scoring matrix of 4c), the pass-2
 * block scorer (M-7 projections, M-12 nearest-mean scores, M-5 cosine
 * margins), and the assembly of the scalar metrics shared by the one-shot
 * calls and the streaming accumulator.
 */
#ifndef NCD_METRICS_INTERNAL_H
#define NCD_METRICS_INTERNAL_H

#include "stats/stats_internal.h"

/* Options (public ncd_nc_options, validated). */
typedef struct ncd__ncopt {
  double pinv_rtol; /* relative cut on sigma_i(Sigma_B); 0 = max(k,d) * DBL_EPSILON */
  int unweighted;   /* ncd_centre: 0 sample mean, 1 mean of the class means, 2 none */
} ncd__ncopt;

/* First-pass result frozen for scoring. Borrowed pointers stay owned by the
 * caller and must outlive the object. */
typedef struct ncd__ncf {
  size_t n, d, k, p, r;  /* p = min(k, d) singular values, r kept (M-8) */
  const size_t *count;   /* borrowed, k                                  */
  const double *ref, *m; /* borrowed: ref (d), class means - ref (k x d) */
  double *mg, *mbar;     /* owned: centre - ref (d), Mbar (k x d)        */
  double *s;             /* owned: p singular values of Mbar, descending */
  double *proj;          /* owned: d x r (ld r), V_r S_r^{-1} (M-7)       */
  double *ptail;         /* owned: column r-1 of proj (d) when r = MR q + 1
                            (BLIS dgemm tile height MR), else NULL        */
  double *pt;            /* owned: P^T (r x ldp, zero padded) for the SIMD
                            kernels, NULL when r = 0                     */
  double *mp;            /* owned: copy of m with ld ldp (SIMD kernels)   */
  size_t ldp;
  int simd;              /* NCD__SIMD_* variant of the NC1 projection     */
  const double *w;       /* borrowed classifier (k x d, ldw) or NULL     */
  size_t ldw;
  const double *b;       /* borrowed bias (k) or NULL (zero bias)        */
  double *score;         /* owned (with w): 3k x d rows [W; Mbar; W - 1 w_G^T] */
  double *bias;          /* k: w_c . mu_G + b_c                          */
  double *mbn;           /* k: ||mbar_c||^2                              */
  double *wcn;           /* k: ||w_c - w_G||                             */
  int cm_ok;             /* every w_c != w_G                             */
} ncd__ncf;

int ncd__ncf_build(ncd__ncf *f, size_t n, size_t d, size_t k, const size_t *count,
                   const double *ref, const double *m, const double *w, size_t ldw,
                   const double *b, const ncd__ncopt *opt);
void ncd__ncf_free(ncd__ncf *f); /* safe on a zeroed struct */

/* Pass-2 sums (metrics.md 4b, the pass-2 block of the 4e format). */
typedef struct ncd__ncsums {
  uint64_t n2;        /* samples scored                                */
  uint64_t *n2c;      /* k per-class counts, or NULL                   */
  double nc1;         /* sum ||Hc V_r S_r^{-1}||^2                      */
  uint64_t mism;      /* NC4 mismatches                                */
  uint64_t correct;   /* argmax == y                                   */
  double cmsum, cmmin;/* cosine margins: sum and min (min starts at 2)  */
  double *q;          /* k sums of ||h_i - mu_c||^2, or NULL            */
  double *cm;         /* per-sample margins (n, indexed by i0 + row), or NULL */
  uint64_t *mismc;    /* k per-class NC4 mismatches (NCD_NC4_CLASSAVG), or NULL */
} ncd__ncsums;

enum {
  NCD__SC_NC1 = 1,    /* projections for NC1                */
  NCD__SC_Q = 2,      /* q_c                                */
  NCD__SC_DECIDE = 4, /* NC4 and accuracy (needs w)          */
  NCD__SC_CM = 8      /* cosine margins (needs w)            */
};
/* Workspace in doubles for blocks of nb rows. */
size_t ncd__ncf_work(const ncd__ncf *f, size_t nb);
/* Score rows [i0, i0 + nb) (b64 float64 or b32 float32, the other NULL, with
 * leading dimension ld; labels y of those rows) into s. Float32 rows are
 * converted while centring (no block copy). */
void ncd__ncf_score(const ncd__ncf *f, const double *b64, const float *b32, size_t ld,
                    size_t nb, const int32_t *y, size_t i0, unsigned what,
                    ncd__ncsums *s, double *work);
/* Correct-count of a block against (w, b) with logits (h - ref) W^T + (W ref + b)
 * (pass-1 accuracy of the accumulator). work: nb * (d + k) + k doubles. */
uint64_t ncd__nc_count_correct(size_t d, size_t k, const double *ref, const double *w,
                               size_t ldw, const double *b, const double *blk, size_t ld,
                               size_t nb, const int32_t *y, double *work);

/* Row-block buffer size for d features: 1 MiB (blocks of 256 rows at d = 512
 * keep the NC1 GEMM efficient), but at most 4 d^2 bytes (d/2 rows) so that no
 * block buffer is as large as a d x d matrix, and at least 4 KiB. */
static inline size_t ncd__nc_block_bytes(size_t d) {
  size_t lim = (size_t)1 << 20, b = d < 512 ? d * d * 4 : lim;
  return b < ((size_t)1 << 12) ? (size_t)1 << 12 : b > lim ? lim : b;
}

/* Results of the separately computed pieces; NaN where unknown. */
typedef struct ncd__ncparts {
  double nc1, nc4, acc, cm_mean, cm_min, snr_min, snr_max;
  const double *q;   /* k or NULL */
  const double *rho; /* k or NULL (NUMRANK_H) */
} ncd__ncparts;
/* Fill out[0 .. nout) from the frozen statistics and the parts (api.md NaN
 * rules; indices >= NCD_METRIC_COUNT get NaN). */
int ncd__nc_assemble(const ncd__ncf *f, const ncd__ncparts *pt, double *out, size_t nout);

/* NC1 from the pooled scatter S (not divided by n): tr(P^T S P)/n, P = proj. */
int ncd__nc1_from_scatter(const ncd__ncf *f, const double *s, double *nc1);
/* rho = ||H_(c)||_*^2 / ||H_(c)||_F^2 of a raw class block from its count,
 * mean mu (d) and centred scatter S_c (M-11). NaN for an all-zero block. */
int ncd__numrank_from_scatter(size_t d, size_t nc, const double *mu, const double *sc,
                              double *rho);
/* SNR singular values (min(k, d) values into omega) from S (not divided by n)
 * through the shared CP-14 routine; NCD_ESINGULAR when Sigma_W is singular. */
int ncd__nc_snr(const ncd__ncf *f, const double *s, double *omega);

/* ---- the streaming accumulator (nc_acc.c, nc_format.c) ---- */
#define NCD__NOT_COUNTED UINT64_MAX /* pass-1 correct count not available */
struct ncd_nc_acc {
  size_t d, k;
  unsigned flags;       /* NCD_ACC_SCATTER | NCD_ACC_CLASS_SCATTER       */
  ncd__cmom mom;        /* pass-1 moments (frozen in pass 2)             */
  int has_clf;
  double *w, *b;        /* owned copies (k x d, ld d; k), b zeros if NULL */
  uint32_t fp;          /* CRC-32 fingerprint of w then b (4e)           */
  uint64_t correct1;    /* pass-1 correct count or NCD__NOT_COUNTED      */
  int pass2;
  ncd__ncopt opt;       /* ncd_nc_acc_set_options (not serialised)       */
  ncd__ncf fz;          /* pass 2: the frozen first pass                 */
  ncd__ncsums s2;       /* pass 2 sums (s2.n2c owned, k)                 */
};
/* CRC-32 (IEEE 802.3, as zlib crc32) of n bytes, continuing from crc. */
uint32_t ncd__crc32(uint32_t crc, const unsigned char *p, size_t n);
/* CRC-32 of the classifier as little-endian doubles: w (k x d) then b (k). */
uint32_t ncd__nc_fingerprint(size_t k, size_t d, const double *w, const double *b);
/* Allocate an empty accumulator (no validation). */
int ncd__nc_acc_new(size_t d, size_t k, unsigned flags, ncd_nc_acc **acc);
/* Validate public options into opt (NULL: defaults); NCD_EINVAL. */
int ncd__nc_get_options(const ncd_nc_options *o, ncd__ncopt *opt);
/* Enter pass 2 (builds fz, allocates s2.n2c). */
int ncd__nc_acc_freeze(ncd_nc_acc *a);

/* ---- peer parity (peers_*.c; spec/metrics-peers.md) ---- */
/* Centre the class means m (k x d, relative to ref) with centre c (ncd_centre
 * value, opt->unweighted): SAMPLE/CLASS as ncd__centre_means, NONE: mg = -ref
 * (the centre 0 relative to ref), mbar_c = ref + m_c. */
void ncd__peers_centre(size_t d, size_t k, const size_t *count, const double *ref,
                       const double *m, int centre, double *mg, double *mbar);
/* Fill v[NCD_NC1_WEAK .. NCD_CENTROID_COS] (v has NCD_METRIC_COUNT entries,
 * v[NCD_NC1_TRACE_RATIO] already set) from the frozen first pass and q (k or
 * NULL). Allocation failure: NCD_ENOMEM. */
int ncd__peers_assemble(const ncd__ncf *f, const double *q, double *v);
/* Validation of (n, d, k, h, ldh, y) for the peer calls: NCD_EINVAL (NULL,
 * sizes, ld, labels, a class without samples), NCD_ENOMEM. elem = sizeof of
 * an element of h. */
int ncd__peers_check(size_t n, size_t d, size_t k, const void *h, size_t ldh, size_t elem,
                     const int32_t *y);
/* Pass 1 of the peer calls on validated input: s allocated, src opened on h,
 * class means, NaN/Inf scan through the means (NCD_ENONFINITE). On error both
 * are released; on success the caller frees them. */
int ncd__peers_pass1(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                     const int32_t *y, ncd__cstats *s, ncd__rowsrc *src);
/* Effective rank of a d x d scatter s (destroyed) from its eigenvalues. */
int ncd__peers_erank_scatter(size_t d, double *s, double *erank);
/* Effective rank of the sample-centred data from the within-class scatter sw
 * (d x d, both triangles, not divided by n; overwritten) and the class means m
 * (k x d, relative to any point) with counts: S_T = S_W + Mbar^T diag(n_c) Mbar. */
int ncd__peers_erank_total(size_t d, size_t k, const size_t *count, const double *m,
                           double *sw, double *erank);
/* NRC1 profile (d values) with V from the centred H (NCD_NRC_PCA_CENTRED);
 * h validated and scanned by the caller. */
int ncd__peers_nrc1_centred(size_t n, size_t d, const double *h, size_t ldh, double *out);
/* Global and per-class effective ranks (either may be NULL) from pass-1 class
 * statistics and the rows. */
int ncd__peers_erank(const ncd__cstats *st, ncd__rowsrc *src, const int32_t *y,
                     double *erank, double *erank_class);
/* Cosine silhouette over the rows (two passes); per_sample may be NULL. */
int ncd__peers_silhouette(size_t k, const size_t *count, ncd__rowsrc *src,
                          const int32_t *y, double *mean, double *per_sample);

/* ---- additions: perf8 ---- */
/* The fastest NC1 projection variant this CPU runs (NCD__SIMD_AVX512, then
 * AVX2, else PORTABLE = one BLIS GEMM per block); ncd__ncf_build stores it in
 * f->simd. */
int ncd__nc_simd_pick(void);
/* Force variant v on a built f (tests, bench): NCD_ENOTSUP when the CPU cannot
 * run it, NCD_OK otherwise. */
int ncd__ncf_force_simd(ncd__ncf *f, int v);
/* Human-readable name of a variant ("avx512", "avx2", "portable"). */
const char *ncd__nc_simd_name(int v);
/* ---- end additions: perf8 ---- */

/* ---- additions: twins ---- */
/* ---- end additions: twins ---- */

/* ---- additions: acc-ext ---- */
/* ---- end additions: acc-ext ---- */

/* ---- additions: stream-objs ---- */
/* ---- end additions: stream-objs ---- */

#endif /* NCD_METRICS_INTERNAL_H */

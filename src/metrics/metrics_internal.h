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

#include <math.h>

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

/* 1/||x|| (x of d entries, ncd__row_sumsq) to scale a row to unit length;
 * a zero row gives zero_val (0: the row stays 0; NAN: it becomes NaN). */
static inline double ncd__unit_scale(size_t d, const double *x, double zero_val) {
  double t = ncd__row_sumsq(d, x);
  return t > 0.0 ? 1.0 / sqrt(t) : zero_val;
}

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
  ncd__ncopt opt;       /* ncd_nc_acc_set_options (saved in v1.1)        */
  ncd__ncf fz;          /* pass 2: the frozen first pass                 */
  ncd__ncsums s2;       /* pass 2 sums (s2.n2c owned, k; s2.mismc owned, k,
                           exactly when a classifier is set and the state
                           has NCD_ACC_NC4_CLASS, else NULL)               */
  double *sil;          /* NCD_ACC_SILHOUETTE: k x d sums of unit rows    */
  double sil2;          /* NCD_ACC_SILHOUETTE, pass 2: sum of the s_i     */
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
/* NC5 orthogonality deviation (P-9) from g - ref (d, overwritten by g - c0),
 * c0 - ref = mg, centred means mbar (k x d), the OOD sample count n_ood and
 * the 1-norm scale of the terms summed into g: the mean over the classes of
 * |cos(mbar_c, g - c0)|, each term NaN when g = c0 within
 * (n_ood + 2) eps scale (mg added to scale) or mbar_c = 0. */
double ncd__ood_dev(size_t d, size_t k, double *g, const double *mg, const double *mbar,
                    double n_ood, double scale);
/* Column means of the rows of a row source (d = src->cols values): summed
 * block by block in row order, then divided by the row count (peers_cka.c). */
void ncd__src_col_mean(ncd__rowsrc *src, double *mu);
/* Effective rank of a d x d scatter s (destroyed) from its eigenvalues. */
int ncd__peers_erank_scatter(size_t d, double *s, double *erank);
/* Effective rank of the sample-centred data from the within-class scatter sw
 * (d x d, both triangles, not divided by n; overwritten) and the class means m
 * (k x d, relative to any point) with counts: S_T = S_W + Mbar^T diag(n_c) Mbar. */
int ncd__peers_erank_total(size_t d, size_t k, const size_t *count, const double *m,
                           double *sw, double *erank);
/* Global and per-class effective ranks (either may be NULL) from pass-1 class
 * statistics and the rows. */
int ncd__peers_erank(const ncd__cstats *st, ncd__rowsrc *src, const int32_t *y,
                     double *erank, double *erank_class);
/* Cosine silhouette over the rows (two passes); per_sample may be NULL. */
int ncd__peers_silhouette(size_t k, const size_t *count, ncd__rowsrc *src,
                          const int32_t *y, double *mean, double *per_sample);

/* ---- additions: perf8 ---- */
/* Force variant v on a built f (tests, bench): NCD_ENOTSUP when the CPU cannot
 * run it, NCD_OK otherwise. */
int ncd__ncf_force_simd(ncd__ncf *f, int v);
/* Human-readable name of a variant ("avx512", "avx2", "portable"). */
const char *ncd__nc_simd_name(int v);
/* ---- end additions: perf8 ---- */

/* ---- additions: twins ---- */
/* Input of a peer call (peers_in.c): features h64 (float64) or h32 (float32),
 * exactly one non-NULL when valid, labels y32 or y64. */
typedef struct ncd__pin {
  size_t n, d, k, ldh;
  const double *h64;
  const float *h32;
  const int32_t *y32;
  const int64_t *y64;
} ncd__pin;
/* Labels (int32 or int64; both NULL -> NCD_EINVAL) in [0, k). */
int ncd__peers_labels(size_t n, size_t k, const int32_t *y32, const int64_t *y64);
/* *y = y32, or int64 labels (validated) narrowed into *buf (caller frees). */
int ncd__peers_y32(size_t n, const int32_t *y32, const int64_t *y64, int32_t **buf,
                   const int32_t **y);
/* NaN/Inf scan of a float64 or float32 matrix: NCD_ENONFINITE. */
int ncd__peers_scan(const double *h64, const float *h32, size_t n, size_t d, size_t ld);
/* Validation of a peer call's input (n, d, k, h, ldh, labels): NCD_EINVAL
 * (NULL, sizes, ld, labels, a class without samples), NCD_ENOMEM. */
int ncd__peers_check_in(const ncd__pin *a);
/* ncd__peers_check_in, then the int32 labels (*ybuf to free, also on error). */
int ncd__peers_begin(const ncd__pin *a, int32_t **ybuf, const int32_t **y);
/* Pass 1 of the peer calls on validated input (float64 or float32 features,
 * labels y int32): s allocated, src opened on h, class means, NaN/Inf scan
 * through the means (NCD_ENONFINITE). On error both are released; on success
 * the caller frees them. */
int ncd__peers_pass1_src(const ncd__pin *a, const int32_t *y, ncd__cstats *s,
                         ncd__rowsrc *src);
/* NRC (peers_nrc.c): a row source over h in the NRC blocks; the NRC1
 * profile of its rows with V from the raw (centre 0) or centred rows; the
 * same opened on float64/float32 h (validated and scanned by the caller). */
int ncd__peers_nrc_src(ncd__rowsrc *src, size_t n, size_t d, const double *h64,
                       const float *h32, size_t ldh);
int ncd__peers_nrc1_src(ncd__rowsrc *src, int centre, double *out);
int ncd__peers_nrc1(size_t n, size_t d, const double *h64, const float *h32, size_t ldh,
                    int centre, double *out);
/* ---- end additions: twins ---- */

/* ---- additions: acc-ext ---- */
/* Accumulator flag bits kept in ncd_nc_acc.flags (public values). */
#define NCD__ACC_ALL_FLAGS 15u
/* The two passes of the cosine silhouette (nc_acc_peers.c, spec P-16), shared
 * by the one-shot route and the accumulator. Pass 1: add the unit-length rows
 * of src into sums (k x d, ld d; a zero row adds 0). Cannot fail. */
void ncd__sil_sums(ncd__rowsrc *src, const int32_t *y, double *sums);
/* Pass 2: s_i of every row of src against the class sums sil (k x d) and the
 * counts of all the data; per_sample[i] (may be NULL) and *tot = their sum.
 * NCD_ENOMEM (nothing written). */
int ncd__sil_score(ncd__rowsrc *src, const int32_t *y, size_t k, const size_t *count,
                   const double *sil, double *per_sample, double *tot);
/* Mean and population variance of a pair statistic (peers_nc.c) from
 * counts, means relative to any point mrel, centred means mbar (k x d), q (k,
 * or NULL unless CDNV) and w (k x d, ldw, or NULL unless WCOS_UPPER). */
int ncd__peers_pair_stats(size_t d, size_t k, const size_t *count, const double *mrel,
                          const double *mbar, const double *q, const double *w, size_t ldw,
                          ncd_pair which, double p, double *mean, double *var, double *vals);
/* The per-class vectors of ncd_nc_class_vectors from centred means mb (k x d)
 * and w (k x d, ldw; NULL when only norms are asked). */
void ncd__peers_class_vectors(size_t d, size_t k, const double *mb, const double *w,
                              size_t ldw, double *norms, double *dots, double *cosines,
                              double *dual);
/* ---- end additions: acc-ext ---- */

/* ---- additions: stream-objs ---- */
/* Paired centred co-moments (stream_mom.c): n rows of a (da) and b (db, may
 * be 0), means relative to the first row seen, centred co-moments C_aa
 * (da x da), C_bb, C_ab (da x db) on request, NOT divided by n. */
enum { NCD__PM_AA = 1, NCD__PM_BB = 2, NCD__PM_AB = 4 };
typedef struct ncd__pmom {
  size_t da, db;
  uint64_t n;
  double *refa, *refb, *ma, *mb; /* ref and mean - ref                  */
  double *caa, *cbb, *cab;       /* both triangles / full, or NULL      */
} ncd__pmom;
/* Rows of a float64 (f64) or float32 (f32, f64 NULL) matrix with ld. */
typedef struct ncd__srows {
  const double *f64;
  const float *f32;
  size_t ld;
} ncd__srows;
int ncd__pmom_alloc(size_t da, size_t db, unsigned want, ncd__pmom *p); /* zeroed */
void ncd__pmom_free(ncd__pmom *p);
void ncd__pmom_copy(ncd__pmom *dst, const ncd__pmom *src); /* same sizes */
/* Workspace in doubles for blocks of nb rows. */
size_t ncd__pmom_work(const ncd__pmom *p, size_t nb);
/* Absorb n >= 1 validated, finite rows (b ignored when db = 0) in blocks of
 * bs rows: batch mean, SYRK/GEMM of the centred block into the state, Chan
 * term. Cannot fail. */
void ncd__pmom_update(ncd__pmom *p, size_t n, const ncd__srows *a, const ncd__srows *b,
                      size_t bs, double *work);
/* dst <- dst (+) src (same sizes, dst != src), elementwise in a fixed order;
 * work: da + db doubles. Cannot fail. */
void ncd__pmom_merge(ncd__pmom *dst, const ncd__pmom *src, double *work);
/* Byte format of the streaming objects (docs/peers.md "Streaming"). */
#define NCD__SF_HDR 64u
typedef struct ncd__sfhdr {
  uint32_t flags;
  uint64_t s1, s2, n, extra, payload;
} ncd__sfhdr;
size_t ncd__pmom_bytes(const ncd__pmom *p);
unsigned char *ncd__pmom_put(const ncd__pmom *p, unsigned char *b);
/* *bad set on a non-finite real; symmetric matrices mirrored. */
const unsigned char *ncd__pmom_get(ncd__pmom *p, const unsigned char *b, int *bad);
/* A loaded state is usable: all zero when n = 0, co-moment diagonals >= 0. */
int ncd__pmom_consistent(const ncd__pmom *p);
int ncd__sym_diag_ok(size_t d, const double *c); /* c NULL: 1 */
void ncd__sf_put64(unsigned char *p, uint64_t v);
uint64_t ncd__sf_get64(const unsigned char *p);
unsigned char *ncd__sf_put_reals(unsigned char *p, size_t n, const double *x, int tri);
const unsigned char *ncd__sf_get_reals(const unsigned char *p, size_t n, double *x, int tri,
                                       int *bad);
size_t ncd__sf_size(size_t payload);
void ncd__sf_header(unsigned char *b, const char magic[4], uint32_t flags, uint64_t s1,
                    uint64_t s2, uint64_t n, uint64_t extra, uint64_t payload);
void ncd__sf_seal(unsigned char *b, size_t payload); /* CRC-32 after the payload */
/* Magic, version, header size, reserved, payload size against len, CRC:
 * NCD_EFORMAT or NCD_OK with h filled. */
int ncd__sf_parse(const unsigned char *b, size_t len, const char magic[4], ncd__sfhdr *h);
/* Final steps shared with the one-shot calls: CKA from the centred
 * co-moments (peers_cka.c); NRC1 profile from the Gram g whose eigenvectors
 * give V (destroyed) and the plain Gram gu of the unit rows (peers_nrc.c);
 * the head's orthonormal row basis (vt m x d, r rows kept as numpy pinv's
 * rcond 1e-15) and NRC3 from the target second moment c (m x m, destroyed:
 * intended: the covariance /n; literal: the raw row-centred Yc^T Yc) (peers_nrc3.c). */
double ncd__cka_from_moments(size_t d1, size_t d2, const double *cxx, const double *czz,
                             const double *cxz);
int ncd__nrc1_from_grams(size_t n, size_t d, double *g, const double *gu, int zero,
                         double *out);
int ncd__nrc_head_basis(size_t m, size_t d, const double *wr, size_t ldwr, double *vt,
                        size_t *r);
int ncd__nrc3_from_cov(size_t n, size_t m, size_t d, double *c, const double *wr,
                       size_t ldwr, double lo, double hi, unsigned flags, double *out);
/* ---- end additions: stream-objs ---- */

#endif /* NCD_METRICS_INTERNAL_H */

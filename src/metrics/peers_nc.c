/*
 * peers_nc.c - peer-parity statistics of the class means (spec/metrics-peers.md):
 * the centre option (P-1, including the centre 0), the pair statistics of
 * rhubarbwu/neural-collapse and felixsh/nc-toolbox (P-4 CDNV with a distance
 * exponent and either variance divisor, P-5 hyperspherical uniformity kernels,
 * P-6 nc-toolbox's signed pair forms), the appended scalar metrics
 * NCD_NC1_WEAK (P-3), NCD_UNC3_VAR (P-7), NCD_GNC2_* (P-5) and
 * NCD_CENTROID_COS (P-13), the public ncd_nc_pairs and ncd_nc_pair_grid (the
 * k x k matrix of a pair statistic) with their _f32 / _i64 / _f32_i64 twins.
 */
#include <math.h>
#include <string.h>

#include "metrics_internal.h"

void ncd__peers_centre(size_t d, size_t k, const size_t *count, const double *ref,
                       const double *m, int centre, double *mg, double *mbar) {
  if (centre != NCD_CENTRE_NONE) {
    ncd__centre_means(d, k, count, m, centre == NCD_CENTRE_CLASS, mg, mbar);
    return;
  }
  for (size_t j = 0; j < d; j++) mg[j] = -ref[j];
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) mbar[c * d + j] = count[c] ? ref[j] + m[c * d + j] : 0.0;
}

/* What the pair kernels read: counts, means relative to any point (mrel),
 * centred means mbar (both k x d, ld d), q_c (or NULL) and w (or NULL). */
typedef struct pairin {
  size_t d, k;
  const size_t *count;
  const double *mrel, *mbar, *q, *w;
  size_t ldw;
} pairin;

static double dot(const double *a, const double *b, size_t d) {
  double t = 0.0;
  for (size_t j = 0; j < d; j++) t += a[j] * b[j];
  return t;
}

/* ||a/||a|| - b/||b|| || formed from the difference (never sqrt(2 - 2 cos)). */
static double unit_dist(const double *a, const double *b, size_t d) {
  double na = sqrt(dot(a, a, d)), nb = sqrt(dot(b, b, d)), t = 0.0;
  if (!(na > 0.0) || !(nb > 0.0)) return NAN;
  for (size_t j = 0; j < d; j++) {
    double u = a[j] / na - b[j] / nb;
    t += u * u;
  }
  return sqrt(t);
}

static double cosine(const double *a, const double *b, size_t d) {
  double na = dot(a, a, d), nb = dot(b, b, d);
  return na > 0.0 && nb > 0.0 ? dot(a, b, d) / sqrt(na * nb) : NAN;
}

/* x_ce of one pair c < e. */
static double pair_value(const pairin *in, ncd_pair which, double p, size_t c, size_t e) {
  size_t d = in->d;
  const double *a = in->mbar + c * d, *b = in->mbar + e * d;
  switch (which) {
    case NCD_PAIR_CDNV:
    case NCD_PAIR_CDNV_UNBIASED: {
      double beta = which == NCD_PAIR_CDNV ? 0.0 : 1.0, dist = 0.0;
      const double *x = in->mrel + c * d, *z = in->mrel + e * d;
      for (size_t j = 0; j < d; j++) dist += (x[j] - z[j]) * (x[j] - z[j]);
      double vc = in->q[c] / ((double)in->count[c] - beta);
      double ve = in->q[e] / ((double)in->count[e] - beta);
      return (vc + ve) / (2.0 * pow(dist, p));
    }
    case NCD_PAIR_DIST:
      return unit_dist(a, b, d);
    case NCD_PAIR_LOG:
      return p * log(unit_dist(a, b, d));
    case NCD_PAIR_RIESZ:
      return (p < 0.0 ? -1.0 : 1.0) * pow(unit_dist(a, b, d), -p);
    case NCD_PAIR_LOGNORM_DIFF:
      return 0.5 * (log(dot(a, a, d)) - log(dot(b, b, d)));
    case NCD_PAIR_COS_SHIFTED:
      return cosine(a, b, d) + 1.0 / (double)(in->k - 1);
    case NCD_PAIR_WCOS_UPPER:
      return cosine(in->w + c * in->ldw, b, d);
  }
  return NAN;
}

/* Mean and population variance over the P pairs (vals optional). Two-pass
 * variance on the stored values. */
int ncd__peers_pair_stats(size_t d, size_t k, const size_t *count, const double *mrel,
                          const double *mbar, const double *q, const double *w, size_t ldw,
                          ncd_pair which, double p, double *mean, double *var, double *vals) {
  const pairin in = {d, k, count, mrel, mbar, q, w, ldw};
  size_t np = k * (k - 1) / 2, i = 0;
  double *x = vals ? vals : ncd__malloc_array(np, sizeof(double));
  if (!x) return NCD_ENOMEM;
  double s = 0.0;
  for (size_t c = 0; c < k; c++)
    for (size_t e = c + 1; e < k; e++) s += x[i++] = pair_value(&in, which, p, c, e);
  double mu = s / (double)np, v = 0.0;
  for (i = 0; i < np; i++) v += (x[i] - mu) * (x[i] - mu);
  if (mean) *mean = mu;
  if (var) *var = isinf(mu) ? NAN : v / (double)np;
  if (x != vals) ncd__free(x);
  return NCD_OK;
}

int ncd__peers_assemble(const ncd__ncf *f, const double *q, double *v) {
  size_t d = f->d, k = f->k;
  if (q) { /* NC1_WEAK = trW / (trW + trB), trW = sum q / n, trB = ||Mbar||_F^2 / k */
    double tw = 0.0, tb = 0.0;
    for (size_t c = 0; c < k; c++) tw += q[c], tb += f->mbn[c];
    tw /= (double)f->n;
    tb /= (double)k;
    v[NCD_NC1_WEAK] = tw + tb > 0.0 ? tw / (tw + tb) : NAN;
  }
  if (f->w) { /* UNC3_VAR: sample variance (divisor k - 1) of w_c . mbar_c */
    double s = 0.0, s2 = 0.0;
    for (size_t c = 0; c < k; c++) s += dot(f->w + c * f->ldw, f->mbar + c * d, d);
    s /= (double)k;
    for (size_t c = 0; c < k; c++) {
      double t = dot(f->w + c * f->ldw, f->mbar + c * d, d) - s;
      s2 += t * t;
    }
    v[NCD_UNC3_VAR] = s2 / (double)(k - 1);
  }
  double mean;
  NCD_TRY(ncd__peers_pair_stats(d, k, f->count, f->m, f->mbar, q, f->w, f->ldw, NCD_PAIR_DIST,
                                 0.0, NULL, v + NCD_GNC2_DIST_VAR, NULL));
  NCD_TRY(ncd__peers_pair_stats(d, k, f->count, f->m, f->mbar, q, f->w, f->ldw, NCD_PAIR_LOG,
                                 -1.0, &mean, v + NCD_GNC2_LOG_VAR, NULL));
  v[NCD_GNC2_LOG_MEAN] = mean;
  /* CENTROID_COS: raw means ref + m_c */
  double *raw = ncd__malloc_array(k, d * sizeof(double));
  if (!raw) return NCD_ENOMEM;
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++) raw[c * d + j] = f->ref[j] + f->m[c * d + j];
  double s = 0.0;
  for (size_t c = 0; c < k; c++)
    for (size_t e = c + 1; e < k; e++) s += cosine(raw + c * d, raw + e * d, d);
  v[NCD_CENTROID_COS] = s / ((double)k * (double)(k - 1) / 2.0);
  ncd__free(raw);
  return NCD_OK;
}

/* ---- ncd_nc_pairs, ncd_nc_pair_grid and their twins ---- */

/* Grid of x_cc' (k x k, ldg) for every (c, c'): the pair kernel itself at
 * c' = c (rhubarbwu's grids evaluate their kernels on the whole tile), the
 * strict upper triangle exactly as ncd_nc_pairs, the lower one mirrored
 * (negated for LOGNORM_DIFF; evaluated for WCOS_UPPER, not symmetric). */
static void pair_grid(const pairin *in, ncd_pair which, double p, double *g, size_t ldg) {
  size_t k = in->k;
  for (size_t c = 0; c < k; c++) {
    g[c * ldg + c] = pair_value(in, which, p, c, c);
    for (size_t e = c + 1; e < k; e++) {
      double v = pair_value(in, which, p, c, e);
      g[c * ldg + e] = v;
      g[e * ldg + c] = which == NCD_PAIR_WCOS_UPPER    ? pair_value(in, which, p, e, c)
                       : which == NCD_PAIR_LOGNORM_DIFF ? -v
                                                        : v;
    }
  }
}

/* Validated arguments of ncd_nc_pairs / ncd_nc_pair_grid. */
typedef struct pairreq {
  const double *w;
  size_t ldw;
  int centre;
  ncd_pair which;
  double p;
  double *mean, *var, *vals; /* pairs */
  double *grid;              /* grid (k x k, ldg) or NULL */
  size_t ldg;
} pairreq;

static int pairs_run(const ncd__pin *a, const pairreq *r) {
  size_t d = a->d, k = a->k;
  if ((int)r->centre < 0 || (int)r->centre > 2 || (int)r->which < 0 ||
      (int)r->which > NCD_PAIR_WCOS_UPPER || !isfinite(r->p))
    return NCD_EINVAL;
  int wneed = r->which == NCD_PAIR_WCOS_UPPER;
  if (wneed && !r->w) return NCD_EINVAL;
  if (r->grid) NCD_TRY(ncd__check_matrix(r->grid, k, k, r->ldg, sizeof(double)));
  int32_t *ybuf;
  const int32_t *y;
  NCD_TRY(ncd__peers_check_in(a));
  if (wneed) {
    NCD_TRY(ncd__check_matrix(r->w, k, d, r->ldw, sizeof(double)));
    NCD_TRY(ncd__scan_finite(r->w, k, d, r->ldw));
  }
  NCD_TRY(ncd__peers_y32(a->n, a->y32, a->y64, &ybuf, &y));
  ncd__cstats s;
  ncd__rowsrc src;
  int st = ncd__peers_pass1_src(a, y, &s, &src);
  if (st != NCD_OK) {
    ncd__free(ybuf);
    return st;
  }
  double *q = ncd__calloc(k, sizeof(double));
  if (!q) st = NCD_ENOMEM;
  if (st == NCD_OK && (r->which == NCD_PAIR_CDNV || r->which == NCD_PAIR_CDNV_UNBIASED))
    st = ncd__cstats_scatter(&s, &src, y, NULL, 0, q);
  if (st == NCD_OK) {
    ncd__peers_centre(d, k, s.count, s.ref, s.m, r->centre, s.mg, s.mbar);
    const double *w = wneed ? r->w : NULL;
    pairin in = {d, k, s.count, s.m, s.mbar, q, w, r->ldw};
    if (r->grid) pair_grid(&in, r->which, r->p, r->grid, r->ldg);
    else
      st = ncd__peers_pair_stats(d, k, s.count, s.m, s.mbar, q, w, r->ldw, r->which, r->p,
                                 r->mean, r->var, r->vals);
  }
  ncd__free(q);
  ncd__free(ybuf);
  ncd__rowsrc_free(&src);
  ncd__cstats_free(&s);
  return st;
}

#define PIN(h64_, h32_, y32_, y64_) {n, d, k, ldh, h64_, h32_, y32_, y64_}
#define PAIRS(H64, H32, Y32, Y64)                                        \
  {                                                                      \
    ncd__pin a = PIN(H64, H32, Y32, Y64);                                \
    pairreq r = {w, ldw, (int)centre, which, p, mean, var, vals, NULL, 0}; \
    if (!h || !y) return NCD_EINVAL;                                     \
    return pairs_run(&a, &r);                                            \
  }
#define GRID(H64, H32, Y32, Y64)                                           \
  {                                                                        \
    ncd__pin a = PIN(H64, H32, Y32, Y64);                                  \
    pairreq r = {w, ldw, (int)centre, which, p, NULL, NULL, NULL, grid, ldg}; \
    if (!h || !y || !grid) return NCD_EINVAL;                              \
    return pairs_run(&a, &r);                                              \
  }

NCD_API int ncd_nc_pairs(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                         const int32_t *y, const double *w, size_t ldw, ncd_centre centre,
                         ncd_pair which, double p, double *mean, double *var, double *vals)
PAIRS(h, NULL, y, NULL)

NCD_API int ncd_nc_pairs_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                             const int32_t *y, const double *w, size_t ldw, ncd_centre centre,
                             ncd_pair which, double p, double *mean, double *var, double *vals)
PAIRS(NULL, h, y, NULL)

NCD_API int ncd_nc_pairs_i64(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                             const int64_t *y, const double *w, size_t ldw, ncd_centre centre,
                             ncd_pair which, double p, double *mean, double *var, double *vals)
PAIRS(h, NULL, NULL, y)

NCD_API int ncd_nc_pairs_f32_i64(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                                 const int64_t *y, const double *w, size_t ldw,
                                 ncd_centre centre, ncd_pair which, double p, double *mean,
                                 double *var, double *vals)
PAIRS(NULL, h, NULL, y)

NCD_API int ncd_nc_pair_grid(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                             const int32_t *y, const double *w, size_t ldw, ncd_centre centre,
                             ncd_pair which, double p, double *grid, size_t ldg)
GRID(h, NULL, y, NULL)

NCD_API int ncd_nc_pair_grid_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                                 const int32_t *y, const double *w, size_t ldw,
                                 ncd_centre centre, ncd_pair which, double p, double *grid,
                                 size_t ldg)
GRID(NULL, h, y, NULL)

NCD_API int ncd_nc_pair_grid_i64(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                 const int64_t *y, const double *w, size_t ldw,
                                 ncd_centre centre, ncd_pair which, double p, double *grid,
                                 size_t ldg)
GRID(h, NULL, NULL, y)

NCD_API int ncd_nc_pair_grid_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                     size_t ldh, const int64_t *y, const double *w, size_t ldw,
                                     ncd_centre centre, ncd_pair which, double p,
                                     double *grid, size_t ldg)
GRID(NULL, h, NULL, y)

/*
 * peers_ext.c - peer calls with extra inputs (spec/metrics-peers.md): the
 * agreement of the classifier with nearest-mean decisions against
 * caller-given means (P-8, rhubarbwu clf_ncc_agreement, weighted, class
 * average and per class) and the OOD orthogonality deviation NC5 (P-9,
 * rhubarbwu orthogonality_deviation) with the centre option, the per-class
 * vectors (P-7). Public ncd_nc_agreement, ncd_nc_ood_orthodev,
 * ncd_nc_class_vectors and their _f32 / _i64 / _f32_i64 twins.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "kernels/kernels_internal.h"
#include "metrics_internal.h"

/* Decisions of one block: z (nb x 2k) = (H - 1 r^T) [W; Mbar]^T. */
static void agree_block(size_t d, size_t k, const double *blk, size_t ld, size_t nb,
                        const int32_t *y, const double *r, const double *a2, const double *bias,
                        const double *mbn, double *xc, double *z, size_t *agree) {
  for (size_t i = 0; i < nb; i++)
    for (size_t j = 0; j < d; j++) xc[i * d + j] = blk[i * ld + j] - r[j];
  ncd__gemm(NCD__NOTRANS, NCD__TRANS, nb, 2 * k, d, 1.0, xc, d, a2, d, 0.0, z, 2 * k);
  for (size_t i = 0; i < nb; i++) {
    const double *zi = z + i * 2 * k;
    size_t am = 0, an = 0;
    double best = zi[0] + bias[0], near = mbn[0] - 2.0 * zi[k];
    for (size_t c = 1; c < k; c++) {
      double v = zi[c] + bias[c], u = mbn[c] - 2.0 * zi[k + c];
      if (v > best) best = v, am = c;
      if (u < near) near = u, an = c;
    }
    if (am == an) agree[y[i]]++;
  }
}

/* Validated arguments of ncd_nc_agreement beyond the features and labels. */
typedef struct agreq {
  const double *m, *w, *b;
  size_t ldm, ldw;
  double *weighted, *classavg, *per_class;
} agreq;

static int agree_run(const ncd__pin *in, const agreq *q) {
  size_t n = in->n, d = in->d, k = in->k, ldh = in->ldh;
  const double *m = q->m, *w = q->w, *b = q->b;
  size_t ldm = q->ldm, ldw = q->ldw;
  const void *h = in->h64 ? (const void *)in->h64 : (const void *)in->h32;
  if (!h || !m || !w || k < 2) return NCD_EINVAL;
  if (!q->weighted && !q->classavg && !q->per_class) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(h, n, d, ldh, in->h64 ? sizeof(double) : sizeof(float)));
  NCD_TRY(ncd__check_matrix(m, k, d, ldm, sizeof(double)));
  NCD_TRY(ncd__check_matrix(w, k, d, ldw, sizeof(double)));
  size_t kd;
  if (ncd__mul_overflows(k, d, &kd) || ncd__mul_overflows(kd, 4 * sizeof(double), &kd))
    return NCD_EINVAL;
  NCD_TRY(ncd__peers_labels(n, k, in->y32, in->y64));
  NCD_TRY(ncd__peers_scan(in->h64, in->h32, n, d, ldh));
  NCD_TRY(ncd__scan_finite(m, k, d, ldm));
  NCD_TRY(ncd__scan_finite(w, k, d, ldw));
  if (b) NCD_TRY(ncd__scan_finite_vec(b, k));
  size_t bs = ncd__block_rows(d, ncd__nc_block_bytes(d));
  if (bs > n) bs = n;
  int32_t *ybuf;
  const int32_t *y;
  ncd__rowsrc src;
  memset(&src, 0, sizeof src);
  NCD_TRY(ncd__peers_y32(n, in->y32, in->y64, &ybuf, &y));
  double *a2 = ncd__malloc_array(2 * k, d * sizeof(double));
  double *r = ncd__calloc(d, sizeof(double));
  double *aux = ncd__malloc_array(2 * k, sizeof(double));
  double *xc = ncd__malloc_array(bs, d * sizeof(double));
  double *z = ncd__malloc_array(bs, 2 * k * sizeof(double));
  size_t *cnt = ncd__calloc(2 * k, sizeof(size_t));
  int st = a2 && r && aux && xc && z && cnt ? NCD_OK : NCD_ENOMEM;
  if (st == NCD_OK) st = ncd__rowsrc_init(&src, in->h64, in->h32, n, d, ldh, bs * d * sizeof(double));
  if (st == NCD_OK) {
    /* reference point r = (1/k) sum m_c; rows [W; M - 1 r^T]; bias w_c . r + b_c */
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < d; j++) r[j] += m[c * ldm + j] / (double)k;
    double *bias = aux, *mbn = aux + k;
    for (size_t c = 0; c < k; c++) {
      double t = 0.0, u = 0.0;
      for (size_t j = 0; j < d; j++) {
        double mc = m[c * ldm + j] - r[j];
        a2[c * d + j] = w[c * ldw + j];
        a2[(k + c) * d + j] = mc;
        t += w[c * ldw + j] * r[j];
        u += mc * mc;
      }
      bias[c] = t + (b ? b[c] : 0.0);
      mbn[c] = u;
    }
    for (size_t i0 = 0; i0 < n; i0 += bs) {
      size_t nb = n - i0 < bs ? n - i0 : bs, ld;
      const double *blk = ncd__rowsrc_block(&src, i0, nb, &ld);
      agree_block(d, k, blk, ld, nb, y + i0, r, a2, bias, mbn, xc, z, cnt);
    }
    size_t *nc = cnt + k, tot = 0;
    for (size_t i = 0; i < n; i++) nc[y[i]]++;
    double avg = 0.0;
    for (size_t c = 0; c < k; c++) {
      double ac = nc[c] ? (double)cnt[c] / (double)nc[c] : 0.0; /* empty class: 0 (RW) */
      if (q->per_class) q->per_class[c] = ac;
      avg += ac;
      tot += cnt[c];
    }
    if (q->weighted) *q->weighted = (double)tot / (double)n;
    if (q->classavg) *q->classavg = avg / (double)k;
  }
  ncd__rowsrc_free(&src);
  ncd__free(ybuf);
  ncd__free(a2);
  ncd__free(r);
  ncd__free(aux);
  ncd__free(xc);
  ncd__free(z);
  ncd__free(cnt);
  return st;
}

#define PIN(h64_, h32_, y32_, y64_) {n, d, k, ldh, h64_, h32_, y32_, y64_}
#define AGREE(H64, H32, Y32, Y64)                                               \
  {                                                                             \
    ncd__pin a = PIN(H64, H32, Y32, Y64);                                       \
    agreq q = {m, w, b, ldm, ldw, weighted, classavg, per_class};               \
    return y ? agree_run(&a, &q) : NCD_EINVAL;                                  \
  }

NCD_API int ncd_nc_agreement(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                             const int32_t *y, const double *m, size_t ldm, const double *w,
                             size_t ldw, const double *b, double *weighted, double *classavg,
                             double *per_class)
AGREE(h, NULL, y, NULL)

NCD_API int ncd_nc_agreement_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                                 const int32_t *y, const double *m, size_t ldm,
                                 const double *w, size_t ldw, const double *b,
                                 double *weighted, double *classavg, double *per_class)
AGREE(NULL, h, y, NULL)

NCD_API int ncd_nc_agreement_i64(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                 const int64_t *y, const double *m, size_t ldm,
                                 const double *w, size_t ldw, const double *b,
                                 double *weighted, double *classavg, double *per_class)
AGREE(h, NULL, NULL, y)

NCD_API int ncd_nc_agreement_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                     size_t ldh, const int64_t *y, const double *m,
                                     size_t ldm, const double *w, size_t ldw,
                                     const double *b, double *weighted, double *classavg,
                                     double *per_class)
AGREE(NULL, h, NULL, y)

double ncd__ood_dev(size_t d, size_t k, double *g, const double *mg, const double *mbar,
                    double n_ood, double scale) {
  double gg = 0.0, tot = 0.0;
  for (size_t j = 0; j < d; j++) {
    scale += fabs(mg[j]);
    g[j] -= mg[j];
    gg += g[j] * g[j];
  }
  /* g = c0 up to the rounding of the mean (at most (n_ood + 2) eps scale in
   * the 1-norm): the direction of g - c0 is undetermined, the metric is NaN */
  if (sqrt(gg) <= (n_ood + 2.0) * DBL_EPSILON * scale) gg = 0.0;
  for (size_t c = 0; c < k; c++) {
    double mm = 0.0, mgd = 0.0;
    for (size_t j = 0; j < d; j++) {
      mm += mbar[c * d + j] * mbar[c * d + j];
      mgd += mbar[c * d + j] * g[j];
    }
    tot += mm > 0.0 && gg > 0.0 ? fabs(mgd) / sqrt(mm * gg) : NAN;
  }
  return tot / (double)k;
}

/* NC5 (P-9): features and OOD features of the same type. */
static int ood_run(const ncd__pin *a, size_t n_ood, const double *o64, const float *o32,
                   size_t ldo, int centre, double *out) {
  size_t d = a->d, k = a->k;
  if (!out || centre < 0 || centre > 2) return NCD_EINVAL;
  NCD_TRY(ncd__peers_check_in(a));
  const void *ho = o64 ? (const void *)o64 : (const void *)o32;
  NCD_TRY(ncd__check_matrix(ho, n_ood, d, ldo, o64 ? sizeof(double) : sizeof(float)));
  NCD_TRY(ncd__peers_scan(o64, o32, n_ood, d, ldo));
  int32_t *ybuf;
  const int32_t *y;
  NCD_TRY(ncd__peers_y32(a->n, a->y32, a->y64, &ybuf, &y));
  ncd__cstats s;
  ncd__rowsrc src, osrc;
  memset(&osrc, 0, sizeof osrc);
  int st = ncd__peers_pass1_src(a, y, &s, &src);
  if (st != NCD_OK) {
    ncd__free(ybuf);
    return st;
  }
  double *g = ncd__calloc(d, sizeof(double));
  if (!g) st = NCD_ENOMEM;
  if (st == NCD_OK) st = ncd__rowsrc_init(&osrc, o64, o32, n_ood, d, ldo, ncd__nc_block_bytes(d));
  if (st == NCD_OK) {
    ncd__peers_centre(d, k, s.count, s.ref, s.m, centre, s.mg, s.mbar);
    /* g - c0 relative to ref: mean of (h_ood - ref) minus (c0 - ref) */
    double scale = 0.0; /* sum_i sum_j |h_ij - ref_j| / n_ood + sum_j |c0_j - ref_j| */
    for (size_t i0 = 0; i0 < n_ood; i0 += osrc.block_rows) {
      size_t nb = n_ood - i0 < osrc.block_rows ? n_ood - i0 : osrc.block_rows, ld;
      const double *blk = ncd__rowsrc_block(&osrc, i0, nb, &ld);
      for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < d; j++) {
          double t = (blk[i * ld + j] - s.ref[j]) / (double)n_ood;
          g[j] += t;
          scale += fabs(t);
        }
    }
    *out = ncd__ood_dev(d, k, g, s.mg, s.mbar, (double)n_ood, scale);
  }
  ncd__free(g);
  ncd__free(ybuf);
  ncd__rowsrc_free(&osrc);
  ncd__rowsrc_free(&src);
  ncd__cstats_free(&s);
  return st;
}

NCD_API int ncd_nc_ood_orthodev(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                const int32_t *y, size_t n_ood, const double *h_ood,
                                size_t ldo, ncd_centre centre, double *out) {
  ncd__pin a = PIN(h, NULL, y, NULL);
  return h_ood ? ood_run(&a, n_ood, h_ood, NULL, ldo, (int)centre, out) : NCD_EINVAL;
}

NCD_API int ncd_nc_ood_orthodev_f32(size_t n, size_t d, size_t k, const float *h,
                                    size_t ldh, const int32_t *y, size_t n_ood,
                                    const float *h_ood, size_t ldo, ncd_centre centre,
                                    double *out) {
  ncd__pin a = PIN(NULL, h, y, NULL);
  return h_ood ? ood_run(&a, n_ood, NULL, h_ood, ldo, (int)centre, out) : NCD_EINVAL;
}

NCD_API int ncd_nc_ood_orthodev_i64(size_t n, size_t d, size_t k, const double *h,
                                    size_t ldh, const int64_t *y, size_t n_ood,
                                    const double *h_ood, size_t ldo, ncd_centre centre,
                                    double *out) {
  ncd__pin a = PIN(h, NULL, NULL, y);
  return h_ood && y ? ood_run(&a, n_ood, h_ood, NULL, ldo, (int)centre, out) : NCD_EINVAL;
}

NCD_API int ncd_nc_ood_orthodev_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                        size_t ldh, const int64_t *y, size_t n_ood,
                                        const float *h_ood, size_t ldo, ncd_centre centre,
                                        double *out) {
  ncd__pin a = PIN(NULL, h, NULL, y);
  return h_ood && y ? ood_run(&a, n_ood, NULL, h_ood, ldo, (int)centre, out) : NCD_EINVAL;
}

/* ---- ncd_nc_class_vectors (P-7) ---- */

void ncd__peers_class_vectors(size_t d, size_t k, const double *mb, const double *w,
                              size_t ldw, double *norms, double *dots, double *cosines,
                              double *dual) {
  for (size_t c = 0; c < k; c++) {
    const double *a = mb + c * d, *x = w ? w + c * ldw : NULL;
    double mm = 0.0, ww = 0.0, mw = 0.0;
    for (size_t j = 0; j < d; j++) {
      mm += a[j] * a[j];
      if (x) ww += x[j] * x[j], mw += x[j] * a[j];
    }
    if (norms) norms[c] = sqrt(mm);
    if (dots) dots[c] = mw;
    if (cosines) cosines[c] = mm > 0.0 && ww > 0.0 ? mw / sqrt(mm * ww) : NAN;
    if (dual) {
      double t = 0.0, nm = sqrt(mm), nw = sqrt(ww);
      for (size_t j = 0; j < d; j++) {
        double e = x[j] / nw - a[j] / nm;
        t += e * e;
      }
      dual[c] = mm > 0.0 && ww > 0.0 ? sqrt(t) : NAN;
    }
  }
}

typedef struct cvreq {
  const double *w;
  size_t ldw;
  int centre;
  double *norms, *dots, *cosines, *dual, *gram;
  size_t ldg;
} cvreq;

static int cv_run(const ncd__pin *a, const cvreq *q) {
  size_t d = a->d, k = a->k;
  if (q->centre < 0 || q->centre > 2) return NCD_EINVAL;
  if (!q->norms && !q->dots && !q->cosines && !q->dual && !q->gram) return NCD_EINVAL;
  if (!q->w && (q->dots || q->cosines || q->dual)) return NCD_EINVAL;
  if (q->gram && q->ldg < k) return NCD_EINVAL;
  NCD_TRY(ncd__peers_check_in(a));
  if (q->w) {
    NCD_TRY(ncd__check_matrix(q->w, k, d, q->ldw, sizeof(double)));
    NCD_TRY(ncd__scan_finite(q->w, k, d, q->ldw));
  }
  int32_t *ybuf;
  const int32_t *y;
  NCD_TRY(ncd__peers_y32(a->n, a->y32, a->y64, &ybuf, &y));
  ncd__cstats s;
  ncd__rowsrc src;
  int st = ncd__peers_pass1_src(a, y, &s, &src);
  if (st == NCD_OK) {
    ncd__peers_centre(d, k, s.count, s.ref, s.m, q->centre, s.mg, s.mbar);
    ncd__peers_class_vectors(d, k, s.mbar, q->w, q->ldw, q->norms, q->dots, q->cosines,
                             q->dual);
    if (q->gram) ncd__syrk_aat(k, d, 1.0, s.mbar, d, 0.0, q->gram, q->ldg);
    ncd__rowsrc_free(&src);
    ncd__cstats_free(&s);
  }
  ncd__free(ybuf);
  return st;
}

#define CV(H64, H32, Y32, Y64)                                                        \
  {                                                                                   \
    ncd__pin a = PIN(H64, H32, Y32, Y64);                                             \
    cvreq q = {w, ldw, (int)centre, norms, dots, cosines, dual_dist, gram, ldg};      \
    return y ? cv_run(&a, &q) : NCD_EINVAL;                                           \
  }

NCD_API int ncd_nc_class_vectors(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                 const int32_t *y, const double *w, size_t ldw,
                                 ncd_centre centre, double *norms, double *dots,
                                 double *cosines, double *dual_dist, double *gram, size_t ldg)
CV(h, NULL, y, NULL)

NCD_API int ncd_nc_class_vectors_f32(size_t n, size_t d, size_t k, const float *h,
                                     size_t ldh, const int32_t *y, const double *w,
                                     size_t ldw, ncd_centre centre, double *norms,
                                     double *dots, double *cosines, double *dual_dist,
                                     double *gram, size_t ldg)
CV(NULL, h, y, NULL)

NCD_API int ncd_nc_class_vectors_i64(size_t n, size_t d, size_t k, const double *h,
                                     size_t ldh, const int64_t *y, const double *w,
                                     size_t ldw, ncd_centre centre, double *norms,
                                     double *dots, double *cosines, double *dual_dist,
                                     double *gram, size_t ldg)
CV(h, NULL, NULL, y)

NCD_API int ncd_nc_class_vectors_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                         size_t ldh, const int64_t *y, const double *w,
                                         size_t ldw, ncd_centre centre, double *norms,
                                         double *dots, double *cosines, double *dual_dist,
                                         double *gram, size_t ldg)
CV(NULL, h, NULL, y)

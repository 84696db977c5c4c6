/*
 * nc_acc.c - the streaming, mergeable neural-collapse accumulator (api.md
 * ncd_nc_acc_*; spec/metrics.md 4b): pass 1 merges batch moments centred by
 * their own class means with the Chan-Golub-LeVeque update (M-10, in stats);
 * optional pooled scatter (NC1 and SNR in one pass) and per-class scatters
 * (NUMRANK_H, M-11); pass 2 over the frozen first pass accumulates the NC1
 * projections (M-7), NC4/accuracy (M-12) and cosine margins (M-5);
 * with a classifier also the per-class NC4 mismatches (NCD_NC4_CLASSAVG,
 * peers P-8), and with NCD_ACC_SILHOUETTE the class sums of unit rows (pass
 * 1) and the silhouette sum (pass 2, P-16). Every update validates and allocates before it touches the state, so a rejected
 * batch leaves the accumulator exactly as it was.
 */
#include <math.h>
#include <string.h>

#include "metrics_internal.h"


int ncd__nc_acc_new(size_t d, size_t k, unsigned flags, ncd_nc_acc **out) {
  ncd_nc_acc *a = ncd__calloc(1, sizeof *a);
  if (!a) return NCD_ENOMEM;
  a->d = d;
  a->k = k;
  a->flags = flags;
  if (ncd__cmom_alloc(d, k, flags & 3u, &a->mom) != NCD_OK ||
      ((flags & NCD_ACC_SILHOUETTE) && !(a->sil = ncd__calloc(k * d, sizeof(double))))) {
    ncd__cmom_free(&a->mom);
    ncd__free(a);
    return NCD_ENOMEM;
  }
  *out = a;
  return NCD_OK;
}

NCD_API int ncd_nc_acc_create(size_t d, size_t k, unsigned flags, ncd_nc_acc **acc) {
  NCD_TRY(ncd__check_ptr(acc));
  size_t t;
  if (d == 0 || k < 2 || (flags & ~NCD__ACC_ALL_FLAGS)) return NCD_EINVAL;
  /* k*d*4 doubles (means, classifier, scoring, silhouette sums), d*d and
   * k*d*d when flagged */
  if (ncd__mul_overflows(k, d, &t) || ncd__mul_overflows(t, 32, &t)) return NCD_EINVAL;
  if ((flags & 3u) && (ncd__mul_overflows(d, d, &t) || ncd__mul_overflows(t, 8, &t)))
    return NCD_EINVAL;
  if ((flags & NCD_ACC_CLASS_SCATTER) &&
      (ncd__mul_overflows(d * d, k, &t) || ncd__mul_overflows(t, 8, &t)))
    return NCD_EINVAL;
  return ncd__nc_acc_new(d, k, flags, acc);
}

NCD_API void ncd_nc_acc_free(ncd_nc_acc *acc) {
  if (!acc) return;
  ncd__cmom_free(&acc->mom);
  ncd__free(acc->w);
  ncd__free(acc->b);
  ncd__ncf_free(&acc->fz);
  ncd__free(acc->s2.n2c);
  ncd__free(acc->s2.mismc);
  ncd__free(acc->sil);
  ncd__free(acc);
}

NCD_API int ncd_nc_acc_set_classifier(ncd_nc_acc *acc, const double *w, size_t ldw,
                                      const double *b) {
  NCD_TRY(ncd__check_ptr(acc));
  size_t k = acc->k, d = acc->d;
  NCD_TRY(ncd__check_matrix(w, k, d, ldw, sizeof(double)));
  if (acc->pass2) return NCD_EINVAL;
  NCD_TRY(ncd__scan_finite(w, k, d, ldw));
  if (b) NCD_TRY(ncd__scan_finite_vec(b, k));
  if (acc->has_clf) { /* the same classifier again is fine, another one is not */
    for (size_t c = 0; c < k; c++) {
      if (memcmp(acc->w + c * d, w + c * ldw, d * sizeof(double)) != 0) return NCD_EINVAL;
      double bc = b ? b[c] : 0.0;
      if (memcmp(&acc->b[c], &bc, sizeof bc) != 0) return NCD_EINVAL;
    }
    return NCD_OK;
  }
  double *wc = ncd__malloc_array(k, d * sizeof(double));
  double *bc = ncd__calloc(k, sizeof(double));
  if (!wc || !bc) {
    ncd__free(wc);
    ncd__free(bc);
    return NCD_ENOMEM;
  }
  for (size_t c = 0; c < k; c++) memcpy(wc + c * d, w + c * ldw, d * sizeof(double));
  if (b) memcpy(bc, b, k * sizeof(double));
  acc->w = wc;
  acc->b = bc;
  acc->has_clf = 1;
  acc->fp = ncd__nc_fingerprint(k, d, wc, bc);
  acc->correct1 = acc->mom.n == 0 ? 0 : NCD__NOT_COUNTED;
  return NCD_OK;
}

/* Validated, converted batch. */
typedef struct batch {
  size_t n, ldh;
  const double *h64;
  const float *h32;
  const int32_t *y;
  int32_t *ybuf;
} batch;

static int check_batch(const ncd_nc_acc *acc, batch *bt, const int64_t *y64) {
  NCD_TRY(ncd__check_ptr(acc));
  size_t k = acc->k, d = acc->d, n = bt->n;
  const void *h = bt->h64 ? (const void *)bt->h64 : (const void *)bt->h32;
  NCD_TRY(ncd__check_matrix(h, n, d, bt->ldh, bt->h64 ? sizeof(double) : sizeof(float)));
  if (y64) NCD_TRY(ncd__check_labels_i64(y64, n, k));
  else NCD_TRY(ncd__check_labels(bt->y, n, k));
  if (acc->pass2) { /* pass 2 must not see more samples of a class than pass 1 */
    size_t *cnt = ncd__calloc(k, sizeof(size_t));
    if (!cnt) return NCD_ENOMEM;
    for (size_t i = 0; i < n; i++) cnt[y64 ? (size_t)y64[i] : (size_t)bt->y[i]]++;
    int st = NCD_OK;
    for (size_t c = 0; c < k; c++)
      if (acc->s2.n2c[c] + cnt[c] > acc->mom.count[c]) st = NCD_EINVAL;
    ncd__free(cnt);
    NCD_TRY(st);
  }
  /* Pass 1 needs no scan of its own: a NaN or Inf in a row of class c makes
   * the batch mean m_c non-finite (update_pass1 checks it before the state
   * changes), one read of h fewer, as in the one-shot calls. */
  if (acc->pass2) {
    if (bt->h64) NCD_TRY(ncd__scan_finite(bt->h64, n, d, bt->ldh));
    else NCD_TRY(ncd__scan_finite_f32(bt->h32, n, d, bt->ldh));
  }
  if (y64) {
    bt->ybuf = ncd__malloc_array(n, sizeof(int32_t));
    if (!bt->ybuf) return NCD_ENOMEM;
    for (size_t i = 0; i < n; i++) bt->ybuf[i] = (int32_t)y64[i];
    bt->y = bt->ybuf;
  }
  return NCD_OK;
}

static int update_pass1(ncd_nc_acc *acc, ncd__rowsrc *src, const int32_t *y) {
  size_t d = acc->d, k = acc->k, nb0 = src->block_rows;
  ncd__cmom bm;
  int count = acc->has_clf && acc->correct1 != NCD__NOT_COUNTED;
  int st = ncd__cmom_alloc(d, k, acc->flags, &bm);
  if (st != NCD_OK) return st;
  double *mw = ncd__malloc_array(k, (d + 1) * sizeof(double));
  double *cw = count ? ncd__malloc_array(nb0 * (d + k) + k, sizeof(double)) : NULL;
  double *sil = acc->sil ? ncd__calloc(k * d, sizeof(double)) : NULL;
  if (!mw || (count && !cw) || (acc->sil && !sil)) st = NCD_ENOMEM;
  if (st == NCD_OK) st = ncd__cmom_batch(&bm, acc->mom.n ? acc->mom.ref : NULL, src, y);
  if (st == NCD_OK) st = ncd__scan_finite(bm.m, k, d, d); /* the batch's NaN/Inf scan */
  if (st == NCD_OK) st = ncd__scan_finite(bm.ref, 1, d, d);
  if (st != NCD_OK) goto done;
  uint64_t correct = 0;
  if (count)
    for (size_t i0 = 0; i0 < src->rows; i0 += nb0) {
      size_t nb = src->rows - i0 < nb0 ? src->rows - i0 : nb0, ld;
      const double *blk = ncd__rowsrc_block(src, i0, nb, &ld);
      correct += ncd__nc_count_correct(d, k, bm.ref, acc->w, d, acc->b, blk, ld, nb, y + i0, cw);
    }
  if (sil) ncd__sil_sums(src, y, sil);
  /* nothing below can fail: the state changes only now */
  ncd__cmom_merge(&acc->mom, &bm, mw, 1);
  if (count) acc->correct1 += correct;
  if (sil)
    for (size_t i = 0; i < k * d; i++) acc->sil[i] += sil[i];
done:
  ncd__free(sil);
  ncd__free(mw);
  ncd__free(cw);
  ncd__cmom_free(&bm);
  return st;
}

static int update_pass2(ncd_nc_acc *acc, ncd__rowsrc *src, const int32_t *y) {
  const ncd__ncf *f = &acc->fz;
  unsigned what = 0;
  if (!(acc->flags & NCD_ACC_SCATTER) && f->r) what |= NCD__SC_NC1;
  if (acc->has_clf) what |= NCD__SC_DECIDE | NCD__SC_CM;
  double *work = ncd__malloc_array(ncd__ncf_work(f, src->block_rows), sizeof(double));
  if (!work) return NCD_ENOMEM;
  double sil = 0.0;
  if (acc->sil) { /* may fail: before anything is scored into the state */
    int st = ncd__sil_score(src, y, acc->k, acc->mom.count, acc->sil, NULL, &sil);
    if (st != NCD_OK) {
      ncd__free(work);
      return st;
    }
  }
  for (size_t i0 = 0; i0 < src->rows; i0 += src->block_rows) {
    size_t nb = src->rows - i0 < src->block_rows ? src->rows - i0 : src->block_rows;
    const double *r64;
    const float *r32;
    ncd__rowsrc_row(src, i0, &r64, &r32);
    ncd__ncf_score(f, r64, r32, src->ld, nb, y + i0, i0, what, &acc->s2, work);
  }
  acc->sil2 += sil;
  ncd__free(work);
  return NCD_OK;
}

static int update(ncd_nc_acc *acc, batch *bt, const int64_t *y64) {
  bt->ybuf = NULL;
  int st = check_batch(acc, bt, y64);
  ncd__rowsrc src;
  src.buf = NULL;
  if (st == NCD_OK)
    st = ncd__rowsrc_init(&src, bt->h64, bt->h32, bt->n, acc->d, bt->ldh, ncd__nc_block_bytes(acc->d));
  if (st == NCD_OK) st = acc->pass2 ? update_pass2(acc, &src, bt->y) : update_pass1(acc, &src, bt->y);
  ncd__rowsrc_free(&src);
  ncd__free(bt->ybuf);
  return st;
}

NCD_API int ncd_nc_acc_update(ncd_nc_acc *acc, size_t n, const double *h, size_t ldh,
                              const int32_t *y) {
  batch bt = {n, ldh, h, NULL, y, NULL};
  if (!h) return NCD_EINVAL;
  return update(acc, &bt, NULL);
}

NCD_API int ncd_nc_acc_update_f32(ncd_nc_acc *acc, size_t n, const float *h, size_t ldh,
                                  const int32_t *y) {
  batch bt = {n, ldh, NULL, h, y, NULL};
  if (!h) return NCD_EINVAL;
  return update(acc, &bt, NULL);
}

NCD_API int ncd_nc_acc_update_i64(ncd_nc_acc *acc, size_t n, const double *h, size_t ldh,
                                  const int64_t *y) {
  batch bt = {n, ldh, h, NULL, NULL, NULL};
  if (!h || !y) return NCD_EINVAL;
  return update(acc, &bt, y);
}

NCD_API int ncd_nc_acc_update_f32_i64(ncd_nc_acc *acc, size_t n, const float *h, size_t ldh,
                                      const int64_t *y) {
  batch bt = {n, ldh, NULL, h, NULL, NULL};
  if (!h || !y) return NCD_EINVAL;
  return update(acc, &bt, y);
}

static int same_classifier(const ncd_nc_acc *a, const ncd_nc_acc *b) {
  if (a->has_clf != b->has_clf) return 0;
  if (!a->has_clf) return 1;
  return a->fp == b->fp && !memcmp(a->w, b->w, a->k * a->d * sizeof(double)) &&
         !memcmp(a->b, b->b, a->k * sizeof(double));
}

NCD_API int ncd_nc_acc_merge(ncd_nc_acc *dst, const ncd_nc_acc *src) {
  NCD_TRY(ncd__check_ptr(dst));
  NCD_TRY(ncd__check_ptr(src));
  size_t d = dst->d, k = dst->k;
  if (dst == src || src->d != d || src->k != k || src->flags != dst->flags ||
      src->pass2 != dst->pass2 || !same_classifier(dst, src))
    return NCD_EINVAL;
  if (dst->pass2) { /* same first pass and options, not more samples than it saw */
    if (dst->opt.pinv_rtol != src->opt.pinv_rtol || dst->opt.unweighted != src->opt.unweighted ||
        memcmp(dst->mom.count, src->mom.count, k * sizeof(size_t)) ||
        memcmp(dst->mom.ref, src->mom.ref, d * sizeof(double)) ||
        memcmp(dst->mom.m, src->mom.m, k * d * sizeof(double)))
      return NCD_EINVAL;
    for (size_t c = 0; c < k; c++)
      if (dst->s2.n2c[c] + src->s2.n2c[c] > dst->mom.count[c]) return NCD_EINVAL;
    ncd__ncsums *a = &dst->s2;
    const ncd__ncsums *b = &src->s2;
    a->n2 += b->n2;
    for (size_t c = 0; c < k; c++) a->n2c[c] += b->n2c[c];
    a->nc1 += b->nc1;
    a->mism += b->mism;
    a->correct += b->correct;
    a->cmsum += b->cmsum;
    if (b->cmmin < a->cmmin) a->cmmin = b->cmmin;
    if (a->mismc) /* both or neither: equal flags and classifier */
      for (size_t c = 0; c < k; c++) a->mismc[c] += b->mismc[c];
    dst->sil2 += src->sil2;
    return NCD_OK;
  }
  double *work = ncd__malloc_array(k, (d + 1) * sizeof(double));
  if (!work) return NCD_ENOMEM;
  ncd__cmom_merge(&dst->mom, &src->mom, work, 0);
  ncd__free(work);
  if (dst->sil)
    for (size_t i = 0; i < k * d; i++) dst->sil[i] += src->sil[i];
  if (dst->has_clf)
    dst->correct1 = dst->correct1 == NCD__NOT_COUNTED || src->correct1 == NCD__NOT_COUNTED
                        ? NCD__NOT_COUNTED
                        : dst->correct1 + src->correct1;
  return NCD_OK;
}

NCD_API int ncd_nc_acc_set_options(ncd_nc_acc *acc, const ncd_nc_options *opt) {
  NCD_TRY(ncd__check_ptr(acc));
  ncd__ncopt o;
  NCD_TRY(ncd__nc_get_options(opt, &o));
  if (acc->pass2 && (o.pinv_rtol != acc->opt.pinv_rtol || o.unweighted != acc->opt.unweighted))
    return NCD_EINVAL; /* the second pass was scored with the frozen options */
  acc->opt = o;
  return NCD_OK;
}

int ncd__nc_acc_freeze(ncd_nc_acc *a) {
  uint64_t *n2c = ncd__calloc(a->k, sizeof(uint64_t));
  int mc = a->has_clf && (a->flags & NCD_ACC_NC4_CLASS);
  uint64_t *mismc = mc ? ncd__calloc(a->k, sizeof(uint64_t)) : NULL;
  if (!n2c || (mc && !mismc)) {
    ncd__free(n2c);
    ncd__free(mismc);
    return NCD_ENOMEM;
  }
  int st = ncd__ncf_build(&a->fz, a->mom.n, a->d, a->k, a->mom.count, a->mom.ref, a->mom.m,
                          a->has_clf ? a->w : NULL, a->d, a->has_clf ? a->b : NULL, &a->opt);
  if (st != NCD_OK) {
    ncd__free(n2c);
    ncd__free(mismc);
    return st;
  }
  ncd__ncsums z = {0, n2c, 0.0, 0, 0, 0.0, 2.0, NULL, NULL, mismc};
  a->s2 = z;
  a->sil2 = 0.0;
  a->pass2 = 1;
  return NCD_OK;
}

NCD_API int ncd_nc_acc_begin_pass2(ncd_nc_acc *acc) {
  NCD_TRY(ncd__check_ptr(acc));
  if (acc->pass2) return NCD_EINVAL;
  for (size_t c = 0; c < acc->k; c++)
    if (acc->mom.count[c] == 0) return NCD_EINVAL;
  return ncd__nc_acc_freeze(acc);
}

/* The pieces the state determines (NaN elsewhere). */
static int parts(const ncd_nc_acc *a, const ncd__ncf *f, size_t nout, ncd__ncparts *pt,
                 double *rho, double *omega) {
  size_t k = a->k, d = a->d;
  double dn = (double)a->mom.n;
  int complete = a->pass2;
  for (size_t c = 0; c < k && complete; c++) complete = a->s2.n2c[c] == a->mom.count[c];
  if (nout > NCD_NC1) {
    if (a->flags & NCD_ACC_SCATTER) NCD_TRY(ncd__nc1_from_scatter(f, a->mom.s, &pt->nc1));
    else if (complete) pt->nc1 = a->s2.nc1 / dn;
  }
  if (a->has_clf && a->correct1 != NCD__NOT_COUNTED) pt->acc = (double)a->correct1 / dn;
  if (a->has_clf && complete) {
    pt->nc4 = (double)a->s2.mism / dn;
    if (isnan(pt->acc)) pt->acc = (double)a->s2.correct / dn;
    if (f->cm_ok) {
      pt->cm_mean = a->s2.cmsum / dn;
      pt->cm_min = a->s2.cmmin;
    }
  }
  pt->q = a->mom.q;
  if ((a->flags & NCD_ACC_CLASS_SCATTER) && nout > NCD_NUMRANK_H) {
    double *mu = ncd__malloc_array(d, sizeof(double));
    if (!mu) return NCD_ENOMEM;
    int st = NCD_OK;
    for (size_t c = 0; c < k && st == NCD_OK; c++) {
      for (size_t j = 0; j < d; j++) mu[j] = a->mom.ref[j] + a->mom.m[c * d + j];
      st = ncd__numrank_from_scatter(d, a->mom.count[c], mu, a->mom.sc + c * d * d, rho + c);
    }
    ncd__free(mu);
    NCD_TRY(st);
    pt->rho = rho;
  }
  if ((a->flags & NCD_ACC_SCATTER) && nout > NCD_SNR_MIN) {
    int st = ncd__nc_snr(f, a->mom.s, omega);
    if (st == NCD_OK) {
      pt->snr_max = omega[0];
      pt->snr_min = omega[(k - 1 < d ? k - 1 : d) - 1];
    } else if (st != NCD_ESINGULAR) {
      return st;
    }
  }
  return NCD_OK;
}

/* NCD_NC4_CLASSAVG and NCD_SILHOUETTE_COS from a complete second pass. */
static void extra_metrics(const ncd_nc_acc *a, double *out, size_t nout) {
  size_t k = a->k;
  int complete = a->pass2;
  for (size_t c = 0; c < k && complete; c++) complete = a->s2.n2c[c] == a->mom.count[c];
  if (nout > NCD_NC4_CLASSAVG) {
    double t = NAN;
    if (complete && a->s2.mismc) {
      t = 0.0;
      for (size_t c = 0; c < k; c++) t += (double)a->s2.mismc[c] / (double)a->mom.count[c];
      t /= (double)k;
    }
    out[NCD_NC4_CLASSAVG] = t;
  }
  if (nout > NCD_SILHOUETTE_COS)
    out[NCD_SILHOUETTE_COS] = complete && a->sil ? a->sil2 / (double)a->mom.n : NAN;
}

NCD_API int ncd_nc_acc_metrics(const ncd_nc_acc *acc, double *out, size_t nout) {
  NCD_TRY(ncd__check_ptr(acc));
  if (nout && !out) return NCD_EINVAL;
  size_t k = acc->k, d = acc->d;
  int empty = 0;
  for (size_t c = 0; c < k; c++) empty |= acc->mom.count[c] == 0;
  if (empty) { /* the means are undetermined: so is every metric */
    for (size_t i = 0; i < nout; i++) out[i] = NAN;
    return NCD_OK;
  }
  ncd__ncf tmp;
  const ncd__ncf *f = &acc->fz;
  double *rho = ncd__malloc_array(k, sizeof(double));
  double *omega = ncd__malloc_array(k < d ? k : d, sizeof(double));
  int st = rho && omega ? NCD_OK : NCD_ENOMEM;
  memset(&tmp, 0, sizeof tmp);
  if (st == NCD_OK && !acc->pass2) {
    st = ncd__ncf_build(&tmp, acc->mom.n, d, k, acc->mom.count, acc->mom.ref, acc->mom.m,
                        acc->has_clf ? acc->w : NULL, d, acc->has_clf ? acc->b : NULL, &acc->opt);
    f = &tmp;
  }
  ncd__ncparts pt = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NULL, NULL};
  if (st == NCD_OK) st = parts(acc, f, nout, &pt, rho, omega);
  double erank = NAN;
  if (st == NCD_OK && nout > NCD_ERANK && (acc->flags & NCD_ACC_SCATTER)) { /* peers P-14 */
    double *sw = ncd__malloc_array(d, d * sizeof(double));
    st = sw ? NCD_OK : NCD_ENOMEM;
    if (sw) memcpy(sw, acc->mom.s, d * d * sizeof(double));
    if (st == NCD_OK) st = ncd__peers_erank_total(d, k, acc->mom.count, acc->mom.m, sw, &erank);
    ncd__free(sw);
  }
  if (st == NCD_OK && nout) st = ncd__nc_assemble(f, &pt, out, nout);
  if (st == NCD_OK) extra_metrics(acc, out, nout);
  if (st == NCD_OK && nout > NCD_ERANK) out[NCD_ERANK] = erank;
  ncd__ncf_free(&tmp);
  ncd__free(rho);
  ncd__free(omega);
  return st;
}

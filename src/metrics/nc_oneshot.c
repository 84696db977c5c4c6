/*
 * nc_oneshot.c - neural-collapse metrics of in-memory features (api.md
 * ncd_nc_metrics; spec/metrics.md section 6 checklist): pass 1 = class means
 * against a reference point (M-9), the SVD of Mbar (M-7/M-8), pass 2 = the
 * NC1 projections, q_c, NC4/accuracy/cosine margins (4c) in row blocks; only
 * for nout > 16 the per-class scatters (M-11), only for nout > 17 the pooled
 * scatter and the SNR (M-6, CP-14). float64/float32 features (4d, blocks),
 * int32/int64 labels, options (pinv cut, unweighted centre) and the vector
 * outputs of section 3 (spectrum, SNR values, per-class numerical rank,
 * per-sample cosine margins); the float32 / int64 twins of
 * ncd_nc_metrics_select (issue 12).
 */
#include <math.h>
#include <string.h>

#include "metrics_internal.h"


/* What a call wants besides out[0 .. nout). */
typedef struct req {
  double *spec;    /* min(k,d) singular values of Mbar */
  size_t *rank;
  double *omega;   /* min(k-1, d) SNR values          */
  int omega_st;    /* status of the SNR (ESINGULAR)    */
  double *rho;     /* k                                */
  double *cm;      /* n                                */
} req;

/* Validated input. */
typedef struct in {
  size_t n, d, k, ldh, ldw;
  const double *h64;
  const float *h32;
  const int32_t *y;
  const double *w, *b;
  ncd__ncopt opt;
  uint64_t skip; /* metrics not wanted (ncd_nc_metrics_select): bit i = metric i */
} in;

static int validate(in *a, const int64_t *y64, int32_t **ybuf, int need_w) {
  if (a->k < 2) return NCD_EINVAL;
  NCD_TRY(ncd__check_matrix(a->h64 ? (const void *)a->h64 : (const void *)a->h32, a->n, a->d,
                            a->ldh, a->h64 ? sizeof(double) : sizeof(float)));
  size_t kd;
  if (ncd__mul_overflows(a->k, a->d, &kd) || ncd__mul_overflows(kd, 3 * sizeof(double), &kd))
    return NCD_EINVAL;
  if (y64) NCD_TRY(ncd__peers_labels(a->n, a->k, NULL, y64)); /* also < 2^31 (narrowed) */
  else NCD_TRY(ncd__check_labels(a->y, a->n, a->k));
  if (need_w && !a->w) return NCD_EINVAL;
  if (a->w) NCD_TRY(ncd__check_matrix(a->w, a->k, a->d, a->ldw, sizeof(double)));
  else a->b = NULL;
  ncd_nc_options po = {a->opt.pinv_rtol, a->opt.unweighted};
  NCD_TRY(ncd__nc_get_options(&po, &a->opt));
  /* every class present */
  size_t *cnt = ncd__calloc(a->k, sizeof(size_t));
  if (!cnt) return NCD_ENOMEM;
  for (size_t i = 0; i < a->n; i++) cnt[y64 ? (size_t)y64[i] : (size_t)a->y[i]]++;
  int st = NCD_OK;
  for (size_t c = 0; c < a->k; c++)
    if (!cnt[c]) st = NCD_EINVAL;
  ncd__free(cnt);
  NCD_TRY(st);
  /* h is scanned by pass 1 itself (see compute): one read fewer */
  if (a->w) NCD_TRY(ncd__scan_finite(a->w, a->k, a->d, a->ldw));
  if (a->b) NCD_TRY(ncd__scan_finite_vec(a->b, a->k));
  if (y64) {
    *ybuf = ncd__malloc_array(a->n, sizeof(int32_t));
    if (!*ybuf) return NCD_ENOMEM;
    for (size_t i = 0; i < a->n; i++) (*ybuf)[i] = (int32_t)y64[i];
    a->y = *ybuf;
  }
  return NCD_OK;
}

static int per_class_rank(const in *a, const ncd__cstats *s, ncd__rowsrc *src, double *rho) {
  size_t d = a->d;
  double *sc = ncd__malloc_array(d, d * sizeof(double));
  double *mu = ncd__malloc_array(d, sizeof(double));
  int st = sc && mu ? NCD_OK : NCD_ENOMEM;
  for (size_t c = 0; c < a->k && st == NCD_OK; c++) {
    st = ncd__cstats_class_scatter(s, src, a->y, c, sc, d);
    for (size_t j = 0; j < d; j++) mu[j] = s->ref[j] + s->m[c * d + j];
    if (st == NCD_OK) st = ncd__numrank_from_scatter(d, s->count[c], mu, sc, rho + c);
  }
  ncd__free(sc);
  ncd__free(mu);
  return st;
}

static int snr_values(const in *a, const ncd__ncf *f, const ncd__cstats *s,
                      ncd__rowsrc *src, double *omega) {
  size_t d = a->d, p = f->p;
  double *sw = ncd__malloc_array(d, d * sizeof(double));
  double *om = ncd__malloc_array(p, sizeof(double));
  int st = sw && om ? NCD_OK : NCD_ENOMEM;
  if (st == NCD_OK) st = ncd__cstats_scatter(s, src, a->y, sw, d, NULL);
  if (st == NCD_OK) st = ncd__nc_snr(f, sw, om);
  if (st == NCD_OK) memcpy(omega, om, (a->k - 1 < d ? a->k - 1 : d) * sizeof(double));
  ncd__free(sw);
  ncd__free(om);
  return st;
}

/* Metric i wanted: inside nout and selected. */
static int want(const in *a, size_t nout, size_t i) {
  return i < nout && (i >= 64 || !((a->skip >> i) & 1u));
}

static int compute(const in *a, double *out, size_t nout, req *rq) {
  size_t n = a->n, d = a->d, k = a->k;
  uint64_t *mismc = NULL;
  ncd__cstats s;
  ncd__rowsrc src;
  ncd__ncf f;
  double *work = NULL, *q = NULL, *rho = NULL, *omega = NULL;
  memset(&f, 0, sizeof f);
  int st = ncd__cstats_alloc(d, k, &s);
  if (st != NCD_OK) return st;
  st = ncd__rowsrc_init(&src, a->h64, a->h32, n, d, a->ldh, ncd__nc_block_bytes(d));
  if (st == NCD_OK) st = ncd__cstats_means(&s, &src, a->y);
  /* The NaN/Inf scan of h, fused into pass 1: a NaN or Inf anywhere in a row
   * of class c makes m_c non-finite (through the sum, the class's first row or
   * the reference row), and nothing has been written yet. Only sums of finite
   * features beyond 1e308 could also end here, which no result survives. */
  if (st == NCD_OK) st = ncd__scan_finite(s.m, k, d, d);
  if (st == NCD_OK)
    st = ncd__ncf_build(&f, n, d, k, s.count, s.ref, s.m, a->w, a->ldw, a->b, &a->opt);
  if (st != NCD_OK) goto done;
  if (rq->spec) {
    memcpy(rq->spec, f.s, f.p * sizeof(double));
    *rq->rank = f.r;
  }
  unsigned what = 0;
  if (want(a, nout, NCD_NC1) && f.r) what |= NCD__SC_NC1;
  if (want(a, nout, NCD_NC1_TRACE_RATIO) || want(a, nout, NCD_NC1_CDNV) ||
      want(a, nout, NCD_NC1_WEAK))
    what |= NCD__SC_Q;
  if (a->w && (want(a, nout, NCD_NC4) || want(a, nout, NCD_ACCURACY) ||
               want(a, nout, NCD_NC4_CLASSAVG)))
    what |= NCD__SC_DECIDE;
  if (a->w && (want(a, nout, NCD_COSMARGIN_MEAN) || want(a, nout, NCD_COSMARGIN_MIN) || rq->cm))
    what |= NCD__SC_CM;
  ncd__ncsums sums = {0, NULL, 0.0, 0, 0, 0.0, 2.0, NULL, rq->cm, NULL};
  q = ncd__calloc(k, sizeof(double));
  work = ncd__malloc_array(ncd__ncf_work(&f, src.block_rows), sizeof(double));
  if (!q || !work) {
    st = NCD_ENOMEM;
    goto done;
  }
  if (what & NCD__SC_Q) sums.q = q;
  if ((what & NCD__SC_DECIDE) && want(a, nout, NCD_NC4_CLASSAVG)) {
    sums.mismc = mismc = ncd__calloc(k, sizeof(uint64_t));
    if (!mismc) {
      st = NCD_ENOMEM;
      goto done;
    }
  }
  if (what)
    for (size_t i0 = 0; i0 < n; i0 += src.block_rows) {
      size_t nb = n - i0 < src.block_rows ? n - i0 : src.block_rows;
      const double *r64;
      const float *r32;
      ncd__rowsrc_row(&src, i0, &r64, &r32);
      ncd__ncf_score(&f, r64, r32, a->ldh, nb, a->y + i0, i0, what, &sums, work);
    }
  ncd__ncparts pt = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NULL, NULL};
  double dn = (double)n;
  pt.nc1 = sums.nc1 / dn;
  if (what & NCD__SC_Q) pt.q = q;
  if (what & NCD__SC_DECIDE) {
    pt.nc4 = (double)sums.mism / dn;
    pt.acc = (double)sums.correct / dn;
  }
  if ((what & NCD__SC_CM) && f.cm_ok) {
    pt.cm_mean = sums.cmsum / dn;
    pt.cm_min = sums.cmmin;
  }
  if (want(a, nout, NCD_NUMRANK_H) || rq->rho) {
    rho = rq->rho ? rq->rho : ncd__malloc_array(k, sizeof(double));
    st = rho ? per_class_rank(a, &s, &src, rho) : NCD_ENOMEM;
    if (st != NCD_OK) goto done;
    pt.rho = rho;
  }
  if (want(a, nout, NCD_SNR_MIN) || want(a, nout, NCD_SNR_MAX) || rq->omega) {
    size_t m = k - 1 < d ? k - 1 : d;
    omega = rq->omega ? rq->omega : ncd__malloc_array(m, sizeof(double));
    st = omega ? snr_values(a, &f, &s, &src, omega) : NCD_ENOMEM;
    rq->omega_st = st;
    if (st == NCD_ESINGULAR) st = NCD_OK;
    else if (st == NCD_OK) {
      pt.snr_min = omega[m - 1];
      pt.snr_max = omega[0];
    }
    if (st != NCD_OK) goto done;
  }
  double extra[3] = {NAN, NAN, NAN}; /* NC4_CLASSAVG, SILHOUETTE_COS, ERANK */
  if (mismc) {
    double t = 0.0;
    for (size_t c = 0; c < k; c++) t += (double)mismc[c] / (double)s.count[c];
    extra[0] = t / (double)k;
  }
  if (want(a, nout, NCD_SILHOUETTE_COS))
    st = ncd__peers_silhouette(k, s.count, &src, a->y, extra + 1, NULL);
  if (st == NCD_OK && want(a, nout, NCD_ERANK))
    st = ncd__peers_erank(&s, &src, a->y, extra + 2, NULL);
  if (st == NCD_OK && nout) st = ncd__nc_assemble(&f, &pt, out, nout);
  if (st == NCD_OK)
    for (size_t i = 0; i < nout; i++) {
      if (i >= NCD_NC4_CLASSAVG && i <= NCD_ERANK) out[i] = extra[i - NCD_NC4_CLASSAVG];
      if (!want(a, nout, i)) out[i] = NAN;
    }
done:
  ncd__free(mismc);
  if (rho != rq->rho) ncd__free(rho);
  if (omega != rq->omega) ncd__free(omega);
  ncd__free(q);
  ncd__free(work);
  ncd__ncf_free(&f);
  ncd__rowsrc_free(&src);
  ncd__cstats_free(&s);
  return st;
}

static int run(in *a, const int64_t *y64, double *out, size_t nout, req *rq, int need_w) {
  if (nout && !out) return NCD_EINVAL;
  int32_t *ybuf = NULL;
  int st = validate(a, y64, &ybuf, need_w);
  if (st == NCD_OK) st = compute(a, out, nout, rq);
  ncd__free(ybuf);
  return st;
}

int ncd__nc_get_options(const ncd_nc_options *o, ncd__ncopt *opt) {
  opt->pinv_rtol = o ? o->pinv_rtol : 0.0;
  opt->unweighted = o ? o->unweighted_centre : 0;
  if (!(opt->pinv_rtol >= 0.0 && opt->pinv_rtol < 1.0)) return NCD_EINVAL;
  if (opt->unweighted < 0 || opt->unweighted > 2) return NCD_EINVAL;
  return NCD_OK;
}

/* Options are validated with the other arguments (validate): keep them raw here. */
static void get_opt(const ncd_nc_options *o, ncd__ncopt *opt) {
  opt->pinv_rtol = o ? o->pinv_rtol : 0.0;
  opt->unweighted = o ? o->unweighted_centre : 0;
}

#define IN(h64_, h32_, y_) \
  {n, d, k, ldh, ldw, h64_, h32_, y_, w, b, {0.0, 0}, 0}

NCD_API int ncd_nc_metrics(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                           const int32_t *y, const double *w, size_t ldw, const double *b,
                           double *out, size_t nout) {
  in a = IN(h, NULL, y);
  req rq = {0};
  if (!h) return NCD_EINVAL;
  return run(&a, NULL, out, nout, &rq, 0);
}

NCD_API int ncd_nc_metrics_f32(size_t n, size_t d, size_t k, const float *h, size_t ldh,
                               const int32_t *y, const double *w, size_t ldw,
                               const double *b, double *out, size_t nout) {
  in a = IN(NULL, h, y);
  req rq = {0};
  if (!h) return NCD_EINVAL;
  return run(&a, NULL, out, nout, &rq, 0);
}

NCD_API int ncd_nc_metrics_i64(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                               const int64_t *y, const double *w, size_t ldw,
                               const double *b, double *out, size_t nout) {
  in a = IN(h, NULL, NULL);
  req rq = {0};
  if (!h || !y) return NCD_EINVAL;
  return run(&a, y, out, nout, &rq, 0);
}

NCD_API int ncd_nc_metrics_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                   size_t ldh, const int64_t *y, const double *w,
                                   size_t ldw, const double *b, double *out, size_t nout) {
  in a = IN(NULL, h, NULL);
  req rq = {0};
  if (!h || !y) return NCD_EINVAL;
  return run(&a, y, out, nout, &rq, 0);
}

NCD_API int ncd_nc_metrics_ex(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                              const int32_t *y, const double *w, size_t ldw,
                              const double *b, const ncd_nc_options *opt, double *out,
                              size_t nout) {
  in a = IN(h, NULL, y);
  req rq = {0};
  if (!h) return NCD_EINVAL;
  get_opt(opt, &a.opt);
  return run(&a, NULL, out, nout, &rq, 0);
}

NCD_API int ncd_nc_metrics_select(size_t n, size_t d, size_t k, const double *h,
                                  size_t ldh, const int32_t *y, const double *w,
                                  size_t ldw, const double *b, const ncd_nc_options *opt,
                                  uint64_t select, double *out, size_t nout) {
  in a = IN(h, NULL, y);
  req rq = {0};
  if (!h) return NCD_EINVAL;
  get_opt(opt, &a.opt);
  a.skip = ~select;
  return run(&a, NULL, out, nout, &rq, 0);
}

NCD_API int ncd_nc_spectrum(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                            const int32_t *y, const ncd_nc_options *opt, double *s,
                            size_t *rank) {
  const double *w = NULL, *b = NULL;
  size_t ldw = 0;
  in a = IN(h, NULL, y);
  req rq = {0};
  rq.spec = s;
  rq.rank = rank;
  if (!h || !s || !rank) return NCD_EINVAL;
  get_opt(opt, &a.opt);
  return run(&a, NULL, NULL, 0, &rq, 0);
}

NCD_API int ncd_nc_snr(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                       const int32_t *y, const ncd_nc_options *opt, double *omega) {
  const double *w = NULL, *b = NULL;
  size_t ldw = 0;
  in a = IN(h, NULL, y);
  req rq = {0};
  rq.omega = omega;
  if (!h || !omega) return NCD_EINVAL;
  get_opt(opt, &a.opt);
  int st = run(&a, NULL, NULL, 0, &rq, 0);
  return st == NCD_OK ? rq.omega_st : st;
}

NCD_API int ncd_nc_numrank(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                           const int32_t *y, double *rho) {
  const double *w = NULL, *b = NULL;
  size_t ldw = 0;
  in a = IN(h, NULL, y);
  req rq = {0};
  rq.rho = rho;
  if (!h || !rho) return NCD_EINVAL;
  return run(&a, NULL, NULL, 0, &rq, 0);
}

NCD_API int ncd_nc_cosine_margin(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                                 const int32_t *y, const double *w, size_t ldw,
                                 const ncd_nc_options *opt, double *cm) {
  const double *b = NULL;
  in a = IN(h, NULL, y);
  req rq = {0};
  rq.cm = cm;
  if (!h || !cm || !w) return NCD_EINVAL;
  get_opt(opt, &a.opt);
  return run(&a, NULL, NULL, 0, &rq, 1);
}

/* Twins of ncd_nc_metrics_select (issue 12; the same validated path). */
static int select_run(in *a, const int64_t *y64, const ncd_nc_options *opt, uint64_t select,
                      double *out, size_t nout) {
  req rq = {0};
  if (!(a->h64 || a->h32) || (!y64 && !a->y)) return NCD_EINVAL;
  get_opt(opt, &a->opt);
  a->skip = ~select;
  return run(a, y64, out, nout, &rq, 0);
}

NCD_API int ncd_nc_metrics_select_f32(size_t n, size_t d, size_t k, const float *h,
                                      size_t ldh, const int32_t *y, const double *w,
                                      size_t ldw, const double *b, const ncd_nc_options *opt,
                                      uint64_t select, double *out, size_t nout) {
  in a = IN(NULL, h, y);
  return select_run(&a, NULL, opt, select, out, nout);
}

NCD_API int ncd_nc_metrics_select_i64(size_t n, size_t d, size_t k, const double *h,
                                      size_t ldh, const int64_t *y, const double *w,
                                      size_t ldw, const double *b, const ncd_nc_options *opt,
                                      uint64_t select, double *out, size_t nout) {
  in a = IN(h, NULL, NULL);
  return select_run(&a, y, opt, select, out, nout);
}

NCD_API int ncd_nc_metrics_select_f32_i64(size_t n, size_t d, size_t k, const float *h,
                                          size_t ldh, const int64_t *y, const double *w,
                                          size_t ldw, const double *b,
                                          const ncd_nc_options *opt, uint64_t select,
                                          double *out, size_t nout) {
  in a = IN(NULL, h, NULL);
  return select_run(&a, y, opt, select, out, nout);
}

/*
 * stream_nrc.c - the streaming, mergeable neural regression collapse object
 * (spec/metrics-peers.md P-10, P-11 "Streaming"): two plain-sum d x d Grams,
 * G = H^T H (its eigenvectors give V, P-12) and Gu = Hhat^T Hhat of the unit
 * rows, so NRC1 = tr(V_perp^T Gu V_perp)/n (the profile of ncd_nrc1_profile)
 * and NRC2 = tr(Q_perp^T Gu Q_perp)/n with Q_perp an orthonormal basis of the
 * complement of the head's row space; on request the column means and centred
 * Gram of H (NCD_NRC_PCA_CENTRED, Chan merge) and the target moments
 * (NCD_NRC_ACC_TARGETS: Chan-merged mean and centred covariance for the
 * intended NRC3, and the plain sum of the row-centred outer products for the
 * literal NCD_NRC_NCTB form, which streams too). The final steps are the
 * one-shot calls' (peers_nrc.c, peers_nrc3.c). Byte format "NCDR" v1.0
 * (docs/peers.md "Streaming"). Public ncd_nrc_acc_*.
 */
#include <math.h>
#include <string.h>

#include "kernels/kernels_internal.h"
#include "metrics_internal.h"

struct ncd_nrc_acc {
  size_t d, m;
  unsigned flags;  /* NCD_NRC_PCA_CENTRED | NCD_NRC_ACC_TARGETS      */
  uint64_t n, nzero; /* rows, rows equal to 0                         */
  double *g, *gu;  /* d x d plain sums (both triangles)               */
  double *tl;      /* m x m plain sum of row-centred targets, or NULL */
  ncd__pmom hm;    /* centred H (PCA_CENTRED), else empty             */
  ncd__pmom tm;    /* targets (TARGETS), else empty                   */
};

static const char nrc_magic[4] = {'N', 'C', 'D', 'R'};
#define NRC_FLAGS ((unsigned)NCD_NRC_PCA_CENTRED | (unsigned)NCD_NRC_ACC_TARGETS)

static int nrc_sizes_ok(size_t d, size_t m, unsigned flags) {
  size_t t;
  if (d == 0 || m == 0 || m > d || (flags & ~NRC_FLAGS)) return 0;
  if (ncd__mul_overflows(d, d, &t) || ncd__mul_overflows(t, 40, &t)) return 0;
  return t < ((size_t)1 << 58);
}

static int nrc_new(size_t d, size_t m, unsigned flags, ncd_nrc_acc **out) {
  ncd_nrc_acc *a = ncd__calloc(1, sizeof *a);
  if (!a) return NCD_ENOMEM;
  a->d = d;
  a->m = m;
  a->flags = flags;
  int tg = (flags & NCD_NRC_ACC_TARGETS) != 0, ok = 1;
  a->g = ncd__calloc(d * d, sizeof(double));
  a->gu = ncd__calloc(d * d, sizeof(double));
  ok = a->g && a->gu;
  if (ok && tg) ok = (a->tl = ncd__calloc(m * m, sizeof(double))) != NULL;
  if (ok && (flags & NCD_NRC_PCA_CENTRED)) ok = ncd__pmom_alloc(d, 0, NCD__PM_AA, &a->hm) == NCD_OK;
  if (ok && tg) ok = ncd__pmom_alloc(m, 0, NCD__PM_AA, &a->tm) == NCD_OK;
  if (!ok) {
    ncd_nrc_acc_free(a);
    return NCD_ENOMEM;
  }
  *out = a;
  return NCD_OK;
}

NCD_API int ncd_nrc_acc_create(size_t d, size_t m, unsigned flags, ncd_nrc_acc **acc) {
  NCD_TRY(ncd__check_ptr(acc));
  if (!nrc_sizes_ok(d, m, flags)) return NCD_EINVAL;
  return nrc_new(d, m, flags, acc);
}

NCD_API void ncd_nrc_acc_free(ncd_nrc_acc *acc) {
  if (!acc) return;
  ncd__free(acc->g);
  ncd__free(acc->gu);
  ncd__free(acc->tl);
  ncd__pmom_free(&acc->hm);
  ncd__pmom_free(&acc->tm);
  ncd__free(acc);
}

/* Plain sums of one block of nb rows (raw rows b, ld ldb; unit rows into u). */
static void grams_block(ncd_nrc_acc *a, size_t nb, const double *b, size_t ldb, double *u) {
  size_t d = a->d;
  for (size_t r = 0; r < nb; r++) {
    const double *x = b + r * ldb;
    double t = 0.0;
    for (size_t j = 0; j < d; j++) t += x[j] * x[j];
    if (!(t > 0.0)) a->nzero++;
    double s = t > 0.0 ? sqrt(t) : 1.0;
    for (size_t j = 0; j < d; j++) u[r * d + j] = x[j] / s;
  }
  ncd__syrk_ata(nb, d, 1.0, b, ldb, 1.0, a->g, d);
  ncd__syrk_ata(nb, d, 1.0, u, d, 1.0, a->gu, d);
}

/* Literal NRC3 moment: rows of t centred across their m targets. */
static void literal_block(ncd_nrc_acc *a, size_t nb, const ncd__srows *t, size_t i0, double *tb) {
  size_t m = a->m;
  for (size_t r = 0; r < nb; r++) {
    const double *r64 = t->f64 ? t->f64 + (i0 + r) * t->ld : NULL;
    const float *r32 = t->f64 ? NULL : t->f32 + (i0 + r) * t->ld;
    double *o = tb + r * m, rm = 0.0;
    ncd__row_load(m, r64, r32, o);
    for (size_t j = 0; j < m; j++) rm += o[j] / (double)m;
    for (size_t j = 0; j < m; j++) o[j] -= rm;
  }
  ncd__syrk_ata(nb, m, 1.0, tb, m, 1.0, a->tl, m);
}

static int nrc_update(ncd_nrc_acc *a, size_t n, const ncd__srows *h, const ncd__srows *t) {
  size_t d = a->d, m = a->m, bs = ncd__block_rows(d, ncd__nc_block_bytes(d));
  if (bs > n) bs = n;
  size_t wh = a->hm.da ? ncd__pmom_work(&a->hm, bs) : 0, wt = t ? ncd__pmom_work(&a->tm, bs) : 0;
  size_t need = 2 * bs * d + (t ? bs * m : 0), w2 = wh > wt ? wh : wt;
  double *work = ncd__malloc_array(need > w2 ? need : w2, sizeof(double));
  if (!work) return NCD_ENOMEM;
  double *cb = work, *u = work + bs * d, *tb = u + bs * d;
  for (size_t i0 = 0; i0 < n; i0 += bs) {
    size_t nb = n - i0 < bs ? n - i0 : bs;
    if (h->f64) {
      grams_block(a, nb, h->f64 + i0 * h->ld, h->ld, u);
    } else {
      (void)ncd__f32_block_to_f64(h->f32 + i0 * h->ld, h->ld, nb, d, cb, d);
      grams_block(a, nb, cb, d, u);
    }
    if (t) literal_block(a, nb, t, i0, tb);
  }
  if (a->hm.da) ncd__pmom_update(&a->hm, n, h, NULL, bs, work);
  if (t) ncd__pmom_update(&a->tm, n, t, NULL, bs, work);
  a->n += n;
  ncd__free(work);
  return NCD_OK;
}

/* Validation shared by the two update twins (elem: sizeof an element). */
static int nrc_check(const ncd_nrc_acc *a, size_t n, const void *h, size_t ldh, const void *t,
                     size_t ldt, size_t elem) {
  NCD_TRY(ncd__check_ptr(a));
  NCD_TRY(ncd__check_size(n));
  NCD_TRY(ncd__check_matrix(h, n, a->d, ldh, elem));
  if (!(a->flags & NCD_NRC_ACC_TARGETS)) return t ? NCD_EINVAL : NCD_OK;
  return ncd__check_matrix(t, n, a->m, ldt, elem);
}

NCD_API int ncd_nrc_acc_update(ncd_nrc_acc *acc, size_t n, const double *h, size_t ldh,
                               const double *t, size_t ldt) {
  NCD_TRY(nrc_check(acc, n, h, ldh, t, ldt, sizeof(double)));
  NCD_TRY(ncd__scan_finite(h, n, acc->d, ldh));
  if (t) NCD_TRY(ncd__scan_finite(t, n, acc->m, ldt));
  ncd__srows rh = {h, NULL, ldh}, rt = {t, NULL, ldt};
  return nrc_update(acc, n, &rh, t ? &rt : NULL);
}

NCD_API int ncd_nrc_acc_update_f32(ncd_nrc_acc *acc, size_t n, const float *h, size_t ldh,
                                   const float *t, size_t ldt) {
  NCD_TRY(nrc_check(acc, n, h, ldh, t, ldt, sizeof(float)));
  NCD_TRY(ncd__scan_finite_f32(h, n, acc->d, ldh));
  if (t) NCD_TRY(ncd__scan_finite_f32(t, n, acc->m, ldt));
  ncd__srows rh = {NULL, h, ldh}, rt = {NULL, t, ldt};
  return nrc_update(acc, n, &rh, t ? &rt : NULL);
}

NCD_API int ncd_nrc_acc_merge(ncd_nrc_acc *dst, const ncd_nrc_acc *src) {
  if (!dst || !src || dst == src || dst->d != src->d || dst->m != src->m ||
      dst->flags != src->flags)
    return NCD_EINVAL;
  size_t d = dst->d, m = dst->m;
  double *work = ncd__malloc_array(d, sizeof(double));
  if (!work) return NCD_ENOMEM;
  for (size_t i = 0; i < d * d; i++) dst->g[i] += src->g[i];
  for (size_t i = 0; i < d * d; i++) dst->gu[i] += src->gu[i];
  if (dst->tl)
    for (size_t i = 0; i < m * m; i++) dst->tl[i] += src->tl[i];
  if (dst->hm.da) ncd__pmom_merge(&dst->hm, &src->hm, work);
  if (dst->tm.da) ncd__pmom_merge(&dst->tm, &src->tm, work);
  dst->n += src->n;
  dst->nzero += src->nzero;
  ncd__free(work);
  return NCD_OK;
}

/* The NRC1 profile (d values) with V from the plain (centred = 0) or the
 * centred Gram. */
static int nrc_profile(const ncd_nrc_acc *a, int centred, double *out) {
  size_t d = a->d;
  double *g = ncd__malloc_array(d, d * sizeof(double));
  if (!g) return NCD_ENOMEM;
  memcpy(g, centred ? a->hm.caa : a->g, d * d * sizeof(double));
  int st = ncd__nrc1_from_grams((size_t)a->n, d, g, a->gu, a->nzero > 0, out);
  ncd__free(g);
  return st;
}

NCD_API int ncd_nrc_acc_profile(const ncd_nrc_acc *acc, double *out) {
  if (!acc || !out || acc->n == 0) return NCD_EINVAL;
  return nrc_profile(acc, 0, out);
}

/* NRC2 = tr(Q_perp^T Gu Q_perp)/n; Q_perp from the eigenvectors of the
 * projector I - Q^T Q (eigenvalues 0 and 1, well separated). */
static int nrc2_stream(const ncd_nrc_acc *a, const double *wr, size_t ldwr, double *out) {
  size_t d = a->d, m = a->m, r = 0;
  double *vt = ncd__malloc_array(m, d * sizeof(double)), *p = ncd__malloc_array(d, d * sizeof(double));
  double *e = ncd__malloc_array(d, sizeof(double)), *y = ncd__malloc_array(d, d * sizeof(double));
  int st = vt && p && e && y ? ncd__nrc_head_basis(m, d, wr, ldwr, vt, &r) : NCD_ENOMEM;
  if (st == NCD_OK) {
    ncd__syrk_ata(r, d, -1.0, vt, d, 0.0, p, d);
    for (size_t i = 0; i < d; i++) p[i * d + i] += 1.0;
    st = ncd__syev(d, p, d, e, 1); /* ascending: the last d - r rows span Q_perp */
  }
  if (st == NCD_OK) {
    const double *q = p + r * d;
    size_t k = d - r;
    ncd__gemm(NCD__NOTRANS, NCD__NOTRANS, k, d, d, 1.0, q, d, a->gu, d, 0.0, y, d);
    double tot = 0.0;
    for (size_t l = 0; l < k; l++)
      for (size_t j = 0; j < d; j++) tot += y[l * d + j] * q[l * d + j];
    *out = a->nzero ? NAN : tot / (double)a->n;
  }
  ncd__free(vt);
  ncd__free(p);
  ncd__free(e);
  ncd__free(y);
  return st;
}

NCD_API int ncd_nrc_acc_metrics(const ncd_nrc_acc *acc, const double *wr, size_t ldwr,
                                double gamma_lo, double gamma_hi, unsigned flags,
                                double out[4]) {
  if (!acc || !out || (flags & ~3u)) return NCD_EINVAL;
  if (!(gamma_lo >= 0.0 && gamma_lo <= gamma_hi && isfinite(gamma_hi))) return NCD_EINVAL;
  if ((flags & NCD_NRC_PCA_CENTRED) && !(acc->flags & NCD_NRC_PCA_CENTRED)) return NCD_EINVAL;
  if (acc->n < acc->m) return NCD_EINVAL; /* as ncd_nrc_metrics: m <= n */
  size_t d = acc->d, m = acc->m;
  if (wr) NCD_TRY(ncd__check_matrix(wr, m, d, ldwr, sizeof(double)));
  if (wr) NCD_TRY(ncd__scan_finite(wr, m, d, ldwr));
  double res[4] = {NAN, NAN, NAN, NAN};
  double *prof = ncd__malloc_array(d, sizeof(double));
  int st = prof ? nrc_profile(acc, (flags & NCD_NRC_PCA_CENTRED) != 0, prof) : NCD_ENOMEM;
  if (st == NCD_OK) res[0] = prof[m - 1];
  if (st == NCD_OK && wr) st = nrc2_stream(acc, wr, ldwr, res + 1);
  if (st == NCD_OK && wr && acc->tl) {
    double *c = ncd__malloc_array(m, m * sizeof(double));
    if (!c) st = NCD_ENOMEM;
    for (size_t i = 0; c && i < m * m; i++) /* intended: covariance /n; literal: raw */
      c[i] = (flags & NCD_NRC_NCTB) ? acc->tl[i] : acc->tm.caa[i] / (double)acc->n;
    if (c) st = ncd__nrc3_from_cov((size_t)acc->n, m, d, c, wr, ldwr, gamma_lo, gamma_hi, flags, res + 2);
    ncd__free(c);
  }
  if (st == NCD_OK) memcpy(out, res, sizeof res);
  ncd__free(prof);
  return st;
}

static size_t nrc_payload(const ncd_nrc_acc *a) {
  size_t d = a->d, m = a->m, p = 8 * d * (d + 1);
  if (a->tl) p += 8 * (m * (m + 1) / 2);
  if (a->hm.da) p += ncd__pmom_bytes(&a->hm);
  if (a->tm.da) p += ncd__pmom_bytes(&a->tm);
  return p;
}

NCD_API int ncd_nrc_acc_save(const ncd_nrc_acc *acc, void *buf, size_t cap, size_t *len) {
  if (!acc || !len) return NCD_EINVAL;
  size_t p = nrc_payload(acc), total = ncd__sf_size(p);
  *len = total; /* also when cap is too small (api.md: the size needed) */
  if (buf && cap < total) return NCD_EINVAL;
  if (!buf) return NCD_OK;
  unsigned char *b = buf, *q = b + NCD__SF_HDR;
  ncd__sf_header(b, nrc_magic, acc->flags, acc->d, acc->m, acc->n, acc->nzero, p);
  q = ncd__sf_put_reals(q, acc->d, acc->g, 1);
  q = ncd__sf_put_reals(q, acc->d, acc->gu, 1);
  if (acc->hm.da) q = ncd__pmom_put(&acc->hm, q);
  if (acc->tm.da) q = ncd__pmom_put(&acc->tm, q);
  if (acc->tl) ncd__sf_put_reals(q, acc->m, acc->tl, 1);
  ncd__sf_seal(b, p);
  return NCD_OK;
}

NCD_API int ncd_nrc_acc_load(const void *buf, size_t len, ncd_nrc_acc **acc) {
  if (!buf || !acc) return NCD_EINVAL;
  const unsigned char *b = buf;
  ncd__sfhdr h = {0};
  NCD_TRY(ncd__sf_parse(b, len, nrc_magic, &h));
  if (h.s1 > SIZE_MAX || h.s2 > SIZE_MAX || !nrc_sizes_ok((size_t)h.s1, (size_t)h.s2, h.flags) ||
      h.extra > h.n)
    return NCD_EFORMAT;
  uint64_t d = h.s1, m = h.s2, p = 8 * d * (d + 1);
  if (h.flags & NCD_NRC_PCA_CENTRED) p += 8 * (2 * d + d * (d + 1) / 2);
  if (h.flags & NCD_NRC_ACC_TARGETS) p += 8 * (2 * m + m * (m + 1));
  if (h.payload != p) return NCD_EFORMAT;
  ncd_nrc_acc *a = NULL;
  NCD_TRY(nrc_new((size_t)d, (size_t)m, h.flags, &a));
  const unsigned char *q = b + NCD__SF_HDR;
  int bad = 0;
  a->n = h.n;
  a->nzero = h.extra;
  a->hm.n = a->tm.n = h.n;
  q = ncd__sf_get_reals(q, a->d, a->g, 1, &bad);
  q = ncd__sf_get_reals(q, a->d, a->gu, 1, &bad);
  if (a->hm.da) q = ncd__pmom_get(&a->hm, q, &bad);
  if (a->tm.da) q = ncd__pmom_get(&a->tm, q, &bad);
  if (a->tl) ncd__sf_get_reals(q, a->m, a->tl, 1, &bad);
  int zero_ok = 1;
  for (size_t i = 0; h.n == 0 && i < a->d * a->d; i++) zero_ok &= a->g[i] == 0.0 && a->gu[i] == 0.0;
  for (size_t i = 0; h.n == 0 && a->tl && i < a->m * a->m; i++) zero_ok &= a->tl[i] == 0.0;
  if (bad || !zero_ok || !ncd__sym_diag_ok(a->d, a->g) || !ncd__sym_diag_ok(a->d, a->gu) ||
      !ncd__sym_diag_ok(a->m, a->tl) || (a->hm.da && !ncd__pmom_consistent(&a->hm)) ||
      (a->tm.da && !ncd__pmom_consistent(&a->tm))) {
    ncd_nrc_acc_free(a);
    return NCD_EFORMAT;
  }
  *acc = a;
  return NCD_OK;
}

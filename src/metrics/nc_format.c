/*
 * nc_format.c - the portable byte format v1.0 of the accumulator state
 * (spec/metrics.md 4e): little-endian header of 64 bytes, payload (ref, n_c,
 * m_c, q_c, optional scatter triangles, classifier block, pass-2 sums), and
 * the CRC-32 (IEEE 802.3, zlib's crc32) of everything before it; and its
 * minor version v1.1 (docs/metrics.md "Byte format v1.1"), written only when
 * a state holds one of the new blocks (silhouette sums, per-class NC4
 * mismatches, non-default options), so that every other state still saves
 * the v1.0 bytes. Load validates every field before it allocates anything.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "metrics_internal.h"

#define HDR 64u
enum { F_S = 1, F_SC = 2, F_CLF = 4, F_P2 = 8, /* v1.0 */
       F_SIL = 16, F_MC = 32, F_OPT = 64,        /* v1.1 */
       F_V10 = 15, F_V11 = 127 };

uint32_t ncd__crc32(uint32_t crc, const unsigned char *p, size_t n) {
  uint32_t tab[256]; /* built per call: no global mutable state */
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int j = 0; j < 8; j++) c = c & 1u ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    tab[i] = c;
  }
  crc = ~crc;
  for (size_t i = 0; i < n; i++) crc = tab[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

static void put64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static uint64_t get64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}
static void putf(unsigned char *p, double x) {
  uint64_t v;
  memcpy(&v, &x, 8);
  put64(p, v);
}
static double getf(const unsigned char *p) {
  uint64_t v = get64(p);
  double x;
  memcpy(&x, &v, 8);
  return x;
}

/* CRC of the little-endian bytes of x[0 .. n) continuing from crc, through a
 * stack buffer (ncd__crc32 builds its table per call: call it per 4 KiB). */
static uint32_t crc_reals(uint32_t crc, const double *x, size_t n) {
  unsigned char t[4096];
  for (size_t i = 0; i < n;) {
    size_t m = 0;
    for (; i < n && m < sizeof t; i++, m += 8) putf(t + m, x[i]);
    crc = ncd__crc32(crc, t, m);
  }
  return crc;
}

uint32_t ncd__nc_fingerprint(size_t k, size_t d, const double *w, const double *b) {
  return crc_reals(crc_reals(0, w, k * d), b, k);
}

/* Payload size in bytes for (k, d, flags); 0 on overflow. */
static uint64_t payload(uint64_t k, uint64_t d, unsigned fl) {
  const uint64_t lim = (uint64_t)1 << 58; /* far beyond memory, below overflow */
  if (k > lim / 8 || d > lim / 8 || (d && k > lim / d) || (d && d > lim / d)) return 0;
  uint64_t kd = k * d, tri = d * (d + 1) / 2;
  uint64_t p = 8 * (d + k + kd + k);
  if (fl & F_S) p += 8 * tri;
  if (fl & F_SC) {
    if (tri && k > lim / tri) return 0;
    p += 8 * k * tri;
  }
  if (fl & F_CLF) p += 8 * (kd + k + 1);
  if (fl & F_P2) p += 8 * (1 + k + 5);
  if (fl & F_SIL) p += 8 * (kd + ((fl & F_P2) ? 1 : 0));
  if ((fl & F_MC) && (fl & F_P2) && (fl & F_CLF)) p += 8 * k; /* the block only in pass 2 */
  if (fl & F_OPT) p += 16;
  return p > lim ? 0 : p;
}

static unsigned fmt_flags(const ncd_nc_acc *a) {
  return (a->flags & 3u) | (a->has_clf ? F_CLF : 0u) | (a->pass2 ? F_P2 : 0u) |
         (a->sil ? F_SIL : 0u) | ((a->flags & NCD_ACC_NC4_CLASS) ? F_MC : 0u) |
         (a->opt.pinv_rtol != 0.0 || a->opt.unweighted != 0 ? F_OPT : 0u);
}

static unsigned char *put_tri(unsigned char *p, size_t d, const double *s) {
  for (size_t i = 0; i < d; i++)
    for (size_t j = i; j < d; j++, p += 8) putf(p, s[i * d + j]);
  return p;
}

NCD_API int ncd_nc_acc_save(const ncd_nc_acc *acc, void *buf, size_t cap, size_t *len) {
  NCD_TRY(ncd__check_ptr(acc));
  NCD_TRY(ncd__check_ptr(len));
  size_t k = acc->k, d = acc->d;
  unsigned fl = fmt_flags(acc);
  uint64_t pl = payload(k, d, fl), total = HDR + pl + 4;
  if (!pl || total > SIZE_MAX) return NCD_ENOTSUP;
  *len = (size_t)total;
  if (!buf) return NCD_OK;
  if (cap < total) return NCD_EINVAL;
  unsigned char *p = buf, *q = p + HDR;
  memset(p, 0, HDR);
  memcpy(p, "NCDS", 4);
  p[4] = 1;                      /* major 1 */
  p[6] = (fl & ~F_V10) ? 1 : 0; /* minor 1 only with a v1.1 block */
  p[8] = (unsigned char)fl;
  p[12] = HDR;
  put64(p + 16, k);
  put64(p + 24, d);
  put64(p + 32, acc->mom.n);
  put64(p + 40, acc->has_clf ? acc->fp : 0);
  put64(p + 48, pl);
  for (size_t j = 0; j < d; j++, q += 8) putf(q, acc->mom.ref[j]);
  for (size_t c = 0; c < k; c++, q += 8) put64(q, acc->mom.count[c]);
  for (size_t i = 0; i < k * d; i++, q += 8) putf(q, acc->mom.m[i]);
  for (size_t c = 0; c < k; c++, q += 8) putf(q, acc->mom.q[c]);
  if (fl & F_S) q = put_tri(q, d, acc->mom.s);
  if (fl & F_SC)
    for (size_t c = 0; c < k; c++) q = put_tri(q, d, acc->mom.sc + c * d * d);
  if (fl & F_CLF) {
    for (size_t i = 0; i < k * d; i++, q += 8) putf(q, acc->w[i]);
    for (size_t c = 0; c < k; c++, q += 8) putf(q, acc->b[c]);
    put64(q, acc->correct1), q += 8;
  }
  if (fl & F_P2) {
    const ncd__ncsums *s = &acc->s2;
    put64(q, s->n2), q += 8;
    for (size_t c = 0; c < k; c++, q += 8) put64(q, s->n2c[c]);
    putf(q, s->nc1), q += 8;
    put64(q, s->mism), q += 8;
    put64(q, s->correct), q += 8;
    putf(q, s->cmsum), q += 8;
    putf(q, s->cmmin), q += 8;
  }
  if (fl & F_SIL) {
    for (size_t i = 0; i < k * d; i++, q += 8) putf(q, acc->sil[i]);
    if (fl & F_P2) putf(q, acc->sil2), q += 8;
  }
  if ((fl & F_MC) && (fl & F_P2) && (fl & F_CLF))
    for (size_t c = 0; c < k; c++, q += 8) put64(q, acc->s2.mismc[c]);
  if (fl & F_OPT) {
    putf(q, acc->opt.pinv_rtol), q += 8;
    put64(q, (uint64_t)acc->opt.unweighted), q += 8;
  }
  uint32_t crc = ncd__crc32(0, p, HDR + pl);
  for (int i = 0; i < 4; i++) q[i] = (unsigned char)(crc >> (8 * i));
  return NCD_OK;
}

static int finite_run(const unsigned char *p, size_t count) {
  for (size_t i = 0; i < count; i++)
    if (!isfinite(getf(p + 8 * i))) return 0;
  return 1;
}

/* The v1.1 blocks at r (docs/metrics.md): silhouette sums bounded by the
 * class counts, silhouette total by n2, per-class
 * mismatches adding up to the pass-2 total, options in range and not the
 * defaults (those are written as v1.0). p2: the pass-2 block (flag 8). */
static int validate_v11(uint32_t fl, uint64_t k, uint64_t d, const unsigned char *cnt,
                        const unsigned char *r, const unsigned char *p2) {
  if (fl & F_SIL) {
    for (uint64_t c = 0; c < k; c++) {
      /* a sum of n_c unit vectors, with the recursive-summation bound */
      double nc = (double)get64(cnt + 8 * c), lim = nc * (1.0 + (nc + 2.0) * DBL_EPSILON);
      for (uint64_t j = 0; j < d; j++, r += 8)
        if (!(fabs(getf(r)) <= lim)) return NCD_EFORMAT; /* also NaN */
    }
    if (fl & F_P2) {
      double t = getf(r);
      if (!(fabs(t) <= 2.0 * (double)get64(p2))) return NCD_EFORMAT;
      r += 8;
    }
  }
  if ((fl & F_MC) && (fl & F_P2) && (fl & F_CLF)) {
    uint64_t tot = 0;
    for (uint64_t c = 0; c < k; c++, r += 8) {
      uint64_t mc = get64(r);
      if (mc > get64(p2 + 8 + 8 * c)) return NCD_EFORMAT;
      tot += mc;
    }
    if (tot != get64(p2 + 8 * (k + 2))) return NCD_EFORMAT;
  }
  if (fl & F_OPT) {
    double rt = getf(r);
    uint64_t cen = get64(r + 8);
    if (!(rt >= 0.0 && rt < 1.0) || cen > 2 || (rt == 0.0 && cen == 0)) return NCD_EFORMAT;
  }
  return NCD_OK;
}

/* Every check of 4e; NCD_OK or NCD_EFORMAT. Reads only [0, len). */
static int validate(const unsigned char *p, size_t len) {
  if (len < HDR + 4 || memcmp(p, "NCDS", 4) != 0) return NCD_EFORMAT;
  uint32_t major = p[4] | (uint32_t)p[5] << 8, minor = p[6] | (uint32_t)p[7] << 8;
  uint32_t hdr = (uint32_t)get64(p + 12) & 0xFFFFFFFFu;
  uint32_t fl = p[8] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 | (uint32_t)p[11] << 24;
  uint64_t k = get64(p + 16), d = get64(p + 24), n = get64(p + 32), fp = get64(p + 40);
  uint64_t pl = get64(p + 48);
  if (major != 1 || hdr != HDR || k < 2 || d < 1 || get64(p + 56) != 0) return NCD_EFORMAT;
  /* v1.0: the four v1.0 bits; v1.1: at least one v1.1 block, nothing unknown */
  if (minor > 1 || (fl & ~(minor ? F_V11 : F_V10)) || (minor && !(fl & ~F_V10)))
    return NCD_EFORMAT;
  uint64_t want = payload(k, d, fl);
  if (!want || pl != want || (uint64_t)len != HDR + pl + 4) return NCD_EFORMAT;
  const unsigned char *q = p + HDR;
  uint32_t crc = q[pl] | (uint32_t)q[pl + 1] << 8 | (uint32_t)q[pl + 2] << 16 |
                 (uint32_t)q[pl + 3] << 24;
  if (ncd__crc32(0, p, HDR + pl) != crc) return NCD_EFORMAT;
  /* payload content */
  const unsigned char *cnt = q + 8 * d, *qc = cnt + 8 * k + 8 * k * d;
  uint64_t sum = 0;
  for (uint64_t c = 0; c < k; c++) {
    uint64_t nc = get64(cnt + 8 * c);
    if (nc > n - sum) return NCD_EFORMAT;
    sum += nc;
    if (!(getf(qc + 8 * c) >= 0.0)) return NCD_EFORMAT;
  }
  if (sum != n) return NCD_EFORMAT;
  uint64_t reals = d + k * d + k + ((fl & F_S) ? d * (d + 1) / 2 : 0) +
                   ((fl & F_SC) ? k * (d * (d + 1) / 2) : 0) + ((fl & F_CLF) ? k * d + k : 0);
  /* ref, n_c (skipped: integers), the rest */
  if (!finite_run(q, d) || !finite_run(q + 8 * (d + k), reals - d)) return NCD_EFORMAT;
  const unsigned char *r = q + 8 * (d + k + reals - d);
  if (fl & F_CLF) {
    uint64_t c1 = get64(r);
    if (c1 != NCD__NOT_COUNTED && c1 > n) return NCD_EFORMAT;
    /* fingerprint of the stored classifier */
    uint32_t f = 0;
    f = ncd__crc32(0, r - 8 * (k * d + k), 8 * (k * d + k));
    if (fp != f) return NCD_EFORMAT;
    r += 8;
  } else if (fp != 0) {
    return NCD_EFORMAT;
  }
  const unsigned char *p2 = (fl & F_P2) ? r : NULL;
  if (fl & F_P2) {
    uint64_t n2 = get64(r), s2 = 0;
    for (uint64_t c = 0; c < k; c++) {
      uint64_t a = get64(r + 8 + 8 * c), nc = get64(cnt + 8 * c);
      if (nc == 0 || a > nc) return NCD_EFORMAT;
      s2 += a;
    }
    const unsigned char *t = r + 8 + 8 * k;
    if (s2 != n2 || get64(t + 8) > n2 || get64(t + 16) > n2) return NCD_EFORMAT;
    if (!isfinite(getf(t)) || !isfinite(getf(t + 24)) || !isfinite(getf(t + 32)) ||
        getf(t + 32) > 2.0)
      return NCD_EFORMAT;
    r = t + 40;
  }
  return validate_v11(fl, k, d, cnt, r, p2);
}

static const unsigned char *get_tri(const unsigned char *p, size_t d, double *s) {
  for (size_t i = 0; i < d; i++)
    for (size_t j = i; j < d; j++, p += 8) s[i * d + j] = s[j * d + i] = getf(p);
  return p;
}

NCD_API int ncd_nc_acc_load(const void *buf, size_t len, ncd_nc_acc **acc) {
  NCD_TRY(ncd__check_ptr(buf));
  NCD_TRY(ncd__check_ptr(acc));
  const unsigned char *p = buf;
  NCD_TRY(validate(p, len));
  unsigned fl = p[8];
  size_t k = (size_t)get64(p + 16), d = (size_t)get64(p + 24);
  ncd_nc_acc *a = NULL;
  NCD_TRY(ncd__nc_acc_new(d, k, (fl & 3u) | ((fl & F_SIL) ? (unsigned)NCD_ACC_SILHOUETTE : 0u) |
                                   ((fl & F_MC) ? (unsigned)NCD_ACC_NC4_CLASS : 0u), &a));
  if (fl & F_OPT) { /* the last 16 bytes of the payload; needed before the freeze */
    const unsigned char *o = p + HDR + get64(p + 48) - 16;
    a->opt.pinv_rtol = getf(o);
    a->opt.unweighted = (int)get64(o + 8);
  }
  const unsigned char *q = p + HDR;
  a->mom.n = (size_t)get64(p + 32);
  for (size_t j = 0; j < d; j++, q += 8) a->mom.ref[j] = getf(q);
  for (size_t c = 0; c < k; c++, q += 8) a->mom.count[c] = (size_t)get64(q);
  for (size_t i = 0; i < k * d; i++, q += 8) a->mom.m[i] = getf(q);
  for (size_t c = 0; c < k; c++, q += 8) a->mom.q[c] = getf(q);
  if (fl & F_S) q = get_tri(q, d, a->mom.s);
  if (fl & F_SC)
    for (size_t c = 0; c < k; c++) q = get_tri(q, d, a->mom.sc + c * d * d);
  int st = NCD_OK;
  if (fl & F_CLF) {
    a->w = ncd__malloc_array(k, d * sizeof(double));
    a->b = ncd__malloc_array(k, sizeof(double));
    if (!a->w || !a->b) {
      ncd_nc_acc_free(a);
      return NCD_ENOMEM;
    }
    for (size_t i = 0; i < k * d; i++, q += 8) a->w[i] = getf(q);
    for (size_t c = 0; c < k; c++, q += 8) a->b[c] = getf(q);
    a->correct1 = get64(q), q += 8;
    a->has_clf = 1;
    a->fp = (uint32_t)get64(p + 40);
  }
  if (fl & F_P2) {
    st = ncd__nc_acc_freeze(a);
    if (st != NCD_OK) {
      ncd_nc_acc_free(a);
      return st;
    }
    ncd__ncsums *s = &a->s2;
    s->n2 = get64(q), q += 8;
    for (size_t c = 0; c < k; c++, q += 8) s->n2c[c] = get64(q);
    s->nc1 = getf(q), q += 8;
    s->mism = get64(q), q += 8;
    s->correct = get64(q), q += 8;
    s->cmsum = getf(q), q += 8;
    s->cmmin = getf(q), q += 8;
  }
  if (fl & F_SIL) {
    for (size_t i = 0; i < k * d; i++, q += 8) a->sil[i] = getf(q);
    if (fl & F_P2) a->sil2 = getf(q), q += 8;
  }
  if ((fl & F_P2) && a->s2.mismc) /* allocated by the freeze iff F_MC and a classifier */
    for (size_t c = 0; c < k; c++, q += 8) a->s2.mismc[c] = get64(q);
  *acc = a;
  return NCD_OK;
}

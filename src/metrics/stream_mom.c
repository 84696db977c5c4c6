/*
 * stream_mom.c - paired centred co-moments for the streaming CKA and NRC
 * objects (spec/metrics-peers.md P-15 "merges by Chan co-moments", P-10/P-11
 * streaming; the Chan-Golub-LeVeque update of spec/metrics.md M-10 for one
 * group and two row-paired blocks a, b):
 *   C_ab = C_ab' + C_ab'' + (n' n'' / n) (mean_a'' - mean_a')(mean_b'' - mean_b')^T,
 * means kept relative to a reference point (the first row seen, M-9), so the
 * collapse regime (means 1e4 times the spread) loses no digits. A batch is
 * centred by its own mean (two passes over its rows, float32 rows converted
 * element by element) and its co-moments go by SYRK/GEMM straight into the
 * state (beta = 1), followed by the elementwise Chan term; merges of two
 * states are elementwise in a fixed order (no BLAS). Also the little-endian
 * helpers of the two objects' byte format (docs/peers.md "Streaming").
 */
#include <math.h>
#include <string.h>

#include "kernels/kernels_internal.h"
#include "metrics_internal.h"

int ncd__pmom_alloc(size_t da, size_t db, unsigned want, ncd__pmom *p) {
  memset(p, 0, sizeof *p);
  p->da = da;
  p->db = db;
  int ok = 1;
  if (da) ok &= (p->refa = ncd__calloc(da, sizeof(double))) && (p->ma = ncd__calloc(da, sizeof(double)));
  if (db) ok &= (p->refb = ncd__calloc(db, sizeof(double))) && (p->mb = ncd__calloc(db, sizeof(double)));
  if (ok && (want & NCD__PM_AA)) ok = (p->caa = ncd__calloc(da * da, sizeof(double))) != NULL;
  if (ok && (want & NCD__PM_BB)) ok = (p->cbb = ncd__calloc(db * db, sizeof(double))) != NULL;
  if (ok && (want & NCD__PM_AB)) ok = (p->cab = ncd__calloc(da * db, sizeof(double))) != NULL;
  if (!ok) {
    ncd__pmom_free(p);
    return NCD_ENOMEM;
  }
  return NCD_OK;
}

void ncd__pmom_free(ncd__pmom *p) {
  ncd__free(p->refa);
  ncd__free(p->refb);
  ncd__free(p->ma);
  ncd__free(p->mb);
  ncd__free(p->caa);
  ncd__free(p->cbb);
  ncd__free(p->cab);
  memset(p, 0, sizeof *p);
}

size_t ncd__pmom_work(const ncd__pmom *p, size_t nb) {
  return nb * (p->da + p->db) + 2 * (p->da + p->db);
}

static void row_of(const ncd__srows *r, size_t i, const double **r64, const float **r32) {
  *r64 = r->f64 ? r->f64 + i * r->ld : NULL;
  *r32 = r->f64 ? NULL : r->f32 + i * r->ld;
}

/* dst (da x db, ld db) += f * x y^T, elementwise (symmetric when x == y). */
static void chan_term(size_t da, size_t db, double f, const double *x, const double *y,
                      double *c) {
  for (size_t i = 0; i < da; i++) {
    double fx = f * x[i];
    for (size_t j = 0; j < db; j++) c[i * db + j] += fx * y[j];
  }
}

/* Mean of the n rows of r relative to ref (out, d values). */
static void batch_mean(size_t n, size_t d, const ncd__srows *r, const double *ref, double *out) {
  memset(out, 0, d * sizeof(double));
  for (size_t i = 0; i < n; i++) {
    const double *r64;
    const float *r32;
    row_of(r, i, &r64, &r32);
    ncd__row_add_diff(d, r64, r32, ref, out);
  }
  for (size_t j = 0; j < d; j++) out[j] /= (double)n;
}

void ncd__pmom_update(ncd__pmom *p, size_t n, const ncd__srows *a, const ncd__srows *b,
                      size_t bs, double *work) {
  size_t da = p->da, db = p->db;
  double *ba = work, *bb = ba + bs * da, *mua = bb + bs * db, *mub = mua + da;
  double *dla = mub + db, *dlb = dla + da;
  const double *r64;
  const float *r32;
  if (p->n == 0) { /* the first row is the reference point (M-9) */
    if (da) row_of(a, 0, &r64, &r32), ncd__row_load(da, r64, r32, p->refa);
    if (db) row_of(b, 0, &r64, &r32), ncd__row_load(db, r64, r32, p->refb);
  }
  if (da) batch_mean(n, da, a, p->refa, mua);
  if (db) batch_mean(n, db, b, p->refb, mub);
  for (size_t i0 = 0; i0 < n && (p->caa || p->cbb || p->cab); i0 += bs) {
    size_t nb = n - i0 < bs ? n - i0 : bs;
    for (size_t r = 0; r < nb; r++) {
      if (da) row_of(a, i0 + r, &r64, &r32), ncd__row_centre(da, r64, r32, p->refa, mua, ba + r * da);
      if (db) row_of(b, i0 + r, &r64, &r32), ncd__row_centre(db, r64, r32, p->refb, mub, bb + r * db);
    }
    if (p->caa) ncd__syrk_ata(nb, da, 1.0, ba, da, 1.0, p->caa, da);
    if (p->cbb) ncd__syrk_ata(nb, db, 1.0, bb, db, 1.0, p->cbb, db);
    if (p->cab) ncd__gemm(NCD__TRANS, NCD__NOTRANS, da, db, nb, 1.0, ba, da, bb, db, 1.0, p->cab, db);
  }
  uint64_t n0 = p->n, n1 = n0 + (uint64_t)n;
  double f = (double)n0 * ((double)n / (double)n1), w = (double)n / (double)n1;
  for (size_t j = 0; j < da; j++) dla[j] = mua[j] - p->ma[j];
  for (size_t j = 0; j < db; j++) dlb[j] = mub[j] - p->mb[j];
  if (n0) {
    if (p->caa) chan_term(da, da, f, dla, dla, p->caa);
    if (p->cbb) chan_term(db, db, f, dlb, dlb, p->cbb);
    if (p->cab) chan_term(da, db, f, dla, dlb, p->cab);
  }
  for (size_t j = 0; j < da; j++) p->ma[j] += w * dla[j];
  for (size_t j = 0; j < db; j++) p->mb[j] += w * dlb[j];
  p->n = n1;
}

void ncd__pmom_merge(ncd__pmom *dst, const ncd__pmom *src, double *work) {
  size_t da = dst->da, db = dst->db;
  if (src->n == 0) return;
  if (dst->n == 0) {
    ncd__pmom_copy(dst, src);
    return;
  }
  double *dla = work, *dlb = work + da;
  /* src's means moved to dst's reference point, then the difference */
  for (size_t j = 0; j < da; j++) dla[j] = ((src->refa[j] - dst->refa[j]) + src->ma[j]) - dst->ma[j];
  for (size_t j = 0; j < db; j++) dlb[j] = ((src->refb[j] - dst->refb[j]) + src->mb[j]) - dst->mb[j];
  uint64_t n0 = dst->n, n1 = n0 + src->n;
  double f = (double)n0 * ((double)src->n / (double)n1), w = (double)src->n / (double)n1;
  if (dst->caa) {
    for (size_t i = 0; i < da * da; i++) dst->caa[i] += src->caa[i];
    chan_term(da, da, f, dla, dla, dst->caa);
  }
  if (dst->cbb) {
    for (size_t i = 0; i < db * db; i++) dst->cbb[i] += src->cbb[i];
    chan_term(db, db, f, dlb, dlb, dst->cbb);
  }
  if (dst->cab) {
    for (size_t i = 0; i < da * db; i++) dst->cab[i] += src->cab[i];
    chan_term(da, db, f, dla, dlb, dst->cab);
  }
  for (size_t j = 0; j < da; j++) dst->ma[j] += w * dla[j];
  for (size_t j = 0; j < db; j++) dst->mb[j] += w * dlb[j];
  dst->n = n1;
}

void ncd__pmom_copy(ncd__pmom *dst, const ncd__pmom *src) {
  size_t da = dst->da, db = dst->db;
  dst->n = src->n;
  if (da) memcpy(dst->refa, src->refa, da * sizeof(double)), memcpy(dst->ma, src->ma, da * sizeof(double));
  if (db) memcpy(dst->refb, src->refb, db * sizeof(double)), memcpy(dst->mb, src->mb, db * sizeof(double));
  if (dst->caa) memcpy(dst->caa, src->caa, da * da * sizeof(double));
  if (dst->cbb) memcpy(dst->cbb, src->cbb, db * db * sizeof(double));
  if (dst->cab) memcpy(dst->cab, src->cab, da * db * sizeof(double));
}

/* ---- byte format helpers ---- */
void ncd__sf_put64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

uint64_t ncd__sf_get64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

/* Reals: n values (tri != 0: the upper triangle of an n x n symmetric matrix). */
unsigned char *ncd__sf_put_reals(unsigned char *p, size_t n, const double *x, int tri) {
  for (size_t i = 0; i < (tri ? n : 1); i++)
    for (size_t j = tri ? i : 0; j < n; j++, p += 8) {
      uint64_t v;
      memcpy(&v, tri ? &x[i * n + j] : &x[j], 8);
      ncd__sf_put64(p, v);
    }
  return p;
}

const unsigned char *ncd__sf_get_reals(const unsigned char *p, size_t n, double *x, int tri,
                                       int *bad) {
  for (size_t i = 0; i < (tri ? n : 1); i++)
    for (size_t j = tri ? i : 0; j < n; j++, p += 8) {
      uint64_t v = ncd__sf_get64(p);
      double t;
      memcpy(&t, &v, 8);
      if (!isfinite(t)) *bad = 1;
      if (tri) x[i * n + j] = x[j * n + i] = t;
      else x[j] = t;
    }
  return p;
}

size_t ncd__pmom_bytes(const ncd__pmom *p) {
  size_t da = p->da, db = p->db, r = 2 * (da + db);
  if (p->caa) r += da * (da + 1) / 2;
  if (p->cbb) r += db * (db + 1) / 2;
  if (p->cab) r += da * db;
  return 8 * r;
}

unsigned char *ncd__pmom_put(const ncd__pmom *p, unsigned char *b) {
  b = ncd__sf_put_reals(b, p->da, p->refa, 0);
  b = ncd__sf_put_reals(b, p->db, p->refb, 0);
  b = ncd__sf_put_reals(b, p->da, p->ma, 0);
  b = ncd__sf_put_reals(b, p->db, p->mb, 0);
  if (p->caa) b = ncd__sf_put_reals(b, p->da, p->caa, 1);
  if (p->cbb) b = ncd__sf_put_reals(b, p->db, p->cbb, 1);
  if (p->cab) b = ncd__sf_put_reals(b, p->da * p->db, p->cab, 0);
  return b;
}

const unsigned char *ncd__pmom_get(ncd__pmom *p, const unsigned char *b, int *bad) {
  b = ncd__sf_get_reals(b, p->da, p->refa, 0, bad);
  b = ncd__sf_get_reals(b, p->db, p->refb, 0, bad);
  b = ncd__sf_get_reals(b, p->da, p->ma, 0, bad);
  b = ncd__sf_get_reals(b, p->db, p->mb, 0, bad);
  if (p->caa) b = ncd__sf_get_reals(b, p->da, p->caa, 1, bad);
  if (p->cbb) b = ncd__sf_get_reals(b, p->db, p->cbb, 1, bad);
  if (p->cab) b = ncd__sf_get_reals(b, p->da * p->db, p->cab, 0, bad);
  return b;
}

size_t ncd__sf_size(size_t payload) { return NCD__SF_HDR + payload + 4; }

void ncd__sf_header(unsigned char *b, const char magic[4], uint32_t flags, uint64_t s1,
                    uint64_t s2, uint64_t n, uint64_t extra, uint64_t payload) {
  memset(b, 0, NCD__SF_HDR);
  memcpy(b, magic, 4);
  b[4] = 1;                /* major 1 (LE u16), minor 0 */
  for (int i = 0; i < 4; i++) b[8 + i] = (unsigned char)(flags >> (8 * i));
  b[12] = NCD__SF_HDR;     /* header size (LE u32) */
  ncd__sf_put64(b + 16, s1);
  ncd__sf_put64(b + 24, s2);
  ncd__sf_put64(b + 32, n);
  ncd__sf_put64(b + 40, extra);
  ncd__sf_put64(b + 48, payload);
}

void ncd__sf_seal(unsigned char *b, size_t payload) {
  uint32_t crc = ncd__crc32(0, b, NCD__SF_HDR + payload);
  for (int i = 0; i < 4; i++) b[NCD__SF_HDR + payload + (size_t)i] = (unsigned char)(crc >> (8 * i));
}

int ncd__sf_parse(const unsigned char *b, size_t len, const char magic[4], ncd__sfhdr *h) {
  if (len < NCD__SF_HDR + 4 || memcmp(b, magic, 4) != 0 || b[4] != 1 || b[5] != 0)
    return NCD_EFORMAT;
  uint32_t hs = 0, crc = 0;
  for (int i = 0; i < 4; i++) hs |= (uint32_t)b[12 + i] << (8 * i);
  h->flags = (uint32_t)b[8] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 | (uint32_t)b[11] << 24;
  h->s1 = ncd__sf_get64(b + 16);
  h->s2 = ncd__sf_get64(b + 24);
  h->n = ncd__sf_get64(b + 32);
  h->extra = ncd__sf_get64(b + 40);
  h->payload = ncd__sf_get64(b + 48);
  if (hs != NCD__SF_HDR || ncd__sf_get64(b + 56) != 0) return NCD_EFORMAT;
  if (h->payload != len - NCD__SF_HDR - 4) return NCD_EFORMAT;
  for (int i = 0; i < 4; i++) crc |= (uint32_t)b[len - 4 + (size_t)i] << (8 * i);
  if (crc != ncd__crc32(0, b, len - 4)) return NCD_EFORMAT;
  return NCD_OK;
}

/* A loaded state is usable: an empty one is all zeros, co-moment diagonals
 * are >= 0. */
int ncd__pmom_consistent(const ncd__pmom *p) {
  size_t da = p->da, db = p->db, nz = 0;
  const double *v[7] = {p->refa, p->refb, p->ma, p->mb, p->caa, p->cbb, p->cab};
  const size_t len[7] = {da, db, da, db, da * da, db * db, da * db};
  for (int q = 0; q < 7; q++)
    for (size_t i = 0; v[q] && i < len[q]; i++) nz += v[q][i] != 0.0;
  if (p->n == 0 && nz) return 0;
  return ncd__sym_diag_ok(da, p->caa) && ncd__sym_diag_ok(db, p->cbb);
}

int ncd__sym_diag_ok(size_t d, const double *c) {
  for (size_t i = 0; c && i < d; i++)
    if (c[i * d + i] < 0.0) return 0;
  return 1;
}

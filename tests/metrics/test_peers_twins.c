/*
 * test_peers_twins.c - float32 / int64-label twins of the peer calls and the
 * pair grids (issue 12; include/ncdyn.h "additions: twins"). Each twin against
 * its float64 / int32 original on the same data: int64 labels must give
 * bitwise equal results (the labels are only narrowed); float32 features must
 * give the float64 result on the converted array to 1e-13 relative (the
 * conversion is exact, the arithmetic in double is the same, so the only
 * freedom is the blocking of the row source). Data: values j/1024 (exactly
 * representable in float) and normal draws rounded to float (not
 * representable: compared with the float64 call on the rounded data). Labels
 * -1, k, 2^31 and INT64_MAX in int64 -> NCD_EINVAL. The spec section 12
 * vectors (spec/metrics-peers.md) through the twins. The grid: its strict
 * upper triangle is ncd_nc_pairs' vals in triu order bitwise; mirrors,
 * antisymmetry, WCOS's lower triangle against a naive cosine, each
 * documented diagonal; ldg > k leaves the gaps alone, ldg < k is NCD_EINVAL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/testutil.h"
#include "metrics/peers_case.h"

#define MAXO 8192
#define RT 1e-13 /* float32 twin vs float64 on the same (converted) values */

typedef struct ds {
  size_t n, d, k, ld, nood, d2;
  double *hd, *od, *zd, *w, *b, *m, *t, *wr;
  float *hf, *of, *zf;
  int32_t *y;
  int64_t *y64;
} ds;

/* exact != 0: values j/1024, |j| <= 8192 (exact in float); else normals
 * rounded to float. hd/od/zd hold the float values as doubles. */
static void ds_make(ds *D, size_t n, size_t d, size_t k, int exact, uint64_t seed) {
  ncd_test_rng r;
  ncd_test_seed(&r, seed);
  D->n = n, D->d = d, D->k = k, D->ld = d + 3, D->nood = 7, D->d2 = 3;
  size_t ld = D->ld;
  D->hd = calloc(n * ld, sizeof(double));
  D->hf = calloc(n * ld, sizeof(float));
  D->od = calloc(D->nood * ld, sizeof(double));
  D->of = calloc(D->nood * ld, sizeof(float));
  D->zd = calloc(n * ld, sizeof(double));
  D->zf = calloc(n * ld, sizeof(float));
  D->w = malloc(k * ld * sizeof(double));
  D->b = malloc(k * sizeof(double));
  D->m = malloc(k * ld * sizeof(double));
  D->t = malloc(n * 2 * sizeof(double));
  D->wr = malloc(2 * ld * sizeof(double));
  D->y = malloc(n * sizeof(int32_t));
  D->y64 = malloc(n * sizeof(int64_t));
  for (size_t i = 0; i < n; i++) D->y[i] = (int32_t)((i * 7 + i / 3) % k);
  for (size_t c = 0; c < k; c++) D->y[c] = (int32_t)c; /* every class present */
  for (size_t i = 0; i < n; i++) D->y64[i] = D->y[i];
  struct { double *dd; float *ff; size_t rows, cols; double shift; } mats[3] = {
      {D->hd, D->hf, n, d, 1.5}, {D->od, D->of, D->nood, d, 0.75}, {D->zd, D->zf, n, D->d2, 0.0}};
  for (int q = 0; q < 3; q++)
    for (size_t i = 0; i < mats[q].rows; i++)
      for (size_t j = 0; j < mats[q].cols; j++) {
        double v;
        if (exact) v = floor((ncd_test_uniform(&r) * 2 - 1) * 4096) / 1024;
        else v = ncd_test_uniform(&r) * 2 - 1 + 0.1 * (ncd_test_uniform(&r) - 0.5);
        if (q == 0 && j == i % d) v += mats[q].shift * (double)(D->y[i] + 1); /* class structure */
        if (q == 1 && j == 1) v += mats[q].shift;
        if (q == 2) v += 0.5 * D->hd[i * ld + j]; /* z correlated with h */
        float f = (float)v;
        mats[q].ff[i * ld + j] = f;
        mats[q].dd[i * ld + j] = (double)f;
      }
  ncd_test_fill_normal(&r, D->w, k, d, ld);
  ncd_test_fill_normal(&r, D->b, 1, k, k);
  ncd_test_fill_normal(&r, D->m, k, d, ld);
  ncd_test_fill_normal(&r, D->t, n, 2, 2);
  ncd_test_fill_normal(&r, D->wr, 2, d, ld);
}

static void ds_free(ds *D) {
  free(D->hd), free(D->hf), free(D->od), free(D->of), free(D->zd), free(D->zf);
  free(D->w), free(D->b), free(D->m), free(D->t), free(D->wr), free(D->y), free(D->y64);
}

/* A call in variant v (bit 0: float32 features, bit 1: int64 labels) writing
 * its outputs flattened into o (*no values). */
typedef int (*runner)(const ds *D, int v, double *o, size_t *no);

/* Each runner spells its four calls (the argument types differ). */
static int r_select(const ds *D, int v, double *o, size_t *no) {
  ncd_nc_options opt = {0.0, NCD_CENTRE_CLASS};
  size_t n = D->n, d = D->d, k = D->k, ld = D->ld;
  uint64_t sel = ~(uint64_t)0;
  *no = NCD_METRIC_COUNT;
  switch (v) {
  case 0: return ncd_nc_metrics_select(n, d, k, D->hd, ld, D->y, D->w, ld, D->b, &opt, sel, o, *no);
  case 1: return ncd_nc_metrics_select_f32(n, d, k, D->hf, ld, D->y, D->w, ld, D->b, &opt, sel, o, *no);
  case 2: return ncd_nc_metrics_select_i64(n, d, k, D->hd, ld, D->y64, D->w, ld, D->b, &opt, sel, o, *no);
  default: return ncd_nc_metrics_select_f32_i64(n, d, k, D->hf, ld, D->y64, D->w, ld, D->b, &opt, sel, o, *no);
  }
}

static const struct { ncd_pair which; ncd_centre c; double p; } PAIRS[] = {
    {NCD_PAIR_CDNV, NCD_CENTRE_SAMPLE, 1.0},         {NCD_PAIR_CDNV, NCD_CENTRE_SAMPLE, 0.5},
    {NCD_PAIR_CDNV_UNBIASED, NCD_CENTRE_SAMPLE, 1.0}, {NCD_PAIR_DIST, NCD_CENTRE_CLASS, 0.0},
    {NCD_PAIR_LOG, NCD_CENTRE_CLASS, -1.0},          {NCD_PAIR_RIESZ, NCD_CENTRE_CLASS, 3.0},
    {NCD_PAIR_RIESZ, NCD_CENTRE_NONE, 0.0},          {NCD_PAIR_LOGNORM_DIFF, NCD_CENTRE_SAMPLE, 0.0},
    {NCD_PAIR_COS_SHIFTED, NCD_CENTRE_SAMPLE, 0.0},  {NCD_PAIR_WCOS_UPPER, NCD_CENTRE_SAMPLE, 0.0},
    {NCD_PAIR_WCOS_UPPER, NCD_CENTRE_NONE, 0.0},     {NCD_PAIR_LOG, NCD_CENTRE_NONE, 2.0},
};
#define NPAIRS (sizeof PAIRS / sizeof *PAIRS)

static int pairs_v(const ds *D, int v, size_t i, double *mean, double *var, double *vals) {
  size_t n = D->n, d = D->d, k = D->k, ld = D->ld;
  ncd_pair wh = PAIRS[i].which;
  ncd_centre c = PAIRS[i].c;
  double p = PAIRS[i].p;
  switch (v) {
  case 0: return ncd_nc_pairs(n, d, k, D->hd, ld, D->y, D->w, ld, c, wh, p, mean, var, vals);
  case 1: return ncd_nc_pairs_f32(n, d, k, D->hf, ld, D->y, D->w, ld, c, wh, p, mean, var, vals);
  case 2: return ncd_nc_pairs_i64(n, d, k, D->hd, ld, D->y64, D->w, ld, c, wh, p, mean, var, vals);
  default: return ncd_nc_pairs_f32_i64(n, d, k, D->hf, ld, D->y64, D->w, ld, c, wh, p, mean, var, vals);
  }
}

static int grid_v(const ds *D, int v, ncd_pair wh, ncd_centre c, double p, double *g, size_t ldg) {
  size_t n = D->n, d = D->d, k = D->k, ld = D->ld;
  switch (v) {
  case 0: return ncd_nc_pair_grid(n, d, k, D->hd, ld, D->y, D->w, ld, c, wh, p, g, ldg);
  case 1: return ncd_nc_pair_grid_f32(n, d, k, D->hf, ld, D->y, D->w, ld, c, wh, p, g, ldg);
  case 2: return ncd_nc_pair_grid_i64(n, d, k, D->hd, ld, D->y64, D->w, ld, c, wh, p, g, ldg);
  default: return ncd_nc_pair_grid_f32_i64(n, d, k, D->hf, ld, D->y64, D->w, ld, c, wh, p, g, ldg);
  }
}

static int r_pairs(const ds *D, int v, double *o, size_t *no) {
  size_t np = D->k * (D->k - 1) / 2, at = 0;
  for (size_t i = 0; i < NPAIRS; i++) {
    int st = pairs_v(D, v, i, o + at, o + at + 1, o + at + 2);
    if (st != NCD_OK) return st;
    at += 2 + np;
  }
  *no = at;
  return NCD_OK;
}

static int r_grid(const ds *D, int v, double *o, size_t *no) {
  size_t k = D->k, at = 0;
  for (size_t i = 0; i < NPAIRS; i++) {
    int st = grid_v(D, v, PAIRS[i].which, PAIRS[i].c, PAIRS[i].p, o + at, k);
    if (st != NCD_OK) return st;
    at += k * k;
  }
  *no = at;
  return NCD_OK;
}

static int r_erank(const ds *D, int v, double *o, size_t *no) {
  size_t n = D->n, d = D->d, k = D->k, ld = D->ld;
  *no = 1 + k;
  switch (v) {
  case 0: return ncd_nc_erank(n, d, k, D->hd, ld, D->y, o, o + 1);
  case 1: return ncd_nc_erank_f32(n, d, k, D->hf, ld, D->y, o, o + 1);
  case 2: return ncd_nc_erank_i64(n, d, k, D->hd, ld, D->y64, o, o + 1);
  default: return ncd_nc_erank_f32_i64(n, d, k, D->hf, ld, D->y64, o, o + 1);
  }
}

static int r_sil(const ds *D, int v, double *o, size_t *no) {
  size_t n = D->n, d = D->d, k = D->k, ld = D->ld;
  *no = 1 + n;
  switch (v) {
  case 0: return ncd_nc_silhouette_cos(n, d, k, D->hd, ld, D->y, o, o + 1);
  case 1: return ncd_nc_silhouette_cos_f32(n, d, k, D->hf, ld, D->y, o, o + 1);
  case 2: return ncd_nc_silhouette_cos_i64(n, d, k, D->hd, ld, D->y64, o, o + 1);
  default: return ncd_nc_silhouette_cos_f32_i64(n, d, k, D->hf, ld, D->y64, o, o + 1);
  }
}

static int r_agree(const ds *D, int v, double *o, size_t *no) {
  size_t n = D->n, d = D->d, k = D->k, ld = D->ld;
  *no = 2 + k;
  switch (v) {
  case 0: return ncd_nc_agreement(n, d, k, D->hd, ld, D->y, D->m, ld, D->w, ld, D->b, o, o + 1, o + 2);
  case 1: return ncd_nc_agreement_f32(n, d, k, D->hf, ld, D->y, D->m, ld, D->w, ld, D->b, o, o + 1, o + 2);
  case 2: return ncd_nc_agreement_i64(n, d, k, D->hd, ld, D->y64, D->m, ld, D->w, ld, D->b, o, o + 1, o + 2);
  default: return ncd_nc_agreement_f32_i64(n, d, k, D->hf, ld, D->y64, D->m, ld, D->w, ld, D->b, o, o + 1, o + 2);
  }
}

static int r_ood(const ds *D, int v, double *o, size_t *no) {
  size_t n = D->n, d = D->d, k = D->k, ld = D->ld, no_ = D->nood;
  for (int c = 0; c < 3; c++) {
    int st;
    ncd_centre ce = (ncd_centre)c;
    switch (v) {
    case 0: st = ncd_nc_ood_orthodev(n, d, k, D->hd, ld, D->y, no_, D->od, ld, ce, o + c); break;
    case 1: st = ncd_nc_ood_orthodev_f32(n, d, k, D->hf, ld, D->y, no_, D->of, ld, ce, o + c); break;
    case 2: st = ncd_nc_ood_orthodev_i64(n, d, k, D->hd, ld, D->y64, no_, D->od, ld, ce, o + c); break;
    default: st = ncd_nc_ood_orthodev_f32_i64(n, d, k, D->hf, ld, D->y64, no_, D->of, ld, ce, o + c);
    }
    if (st != NCD_OK) return st;
  }
  *no = 3;
  return NCD_OK;
}

static int r_cvec(const ds *D, int v, double *o, size_t *no) {
  size_t n = D->n, d = D->d, k = D->k, ld = D->ld;
  double *a = o, *b = o + k, *c = o + 2 * k, *e = o + 3 * k, *g = o + 4 * k;
  *no = 4 * k + k * k;
  ncd_centre ce = NCD_CENTRE_CLASS;
  switch (v) {
  case 0: return ncd_nc_class_vectors(n, d, k, D->hd, ld, D->y, D->w, ld, ce, a, b, c, e, g, k);
  case 1: return ncd_nc_class_vectors_f32(n, d, k, D->hf, ld, D->y, D->w, ld, ce, a, b, c, e, g, k);
  case 2: return ncd_nc_class_vectors_i64(n, d, k, D->hd, ld, D->y64, D->w, ld, ce, a, b, c, e, g, k);
  default: return ncd_nc_class_vectors_f32_i64(n, d, k, D->hf, ld, D->y64, D->w, ld, ce, a, b, c, e, g, k);
  }
}

/* label-free: variants 0 and 1 only */
static int r_cka(const ds *D, int v, double *o, size_t *no) {
  *no = 1;
  return v & 1 ? ncd_linear_cka_f32(D->n, D->d, D->hf, D->ld, D->d2, D->zf, D->ld, o)
               : ncd_linear_cka(D->n, D->d, D->hd, D->ld, D->d2, D->zd, D->ld, o);
}

static int r_pdecomp(const ds *D, int v, double *o, size_t *no) {
  size_t d = D->d, r = D->n < d ? D->n : d, at = 0;
  for (int c = 0; c < 2; c++) {
    double *p = o + at, *s = p + r * d, *mean = s + r;
    if (!c) memset(mean, 0, d * sizeof(double));
    int st = v & 1 ? ncd_principal_decomp_f32(D->n, d, D->hf, D->ld, c, p, d, s, mean)
                   : ncd_principal_decomp(D->n, d, D->hd, D->ld, c, p, d, s, mean);
    if (st != NCD_OK) return st;
    at += r * d + r + d;
  }
  *no = at;
  return NCD_OK;
}

static int r_nrc1(const ds *D, int v, double *o, size_t *no) {
  *no = D->d;
  return v & 1 ? ncd_nrc1_profile_f32(D->n, D->d, D->hf, D->ld, o)
               : ncd_nrc1_profile(D->n, D->d, D->hd, D->ld, o);
}

static int r_nrc(const ds *D, int v, double *o, size_t *no) {
  for (unsigned fl = 0; fl < 4; fl++) {
    int st = v & 1 ? ncd_nrc_metrics_f32(D->n, D->d, D->hf, D->ld, 2, D->t, 2, D->wr, D->ld, 0.0,
                                         4.0, fl, o + 4 * fl)
                   : ncd_nrc_metrics(D->n, D->d, D->hd, D->ld, 2, D->t, 2, D->wr, D->ld, 0.0, 4.0,
                                     fl, o + 4 * fl);
    if (st != NCD_OK) return st;
  }
  *no = 16;
  return NCD_OK;
}

static const struct { const char *name; runner fn; int labels; } RUNNERS[] = {
    {"metrics_select", r_select, 1}, {"pairs", r_pairs, 1},  {"pair_grid", r_grid, 1},
    {"erank", r_erank, 1},           {"silhouette_cos", r_sil, 1}, {"agreement", r_agree, 1},
    {"ood_orthodev", r_ood, 1},      {"class_vectors", r_cvec, 1}, {"linear_cka", r_cka, 0},
    {"principal_decomp", r_pdecomp, 0}, {"nrc1_profile", r_nrc1, 0}, {"nrc_metrics", r_nrc, 0},
};
#define NRUN (sizeof RUNNERS / sizeof *RUNNERS)

/* Every twin against its original on D; returns the largest relative
 * difference float32 vs float64 seen (for the report). */
static double check_twins(const ds *D) {
  double *o[4], worst = 0.0;
  for (int v = 0; v < 4; v++) o[v] = malloc(MAXO * sizeof(double));
  for (size_t f = 0; f < NRUN; f++) {
    size_t no[4] = {0, 0, 0, 0};
    int nv = RUNNERS[f].labels ? 4 : 2;
    for (int v = 0; v < nv; v++) {
      for (size_t i = 0; i < MAXO; i++) o[v][i] = -7.25; /* same sentinel everywhere */
      int st = RUNNERS[f].fn(D, v, o[v], &no[v]);
      ck_assert_msg(st == NCD_OK, "%s variant %d: %s", RUNNERS[f].name, v, ncd_strerror(st));
      ck_assert_uint_eq(no[v], no[0]);
    }
    size_t m = no[0];
    ck_assert_uint_gt(m, 0);
    if (nv == 4) { /* int64 labels: bitwise equal to int32 */
      ck_assert_msg(memcmp(o[0], o[2], m * sizeof(double)) == 0, "%s: _i64 differs", RUNNERS[f].name);
      ck_assert_msg(memcmp(o[1], o[3], m * sizeof(double)) == 0, "%s: _f32_i64 differs from _f32",
                    RUNNERS[f].name);
    }
    for (size_t i = 0; i < m; i++) {
      ck_assert_msg(ncd_test_close(o[1][i], o[0][i], RT, 0), "%s value %zu: f32 %.17g vs f64 %.17g",
                    RUNNERS[f].name, i, o[1][i], o[0][i]);
      if (isfinite(o[0][i]) && o[0][i] != 0.0) {
        double r = fabs(o[1][i] - o[0][i]) / fabs(o[0][i]);
        if (r > worst) worst = r;
      }
    }
  }
  for (int v = 0; v < 4; v++) free(o[v]);
  return worst;
}

START_TEST(twins_exact_float_data) {
  /* values j/1024: the float32 array holds exactly the float64 values */
  ds D;
  ds_make(&D, 41, 6, 4, 1, 1201);
  check_twins(&D);
  ds_free(&D);
  /* d > n (principal_decomp with r = n) and k = 2 */
  ds_make(&D, 5, 9, 2, 1, 1202);
  check_twins(&D);
  ds_free(&D);
}
END_TEST

START_TEST(twins_rounded_float_data) {
  /* normal draws not representable in float: the float32 call equals the
   * float64 call on the float-rounded data; several row blocks when large */
  ds D;
  size_t n = ncd_test_level() == 0 ? 300 : 2500;
  ds_make(&D, 63, 7, 5, 0, 1301);
  check_twins(&D);
  ds_free(&D);
  ds_make(&D, n, 40, 6, 0, 1302); /* 1 MiB / (8 d) row blocks: several for n = 2500 */
  check_twins(&D);
  ds_free(&D);
}
END_TEST

START_TEST(twins_int64_label_range) {
  ds D;
  ds_make(&D, 20, 4, 3, 1, 1401);
  size_t n = D.n, d = D.d, k = D.k, ld = D.ld;
  const int64_t bad[5] = {-1, (int64_t)3, (int64_t)1 << 31, INT64_MAX, INT64_MIN};
  double o[512];
  for (int b = 0; b < 5; b++)
    for (size_t pos = 0; pos < n; pos += n - 1) {
      int64_t *y = malloc(n * sizeof(int64_t));
      memcpy(y, D.y64, n * sizeof(int64_t));
      y[pos] = bad[b];
      double *hd = D.hd;
      float *hf = D.hf;
#define BOTH(call64, call32)                              \
  ck_assert_status(call64, NCD_EINVAL);                   \
  ck_assert_status(call32, NCD_EINVAL)
      BOTH(ncd_nc_metrics_select_i64(n, d, k, hd, ld, y, D.w, ld, D.b, NULL, ~0ull, o, NCD_METRIC_COUNT),
           ncd_nc_metrics_select_f32_i64(n, d, k, hf, ld, y, D.w, ld, D.b, NULL, ~0ull, o, NCD_METRIC_COUNT));
      BOTH(ncd_nc_pairs_i64(n, d, k, hd, ld, y, NULL, 0, 0, NCD_PAIR_DIST, 0, o, o + 1, o + 2),
           ncd_nc_pairs_f32_i64(n, d, k, hf, ld, y, NULL, 0, 0, NCD_PAIR_DIST, 0, o, o + 1, o + 2));
      BOTH(ncd_nc_pair_grid_i64(n, d, k, hd, ld, y, NULL, 0, 0, NCD_PAIR_DIST, 0, o, k),
           ncd_nc_pair_grid_f32_i64(n, d, k, hf, ld, y, NULL, 0, 0, NCD_PAIR_DIST, 0, o, k));
      BOTH(ncd_nc_erank_i64(n, d, k, hd, ld, y, o, o + 1), ncd_nc_erank_f32_i64(n, d, k, hf, ld, y, o, o + 1));
      BOTH(ncd_nc_silhouette_cos_i64(n, d, k, hd, ld, y, o, o + 1),
           ncd_nc_silhouette_cos_f32_i64(n, d, k, hf, ld, y, o, o + 1));
      BOTH(ncd_nc_agreement_i64(n, d, k, hd, ld, y, D.m, ld, D.w, ld, NULL, o, o + 1, o + 2),
           ncd_nc_agreement_f32_i64(n, d, k, hf, ld, y, D.m, ld, D.w, ld, NULL, o, o + 1, o + 2));
      BOTH(ncd_nc_ood_orthodev_i64(n, d, k, hd, ld, y, D.nood, D.od, ld, 0, o),
           ncd_nc_ood_orthodev_f32_i64(n, d, k, hf, ld, y, D.nood, D.of, ld, 0, o));
      BOTH(ncd_nc_class_vectors_i64(n, d, k, hd, ld, y, NULL, 0, 0, o, NULL, NULL, NULL, NULL, 0),
           ncd_nc_class_vectors_f32_i64(n, d, k, hf, ld, y, NULL, 0, 0, o, NULL, NULL, NULL, NULL, 0));
#undef BOTH
      free(y);
    }
  /* a label of 2^31 is rejected even when k > 2^31 makes it "in range": it
   * could not be narrowed to int32 (rejected before any k-sized allocation) */
  int64_t yb[20];
  memcpy(yb, D.y64, sizeof yb);
  yb[3] = (int64_t)1 << 31;
  ck_assert_status(ncd_nc_erank_i64(n, d, ((size_t)1 << 31) + 2, D.hd, ld, yb, o, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_metrics_select_i64(n, d, ((size_t)1 << 31) + 2, D.hd, ld, yb, NULL, 0, NULL,
                                             NULL, 1, o, 1), NCD_EINVAL);
  ck_assert_status(ncd_nc_agreement_f32_i64(n, d, ((size_t)1 << 31) + 2, D.hf, ld, yb, D.m, ld, D.w,
                                            ld, NULL, o, NULL, NULL), NCD_EINVAL);
  ds_free(&D);
}
END_TEST

START_TEST(spec_vectors_through_twins) {
  /* spec/metrics-peers.md section 12 through the int64 twins (1e-12 as the
   * float64 suite: the labels are only narrowed) and through the float32
   * twins: the decimal inputs rounded to float differ by <= 2^-24 = 6e-8
   * relative; the statistics' conditioning on this input keeps the results
   * within 1e-6 relative (measured max 4e-8, COS_SHIFTED's mean) */
  int64_t y64[PN];
  float hf[PN * PD];
  for (int i = 0; i < PN; i++) y64[i] = PY[i];
  for (int i = 0; i < PN * PD; i++) hf[i] = (float)PH[i];
  double e, e32, ec[PK], m, v, m32, v32, vals[6];
  ck_assert_status(ncd_nc_erank_i64(PN, PD, PK, PH, PD, y64, &e, ec), NCD_OK);
  ck_assert_close(e, 4.1712849122162972, 1e-12, 0);
  ck_assert_close(ec[0], 1.7984351130229832, 1e-12, 0);
  ck_assert_status(ncd_nc_erank_f32_i64(PN, PD, PK, hf, PD, y64, &e32, NULL), NCD_OK);
  ck_assert_close(e32, 4.1712849122162972, 1e-6, 0);
  ck_assert_status(ncd_nc_erank_f32(PN, PD, PK, hf, PD, PY, &e, NULL), NCD_OK);
  ck_assert(e == e32);
  static const struct { ncd_centre c; ncd_pair wh; double p, mean, var; int cov; double tol32; } PV[] = {
      {NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV, 1.0, 0.04631136715023295, NAN, 0, 1e-6},
      {NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV_UNBIASED, 1.0, 0.056198320496308372, 0.28447936217620329, 1, 1e-6},
      {NCD_CENTRE_CLASS, NCD_PAIR_DIST, 0, 1.6244647558515677, 0.018601675734174022, 0, 1e-6},
      {NCD_CENTRE_CLASS, NCD_PAIR_LOG, -1, -0.48156640238331866, 0.0073119093588672607, 0, 1e-6},
      {NCD_CENTRE_CLASS, NCD_PAIR_RIESZ, 3, 0.24390236151625713, 0.0041923059144171266, 0, 1e-6},
      {NCD_CENTRE_SAMPLE, NCD_PAIR_LOGNORM_DIFF, 0, 0.3102156720531728, 0.47216203668186491, 1, 1e-6},
      {NCD_CENTRE_SAMPLE, NCD_PAIR_COS_SHIFTED, 0, 0.012863310068979042, 19.720022293895568, 1, 1e-6},
      {NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, 0, 0.2286023757610994, 2.4359030826691668, 1, 1e-6},
  };
  for (size_t i = 0; i < sizeof PV / sizeof *PV; i++) {
    ck_assert_status(ncd_nc_pairs_i64(PN, PD, PK, PH, PD, y64, PW, PD, PV[i].c, PV[i].wh, PV[i].p, &m, &v, vals), NCD_OK);
    double tol = PV[i].wh == NCD_PAIR_COS_SHIFTED ? 1e-11 : 1e-12; /* as test_peers_vectors */
    ck_assert_close(m, PV[i].mean, tol, 0);
    if (!isnan(PV[i].var)) ck_assert_close(PV[i].cov ? sqrt(v) / m : v, PV[i].var, tol, 0);
    ck_assert_status(ncd_nc_pairs_f32_i64(PN, PD, PK, hf, PD, y64, PW, PD, PV[i].c, PV[i].wh, PV[i].p, &m32, &v32, NULL), NCD_OK);
    ck_assert_close(m32, PV[i].mean, PV[i].tol32, 0);
  }
  /* appended metrics through ncd_nc_metrics_select_i64 (spec 12 last line) */
  static const double want[9] = {0.10701820634513894,  95.464538865290464,  0.025408867702768168,
                                 -0.47572886859328117, 0.010160033939740363, -0.21961974846218291,
                                 0.86111111111111116,  0.8623437218857738,  4.1712849122162972};
  double out[NCD_METRIC_COUNT];
  ck_assert_status(ncd_nc_metrics_select_i64(PN, PD, PK, PH, PD, y64, PW, PD, PB, NULL, ~(uint64_t)0, out, NCD_METRIC_COUNT), NCD_OK);
  for (int i = 0; i < 9; i++) ck_assert_close(out[NCD_NC1_WEAK + i], want[i], 1e-12, 0);
  ck_assert_status(ncd_nc_metrics_select_f32_i64(PN, PD, PK, hf, PD, y64, PW, PD, PB, NULL, ~(uint64_t)0, out, NCD_METRIC_COUNT), NCD_OK);
  for (int i = 0; i < 9; i++) {
    double tol = 1e-6;
    ck_assert_msg(ncd_test_close(out[NCD_NC1_WEAK + i], want[i], tol, 0), "metric %d: %.17g vs %.17g",
                  NCD_NC1_WEAK + i, out[NCD_NC1_WEAK + i], want[i]);
  }
  /* silhouette (sklearn) and the MONAI scores through the f32 twin */
  double sil;
  ck_assert_status(ncd_nc_silhouette_cos_i64(PN, PD, PK, PH, PD, y64, &sil, NULL), NCD_OK);
  ck_assert_close((1 - sil) / 2, 0.068828139057113102, 1e-12, 0);
  ck_assert_status(ncd_nc_silhouette_cos_f32(PN, PD, PK, hf, PD, PY, &sil, NULL), NCD_OK);
  ck_assert_close((1 - sil) / 2, 0.068828139057113102, 1e-6, 0);
}
END_TEST

/* cos(a, b) in long double (independent of the library's route) */
static double naive_cos(const double *a, const double *b, size_t d) {
  long double ab = 0, aa = 0, bb = 0;
  for (size_t j = 0; j < d; j++) ab += (long double)a[j] * b[j], aa += (long double)a[j] * a[j], bb += (long double)b[j] * b[j];
  return (double)(ab / sqrtl(aa * bb));
}

START_TEST(grid_against_pairs) {
  ds D;
  ds_make(&D, 37, 5, 5, 0, 1501);
  size_t k = D.k, np = k * (k - 1) / 2, ldg = k + 2;
  double *g = malloc(k * ldg * sizeof(double)), *vals = malloc(np * sizeof(double)), mean, var;
  for (size_t i = 0; i < NPAIRS; i++)
    for (int v = 0; v < 4; v++) {
      for (size_t q = 0; q < k * ldg; q++) g[q] = 12345.0;
      ck_assert_status(grid_v(&D, v, PAIRS[i].which, PAIRS[i].c, PAIRS[i].p, g, ldg), NCD_OK);
      ck_assert_status(pairs_v(&D, v, i, &mean, &var, vals), NCD_OK);
      size_t t = 0;
      for (size_t c = 0; c < k; c++) {
        for (size_t e = k; e < ldg; e++) ck_assert(g[c * ldg + e] == 12345.0); /* ld gap untouched */
        for (size_t e = c + 1; e < k; e++, t++) {
          double up = g[c * ldg + e], lo = g[e * ldg + c];
          ck_assert_msg(memcmp(&up, &vals[t], sizeof up) == 0, "pair %zu (%zu,%zu): grid %.17g vals %.17g",
                        i, c, e, up, vals[t]);
          if (PAIRS[i].which == NCD_PAIR_LOGNORM_DIFF) ck_assert(lo == -up);
          else if (PAIRS[i].which != NCD_PAIR_WCOS_UPPER) ck_assert(memcmp(&lo, &up, sizeof lo) == 0);
        }
      }
    }
  /* WCOS_UPPER: every entry is cos(w_c, mbar_c'); the diagonal is class_vectors' cosines */
  double *mb = calloc(k * D.d, sizeof(double)), cnt[8] = {0}, cs[8], mg[16] = {0};
  for (size_t i = 0; i < D.n; i++) {
    cnt[D.y[i]] += 1;
    for (size_t j = 0; j < D.d; j++) mb[D.y[i] * D.d + j] += D.hd[i * D.ld + j], mg[j] += D.hd[i * D.ld + j] / (double)D.n;
  }
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < D.d; j++) mb[c * D.d + j] = mb[c * D.d + j] / cnt[c] - mg[j]; /* centre S */
  ck_assert_status(ncd_nc_pair_grid(D.n, D.d, k, D.hd, D.ld, D.y, D.w, D.ld, NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, 0, g, ldg), NCD_OK);
  ck_assert_status(ncd_nc_class_vectors(D.n, D.d, k, D.hd, D.ld, D.y, D.w, D.ld, NCD_CENTRE_SAMPLE, NULL, NULL, cs, NULL, NULL, 0), NCD_OK);
  for (size_t c = 0; c < k; c++) {
    ck_assert_close(g[c * ldg + c], cs[c], 1e-14, 0);
    for (size_t e = 0; e < k; e++) /* naive long double route, 1e-12 (means by a different sum) */
      ck_assert_close(g[c * ldg + e], naive_cos(D.w + c * D.ld, mb + e * D.d, D.d), 1e-12, 1e-14);
  }
  /* the documented diagonals */
  struct { ncd_pair wh; double p; double want; } dg[] = {
      {NCD_PAIR_CDNV, 1.0, INFINITY}, {NCD_PAIR_CDNV, -1.0, 0.0}, {NCD_PAIR_DIST, 0, 0.0},
      {NCD_PAIR_LOG, -1.0, INFINITY}, {NCD_PAIR_LOG, 2.0, -INFINITY}, {NCD_PAIR_LOG, 0.0, NAN},
      {NCD_PAIR_RIESZ, 3.0, INFINITY}, {NCD_PAIR_RIESZ, 0.0, 1.0}, {NCD_PAIR_RIESZ, -2.0, 0.0},
      {NCD_PAIR_LOGNORM_DIFF, 0, 0.0}, {NCD_PAIR_COS_SHIFTED, 0, 5.0 / 4.0},
  };
  for (size_t i = 0; i < sizeof dg / sizeof *dg; i++) {
    ck_assert_status(ncd_nc_pair_grid(D.n, D.d, k, D.hd, D.ld, D.y, NULL, 0, NCD_CENTRE_SAMPLE, dg[i].wh, dg[i].p, g, ldg), NCD_OK);
    for (size_t c = 0; c < k; c++) {
      double x = g[c * ldg + c];
      ck_assert_msg(ncd_test_close(x, dg[i].want, 4e-16, 0), "diag %zu of %d (p %g): %.17g", c, dg[i].wh, dg[i].p, x);
    }
  }
  /* CDNV with p = 0: the diagonal is v_c = q_c / n_c (naive two-pass) */
  ck_assert_status(ncd_nc_pair_grid(D.n, D.d, k, D.hd, D.ld, D.y, NULL, 0, 0, NCD_PAIR_CDNV, 0.0, g, ldg), NCD_OK);
  for (size_t c = 0; c < k; c++) {
    double q = 0, mu[16] = {0};
    for (size_t i = 0; i < D.n; i++)
      if ((size_t)D.y[i] == c)
        for (size_t j = 0; j < D.d; j++) mu[j] += D.hd[i * D.ld + j] / cnt[c];
    for (size_t i = 0; i < D.n; i++)
      if ((size_t)D.y[i] == c)
        for (size_t j = 0; j < D.d; j++) q += (D.hd[i * D.ld + j] - mu[j]) * (D.hd[i * D.ld + j] - mu[j]);
    ck_assert_close(g[c * ldg + c], q / cnt[c], 1e-12, 0);
  }
  /* ldg < k and grid NULL: NCD_EINVAL, grid untouched */
  for (size_t q = 0; q < k * ldg; q++) g[q] = 12345.0;
  ck_assert_status(ncd_nc_pair_grid(D.n, D.d, k, D.hd, D.ld, D.y, NULL, 0, 0, NCD_PAIR_DIST, 0, g, k - 1), NCD_EINVAL);
  ck_assert_status(ncd_nc_pair_grid_f32(D.n, D.d, k, D.hf, D.ld, D.y, NULL, 0, 0, NCD_PAIR_DIST, 0, g, k - 1), NCD_EINVAL);
  ck_assert_status(ncd_nc_pair_grid(D.n, D.d, k, D.hd, D.ld, D.y, NULL, 0, 0, NCD_PAIR_DIST, 0, NULL, k), NCD_EINVAL);
  for (size_t q = 0; q < k * ldg; q++) ck_assert(g[q] == 12345.0);
  free(mb);
  free(g);
  free(vals);
  ds_free(&D);
}
END_TEST

START_TEST(grid_spec_case) {
  /* spec 12: grid means over the strict upper triangle = the spec's pair
   * means; rhubarbwu's interference-style symmetry of the dist kernel */
  double g[PK * PK];
  ck_assert_status(ncd_nc_pair_grid(PN, PD, PK, PH, PD, PY, PW, PD, NCD_CENTRE_CLASS, NCD_PAIR_LOG, -1, g, PK), NCD_OK);
  double s = 0;
  for (int c = 0; c < PK; c++)
    for (int e = c + 1; e < PK; e++) s += g[c * PK + e];
  ck_assert_close(s / 6, -0.48156640238331866, 1e-12, 0);
  /* full-grid mean of the off-diagonal = the triu mean (symmetric kernel) */
  double t = 0;
  for (int c = 0; c < PK; c++)
    for (int e = 0; e < PK; e++)
      if (c != e) t += g[c * PK + e];
  ck_assert_close(t / 12, -0.48156640238331866, 1e-12, 0);
  /* nc-toolbox equinormness: mean of the antisymmetric grid's upper triangle */
  ck_assert_status(ncd_nc_pair_grid(PN, PD, PK, PH, PD, PY, NULL, 0, NCD_CENTRE_SAMPLE, NCD_PAIR_LOGNORM_DIFF, 0, g, PK), NCD_OK);
  s = 0, t = 0;
  for (int c = 0; c < PK; c++)
    for (int e = 0; e < PK; e++) {
      if (e > c) s += g[c * PK + e];
      t += g[c * PK + e];
    }
  ck_assert_close(s / 6, 0.3102156720531728, 1e-12, 0);
  ck_assert_close(t, 0.0, 0, 1e-15); /* antisymmetric: the whole grid sums to 0 */
}
END_TEST

Suite *suite_metrics_peers_twins(void) {
  Suite *s = suite_create("metrics_peers_twins");
  TCase *tc = tcase_create("twins");
  tcase_add_test(tc, twins_exact_float_data);
  tcase_add_test(tc, twins_rounded_float_data);
  tcase_add_test(tc, twins_int64_label_range);
  tcase_add_test(tc, spec_vectors_through_twins);
  tcase_add_test(tc, grid_against_pairs);
  tcase_add_test(tc, grid_spec_case);
  suite_add_tcase(s, tc);
  return s;
}

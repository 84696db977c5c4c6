/*
 * test_bad_twins.c - bad-input matrix for the float32 / int64-label twins of
 * the peer calls and the pair grids (include/ncdyn.h "additions: twins"):
 * every new function through the table-driven engine (common/badinput.h):
 * NULLs, 0 / SIZE_MAX sizes, k < 2, ld one too small (ldg < k for the grids),
 * labels -1 and k (int32 or int64), NaN/Inf in every float32 and float64 input
 * array; plus by hand the cases the engine has no type for (enum values, the
 * grid's ldg, int64 labels >= 2^31).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"

enum { T_SELECT, T_PAIRS, T_GRID, T_ERANK, T_SIL, T_AGREE, T_OOD, T_CLASSVEC, T_NLAB,
       T_CKA = T_NLAB, T_PDECOMP, T_NRC1, T_NRC, T_END };

typedef struct {
  size_t n, d, k;
  const double *h;
  const float *hf;
  size_t ldh;
  const int32_t *y;
  const int64_t *y64;
  const double *w;
  size_t ldw;
  const double *b;
  const double *m;
  size_t ldm;
  size_t n_ood;
  const double *ho;
  const float *hof;
  size_t ldo;
  size_t d2;
  const float *zf;
  size_t ldz;
  size_t mm;
  const double *t;
  size_t ldt;
  const double *wr;
  size_t ldwr;
  double p;
  double *out, *out2, *out3, *out4, *out5;
  double *pp;
  size_t ldp;
  double *gram;
  size_t ldg;
  int fn, var; /* var bit 0: float32 features, bit 1: int64 labels */
} tw_args;

#define F32(x) ((x)->var & 1)
#define I64(x) ((x)->var & 2)

static int call_tw(void *v) {
  tw_args *x = v;
  size_t n = x->n, d = x->d, k = x->k;
  int a = x->var;
  switch (x->fn) {
  case T_SELECT:
    if (a == 1) return ncd_nc_metrics_select_f32(n, d, k, x->hf, x->ldh, x->y, x->w, x->ldw, x->b, NULL, ~(uint64_t)0, x->out, NCD_METRIC_COUNT);
    if (a == 2) return ncd_nc_metrics_select_i64(n, d, k, x->h, x->ldh, x->y64, x->w, x->ldw, x->b, NULL, ~(uint64_t)0, x->out, NCD_METRIC_COUNT);
    return ncd_nc_metrics_select_f32_i64(n, d, k, x->hf, x->ldh, x->y64, x->w, x->ldw, x->b, NULL, ~(uint64_t)0, x->out, NCD_METRIC_COUNT);
  case T_PAIRS:
    if (a == 1) return ncd_nc_pairs_f32(n, d, k, x->hf, x->ldh, x->y, x->w, x->ldw, NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, x->p, x->out, x->out2, x->out3);
    if (a == 2) return ncd_nc_pairs_i64(n, d, k, x->h, x->ldh, x->y64, x->w, x->ldw, NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, x->p, x->out, x->out2, x->out3);
    return ncd_nc_pairs_f32_i64(n, d, k, x->hf, x->ldh, x->y64, x->w, x->ldw, NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, x->p, x->out, x->out2, x->out3);
  case T_GRID:
    if (a == 0) return ncd_nc_pair_grid(n, d, k, x->h, x->ldh, x->y, x->w, x->ldw, NCD_CENTRE_CLASS, NCD_PAIR_WCOS_UPPER, x->p, x->gram, x->ldg);
    if (a == 1) return ncd_nc_pair_grid_f32(n, d, k, x->hf, x->ldh, x->y, x->w, x->ldw, NCD_CENTRE_CLASS, NCD_PAIR_WCOS_UPPER, x->p, x->gram, x->ldg);
    if (a == 2) return ncd_nc_pair_grid_i64(n, d, k, x->h, x->ldh, x->y64, x->w, x->ldw, NCD_CENTRE_CLASS, NCD_PAIR_WCOS_UPPER, x->p, x->gram, x->ldg);
    return ncd_nc_pair_grid_f32_i64(n, d, k, x->hf, x->ldh, x->y64, x->w, x->ldw, NCD_CENTRE_CLASS, NCD_PAIR_WCOS_UPPER, x->p, x->gram, x->ldg);
  case T_ERANK:
    if (a == 1) return ncd_nc_erank_f32(n, d, k, x->hf, x->ldh, x->y, x->out, x->out2);
    if (a == 2) return ncd_nc_erank_i64(n, d, k, x->h, x->ldh, x->y64, x->out, x->out2);
    return ncd_nc_erank_f32_i64(n, d, k, x->hf, x->ldh, x->y64, x->out, x->out2);
  case T_SIL:
    if (a == 1) return ncd_nc_silhouette_cos_f32(n, d, k, x->hf, x->ldh, x->y, x->out, x->out2);
    if (a == 2) return ncd_nc_silhouette_cos_i64(n, d, k, x->h, x->ldh, x->y64, x->out, x->out2);
    return ncd_nc_silhouette_cos_f32_i64(n, d, k, x->hf, x->ldh, x->y64, x->out, x->out2);
  case T_AGREE:
    if (a == 1) return ncd_nc_agreement_f32(n, d, k, x->hf, x->ldh, x->y, x->m, x->ldm, x->w, x->ldw, x->b, x->out, x->out2, x->out3);
    if (a == 2) return ncd_nc_agreement_i64(n, d, k, x->h, x->ldh, x->y64, x->m, x->ldm, x->w, x->ldw, x->b, x->out, x->out2, x->out3);
    return ncd_nc_agreement_f32_i64(n, d, k, x->hf, x->ldh, x->y64, x->m, x->ldm, x->w, x->ldw, x->b, x->out, x->out2, x->out3);
  case T_OOD:
    if (a == 1) return ncd_nc_ood_orthodev_f32(n, d, k, x->hf, x->ldh, x->y, x->n_ood, x->hof, x->ldo, NCD_CENTRE_SAMPLE, x->out);
    if (a == 2) return ncd_nc_ood_orthodev_i64(n, d, k, x->h, x->ldh, x->y64, x->n_ood, x->ho, x->ldo, NCD_CENTRE_SAMPLE, x->out);
    return ncd_nc_ood_orthodev_f32_i64(n, d, k, x->hf, x->ldh, x->y64, x->n_ood, x->hof, x->ldo, NCD_CENTRE_SAMPLE, x->out);
  case T_CLASSVEC:
    if (a == 1) return ncd_nc_class_vectors_f32(n, d, k, x->hf, x->ldh, x->y, x->w, x->ldw, NCD_CENTRE_CLASS, x->out, x->out2, x->out3, x->out4, x->gram, x->ldg);
    if (a == 2) return ncd_nc_class_vectors_i64(n, d, k, x->h, x->ldh, x->y64, x->w, x->ldw, NCD_CENTRE_CLASS, x->out, x->out2, x->out3, x->out4, x->gram, x->ldg);
    return ncd_nc_class_vectors_f32_i64(n, d, k, x->hf, x->ldh, x->y64, x->w, x->ldw, NCD_CENTRE_CLASS, x->out, x->out2, x->out3, x->out4, x->gram, x->ldg);
  case T_CKA: return ncd_linear_cka_f32(n, d, x->hf, x->ldh, x->d2, x->zf, x->ldz, x->out);
  case T_PDECOMP: return ncd_principal_decomp_f32(n, d, x->hf, x->ldh, 1, x->pp, x->ldp, x->out, x->out2);
  case T_NRC1: return ncd_nrc1_profile_f32(n, d, x->hf, x->ldh, x->out);
  default:
    return ncd_nrc_metrics_f32(n, d, x->hf, x->ldh, x->mm, x->t, x->ldt, x->wr, x->ldwr, 0.1, 2.0, 0, x->out);
  }
}

#define TA(f) offsetof(tw_args, f)
#define FLD(type, f, rows, cols, ld, name) ((ncd_bf_field){type, TA(f), rows, cols, ld, name})

/* The field table of function fn in variant var (at most 32 fields). */
static size_t fields(int fn, int var, ncd_bf_field *o) {
  size_t i = 0;
  int f32 = var & 1, i64 = var & 2;
  o[i++] = FLD(BF_DIM, n, BF_NONE, BF_NONE, BF_NONE, "n");
  o[i++] = FLD(BF_DIM, d, BF_NONE, BF_NONE, BF_NONE, "d");
  o[i++] = FLD(BF_LD, ldh, BF_NONE, TA(d), BF_NONE, "ldh");
  if (f32) {
    o[i++] = FLD(BF_PTR, hf, BF_NONE, BF_NONE, BF_NONE, "h (float)");
    o[i++] = FLD(BF_IN32, hf, TA(n), TA(d), TA(ldh), "h (float)");
  } else {
    o[i++] = FLD(BF_PTR, h, BF_NONE, BF_NONE, BF_NONE, "h");
    o[i++] = FLD(BF_IN, h, TA(n), TA(d), TA(ldh), "h");
  }
  if (fn < T_NLAB) {
    o[i++] = FLD(BF_K2, k, BF_NONE, BF_NONE, BF_NONE, "k");
    if (i64) {
      o[i++] = FLD(BF_PTR, y64, BF_NONE, BF_NONE, BF_NONE, "y (int64)");
      o[i++] = FLD(BF_LABELS64, y64, TA(n), TA(k), BF_NONE, "y (int64)");
    } else {
      o[i++] = FLD(BF_PTR, y, BF_NONE, BF_NONE, BF_NONE, "y");
      o[i++] = FLD(BF_LABELS, y, TA(n), TA(k), BF_NONE, "y");
    }
  }
  if (fn == T_SELECT || fn == T_PAIRS || fn == T_GRID || fn == T_AGREE || fn == T_CLASSVEC) {
    if (fn != T_SELECT && fn != T_CLASSVEC) o[i++] = FLD(BF_PTR, w, BF_NONE, BF_NONE, BF_NONE, "w");
    o[i++] = FLD(BF_LD, ldw, BF_NONE, TA(d), BF_NONE, "ldw");
    o[i++] = FLD(BF_IN, w, TA(k), TA(d), TA(ldw), "w");
  }
  if (fn == T_SELECT || fn == T_AGREE) o[i++] = FLD(BF_VEC, b, BF_NONE, TA(k), BF_NONE, "b");
  if (fn == T_PAIRS || fn == T_GRID) o[i++] = FLD(BF_SCALAR, p, BF_NONE, BF_NONE, BF_NONE, "p");
  if (fn == T_GRID) {
    o[i++] = FLD(BF_PTR, gram, BF_NONE, BF_NONE, BF_NONE, "grid");
    o[i++] = FLD(BF_LD, ldg, BF_NONE, TA(k), BF_NONE, "ldg");
  }
  if (fn == T_CLASSVEC) o[i++] = FLD(BF_LD, ldg, BF_NONE, TA(k), BF_NONE, "ldg");
  if (fn == T_AGREE) {
    o[i++] = FLD(BF_PTR, m, BF_NONE, BF_NONE, BF_NONE, "m");
    o[i++] = FLD(BF_LD, ldm, BF_NONE, TA(d), BF_NONE, "ldm");
    o[i++] = FLD(BF_IN, m, TA(k), TA(d), TA(ldm), "m");
  }
  if (fn == T_OOD) {
    o[i++] = FLD(BF_DIM, n_ood, BF_NONE, BF_NONE, BF_NONE, "n_ood");
    o[i++] = FLD(BF_LD, ldo, BF_NONE, TA(d), BF_NONE, "ldo");
    if (f32) {
      o[i++] = FLD(BF_PTR, hof, BF_NONE, BF_NONE, BF_NONE, "h_ood (float)");
      o[i++] = FLD(BF_IN32, hof, TA(n_ood), TA(d), TA(ldo), "h_ood (float)");
    } else {
      o[i++] = FLD(BF_PTR, ho, BF_NONE, BF_NONE, BF_NONE, "h_ood");
      o[i++] = FLD(BF_IN, ho, TA(n_ood), TA(d), TA(ldo), "h_ood");
    }
  }
  if (fn == T_SELECT || fn == T_OOD || fn == T_CKA || fn == T_NRC1 || fn == T_NRC)
    o[i++] = FLD(BF_PTR, out, BF_NONE, BF_NONE, BF_NONE, "out");
  if (fn == T_CKA) {
    o[i++] = FLD(BF_DIM, d2, BF_NONE, BF_NONE, BF_NONE, "d2");
    o[i++] = FLD(BF_LD, ldz, BF_NONE, TA(d2), BF_NONE, "ldz");
    o[i++] = FLD(BF_PTR, zf, BF_NONE, BF_NONE, BF_NONE, "z (float)");
    o[i++] = FLD(BF_IN32, zf, TA(n), TA(d2), TA(ldz), "z (float)");
  }
  if (fn == T_PDECOMP) {
    o[i++] = FLD(BF_PTR, pp, BF_NONE, BF_NONE, BF_NONE, "p");
    o[i++] = FLD(BF_LD, ldp, BF_NONE, TA(d), BF_NONE, "ldp");
  }
  if (fn == T_NRC) {
    o[i++] = FLD(BF_SIZE, mm, BF_NONE, BF_NONE, BF_NONE, "m");
    o[i++] = FLD(BF_LD, ldt, BF_NONE, TA(mm), BF_NONE, "ldt");
    o[i++] = FLD(BF_IN, t, TA(n), TA(mm), TA(ldt), "t");
    o[i++] = FLD(BF_LD, ldwr, BF_NONE, TA(d), BF_NONE, "ldwr");
    o[i++] = FLD(BF_IN, wr, TA(mm), TA(d), TA(ldwr), "wr");
  }
  return i;
}

static size_t span(size_t rows, size_t cols, size_t ld) { return (rows - 1) * ld + cols; }

/* guarded inputs: only rows x cols of each buffer written (ld gaps keep the
 * guard bytes, which are not finite-checked data) */
typedef struct {
  size_t n, d, k, ld, nood, d2, mm;
  double *h, *w, *b, *m, *ho, *t, *wr;
  float *hf, *hof, *zf;
  int32_t *y;
  int64_t *y64;
} data;

static double *filled(ncd_test_rng *r, size_t rows, size_t cols, size_t ld) {
  double *p = ncd_guard_doubles(NULL, span(rows, cols, ld));
  ncd_test_fill_normal(r, p, rows, cols, ld);
  return p;
}
static float *to_float(const double *x, size_t rows, size_t cols, size_t ld) {
  float *f = ncd_guard_alloc(span(rows, cols, ld) * sizeof(float));
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) f[i * ld + j] = (float)x[i * ld + j];
  return f;
}

static void make(data *D) {
  ncd_test_rng r;
  ncd_test_seed(&r, 4343);
  D->h = filled(&r, D->n, D->d, D->ld);
  for (size_t i = 0; i < D->n; i++) D->h[i * D->ld] += 3.0 * (double)(i % D->k);
  D->w = filled(&r, D->k, D->d, D->ld);
  D->b = filled(&r, 1, D->k, D->k);
  D->m = filled(&r, D->k, D->d, D->ld);
  D->ho = filled(&r, D->nood, D->d, D->ld);
  for (size_t i = 0; i < D->nood; i++) D->ho[i * D->ld + 1] += 2.0;
  double *z = filled(&r, D->n, D->d2, D->ld);
  D->t = filled(&r, D->n, D->mm, D->ld);
  D->wr = filled(&r, D->mm, D->d, D->ld);
  D->hf = to_float(D->h, D->n, D->d, D->ld);
  D->hof = to_float(D->ho, D->nood, D->d, D->ld);
  D->zf = to_float(z, D->n, D->d2, D->ld);
  ncd_guard_free_doubles(z, span(D->n, D->d2, D->ld));
  D->y = ncd_guard_alloc(D->n * sizeof(int32_t));
  D->y64 = ncd_guard_alloc(D->n * sizeof(int64_t));
  for (size_t i = 0; i < D->n; i++) D->y[i] = (int32_t)(i % D->k), D->y64[i] = (int64_t)(i % D->k);
}
static void unmake(data *D) {
  ncd_guard_free_doubles(D->h, span(D->n, D->d, D->ld));
  ncd_guard_free_doubles(D->w, span(D->k, D->d, D->ld));
  ncd_guard_free_doubles(D->b, D->k);
  ncd_guard_free_doubles(D->m, span(D->k, D->d, D->ld));
  ncd_guard_free_doubles(D->ho, span(D->nood, D->d, D->ld));
  ncd_guard_free_doubles(D->t, span(D->n, D->mm, D->ld));
  ncd_guard_free_doubles(D->wr, span(D->mm, D->d, D->ld));
  ncd_guard_free(D->hf, span(D->n, D->d, D->ld) * sizeof(float));
  ncd_guard_free(D->hof, span(D->nood, D->d, D->ld) * sizeof(float));
  ncd_guard_free(D->zf, span(D->n, D->d2, D->ld) * sizeof(float));
  ncd_guard_free(D->y, D->n * sizeof(int32_t));
  ncd_guard_free(D->y64, D->n * sizeof(int64_t));
}

#define OUTLEN 256

START_TEST(twins_bad_input) {
  data D = {30, 5, 3, 7, 10, 3, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  make(&D);
  ck_assert_int_le(NCD_METRIC_COUNT, OUTLEN);
  double *o[5];
  for (int i = 0; i < 5; i++) o[i] = ncd_guard_doubles(NULL, OUTLEN);
  size_t r = D.n < D.d ? D.n : D.d, lp = span(r, D.d, D.ld), lg = span(D.k, D.k, D.k + 1);
  double *pp = ncd_guard_doubles(NULL, lp), *gram = ncd_guard_doubles(NULL, lg);
  static const char *names[T_END][4] = {
      {"", "ncd_nc_metrics_select_f32", "ncd_nc_metrics_select_i64", "ncd_nc_metrics_select_f32_i64"},
      {"", "ncd_nc_pairs_f32", "ncd_nc_pairs_i64", "ncd_nc_pairs_f32_i64"},
      {"ncd_nc_pair_grid", "ncd_nc_pair_grid_f32", "ncd_nc_pair_grid_i64", "ncd_nc_pair_grid_f32_i64"},
      {"", "ncd_nc_erank_f32", "ncd_nc_erank_i64", "ncd_nc_erank_f32_i64"},
      {"", "ncd_nc_silhouette_cos_f32", "ncd_nc_silhouette_cos_i64", "ncd_nc_silhouette_cos_f32_i64"},
      {"", "ncd_nc_agreement_f32", "ncd_nc_agreement_i64", "ncd_nc_agreement_f32_i64"},
      {"", "ncd_nc_ood_orthodev_f32", "ncd_nc_ood_orthodev_i64", "ncd_nc_ood_orthodev_f32_i64"},
      {"", "ncd_nc_class_vectors_f32", "ncd_nc_class_vectors_i64", "ncd_nc_class_vectors_f32_i64"},
      {"", "ncd_linear_cka_f32", "", ""},
      {"", "ncd_principal_decomp_f32", "", ""},
      {"", "ncd_nrc1_profile_f32", "", ""},
      {"", "ncd_nrc_metrics_f32", "", ""},
  };
  tw_args v0 = {D.n, D.d, D.k, D.h, D.hf, D.ld, D.y, D.y64, D.w, D.ld, D.b, D.m, D.ld,
                D.nood, D.ho, D.hof, D.ld, D.d2, D.zf, D.ld, D.mm, D.t, D.ld, D.wr, D.ld, 1.0,
                o[0], o[1], o[2], o[3], o[4], pp, D.ld, gram, D.k + 1, 0, 0};
  int total = 0;
  for (int fn = 0; fn < T_END; fn++)
    for (int var = 0; var < 4; var++) {
      if (!names[fn][var][0]) continue;
      ncd_bf_field f[32];
      size_t nf = fields(fn, var, f);
      ck_assert_uint_le(nf, 32);
      tw_args v = v0;
      v.fn = fn, v.var = var;
      ncd_bf_spec s = {names[fn][var], sizeof v, f, nf, call_tw, NULL};
      int c = ncd_bf_run(&s, &v);
      ck_assert_int_gt(c, 10);
      total += c;
    }
  ck_assert_int_gt(total, 800); /* 890 mutations at the time of writing */

  /* by hand: enums, the grid's extra rules, int64 labels beyond int32 */
  size_t n = D.n, d = D.d, k = D.k, ld = D.ld;
  const double *h = D.h, *w = D.w;
  const float *hf = D.hf;
  double *a = o[0], *b2 = o[1], *c = o[2];
  ck_assert_status(ncd_nc_pair_grid(n, d, k, h, ld, D.y, NULL, 0, NCD_CENTRE_SAMPLE, NCD_PAIR_DIST, 0, gram, k), NCD_OK);
  ck_assert_status(ncd_nc_pair_grid(n, d, k, h, ld, D.y, NULL, 0, NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, 0, gram, k), NCD_EINVAL);
  ck_assert_status(ncd_nc_pair_grid(n, d, k, h, ld, D.y, w, ld, NCD_CENTRE_SAMPLE, (ncd_pair)8, 0, gram, k), NCD_EINVAL);
  ck_assert_status(ncd_nc_pair_grid(n, d, k, h, ld, D.y, w, ld, NCD_CENTRE_SAMPLE, (ncd_pair)-1, 0, gram, k), NCD_EINVAL);
  ck_assert_status(ncd_nc_pair_grid(n, d, k, h, ld, D.y, w, ld, (ncd_centre)3, NCD_PAIR_DIST, 0, gram, k), NCD_EINVAL);
  ck_assert_status(ncd_nc_pair_grid_f32(n, d, k, hf, ld, D.y, w, ld, NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV, INFINITY, gram, k), NCD_EINVAL);
  ck_assert_status(ncd_nc_pair_grid_i64(n, d, k, h, ld, D.y64, w, ld, NCD_CENTRE_SAMPLE, NCD_PAIR_DIST, 0, gram, 0), NCD_EINVAL);
  ck_assert_status(ncd_nc_pair_grid_f32_i64(n, d, k, hf, ld, D.y64, w, ld, NCD_CENTRE_SAMPLE, NCD_PAIR_DIST, 0, gram, SIZE_MAX), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs_f32(n, d, k, hf, ld, D.y, NULL, 0, NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, 0, a, b2, c), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs_i64(n, d, k, h, ld, D.y64, w, ld, (ncd_centre)-1, NCD_PAIR_DIST, 0, a, b2, c), NCD_EINVAL);
  ck_assert_status(ncd_nc_ood_orthodev_f32(n, d, k, hf, ld, D.y, D.nood, D.hof, ld, (ncd_centre)3, a), NCD_EINVAL);
  ck_assert_status(ncd_nc_class_vectors_f32(n, d, k, hf, ld, D.y, NULL, 0, NCD_CENTRE_CLASS, NULL, b2, NULL, NULL, NULL, 0), NCD_EINVAL);
  ck_assert_status(ncd_nc_agreement_f32(n, d, k, hf, ld, D.y, D.m, ld, w, ld, NULL, NULL, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_erank_f32(n, d, k, hf, ld, D.y, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_silhouette_cos_i64(n, d, k, h, ld, D.y64, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_linear_cka_f32(1, d, hf, ld, D.d2, D.zf, ld, a), NCD_EINVAL);
  ck_assert_status(ncd_principal_decomp_f32(n, d, hf, ld, 2, pp, ld, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics_f32(n, d, hf, ld, d + 1, NULL, 0, NULL, 0, 0.0, 1.0, 0, a), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics_f32(n, d, hf, ld, 2, D.t, ld, D.wr, ld, 1.0, 0.5, 0, a), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics_f32(n, d, hf, ld, 2, D.t, ld, D.wr, ld, 0.0, 1.0, 4, a), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics_f32(n, d, hf, ld, 2, NULL, 0, NULL, 0, 0.0, 1.0, NCD_NRC_PCA_CENTRED, a), NCD_OK);
  /* a label of 2^31 (int64) with a class missing from the int32 range */
  int64_t *yb = malloc(n * sizeof(int64_t));
  memcpy(yb, D.y64, n * sizeof(int64_t));
  yb[n / 2] = (int64_t)1 << 31;
  ck_assert_status(ncd_nc_metrics_select_i64(n, d, k, h, ld, yb, w, ld, NULL, NULL, 1, a, 1), NCD_EINVAL);
  ck_assert_status(ncd_nc_pair_grid_f32_i64(n, d, k, hf, ld, yb, NULL, 0, NCD_CENTRE_SAMPLE, NCD_PAIR_DIST, 0, gram, k), NCD_EINVAL);
  ck_assert_status(ncd_nc_agreement_i64(n, d, k, h, ld, yb, D.m, ld, w, ld, NULL, a, NULL, NULL), NCD_EINVAL);
  free(yb);

  for (int i = 0; i < 5; i++) ncd_guard_free_doubles(o[i], OUTLEN);
  ncd_guard_free_doubles(pp, lp);
  ncd_guard_free_doubles(gram, lg);
  unmake(&D);
}
END_TEST

Suite *suite_hardening_bad_twins(void) {
  Suite *s = suite_create("hardening_bad_twins");
  TCase *tc = tcase_create("bad_twins");
  tcase_add_test(tc, twins_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

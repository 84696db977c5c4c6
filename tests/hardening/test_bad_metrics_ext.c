/*
 * test_bad_metrics_ext.c - bad-input matrix for the metrics functions beyond
 * ncd_nc_metrics (api.md "Neural-collapse metrics" and the metrics section of
 * include/ncdyn.h): the _ex/_f32/_i64/_f32_i64 twins, the vector calls
 * (cosine margin, numerical rank, SNR, spectrum), the accumulator's int64 and
 * float32 updates, set_options and begin_pass2 (state unchanged on rejection).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"

enum { F_EX, F_F32, F_I64, F_F32_I64, F_COS, F_NUMRANK, F_SNR, F_SPEC };

typedef struct {
  size_t n, d, k;
  const void *h; /* double or float (F_F32*) */
  size_t ldh;
  const void *y; /* int32_t or int64_t (F_*I64) */
  const double *w;
  size_t ldw;
  const double *b;
  double *out;
  size_t nout;
  size_t *rank;
  int fn;
} nx_args;

static int call_nx(void *v) {
  nx_args *x = v;
  switch (x->fn) {
  case F_EX: return ncd_nc_metrics_ex(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw, x->b, NULL, x->out, x->nout);
  case F_F32: return ncd_nc_metrics_f32(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw, x->b, x->out, x->nout);
  case F_I64: return ncd_nc_metrics_i64(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw, x->b, x->out, x->nout);
  case F_F32_I64: return ncd_nc_metrics_f32_i64(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw, x->b, x->out, x->nout);
  case F_COS: return ncd_nc_cosine_margin(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw, NULL, x->out);
  case F_NUMRANK: return ncd_nc_numrank(x->n, x->d, x->k, x->h, x->ldh, x->y, x->out);
  case F_SNR: return ncd_nc_snr(x->n, x->d, x->k, x->h, x->ldh, x->y, NULL, x->out);
  default: return ncd_nc_spectrum(x->n, x->d, x->k, x->h, x->ldh, x->y, NULL, x->out, x->rank);
  }
}

#define NX(f) offsetof(nx_args, f)
#define NX_COMMON(htype, ytype)                                          \
  {BF_DIM, NX(n), BF_NONE, BF_NONE, BF_NONE, "n"},                       \
  {BF_DIM, NX(d), BF_NONE, BF_NONE, BF_NONE, "d"},                       \
  {BF_K2, NX(k), BF_NONE, BF_NONE, BF_NONE, "k"},                        \
  {BF_PTR, NX(h), BF_NONE, BF_NONE, BF_NONE, "h"},                       \
  {BF_LD, NX(ldh), BF_NONE, NX(d), BF_NONE, "ldh"},                      \
  {htype, NX(h), NX(n), NX(d), NX(ldh), "h"},                            \
  {BF_PTR, NX(y), BF_NONE, BF_NONE, BF_NONE, "y"},                       \
  {ytype, NX(y), NX(n), NX(k), BF_NONE, "y"},                            \
  {BF_PTR, NX(out), BF_NONE, BF_NONE, BF_NONE, "out"}
#define NX_WB                                                            \
  {BF_LD, NX(ldw), BF_NONE, NX(d), BF_NONE, "ldw"},                      \
  {BF_IN, NX(w), NX(k), NX(d), NX(ldw), "w"},                            \
  {BF_VEC, NX(b), BF_NONE, NX(k), BF_NONE, "b"}

static const ncd_bf_field f_ex[] = {NX_COMMON(BF_IN, BF_LABELS), NX_WB};
static const ncd_bf_field f_f32[] = {NX_COMMON(BF_IN32, BF_LABELS), NX_WB};
static const ncd_bf_field f_i64[] = {NX_COMMON(BF_IN, BF_LABELS64), NX_WB};
static const ncd_bf_field f_f32_i64[] = {NX_COMMON(BF_IN32, BF_LABELS64), NX_WB};
static const ncd_bf_field f_cos[] = {
    NX_COMMON(BF_IN, BF_LABELS),
    {BF_PTR, NX(w), BF_NONE, BF_NONE, BF_NONE, "w"},
    {BF_LD, NX(ldw), BF_NONE, NX(d), BF_NONE, "ldw"},
    {BF_IN, NX(w), NX(k), NX(d), NX(ldw), "w"},
};
static const ncd_bf_field f_vec[] = {NX_COMMON(BF_IN, BF_LABELS)};
static const ncd_bf_field f_spec[] = {NX_COMMON(BF_IN, BF_LABELS),
                                      {BF_PTR, NX(rank), BF_NONE, BF_NONE, BF_NONE, "rank"}};

typedef struct {
  size_t n, d, k, ld;
  double *h, *w, *b;
  float *hf;
  int32_t *y;
  int64_t *y64;
} data;

static void make(data *D) {
  size_t n = D->n, d = D->d, k = D->k, ld = D->ld, lh = (n - 1) * ld + d, lw = (k - 1) * ld + d;
  ncd_test_rng r;
  ncd_test_seed(&r, 77);
  D->h = ncd_guard_doubles(NULL, lh);
  ncd_test_fill_normal(&r, D->h, n, d, ld);
  for (size_t i = 0; i < n; i++) D->h[i * ld] += 3.0 * (double)(i % k); /* separated means */
  D->hf = ncd_guard_alloc(lh * sizeof(float));
  for (size_t i = 0; i < lh; i++) D->hf[i] = (float)D->h[i];
  D->w = ncd_guard_doubles(NULL, lw);
  ncd_test_fill_normal(&r, D->w, k, d, ld);
  D->b = ncd_guard_doubles(NULL, k);
  ncd_test_fill_normal(&r, D->b, 1, k, k);
  D->y = ncd_guard_alloc(n * sizeof(int32_t));
  D->y64 = ncd_guard_alloc(n * sizeof(int64_t));
  for (size_t i = 0; i < n; i++) D->y[i] = (int32_t)(i % k), D->y64[i] = (int64_t)(i % k);
}
static void unmake(data *D) {
  size_t lh = (D->n - 1) * D->ld + D->d, lw = (D->k - 1) * D->ld + D->d;
  ncd_guard_free_doubles(D->h, lh);
  ncd_guard_free(D->hf, lh * sizeof(float));
  ncd_guard_free_doubles(D->w, lw);
  ncd_guard_free_doubles(D->b, D->k);
  ncd_guard_free(D->y, D->n * sizeof(int32_t));
  ncd_guard_free(D->y64, D->n * sizeof(int64_t));
}

START_TEST(metrics_ext_bad_input) {
  data D = {30, 5, 3, 7, NULL, NULL, NULL, NULL, NULL, NULL};
  make(&D);
  double *out = ncd_guard_doubles(NULL, NCD_METRIC_COUNT + D.n);
  size_t *rank = ncd_guard_alloc(sizeof(size_t));
  static const struct {
    const char *name;
    int fn;
    const ncd_bf_field *f;
    size_t nf;
  } t[] = {
      {"ncd_nc_metrics_ex", F_EX, BF_FIELDS(f_ex)},
      {"ncd_nc_metrics_f32", F_F32, BF_FIELDS(f_f32)},
      {"ncd_nc_metrics_i64", F_I64, BF_FIELDS(f_i64)},
      {"ncd_nc_metrics_f32_i64", F_F32_I64, BF_FIELDS(f_f32_i64)},
      {"ncd_nc_cosine_margin", F_COS, BF_FIELDS(f_cos)},
      {"ncd_nc_numrank", F_NUMRANK, BF_FIELDS(f_vec)},
      {"ncd_nc_snr", F_SNR, BF_FIELDS(f_vec)},
      {"ncd_nc_spectrum", F_SPEC, BF_FIELDS(f_spec)},
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    int f32 = t[i].fn == F_F32 || t[i].fn == F_F32_I64;
    int i64 = t[i].fn == F_I64 || t[i].fn == F_F32_I64;
    nx_args v = {D.n, D.d, D.k, f32 ? (const void *)D.hf : (const void *)D.h, D.ld,
                 i64 ? (const void *)D.y64 : (const void *)D.y, D.w, D.ld, D.b,
                 out, NCD_METRIC_COUNT, rank, t[i].fn};
    ncd_bf_spec s = {t[i].name, sizeof v, t[i].f, t[i].nf, call_nx, NULL};
    ck_assert_int_gt(ncd_bf_run(&s, &v), 20);
  }
  /* options out of range: NCD_EINVAL */
  ncd_nc_options o;
  memset(&o, 0, sizeof o);
  o.pinv_rtol = 1.0;
  ck_assert_status(ncd_nc_metrics_ex(D.n, D.d, D.k, D.h, D.ld, D.y, D.w, D.ld, D.b, &o, out, NCD_METRIC_COUNT), NCD_EINVAL);
  o.pinv_rtol = NAN;
  ck_assert_status(ncd_nc_spectrum(D.n, D.d, D.k, D.h, D.ld, D.y, &o, out, rank), NCD_EINVAL);
  o.pinv_rtol = 0.0;
  o.unweighted_centre = 3; /* 0 sample, 1 class, 2 none (ncd_centre); 3 is invalid */
  ck_assert_status(ncd_nc_snr(D.n, D.d, D.k, D.h, D.ld, D.y, &o, out), NCD_EINVAL);
  /* singular Sigma_W for the SNR: n - k < d */
  ck_assert_status(ncd_nc_snr(6, D.d, D.k, D.h, D.ld, D.y, NULL, out), NCD_ESINGULAR);
  ncd_guard_free_doubles(out, NCD_METRIC_COUNT + D.n);
  ncd_guard_free(rank, sizeof(size_t));
  unmake(&D);
}
END_TEST

/* accumulator: int64 and float32 updates, options, second pass */
typedef struct {
  ncd_nc_acc *acc;
  size_t n, d, k;
  const void *h;
  size_t ldh;
  const int64_t *y;
  int f32;
} ux_args;
static int call_ux(void *v) {
  ux_args *x = v;
  return x->f32 ? ncd_nc_acc_update_f32_i64(x->acc, x->n, x->h, x->ldh, x->y)
                : ncd_nc_acc_update_i64(x->acc, x->n, x->h, x->ldh, x->y);
}
static size_t acc_bytes(ncd_nc_acc *acc, unsigned char *buf, size_t cap) {
  size_t len = 0;
  if (!acc) return 0;
  ck_assert_status(ncd_nc_acc_save(acc, buf, cap, &len), NCD_OK);
  return len;
}
static size_t ux_state(void *v, unsigned char *buf, size_t cap) {
  return acc_bytes(((ux_args *)v)->acc, buf, cap);
}
#define UX(f) offsetof(ux_args, f)
static const ncd_bf_field ux_f64[] = {
    {BF_PTR, UX(acc), BF_NONE, BF_NONE, BF_NONE, "acc"},
    {BF_DIM, UX(n), BF_NONE, BF_NONE, BF_NONE, "n"},
    {BF_PTR, UX(h), BF_NONE, BF_NONE, BF_NONE, "h"},
    {BF_LD, UX(ldh), BF_NONE, UX(d), BF_NONE, "ldh"},
    {BF_IN, UX(h), UX(n), UX(d), UX(ldh), "h"},
    {BF_PTR, UX(y), BF_NONE, BF_NONE, BF_NONE, "y"},
    {BF_LABELS64, UX(y), UX(n), UX(k), BF_NONE, "y"},
};
static const ncd_bf_field ux_f32[] = {
    {BF_PTR, UX(acc), BF_NONE, BF_NONE, BF_NONE, "acc"},
    {BF_DIM, UX(n), BF_NONE, BF_NONE, BF_NONE, "n"},
    {BF_PTR, UX(h), BF_NONE, BF_NONE, BF_NONE, "h"},
    {BF_LD, UX(ldh), BF_NONE, UX(d), BF_NONE, "ldh"},
    {BF_IN32, UX(h), UX(n), UX(d), UX(ldh), "h"},
    {BF_PTR, UX(y), BF_NONE, BF_NONE, BF_NONE, "y"},
    {BF_LABELS64, UX(y), UX(n), UX(k), BF_NONE, "y"},
};

START_TEST(accumulator_ext_leaves_state) {
  data D = {30, 5, 3, 7, NULL, NULL, NULL, NULL, NULL, NULL};
  make(&D);
  unsigned char *s0 = malloc(1 << 16), *s1 = malloc(1 << 16);
  for (int f32 = 0; f32 < 2; f32++) {
    ncd_nc_acc *acc = NULL;
    ck_assert_status(ncd_nc_acc_create(D.d, D.k, NCD_ACC_SCATTER, &acc), NCD_OK);
    ck_assert_status(ncd_nc_acc_update(acc, 9, D.h, D.ld, D.y), NCD_OK);
    ux_args v = {acc, D.n, D.d, D.k, f32 ? (const void *)D.hf : (const void *)D.h, D.ld, D.y64, f32};
    ncd_bf_spec s = {f32 ? "ncd_nc_acc_update_f32_i64" : "ncd_nc_acc_update_i64", sizeof v,
                     f32 ? ux_f32 : ux_f64, 7, call_ux, ux_state};
    ck_assert_int_gt(ncd_bf_run(&s, &v), 15);
    ncd_nc_acc_free(acc);
  }
  /* set_options: NULL acc, out-of-range options; state unchanged */
  ncd_nc_acc *acc = NULL;
  ck_assert_status(ncd_nc_acc_create(D.d, D.k, 0, &acc), NCD_OK);
  ncd_nc_options o;
  memset(&o, 0, sizeof o);
  ck_assert_status(ncd_nc_acc_set_options(NULL, &o), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_set_options(acc, NULL), NCD_OK);
  /* begin_pass2 on a state with an empty class: EINVAL, unchanged */
  ck_assert_status(ncd_nc_acc_begin_pass2(NULL), NCD_EINVAL);
  int32_t *y2 = malloc(D.n * sizeof *y2);
  for (size_t i = 0; i < D.n; i++) y2[i] = (int32_t)(i % 2);
  ck_assert_status(ncd_nc_acc_update(acc, D.n, D.h, D.ld, y2), NCD_OK);
  size_t l0 = acc_bytes(acc, s0, 1 << 16);
  const double bad[3] = {1.0, -0.5, NAN};
  for (int i = 0; i < 3; i++) {
    o.pinv_rtol = bad[i];
    ck_assert_status(ncd_nc_acc_set_options(acc, &o), NCD_EINVAL);
  }
  ck_assert_status(ncd_nc_acc_begin_pass2(acc), NCD_EINVAL);
  ck_assert(acc_bytes(acc, s1, 1 << 16) == l0 && memcmp(s0, s1, l0) == 0);
  ncd_nc_acc_free(acc);
  /* begin_pass2 twice: the second is NCD_EINVAL and changes nothing */
  ck_assert_status(ncd_nc_acc_create(D.d, D.k, 0, &acc), NCD_OK);
  ck_assert_status(ncd_nc_acc_update(acc, D.n, D.h, D.ld, D.y), NCD_OK);
  ck_assert_status(ncd_nc_acc_begin_pass2(acc), NCD_OK);
  l0 = acc_bytes(acc, s0, 1 << 16);
  ck_assert_status(ncd_nc_acc_begin_pass2(acc), NCD_EINVAL);
  o.pinv_rtol = 0.25;
  ck_assert_status(ncd_nc_acc_set_options(acc, &o), NCD_EINVAL); /* different after pass 2 */
  ck_assert(acc_bytes(acc, s1, 1 << 16) == l0 && memcmp(s0, s1, l0) == 0);
  ncd_nc_acc_free(acc);
  free(y2);
  free(s0);
  free(s1);
  unmake(&D);
}
END_TEST

Suite *suite_hardening_bad_metrics_ext(void) {
  Suite *s = suite_create("hardening_bad_metrics_ext");
  TCase *tc = tcase_create("bad_metrics_ext");
  tcase_add_test(tc, metrics_ext_bad_input);
  tcase_add_test(tc, accumulator_ext_leaves_state);
  suite_add_tcase(s, tc);
  return s;
}

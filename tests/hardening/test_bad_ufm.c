/*
 * test_bad_ufm.c - bad-input matrix for the UFM object (api.md "The
 * unconstrained features model"): create, set/get, objective and train with
 * every pointer, size, leading dimension and array mutated; every rejected
 * call leaves every parameter and statistic as it was.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"

#define NPARAM 12 /* NCD_UFM_LOSS .. NCD_UFM_R_TARGET */
#define NSTAT 8   /* NCD_STAT_STEP .. NCD_STAT_R */

static size_t ufm_state(ncd_ufm *u, unsigned char *buf, size_t cap) {
  size_t len = 0;
  if (!u) return 0;
  for (int p = 0; p < NPARAM && len + 8 <= cap; p++, len += 8) {
    double v;
    ck_assert_status(ncd_ufm_get(u, (ncd_ufm_param)p, &v), NCD_OK);
    memcpy(buf + len, &v, 8);
  }
  for (int s = 0; s < NSTAT && len + 8 <= cap; s++, len += 8) {
    double v;
    ck_assert_status(ncd_ufm_get_stat(u, (ncd_ufm_stat)s, &v), NCD_OK);
    memcpy(buf + len, &v, 8);
  }
  return len;
}

typedef struct {
  ncd_ufm *u;
  size_t n, d, k;
  const double *w;
  size_t ldw;
  const double *h;
  size_t ldh;
  const double *b;
  double *f, *gw;
  size_t ldgw;
  double *gh;
  size_t ldgh;
  double *gb;
} obj_args;
static int call_obj(void *v) {
  obj_args *x = v;
  return ncd_ufm_objective(x->u, x->w, x->ldw, x->h, x->ldh, x->b, x->f, x->gw, x->ldgw, x->gh,
                           x->ldgh, x->gb);
}
static size_t obj_state(void *v, unsigned char *buf, size_t cap) {
  return ufm_state(((obj_args *)v)->u, buf, cap);
}
static const ncd_bf_field obj_fields[] = {
    {BF_PTR, offsetof(obj_args, u), BF_NONE, BF_NONE, BF_NONE, "u"},
    {BF_PTR, offsetof(obj_args, w), BF_NONE, BF_NONE, BF_NONE, "w"},
    {BF_LD, offsetof(obj_args, ldw), BF_NONE, offsetof(obj_args, d), BF_NONE, "ldw"},
    {BF_IN, offsetof(obj_args, w), offsetof(obj_args, k), offsetof(obj_args, d), offsetof(obj_args, ldw), "w"},
    {BF_PTR, offsetof(obj_args, h), BF_NONE, BF_NONE, BF_NONE, "h"},
    {BF_LD, offsetof(obj_args, ldh), BF_NONE, offsetof(obj_args, d), BF_NONE, "ldh"},
    {BF_IN, offsetof(obj_args, h), offsetof(obj_args, n), offsetof(obj_args, d), offsetof(obj_args, ldh), "h"},
    {BF_VEC, offsetof(obj_args, b), BF_NONE, offsetof(obj_args, k), BF_NONE, "b"},
    {BF_LD, offsetof(obj_args, ldgw), BF_NONE, offsetof(obj_args, d), BF_NONE, "ldgw"},
    {BF_LD, offsetof(obj_args, ldgh), BF_NONE, offsetof(obj_args, d), BF_NONE, "ldgh"},
};

typedef struct {
  ncd_ufm *u;
  size_t n, d, k, steps;
  double *w;
  size_t ldw;
  double *h;
  size_t ldh;
  double *b;
} train_args;
static int call_train(void *v) {
  train_args *x = v;
  /* train mutates w, h, b: run on copies so every mutation starts equal */
  size_t lw = (x->k - 1) * x->ldw + x->d, lh = (x->n - 1) * x->ldh + x->d;
  double *w = x->w ? malloc(lw * sizeof *w) : NULL, *h = x->h ? malloc(lh * sizeof *h) : NULL;
  double *b = x->b ? malloc(x->k * sizeof *b) : NULL;
  if (w) memcpy(w, x->w, lw * sizeof *w);
  if (h) memcpy(h, x->h, lh * sizeof *h);
  if (b) memcpy(b, x->b, x->k * sizeof *b);
  int st = ncd_ufm_train(x->u, x->steps, w, x->ldw, h, x->ldh, b, NULL, NULL);
  free(w); free(h); free(b);
  return st;
}
static const ncd_bf_field train_fields[] = {
    {BF_PTR, offsetof(train_args, u), BF_NONE, BF_NONE, BF_NONE, "u"},
    {BF_PTR, offsetof(train_args, w), BF_NONE, BF_NONE, BF_NONE, "w"},
    {BF_LD, offsetof(train_args, ldw), BF_NONE, offsetof(train_args, d), BF_NONE, "ldw"},
    {BF_IN, offsetof(train_args, w), offsetof(train_args, k), offsetof(train_args, d), offsetof(train_args, ldw), "w"},
    {BF_PTR, offsetof(train_args, h), BF_NONE, BF_NONE, BF_NONE, "h"},
    {BF_LD, offsetof(train_args, ldh), BF_NONE, offsetof(train_args, d), BF_NONE, "ldh"},
    {BF_IN, offsetof(train_args, h), offsetof(train_args, n), offsetof(train_args, d), offsetof(train_args, ldh), "h"},
    {BF_VEC, offsetof(train_args, b), BF_NONE, offsetof(train_args, k), BF_NONE, "b"},
};

START_TEST(ufm_bad_input) {
  size_t n = 12, d = 5, k = 3, ld = 6;
  int32_t y[12];
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  ncd_ufm *u = NULL;
  ck_assert_status(ncd_ufm_create(0, d, k, y, &u), NCD_EINVAL);
  ck_assert_status(ncd_ufm_create(n, 0, k, y, &u), NCD_EINVAL);
  ck_assert_status(ncd_ufm_create(n, d, 0, y, &u), NCD_EINVAL);
  ck_assert_status(ncd_ufm_create(n, d, k, NULL, &u), NCD_EINVAL);
  ck_assert_status(ncd_ufm_create(n, d, k, y, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ufm_create(SIZE_MAX, SIZE_MAX, k, y, &u), NCD_EINVAL);
  y[3] = 3;
  ck_assert_status(ncd_ufm_create(n, d, k, y, &u), NCD_EINVAL);
  y[3] = -1;
  ck_assert_status(ncd_ufm_create(n, d, k, y, &u), NCD_EINVAL);
  int32_t y2[12];
  for (size_t i = 0; i < n; i++) y2[i] = (int32_t)(i % 2); /* class 2 empty */
  ck_assert_status(ncd_ufm_create(n, d, k, y2, &u), NCD_EINVAL);
  ck_assert_ptr_null(u);
  y[3] = 0;
  ck_assert_status(ncd_ufm_create(n, d, k, y, &u), NCD_OK);
  ncd_ufm_set(u, NCD_UFM_LAMBDA_W, 1e-3);
  ncd_ufm_set(u, NCD_UFM_LAMBDA_H, 1e-3);

  /* set: out-of-range values and unknown parameters change nothing */
  unsigned char s0[256], s1[256];
  size_t l0 = ufm_state(u, s0, sizeof s0);
  struct { int p; double v; } bad[] = {
      {NCD_UFM_LOSS, 2},       {NCD_UFM_LOSS, 0.5},       {NCD_UFM_LAMBDA_W, -1},
      {NCD_UFM_LAMBDA_H, NAN}, {NCD_UFM_LAMBDA_B, INFINITY}, {NCD_UFM_ALPHA, 0},
      {NCD_UFM_M, -1},         {NCD_UFM_BIAS, 2},         {NCD_UFM_BIAS, 0.5},
      {NCD_UFM_LR, 0},         {NCD_UFM_LR, NAN},         {NCD_UFM_MOMENTUM, 1},
      {NCD_UFM_MOMENTUM, -0.1}, {NCD_UFM_STEP_POLICY, 4}, {NCD_UFM_STEP_POLICY, 1.5},
      {NCD_UFM_CLIP, 0},       {NCD_UFM_R_TARGET, -1},    {NCD_UFM_R_TARGET, INFINITY},
      {-1, 1},                 {9999, 1}};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    ck_assert_msg(ncd_ufm_set(u, (ncd_ufm_param)bad[i].p, bad[i].v) == NCD_EINVAL,
                  "ncd_ufm_set(%d, %g) accepted", bad[i].p, bad[i].v);
    ck_assert(ufm_state(u, s1, sizeof s1) == l0 && memcmp(s0, s1, l0) == 0);
  }
  double v;
  ck_assert_status(ncd_ufm_set(NULL, NCD_UFM_LR, 0.1), NCD_EINVAL);
  ck_assert_status(ncd_ufm_get(u, (ncd_ufm_param)9999, &v), NCD_EINVAL);
  ck_assert_status(ncd_ufm_get(u, NCD_UFM_LR, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ufm_get(NULL, NCD_UFM_LR, &v), NCD_EINVAL);
  ck_assert_status(ncd_ufm_get_stat(u, (ncd_ufm_stat)9999, &v), NCD_EINVAL);
  ck_assert_status(ncd_ufm_get_stat(u, NCD_STAT_STEP, NULL), NCD_EINVAL);

  ncd_test_rng r;
  ncd_test_seed(&r, 4);
  size_t lw = (k - 1) * ld + d, lh = (n - 1) * ld + d;
  double *w = ncd_guard_doubles(NULL, lw), *h = ncd_guard_doubles(NULL, lh), *b = ncd_guard_doubles(NULL, k);
  ncd_test_fill_normal(&r, w, k, d, ld);
  ncd_test_fill_normal(&r, h, n, d, ld);
  ncd_test_fill_normal(&r, b, 1, k, k);
  double *f = ncd_guard_doubles(NULL, 1), *gw = ncd_guard_doubles(NULL, lw);
  double *gh = ncd_guard_doubles(NULL, lh), *gb = ncd_guard_doubles(NULL, k);
  obj_args ov = {u, n, d, k, w, ld, h, ld, b, f, gw, ld, gh, ld, gb};
  ncd_bf_spec os = {"ncd_ufm_objective", sizeof ov, BF_FIELDS(obj_fields), call_obj, obj_state};
  for (int loss = 0; loss < 2; loss++) {
    ck_assert_status(ncd_ufm_set(u, NCD_UFM_LOSS, loss), NCD_OK);
    ck_assert_int_gt(ncd_bf_run(&os, &ov), 20);
  }
  train_args tv = {u, n, d, k, 3, w, ld, h, ld, b};
  ncd_bf_spec ts = {"ncd_ufm_train", sizeof tv, BF_FIELDS(train_fields), call_train, NULL};
  ck_assert_int_gt(ncd_bf_run(&ts, &tv), 15);
  /* ghost policies need cross-entropy */
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_LOSS, NCD_LOSS_MSE), NCD_OK);
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_STEP_POLICY, NCD_STEP_GHOST), NCD_OK);
  ck_assert_status(call_train(&tv), NCD_EINVAL);
  ncd_ufm_free(u);
  ncd_ufm_free(NULL);
  ncd_guard_free_doubles(w, lw); ncd_guard_free_doubles(h, lh); ncd_guard_free_doubles(b, k);
  ncd_guard_free_doubles(f, 1); ncd_guard_free_doubles(gw, lw);
  ncd_guard_free_doubles(gh, lh); ncd_guard_free_doubles(gb, k);
}
END_TEST

/* the analysis calls on a UFM (jvp, curvature, smoothness) and the Gaussian
 * initial state: every rejection leaves every parameter and statistic */
typedef struct {
  ncd_ufm *u;
  size_t n, d, k;
  const double *w;
  size_t ldw;
  const double *h;
  size_t ldh;
  const double *b, *dw;
  size_t lddw;
  const double *dh;
  size_t lddh;
  const double *db;
  double *out;
  size_t lda;
  double sw, sh, sb;
  int fn; /* 0 jvp, 1 curvature, 2 smoothness, 3 init_gaussian */
} an_args;
static int call_an(void *v) {
  an_args *x = v;
  switch (x->fn) {
  case 0: return ncd_ufm_jvp(x->u, x->w, x->ldw, x->h, x->ldh, x->dw, x->lddw, x->dh, x->lddh, x->db, x->out, x->lda);
  case 1: return ncd_ufm_curvature(x->u, x->w, x->ldw, x->h, x->ldh, x->b, x->dw, x->lddw, x->dh, x->lddh, x->db, x->out);
  case 2: return ncd_ufm_smoothness(x->u, x->w, x->ldw, x->h, x->ldh, x->b, x->out);
  default: {
    /* writes w, h, b: into scratch copies of the right shape */
    size_t lw = (x->k - 1) * x->ldw + x->d, lh = (x->n - 1) * x->ldh + x->d;
    double *w = x->w ? malloc(lw * 8) : NULL, *h = x->h ? malloc(lh * 8) : NULL, b[8];
    int st = ncd_ufm_init_gaussian(x->u, 9, x->sw, x->sh, x->sb, w, x->ldw, h, x->ldh, b);
    free(w);
    free(h);
    return st;
  }
  }
}
static size_t an_state(void *v, unsigned char *buf, size_t cap) {
  return ufm_state(((an_args *)v)->u, buf, cap);
}
#define AN(f) offsetof(an_args, f)
#define AN_WH                                                  \
  {BF_PTR, AN(u), BF_NONE, BF_NONE, BF_NONE, "u"},             \
  {BF_PTR, AN(w), BF_NONE, BF_NONE, BF_NONE, "w"},             \
  {BF_LD, AN(ldw), BF_NONE, AN(d), BF_NONE, "ldw"},            \
  {BF_IN, AN(w), AN(k), AN(d), AN(ldw), "w"},                  \
  {BF_PTR, AN(h), BF_NONE, BF_NONE, BF_NONE, "h"},             \
  {BF_LD, AN(ldh), BF_NONE, AN(d), BF_NONE, "ldh"},            \
  {BF_IN, AN(h), AN(n), AN(d), AN(ldh), "h"}
#define AN_STEP                                                \
  {BF_LD, AN(lddw), BF_NONE, AN(d), BF_NONE, "lddw"},          \
  {BF_IN, AN(dw), AN(k), AN(d), AN(lddw), "dw"},               \
  {BF_LD, AN(lddh), BF_NONE, AN(d), BF_NONE, "lddh"},          \
  {BF_IN, AN(dh), AN(n), AN(d), AN(lddh), "dh"},               \
  {BF_VEC, AN(db), BF_NONE, AN(k), BF_NONE, "db"},             \
  {BF_PTR, AN(out), BF_NONE, BF_NONE, BF_NONE, "out"}
static const ncd_bf_field jvp_fields[] = {AN_WH, AN_STEP,
                                          {BF_LD, AN(lda), BF_NONE, AN(k), BF_NONE, "lda"}};
static const ncd_bf_field curv_fields[] = {AN_WH, AN_STEP,
                                           {BF_PTR, AN(dw), BF_NONE, BF_NONE, BF_NONE, "dw"},
                                           {BF_PTR, AN(dh), BF_NONE, BF_NONE, BF_NONE, "dh"},
                                           {BF_VEC, AN(b), BF_NONE, AN(k), BF_NONE, "b"}};
static const ncd_bf_field smooth_fields[] = {AN_WH, {BF_VEC, AN(b), BF_NONE, AN(k), BF_NONE, "b"},
                                             {BF_PTR, AN(out), BF_NONE, BF_NONE, BF_NONE, "lhat"}};
static const ncd_bf_field gauss_fields[] = {
    {BF_PTR, AN(u), BF_NONE, BF_NONE, BF_NONE, "u"},
    {BF_PTR, AN(w), BF_NONE, BF_NONE, BF_NONE, "w"},
    {BF_LD, AN(ldw), BF_NONE, AN(d), BF_NONE, "ldw"},
    {BF_PTR, AN(h), BF_NONE, BF_NONE, BF_NONE, "h"},
    {BF_LD, AN(ldh), BF_NONE, AN(d), BF_NONE, "ldh"},
    {BF_SCALAR_NONNEG, AN(sw), BF_NONE, BF_NONE, BF_NONE, "sigma_w"},
    {BF_SCALAR_NONNEG, AN(sh), BF_NONE, BF_NONE, BF_NONE, "sigma_h"},
    {BF_SCALAR_NONNEG, AN(sb), BF_NONE, BF_NONE, BF_NONE, "sigma_b"},
};

START_TEST(ufm_analysis_bad_input) {
  size_t n = 8, d = 3, k = 4, ld = 5;
  int32_t y[8];
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  ncd_ufm *u = NULL;
  ck_assert_status(ncd_ufm_create(n, d, k, y, &u), NCD_OK);
  ck_assert_status(ncd_ufm_set(u, NCD_UFM_LAMBDA_W, 1e-3), NCD_OK);
  ncd_test_rng r;
  ncd_test_seed(&r, 5);
  size_t lw = (k - 1) * ld + d, lh = (n - 1) * ld + d, la = (n - 1) * ld + k;
  double *w = ncd_guard_doubles(NULL, lw), *h = ncd_guard_doubles(NULL, lh), *b = ncd_guard_doubles(NULL, k);
  double *dw = ncd_guard_doubles(NULL, lw), *dh = ncd_guard_doubles(NULL, lh), *db = ncd_guard_doubles(NULL, k);
  double *a = ncd_guard_doubles(NULL, la);
  ncd_test_fill_normal(&r, w, k, d, ld);
  ncd_test_fill_normal(&r, h, n, d, ld);
  ncd_test_fill_normal(&r, b, 1, k, k);
  ncd_test_fill_normal(&r, dw, k, d, ld);
  ncd_test_fill_normal(&r, dh, n, d, ld);
  ncd_test_fill_normal(&r, db, 1, k, k);
  static const struct {
    const char *name;
    const ncd_bf_field *f;
    size_t nf;
  } t[] = {{"ncd_ufm_jvp", BF_FIELDS(jvp_fields)},
           {"ncd_ufm_curvature", BF_FIELDS(curv_fields)},
           {"ncd_ufm_smoothness", BF_FIELDS(smooth_fields)},
           {"ncd_ufm_init_gaussian", BF_FIELDS(gauss_fields)}};
  for (int loss = 0; loss < 2; loss++) {
    ck_assert_status(ncd_ufm_set(u, NCD_UFM_LOSS, loss), NCD_OK);
    for (int fn = 0; fn < 4; fn++) {
      an_args v = {u, n, d, k, w, ld, h, ld, b, dw, ld, dh, ld, db, a, ld, 1.0, 0.5, 0.1, fn};
      ncd_bf_spec s = {t[fn].name, sizeof v, t[fn].f, t[fn].nf, call_an, an_state};
      ck_assert_int_gt(ncd_bf_run(&s, &v), 10);
    }
  }
  /* jvp: the step blocks are optional */
  ck_assert_status(ncd_ufm_jvp(u, w, ld, h, ld, NULL, 0, NULL, 0, NULL, a, ld), NCD_OK);
  ncd_ufm_free(u);
  ncd_guard_free_doubles(w, lw); ncd_guard_free_doubles(h, lh); ncd_guard_free_doubles(b, k);
  ncd_guard_free_doubles(dw, lw); ncd_guard_free_doubles(dh, lh); ncd_guard_free_doubles(db, k);
  ncd_guard_free_doubles(a, la);
}
END_TEST

Suite *suite_hardening_bad_ufm(void) {
  Suite *s = suite_create("hardening_bad_ufm");
  TCase *tc = tcase_create("bad_ufm");
  tcase_add_test(tc, ufm_bad_input);
  tcase_add_test(tc, ufm_analysis_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

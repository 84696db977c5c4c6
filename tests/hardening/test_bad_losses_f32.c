/*
 * test_bad_losses_f32.c - bad-input matrix for the float32 twins of the
 * losses on logits (ncd_softmax_f32, ncd_log_softmax_f32, ncd_ce_loss_f32,
 * ncd_mse_loss_f32): pointers, sizes, leading dimensions, labels, NaN/Inf
 * float logits, alpha and m; outputs in guard pages.
 */
#include <stddef.h>
#include <stdlib.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"

typedef struct {
  size_t n, k;
  const float *z;
  size_t ldz;
  const int32_t *y;
  double alpha, m;
  double *loss;
  float *g;
  size_t ldg;
  int fn; /* 0 softmax, 1 log_softmax, 2 ce, 3 mse */
} lf_args;
static int call_lf(void *v) {
  lf_args *x = v;
  switch (x->fn) {
  case 0: return ncd_softmax_f32(x->n, x->k, x->z, x->ldz, x->g, x->ldg);
  case 1: return ncd_log_softmax_f32(x->n, x->k, x->z, x->ldz, x->g, x->ldg);
  case 2: return ncd_ce_loss_f32(x->n, x->k, x->z, x->ldz, x->y, x->loss, x->g, x->ldg);
  default: return ncd_mse_loss_f32(x->n, x->k, x->z, x->ldz, x->y, x->alpha, x->m, x->loss, x->g, x->ldg);
  }
}
#define LF(f) offsetof(lf_args, f)
#define LF_Z                                                   \
  {BF_DIM, LF(n), BF_NONE, BF_NONE, BF_NONE, "n"},             \
  {BF_DIM, LF(k), BF_NONE, BF_NONE, BF_NONE, "k"},             \
  {BF_PTR, LF(z), BF_NONE, BF_NONE, BF_NONE, "z"},             \
  {BF_LD, LF(ldz), BF_NONE, LF(k), BF_NONE, "ldz"},            \
  {BF_IN32, LF(z), LF(n), LF(k), LF(ldz), "z"},                \
  {BF_LD, LF(ldg), BF_NONE, LF(k), BF_NONE, "ldg"}
#define LF_LOSS                                                \
  {BF_PTR, LF(y), BF_NONE, BF_NONE, BF_NONE, "y"},             \
  {BF_LABELS, LF(y), LF(n), LF(k), BF_NONE, "y"},              \
  {BF_PTR, LF(loss), BF_NONE, BF_NONE, BF_NONE, "loss"}
static const ncd_bf_field sm_fields[] = {LF_Z, {BF_PTR, LF(g), BF_NONE, BF_NONE, BF_NONE, "p"}};
static const ncd_bf_field ce_fields[] = {LF_Z, LF_LOSS};
static const ncd_bf_field mse_fields[] = {
    LF_Z, LF_LOSS,
    {BF_SCALAR_POS, LF(alpha), BF_NONE, BF_NONE, BF_NONE, "alpha"},
    {BF_SCALAR_POS, LF(m), BF_NONE, BF_NONE, BF_NONE, "m"},
};

START_TEST(losses_f32_bad_input) {
  size_t n = 6, k = 4, ld = 5, len = (n - 1) * ld + k;
  float *z = ncd_guard_alloc(len * sizeof(float)), *g = ncd_guard_alloc(len * sizeof(float));
  double *loss = ncd_guard_doubles(NULL, 1);
  int32_t *y = ncd_guard_alloc(n * sizeof(int32_t));
  for (size_t i = 0; i < len; i++) z[i] = (float)((i * 5) % 7) - 3.0f;
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  static const struct {
    const char *name;
    const ncd_bf_field *f;
    size_t nf;
  } t[] = {{"ncd_softmax_f32", BF_FIELDS(sm_fields)},
           {"ncd_log_softmax_f32", BF_FIELDS(sm_fields)},
           {"ncd_ce_loss_f32", BF_FIELDS(ce_fields)},
           {"ncd_mse_loss_f32", BF_FIELDS(mse_fields)}};
  for (int fn = 0; fn < 4; fn++) {
    lf_args v = {n, k, z, ld, y, 2.0, 3.0, loss, g, ld, fn};
    ncd_bf_spec s = {t[fn].name, sizeof v, t[fn].f, t[fn].nf, call_lf, NULL};
    ck_assert_int_gt(ncd_bf_run(&s, &v), 15);
  }
  /* g NULL: its leading dimension is ignored */
  double l0;
  ck_assert_status(ncd_ce_loss_f32(n, k, z, ld, y, &l0, NULL, 0), NCD_OK);
  ck_assert_status(ncd_mse_loss_f32(n, k, z, ld, y, 1, 1, &l0, NULL, 0), NCD_OK);
  ncd_guard_free(z, len * sizeof(float));
  ncd_guard_free(g, len * sizeof(float));
  ncd_guard_free_doubles(loss, 1);
  ncd_guard_free(y, n * sizeof(int32_t));
}
END_TEST

Suite *suite_hardening_bad_losses_f32(void) {
  Suite *s = suite_create("hardening_bad_losses_f32");
  TCase *tc = tcase_create("bad_losses_f32");
  tcase_add_test(tc, losses_f32_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

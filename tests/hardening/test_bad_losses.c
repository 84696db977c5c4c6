/*
 * test_bad_losses.c - bad-input matrix for the losses on logits (api.md
 * "Losses on logits"): pointers, sizes, leading dimensions, labels, NaN/Inf
 * logits, alpha and m of the rescaled MSE; outputs in guard pages.
 */
#include <stddef.h>
#include <stdlib.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"

typedef struct {
  size_t n, k;
  const double *z;
  size_t ldz;
  double *p;
  size_t ldp;
  int log;
} sm_args;
static int call_sm(void *v) {
  sm_args *x = v;
  return x->log ? ncd_log_softmax(x->n, x->k, x->z, x->ldz, x->p, x->ldp)
                : ncd_softmax(x->n, x->k, x->z, x->ldz, x->p, x->ldp);
}
static const ncd_bf_field sm_fields[] = {
    {BF_DIM, offsetof(sm_args, n), BF_NONE, BF_NONE, BF_NONE, "n"},
    {BF_DIM, offsetof(sm_args, k), BF_NONE, BF_NONE, BF_NONE, "k"},
    {BF_PTR, offsetof(sm_args, z), BF_NONE, BF_NONE, BF_NONE, "z"},
    {BF_LD, offsetof(sm_args, ldz), BF_NONE, offsetof(sm_args, k), BF_NONE, "ldz"},
    {BF_IN, offsetof(sm_args, z), offsetof(sm_args, n), offsetof(sm_args, k), offsetof(sm_args, ldz), "z"},
    {BF_PTR, offsetof(sm_args, p), BF_NONE, BF_NONE, BF_NONE, "p"},
    {BF_LD, offsetof(sm_args, ldp), BF_NONE, offsetof(sm_args, k), BF_NONE, "ldp"},
};

typedef struct {
  size_t n, k;
  const double *z;
  size_t ldz;
  const int32_t *y;
  double alpha, m;
  double *loss, *g;
  size_t ldg;
  int mse;
} loss_args;
static int call_loss(void *v) {
  loss_args *x = v;
  return x->mse ? ncd_mse_loss(x->n, x->k, x->z, x->ldz, x->y, x->alpha, x->m, x->loss, x->g, x->ldg)
                : ncd_ce_loss(x->n, x->k, x->z, x->ldz, x->y, x->loss, x->g, x->ldg);
}
#define LOSS_COMMON                                                                          \
  {BF_DIM, offsetof(loss_args, n), BF_NONE, BF_NONE, BF_NONE, "n"},                          \
  {BF_DIM, offsetof(loss_args, k), BF_NONE, BF_NONE, BF_NONE, "k"},                          \
  {BF_PTR, offsetof(loss_args, z), BF_NONE, BF_NONE, BF_NONE, "z"},                          \
  {BF_LD, offsetof(loss_args, ldz), BF_NONE, offsetof(loss_args, k), BF_NONE, "ldz"},        \
  {BF_IN, offsetof(loss_args, z), offsetof(loss_args, n), offsetof(loss_args, k),            \
   offsetof(loss_args, ldz), "z"},                                                           \
  {BF_PTR, offsetof(loss_args, y), BF_NONE, BF_NONE, BF_NONE, "y"},                          \
  {BF_LABELS, offsetof(loss_args, y), offsetof(loss_args, n), offsetof(loss_args, k), BF_NONE, "y"}, \
  {BF_PTR, offsetof(loss_args, loss), BF_NONE, BF_NONE, BF_NONE, "loss"},                    \
  {BF_LD, offsetof(loss_args, ldg), BF_NONE, offsetof(loss_args, k), BF_NONE, "ldg"}
static const ncd_bf_field ce_fields[] = {LOSS_COMMON};
static const ncd_bf_field mse_fields[] = {
    LOSS_COMMON,
    {BF_SCALAR_POS, offsetof(loss_args, alpha), BF_NONE, BF_NONE, BF_NONE, "alpha"},
    {BF_SCALAR_POS, offsetof(loss_args, m), BF_NONE, BF_NONE, BF_NONE, "m"},
};

START_TEST(losses_bad_input) {
  size_t n = 6, k = 4, ld = 5, len = (n - 1) * ld + k;
  double *z = ncd_guard_doubles(NULL, len), *p = ncd_guard_doubles(NULL, len);
  double *g = ncd_guard_doubles(NULL, len), *loss = ncd_guard_doubles(NULL, 1);
  int32_t *y = ncd_guard_alloc(n * sizeof(int32_t));
  for (size_t i = 0; i < len; i++) z[i] = (double)((i * 5) % 7) - 3;
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  for (int lg = 0; lg < 2; lg++) {
    sm_args v = {n, k, z, ld, p, ld, lg};
    ncd_bf_spec s = {lg ? "ncd_log_softmax" : "ncd_softmax", sizeof v, BF_FIELDS(sm_fields), call_sm, NULL};
    ck_assert_int_gt(ncd_bf_run(&s, &v), 15);
  }
  loss_args lv = {n, k, z, ld, y, 2.0, 3.0, loss, g, ld, 0};
  ncd_bf_spec ce = {"ncd_ce_loss", sizeof lv, BF_FIELDS(ce_fields), call_loss, NULL};
  ck_assert_int_gt(ncd_bf_run(&ce, &lv), 15);
  lv.mse = 1;
  ncd_bf_spec mse = {"ncd_mse_loss", sizeof lv, BF_FIELDS(mse_fields), call_loss, NULL};
  ck_assert_int_gt(ncd_bf_run(&mse, &lv), 20);
  /* g NULL: its leading dimension is ignored (api.md) */
  double l0;
  ck_assert_status(ncd_ce_loss(n, k, z, ld, y, &l0, NULL, 0), NCD_OK);
  ck_assert_status(ncd_mse_loss(n, k, z, ld, y, 1, 1, &l0, NULL, 0), NCD_OK);
  ncd_guard_free_doubles(z, len); ncd_guard_free_doubles(p, len);
  ncd_guard_free_doubles(g, len); ncd_guard_free_doubles(loss, 1);
  ncd_guard_free(y, n * sizeof(int32_t));
}
END_TEST

Suite *suite_hardening_bad_losses(void) {
  Suite *s = suite_create("hardening_bad_losses");
  TCase *tc = tcase_create("bad_losses");
  tcase_add_test(tc, losses_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

/*
 * test_bad_ghost.c - bad-input matrix for the ghost-radius layer: every
 * pointer, size, leading dimension and input array of each public function
 * mutated through the engine of tests/common/badinput.h; outputs in guard pages.
 */
#include <stddef.h>
#include <stdlib.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"

typedef struct {
  size_t n, k;
  const double *a;
  size_t lda;
  double *rho;
  size_t *argmax;
} bound_args;
static int call_bound(void *p) {
  bound_args *x = p;
  return ncd_ghost_radius_bound(x->n, x->k, x->a, x->lda, x->rho, x->argmax);
}
static const ncd_bf_field bound_fields[] = {
    {BF_DIM, offsetof(bound_args, n), BF_NONE, BF_NONE, BF_NONE, "n"},
    {BF_K2, offsetof(bound_args, k), BF_NONE, BF_NONE, BF_NONE, "k"},
    {BF_PTR, offsetof(bound_args, a), BF_NONE, BF_NONE, BF_NONE, "a"},
    {BF_LD, offsetof(bound_args, lda), BF_NONE, offsetof(bound_args, k), BF_NONE, "lda"},
    {BF_IN, offsetof(bound_args, a), offsetof(bound_args, n), offsetof(bound_args, k),
     offsetof(bound_args, lda), "a"},
    {BF_PTR, offsetof(bound_args, rho), BF_NONE, BF_NONE, BF_NONE, "rho"},
};

typedef struct {
  size_t n, k;
  const float *a;
  size_t lda;
  double *rho;
  size_t *argmax;
} bound32_args;
static int call_bound32(void *p) {
  bound32_args *x = p;
  return ncd_ghost_radius_bound_f32(x->n, x->k, x->a, x->lda, x->rho, x->argmax);
}
static const ncd_bf_field bound32_fields[] = {
    {BF_DIM, offsetof(bound32_args, n), BF_NONE, BF_NONE, BF_NONE, "n"},
    {BF_K2, offsetof(bound32_args, k), BF_NONE, BF_NONE, BF_NONE, "k"},
    {BF_PTR, offsetof(bound32_args, a), BF_NONE, BF_NONE, BF_NONE, "a"},
    {BF_LD, offsetof(bound32_args, lda), BF_NONE, offsetof(bound32_args, k), BF_NONE, "lda"},
    {BF_IN32, offsetof(bound32_args, a), offsetof(bound32_args, n), offsetof(bound32_args, k),
     offsetof(bound32_args, lda), "a"},
    {BF_PTR, offsetof(bound32_args, rho), BF_NONE, BF_NONE, BF_NONE, "rho"},
};

START_TEST(ghost_bound_bad_input) {
  size_t n = 5, k = 3, lda = 4;
  double *a = ncd_guard_doubles(NULL, (n - 1) * lda + k);
  float *af = ncd_guard_alloc(((n - 1) * lda + k) * sizeof(float));
  for (size_t i = 0; i < (n - 1) * lda + k; i++) a[i] = af[i] = (float)((i * 7) % 5);
  double *rho = ncd_guard_doubles(NULL, 1);
  size_t *arg = ncd_guard_alloc(sizeof(size_t));
  bound_args v = {n, k, a, lda, rho, arg};
  ncd_bf_spec spec = {"ncd_ghost_radius_bound", sizeof v, BF_FIELDS(bound_fields), call_bound, NULL};
  ck_assert_int_gt(ncd_bf_run(&spec, &v), 10);
  bound32_args v32 = {n, k, af, lda, rho, arg};
  ncd_bf_spec spec32 = {"ncd_ghost_radius_bound_f32", sizeof v32, BF_FIELDS(bound32_fields),
                        call_bound32, NULL};
  ck_assert_int_gt(ncd_bf_run(&spec32, &v32), 10);
  ncd_guard_free_doubles(a, (n - 1) * lda + k);
  ncd_guard_free(af, ((n - 1) * lda + k) * sizeof(float));
  ncd_guard_free_doubles(rho, 1);
  ncd_guard_free(arg, sizeof(size_t));
}
END_TEST

Suite *suite_hardening_bad_ghost(void) {
  Suite *s = suite_create("hardening_bad_ghost");
  TCase *tc = tcase_create("bad_ghost");
  tcase_add_test(tc, ghost_bound_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

/*
 * test_bad_ghost_exact.c - bad-input matrix for ncd_ghost_radius_exact.
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
  const double *a;
  size_t lda;
  double *rho;
} ex_args;
static int call_ex(void *v) {
  ex_args *x = v;
  return ncd_ghost_radius_exact(x->n, x->k, x->z, x->ldz, x->a, x->lda, x->rho);
}
static const ncd_bf_field ex_fields[] = {
    {BF_DIM, offsetof(ex_args, n), BF_NONE, BF_NONE, BF_NONE, "n"},
    {BF_K2, offsetof(ex_args, k), BF_NONE, BF_NONE, BF_NONE, "k"},
    {BF_PTR, offsetof(ex_args, z), BF_NONE, BF_NONE, BF_NONE, "z"},
    {BF_LD, offsetof(ex_args, ldz), BF_NONE, offsetof(ex_args, k), BF_NONE, "ldz"},
    {BF_IN, offsetof(ex_args, z), offsetof(ex_args, n), offsetof(ex_args, k), offsetof(ex_args, ldz), "z"},
    {BF_PTR, offsetof(ex_args, a), BF_NONE, BF_NONE, BF_NONE, "a"},
    {BF_LD, offsetof(ex_args, lda), BF_NONE, offsetof(ex_args, k), BF_NONE, "lda"},
    {BF_IN, offsetof(ex_args, a), offsetof(ex_args, n), offsetof(ex_args, k), offsetof(ex_args, lda), "a"},
    {BF_PTR, offsetof(ex_args, rho), BF_NONE, BF_NONE, BF_NONE, "rho"},
};

START_TEST(ghost_exact_bad_input) {
  size_t n = 5, k = 4, ld = 6, len = (n - 1) * ld + k;
  double *z = ncd_guard_doubles(NULL, len), *a = ncd_guard_doubles(NULL, len);
  ncd_test_rng r;
  ncd_test_seed(&r, 8);
  ncd_test_fill_normal(&r, z, n, k, ld);
  ncd_test_fill_normal(&r, a, n, k, ld);
  double *rho = ncd_guard_doubles(NULL, 1);
  ex_args v = {n, k, z, ld, a, ld, rho};
  ncd_bf_spec s = {"ncd_ghost_radius_exact", sizeof v, BF_FIELDS(ex_fields), call_ex, NULL};
  ck_assert_int_gt(ncd_bf_run(&s, &v), 20);
  /* huge but finite logits and slopes: never NaN, never below the bound */
  for (size_t i = 0; i < len; i++) { z[i] *= 1e300; a[i] *= 1e150; }
  double rb, re;
  ck_assert_status(ncd_ghost_radius_bound(n, k, a, ld, &rb, NULL), NCD_OK);
  ck_assert_status(ncd_ghost_radius_exact(n, k, z, ld, a, ld, &re), NCD_OK);
  ck_assert(!isnan(re) && re >= rb);
  ncd_guard_free_doubles(z, len);
  ncd_guard_free_doubles(a, len);
  ncd_guard_free_doubles(rho, 1);
}
END_TEST

Suite *suite_hardening_bad_ghost_exact(void) {
  Suite *s = suite_create("hardening_bad_ghost_exact");
  TCase *tc = tcase_create("bad_ghost_exact");
  tcase_add_test(tc, ghost_exact_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

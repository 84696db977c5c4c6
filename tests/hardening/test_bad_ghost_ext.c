/*
 * test_bad_ghost_ext.c - bad-input matrix for the ghost-radius functions
 * beyond api.md's bound and exact radius (include/ncdyn.h, ghost section):
 * the exact radius with temperature and outputs, the one-sample exact radius,
 * the tilt bound, the temperature bound, the binary closed form, the
 * activation radius, the normalized step and the step-size controller.
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
  double temp;
  double *rho;
  size_t *arg;
  double *ghost;
  int fn; /* 0 exact_ex, 1 tilt, 2 bound_temp, 3 rho_exact (n = 1, ld = k) */
} gx_args;
static int call_gx(void *v) {
  gx_args *x = v;
  switch (x->fn) {
  case 0: return ncd_ghost_radius_exact_ex(x->n, x->k, x->z, x->ldz, x->a, x->lda, x->temp, x->rho, x->arg, x->ghost);
  case 1: return ncd_ghost_radius_tilt(x->n, x->k, x->z, x->ldz, x->a, x->lda, x->rho, x->arg);
  case 2: return ncd_ghost_radius_bound_temp(x->n, x->k, x->a, x->lda, x->temp, x->rho, x->arg);
  default: return ncd_ghost_rho_exact(x->k, x->z, x->a, x->rho, x->ghost);
  }
}
#define GX(f) offsetof(gx_args, f)
#define GX_Z                                                 \
  {BF_PTR, GX(z), BF_NONE, BF_NONE, BF_NONE, "z"},           \
  {BF_LD, GX(ldz), BF_NONE, GX(k), BF_NONE, "ldz"},          \
  {BF_IN, GX(z), GX(n), GX(k), GX(ldz), "z"}
#define GX_A                                                 \
  {BF_DIM, GX(n), BF_NONE, BF_NONE, BF_NONE, "n"},           \
  {BF_K2, GX(k), BF_NONE, BF_NONE, BF_NONE, "k"},            \
  {BF_PTR, GX(a), BF_NONE, BF_NONE, BF_NONE, "a"},           \
  {BF_LD, GX(lda), BF_NONE, GX(k), BF_NONE, "lda"},          \
  {BF_IN, GX(a), GX(n), GX(k), GX(lda), "a"},                \
  {BF_PTR, GX(rho), BF_NONE, BF_NONE, BF_NONE, "rho"}
#define GX_T {BF_SCALAR_POS, GX(temp), BF_NONE, BF_NONE, BF_NONE, "temperature"}
static const ncd_bf_field ex_f[] = {GX_A, GX_Z, GX_T};
static const ncd_bf_field tilt_f[] = {GX_A, GX_Z};
static const ncd_bf_field bt_f[] = {GX_A, GX_T};
static const ncd_bf_field one_f[] = {
    {BF_K2, GX(k), BF_NONE, BF_NONE, BF_NONE, "k"},
    {BF_PTR, GX(z), BF_NONE, BF_NONE, BF_NONE, "z"},
    {BF_VEC, GX(z), BF_NONE, GX(k), BF_NONE, "z"},
    {BF_PTR, GX(a), BF_NONE, BF_NONE, BF_NONE, "a"},
    {BF_VEC, GX(a), BF_NONE, GX(k), BF_NONE, "a"},
    {BF_PTR, GX(rho), BF_NONE, BF_NONE, BF_NONE, "rho"},
};

START_TEST(ghost_ext_bad_input) {
  size_t n = 5, k = 4, ld = 6, len = (n - 1) * ld + k;
  double *z = ncd_guard_doubles(NULL, len), *a = ncd_guard_doubles(NULL, len);
  ncd_test_rng r;
  ncd_test_seed(&r, 18);
  ncd_test_fill_normal(&r, z, n, k, ld);
  ncd_test_fill_normal(&r, a, n, k, ld);
  double *rho = ncd_guard_doubles(NULL, 1), *g = ncd_guard_doubles(NULL, 2);
  size_t *arg = ncd_guard_alloc(sizeof(size_t));
  static const struct {
    const char *name;
    const ncd_bf_field *f;
    size_t nf;
  } t[] = {{"ncd_ghost_radius_exact_ex", BF_FIELDS(ex_f)},
           {"ncd_ghost_radius_tilt", BF_FIELDS(tilt_f)},
           {"ncd_ghost_radius_bound_temp", BF_FIELDS(bt_f)},
           {"ncd_ghost_rho_exact", BF_FIELDS(one_f)}};
  for (int fn = 0; fn < 4; fn++) {
    gx_args v = {fn == 3 ? 1 : n, k, z, ld, a, ld, 0.7, rho, arg, g, fn};
    ncd_bf_spec s = {t[fn].name, sizeof v, t[fn].f, t[fn].nf, call_gx, NULL};
    ck_assert_int_gt(ncd_bf_run(&s, &v), 10);
  }
  /* z/T overflows: NCD_EINVAL after the scan */
  double zo[4] = {1e308, 0, 1, 2}, ao[4] = {1, 2, 3, 4};
  ck_assert_status(ncd_ghost_radius_exact_ex(1, 4, zo, 4, ao, 4, 1e-3, rho, NULL, NULL), NCD_EINVAL);
  ncd_guard_free_doubles(z, len);
  ncd_guard_free_doubles(a, len);
  ncd_guard_free_doubles(rho, 1);
  ncd_guard_free_doubles(g, 2);
  ncd_guard_free(arg, sizeof(size_t));
}
END_TEST

START_TEST(ghost_scalars_bad_input) {
  double rho = 42, g[2];
  const double bad[3] = {NAN, INFINITY, -INFINITY};
  ck_assert_status(ncd_ghost_rho_binary(1.0, 2.0, &rho, g), NCD_OK);
  ck_assert_status(ncd_ghost_rho_binary(1.0, 2.0, NULL, g), NCD_EINVAL);
  for (int b = 0; b < 3; b++) {
    ck_assert_status(ncd_ghost_rho_binary(bad[b], 2.0, &rho, g), NCD_EINVAL);
    ck_assert_status(ncd_ghost_rho_binary(1.0, bad[b], &rho, g), NCD_EINVAL);
  }
  /* activation radius */
  double h[3] = {0.5, -1.0, 2.0}, hd[3] = {1.0, 0.0, -2.0};
  size_t am;
  for (int act = 0; act < 3; act++) ck_assert_status(ncd_ghost_activation_radius(act, 3, h, hd, &rho, &am), NCD_OK);
  ck_assert_status(ncd_ghost_activation_radius(NCD_GHOST_TANH, 3, h, hd, &rho, NULL), NCD_OK);
  ck_assert_status(ncd_ghost_activation_radius(3, 3, h, hd, &rho, &am), NCD_EINVAL);
  ck_assert_status(ncd_ghost_activation_radius(-1, 3, h, hd, &rho, &am), NCD_EINVAL);
  ck_assert_status(ncd_ghost_activation_radius(0, 0, h, hd, &rho, &am), NCD_EINVAL);
  ck_assert_status(ncd_ghost_activation_radius(0, 3, NULL, hd, &rho, &am), NCD_EINVAL);
  ck_assert_status(ncd_ghost_activation_radius(0, 3, h, NULL, &rho, &am), NCD_EINVAL);
  ck_assert_status(ncd_ghost_activation_radius(0, 3, h, hd, NULL, &am), NCD_EINVAL);
  for (int b = 0; b < 3; b++) {
    double hb[3] = {0.5, bad[b], 2.0};
    ck_assert_status(ncd_ghost_activation_radius(1, 3, hb, hd, &rho, &am), NCD_ENONFINITE);
    ck_assert_status(ncd_ghost_activation_radius(1, 3, h, hb, &rho, &am), NCD_ENONFINITE);
  }
  /* normalized step: tau >= 0 finite, rho > 0 (+Inf allowed) */
  double rr;
  ck_assert_status(ncd_ghost_normalized_step(1.0, INFINITY, &rr), NCD_OK);
  ck_assert(rr == 0.0);
  ck_assert_status(ncd_ghost_normalized_step(1.0, 2.0, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ghost_normalized_step(-1.0, 2.0, &rr), NCD_EINVAL);
  ck_assert_status(ncd_ghost_normalized_step(NAN, 2.0, &rr), NCD_EINVAL);
  ck_assert_status(ncd_ghost_normalized_step(INFINITY, 2.0, &rr), NCD_EINVAL);
  ck_assert_status(ncd_ghost_normalized_step(1.0, 0.0, &rr), NCD_EINVAL);
  ck_assert_status(ncd_ghost_normalized_step(1.0, -2.0, &rr), NCD_EINVAL);
  ck_assert_status(ncd_ghost_normalized_step(1.0, NAN, &rr), NCD_EINVAL);
  /* step-size controller */
  double lr;
  ck_assert_status(ncd_ghost_step_scale(0.1, 2.0, 1.0, 1.0, 0, &lr), NCD_OK);
  ck_assert_status(ncd_ghost_step_scale(0.1, 2.0, INFINITY, 1.0, 1, &lr), NCD_OK);
  ck_assert_status(ncd_ghost_step_scale(0.1, 2.0, 1.0, 1.0, 0, NULL), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(0.1, 2.0, 1.0, 1.0, 2, &lr), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(0.1, 2.0, 1.0, 1.0, -1, &lr), NCD_EINVAL);
  for (int b = 0; b < 3; b++) {
    ck_assert_status(ncd_ghost_step_scale(bad[b], 2.0, 1.0, 1.0, 0, &lr), NCD_EINVAL);
    ck_assert_status(ncd_ghost_step_scale(0.1, bad[b], 1.0, 1.0, 0, &lr), NCD_EINVAL);
    ck_assert_status(ncd_ghost_step_scale(0.1, 2.0, 1.0, bad[b], 0, &lr), NCD_EINVAL);
  }
  ck_assert_status(ncd_ghost_step_scale(0.1, 2.0, NAN, 1.0, 0, &lr), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(0.0, 2.0, 1.0, 1.0, 0, &lr), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(0.1, -1.0, 1.0, 1.0, 0, &lr), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(0.1, 2.0, 0.0, 1.0, 0, &lr), NCD_EINVAL);
  ck_assert_status(ncd_ghost_step_scale(0.1, 2.0, 1.0, 0.0, 0, &lr), NCD_EINVAL);
}
END_TEST

Suite *suite_hardening_bad_ghost_ext(void) {
  Suite *s = suite_create("hardening_bad_ghost_ext");
  TCase *tc = tcase_create("bad_ghost_ext");
  tcase_add_test(tc, ghost_ext_bad_input);
  tcase_add_test(tc, ghost_scalars_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

/*
 * test_bad_init_cpath.c - bad-input matrix for the initializers and the central
 * path (api.md): ncd_hadamard, ncd_simplex_etf, ncd_cpath_omega,
 * ncd_ls_classifier, ncd_mse_decompose.
 */
#include <stddef.h>
#include <stdlib.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"

typedef struct { size_t n; double *out; size_t ldo; } had_args;
static int call_had(void *v) { had_args *x = v; return ncd_hadamard(x->n, x->out, x->ldo); }
static const ncd_bf_field had_fields[] = {
    {BF_SIZE, offsetof(had_args, n), BF_NONE, BF_NONE, BF_NONE, "n"},
    {BF_PTR, offsetof(had_args, out), BF_NONE, BF_NONE, BF_NONE, "out"},
    {BF_LD, offsetof(had_args, ldo), BF_NONE, offsetof(had_args, n), BF_NONE, "ldo"},
};

typedef struct { size_t k, d; uint64_t seed; double *m; size_t ldm; } etf_args;
static int call_etf(void *v) { etf_args *x = v; return ncd_simplex_etf(x->k, x->d, x->seed, x->m, x->ldm); }
static const ncd_bf_field etf_fields[] = {
    {BF_K2, offsetof(etf_args, k), BF_NONE, BF_NONE, BF_NONE, "k"},
    {BF_PTR, offsetof(etf_args, m), BF_NONE, BF_NONE, BF_NONE, "m"},
    {BF_LD, offsetof(etf_args, ldm), BF_NONE, offsetof(etf_args, d), BF_NONE, "ldm"},
};

typedef struct { size_t c, npc; double omega0, t; double *out; } om_args;
static int call_om(void *v) { om_args *x = v; return ncd_cpath_omega(x->c, x->npc, x->omega0, x->t, x->out); }
static const ncd_bf_field om_fields[] = {
    {BF_SIZE, offsetof(om_args, c), BF_NONE, BF_NONE, BF_NONE, "c"},
    {BF_SIZE, offsetof(om_args, npc), BF_NONE, BF_NONE, BF_NONE, "n_per_class"},
    {BF_SCALAR_POS, offsetof(om_args, omega0), BF_NONE, BF_NONE, BF_NONE, "omega0"},
    {BF_SCALAR, offsetof(om_args, t), BF_NONE, BF_NONE, BF_NONE, "t"},
    {BF_PTR, offsetof(om_args, out), BF_NONE, BF_NONE, BF_NONE, "omega_t"},
};

typedef struct {
  size_t n, d, k;
  const double *h;
  size_t ldh;
  const int32_t *y;
  double lambda;
  double *w;
  size_t ldw;
  double *b;
} ls_args;
static int call_ls(void *v) {
  ls_args *x = v;
  return ncd_ls_classifier(x->n, x->d, x->k, x->h, x->ldh, x->y, x->lambda, x->w, x->ldw, x->b);
}
#define FEAT_FIELDS(T)                                                                        \
  {BF_DIM, offsetof(T, n), BF_NONE, BF_NONE, BF_NONE, "n"},                                   \
  {BF_DIM, offsetof(T, d), BF_NONE, BF_NONE, BF_NONE, "d"},                                   \
  {BF_DIM, offsetof(T, k), BF_NONE, BF_NONE, BF_NONE, "k"},                                   \
  {BF_PTR, offsetof(T, h), BF_NONE, BF_NONE, BF_NONE, "h"},                                   \
  {BF_LD, offsetof(T, ldh), BF_NONE, offsetof(T, d), BF_NONE, "ldh"},                         \
  {BF_IN, offsetof(T, h), offsetof(T, n), offsetof(T, d), offsetof(T, ldh), "h"},             \
  {BF_PTR, offsetof(T, y), BF_NONE, BF_NONE, BF_NONE, "y"},                                   \
  {BF_LABELS, offsetof(T, y), offsetof(T, n), offsetof(T, k), BF_NONE, "y"},                  \
  {BF_SCALAR_NONNEG, offsetof(T, lambda), BF_NONE, BF_NONE, BF_NONE, "lambda"}
static const ncd_bf_field ls_fields[] = {
    FEAT_FIELDS(ls_args),
    {BF_PTR, offsetof(ls_args, w), BF_NONE, BF_NONE, BF_NONE, "w"},
    {BF_LD, offsetof(ls_args, ldw), BF_NONE, offsetof(ls_args, d), BF_NONE, "ldw"},
};

typedef struct {
  size_t n, d, k;
  const double *h;
  size_t ldh;
  const int32_t *y;
  double lambda;
  const double *w;
  size_t ldw;
  const double *b;
  double *out;
} dec_args;
static int call_dec(void *v) {
  dec_args *x = v;
  return ncd_mse_decompose(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw, x->b, x->lambda, x->out);
}
static const ncd_bf_field dec_fields[] = {
    FEAT_FIELDS(dec_args),
    {BF_PTR, offsetof(dec_args, w), BF_NONE, BF_NONE, BF_NONE, "w"},
    {BF_LD, offsetof(dec_args, ldw), BF_NONE, offsetof(dec_args, d), BF_NONE, "ldw"},
    {BF_IN, offsetof(dec_args, w), offsetof(dec_args, k), offsetof(dec_args, d), offsetof(dec_args, ldw), "w"},
    {BF_VEC, offsetof(dec_args, b), BF_NONE, offsetof(dec_args, k), BF_NONE, "b"},
    {BF_PTR, offsetof(dec_args, out), BF_NONE, BF_NONE, BF_NONE, "out"},
};

START_TEST(init_bad_input) {
  size_t n = 8, ld = 9;
  double *out = ncd_guard_doubles(NULL, (n - 1) * ld + n);
  had_args hv = {n, out, ld};
  ncd_bf_spec hs = {"ncd_hadamard", sizeof hv, BF_FIELDS(had_fields), call_had, NULL};
  ck_assert_int_ge(ncd_bf_run(&hs, &hv), 3);
  double o[4];
  ck_assert_status(ncd_hadamard(6, o, 6), NCD_ENOTSUP);
  ck_assert_status(ncd_hadamard(92, out, 92), NCD_ENOTSUP);
  size_t k = 5, d = 6;
  double *m = ncd_guard_doubles(NULL, (k - 1) * 7 + d);
  etf_args ev = {k, d, 42, m, 7};
  ncd_bf_spec es = {"ncd_simplex_etf", sizeof ev, BF_FIELDS(etf_fields), call_etf, NULL};
  ck_assert_int_ge(ncd_bf_run(&es, &ev), 5);
  ck_assert_status(ncd_simplex_etf(5, 3, 0, m, 7), NCD_EINVAL); /* d < k - 1 */
  ncd_guard_free_doubles(out, (n - 1) * ld + n);
  ncd_guard_free_doubles(m, (k - 1) * 7 + d);
}
END_TEST

START_TEST(cpath_bad_input) {
  double *w1 = ncd_guard_doubles(NULL, 1);
  om_args ov = {3, 4, 2.0, 1.0, w1};
  ncd_bf_spec os = {"ncd_cpath_omega", sizeof ov, BF_FIELDS(om_fields), call_om, NULL};
  ck_assert_int_ge(ncd_bf_run(&os, &ov), 10);
  ck_assert_status(ncd_cpath_omega(1, 4, 2.0, 1.0, w1), NCD_EINVAL); /* C >= 2 */
  ck_assert_status(ncd_cpath_omega(SIZE_MAX, SIZE_MAX, 2.0, 1.0, w1), NCD_OK);

  ncd_test_rng r;
  ncd_test_seed(&r, 77);
  size_t n = 24, d = 4, k = 3, ldh = 5;
  double *h = ncd_guard_doubles(NULL, (n - 1) * ldh + d);
  ncd_test_fill_normal(&r, h, n, d, ldh);
  int32_t *y = ncd_guard_alloc(n * sizeof(int32_t));
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  double *w = ncd_guard_doubles(NULL, (k - 1) * ldh + d), *b = ncd_guard_doubles(NULL, k);
  ls_args lv = {n, d, k, h, ldh, y, 0.1, w, ldh, b};
  ncd_bf_spec ls = {"ncd_ls_classifier", sizeof lv, BF_FIELDS(ls_fields), call_ls, NULL};
  ck_assert_int_ge(ncd_bf_run(&ls, &lv), 20);
  double *out = ncd_guard_doubles(NULL, 4);
  dec_args dv = {n, d, k, h, ldh, y, 0.1, w, ldh, b, out};
  ncd_bf_spec ds = {"ncd_mse_decompose", sizeof dv, BF_FIELDS(dec_fields), call_dec, NULL};
  ck_assert_int_ge(ncd_bf_run(&ds, &dv), 20);
  /* unbalanced labels: decomposition refuses (api.md) */
  y[0] = 1;
  ck_assert_status(ncd_mse_decompose(n, d, k, h, ldh, y, w, ldh, b, 0.1, out), NCD_EINVAL);
  /* lambda = 0 with n <= d: singular */
  ck_assert_status(ncd_ls_classifier(3, d, k, h, ldh, (int32_t[]){0, 1, 2}, 0.0, w, ldh, b),
                   NCD_ESINGULAR);
  ncd_guard_free_doubles(w1, 1);
  ncd_guard_free_doubles(h, (n - 1) * ldh + d);
  ncd_guard_free(y, n * sizeof(int32_t));
  ncd_guard_free_doubles(w, (k - 1) * ldh + d);
  ncd_guard_free_doubles(b, k);
  ncd_guard_free_doubles(out, 4);
}
END_TEST

Suite *suite_hardening_bad_init_cpath(void) {
  Suite *s = suite_create("hardening_bad_init_cpath");
  TCase *tc = tcase_create("bad_init_cpath");
  tcase_add_test(tc, init_bad_input);
  tcase_add_test(tc, cpath_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

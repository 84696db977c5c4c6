/*
 * test_bad_metrics.c - bad-input matrix for the NC metrics and the streaming
 * accumulator (api.md "Neural-collapse metrics"): every rejected call leaves
 * the accumulator's saved bytes identical; malformed, truncated and
 * corrupted states fail to load with NCD_EFORMAT.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"
#include "hardening/acc_update_matrix.h"

typedef struct {
  size_t n, d, k;
  const double *h;
  size_t ldh;
  const int32_t *y;
  const double *w;
  size_t ldw;
  const double *b;
  double *out;
  size_t nout;
} nc_args;
static int call_nc(void *v) {
  nc_args *x = v;
  return ncd_nc_metrics(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw, x->b, x->out, x->nout);
}
static const ncd_bf_field nc_fields[] = {
    {BF_DIM, offsetof(nc_args, n), BF_NONE, BF_NONE, BF_NONE, "n"},
    {BF_DIM, offsetof(nc_args, d), BF_NONE, BF_NONE, BF_NONE, "d"},
    {BF_K2, offsetof(nc_args, k), BF_NONE, BF_NONE, BF_NONE, "k"},
    {BF_PTR, offsetof(nc_args, h), BF_NONE, BF_NONE, BF_NONE, "h"},
    {BF_LD, offsetof(nc_args, ldh), BF_NONE, offsetof(nc_args, d), BF_NONE, "ldh"},
    {BF_IN, offsetof(nc_args, h), offsetof(nc_args, n), offsetof(nc_args, d), offsetof(nc_args, ldh), "h"},
    {BF_PTR, offsetof(nc_args, y), BF_NONE, BF_NONE, BF_NONE, "y"},
    {BF_LABELS, offsetof(nc_args, y), offsetof(nc_args, n), offsetof(nc_args, k), BF_NONE, "y"},
    {BF_LD, offsetof(nc_args, ldw), BF_NONE, offsetof(nc_args, d), BF_NONE, "ldw"},
    {BF_IN, offsetof(nc_args, w), offsetof(nc_args, k), offsetof(nc_args, d), offsetof(nc_args, ldw), "w"},
    {BF_VEC, offsetof(nc_args, b), BF_NONE, offsetof(nc_args, k), BF_NONE, "b"},
    {BF_PTR, offsetof(nc_args, out), BF_NONE, BF_NONE, BF_NONE, "out"},
};


static void make_data(size_t n, size_t d, size_t k, size_t ld, double **h, int32_t **y, double **w,
                      double **b) {
  ncd_test_rng r;
  ncd_test_seed(&r, 99);
  *h = ncd_guard_doubles(NULL, (n - 1) * ld + d);
  ncd_test_fill_normal(&r, *h, n, d, ld);
  *y = ncd_guard_alloc(n * sizeof(int32_t));
  for (size_t i = 0; i < n; i++) (*y)[i] = (int32_t)(i % k);
  *w = ncd_guard_doubles(NULL, (k - 1) * ld + d);
  ncd_test_fill_normal(&r, *w, k, d, ld);
  *b = ncd_guard_doubles(NULL, k);
  ncd_test_fill_normal(&r, *b, 1, k, k);
}

START_TEST(metrics_bad_input) {
  size_t n = 30, d = 5, k = 3, ld = 7;
  double *h, *w, *b;
  int32_t *y;
  make_data(n, d, k, ld, &h, &y, &w, &b);
  double *out = ncd_guard_doubles(NULL, NCD_METRIC_COUNT);
  nc_args v = {n, d, k, h, ld, y, w, ld, b, out, NCD_METRIC_COUNT};
  ncd_bf_spec s = {"ncd_nc_metrics", sizeof v, BF_FIELDS(nc_fields), call_nc, NULL};
  ck_assert_int_gt(ncd_bf_run(&s, &v), 30);
  /* a class without samples */
  int32_t *y2 = malloc(n * sizeof *y2);
  for (size_t i = 0; i < n; i++) y2[i] = (int32_t)(i % 2);
  ck_assert_status(ncd_nc_metrics(n, d, k, h, ld, y2, w, ld, b, out, NCD_METRIC_COUNT), NCD_EINVAL);
  free(y2);
  ncd_guard_free_doubles(out, NCD_METRIC_COUNT);
  ncd_guard_free_doubles(h, (n - 1) * ld + d);
  ncd_guard_free(y, n * sizeof(int32_t));
  ncd_guard_free_doubles(w, (k - 1) * ld + d);
  ncd_guard_free_doubles(b, k);
}
END_TEST

START_TEST(accumulator_bad_input_leaves_state) {
  size_t n = 30, d = 5, k = 3, ld = 7;
  double *h, *w, *b;
  int32_t *y;
  make_data(n, d, k, ld, &h, &y, &w, &b);
  unsigned flags[3] = {0, NCD_ACC_SCATTER, NCD_ACC_SCATTER | NCD_ACC_CLASS_SCATTER};
  for (int f = 0; f < 3; f++) {
    ncd_nc_acc *acc = NULL;
    ck_assert_status(ncd_nc_acc_create(d, k, flags[f], &acc), NCD_OK);
    ck_assert_status(ncd_nc_acc_set_classifier(acc, w, ld, b), NCD_OK);
    ck_assert_status(ncd_nc_acc_update(acc, 10, h, ld, y), NCD_OK); /* a non-empty state */
    up_args v = {acc, n, d, k, h, ld, y};
    ncd_bf_spec s = {"ncd_nc_acc_update", sizeof v, BF_FIELDS(up_fields), call_up, acc_state};
    ck_assert_int_gt(ncd_bf_run(&s, &v), 15);
    /* create, set_classifier, merge, metrics, save argument checks */
    ncd_nc_acc *o = NULL;
    ck_assert_status(ncd_nc_acc_create(0, k, flags[f], &o), NCD_EINVAL);
    ck_assert_status(ncd_nc_acc_create(d, 1, flags[f], &o), NCD_EINVAL);
    ck_assert_status(ncd_nc_acc_create(d, k, flags[f], NULL), NCD_EINVAL);
    ck_assert_status(ncd_nc_acc_create(SIZE_MAX, SIZE_MAX, flags[f], &o), NCD_EINVAL);
    ck_assert_ptr_null(o);
    double w2[3 * 7]; /* w is a guarded (k - 1) ld + d buffer: copy only that */
    memcpy(w2, w, ((k - 1) * ld + d) * sizeof(double));
    w2[0] += 1;
    ck_assert_status(ncd_nc_acc_set_classifier(acc, w2, ld, b), NCD_EINVAL); /* different W */
    w2[0] = NAN;
    ck_assert_status(ncd_nc_acc_set_classifier(acc, w2, ld, b), NCD_ENONFINITE);
    ck_assert_status(ncd_nc_acc_set_classifier(acc, w, d - 1, b), NCD_EINVAL);
    ncd_nc_acc *other = NULL;
    ck_assert_status(ncd_nc_acc_create(d + 1, k, flags[f], &other), NCD_OK);
    ck_assert_status(ncd_nc_acc_merge(acc, other), NCD_EINVAL); /* different d */
    ck_assert_status(ncd_nc_acc_merge(acc, NULL), NCD_EINVAL);
    ck_assert_status(ncd_nc_acc_merge(NULL, acc), NCD_EINVAL);
    ncd_nc_acc_free(other);
    ck_assert_status(ncd_nc_acc_create(d, k, flags[f] ^ NCD_ACC_SCATTER, &other), NCD_OK);
    ck_assert_status(ncd_nc_acc_merge(acc, other), NCD_EINVAL); /* different flags */
    ncd_nc_acc_free(other);
    double out[NCD_METRIC_COUNT];
    ck_assert_status(ncd_nc_acc_metrics(NULL, out, NCD_METRIC_COUNT), NCD_EINVAL);
    size_t len = 0;
    ck_assert_status(ncd_nc_acc_save(acc, NULL, 0, &len), NCD_OK);
    ck_assert_uint_gt(len, 0);
    unsigned char *small = malloc(len);
    size_t len2 = 0;
    ck_assert_status(ncd_nc_acc_save(acc, small, len - 1, &len2), NCD_EINVAL);
    ck_assert_uint_eq(len2, len);
    /* the unchanged state still round-trips */
    ck_assert_status(ncd_nc_acc_save(acc, small, len, &len2), NCD_OK);
    ncd_nc_acc *back = NULL;
    ck_assert_status(ncd_nc_acc_load(small, len, &back), NCD_OK);
    ncd_nc_acc_free(back);
    free(small);
    ncd_nc_acc_free(acc);
  }
  ncd_nc_acc_free(NULL);
  ncd_guard_free_doubles(h, (n - 1) * ld + d);
  ncd_guard_free(y, n * sizeof(int32_t));
  ncd_guard_free_doubles(w, (k - 1) * ld + d);
  ncd_guard_free_doubles(b, k);
}
END_TEST

START_TEST(load_rejects_malformed) {
  size_t n = 30, d = 5, k = 3, ld = 7;
  double *h, *w, *b;
  int32_t *y;
  make_data(n, d, k, ld, &h, &y, &w, &b);
  ncd_nc_acc *acc = NULL;
  ck_assert_status(ncd_nc_acc_create(d, k, NCD_ACC_SCATTER, &acc), NCD_OK);
  ck_assert_status(ncd_nc_acc_update(acc, n, h, ld, y), NCD_OK);
  size_t len = 0;
  ncd_nc_acc_save(acc, NULL, 0, &len);
  unsigned char *buf = malloc(len), *bad = malloc(len);
  ck_assert_status(ncd_nc_acc_save(acc, buf, len, &len), NCD_OK);
  ncd_nc_acc *o = NULL;
  int st0 = ncd_nc_acc_load(buf, 0, &o); /* empty: invalid size or malformed */
  ck_assert(st0 == NCD_EINVAL || st0 == NCD_EFORMAT);
  for (size_t cut = 1; cut < len; cut += (len > 64 ? len / 64 : 1)) /* truncations */
    ck_assert_status(ncd_nc_acc_load(buf, cut, &o), NCD_EFORMAT);
  for (size_t pos = 0; pos < len; pos += (len > 97 ? len / 97 : 1)) { /* every flipped byte */
    memcpy(bad, buf, len);
    bad[pos] ^= 0x5a;
    ck_assert_status(ncd_nc_acc_load(bad, len, &o), NCD_EFORMAT);
  }
  ck_assert_ptr_null(o);
  ck_assert_status(ncd_nc_acc_load(NULL, len, &o), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_load(buf, len, NULL), NCD_EINVAL);
  free(buf); free(bad);
  ncd_nc_acc_free(acc);
  ncd_guard_free_doubles(h, (n - 1) * ld + d);
  ncd_guard_free(y, n * sizeof(int32_t));
  ncd_guard_free_doubles(w, (k - 1) * ld + d);
  ncd_guard_free_doubles(b, k);
}
END_TEST

Suite *suite_hardening_bad_metrics(void) {
  Suite *s = suite_create("hardening_bad_metrics");
  TCase *tc = tcase_create("bad_metrics");
  tcase_add_test(tc, metrics_bad_input);
  tcase_add_test(tc, accumulator_bad_input_leaves_state);
  tcase_add_test(tc, load_rejects_malformed);
  suite_add_tcase(s, tc);
  return s;
}

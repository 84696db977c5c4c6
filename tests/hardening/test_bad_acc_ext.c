/*
 * test_bad_acc_ext.c - bad-input matrix for the accumulator's peer calls
 * (include/ncdyn.h, additions acc-ext): ncd_nc_acc_pairs,
 * ncd_nc_acc_class_vectors, ncd_nc_acc_erank, ncd_nc_acc_ood_orthodev and the
 * NCD_ACC_SILHOUETTE flag. The table-driven engine (common/badinput.h) checks
 * NULL pointers, a leading dimension one too small, NaN/Inf in the OOD mean
 * and a non-finite exponent, with the state's saved bytes compared before and
 * after every rejected call; enums, missing flags/classifier, empty classes
 * and the OOD input's either/or are checked by hand, and an allocation failure
 * at every point gives NCD_ENOMEM with the outputs untouched; the update
 * matrix of test_bad_metrics.c runs again on NCD_ACC_SILHOUETTE states in
 * both passes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"
#include "hardening/acc_update_matrix.h"
#include "core/core_internal.h"

enum { X_PAIRS, X_CLASSVEC, X_ERANK, X_OOD };

typedef struct {
  ncd_nc_acc *acc;
  size_t d, k;
  double p;
  const double *g;
  size_t ldg;
  double *out, *out2, *out3, *out4, *gram;
  int fn;
} ax_args;

static int call_ax(void *v) {
  ax_args *x = v;
  switch (x->fn) {
  case X_PAIRS:
    return ncd_nc_acc_pairs(x->acc, NCD_CENTRE_CLASS, NCD_PAIR_RIESZ, x->p, x->out, x->out2,
                            x->out3);
  case X_CLASSVEC:
    return ncd_nc_acc_class_vectors(x->acc, NCD_CENTRE_SAMPLE, x->out, x->out2, x->out3, x->out4,
                                    x->gram, x->ldg);
  case X_ERANK:
    return ncd_nc_acc_erank(x->acc, x->out, x->out2);
  default:
    return ncd_nc_acc_ood_orthodev(x->acc, NULL, x->g, NCD_CENTRE_NONE, x->out);
  }
}
static size_t ax_state(void *v, unsigned char *buf, size_t cap) {
  ncd_nc_acc *acc = ((ax_args *)v)->acc;
  size_t len = 0;
  if (!acc) return 0;
  ck_assert_status(ncd_nc_acc_save(acc, buf, cap, &len), NCD_OK);
  return len;
}
static const ncd_bf_field f_pairs[] = {
    {BF_PTR, offsetof(ax_args, acc), BF_NONE, BF_NONE, BF_NONE, "acc"},
    {BF_SCALAR, offsetof(ax_args, p), BF_NONE, BF_NONE, BF_NONE, "p"},
};
static const ncd_bf_field f_classvec[] = {
    {BF_PTR, offsetof(ax_args, acc), BF_NONE, BF_NONE, BF_NONE, "acc"},
    {BF_LD, offsetof(ax_args, ldg), BF_NONE, offsetof(ax_args, k), BF_NONE, "ldg"},
};
static const ncd_bf_field f_erank[] = {
    {BF_PTR, offsetof(ax_args, acc), BF_NONE, BF_NONE, BF_NONE, "acc"},
};
static const ncd_bf_field f_ood[] = {
    {BF_PTR, offsetof(ax_args, acc), BF_NONE, BF_NONE, BF_NONE, "acc"},
    {BF_PTR, offsetof(ax_args, g), BF_NONE, BF_NONE, BF_NONE, "g_mean"},
    {BF_VEC, offsetof(ax_args, g), BF_NONE, offsetof(ax_args, d), BF_NONE, "g_mean"},
    {BF_PTR, offsetof(ax_args, out), BF_NONE, BF_NONE, BF_NONE, "out"},
};

/* A state of n rows (d, k) with every class present, the classifier set. */
static ncd_nc_acc *state(size_t n, size_t d, size_t k, unsigned flags, int clf) {
  ncd_test_rng r;
  ncd_test_seed(&r, 77);
  double *h = malloc(n * d * sizeof(double)), *w = malloc(k * d * sizeof(double));
  int32_t *y = malloc(n * sizeof(int32_t));
  ncd_test_fill_normal(&r, h, n, d, d);
  ncd_test_fill_normal(&r, w, k, d, d);
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  ncd_nc_acc *a = NULL;
  ck_assert_status(ncd_nc_acc_create(d, k, flags, &a), NCD_OK);
  if (clf) ck_assert_status(ncd_nc_acc_set_classifier(a, w, d, NULL), NCD_OK);
  ck_assert_status(ncd_nc_acc_update(a, n, h, d, y), NCD_OK);
  free(h), free(w), free(y);
  return a;
}

START_TEST(acc_ext_matrix) {
  size_t d = 5, k = 3;
  ncd_nc_acc *a = state(30, d, k, NCD_ACC_SCATTER | NCD_ACC_CLASS_SCATTER | NCD_ACC_SILHOUETTE, 1);
  double *o1 = ncd_guard_doubles(NULL, 16), *o2 = ncd_guard_doubles(NULL, 16);
  double *o3 = ncd_guard_doubles(NULL, 16), *o4 = ncd_guard_doubles(NULL, 16);
  double *gram = ncd_guard_doubles(NULL, 16), *g = ncd_guard_doubles(NULL, d);
  for (size_t j = 0; j < d; j++) g[j] = 0.5 + (double)j;
  ax_args v = {a, d, k, 2.0, g, k, o1, o2, o3, o4, gram, X_PAIRS};
  ncd_bf_spec s1 = {"ncd_nc_acc_pairs", sizeof v, BF_FIELDS(f_pairs), call_ax, ax_state};
  ck_assert_int_ge(ncd_bf_run(&s1, &v), 3);
  v.fn = X_CLASSVEC;
  ncd_bf_spec s2 = {"ncd_nc_acc_class_vectors", sizeof v, BF_FIELDS(f_classvec), call_ax, ax_state};
  ck_assert_int_ge(ncd_bf_run(&s2, &v), 2);
  v.fn = X_ERANK;
  ncd_bf_spec s3 = {"ncd_nc_acc_erank", sizeof v, BF_FIELDS(f_erank), call_ax, ax_state};
  ck_assert_int_ge(ncd_bf_run(&s3, &v), 1);
  v.fn = X_OOD;
  ncd_bf_spec s4 = {"ncd_nc_acc_ood_orthodev", sizeof v, BF_FIELDS(f_ood), call_ax, ax_state};
  ck_assert_int_ge(ncd_bf_run(&s4, &v), 5);

  /* enums, exponents, output sets */
  double m, e;
  ck_assert_status(ncd_nc_acc_pairs(a, (ncd_centre)3, NCD_PAIR_DIST, 0, &m, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_pairs(a, (ncd_centre)-1, NCD_PAIR_DIST, 0, &m, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_pairs(a, NCD_CENTRE_SAMPLE, (ncd_pair)-1, 0, &m, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_pairs(a, NCD_CENTRE_SAMPLE, (ncd_pair)(NCD_PAIR_WCOS_UPPER + 1), 0, &m,
                                    NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_pairs(a, NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV, INFINITY, &m, NULL, NULL),
                   NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_pairs(a, NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV, 1.0, NULL, NULL, NULL), NCD_OK);
  ck_assert_status(ncd_nc_acc_class_vectors(a, (ncd_centre)3, o1, NULL, NULL, NULL, NULL, 0), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_class_vectors(a, NCD_CENTRE_SAMPLE, NULL, NULL, NULL, NULL, NULL, 0),
                   NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_erank(a, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_erank(NULL, &e, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_ood_orthodev(a, a, g, NCD_CENTRE_NONE, &m), NCD_EINVAL); /* both */
  ck_assert_status(ncd_nc_acc_ood_orthodev(a, NULL, NULL, NCD_CENTRE_NONE, &m), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_ood_orthodev(a, NULL, g, (ncd_centre)7, &m), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_ood_orthodev(a, a, NULL, NCD_CENTRE_NONE, &m), NCD_OK); /* itself */
  ncd_nc_acc *od = NULL, *oe = NULL;
  ck_assert_status(ncd_nc_acc_create(d + 1, 2, 0, &od), NCD_OK);
  ck_assert_status(ncd_nc_acc_create(d, 2, 0, &oe), NCD_OK);
  ck_assert_status(ncd_nc_acc_ood_orthodev(a, od, NULL, NCD_CENTRE_NONE, &m), NCD_EINVAL); /* d */
  ck_assert_status(ncd_nc_acc_ood_orthodev(a, oe, NULL, NCD_CENTRE_NONE, &m), NCD_EINVAL); /* empty */
  /* a state with an empty class; without classifier or flags */
  ck_assert_status(ncd_nc_acc_pairs(oe, NCD_CENTRE_SAMPLE, NCD_PAIR_DIST, 0, &m, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_class_vectors(oe, NCD_CENTRE_SAMPLE, o1, NULL, NULL, NULL, NULL, 0),
                   NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_erank(oe, &e, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_ood_orthodev(oe, NULL, g, NCD_CENTRE_NONE, &m), NCD_EINVAL);
  ncd_nc_acc *b = state(20, d, k, 0, 0);
  ck_assert_status(ncd_nc_acc_pairs(b, NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, 0, &m, NULL, NULL),
                   NCD_EINVAL);
  for (int i = 0; i < 3; i++) {
    double *outs[3] = {NULL, NULL, NULL};
    outs[i] = o1;
    ck_assert_status(ncd_nc_acc_class_vectors(b, NCD_CENTRE_SAMPLE, NULL, outs[0], outs[1], outs[2],
                                              NULL, 0), NCD_EINVAL);
  }
  ck_assert_status(ncd_nc_acc_class_vectors(b, NCD_CENTRE_SAMPLE, o1, NULL, NULL, NULL, gram, k), NCD_OK);
  ck_assert_status(ncd_nc_acc_erank(b, &e, NULL), NCD_EINVAL); /* no NCD_ACC_SCATTER */
  ck_assert_status(ncd_nc_acc_erank(b, NULL, o1), NCD_EINVAL); /* no NCD_ACC_CLASS_SCATTER */
  /* the flag: unknown bits, merges across it */
  ncd_nc_acc *c = NULL;
  ck_assert_status(ncd_nc_acc_create(d, k, 16, &c), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_create(d, k, NCD_ACC_SILHOUETTE | 16, &c), NCD_EINVAL);
  ck_assert(c == NULL);
  ncd_nc_acc *s = state(20, d, k, NCD_ACC_SILHOUETTE, 0);
  size_t len;
  ck_assert_status(ncd_nc_acc_save(b, NULL, 0, &len), NCD_OK);
  unsigned char *ref = malloc(len);
  ck_assert_status(ncd_nc_acc_save(b, ref, len, &len), NCD_OK);
  ck_assert_status(ncd_nc_acc_merge(b, s), NCD_EINVAL);
  ck_assert_status(ncd_nc_acc_merge(s, b), NCD_EINVAL);
  unsigned char *now = malloc(len);
  ck_assert_status(ncd_nc_acc_save(b, now, len, &len), NCD_OK);
  ck_assert(memcmp(ref, now, len) == 0);
  free(ref), free(now);
  ncd_nc_acc_free(s), ncd_nc_acc_free(b), ncd_nc_acc_free(od), ncd_nc_acc_free(oe);
  ncd_nc_acc_free(a);
  ncd_guard_free_doubles(o1, 16), ncd_guard_free_doubles(o2, 16), ncd_guard_free_doubles(o3, 16);
  ncd_guard_free_doubles(o4, 16), ncd_guard_free_doubles(gram, 16), ncd_guard_free_doubles(g, d);
}
END_TEST

/* An allocation failure at every point: NCD_ENOMEM, outputs untouched. */
START_TEST(acc_ext_faults) {
  size_t d = 4, k = 3;
  ncd_nc_acc *a = state(30, d, k, NCD_ACC_SCATTER | NCD_ACC_CLASS_SCATTER | NCD_ACC_SILHOUETTE, 1);
  ncd_nc_acc *ood = state(12, d, 2, 0, 0);
  double g[4] = {1, 2, 3, 4};
  for (int fn = 0; fn < 5; fn++) {
    int ok = 0;
    for (uint64_t j = 1; !ok && j < 32; j++) {
      double o[4][16];
      for (int i = 0; i < 4; i++)
        for (int l = 0; l < 16; l++) o[i][l] = -7.0;
      ncd__alloc_fail_at(j, 0);
      int st;
      switch (fn) {
      case 0: st = ncd_nc_acc_pairs(a, NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV, 1.0, o[0], o[1], NULL); break;
      case 1: st = ncd_nc_acc_class_vectors(a, NCD_CENTRE_NONE, o[0], o[1], o[2], o[3], NULL, 0); break;
      case 2: st = ncd_nc_acc_erank(a, o[0], o[1]); break;
      case 3: st = ncd_nc_acc_ood_orthodev(a, ood, NULL, NCD_CENTRE_SAMPLE, o[0]); break;
      default: st = ncd_nc_acc_ood_orthodev(a, NULL, g, NCD_CENTRE_CLASS, o[0]); break;
      }
      ncd__alloc_fail_at(0, 0);
      if (st == NCD_OK) ok = 1;
      else {
        ck_assert_status(st, NCD_ENOMEM);
        for (int i = 0; i < 4; i++)
          for (int l = 0; l < 16; l++) ck_assert(o[i][l] == -7.0);
      }
    }
    ck_assert_msg(ok, "function %d never succeeded", fn);
  }
  /* create and load of a v1.1 state (second pass, all new blocks) */
  ncd_nc_options opt = {1e-10, NCD_CENTRE_CLASS};
  ncd_nc_acc *p = NULL;
  ck_assert_status(ncd_nc_acc_set_options(a, &opt), NCD_OK);
  ck_assert_status(ncd_nc_acc_begin_pass2(a), NCD_OK);
  size_t len;
  ck_assert_status(ncd_nc_acc_save(a, NULL, 0, &len), NCD_OK);
  unsigned char *buf = malloc(len);
  ck_assert_status(ncd_nc_acc_save(a, buf, len, &len), NCD_OK);
  int ok = 0;
  for (uint64_t j = 1; !ok && j < 64; j++) {
    ncd__alloc_fail_at(j, 0);
    int st = ncd_nc_acc_load(buf, len, &p);
    ncd_nc_acc *cr = NULL;
    int st2 = ncd_nc_acc_create(d, k, NCD_ACC_SILHOUETTE | NCD_ACC_SCATTER, &cr);
    ncd__alloc_fail_at(0, 0);
    if (st2 == NCD_OK) ncd_nc_acc_free(cr);
    else ck_assert_status(st2, NCD_ENOMEM);
    if (st == NCD_OK) ok = 1;
    else {
      ck_assert_status(st, NCD_ENOMEM);
      ck_assert(p == NULL);
    }
  }
  ck_assert(ok);
  free(buf);
  ncd_nc_acc_free(p);
  ncd_nc_acc_free(a), ncd_nc_acc_free(ood);
}
END_TEST

/* The update matrix of test_bad_metrics.c with NCD_ACC_SILHOUETTE, in both
 * passes: every rejected batch leaves the saved bytes identical. */

START_TEST(silhouette_update_matrix) {
  size_t n = 12, d = 4, k = 3, ld = 6;
  double *h = ncd_guard_doubles(NULL, (n - 1) * ld + d), w[12];
  int32_t *y = ncd_guard_alloc(n * sizeof(int32_t));
  ncd_test_rng r;
  ncd_test_seed(&r, 78);
  ncd_test_fill_normal(&r, h, n, d, ld);
  ncd_test_fill_normal(&r, w, k, d, d);
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  unsigned flags[2] = {NCD_ACC_SILHOUETTE | NCD_ACC_NC4_CLASS, NCD_ACC_SILHOUETTE | NCD_ACC_SCATTER};
  for (int f = 0; f < 2; f++) {
    ncd_nc_acc *a = NULL;
    ck_assert_status(ncd_nc_acc_create(d, k, flags[f], &a), NCD_OK);
    ck_assert_status(ncd_nc_acc_set_classifier(a, w, d, NULL), NCD_OK);
    ck_assert_status(ncd_nc_acc_update(a, n, h, ld, y), NCD_OK);
    up_args v = {a, n, d, k, h, ld, y};
    ncd_bf_spec s = {"ncd_nc_acc_update (NCD_ACC_SILHOUETTE)", sizeof v, BF_FIELDS(up_fields), call_up,
                     acc_state};
    ck_assert_int_gt(ncd_bf_run(&s, &v), 10); /* pass 1 */
    ck_assert_status(ncd_nc_acc_update(a, n, h, ld, y), NCD_OK);
    ck_assert_status(ncd_nc_acc_begin_pass2(a), NCD_OK);
    ck_assert_int_gt(ncd_bf_run(&s, &v), 10); /* pass 2: the valid call takes 12 of 24 rows */
    ncd_nc_acc_free(a);
  }
  ncd_guard_free_doubles(h, (n - 1) * ld + d);
  ncd_guard_free(y, n * sizeof(int32_t));
}
END_TEST

Suite *suite_hardening_bad_acc_ext(void) {
  Suite *s = suite_create("hardening_bad_acc_ext");
  TCase *tc = tcase_create("bad_acc_ext");
  tcase_add_test(tc, acc_ext_matrix);
  tcase_add_test(tc, acc_ext_faults);
  tcase_add_test(tc, silhouette_update_matrix);
  suite_add_tcase(s, tc);
  return s;
}

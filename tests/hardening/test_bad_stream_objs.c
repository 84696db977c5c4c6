/*
 * test_bad_stream_objs.c - bad input for the streaming CKA and NRC objects
 * (ncd_cka_acc_*, ncd_nrc_acc_*; docs/peers.md "Streaming objects"): the
 * table-driven matrix of tests/common/badinput.h on every update twin and on
 * ncd_nrc_acc_metrics, with the saved bytes of the state compared before and
 * after every rejected call; create/merge/value/profile/save/load argument
 * errors; malformed bytes (NCD_EFORMAT); and an allocation-failure sweep
 * (every k-th allocation fails: NCD_ENOMEM, state bytes unchanged, no leak).
 */
#include <stdlib.h>
#include <string.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"
#include "core/core_internal.h"

enum { N = 20, D1 = 4, D2 = 3, LD = 6 };

/* ---- snapshots ---- */
static size_t cka_bytes(const ncd_cka_acc *a, unsigned char *buf, size_t cap) {
  size_t len = 0;
  if (!a) return 0;
  ck_assert_status(ncd_cka_acc_save(a, buf, cap, &len), NCD_OK);
  return len;
}
static size_t nrc_bytes(const ncd_nrc_acc *a, unsigned char *buf, size_t cap) {
  size_t len = 0;
  if (!a) return 0;
  ck_assert_status(ncd_nrc_acc_save(a, buf, cap, &len), NCD_OK);
  return len;
}

/* ---- CKA update ---- */
typedef struct {
  ncd_cka_acc *acc;
  size_t n, d1, d2;
  const void *x;
  size_t ldx;
  const void *z;
  size_t ldz;
} cka_args;
static int call_cka(void *v) {
  cka_args *a = v;
  return ncd_cka_acc_update(a->acc, a->n, a->x, a->ldx, a->z, a->ldz);
}
static int call_cka32(void *v) {
  cka_args *a = v;
  return ncd_cka_acc_update_f32(a->acc, a->n, a->x, a->ldx, a->z, a->ldz);
}
static size_t cka_state(void *v, unsigned char *buf, size_t cap) {
  return cka_bytes(((cka_args *)v)->acc, buf, cap);
}
#define CKA_FIELDS(IN)                                                                          \
  {                                                                                             \
    {BF_PTR, offsetof(cka_args, acc), BF_NONE, BF_NONE, BF_NONE, "acc"},                        \
        {BF_DIM, offsetof(cka_args, n), BF_NONE, BF_NONE, BF_NONE, "n"},                        \
        {BF_PTR, offsetof(cka_args, x), BF_NONE, BF_NONE, BF_NONE, "x"},                        \
        {BF_LD, offsetof(cka_args, ldx), BF_NONE, offsetof(cka_args, d1), BF_NONE, "ldx"},      \
        {IN, offsetof(cka_args, x), offsetof(cka_args, n), offsetof(cka_args, d1),              \
         offsetof(cka_args, ldx), "x"},                                                         \
        {BF_PTR, offsetof(cka_args, z), BF_NONE, BF_NONE, BF_NONE, "z"},                        \
        {BF_LD, offsetof(cka_args, ldz), BF_NONE, offsetof(cka_args, d2), BF_NONE, "ldz"},      \
        {IN, offsetof(cka_args, z), offsetof(cka_args, n), offsetof(cka_args, d2),              \
         offsetof(cka_args, ldz), "z"},                                                         \
  }
static const ncd_bf_field cka_fields[] = CKA_FIELDS(BF_IN);
static const ncd_bf_field cka32_fields[] = CKA_FIELDS(BF_IN32);

/* ---- NRC update ---- */
typedef struct {
  ncd_nrc_acc *acc;
  size_t n, d, m;
  const void *h;
  size_t ldh;
  const void *t;
  size_t ldt;
} nrcu_args;
static int call_nrcu(void *v) {
  nrcu_args *a = v;
  return ncd_nrc_acc_update(a->acc, a->n, a->h, a->ldh, a->t, a->ldt);
}
static int call_nrcu32(void *v) {
  nrcu_args *a = v;
  return ncd_nrc_acc_update_f32(a->acc, a->n, a->h, a->ldh, a->t, a->ldt);
}
static size_t nrcu_state(void *v, unsigned char *buf, size_t cap) {
  return nrc_bytes(((nrcu_args *)v)->acc, buf, cap);
}
#define NRCU_FIELDS(IN)                                                                         \
  {                                                                                             \
    {BF_PTR, offsetof(nrcu_args, acc), BF_NONE, BF_NONE, BF_NONE, "acc"},                       \
        {BF_DIM, offsetof(nrcu_args, n), BF_NONE, BF_NONE, BF_NONE, "n"},                       \
        {BF_PTR, offsetof(nrcu_args, h), BF_NONE, BF_NONE, BF_NONE, "h"},                       \
        {BF_LD, offsetof(nrcu_args, ldh), BF_NONE, offsetof(nrcu_args, d), BF_NONE, "ldh"},     \
        {IN, offsetof(nrcu_args, h), offsetof(nrcu_args, n), offsetof(nrcu_args, d),            \
         offsetof(nrcu_args, ldh), "h"},                                                        \
        {BF_PTR, offsetof(nrcu_args, t), BF_NONE, BF_NONE, BF_NONE, "t"},                       \
        {BF_LD, offsetof(nrcu_args, ldt), BF_NONE, offsetof(nrcu_args, m), BF_NONE, "ldt"},     \
        {IN, offsetof(nrcu_args, t), offsetof(nrcu_args, n), offsetof(nrcu_args, m),            \
         offsetof(nrcu_args, ldt), "t"},                                                        \
  }
static const ncd_bf_field nrcu_fields[] = NRCU_FIELDS(BF_IN);
static const ncd_bf_field nrcu32_fields[] = NRCU_FIELDS(BF_IN32);

/* ---- NRC metrics ---- */
typedef struct {
  ncd_nrc_acc *acc;
  size_t m, d;
  const double *wr;
  size_t ldwr;
  double lo, hi;
  unsigned flags;
  double *out;
} nrcm_args;
static int call_nrcm(void *v) {
  nrcm_args *a = v;
  return ncd_nrc_acc_metrics(a->acc, a->wr, a->ldwr, a->lo, a->hi, a->flags, a->out);
}
static size_t nrcm_state(void *v, unsigned char *buf, size_t cap) {
  return nrc_bytes(((nrcm_args *)v)->acc, buf, cap);
}
static const ncd_bf_field nrcm_fields[] = {
    {BF_PTR, offsetof(nrcm_args, acc), BF_NONE, BF_NONE, BF_NONE, "acc"},
    {BF_LD, offsetof(nrcm_args, ldwr), BF_NONE, offsetof(nrcm_args, d), BF_NONE, "ldwr"},
    {BF_IN, offsetof(nrcm_args, wr), offsetof(nrcm_args, m), offsetof(nrcm_args, d),
     offsetof(nrcm_args, ldwr), "wr"},
    {BF_SCALAR_NONNEG, offsetof(nrcm_args, lo), BF_NONE, BF_NONE, BF_NONE, "gamma_lo"},
    {BF_SCALAR_NONNEG, offsetof(nrcm_args, hi), BF_NONE, BF_NONE, BF_NONE, "gamma_hi"},
    {BF_PTR, offsetof(nrcm_args, out), BF_NONE, BF_NONE, BF_NONE, "out"},
};

static double *data(ncd_test_rng *r, size_t rows, size_t cols) {
  double *p = ncd_guard_doubles(NULL, (rows - 1) * LD + cols);
  ncd_test_fill_normal(r, p, rows, cols, LD);
  return p;
}
static float *data32(const double *src, size_t rows, size_t cols) {
  float *p = ncd_guard_alloc(((rows - 1) * LD + cols) * sizeof(float));
  for (size_t i = 0; i < (rows - 1) * LD + cols; i++) p[i] = (float)src[i];
  return p;
}

START_TEST(cka_bad_input_leaves_state) {
  ncd_test_rng r;
  ncd_test_seed(&r, 1);
  double *x = data(&r, N, D1), *z = data(&r, N, D2);
  float *xf = data32(x, N, D1), *zf = data32(z, N, D2);
  ncd_cka_acc *acc = NULL, *o = NULL;
  ck_assert_status(ncd_cka_acc_create(D1, D2, &acc), NCD_OK);
  ck_assert_status(ncd_cka_acc_update(acc, 5, x, LD, z, LD), NCD_OK); /* non-empty */
  cka_args v = {acc, N, D1, D2, x, LD, z, LD};
  ncd_bf_spec s = {"ncd_cka_acc_update", sizeof v, BF_FIELDS(cka_fields), call_cka, cka_state};
  ck_assert_int_gt(ncd_bf_run(&s, &v), 10);
  cka_args v32 = {acc, N, D1, D2, xf, LD, zf, LD};
  ncd_bf_spec s32 = {"ncd_cka_acc_update_f32", sizeof v32, BF_FIELDS(cka32_fields), call_cka32,
                     cka_state};
  ck_assert_int_gt(ncd_bf_run(&s32, &v32), 10);
  /* create */
  ck_assert_status(ncd_cka_acc_create(0, D2, &o), NCD_EINVAL);
  ck_assert_status(ncd_cka_acc_create(D1, 0, &o), NCD_EINVAL);
  ck_assert_status(ncd_cka_acc_create(D1, D2, NULL), NCD_EINVAL);
  ck_assert_status(ncd_cka_acc_create(SIZE_MAX, 1, &o), NCD_EINVAL);
  ck_assert_status(ncd_cka_acc_create((size_t)1 << 40, (size_t)1 << 40, &o), NCD_EINVAL);
  ck_assert(o == NULL);
  ncd_cka_acc_free(NULL);
  /* merge: sizes, NULL, self; dst unchanged */
  unsigned char before[4096], after[4096];
  size_t lb = cka_bytes(acc, before, sizeof before);
  ck_assert_status(ncd_cka_acc_create(D1, D2 + 1, &o), NCD_OK);
  ck_assert_status(ncd_cka_acc_merge(acc, o), NCD_EINVAL);
  ncd_cka_acc_free(o);
  ck_assert_status(ncd_cka_acc_create(D1 + 1, D2, &o), NCD_OK);
  ck_assert_status(ncd_cka_acc_merge(acc, o), NCD_EINVAL);
  ncd_cka_acc_free(o);
  ck_assert_status(ncd_cka_acc_merge(acc, acc), NCD_EINVAL);
  ck_assert_status(ncd_cka_acc_merge(acc, NULL), NCD_EINVAL);
  ck_assert_status(ncd_cka_acc_merge(NULL, acc), NCD_EINVAL);
  ck_assert_uint_eq(cka_bytes(acc, after, sizeof after), lb);
  ck_assert(memcmp(before, after, lb) == 0);
  /* value */
  double val;
  ck_assert_status(ncd_cka_acc_value(NULL, &val), NCD_EINVAL);
  ck_assert_status(ncd_cka_acc_value(acc, NULL), NCD_EINVAL);
  /* save / load */
  size_t len = 0, len2 = 0;
  ck_assert_status(ncd_cka_acc_save(NULL, NULL, 0, &len), NCD_EINVAL);
  ck_assert_status(ncd_cka_acc_save(acc, NULL, 0, NULL), NCD_EINVAL);
  ck_assert_status(ncd_cka_acc_save(acc, NULL, 0, &len), NCD_OK);
  ck_assert_status(ncd_cka_acc_save(acc, before, len - 1, &len2), NCD_EINVAL);
  ck_assert_status(ncd_cka_acc_save(acc, before, len, &len2), NCD_OK);
  ck_assert_status(ncd_cka_acc_load(NULL, len, &o), NCD_EINVAL);
  ck_assert_status(ncd_cka_acc_load(before, len, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_load(before, len, (ncd_nrc_acc **)&o), NCD_EFORMAT); /* magic */
  memset(after, 0, sizeof after);
  ck_assert_status(ncd_cka_acc_load(after, len, &o), NCD_EFORMAT);
  ck_assert_status(ncd_cka_acc_load(before, len, &o), NCD_OK);
  ncd_cka_acc_free(o);
  ncd_cka_acc_free(acc);
  ncd_guard_free_doubles(x, (N - 1) * LD + D1);
  ncd_guard_free_doubles(z, (N - 1) * LD + D2);
  ncd_guard_free(xf, ((N - 1) * LD + D1) * sizeof(float));
  ncd_guard_free(zf, ((N - 1) * LD + D2) * sizeof(float));
}
END_TEST

START_TEST(nrc_bad_input_leaves_state) {
  enum { D = 4, M = 2 };
  ncd_test_rng r;
  ncd_test_seed(&r, 2);
  double *h = data(&r, N, D), *t = data(&r, N, M), *wr = data(&r, M, D);
  float *hf = data32(h, N, D), *tf = data32(t, N, M);
  double *out = ncd_guard_doubles(NULL, 4), *prof = ncd_guard_doubles(NULL, D);
  unsigned all = NCD_NRC_ACC_TARGETS | NCD_NRC_PCA_CENTRED;
  ncd_nrc_acc *acc = NULL, *o = NULL, *plain = NULL;
  ck_assert_status(ncd_nrc_acc_create(D, M, all, &acc), NCD_OK);
  ck_assert_status(ncd_nrc_acc_update(acc, 6, h, LD, t, LD), NCD_OK);
  nrcu_args v = {acc, N, D, M, h, LD, t, LD};
  ncd_bf_spec s = {"ncd_nrc_acc_update", sizeof v, BF_FIELDS(nrcu_fields), call_nrcu, nrcu_state};
  ck_assert_int_gt(ncd_bf_run(&s, &v), 10);
  nrcu_args v32 = {acc, N, D, M, hf, LD, tf, LD};
  ncd_bf_spec s32 = {"ncd_nrc_acc_update_f32", sizeof v32, BF_FIELDS(nrcu32_fields), call_nrcu32,
                     nrcu_state};
  ck_assert_int_gt(ncd_bf_run(&s32, &v32), 10);
  nrcm_args vm = {acc, M, D, wr, LD, 0.0, 1.0, NCD_NRC_PCA_CENTRED, out};
  ncd_bf_spec sm = {"ncd_nrc_acc_metrics", sizeof vm, BF_FIELDS(nrcm_fields), call_nrcm, nrcm_state};
  ck_assert_int_gt(ncd_bf_run(&sm, &vm), 10);
  ck_assert_status(ncd_nrc_acc_metrics(acc, wr, LD, 0.5, 0.25, 0, out), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_metrics(acc, wr, LD, 0.0, 1.0, 4, out), NCD_EINVAL);
  /* a state without targets: t must be NULL; without PCA_CENTRED: no such flag */
  ck_assert_status(ncd_nrc_acc_create(D, M, 0, &plain), NCD_OK);
  ck_assert_status(ncd_nrc_acc_update(plain, N, h, LD, t, LD), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_update_f32(plain, N, hf, LD, tf, LD), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_metrics(plain, NULL, 0, 0, 1, 0, out), NCD_EINVAL); /* n < m */
  ck_assert_status(ncd_nrc_acc_profile(plain, prof), NCD_EINVAL);                  /* empty */
  ck_assert_status(ncd_nrc_acc_update(plain, N, h, LD, NULL, 0), NCD_OK);
  ck_assert_status(ncd_nrc_acc_metrics(plain, wr, LD, 0, 1, NCD_NRC_PCA_CENTRED, out), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_metrics(plain, wr, LD, 0, 1, 0, out), NCD_OK);
  ck_assert_status(ncd_nrc_acc_profile(plain, prof), NCD_OK);
  ck_assert_status(ncd_nrc_acc_profile(NULL, prof), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_profile(plain, NULL), NCD_EINVAL);
  /* create */
  ck_assert_status(ncd_nrc_acc_create(0, 1, 0, &o), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_create(D, 0, 0, &o), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_create(D, D + 1, 0, &o), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_create(D, M, 8, &o), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_create(D, M, NCD_NRC_NCTB, &o), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_create(SIZE_MAX, 1, 0, &o), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_create(D, M, 0, NULL), NCD_EINVAL);
  ck_assert(o == NULL);
  ncd_nrc_acc_free(NULL);
  /* merge: flags, sizes, NULL, self; dst unchanged */
  unsigned char before[8192], after[8192];
  size_t lb = nrc_bytes(acc, before, sizeof before);
  ck_assert_status(ncd_nrc_acc_merge(acc, plain), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_create(D, M + 1, all, &o), NCD_OK);
  ck_assert_status(ncd_nrc_acc_merge(acc, o), NCD_EINVAL);
  ncd_nrc_acc_free(o);
  ck_assert_status(ncd_nrc_acc_merge(acc, acc), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_merge(acc, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_merge(NULL, acc), NCD_EINVAL);
  ck_assert_uint_eq(nrc_bytes(acc, after, sizeof after), lb);
  ck_assert(memcmp(before, after, lb) == 0);
  /* save / load */
  size_t len = 0, len2 = 0;
  ck_assert_status(ncd_nrc_acc_save(NULL, NULL, 0, &len), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_save(acc, NULL, 0, NULL), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_save(acc, NULL, 0, &len), NCD_OK);
  ck_assert_status(ncd_nrc_acc_save(acc, before, len - 1, &len2), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_save(acc, before, len, &len2), NCD_OK);
  ck_assert_status(ncd_nrc_acc_load(NULL, len, &o), NCD_EINVAL);
  ck_assert_status(ncd_nrc_acc_load(before, len, NULL), NCD_EINVAL);
  ck_assert_status(ncd_cka_acc_load(before, len, (ncd_cka_acc **)&o), NCD_EFORMAT);
  ck_assert_status(ncd_nrc_acc_load(before, 3, &o), NCD_EFORMAT);
  ck_assert_status(ncd_nrc_acc_load(before, len, &o), NCD_OK);
  ncd_nrc_acc_free(o);
  ncd_nrc_acc_free(acc);
  ncd_nrc_acc_free(plain);
  ncd_guard_free_doubles(h, (N - 1) * LD + D);
  ncd_guard_free_doubles(t, (N - 1) * LD + M);
  ncd_guard_free_doubles(wr, (M - 1) * LD + D);
  ncd_guard_free(hf, ((N - 1) * LD + D) * sizeof(float));
  ncd_guard_free(tf, ((N - 1) * LD + M) * sizeof(float));
  ncd_guard_free_doubles(out, 4);
  ncd_guard_free_doubles(prof, D);
}
END_TEST

/* Fail the k-th allocation of each call for k = 1, 2, ... until the call
 * succeeds: NCD_ENOMEM with the state's bytes unchanged, no leak. */
#define SWEEP(SAVE, OBJ, CALL)                                                                  \
  for (uint64_t kf = 1;; kf++) {                                                                \
    unsigned char b0[8192], b1[8192];                                                           \
    size_t l0 = SAVE(OBJ, b0, sizeof b0);                                                       \
    ncd__alloc_counters c0, c1;                                                                 \
    ncd__alloc_get_counters(&c0);                                                               \
    ncd__alloc_fail_at(kf, 0);                                                                  \
    int st_ = (CALL);                                                                           \
    ncd__alloc_fail_at(0, 0);                                                                   \
    if (st_ == NCD_OK) break;                                                                   \
    ck_assert_status(st_, NCD_ENOMEM);                                                          \
    ncd__alloc_get_counters(&c1);                                                               \
    ck_assert_uint_eq(c1.live_bytes, c0.live_bytes);                                            \
    ck_assert_uint_eq(SAVE(OBJ, b1, sizeof b1), l0);                                            \
    ck_assert(memcmp(b0, b1, l0) == 0);                                                         \
    ck_assert(kf < 100);                                                                        \
  }

START_TEST(stream_objs_alloc_failures) {
  enum { D = 4, M = 2 };
  ncd_test_rng r;
  ncd_test_seed(&r, 3);
  double *h = data(&r, N, D), *t = data(&r, N, M), *wr = data(&r, M, D), out[4], prof[D];
  float *hf = data32(h, N, D), *tf = data32(t, N, M);
  unsigned all = NCD_NRC_ACC_TARGETS | NCD_NRC_PCA_CENTRED;
  ncd_nrc_acc *a = NULL, *b = NULL, *o = NULL;
  ncd_cka_acc *ca = NULL, *cb = NULL, *co = NULL;
  for (uint64_t kf = 1;; kf++) { /* create */
    ncd__alloc_fail_at(kf, 0);
    int st = ncd_nrc_acc_create(D, M, all, &a);
    ncd__alloc_fail_at(0, 0);
    if (st == NCD_OK) break;
    ck_assert_status(st, NCD_ENOMEM);
    ck_assert(a == NULL);
  }
  for (uint64_t kf = 1;; kf++) {
    ncd__alloc_fail_at(kf, 0);
    int st = ncd_cka_acc_create(D, M, &ca);
    ncd__alloc_fail_at(0, 0);
    if (st == NCD_OK) break;
    ck_assert_status(st, NCD_ENOMEM);
  }
  ck_assert_status(ncd_nrc_acc_create(D, M, all, &b), NCD_OK);
  ck_assert_status(ncd_cka_acc_create(D, M, &cb), NCD_OK);
  ck_assert_status(ncd_nrc_acc_update(b, N, h, LD, t, LD), NCD_OK);
  ck_assert_status(ncd_cka_acc_update(cb, N, h, LD, t, LD), NCD_OK);
  SWEEP(nrc_bytes, a, ncd_nrc_acc_update(a, N, h, LD, t, LD));
  SWEEP(nrc_bytes, a, ncd_nrc_acc_update_f32(a, N, hf, LD, tf, LD));
  SWEEP(nrc_bytes, a, ncd_nrc_acc_merge(a, b));
  SWEEP(nrc_bytes, a, ncd_nrc_acc_metrics(a, wr, LD, 0, 1, NCD_NRC_PCA_CENTRED, out));
  SWEEP(nrc_bytes, a, ncd_nrc_acc_profile(a, prof));
  SWEEP(cka_bytes, ca, ncd_cka_acc_update(ca, N, h, LD, t, LD));
  SWEEP(cka_bytes, ca, ncd_cka_acc_update_f32(ca, N, hf, LD, tf, LD));
  SWEEP(cka_bytes, ca, ncd_cka_acc_merge(ca, cb));
  unsigned char buf[8192];
  size_t len = nrc_bytes(a, buf, sizeof buf);
  SWEEP(nrc_bytes, a, ncd_nrc_acc_load(buf, len, &o));
  ncd_nrc_acc_free(o);
  len = cka_bytes(ca, buf, sizeof buf);
  SWEEP(cka_bytes, ca, ncd_cka_acc_load(buf, len, &co));
  ncd_cka_acc_free(co);
  ncd_nrc_acc_free(a);
  ncd_nrc_acc_free(b);
  ncd_cka_acc_free(ca);
  ncd_cka_acc_free(cb);
  ncd_guard_free_doubles(h, (N - 1) * LD + D);
  ncd_guard_free_doubles(t, (N - 1) * LD + M);
  ncd_guard_free_doubles(wr, (M - 1) * LD + D);
  ncd_guard_free(hf, ((N - 1) * LD + D) * sizeof(float));
  ncd_guard_free(tf, ((N - 1) * LD + M) * sizeof(float));
}
END_TEST

Suite *suite_hardening_bad_stream_objs(void) {
  Suite *s = suite_create("hardening_bad_stream_objs");
  TCase *tc = tcase_create("streaming CKA / NRC objects");
  tcase_add_test(tc, cka_bad_input_leaves_state);
  tcase_add_test(tc, nrc_bad_input_leaves_state);
  tcase_add_test(tc, stream_objs_alloc_failures);
  suite_add_tcase(s, tc);
  return s;
}

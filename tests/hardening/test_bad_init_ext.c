/*
 * test_bad_init_ext.c - bad-input matrix for the initializers beyond api.md
 * (include/ncdyn.h, init section, and the Hadamard dynamics): float32 and
 * fast twins of the frames, Stiefel rows, frame packing, the ETF and
 * Hadamard UFM initializations, the Paley and support queries, the Walsh
 * spectrum, the reduced GD and flow, the ETF flow time and its inverse.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"

/* frames: simplex ETF f32/fast, Stiefel and twins */
typedef struct { size_t k, d; uint64_t seed; void *m; size_t ldm; int fn; } fr_args;
static int call_fr(void *v) {
  fr_args *x = v;
  switch (x->fn) {
  case 0: return ncd_simplex_etf_f32(x->k, x->d, x->seed, x->m, x->ldm);
  case 1: return ncd_simplex_etf_fast(x->k, x->d, x->seed, x->m, x->ldm);
  case 2: return ncd_stiefel(x->k, x->d, x->seed, x->m, x->ldm);
  case 3: return ncd_stiefel_f32(x->k, x->d, x->seed, x->m, x->ldm);
  case 4: return ncd_stiefel_fast(x->k, x->d, x->seed, x->m, x->ldm);
  default: return ncd_frame_packing(x->k, x->d, x->seed, NCD_FRAME_SEPARATION, x->m, x->ldm, NULL);
  }
}
static const ncd_bf_field etf_f[] = {
    {BF_K2, offsetof(fr_args, k), BF_NONE, BF_NONE, BF_NONE, "k"},
    {BF_PTR, offsetof(fr_args, m), BF_NONE, BF_NONE, BF_NONE, "m"},
    {BF_LD, offsetof(fr_args, ldm), BF_NONE, offsetof(fr_args, d), BF_NONE, "ldm"},
};
static const ncd_bf_field st_f[] = {
    {BF_SIZE, offsetof(fr_args, k), BF_NONE, BF_NONE, BF_NONE, "r"},
    {BF_SIZE, offsetof(fr_args, d), BF_NONE, BF_NONE, BF_NONE, "d"},
    {BF_PTR, offsetof(fr_args, m), BF_NONE, BF_NONE, BF_NONE, "o"},
    {BF_LD, offsetof(fr_args, ldm), BF_NONE, offsetof(fr_args, d), BF_NONE, "ldo"},
};

START_TEST(frames_bad_input) {
  size_t k = 5, d = 6, ld = 7, len = (k - 1) * ld + d;
  double *m = ncd_guard_doubles(NULL, len);
  static const char *names[] = {"ncd_simplex_etf_f32", "ncd_simplex_etf_fast", "ncd_stiefel",
                                "ncd_stiefel_f32", "ncd_stiefel_fast", "ncd_frame_packing"};
  for (int fn = 0; fn < 6; fn++) {
    fr_args a = {k, d, 42, m, ld, fn};
    ncd_bf_spec s = {names[fn], sizeof a, fn < 2 || fn == 5 ? etf_f : st_f, fn < 2 || fn == 5 ? 3 : 4,
                     call_fr, NULL};
    ck_assert_int_ge(ncd_bf_run(&s, &a), 4);
  }
  ck_assert_status(ncd_simplex_etf_fast(5, 3, 1, m, ld), NCD_EINVAL); /* d < k - 1 */
  ck_assert_status(ncd_simplex_etf_f32(5, 3, 1, (float *)m, ld), NCD_EINVAL);
  ck_assert_status(ncd_stiefel(5, 4, 1, m, ld), NCD_EINVAL);          /* d < r */
  ck_assert_status(ncd_stiefel_fast(5, 4, 1, m, ld), NCD_EINVAL);
  ck_assert_status(ncd_stiefel_f32(SIZE_MAX, SIZE_MAX, 1, (float *)m, SIZE_MAX), NCD_EINVAL);
  ck_assert_status(ncd_frame_packing(k, d, 1, 7, m, ld, NULL), NCD_EINVAL); /* bad mode */
  ck_assert_status(ncd_frame_packing(k, 0, 1, NCD_FRAME_COHERENCE, m, ld, NULL), NCD_EINVAL);
  ncd_guard_free_doubles(m, len);
}
END_TEST

/* UFM initializations: ETF (any k) and Hadamard (k = 2^a), double and f32 */
typedef struct {
  size_t n, d, k;
  const int32_t *y;
  double sw, sh;
  const double *vw, *vh;
  void *w;
  size_t ldw;
  void *h;
  size_t ldh;
  int fn;
} ui_args;
static int call_ui(void *v) {
  ui_args *x = v;
  switch (x->fn) {
  case 0: return ncd_etf_ufm_init(x->n, x->d, x->k, x->y, x->sw, x->sh, 3, x->w, x->ldw, x->h, x->ldh);
  case 1: return ncd_hadamard_ufm_init(x->n, x->d, x->k, x->y, x->vw, x->vh, 3, x->w, x->ldw, x->h, x->ldh);
  default: return ncd_hadamard_ufm_init_f32(x->n, x->d, x->k, x->y, x->vw, x->vh, 3, x->w, x->ldw, x->h, x->ldh);
  }
}
#define UI(f) offsetof(ui_args, f)
#define UI_COMMON                                             \
  {BF_DIM, UI(n), BF_NONE, BF_NONE, BF_NONE, "n"},            \
  {BF_DIM, UI(d), BF_NONE, BF_NONE, BF_NONE, "d"},            \
  {BF_PTR, UI(y), BF_NONE, BF_NONE, BF_NONE, "y"},            \
  {BF_LABELS, UI(y), UI(n), UI(k), BF_NONE, "y"},             \
  {BF_PTR, UI(w), BF_NONE, BF_NONE, BF_NONE, "w"},            \
  {BF_LD, UI(ldw), BF_NONE, UI(d), BF_NONE, "ldw"},           \
  {BF_PTR, UI(h), BF_NONE, BF_NONE, BF_NONE, "h"},            \
  {BF_LD, UI(ldh), BF_NONE, UI(d), BF_NONE, "ldh"}
static const ncd_bf_field etfi_f[] = {
    UI_COMMON,
    {BF_K2, UI(k), BF_NONE, BF_NONE, BF_NONE, "k"},
    {BF_SCALAR, UI(sw), BF_NONE, BF_NONE, BF_NONE, "sigma_w"},
    {BF_SCALAR, UI(sh), BF_NONE, BF_NONE, BF_NONE, "sigma_h"},
};
static const ncd_bf_field hadi_f[] = {
    UI_COMMON,
    {BF_PTR, UI(vw), BF_NONE, BF_NONE, BF_NONE, "sigma_w"},
    {BF_VEC, UI(vw), BF_NONE, UI(k), BF_NONE, "sigma_w"},
    {BF_PTR, UI(vh), BF_NONE, BF_NONE, BF_NONE, "sigma_h"},
    {BF_VEC, UI(vh), BF_NONE, UI(k), BF_NONE, "sigma_h"},
};

START_TEST(ufm_init_bad_input) {
  size_t n = 8, d = 5, k = 4, ld = 6;
  double *w = ncd_guard_doubles(NULL, (k - 1) * ld + d), *h = ncd_guard_doubles(NULL, (n - 1) * ld + d);
  int32_t *y = ncd_guard_alloc(n * sizeof(int32_t));
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  double *vw = ncd_guard_doubles((const double[]){0, 1.0, 0.5, 0.25}, k);
  double *vh = ncd_guard_doubles((const double[]){0, 0.5, 1.0, 2.0}, k);
  static const char *names[] = {"ncd_etf_ufm_init", "ncd_hadamard_ufm_init", "ncd_hadamard_ufm_init_f32"};
  for (int fn = 0; fn < 3; fn++) {
    ui_args a = {n, d, k, y, 1.0, 2.0, vw, vh, w, ld, h, ld, fn};
    ncd_bf_spec s = {names[fn], sizeof a, fn == 0 ? etfi_f : hadi_f, fn == 0 ? 11 : 12, call_ui, NULL};
    ck_assert_int_ge(ncd_bf_run(&s, &a), 20);
  }
  int32_t yu[8] = {0, 0, 0, 1, 2, 3, 1, 2}; /* unbalanced */
  ck_assert_status(ncd_etf_ufm_init(n, d, k, yu, 1, 1, 0, w, ld, h, ld), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_ufm_init(n, d, k, yu, vw, vh, 0, w, ld, h, ld), NCD_EINVAL);
  ck_assert_status(ncd_etf_ufm_init(n, 2, k, y, 1, 1, 0, w, ld, h, ld), NCD_EINVAL); /* d < k - 1 */
  int32_t y3[6] = {0, 1, 2, 0, 1, 2};
  ck_assert_status(ncd_hadamard_ufm_init(6, d, 3, y3, vw, vh, 0, w, ld, h, ld), NCD_ENOTSUP);
  ck_assert_status(ncd_hadamard_ufm_init(n, d, 1, y, vw, vh, 0, w, ld, h, ld), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_ufm_init(n, 2, k, y, vw, vh, 0, w, ld, h, ld), NCD_EINVAL); /* r = 3 > d */
  ncd_guard_free_doubles(w, (k - 1) * ld + d);
  ncd_guard_free_doubles(h, (n - 1) * ld + d);
  ncd_guard_free(y, n * sizeof(int32_t));
  ncd_guard_free_doubles(vw, k);
  ncd_guard_free_doubles(vh, k);
}
END_TEST

START_TEST(hadamard_extras_bad_input) {
  float *f = ncd_guard_alloc(8 * 9 * sizeof(float));
  ck_assert_status(ncd_hadamard_f32(8, f, 9), NCD_OK);
  ck_assert_status(ncd_hadamard_f32(8, NULL, 9), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_f32(8, f, 7), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_f32(0, f, 9), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_f32(6, f, 9), NCD_ENOTSUP);
  int kind = -1;
  ck_assert_status(ncd_hadamard_supported(12, &kind), NCD_OK);
  ck_assert_status(ncd_hadamard_supported(12, NULL), NCD_OK);
  ck_assert_status(ncd_hadamard_supported(0, &kind), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_supported((size_t)1 << 32, &kind), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_supported(SIZE_MAX, &kind), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_supported(6, &kind), NCD_ENOTSUP);
  ck_assert_int_eq(kind, NCD_HADAMARD_NONE);
  double *p = ncd_guard_doubles(NULL, 12 * 12);
  ck_assert_status(ncd_hadamard_paley(11, 1, p, 12), NCD_OK);
  ck_assert_status(ncd_hadamard_paley(11, 2, p, 12), NCD_EINVAL); /* 11 = 3 mod 4: kind 1 only */
  ck_assert_status(ncd_hadamard_paley(11, 0, p, 12), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_paley(15, 1, p, 16), NCD_EINVAL); /* not a prime power */
  ck_assert_status(ncd_hadamard_paley(11, 1, NULL, 12), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_paley(11, 1, p, 11), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_paley(((uint64_t)1 << 31) + 11, 1, p, 12), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_paley(UINT64_MAX, 1, p, 12), NCD_EINVAL);
  ncd_guard_free(f, 8 * 9 * sizeof(float));
  ncd_guard_free_doubles(p, 12 * 12);
}
END_TEST

START_TEST(walsh_and_dynamics_bad_input) {
  size_t k = 4;
  double s[4] = {0, 1, 2, 3}, lam[4], oml[4], pi[4], loss;
  ck_assert_status(ncd_walsh_softmax(k, 3, s, lam, oml, pi, &loss), NCD_OK);
  ck_assert_status(ncd_walsh_softmax(k, 3, s, NULL, NULL, NULL, NULL), NCD_OK);
  ck_assert_status(ncd_walsh_softmax(k, 3, NULL, lam, oml, pi, &loss), NCD_EINVAL);
  ck_assert_status(ncd_walsh_softmax(1, 3, s, lam, oml, pi, &loss), NCD_EINVAL);
  ck_assert_status(ncd_walsh_softmax(k, 0, s, lam, oml, pi, &loss), NCD_EINVAL);
  ck_assert_status(ncd_walsh_softmax(6, 3, s, lam, oml, pi, &loss), NCD_ENOTSUP);
  const double bad[3] = {NAN, INFINITY, -INFINITY};
  for (int b = 0; b < 3; b++) {
    double sb[4] = {0, 1, bad[b], 3};
    ck_assert_status(ncd_walsh_softmax(k, 3, sb, lam, oml, pi, &loss), NCD_ENONFINITE);
  }
  /* reduced GD: arrays unchanged on every rejection */
  double sw[4] = {0, 1, 1, 1}, sh[4] = {0, 1, 1, 1}, tr[6];
  ck_assert_status(ncd_hadamard_gd(k, 3, 0.1, 1e-3, 1e-3, 5, sw, sh, tr), NCD_OK);
  double sw0[4], sh0[4];
  memcpy(sw0, sw, sizeof sw);
  memcpy(sh0, sh, sizeof sh);
  ck_assert_status(ncd_hadamard_gd(k, 3, 0.1, 0, 0, 5, NULL, sh, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(k, 3, 0.1, 0, 0, 5, sw, NULL, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(1, 3, 0.1, 0, 0, 5, sw, sh, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(k, 0, 0.1, 0, 0, 5, sw, sh, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(k, 3, -0.1, 0, 0, 5, sw, sh, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(k, 3, 0.1, -1, 0, 5, sw, sh, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(k, 3, 0.1, 0, -1, 5, sw, sh, tr), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_gd(6, 3, 0.1, 0, 0, 5, sw, sh, tr), NCD_ENOTSUP);
  for (int b = 0; b < 3; b++) {
    ck_assert_status(ncd_hadamard_gd(k, 3, bad[b] == -INFINITY ? NAN : bad[b], 0, 0, 5, sw, sh, tr), NCD_ENONFINITE);
    ck_assert_status(ncd_hadamard_gd(k, 3, 0.1, NAN, 0, 5, sw, sh, tr), NCD_ENONFINITE);
    ck_assert_status(ncd_hadamard_gd(k, 3, 0.1, 0, INFINITY, 5, sw, sh, tr), NCD_ENONFINITE);
    double swb[4] = {0, 1, bad[b], 1};
    ck_assert_status(ncd_hadamard_gd(k, 3, 0.1, 0, 0, 5, swb, sh, tr), NCD_ENONFINITE);
    ck_assert_status(ncd_hadamard_gd(k, 3, 0.1, 0, 0, 5, sw, swb, tr), NCD_ENONFINITE);
  }
  ck_assert(memcmp(sw, sw0, sizeof sw) == 0 && memcmp(sh, sh0, sizeof sh) == 0);
  /* reduced flow */
  ck_assert_status(ncd_hadamard_flow(k, 3, 1.0, 1e-10, sw, sh), NCD_OK);
  memcpy(sw0, sw, sizeof sw);
  memcpy(sh0, sh, sizeof sh);
  ck_assert_status(ncd_hadamard_flow(k, 3, 1.0, 1e-10, NULL, sh), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(k, 3, 1.0, 1e-10, sw, NULL), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(1, 3, 1.0, 1e-10, sw, sh), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(k, 0, 1.0, 1e-10, sw, sh), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(k, 3, -1.0, 1e-10, sw, sh), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(k, 3, 1.0, 1e-16, sw, sh), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(k, 3, 1.0, 0.1, sw, sh), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(k, 3, 1.0, NAN, sw, sh), NCD_EINVAL);
  ck_assert_status(ncd_hadamard_flow(6, 3, 1.0, 1e-10, sw, sh), NCD_ENOTSUP);
  ck_assert_status(ncd_hadamard_flow(k, 3, NAN, 1e-10, sw, sh), NCD_ENONFINITE);
  ck_assert_status(ncd_hadamard_flow(k, 3, INFINITY, 1e-10, sw, sh), NCD_ENONFINITE);
  for (int b = 0; b < 3; b++) {
    double swb[4] = {0, 1, bad[b], 1};
    ck_assert_status(ncd_hadamard_flow(k, 3, 1.0, 1e-10, swb, sh), NCD_ENONFINITE);
    ck_assert_status(ncd_hadamard_flow(k, 3, 1.0, 1e-10, sw, swb), NCD_ENONFINITE);
  }
  ck_assert(memcmp(sw, sw0, sizeof sw) == 0 && memcmp(sh, sh0, sizeof sh) == 0);
}
END_TEST

START_TEST(etf_flow_bad_input) {
  double t = 42, u = 42;
  ck_assert_status(ncd_etf_flow_time(4, 10, 0.5, 2.0, &t), NCD_OK);
  ck_assert_status(ncd_etf_flow_u(4, 10, 0.5, t, &u), NCD_OK);
  const double badu[] = {0.0, -1.0, 701.0, NAN, INFINITY, -INFINITY};
  for (size_t i = 0; i < sizeof badu / sizeof *badu; i++) {
    double t1 = 7, u1 = 7;
    ck_assert_status(ncd_etf_flow_time(4, 10, badu[i], 2.0, &t1), NCD_EINVAL);
    ck_assert_status(ncd_etf_flow_time(4, 10, 0.5, badu[i], &t1), NCD_EINVAL);
    ck_assert_status(ncd_etf_flow_u(4, 10, badu[i], 1.0, &u1), NCD_EINVAL);
    ck_assert(t1 == 7 && u1 == 7);
  }
  ck_assert_status(ncd_etf_flow_time(4, 10, 0.5, 2.0, NULL), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_time(1, 10, 0.5, 2.0, &t), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_time(4, 0, 0.5, 2.0, &t), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_u(4, 10, 0.5, 1.0, NULL), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_u(1, 10, 0.5, 1.0, &u), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_u(4, 0, 0.5, 1.0, &u), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_u(4, 10, 0.5, -1.0, &u), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_u(4, 10, 0.5, NAN, &u), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_u(4, 10, 0.5, INFINITY, &u), NCD_EINVAL);
  ck_assert_status(ncd_etf_flow_u(4, 10, 0.5, 1e305, &u), NCD_ENOTSUP);
}
END_TEST

Suite *suite_hardening_bad_init_ext(void) {
  Suite *s = suite_create("hardening_bad_init_ext");
  TCase *tc = tcase_create("bad_init_ext");
  tcase_add_test(tc, frames_bad_input);
  tcase_add_test(tc, ufm_init_bad_input);
  tcase_add_test(tc, hadamard_extras_bad_input);
  tcase_add_test(tc, walsh_and_dynamics_bad_input);
  tcase_add_test(tc, etf_flow_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

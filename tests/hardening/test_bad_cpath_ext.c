/*
 * test_bad_cpath_ext.c - bad-input matrix for the central-path functions
 * beyond api.md's (include/ncdyn.h, central-path section): the float32 LS
 * classifier and MSE decomposition, renormalize and the SNR spectrum (double
 * and float32), omega under either law, the inverse map, the spectral form
 * and the predicted trajectory.
 */
#include <stddef.h>
#include <stdlib.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"

enum { C_LS32, C_DEC32, C_REN, C_REN32, C_SNR, C_SNR32 };
typedef struct {
  size_t n, d, k;
  const void *h;
  size_t ldh;
  const int32_t *y;
  double lambda;
  double *w;
  size_t ldw;
  double *b, *out;
  double *v;
  size_t ldv;
  double *u;
  size_t ldu;
  size_t mk; /* min(k, d) */
  int fn;
} cf_args;
static int call_cf(void *p) {
  cf_args *x = p;
  switch (x->fn) {
  case C_LS32: return ncd_ls_classifier_f32(x->n, x->d, x->k, x->h, x->ldh, x->y, x->lambda, x->w, x->ldw, x->b);
  case C_DEC32: return ncd_mse_decompose_f32(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw, x->b, x->lambda, x->out);
  case C_REN: return ncd_cpath_renormalize(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw);
  case C_REN32: return ncd_cpath_renormalize_f32(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw);
  case C_SNR: return ncd_cpath_snr(x->n, x->d, x->k, x->h, x->ldh, x->y, x->out, x->v, x->ldv, x->u, x->ldu);
  default: return ncd_cpath_snr_f32(x->n, x->d, x->k, x->h, x->ldh, x->y, x->out, x->v, x->ldv, x->u, x->ldu);
  }
}
#define CF(f) offsetof(cf_args, f)
#define CF_FEAT(ktype, htype)                                   \
  {BF_DIM, CF(n), BF_NONE, BF_NONE, BF_NONE, "n"},              \
  {BF_DIM, CF(d), BF_NONE, BF_NONE, BF_NONE, "d"},              \
  {ktype, CF(k), BF_NONE, BF_NONE, BF_NONE, "k"},               \
  {BF_PTR, CF(h), BF_NONE, BF_NONE, BF_NONE, "h"},              \
  {BF_LD, CF(ldh), BF_NONE, CF(d), BF_NONE, "ldh"},             \
  {htype, CF(h), CF(n), CF(d), CF(ldh), "h"},                   \
  {BF_PTR, CF(y), BF_NONE, BF_NONE, BF_NONE, "y"},              \
  {BF_LABELS, CF(y), CF(n), CF(k), BF_NONE, "y"}
static const ncd_bf_field ls32_f[] = {
    CF_FEAT(BF_DIM, BF_IN32),
    {BF_SCALAR_NONNEG, CF(lambda), BF_NONE, BF_NONE, BF_NONE, "lambda"},
    {BF_PTR, CF(w), BF_NONE, BF_NONE, BF_NONE, "w"},
    {BF_LD, CF(ldw), BF_NONE, CF(d), BF_NONE, "ldw"},
};
static const ncd_bf_field dec32_f[] = {
    CF_FEAT(BF_DIM, BF_IN32),
    {BF_SCALAR_NONNEG, CF(lambda), BF_NONE, BF_NONE, BF_NONE, "lambda"},
    {BF_PTR, CF(w), BF_NONE, BF_NONE, BF_NONE, "w"},
    {BF_LD, CF(ldw), BF_NONE, CF(d), BF_NONE, "ldw"},
    {BF_IN, CF(w), CF(k), CF(d), CF(ldw), "w"},
    {BF_VEC, CF(b), BF_NONE, CF(k), BF_NONE, "b"},
    {BF_PTR, CF(out), BF_NONE, BF_NONE, BF_NONE, "out"},
};
#define REN_F(htype)                                            \
  CF_FEAT(BF_K2, htype), {BF_PTR, CF(w), BF_NONE, BF_NONE, BF_NONE, "x"}, \
  {BF_LD, CF(ldw), BF_NONE, CF(d), BF_NONE, "ldx"}
static const ncd_bf_field ren_f[] = {REN_F(BF_IN)};
static const ncd_bf_field ren32_f[] = {REN_F(BF_IN32)};
#define SNR_F(htype)                                            \
  CF_FEAT(BF_K2, htype), {BF_PTR, CF(out), BF_NONE, BF_NONE, BF_NONE, "omega"}, \
  {BF_LD, CF(ldv), BF_NONE, CF(mk), BF_NONE, "ldv"},            \
  {BF_LD, CF(ldu), BF_NONE, CF(mk), BF_NONE, "ldu"}
static const ncd_bf_field snr_f[] = {SNR_F(BF_IN)};
static const ncd_bf_field snr32_f[] = {SNR_F(BF_IN32)};

START_TEST(cpath_features_bad_input) {
  ncd_test_rng r;
  ncd_test_seed(&r, 78);
  size_t n = 24, d = 4, k = 3, ld = 5, lh = (n - 1) * ld + d;
  double *h = ncd_guard_doubles(NULL, lh);
  ncd_test_fill_normal(&r, h, n, d, ld);
  for (size_t i = 0; i < n; i++) h[i * ld + i % d] += 4.0 * (double)(i % k);
  float *hf = ncd_guard_alloc(lh * sizeof(float));
  for (size_t i = 0; i < lh; i++) hf[i] = (float)h[i];
  int32_t *y = ncd_guard_alloc(n * sizeof(int32_t));
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  double *x = ncd_guard_doubles(NULL, lh), *b = ncd_guard_doubles(NULL, k);
  double *out = ncd_guard_doubles(NULL, 4), *v = ncd_guard_doubles(NULL, (k - 1) * 4 + 3);
  double *u = ncd_guard_doubles(NULL, (d - 1) * 4 + 3);
  ncd_test_fill_normal(&r, x, k, d, ld);
  ncd_test_fill_normal(&r, b, 1, k, k);
  static const struct {
    const char *name;
    int fn;
    const ncd_bf_field *f;
    size_t nf;
  } t[] = {{"ncd_ls_classifier_f32", C_LS32, BF_FIELDS(ls32_f)},
           {"ncd_mse_decompose_f32", C_DEC32, BF_FIELDS(dec32_f)},
           {"ncd_cpath_renormalize", C_REN, BF_FIELDS(ren_f)},
           {"ncd_cpath_renormalize_f32", C_REN32, BF_FIELDS(ren32_f)},
           {"ncd_cpath_snr", C_SNR, BF_FIELDS(snr_f)},
           {"ncd_cpath_snr_f32", C_SNR32, BF_FIELDS(snr32_f)}};
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    int f32 = t[i].fn == C_LS32 || t[i].fn == C_DEC32 || t[i].fn == C_REN32 || t[i].fn == C_SNR32;
    /* the decomposition reads w: fill it again (renormalize writes x there) */
    if (t[i].fn == C_DEC32) ncd_test_fill_normal(&r, x, k, d, ld);
    cf_args a = {n, d, k, f32 ? (const void *)hf : (const void *)h, ld, y, 0.1, x, ld, b, out,
                 v, 4, u, 4, 3, t[i].fn};
    ncd_bf_spec s = {t[i].name, sizeof a, t[i].f, t[i].nf, call_cf, NULL};
    ck_assert_int_gt(ncd_bf_run(&s, &a), 20);
  }
  /* n - k < d: Sigma_W singular by CP-14's rank test */
  ck_assert_status(ncd_cpath_snr(6, d, k, h, ld, y, out, NULL, 0, NULL, 0), NCD_ESINGULAR);
  ck_assert_status(ncd_cpath_renormalize(6, d, k, h, ld, y, x, ld), NCD_ESINGULAR);
  /* an empty class */
  int32_t y2[24];
  for (size_t i = 0; i < n; i++) y2[i] = (int32_t)(i % 2);
  ck_assert_status(ncd_cpath_snr(n, d, k, h, ld, y2, out, NULL, 0, NULL, 0), NCD_EINVAL);
  ck_assert_status(ncd_cpath_renormalize_f32(n, d, k, hf, ld, y2, x, ld), NCD_EINVAL);
  ncd_guard_free_doubles(h, lh);
  ncd_guard_free(hf, lh * sizeof(float));
  ncd_guard_free(y, n * sizeof(int32_t));
  ncd_guard_free_doubles(x, lh);
  ncd_guard_free_doubles(b, k);
  ncd_guard_free_doubles(out, 4);
  ncd_guard_free_doubles(v, (k - 1) * 4 + 3);
  ncd_guard_free_doubles(u, (d - 1) * 4 + 3);
}
END_TEST

/* scalar maps: omega under a law, the inverse map */
typedef struct { size_t c, npc; double omega0, t; double *out; int law; } ol_args;
static int call_ol(void *p) {
  ol_args *x = p;
  return x->law < 2 ? ncd_cpath_omega_law(x->c, x->npc, x->omega0, x->t, (ncd_cpath_law)x->law, x->out)
                    : ncd_cpath_time(x->c, x->npc, x->omega0, x->t, (ncd_cpath_law)(x->law - 2), x->out);
}
static const ncd_bf_field ol_f[] = {
    {BF_SIZE, offsetof(ol_args, c), BF_NONE, BF_NONE, BF_NONE, "c"},
    {BF_SIZE, offsetof(ol_args, npc), BF_NONE, BF_NONE, BF_NONE, "n_per_class"},
    {BF_SCALAR_POS, offsetof(ol_args, omega0), BF_NONE, BF_NONE, BF_NONE, "omega0"},
    {BF_SCALAR, offsetof(ol_args, t), BF_NONE, BF_NONE, BF_NONE, "t"},
    {BF_PTR, offsetof(ol_args, out), BF_NONE, BF_NONE, BF_NONE, "out"},
};
static const ncd_bf_field time_f[] = {
    {BF_SIZE, offsetof(ol_args, c), BF_NONE, BF_NONE, BF_NONE, "c"},
    {BF_SIZE, offsetof(ol_args, npc), BF_NONE, BF_NONE, BF_NONE, "n_per_class"},
    {BF_SCALAR_POS, offsetof(ol_args, omega0), BF_NONE, BF_NONE, BF_NONE, "omega0"},
    {BF_SCALAR_POS, offsetof(ol_args, t), BF_NONE, BF_NONE, BF_NONE, "omega"},
    {BF_PTR, offsetof(ol_args, out), BF_NONE, BF_NONE, BF_NONE, "t"},
};

typedef struct { size_t c, m; const double *omega; double *out; } sp_args;
static int call_sp(void *p) { sp_args *x = p; return ncd_cpath_spectral(x->c, x->m, x->omega, x->out); }
static const ncd_bf_field sp_f[] = {
    {BF_SIZE, offsetof(sp_args, c), BF_NONE, BF_NONE, BF_NONE, "c"},
    {BF_SIZE, offsetof(sp_args, m), BF_NONE, BF_NONE, BF_NONE, "m"},
    {BF_PTR, offsetof(sp_args, omega), BF_NONE, BF_NONE, BF_NONE, "omega"},
    {BF_VEC, offsetof(sp_args, omega), BF_NONE, offsetof(sp_args, m), BF_NONE, "omega"},
    {BF_PTR, offsetof(sp_args, out), BF_NONE, BF_NONE, BF_NONE, "out"},
};

typedef struct {
  size_t c, npc, m;
  const double *omega0;
  size_t nt;
  const double *t;
  double *out;
  size_t ldo;
  double *spec;
} tr_args;
static int call_tr(void *p) {
  tr_args *x = p;
  return ncd_cpath_trajectory(x->c, x->npc, NCD_CPATH_ORTHOGONAL, x->m, x->omega0, x->nt, x->t, x->out, x->ldo, x->spec);
}
#define TR(f) offsetof(tr_args, f)
static const ncd_bf_field tr_f[] = {
    {BF_SIZE, TR(c), BF_NONE, BF_NONE, BF_NONE, "c"},
    {BF_SIZE, TR(npc), BF_NONE, BF_NONE, BF_NONE, "n_per_class"},
    {BF_SIZE, TR(m), BF_NONE, BF_NONE, BF_NONE, "m"},
    {BF_PTR, TR(omega0), BF_NONE, BF_NONE, BF_NONE, "omega0"},
    {BF_VEC, TR(omega0), BF_NONE, TR(m), BF_NONE, "omega0"},
    {BF_SIZE, TR(nt), BF_NONE, BF_NONE, BF_NONE, "nt"},
    {BF_PTR, TR(t), BF_NONE, BF_NONE, BF_NONE, "t"},
    {BF_PTR, TR(out), BF_NONE, BF_NONE, BF_NONE, "omega_out"},
    {BF_LD, TR(ldo), BF_NONE, TR(m), BF_NONE, "ldo"},
};

START_TEST(cpath_maps_bad_input) {
  double *o1 = ncd_guard_doubles(NULL, 1);
  for (int law = 0; law < 4; law++) {
    ol_args a = {3, 4, 2.0, law < 2 ? 1.5 : 2.5, o1, law};
    ncd_bf_spec s = {law < 2 ? "ncd_cpath_omega_law" : "ncd_cpath_time", sizeof a,
                     law < 2 ? ol_f : time_f, 5, call_ol, NULL};
    ck_assert_int_ge(ncd_bf_run(&s, &a), 10);
  }
  ck_assert_status(ncd_cpath_omega_law(1, 4, 2.0, 1.0, NCD_CPATH_ORTHOGONAL, o1), NCD_EINVAL);
  ck_assert_status(ncd_cpath_omega_law(3, 4, 2.0, 1.0, (ncd_cpath_law)7, o1), NCD_EINVAL);
  ck_assert_status(ncd_cpath_time(1, 4, 2.0, 1.0, NCD_CPATH_ORTHOGONAL, o1), NCD_EINVAL);
  ck_assert_status(ncd_cpath_time(3, 4, 2.0, 1.0, (ncd_cpath_law)-1, o1), NCD_EINVAL);

  double om[3] = {2.0, 1.0, 0.0};
  double *out4 = ncd_guard_doubles(NULL, 4);
  sp_args sa = {3, 3, om, out4};
  ncd_bf_spec ss = {"ncd_cpath_spectral", sizeof sa, BF_FIELDS(sp_f), call_sp, NULL};
  ck_assert_int_ge(ncd_bf_run(&ss, &sa), 10);
  ck_assert_status(ncd_cpath_spectral(1, 3, om, out4), NCD_EINVAL);
  om[1] = -1.0;
  ck_assert_status(ncd_cpath_spectral(3, 3, om, out4), NCD_EINVAL);
  om[1] = 1.0;

  size_t m = 3, nt = 4, ldo = 5;
  double t[4] = {0.0, 1.0, 10.0, 100.0};
  double *w = ncd_guard_doubles(NULL, (nt - 1) * ldo + m), *spec = ncd_guard_doubles(NULL, nt * 4);
  tr_args ta = {3, 4, m, om, nt, t, w, ldo, spec};
  ncd_bf_spec ts = {"ncd_cpath_trajectory", sizeof ta, BF_FIELDS(tr_f), call_tr, NULL};
  ck_assert_int_ge(ncd_bf_run(&ts, &ta), 14);
  ck_assert_status(ncd_cpath_trajectory(1, 4, NCD_CPATH_ORTHOGONAL, m, om, nt, t, w, ldo, spec), NCD_EINVAL);
  ck_assert_status(ncd_cpath_trajectory(3, 4, (ncd_cpath_law)9, m, om, nt, t, w, ldo, spec), NCD_EINVAL);
  t[2] = NAN;
  ck_assert_status(ncd_cpath_trajectory(3, 4, NCD_CPATH_ORTHOGONAL, m, om, nt, t, w, ldo, spec), NCD_EINVAL);
  t[2] = 10.0;
  om[0] = -2.0;
  ck_assert_status(ncd_cpath_trajectory(3, 4, NCD_CPATH_ORTHOGONAL, m, om, nt, t, w, ldo, NULL), NCD_EINVAL);
  ncd_guard_free_doubles(o1, 1);
  ncd_guard_free_doubles(out4, 4);
  ncd_guard_free_doubles(w, (nt - 1) * ldo + m);
  ncd_guard_free_doubles(spec, nt * 4);
}
END_TEST

Suite *suite_hardening_bad_cpath_ext(void) {
  Suite *s = suite_create("hardening_bad_cpath_ext");
  TCase *tc = tcase_create("bad_cpath_ext");
  tcase_add_test(tc, cpath_features_bad_input);
  tcase_add_test(tc, cpath_maps_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

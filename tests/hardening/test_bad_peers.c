/*
 * test_bad_peers.c - bad-input matrix for the peer-parity metrics
 * (spec/metrics-peers.md; section 6 "Peer parity" of include/ncdyn.h):
 * ncd_nc_metrics_select, ncd_nc_pairs, ncd_nc_erank, ncd_nc_silhouette_cos,
 * ncd_linear_cka, ncd_nc_agreement, ncd_nc_ood_orthodev, ncd_principal_decomp,
 * ncd_nrc1_profile, ncd_nrc_metrics, ncd_nc_class_vectors. The table-driven
 * engine (common/badinput.h) checks NULL, 0 / SIZE_MAX sizes, k < 2, ld one
 * too small, labels -1 and k, NaN/Inf in every input array; the enum, flag and
 * scalar cases the engine has no type for are checked by hand below.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/badinput.h"
#include "common/guard.h"
#include "common/testutil.h"

enum { P_SELECT, P_PAIRS, P_ERANK, P_SIL, P_CKA, P_AGREE, P_OOD, P_PDECOMP, P_NRC1, P_NRC, P_CLASSVEC };

typedef struct {
  size_t n, d, k;
  const double *h;
  size_t ldh;
  const int32_t *y;
  const double *w;
  size_t ldw;
  const double *b;
  const double *m; /* agreement: class means (k x d) */
  size_t ldm;
  size_t n_ood; /* orthodev */
  const double *ho;
  size_t ldo;
  size_t d2; /* cka: z is n x d2 */
  const double *z;
  size_t ldz;
  size_t mm; /* nrc: target dimension */
  const double *t;
  size_t ldt;
  const double *wr;
  size_t ldwr;
  double glo, ghi, p;
  double *out, *out2, *out3, *out4, *out5; /* outputs (sized generously) */
  double *pp; /* principal directions, r x d with ldp */
  size_t ldp;
  double *gram;
  size_t ldg;
  int fn;
} pa_args;

static int call_pa(void *v) {
  pa_args *x = v;
  switch (x->fn) {
  case P_SELECT:
    return ncd_nc_metrics_select(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw, x->b, NULL,
                                 ~(uint64_t)0, x->out, NCD_METRIC_COUNT);
  case P_PAIRS:
    return ncd_nc_pairs(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw, NCD_CENTRE_SAMPLE,
                        NCD_PAIR_WCOS_UPPER, x->p, x->out, x->out2, x->out3);
  case P_ERANK: return ncd_nc_erank(x->n, x->d, x->k, x->h, x->ldh, x->y, x->out, x->out2);
  case P_SIL: return ncd_nc_silhouette_cos(x->n, x->d, x->k, x->h, x->ldh, x->y, x->out, x->out2);
  case P_CKA: return ncd_linear_cka(x->n, x->d, x->h, x->ldh, x->d2, x->z, x->ldz, x->out);
  case P_AGREE:
    return ncd_nc_agreement(x->n, x->d, x->k, x->h, x->ldh, x->y, x->m, x->ldm, x->w, x->ldw, x->b,
                            x->out, x->out2, x->out3);
  case P_OOD:
    return ncd_nc_ood_orthodev(x->n, x->d, x->k, x->h, x->ldh, x->y, x->n_ood, x->ho, x->ldo,
                               NCD_CENTRE_SAMPLE, x->out);
  case P_PDECOMP:
    return ncd_principal_decomp(x->n, x->d, x->h, x->ldh, 1, x->pp, x->ldp, x->out, x->out2);
  case P_NRC1: return ncd_nrc1_profile(x->n, x->d, x->h, x->ldh, x->out);
  case P_NRC:
    return ncd_nrc_metrics(x->n, x->d, x->h, x->ldh, x->mm, x->t, x->ldt, x->wr, x->ldwr, x->glo,
                           x->ghi, 0, x->out);
  default:
    return ncd_nc_class_vectors(x->n, x->d, x->k, x->h, x->ldh, x->y, x->w, x->ldw, NCD_CENTRE_CLASS,
                                x->out, x->out2, x->out3, x->out4, x->gram, x->ldg);
  }
}

#define PA(f) offsetof(pa_args, f)
#define PA_F(type, f, rows, cols, ld, name) {type, PA(f), rows, cols, ld, name}
#define PA_H                                                    \
  PA_F(BF_DIM, n, BF_NONE, BF_NONE, BF_NONE, "n"),              \
  PA_F(BF_DIM, d, BF_NONE, BF_NONE, BF_NONE, "d"),              \
  PA_F(BF_PTR, h, BF_NONE, BF_NONE, BF_NONE, "h"),              \
  PA_F(BF_LD, ldh, BF_NONE, PA(d), BF_NONE, "ldh"),             \
  PA_F(BF_IN, h, PA(n), PA(d), PA(ldh), "h")
#define PA_HY                                                   \
  PA_H,                                                         \
  PA_F(BF_K2, k, BF_NONE, BF_NONE, BF_NONE, "k"),               \
  PA_F(BF_PTR, y, BF_NONE, BF_NONE, BF_NONE, "y"),              \
  PA_F(BF_LABELS, y, PA(n), PA(k), BF_NONE, "y")
#define PA_W                                                    \
  PA_F(BF_PTR, w, BF_NONE, BF_NONE, BF_NONE, "w"),              \
  PA_F(BF_LD, ldw, BF_NONE, PA(d), BF_NONE, "ldw"),             \
  PA_F(BF_IN, w, PA(k), PA(d), PA(ldw), "w")
#define PA_OUT PA_F(BF_PTR, out, BF_NONE, BF_NONE, BF_NONE, "out")

static const ncd_bf_field f_select[] = {
    PA_HY, PA_OUT,
    PA_F(BF_LD, ldw, BF_NONE, PA(d), BF_NONE, "ldw"),
    PA_F(BF_IN, w, PA(k), PA(d), PA(ldw), "w"),
    PA_F(BF_VEC, b, BF_NONE, PA(k), BF_NONE, "b"),
};
static const ncd_bf_field f_pairs[] = {PA_HY, PA_W, PA_F(BF_SCALAR, p, BF_NONE, BF_NONE, BF_NONE, "p")};
static const ncd_bf_field f_hy[] = {PA_HY};
static const ncd_bf_field f_cka[] = {
    PA_H,
    PA_F(BF_DIM, d2, BF_NONE, BF_NONE, BF_NONE, "d2"),
    PA_F(BF_PTR, z, BF_NONE, BF_NONE, BF_NONE, "z"),
    PA_F(BF_LD, ldz, BF_NONE, PA(d2), BF_NONE, "ldz"),
    PA_F(BF_IN, z, PA(n), PA(d2), PA(ldz), "z"),
    PA_OUT,
};
static const ncd_bf_field f_agree[] = {
    PA_HY, PA_W,
    PA_F(BF_PTR, m, BF_NONE, BF_NONE, BF_NONE, "m"),
    PA_F(BF_LD, ldm, BF_NONE, PA(d), BF_NONE, "ldm"),
    PA_F(BF_IN, m, PA(k), PA(d), PA(ldm), "m"),
    PA_F(BF_VEC, b, BF_NONE, PA(k), BF_NONE, "b"),
};
static const ncd_bf_field f_ood[] = {
    PA_HY, PA_OUT,
    PA_F(BF_DIM, n_ood, BF_NONE, BF_NONE, BF_NONE, "n_ood"),
    PA_F(BF_PTR, ho, BF_NONE, BF_NONE, BF_NONE, "h_ood"),
    PA_F(BF_LD, ldo, BF_NONE, PA(d), BF_NONE, "ldo"),
    PA_F(BF_IN, ho, PA(n_ood), PA(d), PA(ldo), "h_ood"),
};
static const ncd_bf_field f_pdecomp[] = {
    PA_H,
    PA_F(BF_PTR, pp, BF_NONE, BF_NONE, BF_NONE, "p"),
    PA_F(BF_LD, ldp, BF_NONE, PA(d), BF_NONE, "ldp"),
};
static const ncd_bf_field f_nrc1[] = {PA_H, PA_OUT};
static const ncd_bf_field f_nrc[] = {
    PA_H, PA_OUT,
    PA_F(BF_SIZE, mm, BF_NONE, BF_NONE, BF_NONE, "m"),
    PA_F(BF_LD, ldt, BF_NONE, PA(mm), BF_NONE, "ldt"),
    PA_F(BF_IN, t, PA(n), PA(mm), PA(ldt), "t"),
    PA_F(BF_LD, ldwr, BF_NONE, PA(d), BF_NONE, "ldwr"),
    PA_F(BF_IN, wr, PA(mm), PA(d), PA(ldwr), "wr"),
    PA_F(BF_SCALAR_NONNEG, glo, BF_NONE, BF_NONE, BF_NONE, "gamma_lo"),
    PA_F(BF_SCALAR, ghi, BF_NONE, BF_NONE, BF_NONE, "gamma_hi"),
};
static const ncd_bf_field f_classvec[] = {
    PA_HY, PA_W,
    PA_F(BF_LD, ldg, BF_NONE, PA(k), BF_NONE, "ldg"),
};

/* guarded inputs: only rows x cols of each buffer are written (the ld gaps
 * keep the guard's 0xA5 bytes) */
typedef struct {
  size_t n, d, k, ld, nood, d2, mm;
  double *h, *w, *b, *m, *ho, *z, *t, *wr;
  int32_t *y;
} data;

static size_t span(size_t rows, size_t cols, size_t ld) { return (rows - 1) * ld + cols; }
static double *filled(ncd_test_rng *r, size_t rows, size_t cols, size_t ld) {
  double *p = ncd_guard_doubles(NULL, span(rows, cols, ld));
  ncd_test_fill_normal(r, p, rows, cols, ld);
  return p;
}

static void make(data *D) {
  ncd_test_rng r;
  ncd_test_seed(&r, 4242);
  D->h = filled(&r, D->n, D->d, D->ld);
  for (size_t i = 0; i < D->n; i++) D->h[i * D->ld] += 3.0 * (double)(i % D->k); /* separated means */
  D->w = filled(&r, D->k, D->d, D->ld);
  D->b = filled(&r, 1, D->k, D->k);
  D->m = filled(&r, D->k, D->d, D->ld);
  D->ho = filled(&r, D->nood, D->d, D->ld);
  for (size_t i = 0; i < D->nood; i++) D->ho[i * D->ld + 1] += 2.0; /* g away from c0 */
  D->z = filled(&r, D->n, D->d2, D->ld);
  D->t = filled(&r, D->n, D->mm, D->ld);
  D->wr = filled(&r, D->mm, D->d, D->ld);
  D->y = ncd_guard_alloc(D->n * sizeof(int32_t));
  for (size_t i = 0; i < D->n; i++) D->y[i] = (int32_t)(i % D->k);
}
static void unmake(data *D) {
  ncd_guard_free_doubles(D->h, span(D->n, D->d, D->ld));
  ncd_guard_free_doubles(D->w, span(D->k, D->d, D->ld));
  ncd_guard_free_doubles(D->b, D->k);
  ncd_guard_free_doubles(D->m, span(D->k, D->d, D->ld));
  ncd_guard_free_doubles(D->ho, span(D->nood, D->d, D->ld));
  ncd_guard_free_doubles(D->z, span(D->n, D->d2, D->ld));
  ncd_guard_free_doubles(D->t, span(D->n, D->mm, D->ld));
  ncd_guard_free_doubles(D->wr, span(D->mm, D->d, D->ld));
  ncd_guard_free(D->y, D->n * sizeof(int32_t));
}

#define OUTLEN 256 /* >= NCD_METRIC_COUNT, n, k(k-1)/2, d */

START_TEST(peers_bad_input) {
  data D = {30, 5, 3, 7, 10, 3, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  make(&D);
  ck_assert_int_le(NCD_METRIC_COUNT, OUTLEN);
  double *o[5];
  for (int i = 0; i < 5; i++) o[i] = ncd_guard_doubles(NULL, OUTLEN);
  size_t r = D.n < D.d ? D.n : D.d, lp = span(r, D.d, D.ld), lg = span(D.k, D.k, D.k + 1);
  double *pp = ncd_guard_doubles(NULL, lp), *gram = ncd_guard_doubles(NULL, lg);
  static const struct {
    const char *name;
    int fn;
    const ncd_bf_field *f;
    size_t nf;
  } tab[] = {
      {"ncd_nc_metrics_select", P_SELECT, BF_FIELDS(f_select)},
      {"ncd_nc_pairs", P_PAIRS, BF_FIELDS(f_pairs)},
      {"ncd_nc_erank", P_ERANK, BF_FIELDS(f_hy)},
      {"ncd_nc_silhouette_cos", P_SIL, BF_FIELDS(f_hy)},
      {"ncd_linear_cka", P_CKA, BF_FIELDS(f_cka)},
      {"ncd_nc_agreement", P_AGREE, BF_FIELDS(f_agree)},
      {"ncd_nc_ood_orthodev", P_OOD, BF_FIELDS(f_ood)},
      {"ncd_principal_decomp", P_PDECOMP, BF_FIELDS(f_pdecomp)},
      {"ncd_nrc1_profile", P_NRC1, BF_FIELDS(f_nrc1)},
      {"ncd_nrc_metrics", P_NRC, BF_FIELDS(f_nrc)},
      {"ncd_nc_class_vectors", P_CLASSVEC, BF_FIELDS(f_classvec)},
  };
  pa_args v0 = {D.n, D.d, D.k, D.h, D.ld, D.y, D.w, D.ld, D.b, D.m, D.ld, D.nood, D.ho, D.ld,
                D.d2, D.z, D.ld, D.mm, D.t, D.ld, D.wr, D.ld, 0.1, 2.0, 1.0,
                o[0], o[1], o[2], o[3], o[4], pp, D.ld, gram, D.k + 1, 0};
  for (size_t i = 0; i < sizeof tab / sizeof *tab; i++) {
    pa_args v = v0;
    v.fn = tab[i].fn;
    ncd_bf_spec s = {tab[i].name, sizeof v, tab[i].f, tab[i].nf, call_pa, NULL};
    ck_assert_int_gt(ncd_bf_run(&s, &v), 10);
  }

  /* enum values, flags, scalars and size relations the engine has no type for */
  size_t n = D.n, d = D.d, k = D.k, ld = D.ld;
  const double *h = D.h, *w = D.w;
  const int32_t *y = D.y;
  double *a = o[0], *b2 = o[1], *c = o[2];
  /* ncd_nc_pairs: unknown which / centre, w NULL for NCD_PAIR_WCOS_UPPER */
  ck_assert_status(ncd_nc_pairs(n, d, k, h, ld, y, NULL, 0, NCD_CENTRE_SAMPLE, NCD_PAIR_DIST, 1.0, a, b2, c), NCD_OK);
  ck_assert_status(ncd_nc_pairs(n, d, k, h, ld, y, w, ld, NCD_CENTRE_SAMPLE, (ncd_pair)(NCD_PAIR_WCOS_UPPER + 1), 1.0, a, b2, c), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs(n, d, k, h, ld, y, w, ld, NCD_CENTRE_SAMPLE, (ncd_pair)-1, 1.0, a, b2, c), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs(n, d, k, h, ld, y, w, ld, (ncd_centre)3, NCD_PAIR_DIST, 1.0, a, b2, c), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs(n, d, k, h, ld, y, w, ld, (ncd_centre)-1, NCD_PAIR_DIST, 1.0, a, b2, c), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs(n, d, k, h, ld, y, NULL, ld, NCD_CENTRE_SAMPLE, NCD_PAIR_WCOS_UPPER, 1.0, a, b2, c), NCD_EINVAL);
  ck_assert_status(ncd_nc_pairs(n, d, k, h, ld, y, w, ld, NCD_CENTRE_SAMPLE, NCD_PAIR_CDNV, NAN, a, b2, c), NCD_EINVAL);
  /* ncd_linear_cka: n < 2 */
  ck_assert_status(ncd_linear_cka(1, d, h, ld, D.d2, D.z, ld, a), NCD_EINVAL);
  /* ncd_nc_agreement: all outputs NULL */
  ck_assert_status(ncd_nc_agreement(n, d, k, h, ld, y, D.m, ld, w, ld, NULL, NULL, NULL, NULL), NCD_EINVAL);
  /* ncd_nc_ood_orthodev: unknown centre */
  ck_assert_status(ncd_nc_ood_orthodev(n, d, k, h, ld, y, D.nood, D.ho, ld, (ncd_centre)3, a), NCD_EINVAL);
  ck_assert_status(ncd_nc_ood_orthodev(n, d, k, h, ld, y, D.nood, D.ho, ld, NCD_CENTRE_NONE, a), NCD_OK);
  /* ncd_principal_decomp: centre not 0 or 1 */
  ck_assert_status(ncd_principal_decomp(n, d, h, ld, 2, pp, ld, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_principal_decomp(n, d, h, ld, -1, pp, ld, NULL, NULL), NCD_EINVAL);
  ck_assert_status(ncd_principal_decomp(n, d, h, ld, 0, pp, ld, NULL, NULL), NCD_OK);
  /* ncd_nrc_metrics: m > min(n, d), gamma_lo > gamma_hi, unknown flags; t and wr optional */
  ck_assert_status(ncd_nrc_metrics(n, d, h, ld, d + 1, NULL, 0, NULL, 0, 0.0, 1.0, 0, a), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics(3, d, h, ld, 4, NULL, 0, NULL, 0, 0.0, 1.0, 0, a), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics(n, d, h, ld, 2, D.t, ld, D.wr, ld, 1.0, 0.5, 0, a), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics(n, d, h, ld, 2, D.t, ld, D.wr, ld, 0.0, 1.0, 4, a), NCD_EINVAL);
  ck_assert_status(ncd_nrc_metrics(n, d, h, ld, 2, D.t, ld, D.wr, ld, 0.0, 1.0,
                                   NCD_NRC_NCTB | NCD_NRC_PCA_CENTRED, a), NCD_OK);
  ck_assert_status(ncd_nrc_metrics(n, d, h, ld, 2, NULL, 0, NULL, 0, 0.0, 1.0, 0, a), NCD_OK);
  /* ncd_nc_class_vectors: unknown centre, w missing for dots, all outputs NULL */
  ck_assert_status(ncd_nc_class_vectors(n, d, k, h, ld, y, w, ld, (ncd_centre)3, a, NULL, NULL, NULL, NULL, 0), NCD_EINVAL);
  ck_assert_status(ncd_nc_class_vectors(n, d, k, h, ld, y, NULL, 0, NCD_CENTRE_CLASS, NULL, b2, NULL, NULL, NULL, 0), NCD_EINVAL);
  ck_assert_status(ncd_nc_class_vectors(n, d, k, h, ld, y, NULL, 0, NCD_CENTRE_CLASS, a, NULL, NULL, NULL, NULL, 0), NCD_OK);
  ck_assert_status(ncd_nc_class_vectors(n, d, k, h, ld, y, w, ld, NCD_CENTRE_CLASS, NULL, NULL, NULL, NULL, NULL, 0), NCD_EINVAL);
  /* ncd_nc_metrics_select: select = 0 computes nothing (all NaN) */
  ck_assert_status(ncd_nc_metrics_select(n, d, k, h, ld, y, w, ld, NULL, NULL, 0, a, NCD_METRIC_COUNT), NCD_OK);
  for (int i = 0; i < NCD_METRIC_COUNT; i++) ck_assert(isnan(a[i]));

  for (int i = 0; i < 5; i++) ncd_guard_free_doubles(o[i], OUTLEN);
  ncd_guard_free_doubles(pp, lp);
  ncd_guard_free_doubles(gram, lg);
  unmake(&D);
}
END_TEST

Suite *suite_hardening_bad_peers(void) {
  Suite *s = suite_create("hardening_bad_peers");
  TCase *tc = tcase_create("bad_peers");
  tcase_add_test(tc, peers_bad_input);
  suite_add_tcase(s, tc);
  return s;
}
